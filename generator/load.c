/* load: reads one data folder into a struct model. Consumes program.ini
 * (parsed with inih) and the CSV files of SPEC 2 (streamed through libcsv
 * in 64 KiB reads, never held whole in memory); produces the typed model
 * with ids interned and indexed, plus warnings. Refuses, as errors naming
 * FILE:LINE:COLUMN, the column and the value: missing files and columns,
 * malformed CSV, invalid UTF-8, bad dates, amounts and enum values,
 * duplicate ids, references to unknown partners, tiers and deals, and rows
 * whose fields contradict each other. Absurd input (a field over 64 KiB, a
 * row of more than 10,000 columns) is refused without buffering it. */
#include "load.h"
#include "util.h"

#include <csv.h>
#include <ini.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum {
	MAX_FIELD = 1 << 16,      /* bytes in one field: 64 KiB, far above any real value */
	MAX_COLUMNS = 10000,      /* fields in one row */
	CHUNK = 1 << 16,          /* bytes per read */
	MAX_SCHEMA = 12,          /* columns we know in one file */
	MAX_INI = 1 << 20,        /* bytes in program.ini */
	WARN_LINES = 3,           /* lines quoted in a summarised warning */
};

/* ------------------------------------------------------------------------
 * Small parsers
 * ---------------------------------------------------------------------- */

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Trim spaces and tabs from both ends of (*s, *n). */
static void trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	while (len && is_blank((unsigned char)p[0])) {
		p++;
		len--;
	}
	while (len && is_blank((unsigned char)p[len - 1]))
		len--;
	*s = p;
	*n = len;
}

/* True when s[0..n) is valid UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF, no NUL); otherwise *bad is the offset of the first bad byte. */
static bool utf8_valid(const unsigned char *s, size_t n, size_t *bad)
{
	for (size_t i = 0, len; i < n; i += len) {
		if (s[i] >= 0x01 && s[i] < 0x80) { /* the common case, inline */
			len = 1;
			continue;
		}
		len = s[i] ? utf8_seq_len(s + i, n - i) : 0;
		if (!len) {
			*bad = i;
			return false;
		}
	}
	return true;
}

enum amount_parse { AMOUNT_OK, AMOUNT_BAD, AMOUNT_TOO_LARGE };

/* A non-negative decimal with at most two fraction digits ("12500",
 * "12500.5", "0.01") into cents, without floating point; above
 * MODEL_MAX_ROW_CENTS it is too large. */
static enum amount_parse parse_amount(const char *s, cents_t *out)
{
	int64_t units = 0;
	bool big = false;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return AMOUNT_BAD;
	for (; *p >= '0' && *p <= '9'; p++) {
		units = units * 10 + (*p - '0');
		if (units > MODEL_MAX_ROW_CENTS / 100) {
			big = true;
			units = 0;
		}
	}
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return AMOUNT_BAD;
		frac = (*p++ - '0') * 10;
		if (*p >= '0' && *p <= '9')
			frac += *p++ - '0';
	}
	if (*p)
		return AMOUNT_BAD;
	if (big)
		return AMOUNT_TOO_LARGE;
	*out = units * 100 + frac;
	return AMOUNT_OK;
}

/* Digits only (a whole number >= 0) into *out, with overflow check. */
static bool parse_count(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return true;
}

/* An optionally signed whole number in [lo, hi]. */
static bool parse_int_range(const char *s, long lo, long hi, long *out)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	int64_t v;
	if (!parse_count(s, &v) || v > (int64_t)1 << 40)
		return false;
	if (neg)
		v = -v;
	if (v < lo || v > hi)
		return false;
	*out = (long)v;
	return true;
}

/* A value quoted for a message: escaped, cut after 60 characters. Returned
 * by value so it can be used inline in a printf argument list. */
struct qstr {
	char s[400];
};

static struct qstr quote(const char *s)
{
	struct qstr q;
	size_t o = 0, shown = 0;
	bool cut = false;
	q.s[o++] = '"';
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n) {
		if (((*p & 0xC0) != 0x80 && shown++ == 60) || o + 12 > sizeof q.s) {
			cut = true;
			break;
		}
		uint32_t cp;
		size_t k = diag_control_at(p, n, &cp);
		if (*p == '"' || *p == '\\') {
			q.s[o++] = '\\';
			q.s[o++] = (char)*p;
		} else if (k == 1 && (cp == '\n' || cp == '\r' || cp == '\t')) {
			q.s[o++] = '\\';
			q.s[o++] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
		} else if (k == 1) {
			o += (size_t)snprintf(q.s + o, 5, "\\x%02x", (unsigned)cp);
		} else if (k) {
			o += (size_t)snprintf(q.s + o, 7, "\\u%04x", (unsigned)cp);
		} else {
			q.s[o++] = (char)*p;
		}
		k = k ? k : 1;
		p += k;
		n -= k;
	}
	q.s[o++] = '"';
	if (cut) {
		memcpy(q.s + o, "...", 3);
		o += 3;
	}
	q.s[o] = 0;
	return q;
}

/* "a, b or c" from a list of names. */
static void join_or(struct buf *b, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, i + 1 == n ? " or " : ", ");
		buf_puts(b, names[i]);
	}
}

/* ------------------------------------------------------------------------
 * A set of ids (rows that were dropped or failed), with their lines
 * ---------------------------------------------------------------------- */

struct idset {
	char **keys;
	long *lines;
	size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Line of the id in the set, or 0. */
static long idset_find(const struct idset *set, const char *key)
{
	if (!set->cap)
		return 0;
	size_t mask = set->cap - 1;
	for (size_t i = str_hash(key) & mask; set->keys[i]; i = (i + 1) & mask)
		if (!strcmp(set->keys[i], key))
			return set->lines[i];
	return 0;
}

static void idset_put(struct idset *set, char *key, long line)
{
	size_t mask = set->cap - 1;
	size_t i = str_hash(key) & mask;
	while (set->keys[i])
		i = (i + 1) & mask;
	set->keys[i] = key;
	set->lines[i] = line;
	set->n++;
}

static void idset_add(struct idset *set, const char *key, long line)
{
	if (idset_find(set, key))
		return;
	if ((set->n + 1) * 2 > set->cap) {
		struct idset old = *set;
		set->cap = old.cap ? old.cap * 2 : 64;
		set->keys = xcalloc(set->cap, sizeof *set->keys);
		set->lines = xcalloc(set->cap, sizeof *set->lines);
		set->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				idset_put(set, old.keys[i], old.lines[i]);
		free(old.keys);
		free(old.lines);
	}
	idset_put(set, xstrdup(key), line);
}

static void idset_free(struct idset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->keys[i]);
	free(set->keys);
	free(set->lines);
}

/* ------------------------------------------------------------------------
 * Loader state
 * ---------------------------------------------------------------------- */

/* A warning summarised per file: a count and the first few lines. */
struct tally {
	size_t count;
	long lines[WARN_LINES];
};

static void tally_add(struct tally *t, long line)
{
	if (t->count < WARN_LINES)
		t->lines[t->count] = line;
	t->count++;
}

struct loader {
	struct model *m;
	bool skip;                      /* --skip-bad-rows */
	struct diag_list *errors;
	size_t errors_at_start;
	char *io_error;
	const char *dir;
	bool tiers_ok;                  /* program.ini tiers usable for references */
	bool assets_ok;
	bool read_csv;                  /* false when program.ini makes the CSVs unreadable */
	bool file_ok[FILE_COUNT];       /* read without a file-level error */
	char *colmap[FILE_COUNT][MAX_SCHEMA]; /* [columns FILE]: their header name */
	struct idset bad_partners, bad_deals; /* ids of rows that were not kept */
	size_t cap_partners, cap_deals, cap_reviews, cap_completions, cap_changes;
	size_t cap_forecasts, cap_incentives;
	uint32_t *deal_lines;
	size_t cap_deal_lines;
	uint32_t *change_lines;
	size_t cap_change_lines;
	long change_to_col;             /* tier_changes.csv column of to_tier */
	struct tally untagged, deal_after_exit, deal_before_join, review_after_exit;
	struct tally completion_after_exit, forecast_after_exit, review_before_join;
	struct tally deal_early;
	cents_t total[FILE_COUNT];      /* sum of a file's kept amounts, up to the limit */
	long total_over[FILE_COUNT];    /* line where the sum passed MODEL_MAX_FILE_CENTS */
};

/* Deals dated before this year are most likely typos (a warning). */
#define PLAUSIBLE_YEAR 1990

/* Add a kept row's amount to its file's total. */
static void add_total(struct loader *L, enum input_file fid, cents_t amount, long line)
{
	if (L->total_over[fid])
		return;
	L->total[fid] += amount;
	if (L->total[fid] > MODEL_MAX_FILE_CENTS)
		L->total_over[fid] = line;
}

static void file_err(struct loader *L, enum input_file fid, long line, long col,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void file_err(struct loader *L, enum input_file fid, long line, long col,
		     const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(L->errors, model_file_names[fid], line, col, "%s", buf_cstr(&b));
	buf_free(&b);
}

static void set_io_error(struct loader *L, const char *path, int err)
{
	if (L->io_error)
		return;
	struct buf b = {0};
	buf_puts(&b, "cannot read '");
	diag_put_text(&b, path);
	buf_printf(&b, "': %s", strerror(err));
	L->io_error = buf_detach(&b);
}

static char *path_of(const struct loader *L, const char *name)
{
	return xasprintf("%s/%s", L->dir, name);
}

/* ------------------------------------------------------------------------
 * File schemas
 * ---------------------------------------------------------------------- */

struct colspec {
	const char *name;
	bool required;
};

struct csvfile;
typedef void (*row_fn)(struct csvfile *f);

struct filespec {
	enum input_file id;
	const char *base;               /* name in [columns BASE] */
	const struct colspec *cols;
	int ncols;
	bool needs_rows;                /* a header-only file is an error */
	row_fn row;
};

enum { P_ID, P_NAME, P_TIER, P_MANAGER, P_OVERLAP, P_JOINED, P_EXITED, P_N };
static const struct colspec partner_cols[P_N] = {
	{"partner_id", true}, {"name", true}, {"tier", true}, {"manager", false},
	{"overlap_accounts", false}, {"joined_on", true}, {"exited_on", false},
};

enum { D_ID, D_PARTNER, D_ACCOUNT, D_OWNER, D_CREATED, D_CLOSED, D_OUTCOME, D_AMOUNT,
       D_ATTR, D_STAGE, D_N };
static const struct colspec deal_cols[D_N] = {
	{"deal_id", true}, {"partner_id", true}, {"account", false}, {"owner", false},
	{"created_on", true}, {"closed_on", true}, {"outcome", true}, {"amount", true},
	{"attribution", false}, {"stage", false},
};

enum { R_HELD, R_PARTNER, R_KIND, R_N };
static const struct colspec review_cols[R_N] = {
	{"held_on", true}, {"partner_id", true}, {"kind", true},
};

enum { E_DONE, E_PARTNER, E_SIDE, E_ASSET, E_N };
static const struct colspec enable_cols[E_N] = {
	{"completed_on", true}, {"partner_id", true}, {"side", true}, {"asset", true},
};

enum { T_CHANGED, T_PARTNER, T_FROM, T_TO, T_REASON, T_N };
static const struct colspec change_cols[T_N] = {
	{"changed_on", true}, {"partner_id", true}, {"from_tier", true}, {"to_tier", true},
	{"reason", false},
};

enum { F_MONTH, F_PARTNER, F_AMOUNT, F_N };
static const struct colspec forecast_cols[F_N] = {
	{"month", true}, {"partner_id", true}, {"amount", true},
};

enum { I_DEAL, I_PAID, I_AMOUNT, I_N };
static const struct colspec incentive_cols[I_N] = {
	{"deal_id", true}, {"paid_on", true}, {"amount", true},
};

static void partner_row(struct csvfile *f);
static void deal_row(struct csvfile *f);
static void review_row(struct csvfile *f);
static void completion_row(struct csvfile *f);
static void change_row(struct csvfile *f);
static void forecast_row(struct csvfile *f);
static void incentive_row(struct csvfile *f);

/* In load order: later files refer to earlier ones. */
static const struct filespec files[] = {
	{FILE_PARTNERS, "partners", partner_cols, P_N, true, partner_row},
	{FILE_DEALS, "deals", deal_cols, D_N, true, deal_row},
	{FILE_REVIEWS, "reviews", review_cols, R_N, false, review_row},
	{FILE_ENABLEMENT, "enablement", enable_cols, E_N, false, completion_row},
	{FILE_TIER_CHANGES, "tier_changes", change_cols, T_N, false, change_row},
	{FILE_FORECAST, "forecast", forecast_cols, F_N, false, forecast_row},
	{FILE_INCENTIVES, "incentives", incentive_cols, I_N, false, incentive_row},
};
#define N_FILES (sizeof files / sizeof files[0])

static const struct filespec *spec_by_base(const char *base)
{
	for (size_t i = 0; i < N_FILES; i++)
		if (!strcasecmp(files[i].base, base))
			return &files[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * program.ini
 * ---------------------------------------------------------------------- */

enum sec_kind { SEC_PROGRAM, SEC_TIER, SEC_EMAIL, SEC_HEALTH, SEC_COLUMNS, SEC_UNKNOWN };

#define MAX_KEYS 16

struct ini_section {
	char *name;                     /* as written between the brackets, trimmed */
	long line;
	enum sec_kind kind;
	char *arg;                      /* tier id or file base */
	bool ignored;                   /* unknown or repeated: its keys are not read */
	long seen[MAX_KEYS];            /* line of each known key, 0 = not yet */
	int tier;                       /* index into ini_state.tiers (SEC_TIER) */
	const struct filespec *file;    /* SEC_COLUMNS */
};

struct ini_entry {
	int section;                    /* index into sections; -1 = before any */
	char *key, *value;
	long line;
	long cont_line;                 /* first indented continuation line, 0 = none */
};

struct tier_def {
	char *id, *label;
	long rank, every;
	long line;
};

struct ini_state {
	struct loader *L;
	const char *text;
	size_t pos, len;
	long line;                      /* line last handed to inih */
	bool cont;                      /* that line continues the previous key */
	bool have_key;                  /* a key was seen since the last section header */
	int cur;                        /* current section; -1 none, -2 broken header */
	struct ini_section *secs;
	size_t n_secs, cap_secs;
	struct ini_entry *ents;
	size_t n_ents, cap_ents;
	struct tier_def *tiers;
	size_t n_tiers, cap_tiers;
	size_t syntax_errors;
	size_t tier_errors;
	bool health_bad[MAX_KEYS];      /* a [health] key whose value was refused */
	struct diag_list errs;          /* this file's errors, reported in line order */
};

static void ini_err(struct ini_state *s, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ini_err(struct ini_state *s, long line, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s->errs.max = (size_t)-1;
	diag_add(&s->errs, model_file_names[FILE_PROGRAM], line, 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

struct line_order {
	long line;
	size_t pos;
};

static int cmp_line_order(const void *a, const void *b)
{
	const struct line_order *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Move program.ini's errors to the error list, by line (whole-file ones last). */
static void flush_ini_errors(struct ini_state *s)
{
	size_t n = s->errs.n;
	struct line_order *ord = xcalloc(n ? n : 1, sizeof *ord);
	for (size_t i = 0; i < n; i++)
		ord[i] = (struct line_order){s->errs.items[i].line ? s->errs.items[i].line : LONG_MAX,
					     i};
	qsort(ord, n, sizeof *ord, cmp_line_order);
	for (size_t i = 0; i < n; i++) {
		const struct diag *d = &s->errs.items[ord[i].pos];
		diag_add(s->L->errors, d->file, d->line, d->column, "%s", d->message);
	}
	free(ord);
	diag_clear(&s->errs);
}

static void add_section(struct ini_state *s, const char *name, size_t n, long line)
{
	trim(&name, &n);
	GROW(s->secs, s->cap_secs, s->n_secs + 1);
	struct ini_section *sec = &s->secs[s->n_secs];
	memset(sec, 0, sizeof *sec);
	sec->name = xstrndup(name, n);
	sec->line = line;
	sec->tier = -1;
	s->cur = (int)s->n_secs++;
	s->have_key = false;
}

/* inih's line reader over the file text: hands out one line at a time,
 * counting lines and tracking sections (inih's handler has no line
 * number and only sees section names up to 50 bytes). */
static char *read_ini_line(char *str, int num, void *stream)
{
	struct ini_state *s = stream;
	if (s->pos >= s->len)
		return NULL;
	const char *p = s->text + s->pos;
	size_t rest = s->len - s->pos;
	size_t n = 0; /* through the line end: LF, CRLF or a CR alone */
	while (n < rest && p[n] != '\n' && p[n] != '\r')
		n++;
	if (n < rest)
		n += p[n] == '\r' && n + 1 < rest && p[n + 1] == '\n' ? 2 : 1;
	s->pos += n;
	s->line++;
	s->cont = false;
	if (s->line == 1 && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		p += 3;
		n -= 3;
		if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
			ini_err(s, s->line, "the file starts with two byte order marks (BOM): "
				"remove the second one (the file was converted to UTF-8 twice)");
			p += 3;
			n -= 3;
		}
	}
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	size_t bad;
	if (!utf8_valid((const unsigned char *)p, n, &bad)) {
		ini_err(s, s->line, "invalid UTF-8 (byte %zu of the line)", bad + 1);
		s->syntax_errors++;
		goto skip;
	}
	uint32_t cp;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\t' && diag_control_at((const unsigned char *)p + i, n - i, &cp)) {
			ini_err(s, s->line, "control character U+%04X in the line (byte %zu of "
				"the line)", (unsigned)cp, i + 1);
			s->syntax_errors++;
			goto skip;
		}
	}
	if (n + 2 > (size_t)num) {
		ini_err(s, s->line, "line is longer than %d characters (split a list over "
			"indented continuation lines)", num - 2);
		s->syntax_errors++;
		goto skip;
	}
	const char *t = p;
	size_t tn = n;
	bool indented = tn && is_blank((unsigned char)t[0]);
	trim(&t, &tn);
	if (!tn || t[0] == ';' || t[0] == '#') {
		/* blank or comment */
	} else if (indented && s->have_key) {
		s->cont = true;
	} else if (t[0] == '[') {
		const char *end = memchr(t, ']', tn);
		if (!end) {
			ini_err(s, s->line, "section header is missing \"]\"");
			s->syntax_errors++;
			s->cur = -2;
			s->have_key = false;
			goto skip;
		}
		add_section(s, t + 1, (size_t)(end - t - 1), s->line);
	} else if (!memchr(t, '=', tn) && !memchr(t, ':', tn)) {
		struct buf v = {0};
		buf_add(&v, t, tn);
		ini_err(s, s->line, "expected \"key = value\" or \"[section]\", got %s",
			quote(buf_cstr(&v)).s);
		buf_free(&v);
		s->syntax_errors++;
		goto skip;
	}
	memcpy(str, p, n);
	str[n] = '\n';
	str[n + 1] = 0;
	return str;
skip:
	str[0] = '\n';
	str[1] = 0;
	return str;
}

static int on_ini_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *s = user;
	(void)section;
	if (s->cur == -2)
		return 1;
	if (s->cont && s->n_ents && s->ents[s->n_ents - 1].section == s->cur) {
		struct ini_entry *e = &s->ents[s->n_ents - 1];
		char *v = xasprintf("%s\n%s", e->value, value);
		free(e->value);
		e->value = v;
		if (!e->cont_line)
			e->cont_line = s->line;
		return 1;
	}
	if (s->cur == -1) {
		ini_err(s, s->line, "key %s is outside any section", quote(name).s);
		return 1;
	}
	GROW(s->ents, s->cap_ents, s->n_ents + 1);
	s->ents[s->n_ents++] = (struct ini_entry){
		.section = s->cur, .key = xstrdup(name), .value = xstrdup(value), .line = s->line,
	};
	s->have_key = true;
	return 1;
}

static const char *const program_keys[] = {
	"name", "company", "currency", "fiscal_year_start", "window_months",
	"stale_tier_days", "enablement_assets", "date_format", NULL,
};
static const char *const tier_keys[] = {"label", "rank", "review_every_days", NULL};
static const char *const email_keys[] = {"from", "to", "site_url", NULL};

struct health_key {
	const char *key;
	size_t off;
	bool is_int;
};
#define HK(f, i) {#f, offsetof(struct health_thresholds, f), i}
static const struct health_key health_keys[] = {
	HK(tiering_green_top_share, false), HK(tiering_red_min_tiers, true),
	HK(operating_red, false), HK(operating_green, false),
	HK(enablement_red, false), HK(enablement_green, false),
	HK(untagged_red, false), HK(untagged_green, false),
	HK(incentive_red, false), HK(incentive_green, false),
	HK(forecast_red, false), HK(forecast_green, false),
	HK(stale_red, false), HK(stale_green, false),
};
#define N_HEALTH (sizeof health_keys / sizeof health_keys[0])

/* Index of key in the section's key list, or -1. */
static int key_index(const struct ini_section *sec, const char *key)
{
	switch (sec->kind) {
	case SEC_PROGRAM:
	case SEC_TIER:
	case SEC_EMAIL: {
		const char *const *keys = sec->kind == SEC_PROGRAM ? program_keys
					  : sec->kind == SEC_TIER  ? tier_keys
								   : email_keys;
		for (int i = 0; keys[i]; i++)
			if (!strcasecmp(keys[i], key))
				return i;
		return -1;
	}
	case SEC_HEALTH:
		for (size_t i = 0; i < N_HEALTH; i++)
			if (!strcasecmp(health_keys[i].key, key))
				return (int)i;
		return -1;
	case SEC_COLUMNS:
		for (int i = 0; i < sec->file->ncols; i++)
			if (!strcasecmp(sec->file->cols[i].name, key))
				return i;
		return -1;
	case SEC_UNKNOWN:
		break;
	}
	return -1;
}

/* Classify the sections; report unknown and repeated ones. */
static void classify_sections(struct ini_state *s)
{
	for (size_t i = 0; i < s->n_secs; i++) {
		struct ini_section *sec = &s->secs[i];
		const char *nm = sec->name;
		sec->kind = SEC_UNKNOWN;
		size_t wl = strcspn(nm, " \t");
		const char *arg = nm + wl;
		while (is_blank((unsigned char)*arg))
			arg++;
		if (!strcasecmp(nm, "program"))
			sec->kind = SEC_PROGRAM;
		else if (!strcasecmp(nm, "email"))
			sec->kind = SEC_EMAIL;
		else if (!strcasecmp(nm, "health"))
			sec->kind = SEC_HEALTH;
		else if (wl == 4 && !strncasecmp(nm, "tier", 4))
			sec->kind = SEC_TIER;
		else if (wl == 7 && !strncasecmp(nm, "columns", 7))
			sec->kind = SEC_COLUMNS;
		if (sec->kind == SEC_TIER || sec->kind == SEC_COLUMNS) {
			sec->arg = xstrdup(arg);
			if (!*arg) {
				ini_err(s, sec->line, "section [%s] needs %s", nm,
					sec->kind == SEC_TIER ? "an id, e.g. [tier strategic]"
							      : "a file name, e.g. [columns deals]");
				if (sec->kind == SEC_TIER)
					s->tier_errors++;
				sec->ignored = true;
				continue;
			}
		}
		if (sec->kind == SEC_COLUMNS) {
			sec->file = spec_by_base(arg);
			if (!sec->file) {
				ini_err(s, sec->line, "unknown file in section [%s] (expected one of "
					"partners, deals, reviews, enablement, tier_changes, "
					"forecast, incentives)", nm);
				sec->ignored = true;
				continue;
			}
		}
		if (sec->kind == SEC_UNKNOWN) {
			ini_err(s, sec->line, "unknown section [%s]", nm);
			sec->ignored = true;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const struct ini_section *o = &s->secs[j];
			if (o->ignored || o->kind != sec->kind)
				continue;
			bool same = sec->kind == SEC_TIER ? !strcmp(o->arg, sec->arg)
				    : sec->kind == SEC_COLUMNS ? o->file == sec->file
							       : true;
			if (same) {
				ini_err(s, sec->line, "duplicate section [%s] (first on line %ld)", nm,
					o->line);
				if (sec->kind == SEC_TIER)
					s->tier_errors++;
				sec->ignored = true;
				break;
			}
		}
		if (sec->ignored)
			continue;
		if (sec->kind == SEC_TIER) {
			GROW(s->tiers, s->cap_tiers, s->n_tiers + 1);
			s->tiers[s->n_tiers] = (struct tier_def){.id = sec->arg, .line = sec->line};
			sec->tier = (int)s->n_tiers++;
		}
	}
}

/* Split a comma (or continuation-line) separated list into trimmed items,
 * skipping empty ones (a trailing comma before a continuation line);
 * returns false when there is no item. Items are xstrndup'ed into *out. */
static bool split_list(const char *v, char ***out, size_t *n)
{
	char **items = NULL;
	size_t cnt = 0, cap = 0;
	const char *p = v;
	for (;;) {
		size_t len = strcspn(p, ",\n");
		const char *t = p;
		size_t tn = len;
		trim(&t, &tn);
		if (tn) {
			GROW(items, cap, cnt + 1);
			items[cnt++] = xstrndup(t, tn);
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	*out = items;
	*n = cnt;
	return cnt > 0;
}

static void free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

static bool is_list_key(const struct ini_section *sec, int k)
{
	return (sec->kind == SEC_PROGRAM && !strcmp(program_keys[k], "enablement_assets")) ||
	       (sec->kind == SEC_EMAIL && !strcmp(email_keys[k], "to"));
}

static bool looks_like_email(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at != s && at[1] && !strpbrk(s, " \t\"<>,") && !strchr(at + 1, '@');
}

/* An http:// or https:// URL with a host, nothing a link could not hold. */
static bool is_web_url(const char *v)
{
	size_t scheme = !strncasecmp(v, "https://", 8) ? 8 : !strncasecmp(v, "http://", 7) ? 7 : 0;
	if (!scheme || !v[scheme] || strchr("/?#:@", v[scheme]))
		return false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("\"<>\\^`{|}", *p))
			return false;
	return true;
}

static void bad_value(struct ini_state *s, const struct ini_entry *e,
		      const struct ini_section *sec, const char *expected)
{
	ini_err(s, e->line, "bad value for %s in [%s]: %s (expected %s)", quote(e->key).s,
		sec->name, quote(e->value).s, expected);
}

static void apply_program(struct ini_state *s, const struct ini_entry *e,
			  const struct ini_section *sec, int k)
{
	struct model *m = s->L->m;
	struct program *p = &m->program;
	const char *v = e->value;
	long n;
	switch (k) {
	case 0: /* name */
		if (!*v)
			bad_value(s, e, sec, "the program's name");
		else
			p->name = model_strdup(m, v, strlen(v));
		break;
	case 1: /* company */
		p->company = model_strdup(m, v, strlen(v));
		break;
	case 2: /* currency */
		if (strlen(v) != 3 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			bad_value(s, e, sec, "a 3-letter ISO 4217 code like USD");
		else
			p->currency = model_strdup(m, v, 3);
		break;
	case 3: /* fiscal_year_start */
		if (!parse_int_range(v, 1, 12, &n))
			bad_value(s, e, sec, "a month number from 1 to 12");
		else
			p->fiscal_year_start = (int)n;
		break;
	case 4: /* window_months */
		if (!parse_int_range(v, 1, 36, &n))
			bad_value(s, e, sec, "a whole number from 1 to 36");
		else
			p->window_months = (int)n;
		break;
	case 5: /* stale_tier_days */
		if (!parse_int_range(v, 0, 36600, &n))
			bad_value(s, e, sec, "a whole number of days from 0 to 36600");
		else
			p->stale_tier_days = (int)n;
		break;
	case 6: { /* enablement_assets */
		char **items;
		size_t cnt;
		bool ok = split_list(v, &items, &cnt);
		for (size_t i = 0; ok && i < cnt; i++) {
			for (char *c = items[i]; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			for (size_t j = 0; j < i; j++)
				if (!strcmp(items[i], items[j]))
					ok = false;
		}
		if (!ok) {
			bad_value(s, e, sec, "a comma-separated list of distinct asset names");
			s->L->assets_ok = false;
		} else {
			free(p->assets);
			p->assets = xcalloc(cnt, sizeof *p->assets);
			for (size_t i = 0; i < cnt; i++)
				p->assets[i] = model_strdup(m, items[i], strlen(items[i]));
			p->n_assets = cnt;
		}
		free_list(items, cnt);
		break;
	}
	case 7: /* date_format */
		if (!date_format_parse(v, &p->date_format)) {
			bad_value(s, e, sec, "YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or DD.MM.YYYY");
			s->L->read_csv = false;
		}
		break;
	default:
		BUG("program key");
	}
}

static void apply_tier(struct ini_state *s, const struct ini_entry *e,
		       const struct ini_section *sec, int k)
{
	struct tier_def *t = &s->tiers[sec->tier];
	long n;
	switch (k) {
	case 0:
		if (!*e->value) {
			bad_value(s, e, sec, "a label");
			s->tier_errors++;
		} else {
			t->label = e->value;
		}
		break;
	case 1:
		if (!parse_int_range(e->value, 1, 1000, &n)) {
			bad_value(s, e, sec, "a whole number >= 1, 1 = top tier");
			s->tier_errors++;
		} else {
			t->rank = n;
		}
		break;
	case 2:
		if (!parse_int_range(e->value, 1, 3660, &n)) {
			bad_value(s, e, sec, "a whole number of days from 1 to 3660");
			s->tier_errors++;
		} else {
			t->every = n;
		}
		break;
	default:
		BUG("tier key");
	}
}

static void apply_email(struct ini_state *s, const struct ini_entry *e,
			const struct ini_section *sec, int k)
{
	struct model *m = s->L->m;
	struct program *p = &m->program;
	const char *v = e->value;
	switch (k) {
	case 0:
		if (!looks_like_email(v))
			bad_value(s, e, sec, "an email address");
		else
			p->email_from = model_strdup(m, v, strlen(v));
		break;
	case 1: {
		char **items;
		size_t cnt;
		bool ok = split_list(v, &items, &cnt);
		for (size_t i = 0; ok && i < cnt; i++)
			ok = looks_like_email(items[i]);
		if (!ok) {
			bad_value(s, e, sec, "a comma-separated list of email addresses");
		} else {
			free(p->email_to);
			p->email_to = xcalloc(cnt, sizeof *p->email_to);
			for (size_t i = 0; i < cnt; i++)
				p->email_to[i] = model_strdup(m, items[i], strlen(items[i]));
			p->n_email_to = cnt;
		}
		free_list(items, cnt);
		break;
	}
	case 2:
		if (!is_web_url(v)) {
			bad_value(s, e, sec, "an http:// or https:// URL");
		} else {
			p->site_url = model_strdup(m, v, strlen(v));
			for (char *c = p->site_url; *c != ':'; c++) /* the scheme in lower case */
				*c = (char)(*c | 0x20);
		}
		break;
	default:
		BUG("email key");
	}
}

static void apply_health(struct ini_state *s, const struct ini_entry *e,
			 const struct ini_section *sec, int k)
{
	const struct health_key *hk = &health_keys[k];
	char *base = (char *)&s->L->m->program.health;
	if (hk->is_int) {
		long n;
		if (!parse_int_range(e->value, 0, 1000, &n)) {
			bad_value(s, e, sec, "a whole number >= 0");
			s->health_bad[k] = true;
		} else
			*(int *)(void *)(base + hk->off) = (int)n;
		return;
	}
	char *end;
	errno = 0;
	double d = strtod(e->value, &end);
	if (!*e->value || *end || errno || !isfinite(d) || d < 0 || d > 1 ||
	    strpbrk(e->value, "xXnN")) {
		bad_value(s, e, sec, "a fraction from 0 to 1, e.g. 0.8");
		s->health_bad[k] = true;
	} else
		*(double *)(void *)(base + hk->off) = d;
}

/* The [health] pairs of one figure: red and green thresholds in order. */
static const struct {
	const char *figure, *red, *green;
	bool lower_is_better;
} health_pairs[] = {
	{"review_adherence", "operating_red", "operating_green", false},
	{"enabled_share", "enablement_red", "enablement_green", false},
	{"untagged_share", "untagged_red", "untagged_green", true},
	{"incentive_alignment", "incentive_red", "incentive_green", false},
	{"forecast_accuracy", "forecast_red", "forecast_green", false},
	{"stale_share", "stale_red", "stale_green", true},
};

static int health_key_index(const char *key)
{
	for (size_t i = 0; i < N_HEALTH; i++)
		if (!strcmp(health_keys[i].key, key))
			return (int)i;
	BUG("health key");
	return -1;
}

/* A red threshold on the green side of its green one is refused, at the
 * line of the later of the two (a default has no line). */
static void check_health(struct ini_state *s)
{
	const struct ini_section *sec = NULL;
	for (size_t i = 0; i < s->n_secs && !sec; i++)
		if (s->secs[i].kind == SEC_HEALTH && !s->secs[i].ignored)
			sec = &s->secs[i];
	if (!sec)
		return;
	const char *base = (const char *)&s->L->m->program.health;
	for (size_t i = 0; i < sizeof health_pairs / sizeof health_pairs[0]; i++) {
		int r = health_key_index(health_pairs[i].red);
		int g = health_key_index(health_pairs[i].green);
		long line = sec->seen[r] > sec->seen[g] ? sec->seen[r] : sec->seen[g];
		if (!line || s->health_bad[r] || s->health_bad[g])
			continue;
		double red = *(const double *)(const void *)(base + health_keys[r].off);
		double green = *(const double *)(const void *)(base + health_keys[g].off);
		bool lower = health_pairs[i].lower_is_better;
		if (lower ? red >= green : red <= green)
			continue;
		const char *dflt = " (the default)";
		ini_err(s, line, "%s %g%s is %s %s %g%s in [health] (%s is better %s: red %s "
			"%s, green %s %s)", health_pairs[i].red, red, sec->seen[r] ? "" : dflt,
			lower ? "below" : "above", health_pairs[i].green, green,
			sec->seen[g] ? "" : dflt,
			health_pairs[i].figure, lower ? "lower" : "higher",
			lower ? "above" : "below", health_pairs[i].red,
			lower ? "at or below" : "at or above", health_pairs[i].green);
	}
}

static void apply_columns(struct ini_state *s, const struct ini_entry *e,
			  const struct ini_section *sec, int k)
{
	if (!*e->value) {
		bad_value(s, e, sec, "the column's name in the file");
		return;
	}
	char **slot = &s->L->colmap[sec->file->id][k];
	free(*slot);
	*slot = xstrdup(e->value);
}

static void apply_entries(struct ini_state *s)
{
	for (size_t i = 0; i < s->n_ents; i++) {
		const struct ini_entry *e = &s->ents[i];
		struct ini_section *sec = &s->secs[e->section];
		if (sec->ignored)
			continue;
		int k = key_index(sec, e->key);
		if (k < 0) {
			ini_err(s, e->line, "unknown key %s in [%s]", quote(e->key).s, sec->name);
			continue;
		}
		if (sec->seen[k]) {
			ini_err(s, e->line, "duplicate key %s in [%s] (first on line %ld)",
				quote(e->key).s, sec->name, sec->seen[k]);
			if (sec->kind == SEC_TIER)
				s->tier_errors++;
			continue;
		}
		sec->seen[k] = e->line;
		if (e->cont_line && !is_list_key(sec, k)) {
			ini_err(s, e->cont_line, "unexpected indented line after key %s in [%s] "
				"(remove the indentation)", quote(e->key).s, sec->name);
			if (sec->kind == SEC_TIER)
				s->tier_errors++;
			continue;
		}
		switch (sec->kind) {
		case SEC_PROGRAM: apply_program(s, e, sec, k); break;
		case SEC_TIER: apply_tier(s, e, sec, k); break;
		case SEC_EMAIL: apply_email(s, e, sec, k); break;
		case SEC_HEALTH: apply_health(s, e, sec, k); break;
		case SEC_COLUMNS: apply_columns(s, e, sec, k); break;
		case SEC_UNKNOWN: BUG("unknown section applied");
		}
	}
}

static int cmp_tier_rank(const void *a, const void *b)
{
	const struct tier_def *x = a, *y = b;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Required keys, ranks 1..N, and the tiers into the model sorted by rank. */
static void finish_program(struct ini_state *s)
{
	struct model *m = s->L->m;
	const struct ini_section *prog = NULL;
	for (size_t i = 0; i < s->n_secs; i++)
		if (s->secs[i].kind == SEC_PROGRAM && !s->secs[i].ignored && !prog)
			prog = &s->secs[i];
	if (!prog)
		ini_err(s, 0, "missing section [program]");
	else if (!prog->seen[0])
		ini_err(s, prog->line, "missing key \"name\" in [program]");
	if (!m->program.name)
		m->program.name = model_strdup(m, "", 0);
	if (!m->program.company)
		m->program.company = model_strdup(m, "", 0);

	if (!s->n_tiers) {
		ini_err(s, 0, "no tiers (add a [tier ID] section with rank and review_every_days)");
		s->tier_errors++;
		return;
	}
	bool ranks_ok = true;
	for (size_t i = 0; i < s->n_tiers; i++) {
		struct tier_def *t = &s->tiers[i];
		const struct ini_section *sec = NULL;
		for (size_t j = 0; j < s->n_secs; j++)
			if (s->secs[j].tier == (int)i)
				sec = &s->secs[j];
		if (!sec)
			BUG("tier without a section");
		if (!sec->seen[1]) {
			ini_err(s, t->line, "missing key \"rank\" in [%s]", sec->name);
			s->tier_errors++;
		}
		if (!sec->seen[2]) {
			ini_err(s, t->line, "missing key \"review_every_days\" in [%s]", sec->name);
			s->tier_errors++;
		}
		if (!t->rank) {
			ranks_ok = false;
			continue;
		}
		t->line = sec->seen[1];
		if ((size_t)t->rank > s->n_tiers) {
			ini_err(s, t->line, "rank %ld of [%s] is out of range (with %zu tiers, "
				"ranks are 1 to %zu, each used once)", t->rank, sec->name,
				s->n_tiers, s->n_tiers);
			s->tier_errors++;
			ranks_ok = false;
		}
		for (size_t j = 0; j < i; j++)
			if (s->tiers[j].rank == t->rank) {
				ini_err(s, t->line, "rank %ld of [tier %s] is also the rank of "
					"[tier %s]", t->rank, t->id, s->tiers[j].id);
				s->tier_errors++;
				ranks_ok = false;
			}
	}
	if (!ranks_ok || s->tier_errors)
		return;
	qsort(s->tiers, s->n_tiers, sizeof *s->tiers, cmp_tier_rank);
	struct program *p = &m->program;
	p->tiers = xcalloc(s->n_tiers, sizeof *p->tiers);
	p->n_tiers = s->n_tiers;
	for (size_t i = 0; i < s->n_tiers; i++) {
		const struct tier_def *t = &s->tiers[i];
		const char *label = t->label ? t->label : t->id;
		p->tiers[i] = (struct tier){
			.id = model_strdup(m, t->id, strlen(t->id)),
			.label = model_strdup(m, label, strlen(label)),
			.rank = (int)t->rank,
			.review_every_days = (int)t->every,
		};
	}
}

static void load_program(struct loader *L)
{
	char *path = path_of(L, model_file_names[FILE_PROGRAM]);
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			file_err(L, FILE_PROGRAM, 0, 0, "missing required file");
		} else {
			set_io_error(L, path, errno);
		}
		free(path);
		return;
	}
	L->m->present[FILE_PROGRAM] = true;
	if (S_ISREG(st.st_mode) && st.st_size > MAX_INI) {
		file_err(L, FILE_PROGRAM, 0, 0, "file is larger than 1 MiB");
		free(path);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	int err = util_read_file(path, &text, &len);
	if (err) {
		set_io_error(L, path, err);
		free(path);
		return;
	}
	free(path);
	if (len > MAX_INI) {
		file_err(L, FILE_PROGRAM, 0, 0, "file is larger than 1 MiB");
		free(text);
		return;
	}
	struct ini_state s = {.L = L, .text = text, .len = len, .cur = -1};
	int rc = ini_parse_stream(read_ini_line, &s, on_ini_key, &s);
	if (rc == -2)
		BUG("out of memory in inih");
	if (rc > 0 && !s.syntax_errors)
		ini_err(&s, rc, "expected \"key = value\" or \"[section]\"");
	classify_sections(&s);
	apply_entries(&s);
	check_health(&s);
	finish_program(&s);
	flush_ini_errors(&s);
	L->tiers_ok = s.tier_errors == 0 && L->m->program.n_tiers > 0;

	for (size_t i = 0; i < s.n_secs; i++) {
		free(s.secs[i].name);
		free(s.secs[i].arg);
	}
	for (size_t i = 0; i < s.n_ents; i++) {
		free(s.ents[i].key);
		free(s.ents[i].value);
	}
	free(s.secs);
	free(s.ents);
	free(s.tiers);
	free(text);
}

/* ------------------------------------------------------------------------
 * CSV reading
 * ---------------------------------------------------------------------- */

struct csvfile {
	struct loader *L;
	const struct filespec *spec;
	const char *name;
	/* header */
	bool header_done;
	int *pos_col;                   /* header position -> schema column, -1 = ignored */
	size_t n_pos;
	long colpos[MAX_SCHEMA];        /* schema column -> 1-based position, 0 = absent */
	struct buf hdr;                 /* header names, NUL-separated */
	size_t *hdr_off;
	size_t n_hdr, cap_hdr;
	/* position in the file */
	long line;                      /* line of the bytes being parsed */
	long next_row_line;             /* line where the next row starts */
	long row_line;                  /* line where the current row started */
	size_t since_cb;                /* bytes parsed since the last callback */
	/* the current row */
	size_t nfields;
	bool row_wide, row_bad, all_empty;
	struct buf row;
	size_t off[MAX_SCHEMA];
	bool have[MAX_SCHEMA];
	/* outcome */
	bool stop, failed;
	size_t data_rows;
};

static const char *col_name(const struct csvfile *f, int col)
{
	const char *mapped = f->L->colmap[f->spec->id][col];
	return mapped ? mapped : f->spec->cols[col].name;
}

/* Name of the column at 0-based position pos, for messages. */
static const char *pos_name(const struct csvfile *f, size_t pos)
{
	if (pos < f->n_pos && f->pos_col[pos] >= 0)
		return col_name(f, f->pos_col[pos]);
	if (pos < f->n_hdr)
		return f->hdr.data + f->hdr_off[pos];
	return "";
}

static void row_verr(struct csvfile *f, long column, bool quiet, const char *fmt, va_list ap)
{
	struct loader *L = f->L;
	if (quiet && !L->skip) {
		f->row_bad = true;
		return;
	}
	struct buf b = {0};
	buf_vprintf(&b, fmt, ap);
	long line = f->nfields || f->header_done ? f->row_line : f->next_row_line;
	if (!f->header_done) {
		diag_add(L->errors, f->name, line, column, "%s", buf_cstr(&b));
		f->failed = f->stop = true;
	} else if (L->skip) {
		if (!f->row_bad)
			diag_add(&L->m->skipped, f->name, line, column, "%s", buf_cstr(&b));
	} else {
		diag_add(L->errors, f->name, line, column, "%s", buf_cstr(&b));
	}
	f->row_bad = true;
	buf_free(&b);
}

/* An invalid value in the current row (an error, or a dropped row). */
static void row_err_at(struct csvfile *f, long column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void row_err_at(struct csvfile *f, long column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row_verr(f, column, false, fmt, ap);
	va_end(ap);
}

static void row_err(struct csvfile *f, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void row_err(struct csvfile *f, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row_verr(f, f->colpos[col], false, fmt, ap);
	va_end(ap);
}

/* The row refers to a row that was not kept: with --skip-bad-rows it is
 * dropped too (and listed); otherwise the first row's error says it all. */
static void row_drop(struct csvfile *f, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void row_drop(struct csvfile *f, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row_verr(f, f->colpos[col], true, fmt, ap);
	va_end(ap);
}

static void start_row(struct csvfile *f)
{
	f->row_line = f->next_row_line;
	buf_reset(&f->row);
	memset(f->have, 0, sizeof f->have);
	f->row_bad = f->row_wide = false;
	f->all_empty = true;
}

static void on_field(void *data, size_t n, void *user)
{
	struct csvfile *f = user;
	f->since_cb = 0;
	if (f->stop)
		return;
	if (f->nfields == 0)
		start_row(f);
	size_t pos = f->nfields++;
	if (f->row_wide)
		return;
	if (f->nfields > MAX_COLUMNS) {
		f->row_wide = true;
		row_err_at(f, 0, "row has more than %d columns", MAX_COLUMNS);
		return;
	}
	if (n > MAX_FIELD) {
		row_err_at(f, (long)pos + 1, "field is longer than 64 KiB");
		return;
	}
	const char *p = data ? data : "";
	trim(&p, &n);
	if (n)
		f->all_empty = false;
	size_t bad;
	if (!utf8_valid((const unsigned char *)p, n, &bad)) {
		if (f->header_done)
			row_err_at(f, (long)pos + 1, "invalid UTF-8 in column %s (byte %zu of the "
				   "field)", quote(pos_name(f, pos)).s, bad + 1);
		else
			row_err_at(f, (long)pos + 1, "invalid UTF-8 in the header (byte %zu of "
				   "the field)", bad + 1);
		return;
	}
	if (!f->header_done) {
		GROW(f->hdr_off, f->cap_hdr, f->n_hdr + 1);
		f->hdr_off[f->n_hdr++] = f->hdr.len;
		buf_add(&f->hdr, p, n);
		buf_putc(&f->hdr, 0);
		return;
	}
	if (pos < f->n_pos && f->pos_col[pos] >= 0) {
		int col = f->pos_col[pos];
		uint32_t cp;
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r' ||
			    !diag_control_at((const unsigned char *)p + i, n - i, &cp))
				continue;
			struct buf v = {0};
			buf_add(&v, p, n);
			row_err_at(f, (long)pos + 1, "control character U+%04X in column %s: %s",
				   (unsigned)cp, quote(col_name(f, col)).s, quote(buf_cstr(&v)).s);
			buf_free(&v);
			return;
		}
		f->off[col] = f->row.len;
		buf_add(&f->row, p, n);
		buf_putc(&f->row, 0);
		f->have[col] = true;
	}
}

static void finish_header(struct csvfile *f)
{
	const struct filespec *sp = f->spec;
	f->header_done = true;
	f->pos_col = xcalloc(f->n_hdr ? f->n_hdr : 1, sizeof *f->pos_col);
	f->n_pos = f->n_hdr;
	for (size_t pos = 0; pos < f->n_hdr; pos++) {
		const char *name = f->hdr.data + f->hdr_off[pos];
		f->pos_col[pos] = -1;
		for (int c = 0; c < sp->ncols; c++) {
			if (strcasecmp(name, col_name(f, c)))
				continue;
			if (f->colpos[c]) {
				diag_add(f->L->errors, f->name, f->row_line, (long)pos + 1,
					 "duplicate column %s (also column %ld)", quote(name).s,
					 f->colpos[c]);
				f->failed = true;
			} else {
				f->colpos[c] = (long)pos + 1;
				f->pos_col[pos] = c;
			}
			break;
		}
	}
	for (int c = 0; c < sp->ncols; c++) {
		if (!sp->cols[c].required || f->colpos[c])
			continue;
		if (f->L->colmap[sp->id][c])
			diag_add(f->L->errors, f->name, f->row_line, 0,
				 "missing required column %s (mapped from %s in [columns %s])",
				 quote(col_name(f, c)).s, sp->cols[c].name, sp->base);
		else
			diag_add(f->L->errors, f->name, f->row_line, 0,
				 "missing required column %s", quote(sp->cols[c].name).s);
		f->failed = true;
	}
	if (f->failed)
		f->stop = true;
}

static void on_row(int c, void *user)
{
	struct csvfile *f = user;
	(void)c;
	f->since_cb = 0;
	if (f->stop)
		return;
	size_t nf = f->nfields;
	f->nfields = 0;
	f->next_row_line = f->line + 1;
	if (nf == 0 || (f->all_empty && !f->row_bad && !f->row_wide))
		return; /* an empty line, or one of empty fields only (",,,") */
	if (!f->header_done) {
		finish_header(f);
		return;
	}
	f->data_rows++;
	f->spec->row(f);
}

static void read_csv(struct loader *L, const struct filespec *sp)
{
	const char *name = model_file_names[sp->id];
	char *path = path_of(L, name);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		if (errno == ENOENT) {
			if (sp->needs_rows)
				file_err(L, sp->id, 0, 0, "missing required file");
		} else {
			set_io_error(L, path, errno);
		}
		free(path);
		return;
	}
	L->m->present[sp->id] = true;
	struct csvfile f = {.L = L, .spec = sp, .name = name, .line = 1, .next_row_line = 1};
	struct csv_parser parser;
	if (csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI | CSV_REPALL_NL))
		BUG("csv_init failed");
	csv_set_blk_size(&parser, CHUNK); /* grow the field buffer in large steps, not 128 bytes */
	unsigned char *chunk = xmalloc(CHUNK);
	bool first = true;
	bool cr = false; /* the last byte parsed was a CR: a line ends there unless LF follows */
	size_t n;
	while (!f.stop && (n = fread(chunk, 1, CHUNK, fp)) > 0) {
		const unsigned char *q = chunk, *end = chunk + n;
		if (first && n >= 3 && !memcmp(q, "\xEF\xBB\xBF", 3)) {
			q += 3;
			if (end - q >= 3 && !memcmp(q, "\xEF\xBB\xBF", 3)) {
				file_err(L, sp->id, 1, 1, "the file starts with two byte order marks "
					 "(BOM): remove the second one (the file was converted to "
					 "UTF-8 twice)");
				f.failed = f.stop = true;
			}
		}
		first = false;
		while (q < end && !f.stop) {
			if (cr && *q != '\n')
				f.line++; /* a CR alone ends a line */
			/* up to and including the next CR or LF: libcsv ends rows at either */
			const unsigned char *e = q;
			while (e < end && *e != '\n' && *e != '\r')
				e++;
			bool eol = e < end;
			size_t seg = (size_t)((eol ? e + 1 : end) - q);
			size_t got = csv_parse(&parser, q, seg, on_field, on_row, &f);
			if (got < seg && !f.stop) {
				int err = csv_error(&parser);
				if (err == CSV_EPARSE)
					file_err(L, sp->id, f.line, (long)f.nfields + 1,
						 "malformed CSV: unexpected quote character (a field "
						 "with quotes must be quoted whole, inner quotes doubled)");
				else if (err == CSV_ENOMEM || err == CSV_ETOOBIG)
					file_err(L, sp->id, f.line, 0, "row is too large to read");
				else
					BUG("csv_parse failed");
				f.failed = f.stop = true;
				break;
			}
			f.since_cb += seg;
			if (f.since_cb > (size_t)MAX_FIELD + 2 * CHUNK && !f.stop) {
				/* one field is still open after this many bytes */
				file_err(L, sp->id, f.nfields ? f.row_line : f.next_row_line,
					 (long)f.nfields + 1, "field is longer than 64 KiB");
				f.failed = f.stop = true;
			}
			if (seg)
				cr = q[seg - 1] == '\r';
			if (eol && q[seg - 1] == '\n')
				f.line++;
			q += seg;
		}
	}
	if (ferror(fp)) {
		set_io_error(L, path, errno ? errno : EIO);
		f.failed = f.stop = true;
	}
	fclose(fp);
	if (!f.stop && csv_fini(&parser, on_field, on_row, &f) != 0 && !f.stop) {
		file_err(L, sp->id, f.nfields ? f.row_line : f.next_row_line, (long)f.nfields + 1,
			 "malformed CSV: quoted field is never closed");
		f.failed = true;
	}
	csv_free(&parser);
	if (!f.header_done && !f.failed && !L->io_error) {
		file_err(L, sp->id, 0, 0, "file is empty (expected a header row)");
		f.failed = true;
	} else if (f.header_done && !f.failed && !f.data_rows && sp->needs_rows) {
		file_err(L, sp->id, 0, 0, "no data rows");
		f.failed = true;
	}
	L->file_ok[sp->id] = !f.failed && !L->io_error;
	if (sp->id == FILE_TIER_CHANGES)
		L->change_to_col = f.colpos[T_TO];
	free(chunk);
	free(path);
	free(f.pos_col);
	free(f.hdr_off);
	buf_free(&f.hdr);
	buf_free(&f.row);
}

/* ------------------------------------------------------------------------
 * Field checks for the row handlers
 * ---------------------------------------------------------------------- */

static const char *val(const struct csvfile *f, int col)
{
	return f->have[col] ? f->row.data + f->off[col] : "";
}

/* A required value is present; otherwise an error. */
static bool need(struct csvfile *f, int col)
{
	if (*val(f, col))
		return true;
	row_err(f, col, "missing value in column %s", quote(col_name(f, col)).s);
	return false;
}

static const char *const date_format_names[] = {
	[DATE_ISO] = "YYYY-MM-DD", [DATE_MDY] = "MM/DD/YYYY",
	[DATE_DMY_SLASH] = "DD/MM/YYYY", [DATE_DMY_DOT] = "DD.MM.YYYY",
};

/* True when s has the shape of format fmt (digits where the format has
 * letters), whether or not it is a real date. */
static bool date_shape(const char *s, const char *fmt)
{
	for (; *fmt; s++, fmt++) {
		if (*fmt >= 'A' && *fmt <= 'Z') {
			if (*s < '0' || *s > '9')
				return false;
		} else if (*s != *fmt) {
			return false;
		}
	}
	return !*s;
}

/* A date in the program's format; empty is DAY_NONE when optional. */
static bool get_date(struct csvfile *f, int col, bool required, day_t *out)
{
	const char *v = val(f, col);
	*out = DAY_NONE;
	if (!*v)
		return required ? need(f, col) : true;
	enum date_format df = f->L->m->program.date_format;
	if (date_parse(v, df, out))
		return true;
	*out = DAY_NONE;
	if (date_shape(v, date_format_names[df]))
		row_err(f, col, "bad date in column %s: %s", quote(col_name(f, col)).s,
			quote(v).s);
	else
		row_err(f, col, "bad date in column %s: %s (expected %s)",
			quote(col_name(f, col)).s, quote(v).s, date_format_names[df]);
	return false;
}

static bool get_amount(struct csvfile *f, int col, cents_t *out)
{
	const char *v = val(f, col);
	*out = 0;
	if (!need(f, col))
		return false;
	switch (parse_amount(v, out)) {
	case AMOUNT_OK:
		return true;
	case AMOUNT_TOO_LARGE:
		row_err(f, col, "amount too large in column %s: %s (at most 999,999,999,999.99 "
			"in one row)", quote(col_name(f, col)).s, quote(v).s);
		return false;
	case AMOUNT_BAD:
		break;
	}
	row_err(f, col, "bad amount in column %s: %s (expected a plain number like 12500.50)",
		quote(col_name(f, col)).s, quote(v).s);
	return false;
}

/* Index of the value in names (case-insensitive); -1 when empty and
 * optional; -2 after an error. */
static int get_enum(struct csvfile *f, int col, bool required, const char *what,
		    const char *const *names, size_t n)
{
	const char *v = val(f, col);
	if (!*v)
		return required && !need(f, col) ? -2 : -1;
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v, names[i]))
			return (int)i;
	struct buf b = {0};
	join_or(&b, names, n);
	row_err(f, col, "bad %s in column %s: %s (expected %s)", what, quote(col_name(f, col)).s,
		quote(v).s, buf_cstr(&b));
	buf_free(&b);
	return -2;
}

/* The partner a row names, or -1 (the row is then bad). */
static int get_partner(struct csvfile *f, int col)
{
	struct loader *L = f->L;
	const char *v = val(f, col);
	if (!need(f, col))
		return -1;
	if (!L->file_ok[FILE_PARTNERS]) {
		f->row_bad = true; /* partners.csv failed: its error is reported */
		return -1;
	}
	int p = model_partner_index(L->m, v);
	if (p >= 0)
		return p;
	long line = idset_find(&L->bad_partners, v);
	if (line)
		row_drop(f, col, "partner %s in column %s was dropped from partners.csv (line %ld)",
			 quote(v).s, quote(col_name(f, col)).s, line);
	else
		row_err(f, col, "unknown partner in column %s: %s", quote(col_name(f, col)).s,
			quote(v).s);
	return -1;
}

/* The tier a row names, or -1 (the row is then bad). */
static int get_tier(struct csvfile *f, int col)
{
	struct loader *L = f->L;
	const char *v = val(f, col);
	if (!need(f, col))
		return -1;
	if (!L->tiers_ok) {
		f->row_bad = true; /* program.ini's error is reported */
		return -1;
	}
	int t = model_tier_index(L->m, v);
	if (t >= 0)
		return t;
	struct buf b = {0};
	const struct program *p = &L->m->program;
	for (size_t i = 0; i < p->n_tiers; i++) {
		if (i)
			buf_puts(&b, ", ");
		buf_puts(&b, p->tiers[i].id);
	}
	row_err(f, col, "unknown tier in column %s: %s (tiers: %s)", quote(col_name(f, col)).s,
		quote(v).s, buf_cstr(&b));
	buf_free(&b);
	return -1;
}

static char *intern(struct model *m, const char *s)
{
	return model_strdup(m, s, strlen(s));
}

static uint32_t line32(long line)
{
	return line > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)line;
}

static void date_str(day_t d, char out[11])
{
	date_format_iso(d, out);
}

/* ------------------------------------------------------------------------
 * Row handlers
 * ---------------------------------------------------------------------- */

static void partner_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	const char *id = val(f, P_ID);
	if (f->row_bad) {
		if (*id && model_partner_index(m, id) < 0)
			idset_add(&L->bad_partners, id, f->row_line);
		return;
	}
	need(f, P_ID);
	need(f, P_NAME);
	int tier = get_tier(f, P_TIER);
	int64_t overlap = 0;
	const char *ov = val(f, P_OVERLAP);
	if (*ov && !parse_count(ov, &overlap))
		row_err(f, P_OVERLAP, "bad number in column %s: %s (expected a whole number, "
			"0 or more)", quote(col_name(f, P_OVERLAP)).s, quote(ov).s);
	day_t joined, exited;
	bool jok = get_date(f, P_JOINED, true, &joined);
	bool eok = get_date(f, P_EXITED, false, &exited);
	if (jok && eok && exited != DAY_NONE && exited < joined)
		row_err(f, P_EXITED, "exited_on %s is before joined_on %s",
			quote(val(f, P_EXITED)).s, quote(val(f, P_JOINED)).s);
	long prev = -1;
	if (*id) {
		prev = model_partner_index(m, id);
		long bad_line = prev < 0 ? idset_find(&L->bad_partners, id) : 0;
		if (prev >= 0)
			row_err(f, P_ID, "duplicate partner_id %s (first on line %ld)", quote(id).s,
				m->partners[prev].line);
		else if (bad_line)
			row_err(f, P_ID, "duplicate partner_id %s (first on line %ld)", quote(id).s,
				bad_line);
	}
	if (f->row_bad) {
		if (*id && prev < 0)
			idset_add(&L->bad_partners, id, f->row_line);
		return;
	}
	GROW(m->partners, L->cap_partners, m->n_partners + 1);
	size_t i = m->n_partners++;
	m->partners[i] = (struct partner){
		.id = intern(m, id), .name = intern(m, val(f, P_NAME)),
		.manager = intern(m, val(f, P_MANAGER)), .tier = tier,
		.overlap_accounts = overlap, .joined_on = joined, .exited_on = exited,
		.line = f->row_line,
	};
	if (model_index_partner(m, i) >= 0)
		BUG("partner indexed twice");
	m->rows[FILE_PARTNERS]++;
}

static const char *const outcome_names[] = {"open", "won", "lost"};
static const char *const attribution_names[] = {"sourced", "influenced"};

static void deal_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	const char *id = val(f, D_ID);
	if (f->row_bad) {
		if (*id && model_deal_index(m, id) < 0)
			idset_add(&L->bad_deals, id, f->row_line);
		return;
	}
	need(f, D_ID);
	bool direct = !*val(f, D_PARTNER);
	int partner = direct ? -1 : get_partner(f, D_PARTNER);
	day_t created, closed;
	bool cok = get_date(f, D_CREATED, true, &created);
	bool dok = get_date(f, D_CLOSED, false, &closed);
	int outcome = get_enum(f, D_OUTCOME, true, "outcome", outcome_names, 3);
	cents_t amount;
	get_amount(f, D_AMOUNT, &amount);
	enum attribution attr = ATTR_UNTAGGED;
	const char *av = val(f, D_ATTR);
	if (direct && *av) {
		row_err(f, D_ATTR, "attribution %s on a direct deal (partner_id is empty)",
			quote(av).s);
	} else if (!direct) {
		int a = get_enum(f, D_ATTR, false, "attribution", attribution_names, 2);
		attr = a == 0 ? ATTR_SOURCED : a == 1 ? ATTR_INFLUENCED : ATTR_UNTAGGED;
	}
	if (outcome >= 0 && dok) {
		if (outcome != OUTCOME_OPEN && closed == DAY_NONE)
			row_err(f, D_OUTCOME, "outcome %s needs a closed_on date",
				quote(val(f, D_OUTCOME)).s);
		else if (outcome == OUTCOME_OPEN && closed != DAY_NONE)
			row_err(f, D_OUTCOME, "outcome %s needs an empty closed_on (got %s)",
				quote(val(f, D_OUTCOME)).s, quote(val(f, D_CLOSED)).s);
	}
	if (cok && dok && closed != DAY_NONE && closed < created)
		row_err(f, D_CLOSED, "closed_on %s is before created_on %s",
			quote(val(f, D_CLOSED)).s, quote(val(f, D_CREATED)).s);
	long prev = -1;
	if (*id) {
		prev = model_deal_index(m, id);
		long bad_line = prev < 0 ? idset_find(&L->bad_deals, id) : 0;
		if (prev >= 0)
			row_err(f, D_ID, "duplicate deal_id %s (first on line %lu)", quote(id).s,
				(unsigned long)L->deal_lines[prev]);
		else if (bad_line)
			row_err(f, D_ID, "duplicate deal_id %s (first on line %ld)", quote(id).s,
				bad_line);
	}
	if (f->row_bad) {
		if (*id && prev < 0)
			idset_add(&L->bad_deals, id, f->row_line);
		return;
	}
	GROW(m->deals, L->cap_deals, m->n_deals + 1);
	GROW(L->deal_lines, L->cap_deal_lines, m->n_deals + 1);
	size_t i = m->n_deals++;
	m->deals[i] = (struct deal){
		.id = intern(m, id), .partner = partner, .created_on = created,
		.closed_on = closed, .amount = amount, .outcome = (enum outcome)outcome,
		.attribution = attr,
	};
	L->deal_lines[i] = line32(f->row_line);
	if (model_index_deal(m, i) >= 0)
		BUG("deal indexed twice");
	m->rows[FILE_DEALS]++;
	day_t last = closed != DAY_NONE ? closed : created;
	if (m->latest_deal_day == DAY_NONE || last > m->latest_deal_day)
		m->latest_deal_day = last;
	if (m->earliest_deal_day == DAY_NONE || created < m->earliest_deal_day)
		m->earliest_deal_day = created;
	add_total(L, FILE_DEALS, amount, f->row_line);
	day_t plausible = date_from_ymd(PLAUSIBLE_YEAR, 1, 1);
	if (created < plausible || (closed != DAY_NONE && closed < plausible))
		tally_add(&L->deal_early, f->row_line);
	if (partner >= 0) {
		const struct partner *p = &m->partners[partner];
		if (attr == ATTR_UNTAGGED)
			tally_add(&L->untagged, f->row_line);
		if (p->exited_on != DAY_NONE && created > p->exited_on)
			tally_add(&L->deal_after_exit, f->row_line);
		if (created < p->joined_on)
			tally_add(&L->deal_before_join, f->row_line);
	}
}

static const char *const kind_names[] = {"deal_review", "qbr", "account_mapping"};

static void review_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	day_t held;
	get_date(f, R_HELD, true, &held);
	int partner = get_partner(f, R_PARTNER);
	int kind = get_enum(f, R_KIND, true, "kind", kind_names, 3);
	if (f->row_bad)
		return;
	GROW(m->reviews, L->cap_reviews, m->n_reviews + 1);
	m->reviews[m->n_reviews++] = (struct review){
		.held_on = held, .partner = partner, .kind = (enum review_kind)kind,
	};
	m->rows[FILE_REVIEWS]++;
	day_t exit = m->partners[partner].exited_on;
	if (exit != DAY_NONE && held > exit)
		tally_add(&L->review_after_exit, f->row_line);
	if (held < m->partners[partner].joined_on)
		tally_add(&L->review_before_join, f->row_line);
}

static const char *const side_names[] = {"host", "partner"};

static void completion_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	day_t done;
	get_date(f, E_DONE, true, &done);
	int partner = get_partner(f, E_PARTNER);
	int side = get_enum(f, E_SIDE, true, "side", side_names, 2);
	int asset = -1;
	if (need(f, E_ASSET)) {
		if (!L->assets_ok) {
			f->row_bad = true;
		} else {
			const struct program *p = &m->program;
			asset = get_enum(f, E_ASSET, true, "asset", (const char *const *)p->assets,
					 p->n_assets);
		}
	}
	if (f->row_bad)
		return;
	GROW(m->completions, L->cap_completions, m->n_completions + 1);
	m->completions[m->n_completions++] = (struct completion){
		.completed_on = done, .partner = partner, .side = (enum side)side, .asset = asset,
	};
	m->rows[FILE_ENABLEMENT]++;
	day_t exit = m->partners[partner].exited_on;
	if (exit != DAY_NONE && done > exit)
		tally_add(&L->completion_after_exit, f->row_line);
}

static void change_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	day_t on;
	get_date(f, T_CHANGED, true, &on);
	int partner = get_partner(f, T_PARTNER);
	int from = get_tier(f, T_FROM);
	int to = get_tier(f, T_TO);
	if (f->row_bad)
		return;
	GROW(m->tier_changes, L->cap_changes, m->n_tier_changes + 1);
	GROW(L->change_lines, L->cap_change_lines, m->n_tier_changes + 1);
	L->change_lines[m->n_tier_changes] = line32(f->row_line);
	m->tier_changes[m->n_tier_changes++] = (struct tier_change){
		.changed_on = on, .partner = partner, .from_tier = from, .to_tier = to,
	};
	m->rows[FILE_TIER_CHANGES]++;
}

static void forecast_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	int month = 0;
	const char *mv = val(f, F_MONTH);
	if (need(f, F_MONTH) && !month_parse(mv, &month))
		row_err(f, F_MONTH, "bad month in column %s: %s (expected YYYY-MM)",
			quote(col_name(f, F_MONTH)).s, quote(mv).s);
	int partner = get_partner(f, F_PARTNER);
	cents_t amount;
	get_amount(f, F_AMOUNT, &amount);
	if (f->row_bad)
		return;
	GROW(m->forecasts, L->cap_forecasts, m->n_forecasts + 1);
	m->forecasts[m->n_forecasts++] = (struct forecast){
		.month = month, .partner = partner, .amount = amount,
	};
	m->rows[FILE_FORECAST]++;
	add_total(L, FILE_FORECAST, amount, f->row_line);
	day_t exit = m->partners[partner].exited_on;
	if (exit != DAY_NONE && month_first_day(month) > exit)
		tally_add(&L->forecast_after_exit, f->row_line);
}

static void incentive_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	long deal = -1;
	const char *id = val(f, I_DEAL);
	if (need(f, I_DEAL)) {
		if (!L->file_ok[FILE_DEALS]) {
			f->row_bad = true; /* deals.csv failed: its error is reported */
		} else if ((deal = model_deal_index(m, id)) < 0) {
			long line = idset_find(&L->bad_deals, id);
			if (line)
				row_drop(f, I_DEAL, "deal %s in column %s was dropped from deals.csv "
					 "(line %ld)", quote(id).s, quote(col_name(f, I_DEAL)).s, line);
			else
				row_err(f, I_DEAL, "unknown deal in column %s: %s",
					quote(col_name(f, I_DEAL)).s, quote(id).s);
		} else if (m->deals[deal].partner < 0) {
			row_err(f, I_DEAL, "deal %s is a direct deal (incentives are paid on partner "
				"deals)", quote(id).s);
		} else if (m->deals[deal].outcome != OUTCOME_WON) {
			row_err(f, I_DEAL, "deal %s has outcome %s (incentives are paid on won deals)",
				quote(id).s, outcome_names[m->deals[deal].outcome]);
		}
	}
	day_t paid;
	get_date(f, I_PAID, true, &paid);
	cents_t amount;
	get_amount(f, I_AMOUNT, &amount);
	if (f->row_bad)
		return;
	GROW(m->incentives, L->cap_incentives, m->n_incentives + 1);
	m->incentives[m->n_incentives++] = (struct incentive){
		.deal = (int)deal, .paid_on = paid, .amount = amount,
	};
	m->deals[deal].has_incentive = true;
	m->rows[FILE_INCENTIVES]++;
	add_total(L, FILE_INCENTIVES, amount, f->row_line);
}

/* ------------------------------------------------------------------------
 * Checks across rows
 * ---------------------------------------------------------------------- */

struct change_key {
	int partner;
	day_t on;
	size_t pos;
};

static int cmp_change_key(const void *a, const void *b)
{
	const struct change_key *x = a, *y = b;
	if (x->partner != y->partner)
		return x->partner < y->partner ? -1 : 1;
	if (x->on != y->on)
		return x->on < y->on ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The latest change of each partner (by changed_on, then file order) must
 * move it to its tier in partners.csv. With --skip-bad-rows, latest changes
 * that disagree are dropped until one agrees. */
static void check_latest_changes(struct loader *L)
{
	struct model *m = L->m;
	size_t n = m->n_tier_changes;
	if (!n)
		return;
	struct change_key *keys = xcalloc(n, sizeof *keys);
	bool *drop = xcalloc(n, sizeof *drop);
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct change_key){m->tier_changes[i].partner,
					      m->tier_changes[i].changed_on, i};
	qsort(keys, n, sizeof *keys, cmp_change_key);
	const char *file = model_file_names[FILE_TIER_CHANGES];
	for (size_t a = 0; a < n;) {
		size_t b = a;
		while (b < n && keys[b].partner == keys[a].partner)
			b++;
		const struct partner *p = &m->partners[keys[a].partner];
		for (size_t j = b; j > a; j--) {
			size_t pos = keys[j - 1].pos;
			const struct tier_change *c = &m->tier_changes[pos];
			if (c->to_tier == p->tier)
				break;
			struct diag_list *out = L->skip ? &m->skipped : L->errors;
			diag_add(out, file, (long)L->change_lines[pos], L->change_to_col,
				 "latest to_tier %s of partner %s differs from its tier %s in "
				 "partners.csv (line %ld)",
				 quote(m->program.tiers[c->to_tier].id).s, quote(p->id).s,
				 quote(m->program.tiers[p->tier].id).s, p->line);
			if (!L->skip)
				break;
			drop[pos] = true;
		}
		a = b;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (drop[i])
			continue;
		m->tier_changes[k] = m->tier_changes[i];
		L->change_lines[k] = L->change_lines[i];
		k++;
	}
	m->rows[FILE_TIER_CHANGES] -= n - k;
	m->n_tier_changes = k;
	free(keys);
	free(drop);
}

static void warn_tally(struct model *m, enum input_file fid, const struct tally *t,
		       const char *one, const char *many)
{
	if (!t->count)
		return;
	struct buf b = {0};
	buf_printf(&b, "%zu %s", t->count, t->count == 1 ? one : many);
	size_t shown = t->count < WARN_LINES ? t->count : WARN_LINES;
	buf_puts(&b, t->count > WARN_LINES ? ", first on lines " : shown == 1 ? ", on line "
							       : ", on lines ");
	for (size_t i = 0; i < shown; i++)
		buf_printf(&b, "%s%ld", i ? ", " : "", t->lines[i]);
	diag_add(&m->warnings, model_file_names[fid], 0, 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

static void emit_warnings(struct loader *L)
{
	struct model *m = L->m;
	warn_tally(m, FILE_DEALS, &L->untagged,
		   "partner deal has no attribution (untagged)",
		   "partner deals have no attribution (untagged)");
	warn_tally(m, FILE_DEALS, &L->deal_before_join,
		   "partner deal was created before the partner joined",
		   "partner deals were created before the partner joined");
	warn_tally(m, FILE_DEALS, &L->deal_after_exit,
		   "partner deal was created after the partner exited",
		   "partner deals were created after the partner exited");
	warn_tally(m, FILE_DEALS, &L->deal_early,
		   "deal is dated before 1990 (check its created_on and closed_on)",
		   "deals are dated before 1990 (check their created_on and closed_on)");
	warn_tally(m, FILE_REVIEWS, &L->review_before_join,
		   "review was held before the partner joined",
		   "reviews were held before the partner joined");
	warn_tally(m, FILE_REVIEWS, &L->review_after_exit,
		   "review was held after the partner exited",
		   "reviews were held after the partner exited");
	warn_tally(m, FILE_ENABLEMENT, &L->completion_after_exit,
		   "enablement completion is dated after the partner exited",
		   "enablement completions are dated after the partner exited");
	warn_tally(m, FILE_FORECAST, &L->forecast_after_exit,
		   "forecast is for a month after the partner exited",
		   "forecasts are for months after the partner exited");
}

/* ------------------------------------------------------------------------
 * Public
 * ---------------------------------------------------------------------- */

struct model *load_model(const char *dir, const struct load_options *opt,
			 struct diag_list *errors, char **io_error)
{
	struct loader L = {
		.m = model_new(), .skip = opt && opt->skip_bad_rows, .errors = errors,
		.errors_at_start = errors->total, .dir = dir, .assets_ok = true, .read_csv = true,
	};
	*io_error = NULL;
	struct stat st;
	if (stat(dir, &st) != 0)
		set_io_error(&L, dir, errno);
	else if (!S_ISDIR(st.st_mode))
		set_io_error(&L, dir, ENOTDIR);
	if (!L.io_error)
		load_program(&L);
	for (size_t i = 0; i < N_FILES && !L.io_error && L.read_csv; i++) {
		read_csv(&L, &files[i]);
		if (L.total_over[files[i].id])
			file_err(&L, files[i].id, 0, 0, "amounts add up to more than "
				 "9,999,999,999,999.99, the most one file may total (passed on "
				 "line %ld): check for a wrong amount", L.total_over[files[i].id]);
		if (files[i].id == FILE_TIER_CHANGES && L.file_ok[FILE_TIER_CHANGES] &&
		    L.file_ok[FILE_PARTNERS] && L.tiers_ok)
			check_latest_changes(&L);
	}
	model_index_tier_changes(L.m);
	emit_warnings(&L);

	for (int fid = 0; fid < FILE_COUNT; fid++)
		for (int c = 0; c < MAX_SCHEMA; c++)
			free(L.colmap[fid][c]);
	idset_free(&L.bad_partners);
	idset_free(&L.bad_deals);
	free(L.deal_lines);
	free(L.change_lines);
	if (L.io_error) {
		*io_error = L.io_error;
		model_free(L.m);
		return NULL;
	}
	if (errors->total > L.errors_at_start) {
		model_free(L.m);
		return NULL;
	}
	return L.m;
}

char *load_summary(const struct model *m)
{
	struct buf b = {0};
	const struct program *p = &m->program;
	buf_puts(&b, "program: ");
	diag_put_text(&b, p->name);
	buf_printf(&b, " (%s)\n", p->currency);
	buf_puts(&b, "files:\n");
	for (int fid = 0; fid < FILE_COUNT; fid++) {
		const char *name = model_file_names[fid];
		if (fid == FILE_PROGRAM)
			buf_printf(&b, "  %-17s %zu tier%s\n", name, p->n_tiers,
				   p->n_tiers == 1 ? "" : "s");
		else if (!m->present[fid])
			buf_printf(&b, "  %-17s not present (not measured)\n", name);
		else
			buf_printf(&b, "  %-17s %zu row%s\n", name, m->rows[fid],
				   m->rows[fid] == 1 ? "" : "s");
	}
	if (m->latest_deal_day != DAY_NONE) {
		char a[11], z[11], mon[8];
		date_str(m->earliest_deal_day, a);
		date_str(m->latest_deal_day, z);
		int period = month_of_day(m->latest_deal_day);
		month_format(period, mon);
		buf_printf(&b, "deal dates: %s to %s\n", a, z);
		buf_printf(&b, "default period: %s\n", mon);
		day_t start = month_first_day(period), end = month_last_day(period);
		buf_printf(&b, "active partners in %s by tier:\n", mon);
		size_t *count = xcalloc(p->n_tiers ? p->n_tiers : 1, sizeof *count);
		for (size_t i = 0; i < m->n_partners; i++) {
			if (!model_partner_active(m, (int)i, start, end))
				continue;
			int t = model_tier_at(m, (int)i, end);
			if (t >= 0 && (size_t)t < p->n_tiers)
				count[t]++;
		}
		for (size_t t = 0; t < p->n_tiers; t++) {
			buf_puts(&b, "  ");
			diag_put_text(&b, p->tiers[t].label);
			buf_puts(&b, " (");
			diag_put_text(&b, p->tiers[t].id);
			buf_printf(&b, ", rank %d): %zu\n", p->tiers[t].rank, count[t]);
		}
		free(count);
	} else {
		buf_puts(&b, "deal dates: none\n");
	}
	buf_printf(&b, "warnings: %zu\n", m->warnings.total);
	for (size_t i = 0; i < m->warnings.n; i++) {
		char *s = diag_format(&m->warnings.items[i]);
		buf_printf(&b, "  %s\n", s);
		free(s);
	}
	if (m->skipped.total) {
		buf_printf(&b, "skipped rows: %zu\n", m->skipped.total);
		for (size_t i = 0; i < m->skipped.n; i++) {
			char *s = diag_format(&m->skipped.items[i]);
			buf_printf(&b, "  %s\n", s);
			free(s);
		}
	}
	return buf_detach(&b);
}
