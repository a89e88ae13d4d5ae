#!/usr/bin/python3
"""xlsxwriter_journal.py - the payments journal (收费明细) written with
Python XlsxWriter (Debian's python3-xlsxwriter; run with /usr/bin/python3),
for tests/bench_export.c to compare with `hall export payments`.

    xlsxwriter_journal.py STORE FROM TO OUT.xlsx

The same rows from the same SQL (payments and reversals of the period, day
by day in time order, with clerk and customer names), the same 14 columns, formats,
title and information rows, frozen header, autofilter, A4 landscape one
page wide, header/footer, column widths from the display width, and the
same subtotals by method and by clerk as formulas with their results,
in constant_memory mode.  Prints the number of rows written and its peak
resident memory ("peak_rss_kb N", VmHWM).
"""
import datetime
import sqlite3
import sys
import time
import unicodedata

import xlsxwriter

STORE, FROM, TO, OUT = sys.argv[1:5]
METHODS = [("cash", "现金"), ("card", "银行卡"), ("wechat", "微信"),
           ("alipay", "支付宝"), ("cheque", "支票"), ("transfer", "转账")]
LABEL = dict(METHODS)
COLS = ["收据号", "收款时间", "记账日期", "窗口", "营业员", "户号", "户名",
        "付款方式", "凭证号", "金额（元）", "状态", "冲正原因", "批准人"]
CAPS = {4: 24, 6: 36, 11: 36, 12: 24}


def width(s):
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def local(utc):
    """Stored UTC "YYYY-MM-DDTHH:MM:SSZ" to a naive local datetime."""
    t = datetime.datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ")
    return datetime.datetime(*time.localtime(t.replace(tzinfo=datetime.timezone.utc).timestamp())[:6])


db = sqlite3.connect("file:%s?mode=ro" % STORE, uri=True)
hall = db.execute("SELECT value FROM meta WHERE key = 'hall_name'").fetchone()[0]
code = db.execute("SELECT value FROM meta WHERE key = 'hall_code'").fetchone()[0]
pays = db.execute(
    "SELECT p.receipt_no, p.created_at, p.business_date, p.counter, p.staff_id,"
    " coalesce(s.name, ''), p.account_no, coalesce(c.name, ''), p.method, p.reference,"
    " p.amount_fen, p.status FROM payments p LEFT JOIN staff s ON s.id = p.staff_id"
    " LEFT JOIN customers c ON c.account_no = p.account_no"
    " WHERE p.business_date BETWEEN ? AND ? ORDER BY p.business_date, p.id", (FROM, TO))
revs = db.cursor().execute(
    "SELECT r.receipt_no, r.created_at, r.business_date, r.counter, r.staff_id,"
    " coalesce(s.name, ''), r.account_no, coalesce(c.name, ''), coalesce(p.method, ''),"
    " coalesce(p.reference, ''), r.amount_fen, r.reason, r.approver_id, coalesce(a.name, '')"
    " FROM reversals r LEFT JOIN payments p ON p.id = r.payment_id"
    " LEFT JOIN staff s ON s.id = r.staff_id LEFT JOIN staff a ON a.id = r.approver_id"
    " LEFT JOIN customers c ON c.account_no = r.account_no"
    " WHERE r.business_date BETWEEN ? AND ? ORDER BY r.business_date, r.created_at, r.id", (FROM, TO))

wb = xlsxwriter.Workbook(OUT, {"constant_memory": True})
f_title = wb.add_format({"bold": True, "font_size": 14})
f_info = wb.add_format({"font_size": 9, "font_color": "#595959"})
f_head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True,
                        "align": "center", "valign": "vcenter"})
f_money = wb.add_format({"num_format": "#,##0.00"})
f_money_b = wb.add_format({"num_format": "#,##0.00", "bold": True, "top": 1})
f_int_b = wb.add_format({"bold": True, "top": 1})
f_bold = wb.add_format({"bold": True, "top": 1})
f_date = wb.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
f_dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "align": "left"})
f_sec = wb.add_format({"bold": True, "font_size": 12})
f_note = wb.add_format({"italic": True, "font_color": "#595959"})
ws = wb.add_worksheet("收费明细")
ws.set_landscape()
ws.set_paper(9)
ws.fit_to_pages(1, 0)
ws.set_margins(0.4, 0.4, 0.6, 0.6)
period = FROM if FROM == TO else "%s 至 %s" % (FROM, TO)
ws.set_header("&L%s&C收费明细&R%s" % (hall.replace("&", "&&"), period))
ws.set_footer("&C第 &P 页，共 &N 页&R&A")
ws.set_row(0, 24)
ws.write_string(0, 0, "收费明细  %s  %s" % (period, hall), f_title)
ws.write_string(1, 0, "营业厅：%s（%s）  期间：%s  范围：全厅" % (hall, code, period), f_info)
widths = [width(c) + 2 for c in COLS]
for i, c in enumerate(COLS):
    ws.write_string(2, i, c, f_head)
ws.freeze_panes(3, 0)
ws.repeat_rows(2)

ok_methods = {label: [0, 0, 0, 0] for _, label in METHODS}
clerks = {}
row = 3
p = pays.fetchone()
r = revs.fetchone()
while p or r:
    rev = r is not None and (p is None or (r[2], r[1]) < (p[2], p[1]))
    x = r if rev else p
    method = LABEL.get(x[8], x[8])
    clerk = "%s %s" % (x[4], x[5]) if x[5] else x[4]
    texts = ((0, x[0]), (4, clerk), (5, x[6]), (6, x[7]), (7, method), (8, x[9]))
    for col, s in texts:
        if s:
            ws.write_string(row, col, s)
            if len(s) > widths[col]:
                widths[col] = max(widths[col], width(s))
    ws.write_datetime(row, 1, local(x[1]), f_dt)
    ws.write_datetime(row, 2, datetime.datetime.strptime(x[2], "%Y-%m-%d"), f_date)
    ws.write_number(row, 3, x[3])
    if rev:
        ws.write_number(row, 9, -x[10] / 100, f_money)
        ws.write_string(row, 10, "冲正")
        ws.write_string(row, 11, x[11])
        ws.write_string(row, 12, "%s %s" % (x[12], x[13]))
        r = revs.fetchone()
    else:
        ok = x[11] == "ok"
        ws.write_number(row, 9, x[10] / 100, f_money)
        ws.write_string(row, 10, "正常" if ok else "已冲正")
        t = ok_methods.setdefault(method, [0, 0, 0, 0])
        c = clerks.setdefault(clerk, [0, 0, 0, 0])
        if ok:
            t[0] += 1
            t[1] += x[10]
            c[0] += 1
            c[1] += x[10]
        else:
            t[2] += 1
            t[3] += x[10]
            c[2] += 1
            c[3] += x[10]
        p = pays.fetchone()
    row += 1
first, last = 3, row - 1
ws.autofilter(2, 0, max(last, 3), len(COLS) - 1)
rng = lambda col: "$%s$%d:$%s$%d" % (col, first + 1, col, last + 1)
row += 1
ws.write_string(row, 0, "按付款方式小计", f_sec)
row += 1
for i, c in enumerate(["付款方式", "收费笔数", "实收金额", "冲正笔数", "冲正金额"]):
    ws.write_string(row, i, c, f_head)
row += 1
top = row
for label, t in ok_methods.items():
    ws.write_string(row, 0, label)
    cell = "A%d" % (row + 1)
    ws.write_formula(row, 1, "=COUNTIFS(%s,%s,%s,\"正常\")" % (rng("H"), cell, rng("K")), None, t[0])
    ws.write_formula(row, 2, "=SUMIFS(%s,%s,%s,%s,\"正常\")" % (rng("J"), rng("H"), cell, rng("K")),
                     f_money, t[1] / 100)
    ws.write_formula(row, 3, "=COUNTIFS(%s,%s,%s,\"已冲正\")" % (rng("H"), cell, rng("K")), None, t[2])
    ws.write_formula(row, 4, "=SUMIFS(%s,%s,%s,%s,\"已冲正\")" % (rng("J"), rng("H"), cell, rng("K")),
                     f_money, t[3] / 100)
    row += 1
ws.write_string(row, 0, "合计", f_bold)
for k in range(4):
    col = "BCDE"[k]
    total = sum(t[k] for t in ok_methods.values())
    ws.write_formula(row, 1 + k, "=SUM(%s%d:%s%d)" % (col, top + 1, col, row),
                     f_money_b if k % 2 else f_int_b, total / 100 if k % 2 else total)
row += 2
ws.write_string(row, 0, "按营业员小计", f_sec)
row += 1
for i, c in enumerate(["营业员", "收费笔数", "实收金额", "冲正笔数", "冲正金额"]):
    ws.write_string(row, i, c, f_head)
row += 1
top = row
for clerk in sorted(clerks):
    c = clerks[clerk]
    ws.write_string(row, 0, clerk)
    cell = "A%d" % (row + 1)
    ws.write_formula(row, 1, "=SUMPRODUCT((%s=%s)*(%s=\"正常\"))" % (rng("E"), cell, rng("K")), None, c[0])
    ws.write_formula(row, 2, "=SUMPRODUCT((%s=%s)*(%s=\"正常\"),%s)" % (rng("E"), cell, rng("K"), rng("J")),
                     f_money, c[1] / 100)
    ws.write_formula(row, 3, "=SUMPRODUCT((%s=%s)*(%s=\"已冲正\"))" % (rng("E"), cell, rng("K")), None, c[2])
    ws.write_formula(row, 4, "=SUMPRODUCT((%s=%s)*(%s=\"已冲正\"),%s)" % (rng("E"), cell, rng("K"), rng("J")),
                     f_money, c[3] / 100)
    row += 1
ws.write_string(row, 0, "合计", f_bold)
for k in range(4):
    col = "BCDE"[k]
    total = sum(c[k] for c in clerks.values())
    ws.write_formula(row, 1 + k, "=SUM(%s%d:%s%d)" % (col, top + 1, col, row),
                     f_money_b if k % 2 else f_int_b, total / 100 if k % 2 else total)
widths[1], widths[2] = max(widths[1], 19), max(widths[2], 10)
for i, w in enumerate(widths):
    ws.set_column(i, i, min(max(w, 4), CAPS.get(i, 48)) + 1.5)
wb.close()
print("rows %d" % (last - first + 1))
with open("/proc/self/status") as f:   # peak RSS of this process image
    for line in f:
        if line.startswith("VmHWM:"):
            print("peak_rss_kb %d" % int(line.split()[1]))
