#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# TCP benchmark: the Netloom stack (nlrs-tcpapp on a TAP device) against
# the Linux kernel, measured in one run with one Linux-side program
# (tests/bench/tcp/tcp_kernel.c) on the same machine. Not a test: it
# prints a table, it passes or fails nothing.
#
#   netns nlrs-tbc-PID (Linux, client side)            netns nlrs-tbs-PID (Linux)
#     tap-tb0 192.0.2.1  <== TAP ==>  nlrs-tcpapp 192.0.2.2
#     veth-tb0 198.51.100.1  <======= veth =======>  veth-tb1 198.51.100.2
#     tcp_kernel servers on 192.0.2.1 (for the stack's clients)
#                                                    tcp_kernel servers (reference)
#
# Rows (each "stack" figure next to the same measurement Linux<->Linux):
#   bulk Linux->stack   tcp_kernel send -> nlrs-tcpapp server --mode sink
#   bulk stack->Linux   nlrs-tcpapp client --mode send -> tcp_kernel sink
#   ping-pong 64 B      tcp_kernel rr -> nlrs-tcpapp echo (stack as server),
#                       nlrs-tcpapp --mode rr -> tcp_kernel echo (stack as client);
#                       p50 and p99 of the round-trip time
#   connections/s       connect, 64 B each way, close; 4 at a time
# The reference for every row is tcp_kernel talking to tcp_kernel over the
# veth pair. Throughput is measured by the sender, from its first byte to
# the receiver's close.
#
# Usage: tests/bench/tcp_bench.sh [BUILD_DIR]   (root)
# Environment: NLRS_TCP_BENCH_BYTES (bulk bytes, default 2 GiB),
#   NLRS_TCP_BENCH_RR (round trips, default 20000), NLRS_TCP_BENCH_CRR
#   (connections, default 2000), NLRS_TCP_BENCH_ARGS (extra nlrs-tcpapp
#   options, e.g. "--cc newreno"; default "--offload": the TAP with
#   IFF_VNET_HDR, checksum offload and TSO/GRO; set it to "" for plain
#   1514-byte frames).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${NLRS_BUILD_DIR:-$repo/build}}
BYTES=${NLRS_TCP_BENCH_BYTES:-2147483648}
RR=${NLRS_TCP_BENCH_RR:-20000}
CRR=${NLRS_TCP_BENCH_CRR:-2000}
read -r -a XARGS <<<"${NLRS_TCP_BENCH_ARGS---offload}"
APP=${NLRS_TCPAPP:-$build/tests/integration/tcpapp/nlrs-tcpapp}
c=nlrs-tbc-$$
s=nlrs-tbs-$$
tmp=$(mktemp -d /tmp/nlrs-tcp-bench.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for p in $(ip netns pids "$c" 2>/dev/null) $(ip netns pids "$s" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null || true
	done
	ip netns del "$c" 2>/dev/null || true
	ip netns del "$s" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || { echo "tcp_bench: needs root" >&2; exit 1; }
[ -x "$APP" ] || { echo "tcp_bench: $APP is missing (build first)" >&2; exit 1; }
K=$build/tests/bench/tcp/bench_tcp_kernel
if [ ! -x "$K" ]; then
	K=$tmp/tcp_kernel
	cc -std=gnu11 -O2 -Wall -Wextra -pthread -o "$K" "$repo/tests/bench/tcp/tcp_kernel.c"
fi

ip netns add "$c"
ip netns add "$s"
for n in "$c" "$s"; do
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add veth-tb0 netns "$c" type veth peer name veth-tb1 netns "$s"
ip -n "$c" addr add 198.51.100.1/24 dev veth-tb0
ip -n "$s" addr add 198.51.100.2/24 dev veth-tb1
ip -n "$c" link set veth-tb0 up
ip -n "$s" link set veth-tb1 up
ip netns exec "$c" ip tuntap add dev tap-tb0 mode tap
ip -n "$c" addr add 192.0.2.1/24 dev tap-tb0
ip -n "$c" link set tap-tb0 up

bg() { "$@" >/dev/null 2>&1 & pids+=($!); }
bg ip netns exec "$s" "$K" server 198.51.100.2 5001 sink
bg ip netns exec "$s" "$K" server 198.51.100.2 5002 echo
bg ip netns exec "$c" "$K" server 192.0.2.1 5001 sink
bg ip netns exec "$c" "$K" server 192.0.2.1 5002 echo
sleep 0.3
ip netns exec "$c" ping -c 2 -i 0.2 -W 1 198.51.100.2 >/dev/null

# app LOG ARGS...: nlrs-tcpapp in the client namespace, waits for "ready"
app() {
	local log=$tmp/$1.log
	shift
	ip netns exec "$c" "$APP" --tap tap-tb0 --addr 192.0.2.2/24 --tcp-conns 8192 \
		"${XARGS[@]}" "$@" >"$log" 2>&1 &
	APP_PID=$!
	pids+=("$APP_PID")
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q '^nlrs-tcpapp: ready' "$log" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "tcp_bench: nlrs-tcpapp did not start:" >&2
	cat "$log" >&2
	exit 1
}
app_wait() { # LOG: wait (bounded) for the app, print its RESULT line
	local i
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$APP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$APP_PID" 2>/dev/null || true
	wait "$APP_PID" 2>/dev/null || true
	grep '^RESULT ' "$tmp/$1.log" | tail -n 1
}
res() { # RESULT-LINE EXPR
	python3 -c '
import json, sys
line = sys.argv[1]
if not line.startswith("RESULT "):
    print("-"); sys.exit()
r = json.loads(line[7:])
try:
    v = eval(sys.argv[2], {"r": r})
except Exception:
    v = "-"
print(v)' "$1" "$2"
}
k() { ip netns exec "$c" timeout 120 "$K" "$@" || echo "- - -"; }

echo "tcp_bench: bulk ($BYTES bytes), ping-pong ($RR x 64 B), connections ($CRR)" >&2

# --- bulk
read -r _ _ ref_bulk < <(k send 198.51.100.2 5001 "$BYTES")
app sink server 5001 --mode sink --conns 1
read -r _ _ l2s_bulk < <(k send 192.0.2.2 5001 "$BYTES")
app_wait sink >/dev/null
app send client 192.0.2.1 5001 --mode send --bytes "$BYTES"
r=$(app_wait send)
s2l_bulk=$(res "$r" 'round(r["mbit_s_sent"] / 1000, 2)')

# --- ping-pong
read -r _ ref_p50 ref_p99 < <(k rr 198.51.100.2 5002 "$RR")
app echo server 5002 --mode echo --nodelay --conns 1
read -r _ l2s_p50 l2s_p99 < <(k rr 192.0.2.2 5002 "$RR")
app_wait echo >/dev/null
app rr client 192.0.2.1 5002 --mode rr --count "$RR" --nodelay
r=$(app_wait rr)
s2l_p50=$(res "$r" 'r["rtt_p50_us"]')
s2l_p99=$(res "$r" 'r["rtt_p99_us"]')

# --- connections per second
read -r ref_crr _ _ < <(k crr 198.51.100.2 5002 "$CRR" 4)
app echoc server 5002 --mode echo --nodelay --conns "$CRR" --quiet
read -r l2s_crr _ _ < <(k crr 192.0.2.2 5002 "$CRR" 4)
app_wait echoc >/dev/null
app crr client 192.0.2.1 5002 --mode crr --conns "$CRR" --parallel 4 --nodelay --quiet
r=$(app_wait crr)
s2l_crr=$(res "$r" 'round(r["conns_per_s"])')

row() { # NAME LINUX STACK (ratio stack/Linux)
	awk -v n="$1" -v l="$2" -v s="$3" 'BEGIN {
		if (l + 0 > 0 && s + 0 > 0) r = sprintf("%.2fx", s / l); else r = "-"
		printf "%-36s %14s %14s %10s\n", n, l, s, r }'
}
echo
printf '%-36s %14s %14s %10s\n' "benchmark (TCP)" "Linux veth" "Netloom TAP" "Netloom/Lx"
row "bulk Linux->stack, Gbit/s" "$ref_bulk" "$l2s_bulk"
row "bulk stack->Linux, Gbit/s" "$ref_bulk" "$s2l_bulk"
row "ping-pong 64 B, stack server, p50 us" "$ref_p50" "$l2s_p50"
row "ping-pong 64 B, stack server, p99 us" "$ref_p99" "$l2s_p99"
row "ping-pong 64 B, stack client, p50 us" "$ref_p50" "$s2l_p50"
row "ping-pong 64 B, stack client, p99 us" "$ref_p99" "$s2l_p99"
row "connections/s, stack accepting" "$ref_crr" "$l2s_crr"
row "connections/s, stack connecting" "$ref_crr" "$s2l_crr"
echo
echo "Linux veth: tcp_kernel to tcp_kernel between two namespaces. Netloom TAP: the stack in"
echo "nlrs-tcpapp behind a TAP device, the same tcp_kernel on the Linux side. Ratios: above 1"
echo "means more (Gbit/s, connections/s) or slower (latency) than Linux. Targets (issue 3):"
echo "bulk >= 0.50x each way, ping-pong p50 <= 1.00x."
