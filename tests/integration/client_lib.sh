# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
#
# Helpers for the client library tests (client_*.sh): nlrsd on a TAP device
# in the test's namespace, Linux on the kernel side of the TAP, and
# nlrs-client-test (tests/integration/client/) as the app. The app talks to
# nlrsd over its app socket (a Unix path: the app itself runs outside the
# namespace, the stack is what reaches the network):
#
#   app (nlrs-client-test) --shm rings--> nlrsd 192.0.2.2 <== TAP ==> Linux 192.0.2.1
#                                         (netns nlrs-t-NAME-PID)   (socat, python3)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${NLRS_CLIENT_TEST:=$NLRS_BUILD_DIR/tests/integration/client/nlrs-client-test}"
APP=$NLRS_CLIENT_TEST

# client_setup NAME TAP [NLRSD ARGS...]
client_setup() {
	local name=$1 tap=$2
	shift 2
	nlrs_setup "$name"
	nlrs_require_cmd socat sha256sum ss
	nlrs_require_prog "$APP"
	nlrs_start_nlrsd "$tap" "$@"
	nlrs_linux_side "$tap"
	wait_until 5 "app socket $SOCK.app" test -S "$SOCK.app"
	export NLRS_SOCKET=$SOCK
}

file_sha() { sha256sum "$1" | cut -d' ' -f1; }

# linux_listening PORT: a Linux socket listens on PORT in the namespace.
linux_listening() { nlrs_ns ss -Htln "sport = :$1" | grep -q LISTEN; }

# app_bg LOGNAME ARGS...: the app in the background (stdout and stderr to
# TMPD/LOGNAME.log); BG_PID is the app itself.
app_bg() {
	local name=$1
	shift
	nlrs_bg "$name" "$APP" "$@"
}

# log_has LOGNAME TEXT: TMPD/LOGNAME.log contains TEXT.
log_has() { grep -q -- "$2" "$TMPD/$1.log"; }

# tcp_states PORT: the states nlrsd reports for connections to or from PORT.
tcp_states() {
	nlrs_json tcp "' '.join(c['state'] for c in d['tcp'] if c['remote_port'] == $1 or c['local_port'] == $1)"
}
