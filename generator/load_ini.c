/* load_ini: program.ini. Consumes the file's text (at most 1 MiB, UTF-8,
 * LF, CRLF or CR line ends, read line by line through inih); produces the
 * program settings, tiers sorted by rank, [health] thresholds, [email]
 * settings and the [columns FILE] mappings. Refuses, each at its line and
 * reported in line order: syntax errors, unknown or repeated sections and
 * keys, bad values, missing required keys, ranks that are not 1..N once
 * each, red health thresholds on the green side, control characters and
 * invalid UTF-8. */
#include "load_private.h"

#include <ini.h>

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
			sec->file = load_file_spec(arg);
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
	ini_err(s, e->line, "bad value for %s in [%s]: %s (expected %s)", load_quote(e->key).s,
		sec->name, load_quote(e->value).s, expected);
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
