/* chartset: consumes the model and metrics (const) and produces the chart
 * descriptions of the pack with the data tables they are drawn from (each
 * table in step with what its chart draws) and a few facts for the
 * templates. Money goes to the charts in currency units (a display edge);
 * table cells are formatted with format.c. Refuses nothing: empty data
 * makes charts that show their "no data" state, saying why.
 *
 * Colours (chart.h): a tier is always its tier colour, by rank; partner
 * figures are partner teal (sourced deep, influenced light, untagged
 * hatched, a forecast outlined against the solid actual); direct is grey.
 * Tiers with nothing to show are left out of charts, tables and legends. */
#include "chartset.h"
#include "format.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CADENCE_ROWS 25 /* partners shown in the cadence grid, longest gaps first */

static void *own(struct chartset *s, void *p)
{
	GROW(s->owned, s->cap_owned, s->n_owned + 1);
	s->owned[s->n_owned++] = p;
	return p;
}

static const char *own_str(struct chartset *s, char *p)
{
	return own(s, p);
}

static struct pack_chart *add(struct chartset *s, const char *name, const char *key,
			      enum chart_kind kind, enum chart_value value, const char *title,
			      const char *currency)
{
	GROW(s->items, s->cap, s->n + 1);
	struct pack_chart *c = &s->items[s->n++];
	memset(c, 0, sizeof *c);
	c->name = (char *)own_str(s, xstrdup(name));
	c->key = key ? (char *)own_str(s, xstrdup(key)) : NULL;
	c->partner = -1;
	c->chart.kind = kind;
	c->chart.value = value;
	c->chart.title = title ? own_str(s, xstrdup(title)) : NULL;
	c->chart.currency = currency;
	return c;
}

static double units(cents_t c)
{
	return (double)c / 100.0;
}

/* "Nov 2025": a month never reads as a day ("Nov 25"). Caller frees. */
static char *month_label(int month)
{
	return xasprintf("%s %d", month_abbr(month % 12 + 1), month / 12);
}

static const char **month_categories(struct chartset *s, int first_month)
{
	const char **cats = own(s, xcalloc(TREND_MONTHS, sizeof *cats));
	for (int i = 0; i < TREND_MONTHS; i++)
		cats[i] = own_str(s, month_label(first_month + i));
	return cats;
}

static struct chart_series *series(struct chartset *s, size_t n_series, size_t n_values)
{
	struct chart_series *sr = own(s, xcalloc(n_series ? n_series : 1, sizeof *sr));
	for (size_t i = 0; i < n_series; i++)
		sr[i].values = own(s, xcalloc(n_values ? n_values : 1, sizeof(double)));
	return sr;
}

static double *values_of(const struct chart_series *sr)
{
	return (double *)sr->values;
}

/* Table helpers: columns, alignment row, rows of formatted cells. */
static json_t *table_new(const char *const *cols, size_t n, const char *align)
{
	json_t *t = json_object(), *c = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(c, json_string(cols[i]));
	json_object_set_new(t, "columns", c);
	json_object_set_new(t, "align", json_string(align));
	json_object_set_new(t, "rows", json_array());
	return t;
}

static void table_row(json_t *t, json_t *cells)
{
	json_t *r = json_object();
	json_object_set_new(r, "cells", cells);
	json_array_append_new(json_object_get(t, "rows"), r);
}

/* A cell; NULL text is an em dash (no value). */
static void cell(json_t *cells, char *text)
{
	json_array_append_new(cells, json_string(text ? text : "\xe2\x80\x94"));
	free(text);
}

/* "|:---|" then numeric_cols right-aligned columns. */
static char *align_row(size_t numeric_cols)
{
	struct buf b = {0};
	buf_puts(&b, "|:---|");
	for (size_t i = 0; i < numeric_cols; i++)
		buf_puts(&b, "---:|");
	return buf_detach(&b);
}

static char *pct(double v)
{
	return isnan(v) ? NULL : format_percent(v, 1);
}

static void fact(json_t *facts, const char *key, char *text)
{
	json_object_set_new(facts, key, json_string(text));
	free(text);
}

/* Tiers worth a place in a chart: those with active partners, or with a
 * value to draw (a tier whose partners all left can still have revenue). */
static bool tier_shown(const struct metrics *x, size_t t)
{
	const struct tier_metrics *tm = &x->tiers[t];
	if (tm->fig.partners > 0)
		return true;
	for (int k = 0; k < TREND_MONTHS; k++)
		if (tm->trend[k].won_revenue != 0)
			return true;
	return tm->fig.has_forecast && tm->fig.forecast != 0;
}

/* A table of categories by series: its first column, one numeric column
 * per series, and a last (total) column. */
static json_t *series_table(const struct chart_series *sr, size_t ns, const char *first,
			    const char *last)
{
	const char **cols = xcalloc(ns + 2, sizeof *cols);
	cols[0] = first;
	for (size_t i = 0; i < ns; i++)
		cols[i + 1] = sr[i].name;
	cols[ns + 1] = last;
	char *align = align_row(ns + 1);
	json_t *t = table_new(cols, ns + 2, align);
	free(align);
	free(cols);
	return t;
}

/* A month-by-series money chart (stacked bars) with its table: one column
 * per series and the month's total. */
static void monthly_money(struct chartset *s, struct pack_chart *c, int first_month,
			  const char *cur)
{
	size_t ns = c->chart.n_series;
	c->chart.categories = month_categories(s, first_month);
	c->chart.n_categories = TREND_MONTHS;
	c->table = series_table(c->chart.series, ns, "Month", "Total");
	for (int k = 0; k < TREND_MONTHS; k++) {
		json_t *cells = json_array();
		cell(cells, xstrdup(c->chart.categories[k]));
		double total = 0;
		for (size_t i = 0; i < ns; i++) {
			double v = c->chart.series[i].values[k];
			total += v;
			cell(cells, format_money((cents_t)llround(v * 100), cur));
		}
		cell(cells, format_money((cents_t)llround(total * 100), cur));
		table_row(c->table, cells);
	}
}

static void tier_revenue(struct chartset *s, const struct model *m, const struct metrics *x)
{
	const char *cur = m->program.currency;
	struct pack_chart *c = add(s, "tier-revenue", "tier_revenue", CHART_STACKED_BARS, CHART_MONEY,
				   "Partner won revenue by tier, last 12 months", cur);
	struct chart_series *sr = series(s, x->n_tiers, TREND_MONTHS);
	size_t ns = 0;
	for (size_t t = 0; t < x->n_tiers; t++) {
		if (!tier_shown(x, t))
			continue;
		sr[ns].name = m->program.tiers[t].label;
		sr[ns].paint = CHART_PAINT_TIER;
		sr[ns].tier = (int)t;
		for (int k = 0; k < TREND_MONTHS; k++)
			values_of(&sr[ns])[k] = units(x->tiers[t].trend[k].won_revenue);
		ns++;
	}
	c->chart.series = sr;
	c->chart.n_series = ns;
	c->chart.empty = "No tier has active partners or won revenue";
	c->email = true;
	monthly_money(s, c, x->period.trend_first_month, cur);
}

static void attribution(struct chartset *s, const struct model *m, const struct metrics *x)
{
	static const struct {
		const char *name;
		enum chart_paint paint;
	} kinds[] = {{"Sourced", CHART_PAINT_SOURCED},
		     {"Influenced", CHART_PAINT_INFLUENCED},
		     {"Untagged", CHART_PAINT_UNTAGGED}};
	const char *cur = m->program.currency;
	struct pack_chart *c = add(s, "attribution", "attribution", CHART_STACKED_BARS, CHART_MONEY,
				   "Partner won revenue by attribution, last 12 months", cur);
	struct chart_series *sr = series(s, 3, TREND_MONTHS);
	for (int k = 0; k < TREND_MONTHS; k++) {
		const struct block *b = &x->totals_trend[k];
		values_of(&sr[0])[k] = units(b->sourced_revenue);
		values_of(&sr[1])[k] = units(b->influenced_revenue);
		values_of(&sr[2])[k] = units(b->untagged_revenue);
	}
	for (int i = 0; i < 3; i++) {
		sr[i].name = kinds[i].name;
		sr[i].paint = kinds[i].paint;
	}
	c->chart.series = sr;
	c->chart.n_series = 3;
	c->email = true;
	monthly_money(s, c, x->period.trend_first_month, cur);
}

static void win_rate(struct chartset *s, const struct model *m, const struct metrics *x)
{
	struct pack_chart *c = add(s, "win-rate", "win_rate", CHART_LINES, CHART_PERCENT,
				   "Win rate, partner vs direct, last 12 months", m->program.currency);
	struct chart_series *sr = series(s, 2, TREND_MONTHS);
	sr[0].name = "Partner";
	sr[0].paint = CHART_PAINT_PARTNER;
	sr[1].name = "Direct";
	sr[1].paint = CHART_PAINT_DIRECT;
	c->chart.categories = month_categories(s, x->period.trend_first_month);
	c->chart.n_categories = TREND_MONTHS;
	c->chart.series = sr;
	c->chart.n_series = 2;
	c->email = true;
	static const char *cols[] = {"Month", "Partner win rate", "Direct win rate", "Lift"};
	c->table = table_new(cols, 4, "|:---|---:|---:|---:|");
	for (int k = 0; k < TREND_MONTHS; k++) {
		double p = x->totals_trend[k].win_rate, d = x->direct_trend[k].win_rate;
		values_of(&sr[0])[k] = p;
		values_of(&sr[1])[k] = d;
		json_t *cells = json_array();
		cell(cells, xstrdup(c->chart.categories[k]));
		cell(cells, pct(p));
		cell(cells, pct(d));
		cell(cells, isnan(p) || isnan(d) ? NULL : format_points(p - d));
		table_row(c->table, cells);
	}
}

static void revenue_per_partner(struct chartset *s, const struct model *m, const struct metrics *x)
{
	const char *cur = m->program.currency;
	struct pack_chart *c = add(s, "revenue-per-partner", "revenue_per_partner", CHART_HBARS,
				   CHART_MONEY, "Won revenue per active partner by tier, trailing window",
				   cur);
	struct chart_series *sr = series(s, 1, x->n_tiers);
	sr[0].name = "Revenue per partner";
	sr[0].paint = CHART_PAINT_PARTNER;
	const char **cats = own(s, xcalloc(x->n_tiers + 1, sizeof *cats));
	static const char *cols[] = {"Tier", "Active partners", "Window won revenue",
				     "Revenue per partner"};
	c->table = table_new(cols, 4, "|:---|---:|---:|---:|");
	size_t n = 0;
	for (size_t t = 0; t < x->n_tiers; t++) {
		const struct tier_metrics *tm = &x->tiers[t];
		if (tm->fig.partners == 0)
			continue; /* no active partner: no figure to draw */
		cats[n] = m->program.tiers[t].label;
		values_of(&sr[0])[n] = tm->has_revenue_per_partner ? units(tm->revenue_per_partner) : NAN;
		json_t *cells = json_array();
		cell(cells, xstrdup(cats[n]));
		cell(cells, format_count(tm->fig.partners));
		cell(cells, format_money(tm->blocks[RANGE_WINDOW].won_revenue, cur));
		cell(cells, tm->has_revenue_per_partner ? format_money(tm->revenue_per_partner, cur) : NULL);
		table_row(c->table, cells);
		n++;
	}
	c->chart.categories = cats;
	c->chart.n_categories = n;
	c->chart.series = sr;
	c->chart.n_series = 1;
	c->chart.empty = "No tier has active partners";
}

static void forecast_actual(struct chartset *s, const struct model *m, const struct metrics *x)
{
	const char *cur = m->program.currency;
	struct pack_chart *c = add(s, "forecast-actual", "forecast_actual", CHART_GROUPED_BARS,
				   CHART_MONEY, "Forecast vs actual won revenue by tier, this month", cur);
	struct chart_series *sr = series(s, 2, x->n_tiers);
	sr[0].name = "Forecast";
	sr[0].paint = CHART_PAINT_FORECAST;
	sr[1].name = "Actual";
	sr[1].paint = CHART_PAINT_PARTNER;
	const char **cats = own(s, xcalloc(x->n_tiers + 1, sizeof *cats));
	static const char *cols[] = {"Tier", "Forecast", "Actual", "Actual vs forecast", "Accuracy"};
	c->table = table_new(cols, 5, "|:---|---:|---:|---:|---:|");
	size_t n = 0;
	for (size_t t = 0; t < x->n_tiers; t++) {
		const struct tier_metrics *tm = &x->tiers[t];
		cents_t actual = tm->blocks[RANGE_MONTH].won_revenue;
		if (!tier_shown(x, t))
			continue;
		cats[n] = m->program.tiers[t].label;
		values_of(&sr[0])[n] = tm->fig.has_forecast ? units(tm->fig.forecast) : NAN;
		values_of(&sr[1])[n] = units(actual);
		json_t *cells = json_array();
		cell(cells, xstrdup(cats[n]));
		cell(cells, tm->fig.has_forecast ? format_money(tm->fig.forecast, cur) : NULL);
		cell(cells, format_money(actual, cur));
		cell(cells, tm->fig.has_forecast ? format_over_under(actual, tm->fig.forecast, cur) : NULL);
		cell(cells, pct(tm->fig.forecast_accuracy));
		table_row(c->table, cells);
		n++;
	}
	c->chart.categories = cats;
	c->chart.n_categories = n;
	c->chart.series = sr;
	c->chart.n_series = 2;
	c->email = true;
}

/* Adherence bands (SPEC 4.4 review_adherence), with the health thresholds
 * of the operating model (red below 50%, green from 80%) as edges; a band
 * ends below the next one's first percent ("50–79%" holds 79.9%). */
static const struct {
	const char *label;
	double below;   /* upper bound, exclusive; the last band is exactly 1 */
} bands[] = {{"0\xe2\x80\x93" "49%", 0.5},
	     {"50\xe2\x80\x93" "79%", 0.8},
	     {"80\xe2\x80\x93" "99%", 1.0},
	     {"100%", 2}};
#define N_BANDS (sizeof bands / sizeof bands[0])

static size_t band_of(double adherence)
{
	size_t b = 0;
	while (b + 1 < N_BANDS && adherence >= bands[b].below)
		b++;
	return b;
}

/* Partners per adherence band and tier: bars grouped by band, one per
 * tier with measured partners (in its tier colour). */
static void review_adherence(struct chartset *s, const struct model *m, const struct metrics *x)
{
	struct pack_chart *c = add(s, "review-adherence", "review_adherence", CHART_GROUPED_BARS,
				   CHART_COUNT, "Active partners by deal-review adherence and tier, this period",
				   m->program.currency);
	size_t nt = x->n_tiers;
	long *count = xcalloc(nt * N_BANDS + 1, sizeof *count);
	long *measured = xcalloc(nt + 1, sizeof *measured), all = 0;
	for (size_t i = 0; i < x->n_partners; i++) {
		const struct partner_metrics *p = &x->partners[i];
		if (metric_is_null(p->review_adherence))
			continue;
		count[(size_t)p->tier * N_BANDS + band_of(p->review_adherence)]++;
		measured[p->tier]++;
		all++;
	}
	struct chart_series *sr = series(s, nt, N_BANDS);
	const char **cats = own(s, xcalloc(N_BANDS, sizeof *cats));
	for (size_t b = 0; b < N_BANDS; b++)
		cats[b] = bands[b].label;
	size_t ns = 0;
	for (size_t t = 0; t < nt; t++) {
		if (!measured[t])
			continue;
		sr[ns].name = m->program.tiers[t].label;
		sr[ns].paint = CHART_PAINT_TIER;
		sr[ns].tier = (int)t;
		for (size_t b = 0; b < N_BANDS; b++)
			values_of(&sr[ns])[b] = (double)count[t * N_BANDS + b];
		ns++;
	}
	c->table = series_table(sr, ns, "Adherence", "All partners");
	for (size_t b = 0; b < N_BANDS; b++) {
		json_t *cells = json_array();
		cell(cells, xstrdup(cats[b]));
		long band_all = 0;
		for (size_t i = 0; i < ns; i++) {
			long v = count[(size_t)sr[i].tier * N_BANDS + b];
			band_all += v;
			cell(cells, format_count(v));
		}
		cell(cells, format_count(band_all));
		table_row(c->table, cells);
	}
	free(count);
	free(measured);
	c->chart.categories = cats;
	c->chart.n_categories = N_BANDS;
	c->chart.series = sr;
	c->chart.n_series = ns;
	c->chart.empty = x->n_partners == 0 ? "No active partners"
			 : all == 0         ? "Deal reviews are not measured (no reviews file)"
					    : NULL;
}

/* --- the review cadence: partners with a gap ------------------------------- */

/* A gap: a run of whole weeks (each starting on or after the partner
 * joined) without a deal review, as long as the tier's review interval or
 * longer: ceil(review_every_days / 7) weeks, so at least one review came
 * due inside it and was not held. */
struct gap {
	size_t partner;      /* index into metrics->partners */
	int longest;         /* weeks of the longest gap */
	cents_t in_play;     /* window won revenue + open pipeline */
	bool marked[CADENCE_WEEKS];
	bool joined[CADENCE_WEEKS]; /* the week ends on or after joined_on */
};

static bool find_gap(const struct model *m, const struct metrics *x, size_t i, struct gap *g)
{
	const struct partner_metrics *p = &x->partners[i];
	memset(g, 0, sizeof *g);
	g->partner = i;
	if (p->reviews_held < 0)
		return false; /* reviews not measured */
	int every = m->program.tiers[p->tier].review_every_days;
	int need = every > 0 ? (every + 6) / 7 : 1;
	day_t joined = m->partners[p->partner].joined_on;
	int run = 0;
	for (int w = 0; w <= CADENCE_WEEKS; w++) {
		day_t week_end = x->period.end - 7 * (CADENCE_WEEKS - 1 - w);
		bool whole = w < CADENCE_WEEKS && week_end - 6 >= joined;
		if (w < CADENCE_WEEKS)
			g->joined[w] = week_end >= joined;
		if (whole && p->cadence[w] == 0) {
			run++;
			continue;
		}
		if (run >= need) {
			for (int k = w - run; k < w; k++)
				g->marked[k] = true;
			if (run > g->longest)
				g->longest = run;
		}
		run = 0;
	}
	const struct block *b = &p->blocks[RANGE_WINDOW];
	g->in_play = b->won_revenue + b->open_pipeline;
	return g->longest > 0;
}

/* Longest gap first, then more revenue in play, then partner id order. */
static int gap_cmp(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;
	if (x->longest != y->longest)
		return x->longest > y->longest ? -1 : 1;
	if (x->in_play != y->in_play)
		return x->in_play > y->in_play ? -1 : 1;
	return x->partner < y->partner ? -1 : x->partner > y->partner;
}

static void review_cadence(struct chartset *s, const struct model *m, const struct metrics *x)
{
	const struct period *pd = &x->period;
	struct pack_chart *c = add(s, "review-cadence", "review_cadence", CHART_GRID, CHART_COUNT,
				   "Deal reviews per week, partners with a gap, last 13 weeks",
				   m->program.currency);
	const char **weeks = own(s, xcalloc(CADENCE_WEEKS, sizeof *weeks));
	for (int w = 0; w < CADENCE_WEEKS; w++) {
		int yy, mm, dd;
		date_to_ymd(pd->end - 7 * (CADENCE_WEEKS - 1 - w), &yy, &mm, &dd);
		weeks[w] = own_str(s, xasprintf("%s %d", month_abbr(mm), dd));
	}
	struct gap *gaps = xcalloc(x->n_partners + 1, sizeof *gaps);
	size_t n_gaps = 0, measured = 0;
	for (size_t i = 0; i < x->n_partners; i++) {
		measured += x->partners[i].reviews_held >= 0;
		if (find_gap(m, x, i, &gaps[n_gaps]))
			n_gaps++;
	}
	qsort(gaps, n_gaps, sizeof *gaps, gap_cmp);
	size_t shown = n_gaps < CADENCE_ROWS ? n_gaps : CADENCE_ROWS;

	const char **cols = xcalloc(CADENCE_WEEKS + 3, sizeof *cols);
	cols[0] = "Partner";
	cols[1] = "Longest gap";
	for (int w = 0; w < CADENCE_WEEKS; w++)
		cols[w + 2] = weeks[w];
	char *align = align_row(CADENCE_WEEKS + 1);
	c->table = table_new(cols, CADENCE_WEEKS + 2, align);
	free(align);
	free(cols);
	struct chart_series *sr = series(s, shown, CADENCE_WEEKS);
	for (size_t r = 0; r < shown; r++) {
		const struct gap *g = &gaps[r];
		const struct partner_metrics *p = &x->partners[g->partner];
		bool *mark = own(s, xcalloc(CADENCE_WEEKS, sizeof *mark));
		memcpy(mark, g->marked, sizeof g->marked);
		sr[r].name = m->partners[p->partner].name;
		sr[r].paint = CHART_PAINT_PARTNER;
		sr[r].marked = mark;
		json_t *cells = json_array();
		cell(cells, xstrdup(sr[r].name));
		cell(cells, xasprintf("%d week%s", g->longest, g->longest == 1 ? "" : "s"));
		for (int w = 0; w < CADENCE_WEEKS; w++) {
			values_of(&sr[r])[w] = g->joined[w] ? p->cadence[w] : NAN;
			if (!g->joined[w])
				cell(cells, NULL);
			else if (mark[w])
				cell(cells, xstrdup("0 (gap)"));
			else
				cell(cells, format_count(p->cadence[w]));
		}
		table_row(c->table, cells);
	}
	size_t more = n_gaps - shown, without = measured - n_gaps;
	char *n_measured = format_count((int64_t)measured), *n_with = format_count((int64_t)n_gaps);
	char *n_more = format_count((int64_t)more), *n_without = format_count((int64_t)without);
	char *n_shown = format_count((int64_t)shown);
	char *note;
	if (!measured)
		note = NULL;
	else if (!n_gaps)
		note = xasprintf("None of %s partner%s had a gap", n_measured, measured == 1 ? "" : "s");
	else if (!more)
		note = xasprintf("%s partner%s had a gap; %s had none", n_with, n_gaps == 1 ? "" : "s",
				 n_without);
	else
		note = xasprintf("Shows the %s partners with the longest gaps; %s more had a gap and "
				 "%s had none",
				 n_shown, n_more, n_without);
	if (more) {
		/* the rest, counted in the table's last row */
		json_t *cells = json_array();
		cell(cells, xasprintf("%s more partner%s with a gap, not shown", n_more,
				      more == 1 ? "" : "s"));
		for (int w = 0; w < CADENCE_WEEKS + 1; w++)
			json_array_append_new(cells, json_string(""));
		table_row(c->table, cells);
	}
	c->facts = json_object();
	fact(c->facts, "shown", n_shown);
	fact(c->facts, "with_gap", n_with);
	fact(c->facts, "more", n_more);
	fact(c->facts, "without_gap", n_without);
	free(n_measured);
	json_object_set_new(c->facts, "note", note ? json_string(note) : json_null());
	c->chart.note = note ? own_str(s, note) : NULL;
	free(gaps);
	c->chart.categories = weeks;
	c->chart.n_categories = CADENCE_WEEKS;
	c->chart.series = sr;
	c->chart.n_series = shown;
	c->chart.marked_label = "Gap: no deal review when one was due";
	c->chart.empty = !x->n_partners ? "No active partners"
			 : !measured    ? "Deal reviews are not measured (no reviews file)"
					: "No partner went without a deal review when one was due";
}

/* --- sparklines ------------------------------------------------------------ */

static json_t *money_json(cents_t c, const char *cur)
{
	char *t = format_money(c, cur);
	json_t *j = json_string(t);
	free(t);
	return j;
}

/* A money sparkline over the months from first_month with its facts
 * (title, first and last month and value) and, when table, its table.
 * present NULL = all. */
static void sparkline(struct chartset *s, struct pack_chart *c, int first_month,
		      const cents_t *won, const bool *present, const char *cur, bool table)
{
	const char **cats = month_categories(s, first_month);
	struct chart_series *sr = series(s, 1, TREND_MONTHS);
	sr[0].name = "Won revenue";
	sr[0].paint = CHART_PAINT_PARTNER;
	if (table)
		c->table = table_new((const char *[]){"Month", "Won revenue"}, 2, "|:---|---:|");
	int first = -1, last = -1;
	for (int k = 0; k < TREND_MONTHS; k++) {
		bool here = !present || present[k];
		values_of(&sr[0])[k] = here ? units(won[k]) : NAN;
		if (table) {
			json_t *cells = json_array();
			cell(cells, xstrdup(cats[k]));
			cell(cells, here ? format_money(won[k], cur) : NULL);
			table_row(c->table, cells);
		}
		if (here) {
			first = first < 0 ? k : first;
			last = k;
		}
	}
	c->chart.categories = cats;
	c->chart.n_categories = TREND_MONTHS;
	c->chart.series = sr;
	c->chart.n_series = 1;
	c->facts = json_object();
	fact(c->facts, "title", xasprintf("Won revenue by month, %s to %s", cats[0],
					  cats[TREND_MONTHS - 1]));
	json_object_set_new(c->facts, "first_month", first < 0 ? json_null() : json_string(cats[first]));
	json_object_set_new(c->facts, "first", first < 0 ? json_null() : money_json(won[first], cur));
	json_object_set_new(c->facts, "last_month", last < 0 ? json_null() : json_string(cats[last]));
	json_object_set_new(c->facts, "last", last < 0 ? json_null() : money_json(won[last], cur));
}

struct chartset *chartset_build(const struct model *m, const struct metrics *x)
{
	struct chartset *s = xcalloc(1, sizeof *s);
	tier_revenue(s, m, x);
	attribution(s, m, x);
	win_rate(s, m, x);
	revenue_per_partner(s, m, x);
	forecast_actual(s, m, x);
	review_adherence(s, m, x);
	review_cadence(s, m, x);
	return s;
}

struct chartset *chartset_partner(const struct model *m, const struct metrics *x, char *const *slugs,
				  size_t i, bool table)
{
	struct chartset *s = xcalloc(1, sizeof *s);
	const char *cur = m->program.currency;
	const struct partner_metrics *p = &x->partners[i];
	char *first = month_label(x->period.trend_first_month);
	char *last = month_label(x->period.trend_first_month + TREND_MONTHS - 1);
	char *name = xasprintf("spark-%s", slugs[i]);
	char *title = xasprintf("%s: won revenue by month, %s to %s", m->partners[p->partner].name, first,
				last);
	struct pack_chart *c = add(s, name, NULL, CHART_SPARKLINE, CHART_MONEY, title, cur);
	c->partner = (int)i;
	sparkline(s, c, x->period.trend_first_month, p->trend_won, NULL, cur, table);
	free(name);
	free(title);
	free(first);
	free(last);
	return s;
}

struct chartset *chartset_archive(const char *currency, int last_month, const cents_t won[TREND_MONTHS],
				  const bool present[TREND_MONTHS])
{
	struct chartset *s = xcalloc(1, sizeof *s);
	int first = last_month - (TREND_MONTHS - 1);
	char *a = month_label(first), *b = month_label(last_month);
	char *title = xasprintf("Partner won revenue by month, %s to %s", a, b);
	struct pack_chart *c = add(s, "archive-won", "archive_won", CHART_SPARKLINE, CHART_MONEY, title,
				   currency);
	free(a);
	free(b);
	free(title);
	sparkline(s, c, first, won, present, currency, true);
	c->chart.empty = "No pack in these months";
	return s;
}

void chartset_free(struct chartset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		json_decref(s->items[i].table);
		json_decref(s->items[i].facts);
	}
	for (size_t i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->items);
	free(s);
}
