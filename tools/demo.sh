#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Netloom demo: install what is missing, build, then show traffic flowing
# through the userspace stack.
#
#   +------------------- netns nlrs-demo-PID -------------------+
#   |  Linux kernel                 |  nlrsd (Netloom)          |
#   |  192.0.2.1/24 on tap0 <== TAP ==> 192.0.2.2/24            |
#   |  ping, socat                  |  UDP echo service, port 7 |
#   +-----------------------------------------------------------+
#
# Steps: ping, the ARP entry Linux learned, UDP echo through socat, a
# fragmented ping, and nlrsctl's view (interfaces, routes, ARP, counters).
# Everything it creates goes away on exit. Exit status: 0 when every step
# worked. Run as root: bash tools/demo.sh
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NS=nlrs-demo-$$
TAP=tap0
STACK_IP=192.0.2.2
LINUX_IP=192.0.2.1
WORK=
NLRSD_PID=
FAILED=()

if [ -t 1 ]; then
	B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' D=$'\e[2m' N=$'\e[0m'
else
	B='' G='' R='' D='' N=''
fi

heading() { printf '\n%s== %s ==%s\n' "$B" "$*" "$N"; }
note() { printf '%s%s%s\n' "$D" "$*" "$N"; }
ok() { printf '%s✔ %s%s\n' "$G" "$*" "$N"; }
bad() {
	printf '%s✘ %s%s\n' "$R" "$*" "$N"
	FAILED+=("$*")
}
die() {
	printf '%sdemo: %s%s\n' "$R" "$*" "$N" >&2
	exit 1
}
# show CMD...: print the command as typed, then run it.
show() {
	printf '%s$ %s%s\n' "$B" "$*" "$N"
	"$@"
}
inns() { ip netns exec "$NS" "$@"; }

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$NLRSD_PID" ] && kill -0 "$NLRSD_PID" 2>/dev/null; then
		kill -TERM "$NLRSD_PID" 2>/dev/null
		for _ in $(seq 20); do
			kill -0 "$NLRSD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$NLRSD_PID" 2>/dev/null
		wait "$NLRSD_PID" 2>/dev/null
	fi
	if ip netns list 2>/dev/null | grep -qw -- "$NS"; then
		ip -n "$NS" link del "$TAP" 2>/dev/null
		ip netns del "$NS"
	fi
	if [ "$rc" -ne 0 ] && [ -n "$WORK" ] && [ -s "$WORK/nlrsd.log" ]; then
		printf '\n%snlrsd log:%s\n' "$D" "$N"
		tail -n 30 "$WORK/nlrsd.log"
	fi
	[ -n "$WORK" ] && rm -rf -- "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || die "run me as root (network namespaces and TAP devices need it)"

heading "Set-up: Debian packages and build"
# shellcheck source=tools/bootstrap.sh
source "$REPO/tools/bootstrap.sh"
nlrs_bootstrap || die "set-up failed (see above)"
NLRSD=$NLRS_BUILD/stack/nlrsd/nlrsd
NLRSCTL=$NLRS_BUILD/tools/nlrsctl
{ [ -x "$NLRSD" ] && [ -x "$NLRSCTL" ]; } || die "build did not produce $NLRSD and $NLRSCTL"
ok "built into $NLRS_BUILD"

heading "Start: namespace $NS, nlrsd on $TAP"
WORK=$(mktemp -d /tmp/nlrs-demo.XXXXXX)
SOCK=$WORK/nlrsd.sock
ip netns add "$NS" || die "cannot create network namespace $NS"
inns ip link set lo up
inns sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
printf '%s$ %s%s\n' "$B" "ip netns exec $NS nlrsd --tap $TAP --addr $STACK_IP/24 --udp-echo 7 --socket $SOCK &" "$N"
ip netns exec "$NS" "$NLRSD" --tap $TAP --addr $STACK_IP/24 --udp-echo 7 \
	--socket "$SOCK" >"$WORK/nlrsd.log" 2>&1 &
NLRSD_PID=$!  # nlrsd itself: ip netns exec execs it
for _ in $(seq 100); do
	kill -0 "$NLRSD_PID" 2>/dev/null || die "nlrsd exited: $(cat "$WORK/nlrsd.log")"
	[ -S "$SOCK" ] && inns ip link show $TAP >/dev/null 2>&1 && break
	sleep 0.1
done
[ -S "$SOCK" ] || die "nlrsd did not come up within 10 s"
show ip -n "$NS" addr add $LINUX_IP/24 dev $TAP
show ip -n "$NS" link set $TAP up
ok "nlrsd (pid $NLRSD_PID) is $STACK_IP; Linux is $LINUX_IP on the other side of $TAP"

heading "1. Linux pings the stack"
if out=$(show ip netns exec "$NS" ping -c 4 -i 0.3 -W 2 $STACK_IP 2>&1); then
	echo "$out"
	ok "4 echo replies from nlrsd"
else
	echo "$out"
	bad "ping $STACK_IP"
fi

heading "2. ARP: the entry Linux learned for the stack"
show ip -n "$NS" neigh show dev $TAP
mac=$("$NLRSCTL" --socket "$SOCK" --json show interfaces 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["mac"])' 2>/dev/null)
if [ -n "$mac" ] && inns ip neigh show $STACK_IP dev $TAP | grep -q "lladdr $mac"; then
	ok "Linux resolved $STACK_IP to $mac, the MAC nlrsd reports for $TAP"
else
	bad "Linux's neighbour entry for $STACK_IP does not show nlrsd's MAC (${mac:-unknown})"
fi

heading "3. UDP echo through the stack (socat -> port 7 -> back)"
msg="Hello from Linux, via Netloom at $(date +%T)"
note "sending: $msg"
printf '%s$ %s%s\n' "$B" "echo '$msg' | socat - UDP4:$STACK_IP:7" "$N"
got=$(printf '%s\n' "$msg" | inns socat -t 1 -T 5 - UDP4:$STACK_IP:7 2>&1)
echo "echoed:  $got"
if [ "$got" = "$msg" ]; then ok "the echo is identical"; else bad "UDP echo"; fi

heading "4. A fragmented ping (4000 bytes: three fragments each way)"
if out=$(show ip netns exec "$NS" ping -c 2 -i 0.3 -W 2 -s 4000 $STACK_IP 2>&1); then
	echo "$out"
	ok "nlrsd reassembled the requests and fragmented its replies"
else
	echo "$out"
	bad "ping -s 4000 $STACK_IP"
fi

heading "5. The stack's own view: nlrsctl show all"
if show "$NLRSCTL" --socket "$SOCK" show all; then
	ok "interfaces, routes, ARP cache and counters above"
else
	bad "nlrsctl show all"
fi

heading "Done"
if [ "${#FAILED[@]}" -eq 0 ]; then
	ok "every step worked; cleaning up (nlrsd stopped, namespace $NS deleted)"
	exit 0
fi
printf '%s%d step(s) failed:%s\n' "$R" "${#FAILED[@]}" "$N"
printf '  - %s\n' "${FAILED[@]}"
exit 1
