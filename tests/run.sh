#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Run the whole test suite: install missing Debian packages and build
# (tools/bootstrap.sh), build a second tree with ASan+UBSan, then run ctest
# once over everything: unit, integration (needs root; skipped otherwise),
# fuzz (short), build checks, and the sanitizer tree's unit tests (which
# appear as sanitize/unit). The output ends with ctest's summary; the exit
# status is ctest's.
#
#   bash tests/run.sh            (as root on Debian 12)
#
# Environment: NLRS_BUILD_DIR (default build/), NLRS_ASAN_BUILD_DIR
# (default build-asan/), NLRS_CMAKE_ARGS (extra cmake arguments for the main
# tree), NLRS_CTEST_ARGS (extra ctest arguments, e.g. "-L unit").
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASAN_DIR=${NLRS_ASAN_BUILD_DIR:-$REPO/build-asan}
mkdir -p "$ASAN_DIR" && ASAN_DIR=$(cd "$ASAN_DIR" && pwd) || exit 1

# shellcheck source=tools/bootstrap.sh
source "$REPO/tools/bootstrap.sh"
NLRS_CMAKE_ARGS="${NLRS_CMAKE_ARGS:-} -DNLRS_SANITIZE_BUILD_DIR=$ASAN_DIR"
nlrs_bootstrap || { echo "tests/run.sh: set-up or build failed" >&2; exit 1; }

# The sanitizer tree (its unit tests run from the main tree as sanitize/unit).
nlrs_build "$ASAN_DIR" -DNLRS_SANITIZE=ON -DNLRS_FREESTANDING_CHECK=OFF ||
	{ echo "tests/run.sh: the ASan+UBSan build failed" >&2; exit 1; }

jobs=$(nproc)
[ "$jobs" -gt 2 ] || jobs=2
# shellcheck disable=SC2086 # NLRS_CTEST_ARGS is a word list on purpose
exec ctest --test-dir "$NLRS_BUILD" --output-on-failure -j"$jobs" ${NLRS_CTEST_ARGS:-} </dev/null
