/* load_ini: program.ini. Consumes the file's text (at most 1 MiB, UTF-8,
 * LF, CRLF or CR line ends, read line by line through inih); produces the
 * program settings, tiers sorted by rank, [health] thresholds, [email]
 * settings, and for the CSV files: how each is found and read ([file
 * NAME]), the columns each field reads ([columns NAME], "A | B" for the
 * first non-empty), the file's own words for enum values ([values NAME])
 * and fixed exchange rates ([fx]). Refuses, each at its line and reported
 * in line order: syntax errors, unknown or repeated sections and keys, bad
 * values, missing required keys, ranks that are not 1..N once each, red
 * health thresholds on the green side, unknown time zones and encodings,
 * a source value listed twice, control characters and invalid UTF-8. */
#include "load_private.h"

#include <ini.h>

#include "decode.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* An optionally signed whole number in [lo, hi]. */
static bool parse_int_range(const char *s, long lo, long hi, long *out)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	int64_t v;
	if (!load_parse_count(s, &v) || v > (int64_t)1 << 40)
		return false;
	if (neg)
		v = -v;
	if (v < lo || v > hi)
		return false;
	*out = (long)v;
	return true;
}

enum sec_kind {
	SEC_PROGRAM, SEC_TIER, SEC_EMAIL, SEC_HEALTH, SEC_COLUMNS, SEC_FILE, SEC_VALUES, SEC_FX,
	SEC_UNKNOWN
};

#define MAX_KEYS 16

struct ini_section {
	char *name;                     /* as written between the brackets, trimmed */
	long line;
	enum sec_kind kind;
	char *arg;                      /* tier id or file base */
	bool ignored;                   /* unknown or repeated: its keys are not read */
	long seen[MAX_KEYS];            /* line of each known key, 0 = not yet */
	int tier;                       /* index into ini_state.tiers (SEC_TIER) */
	const struct filespec *file;    /* SEC_COLUMNS, SEC_FILE, SEC_VALUES */
};

struct ini_entry {
	int section;                    /* index into sections; -1 = before any */
	char *key, *value;
	long line;
	long cont_line;                 /* first indented continuation line, 0 = none */
};

/* A [values NAME] key FIELD.TARGET with its source values, until the
 * targets (tiers, assets) are known. */
struct pending_values {
	enum input_file file;
	int col;
	char *target;
	char **items;                   /* unquoted source values; "*" as NULL */
	size_t n_items;
	long line;
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
	struct pending_values *pend;    /* [values] entries, resolved once tiers are known */
	size_t n_pend, cap_pend;
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
	load_trim(&name, &n);
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
	if (!load_utf8_valid((const unsigned char *)p, n, &bad)) {
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
	bool indented = tn && load_is_blank((unsigned char)t[0]);
	load_trim(&t, &tn);
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
			load_quote(buf_cstr(&v)).s);
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
		ini_err(s, s->line, "key %s is outside any section", load_quote(name).s);
		return 1;
	}
	GROW(s->ents, s->cap_ents, s->n_ents + 1);
	s->ents[s->n_ents++] = (struct ini_entry){
		.section = s->cur, .key = xstrdup(name), .value = xstrdup(value), .line = s->line,
	};
	s->have_key = true;
	return 1;
}

enum program_key {
	PK_NAME, PK_COMPANY, PK_CURRENCY, PK_FISCAL_YEAR_START, PK_WINDOW_MONTHS,
	PK_STALE_TIER_DAYS, PK_ENABLEMENT_ASSETS, PK_DATE_FORMAT, PK_TIMEZONE,
	PK_MAX_SKIPPED_SHARE,
};
static const char *const program_keys[] = {
	[PK_NAME] = "name", [PK_COMPANY] = "company", [PK_CURRENCY] = "currency",
	[PK_FISCAL_YEAR_START] = "fiscal_year_start", [PK_WINDOW_MONTHS] = "window_months",
	[PK_STALE_TIER_DAYS] = "stale_tier_days", [PK_ENABLEMENT_ASSETS] = "enablement_assets",
	[PK_DATE_FORMAT] = "date_format", [PK_TIMEZONE] = "timezone",
	[PK_MAX_SKIPPED_SHARE] = "max_skipped_share", NULL,
};
enum file_key { FK_PATH, FK_ENCODING, FK_DELIMITER, FK_DATE_FORMAT, FK_DECIMAL };
static const char *const file_keys[] = {
	[FK_PATH] = "path", [FK_ENCODING] = "encoding", [FK_DELIMITER] = "delimiter",
	[FK_DATE_FORMAT] = "date_format", [FK_DECIMAL] = "decimal", NULL,
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
	case SEC_EMAIL:
	case SEC_FILE: {
		const char *const *keys = sec->kind == SEC_PROGRAM ? program_keys
					  : sec->kind == SEC_TIER  ? tier_keys
					  : sec->kind == SEC_FILE  ? file_keys
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
	case SEC_VALUES:
	case SEC_FX:
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
		while (load_is_blank((unsigned char)*arg))
			arg++;
		if (!strcasecmp(nm, "program"))
			sec->kind = SEC_PROGRAM;
		else if (!strcasecmp(nm, "email"))
			sec->kind = SEC_EMAIL;
		else if (!strcasecmp(nm, "health"))
			sec->kind = SEC_HEALTH;
		else if (wl == 4 && !strncasecmp(nm, "tier", 4))
			sec->kind = SEC_TIER;
		else if (!strcasecmp(nm, "fx"))
			sec->kind = SEC_FX;
		else if (wl == 7 && !strncasecmp(nm, "columns", 7))
			sec->kind = SEC_COLUMNS;
		else if (wl == 4 && !strncasecmp(nm, "file", 4))
			sec->kind = SEC_FILE;
		else if (wl == 6 && !strncasecmp(nm, "values", 6))
			sec->kind = SEC_VALUES;
		bool per_file = sec->kind == SEC_COLUMNS || sec->kind == SEC_FILE ||
				sec->kind == SEC_VALUES;
		if (sec->kind == SEC_TIER || per_file) {
			sec->arg = xstrdup(arg);
			if (!*arg) {
				char eg[64];
				snprintf(eg, sizeof eg, "a file name, e.g. [%.*s deals]", (int)wl,
					 nm);
				ini_err(s, sec->line, "section [%s] needs %s", nm,
					sec->kind == SEC_TIER ? "an id, e.g. [tier strategic]" : eg);
				if (sec->kind == SEC_TIER)
					s->tier_errors++;
				sec->ignored = true;
				continue;
			}
		}
		if (per_file) {
			sec->file = load_file_spec(arg);
			if (!sec->file) {
				ini_err(s, sec->line, "unknown file in section [%s] (expected one "
						      "of "
					"partners, deals, reviews, enablement, tier_changes, "
					"forecast, incentives, fx)", nm);
				sec->ignored = true;
				continue;
			}
			bool has_enum = false;
			for (int c = 0; c < sec->file->ncols; c++)
				has_enum |= sec->file->cols[c].ekind != EK_NONE;
			if (sec->kind == SEC_VALUES && !has_enum) {
				ini_err(s, sec->line, "section [%s]: %s has no values to map "
						      "(values "
					"map the enum columns of partners, deals, reviews, "
					"enablement "
					"and tier_changes)", nm, model_file_names[sec->file->id]);
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
				    : per_file		   ? o->file == sec->file
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
		if (sec->kind == SEC_FILE)
			s->L->files[sec->file->id].line = sec->line;
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
		load_trim(&t, &tn);
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
	return (sec->kind == SEC_PROGRAM && k == PK_ENABLEMENT_ASSETS) ||
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
	ini_err(s, e->line, "bad value for %s in [%s]: %s (expected %s)", load_quote(e->key).s,
		sec->name, load_quote(e->value).s, expected);
}

#define DATE_FORMATS "YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or DD.MM.YYYY"

/* A fraction from 0 to 1 ("0.8", "1", "0"). */
static bool parse_fraction(const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (!*v || *end || errno || !isfinite(d) || d < 0 || d > 1 || strpbrk(v, "xXnN"))
		return false;
	*out = d;
	return true;
}

static void apply_program(struct ini_state *s, const struct ini_entry *e,
			  const struct ini_section *sec, int k)
{
	struct model *m = s->L->m;
	struct program *p = &m->program;
	const char *v = e->value;
	long n;
	switch (k) {
	case PK_NAME:
		if (!*v)
			bad_value(s, e, sec, "the program's name");
		else
			p->name = model_strdup(m, v, strlen(v));
		break;
	case PK_COMPANY:
		p->company = model_strdup(m, v, strlen(v));
		break;
	case PK_CURRENCY:
		if (strlen(v) != 3 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			bad_value(s, e, sec, "a 3-letter ISO 4217 code like USD");
		else
			p->currency = model_strdup(m, v, 3);
		break;
	case PK_FISCAL_YEAR_START:
		if (!parse_int_range(v, 1, 12, &n))
			bad_value(s, e, sec, "a month number from 1 to 12");
		else
			p->fiscal_year_start = (int)n;
		break;
	case PK_WINDOW_MONTHS:
		if (!parse_int_range(v, 1, 36, &n))
			bad_value(s, e, sec, "a whole number from 1 to 36");
		else
			p->window_months = (int)n;
		break;
	case PK_STALE_TIER_DAYS:
		if (!parse_int_range(v, 0, 36600, &n))
			bad_value(s, e, sec, "a whole number of days from 0 to 36600");
		else
			p->stale_tier_days = (int)n;
		break;
	case PK_ENABLEMENT_ASSETS: {
		char **items;
		size_t cnt;
		bool ok = split_list(v, &items, &cnt);
		for (size_t i = 0; ok && i < cnt; i++) {
			char *folded = load_fold_dup(s->L, items[i]);
			free(items[i]);
			items[i] = folded;
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
	case PK_DATE_FORMAT:
		if (!date_format_parse(v, &p->date_format)) {
			bad_value(s, e, sec, DATE_FORMATS);
			s->L->read_csv = false;
		}
		break;
	case PK_TIMEZONE: {
		char *err = NULL;
		struct field_zone *z = field_zone_open(v, &err);
		if (!z) {
			ini_err(s, e->line, "timezone in [program]: %s", err);
			s->L->read_csv = false;
			free(err);
		} else {
			field_zone_free(s->L->zone);
			s->L->zone = z;
			p->timezone = model_strdup(m, v, strlen(v));
		}
		break;
	}
	case PK_MAX_SKIPPED_SHARE:
		if (!parse_fraction(v, &p->max_skipped_share))
			bad_value(s, e, sec, "a fraction from 0 to 1, e.g. 0.05");
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
	case 0: { /* an address, or a display name and <address> */
		const char *lt = strrchr(v, '<');
		size_t n = strlen(v);
		if (lt && n && v[n - 1] == '>') {
			const char *name = v;
			size_t nn = (size_t)(lt - v);
			load_trim(&name, &nn);
			if (nn >= 2 && name[0] == '"' && name[nn - 1] == '"') {
				name++;
				nn -= 2;
			}
			char *addr = xstrndup(lt + 1, n - (size_t)(lt - v) - 2);
			if (!looks_like_email(addr) || memchr(name, '"', nn) || memchr(name, '<', nn)) {
				bad_value(s, e, sec, "an email address, or a name and <address>");
			} else {
				p->email_from = model_strdup(m, addr, strlen(addr));
				p->email_from_name = nn ? model_strdup(m, name, nn) : NULL;
			}
			free(addr);
		} else if (!looks_like_email(v)) {
			bad_value(s, e, sec, "an email address, or a name and <address>");
		} else {
			p->email_from = model_strdup(m, v, strlen(v));
		}
		break;
	}
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
		} else {
			*(int *)(void *)(base + hk->off) = (int)n;
		}
		return;
	}
	double d;
	if (!parse_fraction(e->value, &d)) {
		bad_value(s, e, sec, "a fraction from 0 to 1, e.g. 0.8");
		s->health_bad[k] = true;
	} else {
		*(double *)(void *)(base + hk->off) = d;
	}
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

/* field = Column A | Column B: the first non-empty of the columns. */
static void apply_columns(struct ini_state *s, const struct ini_entry *e,
			  const struct ini_section *sec, int k)
{
	struct colmap *cm = &s->L->colmap[sec->file->id][k];
	const char *p = e->value;
	int n = 0;
	char *names[MAX_ALTS];
	for (;;) {
		size_t len = strcspn(p, "|");
		const char *t = p;
		size_t tn = len;
		load_trim(&t, &tn);
		if (!tn || n == MAX_ALTS) {
			for (int i = 0; i < n; i++)
				free(names[i]);
			bad_value(s, e, sec, n == MAX_ALTS ? "at most 8 column names separated by |"
							   : "the column's name in the file, or "
							     "names separated by |");
			return;
		}
		names[n++] = xstrndup(t, tn);
		if (!p[len])
			break;
		p += len + 1;
	}
	memcpy(cm->names, names, sizeof names);
	cm->n = n;
	cm->line = e->line;
	cm->text = xstrdup(e->value);
}

/* [file NAME]: where the file is and how to read it. */
static void apply_file(struct ini_state *s, const struct ini_entry *e,
		       const struct ini_section *sec, int k)
{
	struct file_settings *fs = &s->L->files[sec->file->id];
	const char *v = e->value;
	switch ((enum file_key)k) {
	case FK_PATH:
		if (!*v || v[0] == '/') {
			bad_value(s, e, sec, "a file name or glob relative to the data folder, "
				  "e.g. deals-*.csv");
			s->L->read_csv = false;
		} else {
			fs->path = xstrdup(v);
		}
		break;
	case FK_ENCODING: {
		char *err = NULL;
		struct decoder *d = decode_open(v, &err);
		if (!d) {
			ini_err(s, e->line, "encoding in [%s]: %s", sec->name, err);
			s->L->read_csv = false;
			free(err);
		} else {
			decode_free(d);
			fs->encoding = xstrdup(v);
		}
		break;
	}
	case FK_DELIMITER: {
		static const struct { const char *name; char c; } delims[] = {
			{"auto", 0}, {",", ','}, {"\",\"", ','}, {"comma", ','}, {"\";\"", ';'},
			{"semicolon", ';'}, {"tab", '\t'}, {"\"\\t\"", '\t'}, {"|", '|'},
			{"\"|\"", '|'}, {"pipe", '|'},
		};
		size_t i = 0, n = sizeof delims / sizeof delims[0];
		while (i < n && strcasecmp(v, delims[i].name))
			i++;
		if (i == n) {
			bad_value(s, e, sec, "auto, \",\", \";\", tab or \"|\" (write ; in quotes: "
				  "an unquoted ; starts a comment)");
			s->L->read_csv = false;
		} else {
			fs->delimiter = delims[i].c;
		}
		break;
	}
	case FK_DATE_FORMAT:
		if (!date_format_parse(v, &fs->date_format)) {
			bad_value(s, e, sec, DATE_FORMATS);
			s->L->read_csv = false;
		} else {
			fs->has_date_format = true;
		}
		break;
	case FK_DECIMAL:
		if (!strcmp(v, ".") || !strcmp(v, "\".\"")) {
			fs->decimal = '.';
		} else if (!strcmp(v, ",") || !strcmp(v, "\",\"")) {
			fs->decimal = ',';
		} else {
			bad_value(s, e, sec, "\".\" or \",\"");
			s->L->read_csv = false;
		}
		break;
	}
}

/* The items of a [values] list: comma-separated, trimmed, each optionally
 * in double quotes ("A, B"; "" inside for a quote); an unquoted * is NULL.
 * Returns false on a stray quote. */
static bool split_values(const char *v, char ***out, size_t *n)
{
	char **items = NULL;
	size_t cnt = 0, cap = 0;
	const char *p = v;
	bool ok = true;
	for (;;) {
		while (load_is_blank((unsigned char)*p) || *p == '\n')
			p++;
		struct buf b = {0};
		bool quoted = *p == '"', star = false;
		if (quoted) {
			for (p++;; p++) {
				if (!*p) {
					ok = false;
					break;
				}
				if (*p == '"' && p[1] == '"') {
					buf_putc(&b, '"');
					p++;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					buf_putc(&b, *p);
				}
			}
			while (load_is_blank((unsigned char)*p))
				p++;
			if (*p && *p != ',' && *p != '\n')
				ok = false;
		} else {
			size_t len = strcspn(p, ",\n");
			const char *t = p;
			size_t tn = len;
			load_trim(&t, &tn);
			if (memchr(t, '"', tn))
				ok = false;
			buf_add(&b, t, tn);
			star = tn == 1 && *t == '*';
			p += len;
		}
		if (!ok) {
			buf_free(&b);
			break;
		}
		if (quoted || b.len || star) {
			GROW(items, cap, cnt + 1);
			items[cnt++] = star ? NULL : xstrdup(buf_cstr(&b));
		}
		buf_free(&b);
		if (!*p)
			break;
		p++;
	}
	*out = items;
	*n = cnt;
	return ok && cnt > 0;
}

/* [values NAME] FIELD.TARGET = source values; targets are resolved later. */
static void apply_values(struct ini_state *s, const struct ini_entry *e,
			 const struct ini_section *sec)
{
	const struct filespec *fs = sec->file;
	const char *dot = strchr(e->key, '.');
	int col = -1;
	for (int c = 0; c < fs->ncols && dot; c++)
		if (fs->cols[c].ekind != EK_NONE &&
		    strlen(fs->cols[c].name) == (size_t)(dot - e->key) &&
		    !strncasecmp(fs->cols[c].name, e->key, (size_t)(dot - e->key)))
			col = c;
	if (col < 0 || !dot[1]) {
		struct buf b = {0};
		for (int c = 0; c < fs->ncols; c++)
			if (fs->cols[c].ekind != EK_NONE)
				buf_printf(&b, "%s%s.VALUE", b.len ? " or " : "", fs->cols[c].name);
		ini_err(s, e->line, "unknown key %s in [%s] (expected %s)", load_quote(e->key).s,
			sec->name, buf_cstr(&b));
		buf_free(&b);
		return;
	}
	for (size_t i = 0; i < s->n_pend; i++) {
		const struct pending_values *o = &s->pend[i];
		if (o->file == fs->id && o->col == col && !strcasecmp(o->target, dot + 1)) {
			ini_err(s, e->line, "duplicate key %s in [%s] (first on line %ld)",
				load_quote(e->key).s, sec->name, o->line);
			return;
		}
	}
	struct pending_values pv = {.file = fs->id, .col = col, .line = e->line};
	if (!split_values(e->value, &pv.items, &pv.n_items)) {
		bad_value(s, e, sec, "a comma-separated list of values, each optionally in "
			  "double quotes, or *");
		for (size_t i = 0; i < pv.n_items; i++)
			free(pv.items[i]);
		free(pv.items);
		return;
	}
	pv.target = xstrdup(dot + 1);
	GROW(s->pend, s->cap_pend, s->n_pend + 1);
	s->pend[s->n_pend++] = pv;
}

/* Once tiers and assets are known: each target exists, each source value
 * is listed once per field, "*" at most once. */
static void resolve_values(struct ini_state *s)
{
	struct loader *L = s->L;
	for (size_t i = 0; i < s->n_pend; i++) {
		const struct pending_values *pv = &s->pend[i];
		const struct filespec *fs = load_file_spec(model_file_names[pv->file]);
		const struct colspec *cs = &fs->cols[pv->col];
		struct value_map *vm = &L->values[pv->file][pv->col];
		if (cs->ekind == EK_TIER && !L->tiers_ok)
			continue; /* the tiers' own error is reported */
		if (cs->ekind == EK_ASSET && !L->assets_ok)
			continue;
		const char *const *names;
		size_t n;
		load_enum_names(L, cs->ekind, &names, &n);
		int target = -1;
		for (size_t t = 0; t < n && target < 0; t++)
			if (cs->ekind == EK_TIER ? !strcmp(names[t], pv->target)
						 : !strcasecmp(names[t], pv->target))
				target = (int)t;
		if (target < 0) {
			struct buf b = {0};
			for (size_t t = 0; t < n; t++)
				buf_printf(&b, "%s%s", t ? (t + 1 == n ? " or " : ", ") : "",
					   names[t]);
			ini_err(s, pv->line, "unknown %s %s in [values %s] (expected %s)", cs->name,
				load_quote(pv->target).s, fs->base, buf_cstr(&b));
			buf_free(&b);
			continue;
		}
		for (size_t k = 0; k < pv->n_items; k++) {
			if (!pv->items[k]) {
				if (vm->star_line)
					ini_err(s, pv->line, "\"*\" is listed twice for %s in "
							     "[values %s] "
						"(first on line %ld)", cs->name, fs->base, vm->star_line);
				else
					vm->star = target, vm->star_line = pv->line;
				continue;
			}
			char *folded = load_fold_dup(L, pv->items[k]);
			size_t j = 0;
			while (j < vm->n && strcmp(vm->src[j].folded, folded))
				j++;
			if (j < vm->n) {
				ini_err(s, pv->line, "%s is listed twice for %s in [values %s] "
						     "(also on "
					"line %ld): a source value maps to one value",
					load_quote(pv->items[k]).s, cs->name, fs->base, vm->src[j].line);
				free(folded);
				continue;
			}
			GROW(vm->src, vm->cap, vm->n + 1);
			vm->src[vm->n++] = (struct value_source){folded, target, pv->line};
		}
	}
}

/* [fx] CODE = rate: a fixed rate in program-currency units per unit. */
static void apply_fx(struct ini_state *s, const struct ini_entry *e, const struct ini_section *sec)
{
	struct loader *L = s->L;
	char code[4] = {0};
	size_t kl = strlen(e->key);
	for (size_t i = 0; i < kl && i < 3; i++)
		code[i] = (char)(e->key[i] >= 'a' && e->key[i] <= 'z' ? e->key[i] - 32 : e->key[i]);
	if (kl != 3 || !field_currency_valid(code)) {
		ini_err(s, e->line, "unknown key %s in [fx] (expected an ISO 4217 currency code "
			"such as EUR)", load_quote(e->key).s);
		return;
	}
	for (size_t i = 0; i < L->n_rates; i++)
		if (!strcmp(L->rates[i].currency, code)) {
			ini_err(s, e->line, "duplicate key %s in [fx] (first on line %ld)",
				load_quote(e->key).s, L->rates[i].line);
			return;
		}
	struct field_rate rate;
	const char *why;
	if (!field_parse_rate(e->value, strlen(e->value), '.', &rate, &why)) {
		ini_err(s, e->line, "bad value for %s in [%s]: %s (%s; the rate is "
				    "program-currency "
			"units per unit of %s)", load_quote(e->key).s, sec->name,
			load_quote(e->value).s, why, code);
		return;
	}
	GROW(L->rates, L->cap_rates, L->n_rates + 1);
	struct fx_rate *r = &L->rates[L->n_rates++];
	memcpy(r->currency, code, 4);
	r->month = -1;
	r->rate = rate;
	r->line = e->line;
}

static void apply_entries(struct ini_state *s)
{
	for (size_t i = 0; i < s->n_ents; i++) {
		const struct ini_entry *e = &s->ents[i];
		struct ini_section *sec = &s->secs[e->section];
		if (sec->ignored)
			continue;
		if (sec->kind == SEC_VALUES) {
			apply_values(s, e, sec); /* lists may continue on indented lines */
			continue;
		}
		if (sec->kind == SEC_FX) {
			if (e->cont_line)
				ini_err(s, e->cont_line, "unexpected indented line after key %s in "
							 "[fx] "
					"(remove the indentation)", load_quote(e->key).s);
			else
				apply_fx(s, e, sec);
			continue;
		}
		int k = key_index(sec, e->key);
		if (k < 0) {
			ini_err(s, e->line, "unknown key %s in [%s]", load_quote(e->key).s, sec->name);
			continue;
		}
		if (sec->seen[k]) {
			ini_err(s, e->line, "duplicate key %s in [%s] (first on line %ld)",
				load_quote(e->key).s, sec->name, sec->seen[k]);
			if (sec->kind == SEC_TIER)
				s->tier_errors++;
			continue;
		}
		sec->seen[k] = e->line;
		if (e->cont_line && !is_list_key(sec, k)) {
			ini_err(s, e->cont_line, "unexpected indented line after key %s in [%s] "
				"(remove the indentation)", load_quote(e->key).s, sec->name);
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
		case SEC_FILE: apply_file(s, e, sec, k); break;
		case SEC_VALUES:
		case SEC_FX:
		case SEC_UNKNOWN: BUG("section applied by key");
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

void load_ini(struct loader *L)
{
	char *path = load_path(L, model_file_names[FILE_PROGRAM]);
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			load_file_err(L, FILE_PROGRAM, 0, 0, "missing required file");
		} else {
			load_io_error(L, path, errno);
		}
		free(path);
		return;
	}
	L->m->present[FILE_PROGRAM] = true;
	if (S_ISREG(st.st_mode) && st.st_size > MAX_INI) {
		load_file_err(L, FILE_PROGRAM, 0, 0, "file is larger than 1 MiB");
		free(path);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	int err = util_read_file(path, &text, &len);
	if (err) {
		load_io_error(L, path, err);
		free(path);
		return;
	}
	free(path);
	if (len > MAX_INI) {
		load_file_err(L, FILE_PROGRAM, 0, 0, "file is larger than 1 MiB");
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
	L->tiers_ok = s.tier_errors == 0 && L->m->program.n_tiers > 0;
	if (L->tiers_ok) {
		L->tier_names = xcalloc(L->m->program.n_tiers, sizeof *L->tier_names);
		for (size_t i = 0; i < L->m->program.n_tiers; i++)
			L->tier_names[i] = L->m->program.tiers[i].id;
	}
	resolve_values(&s);
	for (size_t i = 0; i < L->n_rates; i++)
		if (!strcmp(L->rates[i].currency, L->m->program.currency))
			ini_err(&s, L->rates[i].line, "%s is the program's currency: it needs no "
						      "rate "
				"in [fx]", L->rates[i].currency);
	flush_ini_errors(&s);

	for (size_t i = 0; i < s.n_secs; i++) {
		free(s.secs[i].name);
		free(s.secs[i].arg);
	}
	for (size_t i = 0; i < s.n_ents; i++) {
		free(s.ents[i].key);
		free(s.ents[i].value);
	}
	for (size_t i = 0; i < s.n_pend; i++) {
		free(s.pend[i].target);
		for (size_t k = 0; k < s.pend[i].n_items; k++)
			free(s.pend[i].items[k]);
		free(s.pend[i].items);
	}
	free(s.pend);
	free(s.secs);
	free(s.ents);
	free(s.tiers);
	free(text);
}

void load_ini_free(struct loader *L)
{
	for (int fid = 0; fid < FILE_COUNT; fid++) {
		free(L->files[fid].path);
		free(L->files[fid].encoding);
		for (int c = 0; c < MAX_SCHEMA; c++) {
			struct colmap *cm = &L->colmap[fid][c];
			for (int i = 0; i < cm->n; i++)
				free(cm->names[i]);
			free(cm->text);
			struct value_map *vm = &L->values[fid][c];
			for (size_t i = 0; i < vm->n; i++)
				free(vm->src[i].folded);
			free(vm->src);
			for (size_t i = 0; i < vm->n_un; i++) {
				free(vm->un[i].text);
				free(vm->un[i].folded);
			}
			free(vm->un);
		}
	}
	free(L->rates);
	free(L->tier_names);
	field_zone_free(L->zone);
}
