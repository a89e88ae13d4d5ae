/*
 * term.c - terminal start/restore, signals, keys, colours, drawing helpers.
 */
#include "tui/term.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hall/err.h"
#include "hall/utf8.h"

/* ------------------------------------------------------------- keys */

tkey tui_key_from_curses(int rc, wint_t ch)
{
	if (rc == ERR)
		return TK_NONE;
	if (rc == KEY_CODE_YES) {
		switch (ch) {
		case KEY_ENTER:
			return TK_ENTER;
		case KEY_BACKSPACE:
			return TK_BACKSPACE;
		default:
			return TK_FN((int)ch);
		}
	}
	switch (ch) {
	case '\n':
	case '\r':
		return TK_ENTER;
	case 8:
	case 127:
		return TK_BACKSPACE;
	default:
		return (tkey)ch;
	}
}

static volatile sig_atomic_t pending_signal;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

tkey tui_key_curses(void *ud, int timeout_ms)
{
	static int fast_errors;
	wint_t ch = 0;
	long t0 = now_ms();
	int rc;

	(void)ud;
	wtimeout(stdscr, timeout_ms);
	rc = wget_wch(stdscr, &ch);
	/* A terminal that went away without SIGHUP makes every read fail at
	 * once: after many such reads, behave as if SIGHUP had come (the form
	 * in progress is kept as a draft) instead of spinning. */
	if (rc == ERR && timeout_ms >= 100 && now_ms() - t0 < 5) {
		if (++fast_errors >= 50 && !pending_signal)
			pending_signal = SIGHUP;
	} else {
		fast_errors = 0;
	}
	return tui_key_from_curses(rc, ch);
}

/* ---------------------------------------------------------- colours */

struct color_def {
	short fg, bg;
	attr_t extra;     /* added in colour mode */
	attr_t mono;      /* used alone in monochrome */
};

/* The semantic table (htop CRT.c style): one place to change the look. */
static const struct color_def color_defs[TC__COUNT] = {
	[TC_NORMAL]      = { -1, -1, 0, A_NORMAL },
	[TC_TITLE]       = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[TC_TOPBAR]      = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[TC_BAR]         = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TC_BAR_KEY]     = { COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD },
	[TC_LABEL]       = { -1, -1, 0, A_NORMAL },
	[TC_REQUIRED]    = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TC_FIELD]       = { COLOR_WHITE, COLOR_BLUE, 0, A_UNDERLINE },
	[TC_FIELD_FOCUS] = { COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE },
	[TC_ERROR]       = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TC_OVERDUE]     = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TC_DUE_TODAY]   = { COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
	[TC_OK]          = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[TC_DIM]         = { COLOR_CYAN, -1, 0, A_DIM },
	[TC_SELECT]      = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TC_POPUP]       = { COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL },
	[TC_HEADER]      = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TC_BIG]         = { COLOR_GREEN, -1, A_REVERSE, A_REVERSE },
	[TC_ALERT]       = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
};

static attr_t color_attrs[TC__COUNT];
static bool colors_mono = true;

void tui_colors_init(bool force_mono)
{
	colors_mono = force_mono || !has_colors() || start_color() == ERR ||
	              COLORS < 8 || COLOR_PAIRS < TC__COUNT + 1;
	if (!colors_mono)
		use_default_colors();
	for (int i = 0; i < TC__COUNT; i++) {
		const struct color_def *d = &color_defs[i];
		if (colors_mono) {
			color_attrs[i] = d->mono;
			continue;
		}
		init_pair((short)(i + 1), d->fg, d->bg);
		color_attrs[i] = COLOR_PAIR(i + 1) | d->extra;
	}
}

attr_t tui_attr(enum tui_color c)
{
	return (unsigned)c < TC__COUNT ? color_attrs[c] : A_NORMAL;
}

bool tui_colors_mono(void)
{
	return colors_mono;
}

/* ---------------------------------------------------------- drawing */

#define PUT_MAX 4096

int tui_width(const char *s)
{
	char buf[PUT_MAX];

	utf8_sanitize(buf, sizeof buf, s ? s : "", false);
	return (int)utf8_width(buf);
}

int tui_put(int y, int x, int max_cols, enum tui_color c, const char *s)
{
	char buf[PUT_MAX];
	size_t cols = 0, n;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || max_cols <= 0)
		return 0;
	if (max_cols > COLS - x)
		max_cols = COLS - x;
	utf8_sanitize(buf, sizeof buf, s ? s : "", false);
	n = utf8_prefix_cols(buf, (size_t)max_cols, &cols);
	attrset(tui_attr(c));
	mvaddnstr(y, x, buf, (int)n);
	attrset(A_NORMAL);
	return (int)cols;
}

void tui_fill(int y, int x, int cols, enum tui_color c)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (cols > COLS - x)
		cols = COLS - x;
	if (cols <= 0)
		return;
	attrset(tui_attr(c));
	mvhline(y, x, ' ', cols);
	attrset(A_NORMAL);
}

void tui_put_pad(int y, int x, int cols, enum tui_color c, const char *s)
{
	tui_fill(y, x, cols, c);
	tui_put(y, x, cols, c, s);
}

void tui_put_right(int y, int x, int cols, enum tui_color c, const char *s)
{
	int w = tui_width(s);
	if (w > cols)
		w = cols;
	tui_fill(y, x, cols - w, c);
	tui_put(y, x + cols - w, w, c, s);
}

void tui_put_center(int y, enum tui_color c, const char *s)
{
	int w = tui_width(s);
	int x = w < COLS ? (COLS - w) / 2 : 0;
	tui_put(y, x, COLS - x, c, s);
}

int tui_putf(int y, int x, int max_cols, enum tui_color c, const char *fmt,
             ...)
{
	char buf[PUT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_put(y, x, max_cols, c, buf);
}

void tui_hline(int y, int x, int cols, enum tui_color c)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (cols > COLS - x)
		cols = COLS - x;
	if (cols <= 0)
		return;
	attrset(tui_attr(c));
	mvhline(y, x, ACS_HLINE, cols);
	attrset(A_NORMAL);
}

void tui_box(int y, int x, int h, int w, enum tui_color c)
{
	if (h < 2 || w < 2)
		return;
	for (int r = 0; r < h; r++)
		tui_fill(y + r, x, w, c);
	attrset(tui_attr(c));
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
}

/* ---------------------------------------------------------- signals */

static bool signals_installed;
static struct sigaction old_term, old_hup, old_int;

static void on_signal(int sig)
{
	pending_signal = sig;
}

void tui_signals_install(void)
{
	struct sigaction sa;

	if (signals_installed)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;   /* no SA_RESTART: a waiting read returns */
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGINT, &sa, &old_int);
	signals_installed = true;
}

void tui_signals_uninstall(void)
{
	if (!signals_installed)
		return;
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGINT, &old_int, NULL);
	signals_installed = false;
}

int tui_signal_take(void)
{
	int s = pending_signal;
	pending_signal = 0;
	return s;
}

void tui_signal_raise_for_test(int sig)
{
	pending_signal = sig;
}

/* ------------------------------------------------------ crash guard */
/* On a fatal signal the terminal is put back with async-signal-safe calls
 * only: the saved termios (tcsetattr) and the terminal's own strings to
 * leave the alternate screen and show the cursor (write).  Then the
 * previous handler (the default, or a sanitizer's) takes over. */

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NCRASH ((int)(sizeof crash_signals / sizeof crash_signals[0]))
static struct sigaction old_crash[NCRASH];
static bool crash_installed;
static struct termios saved_tio;
static bool have_tio;
static char restore_seq[256];
static size_t restore_len;
static SCREEN *term_screen;
static FILE *test_out, *test_in;
static bool atexit_done;

static void on_crash(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	if (restore_len) {
		ssize_t w = write(STDOUT_FILENO, restore_seq, restore_len);
		(void)w;
	}
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	for (int i = 0; i < NCRASH; i++)
		if (crash_signals[i] == sig)
			sigaction(sig, &old_crash[i], NULL);
	/* A real fault re-executes the faulting instruction and reaches the
	 * restored handler; abort and signals sent by kill are raised again. */
	bool fault = (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
	              sig == SIGILL) && info && info->si_code > 0;
	if (!fault)
		raise(sig);
}

static void add_restore(const char *capname)
{
	char *s = tigetstr(capname);
	if (!s || s == (char *)-1)
		return;
	size_t l = strlen(s);
	if (restore_len + l < sizeof restore_seq) {
		memcpy(restore_seq + restore_len, s, l);
		restore_len += l;
	}
}

static void crash_guard_install(void)
{
	struct sigaction sa;

	restore_len = 0;
	add_restore("sgr0");
	add_restore("rmkx");
	add_restore("rmcup");
	add_restore("cnorm");
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_SIGINFO;
	for (int i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &sa, &old_crash[i]);
	crash_installed = true;
}

static void crash_guard_uninstall(void)
{
	if (!crash_installed)
		return;
	for (int i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &old_crash[i], NULL);
	crash_installed = false;
}

static void at_exit_restore(void)
{
	if (term_screen && !isendwin())
		endwin();
}

/* ---------------------------------------------------------- session */

/* Function keys as xterm, VTE, tmux/screen and the Linux console send
 * them, whatever TERM says: with TERM=vt100 (which knows only PF1-PF4) the
 * counter still gets F5-F10 from a modern terminal. */
static void define_fn_keys(void)
{
	static const struct { const char *seq; int key; } k[] = {
		{ "\033OP", KEY_F(1) }, { "\033OQ", KEY_F(2) },
		{ "\033OR", KEY_F(3) }, { "\033OS", KEY_F(4) },
		{ "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) },
		{ "\033[13~", KEY_F(3) }, { "\033[14~", KEY_F(4) },
		{ "\033[15~", KEY_F(5) }, { "\033[17~", KEY_F(6) },
		{ "\033[18~", KEY_F(7) }, { "\033[19~", KEY_F(8) },
		{ "\033[20~", KEY_F(9) }, { "\033[21~", KEY_F(10) },
		{ "\033[23~", KEY_F(11) }, { "\033[24~", KEY_F(12) },
		{ "\033[[A", KEY_F(1) }, { "\033[[B", KEY_F(2) },
		{ "\033[[C", KEY_F(3) }, { "\033[[D", KEY_F(4) },
		{ "\033[[E", KEY_F(5) },
		{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN },
		{ "\033[C", KEY_RIGHT }, { "\033[D", KEY_LEFT },
		{ "\033OA", KEY_UP }, { "\033OB", KEY_DOWN },
		{ "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },
		{ "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END },
		{ "\033[3~", KEY_DC }, { "\033[Z", KEY_BTAB },
		{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		if (key_defined(k[i].seq) == 0)
			define_key(k[i].seq, k[i].key);
}

static void curses_modes(void)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	define_fn_keys();
	set_escdelay(25);
	curs_set(1);
	leaveok(stdscr, FALSE);
	scrollok(stdscr, FALSE);
}

int tui_term_start(const char **why)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*why = hall_tr("柜台界面需要在终端中运行",
		               "the counter screen needs a terminal");
		return -1;
	}
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	term_screen = newterm(term && *term ? NULL : "vt100", stdout, stdin);
	if (!term_screen) {
		*why = hall_tr("无法识别终端类型（请检查 TERM）",
		               "unknown terminal type (check TERM)");
		return -1;
	}
	set_term(term_screen);
	if (!atexit_done) {
		atexit(at_exit_restore);
		atexit_done = true;
	}
	curses_modes();
	tui_colors_init(false);
	crash_guard_install();
	return 0;
}

int tui_term_start_test(const char *term_type, int rows, int cols)
{
	test_out = fopen("/dev/null", "w");
	test_in = fopen("/dev/null", "r");
	if (!test_out || !test_in)
		return -1;
	term_screen = newterm(term_type, test_out, test_in);
	if (!term_screen)
		return -1;
	set_term(term_screen);
	curses_modes();
	resize_term(rows, cols);
	tui_colors_init(false);
	return 0;
}

void tui_term_resize(int rows, int cols)
{
	resize_term(rows, cols);
}

void tui_term_end(void)
{
	if (!term_screen)
		return;
	if (!isendwin())
		endwin();
	crash_guard_uninstall();
	delscreen(term_screen);
	term_screen = NULL;
	if (test_out)
		fclose(test_out);
	if (test_in)
		fclose(test_in);
	test_out = test_in = NULL;
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
}

bool tui_term_too_small(void)
{
	return LINES < TUI_MIN_ROWS || COLS < TUI_MIN_COLS;
}

void tui_draw_too_small(void)
{
	char buf[160];
	int y = LINES / 2 - 1;

	erase();
	if (y < 0)
		y = 0;
	tui_put_center(y, TC_ERROR, hall_tr("终端窗口太小", "Terminal too small"));
	snprintf(buf, sizeof buf,
	         hall_tr("至少需要 %dx%d，现在 %dx%d",
	                 "need at least %dx%d, now %dx%d"),
	         TUI_MIN_COLS, TUI_MIN_ROWS, COLS, LINES);
	tui_put_center(y + 1, TC_NORMAL, buf);
	tui_put_center(y + 2, TC_DIM, hall_tr("请放大窗口", "enlarge the window"));
}
