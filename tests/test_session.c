/* test_session.c - command-line sessions (auth.h, `hall login`): what the
 * store keeps, and every reason a session stops letting its holder in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hall/audit.h"
#include "hall/auth.h"
#include "hall/sha256.h"
#include "hall/store.h"

static char dir[512];
static int nstore;
static struct hall_actor admin, clerk;

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/session.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	hall_lang_set(HALL_LANG_EN);
	return 0;
}

static int each(void **state)
{
	(void)state;
	setenv("HALL_NOW", "2026-03-02T01:00:00Z", 1);
	return 0;
}

static void actor_of(struct hall_actor *a, const char *id, enum hall_role r)
{
	memset(a, 0, sizeof *a);
	snprintf(a->user.id, sizeof a->user.id, "%s", id);
	a->user.role = r;
	a->user.active = true;
	a->counter = 2;
}

static void exec(struct store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int64_t one_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A store with admin 0001 and clerk 1001 (password demo1234, no change due). */
static struct store *fresh(void)
{
	char path[600];
	snprintf(path, sizeof path, "%s/s%d.db", dir, ++nstore);
	struct store *s;
	struct hall_err e;
	if (store_create(path, "001", "鼓楼供电营业厅", &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	actor_of(&admin, "0001", ROLE_ADMIN);
	actor_of(&clerk, "1001", ROLE_CLERK);
	assert_int_equal(auth_user_add(s, NULL, "0001", "管理员", ROLE_ADMIN, "demo1234", &e), HALL_OK);
	assert_int_equal(auth_user_add(s, &admin, "1001", "张敏", ROLE_CLERK, "demo1234", &e), HALL_OK);
	exec(s, "UPDATE staff SET must_change = 0");
	return s;
}

static void open_session(struct store *s, int minutes, char token[AUTH_TOKEN_LEN + 1])
{
	struct hall_err e;
	struct hall_user u;
	assert_int_equal(auth_login(s, "1001", "demo1234", &u, &e), HALL_OK);
	clerk.user = u;
	if (auth_session_open(s, &clerk, 1000, minutes, token, &e) != HALL_OK)
		fail_msg("%s", e.en);
}

static void expect_refused(struct store *s, const char *token, int64_t uid,
                           const char *why)
{
	struct hall_err e;
	struct hall_user u;
	assert_int_equal(auth_session_check(s, "1001", token, uid, &u, &e), HALL_EAUTH);
	if (!strstr(e.en, why))
		fail_msg("wanted '%s' in: %s", why, e.en);
	assert_string_equal(u.id, "");
}

static void test_store_keeps_only_the_hash(void **state)
{
	(void)state;
	struct store *s = fresh();
	char token[AUTH_TOKEN_LEN + 1];
	open_session(s, 60, token);
	assert_int_equal(strlen(token), AUTH_TOKEN_LEN);
	unsigned char d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1], sql[300];
	sha256(token, strlen(token), d);
	sha256_hex(d, hex);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'"
	         " AND staff_id = '1001' AND uid = 1000 AND expires_at = '2026-03-02T02:00:00Z'", hex);
	assert_int_equal(one_int(s, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'", token);
	assert_int_equal(one_int(s, sql), 0);
	/* two sessions never share a token */
	char other[AUTH_TOKEN_LEN + 1];
	open_session(s, 60, other);
	assert_string_not_equal(token, other);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'session.open'"), 2);
	struct hall_err e;
	struct audit_verify v;
	assert_int_equal(audit_verify(s, NULL, &v, &e), HALL_OK);
	assert_int_equal(v.bad_id, 0);
	store_close(s);
}

static void test_valid_session_logs_in(void **state)
{
	(void)state;
	struct store *s = fresh();
	char token[AUTH_TOKEN_LEN + 1];
	open_session(s, 60, token);
	struct hall_err e;
	struct hall_user u;
	setenv("HALL_NOW", "2026-03-02T01:59:59Z", 1);
	assert_int_equal(auth_session_check(s, "1001", token, 1000, &u, &e), HALL_OK);
	assert_string_equal(u.id, "1001");
	assert_int_equal(u.role, ROLE_CLERK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'login.session'"), 1);
	store_close(s);
}

static void test_refusals(void **state)
{
	(void)state;
	struct store *s = fresh();
	char token[AUTH_TOKEN_LEN + 1];
	open_session(s, 60, token);

	/* another staff id, a changed digit, a malformed token */
	struct hall_err e;
	struct hall_user u;
	assert_int_equal(auth_session_check(s, "0001", token, 1000, &u, &e), HALL_EAUTH);
	char bad[AUTH_TOKEN_LEN + 1];
	memcpy(bad, token, sizeof bad);
	bad[10] = bad[10] == 'a' ? 'b' : 'a';
	expect_refused(s, bad, 1000, "does not exist");
	expect_refused(s, "abc", 1000, "not valid");
	expect_refused(s, token, 1001, "the session of staff id 1001 belongs");
	expect_refused(s, token, 1001, "another Unix user");

	setenv("HALL_NOW", "2026-03-02T02:00:00Z", 1);
	expect_refused(s, token, 1000, "expired");
	setenv("HALL_NOW", "2026-03-02T01:30:00Z", 1);

	exec(s, "UPDATE staff SET must_change = 1 WHERE id = '1001'");
	expect_refused(s, token, 1000, "password change");
	exec(s, "UPDATE staff SET must_change = 0 WHERE id = '1001'");
	assert_int_equal(auth_session_check(s, "1001", token, 1000, &u, &e), HALL_OK);
	/* a clerk made an administrator since (a pull can) keeps no session */
	exec(s, "UPDATE staff SET role = 'admin' WHERE id = '1001'");
	expect_refused(s, token, 1000, "administrator");
	exec(s, "UPDATE staff SET role = 'clerk' WHERE id = '1001'");

	/* an administrator's reset ends it */
	assert_int_equal(auth_user_passwd(s, &admin, "1001", "new-pass-1", &e), HALL_OK);
	exec(s, "UPDATE staff SET must_change = 0");
	expect_refused(s, token, 1000, "password changed");
	/* every refusal is a failed login in the audit log, naming why */
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'login.fail'"
	                            " AND detail LIKE 'session: %'"), 9);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'login.fail'"
	                            " AND detail LIKE 'session: belongs to another Unix user%'"), 2);
	store_close(s);
}

/* A lock (someone guessing) and a deactivation end the session for good:
 * unlocking or reactivating does not bring it back. */
static void test_lock_and_deactivation_end_it(void **state)
{
	(void)state;
	struct store *s = fresh();
	char token[AUTH_TOKEN_LEN + 1];
	open_session(s, 60, token);
	exec(s, "UPDATE staff SET locked_until = '2026-03-02T01:45:00Z' WHERE id = '1001'");
	exec(s, "UPDATE staff SET locked_until = NULL WHERE id = '1001'");
	expect_refused(s, token, 1000, "has ended");

	open_session(s, 60, token);
	exec(s, "UPDATE staff SET active = 0 WHERE id = '1001'");
	exec(s, "UPDATE staff SET active = 1 WHERE id = '1001'");
	expect_refused(s, token, 1000, "has ended");

	/* a wrong password that does not lock leaves it alone, even with a
	 * stale lock time from long ago still in the row */
	open_session(s, 60, token);
	exec(s, "UPDATE staff SET locked_until = '2026-01-01T00:00:00Z' WHERE id = '1001'");
	open_session(s, 60, token);
	struct hall_err e;
	struct hall_user u;
	assert_int_equal(auth_login(s, "1001", "wrong-pass", &u, &e), HALL_EAUTH);
	assert_int_equal(auth_session_check(s, "1001", token, 1000, &u, &e), HALL_OK);
	store_close(s);
}

/* A restored store (new epoch) keeps no session of the day of the backup. */
static void test_new_epoch_ends_sessions(void **state)
{
	(void)state;
	struct store *s = fresh();
	char token[AUTH_TOKEN_LEN + 1];
	open_session(s, 60, token);
	struct hall_err e;
	assert_int_equal(store_new_epoch(s, NULL, &e), HALL_OK);
	expect_refused(s, token, 1000, "has ended");
	store_close(s);
}

static void test_logout_ends_it(void **state)
{
	(void)state;
	struct store *s = fresh();
	char token[AUTH_TOKEN_LEN + 1];
	open_session(s, 60, token);
	struct hall_err e;
	bool ended = true;
	/* another Unix user holding a copy cannot end it either */
	assert_int_equal(auth_session_close(s, "1001", token, 1001, &ended, &e), HALL_OK);
	assert_false(ended);
	struct hall_user u;
	assert_int_equal(auth_session_check(s, "1001", token, 1000, &u, &e), HALL_OK);
	/* ended whatever the account's state: here, locked */
	exec(s, "UPDATE staff SET failed_logins = 9 WHERE id = '1001'");
	assert_int_equal(auth_session_close(s, "1001", token, 1000, &ended, &e), HALL_OK);
	assert_true(ended);
	expect_refused(s, token, 1000, "ended");
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'logout'"), 1);
	/* closing again, or an unknown token, is no error and records nothing */
	assert_int_equal(auth_session_close(s, "1001", token, 1000, &ended, &e), HALL_OK);
	assert_false(ended);
	char other[AUTH_TOKEN_LEN + 1];
	memset(other, 'a', AUTH_TOKEN_LEN);
	other[AUTH_TOKEN_LEN] = '\0';
	assert_int_equal(auth_session_close(s, "1001", other, 1000, &ended, &e), HALL_OK);
	assert_false(ended);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'logout'"), 1);
	store_close(s);
}

static void test_open_rules(void **state)
{
	(void)state;
	struct store *s = fresh();
	char token[AUTH_TOKEN_LEN + 1];
	struct hall_err e;
	struct hall_user u;
	assert_int_equal(auth_login(s, "1001", "demo1234", &u, &e), HALL_OK);
	clerk.user = u;
	assert_int_equal(auth_session_open(s, &clerk, 1000, 0, token, &e), HALL_EINVAL);
	assert_string_equal(e.field, "minutes");
	assert_int_equal(auth_session_open(s, &clerk, 1000, AUTH_SESSION_MAX_MINUTES + 1, token, &e), HALL_EINVAL);
	clerk.user.must_change = true;
	assert_int_equal(auth_session_open(s, &clerk, 1000, 60, token, &e), HALL_EAUTH);
	assert_non_null(strstr(e.en, "must change"));
	assert_string_equal(token, "");
	clerk.user.must_change = false;
	/* an actor that did not come from a password check */
	struct hall_actor bare;
	actor_of(&bare, "1001", ROLE_CLERK);
	assert_int_equal(auth_session_open(s, &bare, 1000, 60, token, &e), HALL_EAUTH);
	/* no sessions for administrators */
	struct hall_user au;
	assert_int_equal(auth_login(s, "0001", "demo1234", &au, &e), HALL_OK);
	admin.user = au;
	assert_int_equal(auth_session_open(s, &admin, 1000, 60, token, &e), HALL_EPERM);
	/* a password changed between the check and the opening */
	assert_int_equal(auth_user_passwd(s, &admin, "1001", "new-pass-2", &e), HALL_OK);
	exec(s, "UPDATE staff SET must_change = 0");
	assert_int_equal(auth_session_open(s, &clerk, 1000, 60, token, &e), HALL_EAUTH);
	assert_non_null(strstr(e.en, "just been changed"));
	assert_int_equal(one_int(s, "SELECT count(*) FROM sessions"), 0);
	assert_int_equal(auth_login(s, "1001", "new-pass-2", &u, &e), HALL_OK);
	clerk.user = u;
	/* sessions past their end are cleared when a new one opens */
	assert_int_equal(auth_session_open(s, &clerk, 1000, 1, token, &e), HALL_OK);
	setenv("HALL_NOW", "2026-03-02T03:00:00Z", 1);
	assert_int_equal(auth_session_open(s, &clerk, 1000, 1, token, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM sessions"), 1);
	/* a new login ends the earlier session of the same Unix user, not
	 * another Unix user's */
	char first[AUTH_TOKEN_LEN + 1], other_uid[AUTH_TOKEN_LEN + 1];
	memcpy(first, token, sizeof first);
	assert_int_equal(auth_session_open(s, &clerk, 2000, 60, other_uid, &e), HALL_OK);
	assert_int_equal(auth_session_open(s, &clerk, 1000, 60, token, &e), HALL_OK);
	expect_refused(s, first, 1000, "has ended");
	assert_int_equal(auth_session_check(s, "1001", other_uid, 2000, &u, &e), HALL_OK);
	assert_int_equal(auth_session_check(s, "1001", token, 1000, &u, &e), HALL_OK);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_store_keeps_only_the_hash, each),
		cmocka_unit_test_setup(test_valid_session_logs_in, each),
		cmocka_unit_test_setup(test_refusals, each),
		cmocka_unit_test_setup(test_logout_ends_it, each),
		cmocka_unit_test_setup(test_lock_and_deactivation_end_it, each),
		cmocka_unit_test_setup(test_new_epoch_ends_sessions, each),
		cmocka_unit_test_setup(test_open_rules, each),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
