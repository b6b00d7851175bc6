#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The client library over nlrsd, TCP with Linux as the peer, both roles,
# 64 MiB each way, checked by SHA-256.
#
#   app (nlrs-client-test) --shm--> nlrsd 192.0.2.2 <== TAP cltcp0 ==> Linux 192.0.2.1 (socat)
#
#  0. argument errors of the API (no network): every errno as documented.
#  1. app connects, sends 64 MiB; socat (Linux) writes what it got to a file.
#  2. app connects, receives 64 MiB that socat sends.
#  3. app listens and accepts, receives 64 MiB from socat.
#  4. app listens and accepts, sends 64 MiB to socat.
#  Each: sha256 of what arrived = sha256 of what was sent.
#  5. threads: 8 threads with a connection each to a Linux echo server
#     (socat ... EXEC:cat), 500 checked round trips each, while two more
#     threads share one connection, one sending 8 MiB, one reading the echo.
#  6. the app's own poll() loop on nlrs_client_fd(): non-blocking connect,
#     4 MiB echoed and compared.
#  7. connection churn: the app accepts 300 connections on one thread and
#     serves them on 4 others (socket slots reused many times over), while
#     Linux opens them 16 at a time and checks each echo (1..20 KB).
#     nlrsd still runs at the end, and holds no connection of the app.
source "$(dirname "$0")/client_lib.sh"
client_setup client_tcp cltcp0

# ---------------------------------------------------------------- 0. api
out=$("$APP" api) || fail "api checks failed: $out"
assert_eq "API argument checks" "api fails=0" "$out"

head -c 64M /dev/urandom >"$TMPD/in.bin"
want=$(file_sha "$TMPD/in.bin")

# ----------------------------------------------------- 1. app client sends
nlrs_ns_bg rx1 timeout 90 socat -u TCP-LISTEN:9000,reuseaddr OPEN:"$TMPD/out1.bin",creat,trunc
RX=$BG_PID
wait_until 5 "socat listening on 9000" linux_listening 9000
timeout 90 "$APP" send $LINUX_IP 9000 <"$TMPD/in.bin" 2>"$TMPD/app1.log" || fail "app send failed: $(cat "$TMPD/app1.log")"
wait "$RX" || fail "socat (receiver) failed"
assert_eq "1. app -> Linux: sha256 of 64 MiB" "$want" "$(file_sha "$TMPD/out1.bin")"

# -------------------------------------------------- 2. app client receives
nlrs_ns_bg tx2 timeout 90 socat -u OPEN:"$TMPD/in.bin" TCP-LISTEN:9001,reuseaddr
TX=$BG_PID
wait_until 5 "socat listening on 9001" linux_listening 9001
timeout 90 "$APP" recv $LINUX_IP 9001 >"$TMPD/out2.bin" 2>"$TMPD/app2.log" || fail "app recv failed: $(cat "$TMPD/app2.log")"
wait "$TX" || fail "socat (sender) failed"
assert_eq "2. Linux -> app: sha256 of 64 MiB" "$want" "$(file_sha "$TMPD/out2.bin")"

# -------------------------------------------------- 3. app server receives
nlrs_bg app3 bash -c 'exec "$0" serve 7000 recv >"$1"' "$APP" "$TMPD/out3.bin"
SRV=$BG_PID
wait_until 5 "app listening on 7000" log_has app3 listening
nlrs_ns timeout 90 socat -u OPEN:"$TMPD/in.bin" TCP:$STACK_IP:7000 || fail "socat to the app's server failed"
wait "$SRV" || fail "app server (recv) failed: $(cat "$TMPD/app3.log")"
assert_eq "3. Linux -> app server: sha256 of 64 MiB" "$want" "$(file_sha "$TMPD/out3.bin")"

# ----------------------------------------------------- 4. app server sends
nlrs_bg app4 bash -c 'exec "$0" serve 7001 send <"$1"' "$APP" "$TMPD/in.bin"
SRV=$BG_PID
wait_until 5 "app listening on 7001" log_has app4 listening
nlrs_ns timeout 90 socat -u TCP:$STACK_IP:7001 OPEN:"$TMPD/out4.bin",creat,trunc ||
	fail "socat from the app's server failed"
wait "$SRV" || fail "app server (send) failed: $(cat "$TMPD/app4.log")"
assert_eq "4. app server -> Linux: sha256 of 64 MiB" "$want" "$(file_sha "$TMPD/out4.bin")"

# ------------------------------------------------------------ 5. threads
nlrs_ns_bg echo socat TCP-LISTEN:9010,reuseaddr,fork,backlog=32 EXEC:cat
wait_until 5 "socat echo listening on 9010" linux_listening 9010
out=$(timeout 120 "$APP" threads $LINUX_IP 9010 8 2>&1) || fail "threads: $out"
assert_eq "10 threads on one client, echoes checked" "threads n=8 errors=0" "$out"

# ------------------------------------------------------ 6. own event loop
out=$(timeout 60 "$APP" evloop $LINUX_IP 9010 2>&1) || fail "evloop: $out"
assert_eq "kernel poll() on nlrs_client_fd" "evloop sent=4194304 got=4194304 same=1 wakes>0=1" "$out"

# ----------------------------------------------------------- 7. churn
nlrs_bg many "$APP" serve-many 7002 300
MANY=$BG_PID
wait_until 5 "app listening on 7002" log_has many listening
out=$(nlrs_ns timeout 120 "$PY" - "$STACK_IP" 7002 <<'PYEOF'
import socket, sys, threading
host, port = sys.argv[1], int(sys.argv[2])
ok = 0
bad = []
lock = threading.Lock()
def one(i):
    global ok
    d = bytes((j * 31 + i) & 255 for j in range(1 + (i * 7919) % 20000))
    try:
        s = socket.create_connection((host, port), timeout=20)
        s.sendall(d)
        s.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        s.close()
        with lock:
            if got == d:
                ok += 1
            else:
                bad.append("%d: %d of %d bytes" % (i, len(got), len(d)))
    except Exception as e:
        with lock:
            bad.append("%d: %s" % (i, e))
for base in range(0, 300, 16):
    ts = [threading.Thread(target=one, args=(i,)) for i in range(base, min(base + 16, 300))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
print("ok=%d bad=%d" % (ok, len(bad)))
for b in bad[:5]:
    sys.stderr.write(b + "\n")
PYEOF
) || fail "python3 churn clients failed: $out"
assert_eq "300 connections echoed by the app" "ok=300 bad=0" "$out"
wait "$MANY" || fail "app serve-many failed: $(cat "$TMPD/many.log")"
assert_contains "app served them all" "served=300 errors=0" "$(cat "$TMPD/many.log")"
assert_not_contains "nlrsctl: connections on 7002 after the app" ESTABLISHED "$(tcp_states 7002)"

nlrs_nlrsd_alive
assert_match "nlrsd logged the apps" "app pid [0-9]+ uid 0: connected" "$(cat "$TMPD/nlrsd.log")"
