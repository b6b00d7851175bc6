#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A transfer each way through the fault injector (netdev/fault.c): frames
# dropped, corrupted (one bit flipped), reordered, and a rate limit of 4
# frames per 50 ms shaping interval in each direction. Both transfers arrive
# intact (SHA-256), and the recovery is SACK-driven, not only timeouts: the
# capture shows SACK blocks in the ACKs and fast retransmissions (tshark's
# analysis), and the stack counts SACK recoveries and fast retransmits.
#
#   netns nlrs-t-tcp_fault-PID
#   Linux 192.0.2.1/24 [ttcpfault] <== TAP ==> [fault] [capture] nlrs-tcpapp 192.0.2.2/24
#   mtu 9000, static neighbour                                  --mac 02:00:00:00:fa:01
#   python3 receiver :9000  <----------------------------------- client --mode send
#   nlrs-tcpapp gen | socat ------------------------------------> server 9 --mode sink
#
# Parameters. Issue 3 asks for 15% drop, 15% corruption, reordering, 4
# frames per 50 ms each way, and 50 MiB each way. The shaper is a policer
# (smoltcp's semantics: frames over the bucket are dropped, not queued),
# so with 28% random loss on top a loss-based sender both halves its
# window all the time and still overruns the bucket with bursts.
#
# Direction 1, the stack sending, runs the issue's faults exactly, with
# BBR (--cc bbr): pacing at the delivery rate, policer detection and a
# loss-aware climb to the policer's rate (stack/tcp_bbr.c). Measured on
# this 2-core machine, 8 MB at MTU 9000: 63 s with BBR, 133 s with CUBIC.
#
# Direction 2, Linux sending, runs 5% drop + 5% corruption, with the same
# reordering and rate limit, and 2 MiB: the Linux sender (CUBIC or BBR
# alike) lives on retransmission timeouts of seconds through the policer:
# under the issue's 15%/15% it did not get 2 MB through in 200 s, and at
# 5%/5% 8 MiB took 398 s (measured 2026-11-22). That is Linux's sender,
# which Netloom, the receiver here, cannot change.
#
# Jumbo frames (the policer counts frames, so 9000-byte frames carry 6x the
# bytes of 1500-byte ones): 8 MiB stack -> Linux takes 60-100 s, 2 MiB
# Linux -> stack about 100 s. NLRS_FAULT_PROFILE=issue runs 50 MiB and 15%/15% both ways
# (expect hours for direction 2); NLRS_FAULT_BYTES, NLRS_FAULT_MTU and
# NLRS_FAULT_INTERVAL override single values.
#
# ARP has no checksum: a corrupted reply can teach a wrong MAC for the
# entry's lifetime (seen: the stack learnt 6e:79:3a:.. for 6e:79:7a:.. and
# sent its SYNs nowhere for a minute). So Linux has a static entry for the
# stack's MAC (--mac), and announces itself to the stack (ARP requests for
# 192.0.2.2 from 192.0.2.1) five times a second, which corrects a bad entry
# within a fraction of a second. IP and TCP are left to the faults.
source "$(dirname "$0")/tcp_lib.sh"
if [ "${NLRS_FAULT_PROFILE:-ci}" = issue ]; then
	RX_PCT=15 BYTES_DEF=52428800 RX_BYTES_DEF=52428800 TIMEOUT=14400
else
	RX_PCT=5 BYTES_DEF=8388608 RX_BYTES_DEF=2097152 TIMEOUT=400
fi
MTU=${NLRS_FAULT_MTU:-9000}
INTERVAL=${NLRS_FAULT_INTERVAL:-50}
BYTES=${NLRS_FAULT_BYTES:-$BYTES_DEF}
RX_BYTES=${NLRS_FAULT_BYTES:-$RX_BYTES_DEF}
SEED=21
tcp_setup tcp_fault ttcpfault "$MTU"
nlrs_require_cmd socat tshark
"$PY" -c 'import scapy' 2>/dev/null || fail "python3 has no scapy (python3-scapy)"
SHAPE="reorder-chance=10,tx-rate-limit=4,rx-rate-limit=4,shaping-interval=$INTERVAL"
SEND_FAULT="drop-chance=15,corrupt-chance=15,$SHAPE"
FAULT="drop-chance=$RX_PCT,corrupt-chance=$RX_PCT,$SHAPE"
BUFSZ=$((MTU + 512))
[ "$BUFSZ" -lt 2048 ] && BUFSZ=2048
MAC=02:00:00:00:fa:01
nlrs_ns ip neigh replace $STACK_IP lladdr $MAC nud permanent dev $TAP
cat >"$TMPD/announce.py" <<'PYEOF'
import sys, time
from scapy.all import ARP, Ether, conf, get_if_hwaddr, sendp
conf.verb = 0
i, me, peer = sys.argv[1], sys.argv[2], sys.argv[3]
m = get_if_hwaddr(i)
p = Ether(dst="ff:ff:ff:ff:ff:ff", src=m) / ARP(op=1, hwsrc=m, psrc=me, pdst=peer)
end = time.time() + float(sys.argv[4])
while time.time() < end:
    sendp(p, iface=i)
    time.sleep(0.2)
PYEOF
nlrs_ns_bg announce "$PY" "$TMPD/announce.py" $TAP $LINUX_IP $STACK_IP $((2 * TIMEOUT + 60))

want=$(py_sha_of_stream "$BYTES" $SEED)

# tshark_count CAPTURE FILTER: frames matching a display filter.
tshark_count() {
	tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

# ------------------------------------------------------ 1. stack -> Linux
py_sink 9000 "$TMPD/rx.out"
t0=$(date +%s)
tcp_app send --mac $MAC --mtu "$MTU" --buf-size $BUFSZ --buffers 4096 --fault "$SEND_FAULT,seed=1" --cc bbr \
	--capture "$TMPD/tx.pcap" client $LINUX_IP 9000 --mode send --bytes "$BYTES" --seed $SEED \
	--timeout $TIMEOUT
tcp_wait $((TIMEOUT + 10))
log "stack -> Linux (BBR): $BYTES bytes in $(($(date +%s) - t0)) s through $SEND_FAULT"
assert_eq "nlrs-tcpapp (sender) exit status" 0 "$APP_RC"
wait "$SINK_PID" || fail "the Linux receiver failed"
assert_eq "what Linux received: sha256 and bytes" "$want $BYTES" "$(cat "$TMPD/rx.out")"
log "fault injector: $(tcp_result 'r["fault"]')"
log "stack: $(tcp_result '{k: v for k, v in r["counters"].items() if k.startswith("tcp_")}')"
assert_ge "frames the injector dropped" "$(tcp_result 'r["fault"]["dropped"]')" 100
assert_ge "frames it corrupted" "$(tcp_result 'r["fault"]["corrupted"]')" 100
assert_ge "frames it reordered" "$(tcp_result 'r["fault"]["reordered"]')" 10
assert_ge "frames over the rate limit" "$(tcp_result 'r["fault"]["rate_limited"]')" 10
assert_eq "SACK in use" true "$(tcp_result 'r["last"]["sack"]')"
assert_ge "SACK-based recoveries (counter tcp_sack_recovery)" \
	"$(tcp_result 'r["counters"].get("tcp_sack_recovery", 0)')" 1
assert_ge "segments retransmitted from SACK holes (tcp_sack_retrans)" \
	"$(tcp_result 'r["counters"].get("tcp_sack_retrans", 0)')" 1
assert_ge "fast retransmits (tcp_fast_retrans)" "$(tcp_result 'r["counters"].get("tcp_fast_retrans", 0)')" 1
assert_ge "fast recoveries seen in tcp_info (ca_state 3)" "$(tcp_result 'r["fast_recoveries"]')" 1
n=$(tshark_count "$TMPD/tx.pcap" "ip.src==$LINUX_IP && tcp.options.sack_le")
assert_ge "Linux ACKs with SACK blocks in the capture" "$n" 1
n=$(tshark_count "$TMPD/tx.pcap" "ip.src==$STACK_IP && tcp.analysis.fast_retransmission")
assert_ge "the stack's fast retransmissions (tshark)" "$n" 1
assert_eq "congestion control" bbr "$(tcp_result 'r["last"]["cc"]')"
# The policer passes 80 frames/s of up to 9014 bytes (~720 KB/s); BBR's
# model must have found a rate of that order, not the line rate the
# bursts through the bucket show (GB/s on a TAP).
bw=$(tcp_result 'r["last"]["btl_bw"]')
log "BBR's bandwidth estimate at the end: $bw B/s, pacing $(tcp_result 'r["last"]["pacing_rate"]') B/s"
assert_ge "BBR's bandwidth estimate (B/s)" "$bw" 50000
assert_le "BBR's bandwidth estimate (B/s), not the line rate" "$bw" 3000000
log "retransmitted segments: $(tcp_result 'r["total_retrans"]'); timeouts: $(tcp_result 'r["counters"].get("tcp_timeouts", 0)'); tshark retransmissions: $(tshark_count "$TMPD/tx.pcap" "ip.src==$STACK_IP && tcp.analysis.retransmission")"

# ------------------------------------------------------ 2. Linux -> stack
tcp_app sink --mac $MAC --mtu "$MTU" --buf-size $BUFSZ --buffers 4096 --fault "$FAULT,seed=2" \
	--capture "$TMPD/rx.pcap" server 9 --mode sink --conns 1 --seed $SEED --verify --timeout $TIMEOUT
t0=$(date +%s)
"$NLRS_TCPAPP" gen --bytes "$RX_BYTES" --seed $SEED | nlrs_ns timeout $TIMEOUT socat -u - TCP:$STACK_IP:9 ||
	fail "socat (sender) failed"
tcp_wait 60
log "Linux -> stack: $RX_BYTES bytes in $(($(date +%s) - t0)) s through $FAULT"
assert_eq "nlrs-tcpapp (receiver) exit status" 0 "$APP_RC"
want=$(py_sha_of_stream "$RX_BYTES" $SEED)
assert_contains "the stack's digest of what it received" "sha256=$want bytes=$RX_BYTES stream=match" \
	"$(grep '^sink: ' "$APP_LOG")"
log "stack: $(tcp_result '{k: v for k, v in r["counters"].items() if k.startswith("tcp_")}')"
assert_ge "segments the stack queued out of order (tcp_rx_ooo)" \
	"$(tcp_result 'r["counters"].get("tcp_rx_ooo", 0)')" 1
n=$(tshark_count "$TMPD/rx.pcap" "ip.src==$STACK_IP && tcp.options.sack_le")
assert_ge "the stack's ACKs with SACK blocks in the capture" "$n" 1
n=$(tshark_count "$TMPD/rx.pcap" "ip.src==$LINUX_IP && tcp.analysis.fast_retransmission")
assert_ge "Linux's fast retransmissions driven by the stack's duplicate ACKs (tshark)" "$n" 1
