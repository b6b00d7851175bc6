# SPDX-License-Identifier: BSD-2-Clause
"""Send crafted bad frames to nlrsd and check each is counted under its reason.

usage: malformed.py IFACE STACK_MAC NLRSCTL SOCKET COUNTERS_H

Runs inside the test's network namespace, on the Linux side of the TAP.
For every case it reads all counters, sends the frames, waits for the
expected counter to move, and then checks:
  - the expected counter grew by exactly the number of frames sent;
  - no other drop counter (those documented "drop:" in stack/counters.h)
    moved, so each drop is counted once, under its own reason.
Finally it sends a few hundred random frames (fixed seed) for robustness.
Prints one line per check; exits 1 if any failed.
"""

import json
import random
import re
import struct
import subprocess
import sys
import time

from scapy.all import (ARP, ICMP, IP, UDP, Dot1Q, Ether, Raw, conf,
                       get_if_hwaddr, sendp)
from scapy.utils import checksum

IFACE, STACK_MAC, NLRSCTL, SOCKET, COUNTERS_H = sys.argv[1:6]
LINUX_IP, STACK_IP = "192.0.2.1", "192.0.2.2"
conf.verb = 0
KMAC = get_if_hwaddr(IFACE)

with open(COUNTERS_H) as f:
    DROP_COUNTERS = set(re.findall(r'X\((\w+),\s*"drop:', f.read()))


def counters():
    out = subprocess.run([NLRSCTL, "--socket", SOCKET, "--json", "show", "counters"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["counters"]


def eth(dst=None, src=None, **kw):
    return Ether(dst=dst or STACK_MAC, src=src or KMAC, **kw)


def ip(**kw):
    kw.setdefault("src", LINUX_IP)
    kw.setdefault("dst", STACK_IP)
    return IP(**kw)


def echo(seq=1):
    return ICMP(type=8, id=0x4e4c, seq=seq) / Raw(b"netloom malformed test")


def with_bad(pkt, layer, field="chksum"):
    """pkt with layer's checksum built right and then flipped."""
    good = pkt.__class__(bytes(pkt))[layer].getfieldval(field)
    bad = good ^ 0x5a5a
    if bad == 0:  # 0 means "no checksum" in UDP
        bad = 0x1234
    pkt = pkt.copy()
    pkt[layer].setfieldval(field, bad)
    return pkt


def ipv4_raw(opts, payload, proto=1, ttl=64, ident=0x1111):
    """IPv4 header with raw options bytes (padded by the caller to 4n), a
    correct header checksum, and payload."""
    hl = 20 + len(opts)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload), ident, 0,
                      ttl, proto, 0, bytes(map(int, LINUX_IP.split("."))),
                      bytes(map(int, STACK_IP.split(".")))) + opts
    csum = checksum(hdr)
    return hdr[:10] + struct.pack("!H", csum) + hdr[12:] + payload


def patch(b, off, new):
    return b[:off] + new + b[off + len(new):]


ICMP_ECHO = bytes(echo())
ARP_OK = bytes(ARP(op=1, hwsrc=KMAC, psrc=LINUX_IP, pdst=STACK_IP))
L2_HDR = bytes(eth(type=0x8100))[:12]  # dst + src

# (name, counter, [frames]) - every frame of a case must land on `counter`.
CASES = [
    ("runt: VLAN tag cut short", "eth_rx_short",
     [Raw(L2_HDR + b"\x81\x00"), Raw(L2_HDR + b"\x81\x00\x00\x05")]),
    ("three VLAN tags", "eth_rx_bad_format",
     [eth() / Dot1Q(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) / ip() / echo()] * 2),
    ("802.3 length field (LLC)", "eth_rx_bad_format",
     [eth(type=0x0040) / Raw(b"\xaa\xaa\x03" + bytes(61))]),
    ("multicast source MAC", "eth_rx_bad_source",
     [eth(src="01:00:5e:00:00:01") / ip() / echo()] * 2),
    ("unknown EtherType", "eth_rx_unknown_type",
     [eth(type=0x88b5) / Raw(bytes(46))] * 2),
    ("unicast for another MAC", "eth_rx_not_for_us",
     [eth(dst="02:00:00:00:99:99") / ip() / echo()] * 2),
    ("IPv4 shorter than 20 bytes", "ip_rx_short",
     [eth(type=0x0800) / Raw(b"\x45\x00\x00\x0c" + bytes(8))]),
    ("IP version 6 in an IPv4 frame", "ip_rx_bad_version",
     [eth() / ip(version=6) / echo(), eth() / ip(version=5) / echo()]),
    ("IHL < 5", "ip_rx_bad_hlen",
     [eth() / ip(ihl=4) / echo(), eth() / ip(ihl=0) / echo()]),
    ("IHL past the end of the packet", "ip_rx_bad_hlen",
     [eth(type=0x0800) / Raw(bytes(ip(ihl=15, len=20, proto=1)))] * 2),
    ("total length past the frame", "ip_rx_bad_len",
     [eth() / ip(len=1000) / echo(), eth() / ip(len=60) / echo()]),
    ("total length below the header", "ip_rx_bad_len",
     [eth() / ip(len=10) / echo(), eth() / ip(len=19) / echo()]),
    ("bad IPv4 header checksum", "ip_rx_bad_checksum",
     [with_bad(eth() / ip() / echo(), IP)] * 3),
    ("IPv4 option length 0", "ip_rx_bad_options",
     [eth(type=0x0800) / Raw(ipv4_raw(b"\x44\x00\x00\x00", ICMP_ECHO))]),
    ("IPv4 option length 1", "ip_rx_bad_options",
     [eth(type=0x0800) / Raw(ipv4_raw(b"\x07\x01\x00\x00", ICMP_ECHO))]),
    ("IPv4 option running past the header", "ip_rx_bad_options",
     [eth(type=0x0800) / Raw(ipv4_raw(b"\x07\x0b\x04\x00\x00\x00\x00\x00", ICMP_ECHO))]),
    ("broadcast source address", "ip_rx_bad_source",
     [eth() / ip(src="255.255.255.255") / echo(), eth() / ip(src="127.0.0.1") / echo()]),
    ("not for us, forwarding off", "ip_rx_not_for_us",
     [eth() / ip(dst="198.51.100.7") / echo()] * 2),
    ("unknown IP protocol", "ip_rx_unknown_proto",
     [eth() / ip(proto=253) / Raw(b"x" * 16)]),
    ("ICMP shorter than 8 bytes", "icmp_rx_short",
     [eth() / ip(proto=1) / Raw(b"\x08\x00\xf7\xff")]),
    ("bad ICMP checksum", "icmp_rx_bad_checksum",
     [with_bad(eth() / ip() / echo(), ICMP)] * 3),
    ("ICMP error quoting a foreign datagram", "icmp_rx_bad_quote",
     [eth() / ip() / ICMP(type=3, code=3) /
      Raw(bytes(IP(src="198.51.100.1", dst="203.0.113.1") / UDP(sport=1, dport=2))[:28])]),
    ("UDP shorter than 8 bytes", "udp_rx_short",
     [eth() / ip(proto=17) / Raw(b"\x9c\x40\x00\x07")]),
    ("UDP length past the IP payload", "udp_rx_bad_len",
     [eth() / ip() / UDP(sport=40000, dport=7, len=200) / Raw(b"0123456789")]),
    ("UDP length below 8", "udp_rx_bad_len",
     [eth() / ip() / UDP(sport=40000, dport=7, len=4) / Raw(b"0123456789")]),
    ("bad UDP checksum", "udp_rx_bad_checksum",
     [with_bad(eth() / ip() / UDP(sport=40000, dport=7) / Raw(b"hello"), UDP)] * 3),
    ("ARP truncated to 20 bytes", "arp_rx_short",
     [eth(type=0x0806) / Raw(ARP_OK[:20])] * 2),
    ("ARP hardware length 7", "arp_rx_bad_format",
     [eth(type=0x0806) / Raw(patch(ARP_OK, 4, b"\x07"))]),
    ("ARP protocol type IPv6", "arp_rx_bad_format",
     [eth(type=0x0806) / Raw(patch(ARP_OK, 2, b"\x86\xdd"))]),
    ("ARP opcode 9", "arp_rx_bad_format",
     [eth(type=0x0806) / Raw(patch(ARP_OK, 6, b"\x00\x09"))]),
    ("ARP from a multicast sender", "arp_rx_bad_sender",
     [eth(type=0x0806) / Raw(bytes(ARP(op=1, hwsrc=KMAC, psrc="224.0.0.1", pdst=STACK_IP)))]),
]

# Overlapping fragments (RFC 5722 rules applied to IPv4): the second
# fragment starts at byte 16 while the first ran to byte 24. One count per
# datagram.
OVERLAP = []
for ident in (0x2001, 0x2002, 0x2003):
    OVERLAP.append(eth() / ip(id=ident, flags="MF", frag=0, proto=17) / Raw(bytes(24)))
    OVERLAP.append(eth() / ip(id=ident, flags="MF", frag=2, proto=17) / Raw(bytes(24)))
CASES.append(("overlapping fragments (3 datagrams)", "frag_overlap", OVERLAP))
CASES.append(("non-final fragment not a multiple of 8", "frag_bad_len",
              [eth() / ip(id=0x2101, flags="MF", frag=0, proto=17) / Raw(bytes(20))]))
CASES.append(("fragment ending past 65535", "frag_too_big",
              [eth() / ip(id=0x2102, frag=8189, proto=17) / Raw(bytes(40))]))

# How many a case expects: frames sent, except the overlap case (datagrams).
EXPECT = {"overlapping fragments (3 datagrams)": 3}

failures = 0


def report(ok, msg):
    global failures
    print(("ok: " if ok else "FAIL: ") + msg, flush=True)
    if not ok:
        failures += 1


for name, ctr, frames in CASES:
    want = EXPECT.get(name, len(frames))
    before = counters()
    if ctr not in before:
        report(False, f"{name}: nlrsctl has no counter {ctr}")
        continue
    sendp(frames, iface=IFACE)
    deadline = time.time() + 2
    while True:
        after = counters()
        if after[ctr] - before[ctr] >= want or time.time() > deadline:
            break
        time.sleep(0.05)
    time.sleep(0.1)  # let any stray second count show up
    after = counters()
    got = after[ctr] - before[ctr]
    report(got == want, f"{name}: {ctr} +{got} (expected +{want})")
    others = {k: after[k] - before[k] for k in DROP_COUNTERS
              if k != ctr and k in after and after[k] != before[k]}
    report(not others, f"{name}: no other drop counter moved"
           + (f" (moved: {others})" if others else ""))

# Robustness: random garbage behind valid and invalid headers.
rng = random.Random(20261122)
junk = []
for i in range(400):
    kind = rng.randrange(4)
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
    if kind == 0:
        junk.append(eth(type=rng.choice([0x0800, 0x0806, 0x8100, 0x88a8])) / Raw(body))
    elif kind == 1:
        hdr = bytearray(bytes(ip(proto=rng.choice([1, 17, 6, 0])) / echo(i)))
        for _ in range(rng.randrange(1, 6)):
            hdr[rng.randrange(len(hdr))] = rng.randrange(256)
        junk.append(eth(type=0x0800) / Raw(bytes(hdr) + body))
    elif kind == 2:
        # Any byte but the sender MAC: a changed sender MAC for 192.0.2.1
        # is a valid ARP packet and would (rightly) repoint nlrsd's cache.
        hdr = bytearray(ARP_OK)
        hdr[rng.choice([*range(0, 8), *range(14, 28)])] = rng.randrange(256)
        junk.append(eth(type=0x0806) / Raw(bytes(hdr[:rng.randrange(8, 29)])))
    else:
        junk.append(eth() / ip(id=rng.randrange(65536), flags=rng.choice([0, 1]),
                               frag=rng.randrange(0, 40), proto=17) / Raw(body))
sendp(junk, iface=IFACE)
time.sleep(0.5)
report(True, f"sent {len(junk)} random frames")

print(f"{len(CASES)} cases, {failures} failed checks", flush=True)
sys.exit(1 if failures else 0)
