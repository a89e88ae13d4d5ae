#!/bin/sh
# The cash desk from the command line on a demo hall: hall bills (late fees
# checked against an independent SQL reckoning), hall receipt / reprint
# (spool copy, print command, 重打), hall reverse (approval rules), hall
# close-day (blind declaration, lock, sign-off) and hall reopen-day.
. "$HALL_TESTS/lib.sh"
mkdir -p "$T/store"
db="$T/store/hall.db"
export HALL_DB="$db" TZ=CST-8 HALL_NOW=2026-12-04T02:00:00Z HALL_PASSWORD=demo1234
export HALL_RECEIPTS="$T/receipts"
cat > "$T/printer" <<EOF
#!/bin/sh
cat >> "$T/printed"
EOF
chmod +x "$T/printer"
export HALL_PRINT_COMMAND="$T/printer"
unset HALL_APPROVER_PASSWORD
# business entries (auth adds audit.* entries for every login attempt)
journal() { sq "$db" "SELECT count(*) FROM journal WHERE kind NOT LIKE 'audit.%'"; }

check "demo hall" 0 hall demo --customers 500 --seed 1
today=2026-12-04

# ---------------------------------------------------------------- bills
# a residential account whose unpaid bills are untouched and some overdue
acct=$(sq "$db" "SELECT c.account_no FROM customers c WHERE c.category = 'residential'
  AND EXISTS (SELECT 1 FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid' AND b.due_date < '2026-11-01')
  AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid' AND b.paid_fen > 0)
  AND c.prepaid_fen = 0 ORDER BY c.account_no LIMIT 1")
[ -n "$acct" ] && ok "an account with arrears" || nok "an account with arrears"
# the 1996 rule by hand: 1 per mille a day after the due date, at least 1 yuan, half up
due_sql="SELECT sum(amount_fen + CASE WHEN d > 0 THEN max(100, (amount_fen * d + 500) / 1000) ELSE 0 END)
  FROM (SELECT amount_fen, CAST(julianday('$today') - julianday(due_date) AS INTEGER) AS d
        FROM bills WHERE account_no = '$acct' AND status <> 'paid')"
due_fen=$(sq "$db" "$due_sql")
due_yuan=$(sq "$db" "SELECT printf('%d.%02d', $due_fen / 100, $due_fen % 100)")
check "hall bills" 0 hall bills "$acct"
has "bills: total due with late fees" "$T/out" "应缴 $(printf '%s' "$due_yuan" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')"
for p in $(sq "$db" "SELECT period FROM bills WHERE account_no = '$acct' AND status <> 'paid'"); do
	has "bills: period $p listed" "$T/out" "$p"
done
has "bills: as of today" "$T/out" "违约金计至：$today"
check "hall bills before the due dates" 0 hall bills "$acct" --date 2026-10-01
has "no late fee before the due date" "$T/out" "违约金 0.00"
HALL_LANG=en check "hall bills in English" 0 hall bills "$acct"
has "English header" "$T/out" "Late fees as of"
check "hall bills: unknown account" 3 hall bills 0019999999
check "hall bills: bad date" 2 hall bills "$acct" --date 2026-02-30
has "bad date named" "$T/err" "日期"
check "hall bills: no account" 2 hall bills

# -------------------------------------------------------- pay, receipts
before_bills=$(hall bills "$acct")
amount=$(sq "$db" "SELECT printf('%d.%02d', ($due_fen + 5000) / 100, ($due_fen + 5000) % 100)")
check "payment with over-payment" 0 hall submit payment --user 1001 --counter 2 account_no="$acct" amount="$amount" method=cash tendered=1000
r=$(head -n1 "$T/out")
eq "prepaid is the excess" "$(sq "$db" "SELECT prepaid_fen FROM customers WHERE account_no = '$acct'")" "5000"
eq "all bills paid" "$(sq "$db" "SELECT count(*) FROM bills WHERE account_no = '$acct' AND status <> 'paid'")" "0"
eq "late fees allocated" "$(sq "$db" "SELECT sum(a.late_fee_fen + a.principal_fen) FROM payment_alloc a JOIN payments p ON p.id = a.payment_id WHERE p.receipt_no = '$r'")" "$due_fen"
check "bills after paying" 0 hall bills "$acct"
has "nothing due" "$T/out" "没有未缴账单"
has "prepaid shown" "$T/out" "预存余额：50.00"

check "receipt: the original" 0 hall receipt "$r" --user 1001 --counter 2
has "receipt: 大写" "$T/out" "大写："
has "receipt: number" "$T/out" "$r"
has "receipt: change" "$T/out" "找零："
# 40 columns: every Chinese character counts 2; compare with the stored text width in SQL
eq "receipt: every line 40 columns" "$(sq "$db" "WITH RECURSIVE l(rest, line) AS (SELECT text, '' FROM receipts WHERE receipt_no = '$r' AND copy = 0
  UNION ALL SELECT substr(rest, instr(rest, char(10)) + 1), substr(rest, 1, instr(rest, char(10)) - 1) FROM l WHERE rest <> '')
  SELECT count(*) FROM l WHERE line <> '' AND length(CAST(line AS BLOB)) - (length(CAST(line AS BLOB)) - length(line)) / 2 <> 40")" "0"
[ -f "$HALL_RECEIPTS/$r.txt" ] && ok "receipt: spool copy" || nok "receipt: spool copy"
cmp -s "$HALL_RECEIPTS/$r.txt" "$T/out" && ok "receipt: spool copy is the text" || nok "receipt: spool copy is the text"
cmp -s "$T/printed" "$T/out" && ok "receipt: printed through the command" || nok "receipt: printed through the command"
check "receipt: only once" 1 hall receipt "$r" --user 1001
has "receipt: use reprint" "$T/err" "重打"

n0=$(journal)
check "reprint" 0 hall reprint "$r" --user 1002 --counter 4
has "reprint marked" "$T/out" "重打（第1次）"
has "reprint keeps the original" "$T/out" "$r"
[ -f "$HALL_RECEIPTS/$r-r1.txt" ] && ok "reprint: spool copy" || nok "reprint: spool copy"
eq "reprint recorded" "$(sq "$db" "SELECT copy || ':' || staff_id || ':' || counter FROM receipts WHERE receipt_no = '$r' AND copy > 0")" "1:1002:4"
eq "reprint journaled" "$(sq "$db" "SELECT count(*) FROM journal WHERE kind = 'receipt.reprint'")" "1"
[ "$(journal)" -gt "$n0" ] && ok "journal grew" || nok "journal grew"
HALL_PRINT_COMMAND=/nonexistent/printer check "reprint: printer missing" 7 hall reprint "$r" --user 1001
has "reprint: printer message" "$T/err" "HALL_PRINT_COMMAND"
HALL_RECEIPTS="$T/store/receipts" check "spool inside the store folder refused" 6 hall reprint "$r" --user 1001
[ -d "$T/store/receipts" ] && nok "nothing created in the store folder" || ok "nothing created in the store folder"
check "reprint: unknown receipt" 3 hall reprint SF00199999999 --user 1001
check "reprint: bad receipt number" 2 hall reprint '../../x' --user 1001

# ---------------------------------------------------------------- reverse
n0=$(journal)
check "reverse: no reason" 2 hall reverse --user 1001 --approver 9001 "$r"
check "reverse: no approver" 2 hall reverse --user 1001 "$r" reason=收错
HALL_APPROVER_PASSWORD=wrong-pass check "reverse: wrong manager password" 4 hall reverse --user 1001 --approver 9001 "$r" reason=收错
HALL_APPROVER_PASSWORD=demo1234 check "reverse: a clerk as approver" 4 hall reverse --user 1001 --approver 1002 "$r" reason=收错
has "reverse: clerk refused" "$T/err" "营业员"
HALL_APPROVER_PASSWORD=demo1234 check "reverse: short reason" 2 hall reverse --user 1001 --approver 9001 "$r" reason=x
# the manager who took a payment cannot approve its reversal
acct2=$(sq "$db" "SELECT account_no FROM customers WHERE status = 'normal' AND account_no <> '$acct' ORDER BY account_no DESC LIMIT 1")
check "a manager takes a payment" 0 hall submit payment --user 9001 account_no="$acct2" amount=1.00 method=cash
rm_=$(head -n1 "$T/out")
n0=$(journal)
HALL_APPROVER_PASSWORD=demo1234 check "reverse: the payment's own taker as approver" 4 \
	hall reverse --user 1001 --approver 9001 "$rm_" reason=客户要求退款
has "reverse: taker refused" "$T/err" "收取了这笔缴费"
eq "refusals wrote nothing" "$(journal)" "$n0"
eq "payment still ok" "$(sq "$db" "SELECT status FROM payments WHERE receipt_no = '$r'")" "ok"
HALL_APPROVER_PASSWORD=demo1234 check "reverse" 0 hall reverse --user 1002 --approver 9001 "$r" reason=客户要求退款
eq "payment void, not deleted" "$(sq "$db" "SELECT status FROM payments WHERE receipt_no = '$r'")" "void"
eq "reversal row" "$(sq "$db" "SELECT staff_id || '/' || approver_id || '/' || reason FROM reversals WHERE receipt_no = '$r'")" "1002/9001/客户要求退款"
eq "bills restored" "$(hall bills "$acct")" "$before_bills"
eq "prepaid restored" "$(sq "$db" "SELECT prepaid_fen FROM customers WHERE account_no = '$acct'")" "0"
HALL_APPROVER_PASSWORD=demo1234 check "reverse: not twice" 1 hall reverse --user 1002 --approver 9001 "$r" reason=再冲一次
has "reverse: already reversed" "$T/err" "已冲正"
old=$(sq "$db" "SELECT receipt_no FROM payments WHERE business_date < '$today' AND status = 'ok' ORDER BY id DESC LIMIT 1")
HALL_APPROVER_PASSWORD=demo1234 check "reverse: another day" 1 hall reverse --user 1001 --approver 9001 "$old" reason=隔日冲正
has "reverse: day named" "$T/err" "营业日"
check "reprint of a reversed payment" 0 hall reprint "$r" --user 1001
has "reprint says reversed" "$T/out" "已冲正"

# --------------------------------------------------------------- close-day
other=$(sq "$db" "SELECT account_no FROM customers WHERE status = 'normal' AND account_no <> '$acct' ORDER BY account_no LIMIT 1")
hall submit payment --user 1001 account_no="$other" amount=100.50 method=cash >/dev/null
hall submit payment --user 1001 account_no="$other" amount=20 method=card reference=POS8800001 >/dev/null
hall submit payment --user 1001 account_no="$other" amount=3.05 method=wechat reference=WX8800001 >/dev/null
hall submit payment --user 1002 account_no="$other" amount=7 method=cash >/dev/null
n0=$(journal)
check "close-day: a figure missing" 2 hall close-day --user 1001 cash=100.50 card=20 wechat=3.05 alipay=0 cheque=0
has "close-day: names the method" "$T/err" "转账"
check "close-day: unknown method" 2 hall close-day --user 1001 cash=100.50 card=20 wechat=3.05 alipay=0 cheque=0 transfer=0 bitcoin=1
check "close-day: bad amount" 2 hall close-day --user 1001 cash=100.505 card=20 wechat=3.05 alipay=0 cheque=0 transfer=0
check "close-day: negative amount" 2 hall close-day --user 1001 cash=-1 card=20 wechat=3.05 alipay=0 cheque=0 transfer=0
check "close-day: sign before declaring" 3 hall close-day --sign --user 1001 --approver 9001
eq "refusals wrote nothing" "$(journal)" "$n0"
check "close-day: declare" 0 hall close-day --user 1001 cash=100.00 card=20 wechat=3.05 alipay=0 cheque=0 transfer=0
has "close-day: expected cash" "$T/out" "100.50"
has "close-day: difference" "$T/out" "-0.50"
has "close-day: receipt range" "$T/out" "共 4 张"
has "close-day: reversal counted" "$T/out" "冲正 1 张"
has "close-day: awaiting sign-off" "$T/out" "待主任签字"
eq "close stored" "$(sq "$db" "SELECT expected_fen || '/' || declared_fen || '/' || status FROM day_closes WHERE staff_id = '1001'")" "12355/12305/declared"
eq "close lines" "$(sq "$db" "SELECT group_concat(method || '=' || expected_fen, ' ') FROM (SELECT * FROM day_close_lines ORDER BY rowid)")" "cash=10050 card=2000 wechat=305 alipay=0 cheque=0 transfer=0"
check "close-day: not twice" 1 hall close-day --user 1001 cash=0 card=0 wechat=0 alipay=0 cheque=0 transfer=0
check "payment after the close" 0 hall submit payment --user 1001 account_no="$other" amount=1 method=cash
late=$(head -n1 "$T/out")
eq "booked to the next business day" "$(sq "$db" "SELECT business_date FROM payments WHERE receipt_no = '$late'")" "2026-12-05"
eq "other clerks still today" "$(sq "$db" "SELECT business_date FROM payments WHERE staff_id = '1002' ORDER BY id DESC LIMIT 1")" "$today"
HALL_APPROVER_PASSWORD=demo1234 check "close-day: a clerk cannot sign" 4 hall close-day --sign --user 1001 --approver 1002
HALL_APPROVER_PASSWORD=demo1234 check "close-day: sign-off" 0 hall close-day --sign --user 1001 --approver 9001
has "close-day: signed" "$T/out" "主任已签字"
check "close-day --show" 0 hall close-day --show --user 1001
has "show: signed by" "$T/out" "签字：9001"

check "reopen-day: no reason" 2 hall reopen-day --user 1001 --approver 9001
HALL_APPROVER_PASSWORD=bad-password check "reopen-day: wrong password" 4 hall reopen-day --user 1001 --approver 9001 reason=现金少了五角，重点
HALL_NOW=2026-12-05T02:00:00Z HALL_APPROVER_PASSWORD=demo1234 check "reopen-day: a past day" 1 hall reopen-day --user 1001 --approver 9001 --date 2026-12-04 reason=现金少了五角
has "reopen-day: past day named" "$T/err" "已过去"
check "reopen-day: a day without a close" 3 hall reopen-day --user 1001 --approver 9001 --date 2026-12-03 reason=现金少了五角
HALL_APPROVER_PASSWORD=demo1234 check "reopen-day" 0 hall reopen-day --user 1001 --approver 9001 reason=现金少了五角，重点
eq "reopen recorded" "$(sq "$db" "SELECT status || '/' || reopened_by || '/' || reopen_reason FROM day_closes WHERE staff_id = '1001' AND business_date = '$today'")" "reopened/9001/现金少了五角，重点"
eq "reopen journaled" "$(sq "$db" "SELECT count(*) FROM journal WHERE kind = 'day.reopen'")" "1"
check "payment after reopening" 0 hall submit payment --user 1001 account_no="$other" amount=2 method=cash
eq "booked to today again" "$(sq "$db" "SELECT business_date FROM payments WHERE receipt_no = '$(head -n1 "$T/out")'")" "$today"
HALL_APPROVER_PASSWORD=demo1234 check "close-day and sign in one go" 0 hall close-day --user 1001 --approver 9001 cash=102.50 card=20 wechat=3.05 alipay=0 cheque=0 transfer=0
has "one go: signed" "$T/out" "签字：9001"
eq "two closes kept" "$(sq "$db" "SELECT group_concat(status, ',') FROM (SELECT status FROM day_closes WHERE staff_id = '1001' ORDER BY id)")" "reopened,signed"
eq "signed close has no difference" "$(sq "$db" "SELECT declared_fen - expected_fen FROM day_closes WHERE status = 'signed'")" "0"

# ------------------------------------------------------------------- help
check "help lists the cash desk" 0 hall help
has "help: close-day" "$T/out" "close-day"
has "help: reverse" "$T/out" "reverse"
check "help close-day" 0 hall help close-day
has "help close-day: sign-off" "$T/out" "--sign"
has "help close-day: lock" "$T/out" "next business day"
