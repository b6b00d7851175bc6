#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Configure and build a CMake project from scratch in a throw-away directory,
# for the build checks of tests/build/CMakeLists.txt (arm-none-eabi, clang).
#
# Usage: build_check.sh NAME SRC_DIR BUILD_DIR [--expect FILE]... [--nm NM]
#                       [--forbid FILE:SYMBOL]... -- [CMAKE_ARGS...]
#   NAME       label used in messages (e.g. build/clang)
#   BUILD_DIR  removed and recreated: it must be a directory of its own
#   --expect   a file (relative to BUILD_DIR) the build must have produced
#   --forbid   a symbol the linked FILE must not define or use (checked with
#              NM, default nm), e.g. example/fw.elf:malloc
# Exit 0 when the project configures and builds (with -Werror as its
# CMakeLists sets it) and every expected file exists; 1 otherwise, with the
# compiler's first errors and the log's path.
set -u

if [ $# -lt 3 ]; then
	echo "usage: $0 NAME SRC_DIR BUILD_DIR [--expect FILE]... -- [CMAKE_ARGS...]" >&2
	exit 1
fi
name=$1 src=$2 bdir=$3
shift 3
expect=()
forbid=()
nm=nm
while [ $# -gt 0 ]; do
	case $1 in
	--expect) expect+=("$2"); shift 2 ;;
	--forbid) forbid+=("$2"); shift 2 ;;
	--nm) nm=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "$name: unknown argument $1" >&2; exit 1 ;;
	esac
done

case $bdir in
"" | / | "$src") echo "$name: refusing to use '$bdir' as a scratch build directory" >&2; exit 1 ;;
esac
rm -rf "$bdir"
mkdir -p "$bdir"
log=$bdir.log
jobs=$(nproc 2>/dev/null || echo 2)

show_errors() {
	echo "---- first errors (full log: $log) ----" >&2
	grep -nE 'error|Error|undefined reference|warning:' "$log" | head -40 >&2
	echo "---- end of log ----" >&2
	tail -n 15 "$log" >&2
}

echo "$name: configuring $src in $bdir"
if ! cmake -S "$src" -B "$bdir" "$@" >"$log" 2>&1; then
	echo "$name: FAILED: cmake could not configure $src (arguments: $*)" >&2
	show_errors
	exit 1
fi
echo "$name: building"
if ! cmake --build "$bdir" -j "$jobs" >>"$log" 2>&1; then
	echo "$name: FAILED: the build of $src failed to compile or link (warnings are errors)" >&2
	show_errors
	exit 1
fi
for f in "${expect[@]}"; do
	if [ ! -s "$bdir/$f" ]; then
		echo "$name: FAILED: the build finished but did not produce $f" >&2
		exit 1
	fi
done
for fs in "${forbid[@]}"; do
	f=${fs%%:*} sym=${fs#*:}
	if ! syms=$("$nm" "$bdir/$f" 2>&1); then
		echo "$name: FAILED: $nm could not read $f: $syms" >&2
		exit 1
	fi
	if awk -v s="$sym" '$NF == s { found = 1 } END { exit !found }' <<<"$syms"; then
		echo "$name: FAILED: $f links $sym, which it must not (no heap, no hosted I/O)" >&2
		exit 1
	fi
done
echo "$name: ok"
