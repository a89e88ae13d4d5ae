#!/bin/sh
# t_export.sh - hall export end to end: a demo store plus exact fixtures
# written with sqlite3 on "today" (payments, a reversal, a signed daily
# close, follow-up calls), exported with the real binary, read back with
# Debian's python3-openpyxl (/usr/bin/python3, tests/export_check.py) and
# every figure compared with SQL run on the store with sqlite3, to the fen;
# then the refusals (existing file, roles, bad dates, unwritable folder,
# full disk), an empty day, and LibreOffice opening the file (skipped only
# when LibreOffice is not installed).
. "$HALL_TESTS/lib.sh"
PY=/usr/bin/python3
export TZ=Asia/Shanghai HALL_NOW=2026-05-12T02:00:00Z HALL_PASSWORD=demo1234
unset HALL_LANG
TODAY=2026-05-12
mkdir -p "$T/store"
db=$T/store/hall.db   # exports go to $T: never into the store's folder

# run the python checker; each PASS/FAIL line becomes ok/not ok
checked() { # WORKBOOK FROM TO LABEL
	"$PY" "$HALL_TESTS/export_check.py" "$db" "$1" "$2" "$3" >"$T/check" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) ok "$4: ${line#PASS }";;
		FAIL\ *) nok "$4: ${line#FAIL }";;
		*) nok "$4: checker said: $line";;
		esac
	done <"$T/check"
	[ $rc -le 1 ] || nok "$4: checker ran" "exit $rc"
}
# a python one-liner over a workbook: prints its result
py() { "$PY" -c "import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1], data_only=True); $2" "$1" 2>&1; }

check "demo store" 0 hall demo --db "$db" --customers 300
acct=$(sq "$db" "SELECT account_no FROM customers WHERE status = 'normal' ORDER BY id LIMIT 1")
cno=$(sq "$db" "SELECT complaint_no FROM complaints WHERE kind = 'complaint' ORDER BY id LIMIT 1")
sq "$db" "
INSERT INTO payments(receipt_no, account_no, amount_fen, method, reference, status, business_date, hall, counter, staff_id, created_at) VALUES
 ('SFT0001', '$acct', 12345, 'cash', '', 'ok', '$TODAY', '001', 1, '1001', '2026-05-12T01:01:00Z'),
 ('SFT0002', '$acct', 99, 'wechat', 'WX1', 'ok', '$TODAY', '001', 1, '1001', '2026-05-12T01:02:00Z'),
 ('SFT0003', '$acct', 5000, 'card', 'POS9', 'void', '$TODAY', '001', 1, '1001', '2026-05-12T01:03:00Z'),
 ('SFT0004', '$acct', 700001, 'transfer', 'TR7', 'ok', '$TODAY', '001', 2, '1002', '2026-05-12T01:04:00Z'),
 ('SFT0005', '$acct', 1, 'alipay', 'AP1', 'ok', '$TODAY', '001', 2, '1002', '2026-05-12T01:06:00Z');
INSERT INTO reversals(payment_id, receipt_no, account_no, amount_fen, reason, business_date, staff_id, approver_id, counter, created_at)
 SELECT id, receipt_no, account_no, amount_fen, '金额输错', business_date, staff_id, '9001', counter, '2026-05-12T01:05:00Z'
 FROM payments WHERE receipt_no = 'SFT0003';
INSERT INTO day_closes(staff_id, business_date, status, declared_fen, expected_fen, payments, reversals, reversed_fen, receipts, counter, declared_at, signed_by, signed_at)
 VALUES ('1001', '$TODAY', 'signed', 12400, 12444, 2, 1, 5000, 3, 1, '2026-05-12T09:00:00Z', '9001', '2026-05-12T09:10:00Z');
INSERT INTO day_close_lines(close_id, method, declared_fen, expected_fen, count)
 SELECT id, 'cash', 12300, 12345, 1 FROM day_closes WHERE staff_id = '1001' AND business_date = '$TODAY';
INSERT INTO day_close_lines(close_id, method, declared_fen, expected_fen, count)
 SELECT id, 'wechat', 100, 99, 1 FROM day_closes WHERE staff_id = '1001' AND business_date = '$TODAY';
INSERT INTO work_events(kind, number, from_stage, to_stage, note, staff_id, counter, at, extras) VALUES
 ('complaint', '$cno', 'reply', 'followup', '', '1001', 1, '2026-05-12T01:30:00Z', '{\"result\":\"unsatisfied\",\"method\":\"phone\",\"attempts\":\"1\"}'),
 ('complaint', '$cno', 'reply', 'followup', '', '1001', 1, '2026-05-12T01:40:00Z', '{\"result\":\"satisfied\",\"method\":\"phone\",\"attempts\":\"1\"}');
INSERT INTO complaints(complaint_no, name, phone, kind, category, channel, content, stage, status,
 business_date, hall, counter, staff_id, created_at, updated_at) VALUES
 ('TSX1', '逾期客户', '13800000001', 'complaint', 'service', 'hall', '五天前受理，至今没有联系客户', 'accept', 'open',
  '2026-05-06', '001', 1, '1001', '2026-05-06T01:00:00Z', '2026-05-06T01:00:00Z'),
 ('TSX2', '及时客户', '13800000002', 'complaint', 'business', 'hall', '昨天受理，一小时内联系了客户', 'handle', 'open',
  '2026-05-11', '001', 1, '1001', '2026-05-11T01:00:00Z', '2026-05-11T02:00:00Z');
INSERT INTO work_events(kind, number, from_stage, to_stage, note, staff_id, counter, at) VALUES
 ('complaint', 'TSX1', NULL, 'accept', '', '1001', 1, '2026-05-06T01:00:00Z'),
 ('complaint', 'TSX2', NULL, 'accept', '', '1001', 1, '2026-05-11T01:00:00Z'),
 ('complaint', 'TSX2', 'accept', 'dispatch', '', '1001', 1, '2026-05-11T01:20:00Z'),
 ('complaint', 'TSX2', 'dispatch', 'handle', '', '1001', 1, '2026-05-11T02:00:00Z');
" || nok "fixtures"

# ---------------------------------------------------- the day, checked
check "daily sheet of today" 0 hall export daily --db "$db" --user 9001 --date $TODAY -o "$T/day.xlsx"
has "prints the file" "$T/out" "$T/day.xlsx"
has "says what it took" "$T/err" "实收 7,124.46 元"
checked "$T/day.xlsx" $TODAY $TODAY "today"
eq "no temporary file left" "$(ls "$T" | grep -c 'tmp-')" 0

# the clocks of issue 5 decide what is late: not contacted within 24 hours
late() { py "$T/day.xlsx" "r = [x for x in wb['投诉台账'].iter_rows(min_row=4, values_only=True) if x[0] == '$1'][0]; print(r[14], r[15] or '')"; }
eq "complaint not contacted in 24 hours is overdue" "$(late TSX1)" "是 联系"
eq "complaint contacted in time is not overdue" "$(late TSX2)" "否 "
eq "its phone is masked" "$(py "$T/day.xlsx" "print([x[7] for x in wb['投诉台账'].iter_rows(min_row=4, values_only=True) if x[0] == 'TSX1'][0])")" "138****0001"

# ---------------------------------------------------- a period
check "daily sheet of a period" 0 hall export daily --db "$db" --user 9001 --from 2026-03-01 --to $TODAY -o "$T/range.xlsx"
checked "$T/range.xlsx" 2026-03-01 $TODAY "period"

# ---------------------------------------------------- the single reports
for r in payments complaints applications; do
	check "$r alone" 0 hall export $r --db "$db" --user 9001 --from 2026-04-01 --to $TODAY -o "$T/$r.xlsx"
done
eq "payments: one sheet" "$(py "$T/payments.xlsx" 'print(wb.sheetnames)')" "['收费明细']"
eq "complaints: one sheet" "$(py "$T/complaints.xlsx" 'print(wb.sheetnames)')" "['投诉台账']"
eq "applications: both ledgers" "$(py "$T/applications.xlsx" 'print(wb.sheetnames)')" "['业扩台账', '变更台账']"

# ---------------------------------------------------- refusals
cp "$T/day.xlsx" "$T/day.copy"
check "an existing file is not replaced" 8 hall export daily --db "$db" --user 9001 --date 2026-05-11 -o "$T/day.xlsx"
has "says to add --force" "$T/err" "--force"
if cmp -s "$T/day.xlsx" "$T/day.copy"; then ok "the existing file is untouched"; else nok "the existing file is untouched"; fi
check "--force replaces it" 0 hall export daily --db "$db" --user 9001 --date 2026-05-11 -o "$T/day.xlsx" --force
if cmp -s "$T/day.xlsx" "$T/day.copy"; then nok "the file was replaced"; else ok "the file was replaced"; fi

check "a clerk: not another day" 4 hall export daily --db "$db" --user 1001 --date 2026-05-11 -o "$T/c.xlsx"
has "says why" "$T/err" "营业员只能导出本人当天"
check "a clerk: their own day" 0 hall export daily --db "$db" --user 1001 -o "$T/c.xlsx"
eq "a clerk sees only their receipts" "$(py "$T/c.xlsx" "print(sorted(r[0] for r in wb['收费明细'].iter_rows(min_row=4, values_only=True) if r[0] and str(r[0]).startswith('SF')))")" \
	"['SFT0001', 'SFT0002', 'SFT0003', 'SFT0003']"
check "a manager: one counter" 0 hall export payments --db "$db" --user 9001 --counter 2 --date $TODAY -o "$T/c2.xlsx"
eq "counter 2 only" "$(py "$T/c2.xlsx" "print(sorted(r[0] for r in wb['收费明细'].iter_rows(min_row=4, values_only=True) if r[0] and str(r[0]).startswith('SF')))")" \
	"['SFT0004', 'SFT0005']"

check "unknown report" 2 hall export weekly --db "$db" --user 9001 -o "$T/x.xlsx"
has "names the reports" "$T/err" "daily"
check "impossible date" 2 hall export daily --db "$db" --user 9001 --date 2026-02-30 -o "$T/x.xlsx"
has "names the option" "$T/err" "--date"
check "from after to" 2 hall export daily --db "$db" --user 9001 --from 2026-05-10 --to 2026-05-01 -o "$T/x.xlsx"
has "says so" "$T/err" "晚于"
check "date and period together" 2 hall export daily --db "$db" --user 9001 --date 2026-05-10 --from 2026-05-01 --to 2026-05-02 -o "$T/x.xlsx"
check "half a period" 2 hall export daily --db "$db" --user 9001 --from 2026-05-10 -o "$T/x.xlsx"
check "no output file" 2 hall export daily --db "$db" --user 9001
check "not .xlsx" 2 hall export daily --db "$db" --user 9001 -o "$T/x.csv"
check "not into the store's folder" 4 hall export daily --db "$db" --user 9001 -o "$T/store/x.xlsx"
has "says why" "$T/err" "数据库所在的文件夹"
check "a folder that does not exist" 7 hall export daily --db "$db" --user 9001 -o "$T/none/x.xlsx"
has "names the folder" "$T/err" "$T/none"
touch "$T/afile"
check "a folder that is a file" 7 hall export daily --db "$db" --user 9001 -o "$T/afile/x.xlsx"
if [ "$(id -u)" != 0 ]; then
	mkdir "$T/ro" && chmod 555 "$T/ro"
	check "a read-only folder" 7 hall export daily --db "$db" --user 9001 -o "$T/ro/x.xlsx"
	chmod 755 "$T/ro"
fi
[ -e "$T/x.xlsx" ] && nok "bad input wrote a file" || ok "bad input wrote no file"

# a full disk (a file size limit): clear error, no file, no temporary file
mkdir "$T/full"
(trap '' XFSZ; ulimit -f 60; exec "$HALL_BIN" export daily --db "$db" --user 9001 --from 2026-01-01 --to $TODAY -o "$T/full/x.xlsx") >"$T/out" 2>"$T/err"
eq "full disk: exit status" "$?" 7
has "full disk: says so" "$T/err" "磁盘"
eq "full disk: nothing left" "$(ls -A "$T/full")" ""

# ---------------------------------------------------- an empty day
# ---------------------------------------------------- the audit event
ne=$(sq "$db" "SELECT count(*) FROM audit WHERE kind = 'export'")
check "an export for the audit" 0 hall export complaints --db "$db" --user 9001 --from 2026-05-01 --to $TODAY -o "$T/audited.xlsx"
check "hall audit show lists it" 0 hall audit show --db "$db" --user 9001 --kind export
has "with who, the report, the period and the file" "$T/out" "9001	1	export	audited.xlsx	report=complaints from=2026-05-01 to=$TODAY"
has "with the rows" "$T/out" "rows=$(sq "$db" "SELECT count(*) FROM complaints WHERE business_date <= '$TODAY' AND (status = 'open' OR date(updated_at, 'localtime') >= '2026-05-01')")"
check "refused without --force" 8 hall export complaints --db "$db" --user 9001 --from 2026-05-01 --to $TODAY -o "$T/audited.xlsx"
eq "a refused export writes no event" "$(sq "$db" "SELECT count(*) FROM audit WHERE kind = 'export'")" "$((ne + 1))"
check "hall audit verify stays clean" 0 hall audit verify --db "$db" --user 9001

check "an empty day" 0 hall export daily --db "$db" --user 9001 --date 2030-01-07 -o "$T/empty.xlsx"
eq "the journal says there was nothing" "$(py "$T/empty.xlsx" "print(wb['收费明细']['A4'].value)")" "本期间没有收费记录"
eq "the summary says there was nothing" "$(py "$T/empty.xlsx" "print(wb['汇总']['A5'].value)")" "本期间没有任何营业员的业务记录"

# ------------------------------------- a large journal (streamed, level 1)
# 20,000 payments on one day: constant_memory mode, packed at deflate
# level 1 (export_zip.c); the file reads back the same
BIG=2029-01-02
sq "$db" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20000)
INSERT INTO payments(receipt_no, account_no, amount_fen, method, reference, status, business_date, hall, counter, staff_id, created_at)
 SELECT printf('SFL%06d', i), '$acct', 1 + (i * 7919) % 500000, CASE i % 3 WHEN 0 THEN 'cash' WHEN 1 THEN 'wechat' ELSE 'card' END,
  '', CASE WHEN i % 997 = 0 THEN 'void' ELSE 'ok' END, '$BIG', '001', 1 + i % 3, '100' || (1 + i % 3),
  strftime('%Y-%m-%dT%H:%M:%SZ', '2029-01-02 01:00:00', '+' || i || ' seconds') FROM k;"
check "a 20,000-row journal" 0 hall export payments --db "$db" --user 9001 --date $BIG -o "$T/big.xlsx"
eq "it was packed at deflate level 1 (minizip's flag bits 6)" \
	"$("$PY" -c "import sys, zipfile; print(sorted({i.flag_bits & 6 for i in zipfile.ZipFile(sys.argv[1]).infolist()}))" "$T/big.xlsx")" "[6]"
eq "openpyxl reads every row and the takings to the fen" \
	"$("$PY" -c "
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)['收费明细']
n = t = 0
for r in ws.iter_rows(min_row=4, values_only=True):
    if r[0] is None or not str(r[0]).startswith('SFL'):
        continue
    n += 1
    if r[10] == '正常':
        t += round(r[9] * 100)
print(n, t)" "$T/big.xlsx")" \
	"$(sq "$db" "SELECT count(*) || ' ' || sum(CASE WHEN status = 'ok' THEN amount_fen ELSE 0 END) FROM payments WHERE business_date = '$BIG'")"

# ---------------------------------------------------- LibreOffice
lo=$(command -v libreoffice || command -v soffice)
if [ -n "$lo" ]; then
	# every sheet to CSV, values as shown (LibreOffice reads the file without
	# a repair step: a damaged package converts to nothing)
	mkdir -p "$T/lo" "$T/lohome"
	HOME="$T/lohome" timeout 180 "$lo" --headless --norestore \
		--convert-to csv:"Text - txt - csv (StarCalc)":44,34,76,1,,0,false,true,true,false,false,-1 \
		--outdir "$T/lo" "$T/range.xlsx" >"$T/lo.out" 2>&1
	csvs=$(ls "$T/lo" 2>/dev/null | grep -c '\.csv$')
	if [ "$csvs" -eq 6 ] && grep -q "营业日报" "$T/lo/range-汇总.csv" && grep -q "SFT0004" "$T/lo/range-收费明细.csv"; then
		ok "libreoffice converts every sheet of the workbook"
	else
		nok "libreoffice converts every sheet of the workbook" "$(cat "$T/lo.out")" "$(ls "$T/lo")"
	fi
	fen=$(sq "$db" "SELECT sum(amount_fen) FROM payments WHERE status = 'ok' AND business_date BETWEEN '2026-03-01' AND '$TODAY'")
	want=$("$PY" -c "import sys; f = int(sys.argv[1]); print('%s.%02d' % (format(f // 100, ','), f % 100))" "$fen")
	got=$(grep -h '^合计,' "$T/lo/range-收费明细.csv" | head -1 | cut -d'"' -f2)
	eq "libreoffice shows the journal total" "$got" "$want"
	# the large journal, packed at level 1, opens the same
	HOME="$T/lohome" timeout 180 "$lo" --headless --norestore \
		--convert-to csv:"Text - txt - csv (StarCalc)":44,34,76,1,,0,false,true,true,false,false,-1 \
		--outdir "$T/lo" "$T/big.xlsx" >"$T/lo.out" 2>&1
	fen=$(sq "$db" "SELECT sum(amount_fen) FROM payments WHERE status = 'ok' AND business_date = '$BIG'")
	want=$("$PY" -c "import sys; f = int(sys.argv[1]); print('%s.%02d' % (format(f // 100, ','), f % 100))" "$fen")
	got=$(grep -h '^合计,' "$T/lo/big.csv" "$T/lo/big-收费明细.csv" 2>/dev/null | head -1 | cut -d'"' -f2)
	eq "libreoffice opens the level-1 journal and shows its total" "$got" "$want"
else
	n=$((n + 1)); echo "ok $n - libreoffice converts every sheet of the workbook # SKIP libreoffice not installed"
fi
