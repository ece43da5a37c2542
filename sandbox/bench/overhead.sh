#!/bin/sh
# Start-to-exec overhead of `airlock run -- /bin/true` next to
# `bwrap --unshare-all` and `unshare`, interleaved in one loop; prints the
# median (p50) of each in ms and airlock's ratio to bwrap.
#   sandbox/bench/overhead.sh [ITERATIONS]   (default 200)
set -eu
cd "$(dirname "$0")/../.."
n=${1:-200}
bin=$(mktemp -d)/airlock
go build -o "$bin" ./cmd/airlock
echo "== airlock CLI ($bin)"
AIRLOCK_BIN="$bin" go test -run '^$' -bench BenchmarkStartOverhead -benchtime "${n}x" ./sandbox/
echo "== airlock library (sandbox.Run)"
go test -run '^$' -bench BenchmarkStartOverhead -benchtime "${n}x" ./sandbox/
rm -rf "$(dirname "$bin")"
