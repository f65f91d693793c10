#!/bin/sh
# test.sh — set everything up and run the whole test suite: the unit and
# integration tests with `make distcheck` (which also proves the tarball
# builds), the same suite under AddressSanitizer + UndefinedBehaviorSanitizer,
# and every fuzz target over its seed corpus.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${EXHIBIT_CORPUS:-$(cd "$top/.." && pwd)/shared/corpus}
export EXHIBIT_CORPUS="$corpus"
[ -d "$corpus" ] || echo "test: NOTE: $corpus is absent; tests that need the corpus will be skipped"
jobs=$(nproc)
# Each stage builds what it runs; a full build beforehand would be wasted.
export EXHIBIT_SETUP_BUILD=no
# Elapsed time at each stage, so a slow stage is seen, not guessed.
started=$(date +%s)
stage() { echo "== $1 (at $(($(date +%s) - started)) s)"; }

"$top/scripts/setup-debian.sh" "$top/build"

stage "1/3 unit + integration tests, make distcheck"
(cd "$top/build" && make -s -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=-q)

stage "2/3 the same suite under ASan + UBSan"
"$top/scripts/setup-debian.sh" "$top/build-sanitizers" --enable-sanitizers
(cd "$top/build-sanitizers" && ASAN_OPTIONS=detect_leaks=1 make -s -j"$jobs" check)

stage "3/3 fuzz targets over their seed corpora"
"$top/scripts/setup-debian.sh" "$top/build-fuzz" CC=clang --enable-fuzzers
replay="$top/build-fuzz/fuzz-replay.log"
if ! (cd "$top/build-fuzz" && make -s -j"$jobs" fuzz-targets && FUZZ_SECONDS=0 make -s fuzz) >"$replay" 2>&1; then
	cat "$replay"
	exit 1
fi
cat "$replay"

# One closing line for whoever reads the log: the tests of the sanitizer
# run (the same suite distcheck ran) plus one per fuzz target replayed.
passed=$(awk '/^# PASS:/ {print $3}' "$top/build-sanitizers/test-suite.log")
skipped=$(awk '/^# SKIP:/ {print $3}' "$top/build-sanitizers/test-suite.log")
fuzzed=$(grep -c 'no finding' "$replay")
echo "test: $((passed + fuzzed)) passed, 0 failed, ${skipped:-0} skipped in $(($(date +%s) - started)) s"
