#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tshark as the decoding oracle: captures of TCP transfers with the stack
# decode cleanly. No "ACKed unseen segment", no "previous segment not
# captured" in what the stack sent, no bad IPv4 or TCP checksum (tshark
# verifying both) in the stack's frames, in the stack's own capture (--capture: every frame it
# sent and received) and in tcpdump's on the Linux side.
#
#   netns nlrs-t-tcp_tshark-PID
#   Linux 192.0.2.1/24 [ttcpshark] <== TAP ==> [capture] nlrs-tcpapp 192.0.2.2/24
#   tcpdump -i ttcpshark                                  server 7 --mode echo
#   gen | socat (16 MiB each way)  <------------------->
#   python3 receiver :9000         <-- 8 MiB ----------   client --mode send
#
# "Previous segment not captured" in Linux's own segments in the stack's
# capture would be a drop in the kernel's TAP queue (counted in the TAP's
# TX dropped), not the stack's doing: it is only reported, unless the TAP
# dropped nothing.
source "$(dirname "$0")/tcp_lib.sh"
tcp_setup tcp_tshark ttcpshark
nlrs_require_cmd socat tshark tcpdump
SEED=31

nlrs_ns_bg tcpdump tcpdump -n -i ttcpshark -B 65536 -U -w "$TMPD/linux.pcap" tcp
TD_PID=$BG_PID
wait_until 5 "tcpdump to start" grep -q "listening on" "$TMPD/tcpdump.log"

# 1. Linux -> stack -> Linux: 16 MiB echoed
tcp_app echo --capture "$TMPD/stack_srv.pcap" server 7 --mode echo --conns 1 --timeout 60
"$NLRS_TCPAPP" gen --bytes 16M --seed $SEED |
	nlrs_ns timeout 60 socat -t 20 - TCP:$STACK_IP:7 | sha256sum | cut -d' ' -f1 >"$TMPD/echo.sha" ||
	fail "socat through the echo server failed"
tcp_wait 30
assert_eq "nlrs-tcpapp (echo) exit status" 0 "$APP_RC"
assert_eq "16 MiB echoed intact" "$(gen_sha 16777216 $SEED)" "$(cat "$TMPD/echo.sha")"

# 2. stack -> Linux: 8 MiB, the stack opening the connection
py_sink 9000 "$TMPD/rx.out"
tcp_app send --capture "$TMPD/stack_cli.pcap" client $LINUX_IP 9000 --mode send --bytes 8M \
	--seed $SEED --timeout 60
tcp_wait 60
assert_eq "nlrs-tcpapp (send) exit status" 0 "$APP_RC"
wait "$SINK_PID" || fail "the Linux receiver failed"
assert_eq "8 MiB received by Linux" "$(gen_sha 8388608 $SEED) 8388608" "$(cat "$TMPD/rx.out")"

sleep 0.5
kill -INT "$TD_PID" 2>/dev/null || true
wait "$TD_PID" || true
td_drops=$(grep -Eo '[0-9]+ packets dropped by kernel' "$TMPD/tcpdump.log" | cut -d' ' -f1)
tap_drops=$(nlrs_ns cat /sys/class/net/ttcpshark/statistics/tx_dropped)
log "tcpdump: ${td_drops:-?} packets dropped by the kernel; TAP tx_dropped (kernel -> stack): $tap_drops"

TS=(tshark -n -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o tcp.analyze_sequence_numbers:TRUE)
show() { # FILE FILTER: the first offending frames, for the failure message
	"${TS[@]}" -r "$1" -Y "$2" 2>/dev/null | head -n 8
}
# One tshark pass per capture: per TCP frame its source and the analysis
# flags; tally NAME prints how many frames of a kind there are.
tally() { # FILE
	"${TS[@]}" -r "$1" -Y tcp -T fields -E separator=, -e ip.src \
		-e tcp.analysis.ack_lost_segment -e tcp.analysis.lost_segment \
		-e tcp.checksum.status -e ip.checksum.status -e _ws.malformed \
		-e tcp.analysis.retransmission -e tcp.analysis.duplicate_ack \
		-e tcp.analysis.out_of_order -e tcp.analysis.zero_window 2>/dev/null |
		"$PY" -c '
import collections, sys
stack, linux = sys.argv[1], sys.argv[2]
n = collections.Counter()
names = ["ack_lost", "lost", "tcp_csum", "ip_csum", "malformed", "retrans", "dupack", "ooo", "zerowin"]
for line in sys.stdin:
    f = line.rstrip("\n").split(",")
    f += [""] * (10 - len(f))
    who = "stack" if f[0] == stack else "linux" if f[0] == linux else "other"
    n["tcp"] += 1
    for name, v in zip(names, f[1:]):
        if name in ("tcp_csum", "ip_csum"):
            if v == "0":  # PROTO_CHECKSUM_E_BAD
                n["badcsum_" + who] += 1
        elif v:
            n[name] += 1
            n[name + "_" + who] += 1
for k, v in sorted(n.items()):
    print(k, v)
' "$STACK_IP" "$LINUX_IP"
}
check_capture() { # FILE WHAT
	local f=$1 what=$2 t
	t=$(tally "$f")
	get() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' <<<"$t"; }
	assert_ge "TCP frames in $what" "$(get tcp)" 1000
	[ "$(get ack_lost)" -eq 0 ] || show "$f" "tcp.analysis.ack_lost_segment"
	assert_eq "\"ACKed unseen segment\" in $what" 0 "$(get ack_lost)"
	[ "$(get lost_stack)" -eq 0 ] || show "$f" "ip.src==$STACK_IP && tcp.analysis.lost_segment"
	assert_eq "\"previous segment not captured\" in the stack's segments in $what" 0 "$(get lost_stack)"
	if [ "$tap_drops" -eq 0 ] && [ "${td_drops:-0}" -eq 0 ]; then
		[ "$(get lost_linux)" -eq 0 ] || show "$f" "ip.src==$LINUX_IP && tcp.analysis.lost_segment"
		assert_eq "\"previous segment not captured\" in Linux's segments in $what (no queue drops)" 0 "$(get lost_linux)"
	else
		log "\"previous segment not captured\" in Linux's segments in $what: $(get lost_linux) (queues dropped frames)"
	fi
	[ "$(get badcsum_stack)" -eq 0 ] ||
		show "$f" "ip.src==$STACK_IP && (tcp.checksum.status == 0 || ip.checksum.status == 0)"
	assert_eq "bad IPv4/TCP checksums in the stack's frames in $what" 0 "$(get badcsum_stack)"
	# Linux's own frames: bad only under checksum offload (a partial
	# checksum seen before the device completes it), so reported only
	log "bad checksums in Linux's frames in $what: $(get badcsum_linux)"
	assert_eq "malformed frames in $what" 0 "$(get malformed)"
	log "$what: retransmissions by the stack $(get retrans_stack), by Linux $(get retrans_linux); duplicate ACKs $(get dupack); out of order $(get ooo); zero windows from the stack $(get zerowin_stack), from Linux $(get zerowin_linux)"
}
check_capture "$TMPD/stack_srv.pcap" "the stack's capture (server)"
check_capture "$TMPD/stack_cli.pcap" "the stack's capture (client)"
check_capture "$TMPD/linux.pcap" "tcpdump's capture on Linux"
