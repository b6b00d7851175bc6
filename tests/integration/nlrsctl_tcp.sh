#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# nlrsd's TCP options and `nlrsctl show tcp` against a running nlrsd:
#   - bad --tcp-* values are refused (exit 2) naming the option and value,
#     good ones reach the configuration (--check-config);
#   - `nlrsctl --json show tcp` is one JSON object whose "tcp" array lists
#     every control block with the documented fields (nlrsctl(8)), the
#     same array `show all` carries; the text form is the table header;
#   - a connection from Linux to a port nothing listens on is refused by a
#     RST (RFC 9293 3.10.7.1: seq 0, ACK = the SYN's seq + 1): `nc -z` and
#     connect() see "Connection refused", tcpdump sees the RST,
#     tcp_rx_no_conn and tcp_rst_tx move by one per attempt, and no control
#     block is left behind;
#   - every listener nlrsd has (none today) takes a connection from Linux,
#     which then shows up as a row with Linux's address and port.
#
#   netns nlrs-t-nlrsctl_tcp-PID
#   Linux 192.0.2.1/24 [tctltcp] <== TAP ==> nlrsd 192.0.2.2/24
#   (nc, python3, tcpdump)                   --tcp-conns 64 --tcp-cc newreno
#                                            (no TCP listener: every port closed)
source "$(dirname "$0")/lib.sh"
nlrs_setup nlrsctl_tcp
nlrs_require_cmd nc tcpdump
nlrs_require_prog "$NLRSD" "$NLRSCTL"
TAP=tctltcp

# ---- options: refused before anything is opened, or carried through
bad_option() { # OPTION VALUE MESSAGE
	local out rc=0
	out=$(nlrs_ns "$NLRSD" --socket "$TMPD/unused.sock" --tap "$TAP" "$1" "$2" 2>&1) || rc=$?
	assert_eq "exit status of nlrsd $1 '$2'" 2 "$rc"
	assert_contains "message for $1 '$2'" "nlrsd: $1: '$2' $3" "$out"
}
bad_option --tcp-cc vegas "is not a congestion control algorithm (cubic, newreno or bbr)"
bad_option --tcp-syncookies maybe "is not on or off"
bad_option --tcp-conns 0 "is not a TCP control block count (1..65535)"
bad_option --tcp-sndbuf 4095 "is not a buffer size in bytes (4096..1073741824)"
bad_option --tcp-msl 600001 "is not a lifetime in milliseconds (1..600000)"
bad_option --tcp-mss-default 63 "is not a segment size (64..65495)"
bad_option --tcp-sack sometimes "is not on or off"
rc=0
out=$(nlrs_ns "$NLRSD" --socket "$TMPD/unused.sock" --tap "$TAP" --tcp-rcvbuf 8388608 2>&1) || rc=$?
assert_eq "exit status with --tcp-rcvbuf above --tcp-rmem-max" 2 "$rc"
assert_contains "message" "tcp-rmem-max 4194304 is below tcp-rcvbuf 8388608" "$out"
if nlrs_ns ip link show "$TAP" >/dev/null 2>&1; then
	fail "a refused configuration created $TAP"
fi
[ ! -e "$TMPD/unused.sock" ] || fail "a refused configuration made the control socket"

cfg=$(nlrs_ns "$NLRSD" --check-config --tap "$TAP" --tcp-conns 64 --tcp-cc newreno \
	--tcp-syncookies off --tcp-msl 1000 --tcp-rcvbuf 65536 --tcp-mss-default 1220 \
	--tcp-sack off --tcp-timestamps no --tcp-wscale 0) ||
	fail "nlrsd --check-config refused good TCP options"
for want in "tcp-conns = 64" "tcp-cc = newreno" "tcp-syncookies = off" "tcp-msl = 1000" \
	"tcp-rcvbuf = 65536" "tcp-mss-default = 1220" "tcp-sndbuf = 262144" "tcp-rmem-max = 4194304" \
	"tcp-sack = off" "tcp-timestamps = off" "tcp-wscale = off"; do
	assert_contains "--check-config output" "$want" "$cfg"
done

# ---- a running nlrsd
nlrs_start_nlrsd $TAP --tcp-conns 64 --tcp-cc newreno --tcp-msl 1000
nlrs_linux_side $TAP
# Resolve ARP first, so the first RST is not held up by it.
nlrs_ns ping -c 1 -W 2 $STACK_IP >/dev/null || fail "first ping not answered"

# tcp_rows: check `nlrsctl --json show tcp` against the documented contract
# and print one line per control block: STATE LOCAL_PORT REMOTE REMOTE_PORT.
tcp_rows() {
	local out
	out=$(nlrs_ctl --json show tcp) || fail "nlrsctl --json show tcp failed"
	"$PY" -c '
import json, sys
d = json.loads(sys.argv[1])
assert list(d) == ["tcp"], "keys: %r" % list(d)
assert isinstance(d["tcp"], list), d
ints = ["unacked", "sacked", "lost", "retrans", "cwnd", "rtt_us", "rttvar_us", "rto_us",
        "mss", "rcv_mss", "pmtu", "snd_wnd", "rcv_wnd", "sndbuf", "rcvbuf", "snd_wscale",
        "rcv_wscale", "retransmits", "backoff", "total_retrans", "bytes_sent",
        "bytes_retrans", "bytes_acked", "bytes_received", "segs_out", "segs_in", "local_port"]
states = {"LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
          "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT", "CLOSED"}
keys = set(ints) | {"state", "ca_state", "local_address", "remote_address", "remote_port",
                    "ssthresh", "options", "cc"}
for r in d["tcp"]:
    assert set(r) == keys, "fields differ: %r" % (set(r) ^ keys)
    assert all(type(r[k]) is int and r[k] >= 0 for k in ints), r
    assert r["state"] in states, r
    assert r["ca_state"] in ("open", "disorder", "cwr", "recovery", "loss"), r
    assert r["cc"] in ("cubic", "newreno"), r
    assert set(r["options"]) <= {"ts", "sack", "wscale"}, r
    assert r["ssthresh"] is None or type(r["ssthresh"]) is int, r
    assert (r["remote_address"] is None) == (r["remote_port"] is None), r
    print(r["state"], r["local_port"], r["remote_address"], r["remote_port"])
' "$out" || fail "nlrsctl --json show tcp does not keep its contract: $out"
}

rows=$(tcp_rows)
log "control blocks at start: ${rows:-none}"
listeners=$(awk '$1 == "LISTEN" { print $2 }' <<<"$rows")
assert_eq "control blocks other than listeners at start" "" "$(awk '$1 != "LISTEN"' <<<"$rows")"
all_tcp=$(nlrs_json all 'd["tcp"]')
one_tcp=$(nlrs_json tcp 'd["tcp"]')
assert_eq "show all's tcp array" "$one_tcp" "$all_tcp"
text=$(nlrs_ctl tcp)
assert_match "nlrsctl tcp header" '^STATE +LOCAL +REMOTE +UNACKED +CWND +SSTHRESH +RTT-MS +RTTVAR-MS +RTO-MS +MSS +RETRANS +SENT +ACKED +RECEIVED +OPTIONS +CC$' "$(head -n 1 <<<"$text")"
assert_eq "nlrsctl tcp rows" "$(grep -c . <<<"$rows" || true)" "$(($(wc -l <<<"$text") - 1))"

# ---- closed ports: refused with a RST, counted, nothing left behind
port1=5001 port2=5002
while grep -qx "$port1" <<<"$listeners" || grep -qx "$port2" <<<"$listeners"; do
	port1=$((port1 + 2)) port2=$((port2 + 2))
done
noconn0=$(counter tcp_rx_no_conn)
rst0=$(counter tcp_rst_tx)
rx0=$(counter tcp_rx)

nlrs_ns_bg tcpdump tcpdump -n -l -S -i $TAP tcp
TCPDUMP_PID=$BG_PID
wait_until 5 "tcpdump listening" grep -q 'listening on' "$TMPD/tcpdump.log"

rc=0
ncout=$(nlrs_ns nc -z -v -w 3 $STACK_IP $port1 2>&1) || rc=$?
assert_ne "nc -z exit status (nothing listens on $port1)" 0 "$rc"
assert_contains "nc -z to port $port1" "Connection refused" "$ncout"

pyout=$(nlrs_ns "$PY" - "$STACK_IP" $port2 <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(3)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print("connected")
except ConnectionRefusedError:
    print("ECONNREFUSED")
except socket.timeout:
    print("timeout: no answer to the SYN")
PYEOF
)
assert_eq "connect() to port $port2" ECONNREFUSED "$pyout"

sleep 0.5
kill "$TCPDUMP_PID" 2>/dev/null || true
wait "$TCPDUMP_PID" 2>/dev/null || true
dump=$(cat "$TMPD/tcpdump.log")
echo "$dump"
# Each SYN is answered by RST+ACK, seq 0, ACK = the SYN's seq + 1, no data
# (RFC 9293 3.10.7.1, a segment to a CLOSED port without ACK).
for p in $port1 $port2; do
	"$PY" - "$dump" "$LINUX_IP" "$STACK_IP" "$p" <<'PYEOF' || fail "no correct RST for the SYN to port $p in the capture"
import re, sys
dump, linux, stack, port = sys.argv[1:5]
syn = re.search(r"%s\.(\d+) > %s\.%s: Flags \[S\], seq (\d+)," % (re.escape(linux), re.escape(stack), port), dump)
assert syn, "no SYN to port %s" % port
sport, seq = syn.group(1), int(syn.group(2))
rst = re.search(r"%s\.%s > %s\.%s: Flags \[R\.\], seq (\d+), ack (\d+), win (\d+), length (\d+)" %
                (re.escape(stack), port, re.escape(linux), sport), dump)
assert rst, "no RST from port %s to %s" % (port, sport)
assert int(rst.group(1)) == 0, "RST seq %s, want 0" % rst.group(1)
assert int(rst.group(2)) == (seq + 1) % 2**32, "RST ack %s, want %d" % (rst.group(2), seq + 1)
assert int(rst.group(4)) == 0, "RST carries data"
print("ok: port %s: SYN seq %d answered by RST seq 0 ack %d" % (port, seq, seq + 1))
PYEOF
done
assert_eq "tcp_rx_no_conn growth (one per SYN)" 2 $(($(counter tcp_rx_no_conn) - noconn0))
assert_eq "tcp_rst_tx growth (one RST per SYN)" 2 $(($(counter tcp_rst_tx) - rst0))
assert_eq "tcp_rx growth" 2 $(($(counter tcp_rx) - rx0))
rows_after=$(tcp_rows)
assert_eq "control blocks after the refused connections" "$rows" "$rows_after"

# ---- listeners (none in nlrsd today): a connection from Linux is a row
for lport in $listeners; do
	nlrs_ns_bg "client_$lport" "$PY" -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print("connected", s.getsockname()[1], flush=True)
time.sleep(10)
' "$STACK_IP" "$lport"
	client=$BG_PID
	wait_until 6 "connection to listener port $lport" grep -q '^connected' "$TMPD/client_$lport.log"
	cport=$(awk '/^connected/ { print $2 }' "$TMPD/client_$lport.log")
	now_rows=$(tcp_rows)
	row=$(awk -v l="$lport" -v a="$LINUX_IP" -v p="$cport" '$2 == l && $3 == a && $4 == p' <<<"$now_rows")
	assert_match "row for Linux port $cport on listener $lport" '^(ESTABLISHED|SYN-RECEIVED) ' "$row"
	kill "$client" 2>/dev/null || true
	wait "$client" 2>/dev/null || true
done
[ -n "$listeners" ] || log "nlrsd has no TCP listener: no connection row to check"
nlrs_nlrsd_alive
