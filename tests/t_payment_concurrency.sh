#!/bin/sh
# Receipt numbers under several counters paying at the same moment: four
# writer processes (three clerks and the manager) each post payments with
# `hall submit payment` in a loop while a fifth reverses and reprints.
# Every payment gets a receipt; no duplicate, no gap, and no 'database is
# locked' reaches a clerk.
. "$HALL_TESTS/lib.sh"
mkdir -p "$T/store"
db="$T/store/hall.db"
export HALL_DB="$db" TZ=CST-8 HALL_NOW=2026-12-04T02:00:00Z HALL_PASSWORD=demo1234
export HALL_RECEIPTS="$T/receipts" HALL_PRINT_COMMAND=none
per=${PAYMENT_LOOPS:-25}

check "demo hall" 0 hall demo --customers 500 --seed 1
seq0=$(sq "$db" "SELECT value FROM seq WHERE name = 'receipt'")
n0=$(sq "$db" "SELECT count(*) FROM payments")
eq "demo receipts numbered without gaps" "$seq0" "$n0"
sq "$db" "SELECT account_no FROM customers WHERE status <> 'closed' ORDER BY id LIMIT 97" > "$T/accounts"
[ "$(wc -l < "$T/accounts")" -eq 97 ] && ok "accounts to pay" || nok "accounts to pay"

loop() { # USER COUNTER METHOD
	i=0
	while [ $i -lt "$per" ]; do
		acct=$(sed -n "$(( (i * 13 + $2 * 7) % 97 + 1 ))p" "$T/accounts")
		case $3 in
		cash) extra="tendered=100" ;;
		*) extra="reference=$1-$2-$i" ;;
		esac
		hall submit payment --user "$1" --counter "$2" account_no="$acct" \
			amount="$(( (i % 9) + 1 )).$(( i % 10 ))5" method="$3" $extra \
			>>"$T/out.$1" 2>>"$T/err.$1" || echo "exit $? at $i" >>"$T/fail.$1"
		i=$((i + 1))
	done
}
loop 1001 1 cash &
p1=$!
loop 1002 2 wechat &
p2=$!
loop 1003 3 card &
p3=$!
loop 9001 4 alipay &
p4=$!
# meanwhile: reprints of the demo's receipts (writes too)
j=0
while [ $j -lt 8 ]; do
	hall reprint "SF001$(printf %08d $((j + 1)))" --user 1003 --counter 5 >/dev/null 2>>"$T/err.reprint" || echo "reprint $j" >>"$T/fail.reprint"
	j=$((j + 1))
done
wait $p1 $p2 $p3 $p4

total=$((per * 4))
fails=$(cat "$T"/fail.* 2>/dev/null | wc -l)
eq "every payment and reprint succeeded" "$fails" "0"
if grep -qiE 'locked|busy|占用' "$T"/err.* 2>/dev/null; then
	nok "no 'database is locked' reached a clerk" "$(grep -hiE 'locked|busy|占用' "$T"/err.* | head -3)"
else
	ok "no 'database is locked' reached a clerk"
fi
eq "one receipt printed per payment" "$(cat "$T"/out.* | wc -l)" "$total"
eq "receipts printed are distinct" "$(cat "$T"/out.* | sort -u | wc -l)" "$total"
eq "payments stored" "$(sq "$db" "SELECT count(*) FROM payments")" "$((n0 + total))"
eq "no duplicate receipt numbers" "$(sq "$db" "SELECT count(DISTINCT receipt_no) FROM payments")" "$((n0 + total))"
eq "counter matches" "$(sq "$db" "SELECT value FROM seq WHERE name = 'receipt'")" "$((n0 + total))"
eq "no gap: the highest number is the count" \
	"$(sq "$db" "SELECT max(CAST(substr(receipt_no, 6) AS INTEGER)) || '/' || min(CAST(substr(receipt_no, 6) AS INTEGER)) FROM payments")" \
	"$((n0 + total))/1"
eq "every receipt number has its receipt text" \
	"$(sq "$db" "SELECT count(*) FROM payments p WHERE p.id > $n0 AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.receipt_no = p.receipt_no AND r.copy = 0)")" "0"
eq "each clerk's payments" "$(sq "$db" "SELECT group_concat(n, ',') FROM (SELECT count(*) AS n FROM payments WHERE id > $n0 GROUP BY staff_id ORDER BY staff_id)")" "$per,$per,$per,$per"
eq "allocations add up" "$(sq "$db" "SELECT count(*) FROM payments p WHERE amount_fen <> (SELECT coalesce(sum(late_fee_fen + principal_fen + prepaid_fen), 0) FROM payment_alloc WHERE payment_id = p.id)")" "0"
eq "reprints recorded" "$(sq "$db" "SELECT count(*) FROM receipts WHERE copy > 0")" "8"
eq "journal has every payment" "$(sq "$db" "SELECT count(*) FROM journal WHERE kind = 'payment.create'")" "$((n0 + total))"
