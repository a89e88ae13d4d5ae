#!/bin/sh
# make demo: create the demo hall store (once) and open the counter on it.
# The store lives in demo/hall.db beside the sources; delete the folder to
# start again.
hall=${1:-build/hall}
top=$(pwd)
export HALL_FORMS="$top/forms" LC_ALL=${LC_ALL:-C.UTF-8}
db="$top/demo/hall.db"
mkdir -p "$top/demo"
if [ ! -e "$db" ]; then
	"$hall" demo --db "$db" --customers "${DEMO_CUSTOMERS:-20000}" --seed 1 >/dev/null || exit 1
fi
# the embedded central store beside the demo hall, so hall sync works with
# nothing else running
central="sqlite:$top/demo/central.db"
if [ ! -e "$top/demo/central.db" ]; then
	"$hall" central init --central "$central" --db "$db" >/dev/null || exit 1
fi
export HALL_CENTRAL="$central"
if [ -t 0 ] && [ -t 1 ]; then
	echo "打开窗口界面：工号 1001（营业员）或 9001（主任），密码 demo1234；F1 帮助，Esc 返回"
	echo "Opening the counter: staff 1001 (clerk) or 9001 (manager), password demo1234; F1 help, Esc back"
	sleep 1
	exec "$hall" counter --db "$db"
fi
cat <<MSG
演示库 / demo store: $db
没有终端，不打开窗口界面。试一试命令行 / No terminal, so no counter screen. Try the CLI:
  export HALL_DB=$db HALL_PASSWORD=demo1234 HALL_CENTRAL=$central
  $hall find 建国
  $hall submit payment --user 1001 account_no=0010000001 amount=100.00 method=cash
  $hall sync
  $hall help
MSG
