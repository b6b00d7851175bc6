#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Live capture: nlrs-dump and tcpdump capture the same traffic on the same
# veth, with the same filter, at the same time; both print (-n -t) and
# write a pcap (-w with --print). The lines they print (without
# timestamps: each capture socket stamps received frames itself) must be
# the same, line for line, and so must what tshark reads from the two
# files; both count the same packets captured. Traffic the filter
# excludes must be absent. nlrs-dump must
# have dropped root (to the tcpdump user, else nobody) while capturing,
# and -c must end a capture by itself.
#
#   +--- netns nlrs-t-dump_live-PID ---+        +--- netns nlrs-t-dump_live_peer-PID ---+
#   | dl0 192.0.2.1/24 2001:db8::1/64  |<-veth->| dl1 192.0.2.2/24 2001:db8::2/64       |
#   | nlrs-dump -i dl0, tcpdump -i dl0 |        | socat TCP echo :8080                  |
#   | ping, ping -6, socat (UDP, TCP)  |        |                                       |
#   +----------------------------------+        +---------------------------------------+
source "$(dirname "$0")/lib.sh"
nlrs_setup dump_live
nlrs_require_cmd tcpdump tshark ping socat
DUMP=${NLRS_DUMP:-$NLRS_BUILD_DIR/tools/dump/nlrs-dump}
nlrs_require_prog "$DUMP"
chmod 755 "$TMPD"
nlrs_add_ns peer PEER

ip link add dl0 netns "$NS" type veth peer name dl1 netns "$PEER"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.dl0.disable_ipv6=0
ip netns exec "$PEER" sysctl -qw net.ipv6.conf.dl1.disable_ipv6=0
ip -n "$NS" addr add 192.0.2.1/24 dev dl0
ip -n "$PEER" addr add 192.0.2.2/24 dev dl1
ip -n "$NS" addr add 2001:db8::1/64 dev dl0 nodad
ip -n "$PEER" addr add 2001:db8::2/64 dev dl1 nodad
ip -n "$NS" link set dl0 up
ip -n "$PEER" link set dl1 up
# no router solicitations or MLD reports in the middle of the capture
ip netns exec "$NS" sysctl -qw net.ipv6.conf.dl0.router_solicitations=0 net.ipv6.conf.all.force_mld_version=2
# the pair comes up asynchronously: wait until both families pass
wait_until 10 "the veth pair passes IPv4" ip netns exec "$NS" ping -c 1 -W 1 192.0.2.2
wait_until 10 "the veth pair passes IPv6" ip netns exec "$NS" ping -6 -c 1 -W 1 2001:db8::2

nlrs_bg peer_echo ip netns exec "$PEER" socat TCP6-LISTEN:8080,reuseaddr,fork,ipv6only=0 EXEC:/bin/cat

# (ICMPv6 echo only: neighbour discovery may come at any time, also while
# the two captures are being stopped)
FILTER='icmp or (icmp6 and (icmp6[icmp6type] == icmp6-echo or icmp6[icmp6type] == icmp6-echoreply)) or udp port 7777 or tcp port 8080'
# stdout of each to a .txt, stderr to a .log (sanitizer reports are looked for there)
nlrs_bg ndump bash -c "exec ip netns exec '$NS' '$DUMP' -n -t -l -i dl0 -w '$TMPD/n.pcap' --print '$FILTER' >'$TMPD/n.txt'"
NPID=$BG_PID
nlrs_bg tdump bash -c "exec ip netns exec '$NS' tcpdump -n -t -l -i dl0 -Z root -w '$TMPD/t.pcap' --print '$FILTER' >'$TMPD/t.txt'"
TPID=$BG_PID
wait_until 10 "nlrs-dump listening" grep -q 'listening on dl0' "$TMPD/ndump.log"
wait_until 10 "tcpdump listening" grep -q 'listening on dl0' "$TMPD/tdump.log"
log "$(grep 'listening' "$TMPD/ndump.log")"

# nlrs-dump now runs without root
uid=$(awk '/^Uid:/ { print $3 }' "/proc/$NPID/status")
want=$(id -u tcpdump 2>/dev/null || id -u nobody)
assert_eq "nlrs-dump's effective uid while capturing" "$want" "$uid"
assert_eq "nlrs-dump's effective capabilities while capturing" 0000000000000000 \
	"$(awk '/^CapEff:/ { print $2 }' "/proc/$NPID/status")"

# traffic: 4 pings each way of IP, UDP to 7777 (port unreachable comes
# back), UDP to 9999 (not in the filter; its ICMP error is), a TCP echo
ip netns exec "$NS" ping -c 4 -i 0.2 -W 2 192.0.2.2 >/dev/null || fail "ping"
ip netns exec "$NS" ping -6 -c 4 -i 0.2 -W 2 2001:db8::2 >/dev/null || fail "ping -6"
for i in 1 2 3; do
	# fixed source ports: tcpdump gives some ports printers of their own
	# (49152 is Broadcom LI) that an ephemeral one could hit
	printf 'netloom %s' "$i" | ip netns exec "$NS" socat -u - UDP4:192.0.2.2:7777,sourceport=4000$i
	sleep 1.1 # the kernel's ICMP rate limit: one error per second
done
printf 'excluded' | ip netns exec "$NS" socat -u - UDP4:192.0.2.2:9999,sourceport=40009
got=$(printf 'hello netloom\n' | ip netns exec "$NS" socat -t 2 -T 5 - TCP4:192.0.2.2:8080,sourceport=41001) || true
assert_eq "TCP echo through the peer" "hello netloom" "$got"
got=$(printf 'hello v6\n' | ip netns exec "$NS" socat -t 2 -T 5 - TCP6:[2001:db8::2]:8080,sourceport=41002) || true
assert_eq "TCP echo over IPv6" "hello v6" "$got"
sleep 1

kill -INT "$NPID" "$TPID"
NRC=0
TRC=0
wait "$NPID" || NRC=$?
wait "$TPID" || TRC=$?
assert_eq "nlrs-dump exit status after SIGINT" 0 "$NRC"
assert_eq "tcpdump exit status after SIGINT" 0 "$TRC"
cat "$TMPD/ndump.log"
ncap=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$TMPD/ndump.log")
tcap=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$TMPD/tdump.log")
assert_int "nlrs-dump's packets captured" "$ncap"
assert_eq "packets captured: nlrs-dump as tcpdump" "$tcap" "$ncap"
assert_ge "packets captured" "$ncap" 30
assert_contains "statistics" "packets received by filter" "$(cat "$TMPD/ndump.log")"
assert_contains "statistics" "packets dropped by kernel" "$(cat "$TMPD/ndump.log")"

sed '/^$/d' "$TMPD/n.txt" >"$TMPD/n.lines"
sed '/^$/d' "$TMPD/t.txt" >"$TMPD/t.lines"
assert_eq "printed lines: nlrs-dump as tcpdump" "$(wc -l <"$TMPD/t.lines")" "$(wc -l <"$TMPD/n.lines")"
if ! diff -u "$TMPD/t.lines" "$TMPD/n.lines" >"$TMPD/lines.diff"; then
	head -n 40 "$TMPD/lines.diff"
	fail "nlrs-dump printed other lines than tcpdump (- tcpdump, + nlrs-dump)"
fi
log "ok: the same $(wc -l <"$TMPD/n.lines") lines as tcpdump"
n=$(cat "$TMPD/n.lines")
assert_contains "echo requests" "ICMP echo request" "$n"
assert_contains "ICMPv6 echo" "ICMP6, echo request" "$n"
assert_contains "UDP to 7777" "192.0.2.1." "$n"
assert_contains "port unreachable" "udp port 7777 unreachable" "$n"
assert_contains "TCP handshake" "Flags [S]" "$n"
assert_not_contains "the filter kept UDP to 9999 out" ".9999: UDP" "$n"

fields() { tshark -n -r "$1" -T fields -e frame.len -e frame.cap_len -e eth.src \
	-e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e tcp.seq_raw -e tcp.flags -e udp.length -e icmp.type \
	-e icmpv6.type 2>/dev/null; }
assert_eq "tshark reads the same packets from both files" "$(fields "$TMPD/t.pcap" | md5sum)" \
	"$(fields "$TMPD/n.pcap" | md5sum)"
assert_eq "packets in nlrs-dump's file" "$ncap" "$(fields "$TMPD/n.pcap" | wc -l)"
assert_eq "owner of nlrs-dump's file (dropped privileges)" "$(id -un "$want")" "$(stat -c %U "$TMPD/n.pcap")"

# -c ends a capture by itself; -p and a filter still apply
nlrs_bg dumpc bash -c "exec ip netns exec '$NS' '$DUMP' -n -c 3 -p -i dl0 icmp >'$TMPD/c.txt'"
CPID=$BG_PID
wait_until 10 "nlrs-dump -c listening" grep -q 'listening on dl0' "$TMPD/dumpc.log"
ip netns exec "$NS" ping -c 4 -i 0.2 -W 2 192.0.2.2 >/dev/null || true
CRC=0
for ((i = 0; i < 50; i++)); do kill -0 "$CPID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$CPID" 2>/dev/null && fail "nlrs-dump -c 3 did not stop by itself"
wait "$CPID" || CRC=$?
assert_eq "nlrs-dump -c 3 exit status" 0 "$CRC"
assert_eq "nlrs-dump -c 3 lines" 3 "$(sed '/^$/d' "$TMPD/c.txt" | wc -l)"
assert_contains "-c 3 statistics" "3 packets captured" "$(cat "$TMPD/dumpc.log")"

# -G in a live capture follows the clock: with -W 2 the capture stops by
# itself when the third period begins, leaving two files
mkdir -p "$TMPD/g" && chmod 777 "$TMPD/g"
nlrs_bg dumpg ip netns exec "$NS" "$DUMP" -i dl0 -w "$TMPD/g/live-%s.pcap" -G 1 -W 2 icmp
GPID=$BG_PID
wait_until 10 "nlrs-dump -G listening" grep -q 'listening on dl0' "$TMPD/dumpg.log"
for ((i = 0; i < 40; i++)); do
	kill -0 "$GPID" 2>/dev/null || break
	ip netns exec "$NS" ping -c 1 -W 1 192.0.2.2 >/dev/null || true
	sleep 0.2
done
kill -0 "$GPID" 2>/dev/null && fail "nlrs-dump -G 1 -W 2 did not stop by itself"
GRC=0
wait "$GPID" || GRC=$?
assert_eq "nlrs-dump -G 1 -W 2 exit status" 0 "$GRC"
assert_contains "-G -W message" "Maximum file limit reached: 2" "$(cat "$TMPD/dumpg.log")"
assert_eq "-G 1 -W 2: files" 2 "$(ls "$TMPD/g" | wc -l)"
gp=0
for f in "$TMPD"/g/*; do gp=$((gp + $(tshark -r "$f" 2>/dev/null | wc -l))); done
assert_ge "-G: packets in the two files" "$gp" 1

# errors that name the problem
out=$(ip netns exec "$NS" "$DUMP" -i no-such-if0 2>&1) && fail "a missing interface was accepted"
assert_contains "missing interface message" "no-such-if0" "$out"
out=$(ip netns exec "$NS" "$DUMP" -i dl0 'port 99999' 2>&1) && fail "a bad filter was accepted"
assert_contains "bad filter message" "99999" "$out"
out=$(ip netns exec "$NS" "$DUMP" -D 2>&1) || fail "-D failed: $out"
assert_match "-D lists dl0" '^[0-9]+\.dl0 \[' "$out"
