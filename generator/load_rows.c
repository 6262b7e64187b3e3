/* load_rows: the rows of each file. Consumes one row's field values at a
 * time (from load_csv.c) with the program and the files read before;
 * produces the model's partners, deals, reviews, completions, tier
 * changes, forecasts and incentives (money converted into the program's
 * currency at the rates of [fx] or fx.csv), the rates used and the
 * warnings. Reads dates with times and zones and amounts with symbols and
 * separators (field.c), enum values through [values NAME] and built-in
 * synonyms, and partner references by id, then name, then Salesforce id.
 * Refuses, at the row and column: missing values, bad dates, amounts,
 * currencies, numbers and enum values (each distinct unmapped value once,
 * with the program.ini line that would map it), a currency with no rate
 * for the row's month, a won deal without an amount, duplicate ids,
 * unknown or ambiguous partners, unknown tiers and deals, and fields that
 * contradict each other; a file's amounts adding up past the limit;
 * across rows, a latest tier change that disagrees with partners.csv. */
#include "load_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Deals dated before this year are most likely typos (a warning). */
#define PLAUSIBLE_YEAR 1990

static void tally_add(struct tally *t, long line)
{
	if (t->count < WARN_LINES)
		t->lines[t->count] = line;
	t->count++;
}

/* Add a kept row's amount to its file's total. */
static void add_total(struct loader *L, enum input_file fid, cents_t amount, long line)
{
	if (L->total_over[fid])
		return;
	L->total[fid] += amount;
	if (L->total[fid] > MODEL_MAX_FILE_CENTS)
		L->total_over[fid] = line;
}

/* ------------------------------------------------------------------------
 * File schemas
 * ---------------------------------------------------------------------- */

enum { P_ID, P_NAME, P_TIER, P_MANAGER, P_OVERLAP, P_JOINED, P_EXITED, P_N };
static const struct colspec partner_cols[P_N] = {
	{"partner_id", true, EK_NONE}, {"name", true, EK_NONE}, {"tier", true, EK_TIER},
	{"manager", false, EK_NONE}, {"overlap_accounts", false, EK_NONE},
	{"joined_on", true, EK_NONE}, {"exited_on", false, EK_NONE},
};

enum { D_ID, D_PARTNER, D_ACCOUNT, D_OWNER, D_CREATED, D_CLOSED, D_OUTCOME, D_AMOUNT,
       D_ATTR, D_STAGE, D_CURRENCY, D_N };
static const struct colspec deal_cols[D_N] = {
	{"deal_id", true, EK_NONE}, {"partner_id", true, EK_NONE}, {"account", false, EK_NONE},
	{"owner", false, EK_NONE}, {"created_on", true, EK_NONE}, {"closed_on", true, EK_NONE},
	{"outcome", true, EK_OUTCOME}, {"amount", true, EK_NONE},
	{"attribution", false, EK_ATTRIBUTION}, {"stage", false, EK_NONE},
	{"currency", false, EK_NONE},
};

enum { R_HELD, R_PARTNER, R_KIND, R_N };
static const struct colspec review_cols[R_N] = {
	{"held_on", true, EK_NONE}, {"partner_id", true, EK_NONE}, {"kind", true, EK_KIND},
};

enum { E_DONE, E_PARTNER, E_SIDE, E_ASSET, E_N };
static const struct colspec enable_cols[E_N] = {
	{"completed_on", true, EK_NONE}, {"partner_id", true, EK_NONE},
	{"side", true, EK_SIDE}, {"asset", true, EK_ASSET},
};

enum { T_CHANGED, T_PARTNER, T_FROM, T_TO, T_REASON, T_N };
static const struct colspec change_cols[T_N] = {
	{"changed_on", true, EK_NONE}, {"partner_id", true, EK_NONE},
	{"from_tier", true, EK_TIER}, {"to_tier", true, EK_TIER}, {"reason", false, EK_NONE},
};

enum { F_MONTH, F_PARTNER, F_AMOUNT, F_CURRENCY, F_N };
static const struct colspec forecast_cols[F_N] = {
	{"month", true, EK_NONE}, {"partner_id", true, EK_NONE}, {"amount", true, EK_NONE},
	{"currency", false, EK_NONE},
};

enum { I_DEAL, I_PAID, I_AMOUNT, I_CURRENCY, I_N };
static const struct colspec incentive_cols[I_N] = {
	{"deal_id", true, EK_NONE}, {"paid_on", true, EK_NONE}, {"amount", true, EK_NONE},
	{"currency", false, EK_NONE},
};

enum { X_CURRENCY, X_MONTH, X_RATE, X_N };
static const struct colspec fx_cols[X_N] = {
	{"currency", true, EK_NONE}, {"month", true, EK_NONE}, {"rate", true, EK_NONE},
};

static void partner_row(struct csvfile *f);
static void fx_row(struct csvfile *f);
static void deal_row(struct csvfile *f);
static void deal_ahead(struct csvfile *f, const char *s, const struct span *sp, size_t k);
static void review_row(struct csvfile *f);
static void completion_row(struct csvfile *f);
static void change_row(struct csvfile *f);
static void forecast_row(struct csvfile *f);
static void incentive_row(struct csvfile *f);

/* In load order: later files refer to earlier ones. */
const struct filespec load_files[] = {
	{FILE_PARTNERS, "partners", partner_cols, P_N, true, partner_row, NULL},
	{FILE_FX, "fx", fx_cols, X_N, false, fx_row, NULL},
	{FILE_DEALS, "deals", deal_cols, D_N, true, deal_row, deal_ahead},
	{FILE_REVIEWS, "reviews", review_cols, R_N, false, review_row, NULL},
	{FILE_ENABLEMENT, "enablement", enable_cols, E_N, false, completion_row, NULL},
	{FILE_TIER_CHANGES, "tier_changes", change_cols, T_N, false, change_row, NULL},
	{FILE_FORECAST, "forecast", forecast_cols, F_N, false, forecast_row, NULL},
	{FILE_INCENTIVES, "incentives", incentive_cols, I_N, false, incentive_row, NULL},
};
const size_t load_n_files = sizeof load_files / sizeof load_files[0];

const struct filespec *load_file_spec(const char *base)
{
	size_t n = strcspn(base, ".");
	for (size_t i = 0; i < load_n_files; i++)
		if (strlen(load_files[i].base) == n && !strncasecmp(load_files[i].base, base, n))
			return &load_files[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * Enum values: own names, [values NAME], built-in synonyms
 * ---------------------------------------------------------------------- */

static const char *const outcome_names[] = {"open", "won", "lost"};
static const char *const attribution_names[] = {"none", "sourced", "influenced"};
static const char *const kind_names[] = {"deal_review", "qbr", "account_mapping"};
static const char *const side_names[] = {"host", "partner"};

void load_enum_names(const struct loader *L, enum enum_kind k, const char *const **names,
		     size_t *n)
{
	const struct program *p = &L->m->program;
	switch (k) {
	case EK_OUTCOME: *names = outcome_names; *n = 3; return;
	case EK_ATTRIBUTION: *names = attribution_names; *n = 3; return;
	case EK_KIND: *names = kind_names; *n = 3; return;
	case EK_SIDE: *names = side_names; *n = 2; return;
	case EK_TIER: *names = L->tier_names; *n = L->tier_names ? p->n_tiers : 0; return;
	case EK_ASSET: *names = (const char *const *)p->assets; *n = p->n_assets; return;
	case EK_NONE: break;
	}
	BUG("not an enum column");
}

/* Read with no mapping (SPEC 2): targets as in load_enum_names. */
static const struct {
	enum enum_kind kind;
	const char *folded;
	int target;
} synonyms[] = {
	{EK_OUTCOME, "closed won", OUTCOME_WON}, {EK_OUTCOME, "closedwon", OUTCOME_WON},
	{EK_OUTCOME, "closed lost", OUTCOME_LOST}, {EK_OUTCOME, "closedlost", OUTCOME_LOST},
	{EK_ATTRIBUTION, "partner sourced", ATTR_SOURCED},
	{EK_ATTRIBUTION, "partner influenced", ATTR_INFLUENCED},
};

/* The target a line of [values] most likely wants for an unmapped value:
 * a hint in a message, which says to check it. */
static int suggest_target(struct loader *L, enum enum_kind k, const char *folded)
{
	const char *const *names;
	size_t n;
	load_enum_names(L, k, &names, &n);
	switch (k) {
	case EK_OUTCOME:
		return strstr(folded, "won") || strstr(folded, "win")     ? OUTCOME_WON
		       : strstr(folded, "lost") || strstr(folded, "lose") ? OUTCOME_LOST
									   : OUTCOME_OPEN;
	case EK_ATTRIBUTION:
		if (strstr(folded, "sourc"))
			return ATTR_SOURCED;
		return strstr(folded, "influenc") || strstr(folded, "assist") ? ATTR_INFLUENCED
									      : ATTR_UNTAGGED;
	case EK_KIND:
		return strstr(folded, "qbr") || strstr(folded, "quarter") ? REVIEW_QBR
		       : strstr(folded, "map")			 ? REVIEW_MAPPING
									 : REVIEW_DEAL;
	case EK_SIDE:
		return strstr(folded, "partner") ? SIDE_PARTNER : SIDE_HOST;
	case EK_TIER:
	case EK_ASSET: {
		char *own = NULL;
		for (size_t i = 0; i < n; i++) {
			free(own);
			own = load_fold_dup(L, names[i]);
			if (strstr(folded, own) || strstr(own, folded)) {
				free(own);
				return (int)i;
			}
		}
		free(own);
		return k == EK_TIER && n ? (int)n - 1 : 0; /* the lowest tier */
	}
	case EK_NONE:
		break;
	}
	BUG("not an enum column");
	return 0;
}

/* Append a source value as [values] reads it back: in double quotes when
 * it holds a comma, a quote or a leading "*". */
static void put_source_value(struct buf *b, const char *v)
{
	if (!strpbrk(v, ",\"") && *v != '*') {
		buf_puts(b, v);
		return;
	}
	buf_putc(b, '"');
	for (; *v; v++) {
		if (*v == '"')
			buf_putc(b, '"');
		buf_putc(b, *v);
	}
	buf_putc(b, '"');
}

/* ------------------------------------------------------------------------
 * Field checks for the row handlers
 * ---------------------------------------------------------------------- */

static const char *val(const struct csvfile *f, int col)
{
	return f->value[col];
}

/* A required value is present; otherwise an error. */
static bool need(struct csvfile *f, int col)
{
	if (*val(f, col))
		return true;
	load_row_err(f, col, "missing value in column %s", load_quote_col(f, col).s);
	return false;
}

static const char *const date_format_names[] = {
	[DATE_ISO] = "YYYY-MM-DD", [DATE_MDY] = "MM/DD/YYYY",
	[DATE_DMY_SLASH] = "DD/MM/YYYY", [DATE_DMY_DOT] = "DD.MM.YYYY",
};

static enum date_format file_date_format(const struct csvfile *f)
{
	const struct file_settings *fs = &f->L->files[f->spec->id];
	return fs->has_date_format ? fs->date_format : f->L->m->program.date_format;
}

/* A bad date or month: why, and the setting that would read it when
 * another date format does. */
static void date_err(struct csvfile *f, int col, const char *why, bool month)
{
	const char *v = val(f, col);
	enum date_format df = file_date_format(f);
	struct buf hint = {0};
	for (int other = DATE_MDY; other <= DATE_DMY_DOT; other++) {
		day_t d;
		int mo;
		const char *w;
		if (other == (int)df ||
		    !(month ? field_parse_month(v, strlen(v), other, f->L->zone, &mo, &w)
			    : field_parse_date(v, strlen(v), other, f->L->zone, &d, &w)))
			continue;
		char sec[64];
		buf_printf(&hint, "; it reads as %s: set date_format = %s in %s",
			   date_format_names[other], date_format_names[other],
			   load_file_section(f->L, f->spec->id, sec));
		break;
	}
	load_row_err(f, col, "bad %s in column %s: %s (%s%s)", month ? "month" : "date",
		     load_quote_col(f, col).s, load_quote(v).s, why, buf_cstr(&hint));
	buf_free(&hint);
}

/* Whether column col's value v[0..n) is the one it last read, into *out. */
static bool recall(const struct csvfile *f, int col, const char *v, size_t n, long *out)
{
	const struct memo *m = &f->memo[col];
	if (!n || n != m->n || memcmp(v, m->text, n))
		return false;
	*out = m->value;
	return true;
}

/* Keep what column col's value v[0..n) read as. */
static void remember(struct csvfile *f, int col, const char *v, size_t n, long value)
{
	struct memo *m = &f->memo[col];
	if (!n || n >= sizeof m->text)
		return;
	memcpy(m->text, v, n);
	m->n = n;
	m->value = value;
}

/* A date in the file's format; empty is DAY_NONE when optional. */
static bool get_date(struct csvfile *f, int col, bool required, day_t *out)
{
	const char *v = val(f, col);
	*out = DAY_NONE;
	if (!*v)
		return required ? need(f, col) : true;
	size_t n = strlen(v);
	long day;
	if (recall(f, col, v, n, &day)) {
		*out = (day_t)day;
		return true;
	}
	const char *why;
	if (field_parse_date(v, n, file_date_format(f), f->L->zone, out, &why)) {
		remember(f, col, v, n, *out);
		return true;
	}
	*out = DAY_NONE;
	date_err(f, col, why, false);
	return false;
}

/* A month (forecast.csv, fx.csv): YYYY-MM or any date; -1 after an error. */
static int get_month(struct csvfile *f, int col)
{
	const char *v = val(f, col);
	if (!need(f, col))
		return -1;
	int month;
	const char *why;
	if (field_parse_month(v, strlen(v), file_date_format(f), f->L->zone, &month, &why))
		return month;
	date_err(f, col, why, true);
	return -1;
}

/* What value v[0..n) of an enum column of kind k with [values] vm reads
 * as: an index into load_enum_names, -1 when empty and nothing maps it,
 * -2 when nothing maps it; *folded is v case-folded (load_fold's, valid
 * until its next call). */
static int read_enum(struct loader *L, enum enum_kind k, const struct value_map *vm, const char *v,
		     size_t vn, const char **folded)
{
	const char *fv = *folded = load_fold(L, v, vn);
	for (size_t i = 0; i < vm->n; i++)
		if (!strcmp(vm->src[i].folded, fv))
			return vm->src[i].target;
	if (!*v)
		return vm->star_line ? vm->star : -1;
	const char *const *names;
	size_t n;
	load_enum_names(L, k, &names, &n);
	for (size_t i = k == EK_ATTRIBUTION; i < n; i++) /* "none" only through a mapping */
		if (k == EK_TIER ? !strcmp(names[i], v) : !strcmp(names[i], fv))
			return (int)i;
	for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++)
		if (synonyms[i].kind == k && !strcmp(synonyms[i].folded, fv))
			return synonyms[i].target;
	return vm->star_line ? vm->star : -2;
}

/* The value of enum column col as an index into load_enum_names; -1 when
 * empty and nothing maps it (the caller decides what that means), -2 after
 * an error (each distinct unmapped value is reported at its first row and
 * counted for load_report_unmapped). */
static int get_enum(struct csvfile *f, int col)
{
	struct loader *L = f->L;
	enum enum_kind k = f->spec->cols[col].ekind;
	struct value_map *vm = &L->values[f->spec->id][col];
	const char *v = val(f, col);
	size_t vn = strlen(v);
	long known;
	if (recall(f, col, v, vn, &known))
		return (int)known;
	const char *fv;
	int target = read_enum(L, k, vm, v, vn, &fv);
	if (target != -2) {
		remember(f, col, v, vn, target);
		return target;
	}
	const char *const *names;
	size_t n;
	load_enum_names(L, k, &names, &n);

	/* unmapped: counted per distinct value, reported at its first row */
	char *folded = xstrdup(fv);
	fv = folded;
	size_t u = 0;
	while (u < vm->n_un && strcmp(vm->un[u].folded, fv))
		u++;
	bool first = u == vm->n_un;
	if (first && vm->n_un < MAX_UNMAPPED) {
		GROW(vm->un, vm->cap_un, vm->n_un + 1);
		vm->un[vm->n_un++] = (struct unmapped){
			.text = xstrdup(v), .folded = xstrdup(fv), .line = f->row_line,
			.column = f->colpos[col],
		};
		vm->colname = load_col_name(f, col);
	} else if (first) {
		vm->more_un++;
	}
	if (u < vm->n_un)
		vm->un[u].rows++;
	const char *name = f->spec->cols[col].name;
	struct buf b = {0};
	size_t first_name = k == EK_ATTRIBUTION; /* "none" is no value of the file */
	for (size_t i = first_name; i < n; i++)
		buf_printf(&b, "%s%s", i > first_name ? (i + 1 == n ? " or " : ", ") : "", names[i]);
	buf_printf(&b, "; or map it: add %s.%s = ", name, names[suggest_target(L, k, fv)]);
	put_source_value(&b, v);
	buf_printf(&b, " to [values %s]", f->spec->base);
	if (first)
		load_row_err(f, col, "bad %s in column %s: %s (expected %s)", name,
			     load_quote_col(f, col).s, load_quote(v).s, buf_cstr(&b));
	else
		load_row_drop(f, col, "bad %s in column %s: %s (expected %s)", name,
			      load_quote_col(f, col).s, load_quote(v).s, buf_cstr(&b));
	buf_free(&b);
	free(folded);
	return -2;
}

/* An enum that must have a value: -2 when it is missing or bad. */
static int get_required_enum(struct csvfile *f, int col)
{
	int v = get_enum(f, col);
	if (v == -1) {
		need(f, col);
		return -2;
	}
	return v;
}

static bool is_sfid(const char *s)
{
	size_t n = strlen(s);
	return (n == 15 || n == 18) && strspn(s, "abcdefghijklmnopqrstuvwxyz"
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

/* The partners by case-folded name and by Salesforce id (first 15
 * characters), each -> index + 1, or -1 when two partners share the key. */
static void index_partner_refs(struct loader *L)
{
	const struct model *m = L->m;
	L->partner_refs_ready = true;
	for (size_t i = 0; i < m->n_partners; i++) {
		const char *name = load_fold(L, m->partners[i].name, strlen(m->partners[i].name));
		strmap_set(&L->partner_names, name, strmap_get(&L->partner_names, name) ? -1
										  : (long)i + 1);
		if (!is_sfid(m->partners[i].id))
			continue;
		char id15[16];
		memcpy(id15, m->partners[i].id, 15);
		id15[15] = 0;
		strmap_set(&L->partner_sfids, id15,
			   strmap_get(&L->partner_sfids, id15) ? -1 : (long)i + 1);
	}
}

/* The partner a row names (SPEC 2, partner references): by partner_id, by
 * name, or by Salesforce id; -1 when the row is then bad. */
static int get_partner(struct csvfile *f, int col)
{
	struct loader *L = f->L;
	const struct model *m = L->m;
	const char *v = val(f, col);
	if (!need(f, col))
		return -1;
	if (!L->file_ok[FILE_PARTNERS]) {
		f->row_bad = true; /* partners.csv failed: its error is reported */
		return -1;
	}
	int p = model_partner_index(m, v);
	if (p >= 0) {
		__builtin_prefetch(&m->partners[p]); /* its dates are checked at the row's end */
		return p;
	}
	long line = strmap_get(&L->bad_partners, v);
	if (line) {
		load_row_drop(f, col, "partner %s in column %s was dropped from %s (line %ld)",
			      load_quote(v).s, load_quote_col(f, col).s,
			      load_file_name(L, FILE_PARTNERS), line);
		return -1;
	}
	if (!L->partner_refs_ready)
		index_partner_refs(L);
	long by_name = strmap_get(&L->partner_names, load_fold(L, v, strlen(v)));
	if (by_name > 0)
		return (int)by_name - 1;
	if (by_name < 0) {
		const char *fv = load_fold(L, v, strlen(v));
		char *want = xstrdup(fv);
		size_t hits[2], n = 0;
		for (size_t i = 0; i < m->n_partners && n < 2; i++)
			if (!strcmp(load_fold(L, m->partners[i].name, strlen(m->partners[i].name)),
				    want))
				hits[n++] = i;
		free(want);
		if (n < 2)
			BUG("ambiguous name without two partners");
		load_row_err(f, col, "partner name %s in column %s names two partners: %s (line "
			     "%ld) and %s (line %ld); use the partner_id", load_quote(v).s,
			     load_quote_col(f, col).s, load_quote(m->partners[hits[0]].id).s,
			     m->partners[hits[0]].line, load_quote(m->partners[hits[1]].id).s,
			     m->partners[hits[1]].line);
		return -1;
	}
	if (is_sfid(v)) {
		char id15[16];
		memcpy(id15, v, 15);
		id15[15] = 0;
		long by_id = strmap_get(&L->partner_sfids, id15);
		if (by_id > 0)
			return (int)by_id - 1;
	}
	load_row_err(f, col, "unknown partner in column %s: %s", load_quote_col(f, col).s,
		     load_quote(v).s);
	return -1;
}

/* The tier a row names, or -1 (the row is then bad). */
static int get_tier(struct csvfile *f, int col)
{
	if (!f->L->tiers_ok) {
		f->row_bad = true; /* program.ini's error is reported */
		return -1;
	}
	int t = get_required_enum(f, col);
	return t >= 0 ? t : -1;
}

/* A whole number >= 0, digits only or grouped by thousands as the file's
 * amounts are ("1,015", "1.015" with decimal = ,). */
static bool get_count(const struct csvfile *f, const char *v, int64_t *out)
{
	if (load_parse_count(v, out))
		return true;
	struct field_amount a;
	const char *why;
	if (!field_parse_amount(v, strlen(v), f->L->files[f->spec->id].decimal, &a, &why) ||
	    a.currency[0] || a.cents % 100)
		return false;
	*out = a.cents / 100;
	return true;
}

/* GROW for the arrays of a file's rows: past its first rows, at once to
 * the rows the file is expected to hold (no copy as it grows), onto huge
 * pages (a million rows fill tens of MB). */
#define GROW_ROWS(f, p, cap, need) grow_rows((f), (void **)&(p), &(cap), (need), sizeof *(p))
static void grow_rows(const struct csvfile *f, void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return;
	if (f->rows_hint < need) {
		grow_array(p, cap, need, size);
		return;
	}
	void *q = util_alloc_huge(f->rows_hint * size);
	if (*cap)
		memcpy(q, *p, *cap * size);
	free(*p);
	*p = q;
	*cap = f->rows_hint;
}

static char *intern(struct model *m, const char *s)
{
	return model_strdup(m, s, strlen(s));
}

static uint32_t line32(long line)
{
	return line > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)line;
}

/* ------------------------------------------------------------------------
 * Money: amounts, currencies, exchange rates
 * ---------------------------------------------------------------------- */

static int cmp_rate(const void *a, const void *b)
{
	const struct fx_rate *x = a, *y = b;
	int c = strcmp(x->currency, y->currency);
	if (c)
		return c;
	return (x->month > y->month) - (x->month < y->month);
}

/* The rate of currency for month: that month's, else the latest earlier
 * month's (a fixed [fx] rate holds for every month); index or -1. */
static long find_rate(struct loader *L, const char *currency, int month)
{
	if (!L->rates_sorted) {
		if (L->n_rates) /* no rate at all: rates is NULL */
			qsort(L->rates, L->n_rates, sizeof *L->rates, cmp_rate);
		L->rate_rows = xcalloc(L->n_rates + 1, sizeof *L->rate_rows);
		L->rates_sorted = true;
	}
	size_t lo = 0, hi = L->n_rates; /* first rate after (currency, month) */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(L->rates[mid].currency, currency);
		if (c < 0 || (c == 0 && L->rates[mid].month <= month))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && !strcmp(L->rates[lo - 1].currency, currency))
		return (long)lo - 1;
	return -1;
}

/* The money of a row: amount column acol with the row's currency from
 * column ccol, converted for month (-1 when a date of the row is bad) into
 * the program's currency. Returns 1 with *out (and *rate, the rate used or
 * -1), 0 when the amount is empty, -1 after an error. */
static int get_money(struct csvfile *f, int acol, int ccol, int month, cents_t *out, long *rate)
{
	struct loader *L = f->L;
	const struct program *p = &L->m->program;
	const char *v = val(f, acol);
	*out = 0;
	*rate = -1;
	if (!*v)
		return 0;
	char sec[64];
	struct field_amount a;
	const char *why;
	if (!field_parse_amount(v, strlen(v), L->files[f->spec->id].decimal, &a, &why)) {
		bool decimal = strstr(why, "reads with decimal") != NULL;
		load_row_err(f, acol, "bad amount in column %s: %s (%s%s%s)",
			     load_quote_col(f, acol).s, load_quote(v).s, why,
			     decimal ? ": add it to " : "",
			     decimal ? load_file_section(L, f->spec->id, sec) : "");
		return -1;
	}
	char code[4];
	const char *cv = load_has_col(f, ccol) ? val(f, ccol) : "";
	size_t cn = strlen(cv);
	for (size_t i = 0; i < 3 && i < cn; i++)
		code[i] = (char)(cv[i] >= 'a' && cv[i] <= 'z' ? cv[i] - 32 : cv[i]);
	code[3] = 0;
	if (!cn) {
		memcpy(code, p->currency, 4);
	} else if (cn != 3 || !field_currency_valid(code)) {
		load_row_err(f, ccol, "bad currency in column %s: %s (expected an ISO 4217 code "
			     "such as EUR)", load_quote_col(f, ccol).s, load_quote(cv).s);
		return -1;
	}
	if (a.currency[0] && !field_currency_agrees(a.currency, code)) {
		load_row_err(f, acol, "amount %s in column %s is in %s, but the row's currency is "
			     "%s%s", load_quote(v).s, load_quote_col(f, acol).s, a.currency, code,
			     cn ? "" : " (the program's: a currency column gives each row its own)");
		return -1;
	}
	if (!strcmp(code, p->currency)) {
		*out = a.cents;
		return 1;
	}
	if (month < 0) {
		f->row_bad = true; /* the row's date error is reported */
		return -1;
	}
	long r = find_rate(L, code, month);
	char mon[8];
	month_format(month, mon);
	int col = cn ? ccol : acol;
	if (r < 0) {
		load_row_err(f, col, "no exchange rate for %s in %s: add %s = RATE to [fx] in "
			     "program.ini, or a row %s,%s,RATE to %s", code, mon, code, code, mon,
			     load_file_name(L, FILE_FX));
		return -1;
	}
	int minor = field_currency_minor_digits(p->currency);
	if (!field_convert(a.cents, L->rates[r].rate, minor > 2 ? 2 : minor, out)) {
		load_row_err(f, acol, "amount %s in column %s is above the largest amount "
				      "accepted, "
			     "999,999,999,999.99, once converted to %s", load_quote(v).s,
			     load_quote_col(f, acol).s, p->currency);
		return -1;
	}
	*rate = r;
	return 1;
}

/* A kept row converted at rate r. */
static void count_rate(struct loader *L, long r)
{
	if (r >= 0)
		L->rate_rows[r]++;
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
			strmap_set(&L->bad_partners, id, f->row_line);
		return;
	}
	need(f, P_ID);
	need(f, P_NAME);
	int tier = get_tier(f, P_TIER);
	int64_t overlap = 0;
	const char *ov = val(f, P_OVERLAP);
	if (*ov && !get_count(f, ov, &overlap))
		load_row_err(f, P_OVERLAP, "bad number in column %s: %s (expected a whole number, "
			     "0 or more)", load_quote_col(f, P_OVERLAP).s, load_quote(ov).s);
	day_t joined, exited;
	bool jok = get_date(f, P_JOINED, true, &joined);
	bool eok = get_date(f, P_EXITED, false, &exited);
	if (jok && eok && exited != DAY_NONE && exited < joined)
		load_row_err(f, P_EXITED, "exited_on %s is before joined_on %s",
			     load_quote(val(f, P_EXITED)).s, load_quote(val(f, P_JOINED)).s);
	long prev = -1;
	if (*id) {
		prev = model_partner_index(m, id);
		long bad_line = prev < 0 ? strmap_get(&L->bad_partners, id) : 0;
		if (prev >= 0)
			load_row_err(f, P_ID, "duplicate partner_id %s (first on line %ld)",
				     load_quote(id).s, m->partners[prev].line);
		else if (bad_line)
			load_row_err(f, P_ID, "duplicate partner_id %s (first on line %ld)",
				     load_quote(id).s, bad_line);
	}
	if (f->row_bad) {
		if (*id && prev < 0)
			strmap_set(&L->bad_partners, id, f->row_line);
		return;
	}
	GROW_ROWS(f, m->partners, L->cap_partners, m->n_partners + 1);
	size_t i = m->n_partners++;
	m->partners[i] = (struct partner){
		.id = model_strdup_key(m, id, strlen(id)), .name = intern(m, val(f, P_NAME)),
		.manager = intern(m, val(f, P_MANAGER)), .tier = tier,
		.overlap_accounts = overlap, .joined_on = joined, .exited_on = exited,
		.line = f->row_line,
	};
	if (model_index_partner(m, i) >= 0)
		BUG("partner indexed twice");
	m->rows[FILE_PARTNERS]++;
}

/* fx.csv: currency, month, rate. */
static void fx_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	char code[4] = {0};
	const char *cv = val(f, X_CURRENCY);
	for (size_t i = 0; i < 3 && cv[i]; i++)
		code[i] = (char)(cv[i] >= 'a' && cv[i] <= 'z' ? cv[i] - 32 : cv[i]);
	if (need(f, X_CURRENCY)) {
		if (strlen(cv) != 3 || !field_currency_valid(code))
			load_row_err(f, X_CURRENCY, "bad currency in column %s: %s (expected an "
						    "ISO "
				     "4217 code such as EUR)", load_quote_col(f, X_CURRENCY).s,
				     load_quote(cv).s);
		else if (!strcmp(code, m->program.currency))
			load_row_err(f, X_CURRENCY, "%s is the program's currency: it needs no "
				     "rate", code);
	}
	int month = get_month(f, X_MONTH);
	struct field_rate rate = {0};
	const char *rv = val(f, X_RATE), *why;
	if (need(f, X_RATE) && !field_parse_rate(rv, strlen(rv), L->files[FILE_FX].decimal, &rate,
						 &why))
		load_row_err(f, X_RATE, "bad rate in column %s: %s (%s; the rate is program-"
			     "currency units per unit)", load_quote_col(f, X_RATE).s,
			     load_quote(rv).s, why);
	if (f->row_bad)
		return;
	for (size_t i = 0; i < L->n_rates; i++) {
		const struct fx_rate *o = &L->rates[i];
		if (strcmp(o->currency, code))
			continue;
		if (o->month < 0) {
			load_row_err(f, X_CURRENCY, "%s also has a fixed rate in [fx] (program.ini "
				     "line %ld): keep one of the two", code, o->line);
			return;
		}
		if (o->month == month) {
			char mon[8];
			month_format(month, mon);
			load_row_err(f, X_MONTH, "second rate for %s in %s (first on line %ld)", code,
				     mon, o->line);
			return;
		}
	}
	GROW(L->rates, L->cap_rates, L->n_rates + 1);
	struct fx_rate *r = &L->rates[L->n_rates++];
	memcpy(r->currency, code, 4);
	r->month = month;
	r->rate = rate;
	r->line = f->row_line;
	m->rows[FILE_FX]++;
}

/* A deals line, before its fields are taken: its account name (as the
 * file's first account column has it) is looked up ahead. */
static void deal_ahead(struct csvfile *f, const char *s, const struct span *sp, size_t k)
{
	if (!f->n_alt[D_ACCOUNT] || (size_t)f->alt_pos[D_ACCOUNT][0] >= k)
		return;
	const struct span *a = &sp[f->alt_pos[D_ACCOUNT][0]];
	f->ahead_text = s + a->off;
	f->ahead_len = a->len;
	model_account_ahead(f->L->m, f->ahead_text, f->ahead_len, &f->ahead_probe);
}

static void deal_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	const char *id = val(f, D_ID);
	if (f->row_bad) {
		if (*id && model_deal_index(m, id) < 0)
			strmap_set(&L->bad_deals, id, f->row_line);
		return;
	}
	need(f, D_ID);
	size_t id_len = strlen(id);
	model_deal_prefetch(m, id, id_len); /* looked up below, after the other fields */
	const char *account = val(f, D_ACCOUNT);
	size_t account_len = strlen(account);
	if (!f->ahead_text || f->ahead_len != account_len ||
	    memcmp(f->ahead_text, account, account_len)) /* not the name looked up ahead */
		model_account_ahead(m, account, account_len, &f->ahead_probe);
	model_account_near(m, &f->ahead_probe);
	bool direct = !*val(f, D_PARTNER);
	int partner = direct ? -1 : get_partner(f, D_PARTNER);
	day_t created, closed;
	bool cok = get_date(f, D_CREATED, true, &created);
	bool dok = get_date(f, D_CLOSED, false, &closed);
	int outcome = get_required_enum(f, D_OUTCOME);
	int attr = get_enum(f, D_ATTR);
	if (direct && attr > 0)
		load_row_err(f, D_ATTR, "attribution %s on a direct deal (partner_id is empty)",
			     load_quote(val(f, D_ATTR)).s);
	if (attr < 0 || direct)
		attr = ATTR_UNTAGGED;
	if (outcome == OUTCOME_OPEN) {
		closed = DAY_NONE; /* an expected close date: no figure uses it */
	} else if (outcome >= 0 && dok && closed == DAY_NONE) {
		load_row_err(f, D_OUTCOME, "outcome %s needs a closed_on date",
			     load_quote(val(f, D_OUTCOME)).s);
	} else if (outcome >= 0 && cok && dok && closed < created) {
		load_row_err(f, D_CLOSED, "closed_on %s is before created_on %s",
			     load_quote(val(f, D_CLOSED)).s, load_quote(val(f, D_CREATED)).s);
	}
	int month = outcome < 0 || !cok ? -1
		    : outcome == OUTCOME_OPEN ? month_of_day(created)
		    : dok && closed != DAY_NONE ? month_of_day(closed) : -1;
	cents_t amount;
	long rate;
	int money = get_money(f, D_AMOUNT, D_CURRENCY, month, &amount, &rate);
	if (money == 0 && outcome == OUTCOME_WON)
		load_row_err(f, D_AMOUNT, "missing value in column %s (a won deal needs an amount)",
			     load_quote_col(f, D_AMOUNT).s);
	long prev = -1;
	struct model_probe probe;
	if (*id) {
		prev = model_deal_find(m, id, id_len, &probe);
		long bad_line = prev < 0 ? strmap_get(&L->bad_deals, id) : 0;
		if (prev >= 0)
			load_row_err(f, D_ID, "duplicate deal_id %s (first on line %lu)",
				     load_quote(id).s, (unsigned long)L->deal_lines[prev]);
		else if (bad_line)
			load_row_err(f, D_ID, "duplicate deal_id %s (first on line %ld)",
				     load_quote(id).s, bad_line);
	}
	long account_index = f->row_bad ? 0 : model_intern_account_at(m, account, account_len,
								       &f->ahead_probe);
	if (account_index < 0)
		load_row_err(f, D_ACCOUNT, "too many distinct accounts: %s is past the %u a data "
			     "set may hold", load_quote(val(f, D_ACCOUNT)).s, MODEL_MAX_ACCOUNTS);
	if (f->row_bad) {
		if (*id && prev < 0)
			strmap_set(&L->bad_deals, id, f->row_line);
		return;
	}
	if (m->n_deals + 1 > L->cap_deals && f->rows_hint)
		model_expect_deals(m, f->rows_hint);
	GROW_ROWS(f, m->deals, L->cap_deals, m->n_deals + 1);
	GROW_ROWS(f, L->deal_lines, L->cap_deal_lines, m->n_deals + 1);
	size_t i = m->n_deals++;
	m->deals[i] = (struct deal){
		.id = model_strdup(m, id, id_len), .partner = partner, .created_on = created,
		.closed_on = closed, .amount = amount, .outcome = (uint32_t)outcome,
		.attribution = (uint32_t)attr, .amount_unknown = money == 0,
		.account = (uint32_t)account_index,
	};
	L->deal_lines[i] = line32(f->row_line);
	model_index_deal_at(m, i, &probe);
	m->rows[FILE_DEALS]++;
	m->unknown_amounts[FILE_DEALS] += money == 0;
	count_rate(L, rate);
	add_total(L, FILE_DEALS, amount, f->row_line);
	day_t last = closed != DAY_NONE ? closed : created;
	if (m->latest_deal_day == DAY_NONE || last > m->latest_deal_day)
		m->latest_deal_day = last;
	if (m->earliest_deal_day == DAY_NONE || created < m->earliest_deal_day)
		m->earliest_deal_day = created;
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

static void review_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	day_t held;
	get_date(f, R_HELD, true, &held);
	int partner = get_partner(f, R_PARTNER);
	int kind = get_required_enum(f, R_KIND);
	if (f->row_bad)
		return;
	GROW_ROWS(f, m->reviews, L->cap_reviews, m->n_reviews + 1);
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

static void completion_row(struct csvfile *f)
{
	struct loader *L = f->L;
	struct model *m = L->m;
	if (f->row_bad)
		return;
	day_t done;
	get_date(f, E_DONE, true, &done);
	int partner = get_partner(f, E_PARTNER);
	int side = get_required_enum(f, E_SIDE);
	int asset = -1;
	if (!L->assets_ok)
		f->row_bad = true; /* program.ini's error is reported */
	else
		asset = get_required_enum(f, E_ASSET);
	if (f->row_bad)
		return;
	GROW_ROWS(f, m->completions, L->cap_completions, m->n_completions + 1);
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
	L->change_to_col = f->colpos[T_TO];
	GROW_ROWS(f, m->tier_changes, L->cap_changes, m->n_tier_changes + 1);
	GROW_ROWS(f, L->change_lines, L->cap_change_lines, m->n_tier_changes + 1);
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
	int month = get_month(f, F_MONTH);
	int partner = get_partner(f, F_PARTNER);
	cents_t amount;
	long rate;
	if (get_money(f, F_AMOUNT, F_CURRENCY, month, &amount, &rate) == 0)
		need(f, F_AMOUNT);
	if (f->row_bad)
		return;
	GROW_ROWS(f, m->forecasts, L->cap_forecasts, m->n_forecasts + 1);
	m->forecasts[m->n_forecasts++] = (struct forecast){
		.month = month, .partner = partner, .amount = amount,
	};
	m->rows[FILE_FORECAST]++;
	count_rate(L, rate);
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
			long line = strmap_get(&L->bad_deals, id);
			if (line)
				load_row_drop(f, I_DEAL, "deal %s in column %s was dropped from %s "
					      "(line %ld)", load_quote(id).s,
					      load_quote_col(f, I_DEAL).s,
					      load_file_name(L, FILE_DEALS), line);
			else
				load_row_err(f, I_DEAL, "unknown deal in column %s: %s",
					     load_quote_col(f, I_DEAL).s, load_quote(id).s);
		} else if (m->deals[deal].partner < 0) {
			load_row_err(f, I_DEAL, "deal %s is a direct deal (incentives are paid on "
				     "partner deals)", load_quote(id).s);
		} else if (m->deals[deal].outcome != OUTCOME_WON) {
			load_row_err(f, I_DEAL, "deal %s has outcome %s (incentives are paid on "
						"won "
				     "deals)", load_quote(id).s,
				     outcome_names[m->deals[deal].outcome]);
		}
	}
	day_t paid;
	bool pok = get_date(f, I_PAID, true, &paid);
	cents_t amount;
	long rate;
	if (get_money(f, I_AMOUNT, I_CURRENCY, pok ? month_of_day(paid) : -1, &amount, &rate) == 0)
		need(f, I_AMOUNT);
	if (f->row_bad)
		return;
	GROW_ROWS(f, m->incentives, L->cap_incentives, m->n_incentives + 1);
	m->incentives[m->n_incentives++] = (struct incentive){
		.deal = (int)deal, .paid_on = paid, .amount = amount,
	};
	m->deals[deal].has_incentive = true;
	m->rows[FILE_INCENTIVES]++;
	count_rate(L, rate);
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
void load_check_latest_changes(struct loader *L)
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
	const char *file = load_file_name(L, FILE_TIER_CHANGES);
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
				 "%s (line %ld)",
				 load_quote(m->program.tiers[c->to_tier].id).s, load_quote(p->id).s,
				 load_quote(m->program.tiers[p->tier].id).s,
				 load_file_name(L, FILE_PARTNERS), p->line);
			if (!L->skip)
				break;
			drop[pos] = true;
			m->dropped[FILE_TIER_CHANGES]++;
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

/* Add an entry even when the list holds its most: the one line that says
 * how to map the values must not be lost behind the rows' errors. */
static void diag_add_kept(struct diag_list *l, const char *file, const char *msg)
{
	size_t max = l->max;
	l->max = (size_t)-1;
	diag_add(l, file, 0, 0, "%s", msg);
	l->max = max;
}

void load_report_unmapped(struct loader *L, enum input_file fid)
{
	const struct filespec *sp = load_file_spec(model_file_names[fid]);
	for (int c = 0; c < sp->ncols; c++) {
		struct value_map *vm = &L->values[fid][c];
		if (!vm->n_un)
			continue;
		enum enum_kind k = sp->cols[c].ekind;
		const char *const *names;
		size_t n;
		load_enum_names(L, k, &names, &n);
		int *target = xcalloc(vm->n_un, sizeof *target);
		for (size_t u = 0; u < vm->n_un; u++)
			target[u] = suggest_target(L, k, vm->un[u].folded);
		for (size_t t = 0; t < n; t++) { /* one line of [values] per target */
			struct buf vals = {0}, line = {0};
			size_t cnt = 0;
			for (size_t u = 0; u < vm->n_un; u++) {
				if (target[u] != (int)t)
					continue;
				buf_printf(&vals, "%s%s (%zu row%s)", cnt ? ", " : "",
					   load_quote(vm->un[u].text).s, vm->un[u].rows,
					   vm->un[u].rows == 1 ? "" : "s");
				buf_puts(&line, cnt ? ", " : "");
				put_source_value(&line, vm->un[u].text);
				cnt++;
			}
			if (cnt) {
				struct buf msg = {0};
				buf_printf(&msg, "column %s has %s no %s matches: %s; to map %s, "
						 "add "
					   "this line to [values %s] (check the value after the "
					   "dot): %s.%s = %s", load_quote(vm->colname).s,
					   cnt == 1 ? "a value" : "values", sp->cols[c].name,
					   buf_cstr(&vals), cnt == 1 ? "it" : "them", sp->base,
					   sp->cols[c].name, names[t], buf_cstr(&line));
				diag_add_kept(L->skip ? &L->m->warnings : L->errors,
					      load_file_name(L, fid), buf_cstr(&msg));
				buf_free(&msg);
			}
			buf_free(&vals);
			buf_free(&line);
		}
		if (vm->more_un) {
			struct buf msg = {0};
			buf_printf(&msg, "column %s has %zu more distinct values no %s matches",
				   load_quote(vm->colname).s, vm->more_un, sp->cols[c].name);
			diag_add_kept(L->skip ? &L->m->warnings : L->errors, load_file_name(L, fid),
				      buf_cstr(&msg));
			buf_free(&msg);
		}
		free(target);
	}
}

static void warn_tally(struct loader *L, enum input_file fid, const struct tally *t,
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
	diag_add(&L->m->warnings, load_file_name(L, fid), 0, 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

void load_emit_warnings(struct loader *L)
{
	warn_tally(L, FILE_DEALS, &L->untagged,
		   "partner deal has no attribution (untagged)",
		   "partner deals have no attribution (untagged)");
	warn_tally(L, FILE_DEALS, &L->deal_before_join,
		   "partner deal was created before the partner joined",
		   "partner deals were created before the partner joined");
	warn_tally(L, FILE_DEALS, &L->deal_after_exit,
		   "partner deal was created after the partner exited",
		   "partner deals were created after the partner exited");
	warn_tally(L, FILE_DEALS, &L->deal_early,
		   "deal is dated before 1990 (check its created_on and closed_on)",
		   "deals are dated before 1990 (check their created_on and closed_on)");
	warn_tally(L, FILE_REVIEWS, &L->review_before_join,
		   "review was held before the partner joined",
		   "reviews were held before the partner joined");
	warn_tally(L, FILE_REVIEWS, &L->review_after_exit,
		   "review was held after the partner exited",
		   "reviews were held after the partner exited");
	warn_tally(L, FILE_ENABLEMENT, &L->completion_after_exit,
		   "enablement completion is dated after the partner exited",
		   "enablement completions are dated after the partner exited");
	warn_tally(L, FILE_FORECAST, &L->forecast_after_exit,
		   "forecast is for a month after the partner exited",
		   "forecasts are for months after the partner exited");

	struct model *m = L->m; /* the rates used, by currency then month */
	for (size_t i = 0; L->rate_rows && i < L->n_rates; i++) {
		if (!L->rate_rows[i])
			continue;
		GROW(m->fx, L->cap_fx_used, m->n_fx + 1);
		struct fx_use *u = &m->fx[m->n_fx++];
		memcpy(u->currency, L->rates[i].currency, 4);
		u->month = L->rates[i].month;
		u->rate_num = L->rates[i].rate.num;
		u->rate_scale = L->rates[i].rate.scale;
		u->rows = L->rate_rows[i];
	}
}

void load_rows_free(struct loader *L)
{
	strmap_free(&L->bad_partners);
	strmap_free(&L->bad_deals);
	strmap_free(&L->partner_names);
	strmap_free(&L->partner_sfids);
	free(L->rate_rows);
	free(L->deal_lines);
	free(L->change_lines);
}
