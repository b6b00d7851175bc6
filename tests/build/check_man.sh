#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Man page checks:
#   1. every page in MANDIR renders with groff -ww (all warnings) silently;
#   2. for each PAGE=PROGRAM pair, the page's SYNOPSIS says the same as the
#      "Usage:" block of `PROGRAM --help` (STYLE.md: "a SYNOPSIS that
#      matches --help"), compared word by word.
#
# Usage: check_man.sh MANDIR [PAGE=PROGRAM]...
set -u
if [ $# -lt 1 ]; then
	echo "usage: $0 MANDIR [PAGE=PROGRAM]..." >&2
	exit 1
fi
mandir=$1
shift
command -v groff >/dev/null || { echo "check_man: FAILED: groff not found (apt-get install groff-base)" >&2; exit 1; }

fail=0
pages=0
for p in "$mandir"/*.[1-9]; do
	[ -f "$p" ] || continue
	pages=$((pages + 1))
	warn=$(groff -ww -man -Tutf8 -z "$p" 2>&1)
	if [ -n "$warn" ]; then
		echo "check_man: FAILED: $(basename "$p") renders with warnings:" >&2
		printf '%s\n' "$warn" >&2
		fail=1
	fi
done
[ $pages -gt 0 ] || { echo "check_man: FAILED: no man pages in $mandir" >&2; exit 1; }

words() { tr -s ' \t\n' '\n\n\n' | sed '/^$/d'; }

for pair in "$@"; do
	page=${pair%%=*}
	prog=${pair#*=}
	if [ ! -x "$prog" ]; then
		echo "check_man: FAILED: $prog is not built, cannot compare its --help with $page" >&2
		fail=1
		continue
	fi
	man_syn=$(groff -man -Tascii -P-cbou "$mandir/$page" 2>/dev/null |
		awk '/^SYNOPSIS/ { on = 1; next } on && /^[A-Z]/ { exit } on' | words)
	help_syn=$("$prog" --help 2>&1 |
		awk '/^[Uu]sage:/ { on = 1; sub(/^[Uu]sage:[ \t]*/, ""); if ($0 == "") next }
		     on && /^[ \t]*$/ { exit } on' | words)
	if [ -z "$help_syn" ]; then
		echo "check_man: FAILED: '$prog --help' printed no Usage: block" >&2
		fail=1
	elif [ "$man_syn" != "$help_syn" ]; then
		echo "check_man: FAILED: SYNOPSIS of $page differs from '$(basename "$prog") --help' (< man page, > --help):" >&2
		diff <(printf '%s\n' "$man_syn") <(printf '%s\n' "$help_syn") | head -20 >&2
		fail=1
	fi
done

[ $fail -eq 0 ] || exit 1
echo "check_man: ok: $pages pages render cleanly${1:+, synopses match --help}"
