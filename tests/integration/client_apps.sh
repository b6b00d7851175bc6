#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Several apps on one nlrsd at once, each with a region of its own.
#
#   app A (server 7000) --shm A--\
#   app B (client->9000) --shm B--> nlrsd 192.0.2.2 <== TAP clapp0 ==> Linux 192.0.2.1
#   app C (isolation)   --shm C--/
#
#  1. A waits in accept and B holds a connection: their regions are
#     different memfds (inodes in /proc/PID/maps), and nlrsd logged two pids.
#  2. C tries every socket id of its table while A and B hold sockets:
#     every call says EBADF (a socket id means nothing outside its region).
#  3. A and B then move 16 MiB each at the same time (A receives from
#     Linux, B sends to Linux): both sha256 right.
#  4. fork: a child lets go of its parent's client (nlrs_client_forget),
#     connects its own and echoes; the parent's connection still works.
source "$(dirname "$0")/client_lib.sh"
client_setup client_apps clapp0

head -c 16M /dev/urandom >"$TMPD/a.bin"
head -c 16M /dev/urandom >"$TMPD/b.bin"

nlrs_bg appA bash -c 'exec "$0" serve 7000 recv >"$1"' "$APP" "$TMPD/outA.bin"
A=$BG_PID
wait_until 5 "app A listening" log_has appA listening
nlrs_ns_bg rxB timeout 60 socat -u TCP-LISTEN:9000,reuseaddr OPEN:"$TMPD/outB.bin",creat,trunc
RXB=$BG_PID
wait_until 5 "socat listening on 9000" linux_listening 9000
# B connects and blocks reading its input until the pipe opens
mkfifo "$TMPD/b.fifo"
nlrs_bg appB bash -c 'exec "$0" send '$LINUX_IP' 9000 <"$1"' "$APP" "$TMPD/b.fifo"
B=$BG_PID
exec 7>"$TMPD/b.fifo" # opens B's stdin: B starts and connects
wait_until 5 "app B connected" sh -c "ip netns exec $NS ss -Htn state established 'sport = :9000' | grep -q 9000"

# ------------------------------------------------- 1. one region per app
ia=$(awk '/memfd:nlrs-app/ {print $5; exit}' "/proc/$A/maps")
ib=$(awk '/memfd:nlrs-app/ {print $5; exit}' "/proc/$B/maps")
assert_int "app A's region inode" "$ia"
assert_int "app B's region inode" "$ib"
assert_ne "app B's region (not A's)" "$ia" "$ib"
assert_eq "pids nlrsd served" 2 "$(grep -oE 'app pid [0-9]+ uid 0: connected' "$TMPD/nlrsd.log" | sort -u | wc -l)"

# ------------------------------------- 2. another app cannot reach them
out=$("$APP" isolation 64) || fail "isolation app failed: $out"
assert_eq "app C on every socket id 0..63" "isolation checked=64 bad=0" "$out"

# --------------------------------------------- 3. both move data at once
cat "$TMPD/b.bin" >&7 &
CAT=$!
nlrs_ns timeout 60 socat -u OPEN:"$TMPD/a.bin" TCP:$STACK_IP:7000 || fail "socat to app A failed"
wait "$CAT"
exec 7>&-
wait "$A" || fail "app A failed: $(cat "$TMPD/appA.log")"
wait "$B" || fail "app B failed: $(cat "$TMPD/appB.log")"
wait "$RXB" || fail "socat (B's receiver) failed"
assert_eq "app A received 16 MiB (sha256)" "$(file_sha "$TMPD/a.bin")" "$(file_sha "$TMPD/outA.bin")"
assert_eq "app B sent 16 MiB (sha256)" "$(file_sha "$TMPD/b.bin")" "$(file_sha "$TMPD/outB.bin")"

# ------------------------------------------------------------------ 4. fork
nlrs_ns_bg echo socat TCP-LISTEN:9010,reuseaddr,fork EXEC:cat
wait_until 5 "socat echo listening on 9010" linux_listening 9010
out=$(timeout 30 "$APP" fork $LINUX_IP 9010 2>&1) || fail "fork: $out"
assert_eq "child with its own client; parent's socket after the child" "fork child=0 parent_after=ok" "$out"
nlrs_nlrsd_alive
