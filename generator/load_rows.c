/* load_rows: the rows of each file. Consumes one row's values at a time
 * (from load_csv.c) with the program and the files read before; produces
 * the model's partners, deals, reviews, completions, tier changes,
 * forecasts and incentives, and the warnings. Refuses, at the row and
 * column: missing values, bad dates, amounts (and a file's total over the
 * limit), numbers and enum values, duplicate ids, unknown partners, tiers
 * and deals, and fields that contradict each other; across rows, a latest
 * tier change that disagrees with partners.csv. */
#include "load_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "a, b or c" from a list of names. */
static void join_or(struct buf *b, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, i + 1 == n ? " or " : ", ");
		buf_puts(b, names[i]);
	}
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

/* ------------------------------------------------------------------------
 * A set of ids (rows that were dropped or failed), with their lines
 * ---------------------------------------------------------------------- */

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

static void tally_add(struct tally *t, long line)
{
	if (t->count < WARN_LINES)
		t->lines[t->count] = line;
	t->count++;
}

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

/* ------------------------------------------------------------------------
 * File schemas
 * ---------------------------------------------------------------------- */

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
const struct filespec load_files[] = {
	{FILE_PARTNERS, "partners", partner_cols, P_N, true, partner_row},
	{FILE_DEALS, "deals", deal_cols, D_N, true, deal_row},
	{FILE_REVIEWS, "reviews", review_cols, R_N, false, review_row},
	{FILE_ENABLEMENT, "enablement", enable_cols, E_N, false, completion_row},
	{FILE_TIER_CHANGES, "tier_changes", change_cols, T_N, false, change_row},
	{FILE_FORECAST, "forecast", forecast_cols, F_N, false, forecast_row},
	{FILE_INCENTIVES, "incentives", incentive_cols, I_N, false, incentive_row},
};
const size_t load_n_files = sizeof load_files / sizeof load_files[0];

const struct filespec *load_file_spec(const char *base)
{
	for (size_t i = 0; i < load_n_files; i++)
		if (!strcasecmp(load_files[i].base, base))
			return &load_files[i];
	return NULL;
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
	load_row_err(f, col, "missing value in column %s", load_quote_col(f, col).s);
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
		load_row_err(f, col, "bad date in column %s: %s", load_quote_col(f, col).s,
			     load_quote(v).s);
	else
		load_row_err(f, col, "bad date in column %s: %s (expected %s)",
			     load_quote_col(f, col).s, load_quote(v).s, date_format_names[df]);
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
		load_row_err(f, col, "amount too large in column %s: %s (at most 999,999,999,999.99 "
			     "in one row)", load_quote_col(f, col).s, load_quote(v).s);
		return false;
	case AMOUNT_BAD:
		break;
	}
	load_row_err(f, col, "bad amount in column %s: %s (expected a plain number like 12500.50)",
		     load_quote_col(f, col).s, load_quote(v).s);
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
	load_row_err(f, col, "bad %s in column %s: %s (expected %s)", what, load_quote_col(f, col).s,
		     load_quote(v).s, buf_cstr(&b));
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
		load_row_drop(f, col, "partner %s in column %s was dropped from partners.csv (line %ld)",
			      load_quote(v).s, load_quote_col(f, col).s, line);
	else
		load_row_err(f, col, "unknown partner in column %s: %s", load_quote_col(f, col).s,
			     load_quote(v).s);
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
	load_row_err(f, col, "unknown tier in column %s: %s (tiers: %s)", load_quote_col(f, col).s,
		     load_quote(v).s, buf_cstr(&b));
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
	if (*ov && !load_parse_count(ov, &overlap))
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
		long bad_line = prev < 0 ? idset_find(&L->bad_partners, id) : 0;
		if (prev >= 0)
			load_row_err(f, P_ID, "duplicate partner_id %s (first on line %ld)", load_quote(id).s,
				     m->partners[prev].line);
		else if (bad_line)
			load_row_err(f, P_ID, "duplicate partner_id %s (first on line %ld)", load_quote(id).s,
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
		load_row_err(f, D_ATTR, "attribution %s on a direct deal (partner_id is empty)",
			     load_quote(av).s);
	} else if (!direct) {
		int a = get_enum(f, D_ATTR, false, "attribution", attribution_names, 2);
		attr = a == 0 ? ATTR_SOURCED : a == 1 ? ATTR_INFLUENCED : ATTR_UNTAGGED;
	}
	if (outcome >= 0 && dok) {
		if (outcome != OUTCOME_OPEN && closed == DAY_NONE)
			load_row_err(f, D_OUTCOME, "outcome %s needs a closed_on date",
				     load_quote(val(f, D_OUTCOME)).s);
		else if (outcome == OUTCOME_OPEN && closed != DAY_NONE)
			load_row_err(f, D_OUTCOME, "outcome %s needs an empty closed_on (got %s)",
				     load_quote(val(f, D_OUTCOME)).s, load_quote(val(f, D_CLOSED)).s);
	}
	if (cok && dok && closed != DAY_NONE && closed < created)
		load_row_err(f, D_CLOSED, "closed_on %s is before created_on %s",
			     load_quote(val(f, D_CLOSED)).s, load_quote(val(f, D_CREATED)).s);
	long prev = -1;
	if (*id) {
		prev = model_deal_index(m, id);
		long bad_line = prev < 0 ? idset_find(&L->bad_deals, id) : 0;
		if (prev >= 0)
			load_row_err(f, D_ID, "duplicate deal_id %s (first on line %lu)", load_quote(id).s,
				     (unsigned long)L->deal_lines[prev]);
		else if (bad_line)
			load_row_err(f, D_ID, "duplicate deal_id %s (first on line %ld)", load_quote(id).s,
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
	L->change_to_col = f->colpos[T_TO];
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
		load_row_err(f, F_MONTH, "bad month in column %s: %s (expected YYYY-MM)",
			     load_quote_col(f, F_MONTH).s, load_quote(mv).s);
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
				load_row_drop(f, I_DEAL, "deal %s in column %s was dropped from deals.csv "
					      "(line %ld)", load_quote(id).s, load_quote_col(f, I_DEAL).s, line);
			else
				load_row_err(f, I_DEAL, "unknown deal in column %s: %s",
					     load_quote_col(f, I_DEAL).s, load_quote(id).s);
		} else if (m->deals[deal].partner < 0) {
			load_row_err(f, I_DEAL, "deal %s is a direct deal (incentives are paid on partner "
				     "deals)", load_quote(id).s);
		} else if (m->deals[deal].outcome != OUTCOME_WON) {
			load_row_err(f, I_DEAL, "deal %s has outcome %s (incentives are paid on won deals)",
				     load_quote(id).s, outcome_names[m->deals[deal].outcome]);
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
				 load_quote(m->program.tiers[c->to_tier].id).s, load_quote(p->id).s,
				 load_quote(m->program.tiers[p->tier].id).s, p->line);
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

void load_emit_warnings(struct loader *L)
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

void load_rows_free(struct loader *L)
{
	idset_free(&L->bad_partners);
	idset_free(&L->bad_deals);
	free(L->deal_lines);
	free(L->change_lines);
}
