#!/bin/sh
# hall advance / worklist / show / calendar / rules / rectify: work orders
# from the command line, with the same checks as the core; bad input
# writes nothing.
. "$HALL_TESTS/lib.sh"
db="$T/hall.db"
export HALL_DB="$db" TZ=Asia/Shanghai
export HALL_NOW=2026-09-30T02:00:00Z      # Wednesday 10:00, the eve of National Day
hall init --hall 001 --name 鼓楼供电营业厅 >/dev/null 2>&1
HALL_NEW_PASSWORD=admin-pass-1 hall user add 0001 --name 管理员 --role admin >/dev/null 2>&1
HALL_NEW_PASSWORD=demo1234 HALL_PASSWORD=admin-pass-1 hall user add 1001 --name 张敏 --role clerk --user 0001 >/dev/null 2>&1
HALL_NEW_PASSWORD=demo1234 HALL_PASSWORD=admin-pass-1 hall user add 9001 --name 陈主任 --role manager --user 0001 >/dev/null 2>&1
export HALL_PASSWORD=demo1234
sub() { hall submit "$@" --user 1001 --counter 3; }
adv() { hall advance "$@" --user 1001 --counter 3; }
journal() { sq "$db" "SELECT count(*) FROM journal WHERE kind NOT LIKE 'audit.%'"; }   # logins are audited
events() { sq "$db" "SELECT count(*) FROM work_events WHERE number='$1'"; }

# ------------------------------------------------------------ calendar
check "calendar show 2026" 0 hall calendar show 2026
has "shipped calendar: the 2026 arrangement" "$T/out" "source 国务院办公厅关于2026年部分节假日安排的通知"
has "make-up working day listed" "$T/out" "2026-10-10 work 国庆节调休上班"
has "working days of 2026 counted" "$T/out" "工作日 248"
hall calendar show 2026 | grep -v '^#' >"$T/cal2026.cal"
check "calendar show output is a calendar file" 0 hall calendar check "$T/cal2026.cal"
check "shipped files check" 0 hall calendar check "$HALL_FORMS/calendar-2026.cal" "$HALL_FORMS/calendar-2027.cal"
has "2027 is provisional" "$T/out" "2027 provisional"
check "calendar show of a missing year" 3 hall calendar show 2031
has "missing year explained" "$T/err" "工作日历中没有 2031 年"
check "calendar show bad year" 2 hall calendar show 20x6

# ------------------------------------------------------ new connection
check "new connection" 0 sub new-connection name=陈志明 id_type=resident_id id_number=350103197511307896 \
	phone=13700001111 address="福建省福州市鼓楼区杨桥路6号" category=residential voltage=220v capacity=8 kind=lv_residential
app=$(sed -n 1p "$T/out"); acct=$(sed -n 2p "$T/out")
eq "deadline over National Day: 5 working days incl. the make-up Saturday" \
	"$(sq "$db" "SELECT deadline FROM applications WHERE app_no='$app'")" "2026-10-13T15:59:59Z"
before=$(journal)
check "skipping a stage refused" 1 adv "$app" --to plan
has "skip explained in Chinese" "$T/err" "不能跳过环节"
check "documents missing refused" 2 adv "$app" --to survey docs=id
has "missing document named" "$T/err" "缺少产权证明"
check "unknown stage refused" 2 adv "$app" --to design_review
check "a field of another step refused" 2 adv "$app" --to survey docs=id,property meter_no=1
check "no --to" 2 adv "$app"
check "not key=value" 2 adv "$app" --to survey docs
check "unknown order" 3 adv YK001209901010001 --to survey
eq "refusals wrote nothing" "$(journal)" "$before"
eq "only the creation event" "$(events "$app")" "1"
check "clerk needs a password" 4 env HALL_PASSWORD=wrong "$HALL_BIN" advance "$app" --to survey docs=id,property --user 1001
export HALL_NOW=2026-10-08T01:00:00Z
check "survey" 0 adv "$app" --to survey docs=id,property survey_result=表位已定
has "advance prints stage and deadline" "$T/out" "$app	survey	open	2026-10-13 23:59"
check "plan" 0 adv "$app" --to plan
check "going back without a reason refused" 2 adv "$app" --to survey
check "going back with a reason" 0 adv "$app" --to survey reason=表位需重新勘查
check "forward again" 0 adv "$app" --to plan
check "show" 0 hall show "$app"
has "show: kind and type" "$T/out" "新装 · 低压居民"
has "show: stage" "$T/out" "环节 供电方案答复（plan）"
has "show: clock with days used" "$T/out" "已用 1/5个工作日"
has "show: history with the reason" "$T/out" "表位需重新勘查"
has "show: fields of a step" "$T/out" '"docs":"id,property"'
has "show: phone masked" "$T/out" "137****1111"

# --------------------------------------------------------- complaints
export HALL_NOW=2026-09-30T02:00:00Z
check "complaint" 0 sub complaint account_no="$acct" name=陈志明 phone=13700001111 kind=complaint \
	category=service channel=hotline_95598 content="营业员态度差"
ts=$(head -n1 "$T/out")
eq "contact within 24 hours" "$(sq "$db" "SELECT deadline FROM complaints WHERE complaint_no='$ts'")" "2026-10-01T02:00:00Z"
check "follow-up before the reply refused" 1 adv "$ts" --to followup result=satisfied method=phone attempts=1
has "follow-up refusal explained" "$T/err" "还没有答复客户，不能回访"
check "dispatch without a person refused" 2 adv "$ts" --to dispatch department=营业班
check "dispatch" 0 adv "$ts" --to dispatch department=营业班 person=林班长
check "handle (contacted)" 0 adv "$ts" --to handle contact_method=phone
eq "reply clock after contact" "$(sq "$db" "SELECT deadline FROM complaints WHERE complaint_no='$ts'")" "2026-10-13T15:59:59Z"
check "reply without verification refused" 2 adv "$ts" --to reply reply=已处理
check "reply" 0 adv "$ts" --to reply reply=已核实属实 verified=yes company_fault=yes staff_involved=1001
check "unsatisfied follow-up" 0 adv "$ts" --to followup result=unsatisfied method=phone attempts=2
has "reopened" "$T/out" "$ts	handle	open"
has "reopen said" "$T/err" "回访不满意，工单已退回处理"
check "archive while unsatisfied refused" 1 adv "$ts" --to archive
has "archive refusal explained" "$T/err" "回访不满意，不能归档"

# ------------------------------------------------------ rectification
check "rectification by a clerk refused" 4 hall rectify "$ts" staff=1001 talk_date=2026-09-30 causes=服务意识不强 \
	account=排队人多语气急躁 measures=学习服务规范 responsible=林班长 deadline=2026-10-30 --user 1001
has "role named" "$T/err" "无权登记整改"
check "rectification by the manager" 0 hall rectify "$ts" staff=1001 talk_date=2026-09-30 causes=服务意识不强 \
	account=排队人多语气急躁 measures=学习服务规范 responsible=林班长 deadline=2026-10-30 --user 9001 --counter 9
zg=$(head -n1 "$T/out")
eq "rectification number" "$zg" "ZG001202609300001"
check "show rectification" 0 hall show "$zg"
has "rectification deadline shown" "$T/out" "整改期限 2026-10-30（2026-10-30 23:59）"
check "review by the manager" 0 hall rectify review "$zg" result=整改到位 --user 9001

# ---------------------------------------------------------- work list
export HALL_NOW=2026-09-30T02:00:00Z
check "second complaint" 0 sub complaint name=路人甲 phone=13600002222 kind=complaint category=service content=排队太久
ts2=$(head -n1 "$T/out")
check "worklist" 0 hall worklist
eq "nearest deadline first" "$(cut -f4 "$T/out" | tr '\n' ' ')" "$ts2 $ts $app "
has "reopened complaint: a new reply clock" "$T/out" "2026-10-13 23:59		诉求	$ts	投诉	处理	陈志明"
export HALL_NOW=2026-10-12T02:00:00Z
check "worklist --overdue" 0 hall worklist --overdue
eq "only the overdue complaint" "$(cut -f2,4 "$T/out")" "超期	$ts2"
export HALL_NOW=2026-10-13T02:00:00Z
check "worklist marks due today" 0 hall worklist
has "due today" "$T/out" "今日到期	新装	$app"
check "worklist for another clerk" 0 hall worklist --staff 9999
has "empty list said" "$T/err" "没有未办结的工单"

# ------------------------------------------------------- calendar import
cat > "$T/bad.cal" <<'CAL'
year 2026
2026-10-01 off 国庆节
2026-10-12 work 周一
CAL
before=$(journal)
check "import a bad file refused (FILE:LINE)" 2 env HALL_PASSWORD=admin-pass-1 "$HALL_BIN" calendar import "$HALL_FORMS/calendar-2027.cal" "$T/bad.cal" --user 0001
has "file and line named" "$T/err" "bad.cal:3: 2026-10-12 是星期一"
check "import by a clerk refused" 4 hall calendar import "$T/cal2026.cal" --user 1001
eq "nothing imported" "$(journal)" "$before"
sed 's/^2026-10-10 work .*/2026-10-12 off 测试/' "$T/cal2026.cal" >"$T/mod.cal"
check "import by the administrator" 0 env HALL_PASSWORD=admin-pass-1 "$HALL_BIN" calendar import "$T/mod.cal" --user 0001
has "recomputed count said" "$T/err" "在办工单的期限已重新计算，其中 2 张有变化"
eq "application deadline moved" "$(sq "$db" "SELECT deadline FROM applications WHERE app_no='$app'")" "2026-10-15T15:59:59Z"
eq "import journaled with its days" "$(sq "$db" "SELECT json_array_length(json_extract(payload, '\$.days')) FROM journal WHERE kind='calendar.import'")" "39"

# -------------------------------------------------------------- rules
check "rules list" 0 hall rules list
has "total clock of LV residential" "$T/out" "deadline	application	lv_residential	total	accept	connect	-	5	workdays"
has "1996 rule kept" "$T/out" "change	suspend	max_per_year	1996-10-08	2"
has "2024 relaxation held" "$T/out" "change	suspend	max_per_year	2024-06-01	none"
check "rules by a clerk refused" 4 hall rules deadline application lv_residential total 4 workdays --user 1001
check "rules: bad unit" 2 env HALL_PASSWORD=admin-pass-1 "$HALL_BIN" rules deadline application lv_residential total 4 weeks --user 0001
check "rules: deadline" 0 env HALL_PASSWORD=admin-pass-1 "$HALL_BIN" rules deadline application lv_residential total 4 workdays --user 0001
eq "application deadline recomputed" "$(sq "$db" "SELECT deadline FROM applications WHERE app_no='$app'")" "2026-10-14T15:59:59Z"
check "rules: change" 0 env HALL_PASSWORD=admin-pass-1 "$HALL_BIN" rules change suspend min_days 2027-01-01 10 --note 测试 --user 0001
check "rules: setting" 0 env HALL_PASSWORD=admin-pass-1 "$HALL_BIN" rules set repeat_window_days 7 --user 0001
check "rules: unknown setting" 2 env HALL_PASSWORD=admin-pass-1 "$HALL_BIN" rules set colour blue --user 0001

# ----------------------------------------------- change rules at submit
check "no change before connection" 1 sub change account_no="$acct" change_type=suspend \
	start_date=2026-10-20 end_date=2026-11-25 transformers=1
has "account state rule named" "$T/err" "户号 $acct 当前为“新装中”（变更规则 suspend.account_status）"
for st in completion_check contract; do adv "$app" --to $st >/dev/null 2>&1; done
check "connect" 0 adv "$app" --to connect meter_no=3300123456
eq "the account is connected" "$(sq "$db" "SELECT status FROM customers WHERE account_no='$acct'")" "normal"
check "suspend shorter than 15 days refused" 2 sub change account_no="$acct" change_type=suspend \
	start_date=2026-10-20 end_date=2026-10-25 transformers=1
has "rule named and explained" "$T/err" "每次不少于15天，本次 2026-10-20 至 2026-10-25 只有6天（变更规则 suspend.min_days，1996-10-08起施行）"
check "suspend of 16 days" 0 sub change account_no="$acct" change_type=suspend \
	start_date=2026-10-20 end_date=2026-11-04 transformers=1

# ----------------------------------------------------------- warnings
export HALL_NOW=2028-01-05T02:00:00Z
check "worklist past the calendar" 0 hall worklist
has "start-up warning past the last year" "$T/err" "工作日历只到 2027 年"
export HALL_NOW=2027-03-01T02:00:00Z
check "show in a provisional year" 0 hall show "$app"
has "start-up warning provisional" "$T/err" "2027 年的工作日历是暂定的"
