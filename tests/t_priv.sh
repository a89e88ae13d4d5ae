#!/bin/sh
# The setgid install, for real (issue 8; needs root, skipped otherwise): a
# copy of hall setgid to a group ("staff", standing in for "hall"), the
# store folder 2770 and the store 660 of that group, and a clerk's Unix
# account (nobody) that is not in the group.  The clerk reaches the store
# only through hall with a hall login; the environment cannot steer the
# privileged process; files written for the clerk are the clerk's own.
. "$HALL_TESTS/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "ok 1 - # skip: needs root and setpriv"; exit 0
fi
G=staff
gid=$(getent group $G | cut -d: -f3)
[ -n "$gid" ] || { echo "ok 1 - # skip: no group $G"; exit 0; }
base=$(mktemp -d /tmp/hall-priv.XXXXXX)
trap 'rm -rf "$base"' EXIT INT TERM
chmod 755 "$base"
cp "$HALL_BIN" "$base/hall"
chgrp $G "$base/hall" && chmod 2755 "$base/hall"
cp -r "$HALL_FORMS" "$base/forms" && chmod -R a+rX "$base/forms"   # the "installed" forms
mkdir "$base/store" && chgrp $G "$base/store" && chmod 2770 "$base/store"
mkdir "$base/home" && chown 65534:65534 "$base/home"
db="$base/store/hall.db"
hall demo --db "$db" --customers 50 --seed 1 >/dev/null 2>&1
chgrp $G "$db" && chmod 660 "$db"
acct=$(sq "$db" "SELECT account_no FROM customers WHERE status='normal' ORDER BY account_no LIMIT 1")

# as the clerk's Unix account: uid/gid nobody, no supplementary groups,
# a clean environment plus what each call adds
as_clerk() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -i PATH=/usr/bin:/bin HOME="$base/home" LC_ALL=C.UTF-8 HALL_LANG=en \
		ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 "$@"
}
H="$base/hall"

check "the clerk cannot read the store file" 1 as_clerk cat "$db"
check "nor list the store folder" 2 as_clerk ls "$base/store"
check "through hall with a login: a payment" 0 as_clerk HALL_PASSWORD=demo1234 "$H" submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
receipt=$(head -n1 "$T/out")
eq "stored for hall user 1001" "$(sq "$db" "SELECT staff_id FROM payments WHERE receipt_no='$receipt'")" 1001
eq "audited with the clerk's Unix account" "$(sq "$db" "SELECT DISTINCT uid FROM audit WHERE staff_id='1001' AND id > (SELECT max(id) - 6 FROM audit)")" 65534
check "a wrong hall password is refused" 4 as_clerk HALL_PASSWORD=nope-nope "$H" submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash

check "look-ups without a hall login refused" 4 as_clerk "$H" find --db "$db" "$acct"
has "find: says to log in" "$T/err" "needs a hall login"
hasnt "find: no customer data" "$T/out" "$acct"

# the store's files keep the group and mode after the clerk's run
eq "store still 660 of the group" "$(stat -c '%a %G' "$db")" "660 $G"
for f in "$db-wal" "$db-shm"; do
	[ -e "$f" ] && eq "$(basename "$f") of the group, not others'" "$(stat -c '%G' "$f") $(( $(stat -c '%a' "$f") % 10 ))" "$G 0"
done

# the environment cannot steer it
check "HALL_NOW ignored" 0 as_clerk HALL_NOW=2020-01-01T00:00:00Z HALL_PASSWORD=demo1234 "$H" submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
r2=$(head -n1 "$T/out")
eq "created today, not back-dated" "$(sq "$db" "SELECT substr(created_at, 1, 4) FROM payments WHERE receipt_no='$r2'")" "$(date -u +%Y)"
# a time zone a day away would move "today" (reversals, reopening a day)
check "TZ ignored" 0 as_clerk TZ=XXX-24 HALL_PASSWORD=demo1234 "$H" submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
r3=$(head -n1 "$T/out")
eq "business date in the server's zone, not the clerk's" \
	"$(sq "$db" "SELECT business_date FROM payments WHERE receipt_no='$r3'")" "$(date +%F)"
mkdir -p "$base/home/forms" && printf 'form payment\ntitle x | x\naction payment\nfield amount\n  type money\n' >"$base/home/forms/payment.form"
chown -R 65534:65534 "$base/home/forms"
check "HALL_FORMS ignored (the clerk's own forms would drop rules)" 0 as_clerk HALL_FORMS="$base/home/forms" "$H" forms show payment
has "the installed payment form is used" "$T/out" "reference"
check "--forms refused" 4 as_clerk HALL_PASSWORD=demo1234 "$H" submit payment --forms "$base/home/forms" --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
has "--forms: says who may set it" "$T/err" "/etc/hall/hall.conf"
check "--central refused" 4 as_clerk "$H" sync --db "$db" --central "sqlite:$base/home/mine.db"
[ -e "$base/home/mine.db" ] && nok "no central file made for the clerk" || ok "no central file made for the clerk"
printf 'forms = %s\n' "$base/home/forms" >"$base/home/hall.conf"
check "HALL_CONFIG ignored" 0 as_clerk HALL_CONFIG="$base/home/hall.conf" HALL_PASSWORD=demo1234 "$H" submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash

# a store of the clerk's own making is not opened with the group
cp "$db" "$base/home/own.db" && chown 65534:65534 "$base/home/own.db"
check "a file of the clerk's own is refused" 4 as_clerk HALL_PASSWORD=demo1234 "$H" submit payment --db "$base/home/own.db" --user 1001 account_no="$acct" amount=1.00 method=cash
has "says it is not the hall's" "$T/err" "does not belong to the hall group"
chgrp $G "$base/home/own.db"
check "nor one of the hall group that the clerk owns" 4 as_clerk HALL_PASSWORD=demo1234 "$H" submit payment --db "$base/home/own.db" --user 1001 account_no="$acct" amount=1.00 method=cash
eq "and no store file of the group appears in the clerk's folder" "$(find "$base/home" -group $G | grep -v own.db | wc -l)" 0

# maintenance needs a hall login, and writes files as the clerk
check "audit verify without a login refused" 4 as_clerk "$H" audit verify --db "$db"
check "audit verify as manager" 0 as_clerk HALL_PASSWORD=demo1234 "$H" audit verify --db "$db" --user 9001
check "backup as manager" 0 as_clerk HALL_PASSWORD=demo1234 "$H" backup --db "$db" --to "$base/home/b.db" --user 9001
eq "the backup is the clerk's own, mode 600, not the hall group's" "$(stat -c '%u:%g %a' "$base/home/b.db")" "65534:65534 600"
check "backup by a clerk refused" 4 as_clerk HALL_PASSWORD=demo1234 "$H" backup --db "$db" --to "$base/home/c.db" --user 1001
check "restore refused through the setgid binary" 4 as_clerk "$H" restore --from "$base/home/b.db" --db "$base/store/new.db"
[ -e "$base/store/new.db" ] && nok "nothing restored" || ok "nothing restored"
check "receipt printed to the clerk's spool" 0 as_clerk HALL_PASSWORD=demo1234 HALL_PRINT_COMMAND=none HALL_RECEIPTS="$base/home/spool" "$H" receipt "$r2" --db "$db" --user 1001
f=$(ls "$base/home/spool" 2>/dev/null | head -1)
[ -n "$f" ] && eq "spool file is the clerk's, not the group's" "$(stat -c '%u:%g' "$base/home/spool/$f")" "65534:65534" || nok "spool file written"

# the dangerous environment is gone before anything runs: what a child of
# the setgid hall (the print command) inherits
printf '#!/bin/sh\nenv >"$HOME/child-env"\ncat >/dev/null\n' >"$base/penv" && chmod 755 "$base/penv"
check "reprint through a print command" 0 as_clerk HALL_PASSWORD=demo1234 HALL_PRINT_COMMAND="$base/penv" \
	HALL_RECEIPTS="$base/home/spool" SQLITE_TMPDIR=/tmp/x TMPDIR=/tmp/y MALLOC_PERTURB_=7 GCONV_PATH=/tmp/g \
	LOCPATH=/tmp/l NLSPATH=/tmp/n HALL_BUSY_TIMEOUT_MS=1 DEMO_SQL=x HALL_NOW=2020-01-01T00:00:00Z \
	PGHOSTADDR=192.0.2.1 PGSSLMODE=disable PGSERVICEFILE=/tmp/s \
	"$H" reprint "$r2" --db "$db" --user 1001
if [ -s "$base/home/child-env" ]; then
	ok "the print command ran"
	for v in SQLITE_TMPDIR TMPDIR MALLOC_PERTURB_ GCONV_PATH LOCPATH NLSPATH HALL_BUSY_TIMEOUT_MS DEMO_SQL HALL_NOW \
	         PGHOSTADDR PGSSLMODE PGSERVICEFILE; do
		grep -q "^$v=" "$base/home/child-env" && nok "setgid: $v removed" "$(grep "^$v=" "$base/home/child-env")" || ok "setgid: $v removed"
	done
	has "setgid: the rest kept (HOME)" "$base/home/child-env" "HOME=$base/home"
else
	nok "the print command ran" "$(cat "$T/err")"
fi
# a damaged store met by a clerk's setgid hall: marked in the store folder
# with the raised group (the next counter knows), out of the clerk's reach
dd_db="$base/store/dmg.db"
cp "$db" "$dd_db" && chgrp $G "$dd_db" && chmod 660 "$dd_db"
for p in $(sq "$dd_db" "SELECT pageno FROM dbstat WHERE name = 'payments' AND pagetype = 'leaf'"); do
	dd if=/dev/urandom of="$dd_db" bs=4096 seek=$((p - 1)) count=1 conv=notrunc 2>/dev/null
done
check "damaged store: the clerk's payment stops with exit 9" 9 as_clerk HALL_PASSWORD=demo1234 "$H" submit payment --db "$dd_db" --user 1001 account_no="$acct" amount=1.00 method=cash
eq "  marked beside it, the hall group's, 660" "$(stat -c '%G %a' "$dd_db-damaged" 2>&1)" "$G 660"
check "  the next command knows at once" 9 as_clerk HALL_PASSWORD=demo1234 "$H" submit complaint --db "$dd_db" --user 1001 \
	account_no="$acct" name=王小明 phone=13800138000 category=business content=停电
has "  with the message" "$T/err" "hall restore --from"
check "  the clerk cannot touch the mark" 2 as_clerk sh -c "echo x >'$dd_db-damaged'"
check "integrity after all that" 0 hall check --db "$db"
