#!/bin/sh
# make fuzz: build each libFuzzer target tests/fuzz_*.c with clang against
# a clang + sanitizer + coverage build of the core (BUILD/libhallcore.a),
# seed its corpus from the shipped files, and run it for FUZZ_SECONDS
# (default 600 = the 10 minutes) each, one after the other.
# Findings are kept in BUILD/crashes/TARGET-*; each one must become a
# regression test (tests/test_hostile.c) before it is fixed.
#   FUZZ_TARGETS="money form"  run only these
#   FUZZ_JOBS=2                parallel workers per target (libFuzzer -fork)
# Usage: tests/fuzz.sh BUILD FORMSDIR    (PKGS: pkg-config packages to link)
build=${1:-build/fuzz}
forms=${2:-forms}
secs=${FUZZ_SECONDS:-600}
jobs=${FUZZ_JOBS:-1}
top=$(pwd)
pkgs=${PKGS:-ncursesw sqlite3 xlsxwriter libcrypt}
cflags="-std=c11 -Iinclude -Isrc -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(pkg-config --cflags sqlite3)"
libs="$(pkg-config --libs $pkgs) -lm"
san="-fsanitize=address,undefined,fuzzer -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
mkdir -p "$build/fuzzers" "$build/corpus" "$build/crashes" "$build/logs"

seed() { # TARGET DIR: a few valid inputs to start from
	d=$2
	mkdir -p "$d"
	case $1 in
	form) cp "$forms"/*.form "$d/" ;;
	calendar) cp "$forms"/*.cal "$d/"
		printf '08:30-12:00,14:00-17:30' >"$d/window" ;;
	money) i=0
		for a in 0 1 0.01 12.3 1,234.56 -0.05 999999999999.99 007 1e5 ¥100 '１' 12.345; do
			printf %s "$a" >"$d/m$i"; i=$((i + 1))
		done ;;
	fields) i=0
		for v in 张三 11010519491231002X 91350100M000100Y43 13800138000 0591-87654321 \
		         2026-03-02 150.00 100 cash 0010000001 "a'b%s"; do
			printf "\\$(printf %03o $((i * 23 % 256)))%s" "$v" >"$d/f$i"; i=$((i + 1))
		done ;;
	receipt) head -c 32 /dev/zero >"$d/r0"
		printf '001|鼓楼供电营业厅|1001|张敏|SF00100000001|0010000001|王建国|cash' >>"$d/r0" ;;
	esac
}

fail=0
summary=""
for src in tests/fuzz_*.c; do
	name=${src#tests/fuzz_}; name=${name%.c}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue;; esac
	fi
	bin="$build/fuzzers/fuzz_$name"
	echo "== fuzz_$name: build"
	if ! clang $cflags -O1 -g $san -o "$bin" "$src" "$build/libhallcore.a" $libs; then
		echo "fuzz_$name: build failed"; fail=1; continue
	fi
	corpus="$build/corpus/$name"
	[ -d "$corpus" ] || seed "$name" "$corpus"
	log="$build/logs/$name.log"
	echo "== fuzz_$name: ${secs}s"
	fork=""
	[ "$jobs" -gt 1 ] && fork="-fork=$jobs"
	FUZZ_FORMS="$top/$forms" "$bin" $fork -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$build/crashes/$name-" \
		"$corpus" >"$log" 2>&1
	rc=$?
	runs=$(grep -E '^stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')
	speed=$(grep -E '^stat::average_exec_per_sec' "$log" | tail -1 | awk '{print $2}')
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	files=$(ls "$corpus" | wc -l)
	crashes=$(ls "$build/crashes" 2>/dev/null | grep -c "^$name-")
	line=$(printf '%-10s %12s runs %8s/s  %-22s corpus %5s  findings %s  exit %s' \
		"$name" "${runs:-?}" "${speed:-?}" "${cov:-cov: ?}" "$files" "$crashes" "$rc")
	echo "$line"
	summary="$summary$line
"
	if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
		fail=1
		grep -E 'ERROR|fuzz check failed|SUMMARY' "$log" | head -5 | sed 's/^/    /'
	fi
done
echo
echo "fuzz summary (${secs}s each):"
printf '%s' "$summary"
[ $fail -eq 0 ] && echo "no findings" || echo "FINDINGS: see $build/crashes and $build/logs"
exit $fail
