/* auth.c - staff accounts, roles and yescrypt password hashes. */
#include "hall/auth.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "hall/audit.h"
#include "hall/sha256.h"
#include "hall/worules.h"
#include "hall/utf8.h"

#define AUTH_READONLY_FAIL_SECONDS 3

static const struct {
	const char *key, *zh, *en;
} roles[] = {
	[ROLE_CLERK] = { "clerk", "营业员", "Clerk" },
	[ROLE_MANAGER] = { "manager", "班长/主任", "Manager" },
	[ROLE_ADMIN] = { "admin", "系统管理员", "Administrator" },
};

const char *auth_role_key(enum hall_role r)
{
	return roles[r].key;
}

const char *auth_role_label(enum hall_role r)
{
	return hall_tr(roles[r].zh, roles[r].en);
}

int auth_role_parse(const char *key, enum hall_role *out)
{
	for (int i = 0; i <= ROLE_ADMIN; i++)
		if (key && strcmp(key, roles[i].key) == 0) {
			*out = (enum hall_role)i;
			return HALL_OK;
		}
	return HALL_EINVAL;
}

int auth_hash(const char *password, char *out, size_t outsz,
              struct hall_err *err)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt))
		return hall_err_set(err, HALL_EIO, NULL, "无法生成密码盐",
		                    "cannot make a password salt");
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	const char *h = crypt_rn(password, salt, cd, (int)sizeof *cd);
	int rc = HALL_OK;
	if (!h || h[0] == '*' || strlen(h) >= outsz)
		rc = hall_err_set(err, HALL_EIO, NULL, "无法计算密码散列",
		                  "cannot hash the password");
	else
		memcpy(out, h, strlen(h) + 1);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

bool auth_verify(const char *password, const char *hash)
{
	if (!password || !hash || hash[0] != '$')
		return false;
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd)
		return false;
	const char *h = crypt_rn(password, hash, cd, (int)sizeof *cd);
	bool ok = false;
	if (h && h[0] != '*') {
		size_t n = strlen(hash);
		if (strlen(h) == n) {
			unsigned char diff = 0;
			for (size_t i = 0; i < n; i++)
				diff |= (unsigned char)(h[i] ^ hash[i]);
			ok = diff == 0;
		}
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return ok;
}

static int check_id(const char *id, struct hall_err *err)
{
	size_t n = id ? strlen(id) : 0;
	bool ok = n >= 1 && n <= AUTH_ID_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
		     (id[i] >= 'A' && id[i] <= 'Z');
	if (!ok)
		return hall_err_set(err, HALL_EINVAL, "id",
			"工号：应为1至16位数字或字母", "staff id: 1 to 16 digits or letters");
	return HALL_OK;
}

static int check_password(const char *pw, struct hall_err *err)
{
	size_t n = pw ? utf8_chars(pw) : 0;
	if (!pw || !utf8_valid(pw, strlen(pw)) || n < AUTH_PASSWORD_MIN ||
	    n > 128 || utf8_has_control(pw, false))
		return hall_err_set(err, HALL_EINVAL, "password",
			"密码：至少%d个字符，不含控制字符",
			"password: at least %d characters, no control characters",
			AUTH_PASSWORD_MIN);
	return HALL_OK;
}

static void row_user(sqlite3_stmt *st, struct hall_user *u)
{
	memset(u, 0, sizeof *u);
	snprintf(u->id, sizeof u->id, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(u->name, sizeof u->name, "%s", (const char *)sqlite3_column_text(st, 1));
	if (auth_role_parse((const char *)sqlite3_column_text(st, 2), &u->role) != HALL_OK)
		u->role = ROLE_CLERK;
	u->active = sqlite3_column_int(st, 3) != 0;
	u->must_change = sqlite3_column_int(st, 4) != 0;
}

#define USER_COLS "id, name, role, active, must_change"
#define USER_COLS_ST "st.id, st.name, st.role, st.active, st.must_change"

/* Who logs in where.  At a hall, the staff table is the hall's accounts.
 * A central store (store_is_central) keeps a copy of every hall's staff
 * keyed (hall, id) for the branch-wide sheets; only its own accounts, the
 * branch's, of its own hall code ('000'), log in there or are managed
 * there: a hall's copied account (and its copied password hash) never
 * opens the central.  So at a central every statement on staff below is
 * limited to hall = ?9 (SCOPE), bound by scope(). */
#define SCOPE " AND hall = ?9"

static const char *scoped(struct store *s, const char *hall_sql,
                          const char *central_sql)
{
	return store_is_central(s) ? central_sql : hall_sql;
}

static void scope(struct store *s, sqlite3_stmt *st)
{
	if (store_is_central(s))
		sqlite3_bind_text(st, 9, store_hall_code(s), -1, SQLITE_STATIC);
}

int auth_user_get(struct store *s, const char *id, struct hall_user *out,
                  struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, scoped(s,
		"SELECT " USER_COLS " FROM staff WHERE id = ?1",
		"SELECT " USER_COLS " FROM staff WHERE id = ?1" SCOPE), err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	scope(s, st);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_user(st, out);
		sqlite3_reset(st);
		return HALL_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "查找工号", "looking up the staff id", err);
	return hall_err_set(err, HALL_ENOTFOUND, "id", "工号 %s 不存在",
	                    "no staff with id %s", id);
}

static void pw_tag(const char *pw_hash, char out[17]);

/* Now plus some minutes as "YYYY-MM-DDTHH:MM:SSZ" (compared as text). */
static void utc_plus_minutes(int minutes, char out[21])
{
	char now[21];
	store_now_utc(now);
	struct tm tm = { 0 };
	sscanf(now, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	       &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (time_t)minutes * 60;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The hall's lockout policy (settings lockout_failures, lockout_minutes;
 * worules.h), each within its limits, else the default. */
static int setting_int(struct store *s, const char *key, int def, int lo, int hi)
{
	char v[32], dv[16];
	snprintf(dv, sizeof dv, "%d", def);
	if (store_is_central(s)) {
		/* a central holds every hall's settings: its own only */
		snprintf(v, sizeof v, "%s", dv);
		sqlite3_stmt *st = store_stmt(s, "SELECT value FROM work_settings"
		                                 " WHERE key = ?1" SCOPE, NULL);
		if (st) {
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
			scope(s, st);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
				snprintf(v, sizeof v, "%s", (const char *)sqlite3_column_text(st, 0));
			sqlite3_reset(st);
		}
	} else
		worules_setting_get(s, key, dv, v, sizeof v);
	char *end;
	long n = strtol(v, &end, 10);
	return *v && !*end && n >= lo && n <= hi ? (int)n : def;
}

int auth_lockout_failures(struct store *s)
{
	return setting_int(s, "lockout_failures", AUTH_LOCKOUT_FAILURES,
	                   AUTH_LOCKOUT_FAILURES_MIN, AUTH_LOCKOUT_FAILURES_MAX);
}

int auth_lockout_minutes(struct store *s)
{
	return setting_int(s, "lockout_minutes", AUTH_LOCKOUT_MINUTES, 1,
	                   AUTH_LOCKOUT_MINUTES_MAX);
}

/* A real hash to check unknown ids against, so that a wrong id costs as
 * long as a wrong password. */
static const char *dummy_hash(void)
{
	static char h[128];
	if (!h[0] && auth_hash("not-a-password", h, sizeof h, NULL) != HALL_OK)
		h[0] = '\0';
	return h;
}

static int auth_fail(struct hall_err *err)
{
	return hall_err_set(err, HALL_EAUTH, "password",
		"工号或密码错误", "wrong staff id or password");
}

int auth_login(struct store *s, const char *id, const char *password,
               struct hall_user *out, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, scoped(s,
		"SELECT " USER_COLS ", pw_hash, failed_logins, locked_until"
		" FROM staff WHERE id = ?1",
		"SELECT " USER_COLS ", pw_hash, failed_logins, locked_until"
		" FROM staff WHERE id = ?1" SCOPE), err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_STATIC);
	scope(s, st);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_error(s, rc, "登录", "logging in", err);
		/* spend the same time as a real check: no user enumeration */
		auth_verify(password ? password : "", dummy_hash());
		int arc = audit_login(s, "login.fail", NULL, id, "unknown id", err);
		return arc != HALL_OK ? arc : auth_fail(err);
	}
	struct hall_user u;
	row_user(st, &u);
	char hash[160], locked[24] = "";
	snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 5));
	int failed = sqlite3_column_int(st, 6);
	if (sqlite3_column_type(st, 7) != SQLITE_NULL)
		snprintf(locked, sizeof locked, "%s", (const char *)sqlite3_column_text(st, 7));
	sqlite3_reset(st);

	char now[21];
	store_now_utc(now);
	if (locked[0] && strcmp(now, locked) < 0) {
		char local[17];
		store_local_time(locked, local);
		int arc = audit_login(s, "login.locked", u.id, id, "account locked", err);
		if (arc != HALL_OK)
			return arc;
		return hall_err_set(err, HALL_EAUTH, "id",
			"工号 %s 因多次密码错误已锁定，%s 后再试，或请管理员重置密码",
			"staff id %s is locked after repeated wrong passwords; try after %s or ask an administrator to reset it",
			id, local);
	}
	bool ok = u.active && auth_verify(password ? password : "", hash);
	if (ok)
		pw_tag(hash, u.pw_tag);
	/* a clean success writes only its audit row, which the command line
	 * defers into its first write (audit.h): no extra disk sync */
	if (store_readonly(s) || (ok && failed == 0 && !locked[0])) {
		if (!ok) {
			/* a read-only (damaged) store cannot count failures: each
			 * one costs AUTH_READONLY_FAIL_SECONDS instead, so guessing
			 * stays slow until the store is restored */
			if (store_readonly(s))
				sleep(AUTH_READONLY_FAIL_SECONDS);
			return auth_fail(err);
		}
		int arc = audit_login(s, "login", u.id, id, NULL, err);
		if (arc != HALL_OK)
			return arc;
		*out = u;
		return HALL_OK;
	}
	int brc = store_begin(s, err);
	if (brc != HALL_OK)
		return brc;
	/* (coalesce: a central's staff table has no column defaults) */
	if (ok)
		st = store_stmt(s, scoped(s,
			"UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
			"UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ?1" SCOPE), err);
	else
		st = store_stmt(s, scoped(s,
			"UPDATE staff SET failed_logins = failed_logins + 1,"
			" locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3"
			" ELSE locked_until END WHERE id = ?1",
			"UPDATE staff SET failed_logins = coalesce(failed_logins, 0) + 1,"
			" locked_until = CASE WHEN coalesce(failed_logins, 0) + 1 >= ?2 THEN ?3"
			" ELSE locked_until END WHERE id = ?1" SCOPE), err);
	if (!st) {
		store_rollback(s);
		return err ? err->code : HALL_EDB;
	}
	char until[21];
	int max_failed = auth_lockout_failures(s);
	utc_plus_minutes(auth_lockout_minutes(s), until);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	scope(s, st);
	if (!ok) {
		sqlite3_bind_int(st, 2, max_failed);
		sqlite3_bind_text(st, 3, until, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_rollback(s);
		return store_error(s, rc, "登录", "logging in", err);
	}
	/* the audit row in the same transaction as the failure count */
	brc = audit_login(s, ok ? "login" : "login.fail", u.id, id,
	                  ok ? NULL : !u.active ? "inactive account"
	                  : failed + 1 >= max_failed ? "wrong password; account locked"
	                  : "wrong password", err);
	if (brc != HALL_OK) {
		store_rollback(s);
		return brc;
	}
	brc = store_commit(s, err);
	if (brc != HALL_OK)
		return brc;
	if (!ok)
		return auth_fail(err);
	*out = u;
	return HALL_OK;
}

int auth_logout(struct store *s, const struct hall_actor *actor,
                struct hall_err *err)
{
	if (!actor || store_readonly(s))
		return HALL_OK;
	return audit_log(s, actor, NULL, "logout", actor->user.id, NULL, err);
}

int auth_require(const struct hall_actor *actor, enum hall_role min_role,
                 const char *what_zh, const char *what_en,
                 struct hall_err *err)
{
	if (actor && actor->user.active && actor->user.role >= min_role)
		return HALL_OK;
	/* "%.0s" skips the Chinese arguments in the English text */
	return hall_err_set(err, HALL_EPERM, NULL,
		"无权%s：需要%s权限", "%.0s%.0snot allowed to %s: needs the %s role",
		what_zh, roles[min_role].zh, what_en, roles[min_role].en);
}

int auth_user_count(struct store *s, int64_t *n, struct hall_err *err)
{
	/* at a central: its own accounts (the first is its admin) */
	sqlite3_stmt *st = store_stmt(s, scoped(s, "SELECT count(*) FROM staff",
		"SELECT count(*) FROM staff WHERE true" SCOPE), err);
	if (!st)
		return err ? err->code : HALL_EDB;
	scope(s, st);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? HALL_OK : store_error(s, rc, "读取工号", "reading staff", err);
}

int auth_user_add(struct store *s, const struct hall_actor *actor,
                  const char *id, const char *name, enum hall_role role,
                  const char *password, struct hall_err *err)
{
	int rc;
	if ((rc = check_id(id, err)) != HALL_OK || (rc = check_password(password, err)) != HALL_OK)
		return rc;
	size_t n = name ? utf8_chars(name) : 0;
	if (!name || !utf8_valid(name, strlen(name)) || n < 1 || n > 30 ||
	    utf8_has_control(name, false))
		return hall_err_set(err, HALL_EINVAL, "name",
			"姓名：应为1至30个字符", "name: 1 to 30 characters");
	char hash[128];
	if ((rc = auth_hash(password, hash, sizeof hash, err)) != HALL_OK)
		return rc;
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	int64_t count = 0;
	if ((rc = auth_user_count(s, &count, err)) != HALL_OK)
		goto fail;
	if (count == 0 && role != ROLE_ADMIN) {
		rc = hall_err_set(err, HALL_EPERM, "role",
			"第一个用户必须是系统管理员（admin）",
			"the first user must be an administrator (admin)");
		goto fail;
	}
	if (count > 0 && (rc = auth_require(actor, ROLE_ADMIN, "管理用户",
	                                    "manage users", err)) != HALL_OK)
		goto fail;
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s, scoped(s,
		"INSERT INTO staff(id, name, role, pw_hash, must_change, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT(id) DO NOTHING",
		"INSERT INTO staff(id, name, role, pw_hash, active, must_change, failed_logins,"
		" created_at, updated_at, hall) VALUES (?1, ?2, ?3, ?4, 1, ?5, 0, ?6, ?6, ?9)"
		" ON CONFLICT(hall, id) DO NOTHING"), err);
	if (!st) {
		rc = err ? err->code : HALL_EDB;
		goto fail;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, roles[role].key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, count > 0);  /* the first admin chose it */
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	scope(s, st);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		rc = store_error(s, src, "添加用户", "adding the user", err);
		goto fail;
	}
	if (sqlite3_changes(store_db(s)) == 0) {
		rc = hall_err_set(err, HALL_EEXIST, "id", "工号 %s 已存在",
		                  "staff id %s already exists", id);
		goto fail;
	}
	rc = store_journal_row(s, "staff.add", "staff",
	                       sqlite3_last_insert_rowid(store_db(s)),
	                       actor ? actor->user.id : id,
	                       actor ? actor->counter : 0, err);
	if (rc != HALL_OK)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return rc;
}

int auth_user_passwd(struct store *s, const struct hall_actor *actor,
                     const char *id, const char *password,
                     struct hall_err *err)
{
	int rc;
	bool self = actor && actor->user.active && strcmp(actor->user.id, id) == 0;
	if (!self && (rc = auth_require(actor, ROLE_ADMIN, "重置他人密码",
	                                "reset another user's password", err)) != HALL_OK)
		return rc;
	if ((rc = check_password(password, err)) != HALL_OK)
		return rc;
	char hash[128];
	if ((rc = auth_hash(password, hash, sizeof hash, err)) != HALL_OK)
		return rc;
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s, scoped(s,
		"UPDATE staff SET pw_hash = ?2, must_change = ?3, failed_logins = 0,"
		" locked_until = NULL, updated_at = ?4 WHERE id = ?1 RETURNING rowid",
		"UPDATE staff SET pw_hash = ?2, must_change = ?3, failed_logins = 0,"
		" locked_until = NULL, updated_at = ?4 WHERE id = ?1" SCOPE " RETURNING rowid"), err);
	if (!st) {
		store_rollback(s);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, !self);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	scope(s, st);
	int src = sqlite3_step(st);
	int64_t rowid = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (src == SQLITE_DONE) {
		store_rollback(s);
		return hall_err_set(err, HALL_ENOTFOUND, "id", "工号 %s 不存在",
		                    "no staff with id %s", id);
	}
	if (src != SQLITE_ROW) {
		store_rollback(s);
		return store_error(s, src, "修改密码", "changing the password", err);
	}
	rc = store_journal_row(s, "staff.passwd", "staff", rowid,
	                       actor ? actor->user.id : id,
	                       actor ? actor->counter : 0, err);
	if (rc != HALL_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int auth_user_list(struct store *s,
                   void (*fn)(void *ud, const struct hall_user *u), void *ud,
                   struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, scoped(s,
		"SELECT " USER_COLS " FROM staff ORDER BY id",
		"SELECT " USER_COLS " FROM staff WHERE true" SCOPE " ORDER BY id"), err);
	if (!st)
		return err ? err->code : HALL_EDB;
	scope(s, st);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hall_user u;
		row_user(st, &u);
		fn(ud, &u);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, "列出用户", "listing users", err);
}

/* ----------------------------------------------------------- sessions */

/* The first 16 hex digits of SHA-256(pw_hash): ties a session to the
 * password it was opened with. */
static void pw_tag(const char *pw_hash, char out[17])
{
	unsigned char d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];
	sha256(pw_hash, strlen(pw_hash), d);
	sha256_hex(d, hex);
	memcpy(out, hex, 16);
	out[16] = '\0';
}

static void token_hash(const char *token, char out[SHA256_HEX_LEN + 1])
{
	unsigned char d[SHA256_LEN];
	sha256(token, strlen(token), d);
	sha256_hex(d, out);
}

static bool token_wellformed(const char *token)
{
	if (!token || strlen(token) != AUTH_TOKEN_LEN)
		return false;
	for (const char *p = token; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

int auth_session_open(struct store *s, const struct hall_actor *actor,
                      int64_t uid, int minutes, char token[AUTH_TOKEN_LEN + 1],
                      struct hall_err *err)
{
	token[0] = '\0';
	if (minutes < 1 || minutes > AUTH_SESSION_MAX_MINUTES)
		return hall_err_set(err, HALL_EINVAL, "minutes",
			"会话时长：应为1至%d分钟", "session length: 1 to %d minutes",
			AUTH_SESSION_MAX_MINUTES);
	if (!actor || !actor->user.active || !actor->user.pw_tag[0])
		return auth_fail(err);
	if (actor->user.role == ROLE_ADMIN)
		return hall_err_set(err, HALL_EPERM, "user",
			"系统管理员不开会话：管理员的每条命令都须输入密码",
			"no sessions for administrators: every administrator's command takes the password");
	if (actor->user.must_change)
		return hall_err_set(err, HALL_EAUTH, "password",
			"工号 %s 须先修改密码（hall user passwd）才能开会话",
			"staff id %s must change the password first (hall user passwd)",
			actor->user.id);
	unsigned char rnd[AUTH_TOKEN_LEN / 2];
	size_t got = 0;
	while (got < sizeof rnd) {
		ssize_t n = getrandom(rnd + got, sizeof rnd - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hall_err_set(err, HALL_EIO, NULL, "无法取得随机数：%s",
			                    "cannot get random bytes: %s", strerror(errno));
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	explicit_bzero(rnd, sizeof rnd);
	char th[SHA256_HEX_LEN + 1], now[21], until[21], tag[17];
	token_hash(token, th);
	store_now_utc(now);
	utc_plus_minutes(minutes, until);

	int rc = store_begin(s, err);
	if (rc != HALL_OK)
		goto out;
	sqlite3_stmt *st = store_stmt(s, scoped(s,
		"SELECT pw_hash FROM staff WHERE id = ?1",
		"SELECT pw_hash FROM staff WHERE id = ?1" SCOPE), err);
	if (!st) {
		rc = err ? err->code : HALL_EDB;
		goto fail;
	}
	sqlite3_bind_text(st, 1, actor->user.id, -1, SQLITE_STATIC);
	scope(s, st);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		pw_tag((const char *)sqlite3_column_text(st, 0), tag);
	sqlite3_reset(st);
	if (src != SQLITE_ROW) {
		rc = src == SQLITE_DONE ? auth_fail(err)
		     : store_error(s, src, "开会话", "opening a session", err);
		goto fail;
	}
	/* the password checked must still be the password: a change that
	 * landed between the check and now would not end this session */
	if (strcmp(tag, actor->user.pw_tag) != 0) {
		rc = hall_err_set(err, HALL_EAUTH, "password",
			"密码刚被修改，请重新登录", "the password has just been changed; log in again");
		goto fail;
	}
	/* one session per staff id and Unix user: a new login ends the old */
	st = store_stmt(s, "UPDATE sessions SET revoked_at = ?3 WHERE staff_id = ?1"
	                   " AND uid = ?2 AND revoked_at IS NULL", err);
	if (!st) {
		rc = err ? err->code : HALL_EDB;
		goto fail;
	}
	sqlite3_bind_text(st, 1, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		rc = store_error(s, src, "开会话", "opening a session", err);
		goto fail;
	}
	/* housekeeping: sessions past their end are of no further use */
	st = store_stmt(s, "DELETE FROM sessions WHERE expires_at <= ?1", err);
	if (!st) {
		rc = err ? err->code : HALL_EDB;
		goto fail;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		rc = store_error(s, src, "开会话", "opening a session", err);
		goto fail;
	}
	st = store_stmt(s, "INSERT INTO sessions(token_hash, staff_id, uid, pw_tag,"
	                   " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err);
	if (!st) {
		rc = err ? err->code : HALL_EDB;
		goto fail;
	}
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, uid);
	sqlite3_bind_text(st, 4, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, until, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		rc = store_error(s, src, "开会话", "opening a session", err);
		goto fail;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "until %s", until);
	/* the audit row names the session by the first digits of its hash */
	char target[32];
	snprintf(target, sizeof target, "session:%.12s", th);
	if ((rc = audit_log(s, actor, NULL, "session.open", target, detail, err)) != HALL_OK)
		goto fail;
	rc = store_commit(s, err);
	goto out;
fail:
	store_rollback(s);
out:
	if (rc != HALL_OK)
		explicit_bzero(token, AUTH_TOKEN_LEN + 1);
	return rc;
}

/* Refuse a session: audited as a failed login ("session: why"). */
static int session_refused(struct store *s, struct hall_err *err, const char *id,
                           const char *staff_id, const char *why_zh, const char *why_en)
{
	char detail[96];
	snprintf(detail, sizeof detail, "session: %s", why_en);
	int arc = audit_login(s, "login.fail", staff_id, id, detail, err);
	if (arc != HALL_OK)
		return arc;
	return hall_err_set(err, HALL_EAUTH, "session",
		"工号 %s 的会话%s，请重新登录（hall login）或设置 HALL_PASSWORD",
		"the session of staff id %s%.0s %s; log in again (hall login) or set HALL_PASSWORD",
		id, why_zh, why_en);
}

int auth_session_check(struct store *s, const char *id, const char *token,
                       int64_t uid, struct hall_user *out,
                       struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	if (!id || !token_wellformed(token))
		return session_refused(s, err, id ? id : "", NULL, "无效", "is not valid");
	char th[SHA256_HEX_LEN + 1], now[21];
	token_hash(token, th);
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s, scoped(s,
		"SELECT " USER_COLS_ST ", st.pw_hash, st.locked_until,"
		" se.uid, se.pw_tag, se.expires_at, se.revoked_at"
		" FROM sessions se JOIN staff st ON st.id = se.staff_id"
		" WHERE se.token_hash = ?1 AND se.staff_id = ?2",
		"SELECT " USER_COLS_ST ", st.pw_hash, st.locked_until,"
		" se.uid, se.pw_tag, se.expires_at, se.revoked_at"
		" FROM sessions se JOIN staff st ON st.id = se.staff_id AND st.hall = ?9"
		" WHERE se.token_hash = ?1 AND se.staff_id = ?2"), err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	scope(s, st);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_error(s, rc, "检查会话", "checking the session", err);
		return session_refused(s, err, id, NULL, "不存在或已注销", "does not exist or has ended");
	}
	struct hall_user u;
	row_user(st, &u);
	char tag[17], stored_tag[17] = "", expires[21] = "", locked[21] = "";
	pw_tag((const char *)sqlite3_column_text(st, 5), tag);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		snprintf(locked, sizeof locked, "%s", (const char *)sqlite3_column_text(st, 6));
	int64_t suid = sqlite3_column_int64(st, 7);
	snprintf(stored_tag, sizeof stored_tag, "%s", (const char *)sqlite3_column_text(st, 8));
	snprintf(expires, sizeof expires, "%s", (const char *)sqlite3_column_text(st, 9));
	bool revoked = sqlite3_column_type(st, 10) != SQLITE_NULL;
	sqlite3_reset(st);

	if (revoked)
		return session_refused(s, err, id, u.id, "已注销", "has ended (logged out)");
	if (strcmp(now, expires) >= 0)
		return session_refused(s, err, id, u.id, "已过期", "has expired");
	if (suid != uid)
		return session_refused(s, err, id, u.id, "属于另一个系统用户", "belongs to another Unix user");
	if (strcmp(tag, stored_tag) != 0)
		return session_refused(s, err, id, u.id, "在密码修改后失效", "ended when the password changed");
	if (!u.active)
		return session_refused(s, err, id, u.id, "已停用", "belongs to an inactive account");
	if (locked[0] && strcmp(now, locked) < 0)
		return session_refused(s, err, id, u.id, "因工号已锁定而暂停", "is suspended while the staff id is locked");
	if (u.must_change)
		return session_refused(s, err, id, u.id, "须先修改密码", "needs a password change first");
	/* made an administrator since (a pull can change a role): no session */
	if (u.role == ROLE_ADMIN)
		return session_refused(s, err, id, u.id, "不适用于系统管理员", "is not for an administrator");
	char detail[40];
	snprintf(detail, sizeof detail, "session:%.12s", th);
	int arc = audit_login(s, "login.session", u.id, id, detail, err);
	if (arc != HALL_OK)
		return arc;
	*out = u;
	return HALL_OK;
}

int auth_session_close(struct store *s, const char *id, const char *token,
                       int64_t uid, bool *ended, struct hall_err *err)
{
	*ended = false;
	if (!id || !token_wellformed(token))
		return HALL_OK;
	char th[SHA256_HEX_LEN + 1], now[21];
	token_hash(token, th);
	store_now_utc(now);
	int rc = store_begin(s, err);
	if (rc != HALL_OK)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "UPDATE sessions SET revoked_at = ?4"
		" WHERE token_hash = ?1 AND staff_id = ?2 AND uid = ?3 AND revoked_at IS NULL", err);
	if (!st) {
		store_rollback(s);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, uid);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		store_rollback(s);
		return store_error(s, src, "注销会话", "ending the session", err);
	}
	if (sqlite3_changes(store_db(s)) == 0) {
		store_rollback(s);
		return HALL_OK;
	}
	char target[32];
	snprintf(target, sizeof target, "session:%.12s", th);
	if ((rc = audit_log(s, NULL, id, "logout", target, NULL, err)) != HALL_OK) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s, err);
	*ended = rc == HALL_OK;
	return rc;
}
