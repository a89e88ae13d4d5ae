# sync_scenarios.sh - the sync scenarios, run against one central backend.
# Sourced by tests/t_sync_sqlite.sh and tests/t_sync_pg.sh after lib.sh;
# they define:
#   BACKEND          sqlite | pg
#   ADMIN_URL        the central URL for `hall central init`
#   url_for CODE     the URL hall CODE syncs with
#   cq SQL           run SQL on the central, values '|'-separated
#   C                the central's table prefix ("" or "central.")
#   central_cut      cut the central mid-batch (pg: restart / terminate;
#                    sqlite: hold its write lock past the busy timeout)
# Every check compares exact row counts and money sums on both sides.

export HALL_PASSWORD=demo1234 HALL_LANG=en
helper="$(dirname "$HALL_BIN")/tests/test_sync"
today=$(date +%F)
unset HALL_CENTRAL HALL_SYNC_BATCH HALL_SYNC_PAUSE_MS

db_of() { echo "$T/h$1.db"; }
mk_hall() { # CODE SEED NAME [CUSTOMERS]
	hall demo --db "$(db_of "$1")" --customers "${4:-300}" --seed "$2" --hall "$1" --name "$3" >/dev/null 2>&1
}
# a sync with settings in the environment of the process only
sync_env() { # CODE VAR=VALUE... -- [ARGS]
	c=$1; shift
	env "$@" "$HALL_BIN" sync --db "$(db_of "$c")" --central "$(url_for "$c")"
}
enrol() { HALL_CENTRAL_HALL_PASSWORD="pw-$1" hall central init --central "$ADMIN_URL" --db "$(db_of "$1")"; }
sync_hall() { c=$1; shift; hall sync --db "$(db_of "$c")" --central "$(url_for "$c")" "$@"; }
pay() { # CODE ACCOUNT AMOUNT
	hall submit payment --db "$(db_of "$1")" --user 1001 account_no="$2" amount="$3" method=cash >/dev/null 2>&1
}
unpaid_account() { # CODE N: the Nth account with an unpaid bill
	sq "$(db_of "$1")" "SELECT account_no FROM customers c WHERE status = 'normal' AND EXISTS (SELECT 1
		FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid') ORDER BY account_no LIMIT 1 OFFSET $2"
}
# journal entries | payments | takings (ok) | bills paid | prepaid balances
hall_sums() {
	sq "$(db_of "$1")" "SELECT (SELECT count(*) FROM journal) || '|' || (SELECT count(*) FROM payments)
		|| '|' || (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE status = 'ok')
		|| '|' || (SELECT coalesce(sum(paid_fen), 0) FROM bills)
		|| '|' || (SELECT coalesce(sum(prepaid_fen), 0) FROM customers)"
}
central_sums() {
	cq "SELECT (SELECT count(*) FROM ${C}journal WHERE hall = '$1') || '|' || (SELECT count(*) FROM ${C}payments WHERE hall = '$1')
		|| '|' || (SELECT coalesce(sum(amount_fen), 0) FROM ${C}payments WHERE hall = '$1' AND status = 'ok')
		|| '|' || (SELECT coalesce(sum(paid_fen), 0) FROM ${C}bills WHERE hall = '$1')
		|| '|' || (SELECT coalesce(sum(prepaid_fen), 0) FROM ${C}customers WHERE hall = '$1')"
}
same() { # CODE NAME
	h=$(hall_sums "$1"); c=$(central_sums "$1")
	if [ -n "$h" ] && [ "$h" = "$c" ]; then ok "$2"; else nok "$2" "hall    $h" "central $c"; fi
}
rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }
t0=$(date +%s)
mark() { echo "# $BACKEND [$(( $(date +%s) - t0 ))s] $1"; }

# ------------------------------------------------------------ enrol
for h in 001:11:鼓楼 002:12:台江 003:13:仓山; do
	code=${h%%:*}; rest=${h#*:}; mk_hall "$code" "${rest%%:*}" "${rest#*:}供电营业厅"
done
check "$BACKEND: central init" 0 hall central init --central "$ADMIN_URL"
check "$BACKEND: central init again changes nothing" 0 hall central init --central "$ADMIN_URL"
for code in 001 002 003; do check "$BACKEND: enrol hall $code" 0 enrol $code; done
eq "$BACKEND: three halls known" "$(cq "SELECT count(*) FROM ${C}central_halls")" "3"
eq "$BACKEND: master data seeded, one owner hall each" \
	"$(cq "SELECT count(*), count(DISTINCT hall) FROM ${C}customers")" \
	"$(( $(sq "$(db_of 001)" 'SELECT count(*) FROM customers') + $(sq "$(db_of 002)" 'SELECT count(*) FROM customers') + $(sq "$(db_of 003)" 'SELECT count(*) FROM customers') ))|3"

# ------------------------------------------- business, several halls
mark "business, several halls"
a1=$(unpaid_account 001 0); a2=$(unpaid_account 002 0); a3=$(unpaid_account 003 0)
pay 001 "$a1" 30.00; pay 001 "$(unpaid_account 001 1)" 5000.00   # overpays: prepaid
pay 002 "$a2" 12.34; pay 003 "$a3" 0.01
for code in 001 002 003; do
	check "$BACKEND: hall $code syncs" 0 sync_hall $code
	same $code "$BACKEND: hall $code: journal, payments, takings, bills paid, prepaid equal on both sides"
	check "$BACKEND: hall $code verify agrees" 0 sync_hall $code --verify
done
has "$BACKEND: verify says so" "$T/out" "agree"
eq "$BACKEND: last sync recorded" "$(sq "$(db_of 001)" "SELECT substr(value, 1, 3) FROM meta WHERE key = 'last_sync_result'") $(sq "$(db_of 001)" "SELECT count(*) FROM meta WHERE key IN ('last_sync', 'last_sync_ok')")" "ok: 2"
tot=0; for code in 001 002 003; do tot=$((tot + $(sq "$(db_of $code)" "SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE status = 'ok' AND business_date = '$today'"))); done
eq "$BACKEND: branch takings today = sum of the halls" "$(cq "SELECT coalesce(sum(amount_fen), 0) FROM ${C}payments WHERE status = 'ok' AND business_date = '$today'")" "$tot"

# ---------------------------------------------- a batch sent twice
mark "a batch sent twice"
before=$(central_sums 001); hist=$(cq "SELECT count(*) FROM ${C}central_history")
check "$BACKEND: sync again" 0 sync_hall 001
has "$BACKEND: nothing to send" "$T/out" "pushed 0"
cq "UPDATE ${C}central_cursor SET acked_seq = acked_seq - 40 WHERE hall = '001'" >/dev/null
check "$BACKEND: the last 40 entries sent again (ack lost)" 0 sync_hall 001
has "$BACKEND: they were sent" "$T/out" "pushed 40"
eq "$BACKEND: re-sent batch changes nothing at the central" "$(central_sums 001)" "$before"
same 001 "$BACKEND: both sides still equal"
sync_env 001 HALL_SYNC_BATCH=7 >/dev/null 2>&1
eq "$BACKEND: the cursor is back at the hall's last entry" "$(cq "SELECT acked_seq FROM ${C}central_cursor WHERE hall = '001'")" "$(sq "$(db_of 001)" 'SELECT max(seq) FROM journal')"

# ------------------------------------------------------------- pull
mark "pull"
acc=$(sq "$(db_of 001)" "SELECT account_no FROM customers ORDER BY account_no LIMIT 1 OFFSET 5")
oldphone=$(sq "$(db_of 001)" "SELECT phone FROM customers WHERE account_no = '$acc'")
cq "UPDATE ${C}customers SET phone = '13900000009', updated_at = '${today}T23:00:00Z' WHERE account_no = '$acc'" >/dev/null
bill=$(unpaid_account 001 3)
cq "UPDATE ${C}bills SET paid_fen = amount_fen, status = 'paid' WHERE account_no = '$bill'" >/dev/null
cq "INSERT INTO ${C}bills(account_no, period, kwh, amount_fen, paid_fen, due_date, status, created_at, hall)
	VALUES ('$acc', '2099-01', 120, 6543, 0, '2099-02-25', 'unpaid', '${today}T00:00:00Z', '001')" >/dev/null
cq "INSERT INTO ${C}staff(id, name, role, pw_hash, active, must_change, failed_logins, created_at, updated_at)
	SELECT '2001', '新来的营业员', 'clerk', pw_hash, 1, 0, 0, created_at, '${today}T23:00:00Z' FROM ${C}staff WHERE id = '1001'" >/dev/null
cq "INSERT INTO ${C}ref_data(kind, key, value, updated_at) VALUES ('calendar', '2099', 'year 2099
source 中心库
2099-01-01 off 元旦
', '${today}T00:00:00Z')" >/dev/null
app=$(sq "$(db_of 001)" "SELECT app_no FROM applications WHERE status = 'open' AND stage = 'accept' ORDER BY app_no LIMIT 1")
cq "INSERT INTO ${C}work_updates(hall, kind, number, stage, note, staff_id, at)
	VALUES ('001', 'application', '$app', 'survey', '现场勘查完成', '8001', '${today}T23:30:00Z')" >/dev/null
check "$BACKEND: pull" 0 sync_hall 001
eq "$BACKEND: central's customer data applied" "$(sq "$(db_of 001)" "SELECT phone FROM customers WHERE account_no = '$acc'")" "13900000009"
eq "$BACKEND: the overwritten value kept in history" "$(sq "$(db_of 001)" "SELECT old_value || '>' || new_value || ' ' || source FROM customer_history WHERE account_no = '$acc' AND field = 'phone'")" "$oldphone>13900000009 central"
eq "$BACKEND: bill paid elsewhere" "$(sq "$(db_of 001)" "SELECT count(*) FROM bills WHERE account_no = '$bill' AND status <> 'paid'")" "0"
eq "$BACKEND: new bill from billing" "$(sq "$(db_of 001)" "SELECT amount_fen || ' ' || status FROM bills WHERE account_no = '$acc' AND period = '2099-01'")" "6543 unpaid"
same 001 "$BACKEND: after the pull both sides equal"
check "$BACKEND: a staff account from the central can work" 0 hall submit payment --db "$(db_of 001)" --user 2001 account_no="$acc" amount=1.00 method=cash
eq "$BACKEND: calendar year pulled into the calendar" "$(sq "$(db_of 001)" "SELECT y.status || ' ' || d.kind || ' ' || d.name FROM calendar_years y JOIN calendar_days d ON d.year = y.year WHERE y.year = 2099")" "official off 元旦"
eq "$BACKEND: central work-order update applied" "$(sq "$(db_of 001)" "SELECT stage FROM applications WHERE app_no = '$app'")" "survey"
eq "$BACKEND: and recorded as a work event" "$(sq "$(db_of 001)" "SELECT from_stage || '>' || to_stage || ' ' || note FROM work_events WHERE number = '$app' AND extras LIKE '%central%'")" "accept>survey 现场勘查完成"
sync_hall 001 >/dev/null 2>&1
eq "$BACKEND: nothing applied twice" "$(sq "$(db_of 001)" "SELECT (SELECT count(*) FROM work_events WHERE number = '$app' AND extras LIKE '%central%') || (SELECT count(*) FROM customer_history WHERE account_no = '$acc')")" "11"
same 001 "$BACKEND: after the staff's payment both sides equal"

# ------------------------------ a late fee owed on a bill paid elsewhere
mark "late fee owed on a bill paid elsewhere"
# the central's billing got the principal on 2025-03-27, 30 days after the
# due date, and no late fee: the fee stays due at the hall (residential,
# 1 per mille a day: 30 x 10 = 300 fen), the bill is not 'paid'
lf=$(sq "$(db_of 001)" "SELECT account_no FROM customers WHERE category = 'residential' AND status = 'normal' ORDER BY account_no LIMIT 1 OFFSET 7")
cq "INSERT INTO ${C}bills(account_no, period, kwh, amount_fen, paid_fen, due_date, status, created_at, hall, paid_elsewhere_on)
	VALUES ('$lf', '2025-01', 100, 10000, 10000, '2025-02-25', 'partial', '2025-02-01T00:00:00Z', '001', '2025-03-27')" >/dev/null
check "$BACKEND: pull a bill paid elsewhere with its fee owed" 0 sync_hall 001
eq "$BACKEND: principal paid, fee owed: not 'paid' at the hall" "$(sq "$(db_of 001)" "SELECT paid_fen || ' ' || status FROM bills WHERE account_no = '$lf' AND period = '2025-01'")" "10000 partial"
check "$BACKEND: the counter shows the fee" 0 env HALL_PASSWORD=demo1234 "$HALL_BIN" bills --db "$(db_of 001)" "$lf"
has "$BACKEND: 3.00 late fee due on the 2025-01 bill" "$T/out" "2025-01  2025-02-25            0.00        3.00"
check "$BACKEND: the clerk takes the fee" 0 pay 001 "$lf" 3.00
eq "$BACKEND: fee paid: the bill is 'paid'" "$(sq "$(db_of 001)" "SELECT status FROM bills WHERE account_no = '$lf' AND period = '2025-01'")" "paid"
check "$BACKEND: sync after the fee" 0 sync_hall 001
eq "$BACKEND: and stays 'paid' after the next pull" "$(sq "$(db_of 001)" "SELECT status FROM bills WHERE account_no = '$lf' AND period = '2025-01'")" "paid"
same 001 "$BACKEND: after the fee both sides equal"
# the same bill had its fee paid online too (a central record): settled
cq "INSERT INTO ${C}bills(account_no, period, kwh, amount_fen, paid_fen, due_date, status, created_at, hall, paid_elsewhere_on, fee_paid_elsewhere_fen)
	VALUES ('$lf', '2025-02', 100, 10000, 10000, '2025-03-25', 'paid', '2025-03-01T00:00:00Z', '001', '2025-04-24', 300)" >/dev/null
check "$BACKEND: pull a bill paid elsewhere with its fee" 0 sync_hall 001
eq "$BACKEND: principal and fee paid elsewhere: 'paid'" "$(sq "$(db_of 001)" "SELECT status FROM bills WHERE account_no = '$lf' AND period = '2025-02'")" "paid"
# bad outside-payment data: refused, naming the bill, nothing applied
cq "UPDATE ${C}customers SET phone = '13911110000', updated_at = '2099-03-01T00:00:00Z' WHERE account_no = '$lf'" >/dev/null
cq "UPDATE ${C}bills SET paid_elsewhere_on = '2025-02-30' WHERE account_no = '$lf' AND period = '2025-02'" >/dev/null
check "$BACKEND: a bill with a bad outside date is refused" 11 sync_hall 001
has "$BACKEND: the error names the bill" "$T/err" "$lf 2025-02"
eq "$BACKEND: nothing of that pull applied" "$(sq "$(db_of 001)" "SELECT count(*) FROM customers WHERE phone = '13911110000'")" "0"
cq "UPDATE ${C}bills SET paid_elsewhere_on = '2025-03-20' WHERE account_no = '$lf' AND period = '2025-02'" >/dev/null
check "$BACKEND: once the central mends it the pull completes" 0 sync_hall 001
eq "$BACKEND: and everything of it is applied" "$(sq "$(db_of 001)" "SELECT count(*) FROM customers WHERE phone = '13911110000'")" "1"

# ------------- the central's bill status follows the hall's rule: 'paid'
# only when the principal and the late fee are both settled
mark "the central's bill status: principal and late fee"
cs=$(sq "$(db_of 001)" "SELECT account_no FROM customers WHERE category = 'residential' AND status = 'normal' ORDER BY account_no LIMIT 1 OFFSET 9")
bst() { echo "$(sq "$(db_of 001)" "SELECT status FROM bills WHERE account_no = '$cs' AND period = '2025-03'") $(cq "SELECT status FROM ${C}bills WHERE account_no = '$cs' AND period = '2025-03'")"; }
cq "INSERT INTO ${C}bills(account_no, period, kwh, amount_fen, paid_fen, due_date, status, created_at, hall)
	VALUES ('$cs', '2025-03', 100, 10000, 0, '2025-04-25', 'unpaid', '2025-03-01T00:00:00Z', '001')" >/dev/null
check "$BACKEND: pull an overdue bill" 0 sync_hall 001
# billing receives the principal 30 days late (a fee of 3.00 owed); before
# the hall hears of it, the customer pays 1.00 there: late fee only
cq "UPDATE ${C}bills SET paid_fen = 10000, paid_elsewhere_on = '2025-05-25', status = 'partial'
	WHERE account_no = '$cs' AND period = '2025-03'" >/dev/null
check "$BACKEND: 1.00 of late fee at the hall" 0 pay 001 "$cs" 1.00
check "$BACKEND: sync it" 0 sync_hall 001
eq "$BACKEND: principal paid, 2.00 of fee owed: 'partial' at the hall and at the central" "$(bst)" "partial partial"
check "$BACKEND: the hall shows the fee left" 0 env HALL_PASSWORD=demo1234 "$HALL_BIN" bills --db "$(db_of 001)" "$cs"
has "$BACKEND: 2.00 late fee due on the 2025-03 bill" "$T/out" "2025-03  2025-04-25            0.00        2.00"
check "$BACKEND: the clerk takes the rest of the fee" 0 pay 001 "$cs" 2.00
check "$BACKEND: sync the fee" 0 sync_hall 001
eq "$BACKEND: fee settled: 'paid' at the hall and at the central" "$(bst)" "paid paid"
same 001 "$BACKEND: after the fees both sides equal"

# --------------- one payment covering 140 overdue bills (more than any
# fixed window or array of shares): every bill reaches the central, paid,
# with the hall's verdict (principal and late fee settled)
mark "one payment of 140 overdue bills"
mb=$(sq "$(db_of 001)" "SELECT account_no FROM customers WHERE category = 'residential' AND status = 'normal' ORDER BY account_no LIMIT 1 OFFSET 11")
vals=""; y=2014; m=1; i=0
while [ $i -lt 140 ]; do
	per=$(printf '%04d-%02d' $y $m)
	vals="$vals${vals:+,}('$mb', '$per', 10, 1000, 0, '$per-25', 'unpaid', '$per-01T00:00:00Z', '001')"
	m=$((m + 1)); [ $m -gt 12 ] && { m=1; y=$((y + 1)); }
	i=$((i + 1))
done
cq "INSERT INTO ${C}bills(account_no, period, kwh, amount_fen, paid_fen, due_date, status, created_at, hall) VALUES $vals" >/dev/null
check "$BACKEND: pull 140 overdue bills" 0 sync_hall 001
eq "$BACKEND: the hall has them unpaid" "$(sq "$(db_of 001)" "SELECT count(*) FROM bills WHERE account_no = '$mb' AND period < '2025-09' AND status = 'unpaid' AND amount_fen = 1000")" 140
check "$BACKEND: one payment covers them all, with their late fees" 0 pay 001 "$mb" 48000.00
eq "$BACKEND: all 140 'paid' at the hall" "$(sq "$(db_of 001)" "SELECT count(*) FROM bills WHERE account_no = '$mb' AND period < '2025-09' AND status = 'paid'")" 140
check "$BACKEND: sync the payment" 0 sync_hall 001
eq "$BACKEND: all 140 paid at the central, to the fen" "$(cq "SELECT count(*) || ' ' || sum(paid_fen) FROM ${C}bills WHERE account_no = '$mb' AND period < '2025-09' AND status = 'paid'")" "140 140000"
eq "$BACKEND: the prepaid rest at the central equals the hall's" "$(cq "SELECT prepaid_fen FROM ${C}customers WHERE account_no = '$mb'")" "$(sq "$(db_of 001)" "SELECT prepaid_fen FROM customers WHERE account_no = '$mb'")"
same 001 "$BACKEND: after the 140-bill payment both sides equal"

# ------------------- a payment reversed after the central acknowledged it
mark "reversal after acknowledgement"
rv=$(unpaid_account 001 5)
pay 001 "$rv" 20.00
rr=$(sq "$(db_of 001)" "SELECT receipt_no FROM payments ORDER BY id DESC LIMIT 1")
check "$BACKEND: the payment is pushed and acknowledged" 0 sync_hall 001
before=$(hall_sums 001)
paid0=$(sq "$(db_of 001)" "SELECT sum(paid_fen) FROM bills WHERE account_no = '$rv'")
check "$BACKEND: reversed at the hall" 0 env HALL_PASSWORD=demo1234 HALL_APPROVER_PASSWORD=demo1234 \
	"$HALL_BIN" reverse --db "$(db_of 001)" --user 1002 --approver 9001 "$rr" reason=收错户号
paid1=$(sq "$(db_of 001)" "SELECT sum(paid_fen) || ' ' || (SELECT prepaid_fen FROM customers WHERE account_no = '$rv') FROM bills WHERE account_no = '$rv'")
# the central's billing touches the account meanwhile: its rows come back
kw0=$(sq "$(db_of 001)" "SELECT sum(kwh) FROM bills WHERE account_no = '$rv'")
cq "UPDATE ${C}bills SET kwh = kwh + 1 WHERE account_no = '$rv'" >/dev/null
cq "UPDATE ${C}customers SET updated_at = updated_at WHERE account_no = '$rv'" >/dev/null
check "$BACKEND: a pull before the reversal is pushed" 0 sync_hall 001 --only pull
eq "$BACKEND: the touched bills came back" "$(sq "$(db_of 001)" "SELECT sum(kwh) - $kw0 = count(*) FROM bills WHERE account_no = '$rv'")" "1"
eq "$BACKEND: the reversed payment does not count as paid again" "$(sq "$(db_of 001)" "SELECT sum(paid_fen) || ' ' || (SELECT prepaid_fen FROM customers WHERE account_no = '$rv') FROM bills WHERE account_no = '$rv'")" "$paid1"
if [ "${paid1%% *}" -lt "$paid0" ]; then ok "$BACKEND: the reversal took money off the bills"; else nok "$BACKEND: the reversal took money off" "$paid0 -> $paid1"; fi
check "$BACKEND: then the reversal is pushed" 0 sync_hall 001
same 001 "$BACKEND: after the reversal both sides equal"

# ------------------------- rules and calendar from the central take effect
mark "rules and calendar from the central"
cq "INSERT INTO ${C}ref_data(kind, key, value, updated_at) VALUES
	('rule:deadline', 'complaint/*/reply', '{\"start_stage\":\"accept\",\"stop_stage\":\"reply\",\"pause_stages\":\"\",\"amount\":9,\"unit\":\"workdays\",\"note\":\"中心库：9个工作日内答复\"}', '${today}T01:00:00Z'),
	('rule:change', 'suspend/min_days/2030-01-01', '{\"value\":20,\"note\":\"中心库\"}', '${today}T01:00:00Z'),
	('calendar', '2030', 'year 2030
status official
source 中心库下发
2030-01-01 off 元旦
2030-01-02 off 中心库测试假日
', '${today}T01:00:00Z')" >/dev/null
check "$BACKEND: pull the rules and the calendar" 0 sync_hall 001
eq "$BACKEND: the deadline rule is in the hall's table" "$(sq "$(db_of 001)" "SELECT amount || ' ' || unit FROM deadline_rules WHERE wo_kind = 'complaint' AND subtype = '*' AND clock = 'reply'")" "9 workdays"
eq "$BACKEND: the change rule too" "$(sq "$(db_of 001)" "SELECT value FROM change_rules WHERE change_type = 'suspend' AND rule = 'min_days' AND effective_from = '2030-01-01'")" "20"
eq "$BACKEND: the 2030 calendar is the hall's" "$(sq "$(db_of 001)" "SELECT count(*) FROM calendar_days WHERE year = 2030")" "2"
env TZ=CST-8 HALL_NOW=2030-01-01T01:00:00Z HALL_PASSWORD=demo1234 "$HALL_BIN" submit complaint --db "$(db_of 001)" --user 1001 \
	kind=complaint name=王先生 phone=13800138000 category=business content=答复期限测试 >"$T/c.out" 2>&1
cn=$(head -n 1 "$T/c.out")
check "$BACKEND: a complaint taken on 2030-01-01" 0 env TZ=CST-8 HALL_NOW=2030-01-01T02:00:00Z HALL_PASSWORD=demo1234 "$HALL_BIN" show "$cn" --db "$(db_of 001)"
# 9 working days after 2030-01-01, with 01-02 off: 01-15 (5 days and the
# weekday rule would give 01-08)
has "$BACKEND: its reply is due after 9 working days of the pulled calendar" "$T/out" "start 2030-01-01 09:00  due 2030-01-15 23:59"
# a bad rule row: the error names it and nothing of that pull is applied
cq "INSERT INTO ${C}ref_data(kind, key, value, updated_at) VALUES
	('rule:setting', 'repeat_window_days', '45', '${today}T02:00:00Z'),
	('rule:deadline', 'complaint/*/contact', '{\"start_stage\":\"accept\",\"stop_stage\":\"handle\",\"amount\":24,\"unit\":\"fortnights\"}', '${today}T02:00:00Z')" >/dev/null
check "$BACKEND: a bad rule from the central is refused" 11 sync_hall 001
has "$BACKEND: the error names the row" "$T/err" "rule:deadline complaint/*/contact"
has "$BACKEND: and what is wrong" "$T/err" "fortnights"
eq "$BACKEND: nothing of that pull applied (the good setting neither)" "$(sq "$(db_of 001)" "SELECT value FROM work_settings WHERE key = 'repeat_window_days'") $(sq "$(db_of 001)" "SELECT count(*) FROM ref_data WHERE kind = 'rule:setting'")" "30 0"
cq "UPDATE ${C}ref_data SET value = '{\"start_stage\":\"accept\",\"stop_stage\":\"handle\",\"amount\":12,\"unit\":\"hours\"}' WHERE kind = 'rule:deadline' AND key = 'complaint/*/contact'" >/dev/null
check "$BACKEND: mended at the central, the pull completes" 0 sync_hall 001
eq "$BACKEND: both rows applied" "$(sq "$(db_of 001)" "SELECT value FROM work_settings WHERE key = 'repeat_window_days'") $(sq "$(db_of 001)" "SELECT amount || unit FROM deadline_rules WHERE wo_kind = 'complaint' AND clock = 'contact'")" "45 12hours"

# a clerk's contact edit travels to the central, which keeps the old value
env HALL_NOW="${today}T23:30:00Z" "$helper" contact-edit "$(db_of 001)" "$acc" 13611112222
check "$BACKEND: push a contact edit" 0 sync_hall 001
eq "$BACKEND: central applied the newer edit" "$(cq "SELECT phone FROM ${C}customers WHERE account_no = '$acc'")" "13611112222"
eq "$BACKEND: central history has the old value" "$(cq "SELECT old_value || '>' || new_value || ' ' || source FROM ${C}central_history WHERE account_no = '$acc'")" "13900000009>13611112222 hall:001"
eq "$BACKEND: the hall kept its edit" "$(sq "$(db_of 001)" "SELECT phone FROM customers WHERE account_no = '$acc'")" "13611112222"
# an older edit loses: the central's value comes back to the hall
cq "UPDATE ${C}customers SET phone = '13700000007', updated_at = '2099-01-01T00:00:00Z' WHERE account_no = '$acc'" >/dev/null
"$helper" contact-edit "$(db_of 001)" "$acc" 13522223333
check "$BACKEND: push an older contact edit" 0 sync_hall 001
eq "$BACKEND: central keeps its newer value; the hall gets it back" "$(cq "SELECT phone FROM ${C}customers WHERE account_no = '$acc'") $(sq "$(db_of 001)" "SELECT phone FROM customers WHERE account_no = '$acc'")" "13700000007 13700000007"

# ---------------------------------------------------- restored hall
mark "restored hall"
sq "$(db_of 002)" ".backup '$T/h002.backup'"
pay 002 "$(unpaid_account 002 1)" 20.00
check "$BACKEND: business after the backup is synced" 0 sync_hall 002
lost=$(( $(sq "$(db_of 002)" 'SELECT count(*) FROM journal') - $(sq "$T/h002.backup" 'SELECT count(*) FROM journal') ))
rm -f "$(db_of 002)" "$(db_of 002)-wal" "$(db_of 002)-shm"; cp "$T/h002.backup" "$(db_of 002)"
check "$BACKEND: a restored store without a new epoch is refused" 11 sync_hall 002
has "$BACKEND: saying why" "$T/err" "new epoch"
eq "$BACKEND: new epoch" "$("$helper" new-epoch "$(db_of 002)")" "2"
pay 002 "$(unpaid_account 002 2)" 33.00
check "$BACKEND: the restored hall syncs" 0 sync_hall 002
has "$BACKEND: and says the central holds what it lost" "$T/err" "$lost earlier journal entries"
eq "$BACKEND: central keeps both epochs (same seq numbers, new epoch)" \
	"$(cq "SELECT count(*) FROM ${C}journal WHERE hall = '002' AND epoch = 1") $(cq "SELECT count(*) FROM ${C}journal WHERE hall = '002' AND epoch = 2")" \
	"$(( $(sq "$(db_of 002)" 'SELECT count(*) FROM journal WHERE epoch = 1') + lost )) $(sq "$(db_of 002)" 'SELECT count(*) FROM journal WHERE epoch = 2')"
eq "$BACKEND: the lost payment's money is at the central and back at the hall" \
	"$(sq "$(db_of 002)" 'SELECT sum(paid_fen) FROM bills') $(sq "$(db_of 002)" 'SELECT sum(prepaid_fen) FROM customers')" \
	"$(cq "SELECT sum(paid_fen) FROM ${C}bills WHERE hall = '002'") $(cq "SELECT sum(prepaid_fen) FROM ${C}customers WHERE hall = '002'")"
check "$BACKEND: verify reports the entries only the central has" 12 sync_hall 002 --verify
has "$BACKEND: as a journal difference" "$T/out" "journal"

# ----------------------------------------------------- faults, codes
mark "faults, codes"
mk_hall 009 19 马尾供电营业厅
check "$BACKEND: a hall the central does not know" 11 hall sync --db "$(db_of 009)" --central "$ADMIN_URL"
has "$BACKEND: says which" "$T/err" "does not know"
check "$BACKEND: no central configured" 6 hall sync --db "$(db_of 009)"
has "$BACKEND: says how to configure it" "$T/err" "HALL_CENTRAL"
check "$BACKEND: HALL_CENTRAL is used" 0 env HALL_CENTRAL="$(url_for 001)" "$HALL_BIN" sync --db "$(db_of 001)"
flock -o "$(db_of 001).sync-lock" sleep 3 &
lockpid=$!
sleep 0.3
check "$BACKEND: a second sync exits" 15 sync_hall 001
has "$BACKEND: saying another runs" "$T/err" "another sync"
kill "$lockpid" 2>/dev/null; wait "$lockpid" 2>/dev/null
cq "UPDATE ${C}meta SET value = '99' WHERE key = 'sync_schema_version'" >/dev/null
check "$BACKEND: central schema newer" 13 sync_hall 001
has "$BACKEND: upgrade this hall" "$T/err" "newer"
cq "UPDATE ${C}meta SET value = '0' WHERE key = 'sync_schema_version'" >/dev/null
check "$BACKEND: central schema older" 13 sync_hall 001
has "$BACKEND: upgrade the central" "$T/err" "older"
eq "$BACKEND: the failure is on the home screen" "$(sq "$(db_of 001)" "SELECT substr(value, 1, 7) FROM meta WHERE key = 'last_sync_result'")" "schema:"
check "$BACKEND: central init upgrades it" 0 hall central init --central "$ADMIN_URL"
check "$BACKEND: then the hall syncs" 0 sync_hall 001

# a batch the central refuses: the error names the entry, the rest waits
mk_hall 008 18 晋安供电营业厅; enrol 008 >/dev/null 2>&1
acc8=$(unpaid_account 008 0)
pid8=$(sq "$(db_of 008)" "SELECT max(id) FROM payments")
sq "$(db_of 008)" "INSERT INTO journal(hall, epoch, kind, tbl, row_id, payload, staff_id, counter, at)
	VALUES ('008', 1, 'payment.alloc', 'payment_alloc', $pid8,
	'{\"payment_id\":$pid8,\"bill_id\":99999,\"principal_fen\":100,\"prepaid_fen\":0,\"account_no\":\"$acc8\",\"bill_period\":\"1999-01\"}',
	'1001', 1, '${today}T01:00:00Z')"
badseq=$(sq "$(db_of 008)" "SELECT max(seq) FROM journal")
pay 008 "$acc8" 10.00
check "$BACKEND: a refused entry" 11 sync_env 008 HALL_SYNC_BATCH=50
has "$BACKEND: the error names the entry" "$T/err" "008/1/$badseq"
has "$BACKEND: and the bill" "$T/err" "1999-01"
eq "$BACKEND: everything before it landed, nothing after" "$(cq "SELECT acked_seq FROM ${C}central_cursor WHERE hall = '008'") $(cq "SELECT count(*) FROM ${C}journal WHERE hall = '008' AND seq >= $badseq")" "$((badseq - 1)) 0"

# --------------------------------------- the central cut mid-batch
mark "the central cut mid-batch"
mk_hall 007 17 连江供电营业厅; enrol 007 >/dev/null 2>&1
sync_env 007 HALL_SYNC_BATCH=10 HALL_SYNC_PAUSE_MS=30 >"$T/cut.out" 2>"$T/cut.err" &
spid=$!
sleep 0.6
central_cut
wait "$spid"; got=$?
if [ "$got" -eq 10 ]; then ok "$BACKEND: a cut central: central unreachable (10)"; else nok "$BACKEND: a cut central: central unreachable (10)" "exit $got" "$(cat "$T/cut.err")"; fi
mid=$(cq "SELECT coalesce(max(acked_seq), 0) FROM ${C}central_cursor WHERE hall = '007'")
total=$(sq "$(db_of 007)" 'SELECT max(seq) FROM journal')
if [ "$mid" -gt 0 ] && [ "$mid" -lt "$total" ]; then ok "$BACKEND: it was cut mid-way ($mid of $total)"; else nok "$BACKEND: it was cut mid-way" "$mid of $total"; fi
sleep 1
check "$BACKEND: the next sync completes" 0 sync_hall 007
same 007 "$BACKEND: after the cut both sides equal"

# ------------------------------------------ kill -9 at random points
mark "kill -9 at random points"
for code in 004 005 006; do mk_hall $code 1$code 福清$code 900; enrol $code >/dev/null 2>&1; done
# work for the pulls too: the central changes half of each hall's customers
cq "UPDATE ${C}customers SET phone = '1380000' || substr(account_no, length(account_no) - 3), updated_at = '${today}T23:59:00Z'
	WHERE hall IN ('004', '005', '006') AND CAST(substr(account_no, length(account_no)) AS INTEGER) % 2 = 1" >/dev/null
changed=$(cq "SELECT count(*) FROM ${C}customers WHERE hall IN ('004', '005', '006') AND phone LIKE '1380000%'")
# the first runs are killed while pushing; the last quarter while pulling
# (after a push that ran to its end).  Counted are the runs the kill hit
# (the sync still running); a sync that finished first does not count, and
# the next waits less.  Every third run the hall takes a payment first, so
# there is always something to push.
kills=${SYNC_KILLS:-50}; i=0; landed=0; early=0; mid=0; inpull=0; span=550
while [ $landed -lt $kills ] && [ $i -lt $((kills * 2)) ]; do
	code=$(printf '00%d' $((4 + i % 3)))
	[ $((i % 3)) -eq 0 ] && pay $code "$(unpaid_account $code $((i / 3)))" 1.23
	a0=$(cq "SELECT coalesce(max(acked_seq), 0) FROM ${C}central_cursor WHERE hall = '$code'")
	only=""
	if [ $landed -ge $((kills - kills / 4)) ]; then
		only="--only pull"
		"$HALL_BIN" sync --db "$(db_of $code)" --central "$(url_for $code)" --only push >/dev/null 2>&1
	fi
	# env execs hall: $! is the sync itself
	env HALL_SYNC_BATCH=5 HALL_SYNC_PAUSE_MS=8 "$HALL_BIN" sync --db "$(db_of $code)" --central "$(url_for $code)" $only >/dev/null 2>&1 &
	spid=$!
	ms=$(( 20 + $(rnd) % span ))
	[ -n "$only" ] && ms=$(( 5 + $(rnd) % 150 ))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
	if kill -9 "$spid" 2>/dev/null; then
		landed=$((landed + 1)); [ -n "$only" ] && inpull=$((inpull + 1))
	else
		early=$((early + 1)); [ $span -gt 90 ] && span=$((span * 2 / 3))
	fi
	wait "$spid" 2>/dev/null
	a1=$(cq "SELECT coalesce(max(acked_seq), 0) FROM ${C}central_cursor WHERE hall = '$code'")
	[ "$a1" -gt "$a0" ] && [ "$a1" -lt "$(sq "$(db_of $code)" 'SELECT max(seq) FROM journal')" ] && mid=$((mid + 1))
	i=$((i + 1))
done
echo "# $BACKEND: $landed kill -9 in $i runs: $mid killed mid-push, $inpull killed while pulling; $early finished before the kill"
eq "$BACKEND: $kills syncs killed -9 at random points" "$landed" "$kills"
if [ "$mid" -ge $((kills / 3)) ]; then ok "$BACKEND: kills landed mid-push ($mid of $kills)"; else nok "$BACKEND: kills landed mid-push" "$mid of $kills"; fi
if [ "$inpull" -ge 2 ]; then ok "$BACKEND: kills landed while pulling ($inpull)"; else nok "$BACKEND: kills landed while pulling" "$inpull"; fi
for code in 004 005 006; do
	check "$BACKEND: hall $code completes after the kills" 0 sync_hall $code
	same $code "$BACKEND: hall $code after kills: both sides equal"
	eq "$BACKEND: hall $code: every entry exactly once" "$(cq "SELECT count(*), count(DISTINCT seq) FROM ${C}journal WHERE hall = '$code'")" \
		"$(sq "$(db_of $code)" "SELECT count(*) || '|' || count(*) FROM journal")"
done
hist=0; for code in 004 005 006; do hist=$((hist + $(sq "$(db_of $code)" "SELECT count(*) FROM customer_history WHERE field = 'phone' AND source = 'central'"))); done
eq "$BACKEND: each central change applied once, its old value kept once" "$hist" "$changed"

# -------------------------------------------------------- done when
mark "done when"
# four halls took business today, one sync was killed halfway above; all
# sync, verify, and the central's day agrees with the sum of the halls
pay 004 "$(unpaid_account 004 0)" 88.88
tot=0; nt=0
for code in 001 003 004 007; do
	check "$BACKEND: final sync $code" 0 sync_hall $code
	check "$BACKEND: final verify $code" 0 sync_hall $code --verify
	tot=$((tot + $(sq "$(db_of $code)" "SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE status = 'ok' AND business_date = '$today'")))
	nt=$((nt + $(sq "$(db_of $code)" "SELECT count(*) FROM payments WHERE business_date = '$today'")))
done
eq "$BACKEND: branch day at the central = sum of the four halls, to the fen" \
	"$(cq "SELECT count(*) || ' ' || coalesce(sum(CASE WHEN status = 'ok' THEN amount_fen END), 0) FROM ${C}payments WHERE business_date = '$today' AND hall IN ('001', '003', '004', '007')")" "$nt $tot"
mark "end"
