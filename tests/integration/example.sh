#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The embedding example (tests/examples/example_udp_echo): a standalone
# program linking libnlrs, with its own stack on its own TAP, echoes UDP.
# It answers ping; three datagrams are echoed byte for byte; with
# --count 3 it then exits 0.
#
#   netns nlrs-t-example-PID
#   Linux 192.0.2.1/24 [texample] <== TAP ==> example_udp_echo 192.0.2.2/24 udp/7777
source "$(dirname "$0")/lib.sh"
nlrs_setup example
TAP=texample
PORT=7777
nlrs_require_prog "$NLRS_EXAMPLE_UDP_ECHO"

nlrs_ns_bg example "$NLRS_EXAMPLE_UDP_ECHO" $TAP $STACK_IP/$PREFIX $PORT --count 3
EX_PID=$BG_PID
ready() {
	kill -0 "$EX_PID" 2>/dev/null || fail "example_udp_echo exited during start-up"
	grep -q '^udp_echo: ready' "$TMPD/example.log" && nlrs__tap_ready $TAP
}
wait_until 10 "example_udp_echo to say 'ready' and bring $TAP up" ready
nlrs_linux_side $TAP
out=$(nlrs_ns ping -c 2 -i 0.2 -W 2 $STACK_IP 2>&1) || true
assert_eq "pings answered by the example's stack" 2 "$(ping_received "$out")"

out=$(nlrs_ns "$PY" - $STACK_IP $PORT <<'PYEOF'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.connect((sys.argv[1], int(sys.argv[2])))
for n in (1, 512, 1472):
    data = os.urandom(n)
    s.send(data)
    try:
        back = s.recv(65535)
    except socket.timeout:
        print(f"{n}: timeout")
        continue
    print(f"{n}: {'identical' if back == data else 'DIFFERENT (%d bytes)' % len(back)}")
PYEOF
) || true
echo "$out"
assert_eq "echo of 3 datagrams (1, 512, 1472 bytes)" \
	"1: identical|512: identical|1472: identical" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"

for i in $(seq 50); do
	kill -0 "$EX_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$EX_PID" 2>/dev/null && fail "example_udp_echo still running 5 s after its 3rd datagram (--count 3)"
rc=0
wait "$EX_PID" || rc=$?
assert_eq "example_udp_echo exit status" 0 "$rc"
