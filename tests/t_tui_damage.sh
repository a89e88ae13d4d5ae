#!/bin/sh
# The counter screen on a damaged store (issue #8, health.h), in tmux at
# 80x24: the store check runs in the background after the login screen;
# the damage it finds shows a banner (call the administrator; the
# administrator's steps with the paths) and turns the counter read-only:
# a payment is refused with the message and nothing is written, look-up
# still finds customers.  The damage is marked beside the store, so the
# next start shows the banner at once.  A sound store shows no banner.
. "${HALL_TESTS:-tests}/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	ok "tui damage skipped: tmux not installed"
	exit 0
fi

mkdir -p "$T/store" "$T/backups" "$T/d"
good=$T/store/good.db
state=$T/state
mkdir -p "$state"
if ! hall demo --db "$good" --customers 2000 --seed 1 >"$T/demo.out" 2>&1; then
	nok "demo store" "$(head -c 600 "$T/demo.out")"
	exit 0
fi
HALL_LANG=en hall backup --db "$good" --to "$T/backups/b1.db" >/dev/null 2>&1
backup=$(cd "$T/backups" && pwd)/b1.db
db=$T/d/hall.db
cp "$good" "$db"
dbfull=$(cd "$T/d" && pwd)/hall.db
# every leaf page of the payments table overwritten, as a failing disk would
for p in $(sq "$db" "SELECT pageno FROM dbstat WHERE name = 'payments' AND pagetype = 'leaf'"); do
	dd if=/dev/urandom of="$db" bs=4096 seek=$((p - 1)) count=1 conv=notrunc 2>/dev/null
done
payments_before=$(sq "$good" "SELECT count(*) FROM journal")

tm() { tmux -L "hall-dmg-$$" "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT INT TERM

start() { # DB
	rm -f "$T/exit"
	tries=0
	until tm new-session -d -s dmg -x 80 -y 24 \
		"env LC_ALL=C.UTF-8 HALL_LANG=zh XDG_STATE_HOME='$state' \
		 HALL_RECEIPTS='$T/receipts' HALL_PRINT_COMMAND=none \
		 '$HALL_BIN' counter --db '$1' 2>>'$T/stderr'; \
		 echo \$? >'$T/exit'; sleep 10" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -ge 10 ] && break
		sleep 0.3
	done
}
stop() {
	tm kill-server 2>/dev/null
	sleep 0.3
}
wait_exit() {
	i=0; while [ ! -f "$T/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
shot() { tm capture-pane -p -t dmg >"$T/screen" 2>/dev/null; }
# the screen as one line, the banner's wrapped lines joined
flat() { shot; tr -d '\n' <"$T/screen" | tr -s ' ' >"$T/flat"; }
keys() { tm send-keys -t dmg "$@"; }
typed() { tm send-keys -t dmg -l "$1"; }
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

clerk="数据库已损坏，已改为只读：只能查询，不能保存。请通知系统管理员。"

# ------------------------------------------ first start: the check finds it
start "$db"
see "login screen" "柜台登录"
see "the background check finds the damage: banner" "$clerk"
see "  says what it found" "数据库检查发现损坏：本窗口已改为只读"
flat
has "  the administrator's steps: hall check with the store's path" "$T/flat" "管理员：让各窗口退出 hall，运行 hall check --db"
# paths wrap across banner lines: compare without the line breaks
tr -d ' ' <"$T/flat" >"$T/flat2"
has "  the store's path" "$T/flat2" "hallcheck--db$dbfull"
has "  hall restore from the latest backup, with the paths" "$T/flat2" "hallrestore--from$backup--db$dbfull"
has "  the login screen is still there" "$T/screen" "柜台登录"
[ -f "$db-damaged" ] && ok "  the store is marked damaged" || nok "  the store is marked damaged"
has "  by the counter's check" "$db-damaged" "by=counter"

keys 1001 Tab demo1234 Tab
keys C-u
keys 3 Enter
see "the clerk can log in" "营业员：张敏(1001)    窗口：3"
has "  the banner stays on every screen" "$T/screen" "$clerk"

acc=$(sq "$good" "SELECT account_no FROM customers WHERE status = 'normal' ORDER BY account_no LIMIT 1")
keys F5
see "payment form" "金额（元）"
typed "$acc"
keys Tab
typed "12.50"
keys F10
sleep 0.5
shot
if grep -q "已保存" "$T/screen"; then nok "a payment is refused" "$(cat "$T/screen")"; else ok "a payment is refused"; fi
has "  with the message on the status line" "$T/screen" "$clerk"
hasnt "  no receipt number" "$T/screen" "收据号"
eq "  nothing written to the store" "$(sq "$db" "SELECT count(*) FROM journal")" "$payments_before"
keys Escape
sleep 0.3
shot
grep -qF "放弃" "$T/screen" && keys y

frag=$(sq "$good" "SELECT substr(name, 1, 2) FROM customers WHERE status = 'normal' AND length(name) >= 3 ORDER BY account_no LIMIT 1")
keys F2
see "look-up screen" "客户查询"
typed "$frag"
keys Enter
see "look-up still finds customers by '$frag'" "找到"
has "  the results show the fragment" "$T/screen" "$frag"
keys Escape
see "back home" "待办工单"
keys Escape
see "quit question" "退出柜台系统吗？"
keys y
wait_exit
eq "clean exit" "$(cat "$T/exit" 2>/dev/null)" "0"
stop

# --------------------------------- next start: known at once, no check
start "$db"
see "next start: the banner at once" "$clerk"
hasnt "  without a new check" "$T/screen" "数据库检查发现损坏"
has "  on the login screen" "$T/screen" "柜台登录"
stop

# ------------------------------------------------ a sound store: no banner
start "$good"
see "sound store: login screen" "柜台登录"
sleep 1.5
shot
hasnt "  no banner after its check" "$T/screen" "数据库已损坏"
[ -f "$good-damaged" ] && nok "  not marked" || ok "  not marked"
stop
