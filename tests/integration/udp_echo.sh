#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# UDP echo (RFC 862) through nlrsd's --udp-echo service: socat and nc send
# datagrams of several sizes - up to the largest that fits one frame (1472)
# and an 8000-byte one that travels as IPv4 fragments both ways - and the
# echoed bytes must be identical (sha256).
#
#   netns nlrs-t-udp_echo-PID
#   Linux 192.0.2.1/24 [tudp] <== TAP ==> nlrsd 192.0.2.2/24, echo on udp/7
source "$(dirname "$0")/lib.sh"
nlrs_setup udp_echo
nlrs_require_cmd socat nc sha256sum
TAP=tudp
PORT=7

nlrs_start_nlrsd $TAP --udp-echo $PORT
nlrs_linux_side $TAP
udp_rx0=$(counter udp_rx)
udp_tx0=$(counter udp_tx)
reasm0=$(counter frag_reassembled)

sizes=(1 18 512 1000 1472 1473 4000 8000)
for n in "${sizes[@]}"; do
	head -c "$n" /dev/urandom >"$TMPD/in.$n"
	# One read of the file = one datagram (-b is larger than any of them).
	nlrs_ns socat -b 65536 -t 1 -T 5 - "UDP4:$STACK_IP:$PORT" \
		<"$TMPD/in.$n" >"$TMPD/out.$n" 2>"$TMPD/socat.$n.log" || true
	assert_eq "echoed size for a $n-byte datagram" "$n" "$(stat -c %s "$TMPD/out.$n")"
	assert_eq "sha256 of the $n-byte echo" \
		"$(sha256sum <"$TMPD/in.$n" | cut -d' ' -f1)" \
		"$(sha256sum <"$TMPD/out.$n" | cut -d' ' -f1)"
done

# netcat-openbsd, one text line.
msg="netloom udp echo $$ $(date +%s)"
got=$(printf '%s\n' "$msg" | nlrs_ns nc -u -w 1 $STACK_IP $PORT 2>&1) || true
assert_eq "nc -u echo" "$msg" "$got"

n=$((${#sizes[@]} + 1))
assert_ge "udp_rx growth" $(($(counter udp_rx) - udp_rx0)) $n
assert_ge "udp_tx growth" $(($(counter udp_tx) - udp_tx0)) $n
# 1473, 4000 and 8000 bytes do not fit in one 1500-byte frame.
assert_ge "frag_reassembled growth" $(($(counter frag_reassembled) - reasm0)) 3
assert_eq "udp_rx_bad_checksum" 0 "$(counter udp_rx_bad_checksum)"
nlrs_nlrsd_alive
