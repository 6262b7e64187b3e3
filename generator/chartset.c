/* chartset: consumes the model and metrics (const) and produces the chart
 * descriptions of the pack with the data tables they are drawn from. Money
 * goes to the charts in currency units (a display edge); table cells are
 * formatted with format.c. Refuses nothing: empty data makes charts that
 * show their "no data" state. */
#include "chartset.h"
#include "format.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void *own(struct chartset *s, void *p)
{
	GROW(s->owned, s->cap_owned, s->n_owned + 1);
	s->owned[s->n_owned++] = p;
	return p;
}

static char *own_str(struct chartset *s, char *p)
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
	c->name = own_str(s, xstrdup(name));
	c->key = key ? own_str(s, xstrdup(key)) : NULL;
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

static const char **month_categories(struct chartset *s, const struct period *pd)
{
	const char **cats = own(s, xcalloc(TREND_MONTHS, sizeof *cats));
	for (int i = 0; i < TREND_MONTHS; i++) {
		int mo = pd->trend_first_month + i;
		cats[i] = own_str(s, xasprintf("%s %02d", month_abbr(mo % 12 + 1), mo / 12 % 100));
	}
	return cats;
}

static struct chart_series *series(struct chartset *s, size_t n_series, size_t n_values)
{
	struct chart_series *sr = own(s, xcalloc(n_series, sizeof *sr));
	for (size_t i = 0; i < n_series; i++)
		sr[i].values = own(s, xcalloc(n_values ? n_values : 1, sizeof(double)));
	return sr;
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

static void cell(json_t *cells, char *text)
{
	json_array_append_new(cells, json_string(text ? text : "\xe2\x80\x94"));
	free(text);
}

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

/* A month-by-series money chart (stacked bars) with its table. */
static void monthly_money(struct chartset *s, struct pack_chart *c, const struct period *pd,
			  const char *cur, const char *const *names, size_t ns)
{
	c->chart.categories = month_categories(s, pd);
	c->chart.n_categories = TREND_MONTHS;
	c->chart.n_series = ns;
	const char **cols = xcalloc(ns + 2, sizeof *cols);
	cols[0] = "Month";
	for (size_t i = 0; i < ns; i++)
		cols[i + 1] = names[i];
	cols[ns + 1] = "Total";
	char *align = align_row(ns + 1);
	c->table = table_new(cols, ns + 2, align);
	free(align);
	free(cols);
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

struct chartset *chartset_build(const struct model *m, const struct metrics *x, char *const *slugs)
{
	const char *cur = m->program.currency;
	const struct period *pd = &x->period;
	size_t nt = x->n_tiers, np = x->n_partners;
	struct chartset *s = xcalloc(1, sizeof *s);

	/* won revenue by tier, 12 months */
	struct pack_chart *c = add(s, "tier-revenue", "tier_revenue", CHART_STACKED_BARS, CHART_MONEY,
				   "Partner won revenue by tier, last 12 months", cur);
	struct chart_series *sr = series(s, nt, TREND_MONTHS);
	const char **names = own(s, xcalloc(nt + 1, sizeof *names));
	for (size_t t = 0; t < nt; t++) {
		names[t] = m->program.tiers[t].label;
		sr[t].name = names[t];
		for (int k = 0; k < TREND_MONTHS; k++)
			((double *)sr[t].values)[k] = units(x->tiers[t].trend[k].won_revenue);
	}
	c->chart.series = sr;
	monthly_money(s, c, pd, cur, names, nt);

	/* sourced vs influenced vs untagged, 12 months */
	static const char *attr_names[] = {"Sourced", "Influenced", "Untagged"};
	c = add(s, "attribution", "attribution", CHART_STACKED_BARS, CHART_MONEY,
		"Partner won revenue by attribution, last 12 months", cur);
	sr = series(s, 3, TREND_MONTHS);
	for (int k = 0; k < TREND_MONTHS; k++) {
		const struct block *b = &x->totals_trend[k];
		((double *)sr[0].values)[k] = units(b->sourced_revenue);
		((double *)sr[1].values)[k] = units(b->influenced_revenue);
		((double *)sr[2].values)[k] = units(b->untagged_revenue);
	}
	for (int i = 0; i < 3; i++)
		sr[i].name = attr_names[i];
	c->chart.series = sr;
	monthly_money(s, c, pd, cur, attr_names, 3);

	/* partner vs direct win rate, 12 months */
	c = add(s, "win-rate", "win_rate", CHART_LINES, CHART_PERCENT,
		"Win rate, partner vs direct, last 12 months", cur);
	sr = series(s, 2, TREND_MONTHS);
	sr[0].name = "Partner";
	sr[1].name = "Direct";
	c->chart.categories = month_categories(s, pd);
	c->chart.n_categories = TREND_MONTHS;
	c->chart.series = sr;
	c->chart.n_series = 2;
	static const char *wr_cols[] = {"Month", "Partner win rate", "Direct win rate", "Lift"};
	c->table = table_new(wr_cols, 4, "|:---|---:|---:|---:|");
	for (int k = 0; k < TREND_MONTHS; k++) {
		double p = x->totals_trend[k].win_rate, d = x->direct_trend[k].win_rate;
		((double *)sr[0].values)[k] = p;
		((double *)sr[1].values)[k] = d;
		json_t *cells = json_array();
		cell(cells, xstrdup(c->chart.categories[k]));
		cell(cells, pct(p));
		cell(cells, pct(d));
		cell(cells, isnan(p) || isnan(d) ? NULL : format_points(p - d));
		table_row(c->table, cells);
	}

	/* revenue per partner by tier (window) */
	c = add(s, "revenue-per-partner", "revenue_per_partner", CHART_HBARS, CHART_MONEY,
		"Won revenue per active partner by tier, trailing window", cur);
	sr = series(s, 1, nt);
	sr[0].name = "Revenue per partner";
	const char **tcats = own(s, xcalloc(nt + 1, sizeof *tcats));
	static const char *rpp_cols[] = {"Tier", "Active partners", "Window won revenue",
					 "Revenue per partner"};
	c->table = table_new(rpp_cols, 4, "|:---|---:|---:|---:|");
	for (size_t t = 0; t < nt; t++) {
		const struct tier_metrics *tm = &x->tiers[t];
		tcats[t] = m->program.tiers[t].label;
		((double *)sr[0].values)[t] =
			tm->has_revenue_per_partner ? units(tm->revenue_per_partner) : NAN;
		json_t *cells = json_array();
		cell(cells, xstrdup(tcats[t]));
		cell(cells, format_count(tm->fig.partners));
		cell(cells, format_money(tm->blocks[RANGE_WINDOW].won_revenue, cur));
		cell(cells, tm->has_revenue_per_partner ? format_money(tm->revenue_per_partner, cur) : NULL);
		table_row(c->table, cells);
	}
	c->chart.categories = tcats;
	c->chart.n_categories = nt;
	c->chart.series = sr;
	c->chart.n_series = 1;

	/* forecast vs actual by tier (month) */
	c = add(s, "forecast-actual", "forecast_actual", CHART_GROUPED_BARS, CHART_MONEY,
		"Forecast vs actual won revenue by tier, this month", cur);
	sr = series(s, 2, nt);
	sr[0].name = "Forecast";
	sr[1].name = "Actual";
	static const char *fa_cols[] = {"Tier", "Forecast", "Actual", "Accuracy"};
	c->table = table_new(fa_cols, 4, "|:---|---:|---:|---:|");
	for (size_t t = 0; t < nt; t++) {
		const struct tier_metrics *tm = &x->tiers[t];
		((double *)sr[0].values)[t] = tm->fig.has_forecast ? units(tm->fig.forecast) : NAN;
		((double *)sr[1].values)[t] = units(tm->blocks[RANGE_MONTH].won_revenue);
		json_t *cells = json_array();
		cell(cells, xstrdup(tcats[t]));
		cell(cells, tm->fig.has_forecast ? format_money(tm->fig.forecast, cur) : NULL);
		cell(cells, format_money(tm->blocks[RANGE_MONTH].won_revenue, cur));
		cell(cells, pct(tm->fig.forecast_accuracy));
		table_row(c->table, cells);
	}
	c->chart.categories = tcats;
	c->chart.n_categories = nt;
	c->chart.series = sr;
	c->chart.n_series = 2;

	/* review adherence by partner, ranked (lowest first: what needs attention) */
	c = add(s, "review-adherence", "review_adherence", CHART_HBARS, CHART_PERCENT,
		"Deal-review adherence by partner, this period", cur);
	sr = series(s, 1, np);
	sr[0].name = "Review adherence";
	size_t *order = xcalloc(np + 1, sizeof *order);
	for (size_t i = 0; i < np; i++)
		order[i] = i;
	for (size_t i = 1; i < np; i++) { /* insertion sort: stable, ascending adherence */
		size_t v = order[i], j = i;
		double a = x->partners[v].review_adherence;
		while (j > 0 && x->partners[order[j - 1]].review_adherence > a)
			j--;
		memmove(&order[j + 1], &order[j], (i - j) * sizeof *order);
		order[j] = v;
	}
	const char **pcats = own(s, xcalloc(np + 1, sizeof *pcats));
	static const char *ra_cols[] = {"Partner", "Tier", "Reviews held", "Adherence",
					"Days since review"};
	c->table = table_new(ra_cols, 5, "|:---|:---|---:|---:|---:|");
	for (size_t k = 0; k < np; k++) {
		const struct partner_metrics *p = &x->partners[order[k]];
		pcats[k] = m->partners[p->partner].name;
		((double *)sr[0].values)[k] = p->review_adherence;
		json_t *cells = json_array();
		cell(cells, xstrdup(pcats[k]));
		cell(cells, xstrdup(m->program.tiers[p->tier].label));
		cell(cells, p->reviews_held >= 0
				    ? xasprintf("%ld of %d", p->reviews_held, p->reviews_expected)
				    : NULL);
		cell(cells, pct(p->review_adherence));
		cell(cells, isnan(p->days_since_review) ? NULL : format_days(p->days_since_review));
		table_row(c->table, cells);
	}
	free(order);
	c->chart.categories = pcats;
	c->chart.n_categories = np;
	c->chart.series = sr;
	c->chart.n_series = 1;

	/* cadence grid: partners x the last CADENCE_WEEKS weeks */
	c = add(s, "review-cadence", "review_cadence", CHART_GRID, CHART_COUNT,
		"Deal reviews held per week, last 13 weeks", cur);
	const char **wcats = own(s, xcalloc(CADENCE_WEEKS, sizeof *wcats));
	for (int w = 0; w < CADENCE_WEEKS; w++) {
		int yy, mm, dd;
		date_to_ymd(pd->end - 7 * (CADENCE_WEEKS - 1 - w), &yy, &mm, &dd);
		wcats[w] = own_str(s, xasprintf("%s %d", month_abbr(mm), dd));
	}
	sr = series(s, np, CADENCE_WEEKS);
	const char **gcols = xcalloc(CADENCE_WEEKS + 2, sizeof *gcols);
	gcols[0] = "Partner (weeks ending)";
	for (int w = 0; w < CADENCE_WEEKS; w++)
		gcols[w + 1] = wcats[w];
	char *galign = align_row(CADENCE_WEEKS);
	c->table = table_new(gcols, CADENCE_WEEKS + 1, galign);
	free(galign);
	free(gcols);
	for (size_t i = 0; i < np; i++) {
		const struct partner_metrics *p = &x->partners[i];
		sr[i].name = m->partners[p->partner].name;
		json_t *cells = json_array();
		cell(cells, xstrdup(sr[i].name));
		for (int w = 0; w < CADENCE_WEEKS; w++) {
			((double *)sr[i].values)[w] = p->cadence[w];
			cell(cells, format_count(p->cadence[w]));
		}
		table_row(c->table, cells);
	}
	c->chart.categories = wcats;
	c->chart.n_categories = CADENCE_WEEKS;
	c->chart.series = sr;
	c->chart.n_series = np;

	/* a sparkline per partner: won revenue, 12 months */
	const char **mcats = month_categories(s, pd);
	for (size_t i = 0; i < np; i++) {
		const struct partner_metrics *p = &x->partners[i];
		char *name = xasprintf("spark-%s", slugs[i]);
		char *title = xasprintf("%s won revenue, last 12 months", m->partners[p->partner].name);
		c = add(s, name, NULL, CHART_SPARKLINE, CHART_MONEY, title, cur);
		free(name);
		free(title);
		c->partner = (int)i;
		sr = series(s, 1, TREND_MONTHS);
		sr[0].name = "Won revenue";
		c->table = table_new((const char *[]){"Month", "Won revenue"}, 2, "|:---|---:|");
		for (int k = 0; k < TREND_MONTHS; k++) {
			((double *)sr[0].values)[k] = units(p->trend_won[k]);
			json_t *cells = json_array();
			cell(cells, xstrdup(mcats[k]));
			cell(cells, format_money(p->trend_won[k], cur));
			table_row(c->table, cells);
		}
		c->chart.categories = mcats;
		c->chart.n_categories = TREND_MONTHS;
		c->chart.series = sr;
		c->chart.n_series = 1;
	}
	return s;
}

void chartset_free(struct chartset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		json_decref(s->items[i].table);
	for (size_t i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->items);
	free(s);
}
