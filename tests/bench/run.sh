#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Benchmarks: Netloom (nlrsd, and libnlrs embedded) against the Linux
# kernel's stack, measured in the same run with the same client.
#
#   netns nlrs-bc-$$ (client, Linux)                 netns nlrs-bs-$$ (Linux server)
#     tap-b0 192.0.2.1  <- TAP ->  nlrsd 192.0.2.2
#     veth-b0 198.51.100.1  <------ veth ------>  veth-b1 198.51.100.2 (udp_echo_kernel)
#     tap-b1 203.0.113.1 <- TAP -> example_udp_echo 203.0.113.2 (libnlrs embedded)
#
# Usage: tests/bench/run.sh [BUILD_DIR]   (root; prints a table; no pass/fail)
# Absolute numbers on shared machines are noisy; read the ratios.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${NLRS_BUILD_DIR:-$repo/build}}
count=${NLRS_BENCH_COUNT:-20000}
c=nlrs-bc-$$
srv=nlrs-bs-$$
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$c" 2>/dev/null || true
	ip netns del "$srv" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

for b in stack/nlrsd/nlrsd tests/bench/bench_udp_rr tests/bench/bench_udp_echo_kernel \
	tests/examples/example_udp_echo; do
	[ -x "$build/$b" ] || { echo "bench: $build/$b is missing (build first)" >&2; exit 1; }
done

ip netns add "$c"
ip netns add "$srv"
ip -n "$c" link set lo up
ip link add veth-b0 netns "$c" type veth peer name veth-b1 netns "$srv"
ip -n "$c" addr add 198.51.100.1/24 dev veth-b0
ip -n "$srv" addr add 198.51.100.2/24 dev veth-b1
ip -n "$c" link set veth-b0 up
ip -n "$srv" link set veth-b1 up
ip netns exec "$srv" "$build/tests/bench/bench_udp_echo_kernel" 198.51.100.2 7 & pids+=($!)

ip netns exec "$c" "$build/stack/nlrsd/nlrsd" --tap tap-b0 --addr 192.0.2.2/24 --udp-echo 7 \
	--socket "$tmp/nlrsd.sock" --log-level warn & pids+=($!)
ip netns exec "$c" "$build/tests/examples/example_udp_echo" tap-b1 203.0.113.2/24 7 \
	>/dev/null & pids+=($!)
for i in $(seq 50); do
	ip -n "$c" link show tap-b0 >/dev/null 2>&1 && ip -n "$c" link show tap-b1 >/dev/null 2>&1 && break
	sleep 0.1
done
ip -n "$c" addr add 192.0.2.1/24 dev tap-b0
ip -n "$c" addr add 203.0.113.1/24 dev tap-b1
ip -n "$c" link set tap-b0 up
ip -n "$c" link set tap-b1 up
# Warm up ARP on every path.
for a in 192.0.2.2 198.51.100.2 203.0.113.2; do
	ip netns exec "$c" ping -c 2 -i 0.2 -W 1 "$a" >/dev/null
done

rr() { ip netns exec "$c" "$build/tests/bench/bench_udp_rr" "$1" 7 "$2" "$count"; }
pingf() { # average rtt in microseconds of a bounded ping flood
	ip netns exec "$c" ping -f -q -c "$count" -w 30 -s "$2" "$1" |
		awk -F'/' '/rtt/ { printf "%.1f", $5 * 1000 }'
}

printf '\n%-28s %14s %14s %14s %10s %10s\n' "benchmark ($count each)" "Linux kernel" "nlrsd" \
	"libnlrs embed" "nlrsd/Lx" "embed/Lx"
row() { # name linux nlrsd embed higher_is_better
	awk -v n="$1" -v l="$2" -v d="$3" -v e="$4" 'BEGIN {
		printf "%-28s %14s %14s %14s %9.2fx %9.2fx\n", n, l, d, e, (l>0?d/l:0), (l>0?e/l:0) }'
}
for size in 64 1400 8000; do
	read -r lt lp50 lp99 _ < <(rr 198.51.100.2 $size)
	read -r nt np50 np99 _ < <(rr 192.0.2.2 $size)
	read -r et ep50 ep99 _ < <(rr 203.0.113.2 $size)
	row "udp echo $size B: trans/s" "$lt" "$nt" "$et"
	row "udp echo $size B: p50 us" "$lp50" "$np50" "$ep50"
	row "udp echo $size B: p99 us" "$lp99" "$np99" "$ep99"
done
for size in 56 1400; do
	row "ping -f $size B: avg rtt us" "$(pingf 198.51.100.2 $size)" "$(pingf 192.0.2.2 $size)" \
		"$(pingf 203.0.113.2 $size)"
done
echo
echo "Linux: kernel UDP echo over veth. nlrsd/libnlrs: userspace stack behind a TAP device"
echo "(each packet also crosses the kernel's TAP driver). Ratios: >1 means more (trans/s) or"
echo "slower (latency) than Linux."
