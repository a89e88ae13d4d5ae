#!/bin/sh
# Run every test program (cmocka) in BUILD/tests and every tests/t_*.sh
# script, and print one summary line: "Total: N passed, N failed".
# Usage: tests/run.sh BUILD FORMSDIR [PATTERN]
build=${1:-build/san}
forms=${2:-forms}
pattern=${3:-}
top=$(pwd)
export HALL_BIN="$top/$build/hall"
export HALL_FORMS="$top/$forms"
export HALL_TESTS="$top/tests"
export LC_ALL=C.UTF-8
unset HALL_DB HALL_PASSWORD HALL_APPROVER_PASSWORD HALL_LANG HALL_CONFIG
passed=0; failed=0; broken=""
log=$(mktemp -d "${TMPDIR:-/tmp}/hall-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT INT TERM

count() { # file -> sets p f from cmocka or tap-like output
	p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$1" | sed -E 's/.* ([0-9]+) test.*/\1/' | awk '{s+=$1} END {print s+0}')
	f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$1" | sed -E 's/.* ([0-9]+) test.*/\1/' | awk '{s+=$1} END {print s+0}')
	tp=$(grep -cE '^ok ' "$1"); tf=$(grep -cE '^not ok ' "$1")
	p=$((p + tp)); f=$((f + tf))
}

for t in "$build"/tests/test_* "$top"/tests/t_*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *.o|*.d) continue;; esac
	name=$(basename "$t")
	[ -n "$pattern" ] && case "$name" in *$pattern*) ;; *) continue;; esac
	out="$log/$name.out"
	start=$(date +%s)
	# a hung test must not hang the whole run: TEST_TIMEOUT seconds each
	if [ "${t%.sh}" != "$t" ]; then
		(cd "$log" && TEST_TMP=$(mktemp -d "$log/tmp.XXXXXX") \
			timeout -k 10 "${TEST_TIMEOUT:-600}" sh "$t") >"$out" 2>&1
	else
		(cd "$log" && TEST_TMP=$(mktemp -d "$log/tmp.XXXXXX") \
			timeout -k 10 "${TEST_TIMEOUT:-600}" "$top/$t") >"$out" 2>&1
	fi
	rc=$?
	[ $rc -eq 124 ] && echo "timed out after ${TEST_TIMEOUT:-600} s" >>"$out"
	count "$out"
	secs=$(( $(date +%s) - start ))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$f" -ne 0 ] || [ $rc -ne 0 ]; then
		echo "FAIL $name ($p passed, $f failed, exit $rc, ${secs}s)"
		sed 's/^/    /' "$out" | grep -vE '^\s+\[ (RUN|      OK) ' | tail -n 60
		broken="$broken $name"
	else
		echo "ok   $name ($p passed, ${secs}s)"
	fi
	passed=$((passed + p)); failed=$((failed + f))
done
echo
[ -n "$broken" ] && echo "failed programs:$broken"
echo "Total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
