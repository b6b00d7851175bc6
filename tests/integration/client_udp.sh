#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The client library over nlrsd, UDP with Linux as the peer.
#
#   app (nlrs-client-test) --shm--> nlrsd 192.0.2.2 <== TAP cludp0 ==> Linux 192.0.2.1 (python3)
#
#  1. app echo server on 7007: a Linux python3 client sends 300 datagrams of
#     1..1400 bytes (and one of 20000 bytes, fragmented) and checks each
#     echo byte for byte and that it came from 192.0.2.2:7007.
#  2. app client: a Linux python3 echo server on 9007; the app sends 300
#     datagrams and checks each echo (lost ones are counted; a TAP loses
#     none, so 0 are allowed).
source "$(dirname "$0")/client_lib.sh"
client_setup client_udp cludp0

# ----------------------------------------------------- 1. app echo server
app_bg srv udp-echo-server 7007 301
SRV=$BG_PID
wait_until 5 "app echo server bound" log_has srv listening
out=$(nlrs_ns timeout 30 "$PY" - "$STACK_IP" 7007 <<'PYEOF'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
ok = bad = 0
sizes = [1 + (i * 97) % 1400 for i in range(300)] + [20000]
for i, n in enumerate(sizes):
    d = bytes((j * 7 + i) & 255 for j in range(n))
    s.sendto(d, (host, port))
    try:
        r, a = s.recvfrom(65536)
    except socket.timeout:
        bad += 1
        sys.stderr.write("datagram %d (%d bytes): no echo\n" % (i, n))
        continue
    if r == d and a == (host, port):
        ok += 1
    else:
        bad += 1
        sys.stderr.write("datagram %d (%d bytes): echo differs (%d bytes from %s)\n" % (i, n, len(r), a))
print("ok=%d bad=%d" % (ok, bad))
PYEOF
) || fail "python3 UDP client failed: $out"
assert_eq "1. echoes from the app's server (Linux checks each)" "ok=301 bad=0" "$out"
wait "$SRV" || fail "app echo server failed: $(cat "$TMPD/srv.log")"
assert_contains "app echo server" "echoed 301" "$(cat "$TMPD/srv.log")"

# ------------------------------------------------------- 2. app client
nlrs_ns_bg echo "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9007))
while True:
    d, a = s.recvfrom(65536)
    s.sendto(d, a)
'
wait_until 5 "python3 echo server on 9007" sh -c "ip netns exec $NS ss -Huln 'sport = :9007' | grep -q 9007"
out=$(timeout 60 "$APP" udp-client $LINUX_IP 9007 300 2>&1) || fail "app UDP client failed: $out"
assert_eq "2. app client: echoes checked" "udp ok=300 lost=0" "$out"
nlrs_nlrsd_alive
