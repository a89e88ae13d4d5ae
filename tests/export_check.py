#!/usr/bin/python3
"""export_check.py - read a workbook written by `hall export daily` back
with openpyxl (Debian's python3-openpyxl, run it with /usr/bin/python3)
and compare every figure with SQL run on the store with the sqlite3
command-line tool.

    export_check.py STORE WORKBOOK FROM TO

Prints one line per check, "PASS name" or "FAIL name: detail"; tests/
t_export.sh turns them into ok / not ok.  Amounts are compared in fen:
a cell's value times 100 must be a whole number equal to the store's.
Assumes the Chinese labels (HALL_LANG unset) and the whole hall (no
--counter, a manager's export).
"""
import datetime
import re
import subprocess
import sys
import unicodedata

import openpyxl

STORE, BOOK, FROM, TO = sys.argv[1:5]
failures = 0


def check(name, ok, detail=""):
    global failures
    if ok:
        print("PASS %s" % name)
    else:
        failures += 1
        print("FAIL %s: %s" % (name, detail))


def sql(query, *params):
    """Rows of a query run by the sqlite3 tool; ?N parameters are bound
    with .parameter set (values are dates and keys, quoted as text)."""
    script = ""
    for i, p in enumerate(params, 1):
        # the shell evaluates the value as SQL: pass a quoted literal
        script += ".parameter set ?%d \"'%s'\"\n" % (i, str(p).replace("'", "''"))
    script += query.strip().rstrip(";") + ";\n"
    out = subprocess.run(["sqlite3", "-batch", "-noheader", "-separator", "\x1f",
                          "-readonly", STORE], input=script, capture_output=True,
                         text=True, check=True).stdout
    return [line.split("\x1f") for line in out.splitlines() if line != ""]


def one(query, *params):
    rows = sql(query, *params)
    return rows[0][0] if rows else None


def fen(v):
    """A money cell as fen; None when it is not an exact amount."""
    if not isinstance(v, (int, float)):
        return None
    f = round(v * 100)
    return f if abs(v * 100 - f) < 1e-6 else None


def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(s))


METHODS = [("cash", "现金"), ("card", "银行卡"), ("wechat", "微信"),
           ("alipay", "支付宝"), ("cheque", "支票"), ("transfer", "转账")]
LABEL = dict(METHODS)

wb = openpyxl.load_workbook(BOOK, data_only=True)
wf = openpyxl.load_workbook(BOOK, data_only=False)
check("six sheets", wb.sheetnames == ["汇总", "收费明细", "业扩台账", "变更台账", "投诉台账", "图表"],
      wb.sheetnames)
hall_name = one("SELECT value FROM meta WHERE key = 'hall_name'")
period = FROM if FROM == TO else "%s 至 %s" % (FROM, TO)


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find_row(rows, first, start=0):
    for i in range(start, len(rows)):
        if rows[i] and rows[i][0] == first:
            return i
    return -1


# ------------------------------------------------------------ every sheet
for ws in wb.worksheets:
    n = ws.title
    check("%s: frozen header" % n, ws.freeze_panes in ("A4", "A5"), ws.freeze_panes)
    check("%s: autofilter" % n, bool(ws.auto_filter.ref), ws.auto_filter.ref)
    ps = ws.page_setup
    check("%s: A4 landscape" % n, ps.orientation == "landscape" and str(ps.paperSize) == "9",
          (ps.orientation, ps.paperSize))
    fit = ws.sheet_properties.pageSetUpPr
    check("%s: one page wide" % n, fit is not None and fit.fitToPage and
          ps.fitToWidth in (None, 1) and ps.fitToHeight in (0, "0"), (ps.fitToWidth, ps.fitToHeight))
    check("%s: header with hall and period" % n,
          ws.oddHeader.left.text == hall_name and ws.oddHeader.right.text == period,
          (ws.oddHeader.left.text, ws.oddHeader.right.text))
    check("%s: footer with page numbers" % n, "&P" in (ws.oddFooter.center.text or "") and
          "&N" in (ws.oddFooter.center.text or ""), ws.oddFooter.center.text)
    rows = rows_of(ws)
    check("%s: title row" % n, isinstance(rows[0][0], str) and period in rows[0][0], rows[0][0])
    # widths: every column as wide as the widest text of the first table's
    # data rows (a column may cap at 24 columns or more)
    hdr = 4 if n == "汇总" else 3
    last = hdr
    while last < ws.max_row and any(c is not None for c in rows[last]):
        last += 1
    narrow = []
    for col in ws.iter_cols(min_row=hdr + 1, max_row=last):
        letter = col[0].column_letter
        w = max([width(c.value) for c in col if isinstance(c.value, str)] + [0])
        have = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 8.43
        if min(w, 24) > have:
            narrow.append((letter, w, have))
    check("%s: column widths fit the text" % n, not narrow, narrow)

# masked phones and IDs: none of the store's numbers appears in the clear
secrets = set(r[0] for r in sql("SELECT phone FROM customers UNION SELECT id_number FROM customers"
                                " UNION SELECT phone FROM complaints UNION SELECT phone FROM applications"
                                " UNION SELECT id_number FROM applications") if len(r[0]) >= 7)
leaks = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
         if isinstance(c.value, str) and c.value in secrets]
check("no phone or ID number in the clear", not leaks, leaks[:3])

# ------------------------------------------------------------ payments
ws = wb["收费明细"]
wsf = wf["收费明细"]
rows = rows_of(ws)
head = rows[2]
check("journal header", head[:13] == ["收据号", "收款时间", "记账日期", "窗口", "营业员", "户号", "户名",
                                      "付款方式", "凭证号", "金额（元）", "状态", "冲正原因", "批准人"], head)
end = find_row(rows, None, 3)
data = rows[3:end if end >= 0 else len(rows)]
pays = {r[0]: r for r in sql(
    "SELECT p.receipt_no, p.amount_fen, p.method, p.status,"
    " p.staff_id || coalesce(' ' || s.name, ''), p.account_no, p.counter,"
    " p.business_date FROM payments p LEFT JOIN staff s ON s.id = p.staff_id"
    " WHERE p.business_date BETWEEN ?1 AND ?2", FROM, TO)}
revs = {r[0]: r for r in sql(
    "SELECT receipt_no, amount_fen, reason, approver_id FROM reversals"
    " WHERE business_date BETWEEN ?1 AND ?2", FROM, TO)}
check("journal: one row per payment and reversal", len(data) == len(pays) + len(revs),
      (len(data), len(pays), len(revs)))
bad = []
for r in data:
    if r[10] == "冲正":
        v = revs.get(r[0])
        if not v or fen(r[9]) != -int(v[1]) or r[11] != v[2] or not str(r[12]).startswith(v[3]):
            bad.append(("reversal", r[0], r[9]))
        continue
    v = pays.get(r[0])
    if (not v or fen(r[9]) != int(v[1]) or r[7] != LABEL.get(v[2], v[2]) or
            r[10] != ("正常" if v[3] == "ok" else "已冲正") or r[4] != v[4] or r[5] != v[5] or
            r[3] != int(v[6]) or not isinstance(r[1], datetime.datetime) or
            r[2] != datetime.datetime.fromisoformat(v[7])):
        bad.append((r[0], r[9], v))
check("journal: every row equals the store, to the fen", not bad, bad[:3])
fmt = [wsf.cell(row=4 + i, column=10).number_format for i in range(min(len(data), 50))]
check("journal: money as numbers with two decimals", all(f == "#,##0.00" for f in fmt), set(fmt))

i = find_row(rows, "按付款方式小计")
check("journal: subtotals by method follow the rows", i > 0, i)
by_method = {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in sql(
    "SELECT method, sum(status = 'ok'), sum(CASE WHEN status = 'ok' THEN amount_fen ELSE 0 END),"
    " sum(status = 'void'), sum(CASE WHEN status = 'void' THEN amount_fen ELSE 0 END)"
    " FROM payments WHERE business_date BETWEEN ?1 AND ?2 GROUP BY method", FROM, TO)}
bad = []
for k, label in METHODS:
    j = find_row(rows, label, i + 2)
    got = (rows[j][1], fen(rows[j][2]), rows[j][3], fen(rows[j][4]))
    if got != by_method.get(k, (0, 0, 0, 0)):
        bad.append((label, got, by_method.get(k)))
    f = wsf.cell(row=j + 1, column=3).value
    if not (isinstance(f, str) and f.startswith("=SUMIFS(")):
        bad.append((label, "formula", f))
check("journal: method subtotals (SUMIFS with cached results) equal the store", not bad, bad)
j = find_row(rows, "合计", i + 2)
tot = [sum(v[k] for v in by_method.values()) for k in range(4)]
check("journal: total of the methods", [rows[j][1], fen(rows[j][2]), rows[j][3], fen(rows[j][4])] == tot,
      (rows[j], tot))
i = find_row(rows, "按营业员小计")
by_clerk = {r[0]: (int(r[1]), int(r[2])) for r in sql(
    "SELECT p.staff_id || coalesce(' ' || s.name, ''), count(*), sum(p.amount_fen) FROM payments p"
    " LEFT JOIN staff s ON s.id = p.staff_id"
    " WHERE p.business_date BETWEEN ?1 AND ?2 AND p.status = 'ok' GROUP BY p.staff_id", FROM, TO)}
got = {rows[k][0]: (rows[k][1], fen(rows[k][2])) for k in range(i + 2, len(rows))
       if rows[k][0] not in ("合计", None)}
got = {k: v for k, v in got.items() if v[0]}
check("journal: clerk subtotals equal the store", got == by_clerk, (got, by_clerk))
f = wsf.cell(row=i + 3, column=3).value
check("journal: clerk subtotals are SUMPRODUCT formulas", isinstance(f, str) and "SUMPRODUCT" in f, f)

# ------------------------------------------------------------ summary
ws = wb["汇总"]
rows = rows_of(ws)
check("summary header", rows[3][:6] == ["工号", "营业员", "新装受理", "变更受理", "诉求登记", "缴费笔数"],
      rows[3])
clerks = {}
k = 4
while rows[k][0] not in ("合计", None) and not str(rows[k][0]).startswith("本期间"):
    clerks[rows[k][0]] = rows[k]
    k += 1
total_row = rows[k]


def counts(table):
    return {r[0]: int(r[1]) for r in sql(
        "SELECT staff_id, count(*) FROM %s WHERE business_date BETWEEN ?1 AND ?2 GROUP BY staff_id"
        % table, FROM, TO)}


apps, chg, fb = counts("applications"), counts("changes"), counts("complaints")
pay_m = {}
for r in sql("SELECT staff_id, method, count(*), sum(amount_fen) FROM payments"
             " WHERE business_date BETWEEN ?1 AND ?2 AND status = 'ok' GROUP BY staff_id, method",
             FROM, TO):
    pay_m.setdefault(r[0], {})[r[1]] = (int(r[2]), int(r[3]))
voids = {r[0]: (int(r[1]), int(r[2])) for r in sql(
    "SELECT staff_id, count(*), sum(amount_fen) FROM payments WHERE business_date BETWEEN ?1 AND ?2"
    " AND status = 'void' GROUP BY staff_id", FROM, TO)}
diff = {r[0]: int(r[1]) for r in sql(
    "SELECT staff_id, sum(declared_fen - expected_fen) FROM day_closes WHERE business_date BETWEEN ?1 AND ?2"
    " AND status <> 'reopened' GROUP BY staff_id", FROM, TO)}
ids = set(apps) | set(chg) | set(fb) | set(pay_m) | set(voids) | set(diff)
check("summary: one row per clerk with work", set(clerks) == ids, (sorted(clerks), sorted(ids)))
bad = []
for sid, r in clerks.items():
    pm = pay_m.get(sid, {})
    want = [apps.get(sid, 0), chg.get(sid, 0), fb.get(sid, 0), sum(c for c, _ in pm.values())]
    want += [pm.get(m, (0, 0))[1] for m, _ in METHODS]
    want += [sum(a for _, a in pm.values()), voids.get(sid, (0, 0))[0], voids.get(sid, (0, 0))[1]]
    got = [r[2], r[3], r[4], r[5]] + [fen(v) for v in r[6:12]] + [fen(r[12]), r[13], fen(r[14])]
    if got != want:
        bad.append((sid, got, want))
    if sid in diff and fen(r[15]) != diff[sid]:
        bad.append((sid, "close difference", r[15], diff[sid]))
check("summary: work, takings by method, reversals and close differences per clerk", not bad, bad)
sums = [sum((fen(r[c]) if c >= 6 else r[c]) or 0 for r in clerks.values()) for c in range(2, 15)]
got = [(fen(total_row[c]) if c >= 6 else total_row[c]) for c in range(2, 15)]
check("summary: the total row", got == sums, (got, sums))
check("summary: takings total equals the store", fen(total_row[12]) == int(one(
    "SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE business_date BETWEEN ?1 AND ?2"
    " AND status = 'ok'", FROM, TO)), total_row[12])

i = find_row(rows, "二、实收（按付款方式）")
close_lines = {r[0]: (int(r[1]), int(r[2])) for r in sql(
    "SELECT l.method, sum(l.declared_fen), sum(l.expected_fen) FROM day_close_lines l"
    " JOIN day_closes d ON d.id = l.close_id WHERE d.business_date BETWEEN ?1 AND ?2"
    " AND d.status <> 'reopened' GROUP BY l.method", FROM, TO)}
bad = []
for k, label in METHODS:
    j = find_row(rows, label, i)
    want = by_method.get(k, (0, 0, 0, 0))
    got = (rows[j][1], fen(rows[j][2]), rows[j][3], fen(rows[j][4]))
    if got != want:
        bad.append((label, got, want))
    if k in close_lines:
        d, e = close_lines[k]
        if (fen(rows[j][5]), fen(rows[j][6]), fen(rows[j][7])) != (d, e, d - e):
            bad.append((label, "close", rows[j][5:8], (d, e)))
check("summary: takings by method and the daily close lines", not bad, bad)


def kind_table(title, table, col, cap):
    i = find_row(rows, title)
    want = {r[0]: (int(r[1]), int(r[2])) for r in sql(
        "SELECT %s, count(*), sum(%s) FROM %s WHERE business_date BETWEEN ?1 AND ?2 GROUP BY %s"
        % (col, cap, table, col), FROM, TO)}
    got, k = {}, i + 2
    while rows[k][0] != "合计":
        got[rows[k][0]] = (rows[k][1], rows[k][2] if cap != "0" else 0)
        k += 1
    got = {key: v for key, v in got.items() if v[0]}
    return got, want, rows[k]


AK = {"lv_residential": "低压居民", "lv_nonresidential": "低压非居民", "hv_single": "高压单电源",
      "hv_dual": "高压双电源"}
got, want, tot = kind_table("三、新装（业扩报装）", "applications", "kind", "capacity")
check("summary: new connections received by kind with capacity",
      got == {AK.get(k, k): v for k, v in want.items()}, (got, want))
CK = {"complaint": "投诉", "enquiry": "咨询", "fault": "故障报修", "misconduct": "举报",
      "suggestion": "意见建议", "praise": "表扬"}
got, want, tot = kind_table("五、客户诉求（投诉、咨询、报修等）", "complaints", "kind", "0")
check("summary: feedback received by kind", got == {CK.get(k, k): v for k, v in want.items()},
      (got, want))
CT = {"reduce": "减容", "suspend": "暂停", "swap": "暂换", "relocate": "迁址", "move_meter": "移表",
      "temp_remove": "暂拆", "rename": "更名过户", "split": "分户", "merge": "并户", "close": "销户",
      "change_voltage": "改压", "change_category": "改类"}
got, want, tot = kind_table("四、变更用电", "changes", "change_type", "0")
check("summary: changes received by kind", got == {CT.get(k, k): v for k, v in want.items()},
      (got, want))

i = find_row(rows, "万户投诉率")
n = int(one("SELECT count(*) FROM complaints WHERE kind = 'complaint' AND business_date BETWEEN ?1 AND ?2",
            FROM, TO))
c = int(one("SELECT count(*) FROM customers WHERE status NOT IN ('closed', 'connecting')"))
check("summary: complaints per 10,000 customers", rows[i][1] == n and rows[i][2] == c and
      abs(rows[i][3] - n / c * 10000) < 1e-9, (rows[i][:4], n, c))
f = wf["汇总"].cell(row=i + 1, column=4).value
check("summary: the rate is a formula", isinstance(f, str) and f.endswith("*10000"), f)
i = find_row(rows, "回访满意率")
sat, fol = sql("SELECT coalesce(sum(json_extract(e.extras, '$.result') = 'satisfied'), 0),"
               " coalesce(sum(json_extract(e.extras, '$.result') IN ('satisfied', 'unsatisfied')), 0)"
               " FROM work_events e JOIN complaints a ON a.complaint_no = e.number"
               " WHERE e.kind = 'complaint' AND e.to_stage = 'followup' AND a.kind = 'complaint'"
               " AND date(e.at, 'localtime') BETWEEN ?1 AND ?2", FROM, TO)[0]
check("summary: follow-up satisfaction", rows[i][1] == int(sat) and rows[i][2] == int(fol) and
      (int(fol) == 0 and rows[i][3] == "—" or abs(rows[i][3] - int(sat) / int(fol)) < 1e-9),
      (rows[i][:4], sat, fol))

# ------------------------------------------------------------ ledgers
ACTIVE = ("FROM (SELECT t.*, CASE WHEN t.status = 'open' THEN NULL ELSE coalesce((SELECT max(e.at)"
          " FROM work_events e WHERE e.number = t.%s AND e.kind = '%s'), t.updated_at) END AS fin"
          " FROM %s t) a WHERE a.business_date <= ?2 AND (a.status = 'open'"
          " OR date(a.fin, 'localtime') >= ?1)")
for sheet, num, kind, table in (("业扩台账", "app_no", "application", "applications"),
                                ("变更台账", "change_no", "change", "changes"),
                                ("投诉台账", "complaint_no", "complaint", "complaints")):
    rows = rows_of(wb[sheet])
    end = find_row(rows, None, 3)
    got = sorted(r[0] for r in rows[3:end] if r[0] and not str(r[0]).startswith("本期间"))
    want = sorted(r[0] for r in sql("SELECT a.%s " % num + ACTIVE % (num, kind, table), FROM, TO))
    check("%s: the orders active in the period" % sheet, got == want, (got[:5], want[:5]))
    j = find_row(rows, "件数")
    check("%s: count under the table" % sheet, j < 0 and not want or rows[j][1] == len(want),
          rows[j] if j >= 0 else None)
rows = rows_of(wb["业扩台账"])
j = find_row(rows, "容量合计")
cap = int(one("SELECT coalesce(sum(a.capacity), 0) " + ACTIVE % ("app_no", "application", "applications"),
              FROM, TO))
check("业扩台账: capacity total", j > 0 and rows[j][1] == cap, (rows[j] if j > 0 else None, cap))
dates = [r[1] for r in rows[3:find_row(rows, None, 3)] if r[0]]
check("业扩台账: dates are real dates", all(isinstance(d, datetime.datetime) for d in dates), dates[:3])

# overdue: the summary's counts by kind equal the ledgers' flags
srows = rows_of(wb["汇总"])
for title, sheet in (("三、新装（业扩报装）", "业扩台账"), ("四、变更用电", "变更台账"),
                     ("五、客户诉求（投诉、咨询、报修等）", "投诉台账")):
    i = find_row(srows, title)
    head = srows[i + 1]
    k = find_row(srows, "合计", i + 2)
    summary_over = srows[k][head.index("超期件数")]
    lrows = rows_of(wb[sheet])
    col = lrows[2].index("超期")
    flagged = sum(1 for r in lrows[3:find_row(lrows, None, 3)] if r[col] == "是")
    j = find_row(lrows, "超期")
    check("%s: overdue count equals the summary's" % sheet,
          flagged == summary_over and (j < 0 and flagged == 0 or lrows[j][1] == flagged),
          (flagged, summary_over, lrows[j][1] if j >= 0 else None))
i = find_row(srows, "时限达标率（合计）")
check("summary: on-time numerator within its denominator", 0 <= srows[i][1] <= srows[i][2], srows[i][:3])

# ------------------------------------------------------------ charts
rows = rows_of(wb["图表"])
CAT = {"service": "服务投诉", "business": "营业投诉", "outage": "停送电投诉", "quality": "供电质量投诉",
       "construction": "电网建设投诉"}
want = {CAT.get(r[0], r[0]): int(r[1]) for r in sql(
    "SELECT category, count(*) FROM complaints WHERE kind = 'complaint' AND business_date BETWEEN ?1 AND ?2"
    " GROUP BY category", FROM, TO)}
got, k = {}, 3
while rows[k][0] != "合计":
    got[rows[k][0]] = rows[k][1]
    k += 1
counts_order = [rows[x][1] for x in range(3, k)]
check("charts: complaints by category", {a: b for a, b in got.items() if b} == want, (got, want))
check("charts: Pareto order", counts_order == sorted(counts_order, reverse=True), counts_order)
i = find_row(rows, "付款方式")
got = {rows[x][0]: fen(rows[x][1]) for x in range(i + 1, i + 7)}
want = {LABEL[m]: by_method.get(m, (0, 0))[1] for m, _ in METHODS}
check("charts: takings by method", got == want, (got, want))
i = next(x for x in range(len(rows)) if rows[x][0] in ("日期", "月份"))
trend = {r[0]: int(r[1]) for r in sql(
    "SELECT business_date, sum(amount_fen) FROM payments WHERE status = 'ok' AND business_date BETWEEN ?1 AND ?2"
    " GROUP BY business_date", "0000-00-00", TO)}
bad = []
x = i + 1
while rows[x][0] != "合计":
    d = rows[x][0].date().isoformat()
    if fen(rows[x][1]) != trend.get(d, 0):
        bad.append((d, rows[x][1], trend.get(d)))
    x += 1
check("charts: daily trend of takings", not bad and x > i + 1, bad)

sys.exit(1 if failures else 0)
