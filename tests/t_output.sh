#!/bin/sh
# No terminal escape sequence from stored data ever reaches the terminal
# (issue #8): rows written behind hall's back (the sqlite3 CLI, a pulled
# row) carry escape sequences, C1 controls, a carriage return and bytes
# that are not UTF-8 into fields that the commands print; what they print
# holds none of it (src/cli/outguard.c is the net under every command's
# own sanitising).  Ordinary output is unchanged.
. "$HALL_TESTS/lib.sh"
unset HALL_DB
export HALL_LANG=en HALL_PASSWORD=demo1234
mkdir -p "$T/store"
db="$T/store/hall.db"
if ! hall demo --db "$db" --customers 300 --seed 1 >/dev/null 2>"$T/demo.err"; then
	nok "demo store" "$(cat "$T/demo.err")"; exit 1
fi
acct=$(sq "$db" "SELECT account_no FROM customers c WHERE status = 'normal'
	AND EXISTS (SELECT 1 FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid')
	ORDER BY account_no LIMIT 1")
noctl() { # NAME FILE: no control byte (TAB and newline are the format's)
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$2" ||
	   LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$2" ||
	   ! iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1; then
		nok "$1" "$(od -c "$2" | head -6)"
	else ok "$1"; fi
}

# ordinary output first, to compare with afterwards
check "find" 0 hall find --db "$db" "$acct"
cp "$T/out" "$T/find.before"
check "rules list" 0 hall rules list --db "$db"
cp "$T/out" "$T/rules.before"
printf 'find\t%s\n' "$(cut -f2 "$T/find.before")" | grep -q "$(printf '\t')" && ok "find output has its tabs" || nok "find output has its tabs"

evil=$(printf 'a\033[2J\033]0;owned\007\302\23331m\033c\r\010\377z')
sq "$db" "UPDATE deadline_rules SET note = '$evil' WHERE id = (SELECT min(id) FROM deadline_rules);
	UPDATE change_rules SET note = '$evil' WHERE id = (SELECT min(id) FROM change_rules);
	INSERT INTO staff(id, name, role, pw_hash, created_at, updated_at)
	  VALUES ('77$evil', '$evil', 'clerk', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
	UPDATE customers SET category = '$evil' WHERE account_no = '$acct';"

check "rules list with hostile notes" 0 hall rules list --db "$db"
noctl "  rules list: no control character" "$T/out"
has "  the note is shown cleaned" "$T/out" "a�[2J"
check "user list with a hostile staff row" 0 hall user list --db "$db"
noctl "  user list: no control character" "$T/out"
check "bills with a hostile category" 0 hall bills --db "$db" "$acct"
noctl "  bills: no control character" "$T/out"
check "find with a hostile category" 0 hall find --db "$db" "$acct"
noctl "  find: no control character" "$T/out"
cmp -s "$T/out" "$T/find.before" && ok "  find output otherwise unchanged" || nok "  find output otherwise unchanged" "$(diff "$T/find.before" "$T/out")"
check "worklist" 0 hall worklist --db "$db"
noctl "  worklist: no control character" "$T/out"
check "Chinese output passes untouched" 0 env HALL_LANG=zh "$HALL_BIN" bills --db "$db" "$acct"
has "  户号" "$T/out" "户号：$acct"
