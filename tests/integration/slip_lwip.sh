#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# nlrsd's SLIP device against lwIP, an IP/ICMP/TCP stack of its own
# (Debian's liblwip-dev; the test peer slip_lwip_peer.c frames SLIP itself,
# as Debian ships slipif.h without slipif.c), over a socat pty pair.
#
#   nlrsd 192.0.2.1 (sl0) <== pty == socat == pty ==> lwIP 192.0.2.2
#   nlrs-client-test (via nlrsd) / nlrs-tcpapp --slip (embedded stack)
#
#  1. lwIP pings nlrsd: 5 echo requests, 5 replies; nlrsd counts them.
#  2. an app on nlrsd sends 4 MiB to lwIP's TCP discard service: lwIP's
#     SHA-256 of what arrived = the file's.
#  3. nlrs-tcpapp --slip (the stack embedded, same SLIP device) against
#     lwIP's TCP echo service: 1 MiB echoed and compared.
#  4. no framing error on nlrsd's side.
source "$(dirname "$0")/lib.sh"
: "${NLRS_CLIENT_TEST:=$NLRS_BUILD_DIR/tests/integration/client/nlrs-client-test}"
: "${NLRS_TCPAPP:=$NLRS_BUILD_DIR/tests/integration/tcpapp/nlrs-tcpapp}"
: "${NLRS_SLIP_LWIP_PEER:=$NLRS_BUILD_DIR/tests/integration/slip_lwip_peer}"
APP=$NLRS_CLIENT_TEST
PEER=$NLRS_SLIP_LWIP_PEER

nlrs_setup slip_lwip
nlrs_require_cmd socat sha256sum
[ -x "$PEER" ] || skip "slip_lwip_peer not built (liblwip-dev missing: run tools/bootstrap.sh)"
nlrs_require_prog "$NLRSD" "$NLRSCTL" "$APP" "$NLRS_TCPAPP"

log_has() { grep -q -- "$2" "$TMPD/$1.log"; }

A_IP=192.0.2.1
L_IP=192.0.2.2

nlrs_bg socat socat -d -d pty,raw,echo=0,link="$TMPD/p.a" pty,raw,echo=0,link="$TMPD/p.b"
wait_until 5 "socat ptys" test -e "$TMPD/p.a" -a -e "$TMPD/p.b"

nlrs_bg nlrsd "$NLRSD" --socket "$SOCK" --slip "$TMPD/p.a" --addr $A_IP/24 --peer $L_IP
NLRSD_PID=$BG_PID
wait_until 10 "nlrsd ready" test -S "$SOCK.app"
nlrs_bg lwip "$PEER" "$TMPD/p.b" $L_IP $A_IP 5
LWIP=$BG_PID
wait_until 5 "lwIP up" log_has lwip "up on"

# ------------------------------------------------------------- 1. ping
wait_until 20 "lwIP's ping report" log_has lwip "ping:"
assert_eq "1. lwIP -> nlrsd echo replies" "ping: 5 replies" "$(grep 'ping:' "$TMPD/lwip.log")"
assert_ge "1. nlrsd icmp_echo_replies" "$(counter icmp_echo_replies)" 5

# ------------------------------------------------- 2. TCP to lwIP discard
head -c 4M /dev/urandom >"$TMPD/in.bin"
want=$(sha256sum "$TMPD/in.bin" | cut -d' ' -f1)
NLRS_SOCKET=$SOCK timeout 120 "$APP" send $L_IP 9 <"$TMPD/in.bin" 2>"$TMPD/send.log" ||
	fail "app send to lwIP failed: $(cat "$TMPD/send.log")"
wait_until 10 "lwIP's discard report" log_has lwip "discard:"
assert_eq "2. nlrsd -> lwIP: 4 MiB, lwIP's sha256" "discard: 4194304 bytes sha256 $want" \
	"$(grep 'discard:' "$TMPD/lwip.log" | head -n 1)"

# ------------------------------ 3. embedded stack, lwIP's TCP echo service
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"
out=$(timeout 60 "$NLRS_TCPAPP" --slip "$TMPD/p.a" --addr $A_IP/24 --timeout 40 \
	client $L_IP 7 --mode echo --bytes 1M 2>&1) || fail "tcpapp echo through lwIP: $out"
assert_contains "3. 1 MiB echoed by lwIP, compared" '"ok":1,"failed":0' "$(grep '^RESULT' <<<"$out")"

# ------------------------------------------------------ 4. framing errors
grep 'slip:' "$TMPD/nlrsd.log"
for f in 'bad escape' oversize runt; do
	n=$(sed -n "s/.*slip:.* $f \([0-9][0-9]*\).*/\1/p" "$TMPD/nlrsd.log")
	assert_eq "4. nlrsd: $f" 0 "$n"
done
kill -0 "$LWIP" 2>/dev/null || fail "the lwIP peer died"
