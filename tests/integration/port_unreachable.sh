#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A datagram to a closed UDP port of nlrsd brings back ICMP port
# unreachable (RFC 1122 4.1.3.1), which Linux reports to a connected
# socket as ECONNREFUSED. A burst of 300 shows the ICMP error rate limit.
#
#   netns nlrs-t-port_unreachable-PID
#   Linux 192.0.2.1/24 [tunreach] <== TAP ==> nlrsd 192.0.2.2/24 (no socket on udp/9)
source "$(dirname "$0")/lib.sh"
nlrs_setup port_unreachable
nlrs_require_cmd tcpdump
TAP=tunreach

nlrs_start_nlrsd $TAP --udp-echo 7
nlrs_linux_side $TAP
# Resolve ARP first so the ICMP error is not held up by it.
nlrs_ns ping -c 1 -W 2 $STACK_IP >/dev/null || fail "first ping not answered"
noport0=$(counter udp_rx_no_port)
errs0=$(counter icmp_errors_sent)

nlrs_ns_bg tcpdump tcpdump -n -l -i $TAP icmp
wait_until 5 "tcpdump listening" grep -q 'listening on' "$TMPD/tcpdump.log"
out=$(nlrs_ns "$PY" - "$STACK_IP" 9 <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect((sys.argv[1], int(sys.argv[2])))
s.send(b"is anybody there?")
try:
    data = s.recv(100)
    print("unexpected reply: %r" % data)
except ConnectionRefusedError:
    print("ECONNREFUSED")
except socket.timeout:
    print("timeout: no ICMP error came back")
PYEOF
) || true
sleep 0.5
kill "$BG_PID" 2>/dev/null || true
wait "$BG_PID" 2>/dev/null || true
assert_eq "python recv() on a connected UDP socket" ECONNREFUSED "$out"
dump=$(cat "$TMPD/tcpdump.log")
echo "$dump"
assert_match "tcpdump of the ICMP error" \
	"$STACK_IP > $LINUX_IP: ICMP $STACK_IP udp port (discard|9) unreachable" "$dump"
assert_eq "udp_rx_no_port growth" 1 $(($(counter udp_rx_no_port) - noport0))
assert_ge "icmp_errors_sent growth" $(($(counter icmp_errors_sent) - errs0)) 1

# A burst to closed ports: every datagram is counted, and ICMP errors are
# rate limited (RFC 1812 4.3.2.8; token bucket, 50 deep, 1000/s by default):
# each one either went out or was held back.
noport0=$(counter udp_rx_no_port)
errs0=$(counter icmp_errors_sent)
lim0=$(counter icmp_rate_limited)
ms=$(nlrs_ns "$PY" - "$STACK_IP" <<'PYEOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t = time.monotonic()
for i in range(300):
    s.sendto(b"x", (sys.argv[1], 20000 + i))
print(int((time.monotonic() - t) * 1000) + 1)
PYEOF
)
sleep 0.5
noport=$(($(counter udp_rx_no_port) - noport0))
errs=$(($(counter icmp_errors_sent) - errs0))
lim=$(($(counter icmp_rate_limited) - lim0))
log "300 datagrams sent in ${ms} ms: $errs ICMP errors sent, $lim held back"
assert_eq "udp_rx_no_port growth" 300 "$noport"
assert_eq "icmp_errors_sent + icmp_rate_limited growth" 300 $((errs + lim))
# 50 from the full bucket, then 1 per ms (150 ms of slack for a slow or
# loaded nlrsd: the bucket refills while it works through the burst).
assert_le "ICMP errors sent in the burst" "$errs" $((50 + ms + 150))
assert_ge "ICMP errors sent in the burst" "$errs" 40

# The open port next to it still answers.
got=$(printf 'still here\n' | nlrs_ns nc -u -w 1 $STACK_IP 7) || true
assert_eq "echo on the open port" "still here" "$got"
nlrs_nlrsd_alive
