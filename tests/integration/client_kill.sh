#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Death on either side of the IPC.
#
#   app (nlrs-client-test) --shm--> nlrsd 192.0.2.2 <== TAP clkill0 ==> Linux 192.0.2.1
#
#  1. App killed (SIGKILL) right after writing 3 MB it never saw leave:
#     nlrsd sends all of it, then FIN (Linux's socat gets 3 MB and EOF);
#     nlrsctl shows no ESTABLISHED connection left on the port.
#  2. App killed with 100 KB received but unread: nlrsd resets the
#     connection (Linux's recv says ECONNRESET), as Linux does at exit.
#  3. nlrsd killed (SIGKILL) while the app is blocked in recv: the recv
#     returns ECONNRESET and later calls fail (send EPIPE, socket
#     ENETDOWN); the app is bounded to exit within 3 s of the kill.
source "$(dirname "$0")/client_lib.sh"
client_setup client_kill clkill0

# ------------------------------------- 1. written data survives the app
nlrs_ns_bg rx1 timeout 30 socat -u TCP-LISTEN:9002,reuseaddr OPEN:"$TMPD/out1.bin",creat,trunc
RX=$BG_PID
wait_until 5 "socat listening on 9002" linux_listening 9002
app_bg hold1 hold $LINUX_IP 9002 3000000
H=$BG_PID
wait_until 10 "app wrote 3 MB" log_has hold1 held
kill -KILL "$H"
wait "$H" 2>/dev/null || true
wait "$RX" || fail "socat (receiver) did not end cleanly: the app's connection was not closed with FIN"
assert_eq "bytes Linux got after the app died" 3000000 "$(stat -c %s "$TMPD/out1.bin")"
"$PY" - "$TMPD/out1.bin" <<'PYEOF' || fail "the bytes Linux got differ from what the app wrote"
import sys
d = open(sys.argv[1], "rb").read()
exp = bytes(((i % 65536) * 31 + 7) & 255 for i in range(len(d)))
sys.exit(0 if d == exp else 1)
PYEOF
log "ok: the 3 MB are the app's pattern"
wait_until 5 "nlrsd logs the app gone" grep -q "gone, closing its 1 socket" "$TMPD/nlrsd.log"
st=$(tcp_states 9002)
assert_not_contains "nlrsctl: connection on 9002 after the app died" ESTABLISHED "$st"
log "states left on 9002: ${st:-none}"

# ------------------------------------- 2. unread data: reset
nlrs_ns_bg py2 "$PY" -c '
import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("0.0.0.0", 9004)); l.listen(1)
c, a = l.accept()
c.sendall(b"u" * 100000)
print("sent", flush=True)
c.settimeout(10)
try:
    d = c.recv(100)
    print("eof" if d == b"" else "data")
except ConnectionResetError:
    print("reset")
except socket.timeout:
    print("timeout")
'
PYP=$BG_PID
wait_until 5 "python3 listening on 9004" linux_listening 9004
app_bg hold2 hold $LINUX_IP 9004 0
H=$BG_PID
wait_until 10 "python3 sent its data" log_has py2 sent
wait_until 5 "app connected" log_has hold2 held
sleep 0.3 # let the 100 KB reach the app's ring
kill -KILL "$H"
wait "$H" 2>/dev/null || true
wait "$PYP" || fail "python3 peer failed"
assert_contains "Linux after the app died with unread data" reset "$(cat "$TMPD/py2.log")"

# ------------------------------------- 3. nlrsd dies under a blocked recv
nlrs_ns_bg quiet timeout 30 socat TCP-LISTEN:9005,reuseaddr EXEC:"sleep 25"
wait_until 5 "socat listening on 9005" linux_listening 9005
app_bg blk block-recv $LINUX_IP 9005
B=$BG_PID
wait_until 5 "app blocked in recv" log_has blk blocked
sleep 0.2
kill -KILL "$NLRSD_PID"
wait_until 3 "the app to return from recv and exit" sh -c "! kill -0 $B 2>/dev/null"
wait "$B" || fail "app failed: $(cat "$TMPD/blk.log")"
out=$(cat "$TMPD/blk.log")
assert_match "blocked recv after nlrsd died" "recv=-104 \(Connection reset by peer\)" "$out"
assert_contains "send after nlrsd died" "send=-32 (Broken pipe)" "$out"
assert_contains "socket after nlrsd died" "socket=-100 (Network is down)" "$out"
log "$(grep -o 'after_ms=[0-9]*' <<<"$out") (from blocking to return, 200 ms of it before the kill)"
