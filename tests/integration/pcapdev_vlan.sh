#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# 802.1Q VLAN sub-interfaces on a pcap device: nlrsd --pcap pcv0 with an
# untagged address and --vlan pcv0.100 with another. This kernel may lack
# VLAN devices (8021q), so the peer speaks 802.1Q with scapy on the far
# veth end: a tagged ARP request and a tagged ICMP echo to the VLAN's
# address must come back tagged with VID 100 from nlrsd's MAC; VID 200 (no
# sub-interface) gets no answer and is counted (eth_rx_vlan); the untagged
# address still answers Linux's ping; `nlrsctl iface pcv0.100 down`
# silences the VLAN only.
#
#   +-- netns nlrs-t-pcapdev_vlan-PID ---------+      +-- netns ..._peer-PID ------------+
#   | nlrsd --pcap pcv0    192.0.2.2/24        |      | Linux 192.0.2.1/24 on pcv1       |
#   |       --vlan pcv0.100 198.51.100.2/24    ==veth== scapy: VID 100, 198.51.100.1     |
#   +------------------------------------------+      +----------------------------------+
source "$(dirname "$0")/lib.sh"
nlrs_setup pcapdev_vlan
nlrs_require_cmd ethtool
"$PY" -c 'import scapy' 2>/dev/null || fail "python3 has no scapy (run tools/bootstrap.sh)"
nlrs_add_ns peer PEER
peer() { ip netns exec "$PEER" "$@"; }

DEV=pcv0
PDEV=pcv1
VLAN_STACK=198.51.100.2
VLAN_PEER=198.51.100.1
ip -n "$NS" link add "$DEV" type veth peer name "$PDEV" netns "$PEER"
nlrs_ns ip link set "$DEV" up
peer ip addr add "$LINUX_IP/$PREFIX" dev "$PDEV"
peer ip link set "$PDEV" up
peer ethtool -K "$PDEV" tx off >/dev/null

rm -f -- "$SOCK"
nlrs_ns_bg nlrsd "$NLRSD" --socket "$SOCK" --pcap "$DEV" --addr "$STACK_IP/$PREFIX" \
	--vlan "$DEV.100" --addr "$VLAN_STACK/24"
NLRSD_PID=$BG_PID
wait_until 10 "nlrsd's control socket" test -S "$SOCK"
smac=$(stack_mac "$DEV")
assert_eq "the VLAN's MAC is its parent's" "$smac" "$(stack_mac "$DEV.100")"

cat >"$TMPD/vlan.py" <<'PYEOF'
import sys
from scapy.all import ARP, ICMP, IP, Dot1Q, Ether, conf, get_if_hwaddr, srp1
conf.verb = 0
iface, smac, sip, myip, vid = sys.argv[1:6]
vid = int(vid)
me = get_if_hwaddr(iface)
r = srp1(Ether(dst="ff:ff:ff:ff:ff:ff", src=me) / Dot1Q(vlan=vid) /
         ARP(op=1, hwsrc=me, psrc=myip, pdst=sip), iface=iface, timeout=2)
arp = (r is not None and Dot1Q in r and r[Dot1Q].vlan == vid and ARP in r and
       r[ARP].op == 2 and r[ARP].psrc == sip and r[ARP].hwsrc == smac and r[Ether].src == smac)
r = srp1(Ether(dst=smac, src=me) / Dot1Q(vlan=vid) / IP(src=myip, dst=sip) /
         ICMP(id=77, seq=1) / (b"netloom" * 20), iface=iface, timeout=2)
icmp = (r is not None and Dot1Q in r and r[Dot1Q].vlan == vid and ICMP in r and
        r[ICMP].type == 0 and r[ICMP].id == 77 and bytes(r[ICMP].payload) == b"netloom" * 20)
print("arp=%s icmp=%s" % ("yes" if arp else "no", "yes" if icmp else "no"))
PYEOF
vlan_probe() { # VID
	peer "$PY" "$TMPD/vlan.py" "$PDEV" "$smac" "$VLAN_STACK" "$VLAN_PEER" "$1" 2>/dev/null | tail -n 1
}

assert_eq "VID 100: tagged ARP reply and tagged echo reply" "arp=yes icmp=yes" "$(vlan_probe 100)"
assert_ge "$DEV.100 rx_packets" \
	"$(nlrs_json interfaces "[i['rx_packets'] for i in d['interfaces'] if i['name'] == '$DEV.100'][0]")" 2
vlan0=$(counter eth_rx_vlan)
assert_eq "VID 200 (no sub-interface): no answer" "arp=no icmp=no" "$(vlan_probe 200)"
assert_ge "eth_rx_vlan growth" $(($(counter eth_rx_vlan) - vlan0)) 2
out=$(peer ping -c 2 -i 0.2 -W 2 $STACK_IP) || fail "untagged ping failed: $out"
log "ok: the untagged address answers"

out=$(nlrs_ctl iface "$DEV.100" down) || fail "iface $DEV.100 down: $out"
assert_eq "VID 100 while down: no answer" "arp=no icmp=no" "$(vlan_probe 100)"
out=$(peer ping -c 1 -W 2 $STACK_IP) || fail "untagged ping failed with the VLAN down: $out"
log "ok: the parent still answers with its VLAN down"
nlrs_ctl iface "$DEV.100" up >/dev/null || fail "iface $DEV.100 up"
assert_eq "VID 100 up again" "arp=yes icmp=yes" "$(vlan_probe 100)"
nlrs_nlrsd_alive
nlrs_stop_nlrsd
assert_eq "nlrsd exit status" 0 "$NLRSD_RC"
