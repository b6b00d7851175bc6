#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# TCP with Linux as the peer, both roles, real programs on the Linux side.
#
#   netns nlrs-t-tcp_basic-PID
#   Linux 192.0.2.1/24 [ttcpb] <== TAP ==> nlrs-tcpapp 192.0.2.2/24
#   nc, socat, curl, python3                server 7 (echo) / 9 (sink) / 80 (http)
#   socat/python3 servers on 9000-9005      client 192.0.2.1 PORT ...
#
#  1. stack server, echo: nc sends 200 KB of random bytes, the echo comes
#     back identical (sha256), the stack saw the same bytes.
#  2. stack server, sink: socat sends 5 MiB of the test stream; the stack's
#     "sha256=... bytes=..." equals sha256sum of the stream.
#  3. stack server, HTTP: curl fetches 3 MB (body sha256 checked), then two
#     URLs over one kept-alive connection (curl says it re-used it; the
#     stack served 2 requests on 1 connection).
#  4. stack client -> socat server: 4 MiB sent (Linux's sha256sum of what
#     it got = the stream's), 3 MiB received from socat (the stack's digest
#     = the stream's), 2 MiB echoed by socat+cat and checked byte by byte.
#  5. refused: the stack connecting to a closed Linux port reports
#     ECONNREFUSED by name; Linux connecting to a closed stack port gets
#     "Connection refused" (the stack's RST).
#  6. closes seen by the peer: a clean close (EOF) and an abortive close
#     (--rst, SO_LINGER 0: "Connection reset by peer") of the stack, as
#     server and as client; and Linux's abortive close seen by the stack as
#     ECONNRESET.
source "$(dirname "$0")/tcp_lib.sh"
tcp_setup tcp_basic ttcpb
nlrs_require_cmd socat nc curl sha256sum

# ------------------------------------------------------------ 1. echo (nc)
head -c 200000 /dev/urandom >"$TMPD/in.bin"
tcp_app echo server 7 --mode echo --conns 1 --timeout 30
nlrs_ns timeout 20 nc -N -w 10 $STACK_IP 7 <"$TMPD/in.bin" >"$TMPD/out.bin" ||
	fail "nc to the stack's echo server failed"
tcp_wait 15
assert_eq "nlrs-tcpapp (echo) exit status" 0 "$APP_RC"
assert_eq "bytes echoed back to nc" 200000 "$(stat -c %s "$TMPD/out.bin")"
assert_eq "sha256 of the echo = sha256 of what nc sent" "$(file_sha "$TMPD/in.bin")" \
	"$(file_sha "$TMPD/out.bin")"
assert_eq "sha256 the stack computed over what it received" "$(file_sha "$TMPD/in.bin")" \
	"$(tcp_conn 'c[0]["sha256_received"]')"
assert_eq "connection ended well (stack side)" true "$(tcp_conn 'c[0]["ok"]')"
assert_contains "options negotiated with Linux" "ts,sack,wscale" "$(tcp_conn 'c[0]["options"]')"

# ---------------------------------------------------------- 2. sink (socat)
want=$(gen_sha 5242880 3)
tcp_app sink server 9 --mode sink --conns 1 --seed 3 --verify --timeout 30
"$NLRS_TCPAPP" gen --bytes 5242880 --seed 3 | nlrs_ns timeout 20 socat -u - TCP:$STACK_IP:9 ||
	fail "socat to the stack's sink failed"
tcp_wait 15
assert_eq "nlrs-tcpapp (sink) exit status" 0 "$APP_RC"
line=$(grep '^sink: ' "$APP_LOG")
assert_contains "sink's digest line" "sha256=$want bytes=5242880 stream=match" "$line"

# ------------------------------------------------------------ 3. HTTP (curl)
tcp_app http server 80 --mode http --bytes 3000000 --seed 4 --conns 2 --timeout 30
nlrs_ns curl -sS --max-time 20 --http1.1 -o "$TMPD/body.bin" http://$STACK_IP/ ||
	fail "curl GET http://$STACK_IP/ failed"
assert_eq "HTTP body length" 3000000 "$(stat -c %s "$TMPD/body.bin")"
assert_eq "HTTP body sha256 = the stream's" "$(gen_sha 3000000 4)" "$(file_sha "$TMPD/body.bin")"
# two requests, one connection (keep-alive)
out=$(nlrs_ns curl -sS -v --max-time 20 --http1.1 -o "$TMPD/b1.bin" http://$STACK_IP/bytes/1000 \
	-o "$TMPD/b2.bin" http://$STACK_IP/bytes/200000 2>&1) || { echo "$out"; fail "curl (two URLs) failed"; }
assert_match "curl re-used the kept-alive connection" "Re-using existing connection" "$out"
assert_eq "first body sha256" "$(gen_sha 1000 4)" "$(file_sha "$TMPD/b1.bin")"
assert_eq "second body sha256" "$(gen_sha 200000 4)" "$(file_sha "$TMPD/b2.bin")"
tcp_wait 15
assert_eq "nlrs-tcpapp (http) exit status" 0 "$APP_RC"
assert_eq "requests per connection (stack side)" "[1, 2]" "$(tcp_conn '[x["requests"] for x in c]')"

# --------------------------------------------- 4. stack as client, socat server
# 4a. the stack sends
nlrs_ns_bg socat_rx timeout 30 socat -u TCP-LISTEN:9000,reuseaddr OPEN:"$TMPD/rx.bin",creat,trunc
RX_PID=$BG_PID
wait_until 5 "socat listening on 9000" tcp_listening 9000
tcp_app send client $LINUX_IP 9000 --mode send --bytes 4M --seed 5 --timeout 30
tcp_wait 30
assert_eq "nlrs-tcpapp (client send) exit status" 0 "$APP_RC"
wait "$RX_PID" || fail "socat (receiver) failed"
assert_eq "bytes Linux received" 4194304 "$(stat -c %s "$TMPD/rx.bin")"
assert_eq "sha256 of what Linux received = the stream's" "$(gen_sha 4194304 5)" "$(file_sha "$TMPD/rx.bin")"
assert_eq "sha256 the stack reports for what it sent" "$(gen_sha 4194304 5)" "$(tcp_result 'r["sha256_sent"]')"

# 4b. the stack receives
"$NLRS_TCPAPP" gen --bytes 3M --seed 6 >"$TMPD/tx.bin"
nlrs_ns_bg socat_tx timeout 30 socat -u OPEN:"$TMPD/tx.bin" TCP-LISTEN:9001,reuseaddr
wait_until 5 "socat listening on 9001" tcp_listening 9001
tcp_app recv client $LINUX_IP 9001 --mode recv --seed 6 --verify --timeout 30
tcp_wait 30
assert_eq "nlrs-tcpapp (client recv) exit status" 0 "$APP_RC"
assert_contains "the stack's digest of what it received" \
	"sha256=$(file_sha "$TMPD/tx.bin") bytes=3145728 stream=match" "$(grep '^recv: ' "$APP_LOG")"

# 4c. both ways at once: socat + cat echo, checked byte for byte
nlrs_ns_bg socat_echo timeout 30 socat -t 10 TCP-LISTEN:9002,reuseaddr EXEC:cat
wait_until 5 "socat listening on 9002" tcp_listening 9002
tcp_app echoc client $LINUX_IP 9002 --mode echo --bytes 2M --seed 8 --verify --timeout 30
tcp_wait 30
assert_eq "nlrs-tcpapp (client echo) exit status" 0 "$APP_RC"
assert_eq "bytes echoed by Linux" 2097152 "$(tcp_result 'r["bytes_received"]')"
assert_eq "echo equals the stream" match "$(tcp_conn 'c[0]["stream"]')"

# ------------------------------------------------------------ 5. refused
tcp_app refused client $LINUX_IP 9999 --mode send --bytes 1000 --timeout 20
tcp_wait 20
assert_eq "nlrs-tcpapp exit status on a refused connection" 1 "$APP_RC"
assert_contains "error message" "connection refused by $LINUX_IP:9999 (ECONNREFUSED)" "$(cat "$APP_LOG")"
assert_eq "errors in RESULT" '{"ECONNREFUSED": 1}' "$(tcp_result 'r["errors"]')"

tcp_app closed server 7 --mode echo --timeout 30
out=$(nlrs_ns "$PY" - $STACK_IP 9998 <<'PYEOF'
import socket, sys
s = socket.socket()
s.settimeout(5)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print("connected")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("error", e)
PYEOF
)
assert_eq "Linux connecting to a port the stack does not listen on" refused "$out"
tcp_stop

# ------------------------------------------------------------ 6. closes
# python3 client against the stack's echo server: sends, half-closes, reads
# until EOF or reset.
py_client() {
	nlrs_ns "$PY" - $STACK_IP 7 <<'PYEOF'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b"hello, netloom")
s.shutdown(socket.SHUT_WR)
got = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            print("EOF after", repr(got.decode()))
            break
        got += d
except ConnectionResetError as e:
    print("RESET after", repr(got.decode()), "-", e.strerror)
except socket.timeout:
    print("TIMEOUT after", repr(got.decode()))
PYEOF
}
tcp_app close_srv server 7 --mode echo --conns 1 --timeout 20
out=$(py_client)
tcp_wait 10
assert_eq "Linux client sees the stack server's clean close" "EOF after 'hello, netloom'" "$out"
assert_eq "nlrs-tcpapp exit status" 0 "$APP_RC"

tcp_app rst_srv server 7 --mode echo --conns 1 --rst --timeout 20
out=$(py_client)
tcp_wait 10
assert_eq "Linux client sees the stack server's abortive close" \
	"RESET after 'hello, netloom' - Connection reset by peer" "$out"
assert_ge "RSTs the stack sent" "$(tcp_result 'r["counters"].get("tcp_rst_tx", 0)')" 1

# python3 server for the stack's client: reads until EOF or reset.
py_server() { # PORT
	cat >"$TMPD/pysrv.py" <<'PYEOF'
import socket, sys
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((sys.argv[1], int(sys.argv[2])))
l.listen(1)
l.settimeout(20)
c, _ = l.accept()
c.settimeout(10)
n = 0
res = ""
try:
    while True:
        d = c.recv(65536)
        if not d:
            res = "EOF after %d bytes" % n
            break
        n += len(d)
except ConnectionResetError as e:
    res = "RESET after %d bytes - %s" % (n, e.strerror)
except socket.timeout:
    res = "TIMEOUT after %d bytes" % n
c.close()
open(sys.argv[3], "w").write(res + "\n")
PYEOF
	nlrs_ns_bg "pysrv$1" "$PY" "$TMPD/pysrv.py" "$LINUX_IP" "$1" "$TMPD/pysrv$1.out"
	wait_until 5 "python3 listening on $1" tcp_listening "$1"
}
py_server 9003
tcp_app close_cli client $LINUX_IP 9003 --mode send --bytes 100000 --timeout 20
tcp_wait 20
assert_eq "nlrs-tcpapp (clean close) exit status" 0 "$APP_RC"
wait_until 5 "python3 server result" test -s "$TMPD/pysrv9003.out"
assert_eq "Linux server sees the stack client's clean close" "EOF after 100000 bytes" \
	"$(cat "$TMPD/pysrv9003.out")"

py_server 9004
tcp_app rst_cli client $LINUX_IP 9004 --mode send --bytes 100000 --rst --timeout 20
tcp_wait 20
assert_eq "nlrs-tcpapp (abortive close) exit status" 0 "$APP_RC"
wait_until 5 "python3 server result" test -s "$TMPD/pysrv9004.out"
assert_eq "Linux server sees the stack client's abortive close" \
	"RESET after 100000 bytes - Connection reset by peer" "$(cat "$TMPD/pysrv9004.out")"

# Linux resets (SO_LINGER 0): the stack's sink reports ECONNRESET
tcp_app reset_in server 9 --mode sink --conns 1 --timeout 20
nlrs_ns "$PY" - $STACK_IP 9 <<'PYEOF'
import socket, struct, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b"x" * 1000)
time.sleep(0.3)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
PYEOF
tcp_wait 10
assert_eq "nlrs-tcpapp exit status (its peer reset)" 1 "$APP_RC"
assert_eq "the stack saw the reset" ECONNRESET "$(tcp_conn 'c[0]["error"]')"
assert_contains "and says so" "connection reset by peer (ECONNRESET)" "$(tcp_conn 'c[0]["message"]')"
assert_eq "bytes the stack read before the reset" 1000 "$(tcp_conn 'c[0]["bytes_received"]')"
