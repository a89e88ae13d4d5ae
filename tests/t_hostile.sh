#!/bin/sh
# Hostile input through `hall submit` (issue 8): a table of hostile values
# (overlong, invalid UTF-8, control and escape characters that would
# redraw a terminal, format strings, SQL fragments, paths with .., huge
# numbers), each with its expected result: a clear error naming the field
# (exit 2, nothing written), or the text stored verbatim.  Then stored
# hostile text (as an import or the sync could bring it) is printed by
# the commands that show it: no control character reaches the terminal or
# a receipt.  The core-level table is tests/test_hostile.c.
. "$HALL_TESTS/lib.sh"
mkdir -p "$T/store"
db="$T/store/hall.db"     # receipts are spooled outside the store's folder
unset HALL_DB
export HALL_LANG=en HALL_PASSWORD=demo1234 HALL_PRINT_COMMAND=none HALL_RECEIPTS="$T/spool"
if ! hall demo --db "$db" --customers 300 --seed 1 >/dev/null 2>"$T/demo.err"; then
	nok "demo store" "$(cat "$T/demo.err")"; exit 1
fi
acct=$(sq "$db" "SELECT account_no FROM customers WHERE status='normal' ORDER BY account_no LIMIT 1")
# business entries: a login (even one whose command then fails) is
# recorded, as journal kind audit.login
journal() { sq "$db" "SELECT count(*) FROM journal WHERE kind NOT LIKE 'audit.%'"; }
sub() { hall submit "$@" --db "$db" --user 1001 --counter 5; }

# The base values of each form; the case's key=value comes last and wins.
base_complaint="kind=suggestion channel=hall name=路人甲 phone=13600002222 content=建议增加自助缴费机"
base_new="name=陈志明 id_type=resident_id id_number=11010519491231002X phone=13700001111 address=福州市鼓楼区杨桥路6号 category=residential voltage=220v capacity=8 kind=lv_residential"
base_payment="account_no=$acct amount=1.00 method=card reference=POS-BASE"

# Where a stored value is read back: form -> SQL with :N for the number.
stored() { # FORM COLUMN NUMBER
	case $1 in
	complaint) sq "$db" "SELECT $2 FROM complaints WHERE complaint_no = '$3'";;
	payment) sq "$db" "SELECT $2 FROM payments WHERE receipt_no = '$3'";;
	new-connection) sq "$db" "SELECT $2 FROM applications WHERE app_no = '$3'";;
	esac
}

long() { # N TEXT: TEXT repeated N times
	i=0; out=""
	while [ $i -lt "$1" ]; do out="$out$2"; i=$((i + 1)); done
	printf %s "$out"
}

refn=0
run_case() { # NAME FORM KEY VALUE EXPECT
	name=$1; form=$2; key=$3; value=$4; want=$5
	case $form in
	complaint) base=$base_complaint;;
	new-connection) base=$base_new;;
	payment) refn=$((refn + 1)); base="$base_payment-$refn";;
	esac
	j0=$(journal)
	# shellcheck disable=SC2086
	sub "$form" $base "$key=$value" >"$T/out" 2>"$T/err"; rc=$?
	case $want in
	err:*)
		label=${want#err:}
		if [ $rc -eq 2 ] && grep -qF -- "$label" "$T/err" && [ "$(journal)" = "$j0" ]; then
			ok "$name: refused, names $label"
		else
			nok "$name: refused, names $label" "exit $rc, journal $j0 -> $(journal)" "stderr: $(head -c 300 "$T/err")"
		fi
		# the message itself never carries the raw control characters
		if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/err"; then
			nok "$name: message free of control characters" "$(od -c "$T/err" | head -3)"
		fi;;
	ok:*)
		col=${want#ok:}
		num=$(head -n1 "$T/out")
		got=$(stored "$form" "$col" "$num")
		if [ $rc -eq 0 ] && [ "$got" = "$value" ]; then
			ok "$name: stored verbatim"
		else
			nok "$name: stored verbatim" "exit $rc" "stderr: $(head -c 300 "$T/err")" "got: $got"
		fi;;
	esac
}

# NAME<TAB>FORM<TAB>KEY<TAB>VALUE (printf %b: \0NNN octal, \\ a backslash)<TAB>EXPECT
tab=$(printf '\t')
while IFS=$tab read -r cname cform ckey cvalue cwant; do
	case $cname in ''|'#'*) continue;; esac
	v=$(printf '%b' "$cvalue")
	case $cvalue in
	LONG:*) set -- ${cvalue#LONG:}; v=$(long "$1" "$(printf '%b' "$2")");;
	esac
	run_case "$cname" "$cform" "$ckey" "$v" "$cwant"
done <<'TABLE'
# --- SQL fragments, format strings and other text stored as typed
sql drop	complaint	name	'; DROP TABLE customers; --	ok:name
sql delete	complaint	name	Robert'); DELETE FROM payments; --	ok:name
sql or	complaint	name	" OR 1=1 --	ok:name
sql union	complaint	content	x' UNION SELECT pw_hash FROM staff --	ok:content
format %n	complaint	name	%s%s%s%n%n%x	ok:name
format width	complaint	name	%99999999d%ls	ok:name
shell text	complaint	name	$(id)`id`${IFS}|;&	ok:name
html	complaint	name	<script>alert(1)</script>	ok:name
backslashes	complaint	name	C:\\Windows\\..\\..\\x	ok:name
path text	complaint	name	../../../../etc/passwd	ok:name
emoji	complaint	name	张\0360\0237\0230\0200三	ok:name
cjk ext-b	complaint	name	\0360\0240\0200\0200\0360\0240\0200\0201	ok:name
combining	complaint	name	Jose\0314\0201	ok:name
zero width	complaint	name	a\0342\0200\0213b	ok:name
60 characters	complaint	name	LONG:60 测	ok:name
multi-line content	complaint	content	第一行\n第二行	ok:content
2000 characters	complaint	content	LONG:2000 字	ok:content
sql in address	new-connection	address	福州市'; DROP TABLE customers; --	ok:address
format in name	new-connection	name	%s%n公司	ok:name
sql reference	payment	reference	'; DROP TABLE payments; --	ok:reference
format reference	payment	reference	%s%x%n	ok:reference
# --- too long
61 characters	complaint	name	LONG:61 测	err:Name
61 ascii	complaint	name	LONG:61 a	err:Name
100 KB	complaint	name	LONG:1000 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuv	err:Name
2001 characters	complaint	content	LONG:2001 字	err:Content
121 characters	new-connection	address	LONG:121 路	err:Supply address
41 characters	payment	reference	LONG:41 9	err:Reference
only blanks	complaint	name	   	err:Name
# --- control and escape characters
clear screen	complaint	name	x\033[2Jy	err:Name
window title	complaint	name	\033]0;pwned\007	err:Name
terminal reset	complaint	name	\033c	err:Name
colour	complaint	content	\033[31mred\033[0m	err:Content
cursor move	complaint	content	a\033[10;10Hb	err:Content
bell	complaint	name	a\007b	err:Name
backspace	complaint	name	admin\010\010\010\010\010clerk	err:Name
carriage return	complaint	name	a\rb	err:Name
newline in a line	complaint	name	a\nb	err:Name
tab	complaint	name	a\tb	err:Name
vertical tab	complaint	name	a\013b	err:Name
form feed	complaint	name	a\014b	err:Name
delete	complaint	name	a\0177b	err:Name
c1 csi	complaint	name	a\0302\0233[2Jb	err:Name
c1 nel	complaint	name	a\0302\0205b	err:Name
escape in address	new-connection	address	\033[2J福州	err:Supply address
escape in reference	payment	reference	\033[2J	err:Reference
escape in note	payment	note	ok\033]52;c;cHduZWQ=\007	err:Note
escape in id number	new-connection	id_number	11010519491231002X\033[2J	err:ID number
escape in phone	complaint	phone	13800138000\033[2J	err:Phone
# --- invalid UTF-8
byte ff	complaint	name	a\0377b	err:Name
raw 8-bit csi	complaint	name	\0233[2J	err:Name
overlong slash	complaint	name	\0300\0257	err:Name
overlong nul	complaint	name	a\0300\0200b	err:Name
surrogate	complaint	name	\0355\0240\0200	err:Name
cut short	complaint	name	\0344\0270	err:Name
five bytes	complaint	name	\0370\0210\0200\0200\0200	err:Name
above 10ffff	complaint	name	\0364\0220\0200\0200	err:Name
invalid content	complaint	content	ok\0377	err:Content
invalid address	new-connection	address	\0345\0214	err:Supply address
# --- numbers
huge amount	payment	amount	99999999999999999999	err:Amount
int64 overflow	payment	amount	9223372036854775808	err:Amount
int64 min	payment	amount	-9223372036854775808	err:Amount
exponent	payment	amount	1e5	err:Amount
negative	payment	amount	-1	err:Amount
zero	payment	amount	0	err:Amount
three decimals	payment	amount	0.001	err:Amount
nan	payment	amount	NaN	err:Amount
infinity	payment	amount	inf	err:Amount
above the form's max	payment	amount	50000.01	err:Amount
full-width digits	payment	amount	\0357\0274\0221\0357\0274\0220\0357\0274\0220	err:Amount
with a unit	payment	amount	100元	err:Amount
bad grouping	payment	amount	1,00	err:Amount
hex	payment	amount	0x10	err:Amount
format as amount	payment	amount	%n	err:Amount
huge tendered	payment	tendered	99999999999999999999	err:Cash tendered
huge capacity	new-connection	capacity	99999999999999999999	err:Capacity
negative capacity	new-connection	capacity	-5	err:Capacity
hex capacity	new-connection	capacity	0x10	err:Capacity
capacity exponent	new-connection	capacity	1e3	err:Capacity
capacity over max	new-connection	capacity	100001	err:Capacity
# --- identifiers
sql account	payment	account_no	0010000001' OR '1'='1	err:Account number
path account	payment	account_no	../../0010000001	err:Account number
format account	payment	account_no	%s%n	err:Account number
long account	payment	account_no	LONG:1000 0010000001	err:Account number
sql id number	new-connection	id_number	' OR 1=1 --	err:ID number
full-width phone	complaint	phone	\0357\0274\0221\0357\0274\0223\0357\0274\0230\0357\0274\0220\0357\0274\0220\0357\0274\0221\0357\0274\0223\0357\0274\0230\0357\0274\0220\0357\0274\0220\0357\0274\0220	err:Phone
format phone	complaint	phone	%n%n%n	err:Phone
sql phone	complaint	phone	13800138000; DROP TABLE x	err:Phone
TABLE

# ------------------------------------------------------------ paths with ..
check "form name with .." 2 hall submit ../forms/payment --db "$db" --user 1001 amount=1
has "form name with ..: no such form" "$T/err" "no form"
hall find --db ../../../../../../etc/passwd 张 >"$T/out" 2>"$T/err"; rc=$?
case $rc in 6|7) ok "store path into /etc: refused ($rc)";; *) nok "store path into /etc: refused" "exit $rc";; esac
has "store path into /etc: says so" "$T/err" "/etc/passwd"
check "store path a folder" 7 hall find --db / 张
check "forms folder elsewhere" 6 hall submit payment --db "$db" --user 1001 --forms ../../../../../../etc account_no=$acct amount=1 method=cash
check "option key with ..: refused" 2 hall submit payment --db "$db" --user 1001 ../x=1
# a broken form file quoting escape sequences: the error is shown defused
mkdir -p "$T/badforms"
printf 'form payment\ntitle x | x\naction payment\nfield a\n  type \033[2J\033]0;owned\007\n' >"$T/badforms/payment.form"
check "hostile form file refused" 6 hall submit payment --db "$db" --user 1001 --forms "$T/badforms" amount=1
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/err"; then
	nok "hostile form file: message free of control characters" "$(od -c "$T/err" | head -3)"
else ok "hostile form file: message free of control characters"; fi

eq "after the table: integrity_check" "$(sq "$db" "PRAGMA integrity_check")" ok
check "after the table: audit verify" 0 hall audit verify --db "$db"

# ------------------------------------- stored hostile text, shown safely
# what an import or the sync could bring: written straight into the store
evil=$(printf '\033[2J\033]0;owned\007\302\23331m\033c名\r\n字\010')
# (the search index uses hall's own tokenizer, unknown to the sqlite3 CLI:
# its trigger goes, the look-up by account number does not need it)
sq "$db" "DROP TRIGGER customers_fts_au; UPDATE customers SET name = '$evil', address = '$evil' || '路' WHERE account_no = '$acct'"
noctl() { # NAME FILE: no control byte (TAB and newline are the format's)
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$2" ||
	   LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$2"; then
		nok "$1" "$(od -c "$2" | head -4)"
	else ok "$1"; fi
}
check "find shows the customer" 0 hall find --db "$db" "$acct"
noctl "find: no control character" "$T/out"
check "payment for the customer" 0 sub payment account_no="$acct" amount=1.00 method=cash
receipt=$(head -n1 "$T/out")
sq "$db" "SELECT text FROM receipts WHERE receipt_no = '$receipt'" >"$T/receipt"
[ -s "$T/receipt" ] && ok "receipt text stored" || nok "receipt text stored"
noctl "receipt text: no control character" "$T/receipt"
check "receipt printed" 0 hall receipt "$receipt" --db "$db" --user 1001
noctl "receipt output: no control character" "$T/out"
for f in "$T"/spool/*; do [ -f "$f" ] && noctl "spool file $(basename "$f"): no control character" "$f"; done
check "bills of the customer" 0 hall bills --db "$db" "$acct"
noctl "bills: no control character" "$T/out"
check "show-id of the customer" 0 hall show-id "$acct" --db "$db" --user 9001
noctl "show-id: no control character" "$T/out"
cno=$(sq "$db" "SELECT complaint_no FROM complaints WHERE status = 'open' LIMIT 1")
sq "$db" "UPDATE complaints SET content = '$evil', name = '$evil' WHERE complaint_no = '$cno'"
check "show a work order" 0 hall show "$cno" --db "$db"
noctl "show: no control character" "$T/out"
check "work list" 0 hall worklist --db "$db"
noctl "worklist: no control character" "$T/out"

# The counter screen draws text in one place, tui_put(), which sanitises
# (src/tui/term.c): no other curses call may put text on the screen.
others=$(grep -nE '\b(mv)?w?(addn?str|addn?wstr|printw|add_wchn?str|insn?str)\b' "$HALL_TESTS"/../src/tui/*.c | grep -v '/term.c:' || true)
eq "TUI: text reaches the screen only through tui_put" "$others" ""
grep -q 'utf8_sanitize(buf, sizeof buf, s ? s : "", false);' "$HALL_TESTS"/../src/tui/term.c &&
	ok "TUI: tui_put sanitises" || nok "TUI: tui_put sanitises"
