#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Capture: nlrsd --pcap-file records what the stack receives and sends;
# after 3 pings and one UDP echo, and a clean stop, tshark reads the file
# and finds exactly those echo requests/replies and the UDP payload both
# ways.
#
#   netns nlrs-t-capture-PID
#   Linux 192.0.2.1/24 [tcap] <== TAP ==> nlrsd 192.0.2.2/24 --pcap-file TMPDIR/cap.pcap
source "$(dirname "$0")/lib.sh"
nlrs_setup capture
nlrs_require_cmd ping socat tshark od
TAP=tcap
PCAP=$TMPD/cap.pcap

nlrs_start_nlrsd $TAP --udp-echo 7 --pcap-file "$PCAP"
nlrs_linux_side $TAP
out=$(nlrs_ns ping -c 3 -i 0.2 -W 2 $STACK_IP 2>&1) || true
assert_eq "pings answered" 3 "$(ping_received "$out")"
msg="netloom-capture-$$-$RANDOM"
got=$(printf '%s' "$msg" | nlrs_ns socat -t 1 -T 5 - UDP4:$STACK_IP:7) || true
assert_eq "UDP echo" "$msg" "$got"

nlrs_stop_nlrsd TERM
assert_eq "nlrsd exit status after SIGTERM" 0 "$NLRSD_RC"
[ -s "$PCAP" ] || fail "no capture file $PCAP"

tshark -r "$PCAP" >"$TMPD/tshark.log" 2>&1 || fail "tshark cannot read $PCAP: $(cat "$TMPD/tshark.log")"
cat "$TMPD/tshark.log"
count() { tshark -r "$PCAP" -Y "$1" 2>/dev/null | wc -l; }
assert_eq "echo requests in the capture" 3 "$(count "icmp.type == 8 && ip.dst == $STACK_IP")"
assert_eq "echo replies in the capture" 3 "$(count "icmp.type == 0 && ip.src == $STACK_IP")"
hex=$(printf '%s' "$msg" | od -An -v -tx1 | tr -d " \n")
fields() { tshark -r "$PCAP" -Y "$1" -T fields -e udp.payload 2>/dev/null | tr -d ':\n'; }
assert_eq "UDP payload to port 7 (tshark)" "$hex" "$(fields "udp.dstport == 7")"
assert_eq "UDP payload from port 7 (tshark)" "$hex" "$(fields "udp.srcport == 7")"
assert_ge "ARP frames in the capture" "$(count arp)" 1
