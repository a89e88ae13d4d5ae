#!/bin/sh
# The lockout policy is the hall's: an administrator sets how many wrong
# passwords lock an account and for how long (hall rules set
# lockout_failures|lockout_minutes); the limits of each; journaled.
. "$HALL_TESTS/lib.sh"
mkdir -p "$T/store"
db="$T/store/hall.db"
export HALL_DB="$db" TZ=CST-8 HALL_NOW=2026-12-04T02:00:00Z
unset HALL_PASSWORD HALL_NEW_PASSWORD
check "demo hall" 0 hall demo --customers 50 --seed 1
check "rules list shows the default policy" 0 hall rules list
has "  5 failures" "$T/out" "$(printf 'setting\tlockout_failures\t5')"
has "  15 minutes" "$T/out" "$(printf 'setting\tlockout_minutes\t15')"

HALL_PASSWORD=demo1234 check "a manager may not set it" 4 hall rules set lockout_failures 3 --user 9001
HALL_PASSWORD=demo1234 check "failures: 2 is too few" 2 hall rules set lockout_failures 2 --user 0001
has "  names the rule" "$T/err" "3至20"
HALL_PASSWORD=demo1234 check "failures: 21 is too many" 2 hall rules set lockout_failures 21 --user 0001
HALL_PASSWORD=demo1234 check "minutes: 0 refused" 2 hall rules set lockout_minutes 0 --user 0001
HALL_PASSWORD=demo1234 check "minutes: 1441 refused" 2 hall rules set lockout_minutes 1441 --user 0001
HALL_PASSWORD=demo1234 check "failures set to 3" 0 hall rules set lockout_failures 3 --user 0001
HALL_PASSWORD=demo1234 check "minutes set to 60" 0 hall rules set lockout_minutes 60 --user 0001
eq "both journaled" "$(sq "$db" "SELECT count(*) FROM journal WHERE kind = 'rules.setting'")" 2

wrong() { HALL_PASSWORD=bad-password hall user passwd 1001 --user 1001 >/dev/null 2>&1; }
wrong; wrong
HALL_PASSWORD=demo1234 HALL_NEW_PASSWORD=clerk-pass-9 check "2 failures: not yet locked" 0 hall user passwd 1001 --user 1001
wrong; wrong; wrong
HALL_PASSWORD=clerk-pass-9 HALL_NEW_PASSWORD=clerk-pass-8 check "3 failures: locked" 4 hall user passwd 1001 --user 1001
has "  lock message" "$T/err" "锁定"
eq "  locked for 60 minutes" "$(sq "$db" "SELECT locked_until FROM staff WHERE id = '1001'")" 2026-12-04T03:00:00Z
HALL_NOW=2026-12-04T02:59:00Z HALL_PASSWORD=clerk-pass-9 HALL_NEW_PASSWORD=clerk-pass-8 check "still locked at 59 minutes" 4 hall user passwd 1001 --user 1001
HALL_NOW=2026-12-04T03:00:01Z HALL_PASSWORD=clerk-pass-9 HALL_NEW_PASSWORD=clerk-pass-8 check "free after 60 minutes" 0 hall user passwd 1001 --user 1001
