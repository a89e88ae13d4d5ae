/*
 * demo.c - a realistic demo hall store, deterministic for a seed.
 *
 * How the data is made (see include/hall/demo.h for the promise):
 *
 * - Randomness: xoshiro256** seeded through splitmix64 from (seed, stream,
 *   index), one generator per customer, bill set, payment and work order,
 *   so every record depends only on its own index (never on rand(), the
 *   order of generation or the platform).
 * - Today T is store_today_local() (HALL_NOW overrides it).  The three bill
 *   periods are the three months before T's month.  A bill is issued by
 *   central billing on the 1st of the month after its period and is due on
 *   the 25th of that month; its created_at is the issue day, 06:00 local.
 * - Customers: serials 1..N in order of opening (account number = hall code
 *   + 7-digit serial; seq('account') = N).  The bulk customers opened
 *   between 20 years and ~4 months ago; the last ones are the accounts of
 *   the demo's new-connection applications (status 'connecting' while the
 *   application is open).  Closed commercial accounts closed before
 *   2023-06-01 keep the legacy categories general_commercial /
 *   large_industrial.
 * - Bills (status normal customers only): kWh from a per-customer base
 *   load, the month's season and noise; amounts in integer fen from demo
 *   tariffs in 1/10000 yuan per kWh (residential tiers 0-200 / 201-400 /
 *   >400 kWh at 0.4983 / 0.5483 / 0.7983, commercial single-part 0.6410,
 *   two-part 0.5860 + basic fee 23.40 yuan per kVA and month, agricultural
 *   0.5130), rounded half up to the fen.  Demo figures, not a tariff.
 * - Payments: a customer pays online or by bank (the bill arrives paid
 *   from central billing, paid_fen = amount without an allocation: what
 *   payment.h calls principal paid outside the counter), or at the hall's
 *   counters (30% of the customers, at most ~12,000 of them: three clerks
 *   take a few hundred payments a day whatever the size of the hall), or
 *   not at all (4%: arrears).  Counter payers pay on time, late, in part or
 *   a round sum above the bill.  A counter payment is taken 08:30-17:30 on
 *   a day before T by clerk 100N at counter N and settles the account's
 *   unpaid bills as the counter does: oldest first, late fee before
 *   principal, the fee from payment_late_fee() with the store's rule table
 *   (the 1996 rule by default), the excess to prepaid balance (only on the
 *   last bill, so no later bill had to consume it); an amount above the
 *   hall's limit per payment (payment_settings) is taken as several
 *   payments the same day.  So a bill with allocations has paid_fen = the
 *   sum of its allocated principal, one without has paid_fen 0 or amount;
 *   status follows paid_fen; customers.prepaid_fen = the prepaid allocated.
 *   Receipts "SF" + hall + 8-digit serial in time order; seq('receipt').
 * - Work orders: new-connection applications ("YK"), business changes
 *   ("BG") and complaints ("TS") numbered as the counter numbers them:
 *   prefix + hall + accept date + the day's 4-digit serial, with the day's
 *   counter seq(prefix + YYYYMMDD) set to its last number.  All accepted
 *   before today; open ones at every stage of workorder.h (a few stalled
 *   past their deadline), finished ones archived; one work_events row per
 *   step with the fields workorder_advance() would record, the first from
 *   NULL to 'accept'; complaints carry their dispatch, contact, verification
 *   and follow-up columns.  Deadlines are left to the work-order module:
 *   workorder_recompute_open() with the hall's rules and calendar.
 * - Journal: store_journal_row() for every counter payment and its
 *   allocation, every work order, its events and the accounts opened by
 *   applications, with the kinds the counter uses; not for the bulk master
 *   data (customers and bills come from central billing).
 * - Speed: one transaction on a private file with synchronous=OFF and an
 *   in-memory rollback journal; the secondary indexes of customers and
 *   bills and the FTS triggers are dropped during the load and made again
 *   after it (the FTS index with one 'rebuild'), reading their SQL back
 *   from sqlite_master.
 *   1,000,000 customers take about 20 s (19 s CPU), 780 MB and 340 MB of
 *   memory on a 2-core machine (tests/bench_demo).
 */
#include "hall/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hall/auth.h"
#include "hall/ident.h"
#include "hall/payment.h"
#include "hall/store.h"
#include "hall/workorder.h"
#include "sbuf.h"

/* Choice keys shared with the counter forms in forms/. */
#define KIND_LV_RES "lv_residential"
#define KIND_LV_NONRES "lv_nonresidential"
#define KIND_HV_SINGLE "hv_single"
#define KIND_HV_DUAL "hv_dual"

#define REPEAT_WINDOW_DAYS 30   /* as src/core/counter.c */

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ================================================================ random */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Streams keep unrelated uses of one index apart. */
enum {
	ST_CUSTOMER = 1, ST_BILLS, ST_PAYMENT, ST_APP, ST_CHANGE, ST_COMPLAINT,
	ST_EVENTS,
};

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream,
                     uint64_t index)
{
	uint64_t x = seed;
	uint64_t k = splitmix64(&x) ^ (stream << 56) ^ index;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&k);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in 0..n-1 (n >= 1). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in lo..hi inclusive. */
static long rng_range(struct rng *r, long lo, long hi)
{
	if (hi <= lo)
		return lo;
	return lo + (long)rng_below(r, (uint32_t)(hi - lo + 1));
}

static bool rng_permille(struct rng *r, unsigned p)
{
	return rng_below(r, 1000) < p;
}

/* Index picked by weight. */
static int rng_weighted(struct rng *r, const unsigned short *w, int n)
{
	uint32_t total = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	uint32_t x = rng_below(r, total);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)N_ELEMS(arr))])

/* ================================================================ tables */

static const char *const surnames[] = {
	"陈", "林", "黄", "张", "王", "李", "吴", "刘", "郑", "杨",
	"许", "何", "郭", "周", "游", "魏", "翁", "江", "叶", "蔡",
	"谢", "罗", "苏", "曾", "施", "赵", "徐", "孙", "朱", "胡",
	"高", "梁", "宋", "唐", "韩", "邓", "彭", "肖", "潘", "余",
	"杜", "程", "卢", "沈", "姚", "钟", "薛", "雷", "詹", "庄",
	"邱", "方", "范", "傅", "严", "薛", "兰", "阮", "池", "欧阳",
};
static const unsigned short surname_w[] = {
	120, 100, 70, 50, 40, 40, 30, 30, 30, 20,
	20, 15, 20, 20, 10, 10, 10, 10, 15, 10,
	10, 10, 10, 10, 8, 8, 8, 8, 6, 6,
	6, 6, 5, 5, 5, 5, 5, 5, 5, 5,
	4, 4, 4, 4, 4, 4, 3, 3, 3, 3,
	4, 4, 3, 3, 3, 2, 2, 2, 2, 1,
};

static const char *const given_male[] = {
	"伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚",
	"平", "辉", "鹏", "华", "飞", "鑫", "波", "斌", "宇", "浩",
	"凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "建",
	"国", "志", "文", "东", "海", "峰", "晨", "锋", "毅", "彬",
	"振", "坤", "荣", "德", "昌", "福", "榕", "新", "庆", "生",
	"金", "祥", "贵", "发", "良", "清", "永", "春", "宏", "成",
};
static const char *const given_female[] = {
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲",
	"燕", "婷", "雪", "琳", "倩", "颖", "慧", "莉", "萍", "红",
	"梅", "洁", "琴", "云", "璐", "欣", "怡", "佳", "瑶", "蕾",
	"薇", "晶", "露", "丹", "妍", "英", "兰", "凤", "珍", "月",
	"莹", "琪", "菲", "彤", "娇", "雯", "蓉", "清", "华", "玉",
};
static const char *const given_first[] = {
	"晓", "志", "建", "国", "秀", "丽", "美", "春", "文", "明",
	"海", "金", "玉", "淑", "桂", "雅", "思", "子", "梓", "雨",
	"嘉", "佳", "一", "欣", "俊", "宇", "天", "振", "永", "鸿",
	"小", "伟", "家", "锦", "少", "宗", "清", "惠", "月", "冬",
	"秋", "新", "榕", "乐", "诗", "若", "心", "立", "学", "德",
};

static const char *const trade1[] = {
	"鑫", "恒", "华", "永", "金", "宏", "德", "盛", "福", "榕",
	"闽", "瑞", "嘉", "泰", "源", "祥", "佳", "鼎", "隆", "汇",
	"丰", "新", "博", "海", "东", "志", "万", "天", "中", "正",
};
static const char *const trade2[] = {
	"源", "达", "泰", "盛", "昌", "发", "兴", "隆", "顺", "利",
	"和", "安", "辉", "美", "晟", "鑫", "创", "信", "通", "远",
	"润", "丰", "成", "宝", "航",
};
static const char *const industries[] = {
	"餐饮管理", "商贸", "物业管理", "建材", "科技", "服装", "五金机电",
	"食品", "汽车维修", "文化传媒", "医药", "电子", "装饰工程",
	"教育咨询", "酒店管理", "超市", "茶业", "家具", "印刷", "物流",
	"网络科技", "健身管理", "广告", "贸易",
};
static const char *const shops[] = {
	"小吃店", "便利店", "水果店", "理发店", "五金店", "茶叶店", "服装店",
	"面馆", "药店", "早餐店", "干洗店", "打印店", "鱼丸店", "烧烤店",
	"花店", "眼镜店", "手机维修部", "副食品商行", "建材经营部",
};
static const char *const farms[] = {
	"果蔬专业合作社", "种植专业合作社", "家庭农场", "茶叶专业合作社",
	"养殖场", "花卉专业合作社", "食用菌专业合作社",
};

static const char *const roads_gulou[] = {
	"华林路", "五四路", "东街", "杨桥中路", "湖东路", "铜盘路", "西洪路",
	"工业路", "北大路", "温泉路", "乌山路", "鼓屏路", "白马北路",
	"西二环北路", "福飞路", "洪山园路", "梅峰路", "琴亭路", "屏西路",
	"树兜路", "六一北路", "东大路", "通湖路", "湖滨路", "省府路", "南后街",
};
static const char *const roads_taijiang[] = {
	"五一中路", "八一七中路", "国货西路", "广达路", "群众路", "江滨中大道",
	"六一中路", "达江路", "上杭路",
};
static const char *const roads_jinan[] = {
	"福新中路", "长乐北路", "岳峰路", "连江北路", "王庄路", "鼓山路",
	"福马路", "秀峰路",
};
static const char *const roads_cangshan[] = {
	"上三路", "首山路", "盖山路", "则徐大道", "建新北路", "闽江大道",
	"南江滨西大道", "金山大道",
};

struct district {
	const char *name, *code;
	const char *const *roads;
	int nroads;
};
static const struct district districts[] = {
	{ "鼓楼区", "350102", roads_gulou, N_ELEMS(roads_gulou) },
	{ "台江区", "350103", roads_taijiang, N_ELEMS(roads_taijiang) },
	{ "仓山区", "350104", roads_cangshan, N_ELEMS(roads_cangshan) },
	{ "晋安区", "350111", roads_jinan, N_ELEMS(roads_jinan) },
};
static const unsigned short district_w[] = { 70, 10, 10, 10 };

static const char *const compound_a[] = {
	"融侨", "温泉", "金牛", "屏西", "华林", "福飞", "三盛", "世茂", "阳光",
	"金辉", "正祥", "榕城", "左海", "西湖", "鼓楼", "东方", "海润", "冠亚",
	"龙腾", "锦绣", "怡和", "嘉和", "乌山", "梅峰", "洪山", "琴亭", "恒力",
	"名城", "江南", "闽江",
};
static const char *const compound_b[] = {
	"花园", "小区", "新村", "公寓", "家园", "苑", "山庄", "大厦", "城",
	"佳园", "雅居", "名都", "广场", "华庭",
};
static const char *const minhou_towns[] = {
	"南屿镇", "上街镇", "荆溪镇", "白沙镇", "南通镇", "青口镇", "祥谦镇",
	"竹岐乡", "鸿尾乡", "洋里乡",
};
static const char *const villages[] = {
	"江口村", "下洲村", "桐口村", "厚美村", "溪源村", "后山村", "新峰村",
	"龙祥村", "高岐村", "南井村", "尧沙村", "洋头村",
};

/* Regions for resident ID numbers: where people were born. */
static const char *const id_regions_fz[] = {
	"350102", "350103", "350104", "350111", "350121", "350122", "350123",
	"350124", "350125", "350128", "350181", "350182",
};
static const char *const id_regions_fj[] = {
	"350203", "350206", "350505", "350583", "350322", "350425", "350722",
	"350821", "350902", "350628",
};
static const char *const id_regions_cn[] = {
	"360102", "330106", "110105", "310104", "440106", "430104", "420106",
	"510107", "362201", "341002", "320106", "370102",
};

static const char *const mobile_prefixes[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159", "166",
	"173", "175", "176", "177", "178", "180", "181", "182", "183", "184",
	"185", "186", "187", "188", "189", "191", "198", "199", "147",
};

/* Season of Fuzhou: kWh percentage per calendar month. */
static const int season_pct[12] = { 110, 105, 90, 85, 95, 115,
                                    150, 160, 135, 100, 90, 105 };

/* Payment methods (keys of forms/payment.form) and habits per category. */
enum { PM_CASH, PM_CARD, PM_WECHAT, PM_ALIPAY, PM_CHEQUE, PM_TRANSFER, PM__N };
static const char *const method_keys[PM__N] = {
	"cash", "card", "wechat", "alipay", "cheque", "transfer",
};
static const unsigned short method_w[3][PM__N] = {
	{ 25, 10, 35, 30, 0, 0 },   /* residential */
	{ 8, 20, 15, 12, 10, 35 },  /* commercial */
	{ 40, 10, 30, 20, 0, 0 },   /* agricultural */
};

/* Demo staff; the first must be the admin (auth_user_add). */
static const struct {
	const char *id, *name;
	enum hall_role role;
} demo_users[] = {
	{ "0001", "系统管理员", ROLE_ADMIN },
	{ "1001", "张敏", ROLE_CLERK },
	{ "1002", "林晓燕", ROLE_CLERK },
	{ "1003", "黄志强", ROLE_CLERK },
	{ "9001", "陈主任", ROLE_MANAGER },
};
static const char *const clerk_ids[3] = { "1001", "1002", "1003" };

/* ================================================================ state */

enum cat { CAT_RES, CAT_COM, CAT_AGR };
/* How a customer pays: at the hall's counters on time, late (with the
 * late fee), in part, a round sum above the bill (the rest prepaid); or
 * online / by bank (elsewhere: the bill arrives paid from central billing,
 * with no payment here); or not at all.
 *
 * A share of the customers pays at the counters: 30%, but no more than
 * three clerks take in a day, so at most about COUNTER_PAYERS customers
 * (some 350 payments a day at a large hall). */
enum habit { H_ONTIME, H_LATE, H_PARTIAL, H_OVERPAY, H_ELSEWHERE, H_NEVER };
static const unsigned short counter_habit_w[] = { 600, 180, 70, 150 };
#define COUNTER_SHARE_PERMILLE 300
#define COUNTER_PAYERS 12000L
#define NEVER_PAY_PERMILLE 40
enum status { S_NORMAL, S_SUSPENDED, S_TEMP_REMOVED, S_CLOSED, S_CONNECTING };
static const char *const status_keys[] = {
	"normal", "suspended", "temp_removed", "closed", "connecting",
};

struct gcust {
	long serial;
	char account_no[16];
	char name[192];
	const char *id_type;
	char id_number[24];
	char phone[24];
	char address[384];
	enum cat cat;
	const char *category;
	const char *voltage;
	int64_t capacity;
	bool two_part;
	enum status status;
	long created_day;
	int created_sec;
	long updated_day;
	int updated_sec;
	int base;             /* kWh per month (residential) or hours (others) */
	bool vacant;
	enum habit habit;
	int64_t prepaid;
	const char *road;     /* for complaint texts */
};

#define MAX_BILLS 3

struct gbill {
	int64_t id;
	int py, pm;           /* period */
	long issue, due;      /* day numbers */
	int64_t kwh, amount, paid;
};

struct galloc {
	int64_t bill_id;
	int64_t late;
	int64_t principal;
};

/* The bills' ids and the counter payments made while the customers are
 * written; the payments are written afterwards, in time order. */
struct sim {
	int64_t next_bill_id;
	struct gpay *pays;
	size_t npays, cappays;
	struct galloc *allocs;
	size_t nallocs, capallocs;
};

struct gpay {
	uint32_t cust;        /* serial */
	uint32_t alloc;       /* first allocation */
	int32_t day;          /* local day number */
	int32_t sec;          /* seconds after local midnight */
	int64_t amount;
	uint8_t nalloc;
	uint8_t method;
	uint8_t counter;      /* 1..3, clerk 1001..1003 */
};

/* One stage transition of a work order. */
struct gevent {
	long day;
	int sec;
	int stage;            /* index into the kind's stage list */
	int staff;            /* index into demo_users */
};

#define MAX_EVENTS 10

enum wkind { W_APP, W_CHANGE, W_COMPLAINT };

struct gwork {
	enum wkind kind;
	long index;           /* generator index */
	long serial;          /* number serial, in time order per kind */
	long cust;            /* account serial, 0 for a passer-by */
	const char *type;     /* application kind, change type, complaint kind */
	const char *const *stages;
	int nevents;
	struct gevent ev[MAX_EVENTS];
	bool done;
	/* complaints */
	const char *category;
	const char *subcategory;
	const char *channel;
	bool repeat;
	char name[192];
	char phone[24];
	char content[512];
};

struct demo {
	const struct demo_options *o;
	struct store *s;
	sqlite3 *db;
	uint64_t seed;
	char hall[8];
	long n, nbulk;
	long today;           /* local day number */
	int ty, tm;           /* today's year and month */
	long bulk_first, bulk_last;
	long issue[MAX_BILLS], due[MAX_BILLS];
	int py[MAX_BILLS], pm[MAX_BILLS];
	uint8_t *status;      /* per serial (index serial-1) */
	struct sim sim;       /* bill ids, counter payments */
	struct late_fee_rules *rules;   /* the store's late fee rules */
	unsigned counter_permille;      /* customers who pay at the counters */
	int64_t pay_limit;    /* the hall's limit per payment, 0 none */
	long npays;           /* counter payments written */
	/* work orders */
	struct gwork *work;
	long nwork, napps, nchanges, ncomplaints;
	struct gcust *appcust;   /* accounts opened by applications */
	/* time zone offsets per local day (seconds east of UTC) */
	long tz_base;
	int32_t *tz_off;
	long tz_n;
	/* progress */
	long prog_last;
	struct demo_summary sum;
	/* statements */
	struct cust_buf *cbuf;
	struct bill_buf *bbuf;
	sqlite3_stmt *st_cust, *st_custN, *st_bill, *st_billN, *st_app,
	             *st_change, *st_complaint, *st_event;
};

#define PROG_TOTAL 1000L

static void progress(struct demo *d, long done)
{
	if (done > PROG_TOTAL)
		done = PROG_TOTAL;
	if (!d->o->progress || done <= d->prog_last)
		return;
	d->prog_last = done;
	d->o->progress(d->o->ud, done, PROG_TOTAL);
}

/* ================================================================ dates */

static int weekday(long day)   /* 0 Monday .. 6 Sunday */
{
	long w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static long add_workdays(long day, int n)
{
	while (n > 0) {
		day++;
		if (weekday(day) < 5)
			n--;
	}
	return day;
}

static void put_num(char *p, long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Hall code + 7-digit serial. */
static void fmt_account(const struct demo *d, long serial, char out[16])
{
	memcpy(out, d->hall, 3);
	put_num(out + 3, serial, 7);
	out[10] = '\0';
}

/* "YYYY-MM-DD" */
static void fmt_date(long day, char out[11])
{
	int y, m, dd;
	ident_civil_from_days(day, &y, &m, &dd);
	put_num(out, y, 4);
	out[4] = '-';
	put_num(out + 5, m, 2);
	out[7] = '-';
	put_num(out + 8, dd, 2);
	out[10] = '\0';
}

/* "YYYYMMDD" */
static void fmt_ymd(long day, char out[9])
{
	int y, m, dd;
	ident_civil_from_days(day, &y, &m, &dd);
	put_num(out, y, 4);
	put_num(out + 4, m, 2);
	put_num(out + 6, dd, 2);
	out[8] = '\0';
}

static long tz_compute(long day);

/* Seconds east of UTC of the process's time zone on a local day (noon). */
static long tz_offset(const struct demo *d, long day)
{
	long i = day - d->tz_base;
	if (i >= 0 && i < d->tz_n && d->tz_off[i] != INT32_MIN)
		return d->tz_off[i];
	return tz_compute(day);
}

/* Fill the table of offsets once (mktime per day, not per record). */
static void tz_fill(struct demo *d)
{
	for (long i = 0; i < d->tz_n; i++)
		d->tz_off[i] = (int32_t)tz_compute(d->tz_base + i);
}

static long tz_compute(long day)
{
	int y, m, dd;
	ident_civil_from_days(day, &y, &m, &dd);
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = dd;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	return t == (time_t)-1 ? 0 : (long)(day * 86400L + 43200L - (long)t);
}

static int64_t utc_of(const struct demo *d, long day, int sec)
{
	return (int64_t)day * 86400 + sec - tz_offset(d, day);
}

/* UTC seconds -> "YYYY-MM-DDTHH:MM:SSZ" */
static void fmt_utc_t(int64_t t, char out[21])
{
	long day = (long)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
	long sec = (long)(t - (int64_t)day * 86400);
	fmt_date(day, out);
	out[10] = 'T';
	put_num(out + 11, sec / 3600, 2);
	out[13] = ':';
	put_num(out + 14, sec / 60 % 60, 2);
	out[16] = ':';
	put_num(out + 17, sec % 60, 2);
	out[19] = 'Z';
	out[20] = '\0';
}

static void fmt_utc(const struct demo *d, long day, int sec, char out[21])
{
	fmt_utc_t(utc_of(d, day, sec), out);
}

/* A time during opening hours, 08:30-17:30. */
static int hall_sec(struct rng *r)
{
	return (int)rng_range(r, 8 * 3600 + 1800, 17 * 3600 + 1799);
}

/* ================================================================ people */

static void gen_person_name(struct rng *r, bool male, char *out, size_t n)
{
	const char *sur = surnames[rng_weighted(r, surname_w, N_ELEMS(surname_w))];
	const char *g2 = male ? PICK(r, given_male) : PICK(r, given_female);
	if (rng_permille(r, 250))
		snprintf(out, n, "%s%s", sur, g2);
	else
		snprintf(out, n, "%s%s%s", sur, PICK(r, given_first), g2);
}

static void gen_mobile(struct rng *r, char out[24])
{
	memcpy(out, PICK(r, mobile_prefixes), 3);
	put_num(out + 3, (long)rng_below(r, 100000000), 8);
	out[11] = '\0';
}

static void gen_landline(struct rng *r, char out[24])
{
	static const char lead[] = "8826";
	memcpy(out, "0591-", 5);
	out[5] = lead[rng_below(r, 4)];
	put_num(out + 6, (long)rng_below(r, 10000000), 7);
	out[13] = '\0';
}

/* Resident ID of someone born on birth_day; male gets an odd sequence. */
static void gen_resident_id(struct rng *r, long birth_day, bool male,
                            char out[24])
{
	int w = (int)rng_below(r, 100);
	const char *region = w < 70 ? PICK(r, id_regions_fz)
	                   : w < 90 ? PICK(r, id_regions_fj) : PICK(r, id_regions_cn);
	memcpy(out, region, 6);
	fmt_ymd(birth_day, out + 6);
	long seq = rng_range(r, 0, 499) * 2 + (male ? 1 : 0);
	if (seq == 0)
		seq = 2;
	put_num(out + 14, seq, 3);
	out[17] = '\0';
	out[17] = ident_resident_checkchar(out);
	out[18] = '\0';
}

/* GB 32100 code: registration authority + type, region, organisation code
 * (GB 11714 with its own check character), check character. */
static void gen_uscc(struct rng *r, const char *kind2, const char *region,
                     char out[24])
{
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w11714[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	for (;;) {
		memcpy(out, kind2, 2);
		memcpy(out + 2, region, 6);
		char *org = out + 8;
		if (rng_permille(r, 700)) {          /* new style "MA..." */
			org[0] = 'M';
			org[1] = 'A';
			for (int i = 2; i < 8; i++)
				org[i] = set[rng_below(r, 31)];
		} else {
			for (int i = 0; i < 8; i++)
				org[i] = (char)('0' + rng_below(r, 10));
		}
		int sum = 0;
		for (int i = 0; i < 8; i++) {
			char c = org[i];
			int v = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
			sum += v * w11714[i];
		}
		int c9 = 11 - sum % 11;
		org[8] = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
		out[17] = '\0';
		char cc = ident_uscc_checkchar(out);
		if (cc) {
			out[17] = cc;
			out[18] = '\0';
			return;
		}
	}
}

static const char *compound_of(long road_i, long number, char *buf, size_t n)
{
	uint64_t h = (uint64_t)road_i * 1000003u + (uint64_t)(number / 8) * 7919u;
	h = splitmix64(&h);
	snprintf(buf, n, "%s%s", compound_a[h % (uint64_t)N_ELEMS(compound_a)],
	         compound_b[(h >> 20) % (uint64_t)N_ELEMS(compound_b)]);
	return buf;
}

static void gen_address(struct rng *r, enum cat cat, const struct district *dd,
                        const char **road_out, char *out, size_t n)
{
	if (cat == CAT_AGR) {
		const char *town = PICK(r, minhou_towns);
		snprintf(out, n, "福建省福州市闽侯县%s%s%ld号", town, PICK(r, villages),
		         rng_range(r, 1, 260));
		*road_out = town;
		return;
	}
	long ri = (long)rng_below(r, (uint32_t)dd->nroads);
	const char *road = dd->roads[ri];
	long num = rng_range(r, 1, 320);
	char comp[64];
	compound_of(ri + (long)(dd - districts) * 100, num, comp, sizeof comp);
	*road_out = road;
	if (cat == CAT_RES) {
		long floor = rng_permille(r, 800) ? rng_range(r, 1, 18) : rng_range(r, 19, 33);
		long room = rng_range(r, 1, 4);
		if (rng_permille(r, 150))
			snprintf(out, n, "福建省福州市%s%s%ld号%ld座%ld%02ld室", dd->name,
			         road, num, rng_range(r, 1, 12), floor, room);
		else
			snprintf(out, n, "福建省福州市%s%s%ld号%s%ld栋%ld单元%ld%02ld室",
			         dd->name, road, num, comp, rng_range(r, 1, 30),
			         rng_range(r, 1, 4), floor, room);
		return;
	}
	int form = (int)rng_below(r, 10);
	if (form < 4)
		snprintf(out, n, "福建省福州市%s%s%ld号%s%ld号店面", dd->name, road, num,
		         comp, rng_range(r, 1, 40));
	else if (form < 7)
		snprintf(out, n, "福建省福州市%s%s%ld号%s%s大厦%ld层", dd->name, road,
		         num, PICK(r, trade1), PICK(r, trade2), rng_range(r, 1, 28));
	else
		snprintf(out, n, "福建省福州市%s%s%ld号", dd->name, road, num);
}

static const int64_t cap_res220[] = { 4, 6, 8, 10 };
static const int64_t cap_res380[] = { 12, 15, 20 };
static const int64_t cap_com220[] = { 5, 8, 10 };
static const int64_t cap_com380[] = { 15, 20, 30, 40, 50, 60, 80, 100 };
static const int64_t cap_10kv[] = { 200, 250, 315, 400, 500, 630, 800, 1000 };
static const int64_t cap_10kv_big[] = { 1250, 1600, 2000, 2500 };
static const int64_t cap_agr[] = { 10, 15, 20, 30, 50 };

static void gen_supply(struct rng *r, struct gcust *c)
{
	c->two_part = false;
	if (c->cat == CAT_RES) {
		if (rng_permille(r, 920)) {
			c->voltage = "220v";
			c->capacity = PICK(r, cap_res220);
		} else {
			c->voltage = "380v";
			c->capacity = PICK(r, cap_res380);
		}
		return;
	}
	if (c->cat == CAT_AGR) {
		unsigned x = rng_below(r, 100);
		if (x < 25) {
			c->voltage = "220v";
			c->capacity = rng_permille(r, 500) ? 5 : 8;
		} else if (x < 92) {
			c->voltage = "380v";
			c->capacity = PICK(r, cap_agr);
		} else {
			c->voltage = "10kv";
			c->capacity = rng_permille(r, 500) ? 160 : 200;
		}
		return;
	}
	unsigned x = rng_below(r, 1000);
	if (x < 150) {
		c->voltage = "220v";
		c->capacity = PICK(r, cap_com220);
	} else if (x < 700) {
		c->voltage = "380v";
		c->capacity = PICK(r, cap_com380);
	} else if (x < 950) {
		c->voltage = "10kv";
		c->capacity = PICK(r, cap_10kv);
	} else if (x < 985) {
		c->voltage = "10kv";
		c->capacity = PICK(r, cap_10kv_big);
	} else if (x < 993) {
		c->voltage = "20kv";
		c->capacity = rng_permille(r, 500) ? 3150 : 4000;
	} else if (x < 999) {
		c->voltage = "35kv";
		c->capacity = 5000 + 1000 * rng_range(r, 0, 10);
	} else {
		c->voltage = "110kv";
		c->capacity = rng_permille(r, 500) ? 20000 : 31500;
	}
	c->two_part = c->capacity >= 315 || (c->capacity >= 100 && rng_permille(r, 100));
}

/* Name, document and phone of a customer of category c->cat. */
static void gen_identity(const struct demo *d, struct rng *r, struct gcust *c,
                         const struct district *dd)
{
	bool org;
	if (c->cat == CAT_RES)
		org = false;
	else if (c->cat == CAT_AGR)
		org = rng_permille(r, 400);
	else
		org = rng_permille(r, 800);
	int oy, om, odd;
	ident_civil_from_days(c->created_day, &oy, &om, &odd);
	if (!org) {
		bool male = rng_permille(r, 520);
		gen_person_name(r, male, c->name, sizeof c->name);
		/* an adult when the account was opened, at most 90 today */
		int hi = oy - 18, lo = d->ty - 90;
		if (lo > hi - 5)
			lo = hi - 5;
		int by = (int)rng_range(r, lo, hi);
		long birth = ident_days_from_civil(by, 1, 1) +
		             rng_range(r, 0, ident_is_leap(by) ? 365 : 364);
		if (rng_permille(r, 8)) {
			c->id_type = "passport";
			c->id_number[0] = 'E';
			put_num(c->id_number + 1, (long)rng_below(r, 100000000), 8);
			c->id_number[9] = '\0';
		} else {
			c->id_type = "resident_id";
			gen_resident_id(r, birth, male, c->id_number);
		}
		gen_mobile(r, c->phone);
		return;
	}
	c->id_type = "uscc";
	if (c->cat == CAT_AGR) {
		bool coop = rng_permille(r, 600);
		snprintf(c->name, sizeof c->name, "闽侯县%s%s%s%s", PICK(r, minhou_towns),
		         PICK(r, trade1), PICK(r, trade2),
		         coop ? PICK(r, farms) : "家庭农场");
		gen_uscc(r, coop ? "93" : "92", "350121", c->id_number);
	} else if (rng_permille(r, 300)) {         /* individual business */
		snprintf(c->name, sizeof c->name, "福州市%s%s%s%s", dd->name,
		         PICK(r, trade1), PICK(r, trade2), PICK(r, shops));
		gen_uscc(r, "92", dd->code, c->id_number);
	} else {
		unsigned f = rng_below(r, 100);
		const char *suffix = f < 85 ? "有限公司" : f < 95 ? "有限责任公司"
		                                                    : "股份有限公司";
		unsigned p = rng_below(r, 100);
		if (p < 50)
			snprintf(c->name, sizeof c->name, "福州%s%s%s%s", PICK(r, trade1),
			         PICK(r, trade2), PICK(r, industries), suffix);
		else if (p < 85)
			snprintf(c->name, sizeof c->name, "福州市%s%s%s%s%s", dd->name,
			         PICK(r, trade1), PICK(r, trade2), PICK(r, industries), suffix);
		else
			snprintf(c->name, sizeof c->name, "福建省%s%s%s%s", PICK(r, trade1),
			         PICK(r, trade2), PICK(r, industries), suffix);
		gen_uscc(r, "91", dd->code, c->id_number);
	}
	if (rng_permille(r, 400))
		gen_landline(r, c->phone);
	else
		gen_mobile(r, c->phone);
}

/* Everything about customer `serial` except its status and bills. */
static void gen_customer(const struct demo *d, long serial, long created_day,
                         int created_sec, struct rng *r, struct gcust *c)
{
	c->serial = serial;
	fmt_account(d, (long)serial, c->account_no);
	c->created_day = created_day;
	c->created_sec = created_sec;
	c->updated_day = created_day;
	c->updated_sec = created_sec;
	unsigned x = rng_below(r, 1000);
	c->cat = x < 850 ? CAT_RES : x < 980 ? CAT_COM : CAT_AGR;
	c->category = c->cat == CAT_RES ? "residential"
	            : c->cat == CAT_COM ? "commercial" : "agricultural";
	const struct district *dd =
		&districts[rng_weighted(r, district_w, N_ELEMS(district_w))];
	gen_identity(d, r, c, dd);
	gen_address(r, c->cat, dd, &c->road, c->address, sizeof c->address);
	gen_supply(r, c);
	c->vacant = c->cat == CAT_RES && rng_permille(r, 30);
	if (c->cat == CAT_RES)
		c->base = rng_permille(r, 900) ? (int)rng_range(r, 40, 260)
		                               : (int)rng_range(r, 300, 900);
	else
		c->base = (int)rng_range(r, c->cat == CAT_AGR ? 20 : 60,
		                         c->cat == CAT_AGR ? 120 : 300);
	if (rng_below(r, 1000) < d->counter_permille)
		c->habit = (enum habit)rng_weighted(r, counter_habit_w,
		                                    N_ELEMS(counter_habit_w));
	else
		c->habit = rng_permille(r, NEVER_PAY_PERMILLE) ? H_NEVER : H_ELSEWHERE;
	c->status = S_NORMAL;
	c->prepaid = 0;
}

/* A bulk customer: opened between bulk_first and bulk_last in serial
 * order; a few suspended, temporarily removed or closed. */
static void gen_bulk_customer(const struct demo *d, long serial, struct gcust *c)
{
	struct rng r;
	rng_seed(&r, d->seed, ST_CUSTOMER, (uint64_t)serial);
	long span = d->bulk_last - d->bulk_first;
	long day = d->bulk_first + (long)((int64_t)(serial - 1) * span / (d->nbulk > 1 ? d->nbulk - 1 : 1));
	gen_customer(d, serial, day, hall_sec(&r), &r, c);
	unsigned x = rng_below(&r, 1000);
	if (x < 25) {
		c->status = S_CLOSED;
		long lo = c->created_day + 365, hi = d->bulk_last;
		c->updated_day = lo < hi ? rng_range(&r, lo, hi) : hi;
		c->updated_sec = hall_sec(&r);
		if (c->cat == CAT_COM && c->updated_day < ident_days_from_civil(2023, 6, 1))
			c->category = c->capacity >= 315 && strcmp(c->voltage, "380v") != 0 &&
			              strcmp(c->voltage, "220v") != 0
			            ? "large_industrial" : "general_commercial";
	} else if (x < 30) {
		c->status = S_TEMP_REMOVED;
	} else if (x < 42 && c->cat != CAT_RES) {
		c->status = S_SUSPENDED;
	}
	if (c->status == S_TEMP_REMOVED || c->status == S_SUSPENDED) {
		c->updated_day = d->today - rng_range(&r, 20, 160);
		if (c->updated_day <= c->created_day)
			c->updated_day = c->created_day + 1;
		c->updated_sec = hall_sec(&r);
	}
}

/* ================================================================ bills */

static int64_t bill_kwh(struct rng *r, const struct gcust *c, int month)
{
	if (c->vacant)
		return rng_range(r, 0, 6);
	int64_t pct = season_pct[month - 1] * rng_range(r, 85, 115);
	if (c->cat == CAT_RES)
		return (int64_t)c->base * pct / 10000;
	return c->capacity * c->base * pct / 10000;
}

static int64_t bill_amount(const struct gcust *c, int64_t kwh)
{
	int64_t units;  /* 1/10000 yuan */
	if (c->cat == CAT_RES) {
		int64_t t1 = kwh < 200 ? kwh : 200;
		int64_t t2 = kwh > 400 ? 200 : kwh > 200 ? kwh - 200 : 0;
		int64_t t3 = kwh > 400 ? kwh - 400 : 0;
		units = t1 * 4983 + t2 * 5483 + t3 * 7983;
	} else if (c->cat == CAT_AGR) {
		units = kwh * 5130;
	} else if (c->two_part) {
		units = kwh * 5860 + c->capacity * 234000;
	} else {
		units = kwh * 6410;
	}
	return (units + 50) / 100;
}

/* The bills of a customer connected on connect_day (all periods if
 * earlier than the first).  Only customers in status normal get bills. */
static int gen_bills(const struct demo *d, struct sim *sim, struct rng *r,
                     const struct gcust *c, long connect_day, struct gbill *b)
{
	int nb = 0;
	if (c->status != S_NORMAL)
		return 0;
	for (int k = 0; k < MAX_BILLS; k++) {
		if (connect_day >= d->issue[k])
			continue;
		struct gbill *x = &b[nb++];
		x->py = d->py[k];
		x->pm = d->pm[k];
		x->issue = d->issue[k];
		x->due = d->due[k];
		x->kwh = bill_kwh(r, c, x->pm);
		long start = ident_days_from_civil(x->py, x->pm, 1);
		if (connect_day > start) {  /* connected during the period */
			long days = ident_days_in_month(x->py, x->pm);
			x->kwh = x->kwh * (d->issue[k] - connect_day) / days;
		}
		x->amount = bill_amount(c, x->kwh);
		x->paid = 0;
		x->id = sim->next_bill_id++;
	}
	return nb;
}

/* Late fee of rem fen of bill b paid on day, by the store's rule table
 * (payment_late_fee(): the 1996 rule unless the hall changed it).  Shares
 * of the bill paid before (only ever before the due date here) accrue
 * nothing, so the unpaid rest alone decides. */
static int64_t late_fee(const struct demo *d, const struct gcust *c,
                        const struct gbill *b, int64_t rem, long day)
{
	if (day <= b->due || rem <= 0 || !d->rules)
		return 0;
	char period[8], due[11], asof[11];
	put_num(period, b->py, 4);
	period[4] = '-';
	put_num(period + 5, b->pm, 2);
	period[7] = '\0';
	fmt_date(b->due, due);
	fmt_date(day, asof);
	struct late_fee_calc calc;
	if (payment_late_fee(d->rules, c->category, period, due, rem, NULL, 0,
	                     asof, &calc, NULL) != HALL_OK)
		return 0;
	return calc.fee_fen;
}

static int push_pay(struct sim *sim, const struct gpay *p,
                    const struct galloc *a, int na)
{
	if (sim->npays == sim->cappays) {
		size_t cap = sim->cappays ? sim->cappays * 2 : 4096;
		struct gpay *np = realloc(sim->pays, cap * sizeof *np);
		if (!np)
			return HALL_ENOMEM;
		sim->pays = np;
		sim->cappays = cap;
	}
	while (sim->nallocs + (size_t)na > sim->capallocs) {
		size_t cap = sim->capallocs ? sim->capallocs * 2 : 4096;
		struct galloc *na2 = realloc(sim->allocs, cap * sizeof *na2);
		if (!na2)
			return HALL_ENOMEM;
		sim->allocs = na2;
		sim->capallocs = cap;
	}
	struct gpay q = *p;
	q.alloc = (uint32_t)sim->nallocs;
	q.nalloc = (uint8_t)na;
	memcpy(sim->allocs + sim->nallocs, a, (size_t)na * sizeof *a);
	sim->nallocs += (size_t)na;
	sim->pays[sim->npays++] = q;
	return HALL_OK;
}

struct payev {
	long day;
	int kind;   /* 0 full, 1 partial of bill `bill` */
	int bill;
};

/* What one bill still asks for on a payment day. */
struct owed {
	struct gbill *b;
	int64_t fee, rem;
};

/* Take the customer's payments before today, as the counter does: the
 * unpaid bills oldest first, late fee before principal, the excess to
 * prepaid balance; an amount above the hall's limit per payment is taken
 * as several payments the same day. */
static int simulate_payments(const struct demo *d, struct sim *sim,
                             struct rng *r, struct gcust *c,
                             struct gbill *b, int nb)
{
	struct payev ev[MAX_BILLS * 2];
	int nev = 0;
	enum habit habit = c->habit;
	if (habit == H_NEVER || nb == 0)
		return HALL_OK;
	if (habit == H_ELSEWHERE) {
		/* paid in full before the due date through another channel:
		 * central billing sends the bill paid, without an allocation */
		for (int k = 0; k < nb; k++)
			if (b[k].issue + rng_range(r, 1, b[k].due - b[k].issue) < d->today)
				b[k].paid = b[k].amount;
		return HALL_OK;
	}
	/* big bills are paid on time, in full, by transfer or cheque */
	bool big = false;
	for (int k = 0; k < nb; k++)
		big = big || (d->pay_limit > 0 && b[k].amount > d->pay_limit / 2);
	if (big)
		habit = H_ONTIME;
	int partial_bill = habit == H_PARTIAL ? (int)rng_below(r, (uint32_t)nb) : -1;
	for (int k = 0; k < nb; k++) {
		long day;
		if (habit == H_LATE)
			day = b[k].due + rng_range(r, 3, 45);
		else
			day = b[k].issue + rng_range(r, 1, b[k].due - b[k].issue);
		if (day >= d->today)
			continue;
		ev[nev].day = day;
		ev[nev].kind = k == partial_bill ? 1 : 0;
		ev[nev].bill = k;
		nev++;
	}
	/* in day order (few events: insertion sort) */
	for (int i = 1; i < nev; i++)
		for (int j = i; j > 0 && ev[j].day < ev[j - 1].day; j--) {
			struct payev t = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = t;
		}
	for (int e = 0; e < nev; e++) {
		long day = ev[e].day;
		struct owed owed[MAX_BILLS];
		int no = 0;
		int64_t total = 0;
		bool has_last = false;
		for (int k = 0; k < nb; k++) {
			int64_t rem = b[k].amount - b[k].paid;
			if (b[k].issue >= day || rem <= 0)
				continue;
			owed[no].b = &b[k];
			owed[no].rem = rem;
			owed[no].fee = late_fee(d, c, &b[k], rem, day);
			total += owed[no].fee + rem;
			has_last = has_last || k == nb - 1;
			no++;
		}
		if (no == 0)
			continue;
		int64_t amount = total;
		if (ev[e].kind == 1) {
			/* a round sum, about half of what is owed */
			int64_t part = total / 2 / 1000 * 1000;
			if (part > 0 && owed[0].fee == 0)
				amount = part;
		} else if (habit == H_OVERPAY && has_last) {
			amount = (total / 5000 + 1) * 5000;   /* up to the next 50 yuan */
		}
		int method = rng_weighted(r, method_w[c->cat], PM__N);
		if (big)
			method = rng_permille(r, 800) ? PM_TRANSFER : PM_CHEQUE;
		int counter = 1 + (int)rng_below(r, 3);
		int sec = hall_sec(r);
		int64_t left = amount;
		while (left > 0) {
			int64_t chunk = d->pay_limit > 0 && left > d->pay_limit
			              ? d->pay_limit : left;
			struct gpay p = { 0 };
			p.cust = (uint32_t)c->serial;
			p.day = (int32_t)day;
			p.sec = sec;
			p.amount = chunk;
			p.method = (uint8_t)method;
			p.counter = (uint8_t)counter;
			left -= chunk;
			struct galloc a[MAX_BILLS + 1];
			int na = 0;
			for (int i = 0; i < no && chunk > 0; i++) {
				int64_t f = chunk < owed[i].fee ? chunk : owed[i].fee;
				chunk -= f;
				owed[i].fee -= f;
				int64_t pr = chunk < owed[i].rem ? chunk : owed[i].rem;
				chunk -= pr;
				owed[i].rem -= pr;
				owed[i].b->paid += pr;
				if (f > 0 || pr > 0) {
					a[na].bill_id = owed[i].b->id;
					a[na].late = f;
					a[na].principal = pr;
					na++;
				}
			}
			if (chunk > 0) {              /* the excess: prepaid */
				a[na].bill_id = 0;
				a[na].late = 0;
				a[na].principal = chunk;
				na++;
				c->prepaid += chunk;
			}
			int rc = push_pay(sim, &p, a, na);
			if (rc != HALL_OK)
				return rc;
			sec += (int)rng_range(r, 60, 240);
		}
	}
	return HALL_OK;
}

/* ================================================================ SQL */

static int db_fail(struct demo *d, int rc, struct hall_err *err)
{
	return store_error(d->s, rc, "生成演示数据", "building the demo data", err);
}

static int exec(struct demo *d, const char *sql, struct hall_err *err)
{
	int rc = sqlite3_exec(d->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? HALL_OK : db_fail(d, rc, err);
}

static int prep(struct demo *d, const char *sql, sqlite3_stmt **st,
                struct hall_err *err)
{
	int rc = sqlite3_prepare_v3(d->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	return rc == SQLITE_OK ? HALL_OK : db_fail(d, rc, err);
}

static int step(struct demo *d, sqlite3_stmt *st, struct hall_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : db_fail(d, rc, err);
}

static void text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Customers and bills are written ROWS at a time with multi-row
 * INSERTs: a statement's fixed cost (and the AUTOINCREMENT bookkeeping of
 * bills) is paid once per ROWS rows. */
#define ROWS 32
#define CUST_COLS 15
#define BILL_COLS 9

struct cust_buf {
	struct gcust c[ROWS];
	char created[ROWS][21], updated[ROWS][21];
	int n;
};

struct bill_buf {
	struct gbill b[ROWS];
	char account[ROWS][16], period[ROWS][8], due[ROWS][11], created[ROWS][21];
	int n;
};

static int flush_customers(struct demo *d, struct hall_err *err)
{
	struct cust_buf *cb = d->cbuf;
	sqlite3_stmt *st = cb->n == ROWS ? d->st_custN : d->st_cust;
	int p = 1, rc = HALL_OK;
	for (int i = 0; i < cb->n && rc == HALL_OK; i++) {
		const struct gcust *c = &cb->c[i];
		fmt_utc(d, c->created_day, c->created_sec, cb->created[i]);
		fmt_utc(d, c->updated_day, c->updated_sec, cb->updated[i]);
		sqlite3_bind_int64(st, p++, c->serial);
		text(st, p++, c->account_no);
		text(st, p++, c->name);
		text(st, p++, c->id_type);
		text(st, p++, c->id_number);
		text(st, p++, c->phone);
		text(st, p++, c->address);
		text(st, p++, c->category);
		text(st, p++, c->voltage);
		sqlite3_bind_int64(st, p++, c->capacity);
		text(st, p++, c->two_part ? "two_part" : "single");
		text(st, p++, status_keys[c->status]);
		sqlite3_bind_int64(st, p++, c->prepaid);
		text(st, p++, cb->created[i]);
		text(st, p++, cb->updated[i]);
		if (st == d->st_cust) {    /* one row at a time */
			rc = step(d, st, err);
			p = 1;
		}
	}
	if (st == d->st_custN && rc == HALL_OK)
		rc = step(d, st, err);
	cb->n = 0;
	return rc;
}

static int flush_bills(struct demo *d, struct hall_err *err)
{
	struct bill_buf *bb = d->bbuf;
	sqlite3_stmt *st = bb->n == ROWS ? d->st_billN : d->st_bill;
	int p = 1, rc = HALL_OK;
	for (int i = 0; i < bb->n && rc == HALL_OK; i++) {
		const struct gbill *b = &bb->b[i];
		put_num(bb->period[i], b->py, 4);
		bb->period[i][4] = '-';
		put_num(bb->period[i] + 5, b->pm, 2);
		bb->period[i][7] = '\0';
		fmt_date(b->due, bb->due[i]);
		fmt_utc(d, b->issue, 6 * 3600, bb->created[i]);
		sqlite3_bind_int64(st, p++, b->id);
		text(st, p++, bb->account[i]);
		text(st, p++, bb->period[i]);
		sqlite3_bind_int64(st, p++, b->kwh);
		sqlite3_bind_int64(st, p++, b->amount);
		sqlite3_bind_int64(st, p++, b->paid);
		text(st, p++, bb->due[i]);
		text(st, p++, b->paid == 0 && b->amount > 0 ? "unpaid"
		            : b->paid < b->amount ? "partial" : "paid");
		text(st, p++, bb->created[i]);
		if (st == d->st_bill) {
			rc = step(d, st, err);
			p = 1;
		}
	}
	if (st == d->st_billN && rc == HALL_OK)
		rc = step(d, st, err);
	bb->n = 0;
	return rc;
}

static int queue_customer(struct demo *d, const struct gcust *c,
                          const struct gbill *b, int nb, struct hall_err *err)
{
	int rc;
	d->cbuf->c[d->cbuf->n++] = *c;
	if (d->cbuf->n == ROWS && (rc = flush_customers(d, err)) != HALL_OK)
		return rc;
	for (int k = 0; k < nb; k++) {
		struct bill_buf *bb = d->bbuf;
		bb->b[bb->n] = b[k];
		memcpy(bb->account[bb->n], c->account_no, sizeof bb->account[0]);
		bb->n++;
		if (bb->n == ROWS && (rc = flush_bills(d, err)) != HALL_OK)
			return rc;
		d->sum.bills++;
		if (b[k].paid < b[k].amount) {
			d->sum.bills_unpaid++;
			d->sum.arrears_fen += b[k].amount - b[k].paid;
		}
	}
	return HALL_OK;
}

/* One customer with its bills (paid as its payments say). */
static int add_customer(struct demo *d, struct gcust *c, long connect_day,
                        struct hall_err *err)
{
	struct rng r;
	struct gbill b[MAX_BILLS];
	rng_seed(&r, d->seed, ST_BILLS, (uint64_t)c->serial);
	int nb = gen_bills(d, &d->sim, &r, c, connect_day, b);
	int rc = simulate_payments(d, &d->sim, &r, c, b, nb);
	if (rc != HALL_OK)
		return hall_err_set(err, rc, NULL, "内存不足", "out of memory");
	d->status[c->serial - 1] = (uint8_t)c->status;
	return queue_customer(d, c, b, nb, err);
}

static int cmp_pay(const void *a, const void *b)
{
	const struct gpay *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->cust != y->cust)
		return x->cust < y->cust ? -1 : 1;
	return x->alloc < y->alloc ? -1 : x->alloc > y->alloc;
}

static void gen_digits(struct rng *r, char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	out[n] = '\0';
}

/* Reference of a non-cash payment, as the terminal or the bank prints it. */
static void gen_reference(struct rng *r, int method, long day, char out[40])
{
	switch (method) {
	case PM_CARD:
		gen_digits(r, out, 12);
		break;
	case PM_WECHAT:
		memcpy(out, "42000", 5);
		gen_digits(r, out + 5, 23);
		break;
	case PM_ALIPAY:
		fmt_ymd(day, out);
		memcpy(out + 8, "22001", 5);
		gen_digits(r, out + 13, 15);
		break;
	case PM_CHEQUE:
		gen_digits(r, out, 8);
		break;
	case PM_TRANSFER:
		gen_digits(r, out, 20);
		break;
	default:
		out[0] = '\0';
	}
}

/* ================================================================ work */

static const char *const app_stages_lv[] = {
	"accept", "survey", "plan", "completion_check", "contract", "connect",
	"archive", NULL,
};
static const char *const app_stages_hv[] = {
	"accept", "survey", "plan", "design_review", "mid_check",
	"completion_check", "contract", "connect", "archive", NULL,
};
static const char *const change_stages[] = {
	"accept", "review", "execute", "archive", NULL,
};
static const char *const complaint_stages[] = {
	"accept", "dispatch", "handle", "reply", "followup", "archive", NULL,
};

static int nstages(const char *const *st)
{
	int n = 0;
	while (st[n])
		n++;
	return n;
}

static const char *stage_note(enum wkind k, const char *stage)
{
	static const struct { enum wkind k; const char *stage, *note; } notes[] = {
		{ W_APP, "accept", "受理新装申请，证件及产权证明齐全" },
		{ W_APP, "survey", "现场勘查完成，具备供电条件" },
		{ W_APP, "plan", "已答复供电方案，客户确认" },
		{ W_APP, "design_review", "受电工程设计审查通过" },
		{ W_APP, "mid_check", "隐蔽工程中间检查合格" },
		{ W_APP, "completion_check", "竣工检验合格" },
		{ W_APP, "contract", "已签订供用电合同" },
		{ W_APP, "connect", "装表接电完成" },
		{ W_APP, "archive", "资料归档" },
		{ W_CHANGE, "accept", "受理变更用电申请" },
		{ W_CHANGE, "review", "审核通过（已现场核查）" },
		{ W_CHANGE, "execute", "变更实施完成，户档案已更新" },
		{ W_CHANGE, "archive", "资料归档" },
		{ W_COMPLAINT, "accept", "受理" },
		{ W_COMPLAINT, "dispatch", "已派单至责任部门" },
		{ W_COMPLAINT, "handle", "已联系客户，责任部门处理中" },
		{ W_COMPLAINT, "reply", "已答复客户" },
		{ W_COMPLAINT, "followup", "回访客户，客户表示满意" },
		{ W_COMPLAINT, "archive", "归档" },
	};
	for (int i = 0; i < N_ELEMS(notes); i++)
		if (notes[i].k == k && strcmp(notes[i].stage, stage) == 0)
			return notes[i].note;
	return "";
}

static const char *const work_kind_key[] = { "application", "change", "complaint" };

/* Events from `first` (day, sec), one stage after another with gaps of
 * gap_lo..gap_hi working days, up to stage `last` or the day before today. */
static void walk_events(struct demo *d, struct rng *r, struct gwork *w,
                        long first, int last, int gap_lo, int gap_hi)
{
	long day = first;
	int sec = hall_sec(r);
	w->nevents = 0;
	for (int s = 0; s <= last && s < MAX_EVENTS; s++) {
		if (s > 0) {
			int gap = (int)rng_range(r, gap_lo, gap_hi);
			long nd = add_workdays(day, gap);
			int nsec;
			if (nd == day) {
				nsec = sec + (int)rng_range(r, 600, 5400);
				if (nsec > 17 * 3600 + 1799) {
					nd = add_workdays(day, 1);
					nsec = hall_sec(r);
				}
			} else {
				nsec = hall_sec(r);
			}
			if (nd >= d->today)
				break;
			day = nd;
			sec = nsec;
		}
		struct gevent *e = &w->ev[w->nevents++];
		e->day = day;
		e->sec = sec;
		e->stage = s;
		e->staff = 1 + (int)rng_below(r, 3);        /* a clerk */
		if (s > 0 && rng_permille(r, 150))
			e->staff = 4;                          /* the manager */
	}
}

static const char *const change_types[] = {
	"reduce", "suspend", "swap", "relocate", "move_meter", "temp_remove",
	"rename", "split", "merge", "close", "change_voltage", "change_category",
};
static const unsigned short change_type_w[] = {
	8, 10, 3, 5, 10, 5, 25, 5, 4, 10, 3, 5,
};

/* A random serial of a bulk customer with the given status (0 if none
 * found quickly). */
static long pick_customer(struct demo *d, struct rng *r, enum status want)
{
	if (d->nbulk < 1)
		return 0;
	int tries = want == S_NORMAL ? 64 : 4096;
	for (int i = 0; i < tries; i++) {
		long s = rng_range(r, 1, d->nbulk);
		if (d->status[s - 1] == want)
			return s;
	}
	return 0;
}

/* Serials per kind and accept day, in time order (w sorted by cmp_work),
 * as the counter numbers them: PREFIX + hall + YYYYMMDD + the day's serial
 * from the counter seq(PREFIX + YYYYMMDD). */
static void day_serials(struct gwork *w, long n)
{
	for (long j = 0; j < n; j++)
		w[j].serial = j > 0 && w[j - 1].kind == w[j].kind &&
		              w[j - 1].ev[0].day == w[j].ev[0].day
		            ? w[j - 1].serial + 1 : 1;
}

static int cmp_work(const void *a, const void *b)
{
	const struct gwork *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->ev[0].day != y->ev[0].day)
		return x->ev[0].day < y->ev[0].day ? -1 : 1;
	if (x->ev[0].sec != y->ev[0].sec)
		return x->ev[0].sec < y->ev[0].sec ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void gen_application(struct demo *d, long j, struct gwork *w,
                            struct gcust *c)
{
	struct rng r;
	rng_seed(&r, d->seed, ST_APP, (uint64_t)j);
	memset(w, 0, sizeof *w);
	w->kind = W_APP;
	w->index = j;
	/* the customer first: its category and voltage give the kind */
	gen_customer(d, 0, d->today - 1, 0, &r, c);
	bool hv = strcmp(c->voltage, "220v") != 0 && strcmp(c->voltage, "380v") != 0;
	int limit;   /* working days the company has (domain guide 3) */
	if (!hv) {
		w->type = c->cat == CAT_RES ? KIND_LV_RES : KIND_LV_NONRES;
		limit = c->cat == CAT_RES ? 5 : 6;
	} else if (c->capacity >= 2000 && rng_permille(&r, 500)) {
		w->type = KIND_HV_DUAL;
		limit = 32;
	} else {
		w->type = KIND_HV_SINGLE;
		limit = 22;
	}
	w->stages = hv ? app_stages_hv : app_stages_lv;
	int ns = nstages(w->stages);
	w->done = rng_permille(&r, 300);
	long first;
	if (w->done) {
		first = d->today - (hv ? rng_range(&r, 60, 120) : rng_range(&r, 15, 88));
		walk_events(d, &r, w, first, ns - 1, hv ? 1 : 0, hv ? 4 : 1);
	} else {
		long back = rng_permille(&r, 150)
			? rng_range(&r, limit * 7 / 5 + 4, limit * 5 / 2 + 10)  /* stalled */
			: rng_range(&r, 1, limit * 7 / 5 + 2);
		first = d->today - back;
		int last = (int)rng_range(&r, 0, ns - 2);
		walk_events(d, &r, w, first, last, hv ? 1 : 0, hv ? 4 : 2);
		if (w->nevents > 1 && rng_permille(&r, 300))
			w->nevents = 1 + (int)rng_below(&r, (uint32_t)w->nevents);
	}
	if (w->nevents < ns)
		w->done = false;
	c->created_day = w->ev[0].day;
	c->created_sec = w->ev[0].sec;
	c->updated_day = w->ev[w->nevents - 1].day;
	c->updated_sec = w->ev[w->nevents - 1].sec;
	/* the account is in service from 装表接电 (connect) on */
	c->status = S_CONNECTING;
	for (int i = 0; i < w->nevents; i++)
		if (strcmp(w->stages[w->ev[i].stage], "connect") == 0)
			c->status = S_NORMAL;
}

static void gen_change(struct demo *d, long j, struct gwork *w)
{
	struct rng r;
	rng_seed(&r, d->seed, ST_CHANGE, (uint64_t)j);
	memset(w, 0, sizeof *w);
	w->kind = W_CHANGE;
	w->index = j;
	w->stages = change_stages;
	int ns = nstages(change_stages);
	w->done = rng_permille(&r, 300);
	long first;
	if (w->done) {
		/* finished changes that changed the account's status match it */
		static const char *const done_types[] = {
			"suspend", "temp_remove", "close", "rename", "move_meter",
		};
		static const enum status need[] = {
			S_SUSPENDED, S_TEMP_REMOVED, S_CLOSED, S_NORMAL, S_NORMAL,
		};
		int t = (int)rng_below(&r, N_ELEMS(done_types));
		w->cust = pick_customer(d, &r, need[t]);
		if (!w->cust) {
			t = 3;
			w->cust = pick_customer(d, &r, S_NORMAL);
		}
		w->type = done_types[t];
		first = d->today - rng_range(&r, 15, 85);
		walk_events(d, &r, w, first, ns - 1, 0, 2);
	} else {
		w->type = change_types[rng_weighted(&r, change_type_w, N_ELEMS(change_type_w))];
		w->cust = pick_customer(d, &r, S_NORMAL);
		first = d->today - (rng_permille(&r, 150) ? rng_range(&r, 9, 20)
		                                         : rng_range(&r, 1, 8));
		walk_events(d, &r, w, first, (int)rng_range(&r, 0, ns - 2), 1, 3);
	}
	if (w->nevents < ns)
		w->done = false;
}

static const char *const complaint_kinds[] = {
	"complaint", "enquiry", "fault", "misconduct", "suggestion", "praise",
};
static const unsigned short complaint_kind_w[] = { 35, 25, 15, 7, 10, 8 };
static const char *const complaint_cats[] = {
	"service", "business", "outage", "quality", "construction",
};
static const unsigned short complaint_cat_w[] = { 25, 35, 25, 10, 5 };
static const char *const channels[] = {
	"hall", "hotline_95598", "app", "sms", "letter", "visit", "hotline_12398",
	"hotline_12345", "media",
};
static const unsigned short channel_w[] = { 35, 35, 12, 2, 2, 2, 3, 8, 1 };
static const char *const sub_service[] = {
	"service_conduct", "service_channel", "ethics",
};
static const char *const sub_business[] = {
	"connection_project", "meter_install", "meter_reading", "tariff",
	"metering", "inspection",
};
static const char *const sub_outage[] = { "outage", "repair_quality" };

static const char *complaint_sub(struct rng *r, const char *cat)
{
	if (strcmp(cat, "service") == 0)
		return PICK(r, sub_service);
	if (strcmp(cat, "business") == 0)
		return PICK(r, sub_business);
	if (strcmp(cat, "outage") == 0)
		return PICK(r, sub_outage);
	if (strcmp(cat, "quality") == 0)
		return "supply_quality";
	return "";
}

static void complaint_text(struct rng *r, struct gwork *w, const char *road,
                           const char *period)
{
	const char *k = w->type, *cat = w->category;
	char *o = w->content;
	size_t n = sizeof w->content;
	if (strcmp(k, "complaint") == 0) {
		if (strcmp(cat, "outage") == 0)
			snprintf(o, n, "客户反映%s附近近一周内多次停电，事先未收到任何停电通知，影响正常生活，要求说明原因并今后提前告知。", road);
		else if (strcmp(cat, "business") == 0 &&
		         (strcmp(w->subcategory, "tariff") == 0 ||
		          strcmp(w->subcategory, "metering") == 0 ||
		          strcmp(w->subcategory, "meter_reading") == 0))
			snprintf(o, n, "客户对%s电费有异议，认为电量明显偏高，要求核查电能表。", period);
		else if (strcmp(cat, "business") == 0)
			snprintf(o, n, "客户反映上月申请的业务至今无人联系，要求尽快办理。");
		else if (strcmp(cat, "service") == 0)
			snprintf(o, n, "客户反映营业厅缴费等候时间过长，工作人员解释不耐心。");
		else if (strcmp(cat, "quality") == 0)
			snprintf(o, n, "客户反映%s一带傍晚电压偏低，空调无法正常启动。", road);
		else
			snprintf(o, n, "客户反映%s电缆施工后路面未恢复，影响通行。", road);
	} else if (strcmp(k, "enquiry") == 0) {
		static const char *const q[] = {
			"咨询居民阶梯电价标准及计算方法。",
			"咨询新装居民用电需要准备哪些材料。",
			"咨询如何在网上国网绑定户号并缴费。",
			"咨询峰谷分时电价如何申请。",
		};
		snprintf(o, n, "%s", PICK(r, q));
	} else if (strcmp(k, "fault") == 0) {
		snprintf(o, n, "客户报修：%s附近整栋停电，请尽快派人抢修。", road);
	} else if (strcmp(k, "misconduct") == 0) {
		snprintf(o, n, "举报%s附近有人私拉电线，疑似窃电。", road);
	} else if (strcmp(k, "suggestion") == 0) {
		snprintf(o, n, "建议营业厅周末延长营业时间，并增加自助缴费终端。");
	} else {
		snprintf(o, n, "表扬营业员耐心细致，帮助老人办理缴费业务。");
	}
}

static void gen_complaint(struct demo *d, long j, struct gwork *w,
                          const struct gwork *prev, long nprev)
{
	struct rng r;
	rng_seed(&r, d->seed, ST_COMPLAINT, (uint64_t)j);
	memset(w, 0, sizeof *w);
	w->kind = W_COMPLAINT;
	w->index = j;
	w->stages = complaint_stages;
	int ns = nstages(complaint_stages);
	w->type = complaint_kinds[rng_weighted(&r, complaint_kind_w, N_ELEMS(complaint_kind_w))];
	w->channel = channels[rng_weighted(&r, channel_w, N_ELEMS(channel_w))];
	const char *road = PICK(&r, roads_gulou);
	/* the customer: an earlier complainant again (complaining again), an
	 * account, or a passer-by */
	long first;
	unsigned who = rng_below(&r, 100);
	if (who < 12 && nprev > 0) {
		const struct gwork *p = &prev[rng_below(&r, (uint32_t)nprev)];
		w->cust = p->cust;
		memcpy(w->name, p->name, sizeof w->name);     /* p precedes w */
		memcpy(w->phone, p->phone, sizeof w->phone);
		first = p->ev[0].day + rng_range(&r, 1, 20);
		w->type = "complaint";
	} else {
		if (who < 75)
			w->cust = pick_customer(d, &r, S_NORMAL);
		if (w->cust) {
			struct gcust c;
			gen_bulk_customer(d, w->cust, &c);
			snprintf(w->name, sizeof w->name, "%s", c.name);
			snprintf(w->phone, sizeof w->phone, "%s", c.phone);
			road = c.road;
		} else {
			gen_person_name(&r, rng_permille(&r, 500), w->name, sizeof w->name);
			gen_mobile(&r, w->phone);
		}
		first = d->today - rng_range(&r, 1, 60);
	}
	if (first >= d->today)
		first = d->today - 1;
	bool is_complaint = strcmp(w->type, "complaint") == 0;
	w->category = is_complaint
		? complaint_cats[rng_weighted(&r, complaint_cat_w, N_ELEMS(complaint_cat_w))]
		: "";
	w->subcategory = is_complaint && rng_permille(&r, 800)
		? complaint_sub(&r, w->category) : "";
	char period[16];
	snprintf(period, sizeof period, "%04d年%d月", d->py[MAX_BILLS - 1],
	         d->pm[MAX_BILLS - 1]);
	complaint_text(&r, w, road, period);
	bool quick = !is_complaint && strcmp(w->type, "fault") != 0;
	w->done = rng_permille(&r, quick ? 700 : 400);
	if (w->done)
		walk_events(d, &r, w, first, ns - 1, 0, quick ? 0 : 2);
	else
		walk_events(d, &r, w, first, (int)rng_range(&r, 0, ns - 2), 0, 2);
	if (w->nevents < ns)
		w->done = false;
}

static int set_seq(struct demo *d, const char *name, int64_t value,
                   struct hall_err *err);

static const char *number_prefix(enum wkind k)
{
	return k == W_APP ? "YK" : k == W_CHANGE ? "BG" : "TS";
}

/* What the complaint's steps filled in (complaints columns). */
struct cfields {
	const char *department, *handler, *contact_method, *verified,
	           *company_fault, *followup_result, *followup_method;
	int followup_attempts;
	char handler_buf[64];
};

static const char *const departments[] = {
	"营销部（客户服务中心）", "配电运检室", "计量室", "供电服务指挥中心",
	"发展策划部",
};

static void field(struct sbuf *b, bool *first, const char *key, const char *val)
{
	sbuf_json_key(b, first, key);
	sbuf_json_str(b, val);
}

/* The fields recorded with each step (as workorder_advance() records
 * them, see workorder.h), and what a complaint's steps fill in. */
static void event_fields(const struct demo *d, const struct gwork *w,
                         struct sbuf *out, struct cfields *cf,
                         const char *number)
{
	struct rng r;
	rng_seed(&r, d->seed, ST_EVENTS, (uint64_t)w->kind << 32 | (uint64_t)w->index);
	cf->department = cf->handler = cf->contact_method = cf->verified = "";
	cf->company_fault = cf->followup_result = cf->followup_method = "";
	cf->followup_attempts = 0;
	bool hv = w->kind == W_APP && (strcmp(w->type, KIND_HV_SINGLE) == 0 ||
	                               strcmp(w->type, KIND_HV_DUAL) == 0);
	for (int i = 0; i < w->nevents; i++) {
		const char *stage = w->stages[w->ev[i].stage];
		struct sbuf *b = &out[i];
		bool first = true;
		char buf[64];
		sbuf_addc(b, '{');
		if (w->kind == W_APP) {
			if (strcmp(stage, "survey") == 0) {
				field(b, &first, "docs", "id,property");
				field(b, &first, "survey_result", "现场具备供电条件");
			} else if (strcmp(stage, "plan") == 0) {
				field(b, &first, "plan", hv
				      ? "由10kV公用线路T接，新建箱式变电站一座，高供高计"
				      : "由附近公用台区低压接入，表计装于一楼集中表箱");
			} else if (strcmp(stage, "design_review") == 0 ||
			           strcmp(stage, "mid_check") == 0 ||
			           strcmp(stage, "completion_check") == 0) {
				field(b, &first, "result", "合格");
			} else if (strcmp(stage, "contract") == 0) {
				snprintf(buf, sizeof buf, "HT%s", number + 2);
				field(b, &first, "contract_no", buf);
			} else if (strcmp(stage, "connect") == 0) {
				memcpy(buf, "1330", 4);
				gen_digits(&r, buf + 4, 18);
				field(b, &first, "meter_no", buf);
			}
		} else if (w->kind == W_CHANGE) {
			if (strcmp(stage, "review") == 0)
				field(b, &first, "result", "符合变更条件，同意办理");
		} else {
			bool checked = strcmp(w->type, "complaint") == 0 ||
			               strcmp(w->type, "misconduct") == 0;
			if (strcmp(stage, "dispatch") == 0) {
				const char *dep = strcmp(w->category, "business") == 0
					? departments[0]
					: strcmp(w->category, "service") == 0 ? departments[0]
					: strcmp(w->type, "enquiry") == 0 ||
					  strcmp(w->type, "suggestion") == 0 ||
					  strcmp(w->type, "praise") == 0 ? departments[0]
					: departments[1 + rng_below(&r, N_ELEMS(departments) - 1)];
				gen_person_name(&r, rng_permille(&r, 600), cf->handler_buf,
				                sizeof cf->handler_buf);
				cf->department = dep;
				cf->handler = cf->handler_buf;
				field(b, &first, "department", dep);
				field(b, &first, "person", cf->handler);
			} else if (strcmp(stage, "handle") == 0) {
				cf->contact_method = rng_permille(&r, 850) ? "phone" : "visit";
				field(b, &first, "contact_method", cf->contact_method);
			} else if (strcmp(stage, "reply") == 0) {
				field(b, &first, "reply", checked
				      ? "经核查，已按规定处理，并向客户说明情况及整改措施。"
				      : "已按客户诉求处理并答复。");
				if (checked) {
					cf->verified = rng_permille(&r, 350) ? "yes" : "no";
					field(b, &first, "verified", cf->verified);
					if (strcmp(cf->verified, "yes") == 0) {
						cf->company_fault = rng_permille(&r, 500) ? "yes" : "no";
						field(b, &first, "company_fault", cf->company_fault);
					}
				}
			} else if (strcmp(stage, "followup") == 0) {
				cf->followup_result = "satisfied";
				cf->followup_method = rng_permille(&r, 900) ? "phone" : "sms";
				cf->followup_attempts = 1 + (int)rng_below(&r, 2);
				snprintf(buf, sizeof buf, "%d", cf->followup_attempts);
				field(b, &first, "result", cf->followup_result);
				field(b, &first, "method", cf->followup_method);
				field(b, &first, "attempts", buf);
			}
		}
		sbuf_addc(b, '}');
	}
}

static int insert_work_rows(struct demo *d, const struct gwork *w,
                            const char *number, const char *date,
                            const char *created, const char *updated,
                            struct sbuf *fields, const struct cfields *cf,
                            struct hall_err *err)
{
	const struct gevent *e0 = &w->ev[0], *en = &w->ev[w->nevents - 1];
	char account[16] = "";
	if (w->cust)
		fmt_account(d, (long)w->cust, account);
	const char *stage = w->stages[en->stage];
	const char *status = w->done ? "done" : "open";
	const char *staff = demo_users[e0->staff].id;
	int counter = e0->staff;     /* clerks 1..3 sit at counters 1..3 */
	sqlite3_stmt *st;
	const char *table, *what;
	int rc;
	if (w->kind == W_APP) {
		const struct gcust *c = &d->appcust[w->index];
		st = d->st_app;
		table = "applications";
		what = "application.create";
		text(st, 2, number);
		text(st, 3, c->account_no);
		text(st, 4, w->type);
		text(st, 5, c->name);
		text(st, 6, c->id_type);
		text(st, 7, c->id_number);
		text(st, 8, c->phone);
		text(st, 9, c->address);
		text(st, 10, c->category);
		text(st, 11, c->voltage);
		sqlite3_bind_int64(st, 12, c->capacity);
		text(st, 13, c->two_part ? "two_part" : "single");
		text(st, 14, stage);
		text(st, 15, status);
		text(st, 16, "");
		text(st, 17, date);
		text(st, 18, d->hall);
		sqlite3_bind_int(st, 19, counter);
		text(st, 20, staff);
		text(st, 21, created);
		text(st, 22, updated);
		rc = store_journal_row(d->s, "customer.create", "customers", c->serial,
		                       staff, counter, err);
		if (rc != HALL_OK)
			return rc;
	} else if (w->kind == W_CHANGE) {
		st = d->st_change;
		table = "changes";
		what = "change.create";
		text(st, 2, number);
		text(st, 3, account);
		text(st, 4, w->type);
		text(st, 5, stage);
		text(st, 6, status);
		text(st, 7, "");
		text(st, 8, date);
		text(st, 9, d->hall);
		sqlite3_bind_int(st, 10, counter);
		text(st, 11, staff);
		text(st, 12, created);
		text(st, 13, updated);
	} else {
		st = d->st_complaint;
		table = "complaints";
		what = "complaint.create";
		text(st, 2, number);
		if (w->cust)
			text(st, 3, account);
		else
			sqlite3_bind_null(st, 3);
		text(st, 4, w->name);
		text(st, 5, w->phone);
		text(st, 6, w->type);
		text(st, 7, w->category);
		text(st, 8, w->subcategory);
		text(st, 9, w->channel);
		text(st, 10, w->content);
		text(st, 11, stage);
		text(st, 12, status);
		sqlite3_bind_int(st, 13, w->repeat);
		text(st, 14, "");
		text(st, 15, date);
		text(st, 16, d->hall);
		sqlite3_bind_int(st, 17, counter);
		text(st, 18, staff);
		text(st, 19, created);
		text(st, 20, updated);
		text(st, 21, cf->department);
		text(st, 22, cf->handler);
		text(st, 23, cf->contact_method);
		text(st, 24, cf->verified);
		text(st, 25, cf->company_fault);
		text(st, 26, cf->followup_result);
		text(st, 27, cf->followup_method);
		sqlite3_bind_int(st, 28, cf->followup_attempts);
	}
	sqlite3_bind_null(st, 1);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_fail(d, src, err);
	int64_t rowid = sqlite3_last_insert_rowid(d->db);
	if ((rc = store_journal_row(d->s, what, table, rowid, staff, counter, err)) != HALL_OK)
		return rc;
	for (int i = 0; i < w->nevents; i++) {
		const struct gevent *e = &w->ev[i];
		char at[21];
		fmt_utc(d, e->day, e->sec, at);
		st = d->st_event;
		text(st, 1, work_kind_key[w->kind]);
		text(st, 2, number);
		if (i == 0)
			sqlite3_bind_null(st, 3);
		else
			text(st, 3, w->stages[w->ev[i - 1].stage]);
		text(st, 4, w->stages[e->stage]);
		text(st, 5, stage_note(w->kind, w->stages[e->stage]));
		text(st, 6, demo_users[e->staff].id);
		sqlite3_bind_int(st, 7, e->staff <= 3 ? e->staff : 1);
		text(st, 8, at);
		sqlite3_bind_text(st, 9, sbuf_str(&fields[i]), -1, SQLITE_STATIC);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src != SQLITE_DONE)
			return db_fail(d, src, err);
		rc = store_journal_row(d->s, "work.event", "work_events",
		                       sqlite3_last_insert_rowid(d->db),
		                       demo_users[e->staff].id,
		                       e->staff <= 3 ? e->staff : 1, err);
		if (rc != HALL_OK)
			return rc;
	}
	return HALL_OK;
}

static int insert_work(struct demo *d, struct gwork *w, struct hall_err *err)
{
	const struct gevent *e0 = &w->ev[0], *en = &w->ev[w->nevents - 1];
	char number[40], ymd[9], date[11], created[21], updated[21];
	fmt_ymd(e0->day, ymd);
	snprintf(number, sizeof number, "%s%s%s%04ld", number_prefix(w->kind),
	         d->hall, ymd, w->serial);
	fmt_date(e0->day, date);
	fmt_utc(d, e0->day, e0->sec, created);
	fmt_utc(d, en->day, en->sec, updated);
	/* what was recorded at each step (work_events.extras), and for
	 * complaints the columns those steps fill */
	struct sbuf fields[MAX_EVENTS];
	struct cfields cf;
	memset(&cf, 0, sizeof cf);
	for (int i = 0; i < w->nevents; i++)
		sbuf_init(&fields[i]);
	event_fields(d, w, fields, &cf, number);
	int rc = insert_work_rows(d, w, number, date, created, updated, fields, &cf, err);
	for (int i = 0; i < w->nevents; i++)
		sbuf_free(&fields[i]);
	if (rc != HALL_OK)
		return rc;
	/* the day's counter continues after the demo's numbers */
	char seqname[16];
	snprintf(seqname, sizeof seqname, "%s%s", number_prefix(w->kind), ymd);
	if ((rc = set_seq(d, seqname, w->serial, err)) != HALL_OK)
		return rc;
	if (!w->done)
		d->sum.work_open++;
	return HALL_OK;
}


/* Counts of work orders for n customers: a hall's work list, not a
 * share of the customers. */
static long clampl(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Generate the applications (and their accounts, the last serials). */
static int plan_applications(struct demo *d, struct hall_err *err)
{
	d->napps = clampl(d->n / 50, 8, 300);
	if (d->napps > d->n / 4)
		d->napps = d->n / 4;
	d->nchanges = clampl(d->n / 80, 6, 200);
	d->ncomplaints = clampl(d->n / 100, 8, 200);
	if (d->n < 8) {
		d->nchanges = d->n / 2;
		d->ncomplaints = d->n / 2;
	}
	d->nbulk = d->n - d->napps;
	size_t nw = (size_t)(d->napps + d->nchanges + d->ncomplaints);
	d->work = calloc(nw ? nw : 1, sizeof *d->work);
	d->appcust = calloc(d->napps ? (size_t)d->napps : 1, sizeof *d->appcust);
	if (!d->work || !d->appcust)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	struct gcust *tmpc = calloc(d->napps ? (size_t)d->napps : 1, sizeof *tmpc);
	if (!tmpc)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	for (long j = 0; j < d->napps; j++)
		gen_application(d, j, &d->work[j], &tmpc[j]);
	/* accounts and numbers in the order of acceptance */
	qsort(d->work, (size_t)d->napps, sizeof *d->work, cmp_work);
	for (long j = 0; j < d->napps; j++) {
		struct gwork *w = &d->work[j];
		struct gcust *c = &d->appcust[j];
		*c = tmpc[w->index];
		w->index = j;        /* now indexes appcust */
		c->serial = d->nbulk + 1 + j;
		w->cust = c->serial;
		fmt_account(d, (long)c->serial, c->account_no);
	}
	free(tmpc);
	day_serials(d->work, d->napps);
	d->nwork = d->napps;
	return HALL_OK;
}

/* The day application j's meter was connected (today if not yet). */
static long app_connect_day(const struct demo *d, long j)
{
	const struct gwork *w = &d->work[j];
	for (int i = 0; i < w->nevents; i++)
		if (strcmp(w->stages[w->ev[i].stage], "connect") == 0)
			return w->ev[i].day;
	return d->today;
}

static int add_other_work(struct demo *d, struct hall_err *err)
{
	long base = d->nwork;
	for (long j = 0; j < d->nchanges; j++) {
		struct gwork *w = &d->work[base + j];
		gen_change(d, j, w);
		if (w->cust)
			d->nwork++;
		else
			memset(w, 0, sizeof *w);
	}
	/* drop changes without a customer (tiny stores) */
	long kept = base;
	for (long j = base; j < base + d->nchanges; j++)
		if (d->work[j].cust)
			d->work[kept++] = d->work[j];
	d->nchanges = kept - base;
	d->nwork = kept;
	long cbase = d->nwork;
	for (long j = 0; j < d->ncomplaints; j++)
		gen_complaint(d, j, &d->work[cbase + j], &d->work[cbase], j);
	d->nwork += d->ncomplaints;
	/* numbers in time order within each kind */
	qsort(d->work + base, (size_t)(d->nwork - base), sizeof *d->work, cmp_work);
	day_serials(d->work + base, d->nwork - base);
	/* repeat complaints, by the counter's rule: a complaint from an
	 * account or phone that complained in the 30 days before */
	for (long j = base; j < d->nwork; j++) {
		struct gwork *w = &d->work[j];
		if (w->kind != W_COMPLAINT || strcmp(w->type, "complaint") != 0)
			continue;
		for (long k = base; k < j && !w->repeat; k++) {
			const struct gwork *p = &d->work[k];
			w->repeat = p->kind == W_COMPLAINT &&
			            strcmp(p->type, "complaint") == 0 &&
			            ((w->cust && p->cust == w->cust) ||
			             strcmp(p->phone, w->phone) == 0) &&
			            p->ev[0].day >= w->ev[0].day - REPEAT_WINDOW_DAYS;
		}
	}
	(void)err;
	return HALL_OK;
}

/* ============================================================ payments */

/* The counter payments, in time order: receipts numbered as taken, each
 * with its allocation and the journal entries the counter writes. */
static int insert_payments(struct demo *d, struct hall_err *err)
{
	struct sim *sim = &d->sim;
	if (sim->npays)
		qsort(sim->pays, sim->npays, sizeof *sim->pays, cmp_pay);
	sqlite3_stmt *pay = NULL, *alloc = NULL;
	int rc;
	if ((rc = prep(d, "INSERT INTO payments(id, receipt_no, account_no, amount_fen,"
	               " method, reference, tendered_fen, change_fen, status,"
	               " business_date, hall, counter, staff_id, created_at, paid_on)"
	               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,'ok',?9,?10,?11,?12,?13,?9)",
	               &pay, err)) != HALL_OK ||
	    (rc = prep(d, "INSERT INTO payment_alloc(payment_id, bill_id, late_fee_fen,"
	               " principal_fen, prepaid_fen) VALUES (?1,?2,?3,?4,?5)",
	               &alloc, err)) != HALL_OK)
		goto out;
	for (size_t i = 0; i < sim->npays; i++) {
		const struct gpay *p = &sim->pays[i];
		int64_t id = (int64_t)i + 1;
		struct rng r;
		rng_seed(&r, d->seed, ST_PAYMENT, (uint64_t)id);
		char receipt[32], account[16], date[11], created[21], ref[40];
		snprintf(receipt, sizeof receipt, "SF%s%08lld", d->hall, (long long)id);
		fmt_account(d, (long)p->cust, account);
		fmt_date(p->day, date);
		fmt_utc(d, p->day, p->sec, created);
		gen_reference(&r, p->method, p->day, ref);
		const char *staff = clerk_ids[p->counter - 1];
		sqlite3_bind_int64(pay, 1, id);
		text(pay, 2, receipt);
		text(pay, 3, account);
		sqlite3_bind_int64(pay, 4, p->amount);
		text(pay, 5, method_keys[p->method]);
		text(pay, 6, ref);
		if (p->method == PM_CASH) {
			int64_t tendered = p->amount;
			if (rng_permille(&r, 600)) {   /* banknotes, change given */
				int64_t unit = p->amount > 5000 ? 10000 : 5000;
				tendered = (p->amount + unit - 1) / unit * unit;
			}
			sqlite3_bind_int64(pay, 7, tendered);
			sqlite3_bind_int64(pay, 8, tendered - p->amount);
		} else {
			sqlite3_bind_null(pay, 7);
			sqlite3_bind_null(pay, 8);
		}
		text(pay, 9, date);
		text(pay, 10, d->hall);
		sqlite3_bind_int(pay, 11, p->counter);
		text(pay, 12, staff);
		text(pay, 13, created);
		rc = step(d, pay, err);
		for (int k = 0; rc == HALL_OK && k < p->nalloc; k++) {
			const struct galloc *a = &sim->allocs[p->alloc + (uint32_t)k];
			sqlite3_bind_int64(alloc, 1, id);
			if (a->bill_id) {
				sqlite3_bind_int64(alloc, 2, a->bill_id);
				sqlite3_bind_int64(alloc, 3, a->late);
				sqlite3_bind_int64(alloc, 4, a->principal);
				sqlite3_bind_int64(alloc, 5, 0);
			} else {   /* the excess: prepaid balance */
				sqlite3_bind_null(alloc, 2);
				sqlite3_bind_int64(alloc, 3, 0);
				sqlite3_bind_int64(alloc, 4, 0);
				sqlite3_bind_int64(alloc, 5, a->principal);
			}
			rc = step(d, alloc, err);
		}
		if (rc == HALL_OK)
			rc = store_journal_row(d->s, "payment.create", "payments", id,
			                       staff, p->counter, err);
		if (rc == HALL_OK)
			rc = store_journal_row(d->s, "payment.alloc", "payment_alloc", id,
			                       staff, p->counter, err);
		if (rc != HALL_OK)
			goto out;
		if ((i & 1023) == 0)
			progress(d, 800 + (long)(i * 150 / sim->npays));
	}
	d->npays = (long)sim->npays;
	d->sum.payments = d->npays;
out:
	sqlite3_finalize(pay);
	sqlite3_finalize(alloc);
	return rc;
}

/* ================================================================ build */

/* "INSERT INTO head VALUES (?,...),(?,...)..." with rows rows of cols
 * parameters. */
static int prep_rows(struct demo *d, const char *head, int cols, int rows,
                     sqlite3_stmt **st, struct hall_err *err)
{
	sqlite3_str *b = sqlite3_str_new(d->db);
	sqlite3_str_appendf(b, "INSERT INTO %s VALUES ", head);
	for (int r = 0; r < rows; r++) {
		sqlite3_str_appendall(b, r ? ",(" : "(");
		for (int c = 0; c < cols; c++)
			sqlite3_str_appendall(b, c ? ",?" : "?");
		sqlite3_str_appendchar(b, 1, ')');
	}
	char *sql = sqlite3_str_finish(b);
	if (!sql)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	int rc = prep(d, sql, st, err);
	sqlite3_free(sql);
	return rc;
}

static const char cust_head[] = "customers(id, account_no, name, id_type,"
	" id_number, phone, address, category, voltage, capacity, tariff_form,"
	" status, prepaid_fen, created_at, updated_at)";
static const char bill_head[] = "bills(id, account_no, period, kwh,"
	" amount_fen, paid_fen, due_date, status, created_at)";

static int prepare_all(struct demo *d, struct hall_err *err)
{
	int rc;
	if ((rc = prep_rows(d, cust_head, CUST_COLS, 1, &d->st_cust, err)) != HALL_OK ||
	    (rc = prep_rows(d, cust_head, CUST_COLS, ROWS, &d->st_custN, err)) != HALL_OK ||
	    (rc = prep_rows(d, bill_head, BILL_COLS, 1, &d->st_bill, err)) != HALL_OK ||
	    (rc = prep_rows(d, bill_head, BILL_COLS, ROWS, &d->st_billN, err)) != HALL_OK ||
	    (rc = prep(d, "INSERT INTO applications(id, app_no, account_no, kind, name,"
	               " id_type, id_number, phone, address, category, voltage,"
	               " capacity, tariff_form, stage, status, deadline,"
	               " business_date, hall, counter, staff_id, created_at, updated_at)"
	               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
	               "?16,?17,?18,?19,?20,?21,?22)", &d->st_app, err)) != HALL_OK ||
	    (rc = prep(d, "INSERT INTO changes(id, change_no, account_no, change_type,"
	               " stage, status, deadline, business_date, hall, counter,"
	               " staff_id, created_at, updated_at)"
	               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
	               &d->st_change, err)) != HALL_OK ||
	    (rc = prep(d, "INSERT INTO complaints(id, complaint_no, account_no, name,"
	               " phone, kind, category, subcategory, channel, content, stage,"
	               " status, repeat_flag, deadline, business_date, hall, counter,"
	               " staff_id, created_at, updated_at, department, handler,"
	               " contact_method, verified, company_fault, followup_result,"
	               " followup_method, followup_attempts)"
	               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
	               "?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28)",
	               &d->st_complaint, err)) != HALL_OK ||
	    (rc = prep(d, "INSERT INTO work_events(kind, number, from_stage, to_stage,"
	               " note, staff_id, counter, at, extras)"
	               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", &d->st_event, err)) != HALL_OK)
		return rc;
	return HALL_OK;
}

static void finalize_all(struct demo *d)
{
	sqlite3_stmt **all[] = {
		&d->st_cust, &d->st_custN, &d->st_bill, &d->st_billN, &d->st_app,
		&d->st_change, &d->st_complaint, &d->st_event,
	};
	for (int i = 0; i < N_ELEMS(all); i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

static int set_seq(struct demo *d, const char *name, int64_t value,
                   struct hall_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(d, "INSERT INTO seq(name, value) VALUES (?1, ?2)"
	              " ON CONFLICT(name) DO UPDATE SET value = excluded.value", &st, err);
	if (rc != HALL_OK)
		return rc;
	text(st, 1, name);
	sqlite3_bind_int64(st, 2, value);
	rc = step(d, st, err);
	sqlite3_finalize(st);
	return rc;
}

/* Schema objects set aside during the bulk load and made again after it,
 * from their own SQL as read from sqlite_master (so this follows every
 * migration): the FTS triggers of customers (the index is rebuilt in one
 * pass, 'rebuild': 3x faster than one trigger call per row) and the
 * secondary indexes of customers and bills (sorting once beats inserting
 * into them row by row once they outgrow the cache). */
#define DEFER_MAX 32

struct deferred {
	char *sql[DEFER_MAX];
	int n;
	bool fts;
};

static int defer(struct demo *d, struct deferred *df, struct hall_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(d, "SELECT type, name, sql FROM sqlite_master"
	              " WHERE sql IS NOT NULL AND ("
	              "  (type = 'trigger' AND tbl_name = 'customers'"
	              "   AND sql LIKE '%customers_fts%')"
	              "  OR (type = 'index' AND tbl_name IN ('customers', 'bills')))"
	              " ORDER BY type, name", &st, err);
	if (rc != HALL_OK)
		return rc;
	char *drops[DEFER_MAX];
	int nd = 0, src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW && df->n < DEFER_MAX) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if (strcmp(type, "trigger") == 0)
			df->fts = true;
		df->sql[df->n++] = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 2));
		drops[nd++] = sqlite3_mprintf("DROP %s \"%w\"", type, name);
	}
	sqlite3_finalize(st);
	rc = src == SQLITE_DONE || src == SQLITE_ROW ? HALL_OK : db_fail(d, src, err);
	for (int i = 0; i < nd; i++) {
		if (rc == HALL_OK)
			rc = drops[i] && df->sql[i] ? exec(d, drops[i], err)
			   : hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		sqlite3_free(drops[i]);
	}
	return rc;
}

/* Make again what defer() set aside: indexes, the FTS index, triggers. */
static int restore(struct demo *d, struct deferred *df, struct hall_err *err)
{
	int rc = HALL_OK;
	for (int i = 0; rc == HALL_OK && i < df->n; i++)
		if (strncmp(df->sql[i], "CREATE INDEX", 12) == 0 ||
		    strncmp(df->sql[i], "CREATE UNIQUE INDEX", 19) == 0)
			rc = exec(d, df->sql[i], err);
	if (rc == HALL_OK && df->fts)
		rc = exec(d, "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')", err);
	for (int i = 0; rc == HALL_OK && i < df->n; i++)
		if (strncmp(df->sql[i], "CREATE TRIGGER", 14) == 0)
			rc = exec(d, df->sql[i], err);
	return rc;
}

static void free_deferred(struct deferred *df)
{
	for (int i = 0; i < df->n; i++)
		sqlite3_free(df->sql[i]);
	df->n = 0;
	df->fts = false;
}

static int add_users(struct demo *d, struct hall_err *err)
{
	struct hall_actor admin;
	memset(&admin, 0, sizeof admin);
	snprintf(admin.user.id, sizeof admin.user.id, "%s", demo_users[0].id);
	snprintf(admin.user.name, sizeof admin.user.name, "%s", demo_users[0].name);
	admin.user.role = ROLE_ADMIN;
	admin.user.active = true;
	admin.counter = 1;
	for (int i = 0; i < N_ELEMS(demo_users); i++) {
		int rc = auth_user_add(d->s, i ? &admin : NULL, demo_users[i].id,
		                       demo_users[i].name, demo_users[i].role,
		                       DEMO_PASSWORD, err);
		if (rc != HALL_OK)
			return rc;
	}
	d->sum.users = N_ELEMS(demo_users);
	return HALL_OK;
}

/* Customers and their bills, in serial order. */
static int write_customers(struct demo *d, struct hall_err *err)
{
	int rc;
	for (long i = 1; i <= d->nbulk; i++) {
		struct gcust c;
		gen_bulk_customer(d, i, &c);
		if ((rc = add_customer(d, &c, 0, err)) != HALL_OK)
			return rc;
		if ((i & 1023) == 0)
			progress(d, i * 500 / d->n);
	}
	for (long j = 0; j < d->napps; j++) {
		struct gcust c = d->appcust[j];
		if ((rc = add_customer(d, &c, app_connect_day(d, j), err)) != HALL_OK)
			return rc;
	}
	if ((rc = flush_customers(d, err)) != HALL_OK ||
	    (rc = flush_bills(d, err)) != HALL_OK)
		return rc;
	d->sum.customers = d->n;
	return HALL_OK;
}

static int build(struct demo *d, struct hall_err *err)
{
	int rc;
	/* bulk-load settings: the file is private until it is renamed */
	if ((rc = exec(d, "PRAGMA journal_mode = MEMORY", err)) != HALL_OK ||
	    (rc = exec(d, "PRAGMA synchronous = OFF", err)) != HALL_OK ||
	    (rc = exec(d, "PRAGMA cache_size = -262144", err)) != HALL_OK ||
	    (rc = exec(d, "PRAGMA temp_store = MEMORY", err)) != HALL_OK)
		return rc;
	if ((rc = add_users(d, err)) != HALL_OK ||
	    (rc = exec(d, "UPDATE staff SET must_change = 0", err)) != HALL_OK)
		return rc;
	/* consistent by construction (the tests run foreign_key_check) */
	if ((rc = exec(d, "PRAGMA foreign_keys = OFF", err)) != HALL_OK)
		return rc;
	if ((rc = plan_applications(d, err)) != HALL_OK)
		return rc;
	/* the cash desk's rules: late fees and the limit per payment */
	struct late_fee_rules rules;
	memset(&rules, 0, sizeof rules);
	struct payment_settings ps;
	if ((rc = payment_rules_load(d->s, &rules, err)) != HALL_OK)
		return rc;
	d->rules = &rules;
	struct deferred df = { .n = 0 };
	if ((rc = payment_settings_get(d->s, &ps, err)) != HALL_OK)
		goto out;
	d->pay_limit = ps.max_amount_fen;

	if ((rc = store_begin(d->s, err)) != HALL_OK)
		goto out;
	if ((rc = prepare_all(d, err)) != HALL_OK ||
	    (rc = defer(d, &df, err)) != HALL_OK ||
	    (rc = write_customers(d, err)) != HALL_OK)
		goto rollback;
	progress(d, 600);
	if ((rc = restore(d, &df, err)) != HALL_OK)
		goto rollback;
	progress(d, 800);
	if ((rc = insert_payments(d, err)) != HALL_OK)
		goto rollback;
	if ((rc = add_other_work(d, err)) != HALL_OK)
		goto rollback;
	for (long j = 0; j < d->nwork; j++)
		if ((rc = insert_work(d, &d->work[j], err)) != HALL_OK)
			goto rollback;
	/* deadlines of the open orders by the hall's rules and calendar, as
	 * the work-order module computes them */
	if ((rc = workorder_recompute_open(d->s, NULL, NULL, err)) != HALL_OK)
		goto rollback;
	d->sum.applications = d->napps;
	d->sum.changes = d->nchanges;
	d->sum.complaints = d->ncomplaints;
	char seed[32], count[32];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)d->seed);
	snprintf(count, sizeof count, "%ld", d->n);
	if ((rc = set_seq(d, "account", d->n, err)) != HALL_OK ||
	    (rc = set_seq(d, "receipt", d->npays, err)) != HALL_OK ||
	    (rc = store_meta_set(d->s, "demo", "1", err)) != HALL_OK ||
	    (rc = store_meta_set(d->s, "demo_seed", seed, err)) != HALL_OK ||
	    (rc = store_meta_set(d->s, "demo_customers", count, err)) != HALL_OK)
		goto rollback;
	progress(d, 960);
	finalize_all(d);
	if ((rc = store_commit(d->s, err)) != HALL_OK)
		goto out;
	/* back to the store's normal settings */
	if ((rc = exec(d, "PRAGMA foreign_keys = ON", err)) != HALL_OK ||
	    (rc = exec(d, "PRAGMA journal_mode = WAL", err)) != HALL_OK ||
	    (rc = exec(d, "PRAGMA synchronous = FULL", err)) != HALL_OK)
		goto out;
	goto out;
rollback:
	store_rollback(d->s);
out:
	finalize_all(d);
	free_deferred(&df);
	payment_rules_free(&rules);
	d->rules = NULL;
	return rc;
}

static void remove_tmp(const char *tmp)
{
	static const char *const sfx[] = {
		"", "-wal", "-shm", "-journal",
	};
	char p[1100];
	for (int i = 0; i < N_ELEMS(sfx); i++) {
		snprintf(p, sizeof p, "%s%s", tmp, sfx[i]);
		unlink(p);
	}
}

static int sync_path(const char *p, bool dir)
{
	int fd = open(p, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Move tmp to path without ever replacing an existing file. */
static int publish(const char *tmp, const char *path, struct hall_err *err)
{
	if (sync_path(tmp, false) != 0)
		return hall_err_set(err, HALL_EIO, NULL, "无法写入 %s：%s",
		                    "cannot write %s: %s", tmp, strerror(errno),
		                    tmp, strerror(errno));
	if (link(tmp, path) != 0) {
		int e = errno;
		if (e == EEXIST)
			return hall_err_set(err, HALL_EEXIST, NULL,
				"%s 已存在，不会覆盖", "%s already exists; it is not overwritten",
				path, path);
		/* file systems without hard links: check, then rename */
		struct stat sb;
		if ((e == EPERM || e == ENOTSUP || e == EXDEV) && lstat(path, &sb) != 0 &&
		    rename(tmp, path) == 0)
			goto synced;
		return hall_err_set(err, HALL_EIO, NULL, "无法创建 %s：%s",
		                    "cannot create %s: %s", path, strerror(e),
		                    path, strerror(e));
	}
	unlink(tmp);
synced:;
	/* make the new name durable */
	char dir[1100];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	sync_path(dir, true);
	return HALL_OK;
}

void demo_options_init(struct demo_options *o)
{
	memset(o, 0, sizeof *o);
	o->customers = DEMO_DEFAULT_CUSTOMERS;
	o->seed = 1;
	o->hall_code = DEMO_HALL_CODE;
	o->hall_name = DEMO_HALL_NAME;
}

static void demo_free(struct demo *d)
{
	free(d->cbuf);
	free(d->bbuf);
	free(d->sim.pays);
	free(d->sim.allocs);
	free(d->status);
	free(d->work);
	free(d->appcust);
	free(d->tz_off);
}

int demo_create(const char *path, const struct demo_options *opt,
                struct hall_err *err)
{
	struct demo_options defaults;
	if (!opt) {
		demo_options_init(&defaults);
		opt = &defaults;
	}
	if (!path || !*path)
		return hall_err_set(err, HALL_EINVAL, "db",
			"未指定演示数据库的路径", "no path given for the demo store");
	if (opt->customers < 1 || opt->customers > DEMO_MAX_CUSTOMERS)
		return hall_err_set(err, HALL_EINVAL, "customers",
			"客户数：应为1至%ld", "customers: must be 1 to %ld",
			DEMO_MAX_CUSTOMERS, DEMO_MAX_CUSTOMERS);
	if (strlen(path) > 1000)
		return hall_err_set(err, HALL_EINVAL, "db", "路径过长", "path too long");
	struct stat sb;
	if (lstat(path, &sb) == 0)
		return hall_err_set(err, HALL_EEXIST, NULL,
			"%s 已存在，不会覆盖", "%s already exists; it is not overwritten",
			path, path);

	struct demo d;
	memset(&d, 0, sizeof d);
	d.o = opt;
	d.seed = opt->seed;
	d.prog_last = -1;
	d.n = opt->customers;
	d.sim.next_bill_id = 1;
	d.counter_permille = COUNTER_SHARE_PERMILLE;
	if (d.n > COUNTER_PAYERS * 1000 / COUNTER_SHARE_PERMILLE)
		d.counter_permille = (unsigned)(COUNTER_PAYERS * 1000 / d.n);
	const char *code = opt->hall_code ? opt->hall_code : DEMO_HALL_CODE;
	const char *name = opt->hall_name ? opt->hall_name : DEMO_HALL_NAME;
	snprintf(d.hall, sizeof d.hall, "%.3s", code);

	char today[11];
	store_today_local(today);
	int y, m, dd;
	if (sscanf(today, "%4d-%2d-%2d", &y, &m, &dd) != 3)
		return hall_err_set(err, HALL_EINVAL, NULL, "无法确定今天的日期",
		                    "cannot tell today's date");
	d.today = ident_days_from_civil(y, m, dd);
	d.ty = y;
	d.tm = m;
	for (int k = 0; k < MAX_BILLS; k++) {
		int pm = m - (MAX_BILLS - k), py = y;   /* periods M-3, M-2, M-1 */
		while (pm < 1) {
			pm += 12;
			py--;
		}
		d.py[k] = py;
		d.pm[k] = pm;
		int iy = pm == 12 ? py + 1 : py, im = pm == 12 ? 1 : pm + 1;
		d.issue[k] = ident_days_from_civil(iy, im, 1);
		d.due[k] = ident_days_from_civil(iy, im, 25);
	}
	d.bulk_last = d.issue[0] - 31;          /* before the first period */
	if (d.bulk_last > d.today - 130)
		d.bulk_last = d.today - 130;
	d.bulk_first = d.bulk_last - 7300;      /* about 20 years */
	d.tz_base = d.bulk_first - 400;
	d.tz_n = d.today - d.tz_base + 400;
	d.tz_off = malloc((size_t)d.tz_n * sizeof *d.tz_off);
	d.status = calloc((size_t)d.n, 1);
	d.cbuf = calloc(1, sizeof *d.cbuf);
	d.bbuf = calloc(1, sizeof *d.bbuf);
	if (!d.tz_off || !d.status || !d.cbuf || !d.bbuf) {
		demo_free(&d);
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	tz_fill(&d);

	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		demo_free(&d);
		return hall_err_set(err, HALL_EIO, NULL, "无法在 %s 旁创建临时文件：%s",
		                    "cannot create a temporary file next to %s: %s",
		                    path, strerror(e), path, strerror(e));
	}
	close(fd);
	unlink(tmp);   /* store_create creates it itself, exclusively */

	int rc = store_create(tmp, code, name, &d.s, err);
	if (rc != HALL_OK) {
		demo_free(&d);
		return rc;
	}
	d.db = store_db(d.s);
	progress(&d, 0);
	rc = build(&d, err);
	store_close(d.s);
	d.s = NULL;
	if (rc == HALL_OK)
		rc = publish(tmp, path, err);
	if (rc != HALL_OK) {
		remove_tmp(tmp);
		demo_free(&d);
		return rc;
	}
	if (stat(path, &sb) == 0)
		d.sum.file_bytes = (int64_t)sb.st_size;
	if (opt->summary)
		*opt->summary = d.sum;
	demo_free(&d);
	progress(&d, PROG_TOTAL);
	return HALL_OK;
}
