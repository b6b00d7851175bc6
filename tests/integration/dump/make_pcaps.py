#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the captures the nlrs-dump tests read, with scapy.

Usage: make_pcaps.py OUTDIR

  mixed.pcap    120 Ethernet frames one second apart from 2023-11-14
                22:13:20 UTC: ARP, ICMP echo and errors, a TCP connection
                (options, data, SACK, FIN), DNS over UDP and TCP, DHCP,
                TFTP, HTTP, SSH, UDP, an 802.1Q frame, IPv4 fragments,
                IPv6 with ICMPv6 (echo, ND) and TCP, extension headers
  mixed.pcapng  the same frames as pcapng
  nsec.pcap     a few frames with nanosecond timestamps
  sll.pcap      Linux cooked (v1) frames
  sll2.pcap     Linux cooked v2 frames (interface index 1, the loopback)
  raw.pcap      raw IP (LINKTYPE_RAW)
Only documentation addresses are used.
"""
import os
import sys

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, ICMP, IP, IPv6, TCP, UDP,
                       CookedLinux, CookedLinuxV2, Dot1Q, Ether, ICMPv6EchoReply, ICMPv6EchoRequest,
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPOption_Router_Alert, Raw, PcapWriter, fragment)
from scapy.layers.tftp import TFTP, TFTP_RRQ
from scapy.utils import PcapNgWriter

A, B = "192.0.2.1", "192.0.2.2"
A6, B6 = "2001:db8::1", "2001:db8::2"
MA, MB = "02:00:00:00:00:01", "02:00:00:00:00:02"
BASE = 1700000000


def eth(pkt, src=MA, dst=MB):
    return Ether(src=src, dst=dst) / pkt


def frames():
    out = []
    add = out.append
    add(Ether(src=MA, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=MA, psrc=A, pdst=B))
    add(Ether(src=MB, dst=MA) / ARP(op=2, hwsrc=MB, psrc=B, hwdst=MA, pdst=A))
    for s in range(1, 4):
        add(eth(IP(src=A, dst=B, id=100 + s) / ICMP(type=8, id=7, seq=s) / Raw(b"x" * 56)))
        add(eth(IP(src=B, dst=A, id=200 + s) / ICMP(type=0, id=7, seq=s) / Raw(b"x" * 56), MB, MA))
    # a TCP connection with Linux's options, data both ways, SACK, FIN
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)), ("NOP", None), ("WScale", 7)]
    c, s = 1000000, 2000000
    add(eth(IP(src=A, dst=B, flags="DF") / TCP(sport=40000, dport=8080, flags="S", seq=c, window=64240, options=opts)))
    add(eth(IP(src=B, dst=A, flags="DF") / TCP(sport=8080, dport=40000, flags="SA", seq=s, ack=c + 1, window=65160,
                                                options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (2000, 1000)), ("NOP", None), ("WScale", 7)]), MB, MA))
    ts = [("NOP", None), ("NOP", None), ("Timestamp", (1001, 2000))]
    add(eth(IP(src=A, dst=B, flags="DF") / TCP(sport=40000, dport=8080, flags="A", seq=c + 1, ack=s + 1, window=502, options=ts)))
    add(eth(IP(src=A, dst=B, flags="DF") / TCP(sport=40000, dport=8080, flags="PA", seq=c + 1, ack=s + 1, window=502, options=ts) / Raw(b"hello netloom\n")))
    add(eth(IP(src=B, dst=A, flags="DF") / TCP(sport=8080, dport=40000, flags="A", seq=s + 1, ack=c + 15, window=509,
                                                options=[("NOP", None), ("NOP", None), ("SAck", (c + 20, c + 30))]), MB, MA))
    add(eth(IP(src=B, dst=A, flags="DF") / TCP(sport=8080, dport=40000, flags="PA", seq=s + 1, ack=c + 15, window=509, options=ts) / Raw(b"hello back\n"), MB, MA))
    add(eth(IP(src=A, dst=B, flags="DF") / TCP(sport=40000, dport=8080, flags="FA", seq=c + 15, ack=s + 12, window=502, options=ts)))
    add(eth(IP(src=B, dst=A, flags="DF") / TCP(sport=8080, dport=40000, flags="FA", seq=s + 12, ack=c + 16, window=509), MB, MA))
    add(eth(IP(src=A, dst=B, flags="DF") / TCP(sport=40000, dport=8080, flags="A", seq=c + 16, ack=s + 13, window=502)))
    add(eth(IP(src=A, dst=B) / TCP(sport=40001, dport=8081, flags="R", seq=5)))
    add(eth(IP(src=A, dst=B) / TCP(sport=40002, dport=8082, flags="SEC", seq=9, urgptr=0)))
    # DNS over UDP and TCP
    q = DNS(id=0x1234, rd=1, qd=DNSQR(qname="www.example.com", qtype="A"))
    add(eth(IP(src=A, dst=B) / UDP(sport=5353 + 1000, dport=53) / q))
    r = DNS(id=0x1234, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com", qtype="A"),
            an=DNSRR(rrname="www.example.com", type="A", ttl=300, rdata="192.0.2.80"))
    add(eth(IP(src=B, dst=A) / UDP(sport=53, dport=6353) / r, MB, MA))
    r2 = DNS(id=0x4321, qr=1, rd=1, ra=1, rcode=3, qd=DNSQR(qname="nx.example", qtype="AAAA"))
    add(eth(IP(src=B, dst=A) / UDP(sport=53, dport=6354) / r2, MB, MA))
    add(eth(IP(src=A, dst=B) / UDP(sport=6355, dport=53) / DNS(id=7, rd=1, qd=DNSQR(qname="example.org", qtype="MX"))))
    # DHCP, TFTP, HTTP, SSH, plain UDP
    add(Ether(src=MA, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67) /
        BOOTP(chaddr=bytes.fromhex("020000000001"), xid=0x11223344) / DHCP(options=[("message-type", "discover"), "end"]))
    add(eth(IP(src=A, dst=B) / UDP(sport=50000, dport=69) / TFTP() / TFTP_RRQ(filename=b"boot.img", mode=b"octet")))
    add(eth(IP(src=A, dst=B, flags="DF") / TCP(sport=40010, dport=80, flags="PA", seq=1, ack=1, window=502) /
            Raw(b"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")))
    add(eth(IP(src=B, dst=A, flags="DF") / TCP(sport=80, dport=40010, flags="PA", seq=1, ack=90, window=509) /
            Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), MB, MA))
    add(eth(IP(src=B, dst=A, flags="DF") / TCP(sport=22, dport=40020, flags="PA", seq=1, ack=1, window=509) /
            Raw(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"), MB, MA))
    add(eth(IP(src=A, dst=B) / UDP(sport=40030, dport=7777) / Raw(b"netloom datagram")))
    add(eth(IP(src=A, dst=B) / UDP(sport=40031, dport=7777, len=100) / Raw(b"short")))
    # ICMP errors quoting a UDP datagram
    add(eth(IP(src=B, dst=A) / ICMP(type=3, code=3) / IP(src=A, dst=B) / UDP(sport=40030, dport=7777), MB, MA))
    add(eth(IP(src=B, dst=A) / ICMP(type=11, code=0) / IP(src=A, dst=B, ttl=1) / UDP(sport=40030, dport=33434), MB, MA))
    add(eth(IP(src=B, dst=A) / ICMP(type=3, code=4, nexthopmtu=1400) / IP(src=A, dst=B, flags="DF") / TCP(sport=40000, dport=8080), MB, MA))
    # an 802.1Q frame, IPv4 options, a bad IP checksum
    add(Ether(src=MA, dst=MB) / Dot1Q(vlan=100, prio=3) / IP(src=A, dst=B) / UDP(sport=1234, dport=7777) / Raw(b"tagged"))
    add(eth(IP(src=A, dst=B, options=[IPOption_Router_Alert()]) / ICMP(type=8, id=9, seq=1)))
    add(eth(IP(src=A, dst=B, chksum=0x1234) / ICMP(type=8, id=9, seq=2)))
    # IPv4 fragments of a large UDP datagram
    for f in fragment(IP(src=A, dst=B, id=4242) / UDP(sport=5000, dport=7777) / Raw(b"F" * 3000), fragsize=1400):
        add(eth(f))
    # IPv6: echo, ND, TCP, hop-by-hop, fragment
    add(eth(IPv6(src=A6, dst=B6) / ICMPv6EchoRequest(id=3, seq=1, data=b"y" * 32)))
    add(eth(IPv6(src=B6, dst=A6) / ICMPv6EchoReply(id=3, seq=1, data=b"y" * 32), MB, MA))
    add(Ether(src=MA, dst="33:33:ff:00:00:02") / IPv6(src=A6, dst="ff02::1:ff00:2", hlim=255) /
        ICMPv6ND_NS(tgt=B6) / ICMPv6NDOptSrcLLAddr(lladdr=MA))
    add(eth(IPv6(src=B6, dst=A6, hlim=255) / ICMPv6ND_NA(tgt=B6, R=0, S=1, O=1), MB, MA))
    add(eth(IPv6(src=A6, dst=B6) / TCP(sport=40100, dport=443, flags="S", seq=77, window=64800,
                                       options=[("MSS", 1440), ("SAckOK", b""), ("Timestamp", (5, 0)), ("NOP", None), ("WScale", 7)])))
    add(eth(IPv6(src=A6, dst=B6) / IPv6ExtHdrHopByHop() / UDP(sport=4000, dport=7777) / Raw(b"hbh")))
    add(eth(IPv6(src=A6, dst=B6) / IPv6ExtHdrFragment(id=0xabcdef, offset=0, m=1) / UDP(sport=4001, dport=7777) / Raw(b"frag" * 10)))
    add(eth(IPv6(src=A6, dst=B6) / UDP(sport=4002, dport=53) / DNS(id=99, rd=1, qd=DNSQR(qname="v6.example.net", qtype="AAAA"))))
    # an unknown EtherType
    add(Ether(src=MA, dst=MB, type=0x88b5) / Raw(b"\x00\x01local experimental"))
    # repeat the lot (different ids) to reach 120 frames
    base = list(out)
    k = 0
    while len(out) < 120:
        out.append(base[k % len(base)])
        k += 1
    return out


def main():
    d = sys.argv[1]
    fr = frames()
    w = PcapWriter(os.path.join(d, "mixed.pcap"), linktype=1, sync=True)
    for i, f in enumerate(fr):
        f.time = BASE + i
        w.write(f)
    w.close()
    w = PcapNgWriter(os.path.join(d, "mixed.pcapng"))
    for i, f in enumerate(fr):
        f.time = BASE + i
        w.write(f)
    w.close()
    w = PcapWriter(os.path.join(d, "nsec.pcap"), linktype=1, nano=True, sync=True)
    for i, f in enumerate(fr[:6]):
        f.time = BASE + i + 0.123456789
        w.write(f)
    w.close()
    w = PcapWriter(os.path.join(d, "sll.pcap"), linktype=113, sync=True)
    for i, f in enumerate(fr[:12]):
        c = CookedLinux(pkttype=4 if i % 2 == 0 else 0, lladdrtype=1, lladdrlen=6,
                        src=bytes.fromhex("020000000001") + b"\0\0", proto=f.type) / f.payload
        c.time = BASE + i
        w.write(c)
    w.close()
    w = PcapWriter(os.path.join(d, "sll2.pcap"), linktype=276, sync=True)
    for i, f in enumerate(fr[:12]):
        c = CookedLinuxV2(proto=f.type, ifindex=1, lladdrtype=1, pkttype=4 if i % 2 == 0 else 0,
                          lladdrlen=6, src=bytes.fromhex("020000000001") + b"\0\0") / f.payload
        c.time = BASE + i
        w.write(c)
    w.close()
    w = PcapWriter(os.path.join(d, "raw.pcap"), linktype=101, sync=True)
    n = 0
    for f in fr:
        if f.haslayer(IP) or f.haslayer(IPv6):
            p = f.payload
            p.time = BASE + n
            w.write(p)
            n += 1
            if n == 20:
                break
    w.close()


if __name__ == "__main__":
    main()
