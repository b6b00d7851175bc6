#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fault injection on the device (smoltcp's option names).
#  1. --drop-chance 50 drops half the frames each way: of 200 echo requests
#     about 100 reach the stack (icmp_echo_replies) and about 50 replies
#     reach Linux (~75% loss). Bounds are wide (> 4 sigma).
#  2. --size-limit 600 drops larger frames: ping -s 100 is answered,
#     ping -s 1000 -M do (one 1042-byte frame, no fragmentation) is not.
#  3. --rx-rate-limit 5 --shaping-interval 1000: of 40 requests in 2 s only
#     about 5 per second get in.
#  4. --corrupt-chance 100 flips a bit in every frame: nlrsd drops nearly
#     all of them under a named reason (checksums, MACs, types) and stays up.
#
#   netns nlrs-t-fault-PID
#   Linux 192.0.2.1/24 [tfault] <== TAP ==> [fault injector] nlrsd 192.0.2.2/24
#   (static neighbour entry for nlrsd)                        mac 02:00:00:00:0f:01
source "$(dirname "$0")/lib.sh"
nlrs_setup fault
nlrs_require_cmd ping
TAP=tfault
MAC=02:00:00:00:0f:01

# Teach nlrsd Linux's MAC through the lossy link: ARP requests from Linux
# (half of them arrive). Linux itself never ARPs: static entry.
teach_arp() {
	nlrs_ns ip neigh replace $STACK_IP lladdr $MAC nud permanent dev $TAP
	nlrs_ns "$PY" -c '
import sys
from scapy.all import ARP, Ether, conf, get_if_hwaddr, sendp
conf.verb = 0
i = sys.argv[1]
m = get_if_hwaddr(i)
sendp([Ether(dst="ff:ff:ff:ff:ff:ff", src=m) /
       ARP(op=1, hwsrc=m, psrc=sys.argv[2], pdst=sys.argv[3])] * 40, iface=i, inter=0.005)
' $TAP $LINUX_IP $STACK_IP
	has_arp() { [ "$(nlrs_json arp "len([e for e in d['arp'] if e['address'] == '$LINUX_IP'])")" = 1 ]; }
	wait_until 5 "nlrsd's ARP entry for $LINUX_IP" has_arp
}

# 1. drop chance
nlrs_start_nlrsd $TAP --mac $MAC --drop-chance 50
nlrs_linux_side $TAP
teach_arp
rep0=$(counter icmp_echo_replies)
out=$(nlrs_ns ping -c 200 -i 0.01 -W 1 -q $STACK_IP 2>&1) || true
echo "$out"
recv=$(ping_received "$out")
reps=$(($(counter icmp_echo_replies) - rep0))
nlrs_json interfaces "d['interfaces']"
assert_between "echo requests that reached nlrsd (of 200)" "$reps" 50 150
assert_between "echo replies that reached Linux (of 200)" "$recv" 10 90
assert_le "replies received <= replies nlrsd sent" "$recv" "$reps"
assert_between "packet loss %" "$(ping_loss "$out")" 55 95
# Injected drops are visible in nlrsctl: about half of the 200 requests, the
# ~40 ARP requests and the ~100 replies, on the interface that dropped them.
fdrops=$(nlrs_json interfaces "d['interfaces'][0]['fault_drops']")
assert_between "fault_drops shown by nlrsctl" "$fdrops" 80 250
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"

# 2. size limit
nlrs_start_nlrsd $TAP --mac $MAC --size-limit 600
nlrs_ns ip addr flush dev $TAP
nlrs_linux_side $TAP
nlrs_ns ip neigh replace $STACK_IP lladdr $MAC nud permanent dev $TAP
rep0=$(counter icmp_echo_replies)
out=$(nlrs_ns ping -c 3 -i 0.2 -W 2 -s 100 $STACK_IP 2>&1) || true
assert_eq "100-byte pings answered under --size-limit 600" 3 "$(ping_received "$out")"
out=$(nlrs_ns ping -c 3 -i 0.2 -W 1 -s 1000 -M "do" $STACK_IP 2>&1) || true
echo "$out"
assert_eq "1000-byte pings answered under --size-limit 600" 0 "$(ping_received "$out")"
assert_eq "icmp_echo_replies growth (only the small ones)" 3 $(($(counter icmp_echo_replies) - rep0))
nlrs_nlrsd_alive
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"

# 3. receive rate limit
nlrs_start_nlrsd $TAP --mac $MAC --rx-rate-limit 5 --shaping-interval 1000
nlrs_linux_side $TAP
nlrs_ns ip neigh replace $STACK_IP lladdr $MAC nud permanent dev $TAP
rep0=$(counter icmp_echo_replies)
start=$(date +%s%N)
out=$(nlrs_ns ping -c 40 -i 0.05 -W 1 -q $STACK_IP 2>&1) || true
secs=$((($(date +%s%N) - start + 999999999) / 1000000000))
echo "$out"
reps=$(($(counter icmp_echo_replies) - rep0))
# At most 5 frames per started second get in (one of them may be ARP).
assert_between "echo requests let in by a 5/s bucket over ${secs}s" "$reps" 3 $((5 * (secs + 1)))
assert_le "replies received <= requests let in" "$(ping_received "$out")" "$reps"
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"

# 4. corruption
nlrs_start_nlrsd $TAP --mac $MAC --corrupt-chance 100
nlrs_linux_side $TAP
nlrs_ns ip neigh replace $STACK_IP lladdr $MAC nud permanent dev $TAP
drop0=$(drop_total)
rx0=$(counter link_rx)
# -w: a reply with a flipped bit in ping's timestamp gives a huge RTT, and
# ping would then linger for twice that after its last request.
nlrs_ns ping -c 40 -i 0.02 -W 1 -w 4 -q $STACK_IP >/dev/null 2>&1 || true
rx=$(($(counter link_rx) - rx0))
dropped=$(($(drop_total) - drop0))
assert_ge "frames nlrsd received with a flipped bit" "$rx" 30
# A flip in the source MAC goes unnoticed (it is not used for the
# reply); every other single-bit flip is caught by a check.
assert_ge "of them dropped under a named reason" "$dropped" $((rx * 7 / 10))
nlrs_nlrsd_alive
