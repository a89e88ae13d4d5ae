#!/bin/sh
# t_branch.sh - the done-when of issue 7 with issue 6's branch-wide sheet:
# four demo halls take business on the same day (payments, a reversal,
# complaints, new connections through `hall submit` and `hall reverse`),
# enrol in one embedded central (sqlite:), one hall's sync is killed with
# SIGKILL while it is pushing, every hall syncs again, `hall sync --verify`
# is clean for each, and the branch-wide daily sheet exported from the
# central (`hall export daily --db central.db`), read back with openpyxl
# (/usr/bin/python3), agrees with SQL on each hall's own store to the fen:
# per hall and in total, on the Summary and in the journal.
. "$HALL_TESTS/lib.sh"
PY=/usr/bin/python3
export HALL_PASSWORD=demo1234 HALL_APPROVER_PASSWORD=demo1234 TZ=Asia/Shanghai
unset HALL_LANG HALL_CENTRAL HALL_SYNC_BATCH HALL_SYNC_PAUSE_MS HALL_NOW
today=$(date +%F)
mkdir -p "$T/store" "$T/xl"   # exports never go into a store's folder
CDB="$T/store/central.db"
CURL="sqlite:$CDB"
db_of() { echo "$T/store/h$1.db"; }
HALLS="001 002 003 004"
unpaid() { # CODE N: the Nth account with an unpaid bill
	sq "$(db_of "$1")" "SELECT account_no FROM customers c WHERE status = 'normal' AND EXISTS (SELECT 1
		FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid') ORDER BY account_no LIMIT 1 OFFSET $2"
}
pay() { # CODE CLERK ACCOUNT AMOUNT METHOD [FIELD=VALUE]: prints the receipt number
	hall submit payment --db "$(db_of "$1")" --user "$2" account_no="$3" amount="$4" method="$5" $6 2>/dev/null | head -n1
}

# ------------------------------------------------ four halls, one central
check "central init" 0 hall central init --central "$CURL"
i=0
for code in $HALLS; do
	i=$((i + 1))
	check "hall $code: demo store" 0 hall demo --db "$(db_of $code)" --customers 200 --seed $((30 + i)) \
		--hall $code --name "福州第${i}供电营业厅"
	check "hall $code: enrolled" 0 hall central init --central "$CURL" --db "$(db_of $code)"
done

# ------------------------------------------------ the same day's business
for code in $HALLS; do
	d=$(db_of $code)
	r1=$(pay $code 1001 "$(unpaid $code 0)" 30.00 cash)
	r2=$(pay $code 1002 "$(unpaid $code 1)" 123.45 wechat reference=WX$code)
	r3=$(pay $code 1003 "$(unpaid $code 2)" 0.01 card reference=POS$code)
	[ -n "$r1" ] && [ -n "$r2" ] && [ -n "$r3" ] && ok "hall $code: three payments" || nok "hall $code: three payments" "$r1 $r2 $r3"
	check "hall $code: a complaint" 0 hall submit complaint --db "$d" --user 1001 name=路人$code phone=13600002222 \
		kind=complaint category=service channel=hall content="窗口排队太久，没有人引导"
	check "hall $code: a new connection" 0 hall submit new-connection --db "$d" --user 1002 name=陈志明 \
		id_type=resident_id id_number=350103197511307896 phone=13700001111 address="福建省福州市鼓楼区杨桥路6号" \
		category=residential voltage=220v capacity=8 kind=lv_residential
	case $code in 002|003)
		check "hall $code: a reversal, approved by the manager" 0 hall reverse --db "$d" --user 1002 --approver 9001 "$r2" reason=金额输错;;
	esac
done

# ------------------------------------------- one sync killed mid-push
# hall 003 pushes its journal in batches of 5 with a pause between them;
# it is killed once the central has acknowledged some but not all
kill_code=003
last=$(sq "$(db_of $kill_code)" "SELECT max(seq) FROM journal")
mid=0; tries=0
while [ $mid -eq 0 ] && [ $tries -lt 8 ]; do
	tries=$((tries + 1))
	env HALL_SYNC_BATCH=5 HALL_SYNC_PAUSE_MS=20 "$HALL_BIN" sync --db "$(db_of $kill_code)" --central "$CURL" >/dev/null 2>&1 &
	spid=$!
	# wait for the first acknowledged batch, then kill at once
	w=0
	while [ $w -lt 300 ]; do
		a=$(sqlite3 -batch -noheader "$CDB" ".timeout 2000" "SELECT coalesce(max(acked_seq), 0) FROM central_cursor WHERE hall = '$kill_code'" 2>/dev/null)
		[ -n "$a" ] && [ "$a" -gt 0 ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.02; w=$((w + 1))
	done
	kill -9 "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	a=$(sqlite3 -batch -noheader "$CDB" ".timeout 2000" "SELECT coalesce(max(acked_seq), 0) FROM central_cursor WHERE hall = '$kill_code'")
	[ "$a" -gt 0 ] && [ "$a" -lt "$last" ] && mid=1
done
if [ $mid -eq 1 ]; then ok "hall $kill_code: sync killed mid-push ($a of $last entries acknowledged, try $tries)"
else nok "hall $kill_code: sync killed mid-push" "acked $a of $last after $tries tries"; fi

# ---------------------------------------------------- all sync, verify
for code in $HALLS; do
	check "hall $code: syncs" 0 hall sync --db "$(db_of $code)" --central "$CURL"
done
for code in $HALLS; do
	check "hall $code: sync --verify is clean" 0 hall sync --db "$(db_of $code)" --central "$CURL" --verify
	eq "hall $code: every journal entry at the central exactly once" \
		"$(sq "$CDB" "SELECT count(*) || '|' || count(DISTINCT epoch || '/' || seq) FROM journal WHERE hall = '$code'")" \
		"$(sq "$(db_of $code)" "SELECT count(*) || '|' || count(*) FROM journal")"
done

# ------------------------------------------ the branch-wide daily sheet
# only the branch's own accounts log in at the central (README): its first
# admin, then a branch manager and a branch clerk, made at the central
check "a hall's manager cannot log in at the central" 4 hall export daily --db "$CDB" --user 9001 -o "$T/xl/hall-mgr.xlsx"
check "the branch's first admin" 0 env HALL_NEW_PASSWORD=branch-admin-1 "$HALL_BIN" user add B0 --name 分公司管理员 --role admin --db "$CDB"
check "a branch manager" 0 env HALL_PASSWORD=branch-admin-1 HALL_NEW_PASSWORD=branch-mgr-1 \
	"$HALL_BIN" user add B9001 --name 分公司主任 --role manager --db "$CDB" --user B0
check "a branch clerk" 0 env HALL_PASSWORD=branch-admin-1 HALL_NEW_PASSWORD=branch-clk-1 \
	"$HALL_BIN" user add B1001 --name 分公司营业员 --role clerk --db "$CDB" --user B0
check "a clerk cannot export from the central" 4 env HALL_PASSWORD=branch-clk-1 "$HALL_BIN" export daily --db "$CDB" --user B1001 -o "$T/xl/clerk.xlsx"
has "the clerk is told why" "$T/err" "主任"
export HALL_PASSWORD=branch-mgr-1
check "the branch-wide daily sheet" 0 hall export daily --db "$CDB" --user B9001 --date "$today" -o "$T/xl/branch.xlsx"
# each hall's own figures, from its own store: code|payments ok|takings|voided|voided fen|reversal rows|feedback|applications
want=""
for code in $HALLS; do
	want="$want$(sq "$(db_of $code)" "SELECT '$code|' || (SELECT count(*) FROM payments WHERE business_date = '$today' AND status = 'ok')
		|| '|' || (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE business_date = '$today' AND status = 'ok')
		|| '|' || (SELECT count(*) FROM payments WHERE business_date = '$today' AND status = 'void')
		|| '|' || (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE business_date = '$today' AND status = 'void')
		|| '|' || (SELECT count(*) FROM reversals WHERE business_date = '$today')
		|| '|' || (SELECT count(*) FROM complaints WHERE business_date = '$today')
		|| '|' || (SELECT count(*) FROM applications WHERE business_date = '$today')") "
done
tot=$(echo "$want" | tr ' ' '\n' | awk -F'|' 'NF { for (i = 2; i <= NF; i++) s[i] += $i } END { printf "total"; for (i = 2; i <= 8; i++) printf "|%d", s[i]; print "" }')
cat >"$T/branch.py" <<'PYEOF'
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
halls = sys.argv[2].split()
fen = lambda v: round((v or 0) * 100)
# Summary: the per-hall table (first table of the sheet)
ws = wb["汇总"]
rows = list(ws.iter_rows(values_only=True))
head = next(i for i, r in enumerate(rows) if r[0] == "营业厅编码")
h = rows[head]
col = {name: h.index(name) for name in ("缴费笔数", "实收合计", "冲正笔数", "冲正金额", "诉求登记", "新装受理")}
out = {}
for r in rows[head + 1:]:
    if r[0] is None:
        break
    key = "total" if r[0] == "合计" else r[0]
    out[key] = [r[col["缴费笔数"]], fen(r[col["实收合计"]]), r[col["冲正笔数"]], fen(r[col["冲正金额"]])]
    out[key] += [r[col["诉求登记"]], r[col["新装受理"]]]
# the journal: per hall (last column), rows by status
js = wb["收费明细"]
jrows = list(js.iter_rows(min_row=3, values_only=True))
jh = jrows[0]
hc, sc, ac = jh.index("营业厅"), jh.index("状态"), jh.index("金额（元）")
jour = {}
for r in jrows[1:]:
    if r[hc] not in halls:
        continue
    j = jour.setdefault(r[hc], [0, 0, 0, 0, 0])
    if r[sc] == "正常":
        j[0] += 1; j[1] += fen(r[ac])
    elif r[sc] == "已冲正":
        j[2] += 1; j[3] += fen(r[ac])
    elif r[sc] == "冲正":
        j[4] += 1
for k in halls + ["total"]:
    s = out.get(k, ["-"] * 6)
    if k == "total":
        j = [sum(jour.get(x, [0] * 5)[i] for x in halls) for i in range(5)]
    else:
        j = jour.get(k, [0] * 5)
    # code|payments|takings|voided|voided fen|reversal rows|feedback|applications, summary and journal
    print("%s|%d|%d|%d|%d|%d|%d|%d" % (k, s[0], s[1], s[2], s[3], j[4], s[4], s[5]),
          "journal %d|%d|%d|%d" % tuple(j[:4]))
PYEOF
"$PY" "$T/branch.py" "$T/xl/branch.xlsx" "$HALLS" >"$T/got" 2>&1
for code in $HALLS total; do
	if [ $code = total ]; then w=$tot; else w=$(echo "$want" | tr ' ' '\n' | grep "^$code|"); fi
	g=$(grep "^$code|" "$T/got" | cut -d' ' -f1)
	eq "Summary, hall $code: payments, takings, reversed, reversal rows, feedback, applications equal the hall's store to the fen" "$g" "$w"
	j=$(grep "^$code|" "$T/got" | cut -d' ' -f3)
	eq "journal, hall $code: rows and sums by status equal the hall's store to the fen" "$j" "$(echo "$w" | cut -d'|' -f2-5)"
done
[ -s "$T/got" ] || nok "the checker ran" "$(cat "$T/got")"
# the day had business in every hall, and the reversals are there
eq "reversals in two halls" "$(echo "$tot" | cut -d'|' -f6)" "2"

# the other reports from the central: a hall column, every hall's rows
for r in payments complaints applications; do
	check "branch-wide $r" 0 hall export $r --db "$CDB" --user B9001 --date "$today" -o "$T/xl/branch-$r.xlsx"
done
eq "payments: every hall in the hall column" "$("$PY" -c "
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)['收费明细']
rows = list(ws.iter_rows(min_row=3, values_only=True))
c = rows[0].index('营业厅')
print(' '.join(sorted({r[c] for r in rows[1:] if r[c]})))" "$T/xl/branch-payments.xlsx")" "$HALLS"
eq "complaints: today's complaint of every hall, with its hall" "$("$PY" -c "
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)['投诉台账']
rows = list(ws.iter_rows(min_row=3, values_only=True))
c, n = rows[0].index('营业厅'), rows[0].index('客户')
print(' '.join(sorted(r[c] for r in rows[1:] if r[n] and str(r[n]).startswith('路人'))))" "$T/xl/branch-complaints.xlsx")" "$HALLS"

# complaints by hall: received today and customers, as each hall counts them
for code in $HALLS; do
	eq "complaints by hall, $code: received and customers equal the hall's store" "$("$PY" -c "
import openpyxl, sys
rows = list(openpyxl.load_workbook(sys.argv[1], data_only=True)['汇总'].iter_rows(values_only=True))
i = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith('〇之二'))
for r in rows[i + 2:]:
    if r[0] == sys.argv[2]:
        print('%d|%d|%.4f' % (r[2], r[6], r[7]))" "$T/xl/branch.xlsx" $code)" \
	"$(sq "$(db_of $code)" "SELECT c || '|' || n || '|' || printf('%.4f', c * 10000.0 / n) FROM (SELECT
		(SELECT count(*) FROM complaints WHERE kind = 'complaint' AND business_date = '$today') AS c,
		(SELECT count(*) FROM customers WHERE status NOT IN ('closed', 'connecting')) AS n)")"
done
