#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Hostile and refused apps: nlrsd answers or disconnects, never crashes.
#
#   raw session / junk / uid 65534 --app socket--> nlrsd 192.0.2.2 <== TAP clgar0 ==> Linux
#
#  1. A raw session (no client library) finds its region sealed (ftruncate
#     fails), sends 200 requests of random bytes (bad ops, socket ids it
#     does not own, wild arguments): each gets an error completion with
#     its tag. Then it publishes a request index 100000 entries ahead:
#     nlrsd disconnects it and marks the region dead. Another raw session
#     opens a UDP socket and publishes 32 bytes of a record that says it
#     holds 60000: disconnected too.
#  2. Junk instead of a hello, and a hello of the wrong size: nlrsd hangs
#     up on both; a connection that says nothing is dropped after 5 s.
#  3. An app of another uid (65534) is refused by SO_PEERCRED: EACCES;
#     the same uid with the app group (NLRSD_APP_GROUP=65533) is served.
#  4. Afterwards nlrsd still runs and a well-behaved app still works.
source "$(dirname "$0")/client_lib.sh"
export NLRSD_APP_GROUP=65533
client_setup client_garbage clgar0

# ------------------------------------------------------ 1. garbage rings
out=$(timeout 30 "$APP" garbage requests 2>&1) || fail "raw session failed: $out"
assert_contains "garbage requests answered" "garbage requests=200 errors=200" "$out"
assert_contains "lying index: disconnected, region marked dead" "disconnected dead=1" "$out"
out=$(timeout 30 "$APP" garbage record 2>&1) || fail "raw session (record) failed: $out"
assert_contains "lying datagram record: disconnected" "disconnected dead=1" "$out"
assert_contains "nlrsd's reason" "protocol violation" "$(cat "$TMPD/nlrsd.log")"
nlrs_nlrsd_alive

# ---------------------------------------------------------- 2. bad hellos
out=$("$PY" - "$SOCK.app" <<'PYEOF'
import socket, sys
res = []
for payload in (b"GET / HTTP/1.0\r\n\r\n" * 3, b"\x4e\x52\x4c\x53"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    s.send(payload)
    s.settimeout(5)
    try:
        d = s.recv(100)
        res.append("closed" if d == b"" or len(d) == 24 else "data")
    except (ConnectionResetError, socket.timeout) as e:
        res.append(type(e).__name__)
    s.close()
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.settimeout(10)
try:
    res.append("closed" if s.recv(100) == b"" else "data")
except (ConnectionResetError, socket.timeout) as e:
    res.append(type(e).__name__)
print(" ".join(res))
PYEOF
)
assert_eq "nlrsd on junk hellos and on silence" "closed closed closed" "$out"
nlrs_nlrsd_alive

# -------------------------------------------------------- 3. foreign uid
if command -v setpriv >/dev/null 2>&1; then
	chmod o+x "$TMPD" # the path must be reachable: the check is nlrsd's, not the file mode's
	out=$(setpriv --reuid 65534 --regid 65534 --clear-groups env NLRS_SOCKET="$SOCK" "$APP" api 2>&1 || true)
	assert_contains "uid 65534 connecting" "Permission denied" "$out"
	assert_match "nlrsd logged the refusal" "refused pid [0-9]+ uid 65534" "$(cat "$TMPD/nlrsd.log")"
	out=$(setpriv --reuid 65534 --regid 65533 --clear-groups env NLRS_SOCKET="$SOCK" "$APP" api 2>&1 || true)
	assert_eq "uid 65534 in the app group" "api fails=0" "$out"
else
	log "setpriv missing: foreign uid check skipped"
fi

# ------------------------------------------------------ 4. still serving
out=$("$APP" api) || fail "api after the garbage: $out"
assert_eq "a good app afterwards" "api fails=0" "$out"
nlrs_nlrsd_alive
