#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs packetdrill scripts against Netloom's TCP through
# libnlrs_packetdrill.so (tests/packetdrill/): one process per script, a
# virtual clock, no TUN, no root.
#
#   PACKETDRILL=/path/to/packetdrill tests/conformance/run.sh [SHIM.so]
#   PACKETDRILL_GTESTS=/path/to/packetdrill/gtests/net/tcp  also runs those
#     (counted separately, never failing this run)
#
# packetdrill is GPL and is not part of this tree: build it elsewhere (see
# tests/packetdrill/README.md). Without PACKETDRILL this prints
# "skipped: PACKETDRILL not set" and exits 0 (ctest reports it skipped).
#
# Addresses: the stack is 192.0.2.1, packetdrill's remote end 198.51.100.2
# (documentation ranges, instead of packetdrill's 192.168.x.y default).
# Exit: 0 when every script of ours passes or fails as expected
# (EXPECTED_FAIL below), 1 otherwise.
set -u
shopt -s nullglob
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ -z "${PACKETDRILL:-}" ]]; then
	echo "skipped: PACKETDRILL not set (PACKETDRILL=/path/to/packetdrill $0 [SHIM.so])"
	exit 0
fi
if [[ ! -x "$PACKETDRILL" ]]; then
	echo "PACKETDRILL=$PACKETDRILL is not an executable" >&2
	exit 1
fi

shim=${1:-}
if [[ -z "$shim" ]]; then
	for c in "$root"/build*/tests/packetdrill/libnlrs_packetdrill.so; do
		[[ -f "$c" ]] && { shim=$c; break; }
	done
fi
if [[ -z "$shim" || ! -f "$shim" ]]; then
	echo "libnlrs_packetdrill.so not found: pass its path (build target nlrs_packetdrill)" >&2
	exit 1
fi
shim=$(cd "$(dirname "$shim")" && pwd)/$(basename "$shim")

LOCAL_IP=192.0.2.1
REMOTE_IP=198.51.100.2
# Scripts that expose a stack bug: kept, expected to fail until it is fixed
# (each one says why at its top).
EXPECTED_FAIL=(
)

run_one() { # script [extra packetdrill args...]; output in $out
	local pkt=$1
	shift
	# --strict_segments: every packet must match a script line (without
	# it packetdrill merges consecutive outbound packets of one flow,
	# meant for TSO, which would hide stray pure ACKs)
	out=$( cd "$(dirname "$pkt")" && timeout 120 "$PACKETDRILL" \
		--so_filename="$shim" --so_flags="local_ip=$LOCAL_IP" --strict_segments \
		--ip_version=ipv4 --local_ip=$LOCAL_IP --remote_ip=$REMOTE_IP \
		"$@" "$(basename "$pkt")" 2>&1 )
}

is_xfail() {
	local n
	for n in "${EXPECTED_FAIL[@]}"; do [[ "$n" == "$1" ]] && return 0; done
	return 1
}

pass=0 total=0 bad=0 xfail=0 xpass=0
for pkt in "$here"/*.pkt; do
	name=$(basename "$pkt" .pkt)
	total=$((total + 1))
	if run_one "$pkt"; then
		if is_xfail "$name"; then
			echo "XPASS $name (listed as expected failure: remove it from EXPECTED_FAIL)"
			xpass=$((xpass + 1))
			bad=$((bad + 1))
		else
			echo "PASS  $name"
		fi
		pass=$((pass + 1))
	else
		if is_xfail "$name"; then
			echo "XFAIL $name"
			xfail=$((xfail + 1))
		else
			echo "FAIL  $name"
			bad=$((bad + 1))
		fi
		printf '%s\n' "$out" | tail -n 8 | sed 's/^/      /'
	fi
done
echo "conformance: $pass/$total passed ($xfail expected failures, $bad unexpected results)"

if [[ -n "${PACKETDRILL_GTESTS:-}" ]]; then
	# packetdrill's own Linux scripts: Linux-specific in places (sysctls
	# run by init commands, Linux's initial window and timer choices,
	# python %{ }% blocks that read TCP_INFO through libc): informative
	# only. Their init commands (common/defaults.sh) set sysctls and add
	# a qdisc to tun0, so as root each runs in a network namespace of its
	# own holding a tun0 that carries nothing.
	wrap=()
	if [[ $(id -u) == 0 ]] && unshare -n true 2>/dev/null; then
		wrap=(unshare -n sh -c 'ip tuntap add tun0 mode tun 2>/dev/null &&
			ip link set tun0 up; exec "$@"' sh)
	fi
	gp=0 gt=0
	declare -A why=()
	while IFS= read -r pkt; do
		gt=$((gt + 1))
		rel=${pkt#"$PACKETDRILL_GTESTS"/}
		# rmem_max: defaults.sh's tcp_rmem maximum (15 MiB), from which
		# Linux derives its window scale (8)
		out=$( cd "$(dirname "$pkt")" && timeout 60 "${wrap[@]}" "$PACKETDRILL" \
			--so_filename="$shim" --so_flags="local_ip=$LOCAL_IP,rmem_max=15728640" \
			--ip_version=ipv4 --local_ip=$LOCAL_IP --remote_ip=$REMOTE_IP \
			"$(basename "$pkt")" 2>&1 )
		rc=$?
		if [[ $rc == 0 ]]; then
			echo "PASS  gtests/$rel"
			gp=$((gp + 1))
		else
			first=$(printf '%s\n' "$out" | grep -m1 -E 'error|Error|assert|timed out|fail' || true)
			[[ $rc == 124 ]] && first="timed out"
			echo "FAIL  gtests/$rel: ${first:0:200}"
		fi
	done < <(find "$PACKETDRILL_GTESTS" -name '*.pkt' | sort)
	echo "gtests: $gp/$gt passed (informative)"
fi

[[ $bad == 0 ]]
