#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The pcap device: nlrsd joins an existing veth end as a host of its own
# (its own MAC, 192.0.2.2) while the Linux kernel keeps its own address on
# that same interface (192.0.2.10). Linux in a second namespace reaches
# both at the same time: ping, UDP echo (nlrsd --udp-echo, sha256 of every
# datagram), TCP to the kernel host on the shared interface, and TCP to a
# Netloom stack on the pcap device (nlrs-tcpapp --pcap, SHA-256 of the
# stream) while the kernel host carries its own TCP transfer.
#
#   +------ netns nlrs-t-pcapdev_basic-PID ------+     +-- netns ..._peer-PID --+
#   | nlrsd --pcap pcb0   192.0.2.2/24           |     |                        |
#   |   (libpcap on pcb0, MAC 02-ish, derived)   |     |                        |
#   | Linux kernel        192.0.2.10/24 on pcb0 ===veth=== pcb1 192.0.2.1/24    |
#   +--------------------------------------------+     +------------------------+
#
# The peer end's transmit checksum offload is turned off: a veth hands the
# frame over as the sending kernel built it, and with offload its TCP/UDP
# checksums are only partial; a capture (tcpdump, this device) sees them
# so (netdev/pcapdev.c, "Does not").
source "$(dirname "$0")/tcp_lib.sh"
nlrs_setup pcapdev_basic
nlrs_require_cmd socat ethtool sha256sum ss
nlrs_require_prog "$NLRS_TCPAPP"
nlrs_add_ns peer PEER
peer() { ip netns exec "$PEER" "$@"; }

DEV=pcb0
PDEV=pcb1
HOST_IP=192.0.2.10
ip -n "$NS" link add "$DEV" type veth peer name "$PDEV" netns "$PEER"
nlrs_ns ip addr add "$HOST_IP/$PREFIX" dev "$DEV"
nlrs_ns ip link set "$DEV" up
peer ip addr add "$LINUX_IP/$PREFIX" dev "$PDEV"
peer ip link set "$PDEV" up
peer ethtool -K "$PDEV" tx off >/dev/null
kmac=$(kernel_mac "$DEV")

# the kernel's promiscuity count of DEV (PACKET_MR_PROMISC raises it; the
# IFF_PROMISC flag that `ip link` prints covers `ip link set promisc` only)
promiscuity() { nlrs_ns ip -d link show "$DEV" | grep -o 'promiscuity [0-9]*' | cut -d' ' -f2; }
size_is() { [ "$(stat -c %s "$1" 2>/dev/null)" = "$2" ]; }

start_nlrsd() { # ARGS...
	rm -f -- "$SOCK"
	nlrs_ns_bg nlrsd "$NLRSD" --socket "$SOCK" "$@"
	NLRSD_PID=$BG_PID
	log "nlrsd pid $NLRSD_PID: $*"
	wait_until 10 "nlrsd's control socket" test -S "$SOCK"
}

# ------------------------------------------------- 1. nlrsd on the interface
start_nlrsd --pcap "$DEV" --addr "$STACK_IP/$PREFIX" --udp-echo 7
# (without --promisc our MAC joins the unicast filter, PACKET_MR_UNICAST;
# a veth has none, so the kernel counts one promiscuity for it)
smac=$(stack_mac "$DEV")
assert_match "stack MAC is unicast, locally administered" '^[0-9a-f][26ae]:' "$smac"
assert_ne "stack MAC (the kernel's is $kmac)" "$kmac" "$smac"
assert_eq "pcap device MTU (the interface's)" 1500 \
	"$(nlrs_json interfaces "[i['mtu'] for i in d['interfaces'] if i['name'] == '$DEV'][0]")"

out=$(peer ping -c 3 -i 0.2 -W 2 $STACK_IP) || fail "ping $STACK_IP (nlrsd) failed: $out"
assert_contains "ping nlrsd" "3 received" "$out"
out=$(peer ping -c 3 -i 0.2 -W 2 $HOST_IP) || fail "ping $HOST_IP (kernel) failed: $out"
assert_contains "ping the kernel host on the same interface" "3 received" "$out"
# each address answered with its own MAC
neigh=$(peer ip neigh show dev "$PDEV")
assert_match "peer ARP: nlrsd's address -> nlrsd's MAC" "^$STACK_IP lladdr $smac" "$neigh"
assert_match "peer ARP: the kernel's address -> the kernel's MAC" "^$HOST_IP lladdr $kmac" "$neigh"

for n in 1 512 1472 4000; do
	head -c "$n" /dev/urandom >"$TMPD/in.$n"
	peer socat -b 65536 -t 1 -T 5 - "UDP4:$STACK_IP:7" <"$TMPD/in.$n" >"$TMPD/out.$n" \
		2>"$TMPD/socat.$n.log" || true
	assert_eq "sha256 of the $n-byte UDP echo" "$(file_sha "$TMPD/in.$n")" "$(file_sha "$TMPD/out.$n")"
done
assert_eq "udp_rx_bad_checksum" 0 "$(counter udp_rx_bad_checksum)"

# TCP to the kernel host on the shared interface, nlrsd still serving
head -c 3000000 /dev/urandom >"$TMPD/k.bin"
nlrs_ns_bg ksink socat -u "TCP4-LISTEN:5001,bind=$HOST_IP,reuseaddr" "OPEN:$TMPD/k.out,creat,trunc"
KSINK=$BG_PID
wait_until 5 "kernel listener" nlrs_ns sh -c "ss -Htln 'sport = :5001' | grep -q LISTEN"
peer socat -u "OPEN:$TMPD/k.bin" "TCP4:$HOST_IP:5001" || fail "TCP to the kernel host failed"
wait_until 10 "the kernel host's 3000000 bytes" size_is "$TMPD/k.out" 3000000
wait "$KSINK" || true
assert_eq "sha256 of TCP to the kernel host" "$(file_sha "$TMPD/k.bin")" "$(file_sha "$TMPD/k.out")"
out=$(peer ping -c 2 -i 0.2 -W 2 $STACK_IP) || fail "ping nlrsd after the kernel's TCP: $out"

rx=$(nlrs_json interfaces "[i['rx_packets'] for i in d['interfaces'] if i['name'] == '$DEV'][0]")
assert_ge "nlrsd rx_packets on $DEV" "$rx" 12
# the 3 MB to the kernel host were not copied up to nlrsd (BPF filter on its MAC)
assert_le "nlrsd rx_packets (not the kernel's TCP)" "$rx" 200
assert_eq "device rx drops" 0 \
	"$(nlrs_json interfaces "[i['dev_rx_drops'] for i in d['interfaces'] if i['name'] == '$DEV'][0]")"
nlrs_nlrsd_alive
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"
assert_eq "promiscuity of $DEV after nlrsd" 0 "$(promiscuity)"

# ------------------------------------------- 2. --promisc, --mac, a config file
cat >"$TMPD/nlrsd.conf" <<EOF
[interface $DEV]
type = pcap
addr = $STACK_IP/$PREFIX
mac = 02:00:5e:10:00:02
promisc = yes
EOF
start_nlrsd -c "$TMPD/nlrsd.conf"
assert_eq "stack MAC from the file" 02:00:5e:10:00:02 "$(stack_mac "$DEV")"
assert_ge "promiscuity of $DEV under promisc = yes" "$(promiscuity)" 1
peer ip neigh flush dev "$PDEV"
out=$(peer ping -c 2 -i 0.2 -W 2 $STACK_IP) || fail "ping nlrsd (promisc) failed: $out"
out=$(peer ping -c 2 -i 0.2 -W 2 $HOST_IP) || fail "ping the kernel (promisc) failed: $out"
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"
assert_eq "promiscuity of $DEV after nlrsd --promisc" 0 "$(promiscuity)"

# ------------------------------- 3. TCP over the pcap device (nlrs-tcpapp)
# and the kernel host's own TCP transfer at the same time
APP_LOG=$TMPD/app.log
nlrs_ns_bg app "$NLRS_TCPAPP" --pcap "$DEV" --addr "$STACK_IP/$PREFIX" \
	server 9 --mode sink --conns 1 --verify --seed 7 --timeout 60
APP_PID=$BG_PID
wait_until 5 "nlrs-tcpapp ready" grep -q '^nlrs-tcpapp: ready' "$APP_LOG"
"$NLRS_TCPAPP" gen --bytes 8388608 --seed 7 >"$TMPD/stream.bin"
head -c 8000000 /dev/urandom >"$TMPD/k2.bin"
nlrs_ns_bg ksink2 socat -u "TCP4-LISTEN:5002,bind=$HOST_IP,reuseaddr" "OPEN:$TMPD/k2.out,creat,trunc"
KSINK=$BG_PID
wait_until 5 "kernel listener" nlrs_ns sh -c "ss -Htln 'sport = :5002' | grep -q LISTEN"
peer socat -u "OPEN:$TMPD/k2.bin" "TCP4:$HOST_IP:5002" &
KSEND=$!
peer socat -u "OPEN:$TMPD/stream.bin" "TCP4:$STACK_IP:9" || fail "TCP to nlrs-tcpapp failed"
wait "$KSEND" || fail "TCP to the kernel host (concurrent) failed"
tcp_wait 30
assert_eq "nlrs-tcpapp exit status" 0 "$APP_RC"
assert_contains "sink digest over the pcap device" \
	"sha256=$(file_sha "$TMPD/stream.bin") bytes=8388608 stream=match" "$(grep '^sink: ' "$APP_LOG")"
wait_until 10 "the kernel host's 8000000 bytes" size_is "$TMPD/k2.out" 8000000
wait "$KSINK" || true
assert_eq "sha256 of the concurrent TCP to the kernel host" "$(file_sha "$TMPD/k2.bin")" \
	"$(file_sha "$TMPD/k2.out")"
