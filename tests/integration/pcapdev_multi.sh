#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Several devices in one nlrsd: a TAP and a pcap device, each followed by
# its own --addr/--mtu, in one routing table. Linux peers on both reach
# nlrsd (ping, UDP echo with sha256); nlrsctl shows each interface with its
# own MTU and counters; `nlrsctl iface NAME down` makes that interface stop
# answering while the other keeps working, and `up` restores it. The same
# two devices from a config file come up the same way, and deleting the
# pcap device's interface leaves nlrsd serving on the TAP.
#
#   +------------------- netns nlrs-t-pcapdev_multi-PID ------------------+
#   | Linux 198.51.100.1/24 [pmt0] <== TAP ==> nlrsd 198.51.100.2/24 mtu 1400
#   |                                          nlrsd 192.0.2.2/24 (--pcap pmp0)
#   |                              pmp0 (veth, no kernel address)          |
#   +-------------------------------|--------------------------------------+
#                                   | veth
#   +---- netns ..._peer-PID -------|----+
#   | Linux 192.0.2.1/24 on pmp1         |  (transmit checksum offload off:
#   +------------------------------------+   see pcapdev_basic.sh)
source "$(dirname "$0")/lib.sh"
nlrs_setup pcapdev_multi
nlrs_require_cmd socat ethtool sha256sum
nlrs_add_ns peer PEER
peer() { ip netns exec "$PEER" "$@"; }

TAP=pmt0
DEV=pmp0
PDEV=pmp1
TAP_STACK=198.51.100.2
TAP_LINUX=198.51.100.1
ip -n "$NS" link add "$DEV" type veth peer name "$PDEV" netns "$PEER"
nlrs_ns ip link set "$DEV" up
peer ip addr add "$LINUX_IP/$PREFIX" dev "$PDEV"
peer ip link set "$PDEV" up
peer ethtool -K "$PDEV" tx off >/dev/null

file_sha() { sha256sum "$1" | cut -d' ' -f1; }
iface() { # NAME FIELD
	nlrs_json interfaces "[i['$2'] for i in d['interfaces'] if i['name'] == '$1'][0]"
}
start_nlrsd() { # ARGS...
	rm -f -- "$SOCK"
	nlrs_ns_bg nlrsd "$NLRSD" --socket "$SOCK" --udp-echo 7 "$@"
	NLRSD_PID=$BG_PID
	log "nlrsd pid $NLRSD_PID: $*"
	wait_until 10 "nlrsd's control socket" test -S "$SOCK"
	wait_until 5 "$TAP up" nlrs__tap_ready "$TAP"
	nlrs_ns ip addr replace "$TAP_LINUX/24" dev "$TAP"
}
udp_echo() { # RUNNER ADDR BYTES
	head -c "$3" /dev/urandom >"$TMPD/in"
	"$1" socat -b 65536 -t 1 -T 5 - "UDP4:$2:7" <"$TMPD/in" >"$TMPD/out" 2>/dev/null || true
	assert_eq "sha256 of a $3-byte UDP echo from $2" "$(file_sha "$TMPD/in")" "$(file_sha "$TMPD/out")"
}
both_answer() { # WHEN
	local out
	out=$(nlrs_ns ping -c 2 -i 0.2 -W 2 $TAP_STACK) || fail "$1: ping over the TAP: $out"
	log "ok: $1: ping over the TAP"
	out=$(peer ping -c 2 -i 0.2 -W 2 $STACK_IP) || fail "$1: ping over the pcap device: $out"
	log "ok: $1: ping over the pcap device"
}

# ------------------------------------------------ 1. from the command line
start_nlrsd --tap "$TAP" --addr "$TAP_STACK/24" --mtu 1400 --pcap "$DEV" --addr "$STACK_IP/$PREFIX"
both_answer "two devices"
udp_echo nlrs_ns $TAP_STACK 1300
udp_echo peer $STACK_IP 1472

assert_eq "interfaces" "[\"$TAP\", \"$DEV\"]" "$(nlrs_json interfaces "[i['name'] for i in d['interfaces']]")"
assert_eq "$TAP MTU" 1400 "$(iface $TAP mtu)"
assert_eq "$DEV MTU" 1500 "$(iface $DEV mtu)"
assert_eq "$TAP address" "[\"$TAP_STACK/24\"]" "$(iface $TAP addresses)"
assert_eq "$DEV address" "[\"$STACK_IP/$PREFIX\"]" "$(iface $DEV addresses)"
assert_ge "$TAP rx_packets" "$(iface $TAP rx_packets)" 3
assert_ge "$DEV rx_packets" "$(iface $DEV rx_packets)" 3
assert_ge "$DEV tx_packets" "$(iface $DEV tx_packets)" 3
text=$(nlrs_ctl interfaces)
assert_match "nlrsctl interfaces: the pcap device's row" "^ +1 +$DEV +ethernet .* 1500 +up " "$text"

# ------------------------------------------------------ 2. iface down / up
tap_rx=$(iface $TAP rx_packets)
out=$(nlrs_ctl iface "$DEV" down) || fail "nlrsctl iface $DEV down: $out"
assert_eq "nlrsctl iface down reply" "ok: $DEV down" "$out"
assert_eq "$DEV state" false "$(iface $DEV up)"
peer ip neigh flush dev "$PDEV"
if out=$(peer ping -c 2 -i 0.2 -W 1 $STACK_IP 2>&1); then
	fail "$DEV is down but $STACK_IP answered: $out"
fi
log "ok: no answer from $STACK_IP while $DEV is down"
out=$(nlrs_ns ping -c 2 -i 0.2 -W 2 $TAP_STACK) || fail "the TAP stopped answering too: $out"
log "ok: the TAP still answers"
assert_ge "$TAP rx_packets grew" "$(iface $TAP rx_packets)" $((tap_rx + 2))
out=$(nlrs_ctl iface "$DEV" up) || fail "nlrsctl iface $DEV up: $out"
assert_eq "nlrsctl iface up reply" "ok: $DEV up" "$out"
assert_eq "$DEV state" true "$(iface $DEV up)"
both_answer "after iface up"
udp_echo peer $STACK_IP 1000

out=$(nlrs_ctl iface "$TAP" down) || fail "nlrsctl iface $TAP down: $out"
if out=$(nlrs_ns ping -c 2 -i 0.2 -W 1 $TAP_STACK 2>&1); then
	fail "$TAP is down but $TAP_STACK answered: $out"
fi
log "ok: no answer from $TAP_STACK while $TAP is down"
out=$(peer ping -c 1 -W 2 $STACK_IP) || fail "the pcap device stopped answering too: $out"
nlrs_ctl iface "$TAP" up >/dev/null || fail "nlrsctl iface $TAP up"
both_answer "after $TAP up"

# bad requests: a clear error, nlrsd unharmed
if out=$(nlrs_ctl iface nosuch0 down 2>&1); then fail "iface nosuch0 down succeeded: $out"; fi
assert_contains "unknown interface" "no interface 'nosuch0'" "$out"
if out=$(nlrs_ctl iface "$DEV" sideways 2>&1); then fail "iface $DEV sideways succeeded"; fi
assert_contains "bad state" "not up or down" "$out"
nlrs_nlrsd_alive
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"

# ------------------------------------------------------ 3. from a config file
cat >"$TMPD/nlrsd.conf" <<EOF
[interface $TAP]
type = tap
addr = $TAP_STACK/24
mtu = 1400

[interface $DEV]
type = pcap
addr = $STACK_IP/$PREFIX
EOF
start_nlrsd -c "$TMPD/nlrsd.conf"
peer ip neigh flush dev "$PDEV"
both_answer "from the config file"
assert_eq "interfaces (config file)" "[\"$TAP\", \"$DEV\"]" \
	"$(nlrs_json interfaces "[i['name'] for i in d['interfaces']]")"

# --------------------------- 4. the pcap device's interface is deleted
nlrs_ns ip link del "$DEV"
wait_until 5 "nlrsd gives up on $DEV" grep -q "$DEV: giving up on the device" "$TMPD/nlrsd.log"
out=$(nlrs_ns ping -c 2 -i 0.2 -W 2 $TAP_STACK) || fail "the TAP stopped answering after $DEV went: $out"
log "ok: the TAP still answers with $DEV gone"
nlrs_nlrsd_alive
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"
