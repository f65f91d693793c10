# lib.sh — shared by the integration tests (sourced, not run).
# Environment (set by `make check`): EXHIBIT, EXHIBIT_PLUGIN_DIR,
# EXHIBIT_SOURCE_DIR; EXHIBIT_CORPUS overrides ../shared/corpus.
set -u

: "${EXHIBIT:?run through make check, or set EXHIBIT to the exhibit binary}"
: "${EXHIBIT_SOURCE_DIR:?set EXHIBIT_SOURCE_DIR to the source tree}"
EXHIBIT_PLUGIN_DIR=${EXHIBIT_PLUGIN_DIR:-}
CORPUS=${EXHIBIT_CORPUS:-$EXHIBIT_SOURCE_DIR/../shared/corpus}
export LC_ALL=C TZ=UTC

WORK=$(mktemp -d "${TMPDIR:-/tmp}/exhibit-test-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }

# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# check_cmd DESCRIPTION COMMAND... — passes when the command succeeds.
check_cmd() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

need_corpus() {
	if [ ! -d "$CORPUS" ]; then
		echo "SKIP: the test corpus is not at $CORPUS (set EXHIBIT_CORPUS); $0 needs it"
		exit 77
	fi
}

# process CASE EVIDENCE... — exhibit process, quiet; sets STATUS.
process() {
	case_dir=$1
	shift
	STATUS=0
	"$EXHIBIT" process "$@" --case "$case_dir" --quiet \
		${EXHIBIT_PLUGIN_DIR:+--plugin-dir "$EXHIBIT_PLUGIN_DIR"} \
		>"$case_dir.out" 2>"$case_dir.err" || STATUS=$?
}

# q CASE SQL — one query against a case, list output.
q() { sqlite3 -batch "$1/case.db" "$2"; }

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
