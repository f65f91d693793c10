#!/bin/sh
# timed.sh — runs one test and appends its wall time to the test's log, so
# `grep -h '^# elapsed' build/tests/*/*.log | sort -k3 -n` shows where the
# suite's time goes.  The test's exit status passes through unchanged.
start=$(date +%s%N)
"$@"
status=$?
echo "# elapsed $(( ($(date +%s%N) - start) / 1000000 )) ms: $*"
exit $status
