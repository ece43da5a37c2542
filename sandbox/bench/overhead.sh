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
# With cgo, as installed (see docs/sandbox.md): the sandbox init then runs
# in C before the Go runtime starts.
go build -o "$dir/airlock-run" ./sandbox/cmd/airlock-run
chmod 755 "$dir"
bench() { go test -run '^$' -bench BenchmarkStartOverhead -benchtime "${n}x" ./sandbox/ | grep Benchmark; }
echo "== airlock CLI (airlock run) with airlock-run installed next to it"
AIRLOCK_BIN="$dir/airlock" bench
echo "== library: sandbox.Run with airlock-run as the init"
AIRLOCK_INIT_BIN="$dir/airlock-run" bench
mv "$dir/airlock-run" "$dir/airlock-run.off"
echo "== airlock CLI alone (re-executes itself as the init)"
AIRLOCK_BIN="$dir/airlock" bench
echo "== library: sandbox.Run re-executing the test binary"
bench
