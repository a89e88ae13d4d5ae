#!/bin/sh
# hall submit / find / forms / import: the counter from the command line,
# with the same validation the TUI uses; bad input writes nothing.
. "$HALL_TESTS/lib.sh"
db="$T/hall.db"
export HALL_DB="$db"
hall init --hall 001 --name 鼓楼供电营业厅 >/dev/null 2>&1
HALL_NEW_PASSWORD=admin-pass-1 hall user add 0001 --name 管理员 --role admin >/dev/null 2>&1
HALL_NEW_PASSWORD=demo1234 HALL_PASSWORD=admin-pass-1 hall user add 1001 --name 张敏 --role clerk --user 0001 >/dev/null 2>&1
export HALL_PASSWORD=demo1234
sub() { hall submit "$@" --user 1001 --counter 3; }
journal() { sq "$db" "SELECT count(*) FROM journal"; }
# what a refused action must leave alone: the business tables
business() { sq "$db" "SELECT (SELECT count(*) || '/' || total(amount_fen) FROM payments) || ' ' ||
	(SELECT count(*) FROM applications) || ' ' || (SELECT count(*) FROM changes) || ' ' ||
	(SELECT count(*) FROM complaints) || ' ' || (SELECT count(*) || '/' || total(paid_fen) FROM bills) || ' ' ||
	(SELECT count(*) || '/' || total(prepaid_fen) FROM customers) || ' ' ||
	(SELECT count(*) FROM journal WHERE tbl <> 'audit' AND kind NOT LIKE 'auth.%' AND kind NOT LIKE 'login%')"; }

cat > "$T/customers.csv" <<'CSV'
account_no,name,id_type,id_number,phone,address,category,voltage,capacity,tariff_form,status
0010000001,王建国,resident_id,350102198001011233,13800138000,福建省福州市鼓楼区华林路88号融侨花园3栋2单元501室,residential,220v,8,single,normal
0010000002,"福州市鼓楼区示范餐饮有限公司",uscc,91350100M000100Y43,0591-87654321,福建省福州市鼓楼区五四路100号,commercial,380v,50,single,normal
0010000003,林秀英,resident_id,350102199202294561,13912345678,福建省福州市鼓楼区东街口1号,residential,220v,4,single,closed
CSV
HALL_PASSWORD=admin-pass-1 check "import customers" 0 hall import customers "$T/customers.csv" --user 0001
cat > "$T/bills.csv" <<'CSV'
account_no,period,kwh,amount,due_date
0010000001,2026-09,200,105.66,2099-10-25
0010000001,2026-10,180,95.09,2099-11-25
0010000002,2026-10,3000,2100.00,2099-11-25
CSV
HALL_PASSWORD=admin-pass-1 check "import bills" 0 hall import bills "$T/bills.csv" --user 0001
eq "customers loaded" "$(sq "$db" 'SELECT count(*) FROM customers')" "3"
eq "bills loaded in fen" "$(sq "$db" 'SELECT sum(amount_fen) FROM bills')" "230075"

# ---------------------------------------------------------------- good
before=$(journal)
check "payment" 0 sub payment account_no=0010000001 amount=150.00 method=cash tendered=200
receipt=$(head -n1 "$T/out")
case "$receipt" in SF001[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ok "receipt number format";; *) nok "receipt number format" "$receipt";; esac
eq "payment stored in fen" "$(sq "$db" "SELECT amount_fen, tendered_fen, change_fen, counter, staff_id FROM payments WHERE receipt_no='$receipt'")" "15000|20000|5000|3|1001"
eq "oldest bill paid first" "$(sq "$db" "SELECT group_concat(status || ':' || paid_fen, ' ') FROM (SELECT * FROM bills WHERE account_no='0010000001' ORDER BY period)")" "paid:10566 partial:4434"
eq "allocation recorded" "$(sq "$db" "SELECT sum(principal_fen) FROM payment_alloc a JOIN payments p ON p.id=a.payment_id WHERE receipt_no='$receipt'")" "15000"
after=$(journal)
[ "$after" -gt "$before" ] && ok "payment journaled" || nok "payment journaled" "$before -> $after"
eq "journal keyed by hall and epoch" "$(sq "$db" "SELECT DISTINCT hall || '/' || epoch FROM journal")" "001/1"
eq "journal carries the row" "$(sq "$db" "SELECT json_extract(payload,'\$.receipt_no') FROM journal WHERE kind='payment.create'")" "$receipt"

check "overpayment becomes prepaid" 0 sub payment account_no=0010000001 amount=100 method=wechat reference=WX20261204001
eq "prepaid balance" "$(sq "$db" "SELECT prepaid_fen FROM customers WHERE account_no='0010000001'")" "$((10000 - 9509 + 4434))"
eq "two receipts numbered 1 and 2" "$(sq "$db" "SELECT group_concat(substr(receipt_no,-1)) FROM payments")" "1,2"

check "new connection" 0 sub new-connection name=陈志明 id_type=resident_id id_number=350103197511307896 \
	phone=13700001111 address="福建省福州市鼓楼区杨桥路6号" category=residential voltage=220v capacity=8 kind=lv_residential
app=$(sed -n 1p "$T/out"); acct=$(sed -n 2p "$T/out")
case "$app" in YK001[0-9]*) ok "application number";; *) nok "application number" "$app";; esac
eq "new account number continues the hall's series" "$acct" "0010000004"
eq "account created as connecting" "$(sq "$db" "SELECT status FROM customers WHERE account_no='$acct'")" "connecting"
# a series counter behind the accounts that exist (rows that came by sync):
# the next free number is used, never a collision
sq "$db" "UPDATE seq SET value = 2 WHERE name = 'account'"
check "new connection after a counter fell behind" 0 sub new-connection name=陈志华 id_type=resident_id id_number=350103197511307896 \
	phone=13700001112 address="福建省福州市鼓楼区杨桥路8号" category=residential voltage=220v capacity=8 kind=lv_residential
eq "taken numbers skipped" "$(sed -n 2p "$T/out")" "0010000005"

check "complaint by a passer-by" 0 sub complaint name=路人甲 phone=13600002222 kind=complaint category=service channel=hall content="窗口排队太久，没有人引导"
cmp=$(head -n1 "$T/out")
case "$cmp" in TS001[0-9]*) ok "complaint number";; *) nok "complaint number" "$cmp";; esac
check "second complaint by the same phone" 0 sub complaint name=路人甲 phone=13600002222 kind=complaint category=business channel=hall content="再次投诉"
eq "repeat complaint flagged" "$(sq "$db" "SELECT group_concat(repeat_flag) FROM complaints ORDER BY id")" "0,1"

check "business change" 0 sub change account_no=0010000002 change_type=suspend start_date=2026-12-10 end_date=2027-01-31 transformers=1
case "$(head -n1 "$T/out")" in BG001[0-9]*) ok "change number";; *) nok "change number" "$(cat "$T/out")";; esac

check "SQL text is stored verbatim" 0 sub complaint name="'; DROP TABLE customers; --" phone=13600003333 kind=suggestion channel=hall content="'; DROP TABLE customers; --"
eq "stored verbatim" "$(sq "$db" "SELECT name FROM complaints WHERE phone='13600003333'")" "'; DROP TABLE customers; --"
eq "customers still there" "$(sq "$db" 'SELECT count(*) FROM customers')" "5"


# ---------------------------------------------------------------- bad
bad() { # NAME FIELD-OR-TEXT args...: exit 2, message names it, nothing written
	name=$1; text=$2; shift 2
	n0=$(business)
	check "$name: refused" 2 sub "$@"
	has "$name: message names the field" "$T/err" "$text"
	eq "$name: nothing written" "$(business)" "$n0"
}
bad "wrong ID check digit" "证件号码" new-connection name=陈 id_type=resident_id id_number=350103197511307890 \
	phone=13700001111 address=某地 category=residential capacity=8 kind=lv_residential
bad "impossible birth date" "证件号码" new-connection name=陈 id_type=resident_id id_number=350103197502307891 \
	phone=13700001111 address=某地 category=residential capacity=8 kind=lv_residential
bad "wrong USCC check" "证件号码" new-connection name=某公司 id_type=uscc id_number=91350100M000100Y44 \
	phone=13700001111 address=某地 category=commercial capacity=8 kind=lv_nonresidential
bad "over-precise amount" "金额" payment account_no=0010000001 amount=12.345 method=cash
bad "negative amount" "金额" payment account_no=0010000001 amount=-5 method=cash
bad "zero amount" "金额" payment account_no=0010000001 amount=0 method=cash
bad "amount over the limit" "金额" payment account_no=0010000001 amount=50000.01 method=cash
bad "impossible date" "日期" change account_no=0010000002 change_type=suspend start_date=2026-02-30 end_date=2026-03-31 transformers=1
long=$(printf '张%.0s' $(seq 1 61))
bad "overlong name (characters, not bytes)" "户名" new-connection name="$long" id_type=resident_id id_number=350103197511307896 \
	phone=13700001111 address=某地 category=residential capacity=8 kind=lv_residential
bad "invalid UTF-8" "内容" complaint name=甲 phone=13600002222 kind=enquiry channel=hall content="$(printf 'bad \377\376 bytes')"
bad "control characters" "姓名" complaint name="$(printf 'A\033[2J')" phone=13600002222 kind=enquiry channel=hall content=x
bad "unknown choice key" "付款方式" payment account_no=0010000001 amount=1 method=bitcoin
has "unknown choice lists the valid keys" "$T/err" "wechat"
bad "non-existent account" "户号" payment account_no=0019999999 amount=1 method=cash
bad "closed account" "户号" payment account_no=0010000003 amount=1 method=cash
bad "reference missing for a card" "凭证号" payment account_no=0010000001 amount=1 method=card
bad "bad phone" "电话" complaint name=甲 phone=12345 kind=enquiry channel=hall content=x
check "unknown field" 2 sub payment account_no=0010000001 amount=1 method=cash colour=red
has "unknown field lists valid fields" "$T/err" "account_no"
check "unknown form" 2 sub refund account_no=0010000001
has "unknown form lists the forms" "$T/err" "payment"
HALL_LANG=en check "English messages" 2 sub payment account_no=0010000001 amount=12.345 method=cash
has "English message" "$T/err" "decimal"

# ---------------------------------------------------------------- find
check "find by account" 0 hall find 0010000001
has "account found" "$T/out" "王建国"
has "phone masked" "$T/out" "138****8000"
hasnt "full phone not shown" "$T/out" "13800138000"
check "find by phone" 0 hall find 13800138000
has "phone found" "$T/out" "0010000001"
check "find by phone tail" 0 hall find 8000
has "tail found" "$T/out" "王建国"
check "find by ID" 0 hall find 350102198001011233
has "ID found" "$T/out" "王建国"
check "find by two Chinese characters of a name" 0 hall find 建国
has "name fragment found" "$T/out" "0010000001"
check "find by address fragment" 0 hall find 融侨花园
has "address fragment found" "$T/out" "王建国"
check "find by two fragments" 0 hall find 华林 501
has "both fragments found" "$T/out" "王建国"
check "find nothing" 1 hall find 不存在的人
check "one character is too short" 2 hall find 王
has "too short message" "$T/err" "至少"

# ---------------------------------------------------------------- forms
check "forms list" 0 hall forms list
has "forms list payment" "$T/out" "payment"
check "forms show payment" 0 hall forms show payment
has "show lists method keys" "$T/out" "alipay"
check "forms check shipped" 0 hall forms check "$HALL_FORMS"
mkdir -p "$T/forms" && cp "$HALL_FORMS"/*.form "$T/forms/"
printf 'form payment\ntitle 缴费\naction payment\nfield amount\n  type moneyy\n' > "$T/forms/payment.form"
check "forms check broken" 6 hall forms check "$T/forms"
has "file:line message" "$T/err" "payment.form:5:"
check "hall refuses to start on a broken form" 6 hall submit payment --forms "$T/forms" account_no=0010000001 amount=1 --user 1001

# an administrator adds a field: no recompile
cp "$HALL_FORMS"/*.form "$T/forms/"
cat >> "$T/forms/payment.form" <<'FORM'

field payer_name
  label 缴费人 | Payer
  type text
  length 0 20
  help 代缴时填写缴费人姓名 | Who paid, when not the customer
FORM
check "extra field accepted" 0 hall submit payment --forms "$T/forms" account_no=0010000001 amount=1 method=cash payer_name=李四 --user 1001
r=$(head -n1 "$T/out")
eq "extra field stored in extras" "$(sq "$db" "SELECT json_extract(extras,'\$.payer_name') FROM payments WHERE receipt_no='$r'")" "李四"
