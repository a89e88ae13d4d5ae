#!/bin/sh
# hall init / user / store opening: paths, versions, permissions, locks.
. "$HALL_TESTS/lib.sh"
db="$T/hall.db"

check "version" 0 hall --version
has "version prints hall" "$T/out" "hall "
check "help lists commands" 0 hall help
has "help names submit" "$T/out" "submit"
check "help submit" 0 hall help submit
has "help submit usage" "$T/out" "hall submit FORM"
check "unknown command" 2 hall frobnicate
has "unknown command message" "$T/err" "frobnicate"

check "no store path: error says how to set one" 2 hall find 张三
has "error names --db and HALL_DB" "$T/err" "HALL_DB"
check "missing store" 7 hall find --db "$T/none.db" 张三
has "missing store says hall init" "$T/err" "hall init"

check "init bad hall code" 2 hall init --db "$db" --hall 12 --name 测试营业厅
[ -e "$db" ] && nok "bad init left a file" || ok "bad init left no file"
check "init" 0 hall init --db "$db" --hall 001 --name 鼓楼供电营业厅
check "init refuses to overwrite" 8 hall init --db "$db" --hall 001 --name 鼓楼供电营业厅
has "overwrite message" "$T/err" "已存在"
eq "WAL mode" "$(sq "$db" 'PRAGMA journal_mode')" "wal"
eq "schema version" "$(sq "$db" 'PRAGMA user_version')" "2"
eq "hall code stored" "$(sq "$db" "SELECT value FROM meta WHERE key='hall_code'")" "001"

export HALL_NEW_PASSWORD=admin-pass-1
check "first user must be admin" 4 hall user add 0001 --name 管理员 --role clerk --db "$db"
check "first admin needs no login" 0 hall user add 0001 --name 管理员 --role admin --db "$db"
eq "password hashed with yescrypt" "$(sq "$db" "SELECT substr(pw_hash,1,3) FROM staff WHERE id='0001'")" '$y$'
HALL_PASSWORD=wrong-password check "second user needs the admin's password" 4 \
	hall user add 1001 --name 张敏 --role clerk --db "$db" --user 0001
has "wrong password message" "$T/err" "工号或密码错误"
HALL_NEW_PASSWORD=clerk-pass-1 HALL_PASSWORD=admin-pass-1 check "admin adds a clerk" 0 \
	hall user add 1001 --name 张敏 --role clerk --db "$db" --user 0001
HALL_NEW_PASSWORD=short HALL_PASSWORD=admin-pass-1 check "short password refused" 2 \
	hall user add 1002 --name 李强 --role clerk --db "$db" --user 0001
has "password rule named" "$T/err" "密码"
HALL_NEW_PASSWORD=clerk-pass-2 HALL_PASSWORD=clerk-pass-1 check "a clerk cannot add users" 4 \
	hall user add 1003 --name 王芳 --role clerk --db "$db" --user 1001
check "user list" 0 hall user list --db "$db"
has "list shows the clerk" "$T/out" "张敏"
hasnt "list never shows hashes" "$T/out" '$y$'

# five wrong passwords lock the account
for i in 1 2 3 4 5; do
	HALL_PASSWORD=bad-password hall user passwd 1001 --db "$db" --user 1001 >/dev/null 2>&1
done
HALL_NEW_PASSWORD=clerk-pass-3 HALL_PASSWORD=clerk-pass-1 check "locked after 5 failures" 4 \
	hall user passwd 1001 --db "$db" --user 1001
has "lock message" "$T/err" "锁定"

# a store from a newer hall is refused
cp "$db" "$T/newer.db"
sq "$T/newer.db" "PRAGMA user_version = 99" >/dev/null
check "newer store refused" 6 hall user list --db "$T/newer.db"
has "newer store message" "$T/err" "更新版本"
check "not a hall store" 6 hall user list --db "$HALL_TESTS/lib.sh"

# configuration: HALL_DB and the configuration file
HALL_DB="$db" check "HALL_DB names the store" 0 hall user list
printf 'db = %s\n' "$db" > "$T/hall.conf"
HALL_CONFIG="$T/hall.conf" check "config file names the store" 0 hall user list
printf 'colour = blue\n' > "$T/bad.conf"
HALL_CONFIG="$T/bad.conf" check "bad config line" 6 hall user list
has "bad config names file and line" "$T/err" "bad.conf:1:"

# a store locked by another writer longer than the timeout
/usr/bin/python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(2)
c.execute("COMMIT")' "$db" "$T/locked" &
while [ ! -e "$T/locked" ]; do sleep 0.05; done
HALL_BUSY_TIMEOUT_MS=200 HALL_NEW_PASSWORD=clerk-pass-9 HALL_PASSWORD=admin-pass-1 \
	check "locked store: clear error after the timeout" 5 \
	hall user passwd 1001 --db "$db" --user 0001
has "busy message" "$T/err" "其他窗口"
wait

# a read-only store (as another Unix user when run as root)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	# a folder the other user can reach; the store stays root's, 0644
	ro=$(mktemp -d /tmp/hall-ro.XXXXXX) && chmod 755 "$ro"
	cp "$db" "$ro/ro.db" && chmod 644 "$ro/ro.db"
	check "read-only store refused" 7 \
		runuser -u nobody -- env HALL_PASSWORD=admin-pass-1 HALL_NEW_PASSWORD=x-pass-long-1 \
		LC_ALL=C.UTF-8 HALL_FORMS="$HALL_FORMS" "$HALL_BIN" user passwd 0001 --db "$ro/ro.db" --user 0001
	has "read-only message" "$T/err" "只读"
	rm -rf "$ro"
else
	mkdir -p "$T/ro" && cp "$db" "$T/ro/ro.db" && chmod 444 "$T/ro/ro.db"
	HALL_PASSWORD=admin-pass-1 check "read-only store refused" 7 \
		hall user passwd 0001 --db "$T/ro/ro.db" --user 0001
	has "read-only message" "$T/err" "只读"
fi
