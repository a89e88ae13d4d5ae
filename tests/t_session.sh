#!/bin/sh
# hall login / hall logout from the command line: the session file (where,
# which rights), a day's commands without a password, what ends a session,
# and that an approver's password is never replaced by a session.
. "$HALL_TESTS/lib.sh"
mkdir -p "$T/store" "$T/run"
chmod 700 "$T/run"
db="$T/store/hall.db"
export HALL_DB="$db" XDG_RUNTIME_DIR="$T/run" TZ=CST-8 HALL_NOW=2026-12-04T02:00:00Z
unset HALL_PASSWORD HALL_APPROVER_PASSWORD HALL_NEW_PASSWORD
check "demo hall" 0 hall demo --customers 200 --seed 1
acct=$(sq "$db" "SELECT account_no FROM customers WHERE status = 'normal' ORDER BY account_no LIMIT 1")
# setsid: no controlling terminal, so hall cannot ask for a password even
# when the suite runs in one
pay() { setsid -w "$HALL_BIN" submit payment --user 1001 account_no="$acct" amount=1.00 method=cash </dev/null; }

check "no session, no terminal: refused" 4 pay
has "no session: the message names hall login" "$T/err" "hall login"

HALL_PASSWORD=demo1234 check "login: --minutes 0 refused" 2 hall login --user 1001 --minutes 0
HALL_PASSWORD=demo1234 check "login: --minutes 721 refused" 2 hall login --user 1001 --minutes 721
HALL_PASSWORD=wrong-pass check "login: wrong password" 4 hall login --user 1001
eq "login: no session after a refusal" "$(sq "$db" "SELECT count(*) FROM sessions")" 0
HALL_PASSWORD=demo1234 check "login" 0 hall login --user 1001
f=$(ls "$T/run/hall/"* 2>/dev/null | head -1)
[ -n "$f" ] && ok "login: a session file in \$XDG_RUNTIME_DIR/hall" || nok "login: a session file in \$XDG_RUNTIME_DIR/hall"
eq "session file: mode 600" "$(stat -c %a "$f")" 600
eq "session directory: mode 700" "$(stat -c %a "$T/run/hall")" 700
tok=$(cat "$f")
eq "session file: 64 hex digits" "$(printf %s "$tok" | grep -cE '^[0-9a-f]{64}$')" 1
eq "store: the token itself is not kept" "$(sq "$db" "SELECT count(*) FROM sessions WHERE token_hash = '$tok'")" 0
eq "store: its SHA-256 is" "$(sq "$db" "SELECT token_hash FROM sessions")" "$(printf %s "$tok" | sha256sum | cut -c1-64)"

check "session: payment without a password" 0 pay
r=$(cat "$T/out")
eq "session: the payment is the clerk's" "$(sq "$db" "SELECT staff_id FROM payments WHERE receipt_no = '$r'")" 1001
check "session: a second command too" 0 pay
eq "audit: session opened" "$(sq "$db" "SELECT count(*) FROM audit WHERE kind = 'session.open' AND staff_id = '1001'")" 1
eq "audit: each use recorded" "$(sq "$db" "SELECT count(*) FROM audit WHERE kind = 'login.session' AND staff_id = '1001'")" 2
# 1001's token under 1002's name is no session of 1002's
cp "$f" "$(echo "$f" | sed 's/-1001$/-1002/')"
check "session: another staff id is not logged in by it" 4 setsid -w "$HALL_BIN" submit payment --user 1002 account_no="$acct" amount=1.00 method=cash </dev/null
has "  refused as a session" "$T/err" "1002 的会话"
rm -f "$(echo "$f" | sed 's/-1001$/-1002/')"

# changing a password or managing users always takes the password
HALL_NEW_PASSWORD=stolen-pw1 check "session: no password change by session" 4 setsid -w "$HALL_BIN" user passwd 1001 --user 1001 </dev/null
has "  asks for the password" "$T/err" "需要密码"
HALL_PASSWORD=demo1234 check "an administrator gets no session" 4 hall login --user 0001
has "  saying why" "$T/err" "系统管理员不开会话"

# an approver always types their own password, even with a session of their own
HALL_PASSWORD=demo1234 check "manager login" 0 hall login --user 9001
check "reverse: the approver's session does not approve" 4 setsid -w "$HALL_BIN" reverse --user 1001 --approver 9001 "$r" reason=收错 </dev/null
has "  asks for the approver's password" "$T/err" "HALL_APPROVER_PASSWORD"
eq "reverse: nothing reversed" "$(sq "$db" "SELECT count(*) FROM reversals")" 0
HALL_APPROVER_PASSWORD=demo1234 check "reverse: with the approver's password" 0 setsid -w "$HALL_BIN" reverse --user 1001 --approver 9001 "$r" reason=收错 </dev/null

# a file others can read is not used
chmod 644 "$f"
check "session file open to others: refused" 4 pay
has "session file open to others: says so" "$T/err" "$f"
chmod 600 "$f"
check "session file closed again: accepted" 0 pay

# a tampered token
cp "$f" "$T/saved"
printf '%064d\n' 0 >"$f"
check "tampered token: refused" 4 pay
cp "$T/saved" "$f"

# the session ends with its time
HALL_NOW=2026-12-04T10:00:01Z check "after 480 minutes: expired" 4 pay
has "expired: says so" "$T/err" "过期"

# a changed password ends it
HALL_PASSWORD=demo1234 HALL_NEW_PASSWORD=another-pw1 check "clerk changes the password" 0 hall user passwd 1001 --user 1001
check "after a password change: refused" 4 pay
has "password change: says so" "$T/err" "密码修改"

# logout
HALL_PASSWORD=another-pw1 check "login again" 0 hall login --user 1001 --minutes 30
check "session: works" 0 pay
tok2=$(printf %s "$(cat "$f")" | sha256sum | cut -c1-64)
check "logout" 0 hall logout --user 1001
[ -e "$f" ] && nok "logout: the file is removed" || ok "logout: the file is removed"
eq "logout: the session is ended in the store" "$(sq "$db" "SELECT revoked_at IS NOT NULL FROM sessions WHERE token_hash = '$tok2'")" 1
eq "audit: logout recorded" "$(sq "$db" "SELECT count(*) FROM audit WHERE kind = 'logout' AND staff_id = '1001'")" 1
check "after logout: refused" 4 pay
check "logout again: nothing to end" 0 hall logout --user 1001
HALL_PASSWORD=demo1234 check "audit chain intact" 0 hall audit verify --user 9001

# a directory open to others is not a private runtime directory
mkdir -p "$T/open"; chmod 777 "$T/open"
if [ -d "/run/user/$(id -u)" ]; then
	ok "# skip: /run/user/$(id -u) exists (the fallback would be used)"
else
	live=$(sq "$db" "SELECT count(*) FROM sessions")
	XDG_RUNTIME_DIR="$T/open" HALL_PASSWORD=another-pw1 check "no private directory: login refused" 7 hall login --user 1001
	has "no private directory: says so" "$T/err" "XDG_RUNTIME_DIR"
	eq "no private directory: no session left open" "$(sq "$db" "SELECT count(*) FROM sessions")" "$live"
fi
