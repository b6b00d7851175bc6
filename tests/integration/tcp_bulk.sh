#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# 1 GiB each way between the stack and Linux, checked with SHA-256.
#
#   netns nlrs-t-tcp_bulk-PID
#   Linux 192.0.2.1/24 [ttcpbulk] <== TAP ==> nlrs-tcpapp 192.0.2.2/24
#   python3 receiver on :9000      <-- 1 GiB --  client --mode send
#   nlrs-tcpapp gen | socat        --- 1 GiB --> server 9 --mode sink --verify
#
#  1. stack -> Linux: the stack (client) sends 1 GiB of the test stream;
#     Linux's SHA-256 of what arrived equals the stream's (hashlib) and
#     the digest the stack computed over what it sent.
#  2. Linux -> stack: socat sends 1 GiB of the stream; the stack (sink)
#     checks every byte against the stream and its SHA-256 matches.
# Each direction prints its throughput; NLRS_BULK_BYTES overrides the size
# (128 MiB by default in a sanitizer build).
source "$(dirname "$0")/tcp_lib.sh"
tcp_setup tcp_bulk ttcpbulk
nlrs_require_cmd socat
BYTES=${NLRS_BULK_BYTES:-1073741824}
# Under ASan+UBSan (sanitize/integration) 128 MiB each way: the same code
# paths, an eighth of the time.
if [ -z "${NLRS_BULK_BYTES:-}" ] && tcp_sanitized; then
	BYTES=134217728
fi
SEED=11

want=$(py_sha_of_stream "$BYTES" $SEED)
log "sha256 of the $BYTES-byte stream: $want"

# 1. stack -> Linux
py_sink 9000 "$TMPD/rx.out"
t0=$(date +%s%N)
tcp_app send client $LINUX_IP 9000 --mode send --bytes "$BYTES" --seed $SEED --timeout 240
tcp_wait 250
t1=$(date +%s%N)
assert_eq "nlrs-tcpapp (sender) exit status" 0 "$APP_RC"
wait "$SINK_PID" || fail "the Linux receiver failed"
assert_eq "what Linux received: sha256 and bytes" "$want $BYTES" "$(cat "$TMPD/rx.out")"
assert_eq "digest the stack computed over what it sent" "$want" "$(tcp_result 'r["sha256_sent"]')"
log "stack -> Linux: $BYTES bytes in $(((t1 - t0) / 1000000)) ms (app: $(tcp_result 'r["mbit_s_sent"]') Mbit/s, retransmitted segments $(tcp_result 'r["total_retrans"]'))"

# 2. Linux -> stack
tcp_app sink server 9 --mode sink --conns 1 --seed $SEED --verify --timeout 240
t0=$(date +%s%N)
"$NLRS_TCPAPP" gen --bytes "$BYTES" --seed $SEED | nlrs_ns timeout 240 socat -u - TCP:$STACK_IP:9 ||
	fail "socat (sender) failed"
tcp_wait 30
t1=$(date +%s%N)
assert_eq "nlrs-tcpapp (receiver) exit status" 0 "$APP_RC"
assert_contains "the stack's digest of what it received" "sha256=$want bytes=$BYTES stream=match" \
	"$(grep '^sink: ' "$APP_LOG")"
log "Linux -> stack: $BYTES bytes in $(((t1 - t0) / 1000000)) ms (app: $(tcp_result 'r["mbit_s_received"]') Mbit/s)"
