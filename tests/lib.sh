# Shell test helpers for the CLI tests (tests/t_*.sh).  Each check prints
# "ok N - name" or "not ok N - name"; tests/run.sh counts them.
# $HALL_BIN is the binary under test, $TEST_TMP a fresh directory.
n=0
T=${TEST_TMP:-$(mktemp -d)}
export HALL_FORMS LC_ALL=C.UTF-8
hall() { "$HALL_BIN" "$@"; }

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; }

# check NAME EXPECTED_EXIT CMD...: run CMD, keep stdout in $T/out and
# stderr in $T/err, compare the exit status.
check() {
	name=$1; want=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		nok "$name" "exit $got, wanted $want" "stdout: $(head -c 600 "$T/out")" "stderr: $(head -c 600 "$T/err")"; fi
}
# has NAME FILE TEXT: FILE contains TEXT (fixed string)
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else nok "$1" "no '$3' in $(basename "$2"):" "$(head -c 800 "$2")"; fi
}
hasnt() {
	if grep -qF -- "$3" "$2"; then nok "$1" "unexpected '$3' in $(basename "$2")"; else ok "$1"; fi
}
# eq NAME GOT WANT
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got '$2'" "want '$3'"; fi
}
sq() { sqlite3 -batch -noheader "$@"; }
