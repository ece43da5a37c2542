#!/bin/sh
# Start-to-exec overhead of `airlock run -- /bin/true` next to
# `bwrap --unshare-all` and `unshare`, interleaved in one loop; prints the
# median (p50) of each in ms and airlock's ratio to bwrap.
#   sandbox/bench/overhead.sh [ITERATIONS]   (default 200)
set -eu
cd "$(dirname "$0")/../.."
n=${1:-200}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/airlock" ./cmd/airlock
go build -o "$dir/airlock-sandbox-init" ./sandbox/cmd/airlock-sandbox-init
chmod 755 "$dir"
bench() { go test -run '^$' -bench BenchmarkStartOverhead -benchtime "${n}x" ./sandbox/ | grep Benchmark; }
echo "== airlock CLI with airlock-sandbox-init installed next to it"
AIRLOCK_BIN="$dir/airlock" bench
echo "== airlock CLI re-executing itself (no helper)"
mv "$dir/airlock-sandbox-init" "$dir/helper.off"
AIRLOCK_BIN="$dir/airlock" bench
echo "== library: sandbox.Run with airlock-sandbox-init"
AIRLOCK_INIT_BIN="$dir/helper.off" bench
echo "== library: sandbox.Run re-executing the test binary"
bench
