/*
 * term.h - the terminal under the counter screens: start and restore,
 * signals, keys, semantic colours and text drawn by columns.
 *
 * Every screen draws on stdscr only (overlays too), so a test can read the
 * whole picture back from stdscr.  Text from the store or a form file goes
 * through tui_put(), which sanitises it (utf8_sanitize: no escape sequence
 * from data reaches the terminal) and cuts it by columns, never inside a
 * character, and never past the right edge (a double-width character in the
 * last column would wrap).
 */
#ifndef HALL_TUI_TERM_H
#define HALL_TUI_TERM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------- keys */
/* One stream for text and function keys (vifm style): a tkey is a Unicode
 * code point, or TK_FN(curses KEY_* code), or one of the negative values. */
typedef int32_t tkey;

#define TK_NONE   (-1)            /* no key before the time-out */
#define TK_EOF    (-2)            /* the key source is exhausted (tests) */
#define TK_FN_BASE 0x200000
#define TK_FN(code) ((tkey)(TK_FN_BASE + (code)))
#define TK_IS_FN(k) ((k) >= TK_FN_BASE)
#define TK_IS_TEXT(k) ((k) >= 0x20 && (k) < TK_FN_BASE && (k) != 0x7f)

#define TK_TAB       ((tkey)9)
#define TK_ENTER     ((tkey)13)
#define TK_ESC       ((tkey)27)
#define TK_CTRL(c)   ((tkey)((c) & 0x1f))
#define TK_BTAB      TK_FN(KEY_BTAB)
#define TK_BACKSPACE TK_FN(KEY_BACKSPACE)
#define TK_DELETE    TK_FN(KEY_DC)
#define TK_UP        TK_FN(KEY_UP)
#define TK_DOWN      TK_FN(KEY_DOWN)
#define TK_LEFT      TK_FN(KEY_LEFT)
#define TK_RIGHT     TK_FN(KEY_RIGHT)
#define TK_HOME      TK_FN(KEY_HOME)
#define TK_END       TK_FN(KEY_END)
#define TK_PGUP      TK_FN(KEY_PPAGE)
#define TK_PGDN      TK_FN(KEY_NPAGE)
#define TK_RESIZE    TK_FN(KEY_RESIZE)
#define TK_F(n)      TK_FN(KEY_F(n))

/* Where keys come from: the terminal, or a script in tests.  get() waits
 * at most timeout_ms (negative: forever) and returns a key, TK_NONE or
 * TK_EOF. */
struct tui_keysrc {
	tkey (*get)(void *ud, int timeout_ms);
	void *ud;
};

/* The terminal as key source (wget_wch on stdscr, keys normalised: Enter,
 * Backspace and KEY_ENTER/KEY_BACKSPACE map to TK_ENTER/TK_BACKSPACE). */
tkey tui_key_curses(void *ud, int timeout_ms);
/* Normalise a key from get_wch()'s result. */
tkey tui_key_from_curses(int rc, wint_t ch);

/* ---------------------------------------------------------- colours */
enum tui_color {
	TC_NORMAL,
	TC_TITLE,        /* screen titles */
	TC_TOPBAR,       /* the line at the top: hall, clerk, date */
	TC_BAR,          /* bottom bar labels */
	TC_BAR_KEY,      /* bottom bar key names */
	TC_LABEL,        /* field labels */
	TC_REQUIRED,     /* the '*' of a required field */
	TC_FIELD,        /* an input field */
	TC_FIELD_FOCUS,  /* the field being edited */
	TC_ERROR,        /* messages about a field, failures */
	TC_OVERDUE,      /* work past its deadline */
	TC_DUE_TODAY,    /* work due today */
	TC_OK,           /* success */
	TC_DIM,          /* hints */
	TC_SELECT,       /* the selected row of a list */
	TC_POPUP,        /* dialog boxes */
	TC_HEADER,       /* column headers of a list */
	TC_BIG,          /* large-type record numbers */
	TC_ALERT,        /* the damaged-store banner (white on red) */
	TC__COUNT
};

/* Set up colour pairs after the terminal starts (monochrome attributes when
 * the terminal has no colours: vt100, or when force_mono). */
void tui_colors_init(bool force_mono);
attr_t tui_attr(enum tui_color c);
bool tui_colors_mono(void);

/* ---------------------------------------------------------- drawing */
/* Draw UTF-8 text at (y, x) on stdscr in colour c, sanitised, cut to at
 * most max_cols columns (and to the screen edge).  Returns the columns
 * drawn. */
int tui_put(int y, int x, int max_cols, enum tui_color c, const char *s);
/* The same, padded with spaces to exactly cols columns. */
void tui_put_pad(int y, int x, int cols, enum tui_color c, const char *s);
/* Right-aligned in cols columns. */
void tui_put_right(int y, int x, int cols, enum tui_color c, const char *s);
/* Centred on the line. */
void tui_put_center(int y, enum tui_color c, const char *s);
/* printf-style convenience (text formatted, then as tui_put). */
int tui_putf(int y, int x, int max_cols, enum tui_color c, const char *fmt,
             ...) __attribute__((format(printf, 5, 6)));
void tui_fill(int y, int x, int cols, enum tui_color c);
/* A box with ACS borders, filled. */
void tui_box(int y, int x, int h, int w, enum tui_color c);
void tui_hline(int y, int x, int cols, enum tui_color c);

/* Display columns of sanitised text (what tui_put would draw uncut). */
int tui_width(const char *s);

/* ---------------------------------------------------------- session */
#define TUI_MIN_ROWS 24
#define TUI_MIN_COLS 80

/* Start curses on the controlling terminal (stdin/stdout): newterm,
 * cbreak, noecho, keypad, set_escdelay(25), colours, and the guards that
 * restore the terminal on exit or a crash.  Returns 0, or -1 with a reason
 * in why (bilingual via hall_tr). */
int tui_term_start(const char **why);
/* Start curses for a test: newterm(term_type) writing to /dev/null, fixed
 * size rows x cols; no signal or crash handlers. */
int tui_term_start_test(const char *term_type, int rows, int cols);
/* Restore the terminal (endwin) and free the screen.  Safe to call twice. */
void tui_term_end(void);
/* Change the size in tests (as a terminal resize would). */
void tui_term_resize(int rows, int cols);

bool tui_term_too_small(void);
void tui_draw_too_small(void);

/* SIGTERM, SIGHUP and SIGINT set a flag (nothing is drawn in a handler);
 * the input loop reads it with tui_signal_take(). */
void tui_signals_install(void);
void tui_signals_uninstall(void);
int tui_signal_take(void);        /* the signal number, 0 if none */
void tui_signal_raise_for_test(int sig);

#endif
