#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# run-short.sh BUILD_DIR SECONDS
#
# Configure a separate clang build with the libFuzzer harnesses, build only
# them, and run each for SECONDS seconds on a copy of its seed corpus
# (tests/fuzz/corpus/<harness>/; the checked-in seeds are never modified).
# Prints one summary line per harness; exits 1 if any harness crashed
# (the crashing input is kept under BUILD_DIR/fuzz-artifacts/<harness>/),
# 2 on usage or build errors.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR SECONDS" >&2; exit 2; }
[ $# -eq 2 ] || usage
build=$1
secs=$2
case $secs in '' | *[!0-9]*) usage ;; esac

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# One harness per tests/fuzz/fuzz_NAME.c.
harnesses=$(cd "$(dirname "$0")" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | sort)

command -v clang >/dev/null || { echo "run-short: clang not found" >&2; exit 2; }
mkdir -p "$build"
build=$(cd "$build" && pwd)
cache="$build/CMakeCache.txt"
if [ -f "$cache" ] && ! grep -q '^CMAKE_C_COMPILER:.*clang' "$cache"; then
	echo "run-short: $build was configured with another compiler; use a fresh directory" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "run-short: configuring $build (clang, NLRS_FUZZ=ON)"
if ! CC=clang cmake -S "$repo" -B "$build" -DNLRS_FUZZ=ON -DNLRS_BUILD_TESTS=ON \
	-DNLRS_FREESTANDING_CHECK=OFF >"$work/configure.log" 2>&1; then
	cat "$work/configure.log" >&2
	echo "run-short: configure failed" >&2
	exit 2
fi
if ! cmake --build "$build" --target fuzz -j "$(nproc)" >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	echo "run-short: build of the fuzz targets failed" >&2
	exit 2
fi

failed=0
for h in $harnesses; do
	bin="$build/tests/fuzz/fuzz_$h"
	corpus="$work/corpus-$h"
	artifacts="$build/fuzz-artifacts/$h"
	mkdir -p "$corpus" "$artifacts"
	seeds=0
	if [ -d "$here/corpus/$h" ]; then
		cp "$here/corpus/$h"/* "$corpus"/ 2>/dev/null || true
		seeds=$(find "$corpus" -type f | wc -l)
	fi
	log="$work/fuzz-$h.log"
	rc=0
	"$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
	units=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		printf 'fuzz_%-6s ok    %s s, %s execs (%s/s), cov %s, corpus %s -> %s\n' \
			"$h" "$secs" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$seeds" "$units"
	else
		failed=1
		printf 'fuzz_%-6s FAIL  exit %s after %s execs; artifacts in %s\n' \
			"$h" "$rc" "${execs:-?}" "$artifacts"
		{ grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" || true; } |
			head -n 8 | sed 's/^/    /'
	fi
done
exit "$failed"
