#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A stock iperf3 against the stack, both roles. nlrs-tcpapp speaks iperf3's
# control protocol (cookie, JSON parameters, TEST_START/TEST_RUNNING/
# TEST_END, EXCHANGE_RESULTS, DISPLAY_RESULTS, IPERF_DONE; see
# tcpapp/iperf3.c), so the numbers below are iperf3's own report.
#
#   netns nlrs-t-tcp_iperf-PID
#   Linux 192.0.2.1/24 [ttcpiperf] <== TAP ==> nlrs-tcpapp 192.0.2.2/24
#   iperf3 -c 192.0.2.2 (-R, -P 4)              server 5201 --mode iperf3 --conns 3
#   iperf3 -s -1 on 192.0.2.1:5201              client 192.0.2.1 5201 --mode iperf3
#
#  1. iperf3 -c -t 3: Linux sends; iperf3 reports > 0 bits/s, its receiver
#     bytes are what the stack counted, and sender = receiver bytes (the
#     stack drains the streams before answering TEST_END).
#  2. iperf3 -c -R -t 2: the stack sends; iperf3's sender bytes are the
#     stack's count, its receiver bytes > 0 and no more than that.
#  3. iperf3 -c -P 4 -t 2: four streams, ids matched, totals as in 1.
#  4. iperf3 -s -1: the stack's client runs a 3 s test; iperf3's server
#     reports > 0 bits/s, and the receiver bytes it sent back in the results
#     exchange are the ones in its own report.
source "$(dirname "$0")/tcp_lib.sh"
tcp_setup tcp_iperf ttcpiperf
nlrs_require_cmd iperf3

# ipj FILE EXPR: python EXPR with j = iperf3's JSON report
ipj() {
	"$PY" -c '
import json, sys
j = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"j": j})
print(v if isinstance(v, str) else json.dumps(v))
' "$1" "$2" || { cat "$1" >&2; fail "cannot evaluate $2 on iperf3's report"; }
}

tcp_app iperf server 5201 --mode iperf3 --conns 3 --timeout 60

# 1. Linux -> stack
nlrs_ns timeout 30 iperf3 -c $STACK_IP -t 3 -J >"$TMPD/c1.json" || { cat "$TMPD/c1.json"; fail "iperf3 -c failed"; }
assert_eq "iperf3 error" null "$(ipj "$TMPD/c1.json" 'j.get("error")')"
rx=$(ipj "$TMPD/c1.json" 'j["end"]["sum_received"]["bytes"]')
tx=$(ipj "$TMPD/c1.json" 'j["end"]["sum_sent"]["bytes"]')
assert_ge "iperf3 receiver bytes (the stack's count)" "$rx" 1
assert_eq "iperf3 sender bytes = receiver bytes" "$tx" "$rx"
assert_ge "iperf3 receiver bits/s" "$(ipj "$TMPD/c1.json" 'int(j["end"]["sum_received"]["bits_per_second"])')" 1
assert_contains "the stack's own line" "received $rx bytes" "$(grep '^iperf3: test 1 done' "$APP_LOG")"
log "iperf3 -c (Linux -> stack): $(ipj "$TMPD/c1.json" 'round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1)') Mbit/s"

# 2. stack -> Linux (reverse)
nlrs_ns timeout 30 iperf3 -c $STACK_IP -t 2 -R -J >"$TMPD/c2.json" || { cat "$TMPD/c2.json"; fail "iperf3 -c -R failed"; }
assert_eq "iperf3 -R error" null "$(ipj "$TMPD/c2.json" 'j.get("error")')"
rx=$(ipj "$TMPD/c2.json" 'j["end"]["sum_received"]["bytes"]')
tx=$(ipj "$TMPD/c2.json" 'j["end"]["sum_sent"]["bytes"]')
assert_ge "iperf3 -R receiver bytes" "$rx" 1
assert_le "iperf3 -R receiver bytes <= the stack's sender bytes" "$rx" "$tx"
assert_contains "the stack's own line" "sent $tx bytes" "$(grep '^iperf3: test 2 done' "$APP_LOG")"
log "iperf3 -c -R (stack -> Linux): $(ipj "$TMPD/c2.json" 'round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1)') Mbit/s"

# 3. four parallel streams
nlrs_ns timeout 30 iperf3 -c $STACK_IP -t 2 -P 4 -J >"$TMPD/c3.json" || { cat "$TMPD/c3.json"; fail "iperf3 -c -P 4 failed"; }
assert_eq "iperf3 -P 4 error" null "$(ipj "$TMPD/c3.json" 'j.get("error")')"
assert_eq "streams with receiver bytes > 0" 4 \
	"$(ipj "$TMPD/c3.json" 'sum(1 for s in j["end"]["streams"] if s["receiver"]["bytes"] > 0)')"
assert_eq "per-stream sender = receiver bytes" true \
	"$(ipj "$TMPD/c3.json" 'all(s["sender"]["bytes"] == s["receiver"]["bytes"] for s in j["end"]["streams"])')"
tcp_wait 20
assert_eq "nlrs-tcpapp (iperf3 server, 3 tests) exit status" 0 "$APP_RC"
assert_eq "tests the stack served" 3 "$(tcp_result 'r["iperf3"]["tests"]')"

# 4. the stack's client against iperf3 -s
nlrs_ns_bg iperf3s iperf3 -s -1 -B $LINUX_IP -p 5201 -J --logfile "$TMPD/s4.json"
SRV_PID=$BG_PID
wait_until 5 "iperf3 -s listening" tcp_listening 5201
tcp_app iperfc client $LINUX_IP 5201 --mode iperf3 --time 3 --timeout 40
tcp_wait 40
assert_eq "nlrs-tcpapp (iperf3 client) exit status" 0 "$APP_RC"
wait "$SRV_PID" || { cat "$TMPD/s4.json"; fail "iperf3 -s failed"; }
assert_eq "iperf3 -s error" null "$(ipj "$TMPD/s4.json" 'j.get("error")')"
srx=$(ipj "$TMPD/s4.json" 'j["end"]["sum_received"]["bytes"]')
stx=$(tcp_result 'r["iperf3"]["bytes"]')
assert_ge "iperf3 -s receiver bytes" "$srx" 1
assert_ge "iperf3 -s receiver bits/s" "$(ipj "$TMPD/s4.json" 'int(j["end"]["sum_received"]["bits_per_second"])')" 1
assert_eq "receiver bytes the stack learnt from iperf3 -s (results exchange)" "$srx" \
	"$(tcp_result 'r["iperf3"]["peer_bytes"]')"
# The stack sends TEST_END once all its data is acknowledged, but iperf3 -s
# stops counting when it reads TEST_END, possibly with data still unread in
# its socket: its count may fall short of the stack's by what was buffered.
assert_le "iperf3 -s receiver bytes <= the stack's sender bytes" "$srx" "$stx"
assert_ge "iperf3 -s receiver bytes >= 90% of the stack's" "$srx" $((stx * 9 / 10))
log "stack iperf3 client -> iperf3 -s: $(ipj "$TMPD/s4.json" 'round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1)') Mbit/s, sent $stx, received $srx"
