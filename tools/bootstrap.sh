#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Set-up shared by tools/demo.sh and tests/run.sh. Source it, then call
# nlrs_bootstrap:
#
#   1. installs the Debian packages Netloom needs, if any is missing
#      (idempotent: dpkg-query first, apt-get only when something is missing;
#      works as root on a fresh Debian 12 with no terminal);
#   2. configures and builds the project with gcc into
#      ${NLRS_BUILD_DIR:-<repo>/build} (RelWithDebInfo, -j$(nproc)).
#      Extra cmake arguments: NLRS_CMAKE_ARGS (word-split).
#
# After it returns, NLRS_REPO and NLRS_BUILD hold absolute paths.

NLRS_PACKAGES=(
	cmake gcc clang make pkg-config
	libpcap-dev liburing-dev libssl-dev libssh-dev libsqlite3-dev libcriterion-dev
	iproute2 iputils-ping socat netcat-openbsd tshark tcpdump
	python3 python3-scapy
	gcc-arm-none-eabi libnewlib-arm-none-eabi
	procps psmisc groff-base
	curl iperf3 bind9-dnsutils dnsmasq-base ethtool bc
	liblwip-dev
)

nlrs__log() { printf '==> %s\n' "$*" >&2; }

# Packages from NLRS_PACKAGES that are not installed, one per line.
nlrs__missing_packages() {
	local p
	for p in "${NLRS_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
			printf '%s\n' "$p"
		fi
	done
}

nlrs_install_packages() {
	local missing
	if ! command -v dpkg-query >/dev/null 2>&1; then
		nlrs__log "not a Debian system (no dpkg-query): skipping package installation"
		return 0
	fi
	mapfile -t missing < <(nlrs__missing_packages)
	if [ "${#missing[@]}" -eq 0 ]; then
		nlrs__log "Debian packages: all ${#NLRS_PACKAGES[@]} present"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		nlrs__log "missing Debian packages: ${missing[*]}"
		nlrs__log "run as root (or: apt-get install ${missing[*]})"
		return 1
	fi
	nlrs__log "installing missing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark's wireshark-common asks whether non-root users may capture.
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		debconf-set-selections
	apt-get update -q </dev/null || return 1
	apt-get install -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${missing[@]}" </dev/null || return 1
	mapfile -t missing < <(nlrs__missing_packages)
	if [ "${#missing[@]}" -ne 0 ]; then
		nlrs__log "still missing after apt-get install: ${missing[*]}"
		return 1
	fi
}

# nlrs_build DIR [cmake args...]: configure (gcc) and build DIR.
nlrs_build() {
	local dir=$1
	shift
	local -a args=(-S "$NLRS_REPO" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo)
	# The compiler can only be chosen when the build dir is first configured.
	[ -f "$dir/CMakeCache.txt" ] || args+=(-DCMAKE_C_COMPILER=gcc)
	mkdir -p "$dir" || return 1
	nlrs__log "configuring $dir"
	cmake "${args[@]}" "$@" >"$dir/nlrs-configure.log" 2>&1 ||
		{ cat "$dir/nlrs-configure.log" >&2; return 1; }
	nlrs__log "building $dir (-j$(nproc))"
	cmake --build "$dir" -j"$(nproc)" || return 1
}

nlrs_bootstrap() {
	NLRS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
	NLRS_BUILD=${NLRS_BUILD_DIR:-$NLRS_REPO/build}
	mkdir -p "$NLRS_BUILD" && NLRS_BUILD=$(cd "$NLRS_BUILD" && pwd) || return 1
	export NLRS_REPO NLRS_BUILD
	nlrs_install_packages || return 1
	local -a extra=()
	# shellcheck disable=SC2206 # word splitting is the documented interface
	[ -n "${NLRS_CMAKE_ARGS:-}" ] && extra=(${NLRS_CMAKE_ARGS})
	nlrs_build "$NLRS_BUILD" "${extra[@]}"
}
