#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Freestanding check for the protocol core (DESIGN.md: "stack/ core includes
# nothing from netdev/, shim/, tools/, proxy/; it reaches the world through a
# small port interface").
#
# Checks every file in stack/*.c stack/*.h stack/wire/* (not stack/nlrsd/, the
# hosted daemon) and every project header they pull in, recursively:
#   1. #include <...> only of the freestanding C headers
#      stddef.h stdint.h stdbool.h stdarg.h limits.h (plus <nlrs/...> public
#      headers of the project);
#   2. #include "..." only of headers that exist in the project
#      (the file's folder, stack/, or include/) and not under netdev/, shim/,
#      tools/, proxy/, stack/nlrsd/;
#   3. no call of a hosted library or OS function (malloc, free, printf,
#      abort, exit, read, write, time, getrandom, ...).
#
# Usage: check_freestanding.sh [REPO_ROOT]   (default: two levels up from here)
# Exit 0 when clean; 1 with one "file:line: reason" per violation otherwise.
set -u

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
root=$(cd "$root" && pwd) || { echo "check_freestanding: no such directory: $1" >&2; exit 1; }

allowed_sys='^(stddef\.h|stdint\.h|stdbool\.h|stdarg\.h|limits\.h)$'
# Hosted functions the core must not call. memcpy/memset/memmove/memcmp are
# allowed: a freestanding GCC/Clang target may emit calls to them anyway.
forbidden='malloc|calloc|realloc|free|aligned_alloc|posix_memalign|strdup|strndup'
forbidden+='|printf|fprintf|sprintf|snprintf|vprintf|vfprintf|vsprintf|vsnprintf|dprintf'
forbidden+='|puts|fputs|putchar|fputc|perror|strerror|fopen|fclose|fread|fwrite|fflush'
forbidden+='|abort|exit|_exit|atexit|assert|getenv|system|signal|raise|longjmp|setjmp'
forbidden+='|open|close|read|write|ioctl|poll|select|socket|send|recv|mmap|munmap'
forbidden+='|getrandom|rand|srand|random|time|clock|clock_gettime|gettimeofday'
forbidden+='|sleep|usleep|nanosleep|pthread_[a-z_]+'

fail=0
violation() {
	echo "$1" >&2
	fail=1
}

# Source text with comments removed (line numbers kept): a small state
# machine in awk, so that a word in a comment never counts.
strip_comments() {
	awk '
	BEGIN { inc = 0 }
	{
		line = $0; out = ""; i = 1; n = length(line); instr = 0
		while (i <= n) {
			c = substr(line, i, 1); c2 = substr(line, i, 2)
			if (inc) {
				if (c2 == "*/") { inc = 0; i += 2; out = out " " } else i++
				continue
			}
			if (instr) {
				if (c == "\\") { i += 2; continue }
				if (c == "\"") { instr = 0; out = out "\"" }
				i++
				continue
			}
			if (c2 == "/*") { inc = 1; i += 2; continue }
			if (c2 == "//") break
			if (c == "\"" && line !~ /^[ \t]*#[ \t]*include/) { instr = 1; out = out "\""; i++; continue }
			if (c == "\x27") {
				# character literal: skip it whole
				j = i + 1
				while (j <= n && substr(line, j, 1) != "\x27") { if (substr(line, j, 1) == "\\") j++; j++ }
				out = out "0"; i = j + 1
				continue
			}
			out = out c; i++
		}
		print out
	}' "$1"
}

declare -A seen=()
queue=()
for f in "$root"/stack/*.c "$root"/stack/*.h "$root"/stack/wire/*; do
	[ -f "$f" ] || continue
	queue+=("$f")
	seen["$f"]=1
done
if [ ${#queue[@]} -eq 0 ]; then
	echo "check_freestanding: no core sources under $root/stack" >&2
	exit 1
fi

checked=0
while [ ${#queue[@]} -gt 0 ]; do
	f=${queue[0]}
	queue=("${queue[@]:1}")
	rel=${f#"$root"/}
	checked=$((checked + 1))
	text=$(strip_comments "$f")

	# 1 and 2: includes
	while IFS= read -r hit; do
		[ -n "$hit" ] || continue
		ln=${hit%%:*}
		inc=${hit#*:}
		if [[ $inc =~ \#[[:space:]]*include[[:space:]]*\<([^>]+)\> ]]; then
			h=${BASH_REMATCH[1]}
			if [[ $h =~ $allowed_sys ]]; then
				continue
			elif [[ $h == nlrs/* && -f $root/include/$h ]]; then
				target=$root/include/$h
			else
				violation "$rel:$ln: includes <$h>, not a freestanding header (allowed: stddef.h stdint.h stdbool.h stdarg.h limits.h)"
				continue
			fi
		elif [[ $inc =~ \#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
			h=${BASH_REMATCH[1]}
			target=
			for dir in "$(dirname "$f")" "$root/stack" "$root/include"; do
				if [ -f "$dir/$h" ]; then
					target=$(cd "$(dirname "$dir/$h")" && pwd)/$(basename "$h")
					break
				fi
			done
			if [ -z "$target" ]; then
				violation "$rel:$ln: includes \"$h\", which is not a header of the project"
				continue
			fi
		else
			violation "$rel:$ln: #include of a computed name: $inc"
			continue
		fi
		trel=${target#"$root"/}
		case $trel in
		netdev/* | shim/* | tools/* | proxy/* | stack/nlrsd/* | baremetal/* | tests/*)
			violation "$rel:$ln: includes $trel: the core must not depend on ${trel%%/*}/ (DESIGN.md, dependency direction)"
			continue
			;;
		esac
		if [ -z "${seen[$target]:-}" ]; then
			seen["$target"]=1
			queue+=("$target")
		fi
	done < <(printf '%s\n' "$text" | grep -nE '^[[:space:]]*#[[:space:]]*include' || true)

	# 3: calls of hosted functions (not members like ops->close(), not
	# nlrs_buf_free(): the name must not follow an identifier char, '.' or '->')
	while IFS= read -r hit; do
		[ -n "$hit" ] || continue
		ln=${hit%%:*}
		fns=$(printf '%s\n' "${hit#*:}" | grep -oE "(^|[^A-Za-z0-9_.>])($forbidden)[[:space:]]*\(" |
			sed -E 's/^[^A-Za-z_]//; s/[[:space:]]*\($/()/' | paste -sd' ' -)
		violation "$rel:$ln: calls $fns: hosted library/OS functions (the core reaches the world through struct nlrs_port)"
	done < <(printf '%s\n' "$text" | grep -nE "(^|[^A-Za-z0-9_.>])($forbidden)[[:space:]]*\(" || true)
done

if [ $fail -ne 0 ]; then
	echo "check_freestanding: FAILED: the stack core must stay freestanding (see stack/README.md)" >&2
	exit 1
fi
echo "check_freestanding: ok: $checked files (stack core and the headers it includes) are freestanding"
