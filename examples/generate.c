/*
 * generate.c: writes a co-sell program data set for reviewpack: program.ini
 * and the seven CSV files of SPEC section 2 (partners, deals, reviews,
 * enablement, tier_changes, forecast, incentives), all valid input.
 *
 * With no scaling flags it writes the Northwind example: 20 partners, 3,000
 * deals over the 18 months ending 2026-10, with a planted story (two core
 * partners outgrowing the strategic tier, a strategic partner in decline,
 * two partners missing enablement, untagged deals, ...; see examples/README.md). With --partners, --deals,
 * --months or --seed it writes a data set of that size with the same shape;
 * deals are streamed, so a million rows take about a second and little memory.
 *
 * With --salesforce it writes the same Northwind program as a Salesforce org
 * exports it (examples/salesforce): report exports with their footer, US
 * dates, 18-character ids, partners named by account name, stage names, and
 * deals of European customers in EUR and GBP ("Amount Currency"), each
 * opportunity's "Fiscal Period" (the fiscal quarter and year of its Close
 * Date), the program office's month-end rates (fx.csv) and the program.ini
 * that reads them. With --salesforce --plain it writes that same data in
 * the plain format (Salesforce ids, amounts converted at the fx.csv rates,
 * rounded half away from zero), which the tests compare it with.
 *
 * Output is deterministic: same flags, same bytes. Randomness comes from our
 * own xoshiro256** seeded by splitmix64, dates from our own calendar code,
 * numbers are formatted by hand: no rand(), no clock, no locale.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PROG "gen-example"
#define NW_SEED 20261031u
#define NW_DEALS 3000
#define NW_MONTHS 18
#define END_YEAR 2026
#define END_MONTH 10
#define FISCAL_START 2          /* February, as in program.ini */

/* ------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------- */

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void die_errno(const char *what, const char *path)
{
	fprintf(stderr, PROG ": %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		die("%s", "out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("%s", "out of memory");
	return p;
}

/* ------------------------------------------------------------------------
 * Random numbers: xoshiro256**, state filled by splitmix64. Each purpose
 * (deals, reviews of partner i, ...) has its own stream, so tuning one part
 * of the generator does not reshuffle the others.
 * ---------------------------------------------------------------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [0, n), n < 2^32. */
static long rng_below(struct rng *r, long n)
{
	if (n <= 1)
		return 0;
	return (long)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform integer in [lo, hi]. */
static long rng_range(struct rng *r, long lo, long hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

static int rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* About standard normal (Irwin-Hall: 12 uniforms), bounded to +-6. */
static double rng_normal(struct rng *r)
{
	double s = 0;
	for (int i = 0; i < 12; i++)
		s += rng_unit(r);
	return s - 6.0;
}

/* e^x from + - * / only (bit-identical everywhere), for |x| < 30. */
static double xexp(double x)
{
	const double ln2 = 0.69314718055994530942;
	int k = (int)(x / ln2 + (x < 0 ? -0.5 : 0.5));
	double r = x - k * ln2, term = 1, sum = 1;
	for (int i = 1; i < 16; i++) {
		term = term * r / i;
		sum += term;
	}
	for (; k > 0; k--)
		sum *= 2;
	for (; k < 0; k++)
		sum /= 2;
	return sum;
}

/* ------------------------------------------------------------------------
 * Calendar: days since 1970-01-01 (proleptic Gregorian), months as
 * year * 12 + month - 1.
 * ---------------------------------------------------------------------- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static long leaps_before(int y) /* leap years in [1, y) */
{
	long p = y - 1;
	return p / 4 - p / 100 + p / 400;
}

static long day_of(int y, int m, int d)
{
	long n = 365L * (y - 1970) + leaps_before(y) - leaps_before(1970);
	for (int i = 1; i < m; i++)
		n += month_len(y, i);
	return n + d - 1;
}

static void civil(long day, int *y, int *m, int *d)
{
	int yr = 1970 + (int)(day / 366);
	while (day_of(yr + 1, 1, 1) <= day)
		yr++;
	long r = day - day_of(yr, 1, 1);
	int mo = 1;
	while (r >= month_len(yr, mo))
		r -= month_len(yr, mo++);
	*y = yr;
	*m = mo;
	*d = (int)r + 1;
}

/* 0 = Monday .. 6 = Sunday; 1970-01-01 was a Thursday. */
static int weekday(long day)
{
	return (int)(((day % 7) + 7 + 3) % 7);
}

static int month_index(int y, int m)
{
	return y * 12 + m - 1;
}

static long month_first(int mi)
{
	return day_of(mi / 12, mi % 12 + 1, 1);
}

static int month_days(int mi)
{
	return month_len(mi / 12, mi % 12 + 1);
}

static long month_last(int mi)
{
	return month_first(mi) + month_days(mi) - 1;
}

static int month_of_day(long day)
{
	int y, m, d;
	civil(day, &y, &m, &d);
	return month_index(y, m);
}

/* Monday..Friday at or before day (never before floor). */
static long weekday_back(long day, long floor)
{
	while (weekday(day) >= 5 && day > floor)
		day--;
	return day;
}

/* Monday..Friday at or after day. */
static long weekday_fwd(long day)
{
	while (weekday(day) >= 5)
		day++;
	return day;
}

static long parse_day(const char *s)
{
	int y, m, d;
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		die("bad date in the example table: %s", s);
	return day_of(y, m, d);
}

/* ------------------------------------------------------------------------
 * CSV rows: built in a buffer, written with one fwrite.
 * ---------------------------------------------------------------------- */

/* Dates as text, cached for the days around the data. */
static long dcache_lo;
static long dcache_n;
static char (*dcache)[11];

static void date_text(long day, char out[11])
{
	if (day >= dcache_lo && day < dcache_lo + dcache_n) {
		memcpy(out, dcache[day - dcache_lo], 11);
		return;
	}
	int y, m, d;
	civil(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static void date_cache(long lo, long hi)
{
	dcache_n = 0;
	dcache = xmalloc((size_t)(hi - lo + 1) * sizeof *dcache);
	for (long d = lo; d <= hi; d++) {
		int y, m, dd;
		civil(d, &y, &m, &dd);
		snprintf(dcache[d - lo], 11, "%04d-%02d-%02d", y, m, dd);
	}
	dcache_lo = lo;
	dcache_n = hi - lo + 1;
}

struct row {
	char b[1024];
	size_t n;
};

static void r_raw(struct row *r, const char *s, size_t n)
{
	if (r->n + n + 2 > sizeof r->b)
		die("%s", "row too long");
	memcpy(r->b + r->n, s, n);
	r->n += n;
}

static void r_sep(struct row *r)
{
	r->b[r->n++] = ',';
}

/* A text field, quoted (RFC 4180) when it holds a comma, quote or newline. */
static void r_str(struct row *r, const char *s)
{
	size_t n = strlen(s);
	if (!strpbrk(s, ",\"\r\n")) {
		r_raw(r, s, n);
		return;
	}
	r_raw(r, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			r_raw(r, "\"", 1);
		r_raw(r, p, 1);
	}
	r_raw(r, "\"", 1);
}

static void r_uint(struct row *r, unsigned long long v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		r->b[r->n++] = t[--n];
}

/* Money from cents: "48250.00". */
static void r_money(struct row *r, int64_t cents)
{
	r_uint(r, (unsigned long long)(cents / 100));
	r->b[r->n++] = '.';
	r->b[r->n++] = (char)('0' + cents % 100 / 10);
	r->b[r->n++] = (char)('0' + cents % 10);
}

static void r_date(struct row *r, long day)
{
	char t[11];
	date_text(day, t);
	r_raw(r, t, 10);
}

static void r_month(struct row *r, int mi)
{
	char t[16];
	snprintf(t, sizeof t, "%04d-%02d", mi / 12, mi % 12 + 1);
	r_raw(r, t, 7);
}

/* The form written: plain (SPEC 2), Salesforce report exports, or the
 * Salesforce data in plain form. */
enum style { S_PLAIN, S_SF, S_SF_PLAIN };
static enum style style;

static void r_end(struct row *r, FILE *f)
{
	if (style == S_SF)
		r->b[r->n++] = '\r';
	r->b[r->n++] = '\n';
	fwrite(r->b, 1, r->n, f);
	r->n = 0;
}

/* ---- Salesforce report exports ---- */

/* A field as Salesforce writes every field: in double quotes. */
static void r_q(struct row *r, const char *s)
{
	r_raw(r, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			r_raw(r, "\"", 1);
		r_raw(r, p, 1);
	}
	r_raw(r, "\"", 1);
}

/* A US date, "10/5/2026", quoted; day < 0 is an empty field. */
static void r_qdate_us(struct row *r, long day)
{
	char t[16] = "";
	if (day >= 0) {
		char iso[11];
		date_text(day, iso);
		snprintf(t, sizeof t, "%d/%d/%.4s", atoi(iso + 5), atoi(iso + 8), iso);
	}
	r_q(r, t);
}

/* The "Fiscal Period" of a day, "Q3-2027", quoted: its quarter of the
 * fiscal year starting in FISCAL_START, and that year named by the
 * calendar year in which it ends (the org's "Fiscal Year is Based On: The
 * Ending Month"). */
static void r_qfiscal(struct row *r, long day)
{
	int y, m, d;
	civil(day, &y, &m, &d);
	char t[16];
	snprintf(t, sizeof t, "Q%d-%d", (m - FISCAL_START + 12) % 12 / 3 + 1,
		 m >= FISCAL_START && FISCAL_START > 1 ? y + 1 : y);
	r_q(r, t);
}

/* Money as a Salesforce report formats it, "$79,605.99", quoted. */
static void r_qmoney(struct row *r, int64_t cents, const char *symbol)
{
	char digits[24], t[48];
	snprintf(digits, sizeof digits, "%lld", (long long)(cents / 100));
	size_t n = strlen(digits), o = 0;
	o += (size_t)snprintf(t, sizeof t, "%s", symbol);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			t[o++] = ',';
		t[o++] = digits[i];
	}
	snprintf(t + o, sizeof t - o, ".%02d", (int)(cents % 100));
	r_q(r, t);
}

/* An 18-character Salesforce id: the 15-character id, then the checksum of
 * its capitals (one character per 5). */
static void sf_id(char out[19], const char *prefix, long n, int digits)
{
	snprintf(out, 19, "%s%0*ld", prefix, digits, n);
	for (int c = 0; c < 3; c++) {
		int bits = 0;
		for (int i = 0; i < 5; i++)
			if (out[c * 5 + i] >= 'A' && out[c * 5 + i] <= 'Z')
				bits |= 1 << i;
		out[15 + c] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits];
	}
	out[18] = 0;
}

#define SF_STAMP "-2026-11-01-08-00-00.csv"

/* The footer Salesforce writes under a report export. */
static void sf_footer(FILE *f, long records)
{
	char n[24];
	if (records >= 1000)
		snprintf(n, sizeof n, "%ld,%03ld", records / 1000, records % 1000);
	else
		snprintf(n, sizeof n, "%ld", records);
	fprintf(f, "\r\n\"Grand Totals (%s records)\"\r\n\r\n"
		   "\"Confidential Information - Do Not Distribute\"\r\n"
		   "\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\r\n\r\n"
		   "\"Generated By:  Dana Whitfield  11/1/2026 8:00 AM\"\r\n"
		   "\"Northwind Software\"\r\n", n);
}

/* ------------------------------------------------------------------------
 * Output files
 * ---------------------------------------------------------------------- */

static const char *out_dir;
static char *out_buf[8];

static FILE *open_out(const char *base, const char *header)
{
	size_t n = strlen(out_dir) + strlen(base) + 2;
	char *path = xmalloc(n);
	snprintf(path, n, "%s/%s", out_dir, base);
	FILE *f = fopen(path, "w");
	if (!f)
		die_errno("cannot write", path);
	for (int i = 0; i < 8; i++)
		if (!out_buf[i]) {
			out_buf[i] = xmalloc(1 << 16);
			setvbuf(f, out_buf[i], _IOFBF, 1 << 16);
			break;
		}
	free(path);
	if (header)
		fprintf(f, "%s%s", header, style == S_SF ? "\r\n" : "\n");
	return f;
}

static void close_out(FILE *f, const char *base)
{
	if (ferror(f) | fclose(f))
		die("error writing %s", base);
}

static void make_dirs(const char *path)
{
	char *p = xmalloc(strlen(path) + 1);
	strcpy(p, path);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = 0;
			if (mkdir(p, 0777) != 0 && errno != EEXIST)
				die_errno("cannot create", p);
			*s = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		die("not a folder: %s", path);
	free(p);
}

/* ------------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------- */

static const char *const first_names[] = {
	"Aisha", "Ben", "Carmen", "Daniel", "Emily", "Farid", "Grace", "Hiroshi",
	"Isabel", "Jonas", "Keisha", "Liam", "Maya", "Nikhil", "Olivia", "Pavel",
	"Quinn", "Rosa", "Samuel", "Tara", "Umar", "Valerie", "Wesley", "Ximena",
	"Yusuf", "Zoe", "Adrian", "Beatriz", "Connor", "Dalia", "Ethan", "Fiona",
	"Gabriel", "Hannah", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nora",
};
static const char *const last_names[] = {
	"Abbott", "Bergstrom", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallagher",
	"Haddad", "Ibarra", "Jensen", "Kaur", "Lindqvist", "Moreau", "Nakamura",
	"Okafor", "Petrov", "Quintero", "Rossi", "Sandoval", "Takahashi", "Ulrich",
	"Varga", "Whitaker", "Xu", "Yamada", "Zielinski", "Achebe", "Brennan", "Chowdhury",
	"Delgado", "Esposito", "Fontaine", "Greenberg", "Horvath", "Iyer", "Jovanovic",
	"Kowalczyk", "Lachance", "Mbeki", "Novak",
};
#define N_FIRST (sizeof first_names / sizeof first_names[0])
#define N_LAST (sizeof last_names / sizeof last_names[0])

/* Person k of a family of names; a permutation keeps them distinct. */
static void person_name(long k, long salt, char *out, size_t n)
{
	long total = (long)(N_FIRST * N_LAST);
	long j = (k * 1031 + salt * 389) % total;
	snprintf(out, n, "%s %s", first_names[j % (long)N_FIRST], last_names[j / (long)N_FIRST]);
	if (k >= total)
		snprintf(out + strlen(out), n - strlen(out), " %ld", k / total + 1);
}

static const char *const acct_a[] = {
	"Alder Creek", "Amberfield", "Ashgrove", "Bayview", "Birchmont", "Bramblewood",
	"Briarcliff", "Canyon Ridge", "Cobalt Bay", "Coral Springs", "Crescent", "Deerfield",
	"Eastbrook", "Elmstead", "Fairhaven", "Falcon Crest", "Glenmoor", "Goldleaf",
	"Hawthorne", "Highmark", "Hollis", "Ivy Lane", "Keystone Valley", "Lark Hill",
	"Linden", "Maple Hollow", "Marlowe", "Millbrook", "Northfield", "Oak Harbor",
	"Orchard", "Palisade", "Pebble Creek", "Prairie", "Quayside", "Ravenwood",
	"Riverbend", "Rosemont", "Sagebrush", "Sandstone", "Shoreline", "Stonegate",
	"Sunfield", "Thornbury", "Trillium", "Valley Forge", "Willowby", "Windmere",
};
static const char *const acct_b[] = {
	"Foods", "Health", "Freight", "Insurance", "Credit Union", "Manufacturing",
	"Retail", "Energy", "Pharma", "Logistics", "Media", "Hotels", "Dental Group",
	"Motors", "Telecom", "Utilities", "Capital", "Bank", "Labs", "Textiles",
	"Aerospace", "Marine", "Packaging", "Robotics", "Brewing", "Furniture",
	"Clinics", "Learning", "Realty", "Apparel",
};
static const char *const acct_c[] = {
	"", " Inc.", " Group", " Co.", ", Inc.", " LLC", " Ltd", " Holdings",
};
#define N_ACCT_A (sizeof acct_a / sizeof acct_a[0])
#define N_ACCT_B (sizeof acct_b / sizeof acct_b[0])
#define N_ACCT_C (sizeof acct_c / sizeof acct_c[0])
#define N_ACCT_MAX ((long)(N_ACCT_A * N_ACCT_B * N_ACCT_C))

static void account_name(long k, char *out, size_t n)
{
	long j = (k * 7331 + 17) % N_ACCT_MAX;
	snprintf(out, n, "%s %s%s", acct_a[j % (long)N_ACCT_A],
		 acct_b[j / (long)N_ACCT_A % (long)N_ACCT_B],
		 acct_c[j / (long)(N_ACCT_A * N_ACCT_B)]);
}

static const char *const firm_a[] = {
	"Acorn", "Alpine", "Anchorline", "Aspenwood", "Basalt", "Beacon Hill", "Bluestem",
	"Bristlecone", "Cascadia", "Clearwater", "Cobblestone", "Cypress", "Driftwood",
	"Ember", "Evergreen Row", "Fernbrook", "Fieldstone", "Flintlock", "Galena",
	"Glacier Bay", "Harrow", "Heronsgate", "Highland", "Indigo", "Ironwood",
	"Jasper", "Kingfisher", "Lodestar", "Marigold", "Mesa Verde", "Moonstone",
	"Nettle", "Osprey", "Paloma", "Pinnacle Rock", "Quartzite", "Rainier",
	"Rookery", "Sable", "Seabright", "Sparrowhawk", "Starling", "Tamarack",
	"Thistle", "Umber", "Verdant", "Wildrose", "Wren",
};
static const char *const firm_b[] = {
	"Analytics", "Cloud Systems", "Consulting", "Data", "Digital", "IT Services",
	"Integration", "Partners", "Software", "Solutions", "Systems", "Technologies",
	"Advisory", "Labs", "Data Works", "Networks", "Security", "Group", "Integrators",
	"Cloud", "Logic", "Insights", "Infrastructure", "Automation",
};
#define N_FIRM_A (sizeof firm_a / sizeof firm_a[0])
#define N_FIRM_B (sizeof firm_b / sizeof firm_b[0])

static const char *const asset_names[3] = {"pitch", "playbook", "training"};
static const char *const kind_names[3] = {"deal_review", "qbr", "account_mapping"};
static const char *const tier_ids[2] = {"strategic", "core"};

/* The same things as a Salesforce org names them. */
static const char *const sf_assets[3] = {"Joint Pitch", "Pursuit Playbook", "Co-Sell Training"};
static const char *const sf_kinds[3] = {"Deal Review", "Quarterly Business Review",
					"Account Mapping"};
static const char *const sf_tiers[2] = {"Platinum", "Gold"};
static const char *const sf_sides[2] = {"Host Sellers", "Partner Sellers"};

/* Deals of European customers are booked in EUR or GBP, converted at these
 * rates, the same every month (fx.csv): USD per unit = num / den, den a
 * power of ten. */
static const struct {
	const char *code, *symbol;
	int64_t num, den;
} sf_currencies[3] = {{"USD", "$", 1, 1}, {"EUR", "\xE2\x82\xAC", 10825, 10000},
		      {"GBP", "\xC2\xA3", 127, 100}};

/* ------------------------------------------------------------------------
 * The program model
 * ---------------------------------------------------------------------- */

enum { T_STRATEGIC, T_CORE };
enum curve { C_FLAT, C_DECLINE, C_SURGE, C_STOP, C_STEPUP };
enum enab { E_FULL, E_NO_PARTNER_TRAINING, E_NEW };
enum plan { P_NORMAL, P_SLIPPING, P_SKIP_ONE, P_LAPSED };

struct partner {
	char id[16];
	char sfid[19];          /* its Salesforce account id */
	char name[64];
	int tier;               /* current tier (partners.csv) */
	int first_tier;         /* tier at joining */
	long moved_on;          /* day of the one tier move, -1 = none */
	int manager;
	int overlap;
	long joined, exited;    /* exited -1 = active */
	double weight;          /* relative deal flow */
	double size;            /* multiplier on the tier's median deal */
	double win;             /* win probability */
	double untagged;        /* probability a deal is left untagged */
	double sourced;         /* share of tagged deals that the partner sourced */
	enum curve curve;
	enum enab enab;
	enum plan plan;
	long tier_until;        /* no tier reviews attended after this day; -1 = all */
	int review_wday;        /* strategic: weekday of the weekly deal review */
	int review_mday;        /* core: usual day of the monthly deal review */
	int fc_permille;        /* manager's forecast: weighted pipeline factor */
};

struct gen {
	int northwind;
	uint64_t seed;
	int np;
	struct partner *p;
	int n_managers;
	char (*managers)[48];
	int n_owners;
	long n_accounts;
	long n_deals;
	int months;             /* data months, ending END */
	int m0;                 /* first data month */
	long launch;            /* program launch day */
	long end;               /* last day of the data (2026-10-31) */
	long training_from;     /* the joint training course is available from */
	long slip_from;         /* slipping partners review fortnightly from */
	double direct_weight;
	int64_t *forecast;      /* np x months: weighted pipeline, cents */
	long *tier_reviews;     /* quarterly tier review days */
	int n_tier_reviews;
};

/* The Northwind partners (see examples/README.md for the story). */
struct nw_partner {
	const char *id, *name;
	int tier, manager, overlap;
	const char *joined, *exited;
	double weight, size, win, untagged;
	enum curve curve;
	enum enab enab;
	enum plan plan;
	const char *tier_until;     /* last quarterly tier review attended */
	int review_wday;            /* 1 = Tuesday, 2 = Wednesday, 3 = Thursday */
	int review_mday;
};

static const char *const nw_managers[] = {
	"Dana Whitfield", "Marcus Oyelaran", "Priya Raman", "Tom\xC3\xA1s Herrera", "Elena Kowalski",
};

static const char *const nw_owners[] = {
	"Rachel Kim", "Owen Brooks", "Sofia Marchetti", "Jamal Carter", "Hannah Lindgren",
	"Diego Alvarez", "Megan O'Neill", "Arjun Mehta", "Claire Dumont", "Tyler Grant",
	"Naomi Feld", "Victor Santos", "Leah Goldstein", "Kwame Mensah", "Ingrid Olsen",
	"Patrick Doyle",
};

static const struct nw_partner nw_partners[] = {
	{"bluefin", "Bluefin Analytics", T_STRATEGIC, 0, 380, "2025-04-01", NULL,
	 1.10, 1.05, 0.40, 0.050, C_FLAT, E_FULL, P_NORMAL, NULL, 3, 0},
	{"brightwater", "Brightwater Digital", T_CORE, 3, 120, "2025-04-15", NULL,
	 0.50, 0.95, 0.34, 0.350, C_FLAT, E_FULL, P_NORMAL, NULL, 0, 14},
	{"cedar-cloud", "Cedar Cloud Systems", T_CORE, 0, 210, "2025-06-02", NULL,
	 0.55, 1.30, 0.43, 0.060, C_SURGE, E_FULL, P_NORMAL, NULL, 0, 9},
	{"copperleaf", "Copperleaf IT Services", T_CORE, 4, 95, "2025-04-22", NULL,
	 0.45, 0.90, 0.33, 0.080, C_FLAT, E_FULL, P_NORMAL, "2026-02-10", 0, 20},
	{"foxglove", "Foxglove Cloud", T_CORE, 0, 150, "2025-07-14", NULL,
	 0.50, 1.00, 0.36, 0.300, C_FLAT, E_FULL, P_NORMAL, NULL, 0, 16},
	{"granite-peak", "Granite Peak Consulting", T_CORE, 3, 370, "2025-04-08", NULL,
	 0.40, 1.10, 0.35, 0.075, C_STOP, E_FULL, P_NORMAL, NULL, 0, 12},
	{"harbor-point", "Harbor Point Data", T_STRATEGIC, 1, 310, "2025-04-01", NULL,
	 1.00, 1.00, 0.39, 0.050, C_DECLINE, E_FULL, P_SLIPPING, "2026-02-10", 2, 0},
	{"ironbridge", "Ironbridge Consulting", T_STRATEGIC, 2, 290, "2025-04-08", NULL,
	 0.95, 1.00, 0.38, 0.050, C_FLAT, E_FULL, P_NORMAL, NULL, 3, 0},
	{"juniper-row", "Juniper Row Advisory", T_CORE, 2, 60, "2025-09-15", NULL,
	 0.35, 0.90, 0.34, 0.080, C_FLAT, E_FULL, P_LAPSED, NULL, 0, 8},
	{"kestrel", "Kestrel Data Labs", T_CORE, 2, 195, "2025-05-05", NULL,
	 0.50, 1.35, 0.44, 0.060, C_SURGE, E_FULL, P_NORMAL, NULL, 0, 22},
	{"lakeshore", "Lakeshore Solutions Group", T_CORE, 4, 140, "2025-04-15", NULL,
	 0.50, 0.95, 0.34, 0.080, C_FLAT, E_FULL, P_NORMAL, NULL, 0, 6},
	{"meridian", "Meridian Systems Group", T_STRATEGIC, 0, 355, "2025-04-01", NULL,
	 1.05, 1.10, 0.39, 0.045, C_FLAT, E_FULL, P_NORMAL, NULL, 1, 0},
	{"oakmere", "Oakmere Software", T_CORE, 1, 85, "2025-04-22", "2026-06-30",
	 0.40, 0.90, 0.29, 0.080, C_FLAT, E_FULL, P_NORMAL, NULL, 0, 18},
	{"pinecrest", "Pinecrest Systems", T_CORE, 1, 110, "2025-11-03", NULL,
	 0.40, 0.95, 0.35, 0.075, C_FLAT, E_FULL, P_NORMAL, NULL, 0, 24},
	{"quillfield", "Quillfield Digital", T_CORE, 4, 45, "2026-09-01", NULL,
	 0.40, 0.90, 0.32, 0.080, C_FLAT, E_NEW, P_NORMAL, NULL, 0, 15},
	{"saltmarsh", "Saltmarsh Technologies", T_CORE, 3, 75, "2025-06-16", NULL,
	 0.40, 0.90, 0.33, 0.080, C_FLAT, E_FULL, P_NORMAL, NULL, 0, 11},
	{"silverpine", "Silverpine Data", T_CORE, 4, 130, "2025-04-29", NULL,
	 0.45, 0.95, 0.34, 0.080, C_FLAT, E_FULL, P_NORMAL, "2025-11-11", 0, 19},
	{"summit-ridge", "Summit Ridge Partners", T_STRATEGIC, 3, 240, "2025-05-12", NULL,
	 0.90, 1.00, 0.39, 0.050, C_STEPUP, E_FULL, P_NORMAL, NULL, 1, 0},
	{"tidewater", "Tidewater Integration", T_STRATEGIC, 1, 265, "2025-04-01", NULL,
	 0.95, 1.00, 0.38, 0.050, C_FLAT, E_NO_PARTNER_TRAINING, P_SKIP_ONE, NULL, 1, 0},
	{"westmark", "Westmark Integrators", T_CORE, 2, 30, "2026-08-04", NULL,
	 0.40, 0.90, 0.32, 0.080, C_FLAT, E_FULL, P_NORMAL, NULL, 0, 13},
};
#define NW_N (int)(sizeof nw_partners / sizeof nw_partners[0])

/* Summit Ridge started in core and was promoted at the 2026-02-10 tier review. */
#define NW_MOVED_ID "summit-ridge"
#define NW_MOVED_ON "2026-02-10"

/* Median deal size (dollars) and win rates of the tiers and of direct deals. */
static const double tier_median[2] = {62000, 46000};
#define DIRECT_MEDIAN 34500.0
#define DIRECT_WIN 0.285
#define AMOUNT_SIGMA 0.55
#define FORECAST_SIGMA 0.3      /* spread of a manager's call around the pipeline */

/* The partner's id in the form written. */
static const char *pid(const struct partner *p)
{
	return style == S_PLAIN ? p->id : p->sfid;
}

static int tier_at(const struct partner *p, long day)
{
	return p->moved_on >= 0 && day < p->moved_on ? p->first_tier : p->tier;
}

static long active_to(const struct gen *g, const struct partner *p)
{
	return p->exited >= 0 && p->exited < g->end ? p->exited : g->end;
}

/* Deal-flow multiplier of a partner's story in month mi. */
static double curve_flow(const struct gen *g, const struct partner *p, int mi)
{
	int k = g->m0 + g->months - 1 - mi; /* months before the last */
	switch (p->curve) {
	case C_DECLINE: {
		static const double f[] = {0.10, 0.10, 0.12, 0.18, 0.30, 0.50, 0.75};
		return k < 7 ? f[k] : 1.0;
	}
	case C_SURGE: {
		static const double f[] = {2.6, 2.6, 2.6, 2.5, 2.3, 2.0, 1.7, 1.4, 1.2};
		return k < 9 ? f[k] : 1.0;
	}
	case C_STOP:
		return k < 3 ? 0.0 : 1.0;
	case C_STEPUP:
		return k < 10 ? 1.0 : 0.6;
	case C_FLAT:
		break;
	}
	return 1.0;
}

/* Win-probability multiplier of a partner's story in month mi. */
static double curve_win(const struct gen *g, const struct partner *p, int mi)
{
	int k = g->m0 + g->months - 1 - mi;
	if (p->curve == C_DECLINE && k < 6)
		return 0.5;
	return 1.0;
}

/* Expected deals of partner p created in month mi (relative units). */
static double partner_flow(const struct gen *g, const struct partner *p, int mi)
{
	long first = month_first(mi), last = month_last(mi);
	long lo = p->joined > first ? p->joined : first;
	long hi = active_to(g, p) < last ? active_to(g, p) : last;
	if (hi < lo)
		return 0;
	double frac = (double)(hi - lo + 1) / (double)month_days(mi);
	int age = mi - month_of_day(p->joined);
	double ramp = age <= 0 ? 0.5 : age == 1 ? 0.75 : age == 2 ? 0.9 : 1.0;
	double growth = 1.0 + 0.01 * (mi - g->m0);
	return p->weight * frac * ramp * growth * curve_flow(g, p, mi);
}

static double direct_flow(const struct gen *g, int mi)
{
	return g->direct_weight * (1.0 + 0.012 * (mi - g->m0));
}

/* ------------------------------------------------------------------------
 * Partners: the Northwind table, or a generated population.
 * ---------------------------------------------------------------------- */

static void setup_northwind(struct gen *g)
{
	g->np = NW_N;
	g->p = xmalloc((size_t)g->np * sizeof *g->p);
	g->n_managers = (int)(sizeof nw_managers / sizeof nw_managers[0]);
	g->managers = xmalloc((size_t)g->n_managers * sizeof *g->managers);
	for (int i = 0; i < g->n_managers; i++)
		snprintf(g->managers[i], sizeof g->managers[i], "%s", nw_managers[i]);
	g->n_owners = (int)(sizeof nw_owners / sizeof nw_owners[0]);
	g->n_accounts = 1100;
	g->launch = parse_day("2025-04-01");
	g->training_from = parse_day("2025-10-01");
	g->slip_from = parse_day("2026-07-01");
	struct rng r;
	rng_init(&r, g->seed, 1);
	for (int i = 0; i < g->np; i++) {
		const struct nw_partner *n = &nw_partners[i];
		struct partner *p = &g->p[i];
		snprintf(p->id, sizeof p->id, "%s", n->id);
		sf_id(p->sfid, "0015g00000Nw", i + 1, 3);
		snprintf(p->name, sizeof p->name, "%s", n->name);
		p->tier = p->first_tier = n->tier;
		p->moved_on = -1;
		if (!strcmp(n->id, NW_MOVED_ID)) {
			p->first_tier = T_CORE;
			p->moved_on = parse_day(NW_MOVED_ON);
		}
		p->manager = n->manager;
		p->overlap = n->overlap;
		p->joined = parse_day(n->joined);
		p->exited = n->exited ? parse_day(n->exited) : -1;
		p->weight = n->weight;
		p->size = n->size;
		p->win = n->win;
		p->untagged = n->untagged;
		p->sourced = n->tier == T_STRATEGIC ? 0.48 : 0.40;
		p->curve = n->curve;
		p->enab = n->enab;
		p->plan = n->plan;
		p->tier_until = n->tier_until ? parse_day(n->tier_until) : -1;
		p->review_wday = n->review_wday;
		p->review_mday = n->review_mday;
		p->fc_permille = (int)(p->win * (0.95 + 0.20 * rng_unit(&r)) * 1000 + 0.5);
	}
	g->direct_weight = 9.6;
}

static void setup_scaled(struct gen *g)
{
	struct rng r;
	rng_init(&r, g->seed, 1);
	g->p = xmalloc((size_t)g->np * sizeof *g->p);
	g->n_managers = (g->np + 4) / 5;
	if (g->n_managers < 2)
		g->n_managers = 2;
	g->managers = xmalloc((size_t)g->n_managers * sizeof *g->managers);
	for (int i = 0; i < g->n_managers; i++)
		person_name(i, 7, g->managers[i], sizeof g->managers[i]);
	long owners = g->n_deals / 400;
	g->n_owners = (int)(owners < 12 ? 12 : owners > 3000 ? 3000 : owners);
	g->n_accounts = g->n_deals / 4;
	if (g->n_accounts < 300)
		g->n_accounts = 300;
	if (g->n_accounts > N_ACCT_MAX)
		g->n_accounts = N_ACCT_MAX;
	g->launch = month_first(g->m0);
	g->training_from = g->launch + 150;
	g->slip_from = g->end - 120;
	int idw = g->np >= 10000 ? 6 : 4;
	long firms = (long)(N_FIRM_A * N_FIRM_B);
	double total_weight = 0;
	for (int i = 0; i < g->np; i++) {
		struct partner *p = &g->p[i];
		snprintf(p->id, sizeof p->id, "p%0*d", idw, i + 1);
		if (i < NW_N) {
			snprintf(p->name, sizeof p->name, "%s", nw_partners[i].name);
		} else {
			long j = ((long)(i - NW_N) * 131 + 7) % firms;
			snprintf(p->name, sizeof p->name, "%s %s", firm_a[j % (long)N_FIRM_A],
				 firm_b[j / (long)N_FIRM_A]);
			if (i - NW_N >= firms)
				snprintf(p->name + strlen(p->name), sizeof p->name - strlen(p->name),
					 " %d", (i - NW_N) / (int)firms + 1);
		}
		int strategic = i % 10 == 0 || i % 10 == 3 || i % 10 == 7;
		p->tier = p->first_tier = strategic ? T_STRATEGIC : T_CORE;
		p->moved_on = -1;
		p->manager = i % g->n_managers;
		p->overlap = strategic ? (int)rng_range(&r, 150, 450) : (int)rng_range(&r, 20, 280);
		long span = g->end - 20 - g->launch;
		if (span < 1)
			span = 1;
		p->joined = rng_chance(&r, 0.65) ? g->launch + rng_range(&r, 0, 30)
						 : g->launch + rng_below(&r, span);
		if (p->joined > g->end)
			p->joined = g->end;
		p->exited = -1;
		if (rng_chance(&r, 0.04)) {
			long from = p->joined + 120;
			long lo = g->launch + (g->end - g->launch) / 3;
			if (from < lo)
				from = lo;
			if (from < g->end - 1)
				p->exited = month_last(month_of_day(rng_range(&r, from, g->end - 1)));
			if (p->exited >= g->end)
				p->exited = -1;
		}
		p->weight = xexp(0.5 * rng_normal(&r)) * (strategic ? 2.0 : 1.0);
		p->size = xexp(0.15 * rng_normal(&r));
		p->win = (strategic ? 0.39 : 0.35) + 0.04 * rng_normal(&r);
		if (p->win < 0.15)
			p->win = 0.15;
		if (p->win > 0.6)
			p->win = 0.6;
		p->untagged = rng_chance(&r, 0.10) ? 0.30 : 0.05;
		p->sourced = strategic ? 0.48 : 0.40;
		double u = rng_unit(&r);
		p->curve = u < 0.05 ? C_DECLINE : u < 0.10 ? C_SURGE : u < 0.13 ? C_STOP : C_FLAT;
		p->enab = rng_chance(&r, 0.10) ? E_NO_PARTNER_TRAINING : E_FULL;
		u = rng_unit(&r);
		if (strategic)
			p->plan = u < 0.10 ? P_SLIPPING : u < 0.20 ? P_SKIP_ONE : P_NORMAL;
		else
			p->plan = u < 0.08 ? P_LAPSED : P_NORMAL;
		p->tier_until = -1;
		p->review_wday = (int)rng_range(&r, 0, 3);
		p->review_mday = (int)rng_range(&r, 3, 25);
		p->fc_permille = (int)(p->win * (0.95 + 0.20 * rng_unit(&r)) * 1000 + 0.5);
		total_weight += p->weight;
	}
	/* Staleness and one-off tier moves, at quarterly tier reviews. */
	for (int i = 0; i < g->np; i++) {
		struct partner *p = &g->p[i];
		long eligible[64];
		int ne = 0;
		for (int k = 0; k < g->n_tier_reviews && ne < 64; k++)
			if (g->tier_reviews[k] > p->joined + 45 && g->tier_reviews[k] <= active_to(g, p))
				eligible[ne++] = g->tier_reviews[k];
		if (ne >= 2 && rng_chance(&r, 0.08))
			p->tier_until = eligible[rng_below(&r, ne - 1)];
		double move = p->tier == T_STRATEGIC ? 0.08 : 0.04;
		if (ne && rng_chance(&r, move)) {
			int last = ne - 1;
			if (p->tier_until >= 0)
				while (last > 0 && eligible[last] > p->tier_until)
					last--;
			p->moved_on = eligible[rng_below(&r, last + 1)];
			p->first_tier = p->tier == T_STRATEGIC ? T_CORE : T_STRATEGIC;
		}
	}
	g->direct_weight = 0.85 * total_weight;
}

/* Quarterly tier reviews: second Tuesday of each fiscal quarter's first month. */
static void setup_tier_reviews(struct gen *g)
{
	g->tier_reviews = xmalloc((size_t)(g->months / 3 + 2) * sizeof *g->tier_reviews);
	for (int mi = g->m0; mi < g->m0 + g->months; mi++) {
		if ((mi % 12 + 1 - FISCAL_START + 12) % 3 != 0)
			continue;
		long d = month_first(mi);
		while (weekday(d) != 1)
			d++;
		d += 7;
		if (d > g->launch && d <= g->end)
			g->tier_reviews[g->n_tier_reviews++] = d;
	}
}

/* ------------------------------------------------------------------------
 * Deals (streamed) with their incentives; forecasts accumulated on the way.
 * ---------------------------------------------------------------------- */

struct deal_files {
	FILE *deals, *incentives;
	struct rng r, ri;
	long next_id;
	int id_width;
	long rows, incentive_rows;
};

static int64_t draw_amount(struct rng *r, double median)
{
	double z = rng_normal(r);
	if (z < -2.4)
		z = -2.4;
	if (z > 2.6)
		z = 2.6;
	double dollars = median * xexp(AMOUNT_SIGMA * z);
	int64_t tens = (int64_t)(dollars / 10 + 0.5);
	if (tens < 400)
		tens = 400;
	int64_t cents = tens * 1000;
	if (rng_chance(r, 0.12))
		cents += 25 * rng_range(r, 1, 3);
	return cents;
}

static void emit_deal(struct gen *g, struct deal_files *df, long created, int pi)
{
	struct rng *r = &df->r;
	struct partner *p = pi >= 0 ? &g->p[pi] : NULL;
	int mi = month_of_day(created);
	double median = p ? tier_median[tier_at(p, created)] * p->size : DIRECT_MEDIAN;
	if (p && p->curve == C_DECLINE && curve_win(g, p, mi) < 1)
		median *= 0.8;
	int64_t amount = draw_amount(r, median);
	/* A fixed number of draws per deal, so that tuning one probability
	 * does not reshuffle every later deal. */
	double u_win = rng_unit(r), u_push = rng_unit(r), u_tag = rng_unit(r), u_src = rng_unit(r);
	double win = p ? p->win * curve_win(g, p, mi) : DIRECT_WIN;
	int won = u_win < win;
	double span = p ? 75 : 92;
	double u3 = (rng_unit(r) + rng_unit(r) + rng_unit(r)) / 3;
	long closed = created + 30 + (long)(span * u3);
	if (won && u_push < 0.3) {
		/* pushed to the month's last business day */
		long eom = weekday_back(month_last(month_of_day(closed)), closed);
		if (eom > closed)
			closed = eom;
	}
	closed = weekday_fwd(closed);
	int open = closed > g->end;
	const char *attr = "";
	if (p && u_tag >= p->untagged)
		attr = u_src < p->sourced ? "sourced" : "influenced";
	long account = rng_below(r, g->n_accounts);
	int owner = (int)rng_below(r, g->n_owners);

	/* Salesforce: European customers' deals in their currency */
	int cur = style == S_PLAIN ? 0 : account % 9 == 4 ? 1 : account % 13 == 7 ? 2 : 0;
	int64_t booked = amount, usd = amount;
	if (cur) {
		int64_t num = sf_currencies[cur].num, den = sf_currencies[cur].den;
		booked = (amount * den + num / 2) / num;
		usd = (booked * num + den / 2) / den; /* as reviewpack converts it back */
	}
	struct row row = {.n = 0};
	char t[96], id[19];
	if (style == S_PLAIN)
		snprintf(id, sizeof id, "OPP-%0*ld", df->id_width, df->next_id);
	else
		sf_id(id, "0065g0000Op", df->next_id, 4);
	df->next_id++;
	df->rows++;
	if (style == S_SF) {
		account_name(account, t, sizeof t);
		r_q(&row, id);
		r_sep(&row);
		char name[128];
		snprintf(name, sizeof name, "%s - %s", t, open ? "Expansion" : "New Business");
		r_q(&row, name);
		r_sep(&row);
		r_q(&row, t);
		r_sep(&row);
		r_q(&row, nw_owners[owner]);
		r_sep(&row);
		r_q(&row, p ? p->name : "");
		r_sep(&row);
		long age = g->end - created;
		r_q(&row, !open ? (won ? "Closed Won" : "Closed Lost")
			  : age < 21 ? "Prospecting" : age < 45 ? "Qualification"
			  : age < 80 ? "Proposal/Price Quote" : "Negotiation/Review");
		r_sep(&row);
		r_q(&row, sf_currencies[cur].code);
		r_sep(&row);
		r_qmoney(&row, booked, sf_currencies[cur].symbol);
		r_sep(&row);
		r_qdate_us(&row, created);
		r_sep(&row);
		r_qdate_us(&row, closed); /* an open deal's is its expected close */
		r_sep(&row);
		r_qfiscal(&row, closed);
		r_sep(&row);
		r_q(&row, !*attr ? "" : attr[0] == 's' ? "Partner Sourced" : "Partner Influenced");
		r_end(&row, df->deals);
	} else {
		r_str(&row, id);
		r_sep(&row);
		if (p)
			r_str(&row, pid(p));
		r_sep(&row);
		account_name(account, t, sizeof t);
		r_str(&row, t);
		r_sep(&row);
		if (g->northwind)
			r_str(&row, nw_owners[owner]);
		else {
			person_name(owner, 3, t, sizeof t);
			r_str(&row, t);
		}
		r_sep(&row);
		r_date(&row, created);
		r_sep(&row);
		if (!open)
			r_date(&row, closed);
		r_sep(&row);
		r_str(&row, open ? "open" : won ? "won" : "lost");
		r_sep(&row);
		r_money(&row, usd);
		r_sep(&row);
		r_str(&row, attr);
		r_sep(&row);
		if (open) {
			long age = g->end - created;
			r_str(&row, age < 21 ? "Discovery" : age < 45 ? "Qualification"
				    : age < 80 ? "Proposal" : "Negotiation");
		} else {
			r_str(&row, won ? "Closed Won" : "Closed Lost");
		}
		r_end(&row, df->deals);
	}

	if (!p || open)
		return;
	int cm = month_of_day(closed) - g->m0;
	g->forecast[(size_t)pi * (size_t)g->months + (size_t)cm] += amount * p->fc_permille / 1000;
	if (!won || !*attr)
		return;
	/* Co-sell accelerator, paid in the commission run at the close month's end. */
	struct rng *ri = &df->ri;
	int sourced = attr[0] == 's';
	if (!rng_chance(ri, sourced ? 0.93 : 0.82))
		return;
	long paid = weekday_back(month_last(month_of_day(closed)), closed);
	if (paid < closed)
		paid = closed;
	int permille = sourced ? (int)rng_range(ri, 40, 50) : (int)rng_range(ri, 20, 30);
	int64_t pay = amount * permille / 1000;
	int payments = rng_chance(ri, 0.06) ? 2 : 1;
	for (int k = 0; k < payments; k++) {
		struct row ir = {.n = 0};
		int64_t cents = k ? 100 * (int64_t)(250 * rng_range(ri, 1, 4)) : pay;
		df->incentive_rows++;
		if (style == S_SF) {
			r_q(&ir, id);
			r_sep(&ir);
			r_qdate_us(&ir, paid);
			r_sep(&ir);
			r_q(&ir, "USD");
			r_sep(&ir);
			r_qmoney(&ir, cents, "$");
		} else {
			r_str(&ir, id);
			r_sep(&ir);
			r_date(&ir, paid);
			r_sep(&ir);
			r_money(&ir, cents);
		}
		r_end(&ir, df->incentives);
	}
}

static int pick_partner(const double *cum, int np, double u)
{
	int lo = 0, hi = np - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void gen_deals(struct gen *g)
{
	struct deal_files df = {0};
	if (style == S_SF) {
		df.deals = open_out("Partner Opportunities" SF_STAMP,
				    "\"Opportunity ID\",\"Opportunity Name\",\"Account Name\","
				    "\"Opportunity Owner\",\"Partner Account\",\"Stage\","
				    "\"Amount Currency\",\"Amount\",\"Created Date\",\"Close "
				    "Date\",\"Fiscal Period\",\"Partner Attribution\"");
		df.incentives = open_out("Co-Sell Incentives" SF_STAMP,
					 "\"Opportunity ID\",\"Paid Date\","
					 "\"Incentive Amount Currency\",\"Incentive Amount\"");
	} else {
		df.deals = open_out("deals.csv", "deal_id,partner_id,account,owner,created_on,"
					"closed_on,outcome,amount,attribution,stage");
		df.incentives = open_out("incentives.csv", "deal_id,paid_on,amount");
	}
	rng_init(&df.r, g->seed, 2);
	rng_init(&df.ri, g->seed, 3);
	df.next_id = 1;
	df.id_width = 5;
	for (long n = g->n_deals; n >= 100000; n /= 10)
		df.id_width++;

	/* Deals per month: N split by expected flow (cumulative rounding). */
	double *flow = xmalloc((size_t)g->months * sizeof *flow);
	double total = 0;
	for (int m = 0; m < g->months; m++) {
		double f = direct_flow(g, g->m0 + m);
		for (int i = 0; i < g->np; i++)
			f += partner_flow(g, &g->p[i], g->m0 + m);
		flow[m] = f;
		total += f;
	}
	double *cum = xmalloc((size_t)g->np * sizeof *cum);
	double acc = 0;
	long done = 0;
	struct rng *r = &df.r;
	for (int m = 0; m < g->months; m++) {
		int mi = g->m0 + m;
		acc += flow[m];
		long upto = (long)((double)g->n_deals * acc / total + 0.5);
		if (m == g->months - 1)
			upto = g->n_deals;
		long n = upto - done;
		done = upto;
		double pw = 0;
		for (int i = 0; i < g->np; i++)
			cum[i] = pw += partner_flow(g, &g->p[i], mi);
		double dw = direct_flow(g, mi);
		/* Days of the month, weekdays far more likely; then in date order. */
		int dim = month_days(mi);
		long first = month_first(mi);
		double dcum[31], dt = 0;
		for (int d = 0; d < dim; d++)
			dcum[d] = dt += weekday(first + d) < 5 ? 1.0 : 0.08;
		long count[31] = {0};
		for (long k = 0; k < n; k++) {
			double u = rng_unit(r) * dt;
			int d = 0;
			while (d < dim - 1 && dcum[d] <= u)
				d++;
			count[d]++;
		}
		for (int d = 0; d < dim; d++) {
			long day = first + d;
			for (long k = 0; k < count[d]; k++) {
				int pi = -1;
				if (pw > 0 && rng_unit(r) * (pw + dw) >= dw) {
					for (int tries = 0; tries < 10 && pi < 0; tries++) {
						int c = pick_partner(cum, g->np, rng_unit(r) * pw);
						const struct partner *p = &g->p[c];
						if (p->joined <= day && day <= active_to(g, p))
							pi = c;
					}
				}
				emit_deal(g, &df, day, pi);
			}
		}
	}
	free(flow);
	free(cum);
	if (style == S_SF) {
		sf_footer(df.deals, df.rows);
		sf_footer(df.incentives, df.incentive_rows);
	}
	close_out(df.deals, "deals.csv");
	close_out(df.incentives, "incentives.csv");
}

/* ------------------------------------------------------------------------
 * Dated events (reviews, enablement, tier changes), sorted before writing.
 * ---------------------------------------------------------------------- */

struct event {
	long day;
	int partner;
	int a, b;               /* kind; side, asset; from, to */
	int reason;
};

struct events {
	struct event *v;
	size_t n, cap;
};

static void ev_add(struct events *e, long day, int partner, int a, int b, int reason)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 1024;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n++] = (struct event){day, partner, a, b, reason};
}

static int ev_cmp(const void *x, const void *y)
{
	const struct event *a = x, *b = y;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->partner != b->partner)
		return a->partner < b->partner ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

static void ev_sort(struct events *e)
{
	qsort(e->v, e->n, sizeof *e->v, ev_cmp);
}

/* The first fields of a custom object's record in a report: its
 * auto-number name ("PR-00001"), the partner account's name, the date. */
static void sf_record_head(struct row *row, const char *prefix, size_t i,
			   const struct partner *p, long day)
{
	char t[32];
	snprintf(t, sizeof t, "%s-%05zu", prefix, i + 1);
	r_q(row, t);
	r_sep(row);
	r_q(row, p->name);
	r_sep(row);
	r_qdate_us(row, day);
	r_sep(row);
}

/* Deal reviews (weekly for strategic, monthly for core), QBRs, account mapping. */
static void gen_reviews_of(struct gen *g, int pi, struct events *e)
{
	const struct partner *p = &g->p[pi];
	struct rng r;
	rng_init(&r, g->seed, 100 + (uint64_t)pi);
	long to = active_to(g, p);
	int last_m = g->m0 + g->months - 1;
	long last_first = month_first(last_m);

	/* Weekly deal reviews while strategic. */
	int nth_in_last = 0;
	for (long d = p->joined + 7; d <= to; d++) {
		if (weekday(d) != p->review_wday || tier_at(p, d) != T_STRATEGIC)
			continue;
		int y, m, dd;
		civil(d, &y, &m, &dd);
		int skip = (m == 12 && dd >= 22) || (m == 1 && dd <= 3);
		if (d >= last_first) {
			nth_in_last++;
			if (p->plan == P_SKIP_ONE && nth_in_last == 2)
				skip = 1;
		} else if (rng_chance(&r, 0.05)) {
			skip = 1;
		}
		if (p->plan == P_SLIPPING && d >= g->slip_from && (d / 7) % 2)
			skip = 1;
		if (!skip)
			ev_add(e, d, pi, 0, 0, 0);
	}
	/* Monthly deal reviews while core. */
	for (int mi = month_of_day(p->joined); mi <= last_m; mi++) {
		long first = month_first(mi), last = month_last(mi);
		long d = first + p->review_mday - 1 + rng_range(&r, -3, 3);
		if (p->plan == P_LAPSED && mi == last_m - 1)
			d = first + rng_range(&r, 4, 9);
		if (d < first)
			d = first;
		if (d > last)
			d = last;
		d = weekday_back(d, first);
		d = weekday_fwd(d);
		if (d > last || d < p->joined + 7 || d > to || tier_at(p, d) != T_CORE)
			continue;
		if (mi == last_m ? p->plan == P_LAPSED : rng_chance(&r, 0.06))
			continue;
		ev_add(e, d, pi, 0, 0, 0);
	}
	/* QBRs in the last month of each fiscal quarter. */
	for (int mi = month_of_day(p->joined); mi <= last_m; mi++) {
		if ((mi % 12 + 1 - FISCAL_START + 12) % 3 != 2)
			continue;
		long d = weekday_fwd(month_first(mi) + rng_range(&r, 7, 23));
		if (d < p->joined + 40 || d > to)
			continue;
		if (rng_chance(&r, p->tier == T_STRATEGIC ? 0.03 : 0.08))
			continue;
		ev_add(e, d, pi, 1, 0, 0);
	}
	/* Account mapping at onboarding, refreshed about twice a year. */
	for (long d = weekday_fwd(p->joined + rng_range(&r, 10, 24)); d <= to;
	     d = weekday_fwd(d + rng_range(&r, 160, 200)))
		ev_add(e, d, pi, 2, 0, 0);
}

static void gen_reviews(struct gen *g)
{
	struct events e = {0};
	for (int i = 0; i < g->np; i++)
		gen_reviews_of(g, i, &e);
	ev_sort(&e);
	FILE *f = style == S_SF ? open_out("Partner Reviews" SF_STAMP,
					   "\"Partner Review Name\",\"Partner Account\","
					   "\"Review Date\",\"Review Type\"")
				: open_out("reviews.csv", "held_on,partner_id,kind");
	struct row row = {.n = 0};
	for (size_t i = 0; i < e.n; i++) {
		const struct partner *p = &g->p[e.v[i].partner];
		if (style == S_SF) {
			sf_record_head(&row, "PR", i, p, e.v[i].day);
			r_q(&row, sf_kinds[e.v[i].a]);
		} else {
			r_date(&row, e.v[i].day);
			r_sep(&row);
			r_str(&row, pid(p));
			r_sep(&row);
			r_str(&row, kind_names[e.v[i].a]);
		}
		r_end(&row, f);
	}
	if (style == S_SF)
		sf_footer(f, (long)e.n);
	close_out(f, "reviews.csv");
	free(e.v);
}

/* Enablement: each asset completed by the host's and the partner's sellers. */
static void gen_enablement(struct gen *g)
{
	static const int host_lo[3] = {5, 15, 10}, host_hi[3] = {20, 40, 45};
	static const int part_lo[3] = {7, 10, 20}, part_hi[3] = {30, 45, 80};
	struct events e = {0};
	for (int pi = 0; pi < g->np; pi++) {
		const struct partner *p = &g->p[pi];
		struct rng r;
		rng_init(&r, g->seed, 200000 + (uint64_t)pi);
		long to = active_to(g, p);
		double stretch = p->enab == E_NEW ? 2.5 : 1.0;
		for (int a = 0; a < 3; a++) {
			long avail = a == 2 ? g->training_from : g->launch;
			long base = p->joined > avail ? p->joined : avail;
			long host = weekday_fwd(base + (long)(stretch * rng_range(&r, host_lo[a], host_hi[a])));
			long part = weekday_fwd(host + (long)(stretch * rng_range(&r, part_lo[a], part_hi[a])));
			int no_partner = a == 2 && p->enab == E_NO_PARTNER_TRAINING;
			for (int side = 0; side < 2; side++) {
				long d = side ? part : host;
				if (side && no_partner)
					continue;
				if (d > to)
					continue;
				ev_add(&e, d, pi, side, a, 0);
				/* Refreshers for new sellers now and then. */
				long again = weekday_fwd(d + rng_range(&r, 90, 300));
				if (rng_chance(&r, 0.15) && again <= to)
					ev_add(&e, again, pi, side, a, 0);
			}
		}
	}
	ev_sort(&e);
	FILE *f = style == S_SF ? open_out("Enablement Completions" SF_STAMP,
					   "\"Completion Name\",\"Partner Account\","
					   "\"Completed Date\",\"Audience\",\"Asset\"")
				: open_out("enablement.csv", "completed_on,partner_id,side,asset");
	struct row row = {.n = 0};
	for (size_t i = 0; i < e.n; i++) {
		const struct partner *p = &g->p[e.v[i].partner];
		if (style == S_SF) {
			sf_record_head(&row, "EC", i, p, e.v[i].day);
			r_q(&row, sf_sides[e.v[i].a]);
			r_sep(&row);
			r_q(&row, sf_assets[e.v[i].b]);
		} else {
			r_date(&row, e.v[i].day);
			r_sep(&row);
			r_str(&row, pid(p));
			r_sep(&row);
			r_str(&row, e.v[i].a ? "partner" : "host");
			r_sep(&row);
			r_str(&row, asset_names[e.v[i].b]);
		}
		r_end(&row, f);
	}
	if (style == S_SF)
		sf_footer(f, (long)e.n);
	close_out(f, "enablement.csv");
	free(e.v);
}

/* Tier decisions: one at joining, then the quarterly tier reviews. */
static const char *const tier_reasons[] = {
	"launch tiering",
	"tiered at onboarding",
	"quarterly tier review, reaffirmed",
	"promoted, won revenue above the strategic median for two quarters",
	"moved to core, won revenue below the core median",
};

static void gen_tier_changes(struct gen *g)
{
	struct events e = {0};
	long launch_cohort = g->launch + 30;
	for (int pi = 0; pi < g->np; pi++) {
		const struct partner *p = &g->p[pi];
		struct rng r;
		rng_init(&r, g->seed, 300000 + (uint64_t)pi);
		ev_add(&e, p->joined, pi, p->first_tier, p->first_tier,
		       p->joined <= launch_cohort ? 0 : 1);
		for (int k = 0; k < g->n_tier_reviews; k++) {
			long d = g->tier_reviews[k];
			if (d <= p->joined + 45 || d > active_to(g, p))
				continue;
			if (d == p->moved_on) {
				ev_add(&e, d, pi, p->first_tier, p->tier,
				       p->tier == T_STRATEGIC ? 3 : 4);
				continue;
			}
			if (p->tier_until >= 0 && d > p->tier_until)
				continue;
			if (!g->northwind && rng_chance(&r, 0.10) && d != p->tier_until)
				continue;
			int t = tier_at(p, d);
			ev_add(&e, d, pi, t, t, 2);
		}
	}
	ev_sort(&e);
	FILE *f = style == S_SF ? open_out("Partner Tier History" SF_STAMP,
					   "\"Account Name\",\"Edit Date\",\"Field / Event\","
					   "\"Old Value\",\"New Value\"")
				: open_out("tier_changes.csv",
					   "changed_on,partner_id,from_tier,to_tier,reason");
	struct row row = {.n = 0};
	for (size_t i = 0; i < e.n; i++) {
		const struct partner *p = &g->p[e.v[i].partner];
		if (style == S_SF) {
			r_q(&row, p->name);
			r_sep(&row);
			r_qdate_us(&row, e.v[i].day);
			r_sep(&row);
			r_q(&row, "Partner Tier");
			r_sep(&row);
			r_q(&row, sf_tiers[e.v[i].a]);
			r_sep(&row);
			r_q(&row, sf_tiers[e.v[i].b]);
		} else {
			r_date(&row, e.v[i].day);
			r_sep(&row);
			r_str(&row, pid(p));
			r_sep(&row);
			r_str(&row, tier_ids[e.v[i].a]);
			r_sep(&row);
			r_str(&row, tier_ids[e.v[i].b]);
			r_sep(&row);
			r_str(&row, tier_reasons[e.v[i].reason]);
		}
		r_end(&row, f);
	}
	if (style == S_SF)
		sf_footer(f, (long)e.n);
	close_out(f, "tier_changes.csv");
	free(e.v);
}

/* Forecasts: each active partner, each month: the manager's call on the
 * deals due to close that month (their amounts weighted by an optimistic win
 * rate, give or take the manager's judgement), rounded to $500. */
static void gen_forecast(struct gen *g)
{
	FILE *f = style == S_SF ? open_out("Partner Forecasts" SF_STAMP,
					   "\"Partner Account\",\"Forecast Month\","
					   "\"Forecast Amount Currency\",\"Forecast Amount\"")
				: open_out("forecast.csv", "month,partner_id,amount");
	struct row row = {.n = 0};
	long rows = 0;
	struct rng r;
	rng_init(&r, g->seed, 4);
	for (int m = 0; m < g->months; m++) {
		int mi = g->m0 + m;
		for (int pi = 0; pi < g->np; pi++) {
			const struct partner *p = &g->p[pi];
			if (p->joined > month_last(mi) || (p->exited >= 0 && p->exited < month_first(mi)))
				continue;
			int64_t c = g->forecast[(size_t)pi * (size_t)g->months + (size_t)m];
			double noise = xexp(FORECAST_SIGMA * rng_normal(&r));
			int64_t dollars = (int64_t)((double)c * noise / 50000 + 0.5) * 500;
			rows++;
			if (style == S_SF) {
				r_q(&row, p->name);
				r_sep(&row);
				r_qdate_us(&row, month_first(mi));
				r_sep(&row);
				r_q(&row, "USD");
				r_sep(&row);
				r_qmoney(&row, dollars * 100, "$");
			} else {
				r_month(&row, mi);
				r_sep(&row);
				r_str(&row, pid(p));
				r_sep(&row);
				r_uint(&row, (unsigned long long)dollars);
			}
			r_end(&row, f);
		}
	}
	if (style == S_SF)
		sf_footer(f, rows);
	close_out(f, "forecast.csv");
}

/* The program office's month-end rates, in reviewpack's own fx.csv
 * format: each foreign currency's rate for every month of the data. */
static void gen_fx(struct gen *g)
{
	if (style != S_SF)
		return;
	FILE *f = open_out("fx.csv", NULL);
	fputs("currency,month,rate\n", f);
	for (int c = 1; c < 3; c++) {
		int64_t num = sf_currencies[c].num, den = sf_currencies[c].den;
		int places = 0;
		for (int64_t d = den; d > 1; d /= 10)
			places++;
		for (int m = 0; m < g->months; m++) {
			int mi = g->m0 + m;
			fprintf(f, "%s,%04d-%02d,%lld.%0*lld\n", sf_currencies[c].code, mi / 12,
				mi % 12 + 1, (long long)(num / den), places, (long long)(num % den));
		}
	}
	close_out(f, "fx.csv");
}

static void gen_partners(struct gen *g)
{
	if (style == S_SF) {
		FILE *f = open_out("Partner Accounts" SF_STAMP,
				   "\"Account ID\",\"Account Name\",\"Partner Tier\","
				   "\"Partner Manager\",\"Shared Accounts\",\"Partner Since\","
				   "\"Partnership End\"");
		struct row row = {.n = 0};
		for (int i = 0; i < g->np; i++) {
			const struct partner *p = &g->p[i];
			char t[16];
			snprintf(t, sizeof t, "%d", p->overlap);
			r_q(&row, p->sfid);
			r_sep(&row);
			r_q(&row, p->name);
			r_sep(&row);
			r_q(&row, sf_tiers[p->tier]);
			r_sep(&row);
			r_q(&row, g->managers[p->manager]);
			r_sep(&row);
			r_q(&row, t);
			r_sep(&row);
			r_qdate_us(&row, p->joined);
			r_sep(&row);
			r_qdate_us(&row, p->exited);
			r_end(&row, f);
		}
		sf_footer(f, g->np);
		close_out(f, "partners");
		return;
	}
	FILE *f = open_out("partners.csv",
			   "partner_id,name,tier,manager,overlap_accounts,joined_on,exited_on");
	struct row row = {.n = 0};
	for (int i = 0; i < g->np; i++) {
		const struct partner *p = &g->p[i];
		r_str(&row, pid(p));
		r_sep(&row);
		r_str(&row, p->name);
		r_sep(&row);
		r_str(&row, tier_ids[p->tier]);
		r_sep(&row);
		r_str(&row, g->managers[p->manager]);
		r_sep(&row);
		r_uint(&row, (unsigned long long)p->overlap);
		r_sep(&row);
		r_date(&row, p->joined);
		r_sep(&row);
		if (p->exited >= 0)
			r_date(&row, p->exited);
		r_end(&row, f);
	}
	close_out(f, "partners.csv");
}

/* How program.ini reads the Salesforce report exports. */
static const char sf_program[] =
	"\n"
	"; The report exports as Salesforce writes them (\"Export\", details only,\n"
	"; CSV): a footer under each, dates as the org shows them (US), partners\n"
	"; named by account name, 18-character ids.\n"
	"[file partners]\n"
	"path = Partner Accounts-*.csv\n"
	"[file deals]\n"
	"path = Partner Opportunities-*.csv\n"
	"[file reviews]\n"
	"path = Partner Reviews-*.csv\n"
	"[file enablement]\n"
	"path = Enablement Completions-*.csv\n"
	"[file tier_changes]\n"
	"path = Partner Tier History-*.csv\n"
	"[file forecast]\n"
	"path = Partner Forecasts-*.csv\n"
	"[file incentives]\n"
	"path = Co-Sell Incentives-*.csv\n"
	"\n"
	"[columns partners]\n"
	"partner_id = Account ID\n"
	"name = Account Name\n"
	"tier = Partner Tier\n"
	"manager = Partner Manager\n"
	"overlap_accounts = Shared Accounts\n"
	"joined_on = Partner Since\n"
	"exited_on = Partnership End\n"
	"\n"
	"[columns deals]\n"
	"deal_id = Opportunity ID\n"
	"partner_id = Partner Account\n"
	"account = Account Name\n"
	"owner = Opportunity Owner\n"
	"created_on = Created Date\n"
	"; an open opportunity's Close Date is its expected close: not used\n"
	"closed_on = Close Date\n"
	"outcome = Stage\n"
	"stage = Stage\n"
	"amount = Amount\n"
	"currency = Amount Currency\n"
	"attribution = Partner Attribution\n"
	"\n"
	"[columns reviews]\n"
	"held_on = Review Date\n"
	"partner_id = Partner Account\n"
	"kind = Review Type\n"
	"\n"
	"[columns enablement]\n"
	"completed_on = Completed Date\n"
	"partner_id = Partner Account\n"
	"side = Audience\n"
	"asset = Asset\n"
	"\n"
	"[columns tier_changes]\n"
	"changed_on = Edit Date\n"
	"partner_id = Account Name\n"
	"from_tier = Old Value\n"
	"to_tier = New Value\n"
	"\n"
	"[columns forecast]\n"
	"month = Forecast Month\n"
	"partner_id = Partner Account\n"
	"amount = Forecast Amount\n"
	"currency = Forecast Amount Currency\n"
	"\n"
	"[columns incentives]\n"
	"deal_id = Opportunity ID\n"
	"paid_on = Paid Date\n"
	"amount = Incentive Amount\n"
	"currency = Incentive Amount Currency\n"
	"\n"
	"; The org's own words for our values. \"Closed Won\" and \"Closed Lost\",\n"
	"; \"Partner Sourced\" and \"Partner Influenced\" read without a line here.\n"
	"[values partners]\n"
	"tier.strategic = Platinum\n"
	"tier.core = Gold\n"
	"\n"
	"[values deals]\n"
	"outcome.open = *\n"
	"\n"
	"[values reviews]\n"
	"kind.deal_review = Deal Review\n"
	"kind.qbr = Quarterly Business Review\n"
	"kind.account_mapping = Account Mapping\n"
	"\n"
	"[values enablement]\n"
	"side.host = Host Sellers\n"
	"side.partner = Partner Sellers\n"
	"asset.pitch = Joint Pitch\n"
	"asset.playbook = Pursuit Playbook\n"
	"asset.training = Co-Sell Training\n"
	"\n"
	"[values tier_changes]\n"
	"from_tier.strategic = Platinum\n"
	"from_tier.core = Gold\n"
	"to_tier.strategic = Platinum\n"
	"to_tier.core = Gold\n"
	"\n"
	"; European customers' deals are booked in EUR or GBP, converted at the\n"
	"; program office's month-end rates (currency, month, rate: USD per unit)\n"
	"[file fx]\n"
	"path = fx.csv\n";

static void gen_program(struct gen *g)
{
	FILE *f = open_out("program.ini", NULL);
	if (style == S_SF)
		fprintf(f, "; Northwind Co-Sell Program as its Salesforce org exports it: written "
			   "by\n"
			   "; examples/generate.c --salesforce. The sections after [email] tell\n"
			   "; reviewpack how to read the report exports as they are.\n");
	else if (style == S_SF_PLAIN)
		fprintf(f, "; The Salesforce example's data in the plain format: written by\n"
			   "; examples/generate.c --salesforce --plain\n");
	else if (g->northwind)
		fprintf(f, "; Northwind Co-Sell Program: example data written by "
			   "examples/generate.c\n");
	else
		fprintf(f, "; Scaled test data written by examples/generate.c: %d partners, %ld "
			   "deals, "
			"%d months, seed %llu\n", g->np, g->n_deals, g->months,
			(unsigned long long)g->seed);
	fprintf(f, "[program]\n"
		   "name = Northwind Co-Sell Program\n"
		   "company = Northwind Software\n"
		   "currency = USD\n"
		   "%s"
		   "; the fiscal year starts in February\n"
		   "fiscal_year_start = %d\n"
		   "window_months = 3\n"
		   "stale_tier_days = 180\n"
		   "enablement_assets = pitch, playbook, training\n"
		   "\n"
		   "[tier strategic]\n"
		   "label = Strategic\n"
		   "rank = 1\n"
		   "review_every_days = 7\n"
		   "\n"
		   "[tier core]\n"
		   "label = Core\n"
		   "rank = 2\n"
		   "review_every_days = 30\n"
		   "\n"
		   "[email]\n"
		   "from = partnerships@northwind.example\n"
		   "to = cro@northwind.example, cfo@northwind.example\n"
		   "site_url = https://intranet.northwind.example/partners/reviews/\n",
		style == S_SF ? "date_format = MM/DD/YYYY\n" : "", FISCAL_START);
	if (style == S_SF)
		fputs(sf_program, f);
	close_out(f, "program.ini");
}

/* ------------------------------------------------------------------------
 * Command line
 * ---------------------------------------------------------------------- */

static const char usage_text[] =
	"usage: " PROG " --out DIR [--partners N] [--deals N] [--months N] [--seed N]\n"
	"       " PROG " --out DIR --salesforce [--plain]\n"
	"\n"
	"Writes a co-sell program data set for reviewpack into DIR (created if\n"
	"needed): program.ini, partners.csv, deals.csv, reviews.csv, enablement.csv,\n"
	"tier_changes.csv, forecast.csv and incentives.csv, for the months ending\n"
	"2026-10. Same options, same bytes.\n"
	"\n"
	"  --out DIR       output folder (required)\n"
	"  --partners N    number of partners, 1..100000 (default 20)\n"
	"  --deals N       number of deals, partner and direct, 1..50000000 (default 3000)\n"
	"  --months N      months of data ending 2026-10, 1..120 (default 18)\n"
	"  --seed N        random seed, 0..18446744073709551615\n"
	"  --salesforce    the Northwind example as its Salesforce org exports it:\n"
	"                  report exports and the program.ini that reads them\n"
	"  --plain         with --salesforce: the same data in the plain format\n"
	"  --help          show this help\n"
	"\n"
	"With none of --partners, --deals, --months, --seed it writes the Northwind\n"
	"example (examples/northwind) with its planted story; with any of them, a\n"
	"generic data set of that size and the same shape.\n";

static void usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	exit(2);
}

static unsigned long long parse_count(const char *opt, const char *s, unsigned long long max)
{
	if (!s)
		usage_error("%s needs a value", opt);
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 20)
		usage_error("bad number: %s", s);
	unsigned long long v = 0;
	for (const char *c = s; *c; c++) {
		unsigned d = (unsigned)(*c - '0');
		if (v > (max - d) / 10)
			usage_error("number out of range: %s", s);
		v = v * 10 + d;
	}
	return v;
}

int main(int argc, char **argv)
{
	struct gen g = {0};
	const char *out = NULL;
	int scaled = 0, salesforce = 0, plain = 0;
	long partners = 20, deals = NW_DEALS, months = NW_MONTHS;
	uint64_t seed = NW_SEED;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		char name[32];
		const char *eq = strchr(a, '=');
		if (!strncmp(a, "--", 2) && eq && (size_t)(eq - a) < sizeof name) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = 0;
			v = eq + 1;
			a = name;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (!strcmp(a, "--salesforce") || !strcmp(a, "--plain")) {
			if (v)
				usage_error("%s takes no value", a);
			if (a[2] == 's')
				salesforce = 1;
			else
				plain = 1;
			continue;
		}
		int known = !strcmp(a, "--out") || !strcmp(a, "--partners") ||
			    !strcmp(a, "--deals") || !strcmp(a, "--months") || !strcmp(a, "--seed");
		if (!known)
			usage_error(a[0] == '-' ? "unknown option: %s" : "unexpected argument: %s", a);
		if (!v) {
			if (i + 1 >= argc)
				usage_error("%s needs a value", a);
			v = argv[++i];
		}
		if (!strcmp(a, "--out")) {
			if (!*v)
				usage_error("%s needs a folder", a);
			out = v;
		} else if (!strcmp(a, "--partners")) {
			partners = (long)parse_count(a, v, 100000);
			if (partners < 1)
				usage_error("--partners must be at least 1, got %s", v);
			scaled = 1;
		} else if (!strcmp(a, "--deals")) {
			deals = (long)parse_count(a, v, 50000000);
			if (deals < 1)
				usage_error("--deals must be at least 1, got %s", v);
			scaled = 1;
		} else if (!strcmp(a, "--months")) {
			months = (long)parse_count(a, v, 120);
			if (months < 1)
				usage_error("--months must be at least 1, got %s", v);
			scaled = 1;
		} else {
			seed = parse_count(a, v, UINT64_MAX);
			scaled = 1;
		}
	}
	if (!out)
		usage_error("%s", "--out DIR is required");
	if (plain && !salesforce)
		usage_error("%s", "--plain goes with --salesforce");
	if (salesforce && scaled)
		usage_error("%s", "--salesforce writes the Northwind example: no size or seed "
				  "options");
	style = !salesforce ? S_PLAIN : plain ? S_SF_PLAIN : S_SF;

	g.northwind = !scaled;
	g.seed = seed;
	g.n_deals = deals;
	g.months = (int)months;
	g.m0 = month_index(END_YEAR, END_MONTH) - g.months + 1;
	g.end = month_last(month_index(END_YEAR, END_MONTH));
	g.launch = g.northwind ? parse_day("2025-04-01") : month_first(g.m0);
	setup_tier_reviews(&g);
	if (g.northwind) {
		setup_northwind(&g);
	} else {
		g.np = (int)partners;
		setup_scaled(&g);
	}
	g.forecast = xmalloc((size_t)g.np * (size_t)g.months * sizeof *g.forecast);
	date_cache(month_first(g.m0) - 400, g.end + 400);

	out_dir = out;
	make_dirs(out);
	gen_program(&g);
	gen_partners(&g);
	gen_deals(&g);
	gen_reviews(&g);
	gen_enablement(&g);
	gen_tier_changes(&g);
	gen_forecast(&g);
	gen_fx(&g);

	free(g.p);
	free(g.managers);
	free(g.forecast);
	free(g.tier_reviews);
	free(dcache);
	for (int i = 0; i < 8; i++)
		free(out_buf[i]);
	return 0;
}
