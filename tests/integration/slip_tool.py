#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Helpers for the SLIP integration tests (slip_*.sh).

  slip_tool.py ping TTY SRC DST COUNT
      A minimal SLIP host of its own (RFC 1055 framing written here, not
      shared with netdev/): sends COUNT ICMP echo requests SRC -> DST as
      SLIP frames on TTY (a pty end) and prints "received N" for the echo
      replies that come back intact (IP and ICMP checksums checked).

  slip_tool.py noise TTY_A TTY_B SEED PER_MILLION
      Relay bytes both ways between two pty ends, injecting line noise at
      PER_MILLION events per million bytes: a flipped bit, an inserted
      random byte, or an inserted ESC followed by a byte that is neither
      ESC_END nor ESC_ESC. On SIGTERM prints
      "noise bytes=N flipped=F inserted=I bad_escapes=E" and exits 0.
"""
import os
import random
import select
import signal
import struct
import sys
import termios
import time
import tty

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD


def open_raw(path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    return fd


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def slip_encode(frame):
    out = bytearray([END])
    for b in frame:
        if b == END:
            out += bytes([ESC, ESC_END])
        elif b == ESC:
            out += bytes([ESC, ESC_ESC])
        else:
            out.append(b)
    out.append(END)
    return bytes(out)


class Decoder:
    def __init__(self):
        self.buf = bytearray()
        self.esc = False
        self.bad = False

    def feed(self, data):
        frames = []
        for b in data:
            if b == END:
                if self.buf and not self.bad and not self.esc:
                    frames.append(bytes(self.buf))
                self.buf.clear()
                self.esc = self.bad = False
            elif self.esc:
                self.esc = False
                if b == ESC_END:
                    self.buf.append(END)
                elif b == ESC_ESC:
                    self.buf.append(ESC)
                else:
                    self.bad = True
            elif b == ESC:
                self.esc = True
            else:
                self.buf.append(b)
        return frames


def echo_request(src, dst, ident, seq):
    payload = bytes((i + seq) & 0xFF for i in range(56))
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + icmp, payload


def ping(path, src, dst, count):
    fd = open_raw(path)
    src, dst = ip4(src), ip4(dst)
    ident = os.getpid() & 0xFFFF
    dec = Decoder()
    got = 0
    for seq in range(1, count + 1):
        pkt, payload = echo_request(src, dst, ident, seq)
        os.write(fd, slip_encode(pkt))
        deadline = time.monotonic() + 2.0
        done = False
        while not done and time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not r:
                break
            for f in dec.feed(os.read(fd, 4096)):
                if len(f) < 28 or f[0] != 0x45 or f[9] != 1 or csum(f[:20]) != 0:
                    continue
                if f[12:16] != dst or f[16:20] != src:
                    continue
                icmp = f[20:]
                if csum(icmp) != 0:
                    continue
                t, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
                if t == 0 and rid == ident and rseq == seq and icmp[8:] == payload:
                    got += 1
                    done = True
        time.sleep(0.1)
    print("received %d" % got)
    return 0


def noise(a_path, b_path, seed, per_million):
    rnd = random.Random(seed)
    a, b = open_raw(a_path), open_raw(b_path)
    stats = {"bytes": 0, "flipped": 0, "inserted": 0, "bad_escapes": 0}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    def mangle(data):
        out = bytearray()
        for byte in data:
            if rnd.randrange(1000000) < per_million:
                kind = rnd.randrange(4)
                if kind < 2:
                    byte ^= 1 << rnd.randrange(8)
                    stats["flipped"] += 1
                elif kind == 2:
                    out.append(rnd.randrange(256))
                    stats["inserted"] += 1
                else:
                    out += bytes([ESC, 0x41])
                    stats["bad_escapes"] += 1
            out.append(byte)
        return bytes(out)

    while not stop:
        try:
            r, _, _ = select.select([a, b], [], [], 0.2)
        except InterruptedError:
            continue
        for src in r:
            try:
                data = os.read(src, 4096)
            except OSError:
                stop.append(1)
                break
            stats["bytes"] += len(data)
            dst = b if src == a else a
            out = mangle(data)
            while out:
                try:
                    n = os.write(dst, out)
                except BlockingIOError:
                    time.sleep(0.001)
                    continue
                out = out[n:]
    print("noise " + " ".join("%s=%d" % kv for kv in stats.items()), flush=True)
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "ping":
        return ping(argv[2], argv[3], argv[4], int(argv[5]))
    if len(argv) == 6 and argv[1] == "noise":
        return noise(argv[2], argv[3], int(argv[4]), int(argv[5]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
