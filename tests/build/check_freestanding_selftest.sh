#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Proves check_freestanding.sh catches what it claims to: runs it on a
# scratch tree seeded with one violation of each kind (hosted header, header
# from netdev/, missing header, hosted calls, a public header that pulls in
# <stdio.h>) and with look-alikes that must NOT be reported (calls in
# comments and strings, nlrs_buf_free(), ops->close(), stack/nlrsd/).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

mkdir -p "$t/stack/wire" "$t/stack/nlrsd" "$t/include/nlrs" "$t/netdev"
cp "$repo"/include/nlrs/*.h "$t/include/nlrs/"
printf '#include <stdio.h>\n' >>"$t/include/nlrs/socket.h"
: >"$t/netdev/tap.h"
printf '#include <stdlib.h>\nint main(void) { return printf("hosted is fine here"); }\n' >"$t/stack/nlrsd/main.c"
cat >"$t/stack/good.c" <<'EOC'
#include <stddef.h>
#include "nlrs/buf.h"
/* malloc(3) and printf() in a comment are fine */
static const char *msg = "free(x) in a string is fine";
struct ops { void (*close)(void *); };
void g(struct ops *o, struct nlrs_buf *b);
void g(struct ops *o, struct nlrs_buf *b) { nlrs_buf_free(b); o->close(0); (void)msg; }
EOC
cat >"$t/stack/wire/bad.c" <<'EOC'
#include <string.h>
#include "../../netdev/tap.h"
#include "nosuch.h"
#include "nlrs/socket.h"
void h(void);
void h(void) { void *p = malloc(8); free (p); printf("x"); }
EOC

out=$(bash "$here/check_freestanding.sh" "$t" 2>&1)
rc=$?
fail=0
expect() {
	if ! grep -qF -- "$1" <<<"$out"; then
		echo "selftest: FAILED: the checker did not report: $1" >&2
		fail=1
	fi
}
reject() {
	if grep -qF -- "$1" <<<"$out"; then
		echo "selftest: FAILED: the checker wrongly reported: $1" >&2
		fail=1
	fi
}
[ $rc -ne 0 ] || { echo "selftest: FAILED: the checker passed a tree with violations" >&2; fail=1; }
expect "stack/wire/bad.c:1: includes <string.h>"
expect "stack/wire/bad.c:2: includes netdev/tap.h"
expect "stack/wire/bad.c:3: includes \"nosuch.h\""
expect "stack/wire/bad.c:6: calls malloc() free() printf()"
expect "include/nlrs/socket.h:"
reject "stack/good.c"
reject "stack/nlrsd"
if [ $fail -ne 0 ]; then
	printf '%s\n' "---- checker output ----" "$out" >&2
	exit 1
fi
echo "selftest: ok: every seeded violation reported, no false positives"
