/* field: parsers for one trimmed field value of a real export. Consumes a
 * value as bytes (s, n) and a column's settings (date format, decimal
 * mark, time zone); produces a day number, a month, cents with the
 * currency named, or an exact rate; refuses anything else with a static
 * reason. Time zones are read from the system's zone database through
 * glibc (TZ, tzset, localtime_r), once per zone and UTC year, and kept;
 * amounts and conversions use integer arithmetic only. */
#include "field.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ------------------------------------------------------------------------
 * Time zones
 * ---------------------------------------------------------------------- */

enum {
	YEAR_FIRST = 0,        /* UTC years a zone answers for */
	YEAR_LAST = 10000,
	MAX_CHANGES = 8,       /* offset changes kept per year (real zones: 0 to 4) */
	DAY_SECONDS = 86400,
	MAX_ZONE_NAME = 255,
};

/* One UTC year of a zone: its offset (local minus UTC, in seconds) at the
 * year's first second and each change inside the year. */
struct zone_year {
	int n;                       /* changes; -1: more than MAX_CHANGES, ask glibc */
	int32_t off0;
	int64_t at[MAX_CHANGES];     /* first second of each new offset */
	int32_t off[MAX_CHANGES];
};

struct field_zone {
	char *name;
	bool utc;                    /* "UTC": offset 0, no database needed */
	struct zone_year **years;    /* by year - YEAR_FIRST; NULL until read */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Set TZ to the zone for the duration of a lookup; restore_tz undoes it. */
static char *use_tz(const struct field_zone *z)
{
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;
	char *tz = xasprintf(":%s", z->name);
	if (setenv("TZ", tz, 1) != 0)
		BUG("setenv TZ failed");
	free(tz);
	tzset();
	return saved;
}

static void restore_tz(char *saved)
{
	if (saved ? setenv("TZ", saved, 1) : unsetenv("TZ"))
		BUG("restoring TZ failed");
	tzset();
	free(saved);
}

/* Local minus UTC at t, in seconds, as glibc's broken-down local time
 * gives it (TZ must be set to the zone). */
static int64_t probe(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		BUG("localtime_r failed inside the supported years");
	int64_t local = (int64_t)date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
				DAY_SECONDS +
			tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return local - t;
}

/* Read UTC year y of the zone from glibc: a sample at the start of each
 * day, and where two samples differ, a binary search for the second the
 * offset changes. TZ must be set to the zone. */
static struct zone_year *read_year(int y)
{
	struct zone_year *zy = xcalloc(1, sizeof *zy);
	int64_t start = (int64_t)date_from_ymd(y, 1, 1) * DAY_SECONDS;
	int64_t end = (int64_t)date_from_ymd(y + 1, 1, 1) * DAY_SECONDS;
	int64_t prev = probe(start);
	zy->off0 = (int32_t)prev;
	for (int64_t t = start + DAY_SECONDS; t <= end; t += DAY_SECONDS) {
		int64_t o = probe(t);
		if (o == prev)
			continue;
		int64_t lo = t - DAY_SECONDS, hi = t; /* prev at lo, o at hi */
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (probe(mid) == prev)
				lo = mid;
			else
				hi = mid;
		}
		prev = o;
		if (hi >= end)
			break; /* the change opens next year: its off0 */
		if (zy->n == MAX_CHANGES) {
			zy->n = -1;
			break;
		}
		zy->at[zy->n] = hi;
		zy->off[zy->n] = (int32_t)o;
		zy->n++;
	}
	return zy;
}

static bool valid_zone_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > MAX_ZONE_NAME || s[0] == '/' || !strncmp(s, "right/", 6))
		return false;
	for (const char *c = s; *c; c++) {
		bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			  (*c >= '0' && *c <= '9') || strchr("/_+-.", *c);
		if (!ok)
			return false;
		/* each component non-empty and not starting with '.' ("..", hidden files) */
		if ((c == s || c[-1] == '/') && (*c == '/' || *c == '.'))
			return false;
	}
	return s[n - 1] != '/';
}

static bool is_tzif(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char magic[4];
	bool ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	fclose(f);
	return ok;
}

struct field_zone *field_zone_open(const char *name, char **err)
{
	*err = NULL;
	struct buf b = {0};
	if (!name || !strcmp(name, "UTC")) {
		struct field_zone *z = xcalloc(1, sizeof *z);
		z->name = xstrdup("UTC");
		z->utc = true;
		return z;
	}
	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		buf_printf(&b, "no time-zone database at %s (install the tzdata package)", dir);
	} else if (!valid_zone_name(name)) {
		buf_puts(&b, "unknown time zone ");
		buf_put_quoted(&b, name, 64);
		buf_puts(&b, " (expected an IANA name such as America/New_York or Europe/Berlin)");
	} else {
		char *path = xasprintf("%s/%s", dir, name);
		bool ok = is_tzif(path);
		free(path);
		if (ok) {
			struct field_zone *z = xcalloc(1, sizeof *z);
			z->name = xstrdup(name);
			z->years = xcalloc(YEAR_LAST - YEAR_FIRST + 1, sizeof *z->years);
			return z;
		}
		buf_puts(&b, "unknown time zone ");
		buf_put_quoted(&b, name, 64);
		buf_printf(&b, " (no such zone in %s; expected an IANA name such as "
			       "America/New_York)", dir);
	}
	*err = buf_detach(&b);
	return NULL;
}

void field_zone_free(struct field_zone *z)
{
	if (!z)
		return;
	if (z->years)
		for (int i = 0; i <= YEAR_LAST - YEAR_FIRST; i++)
			free(z->years[i]);
	free(z->years);
	free(z->name);
	free(z);
}

const char *field_zone_name(const struct field_zone *z)
{
	return z ? z->name : "UTC";
}

day_t field_zone_local_day(struct field_zone *z, int64_t t)
{
	if (!z || z->utc)
		return (day_t)floor_div(t, DAY_SECONDS);
	int y, m, d;
	date_to_ymd((day_t)floor_div(t, DAY_SECONDS), &y, &m, &d);
	if (y < YEAR_FIRST || y > YEAR_LAST)
		BUG("instant outside the years a zone answers for");
	struct zone_year **slot = &z->years[y - YEAR_FIRST];
	if (!*slot) {
		char *saved = use_tz(z);
		*slot = read_year(y);
		restore_tz(saved);
	}
	const struct zone_year *zy = *slot;
	int64_t off;
	if (zy->n < 0) {
		char *saved = use_tz(z);
		off = probe(t);
		restore_tz(saved);
	} else {
		off = zy->off0;
		for (int i = 0; i < zy->n && t >= zy->at[i]; i++)
			off = zy->off[i];
	}
	return (day_t)floor_div(t + off, DAY_SECONDS);
}

/* ------------------------------------------------------------------------
 * Dates
 * ---------------------------------------------------------------------- */

static const char *const expected_date[] = {
	[DATE_ISO] = "expected YYYY-MM-DD",
	[DATE_MDY] = "expected MM/DD/YYYY",
	[DATE_DMY_SLASH] = "expected DD/MM/YYYY",
	[DATE_DMY_DOT] = "expected DD.MM.YYYY",
};
static const char *const expected_month[] = {
	[DATE_ISO] = "expected YYYY-MM or YYYY-MM-DD",
	[DATE_MDY] = "expected YYYY-MM or MM/DD/YYYY",
	[DATE_DMY_SLASH] = "expected YYYY-MM or DD/MM/YYYY",
	[DATE_DMY_DOT] = "expected YYYY-MM or DD.MM.YYYY",
};
static const char R_YEAR[] = "expected a four-digit year";
static const char R_NOT_REAL[] = "not a real date";
static const char R_TIME[] = "expected a time such as 14:22 or 2:22 PM after the date";
static const char R_HOUR[] = "hour out of range";
static const char R_HOUR12[] = "hour out of range for AM/PM, expected 1 to 12";
static const char R_MINUTE[] = "minute out of range";
static const char R_SECOND[] = "second out of range";
static const char R_ZONE[] = "expected a time zone such as Z, UTC or +02:00 after the time";
static const char R_OFFSET[] = "time-zone offset out of range";
static const char R_MONTH[] = "not a real month";

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Read up to max digits at *p (before e) into *v; the count read. */
static int digits(const char **p, const char *e, int max, int *v)
{
	int k = 0, x = 0;
	while (*p < e && k < max && is_digit(**p)) {
		x = x * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	*v = x;
	return k;
}

static bool take(const char **p, const char *e, char c)
{
	if (*p < e && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

/* Case-insensitive ASCII word w at *p, not followed by a letter. */
static bool take_word(const char **p, const char *e, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(e - *p) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (((*p)[i] | 0x20) != (w[i] | 0x20))
			return false;
	const char *q = *p + n;
	if (q < e && ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'))
		return false;
	*p = q;
	return true;
}

/* The calendar part: format f with 1- or 2-digit day and month, or ISO. */
static const char *parse_ymd(const char **pp, const char *e, enum date_format f, int *y, int *m,
			     int *d)
{
	const char *p = *pp;
	int a, b, c;
	int k = digits(&p, e, 5, &a);
	if (k == 4 && take(&p, e, '-')) {
		*y = a;
		if (!digits(&p, e, 2, m) || !take(&p, e, '-') || !digits(&p, e, 2, d))
			return expected_date[f];
	} else {
		char sep = f == DATE_DMY_DOT ? '.' : '/';
		if (f == DATE_ISO || k < 1 || k > 2 || !take(&p, e, sep) || !digits(&p, e, 2, &b) ||
		    !take(&p, e, sep))
			return expected_date[f];
		int ky = digits(&p, e, 5, &c);
		if (ky == 2 && (p == e || !is_digit(*p)))
			return R_YEAR;
		if (ky != 4)
			return expected_date[f];
		*y = c;
		*m = f == DATE_MDY ? a : b;
		*d = f == DATE_MDY ? b : a;
	}
	if (p < e && is_digit(*p))
		return expected_date[f];
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > date_days_in_month(*y, *m))
		return R_NOT_REAL;
	*pp = p;
	return NULL;
}

/* One space, U+00A0 or U+202F at p: its length, or 0. */
static size_t space_len(const char *p, const char *e)
{
	if (p < e && *p == ' ')
		return 1;
	if (e - p >= 2 && !memcmp(p, "\xc2\xa0", 2))
		return 2;
	if (e - p >= 3 && !memcmp(p, "\xe2\x80\xaf", 3))
		return 3;
	return 0;
}

/* The time after the date: sets *secs to the seconds since the start of
 * the day as written, minus the zone's offset when there is a zone, and
 * *has_zone. */
static const char *parse_time(const char *p, const char *e, bool *has_zone, int64_t *secs)
{
	int h, mi, se = 0;
	if (!digits(&p, e, 2, &h) || !take(&p, e, ':') || digits(&p, e, 2, &mi) != 2)
		return R_TIME;
	if (take(&p, e, ':') && digits(&p, e, 2, &se) != 2)
		return R_TIME;
	if (p < e && is_digit(*p))
		return R_TIME;
	if (take(&p, e, '.')) {
		int ignored;
		if (!digits(&p, e, 1, &ignored))
			return R_TIME;
		while (p < e && is_digit(*p))
			p++;
	}
	const char *q = p;
	take(&q, e, ' ');
	int ampm = take_word(&q, e, "AM") ? 1 : take_word(&q, e, "PM") ? 2 : 0;
	if (ampm)
		p = q;
	if (ampm ? h < 1 || h > 12 : h > 23)
		return ampm ? R_HOUR12 : R_HOUR;
	if (mi > 59)
		return R_MINUTE;
	if (se > 59)
		return R_SECOND;
	if (ampm)
		h = h % 12 + (ampm == 2 ? 12 : 0);
	*secs = h * 3600 + mi * 60 + se;
	*has_zone = false;
	if (p == e)
		return NULL;
	take(&p, e, ' ');
	if (take(&p, e, 'Z') || take_word(&p, e, "UTC")) {
		*has_zone = true;
	} else if (p < e && (*p == '+' || *p == '-')) {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (digits(&p, e, 2, &oh) != 2)
			return R_ZONE;
		take(&p, e, ':');
		if (digits(&p, e, 2, &om) != 2)
			return R_ZONE;
		if (oh > 23 || om > 59)
			return R_OFFSET;
		*secs -= sign * (oh * 3600 + om * 60);
		*has_zone = true;
	}
	return p == e ? NULL : R_ZONE;
}

bool field_parse_date(const char *s, size_t n, enum date_format f, struct field_zone *z,
		      day_t *out, const char **why)
{
	if ((unsigned)f > DATE_DMY_DOT)
		BUG("bad date format");
	const char *p = s, *e = s + n;
	int y = 0, m = 0, d = 0;
	const char *r = parse_ymd(&p, e, f, &y, &m, &d);
	if (r) {
		*why = r;
		return false;
	}
	day_t day = date_from_ymd(y, m, d);
	if (p < e) {
		if (*p != 'T' && *p != ' ') {
			*why = expected_date[f];
			return false;
		}
		bool zoned;
		int64_t secs;
		if ((r = parse_time(p + 1, e, &zoned, &secs))) {
			*why = r;
			return false;
		}
		if (zoned)
			day = field_zone_local_day(z, (int64_t)day * DAY_SECONDS + secs);
	}
	*out = day;
	return true;
}

bool field_parse_month(const char *s, size_t n, enum date_format f, struct field_zone *z,
		       int *out, const char **why)
{
	const char *p = s, *e = s + n;
	int y, m;
	if (digits(&p, e, 5, &y) == 4 && take(&p, e, '-') && digits(&p, e, 2, &m) && p == e) {
		if (y < 1 || m < 1 || m > 12) {
			*why = R_MONTH;
			return false;
		}
		*out = y * 12 + m - 1;
		return true;
	}
	day_t d;
	if (!field_parse_date(s, n, f, z, &d, why)) {
		if (*why == expected_date[f])
			*why = expected_month[f];
		return false;
	}
	*out = month_of_day(d);
	return true;
}

/* ------------------------------------------------------------------------
 * Currencies
 * ---------------------------------------------------------------------- */

bool field_currency_valid(const char *code)
{
	if (!code)
		return false;
	for (int i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return false;
	return code[3] == 0;
}

/* True when the 3-letter code is in list, codes separated by one space. */
static bool in_list(const char *list, const char *code)
{
	for (const char *p = list; *p; p += p[3] ? 4 : 3)
		if (!memcmp(p, code, 3))
			return true;
	return false;
}

int field_currency_minor_digits(const char *code)
{
	/* ISO 4217 currencies with no minor unit. */
	static const char zero[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF "
				   "XOF XPF";
	return field_currency_valid(code) && in_list(zero, code) ? 0 : 2;
}

/* Symbols an amount may carry, with the ISO codes each stands for. */
#define SYM(text, codes) {text, sizeof text - 1, codes}
static const struct symbol {
	const char *text;
	size_t len;
	const char *codes; /* space-separated */
} symbols[] = {
	SYM("$", "USD CAD AUD NZD SGD HKD MXN ARS CLP COP TWD"),
	SYM("US$", "USD"), SYM("C$", "CAD"), SYM("CA$", "CAD"), SYM("A$", "AUD"), SYM("AU$", "AUD"),
	SYM("NZ$", "NZD"), SYM("S$", "SGD"), SYM("HK$", "HKD"), SYM("MX$", "MXN"), SYM("NT$", "TWD"),
	SYM("R$", "BRL"),
	SYM("\xe2\x82\xac", "EUR"),         /* € */
	SYM("\xc2\xa3", "GBP GIP FKP SHP"), /* £ */
	SYM("\xc2\xa5", "JPY CNY"),         /* ¥ */
	SYM("\xef\xbf\xa5", "JPY CNY"),     /* fullwidth ¥ */
	SYM("\xe2\x82\xb9", "INR"),         /* ₹ */
	SYM("\xe2\x82\xa9", "KRW"),         /* ₩ */
	SYM("\xe2\x82\xbd", "RUB"),         /* ₽ */
	SYM("\xe2\x82\xba", "TRY"),         /* ₺ */
	SYM("\xe2\x82\xaa", "ILS"),         /* ₪ */
	SYM("\xe2\x82\xab", "VND"),         /* ₫ */
	SYM("\xe2\x82\xb1", "PHP"),         /* ₱ */
	SYM("\xe2\x82\xb4", "UAH"),         /* ₴ */
	SYM("\xe2\x82\xa6", "NGN"),         /* ₦ */
	SYM("\xe0\xb8\xbf", "THB"),         /* ฿ */
	SYM("\xe2\x82\xb2", "PYG"),         /* ₲ */
	SYM("\xe2\x82\xa1", "CRC"),         /* ₡ */
	SYM("\xe2\x82\xb8", "KZT"),         /* ₸ */
	SYM("z\xc5\x82", "PLN"),            /* zł */
	SYM("K\xc4\x8d", "CZK"),            /* Kč */
	SYM("kr", "SEK NOK DKK ISK"),
	SYM("Fr.", "CHF"),
	SYM("R", "ZAR"), SYM("Rp", "IDR"), SYM("RM", "MYR"), SYM("Rs", "INR PKR LKR NPR"),
	SYM("Ft", "HUF"), SYM("lei", "RON"),
};

static const struct symbol *find_symbol(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
		if (symbols[i].len == n && !memcmp(symbols[i].text, s, n))
			return &symbols[i];
	return NULL;
}

bool field_currency_agrees(const char *named, const char *iso)
{
	if (!named || !*named)
		return true;
	if (!iso || !field_currency_valid(iso))
		return false;
	if (field_currency_valid(named))
		return !strcmp(named, iso);
	const struct symbol *sym = find_symbol(named, strlen(named));
	return sym && in_list(sym->codes, iso);
}

/* ------------------------------------------------------------------------
 * Amounts
 * ---------------------------------------------------------------------- */

static const char R_AMOUNT_DOT[] = "expected a number such as 12500.50";
static const char R_AMOUNT_COMMA[] = "expected a number such as 12500,50";
static const char R_SIGN[] = "a sign is not accepted: amounts are never negative";
static const char R_PAREN[] = "parentheses are not accepted: amounts are never negative";
static const char R_EXPONENT[] = "an exponent is not accepted";
static const char R_DECIMALS[] = "more than two decimals";
static const char R_GROUPS[] = "thousands separators must group three digits";
static const char R_MIXED[] = "mixed thousands separators";
static const char R_MAX[] = "above the largest amount accepted, 999,999,999,999.99";
static const char R_CURRENCY[] = "unknown currency symbol or code";
static const char R_TWO[] = "two currencies that disagree";
static const char R_READS_COMMA[] = "the decimal mark here is '.', and the value reads with "
				    "decimal = ,";
static const char R_READS_DOT[] = "the decimal mark here is ',', and the value reads with "
				  "decimal = .";

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alpha(int c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z');
}

static bool has_digit(const char *p, const char *e)
{
	for (; p < e; p++)
		if (is_digit(*p))
			return true;
	return false;
}

static const char *skip_spaces(const char *p, const char *e)
{
	for (size_t k; (k = space_len(p, e));)
		p += k;
	return p;
}

/* A currency at p: an ISO code (three upper-case letters not followed by
 * a letter) or the longest symbol of the table. Its length, or 0. */
static size_t currency_at(const char *p, const char *e)
{
	if (e - p >= 3 && is_upper(p[0]) && is_upper(p[1]) && is_upper(p[2]) &&
	    (e - p == 3 || (!is_alpha(p[3]) && p[3] != '$')))
		return 3;
	size_t best = 0;
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		if (symbols[i].text[0] != *p)
			continue;
		size_t k = symbols[i].len;
		if (k > best && (size_t)(e - p) >= k && !memcmp(p, symbols[i].text, k) &&
		    (e - p == (ptrdiff_t)k || !is_alpha(p[k])))
			best = k;
	}
	return best;
}

/* A thousands separator for decimal mark dec at p: its length, or 0. */
static size_t group_sep_len(const char *p, const char *e, char dec)
{
	if (p < e && (*p == '\'' || *p == (dec == '.' ? ',' : '.')))
		return 1;
	return space_len(p, e);
}

static bool parse_amount(const char *s, size_t n, char dec, struct field_amount *out,
			 const char **why)
{
	const char *p = s, *e = s + n;
	const char *expected = dec == '.' ? R_AMOUNT_DOT : R_AMOUNT_COMMA;
	*why = expected;
	/* a currency before the number */
	const char *pre = NULL;
	size_t pre_n = p < e && !is_digit(*p) ? currency_at(p, e) : 0;
	if (pre_n) {
		pre = p;
		p = skip_spaces(p + pre_n, e);
	}
	if (p == e || !is_digit(*p)) {
		if (p < e && (*p == '-' || *p == '+'))
			*why = R_SIGN;
		else if (p < e && *p == '(')
			*why = R_PAREN;
		else if (p < e && !pre && (is_alpha(*p) || (unsigned char)*p >= 0x80) &&
			 has_digit(p, e))
			*why = R_CURRENCY;
		return false;
	}
	/* the whole part: plain digits, or groups of three after a first group */
	int64_t units = 0;
	bool too_big = false;
	const char *first = p;
	while (p < e && is_digit(*p)) {
		units = units * 10 + (*p++ - '0');
		if (units > FIELD_MAX_AMOUNT / 100) {
			too_big = true;
			units = 0;
		}
	}
	size_t first_len = (size_t)(p - first);
	const char *sep = NULL;
	size_t sep_n = 0;
	for (size_t k; (k = group_sep_len(p, e, dec)) && p + k < e && is_digit(p[k]);) {
		const char *g = p + k;
		int group = 0, len = 0;
		while (g + len < e && is_digit(g[len]) && len < 4)
			group = group * 10 + (g[len++] - '0');
		if (len != 3 || first_len > 3 || *first == '0') {
			*why = R_GROUPS;
			return false;
		}
		if (sep && (sep_n != k || memcmp(sep, p, k))) {
			*why = R_MIXED;
			return false;
		}
		sep = p;
		sep_n = k;
		units = units * 1000 + group;
		if (units > FIELD_MAX_AMOUNT / 100) {
			too_big = true;
			units = 0;
		}
		p = g + 3;
	}
	if (p < e && (*p == '\'' || *p == (dec == '.' ? ',' : '.'))) {
		*why = R_GROUPS; /* "12," or "1'x": a separator with no group after it */
		return false;
	}
	/* the fraction */
	int64_t frac = 0;
	if (p < e && *p == dec) {
		p++;
		int k = 0;
		while (p < e && is_digit(*p)) {
			if (k < 2)
				frac = frac * 10 + (*p - '0');
			k++;
			p++;
		}
		if (!k)
			return false;
		if (k > 2) {
			*why = R_DECIMALS;
			return false;
		}
		if (k == 1)
			frac *= 10;
	}
	if (p < e && (*p == 'e' || *p == 'E') && p + 1 < e &&
	    (is_digit(p[1]) || p[1] == '+' || p[1] == '-')) {
		*why = R_EXPONENT;
		return false;
	}
	/* a currency after the number */
	const char *post = NULL;
	size_t post_n = 0;
	p = skip_spaces(p, e);
	if (p < e) {
		post_n = currency_at(p, e);
		if (!post_n || p + post_n != e) {
			if (p < e && (*p == '-' || *p == '+'))
				*why = R_SIGN;
			else if (is_alpha(*p) || (unsigned char)*p >= 0x80)
				*why = R_CURRENCY;
			return false;
		}
		post = p;
	}
	if (too_big) {
		*why = R_MAX;
		return false;
	}
	/* both: the same twice, or a symbol and a code it stands for */
	const char *cur = post ? post : pre;
	size_t cur_n = post ? post_n : pre_n;
	if (pre && post && (pre_n != post_n || memcmp(pre, post, pre_n))) {
		char a[8], b[8];
		memcpy(a, pre, pre_n);
		a[pre_n] = 0;
		memcpy(b, post, post_n);
		b[post_n] = 0;
		bool a_code = field_currency_valid(a), b_code = field_currency_valid(b);
		if (a_code == b_code || !field_currency_agrees(a_code ? b : a, a_code ? a : b)) {
			*why = R_TWO;
			return false;
		}
		cur = a_code ? pre : post;
		cur_n = 3;
	}
	out->cents = units * 100 + frac;
	memcpy(out->currency, cur ? cur : "", cur_n);
	out->currency[cur_n] = 0;
	return true;
}

bool field_parse_amount(const char *s, size_t n, char decimal, struct field_amount *out,
			const char **why)
{
	if (decimal != '.' && decimal != ',')
		BUG("decimal mark is '.' or ','");
	if (parse_amount(s, n, decimal, out, why))
		return true;
	/* a value that reads with the other decimal mark: say which setting */
	const char *r = *why;
	if (r == R_SIGN || r == R_PAREN || r == R_MAX || r == R_CURRENCY || r == R_TWO ||
	    r == R_EXPONENT)
		return false;
	struct field_amount other;
	const char *ignored;
	if (parse_amount(s, n, decimal == '.' ? ',' : '.', &other, &ignored))
		*why = decimal == '.' ? R_READS_COMMA : R_READS_DOT;
	return false;
}

/* ------------------------------------------------------------------------
 * FX rates and conversion
 * ---------------------------------------------------------------------- */

static const int64_t pow10[19] = {
	1,
	10,
	100,
	1000,
	10000,
	100000,
	1000000,
	10000000,
	100000000,
	1000000000,
	10000000000,
	100000000000,
	1000000000000,
	10000000000000,
	100000000000000,
	1000000000000000,
	10000000000000000,
	100000000000000000,
	1000000000000000000,
};

static const char R_RATE[] = "expected a positive decimal rate such as 1.0825";
static const char R_RATE_DECIMALS[] = "more than 12 decimals";
static const char R_RATE_DIGITS[] = "more than 18 significant digits";
static const char R_RATE_ZERO[] = "a rate must be above zero";

bool field_parse_rate(const char *s, size_t n, char decimal, struct field_rate *out,
		      const char **why)
{
	if (decimal != '.' && decimal != ',')
		BUG("decimal mark is '.' or ','");
	const char *p = s, *e = s + n;
	*why = R_RATE;
	if (p == e || !is_digit(*p))
		return false;
	char ds[40];      /* significant digits, leading zeros dropped */
	int nd = 0, scale = 0;
	bool over = false;
	for (bool frac = false; p < e; p++) {
		if (*p == decimal && !frac && p + 1 < e && is_digit(p[1])) {
			frac = true;
			continue;
		}
		if (!is_digit(*p))
			return false;
		if (frac)
			scale++;
		if (nd || *p != '0') {
			if (nd == (int)sizeof ds)
				over = true;
			else
				ds[nd++] = *p;
		}
	}
	while (scale > 0 && nd > 0 && ds[nd - 1] == '0') {
		nd--;
		scale--;
	}
	if (scale > FIELD_RATE_MAX_DECIMALS) {
		*why = R_RATE_DECIMALS;
		return false;
	}
	if (over || nd > 18) {
		*why = R_RATE_DIGITS;
		return false;
	}
	if (!nd) {
		*why = R_RATE_ZERO;
		return false;
	}
	int64_t v = 0;
	for (int i = 0; i < nd; i++)
		v = v * 10 + (ds[i] - '0');
	out->num = v;
	out->scale = scale;
	return true;
}

bool field_convert(cents_t amount, struct field_rate rate, int program_minor_digits,
		   cents_t *out)
{
	if (program_minor_digits < 0 || program_minor_digits > 2 || rate.num <= 0 ||
	    rate.scale < 0 || rate.scale > FIELD_RATE_MAX_DECIMALS)
		BUG("bad conversion arguments");
	int64_t unit = pow10[2 - program_minor_digits]; /* cents per minor unit */
	__int128 num = (__int128)amount * rate.num;
	__int128 den = (__int128)pow10[rate.scale] * unit;
	__int128 q = num / den, r = num % den; /* truncated toward zero */
	if (r < 0)
		r = -r;
	if (2 * r >= den)
		q += num < 0 ? -1 : 1;
	__int128 v = q * unit;
	if (v > FIELD_MAX_AMOUNT || v < -FIELD_MAX_AMOUNT)
		return false;
	*out = (cents_t)v;
	return true;
}
