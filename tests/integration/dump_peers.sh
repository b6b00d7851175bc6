#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The peer suite: every capture of tcpdump's own regression suite
# (../shared/peers/tcpdump-tests/*.pcap and *.pcapng, many malformed on
# purpose) is read by nlrs-dump built with ASan+UBSan, three times:
#
#   nlrs-dump -n -X -r F                      the one-line output (the fast
#                                             path) and the hex/ASCII dump
#   nlrs-dump -n -vv -e -r F                  verbose, link header (the full decode)
#   nlrs-dump --fields --print --pcapng -w G -r F
#                                             the decoded fields, and F written
#                                             again as pcapng (the writer)
#
# Each run must end by itself within a time limit (no hang), without a
# signal (no crash) and without a sanitizer report; exit status 1 is fine
# (a damaged file is an error to report, not a failure of the tool).
#
# Then tshark decodes the same packets (reassembly off) and
# compare_fields.py compares the fields packet by packet: the agreement is
# printed per protocol, and the test fails when it is below 100% for a
# protocol the README's conformance list claims. tshark takes a quarter
# of a second to start, so it reads all the rewritten files at once: the
# pcapng files G are concatenated into one (a pcapng file may hold any
# number of sections) and its output is split back per capture by the
# packet counts of the --fields runs.
#
# No network, no root.
#
# Environment:
#   NLRS_DUMP                  the nlrs-dump to test (CTest: the ASan+UBSan
#                              tree's, tools/dump/nlrs-dump)
#   NLRS_PEERS_REQUIRE_SAN=0   accept a binary without sanitizers
#   NLRS_PEERS_DIR             the captures (default <repo>/../shared/peers/tcpdump-tests)
#   NLRS_PEERS_JOBS            parallel captures (default 2)
#   NLRS_PEERS_TIMEOUT         seconds per run (default 30)
#   NLRS_KEEP=1                keep the work directory
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
: "${NLRS_BUILD_DIR:=$REPO/build}"
DUMP=${NLRS_DUMP:-$NLRS_BUILD_DIR/tools/dump/nlrs-dump}
PEERS=${NLRS_PEERS_DIR:-$REPO/../shared/peers/tcpdump-tests}
JOBS=${NLRS_PEERS_JOBS:-2}
LIMIT=${NLRS_PEERS_TIMEOUT:-30}
CLAIMED=ip,ipv6,tcp,udp,icmp,icmpv6,arp
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

say() { printf '[dump_peers] %s\n' "$*"; }
die() { printf 'FAIL [dump_peers]: %s\n' "$*" >&2; exit 1; }

[ -x "$DUMP" ] || die "not built: $DUMP"
if [ "${NLRS_PEERS_REQUIRE_SAN:-1}" != 0 ]; then
	syms=$(nm "$DUMP" 2>/dev/null; nm -D "$DUMP" 2>/dev/null)
	grep -q '__asan_init' <<<"$syms" ||
		die "$DUMP is not built with AddressSanitizer (configure with -DNLRS_SANITIZE=ON)"
	grep -q '__ubsan_handle' <<<"$syms" ||
		die "$DUMP is not built with UndefinedBehaviorSanitizer"
fi
[ -d "$PEERS" ] || die "no peer captures at $PEERS"
command -v tshark >/dev/null || die "missing program tshark (run tools/bootstrap.sh)"
command -v timeout >/dev/null || die "missing program timeout"

WORK=$(mktemp -d /tmp/nlrs-dump-peers.XXXXXX)
cleanup() {
	if [ "${NLRS_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mapfile -t CAPS < <(find "$PEERS" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
[ "${#CAPS[@]}" -gt 0 ] || die "no .pcap or .pcapng files in $PEERS"
say "nlrs-dump: $DUMP"
say "${#CAPS[@]} captures from $PEERS, $JOBS at a time, ${LIMIT}s limit per run"

# A sanitizer report makes the process exit with these codes (and say so
# on stderr); leaks are reported too.
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:halt_on_error=1:abort_on_error=0:print_summary=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
export LSAN_OPTIONS="exitcode=86"
export TZ=UTC0
export DUMP WORK LIMIT

# One capture: the three runs. Writes WORK/NAME.res: "ok" or one
# "FAIL ..." line per problem; WORK/NAME.nlrs (fields) and WORK/NAME.pcapng.
one() {
	local f=$1 name rc mode i
	name=$(basename "$f")
	local res="$WORK/$name.res"
	: >"$res"
	local -a modes=("-n -X" "-n -vv -e" "--fields --print --pcapng -w $WORK/$name.pcapng")
	for ((i = 0; i < 3; i++)); do
		mode=${modes[$i]}
		local out="$WORK/$name.out$i" err="$WORK/$name.err$i"
		[ $i -eq 2 ] && out="$WORK/$name.nlrs"
		# shellcheck disable=SC2086 # mode is a word list
		timeout -k 5 "$LIMIT" "$DUMP" -Z root $mode -r "$f" >"$out" 2>"$err"
		rc=$?
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			echo "FAIL hang: nlrs-dump $mode -r $name ran over ${LIMIT}s" >>"$res"
		elif grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|Undefined|Leak)' "$err"; then
			echo "FAIL sanitizer: nlrs-dump $mode -r $name: $(grep -m1 -E 'ERROR:|runtime error:' "$err")" >>"$res"
		elif [ $rc -eq 86 ] || [ $rc -eq 87 ]; then
			echo "FAIL sanitizer: nlrs-dump $mode -r $name exited $rc" >>"$res"
		elif [ $rc -ge 128 ]; then
			echo "FAIL crash: nlrs-dump $mode -r $name died of signal $((rc - 128))" >>"$res"
		elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
			echo "FAIL status: nlrs-dump $mode -r $name exited $rc" >>"$res"
		elif [ $rc -eq 1 ] && ! [ -s "$err" ]; then
			echo "FAIL status: nlrs-dump $mode -r $name exited 1 without saying why" >>"$res"
		fi
		[ $i -eq 2 ] || rm -f -- "$out"
	done
	[ -s "$res" ] || echo ok >"$res"
}
export -f one

start=$SECONDS
printf '%s\0' "${CAPS[@]}" | xargs -0 -P "$JOBS" -n 1 bash -c 'one "$0"'
say "read in $((SECONDS - start))s"

fails=$(cat "$WORK"/*.res | grep -c '^FAIL' || true)
okc=$(cat "$WORK"/*.res | grep -c '^ok$' || true)
say "captures without crash, hang or sanitizer report: $okc of ${#CAPS[@]} (3 runs each)"
if [ "$fails" -ne 0 ]; then
	grep -h '^FAIL' "$WORK"/*.res | head -n 50 >&2
	for r in $(grep -l '^FAIL' "$WORK"/*.res | head -n 3); do
		b=${r%.res}
		for e in "$b".err*; do
			[ -s "$e" ] && { printf -- '----- %s\n' "${e##*/}" >&2; head -n 30 "$e" >&2; }
		done
	done
	die "$fails runs crashed, hung or tripped a sanitizer"
fi

# tshark on every rewritten capture at once, its output split back per
# capture by the number of packets nlrs-dump wrote of each
: >"$WORK/order"
for f in "${CAPS[@]}"; do
	name=$(basename "$f")
	[ -s "$WORK/$name.pcapng" ] && [ -s "$WORK/$name.nlrs" ] || continue
	n=$(($(wc -l <"$WORK/$name.nlrs") - 1))
	[ "$n" -gt 0 ] || continue
	printf '%s\t%d\n' "$name" "$n" >>"$WORK/order"
	cat "$WORK/$name.pcapng" >>"$WORK/all.pcapng"
done
cols=$(head -n1 "$(head -n1 "$WORK/order" | cut -f1 | sed "s|^|$WORK/|").nlrs" | cut -f2-)
ef=()
for col in $cols; do ef+=(-e "$col"); done
t0=$SECONDS
tshark -n -r "$WORK/all.pcapng" \
	-o ip.defragment:FALSE -o ipv6.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE \
	-T fields -E header=n -E separator=/t -E occurrence=a -E aggregator=, \
	-e frame.number "${ef[@]}" -e frame.protocols >"$WORK/all.tshark" 2>"$WORK/tshark.err" ||
	die "tshark cannot read the rewritten captures: $(head -n 3 "$WORK/tshark.err")"
say "tshark read $(wc -l <"$WORK/all.tshark") packets of $(wc -l <"$WORK/order") captures in $((SECONDS - t0))s"
"$PY" - "$WORK" <<'PYEOF' || die "cannot split tshark's output per capture"
import sys
work = sys.argv[1]
order = [l.rstrip("\n").split("\t") for l in open(work + "/order")]
rows = open(work + "/all.tshark").read().splitlines()
total = sum(int(n) for _, n in order)
if len(rows) != total:
    sys.exit("tshark read %d packets, nlrs-dump wrote %d" % (len(rows), total))
at = 0
for name, n in order:
    with open("%s/%s.tshark" % (work, name), "w") as out:
        for k in range(int(n)):
            parts = rows[at + k].split("\t")
            parts[0] = str(k + 1)
            out.write("\t".join(parts) + "\n")
    at += int(n)
PYEOF
"$PY" "$HERE/dump/compare_fields.py" "$WORK" "$CLAIMED" ||
	die "field agreement with tshark below 100% for a claimed protocol"
say "PASS ($((SECONDS - start))s)"
