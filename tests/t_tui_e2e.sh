#!/bin/sh
# The counter screen in a real terminal emulator: tmux at 80x24 drives
# `hall counter` on a demo store with send-keys and reads the screen back
# with capture-pane.  A clerk logs in, finds a customer by a Chinese name
# fragment, takes a payment, registers a complaint, starts a new connection
# and a business change, all typed in Chinese; the screen and the store are
# both checked.  Then: resize below 80x24 and back, and a closed terminal
# (SIGHUP) that keeps the form in progress as a draft offered at the next
# login.
. "${HALL_TESTS:-tests}/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	ok "tui e2e skipped: tmux not installed"
	exit 0
fi

# the store in a folder of its own: receipts are spooled outside it
mkdir -p "$T/store"
db=$T/store/e2e.db
rm -f "$db" "$db"-*
state=$T/state
mkdir -p "$state"
if ! hall demo --db "$db" --customers 2000 --seed 1 >"$T/demo.out" 2>&1; then
	nok "demo store" "$(head -c 600 "$T/demo.out")"
	exit 0
fi
ok "demo store"

tm() { tmux -L "hall-e2e-$$" "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT INT TERM

# start [TERM]: the counter in a fresh tmux server (tmux's own TERM by
# default).
start() {
	rm -f "$T/exit"
	term=${1:+TERM=$1}
	# a server just killed may still be going away: try again shortly
	tries=0
	until tm new-session -d -s e2e -x 80 -y 24 \
		"env LC_ALL=C.UTF-8 HALL_LANG=zh XDG_STATE_HOME='$state' $term \
		 HALL_RECEIPTS='$T/receipts' HALL_PRINT_COMMAND=none \
		 '$HALL_BIN' counter --db '$db' 2>>'$T/stderr'; \
		 echo \$? >'$T/exit'; sleep 10" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -ge 10 ] && break
		sleep 0.3
	done
}
wait_exit() {
	i=0; while [ ! -f "$T/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
shot() { tm capture-pane -p -t e2e >"$T/screen" 2>/dev/null; }
keys() { tm send-keys -t e2e "$@"; }
typed() { tm send-keys -t e2e -l "$1"; }
# wait_for TEXT [tenths]: until the screen shows TEXT (default 15 s).
wait_for() {
	i=0; max=${2:-150}
	while [ $i -lt "$max" ]; do
		shot
		grep -qF -- "$1" "$T/screen" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# see NAME TEXT: a check that the screen comes to show TEXT.
see() {
	if wait_for "$2"; then ok "$1"; else nok "$1" "no '$2' on the screen:" "$(cat "$T/screen")"; fi
}

start
see "login screen" "柜台登录"
keys 1001 Tab demo1234 Tab
keys C-u
keys 3 Enter
see "home screen after login" "营业员：张敏(1001)    窗口：3"
has "bottom bar" "$T/screen" "F1帮助 F2查询 F3新装 F4变更 F5缴费 F6投诉 F7工单 F10保存 Esc返回"
see "work list on the home screen" "待办工单"

# Look-up by a Chinese name fragment (two characters of a real name).
frag=$(sq "$db" "SELECT substr(name, 1, 2) FROM customers WHERE status = 'normal' AND length(name) >= 3 ORDER BY account_no LIMIT 1")
keys F2
see "look-up screen" "客户查询"
typed "$frag"
keys Enter
see "look-up finds customers by '$frag'" "找到"
has "results show the fragment" "$T/screen" "$frag"
keys Enter
see "customer view" "客户信息"
if grep -qE '[0-9]{6}\*{8}[0-9]{3}[0-9X]' "$T/screen"; then ok "ID number masked"; else
	nok "ID number masked" "$(cat "$T/screen")"; fi
keys Escape Escape
see "back home" "待办工单"

# Payment.
acc=$(sq "$db" "SELECT account_no FROM customers WHERE status = 'normal' ORDER BY account_no LIMIT 1")
keys F5
see "payment form" "金额（元）"
typed "$acc"
keys Tab
typed "12.50"
keys F10
see "payment saved" "缴费  已保存"
has "receipt number shown" "$T/screen" "收据号："
has "amount in words" "$T/screen" "壹拾贰元伍角"
has "receipt printed after the save" "$T/screen" "收据已打印"
receipt=$(grep -o 'SF[0-9]*' "$T/screen" | head -n 1)
eq "payment in the store" "$(sq "$db" "SELECT account_no || ' ' || amount_fen || ' ' || counter FROM payments WHERE receipt_no = '$receipt'")" "$acc 1250 3"
keys Enter
see "home counts the payment" "缴费 1"

# Complaint, typed in Chinese.
keys F6
see "complaint form" "诉求内容"
typed "$acc"
keys Tab Tab
typed "王小明"
keys Tab
typed "13800138000"
keys Enter
typed "营业"
keys Enter Tab Tab
typed "营业员态度不好，要求道歉"
keys F10
see "complaint saved" "已保存"
cno=$(grep -o 'TS[0-9]*' "$T/screen" | head -n 1)
eq "complaint in the store" "$(sq "$db" "SELECT name || ' ' || phone || ' ' || category FROM complaints WHERE complaint_no = '$cno'")" "王小明 13800138000 business"
keys Enter

# New connection.
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
eq "application in the store" "$(sq "$db" "SELECT name || ' ' || kind FROM applications WHERE app_no = '$ano'")" "陈大文 lv_residential"
keys Enter

# Business change: move the meter.
keys F4
see "change form" "变更类型"
typed "$acc"
keys Tab Enter
typed "移表"
keys Enter
see "conditional field appears" "新地址"
typed "福州市鼓楼区五四路2号"
keys F10
see "change saved" "变更单号："
bno=$(grep -o 'BG[0-9]*' "$T/screen" | head -n 1)
eq "change in the store" "$(sq "$db" "SELECT account_no || ' ' || change_type FROM changes WHERE change_no = '$bno'")" "$acc move_meter"
keys Enter

# Too small, then back.
tm resize-window -t e2e -x 60 -y 20 2>/dev/null || tm resize-pane -t e2e -x 60 -y 20
see "too-small screen" "终端窗口太小"
tm resize-window -t e2e -x 80 -y 24 2>/dev/null || tm resize-pane -t e2e -x 80 -y 24
see "recovers at 80x24" "营业员：张敏(1001)"

# Esc answers at once: the quit question appears.
keys Escape
see "Esc on home asks to quit" "退出柜台系统吗？"
keys n

# A closed terminal keeps the form in progress.
keys F5
see "payment form again" "金额（元）"
typed "$acc"
sleep 0.3
tm kill-server
sleep 1
eq "draft kept after SIGHUP" "$(sq "$db" "SELECT count(*) FROM drafts WHERE staff_id = '1001'")" "1"
start
see "login again" "柜台登录"
keys 1001 Tab demo1234 Enter
see "draft offered" "继续填写吗？"
keys Enter
see "draft restored" "$acc"
keys Escape y
see "discarded, home" "待办工单"
keys Escape y
wait_exit
eq "clean exit" "$(cat "$T/exit" 2>/dev/null)" "0"
tm kill-server 2>/dev/null

# Other terminal types: function keys and Esc work, monochrome included.
for t in vt100 linux screen-256color xterm-256color; do
	start "$t"
	see "$t: login screen" "柜台登录"
	keys 1001 Tab demo1234 Enter
	see "$t: home" "营业员：张敏(1001)"
	keys F5
	see "$t: F5 opens the payment" "金额（元）"
	keys Escape Escape y
	wait_exit
	eq "$t: clean exit" "$(cat "$T/exit" 2>/dev/null)" "0"
	tm kill-server 2>/dev/null
done
touch "$T/stderr"
hasnt "no sanitizer or runtime errors" "$T/stderr" "ERROR"
