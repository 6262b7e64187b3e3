/* Unit tests of the chart set: months written "Nov 2025"; tiers in their
 * tier colours, empty ones left out of chart, table and legend; the
 * review-adherence distribution (partners per band and tier); the cadence
 * grid showing only partners with a gap, longest first, at most 25 rows,
 * with the count of the rest; forecast tables saying over or under; the
 * sparklines' facts; the archive's sparkline; which charts go to the email.
 * Metrics are set by hand so that each figure is known. */
#include "testutil.h"

#include "chartset.h"
#include "metrics.h"
#include "model.h"

#include <math.h>

#define OCT_2026 (2026 * 12 + 9)
#define D(y, m, d) date_from_ymd(y, m, d)

struct fixture {
	struct model *m;
	struct metrics *x;
	char **slugs;
};

/* A program of three tiers (Strategic every 7 days, Core and Registered
 * every 30) for October 2026 and n active partners in tier 0, each joined
 * long ago, reviews measured, a deal review every week. */
static struct fixture fixture(size_t n)
{
	struct fixture f;
	struct model *m = model_new();
	m->program.name = model_strdup(m, "Test", 4);
	m->program.currency = model_strdup(m, "USD", 3);
	m->program.n_tiers = 3;
	m->program.tiers = xcalloc(3, sizeof *m->program.tiers);
	m->program.tiers[0] = (struct tier){model_strdup(m, "s", 1), model_strdup(m, "Strategic", 9), 1, 7};
	m->program.tiers[1] = (struct tier){model_strdup(m, "c", 1), model_strdup(m, "Core", 4), 2, 30};
	m->program.tiers[2] = (struct tier){model_strdup(m, "r", 1), model_strdup(m, "Registered", 10), 3, 30};
	m->partners = xcalloc(n + 1, sizeof *m->partners);
	struct metrics *x = xcalloc(1, sizeof *x);
	x->period = metrics_period(&m->program, OCT_2026);
	x->n_tiers = 3;
	x->tiers = xcalloc(3, sizeof *x->tiers);
	for (int t = 0; t < 3; t++) {
		x->tiers[t].tier = t;
		x->tiers[t].fig.forecast_accuracy = NAN;
		x->tiers[t].fig.review_adherence = NAN;
	}
	x->n_partners = n;
	x->partners = xcalloc(n + 1, sizeof *x->partners);
	f.slugs = xcalloc(n + 1, sizeof *f.slugs);
	for (size_t i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof id, "P%03zu", i);
		m->partners[i] = (struct partner){.id = model_strdup(m, id, strlen(id)),
						  .name = model_strdup(m, id, strlen(id)),
						  .manager = model_strdup(m, "", 0),
						  .joined_on = D(2024, 1, 1),
						  .exited_on = DAY_NONE};
		struct partner_metrics *p = &x->partners[i];
		p->partner = (int)i;
		p->tier = 0;
		p->reviews_held = 4;
		p->reviews_expected = 4;
		p->review_adherence = 1;
		p->days_since_review = 1;
		for (int w = 0; w < CADENCE_WEEKS; w++)
			p->cadence[w] = 1;
		f.slugs[i] = xstrdup(id);
	}
	m->n_partners = n;
	x->tiers[0].fig.partners = (long)n;
	f.m = m;
	f.x = x;
	return f;
}

static void fixture_free(struct fixture *f)
{
	for (size_t i = 0; i < f->x->n_partners; i++)
		free(f->slugs[i]);
	free(f->slugs);
	metrics_free(f->x);
	model_free(f->m);
}

static const struct pack_chart *find(const struct chartset *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->items[i].name, name))
			return &s->items[i];
	fail_msg("no chart %s", name);
	return NULL;
}

static const char *cell_text(const json_t *table, size_t row, size_t col)
{
	json_t *r = json_array_get(json_object_get(table, "rows"), row);
	return json_string_value(json_array_get(json_object_get(r, "cells"), col));
}

static size_t rows_of(const json_t *table)
{
	return json_array_size(json_object_get(table, "rows"));
}

static size_t columns_of(const json_t *table)
{
	return json_array_size(json_object_get(table, "columns"));
}

static const char *column(const json_t *table, size_t i)
{
	return json_string_value(json_array_get(json_object_get(table, "columns"), i));
}

static const char *fact(const struct pack_chart *c, const char *key)
{
	return json_string_value(json_object_get(c->facts, key));
}

/* Months are "Nov 2025" (never "Nov 25"); only tiers with active partners
 * or revenue are drawn and tabled, each in its own rank's colour. */
static void months_and_tiers(void **state)
{
	struct fixture f = fixture(2);
	/* Registered (rank 3) has a partner and revenue; Core (rank 2) nothing */
	f.x->partners[1].tier = 2;
	f.x->tiers[0].fig.partners = 1;
	f.x->tiers[2].fig.partners = 1;
	f.x->tiers[0].trend[11].won_revenue = 120000000;
	f.x->tiers[2].trend[0].won_revenue = 5000000;
	struct chartset *s = chartset_build(f.m, f.x);
	const struct pack_chart *c = find(s, "tier-revenue");
	assert_string_equal(c->chart.categories[0], "Nov 2025");
	assert_string_equal(c->chart.categories[11], "Oct 2026");
	assert_int_equal(c->chart.n_series, 2);
	assert_string_equal(c->chart.series[0].name, "Strategic");
	assert_int_equal(c->chart.series[0].paint, CHART_PAINT_TIER);
	assert_int_equal(c->chart.series[0].tier, 0);
	assert_string_equal(c->chart.series[1].name, "Registered");
	assert_int_equal(c->chart.series[1].tier, 2); /* rank 3's colour, though drawn second */
	assert_int_equal(columns_of(c->table), 4);    /* Month, Strategic, Registered, Total */
	assert_string_equal(column(c->table, 2), "Registered");
	assert_string_equal(cell_text(c->table, 0, 0), "Nov 2025");
	assert_string_equal(cell_text(c->table, 0, 2), "$50,000");
	assert_string_equal(cell_text(c->table, 11, 3), "$1,200,000");

	/* revenue per partner: tiers with active partners only, partner teal */
	c = find(s, "revenue-per-partner");
	assert_int_equal(c->chart.n_categories, 2);
	assert_string_equal(c->chart.categories[1], "Registered");
	assert_int_equal(rows_of(c->table), 2);
	assert_int_equal(c->chart.series[0].paint, CHART_PAINT_PARTNER);

	/* partner vs direct, sourced / influenced / untagged: their own paints */
	c = find(s, "win-rate");
	assert_int_equal(c->chart.series[0].paint, CHART_PAINT_PARTNER);
	assert_int_equal(c->chart.series[1].paint, CHART_PAINT_DIRECT);
	assert_string_equal(c->chart.categories[11], "Oct 2026");
	c = find(s, "attribution");
	assert_int_equal(c->chart.series[0].paint, CHART_PAINT_SOURCED);
	assert_int_equal(c->chart.series[1].paint, CHART_PAINT_INFLUENCED);
	assert_int_equal(c->chart.series[2].paint, CHART_PAINT_UNTAGGED);

	/* the email's charts: the four of templates/email.html */
	static const char *email[] = {"tier-revenue", "attribution", "win-rate", "forecast-actual"};
	size_t n_email = 0;
	for (size_t i = 0; i < s->n; i++)
		n_email += s->items[i].email;
	assert_int_equal(n_email, 4);
	for (size_t i = 0; i < 4; i++)
		assert_true(find(s, email[i])->email);
	chartset_free(s);
	fixture_free(&f);
}

/* Partners per adherence band and tier. Strategic: 0 and 0.49 in 0-49%;
 * 0.5 and 0.79 in 50-79%; 0.8 and 0.99 in 80-99%; 1 in 100%. Core: one at 1, one not measured (NAN, counted nowhere).
 * Registered has no measured partner: no series, no column. */
static void adherence_bands(void **state)
{
	static const double strategic[] = {0, 0.49, 0.5, 0.79, 0.8, 0.99, 1};
	struct fixture f = fixture(9);
	for (size_t i = 0; i < 7; i++)
		f.x->partners[i].review_adherence = strategic[i];
	f.x->partners[7].tier = 1;
	f.x->partners[8].tier = 1;
	f.x->partners[8].review_adherence = NAN;
	struct chartset *s = chartset_build(f.m, f.x);
	const struct pack_chart *c = find(s, "review-adherence");
	assert_int_equal(c->chart.kind, CHART_GROUPED_BARS);
	assert_int_equal(c->chart.value, CHART_COUNT);
	assert_int_equal(c->chart.n_categories, 4);
	assert_string_equal(c->chart.categories[0], "0\xe2\x80\x93" "49%");
	assert_string_equal(c->chart.categories[2], "80\xe2\x80\x93" "99%");
	assert_string_equal(c->chart.categories[3], "100%");
	assert_int_equal(c->chart.n_series, 2);
	static const double want_s[] = {2, 2, 2, 1}, want_c[] = {0, 0, 0, 1};
	for (int b = 0; b < 4; b++) {
		assert_float_equal(c->chart.series[0].values[b], want_s[b], 0);
		assert_float_equal(c->chart.series[1].values[b], want_c[b], 0);
	}
	assert_int_equal(c->chart.series[1].paint, CHART_PAINT_TIER);
	assert_int_equal(c->chart.series[1].tier, 1);
	/* the table: band, one column per drawn tier, all partners */
	assert_int_equal(columns_of(c->table), 4);
	assert_string_equal(column(c->table, 3), "All partners");
	assert_int_equal(rows_of(c->table), 4);
	assert_string_equal(cell_text(c->table, 0, 1), "2");
	assert_string_equal(cell_text(c->table, 3, 2), "1");
	assert_string_equal(cell_text(c->table, 3, 3), "2"); /* 1 + 1 at 100% */
	assert_null(c->chart.empty);
	chartset_free(s);

	/* reviews not measured: no bars, and the chart says why */
	for (size_t i = 0; i < 9; i++)
		f.x->partners[i].review_adherence = NAN;
	s = chartset_build(f.m, f.x);
	c = find(s, "review-adherence");
	assert_int_equal(c->chart.n_series, 0);
	assert_string_equal(c->chart.empty, "Deal reviews are not measured (no reviews file)");
	chartset_free(s);
	fixture_free(&f);
}

static void set_weeks(struct partner_metrics *p, const char *pattern)
{
	for (int w = 0; w < CADENCE_WEEKS; w++)
		p->cadence[w] = pattern[w] - '0';
}

/* Gaps: a run of whole weeks without a deal review at least as long as
 * the tier's interval (Strategic 7 days: 1 week; Core 30 days: 5 weeks).
 *   P000 Strategic, one empty week (week 5): a gap of 1.
 *   P001 Core, four empty weeks: no gap (a review may not be due yet).
 *   P002 Core, five empty weeks (weeks 2-6): a gap of 5.
 *   P003 Strategic, joined on the period's last Saturday but 3 weeks back:
 *        weeks before it are not counted (no gap) and not drawn (NAN).
 *   P004 Strategic, every week: no gap.
 * Shown: P002 (5 weeks) before P000 (1 week). */
static void cadence_gaps(void **state)
{
	struct fixture f = fixture(5);
	set_weeks(&f.x->partners[0], "1111101111111");
	f.x->partners[1].tier = 1;
	set_weeks(&f.x->partners[1], "1100001111111");
	f.x->partners[2].tier = 1;
	set_weeks(&f.x->partners[2], "1000001111111");
	set_weeks(&f.x->partners[3], "0000000000111");
	/* weeks end on 2026-10-31 (week 12), Oct 24 (11), Oct 17 (10), ...:
	 * joined Oct 11 makes weeks 10 to 12 whole, week 9 (ends Oct 10) not his */
	f.m->partners[3].joined_on = D(2026, 10, 11);
	struct chartset *s = chartset_build(f.m, f.x);
	const struct pack_chart *c = find(s, "review-cadence");
	assert_int_equal(c->chart.kind, CHART_GRID);
	assert_int_equal(c->chart.n_series, 2);
	assert_string_equal(c->chart.series[0].name, "P002");
	assert_string_equal(c->chart.series[1].name, "P000");
	for (int w = 0; w < CADENCE_WEEKS; w++) {
		assert_int_equal(c->chart.series[0].marked[w], w >= 1 && w <= 5);
		assert_int_equal(c->chart.series[1].marked[w], w == 5);
	}
	assert_string_equal(c->chart.categories[12], "Oct 31");
	assert_string_equal(c->chart.categories[0], "Aug 8");
	assert_int_equal(rows_of(c->table), 2);
	assert_string_equal(column(c->table, 1), "Longest gap");
	assert_string_equal(cell_text(c->table, 0, 1), "5 weeks");
	assert_string_equal(cell_text(c->table, 1, 1), "1 week");
	assert_string_equal(cell_text(c->table, 0, 3), "0 (gap)");
	assert_string_equal(cell_text(c->table, 0, 2), "1");
	assert_string_equal(c->chart.note, "2 partners had a gap; 3 had none");
	assert_string_equal(fact(c, "with_gap"), "2");
	assert_string_equal(fact(c, "more"), "0");
	assert_string_equal(fact(c, "without_gap"), "3");
	assert_non_null(c->chart.marked_label);
	chartset_free(s);

	/* the late joiner with an empty week after joining has a gap; the
	 * weeks before joining are not drawn */
	set_weeks(&f.x->partners[3], "0000000000101");
	s = chartset_build(f.m, f.x);
	c = find(s, "review-cadence");
	assert_int_equal(c->chart.n_series, 3);
	assert_string_equal(c->chart.series[2].name, "P003");
	assert_true(isnan(c->chart.series[2].values[9]));
	assert_float_equal(c->chart.series[2].values[10], 1, 0);
	assert_true(c->chart.series[2].marked[11]);
	assert_false(c->chart.series[2].marked[9]);
	assert_string_equal(cell_text(c->table, 2, 2 + 9), "\xe2\x80\x94");
	chartset_free(s);
	fixture_free(&f);
}

/* At most 25 rows: 30 partners with a gap (partner i empty for i % 6 + 1
 * weeks, Strategic), longest first and then by revenue in play; the table
 * ends with the count of the rest and the facts and note give it. */
static void cadence_cap(void **state)
{
	struct fixture f = fixture(32);
	for (size_t i = 0; i < 30; i++) {
		char weeks[CADENCE_WEEKS + 1];
		memset(weeks, '1', CADENCE_WEEKS);
		weeks[CADENCE_WEEKS] = 0;
		memset(weeks + 2, '0', i % 6 + 1);
		set_weeks(&f.x->partners[i], weeks);
		f.x->partners[i].blocks[RANGE_WINDOW].won_revenue = (cents_t)i * 100;
	}
	struct chartset *s = chartset_build(f.m, f.x);
	const struct pack_chart *c = find(s, "review-cadence");
	assert_int_equal(c->chart.n_series, 25);
	/* five partners each have gaps of 6..2 weeks (30 / 6); the 1-week
	 * gaps (i % 6 == 0) are the five left out. First: longest (6 weeks:
	 * i = 5, 11, ..., 29), most revenue in play first: P029. */
	assert_string_equal(c->chart.series[0].name, "P029");
	assert_string_equal(c->chart.series[4].name, "P005");
	assert_string_equal(c->chart.series[5].name, "P028");
	assert_int_equal(rows_of(c->table), 26);
	assert_string_equal(cell_text(c->table, 25, 0), "5 more partners with a gap, not shown");
	assert_string_equal(cell_text(c->table, 25, 1), "");
	assert_string_equal(fact(c, "shown"), "25");
	assert_string_equal(fact(c, "with_gap"), "30");
	assert_string_equal(fact(c, "more"), "5");
	assert_string_equal(fact(c, "without_gap"), "2");
	assert_string_equal(c->chart.note,
			    "Shows the 25 partners with the longest gaps; 5 more had a gap and 2 had none");
	chartset_free(s);

	/* nobody with a gap: an empty grid that says so */
	for (size_t i = 0; i < 32; i++)
		set_weeks(&f.x->partners[i], "1111111111111");
	s = chartset_build(f.m, f.x);
	c = find(s, "review-cadence");
	assert_int_equal(c->chart.n_series, 0);
	assert_string_equal(c->chart.empty, "No partner went without a deal review when one was due");
	assert_string_equal(c->chart.note, "None of 32 partners had a gap");
	chartset_free(s);
	fixture_free(&f);
}

/* Forecast vs actual by tier: the table says over or under and by how
 * much (actual $1,210,000 vs forecast $1,160,000: $50,000 over). */
static void forecast_table(void **state)
{
	struct fixture f = fixture(1);
	struct tier_metrics *t = &f.x->tiers[0];
	t->fig.has_forecast = true;
	t->fig.forecast = 116000000;
	t->blocks[RANGE_MONTH].won_revenue = 121000000;
	t->fig.forecast_accuracy = 1 - 5.0 / 121;
	struct chartset *s = chartset_build(f.m, f.x);
	const struct pack_chart *c = find(s, "forecast-actual");
	assert_int_equal(c->chart.n_categories, 1); /* Core and Registered have nothing */
	assert_int_equal(c->chart.series[0].paint, CHART_PAINT_FORECAST);
	assert_int_equal(c->chart.series[1].paint, CHART_PAINT_PARTNER);
	assert_string_equal(column(c->table, 3), "Actual vs forecast");
	assert_string_equal(cell_text(c->table, 0, 3), "$50,000 over");
	assert_string_equal(cell_text(c->table, 0, 4), "95.9%");
	chartset_free(s);
	t->blocks[RANGE_MONTH].won_revenue = 100000000;
	s = chartset_build(f.m, f.x);
	assert_string_equal(cell_text(find(s, "forecast-actual")->table, 0, 3), "$160,000 under");
	chartset_free(s);
	t->blocks[RANGE_MONTH].won_revenue = 116000000;
	s = chartset_build(f.m, f.x);
	assert_string_equal(cell_text(find(s, "forecast-actual")->table, 0, 3), "on forecast");
	for (size_t i = 0; i < s->n; i++) /* the partners' sparklines come one at a time */
		assert_int_equal(s->items[i].partner, -1);
	chartset_free(s);
	fixture_free(&f);
}

/* A partner's sparkline: a title with the months, its first and last
 * values in the facts, the table and the alt text. */
static void sparkline_facts(void **state)
{
	struct fixture f = fixture(1);
	for (int k = 0; k < TREND_MONTHS; k++)
		f.x->partners[0].trend_won[k] = (cents_t)(k + 1) * 100000;
	struct chartset *s = chartset_partner(f.m, f.x, f.slugs, 0, true);
	assert_int_equal(s->n, 1);
	const struct pack_chart *c = find(s, "spark-P000");
	assert_int_equal(c->partner, 0);
	assert_false(c->email);
	assert_string_equal(c->chart.title, "P000: won revenue by month, Nov 2025 to Oct 2026");
	assert_string_equal(fact(c, "title"), "Won revenue by month, Nov 2025 to Oct 2026");
	assert_string_equal(fact(c, "first_month"), "Nov 2025");
	assert_string_equal(fact(c, "first"), "$1,000");
	assert_string_equal(fact(c, "last_month"), "Oct 2026");
	assert_string_equal(fact(c, "last"), "$12,000");
	assert_int_equal(rows_of(c->table), 12);
	assert_string_equal(cell_text(c->table, 11, 1), "$12,000");
	char *alt = chart_alt_text(&c->chart);
	assert_string_equal(alt, "Sparkline: P000: won revenue by month, Nov 2025 to Oct 2026; first, "
				 "Nov 2025: $1K; latest, Oct 2026: $12K (high $12K, low $1K).");
	/* without its table (for the partners index): the same chart and facts */
	struct chartset *bare = chartset_partner(f.m, f.x, f.slugs, 0, false);
	const struct pack_chart *b = &bare->items[0];
	assert_null(b->table);
	char *bare_alt = chart_alt_text(&b->chart);
	assert_string_equal(bare_alt, alt);
	assert_true(json_equal(b->facts, c->facts));
	free(bare_alt);
	chartset_free(bare);
	free(alt);
	chartset_free(s);
	fixture_free(&f);
}

/* The archive's sparkline: months without a pack are gaps (NAN in the
 * chart, a dash in the table) and the facts name the first and last month
 * with a pack. */
static void archive_sparkline(void **state)
{
	cents_t won[TREND_MONTHS] = {0};
	bool present[TREND_MONTHS] = {false};
	for (int k = 3; k < TREND_MONTHS; k++) {
		present[k] = k != 7;
		won[k] = (cents_t)k * 1000000;
	}
	struct chartset *s = chartset_archive("EUR", OCT_2026, won, present);
	assert_int_equal(s->n, 1);
	const struct pack_chart *c = &s->items[0];
	assert_string_equal(c->name, "archive-won");
	assert_string_equal(c->key, "archive_won");
	assert_int_equal(c->chart.kind, CHART_SPARKLINE);
	assert_true(isnan(c->chart.series[0].values[0]));
	assert_true(isnan(c->chart.series[0].values[7]));
	assert_float_equal(c->chart.series[0].values[3], 30000, 0);
	assert_string_equal(c->chart.title, "Partner won revenue by month, Nov 2025 to Oct 2026");
	assert_string_equal(cell_text(c->table, 0, 1), "\xe2\x80\x94");
	assert_string_equal(cell_text(c->table, 3, 1), "\xe2\x82\xac" "30,000");
	assert_string_equal(fact(c, "first_month"), "Feb 2026");
	assert_string_equal(fact(c, "last"), "\xe2\x82\xac" "110,000");
	chartset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(months_and_tiers),
		cmocka_unit_test(adherence_bands),
		cmocka_unit_test(cadence_gaps),
		cmocka_unit_test(cadence_cap),
		cmocka_unit_test(forecast_table),
		cmocka_unit_test(sparkline_facts),
		cmocka_unit_test(archive_sparkline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
