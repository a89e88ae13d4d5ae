#!/bin/sh
# The cash desk and the work orders on the counter screen, in a real
# terminal emulator: tmux at 80x24 drives `hall counter` on a demo hall.
# A clerk takes a payment (the bills due with their late fees shown before
# the save, the receipt printed after it), reverses another payment with
# the manager typing id and password at the clerk's counter, closes the
# day with the manager's sign-off, and moves a new connection to its next
# stage with the documents ticked; the screen and the store are checked
# at each step.
. "${HALL_TESTS:-tests}/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	ok "tui desk skipped: tmux not installed"
	exit 0
fi

mkdir -p "$T/store" "$T/state"
db=$T/store/hall.db
export TZ=CST-8 HALL_NOW=2026-12-04T02:00:00Z
today=2026-12-04
if ! hall demo --db "$db" --customers 2000 --seed 1 >"$T/demo.out" 2>&1; then
	nok "demo store" "$(head -c 600 "$T/demo.out")"
	exit 0
fi
ok "demo store"
cat > "$T/printer" <<PRINTER
#!/bin/sh
cat >> "$T/printed"
PRINTER
chmod +x "$T/printer"

tm() { tmux -L "hall-desk-$$" "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT INT TERM

start() {
	rm -f "$T/exit"
	tm new-session -d -s desk -x 80 -y 24 \
		"env LC_ALL=C.UTF-8 HALL_LANG=zh TZ=CST-8 HALL_NOW=$HALL_NOW \
		 XDG_STATE_HOME='$T/state' HALL_RECEIPTS='$T/receipts' \
		 HALL_PRINT_COMMAND='$T/printer' \
		 '$HALL_BIN' counter --db '$db' 2>>'$T/stderr'; \
		 echo \$? >'$T/exit'; sleep 10"
}
wait_exit() {
	i=0; while [ ! -f "$T/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
shot() { tm capture-pane -p -t desk >"$T/screen" 2>/dev/null; }
keys() { tm send-keys -t desk "$@"; }
typed() { tm send-keys -t desk -l "$1"; }
wait_for() {
	i=0; max=${2:-150}
	while [ $i -lt "$max" ]; do
		shot
		grep -qF -- "$1" "$T/screen" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
see() {
	if wait_for "$2"; then ok "$1"; else nok "$1" "no '$2' on the screen:" "$(cat "$T/screen")"; fi
}
money() { awk -v f="$1" 'BEGIN { printf "%.2f", f / 100 }'; }

start
see "login screen" "柜台登录"
keys 1001 Tab demo1234 Tab C-u 3 Enter
see "home" "营业员：张敏(1001)    窗口：3"
see "home shows the cash desk key" "F8 收费台：收据、补打、冲正、日清日结"
has "home shows the sync line" "$T/screen" "上次同步："

# ------------------------------------------------------------- payment
# a residential account with overdue bills untouched so far
acct=$(sq "$db" "SELECT c.account_no FROM customers c WHERE c.category = 'residential' AND c.status = 'normal'
  AND EXISTS (SELECT 1 FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid' AND b.due_date < '2026-11-01')
  AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid' AND b.paid_fen > 0)
  AND c.prepaid_fen = 0 ORDER BY c.account_no LIMIT 1")
[ -n "$acct" ] && ok "an account with overdue bills" || nok "an account with overdue bills"
hall bills --db "$db" "$acct" >"$T/bills" 2>&1
total=$(sed -n 's/^合计：.*应缴 \([0-9,.]*\)$/\1/p' "$T/bills")
fee=$(sed -n 's/^合计：.*违约金 \([0-9,.]*\) .*/\1/p' "$T/bills")
keys F5
see "payment form" "金额（元）"
typed "$acct"
keys Tab
see "bills due shown before the save" "应缴电费  $acct"
has "late fees as of today" "$T/screen" "违约金计至 $today"
has "the total due, as hall bills reckons it" "$T/screen" "合计应缴 $total 元（电费"
has "the late fees, as hall bills reckons them" "$T/screen" "违约金 $fee）"
first_bill=$(sed -n '3p' "$T/bills" | awk '{print $1"  "$2}')
has "each bill with its late fee" "$T/screen" "$first_bill"
typed "$(echo "$total" | tr -d ,)"
keys F10
see "payment saved" "缴费  已保存"
has "receipt printed" "$T/screen" "收据已打印"
receipt=$(grep -o 'SF[0-9]*' "$T/screen" | head -n 1)
[ -n "$receipt" ] && ok "receipt number on the screen" || nok "receipt number on the screen" "$(cat "$T/screen")"
fen=$(echo "$total" | tr -d ,. | sed 's/^0*//')
eq "payment in the store" "$(sq "$db" "SELECT account_no || ' ' || amount_fen || ' ' || staff_id || ' ' || counter || ' ' || status FROM payments WHERE receipt_no = '$receipt'")" "$acct $fen 1001 3 ok"
eq "bills of the account settled" "$(sq "$db" "SELECT count(*) FROM bills WHERE account_no = '$acct' AND status <> 'paid'")" "0"
eq "receipt marked printed" "$(sq "$db" "SELECT count(*) FROM receipts WHERE receipt_no = '$receipt' AND copy = 0 AND printed_at IS NOT NULL")" "1"
has "the printer got the receipt" "$T/printed" "$receipt"
[ -f "$T/receipts/$receipt.txt" ] && ok "spool copy kept" || nok "spool copy kept"
keys Enter
see "home counts the payment" "缴费 1"

# ------------------------------------------------------------ reversal
# a second payment, to another account, is reversed
acct2=$(sq "$db" "SELECT account_no FROM customers WHERE status = 'normal' AND account_no <> '$acct' ORDER BY account_no LIMIT 1")
keys F5
see "payment form again" "金额（元）"
typed "$acct2"
keys Tab
typed "5"
keys F10
see "second payment saved" "缴费  已保存"
receipt2=$(grep -o 'SF[0-9]*' "$T/screen" | head -n 1)
keys Enter
keys F8
see "cash desk" "1  收据：查看、补打、冲正"
keys 1
see "receipt by number" "收据顶部的号码"
typed "$receipt2"
keys Enter
see "the receipt as printed" "P   补打收据"
has "the receipt of the second payment" "$T/screen" "户号：$acct2"
keys r
see "reason asked" "冲正原因："
typed "客户要求退回，金额输错"
keys Enter
see "the manager is called over" "请主任在本窗口输入自己的工号和密码"
keys 9001 Tab wrongpass1 Enter
see "wrong password refused" "工号或密码错误"
eq "nothing reversed yet" "$(sq "$db" "SELECT count(*) FROM reversals")" "0"
typed "demo1234"
keys Enter
see "reversed" "已冲正"
has "approved by the manager" "$T/screen" "主任 9001 批准"
eq "payment void in the store" "$(sq "$db" "SELECT status FROM payments WHERE receipt_no = '$receipt2'")" "void"
eq "reversal recorded with the approver and reason" "$(sq "$db" "SELECT r.approver_id || ' ' || r.reason FROM reversals r JOIN payments p ON p.id = r.payment_id WHERE p.receipt_no = '$receipt2'")" "9001 客户要求退回，金额输错"
eq "the first payment untouched" "$(sq "$db" "SELECT status FROM payments WHERE receipt_no = '$receipt'")" "ok"

# --------------------------------------------------------- daily close
keys Escape
see "back to the desk" "1  收据：查看、补打、冲正"
keys 2
see "daily close form" "逐项输入实点金额"
cash=$(money "$fen")
typed "$cash"
for m in card wechat alipay cheque transfer; do keys Tab; typed 0; done
keys F10
see "asks before locking the day" "确定申报吗？"
keys y
see "declared" "状态：已申报，待主任签字"
has "expected cash as the store has it" "$T/screen" "现金"
has "no difference" "$T/screen" "实点与应收相符"
has "receipt range with the reversal" "$T/screen" "收据 $receipt 至 $receipt2，共 2 张；其中冲正 1 张，金额 5.00 元"
eq "close declared in the store" "$(sq "$db" "SELECT status || ' ' || expected_fen || ' ' || (declared_fen - expected_fen) FROM day_closes WHERE staff_id = '1001' AND business_date = '$today'")" "declared $fen 0"
eq "expected cash = the day's cash payments not reversed" "$(sq "$db" "SELECT l.expected_fen FROM day_close_lines l JOIN day_closes d ON d.id = l.close_id WHERE d.staff_id = '1001' AND d.business_date = '$today' AND l.method = 'cash'")" "$(sq "$db" "SELECT sum(amount_fen) FROM payments WHERE staff_id = '1001' AND business_date = '$today' AND status = 'ok' AND method = 'cash'")"
keys Enter
see "sign-off asks the manager" "日结签字：营业日 $today，营业员 1001"
keys 9001 Tab demo1234 Enter
see "signed off" "状态：主任已签字"
eq "close signed in the store" "$(sq "$db" "SELECT status || ' ' || signed_by FROM day_closes WHERE staff_id = '1001' AND business_date = '$today'")" "signed 9001"
keys Escape
see "desk shows the day closed" "已日结（主任已签字），新的缴费记入 2026-12-05"
keys Escape

# ------------------------------------------------- work order: advance
keys F3
see "new connection form" "用电地址"
typed "陈大文"
keys Tab Tab
typed "11010519491231002X"
typed "13912345678"
typed "福州市鼓楼区东街口100号"
keys Tab Enter
typed "居民"
keys Enter Enter
typed "220"
keys Enter
typed "8"
keys Tab Enter
typed "低压居民"
keys Enter F10
see "new connection saved" "申请编号："
ano=$(grep -o 'YK[0-9]*' "$T/screen" | head -n 1)
newacct=$(sq "$db" "SELECT account_no FROM applications WHERE app_no = '$ano'")
keys Enter
keys F2
see "look-up" "客户查询"
typed "$newacct"
keys Enter
see "found" "找到 1 户"
keys Enter
see "customer view" "客户信息"
see "how far the application is" "进度：受理"
has "days used of the limit" "$T/screen" "全程已用 0/5个工作日"
keys Tab Enter
see "work order opened" "工单 $ano  新装（低压居民）"
has "stage path" "$T/screen" "环节：[受理] > 现场勘查"
has "clock shown" "$T/screen" "全程"
has "history shown" "$T/screen" "> 受理"
keys Enter
see "stage form" "新装工单办理"
has "next stage filled in" "$T/screen" "现场勘查"
typed "已收"
keys Enter
typed "已收"
keys Enter F10
see "moved to the survey" "工单 $ano 已办理到「现场勘查」"
see "work order shows the new stage" "环节：受理 > [现场勘查]"
eq "application at survey in the store" "$(sq "$db" "SELECT stage FROM applications WHERE app_no = '$ano'")" "survey"
eq "transition recorded with the documents" "$(sq "$db" "SELECT staff_id || ' ' || counter || ' ' || extras FROM work_events WHERE number = '$ano' AND to_stage = 'survey'")" '1001 3 {"docs":"id,property"}'

# --------------------------------------------------------------- leave
keys Escape Escape Escape
see "home again" "待办工单"
keys Escape
see "quit asked" "退出柜台系统吗？"
keys y
wait_exit
eq "clean exit" "$(cat "$T/exit" 2>/dev/null)" "0"
eq "logout audited" "$(sq "$db" "SELECT count(*) FROM audit WHERE kind = 'logout' AND staff_id = '1001'")" "1"
tm kill-server 2>/dev/null
touch "$T/stderr"
hasnt "no sanitizer or runtime errors" "$T/stderr" "ERROR"
