#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Client library benchmark: a program using libnlrs's client API
# (nlrs-client-test) -> shared-memory rings -> nlrsd -> TAP -> Linux,
# next to the same measurement with Linux sockets on both ends of a veth
# pair, in one run, with one Linux-side program (tests/bench/tcp/tcp_kernel.c).
# Not a test: it prints a table, it passes or fails nothing.
#
#   netns nlrs-cbc-PID                                   netns nlrs-cbs-PID
#     tap-cb0 192.0.2.1  <== TAP ==>  nlrsd 192.0.2.2 <--shm--> app (root netns)
#     tcp_kernel sink :5001, echo :5002 (for the app)
#     tap-cb1 203.0.113.1 <== TAP ==> nlrs-tcpapp 203.0.113.2 (the same stack,
#     tcp_kernel sink :5001, echo :5002        embedded: no IPC)
#     veth-cb0 198.51.100.1  <======= veth =======>  veth-cb1 198.51.100.2
#                                                    tcp_kernel sink/echo (reference)
#
# Rows: bulk app->Linux (app sends, Linux sink), bulk Linux->app (tcp_kernel
# sends, the app receives), 64-byte ping-pong with the app as client and as
# server (p50, p99 of the round trip). Columns: tcp_kernel to tcp_kernel over
# the veth pair (reference); the client library through nlrsd; the same
# stack embedded in nlrs-tcpapp on a TAP (what the IPC costs is the
# difference between the last two).
#
# Usage: tests/bench/client_bench.sh [BUILD_DIR]   (root)
# Environment: NLRS_CLIENT_BENCH_MIB (bulk MiB, default 512),
#   NLRS_CLIENT_BENCH_RR (round trips, default 10000).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${NLRS_BUILD_DIR:-$repo/build}}
MIB=${NLRS_CLIENT_BENCH_MIB:-512}
RR=${NLRS_CLIENT_BENCH_RR:-10000}
APP=${NLRS_CLIENT_TEST:-$build/tests/integration/client/nlrs-client-test}
TCPAPP=${NLRS_TCPAPP:-$build/tests/integration/tcpapp/nlrs-tcpapp}
NLRSD=${NLRSD:-$build/stack/nlrsd/nlrsd}
c=nlrs-cbc-$$
s=nlrs-cbs-$$
tmp=$(mktemp -d /tmp/nlrs-client-bench.XXXXXX)
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

[ "$(id -u)" -eq 0 ] || { echo "client_bench: needs root" >&2; exit 1; }
for p in "$APP" "$NLRSD"; do
	[ -x "$p" ] || { echo "client_bench: $p is missing (build first)" >&2; exit 1; }
done
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
ip link add veth-cb0 netns "$c" type veth peer name veth-cb1 netns "$s"
ip -n "$c" addr add 198.51.100.1/24 dev veth-cb0
ip -n "$s" addr add 198.51.100.2/24 dev veth-cb1
ip -n "$c" link set veth-cb0 up
ip -n "$s" link set veth-cb1 up
ip netns exec "$c" ip tuntap add dev tap-cb1 mode tap
ip -n "$c" addr add 203.0.113.1/24 dev tap-cb1
ip -n "$c" link set tap-cb1 up

bg() { "$@" >/dev/null 2>&1 & pids+=($!); }
sock=$tmp/nlrsd.sock
ip netns exec "$c" "$NLRSD" --tap tap-cb0 --addr 192.0.2.2/24 --socket "$sock" \
	--log-level warn >"$tmp/nlrsd.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 100; i++)); do
	[ -S "$sock.app" ] && ip -n "$c" link show tap-cb0 >/dev/null 2>&1 && break
	sleep 0.1
done
[ -S "$sock.app" ] || { echo "client_bench: nlrsd did not start" >&2; cat "$tmp/nlrsd.log" >&2; exit 1; }
ip -n "$c" addr add 192.0.2.1/24 dev tap-cb0
ip -n "$c" link set tap-cb0 up
export NLRS_SOCKET=$sock

bg ip netns exec "$s" "$K" server 198.51.100.2 5001 sink
bg ip netns exec "$s" "$K" server 198.51.100.2 5002 echo
bg ip netns exec "$c" "$K" server 192.0.2.1 5001 sink
bg ip netns exec "$c" "$K" server 192.0.2.1 5002 echo
bg ip netns exec "$c" "$K" server 203.0.113.1 5001 sink
bg ip netns exec "$c" "$K" server 203.0.113.1 5002 echo
sleep 0.3
ip netns exec "$c" ping -c 2 -i 0.2 -W 1 198.51.100.2 >/dev/null
ip netns exec "$c" ping -c 2 -i 0.2 -W 1 192.0.2.2 >/dev/null
bytes=$((MIB << 20))

k() { ip netns exec "$c" timeout 120 "$K" "$@" || echo "- - -"; }
# emb LOG ARGS...: nlrs-tcpapp (the stack embedded) on tap-cb1; returns
# once it is ready (servers) or has ended (clients)
emb() {
	local log=$tmp/$1.log i
	shift
	EMB=
	[ -x "$TCPAPP" ] || return 0
	ip netns exec "$c" "$TCPAPP" --tap tap-cb1 --addr 203.0.113.2/24 "$@" >"$log" 2>&1 &
	EMB=$!
	pids+=("$EMB")
	for ((i = 0; i < 100; i++)); do
		grep -q '^nlrs-tcpapp: ready' "$log" 2>/dev/null && break
		kill -0 "$EMB" 2>/dev/null || break
		sleep 0.05
	done
}
emb_result() { # wait (bounded) for nlrs-tcpapp, print its RESULT line
	local i
	[ -n "$EMB" ] || return 0
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$EMB" 2>/dev/null || break
		sleep 0.1
	done
	kill "$EMB" 2>/dev/null || true
	wait "$EMB" 2>/dev/null || true
	grep -h '^RESULT ' "$tmp"/emb*.log 2>/dev/null | tail -n 1 || true
	rm -f "$tmp"/emb*.log
}
res() { # RESULT-LINE EXPR
	python3 -c '
import json, sys
line = sys.argv[1]
if not line.startswith("RESULT "):
    print("-"); sys.exit()
try:
    print(eval(sys.argv[2], {"r": json.loads(line[7:])}))
except Exception:
    print("-")' "$1" "$2"
}
field() { grep -o "$1=[0-9.]*" <<<"$2" | cut -d= -f2 || echo -; }

echo "client_bench: bulk ($MIB MiB), ping-pong ($RR x 64 B)" >&2

# --- bulk
read -r _ _ ref_bulk < <(k send 198.51.100.2 5001 "$bytes")
out=$(timeout 120 "$APP" stream 192.0.2.1 5001 "$MIB" || true)
a2l_bulk=$(awk -v m="$(field MBps "$out")" 'BEGIN { if (m + 0 > 0) printf "%.2f", m * 8 / 1000; else print "-" }')
: >"$tmp/serve.log"
"$APP" serve 5003 recv >/dev/null 2>"$tmp/serve.log" &
SP=$!
pids+=("$SP")
for ((i = 0; i < 50; i++)); do grep -q listening "$tmp/serve.log" && break; sleep 0.1; done
read -r _ _ l2a_bulk < <(k send 192.0.2.2 5003 "$bytes")
wait "$SP" 2>/dev/null || true
emb emb-send client 203.0.113.1 5001 --mode send --bytes "$bytes"
e_a2l_bulk=$(res "$(emb_result)" 'round(r["mbit_s_sent"] / 1000, 2)')
emb emb-sink server 5001 --mode sink --conns 1
read -r _ _ e_l2a_bulk < <(k send 203.0.113.2 5001 "$bytes")
emb_result >/dev/null

# --- ping-pong
read -r _ ref_p50 ref_p99 < <(k rr 198.51.100.2 5002 "$RR")
out=$(timeout 120 "$APP" pingpong 192.0.2.1 5002 "$RR" 64 || true)
ac_p50=$(field p50_us "$out")
ac_p99=$(field p99_us "$out")
: >"$tmp/pong.log"
"$APP" pong 5004 2>"$tmp/pong.log" &
PP=$!
pids+=("$PP")
for ((i = 0; i < 50; i++)); do grep -q listening "$tmp/pong.log" && break; sleep 0.1; done
read -r _ as_p50 as_p99 < <(k rr 192.0.2.2 5004 "$RR")
wait "$PP" 2>/dev/null || true
emb emb-rr client 203.0.113.1 5002 --mode rr --count "$RR" --nodelay
r=$(emb_result)
e_ac_p50=$(res "$r" 'r["rtt_p50_us"]')
e_ac_p99=$(res "$r" 'r["rtt_p99_us"]')
emb emb-echo server 5002 --mode echo --nodelay --conns 1
read -r _ e_as_p50 e_as_p99 < <(k rr 203.0.113.2 5002 "$RR")
emb_result >/dev/null

row() { # NAME LINUX CLIENT EMBEDDED
	awk -v n="$1" -v l="$2" -v s="$3" -v e="$4" 'BEGIN {
		if (l + 0 > 0 && s + 0 > 0) r = sprintf("%.2fx", s / l); else r = "-"
		if (l + 0 > 0 && e + 0 > 0) q = sprintf("%.2fx", e / l); else q = "-"
		printf "%-36s %10s %14s %8s %12s %8s\n", n, l, s, r, e, q }'
}
echo
printf '%-36s %10s %14s %8s %12s %8s\n' "benchmark (TCP)" "Linux veth" "client->nlrsd" "/Linux" \
	"embedded" "/Linux"
row "bulk app->Linux, Gbit/s" "$ref_bulk" "$a2l_bulk" "$e_a2l_bulk"
row "bulk Linux->app, Gbit/s" "$ref_bulk" "$l2a_bulk" "$e_l2a_bulk"
row "ping-pong 64 B, app client, p50 us" "$ref_p50" "$ac_p50" "$e_ac_p50"
row "ping-pong 64 B, app client, p99 us" "$ref_p99" "$ac_p99" "$e_ac_p99"
row "ping-pong 64 B, app server, p50 us" "$ref_p50" "$as_p50" "$e_as_p50"
row "ping-pong 64 B, app server, p99 us" "$ref_p99" "$as_p99" "$e_as_p99"
echo
echo "Linux veth: tcp_kernel to tcp_kernel between two namespaces. client->nlrsd: nlrs-client-test"
echo "(the client library) -> shared-memory rings -> nlrsd -> TAP -> the same tcp_kernel."
echo "embedded: the same stack inside nlrs-tcpapp on a TAP (no IPC). Ratios above 1 mean"
echo "more (Gbit/s) or slower (latency) than Linux."
