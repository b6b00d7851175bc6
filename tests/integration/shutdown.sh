#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Clean shutdown: SIGTERM (and SIGINT) make nlrsd exit 0 within 2 s, remove
# its control socket, and close its TAP device (which then disappears).
#
#   netns nlrs-t-shutdown-PID
#   Linux 192.0.2.1/24 [tdown] <== TAP ==> nlrsd 192.0.2.2/24
source "$(dirname "$0")/lib.sh"
nlrs_setup shutdown
TAP=tdown

for sig in TERM INT; do
	nlrs_start_nlrsd $TAP
	nlrs_linux_side $TAP
	nlrs_ns ping -c 1 -W 2 $STACK_IP >/dev/null || fail "ping not answered"
	pid=$NLRSD_PID
	start=$(date +%s%N)
	kill -$sig "$pid"
	for i in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && fail "nlrsd still running 3 s after SIG$sig"
	ms=$((($(date +%s%N) - start) / 1000000))
	nlrs_stop_nlrsd TERM  # reaps it; the signal is a no-op now
	assert_eq "exit status after SIG$sig" 0 "$NLRSD_RC"
	assert_le "ms to exit after SIG$sig" "$ms" 2000
	[ -e "$SOCK" ] && fail "control socket $SOCK still there after SIG$sig"
	log "ok: control socket removed"
	if nlrs_ns ip link show $TAP >/dev/null 2>&1; then
		fail "TAP $TAP still exists after SIG$sig"
	fi
	log "ok: TAP $TAP gone"
done
