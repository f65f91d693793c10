#!/bin/sh
# carve_score.sh — the carving bench's scorer (tests/bench/carve_score.py)
# on small synthetic cases: every class of output (exact, duplicate,
# fragmented, partial, embedded, broken, false) and the report's targets.
: "${EXHIBIT_SOURCE_DIR:?set EXHIBIT_SOURCE_DIR to the source tree}"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
exec python3 "$EXHIBIT_SOURCE_DIR/tests/bench/carve_score_test.py"
