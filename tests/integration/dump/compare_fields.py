#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare nlrs-dump --fields with tshark -T fields, capture by capture.

Usage: compare_fields.py WORKDIR CLAIMED

WORKDIR holds, for each capture NAME, NAME.nlrs (nlrs-dump --fields: a
header line naming the columns, then one line a packet, the packet number
first) and NAME.tshark (tshark -T fields with frame.number first and then
the same fields in the same order, no header). CLAIMED is a comma list of
the protocols the README's conformance list claims (ip,ipv6,tcp,udp,icmp,
icmpv6,arp).

NAME.tshark ends with one more column, frame.protocols.

A field is compared where nlrs-dump gives a value: its values (one per
layer, outermost first) must equal tshark's first values of that field
(tshark may decode further inside: tunnels and payloads the library does
not claim). It is a disagreement too when tshark did not find the protocol
in the packet at all. Not compared, and counted apart:
  - fields nlrs-dump leaves empty where tshark has a value ("not decoded");
  - packets tshark decodes nothing of ("data" only: a link type it does
    not read, e.g. SLIP);
  - fields tshark leaves empty in a layer it did decode, because its
    dissector stopped on an exception before adding them ("tshark silent").
Prints the agreement per protocol and the first disagreements; exits 1
when a claimed protocol is below 100%.
"""
import ipaddress
import os
import sys

PROTO = {
    "ip": "ip", "ipv6": "ipv6", "tcp": "tcp", "udp": "udp",
    "icmp": "icmp", "icmpv6": "icmpv6", "arp": "arp",
}


def proto_of(col):
    return PROTO.get(col.split(".")[0], col.split(".")[0])


def norm(col, v):
    v = v.strip()
    if not v:
        return v
    try:
        if col in ("ipv6.src", "ipv6.dst"):
            return ipaddress.ip_address(v).compressed
        if col in ("ip.src", "ip.dst", "arp.src.proto_ipv4", "arp.dst.proto_ipv4"):
            return str(ipaddress.ip_address(v))
        if col == "tcp.flags":
            # the library decodes the nine defined flag bits, not the
            # three reserved ones tshark folds into the field
            return str(int(v, 16) & 0x1ff)
        return str(int(v, 0))
    except ValueError:
        return v


def load(path, header):
    rows = {}
    cols = None
    with open(path, errors="replace") as f:
        for n, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if header and n == 0:
                cols = parts[1:]
                continue
            if not parts or not parts[0].strip().isdigit():
                continue
            rows[int(parts[0])] = parts[1:]
    return cols, rows


def main():
    work, claimed = sys.argv[1], set(sys.argv[2].split(","))
    stats = {}   # proto -> [compared, agreed, undecoded, tshark silent]
    bad = []
    files = 0
    frames = 0
    opaque = 0
    for name in sorted(os.listdir(work)):
        if not name.endswith(".nlrs"):
            continue
        base = name[:-5]
        tpath = os.path.join(work, base + ".tshark")
        if not os.path.exists(tpath):
            continue
        cols, nrows = load(os.path.join(work, name), True)
        _, trows = load(tpath, False)
        if not cols:
            continue
        files += 1
        for num, nv in nrows.items():
            tv = trows.get(num)
            if tv is None:
                continue
            protos = set(tv[len(cols)].split(":")) if len(tv) > len(cols) else set()
            if protos <= {"data", ""}:
                if any(x for x in nv):
                    opaque += 1
                continue
            frames += 1
            for i, col in enumerate(cols):
                p = proto_of(col)
                st = stats.setdefault(p, [0, 0, 0, 0])
                nval = nv[i] if i < len(nv) else ""
                tval = tv[i] if i < len(tv) else ""
                nl = [norm(col, x) for x in nval.split(",")] if nval else []
                tl = [norm(col, x) for x in tval.split(",")] if tval else []
                if not nl:
                    if tl:
                        st[2] += 1
                    continue
                if not tl and p in protos:
                    st[3] += 1
                    continue
                st[0] += 1
                if tl[:len(nl)] == nl:
                    st[1] += 1
                else:
                    bad.append((base, num, col, nval, tval))
    print("peer suite field agreement (nlrs-dump --fields vs tshark -T fields):")
    print("  %d captures, %d packets compared; %d packets tshark decodes nothing of"
          % (files, frames, opaque))
    print("  %-8s %10s %10s %9s %12s %14s" % ("protocol", "compared", "agreed", "agreement",
                                              "not decoded", "tshark silent"))
    fail = False
    tot_c = tot_a = 0
    for p in sorted(stats):
        c, a, u, q = stats[p]
        tot_c += c
        tot_a += a
        pct = 100.0 * a / c if c else 100.0
        mark = ""
        if p in claimed and a != c:
            fail = True
            mark = "  << below 100%"
        print("  %-8s %10d %10d %8.3f%% %12d %14d%s" % (p, c, a, pct, u, q, mark))
    pct = 100.0 * tot_a / tot_c if tot_c else 100.0
    print("  %-8s %10d %10d %8.3f%%" % ("all", tot_c, tot_a, pct))
    if bad:
        print("first disagreements (capture, packet, field, nlrs-dump, tshark):")
        for b in bad[:40]:
            print("  %s #%d %s: %r vs %r" % b)
    if tot_c == 0:
        print("nothing was compared")
        return 1
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
