#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# nlrs-dump against tcpdump and tshark reading one large capture of real
# mixed traffic. Records the capture first, in two namespaces joined by a
# veth pair (offloads off, so frames are wire-sized as on a real link):
# iperf3 TCP and UDP, HTTP downloads with curl, DNS queries to dnsmasq
# with dig, ping; tcpdump -w records it into /tmp until it holds
# NLRS_BENCH_BYTES (default 1 GiB). Then, with the file in the page cache,
# times each reader to /dev/null:
#
#   nlrs-dump -n -r big.pcap     tcpdump -n -r big.pcap     tshark -n -r big.pcap
#
# (best of NLRS_BENCH_RUNS runs, default 3; tshark once, at most
# NLRS_BENCH_TSHARK_SECONDS, default 600) and prints a
# table with the ratios, and how many lines nlrs-dump and tcpdump print
# differently. Deletes the capture and everything else it made on exit.
#
#   netns nlrs-db-c-PID                        netns nlrs-db-s-PID
#     veth-dbc 198.51.100.1/24  <-- veth -->   veth-dbs 198.51.100.2/24
#     tcpdump -w, iperf3 -c, curl, dig, ping   iperf3 -s, python3 http.server, dnsmasq
#
# Usage: tests/bench/dump_bench.sh [BUILD_DIR]   (root; not run by ctest)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${NLRS_BUILD_DIR:-$repo/build}}
dump=${NLRS_DUMP:-$build/tools/dump/nlrs-dump}
want=${NLRS_BENCH_BYTES:-$((1024 * 1024 * 1024))}
runs=${NLRS_BENCH_RUNS:-3}
limit=${NLRS_BENCH_RECORD_SECONDS:-600}
tlimit=${NLRS_BENCH_TSHARK_SECONDS:-600}
c=nlrs-db-c-$$
s=nlrs-db-s-$$
tmp=$(mktemp -d /tmp/nlrs-dump-bench.XXXXXX)
pids=()
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for ns in "$c" "$s"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || { echo "dump_bench: needs root" >&2; exit 1; }
[ -x "$dump" ] || { echo "dump_bench: $dump is missing (build first)" >&2; exit 1; }
for p in tcpdump tshark iperf3 curl dig dnsmasq ethtool capinfos; do
	command -v "$p" >/dev/null || { echo "dump_bench: missing program $p (apt-get install iperf3 curl bind9-dnsutils dnsmasq-base ethtool tshark tcpdump)" >&2; exit 1; }
done

ip netns add "$c"
ip netns add "$s"
ip -n "$c" link set lo up
ip -n "$s" link set lo up
ip link add veth-dbc netns "$c" type veth peer name veth-dbs netns "$s"
ip -n "$c" addr add 198.51.100.1/24 dev veth-dbc
ip -n "$s" addr add 198.51.100.2/24 dev veth-dbs
for ns in "$c" "$s"; do
	dev=veth-dbc
	[ "$ns" = "$s" ] && dev=veth-dbs
	ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
	ip -n "$ns" link set "$dev" up
done

# servers
ip netns exec "$s" iperf3 -s -D -B 198.51.100.2 >/dev/null
mkdir -p "$tmp/www"
head -c $((16 * 1024 * 1024)) /dev/urandom >"$tmp/www/blob"
printf '<html>netloom</html>\n' >"$tmp/www/index.html"
(cd "$tmp/www" && exec ip netns exec "$s" "$PY" -m http.server 8080 --bind 198.51.100.2 >/dev/null 2>&1) &
pids+=($!)
ip netns exec "$s" dnsmasq --no-daemon --no-resolv --no-hosts --listen-address=198.51.100.2 \
	--bind-interfaces --port=53 --address=/example.test/203.0.113.7 --log-facility=/dev/null \
	--pid-file="$tmp/dnsmasq.pid" >/dev/null 2>&1 &
pids+=($!)
for i in $(seq 50); do
	ip netns exec "$c" curl -s -o /dev/null http://198.51.100.2:8080/index.html && break
	sleep 0.1
done

pcap=$tmp/big.pcap
ip netns exec "$c" tcpdump -i veth-dbc -s 0 -B 65536 -Z root -w "$pcap" >"$tmp/tcpdump-rec.log" 2>&1 &
rec=$!
pids+=($rec)
sleep 1
echo "recording mixed traffic into $pcap until it holds $want bytes ..." >&2
start=$SECONDS
round=0
while [ "$(stat -c %s "$pcap" 2>/dev/null || echo 0)" -lt "$want" ] && [ $((SECONDS - start)) -lt "$limit" ]; do
	round=$((round + 1))
	ip netns exec "$c" iperf3 -c 198.51.100.2 -t 3 -P 2 >/dev/null 2>&1 || true
	ip netns exec "$c" iperf3 -c 198.51.100.2 -u -b 300M -l 1200 -t 1 >/dev/null 2>&1 || true
	for i in $(seq 4); do
		ip netns exec "$c" curl -s -o /dev/null http://198.51.100.2:8080/blob || true
		ip netns exec "$c" curl -s -o /dev/null http://198.51.100.2:8080/index.html || true
	done
	for i in $(seq 100); do
		echo "host$i.example.test"
	done >"$tmp/names"
	ip netns exec "$c" dig +tries=1 +time=1 @198.51.100.2 -f "$tmp/names" >/dev/null 2>&1 || true
	ip netns exec "$c" ping -f -c 2000 -s 56 198.51.100.2 >/dev/null 2>&1 || true
	printf '\r%d MB after round %d' $(($(stat -c %s "$pcap") / 1048576)) "$round" >&2
done
echo >&2
kill -INT "$rec"
wait "$rec" 2>/dev/null || true
size=$(stat -c %s "$pcap")
packets=$(capinfos -c -M "$pcap" 2>/dev/null | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
echo "capture: $size bytes, $packets packets ($(tail -n 3 "$tmp/tcpdump-rec.log" | tr '\n' ' '))" >&2

cat "$pcap" >/dev/null # into the page cache

# best wall-clock seconds of N runs of CMD (stdout to /dev/null)
best() {
	local n=$1
	shift
	local b="" t0 t1 t
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>"$tmp/err" || true
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

t_nl=$(best "$runs" "$dump" -n -r "$pcap")
t_td=$(best "$runs" tcpdump -n -r "$pcap")
# tshark can take minutes on some captures (its TCP analysis): bounded
t0=$(date +%s.%N)
ts_note=""
timeout "$tlimit" tshark -n -r "$pcap" >/dev/null 2>&1 || { [ $? -eq 124 ] && ts_note=" (stopped at the limit)"; }
t_ts=$(echo "$(date +%s.%N) - $t0" | bc -l)

# what the capture holds, by protocol
"$dump" -r "$pcap" --stats 2>/dev/null | sed -n '/^protocols/,/^$/p' >"$tmp/mix.txt" || true

# how alike the two outputs are
"$dump" -n -r "$pcap" 2>/dev/null >"$tmp/nl.txt" || true
tcpdump -n -r "$pcap" 2>/dev/null >"$tmp/td.txt" || true
lines=$(wc -l <"$tmp/td.txt")
differ=$(diff "$tmp/td.txt" "$tmp/nl.txt" | grep -c '^>' || true)
rm -f "$tmp/nl.txt" "$tmp/td.txt"

row() { # name seconds
	awk -v n="$1" -v t="$2" -v p="$packets" -v s="$size" -v td="$t_td" 'BEGIN {
		printf "| %-28s | %8.2f | %12.0f | %8.0f | %7.2fx |\n", n, t, p / t, s / t / 1048576, td / t }'
}
echo
echo "Reading one capture of mixed traffic ($((size / 1048576)) MiB, $packets packets; iperf3, curl, dig, ping) to /dev/null:"
echo
echo "| reader                       | seconds  | packets/s    | MiB/s    | vs tcpdump |"
echo "|------------------------------|----------|--------------|----------|------------|"
row "nlrs-dump -n -r (best of $runs)" "$t_nl"
row "tcpdump -n -r (best of $runs)" "$t_td"
row "tshark -n -r (1 run)$ts_note" "$t_ts"
echo
echo "nlrs-dump printed $differ of $lines lines differently from tcpdump."
echo
echo "The capture, by protocol (nlrs-dump --stats):"
cat "$tmp/mix.txt"
