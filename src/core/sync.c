/* sync.c - the nightly sync: lock, push the journal, pull what the central
 * owns, verify, central init, status for the home screen.  The central
 * store itself is behind struct sync_be_ops (sync_sqlite.c, sync_pg.c). */
#include "hall/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "hall/calendar.h"
#include "hall/payment.h"
#include "hall/workorder.h"
#include "hall/worules.h"
#include "hall/priv.h"
#include "sbuf.h"
#include "sync_backend.h"

#define PULL_HOLD_MS 30       /* hall write transaction of a pull, target */
#define PULL_ROWS_MAX 4096     /* rows per step of a pull transaction */
#define PULL_GAP_MS 25        /* and the pause after it (see do_pull) */
#define PULL_HOLD_FIRST_MS 250 /* the same, first pull into an empty hall */
#define SEED_ROWS 2000        /* master rows per seed call */

/* ------------------------------------------------------------ codes */

int sync_exit_code(int fail)
{
	switch (fail) {
	case SYNC_OK: return 0;
	case SYNC_UNREACHABLE: return 10;
	case SYNC_REJECTED:
	case SYNC_AUTH:
	case SYNC_UNKNOWN_HALL: return 11;
	case SYNC_DIFF: return 12;
	case SYNC_SCHEMA: return 13;
	case SYNC_DISKFULL: return 14;
	case SYNC_LOCKED: return 15;
	case SYNC_CONFIG: return 6;
	default: return 1;
	}
}

const char *sync_fail_key(int fail)
{
	static const char *const k[] = { "ok", "unreachable", "rejected",
		"auth", "unknown-hall", "schema", "disk-full", "locked",
		"differences", "config", "local" };
	return fail >= 0 && fail < (int)(sizeof k / sizeof k[0]) ? k[fail] : "error";
}

/* A hall store error as a sync failure: a full disk is its own kind. */
static int local_fail(const struct hall_err *err)
{
	if (strstr(err->en, "disk is full"))
		return SYNC_DISKFULL;
	return SYNC_LOCAL;
}

const char *sync_verify_sql(void)
{
	return
	"SELECT business_date, 'payments', count(*), coalesce(sum(amount_fen), 0)"
	"  FROM payments WHERE hall = ?1 AND status = 'ok' GROUP BY business_date"
	" UNION ALL SELECT business_date, 'payments_void', count(*),"
	"  coalesce(sum(amount_fen), 0) FROM payments WHERE hall = ?1"
	"  AND status <> 'ok' GROUP BY business_date"
	" UNION ALL SELECT business_date, 'applications', count(*), 0"
	"  FROM applications WHERE hall = ?1 GROUP BY business_date"
	" UNION ALL SELECT business_date, 'changes', count(*), 0"
	"  FROM changes WHERE hall = ?1 GROUP BY business_date"
	" UNION ALL SELECT business_date, 'complaints', count(*), 0"
	"  FROM complaints WHERE hall = ?1 GROUP BY business_date"
	" UNION ALL SELECT substr(at, 1, 10), 'journal', count(*), 0"
	"  FROM journal WHERE hall = ?1 GROUP BY substr(at, 1, 10)";
}

static const struct sync_be_ops *backend_for(const char *url,
                                             struct hall_err *err)
{
	if (!url || !*url) {
		hall_err_set(err, HALL_ECONFIG, "central",
			"未配置中心库：请用 --central 地址，或设置 HALL_CENTRAL，或在配置文件中写 central = 地址"
			"（sqlite:路径 或 postgresql://…）",
			"no central store configured: use --central URL, set HALL_CENTRAL, or put central = URL "
			"in the configuration file (sqlite:PATH or postgresql://...)");
		return NULL;
	}
	if (strncmp(url, "sqlite:", 7) == 0)
		return &sync_sqlite_ops;
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return &sync_pg_ops;
	hall_err_set(err, HALL_ECONFIG, "central",
		"中心库地址 %s 无法识别：应以 sqlite: 或 postgresql:// 开头",
		"central URL %s not understood: it must start with sqlite: or postgresql://",
		url);
	return NULL;
}

static int connect_central(const char *url, const struct sync_be_ops **ops,
                           struct sync_be **b, struct hall_err *err)
{
	*ops = backend_for(url, err);
	if (!*ops)
		return SYNC_CONFIG;
	return (*ops)->open(url, b, err);
}

/* ------------------------------------------------------------- lock */

/* An flock on STORE.sync-lock: a separate file, so closing it never drops
 * SQLite's POSIX locks on the store. */
static int lock_take(struct store *s, int *fd, struct hall_err *err)
{
	char path[1100];
	snprintf(path, sizeof path, "%s.sync-lock", store_path(s));
	/* the lock lives beside the store, in the hall group's folder: open
	 * (or create, 660 of the group) it with the raised group like the
	 * store files (priv.h), and drop the group at once */
	if (!priv_raise())
		return hall_err_set(err, HALL_EPERM, NULL,
			"无法取得 hall 组权限打开同步锁文件 %s", "cannot take the hall group to open the sync lock file %s",
			path), SYNC_LOCAL;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660);
	int saved = errno;
	priv_drop();
	if (*fd < 0) {
		hall_err_set(err, HALL_EIO, NULL, "无法打开同步锁文件 %s：%s",
		             "cannot open the sync lock file %s: %s", path, strerror(saved));
		return SYNC_LOCAL;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		char pid[32] = "";
		ssize_t n = pread(*fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(*fd);
		*fd = -1;
		hall_err_set(err, HALL_EBUSY, NULL,
			"另一个同步正在进行（进程 %s），本次不再运行",
			"another sync of this hall is running (process %s); this one exits",
			pid[0] ? pid : "?");
		return SYNC_LOCKED;
	}
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(*fd, 0) == 0 && pwrite(*fd, pid, (size_t)n, 0) < 0) {
		/* the pid is only informative */
	}
	return SYNC_OK;
}

static void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ------------------------------------------------------------- time */

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* HALL_SYNC_TRACE=1: phase times on stderr (benchmarks). */
static void trace(const char *what, long t0)
{
	static int on = -1;
	if (on < 0)
		on = getenv("HALL_SYNC_TRACE") && *getenv("HALL_SYNC_TRACE") == '1';
	if (on)
		fprintf(stderr, "sync: %s %ld ms\n", what, now_ms() - t0);
}

static void sleep_ms(int ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

void sync_options_init(struct sync_options *o)
{
	memset(o, 0, sizeof *o);
	o->push = o->pull = true;
	o->batch = 0;                /* the backend's (sync_be_ops.batch) */
	const char *v = getenv("HALL_SYNC_BATCH");
	if (v && atoi(v) > 0)
		o->batch = atoi(v) > 100000 ? 100000 : atoi(v);
	v = getenv("HALL_SYNC_PAUSE_MS");
	if (v && atoi(v) > 0)
		o->pause_ms = atoi(v);
}

/* ------------------------------------------------------------- push */

struct cursor_list {
	int n;
	int64_t epoch[64], seq[64];
};

static void add_cursor(void *ud, int64_t epoch, int64_t seq)
{
	struct cursor_list *c = ud;
	if (c->n < 64) {
		c->epoch[c->n] = epoch;
		c->seq[c->n++] = seq;
	}
}

static int64_t cursor_of(const struct cursor_list *c, int64_t epoch)
{
	for (int i = 0; i < c->n; i++)
		if (c->epoch[i] == epoch)
			return c->seq[i];
	return 0;
}

struct batch {
	int n, cap;
	struct sync_entry *e;
	struct sbuf text;            /* all strings of the batch */
	size_t *off;                 /* 7 offsets per entry */
	bool bad_json;
	int bad_at;
};

static void batch_free(struct batch *b)
{
	free(b->e);
	free(b->off);
	sbuf_free(&b->text);
}

static void add_str(struct batch *b, sqlite3_stmt *st, int col, size_t *off)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	if (!t) {
		*off = (size_t)-1;
		return;
	}
	*off = b->text.len;
	sbuf_add(&b->text, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
	sbuf_addc(&b->text, '\0');
}

static const char *str_at(const struct batch *b, size_t off)
{
	return off == (size_t)-1 ? NULL : b->text.p + off;
}

/* Read the next entries of epoch after seq (a read transaction of its own:
 * WAL readers never hold up the counters). */
static int batch_read(struct store *s, int64_t epoch, int64_t after, int max,
                      struct batch *b, struct hall_err *err)
{
	b->n = 0;
	b->bad_json = false;
	sbuf_reset(&b->text);
	if (b->cap < max) {
		free(b->e);
		free(b->off);
		b->e = calloc((size_t)max, sizeof *b->e);
		b->off = calloc((size_t)max * 5, sizeof *b->off);
		b->cap = b->e && b->off ? max : 0;
		if (!b->cap)
			return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	sqlite3_stmt *st = store_stmt(s,
		"SELECT seq, kind, tbl, row_id, payload, staff_id, counter, at,"
		" json_valid(payload) FROM journal WHERE epoch = ?1 AND seq > ?2"
		" ORDER BY seq LIMIT ?3", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, epoch);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sync_entry *e = &b->e[b->n];
		size_t *o = &b->off[b->n * 5];
		e->seq = sqlite3_column_int64(st, 0);
		add_str(b, st, 1, &o[0]);
		add_str(b, st, 2, &o[1]);
		e->row_id = sqlite3_column_int64(st, 3);
		add_str(b, st, 4, &o[2]);
		add_str(b, st, 5, &o[3]);
		e->counter = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 6);
		add_str(b, st, 7, &o[4]);
		if (!sqlite3_column_int(st, 8) && !b->bad_json) {
			b->bad_json = true;
			b->bad_at = b->n;
		}
		b->n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "读取日志", "reading the journal", err);
	if (b->text.oom)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	/* strings are placed once the buffer no longer moves */
	for (int i = 0; i < b->n; i++) {
		size_t *o = &b->off[i * 5];
		b->e[i].kind = str_at(b, o[0]);
		b->e[i].tbl = str_at(b, o[1]);
		b->e[i].payload = str_at(b, o[2]);
		b->e[i].staff_id = str_at(b, o[3]);
		b->e[i].at = str_at(b, o[4]);
		if (!b->e[i].kind) b->e[i].kind = "";
		if (!b->e[i].tbl) b->e[i].tbl = "";
		if (!b->e[i].payload) b->e[i].payload = "";
		if (!b->e[i].at) b->e[i].at = "";
	}
	return HALL_OK;
}

static void name_entry(struct sync_report *rep, const char *hall, int64_t epoch,
                       const struct sync_entry *e)
{
	snprintf(rep->rejected, sizeof rep->rejected, "%s/%lld/%lld %s %s#%lld",
	         hall, (long long)epoch, (long long)e->seq, e->kind, e->tbl,
	         (long long)e->row_id);
}

/* Push one batch; when the central refuses it, push the entries one by
 * one so that those before the bad one land and the error names it. */
static int push_batch(const struct sync_be_ops *ops, struct sync_be *be,
                      const char *hall, int64_t epoch, const struct batch *b,
                      int64_t *acked, struct sync_report *rep,
                      struct hall_err *err)
{
	int64_t before = *acked;
	int rc = ops->push(be, hall, epoch, b->e, b->n, acked, err);
	if (rc == SYNC_OK) {
		rep->pushed += b->n;
		return SYNC_OK;
	}
	if (rc != SYNC_REJECTED || b->n == 1) {
		if (rc == SYNC_REJECTED)
			name_entry(rep, hall, epoch, &b->e[0]);
		return rc;
	}
	for (int i = 0; i < b->n; i++) {
		if (b->e[i].seq <= before)
			continue;
		rc = ops->push(be, hall, epoch, &b->e[i], 1, acked, err);
		if (rc != SYNC_OK) {
			if (rc == SYNC_REJECTED)
				name_entry(rep, hall, epoch, &b->e[i]);
			return rc;
		}
		rep->pushed++;
	}
	return SYNC_OK;
}

struct epoch_row { int64_t epoch, max_seq, count; };

static int hall_epochs(struct store *s, struct epoch_row *rows, int max,
                       int *n, struct hall_err *err)
{
	*n = 0;
	sqlite3_stmt *st = store_stmt(s,
		"SELECT epoch, max(seq), count(*) FROM journal GROUP BY epoch ORDER BY epoch",
		err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		rows[*n].epoch = sqlite3_column_int64(st, 0);
		rows[*n].max_seq = sqlite3_column_int64(st, 1);
		rows[*n].count = sqlite3_column_int64(st, 2);
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_error(s, rc, "读取日志", "reading the journal", err);
	return HALL_OK;
}

static int do_push(struct store *s, const struct sync_be_ops *ops,
                   struct sync_be *be, const struct sync_options *o,
                   struct sync_report *rep, int64_t *acked_now,
                   struct hall_err *err)
{
	const char *hall = store_hall_code(s);
	struct cursor_list cur = { 0 };
	int rc = ops->cursors(be, hall, add_cursor, &cur, err);
	if (rc != SYNC_OK)
		return rc;
	struct epoch_row ep[64];
	int nep;
	if (hall_epochs(s, ep, 64, &nep, err) != HALL_OK)
		return local_fail(err);
	/* The central acknowledged more of an epoch than the hall has: the
	 * store was restored from a backup.  Fine under a newer epoch (those
	 * entries stay at the central); fatal under the same epoch, since new
	 * entries would reuse keys the central already holds. */
	for (int i = 0; i < cur.n; i++) {
		int64_t have = 0;
		for (int j = 0; j < nep; j++)
			if (ep[j].epoch == cur.epoch[i])
				have = ep[j].max_seq;
		if (cur.seq[i] <= have)
			continue;
		if (cur.epoch[i] >= store_epoch(s)) {
			hall_err_set(err, HALL_ESTATE, NULL,
				"中心库已有本营业厅第 %lld 轮的日志到 %lld 号，而本库只到 %lld 号：本库是从备份恢复的，"
				"但没有开始新的一轮。请用 hall restore 恢复（它会开始新的一轮），否则新业务会被中心库当作重复而丢弃",
				"the central holds entries of epoch %lld up to %lld but this store only up to %lld: it was "
				"restored from a backup without starting a new epoch. Restore with hall restore (which starts "
				"a new epoch); otherwise new business would be dropped by the central as duplicates",
				(long long)cur.epoch[i], (long long)cur.seq[i], (long long)have);
			return SYNC_REJECTED;
		}
		rep->lost_at_central += cur.seq[i] - have;
	}
	long total = 0, done = 0;
	for (int i = 0; i < nep; i++) {
		int64_t a = cursor_of(&cur, ep[i].epoch);
		/* seq numbers of an epoch are contiguous from its first one */
		if (ep[i].max_seq > a)
			total += (long)(ep[i].max_seq - a) < ep[i].count ?
			         (long)(ep[i].max_seq - a) : (long)ep[i].count;
	}
	struct batch b = { 0 };
	sbuf_init(&b.text);
	*acked_now = cursor_of(&cur, store_epoch(s));
	for (int i = 0; i < nep && rc == SYNC_OK; i++) {
		int64_t acked = cursor_of(&cur, ep[i].epoch);
		for (;;) {
			if (batch_read(s, ep[i].epoch, acked, o->batch > 0 ? o->batch : ops->batch, &b, err) != HALL_OK) {
				rc = local_fail(err);
				break;
			}
			if (b.n == 0)
				break;
			if (b.bad_json) {
				/* send the good ones before it, then stop */
				int good = b.bad_at;
				const struct sync_entry *bad = &b.e[good];
				b.n = good;
				if (good > 0 && (rc = push_batch(ops, be, hall, ep[i].epoch,
				                                 &b, &acked, rep, err)) != SYNC_OK)
					break;
				name_entry(rep, hall, ep[i].epoch, bad);
				hall_err_set(err, HALL_EINVAL, NULL,
					"日志第 %s 条的内容不是有效的 JSON，中心库不能接收；之后的日志暂不上传，请通知系统管理员",
					"journal entry %s is not valid JSON and cannot be sent; the entries after it wait. "
					"Tell the administrator", rep->rejected);
				rc = SYNC_REJECTED;
				break;
			}
			int64_t before = acked;
			rc = push_batch(ops, be, hall, ep[i].epoch, &b, &acked, rep, err);
			if (rc != SYNC_OK)
				break;
			if (acked < b.e[b.n - 1].seq) {
				hall_err_set(err, HALL_EDB, NULL,
					"中心库没有确认第 %lld 号日志（确认到 %lld）",
					"the central did not acknowledge entry %lld (acknowledged up to %lld)",
					(long long)b.e[b.n - 1].seq, (long long)acked);
				rc = SYNC_REJECTED;
				break;
			}
			(void)before;
			done += b.n;
			if (o->progress)
				o->progress(o->ud, "push", done, total);
			sleep_ms(o->pause_ms);
		}
		if (ep[i].epoch == store_epoch(s))
			*acked_now = acked;
	}
	batch_free(&b);
	return rc;
}

/* ------------------------------------------------------------- pull */

struct pull_ctx {
	struct store *s;
	sqlite3_stmt *ins;
	long n;
	int rc;
	struct hall_err *err;
};

static int stage_row(void *ud, const char *tbl, const char *json)
{
	struct pull_ctx *p = ud;
	sqlite3 *db = store_db(p->s);
	if (p->n % 5000 == 0) {
		if (p->n)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	}
	sqlite3_bind_text(p->ins, 1, tbl, -1, SQLITE_STATIC);
	sqlite3_bind_text(p->ins, 2, json, -1, SQLITE_STATIC);
	int rc = sqlite3_step(p->ins);
	sqlite3_reset(p->ins);
	if (rc != SQLITE_DONE) {
		p->rc = store_error(p->s, rc, "暂存中心库数据", "staging central data", p->err);
		return -1;
	}
	p->n++;
	return 0;
}

/* Apply statements, each taking ?1 = the row as JSON, ?2 = now. */
/* Set-based apply statements read the staged rows n in (?1, ?2] of
 * temp.sync_in; ?3 = now. */
#define CUST_OBJ "json_object('name', c.name, 'id_type', c.id_type," \
	" 'id_number', c.id_number, 'phone', c.phone, 'address', c.address," \
	" 'category', c.category, 'voltage', c.voltage, 'capacity', c.capacity," \
	" 'tariff_form', c.tariff_form, 'status', c.status, 'extras', c.extras)"
static const char sql_cust_history[] =
	"INSERT INTO customer_history(account_no, field, old_value, new_value,"
	" source, staff_id, at)"
	" SELECT c.account_no, j.key, json_extract(" CUST_OBJ ", '$.' || j.key),"
	"  j.value, 'central', NULL, ?3"
	" FROM temp.sync_in s JOIN customers c ON c.account_no = s.body ->> '$.account_no',"
	"  json_each(s.body) j"
	" WHERE s.n > ?1 AND s.n <= ?2"
	"  AND j.key IN ('name','id_type','id_number','phone','address','category',"
	"   'voltage','capacity','tariff_form','status','extras')"
	"  AND json_extract(" CUST_OBJ ", '$.' || j.key) IS NOT j.value"
	"  AND NOT EXISTS (SELECT 1 FROM temp.sync_pending p"
	"   WHERE p.account_no = c.account_no)";

/* A customer with contact edits the central has not acknowledged keeps its
 * own values until the central has them (its prepaid is still updated). */
#define PEND "EXISTS (SELECT 1 FROM temp.sync_pending WHERE account_no = excluded.account_no)"
#define KEEP(c) " " c " = iif(" PEND ", " c ", excluded." c "),"
static const char sql_cust_upsert[] =
	"INSERT INTO customers(account_no, name, id_type, id_number, phone,"
	" address, category, voltage, capacity, tariff_form, status, prepaid_fen,"
	" extras, created_at, updated_at)"
	" SELECT j ->> '$.account_no', j ->> '$.name', j ->> '$.id_type',"
	"  j ->> '$.id_number', j ->> '$.phone', j ->> '$.address',"
	"  j ->> '$.category', j ->> '$.voltage', j ->> '$.capacity',"
	"  j ->> '$.tariff_form', j ->> '$.status',"
	"  (j ->> '$.prepaid_fen') + coalesce((SELECT sum(l.prepaid_fen)"
	"   FROM temp.sync_local l WHERE l.account_no = j ->> '$.account_no'), 0),"
	"  coalesce(j ->> '$.extras', '{}'), j ->> '$.created_at', j ->> '$.updated_at'"
	" FROM (SELECT body AS j FROM temp.sync_in WHERE n > ?1 AND n <= ?2)"
	" WHERE true"
	" ON CONFLICT(account_no) DO UPDATE SET"
	KEEP("name") KEEP("id_type") KEEP("id_number") KEEP("phone")
	KEEP("address") KEEP("category") KEEP("voltage") KEEP("capacity")
	KEEP("tariff_form") KEEP("status") KEEP("extras") KEEP("updated_at")
	"  prepaid_fen = excluded.prepaid_fen"
	" WHERE (name, id_type, id_number, phone, address, category, voltage,"
	"  capacity, tariff_form, status, extras, prepaid_fen) IS NOT"
	"  (excluded.name, excluded.id_type, excluded.id_number, excluded.phone,"
	"  excluded.address, excluded.category, excluded.voltage, excluded.capacity,"
	"  excluded.tariff_form, excluded.status, excluded.extras, excluded.prepaid_fen)";

/* A bill: the central's paid amount plus the hall's payments that the
 * central has not acknowledged yet.  'paid' only when the principal is
 * paid and no late fee can be due: none when every share was paid by the
 * due date (the hall's own shares with their days, and what was paid
 * elsewhere on the day the central gives, paid_elsewhere_on).  A bill
 * whose principal is paid but a share came late is set 'partial' here and
 * settled exactly by payment_bill_settle (settle_bills below). */
#define LATE_POSSIBLE "(coalesce(els, '') > due OR EXISTS (SELECT 1 FROM bills x" \
	" JOIN payment_alloc a ON a.bill_id = x.id JOIN payments p ON p.id = a.payment_id" \
	" WHERE x.account_no = acc AND x.period = per AND p.status = 'ok'" \
	" AND (a.late_fee_fen > 0 OR coalesce(p.paid_on, p.business_date) > due)))"
static const char sql_bill_upsert[] =
	"INSERT INTO bills(account_no, period, kwh, amount_fen, paid_fen, due_date,"
	" status, created_at)"
	" SELECT acc, per, kwh, amt, paid,"
	"  due, CASE WHEN paid >= amt AND NOT " LATE_POSSIBLE " THEN 'paid'"
	"  WHEN paid > 0 OR coalesce(efee, 0) > 0 THEN 'partial' ELSE 'unpaid' END, cat"
	" FROM (SELECT j ->> '$.account_no' AS acc, j ->> '$.period' AS per,"
	"  j ->> '$.kwh' AS kwh, j ->> '$.amount_fen' AS amt, j ->> '$.due_date' AS due,"
	"  j ->> '$.created_at' AS cat, j ->> '$.paid_elsewhere_on' AS els,"
	"  j ->> '$.fee_paid_elsewhere_fen' AS efee,"
	"  min(j ->> '$.amount_fen', (j ->> '$.paid_fen') + coalesce((SELECT"
	"   sum(l.principal_fen) FROM temp.sync_local l WHERE l.account_no ="
	"   j ->> '$.account_no' AND l.period = j ->> '$.period'), 0)) AS paid"
	"  FROM (SELECT body AS j FROM temp.sync_in WHERE n > ?1 AND n <= ?2))"
	" WHERE true"
	" ON CONFLICT(account_no, period) DO UPDATE SET kwh = excluded.kwh,"
	"  amount_fen = excluded.amount_fen, paid_fen = excluded.paid_fen,"
	"  due_date = excluded.due_date, status = excluded.status"
	" WHERE (kwh, amount_fen, paid_fen, due_date, status) IS NOT"
	"  (excluded.kwh, excluded.amount_fen, excluded.paid_fen, excluded.due_date,"
	"  excluded.status)";

/* A pulled bill's money outside the hall counters, kept in bill_elsewhere
 * (a row is made when there is something to keep; once the central clears
 * it, the row stays with paid_on NULL and fee_paid_fen 0, which reckons
 * the late fee as if there were none). */
static const char sql_bill_elsewhere[] =
	"INSERT INTO bill_elsewhere(bill_id, paid_on, fee_paid_fen, updated_at)"
	" SELECT b.id, s.body ->> '$.paid_elsewhere_on',"
	"  coalesce(s.body ->> '$.fee_paid_elsewhere_fen', 0), ?3"
	" FROM temp.sync_in s JOIN bills b ON b.account_no = s.body ->> '$.account_no'"
	"  AND b.period = s.body ->> '$.period'"
	" WHERE s.n > ?1 AND s.n <= ?2 AND (s.body ->> '$.paid_elsewhere_on' IS NOT NULL"
	"  OR coalesce(s.body ->> '$.fee_paid_elsewhere_fen', 0) <> 0"
	"  OR EXISTS (SELECT 1 FROM bill_elsewhere e WHERE e.bill_id = b.id))"
	" ON CONFLICT(bill_id) DO UPDATE SET paid_on = excluded.paid_on,"
	"  fee_paid_fen = excluded.fee_paid_fen, updated_at = excluded.updated_at"
	" WHERE (paid_on, fee_paid_fen) IS NOT (excluded.paid_on, excluded.fee_paid_fen)";

/* The first pulled bill of (?1, ?2] whose outside money is not valid. */
static const char sql_bill_check[] =
	"SELECT s.body ->> '$.account_no', s.body ->> '$.period' FROM temp.sync_in s"
	" WHERE s.n > ?1 AND s.n <= ?2 AND s.tbl = 'bills' AND ((s.body ->> '$.paid_elsewhere_on' IS NOT NULL"
	"  AND coalesce(date(julianday(s.body ->> '$.paid_elsewhere_on')), '') IS NOT s.body ->> '$.paid_elsewhere_on')"
	"  OR coalesce(s.body ->> '$.fee_paid_elsewhere_fen', 0) < 0"
	"  OR typeof(coalesce(s.body ->> '$.fee_paid_elsewhere_fen', 0)) <> 'integer')"
	" ORDER BY s.n LIMIT 1";

/* Pulled bills of (?1, ?2] whose principal is paid but that are not
 * 'paid': payment_bill_settle decides. */
static const char sql_bill_unsettled[] =
	"SELECT b.id FROM temp.sync_in s JOIN bills b ON b.account_no = s.body ->> '$.account_no'"
	" AND b.period = s.body ->> '$.period'"
	" WHERE s.n > ?1 AND s.n <= ?2 AND b.status <> 'paid' AND b.paid_fen >= b.amount_fen";

/* Staff: the central's account if newer than the hall's (a password the
 * hall changed since stays); a pw_hash of "" (the central has none) keeps
 * the hall's; a new account without one cannot log in until an
 * administrator sets it. */
static const char sql_staff_upsert[] =
	"INSERT INTO staff(id, name, role, pw_hash, active, must_change,"
	" created_at, updated_at)"
	" SELECT j ->> '$.id', j ->> '$.name', j ->> '$.role',"
	"  iif(coalesce(j ->> '$.pw_hash', '') = '', '!', j ->> '$.pw_hash'),"
	"  j ->> '$.active', coalesce(j ->> '$.must_change', 1), j ->> '$.created_at',"
	"  j ->> '$.updated_at'"
	" FROM (SELECT ?1 AS j) WHERE true"
	" ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role,"
	"  pw_hash = iif(excluded.pw_hash = '!', pw_hash, excluded.pw_hash),"
	"  active = excluded.active, must_change = excluded.must_change,"
	"  updated_at = excluded.updated_at"
	" WHERE excluded.updated_at > updated_at AND ((name, role, active, must_change) IS NOT"
	"  (excluded.name, excluded.role, excluded.active, excluded.must_change)"
	"  OR (excluded.pw_hash <> '!' AND excluded.pw_hash <> pw_hash))";

static const char sql_ref_upsert[] =
	"INSERT INTO ref_data(kind, key, value, updated_at)"
	" SELECT j ->> '$.kind', j ->> '$.key', j ->> '$.value', j ->> '$.updated_at'"
	" FROM (SELECT ?1 AS j) WHERE true"
	" ON CONFLICT(kind, key) DO UPDATE SET value = excluded.value,"
	"  updated_at = excluded.updated_at WHERE value IS NOT excluded.value";

/* A central update of one of the hall's work orders: the stage moves (if
 * the update is newer than the hall's record) and a work event records it
 * (once). */
static const char sql_work_event[] =
	"INSERT INTO work_events(kind, number, from_stage, to_stage, note, staff_id,"
	" counter, at, extras)"
	" SELECT w.kind, w.number, w.stage, j ->> '$.stage', coalesce(j ->> '$.note', ''),"
	"  coalesce(j ->> '$.staff_id', 'central'), 0, j ->> '$.at', '{\"source\":\"central\"}'"
	" FROM (SELECT ?1 AS j),"
	"  (SELECT 'application' AS kind, app_no AS number, stage FROM applications"
	"    WHERE app_no = json_extract(?1, '$.number')"
	"   UNION ALL SELECT 'change', change_no, stage FROM changes"
	"    WHERE change_no = json_extract(?1, '$.number')"
	"   UNION ALL SELECT 'complaint', complaint_no, stage FROM complaints"
	"    WHERE complaint_no = json_extract(?1, '$.number')) w"
	" WHERE NOT EXISTS (SELECT 1 FROM work_events e WHERE e.number = w.number"
	"  AND e.to_stage = j ->> '$.stage' AND e.at = j ->> '$.at')";

static const char *const sql_work_update[] = {
	"UPDATE applications SET stage = json_extract(?1, '$.stage'),"
	" status = coalesce(json_extract(?1, '$.status'), status),"
	" updated_at = json_extract(?1, '$.at')"
	" WHERE app_no = json_extract(?1, '$.number') AND updated_at < json_extract(?1, '$.at')",
	"UPDATE changes SET stage = json_extract(?1, '$.stage'),"
	" status = coalesce(json_extract(?1, '$.status'), status),"
	" updated_at = json_extract(?1, '$.at')"
	" WHERE change_no = json_extract(?1, '$.number') AND updated_at < json_extract(?1, '$.at')",
	"UPDATE complaints SET stage = json_extract(?1, '$.stage'),"
	" status = coalesce(json_extract(?1, '$.status'), status),"
	" updated_at = json_extract(?1, '$.at')"
	" WHERE complaint_no = json_extract(?1, '$.number') AND updated_at < json_extract(?1, '$.at')",
};

static int exec(struct store *s, const char *sql, struct hall_err *err)
{
	int rc = sqlite3_exec(store_db(s), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? HALL_OK
	     : store_error(s, rc, "同步", "syncing", err);
}

/* The hall's own money not yet acknowledged by the central, and customers
 * with contact edits the central has not got, kept up to date inside each
 * apply transaction so that a payment taken meanwhile at a counter is
 * counted.  Incremental: each call reads only the journal entries after
 * *upto (the first call: after the acknowledged cursor) and adds rows:
 *   + the shares of each payment whose allocation entry is new;
 *   - the shares of each payment whose reversal entry is new (the
 *     reversal not acknowledged yet): this takes back both a payment the
 *     central has not seen (its + row) and one the central has counted
 *     already (its balances still hold it until the reversal is pushed).
 * The apply statements sum the rows per account and period. */
static int refresh_local(struct store *s, int64_t *upto, struct hall_err *err)
{
	static const char *const sql[] = {
		"INSERT INTO temp.sync_local(account_no, period, principal_fen, prepaid_fen)"
		" SELECT p.account_no, b.period, a.principal_fen, a.prepaid_fen"
		" FROM journal j JOIN payment_alloc a ON a.payment_id = j.row_id"
		" JOIN payments p ON p.id = a.payment_id"
		" LEFT JOIN bills b ON b.id = a.bill_id"
		" WHERE j.seq > ?1 AND j.epoch = ?2 AND j.tbl = 'payment_alloc'",
		"INSERT INTO temp.sync_local(account_no, period, principal_fen, prepaid_fen)"
		" SELECT p.account_no, b.period, -a.principal_fen, -a.prepaid_fen"
		" FROM journal j JOIN payments p ON p.id = j.row_id"
		" JOIN payment_alloc a ON a.payment_id = p.id"
		" LEFT JOIN bills b ON b.id = a.bill_id"
		" WHERE j.seq > ?1 AND j.epoch = ?2 AND j.tbl = 'payments' AND j.kind = 'payment.void'",
		"INSERT OR IGNORE INTO temp.sync_pending(account_no)"
		" SELECT json_extract(j.payload, '$.account_no') FROM journal j"
		" WHERE j.seq > ?1 AND j.epoch = ?2 AND j.tbl = 'customers'"
		"  AND j.kind NOT IN ('customer.create', 'customer.prepaid')",
		"SELECT coalesce(max(seq), ?1) FROM journal WHERE seq > ?1 AND epoch = ?2",
	};
	int64_t top = *upto;
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *st = store_stmt(s, sql[i], err);
		if (!st)
			return err->code;
		sqlite3_bind_int64(st, 1, *upto);
		sqlite3_bind_int64(st, 2, store_epoch(s));
		int src = sqlite3_step(st);
		if (src == SQLITE_ROW)
			top = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (src != SQLITE_DONE && src != SQLITE_ROW)
			return store_error(s, src, "同步", "syncing", err);
	}
	*upto = top;
	return HALL_OK;
}

static int run_json(struct store *s, const char *sql, const char *json,
                    const char *now, int *changed, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "应用中心库数据", "applying central data", err);
	*changed += sqlite3_changes(store_db(s));
	return HALL_OK;
}

/* One staged row of a table applied on its own (staff, ref_data,
 * work_updates: few rows, several statements each). */
static int apply_row(struct store *s, const char *tbl, const char *json,
                     const char *now, struct sync_report *rep,
                     struct hall_err *err)
{
	int changed = 0, rc;
	if (strcmp(tbl, "staff") == 0) {
		rc = run_json(s, sql_staff_upsert, json, now, &changed, err);
	} else if (strcmp(tbl, "ref_data") == 0) {
		rc = run_json(s, sql_ref_upsert, json, now, &changed, err);
	} else if (strcmp(tbl, "work_updates") == 0) {
		int ev = 0;
		if ((rc = run_json(s, sql_work_event, json, now, &ev, err)) != HALL_OK)
			return rc;
		for (int i = 0; i < 3 && rc == HALL_OK; i++)
			rc = run_json(s, sql_work_update[i], json, now, &changed, err);
		changed += ev;
	} else {
		return hall_err_set(err, HALL_EDB, NULL, "中心库发来未知的表 %s",
		                    "the central sent an unknown table %s", tbl);
	}
	if (changed)
		rep->applied++;
	return rc;
}

/* ------------------------------------------------ rules and calendar */

/* Reference data the hall applies to the tables its modules read (the
 * rest of ref_data is kept as it comes):
 *   kind "calendar"       key YYYY, value the year as a calendar file
 *                         (calendar.h): replaces the stored year
 *   kind "rule:deadline"  key WO_KIND/SUBTYPE/CLOCK, value JSON
 *                         {start_stage, stop_stage, pause_stages, amount,
 *                         unit, note}: deadline_rules (worules.h)
 *   kind "rule:change"    key TYPE/RULE/EFFECTIVE_FROM, value JSON
 *                         {value (null: no limit), note}: change_rules
 *   kind "rule:setting"   key the setting, value its text: work_settings
 * Every row is checked as `hall calendar import` / `hall rules` check it;
 * a bad one fails the whole pull before anything of it is applied. */
static int split3(const char *key, char *a, size_t an, char *b, size_t bn,
                  char *c, size_t cn)
{
	const char *p = strchr(key, '/');
	const char *q = p ? strchr(p + 1, '/') : NULL;
	if (!p || !q || strchr(q + 1, '/') || (size_t)(p - key) >= an ||
	    (size_t)(q - p - 1) >= bn || strlen(q + 1) >= cn)
		return -1;
	snprintf(a, an, "%.*s", (int)(p - key), key);
	snprintf(b, bn, "%.*s", (int)(q - p - 1), p + 1);
	snprintf(c, cn, "%s", q + 1);
	return 0;
}

static void json_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, n, "%s", t ? (const char *)t : "");
}

/* Apply one reference row to the module tables; *applied tells whether
 * it was one the hall applies. */
static int apply_ref(struct store *s, const char *kind, const char *key,
                     const char *value, const char *updated_at, bool *applied,
                     struct hall_err *err)
{
	*applied = true;
	if (strcmp(kind, "calendar") == 0) {
		struct cal_year *y = malloc(sizeof *y);
		if (!y)
			return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		char where[64];
		snprintf(where, sizeof where, "calendar/%.20s", key);
		int rc = calendar_parse(value, where, y, err);
		char want[8];
		if (rc == HALL_OK) {
			snprintf(want, sizeof want, "%d", y->year);
			if (strcmp(want, key) != 0)
				rc = hall_err_set(err, HALL_EINVAL, NULL, "键 %s 与日历中的年份 %d 不符",
				                  "the key %s is not the calendar's year %d", key, y->year);
		}
		if (rc == HALL_OK)
			rc = calendar_apply_year(s, y, updated_at, err);
		free(y);
		return rc;
	}
	bool dl = strcmp(kind, "rule:deadline") == 0, ch = strcmp(kind, "rule:change") == 0;
	if (strcmp(kind, "rule:setting") == 0)
		return worules_setting_apply(s, key, value, updated_at, err);
	if (!dl && !ch) {
		*applied = false;
		return HALL_OK;
	}
	sqlite3_stmt *st = store_stmt(s,
		"SELECT json_valid(?1) AND json_type(?1) = 'object',"
		" ?1 ->> '$.start_stage', ?1 ->> '$.stop_stage', ?1 ->> '$.pause_stages',"
		" ?1 ->> '$.amount', json_type(?1, '$.amount'), ?1 ->> '$.unit', ?1 ->> '$.note',"
		" ?1 ->> '$.value', json_type(?1, '$.value')", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	if (src != SQLITE_ROW || !sqlite3_column_int(st, 0)) {
		sqlite3_reset(st);
		return src != SQLITE_ROW ? store_error(s, src, "同步", "syncing", err)
		     : hall_err_set(err, HALL_EINVAL, NULL, "值不是 JSON 对象", "the value is not a JSON object");
	}
	int rc;
	const char *amt_type = (const char *)sqlite3_column_text(st, 5);
	const char *val_type = (const char *)sqlite3_column_text(st, 9);
	if (dl) {
		struct deadline_rule r;
		memset(&r, 0, sizeof r);
		if (split3(key, r.wo_kind, sizeof r.wo_kind, r.subtype, sizeof r.subtype,
		           r.clock, sizeof r.clock) != 0) {
			sqlite3_reset(st);
			return hall_err_set(err, HALL_EINVAL, NULL, "键应为 工单类别/类型/时钟",
			                    "the key must be WO_KIND/SUBTYPE/CLOCK");
		}
		json_text(st, 1, r.start_stage, sizeof r.start_stage);
		json_text(st, 2, r.stop_stage, sizeof r.stop_stage);
		json_text(st, 3, r.pause_stages, sizeof r.pause_stages);
		r.amount = (int)sqlite3_column_int64(st, 4);
		json_text(st, 6, r.unit, sizeof r.unit);
		json_text(st, 7, r.note, sizeof r.note);
		bool amount_ok = amt_type && strcmp(amt_type, "integer") == 0 &&
		                 sqlite3_column_int64(st, 4) >= 0 && sqlite3_column_int64(st, 4) <= 3650;
		sqlite3_reset(st);
		if (!amount_ok)
			return hall_err_set(err, HALL_EINVAL, "amount", "时限 amount 应为0至3650的整数",
			                    "amount must be a whole number from 0 to 3650");
		rc = worules_deadline_apply(s, &r, updated_at, err);
	} else {
		struct change_rule r;
		memset(&r, 0, sizeof r);
		if (split3(key, r.change_type, sizeof r.change_type, r.rule, sizeof r.rule,
		           r.effective_from, sizeof r.effective_from) != 0) {
			sqlite3_reset(st);
			return hall_err_set(err, HALL_EINVAL, NULL, "键应为 变更类型/规则/施行日期",
			                    "the key must be TYPE/RULE/EFFECTIVE_FROM");
		}
		r.has_value = val_type && strcmp(val_type, "null") != 0;
		r.value = sqlite3_column_int64(st, 8);
		json_text(st, 7, r.note, sizeof r.note);
		bool value_ok = val_type && (strcmp(val_type, "null") == 0 || strcmp(val_type, "integer") == 0);
		sqlite3_reset(st);
		if (!value_ok)
			return hall_err_set(err, HALL_EINVAL, "value", "规则值 value 应为整数，或 null 表示不限",
			                    "value must be a whole number, or null for no limit");
		rc = worules_change_apply(s, &r, updated_at, err);
	}
	return rc;
}

/* Copy out the first column of every row of st (then reset), so that the
 * rows can be applied with the statement done: *bodies gets n strings, a
 * NULL one where memory ran out (the caller reports it).  HALL_OK, or an
 * error once rows could not all be read. */
static int read_bodies(struct store *s, sqlite3_stmt *st, char ***bodies, int *count,
                       struct hall_err *err)
{
	int n = 0, cap = 0, src;
	char **b = NULL;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nb = realloc(b, (size_t)cap * sizeof *nb);
			if (!nb)
				break;
			b = nb;
		}
		const char *v = (const char *)sqlite3_column_text(st, 0);
		b[n++] = strdup(v ? v : "");
	}
	sqlite3_reset(st);
	*bodies = b;
	*count = n;
	return src == SQLITE_DONE ? HALL_OK
	       : src == SQLITE_ROW ? hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory")
	       : store_error(s, src, "同步", "syncing", err);
}

/* All staged ref_data rows in one write transaction: kept in ref_data and
 * applied to the module tables; a bad row rolls it all back and the error
 * names it.  When a rule or the calendar changed, meta sync_recompute = 1
 * (open deadlines are computed again by recompute_deadlines). */
static int apply_ref_data(struct store *s, struct sync_report *rep,
                          struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT body FROM temp.sync_in WHERE tbl = 'ref_data' ORDER BY n", err);
	if (!st)
		return err->code;
	int n;
	char **bodies;
	int rc = read_bodies(s, st, &bodies, &n, err);
	if (rc == HALL_OK && n > 0)
		rc = store_begin(s, err);
	bool began = rc == HALL_OK && n > 0, recompute = false;
	char now[21];
	store_now_utc(now);
	for (int i = 0; i < n && rc == HALL_OK; i++) {
		if (!bodies[i]) {
			rc = hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
			break;
		}
		int changed = 0;
		if ((rc = run_json(s, sql_ref_upsert, bodies[i], now, &changed, err)) != HALL_OK || !changed)
			continue;
		rep->applied++;
		st = store_stmt(s, "SELECT ?1 ->> '$.kind', ?1 ->> '$.key', ?1 ->> '$.value',"
		                " coalesce(?1 ->> '$.updated_at', '')", err);
		if (!st) {
			rc = err->code;
			break;
		}
		sqlite3_bind_text(st, 1, bodies[i], -1, SQLITE_STATIC);
		int src = sqlite3_step(st);
		if (src != SQLITE_ROW) {
			sqlite3_reset(st);
			rc = store_error(s, src, "同步", "syncing", err);
			break;
		}
		char *kind = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
		char *key = strdup(sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
		char *value = strdup(sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
		char at[32];
		json_text(st, 3, at, sizeof at);
		sqlite3_reset(st);
		bool applied = false;
		if (!kind || !key || !value)
			rc = hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		else if ((rc = apply_ref(s, kind, key, value, at[0] ? at : now, &applied, err)) != HALL_OK) {
			char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
			snprintf(zh, sizeof zh, "%s", err->zh);
			snprintf(en, sizeof en, "%s", err->en);
			rc = hall_err_set(err, HALL_EINVAL, NULL,
				"中心库发来的参考数据 %s %s 有误：%s%.0s。本次下载未应用任何数据，请通知中心库管理员",
				"the central sent a bad reference row %s %s: %.0s%s. Nothing of this pull was applied; "
				"tell the central's administrator", kind, key, zh, en);
		}
		recompute = recompute || applied;
		free(kind);
		free(key);
		free(value);
	}
	for (int i = 0; i < n; i++)
		free(bodies[i]);
	free(bodies);
	if (rc == HALL_OK && recompute)
		rc = store_meta_set(s, "sync_recompute", "1", err);
	if (began) {
		if (rc == HALL_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	return rc;
}

/* Open deadlines computed again after the central changed a rule or the
 * calendar: in short transactions (at most hold ms each, then gap ms
 * free); meta sync_recompute goes back to 0 with the last one, so a sync
 * killed half-way does the rest next time (computing a deadline twice
 * gives the same deadline). */
static int recompute_deadlines(struct store *s, long hold, int gap,
                               struct hall_err *err)
{
	char flag[8] = "";
	store_meta_get(s, "sync_recompute", flag, sizeof flag);
	if (strcmp(flag, "1") != 0)
		return HALL_OK;
	sqlite3_stmt *st = store_stmt(s,
		"SELECT app_no FROM applications WHERE status = 'open'"
		" UNION ALL SELECT change_no FROM changes WHERE status = 'open'"
		" UNION ALL SELECT complaint_no FROM complaints WHERE status = 'open'", err);
	if (!st)
		return err->code;
	int n = 0, cap = 0, src;
	char (*num)[32] = NULL;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			char (*nn)[32] = realloc(num, sizeof *nn * (size_t)cap);
			if (!nn)
				break;
			num = nn;
		}
		snprintf(num[n++], 32, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	int rc = src == SQLITE_DONE ? HALL_OK
	       : src == SQLITE_ROW ? hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory")
	       : store_error(s, src, "读取工单", "reading work orders", err);
	struct hall_calendar *cal = NULL;
	if (rc == HALL_OK)
		rc = calendar_load(s, &cal, err);
	int i = 0;
	while (rc == HALL_OK) {
		if ((rc = store_begin(s, err)) != HALL_OK)
			break;
		long t0 = now_ms();
		for (; i < n && rc == HALL_OK && now_ms() - t0 < hold / 2; i++) {
			bool ch;
			rc = workorder_recompute(s, cal, NULL, num[i], &ch, err);
		}
		if (rc == HALL_OK && i >= n)
			rc = store_meta_set(s, "sync_recompute", "0", err);
		if (rc == HALL_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
		if (rc != HALL_OK || i >= n)
			break;
		sleep_ms(gap);
	}
	calendar_free(cal);
	free(num);
	return rc;
}

/* Run a set-based apply statement over staged rows (lo, hi]. */
static int run_range(struct store *s, const char *sql, int64_t lo, int64_t hi,
                     const char *now, long *changed, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "应用中心库数据", "applying central data", err);
	*changed += sqlite3_changes(store_db(s));
	return HALL_OK;
}

/* The staged bills (lo, hi]: checked, applied with their money outside
 * the counters, and those whose principal is paid settled exactly (a late
 * fee still owed keeps a bill 'partial'). */
static int apply_bills_check(struct store *s, int64_t lo, int64_t hi,
                             struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_bill_check, err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		char acc[64], per[32];
		snprintf(acc, sizeof acc, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
		snprintf(per, sizeof per, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
		sqlite3_reset(st);
		return hall_err_set(err, HALL_EINVAL, NULL,
			"中心库发来的账单 %s %s 有误：营业厅外缴费日期（paid_elsewhere_on）应为 YYYY-MM-DD，"
			"营业厅外已缴违约金（fee_paid_elsewhere_fen）应为不小于 0 的整数（分）。本次下载未应用，请通知中心库管理员",
			"the central sent bill %s %s with bad outside-payment data: paid_elsewhere_on must be "
			"YYYY-MM-DD and fee_paid_elsewhere_fen a whole number of fen >= 0. This pull was not applied; "
			"tell the central's administrator", acc, per);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return store_error(s, src, "应用中心库数据", "applying central data", err);
	return HALL_OK;
}

static int apply_bills(struct store *s, const struct late_fee_rules *rules,
                       int64_t lo, int64_t hi, const char *now,
                       struct sync_report *rep, struct hall_err *err)
{
	int src;
	sqlite3_stmt *st;
	long ignored = 0;
	int rc = run_range(s, sql_bill_upsert, lo, hi, now, &rep->applied, err);
	if (rc == HALL_OK)
		rc = run_range(s, sql_bill_elsewhere, lo, hi, now, &ignored, err);
	if (rc != HALL_OK)
		return rc;
	st = store_stmt(s, sql_bill_unsettled, err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	int64_t *ids = NULL;
	int n = 0, cap = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *ni = realloc(ids, (size_t)cap * sizeof *ni);
			if (!ni) {
				src = SQLITE_NOMEM;
				break;
			}
			ids = ni;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		rc = src == SQLITE_NOMEM ? hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory")
		   : store_error(s, src, "应用中心库数据", "applying central data", err);
	for (int i = 0; i < n && rc == HALL_OK; i++) {
		bool paid;
		rc = payment_bill_settle(s, rules, ids[i], &paid, err);
	}
	free(ids);
	return rc;
}

/* Apply the staged rows (lo, hi] of one table. */
static int apply_range(struct store *s, const struct late_fee_rules *rules,
                       const char *tbl, int64_t lo,
                       int64_t hi, const char *now, bool initial,
                       struct sync_report *rep, struct hall_err *err)
{
	if (strcmp(tbl, "customers") == 0) {
		/* a hall without customers has no values to keep */
		int rc = initial ? HALL_OK
		       : run_range(s, sql_cust_history, lo, hi, now, &rep->history, err);
		return rc == HALL_OK ? run_range(s, sql_cust_upsert, lo, hi, now, &rep->applied, err) : rc;
	}
	if (strcmp(tbl, "bills") == 0)
		return apply_bills(s, rules, lo, hi, now, rep, err);
	sqlite3_stmt *st = store_stmt(s,
		"SELECT body FROM temp.sync_in WHERE n > ?1 AND n <= ?2 ORDER BY n", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	/* copy out: the statement is reset before applying */
	int n;
	char **bodies;
	int rc = read_bodies(s, st, &bodies, &n, err);
	for (int i = 0; i < n; i++) {
		if (rc == HALL_OK)
			rc = bodies[i] ? apply_row(s, tbl, bodies[i], now, rep, err)
			               : hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		free(bodies[i]);
	}
	free(bodies);
	return rc;
}

static int do_pull(struct store *s, const char *url,
                   const struct sync_be_ops *ops, struct sync_be *be,
                   const struct sync_options *o, int64_t acked,
                   struct sync_report *rep, struct hall_err *err)
{
	char since[64] = "";
	char central[1024] = "";
	store_meta_get(s, "sync_pull_central", central, sizeof central);
	if (strcmp(central, url) == 0)
		store_meta_get(s, "sync_pull_cursor", since, sizeof since);
	sqlite3 *db = store_db(s);
	/* a big page cache while pulling: a first pull writes every index of
	 * a million customers (back to the default when done) */
	int rc = exec(s, "PRAGMA main.cache_size = -262144; PRAGMA temp.cache_size = -262144", err);
	if (rc == HALL_OK)
		rc = exec(s,
		"CREATE TEMP TABLE IF NOT EXISTS sync_in(n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, body TEXT NOT NULL);"
		"CREATE TEMP TABLE IF NOT EXISTS sync_local(account_no TEXT, period TEXT,"
		" principal_fen INTEGER, prepaid_fen INTEGER);"
		"CREATE INDEX IF NOT EXISTS temp.sync_local_key ON sync_local(account_no, period);"
		"CREATE TEMP TABLE IF NOT EXISTS sync_pending(account_no TEXT PRIMARY KEY);"
		"DELETE FROM temp.sync_in;", err);
	if (rc != HALL_OK)
		return local_fail(err);
	struct pull_ctx p = { .s = s, .err = err, .rc = HALL_OK };
	if (sqlite3_prepare_v2(db, "INSERT INTO temp.sync_in(tbl, body) VALUES (?1, ?2)",
	                       -1, &p.ins, NULL) != SQLITE_OK)
		return store_error(s, sqlite3_errcode(db), "同步", "syncing", err), SYNC_LOCAL;
	char until[64] = "";
	long tp = now_ms();
	rc = ops->pull(be, store_hall_code(s), since, until, sizeof until,
	               stage_row, &p, err);
	if (p.n)
		sqlite3_exec(db, p.rc == HALL_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(p.ins);
	if (p.rc != HALL_OK)
		return local_fail(err);
	if (rc != SYNC_OK)
		return rc;
	rep->pulled = p.n;
	trace("pull: received and staged", tp);
	tp = now_ms();

	/* Checked before anything is applied: a bad bill or reference row
	 * from the central fails the pull with nothing of it applied. */
	sqlite3_stmt *st;
	if (apply_bills_check(s, 0, INT64_MAX, err) != HALL_OK)
		return err->code == HALL_EINVAL ? SYNC_REJECTED : local_fail(err);
	/* rules and calendar first, in one transaction of their own */
	if ((rc = apply_ref_data(s, rep, err)) != HALL_OK)
		return err->code == HALL_EINVAL ? SYNC_REJECTED : local_fail(err);

	/* the staged rows per table, in the order the central sent them */
	struct seg { char tbl[24]; int64_t lo, hi; } segs[8];
	int nseg = 0;
	st = store_stmt(s, "SELECT tbl, min(n) - 1, max(n) FROM temp.sync_in"
	                " WHERE tbl <> 'ref_data' GROUP BY tbl ORDER BY min(n)", err);
	if (!st)
		return local_fail(err);
	while (nseg < 8 && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(segs[nseg].tbl, sizeof segs[0].tbl, "%s", (const char *)sqlite3_column_text(st, 0));
		segs[nseg].lo = sqlite3_column_int64(st, 1);
		segs[nseg].hi = sqlite3_column_int64(st, 2);
		nseg++;
	}
	sqlite3_reset(st);

	/* Apply in short write transactions, bounded by rows and by time:
	 * steps of at most PULL_ROWS_MAX rows, sized from the rate of the
	 * step before to about an eighth of PULL_HOLD_MS, and no new step
	 * when the next one and the commit might not fit in PULL_HOLD_MS;
	 * then PULL_GAP_MS free.  A counter waiting for the store polls every
	 * millisecond or so (store.c busy_wait), so it gets in at the next
	 * gap: its wait is one transaction of the sync at most (measured by
	 * tests/bench_sync.sh, part "clerk").  The first pull into a hall that
	 * has no customers yet (a new hall: no counter can serve anyone before
	 * it) holds up to PULL_HOLD_FIRST_MS.  Each transaction is complete in
	 * itself (the upserts are idempotent and keep old values once), so a
	 * sync killed between two of them loses nothing and applies nothing
	 * twice: the pull cursor moves only with the last one, and the next
	 * run pulls and applies the rest again.  Pulled rows are the
	 * central's and come back with the next pull if lost, so these
	 * commits need not reach the disk one by one (synchronous NORMAL
	 * while applying). */
	bool initial = false;
	st = store_stmt(s, "SELECT NOT EXISTS (SELECT 1 FROM customers)", err);
	if (!st)
		return local_fail(err);
	if (sqlite3_step(st) == SQLITE_ROW)
		initial = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	const long hold = initial ? PULL_HOLD_FIRST_MS : PULL_HOLD_MS;
	char now[21];
	store_now_utc(now);
	/* checkpoints in the gaps, not inside a commit that a clerk waits for */
	struct late_fee_rules rules;
	if (payment_rules_load(s, &rules, err) != HALL_OK)
		return local_fail(err);
	int64_t local_upto = acked;
	if (exec(s, "DELETE FROM temp.sync_local; DELETE FROM temp.sync_pending", err) != HALL_OK) {
		payment_rules_free(&rules);
		return local_fail(err);
	}
	exec(s, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0", err);
	char longest[200] = "";
	long done = 0, k = 256, ntx = 0, held = 0, maxhold = 0, maxcommit = 0, lastcommit = 0;
	int seg = 0;
	int64_t pos = nseg ? segs[0].lo : 0;
	bool finished = nseg == 0;
	rc = HALL_OK;
	while (rc == HALL_OK) {
		if ((rc = store_begin(s, err)) != HALL_OK)
			break;
		long t0 = now_ms();
		if ((rc = refresh_local(s, &local_upto, err)) != HALL_OK)
			goto fail;
		long trefresh = now_ms() - t0, tstep = 0, nsteps = 0, srows = 0;
		const char *stbl = "";
		while (!finished) {
			int64_t hi = pos + k < segs[seg].hi ? pos + k : segs[seg].hi;
			int64_t lo0 = pos;
			long long c0 = now_us();
			if ((rc = apply_range(s, &rules, segs[seg].tbl, pos, hi, now, initial, rep, err)) != HALL_OK)
				goto fail;
			long long dus = now_us() - c0;
			long d = (long)(dus / 1000);
			nsteps++;
			if (d > tstep) {
				tstep = d;
				srows = (long)(hi - pos);
				stbl = segs[seg].tbl;
			}
			done += (long)(hi - pos);
			pos = hi;
			if (pos >= segs[seg].hi) {
				if (++seg == nseg)
					finished = true;
				else
					pos = segs[seg].lo;
			}
			/* size the next step at about an eighth of the hold from the
			 * rate of this one (in microseconds: a quick step must not
			 * look free), growing at most twofold a step */
			long rows = (long)(hi - lo0);
			if (rows > 0) {
				long long per = dus / rows;
				long want = (long)(hold * 1000LL / 8 / (per > 0 ? per : 1));
				k = want > 2 * rows ? 2 * rows : want;
				k = k < 16 ? 16 : k > PULL_ROWS_MAX ? PULL_ROWS_MAX : k;
			}
			/* stop while the next step and the commit still fit */
			if (now_ms() - t0 + 2 * d + lastcommit >= hold)
				break;
		}
		if (finished &&
		    ((rc = store_meta_set(s, "sync_pull_cursor", until, err)) != HALL_OK ||
		     (rc = store_meta_set(s, "sync_pull_central", url, err)) != HALL_OK))
			goto fail;
		long tc = now_ms();
		if ((rc = store_commit(s, err)) != HALL_OK)
			break;
		ntx++;
		held += now_ms() - t0;
		if (now_ms() - t0 > maxhold) {
			maxhold = now_ms() - t0;
			snprintf(longest, sizeof longest, "refresh %ld ms, %ld steps, longest %ld ms (%ld rows of %s), commit %ld ms",
			         trefresh, nsteps, tstep, srows, stbl, now_ms() - tc);
		}
		lastcommit = now_ms() - tc;
		if (lastcommit > maxcommit)
			maxcommit = lastcommit;
		if (o->progress)
			o->progress(o->ud, "pull", done, p.n);
		if (finished)
			break;
		long tg = now_ms();
		sqlite3_wal_checkpoint_v2(store_db(s), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		long left = PULL_GAP_MS - (now_ms() - tg);
		sleep_ms(left > 5 ? (int)left : 5);
	}
	if (rc == HALL_OK)
		rc = recompute_deadlines(s, hold, PULL_GAP_MS, err);
	exec(s, "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000", err);
	payment_rules_free(&rules);
	if (rc != HALL_OK)
		return local_fail(err);
	trace("pull: applied", tp);
	if (getenv("HALL_SYNC_TRACE"))
		fprintf(stderr, "sync: %ld rows in %ld transactions, %ld ms holding the store"
		        " (longest %ld ms, longest commit %ld ms)\nsync: the longest: %s\n",
		        done, ntx, held, maxhold, maxcommit, longest);
	exec(s, "DELETE FROM temp.sync_in; PRAGMA main.cache_size = -2000; PRAGMA temp.cache_size = -2000", err);
	return SYNC_OK;
fail:
	store_rollback(s);
	exec(s, "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000", NULL);
	payment_rules_free(&rules);
	return local_fail(err);
}

/* ------------------------------------------------------------- run */

static void record(struct store *s, const struct sync_report *rep,
                   const struct hall_err *err)
{
	char now[21], text[512];
	store_now_utc(now);
	if (rep->fail == SYNC_OK)
		snprintf(text, sizeof text, "ok: %s %ld, %s %ld",
		         "pushed", rep->pushed, "pulled", rep->pulled);
	else
		snprintf(text, sizeof text, "%s: %.400s", sync_fail_key(rep->fail),
		         err->en[0] ? err->en : err->zh);
	struct hall_err e2;
	/* short transactions; a failure here must not hide the sync's own */
	if (store_begin(s, &e2) != HALL_OK)
		return;
	if (store_meta_set(s, "last_sync", now, &e2) == HALL_OK &&
	    store_meta_set(s, "last_sync_result", text, &e2) == HALL_OK &&
	    (rep->fail != SYNC_OK || store_meta_set(s, "last_sync_ok", now, &e2) == HALL_OK))
		store_commit(s, &e2);
	else
		store_rollback(s);
}

int sync_run(struct store *s, const char *url, const struct sync_options *o,
             struct sync_report *rep, struct hall_err *err)
{
	memset(rep, 0, sizeof *rep);
	hall_err_clear(err);
	struct sync_options def;
	if (!o) {
		sync_options_init(&def);
		o = &def;
	}
	int fd = -1;
	int rc = lock_take(s, &fd, err);
	if (rc != SYNC_OK)
		return rep->fail = rc;   /* not recorded: the running sync will */
	const struct sync_be_ops *ops;
	struct sync_be *be = NULL;
	rc = connect_central(url, &ops, &be, err);
	if (rc == SYNC_OK)
		rc = ops->hello(be, store_hall_code(s), err);
	int64_t acked = 0;
	if (rc == SYNC_OK && o->push)
		rc = do_push(s, ops, be, o, rep, &acked, err);
	else if (rc == SYNC_OK)
		rc = ops->acked(be, store_hall_code(s), store_epoch(s), &acked, err);
	if (rc == SYNC_OK && o->pull)
		rc = do_pull(s, url, ops, be, o, acked, rep, err);
	/* what the pull journaled here (deadlines computed again after the
	 * central changed a rule or the calendar) goes out at once */
	if (rc == SYNC_OK && o->push && o->pull) {
		long lost = rep->lost_at_central;
		rc = do_push(s, ops, be, o, rep, &acked, err);
		rep->lost_at_central = lost;
	}
	if (be)
		ops->close(be);
	rep->fail = rc;
	record(s, rep, err);
	lock_release(fd);
	return rc;
}

/* ----------------------------------------------------------- verify */

struct fig {
	char day[11], metric[24];
	int64_t n, fen;
};

struct figs {
	int n, cap;
	struct fig *f;
	bool oom;
};

static void fig_add(void *ud, const char *day, const char *metric,
                    int64_t n, int64_t fen)
{
	struct figs *x = ud;
	if (x->n == x->cap) {
		int cap = x->cap ? x->cap * 2 : 256;
		struct fig *nf = realloc(x->f, (size_t)cap * sizeof *nf);
		if (!nf) {
			x->oom = true;
			return;
		}
		x->f = nf;
		x->cap = cap;
	}
	struct fig *f = &x->f[x->n++];
	snprintf(f->day, sizeof f->day, "%s", day ? day : "");
	snprintf(f->metric, sizeof f->metric, "%s", metric ? metric : "");
	f->n = n;
	f->fen = fen;
}

static int fig_cmp(const void *a, const void *b)
{
	const struct fig *x = a, *y = b;
	int c = strcmp(x->day, y->day);
	return c ? c : strcmp(x->metric, y->metric);
}

int sync_verify(struct store *s, const char *url,
                void (*fn)(void *ud, const struct sync_diff *d), void *ud,
                int *ndays, struct hall_err *err)
{
	*ndays = 0;
	hall_err_clear(err);
	struct figs h = { 0 }, c = { 0 };
	sqlite3_stmt *st = store_stmt(s, sync_verify_sql(), err);
	if (!st)
		return SYNC_LOCAL;
	sqlite3_bind_text(st, 1, store_hall_code(s), -1, SQLITE_STATIC);
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		fig_add(&h, (const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1),
		        sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		free(h.f);
		store_error(s, src, "核对", "verifying", err);
		return SYNC_LOCAL;
	}
	const struct sync_be_ops *ops;
	struct sync_be *be = NULL;
	int rc = connect_central(url, &ops, &be, err);
	if (rc == SYNC_OK)
		rc = ops->hello(be, store_hall_code(s), err);
	if (rc == SYNC_OK)
		rc = ops->verify(be, store_hall_code(s), fig_add, &c, err);
	if (be)
		ops->close(be);
	if (rc == SYNC_OK && (h.oom || c.oom)) {
		hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		rc = SYNC_LOCAL;
	}
	if (rc != SYNC_OK) {
		free(h.f);
		free(c.f);
		return rc;
	}
	qsort(h.f, (size_t)h.n, sizeof *h.f, fig_cmp);
	qsort(c.f, (size_t)c.n, sizeof *c.f, fig_cmp);
	int i = 0, j = 0, diffs = 0;
	char lastday[11] = "";
	while (i < h.n || j < c.n) {
		int cmp = i >= h.n ? 1 : j >= c.n ? -1 : fig_cmp(&h.f[i], &c.f[j]);
		struct sync_diff d;
		memset(&d, 0, sizeof d);
		const struct fig *f = cmp <= 0 ? &h.f[i] : &c.f[j];
		snprintf(d.day, sizeof d.day, "%s", f->day);
		snprintf(d.metric, sizeof d.metric, "%s", f->metric);
		if (cmp <= 0) {
			d.hall_n = h.f[i].n;
			d.hall_fen = h.f[i].fen;
			i++;
		}
		if (cmp >= 0) {
			d.central_n = c.f[j].n;
			d.central_fen = c.f[j].fen;
			j++;
		}
		if (strcmp(lastday, d.day) != 0) {
			snprintf(lastday, sizeof lastday, "%s", d.day);
			(*ndays)++;
		}
		if (d.hall_n != d.central_n || d.hall_fen != d.central_fen) {
			diffs++;
			if (fn)
				fn(ud, &d);
		}
	}
	free(h.f);
	free(c.f);
	return diffs ? SYNC_DIFF : SYNC_OK;
}

/* ------------------------------------------------------------- init */

/* Seed rows of one hall table as JSON arrays of SEED_ROWS objects. */
static int seed_table(struct store *s, const struct sync_be_ops *ops,
                      struct sync_be *be, const char *tbl, const char *sql,
                      struct hall_err *err)
{
	int64_t after = -1;
	for (;;) {
		sqlite3_stmt *st = store_stmt(s, sql, err);
		if (!st)
			return SYNC_LOCAL;
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int(st, 2, SEED_ROWS);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			sqlite3_reset(st);
			store_error(s, rc, "读取主数据", "reading master data", err);
			return SYNC_LOCAL;
		}
		int64_t n = sqlite3_column_int64(st, 0);
		if (n == 0) {
			sqlite3_reset(st);
			return SYNC_OK;
		}
		after = sqlite3_column_int64(st, 1);
		char *json = strdup((const char *)sqlite3_column_text(st, 2));
		sqlite3_reset(st);
		if (!json) {
			hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
			return SYNC_LOCAL;
		}
		rc = ops->seed(be, store_hall_code(s), tbl, json, err);
		free(json);
		if (rc != SYNC_OK)
			return rc;
	}
}

static const char seed_customers[] =
	"SELECT count(*), max(id), json_group_array(json_object('account_no', account_no,"
	" 'name', name, 'id_type', id_type, 'id_number', id_number, 'phone', phone,"
	" 'address', address, 'category', category, 'voltage', voltage,"
	" 'capacity', capacity, 'tariff_form', tariff_form, 'status', status,"
	" 'prepaid_fen', prepaid_fen, 'extras', extras, 'created_at', created_at,"
	" 'updated_at', updated_at))"
	" FROM (SELECT * FROM customers WHERE id > ?1 ORDER BY id LIMIT ?2)";
static const char seed_bills[] =
	"SELECT count(*), max(id), json_group_array(json_object('account_no', account_no,"
	" 'period', period, 'kwh', kwh, 'amount_fen', amount_fen, 'paid_fen', paid_fen,"
	" 'due_date', due_date, 'status', status, 'created_at', created_at))"
	" FROM (SELECT * FROM bills WHERE id > ?1 ORDER BY id LIMIT ?2)";
static const char seed_staff[] =
	"SELECT count(*), max(rowid), json_group_array(json_object('id', id, 'name', name,"
	" 'role', role, 'pw_hash', pw_hash, 'active', active, 'created_at', created_at,"
	" 'updated_at', updated_at))"
	" FROM (SELECT rowid, * FROM staff WHERE rowid > ?1 ORDER BY rowid LIMIT ?2)";

static void random_password(char *out, size_t n)
{
	static const char set[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[32];
	FILE *f = fopen("/dev/urandom", "rb");
	size_t got = f ? fread(r, 1, sizeof r, f) : 0;
	if (f)
		fclose(f);
	size_t len = n - 1 < 24 ? n - 1 : 24;
	for (size_t i = 0; i < len; i++)
		out[i] = set[(i < got ? r[i] : (unsigned char)rand()) % (sizeof set - 1)];
	out[len] = '\0';
}

int sync_central_init(const char *url, struct store *hall,
                      const char *hall_password, char *role_out,
                      size_t rolesz, char *pw_out, size_t pwsz,
                      struct hall_err *err)
{
	hall_err_clear(err);
	if (role_out && rolesz)
		role_out[0] = '\0';
	if (pw_out && pwsz)
		pw_out[0] = '\0';
	const struct sync_be_ops *ops;
	struct sync_be *be = NULL;
	int rc = connect_central(url, &ops, &be, err);
	if (rc == SYNC_OK)
		rc = ops->init(be, err);
	if (rc != SYNC_OK || !hall) {
		if (be)
			ops->close(be);
		return rc;
	}
	bool yes = false;
	rc = ops->enrolled(be, store_hall_code(hall), &yes, err);
	char pw[64] = "";
	const char *password = NULL;
	if (rc == SYNC_OK && ops == &sync_pg_ops) {
		if (hall_password && *hall_password)
			password = hall_password;
		else if (!yes) {
			random_password(pw, sizeof pw);
			password = pw;
			if (pw_out)
				snprintf(pw_out, pwsz, "%s", pw);
		}
	}
	int64_t base_seq = 0;
	if (rc == SYNC_OK && !yes) {
		/* one read transaction: the master data and the journal position
		 * it corresponds to (the baseline) */
		sqlite3 *db = store_db(hall);
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
			store_error(hall, sqlite3_errcode(db), "读取", "reading", err);
			rc = SYNC_LOCAL;
		}
		sqlite3_stmt *st = rc == SYNC_OK ? store_stmt(hall,
			"SELECT coalesce(max(seq), 0) FROM journal WHERE epoch = ?1", err) : NULL;
		if (rc == SYNC_OK && !st)
			rc = SYNC_LOCAL;
		if (st) {
			sqlite3_bind_int64(st, 1, store_epoch(hall));
			if (sqlite3_step(st) == SQLITE_ROW)
				base_seq = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		if (rc == SYNC_OK)
			rc = seed_table(hall, ops, be, "customers", seed_customers, err);
		if (rc == SYNC_OK)
			rc = seed_table(hall, ops, be, "bills", seed_bills, err);
		if (rc == SYNC_OK)
			rc = seed_table(hall, ops, be, "staff", seed_staff, err);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	if (rc == SYNC_OK && (!yes || password))
		rc = ops->enrol(be, store_hall_code(hall), store_hall_name(hall),
		                store_epoch(hall), base_seq, password, role_out,
		                rolesz, err);
	else if (rc == SYNC_OK && role_out && ops == &sync_pg_ops)
		snprintf(role_out, rolesz, "hall_%s", store_hall_code(hall));
	ops->close(be);
	return rc;
}

/* ----------------------------------------------------------- status */

static long secs_since(const char *utc)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (strlen(utc) != 20 ||
	    sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t then = timegm(&tm);
	char now[21];
	store_now_utc(now);
	struct tm tn;
	memset(&tn, 0, sizeof tn);
	sscanf(now, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tn.tm_year, &tn.tm_mon,
	       &tn.tm_mday, &tn.tm_hour, &tn.tm_min, &tn.tm_sec);
	tn.tm_year -= 1900;
	tn.tm_mon -= 1;
	double secs = difftime(timegm(&tn), then);
	return secs < 0 ? 0 : (long)secs;
}

int sync_status(struct store *s, struct sync_status *out)
{
	memset(out, 0, sizeof *out);
	store_meta_get(s, "last_sync", out->last, sizeof out->last);
	store_meta_get(s, "last_sync_result", out->result, sizeof out->result);
	store_meta_get(s, "last_sync_ok", out->last_ok, sizeof out->last_ok);
	long secs = out->last_ok[0] ? secs_since(out->last_ok) : -1;
	out->hours_since_ok = secs < 0 ? -1 : secs / 3600;
	out->warn = secs < 0 || secs > SYNC_WARN_HOURS * 3600L;
	return HALL_OK;
}
