#!/bin/sh
# run.sh SRCDIR SECONDS — run every fuzz target built in tests/fuzz/.
# SECONDS=0 replays the seed corpus only (CI); otherwise each target fuzzes
# for SECONDS starting from a scratch copy of its seeds (the committed
# seeds are never modified).  Findings are left as crash-*/timeout-* files
# in the scratch directory, whose path is printed.
set -eu
src=$1
seconds=$2
status=0
ran=0
for target in tests/fuzz/fuzz_*; do
	[ -x "$target" ] || continue
	case $target in *.c|*.o) continue ;; esac
	name=$(basename "$target" | sed 's/^fuzz_//')
	seeds="$src/tests/fuzz/corpus/$name"
	[ -d "$seeds" ] || { echo "fuzz: no seeds for $name at $seeds" >&2; status=1; continue; }
	ran=$((ran + 1))
	if [ "$seconds" = 0 ]; then
		if "$target" -runs=0 "$seeds"/* >"fuzz-$name.log" 2>&1; then
			echo "fuzz: $name: $(ls "$seeds" | wc -l) seeds replayed, no finding"
		else
			echo "fuzz: $name: FAILED on a seed (see fuzz-$name.log)"; tail -20 "fuzz-$name.log"; status=1
		fi
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/exhibit-fuzz-$name-XXXXXX")
	cp "$seeds"/* "$work/"
	if (cd "$work" && "$OLDPWD/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 "$work" >"$work/fuzz.log" 2>&1); then
		echo "fuzz: $name: $(grep -m1 'stat::number_of_executed_units' "$work/fuzz.log" | awk '{print $2}') runs in ${seconds}s, no finding ($work)"
	else
		echo "fuzz: $name: FINDING, see $work/fuzz.log"; tail -30 "$work/fuzz.log"; status=1
	fi
done
[ "$ran" -gt 0 ] || { echo "fuzz: no fuzz targets built (configure CC=clang --enable-fuzzers)" >&2; exit 1; }
exit $status
