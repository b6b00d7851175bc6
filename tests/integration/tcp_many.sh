#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# 200 concurrent connections from Linux to the stack's echo server.
#
#   netns nlrs-t-tcp_many-PID
#   Linux 192.0.2.1/24 [ttcpmany] <== TAP ==> nlrs-tcpapp 192.0.2.2/24
#   python3 asyncio, 200 sockets              server 7 --mode echo --conns 200
#
# The client opens all 200 connections first (so all 200 are established
# at once: the stack reports max_live 200), then each sends its own
# payload (32 KB derived from its index), half-closes, and checks that the
# echo is byte for byte its own payload, then EOF.
source "$(dirname "$0")/tcp_lib.sh"
tcp_setup tcp_many ttcpmany
N=200

tcp_app echo server 7 --mode echo --conns $N --backlog 256 --timeout 90
out=$(nlrs_ns timeout 80 "$PY" - $STACK_IP 7 $N <<'PYEOF'
import asyncio, hashlib, sys

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def payload(i):
    seed = hashlib.sha256(b"conn %d" % i).digest()
    return b"".join(hashlib.sha256(seed + b"%d" % k).digest() for k in range(1000))  # 32000 B

async def main():
    conns = await asyncio.wait_for(
        asyncio.gather(*(asyncio.open_connection(host, port) for _ in range(n))), 30)
    print("connected", len(conns))

    async def run(i, r, w):
        data = payload(i)
        w.write(data)
        await w.drain()
        w.write_eof()
        got = await r.read()  # to EOF
        w.close()
        return got == data, len(got)

    res = await asyncio.wait_for(
        asyncio.gather(*(run(i, r, w) for i, (r, w) in enumerate(conns)), return_exceptions=True), 60)
    ok = sum(1 for x in res if isinstance(x, tuple) and x[0])
    bad = [(i, x) for i, x in enumerate(res) if not (isinstance(x, tuple) and x[0])]
    print("identical", ok)
    for i, x in bad[:10]:
        print("conn", i, "->", x)

asyncio.run(main())
PYEOF
) || true
echo "$out"
assert_contains "Linux opened all connections" "connected $N" "$out"
assert_contains "echoes identical to their payloads" "identical $N" "$out"
tcp_wait 30
assert_eq "nlrs-tcpapp exit status" 0 "$APP_RC"
assert_eq "connections the stack served well" $N "$(tcp_result 'r["ok"]')"
assert_eq "connections open at once on the stack" $N "$(tcp_result 'r["max_live"]')"
assert_eq "bytes the stack echoed" $((N * 32000)) "$(tcp_result 'r["bytes_sent"]')"
assert_eq "distinct digests of what the stack received" $N \
	"$(tcp_conn 'len(set(x["sha256_received"] for x in c))')"
