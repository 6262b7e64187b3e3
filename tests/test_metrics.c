/* Unit tests of the metrics stage on small hand-built models. Every
 * expected figure is worked out by hand from SPEC sections 3 and 4 in the
 * comment beside it. Period: 2026-10 unless said otherwise. */
#include "testutil.h"

#include "context.h"
#include "jsonout.h"
#include "load.h"
#include "metrics.h"
#include "model.h"
#include "util.h"

#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define D(y, m, d) date_from_ymd(y, m, d)
#define OCT (2026 * 12 + 9)

/* Two tiers (strategic: rank 1, weekly; core: rank 2, monthly), all
 * optional files present unless a test says otherwise. */
static struct model *base(void)
{
	struct model *m = model_new();
	m->program.name = model_strdup(m, "Test", 4);
	m->program.n_tiers = 2;
	m->program.tiers = xcalloc(2, sizeof *m->program.tiers);
	m->program.tiers[0] = (struct tier){model_strdup(m, "strategic", 9), model_strdup(m, "Strategic", 9), 1, 7};
	m->program.tiers[1] = (struct tier){model_strdup(m, "core", 4), model_strdup(m, "Core", 4), 2, 30};
	for (int f = 0; f < FILE_COUNT; f++)
		m->present[f] = true;
	return m;
}

static int partner(struct model *m, const char *id, int tier, day_t joined, day_t exited,
		   const char *manager, int64_t overlap)
{
	m->partners = xrealloc(m->partners, (m->n_partners + 1) * sizeof *m->partners);
	struct partner *p = &m->partners[m->n_partners];
	memset(p, 0, sizeof *p);
	p->id = model_strdup(m, id, strlen(id));
	p->name = p->id;
	p->manager = model_strdup(m, manager, strlen(manager));
	p->tier = tier;
	p->joined_on = joined;
	p->exited_on = exited;
	p->overlap_accounts = overlap;
	model_index_partner(m, m->n_partners);
	return (int)m->n_partners++;
}

static void deal(struct model *m, int p, day_t created, day_t closed, enum outcome o, cents_t amount,
		 enum attribution a)
{
	m->deals = xrealloc(m->deals, (m->n_deals + 1) * sizeof *m->deals);
	struct deal *d = &m->deals[m->n_deals];
	char id[32];
	snprintf(id, sizeof id, "d%zu", m->n_deals);
	*d = (struct deal){.id = model_strdup(m, id, strlen(id)), .partner = p, .created_on = created,
			   .closed_on = closed, .amount = amount, .outcome = o, .attribution = a};
	model_index_deal(m, m->n_deals);
	m->n_deals++;
}

static void review(struct model *m, int p, day_t held, enum review_kind k)
{
	m->reviews = xrealloc(m->reviews, (m->n_reviews + 1) * sizeof *m->reviews);
	m->reviews[m->n_reviews++] = (struct review){held, p, k};
}

static void change(struct model *m, int p, day_t on, int from, int to)
{
	m->tier_changes = xrealloc(m->tier_changes, (m->n_tier_changes + 1) * sizeof *m->tier_changes);
	m->tier_changes[m->n_tier_changes++] = (struct tier_change){on, p, from, to};
}

static void complete(struct model *m, int p, day_t on, enum side s, int asset)
{
	m->completions = xrealloc(m->completions, (m->n_completions + 1) * sizeof *m->completions);
	m->completions[m->n_completions++] = (struct completion){on, p, s, asset};
}

static void forecast(struct model *m, int p, int month, cents_t amount)
{
	m->forecasts = xrealloc(m->forecasts, (m->n_forecasts + 1) * sizeof *m->forecasts);
	m->forecasts[m->n_forecasts++] = (struct forecast){month, p, amount};
}

static const struct partner_metrics *pm(const struct metrics *x, const struct model *m, const char *id)
{
	for (size_t i = 0; i < x->n_partners; i++)
		if (!strcmp(m->partners[x->partners[i].partner].id, id))
			return &x->partners[i];
	return NULL;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

/* Compare money as decimals, so a failure reads "600.00 != 349.50". */
#define MONEY_EQ(got, want) money_eq((got), (want), #got, __FILE__, __LINE__)
static void money_eq(cents_t got, cents_t want, const char *what, const char *file, int line)
{
	if (got == want)
		return;
	fail_msg("%s:%d: %s is %s%lld.%02lld, expected %s%lld.%02lld", file, line, what,
		 got < 0 ? "-" : "", llabs(got) / 100, llabs(got) % 100,
		 want < 0 ? "-" : "", llabs(want) / 100, llabs(want) % 100);
}

static const char *pid(const struct metrics *x, const struct model *m, size_t i)
{
	return m->partners[x->partners[i].partner].id;
}

/* Every asset completed on both sides (enabled), before the period. */
static void enable(struct model *m, int p)
{
	for (int asset = 0; asset < (int)m->program.n_assets; asset++) {
		complete(m, p, D(2026, 8, 1), SIDE_HOST, asset);
		complete(m, p, D(2026, 8, 1), SIDE_PARTNER, asset);
	}
}

/* n deal reviews in October (the review span of both tiers). */
static void reviewed(struct model *m, int p, int n)
{
	for (int i = 0; i < n; i++)
		review(m, p, D(2026, 10, 1 + 7 * i), REVIEW_DEAL);
}

/* A gainers or decliners list is exactly these partners and changes. */
static void assert_movers(const struct metrics *x, const struct model *m, const struct driver *got,
			  size_t n, const char *const *ids, const cents_t *changes, size_t want_n)
{
	assert_int_equal(n, want_n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(pid(x, m, got[i].index), ids[i]);
		MONEY_EQ(got[i].change, changes[i]);
		MONEY_EQ(got[i].change, got[i].month - got[i].previous);
	}
}

/* The tiers' changes add up to the partner totals' change. */
static void assert_drivers_tie(const struct metrics *x)
{
	cents_t sum = 0;
	for (size_t t = 0; t < x->n_tiers; t++) {
		const struct driver *d = &x->drivers.by_tier[t];
		assert_int_equal(d->change, d->month - d->previous);
		sum += d->change;
	}
	MONEY_EQ(sum, x->totals[RANGE_MONTH].won_revenue - x->totals[RANGE_PREVIOUS].won_revenue);
}

static void test_period_ranges(void **state)
{
	struct program p = {.fiscal_year_start = 2, .window_months = 3};
	struct period x = metrics_period(&p, OCT);
	assert_int_equal(x.start, D(2026, 10, 1));
	assert_int_equal(x.end, D(2026, 10, 31));
	assert_int_equal(x.prev_start, D(2026, 9, 1));
	assert_int_equal(x.prev_end, D(2026, 9, 30));
	assert_int_equal(x.window_start, D(2026, 8, 1));
	assert_int_equal(x.ytd_start, D(2026, 2, 1)); /* fiscal year starts in February */
	x = metrics_period(&p, 2026 * 12 + 0);         /* January 2026: FY began Feb 2025 */
	assert_int_equal(x.ytd_start, D(2025, 2, 1));
	assert_int_equal(x.window_start, D(2025, 11, 1));
	p.fiscal_year_start = 1;
	x = metrics_period(&p, 2024 * 12 + 1);         /* February 2024, leap year */
	assert_int_equal(x.end, D(2024, 2, 29));
	assert_int_equal(x.ytd_start, D(2024, 1, 1));
}

/* A deal block: closed on the first and the last day of the month count,
 * the day before and after do not. */
static void test_block_edges(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 10);
	deal(m, a, D(2026, 9, 1), D(2026, 10, 1), OUTCOME_WON, 100000, ATTR_SOURCED);     /* cycle 30 */
	deal(m, a, D(2026, 10, 11), D(2026, 10, 31), OUTCOME_WON, 50050, ATTR_INFLUENCED); /* cycle 20 */
	deal(m, a, D(2026, 9, 20), D(2026, 9, 30), OUTCOME_WON, 999900, ATTR_SOURCED);    /* previous month */
	deal(m, a, D(2026, 10, 20), D(2026, 11, 1), OUTCOME_LOST, 7000, ATTR_SOURCED);    /* after period */
	deal(m, a, D(2026, 10, 2), D(2026, 10, 3), OUTCOME_LOST, 1000, ATTR_UNTAGGED);
	deal(m, a, D(2026, 10, 5), DAY_NONE, OUTCOME_OPEN, 2500, ATTR_UNTAGGED);
	deal(m, -1, D(2026, 10, 5), D(2026, 10, 9), OUTCOME_WON, 40000, ATTR_UNTAGGED);    /* direct */
	struct metrics *x = metrics_compute(m, OCT);
	const struct block *b = &x->totals[RANGE_MONTH];
	assert_int_equal(b->won_revenue, 150050);       /* 1000.00 + 500.50 */
	assert_int_equal(b->won_deals, 2);
	assert_int_equal(b->lost_deals, 1);             /* the Nov 1 loss is outside */
	NEAR(b->win_rate, 2.0 / 3.0);
	assert_int_equal(b->avg_won_deal, 75025);       /* 150050 / 2 */
	NEAR(b->median_cycle_days, 25.0);               /* even count: (20 + 30) / 2 */
	assert_int_equal(b->new_deals, 4);              /* created Oct 11, 20, 2, 5 */
	assert_int_equal(b->new_pipeline, 50050 + 7000 + 1000 + 2500);
	/* open at Oct 31: the Nov-1 loss (created Oct 20) and the open deal */
	assert_int_equal(b->open_pipeline, 7000 + 2500);
	assert_int_equal(b->sourced_revenue, 100000);
	assert_int_equal(b->influenced_revenue, 50050);
	assert_int_equal(b->untagged_revenue, 0);
	assert_int_equal(x->totals[RANGE_PREVIOUS].won_revenue, 999900);
	/* open at Sep 30: the deal won Oct 1 (created Sep 1) */
	assert_int_equal(x->totals[RANGE_PREVIOUS].open_pipeline, 100000);
	assert_int_equal(x->direct[RANGE_MONTH].won_revenue, 40000);
	assert_int_equal(x->direct[RANGE_MONTH].untagged_revenue, 0); /* direct deals are not "untagged" */
	/* window Aug-Oct: partner won 150050 + 999900; direct 40000 */
	NEAR(x->partner_share, (150050.0 + 999900.0) / (150050.0 + 999900.0 + 40000.0));
	metrics_free(x);
	model_free(m);
}

/* 0/0 and empty cases are null, never 0. */
static void test_nulls(void **state)
{
	struct model *m = base();
	partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	deal(m, 0, D(2026, 10, 5), DAY_NONE, OUTCOME_OPEN, 1000, ATTR_SOURCED);
	m->present[FILE_FORECAST] = false;
	struct metrics *x = metrics_compute(m, OCT);
	const struct block *b = &x->totals[RANGE_MONTH];
	assert_true(metric_is_null(b->win_rate));
	assert_true(metric_is_null(b->median_cycle_days));
	assert_int_equal(b->won_deals, 0);
	assert_true(metric_is_null(x->partner_share));
	assert_true(metric_is_null(x->lift_win_rate_pts));
	assert_true(metric_is_null(x->lift_deal_size));
	assert_true(metric_is_null(x->lift_cycle_days));
	assert_true(metric_is_null(x->fig.untagged_share));
	assert_true(metric_is_null(x->fig.incentive_alignment));
	assert_true(metric_is_null(x->fig.forecast_accuracy)); /* no forecast file */
	assert_true(metric_is_null(x->manager_spread));
	/* a partner with no deal review at all */
	assert_true(metric_is_null(pm(x, m, "a")->days_since_review));
	assert_int_equal(pm(x, m, "a")->last_qbr_on, DAY_NONE);
	metrics_free(x);
	model_free(m);
}

/* Active partners: exited on the period's first day is active, the day
 * before is not; joined after period end is not. Deal blocks still count
 * an inactive partner's deals. */
static void test_active(void **state)
{
	struct model *m = base();
	partner(m, "a", 1, D(2025, 1, 1), D(2026, 10, 1), "Ann", 0);
	partner(m, "b", 1, D(2025, 1, 1), D(2026, 9, 30), "Ann", 0);
	partner(m, "c", 1, D(2026, 11, 1), DAY_NONE, "Ann", 0);
	partner(m, "d", 1, D(2026, 10, 31), DAY_NONE, "Ann", 0);
	deal(m, 1, D(2026, 8, 1), D(2026, 10, 10), OUTCOME_WON, 5000, ATTR_SOURCED);
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(x->n_partners, 2);
	assert_non_null(pm(x, m, "a"));
	assert_non_null(pm(x, m, "d"));
	assert_null(pm(x, m, "b"));
	assert_int_equal(x->tiers[1].fig.partners, 2);
	assert_int_equal(x->tiers[1].blocks[RANGE_MONTH].won_revenue, 5000); /* b's deal counts */
	assert_int_equal(x->tiers[1].revenue_per_partner, 2500);             /* 5000 / 2 active */
	/* tier with no active partners */
	assert_int_equal(x->tiers[0].fig.partners, 0);
	assert_false(x->tiers[0].has_revenue_per_partner);
	assert_true(metric_is_null(x->tiers[0].median_window_won));
	metrics_free(x);
	model_free(m);
}

/* Tier at a date: a change dated after period end does not apply yet; the
 * partner is in that change's from_tier. */
static void test_tier_change_after_end(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);  /* current: strategic */
	change(m, a, D(2026, 11, 15), 1, 0);                            /* promoted in November */
	int b = partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	change(m, b, D(2026, 6, 1), 0, 1);                              /* demoted in June */
	model_index_tier_changes(m);
	deal(m, a, D(2026, 10, 1), D(2026, 10, 2), OUTCOME_WON, 100, ATTR_SOURCED);
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(pm(x, m, "a")->tier, 1);     /* still core at Oct 31 */
	assert_int_equal(pm(x, m, "b")->tier, 1);
	assert_int_equal(x->tiers[1].blocks[RANGE_MONTH].won_revenue, 100);
	assert_int_equal(x->tiers[0].blocks[RANGE_MONTH].won_revenue, 0);
	/* tier age: a has no change on or before Oct 31 -> since joined (2025-01-01) */
	assert_int_equal(pm(x, m, "a")->tier_age_days, D(2026, 10, 31) - D(2025, 1, 1));
	assert_true(pm(x, m, "a")->tier_stale);
	assert_int_equal(pm(x, m, "b")->tier_age_days, 152); /* Jun 1 -> Oct 31 */
	assert_false(pm(x, m, "b")->tier_stale);             /* 152 <= 180 */
	NEAR(x->fig.stale_share, 0.5);
	metrics_free(x);
	model_free(m);
}

/* Review cadence: strategic (7 days) in a 31-day month: L = 31, expected
 * floor(31/7) = 4; core (30 days): L = 31, expected 1. A quarterly tier
 * (90 days) gets L = 90, expected 1. */
static void test_governance(void **state)
{
	struct model *m = base();
	m->program.n_tiers = 3;
	m->program.tiers = xrealloc(m->program.tiers, 3 * sizeof *m->program.tiers);
	m->program.tiers[2] = (struct tier){model_strdup(m, "q", 1), model_strdup(m, "Q", 1), 3, 90};
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	int b = partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	int c = partner(m, "c", 2, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	review(m, a, D(2026, 10, 1), REVIEW_DEAL);   /* first day of the span: counts */
	review(m, a, D(2026, 10, 20), REVIEW_DEAL);
	review(m, a, D(2026, 9, 30), REVIEW_DEAL);   /* before the span */
	review(m, a, D(2026, 11, 2), REVIEW_DEAL);   /* after period end: ignored */
	review(m, a, D(2026, 9, 15), REVIEW_QBR);
	review(m, a, D(2026, 10, 4), REVIEW_MAPPING);
	review(m, b, D(2026, 10, 3), REVIEW_DEAL);
	review(m, b, D(2026, 10, 30), REVIEW_DEAL);
	review(m, c, D(2026, 8, 2), REVIEW_DEAL);    /* Oct 31 - 89 = Aug 3: outside */
	struct metrics *x = metrics_compute(m, OCT);
	const struct partner_metrics *pa = pm(x, m, "a"), *pb = pm(x, m, "b"), *pc = pm(x, m, "c");
	assert_int_equal(pa->review_span_days, 31);
	assert_int_equal(pa->reviews_expected, 4);
	assert_int_equal(pa->reviews_held, 2);
	NEAR(pa->review_adherence, 0.5);
	NEAR(pa->days_since_review, 11);             /* Oct 20 -> Oct 31 */
	assert_int_equal(pa->last_qbr_on, D(2026, 9, 15));
	assert_int_equal(pa->last_account_mapping_on, D(2026, 10, 4));
	assert_int_equal(pb->reviews_expected, 1);
	assert_int_equal(pb->reviews_held, 2);
	NEAR(pb->review_adherence, 1.0);             /* capped at 1 */
	assert_int_equal(pc->review_span_days, 90);
	assert_int_equal(pc->reviews_held, 0);
	NEAR(pc->review_adherence, 0.0);
	NEAR(pc->days_since_review, 90);             /* Aug 2 -> Oct 31 */
	NEAR(x->fig.review_adherence, 0.5);          /* (0.5 + 1 + 0) / 3 */
	NEAR(x->tiers[0].fig.review_adherence, 0.5);
	/* cadence grid: Oct 20 is 11 days before Oct 31 -> week 1 (second newest) */
	assert_int_equal(pa->cadence[CADENCE_WEEKS - 2], 1);
	metrics_free(x);
	model_free(m);
}

/* Recommendation: medians over active partners of the neighbouring tier. */
static void test_recommendation(void **state)
{
	struct model *m = base();
	/* strategic window W: 100, 300, 500, 700 -> median (300 + 500) / 2 = 400 */
	const cents_t sw[] = {10000, 30000, 50000, 70000};
	for (int i = 0; i < 4; i++) {
		char id[16];
		snprintf(id, sizeof id, "s%d", i);
		int p = partner(m, id, 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
		deal(m, p, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, sw[i], ATTR_SOURCED);
	}
	/* core: 400 (= median: promote), 399.99 (no), 0 with no new deal (demote
	 * rule would need a lower tier: none), 20 */
	int c0 = partner(m, "c0", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	deal(m, c0, D(2026, 8, 1), D(2026, 10, 31), OUTCOME_WON, 40000, ATTR_SOURCED);
	int c1 = partner(m, "c1", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	deal(m, c1, D(2026, 8, 1), D(2026, 8, 1), OUTCOME_WON, 39999, ATTR_SOURCED);
	partner(m, "c2", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	int c3 = partner(m, "c3", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	deal(m, c3, D(2026, 8, 1), D(2026, 8, 2), OUTCOME_WON, 2000, ATTR_SOURCED);
	/* core median of W: 0, 20, 399.99, 400 -> (20 + 399.99) / 2 = 209.995 */
	struct metrics *x = metrics_compute(m, OCT);
	NEAR(x->tiers[0].median_window_won, 40000);
	NEAR(x->tiers[1].median_window_won, (2000 + 39999) / 2.0);
	assert_int_equal(pm(x, m, "c0")->recommendation, REC_PROMOTE);
	assert_int_equal(pm(x, m, "c1")->recommendation, REC_NONE);
	assert_int_equal(pm(x, m, "c2")->recommendation, REC_NONE); /* last rank: no demotion */
	assert_int_equal(pm(x, m, "c3")->recommendation, REC_NONE);
	/* s0 (100) is below the core median 209.995: demote; s1 (300) is not */
	assert_int_equal(pm(x, m, "s0")->recommendation, REC_DEMOTE);
	assert_true(pm(x, m, "s0")->demote_by_median);
	assert_int_equal(pm(x, m, "s1")->recommendation, REC_NONE);
	assert_int_equal(pm(x, m, "s3")->recommendation, REC_NONE); /* rank 1: no promotion */
	metrics_free(x);
	model_free(m);
}

/* Demotion by "W = 0 and no new deal" still fires when the tier below has
 * no active partner (its median is undefined); the median rule does not. */
static void test_recommendation_empty_tier(void **state)
{
	struct model *m = base();
	partner(m, "s0", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);          /* nothing at all */
	int s1 = partner(m, "s1", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	deal(m, s1, D(2026, 9, 1), DAY_NONE, OUTCOME_OPEN, 5000, ATTR_SOURCED); /* W = 0, 1 new deal */
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(x->tiers[1].fig.partners, 0);
	assert_int_equal(pm(x, m, "s0")->recommendation, REC_DEMOTE);
	assert_false(pm(x, m, "s0")->demote_by_median); /* no activity, not the median */
	assert_int_equal(pm(x, m, "s1")->recommendation, REC_NONE);
	metrics_free(x);
	model_free(m);
}

/* Enablement: an asset needs a host and a partner completion on or before
 * period end. Untapped overlap: nearest-rank 75th percentile. */
static void test_enablement_and_overlap(void **state)
{
	struct model *m = base();
	/* overlaps 10, 20, 30, 40: n = 4, position ceil(3) = 3 -> 30 */
	int a = partner(m, "a", 1, D(2025, 1, 1), DAY_NONE, "Ann", 10);
	int b = partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Ann", 40);
	int c = partner(m, "c", 1, D(2025, 1, 1), DAY_NONE, "Ann", 30);
	partner(m, "d", 1, D(2025, 1, 1), DAY_NONE, "Ann", 20);
	deal(m, c, D(2026, 8, 3), DAY_NONE, OUTCOME_OPEN, 100, ATTR_SOURCED); /* c opened a deal */
	for (int asset = 0; asset < 3; asset++) {
		complete(m, a, D(2026, 1, 1), SIDE_HOST, asset);
		complete(m, a, D(2026, 1, 2), SIDE_PARTNER, asset);
	}
	complete(m, b, D(2026, 1, 1), SIDE_HOST, 0);
	complete(m, b, D(2026, 1, 1), SIDE_HOST, 1);
	complete(m, b, D(2026, 1, 1), SIDE_PARTNER, 0);
	complete(m, b, D(2026, 11, 1), SIDE_PARTNER, 1);  /* after period end */
	struct metrics *x = metrics_compute(m, OCT);
	assert_true(pm(x, m, "a")->enabled);
	NEAR(pm(x, m, "a")->enablement_coverage, 1.0);
	assert_false(pm(x, m, "b")->enabled);
	NEAR(pm(x, m, "b")->enablement_coverage, 1.0 / 3.0);
	NEAR(pm(x, m, "d")->enablement_coverage, 0.0);
	NEAR(x->fig.enabled_share, 0.25);
	assert_true(pm(x, m, "b")->untapped_overlap);    /* 40 >= 30, no new deal */
	assert_false(pm(x, m, "c")->untapped_overlap);   /* 30 >= 30 but opened a deal */
	assert_false(pm(x, m, "d")->untapped_overlap);   /* 20 < 30 */
	assert_false(pm(x, m, "a")->untapped_overlap);
	metrics_free(x);
	model_free(m);
}

/* Attribution, incentives, forecast accuracy, manager spread. */
static void test_attribution_forecast_spread(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	int b = partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	/* Ann: 3 won, 2 lost in the window -> 0.6; Bob: 1 won, 4 lost -> 0.2 */
	deal(m, a, D(2026, 8, 1), D(2026, 10, 5), OUTCOME_WON, 60000, ATTR_SOURCED);
	deal(m, a, D(2026, 8, 1), D(2026, 9, 5), OUTCOME_WON, 30000, ATTR_INFLUENCED);
	deal(m, a, D(2026, 8, 1), D(2026, 8, 5), OUTCOME_WON, 10000, ATTR_UNTAGGED);
	deal(m, a, D(2026, 8, 1), D(2026, 8, 6), OUTCOME_LOST, 1, ATTR_SOURCED);
	deal(m, a, D(2026, 8, 1), D(2026, 8, 7), OUTCOME_LOST, 1, ATTR_SOURCED);
	deal(m, b, D(2026, 8, 1), D(2026, 10, 9), OUTCOME_WON, 20000, ATTR_SOURCED);
	for (int i = 0; i < 4; i++)
		deal(m, b, D(2026, 8, 1), D(2026, 8, 9), OUTCOME_LOST, 1, ATTR_SOURCED);
	m->deals[0].has_incentive = true;  /* paid: 1 of 3 tagged wins (60000, 30000, 20000) */
	/* forecasts for October: a 500.00 against actual 600.00; b 300.00 against 200.00 */
	forecast(m, a, OCT, 50000);
	forecast(m, b, OCT, 30000);
	forecast(m, b, OCT - 1, 99999); /* another month: ignored */
	struct metrics *x = metrics_compute(m, OCT);
	/* untagged share: 10000 / 120000 */
	NEAR(x->fig.untagged_share, 10000.0 / 120000.0);
	NEAR(x->fig.incentive_alignment, 1.0 / 3.0);
	NEAR(x->tiers[0].fig.incentive_alignment, 0.5);   /* a: 1 of 2 tagged wins */
	NEAR(x->tiers[1].fig.incentive_alignment, 0.0);
	/* program: F = 800, A = 800 -> 1; strategic: 1 - 100/600; core: max(0, 1 - 100/200) */
	NEAR(x->fig.forecast_accuracy, 1.0);
	NEAR(x->tiers[0].fig.forecast_accuracy, 1.0 - 10000.0 / 60000.0);
	NEAR(x->tiers[1].fig.forecast_accuracy, 0.5);
	NEAR(x->manager_spread, 0.6 - 0.2);
	metrics_free(x);
	model_free(m);
}

static void test_forecast_edges(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	forecast(m, a, OCT, 50000);          /* F > 0, A = 0 -> 0 */
	deal(m, a, D(2026, 10, 1), D(2026, 10, 2), OUTCOME_LOST, 5, ATTR_SOURCED);
	struct metrics *x = metrics_compute(m, OCT);
	NEAR(x->tiers[0].fig.forecast_accuracy, 0.0);
	assert_true(metric_is_null(x->tiers[1].fig.forecast_accuracy)); /* both 0 */
	metrics_free(x);
	/* A far above F: max(0, 1 - |A - F| / A) stays >= 0; A = 4 F -> 0.25 */
	deal(m, a, D(2026, 10, 1), D(2026, 10, 3), OUTCOME_WON, 200000, ATTR_SOURCED);
	x = metrics_compute(m, OCT);
	NEAR(x->tiers[0].fig.forecast_accuracy, 0.25);
	metrics_free(x);
	model_free(m);
}

/* Health: statuses, unknown parts, next_fix, overridden thresholds. */
static void test_health(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	int b = partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	change(m, a, D(2026, 9, 1), 0, 0);
	change(m, b, D(2026, 9, 1), 1, 1);
	model_index_tier_changes(m);
	review(m, a, D(2026, 10, 2), REVIEW_DEAL);
	review(m, a, D(2026, 10, 9), REVIEW_DEAL);
	review(m, a, D(2026, 10, 16), REVIEW_DEAL);  /* a: 3 of 4 = 0.75 */
	review(m, b, D(2026, 10, 16), REVIEW_DEAL);  /* b: 1 of 1 */
	for (int asset = 0; asset < 3; asset++)
		for (int p = 0; p < 2; p++) {
			complete(m, p, D(2026, 1, 1), SIDE_HOST, asset);
			complete(m, p, D(2026, 1, 1), SIDE_PARTNER, asset);
		}
	deal(m, a, D(2026, 9, 1), D(2026, 10, 2), OUTCOME_WON, 100000, ATTR_SOURCED);
	m->deals[0].has_incentive = true;
	forecast(m, a, OCT, 100000);
	struct metrics *x = metrics_compute(m, OCT);
	/* tiering: 1 of 2 in rank 1 = 0.5 <= 0.5 -> green; adherence 0.875 -> green;
	 * enabled 1.0 -> green; untagged 0, alignment 1 -> green; forecast 1,
	 * stale 0 -> green */
	for (int i = 0; i < HEALTH_COUNT; i++)
		assert_int_equal(x->health.status[i], STATUS_GREEN);
	assert_int_equal(x->health.next_fix, -1);
	metrics_free(x);

	/* overridden: operating_model green only at 0.9 -> amber; next fix */
	m->program.health.operating_green = 0.9;
	x = metrics_compute(m, OCT);
	assert_int_equal(x->health.status[HEALTH_OPERATING], STATUS_AMBER);
	assert_int_equal(x->health.next_fix, HEALTH_OPERATING);
	metrics_free(x);
	m->program.health.operating_green = 0.8;
	m->program.health.tiering_green_top_share = 0.4; /* 0.5 > 0.4 -> amber */
	x = metrics_compute(m, OCT);
	assert_int_equal(x->health.status[HEALTH_TIERING], STATUS_AMBER);
	assert_int_equal(x->health.next_fix, HEALTH_TIERING);
	metrics_free(x);
	m->program.health.tiering_green_top_share = 0.5;

	/* missing files: reviews -> operating unknown; enablement -> unknown;
	 * incentives and forecast missing -> judged on the other figure only */
	m->present[FILE_REVIEWS] = false;
	m->present[FILE_ENABLEMENT] = false;
	m->present[FILE_INCENTIVES] = false;
	m->present[FILE_FORECAST] = false;
	x = metrics_compute(m, OCT);
	assert_int_equal(x->health.status[HEALTH_OPERATING], STATUS_UNKNOWN);
	assert_int_equal(x->health.status[HEALTH_ENABLEMENT], STATUS_UNKNOWN);
	assert_int_equal(x->health.status[HEALTH_ATTRIBUTION], STATUS_GREEN); /* untagged 0 */
	assert_int_equal(x->health.status[HEALTH_GOVERNANCE], STATUS_GREEN);  /* stale 0 */
	assert_int_equal(x->health.next_fix, HEALTH_OPERATING);
	assert_true(metric_is_null(pm(x, m, "a")->review_adherence));
	assert_int_equal(pm(x, m, "a")->reviews_held, -1);
	metrics_free(x);

	/* one tier only has active partners -> tiering red */
	m->partners[1].exited_on = D(2026, 9, 1);
	x = metrics_compute(m, OCT);
	assert_int_equal(x->health.status[HEALTH_TIERING], STATUS_RED);
	metrics_free(x);
	model_free(m);
}

/* Lift versus direct, window. */
static void test_lift(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	/* partner: 2 won (300, 500; cycles 10, 20), 2 lost -> 0.5, avg 400, median 15 */
	deal(m, a, D(2026, 9, 1), D(2026, 9, 11), OUTCOME_WON, 30000, ATTR_SOURCED);
	deal(m, a, D(2026, 9, 1), D(2026, 9, 21), OUTCOME_WON, 50000, ATTR_SOURCED);
	deal(m, a, D(2026, 9, 1), D(2026, 9, 2), OUTCOME_LOST, 1, ATTR_SOURCED);
	deal(m, a, D(2026, 9, 1), D(2026, 9, 2), OUTCOME_LOST, 1, ATTR_SOURCED);
	/* direct: 1 won (200; cycle 40), 3 lost -> 0.25, avg 200, median 40 */
	deal(m, -1, D(2026, 8, 1), D(2026, 9, 10), OUTCOME_WON, 20000, ATTR_UNTAGGED);
	for (int i = 0; i < 3; i++)
		deal(m, -1, D(2026, 8, 1), D(2026, 8, 2), OUTCOME_LOST, 1, ATTR_UNTAGGED);
	struct metrics *x = metrics_compute(m, OCT);
	NEAR(x->lift_win_rate_pts, 0.25);
	NEAR(x->lift_deal_size, 1.0);     /* 400 / 200 - 1 */
	NEAR(x->lift_cycle_days, -25.0);  /* 15 - 40 */
	metrics_free(x);
	model_free(m);
}

/* Partners are listed by id, whatever the file order. */
static void test_partner_order(void **state)
{
	struct model *m = base();
	partner(m, "zeta", 1, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	partner(m, "alpha", 1, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	partner(m, "Mid", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	struct metrics *x = metrics_compute(m, OCT);
	assert_string_equal(m->partners[x->partners[0].partner].id, "Mid");
	assert_string_equal(m->partners[x->partners[1].partner].id, "alpha");
	assert_string_equal(m->partners[x->partners[2].partner].id, "zeta");
	metrics_free(x);
	model_free(m);
}


/* SPEC 4.7 by tier and direct. Won revenue (month Oct / previous Sep):
 *   s1 strategic  1000.00 /  400.00  -> +600.00
 *   s2 strategic     0    /  250.50  -> -250.50
 *   c1 core        300.00 /  300.00  ->    0 (in neither list)
 *   c2 core, exited Sep 30 (inactive): 50.00 / 0 -> counts in core, not a gainer
 *   mv moved strategic -> core on Oct 15: its Sep 70.00 counts in core
 *   direct         200.00 /  500.00  -> -300.00
 * strategic: 1000.00 / 650.50 -> +349.50; core: 350.00 / 370.00 -> -20.00;
 * sum +329.50 = partner totals 1350.00 - 1020.50. */
static void test_drivers(void **state)
{
	struct model *m = base();
	int s1 = partner(m, "s1", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	int s2 = partner(m, "s2", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	int c1 = partner(m, "c1", 1, D(2026, 8, 1), DAY_NONE, "Bob", 0);
	int c2 = partner(m, "c2", 1, D(2025, 1, 1), D(2026, 9, 30), "Bob", 0);
	int mv = partner(m, "mv", 1, D(2026, 1, 1), DAY_NONE, "Bob", 0);
	change(m, mv, D(2026, 10, 15), 0, 1);
	model_index_tier_changes(m);
	deal(m, s1, D(2026, 9, 1), D(2026, 10, 3), OUTCOME_WON, 100000, ATTR_SOURCED);
	deal(m, s1, D(2026, 9, 1), D(2026, 9, 3), OUTCOME_WON, 40000, ATTR_SOURCED);
	deal(m, s2, D(2026, 9, 1), D(2026, 9, 30), OUTCOME_WON, 25050, ATTR_SOURCED);
	deal(m, c1, D(2026, 9, 1), D(2026, 10, 31), OUTCOME_WON, 30000, ATTR_SOURCED);
	deal(m, c1, D(2026, 9, 1), D(2026, 9, 1), OUTCOME_WON, 30000, ATTR_SOURCED);
	deal(m, c2, D(2026, 9, 1), D(2026, 10, 2), OUTCOME_WON, 5000, ATTR_SOURCED);
	deal(m, mv, D(2026, 9, 1), D(2026, 9, 2), OUTCOME_WON, 7000, ATTR_SOURCED);
	deal(m, -1, D(2026, 9, 1), D(2026, 10, 9), OUTCOME_WON, 20000, ATTR_UNTAGGED);
	deal(m, -1, D(2026, 9, 1), D(2026, 9, 9), OUTCOME_WON, 50000, ATTR_UNTAGGED);
	struct metrics *x = metrics_compute(m, OCT);
	const struct drivers *dr = &x->drivers;
	assert_int_equal(dr->by_tier[0].index, 0);
	MONEY_EQ(dr->by_tier[0].month, 100000);
	MONEY_EQ(dr->by_tier[0].previous, 65050);
	MONEY_EQ(dr->by_tier[0].change, 34950);
	assert_int_equal(dr->by_tier[1].index, 1);
	MONEY_EQ(dr->by_tier[1].month, 35000);
	MONEY_EQ(dr->by_tier[1].previous, 37000);
	MONEY_EQ(dr->by_tier[1].change, -2000);
	MONEY_EQ(dr->by_tier[0].change + dr->by_tier[1].change, 32950);
	assert_drivers_tie(x);
	MONEY_EQ(dr->direct.month, 20000);
	MONEY_EQ(dr->direct.previous, 50000);
	MONEY_EQ(dr->direct.change, -30000);
	assert_movers(x, m, dr->gainers, dr->n_gainers, (const char *[]){"s1"}, (cents_t[]){60000}, 1);
	/* decliners: s2 -250.50, then mv -70.00 (active, moved tier) */
	assert_movers(x, m, dr->decliners, dr->n_decliners, (const char *[]){"s2", "mv"},
		      (cents_t[]){-25050, -7000}, 2);
	MONEY_EQ(dr->decliners[0].previous, 25050);
	metrics_free(x);
	model_free(m);
}

/* At most 5 each, ties by id whatever the file order. Gainers (month win):
 * g1 1.00, g2 3.00, g3 3.00, g4 2.00, g5 1.00, g6 0.50, g7 3.00 -> g2, g3,
 * g7 (3.00, by id), g4, g1 (g1 and g5 tie at 1.00: g1 by id; g5 and g6
 * fall off). Decliners (previous-month win): d1 -1.00, d2 -1.00, d3 -5.00,
 * d4 -0.20, d5 -1.00, d6 -1.00 -> d3, d1, d2, d5, d6 (d4 falls off). */
static void test_drivers_caps_and_ties(void **state)
{
	struct model *m = base();
	const char *gid[] = {"g7", "g6", "g5", "g4", "g3", "g2", "g1"}; /* reverse id order */
	const cents_t gain[] = {300, 50, 100, 200, 300, 300, 100};
	for (int i = 0; i < 7; i++) {
		int p = partner(m, gid[i], 1, D(2026, 8, 1), DAY_NONE, "Ann", 0);
		deal(m, p, D(2026, 9, 1), D(2026, 10, 10), OUTCOME_WON, gain[i], ATTR_SOURCED);
	}
	const char *did[] = {"d6", "d5", "d4", "d3", "d2", "d1"};
	const cents_t loss[] = {100, 100, 20, 500, 100, 100};
	for (int i = 0; i < 6; i++) {
		int p = partner(m, did[i], 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
		deal(m, p, D(2026, 9, 1), D(2026, 9, 10), OUTCOME_WON, loss[i], ATTR_SOURCED);
	}
	partner(m, "z0", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0); /* no deal: change 0 */
	struct metrics *x = metrics_compute(m, OCT);
	const struct drivers *dr = &x->drivers;
	assert_movers(x, m, dr->gainers, dr->n_gainers, (const char *[]){"g2", "g3", "g7", "g4", "g1"},
		      (cents_t[]){300, 300, 300, 200, 100}, DRIVERS_MAX);
	assert_movers(x, m, dr->decliners, dr->n_decliners, (const char *[]){"d3", "d1", "d2", "d5", "d6"},
		      (cents_t[]){-500, -100, -100, -100, -100}, DRIVERS_MAX);
	/* strategic (the d partners): 0 - 9.20; core: 13.50 - 0 */
	MONEY_EQ(dr->by_tier[0].change, -920);
	MONEY_EQ(dr->by_tier[1].change, 1350);
	assert_drivers_tie(x);
	metrics_free(x);
	model_free(m);
}

/* A month with no change at all: both lists empty, every change 0. */
static void test_drivers_flat(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	partner(m, "b", 1, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	deal(m, a, D(2026, 9, 1), D(2026, 9, 5), OUTCOME_WON, 12345, ATTR_SOURCED);
	deal(m, a, D(2026, 9, 1), D(2026, 10, 5), OUTCOME_WON, 12345, ATTR_SOURCED);
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(x->drivers.n_gainers, 0);
	assert_int_equal(x->drivers.n_decliners, 0);
	MONEY_EQ(x->drivers.by_tier[0].month, 12345);
	MONEY_EQ(x->drivers.by_tier[0].change, 0);
	MONEY_EQ(x->drivers.by_tier[1].change, 0);
	MONEY_EQ(x->drivers.direct.change, 0);
	metrics_free(x);
	model_free(m);
}

/* SPEC 4.8. All partners joined 2026-08-01 (tier age 91 days, not stale)
 * unless said; "ok" = reviewed as expected and enabled. Window Aug-Oct.
 *   s-high strategic, ok, W 10.00                     -> no flag
 *   s-zero strategic, enabled, no review, no deal     -> demote (W = 0, no
 *          new deal), review_overdue; in_play 0
 *   c-star core, reviewed, not enabled, W 20.00       -> promote (20.00 >=
 *          strategic median (10.00 + 0) / 2 = 5.00), enablement_missing
 *   c-mid  core, reviewed, not enabled: W 1.00 (Aug), won in July 7.77
 *          (outside), open since May 50.00, created Sep and won Nov 3.00
 *          (open at period end), lost in Oct 9.99   -> enablement_missing;
 *          in_play 1.00 + 50.00 + 3.00 = 54.00
 *   c-big  core, enabled, no review, opened 90.00 Oct -> review_overdue; 90.00
 *   c-old  core, ok, joined 2025-01-01 (age 668)      -> tier_stale; 0
 *   c-ovl  core, ok, overlap 50 (p75 of 0 x 7, 50 is 0), no new deal
 *                                                     -> untapped_overlap; 0
 *   c-none core, ok                                   -> no flag
 *   c-gone core, exited Sep 1, stale, no review       -> inactive: no entry
 * Core median of W: 0, 0, 0, 0, 1.00, 20.00 -> 0, so s-high is not demoted.
 * Order: recommendations first (c-star 20.00, s-zero 0), then in_play
 * descending (c-big 90.00, c-mid 54.00), then ties by id (c-old, c-ovl). */
static struct model *actions_model(void)
{
	struct model *m = base();
	int sh = partner(m, "s-high", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	int sz = partner(m, "s-zero", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	int cs = partner(m, "c-star", 1, D(2026, 8, 1), DAY_NONE, "Bob", 0);
	int cm = partner(m, "c-mid", 1, D(2026, 8, 1), DAY_NONE, "Bob", 0);
	int cb = partner(m, "c-big", 1, D(2026, 8, 1), DAY_NONE, "Bob", 0);
	int co = partner(m, "c-old", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	int cv = partner(m, "c-ovl", 1, D(2026, 8, 1), DAY_NONE, "Bob", 50);
	int cn = partner(m, "c-none", 1, D(2026, 8, 1), DAY_NONE, "Bob", 0);
	partner(m, "c-gone", 1, D(2025, 1, 1), D(2026, 9, 1), "Bob", 0);
	reviewed(m, sh, 4);
	enable(m, sh);
	enable(m, sz);
	reviewed(m, cs, 1);
	reviewed(m, cm, 1);
	enable(m, cb);
	int ok[] = {co, cv, cn};
	for (int i = 0; i < 3; i++) {
		reviewed(m, ok[i], 1);
		enable(m, ok[i]);
	}
	deal(m, sh, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 1000, ATTR_SOURCED);
	deal(m, cs, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 2000, ATTR_SOURCED);
	deal(m, cm, D(2026, 7, 1), D(2026, 8, 1), OUTCOME_WON, 100, ATTR_SOURCED);
	deal(m, cm, D(2026, 6, 1), D(2026, 7, 1), OUTCOME_WON, 777, ATTR_SOURCED);
	deal(m, cm, D(2026, 5, 1), DAY_NONE, OUTCOME_OPEN, 5000, ATTR_SOURCED);
	deal(m, cm, D(2026, 9, 1), D(2026, 11, 3), OUTCOME_WON, 300, ATTR_SOURCED);
	deal(m, cm, D(2026, 10, 10), D(2026, 10, 20), OUTCOME_LOST, 999, ATTR_SOURCED);
	deal(m, cb, D(2026, 10, 5), DAY_NONE, OUTCOME_OPEN, 9000, ATTR_SOURCED);
	return m;
}

struct want_action {
	const char *id;
	unsigned flags;
	cents_t in_play;
};

static void assert_actions(const struct metrics *x, const struct model *m,
			   const struct want_action *want, size_t n)
{
	assert_int_equal(x->n_actions, n);
	for (size_t i = 0; i < n; i++) {
		const struct action *a = &x->actions[i];
		assert_string_equal(pid(x, m, a->partner), want[i].id);
		assert_int_equal(a->flags, want[i].flags);
		assert_int_equal(x->partners[a->partner].flags, want[i].flags);
		MONEY_EQ(a->in_play, want[i].in_play);
	}
}

static void test_actions(void **state)
{
	struct model *m = actions_model();
	struct metrics *x = metrics_compute(m, OCT);
	const struct want_action want[] = {
		{"c-star", ACTION_PROMOTE | ACTION_ENABLEMENT_MISSING, 2000},
		{"s-zero", ACTION_DEMOTE | ACTION_REVIEW_OVERDUE, 0},
		{"c-big", ACTION_REVIEW_OVERDUE, 9000},
		{"c-mid", ACTION_ENABLEMENT_MISSING, 5400},
		{"c-old", ACTION_TIER_STALE, 0},
		{"c-ovl", ACTION_UNTAPPED_OVERLAP, 0},
	};
	assert_actions(x, m, want, 6);
	assert_int_equal(pm(x, m, "s-high")->flags, 0);
	assert_int_equal(pm(x, m, "c-none")->flags, 0);
	assert_int_equal(x->n_partners, 8); /* c-gone is not active */
	/* the names follow the bits, in SPEC order */
	assert_string_equal(action_flag_names[0], "promote");
	assert_string_equal(action_flag_names[2], "review_overdue");
	assert_string_equal(action_flag_names[ACTION_FLAG_COUNT - 1], "tier_stale");
	assert_int_equal(ACTION_TIER_STALE, 1u << (ACTION_FLAG_COUNT - 1));
	metrics_free(x);
	model_free(m);
}

/* Without reviews.csv nothing is overdue (not measured); without
 * enablement.csv nothing is missing: c-big and c-mid drop out. */
static void test_actions_missing_files(void **state)
{
	struct model *m = actions_model();
	m->present[FILE_REVIEWS] = false;
	struct metrics *x = metrics_compute(m, OCT);
	const struct want_action no_reviews[] = {
		{"c-star", ACTION_PROMOTE | ACTION_ENABLEMENT_MISSING, 2000},
		{"s-zero", ACTION_DEMOTE, 0},
		{"c-mid", ACTION_ENABLEMENT_MISSING, 5400},
		{"c-old", ACTION_TIER_STALE, 0},
		{"c-ovl", ACTION_UNTAPPED_OVERLAP, 0},
	};
	assert_actions(x, m, no_reviews, 5);
	assert_int_equal(pm(x, m, "c-big")->flags, 0);
	metrics_free(x);
	m->present[FILE_ENABLEMENT] = false;
	x = metrics_compute(m, OCT);
	const struct want_action neither[] = {
		{"c-star", ACTION_PROMOTE, 2000},
		{"s-zero", ACTION_DEMOTE, 0},
		{"c-old", ACTION_TIER_STALE, 0},
		{"c-ovl", ACTION_UNTAPPED_OVERLAP, 0},
	};
	assert_actions(x, m, neither, 4);
	metrics_free(x);
	model_free(m);
}

/* A whole deals.csv at the loader's limit, 9,999,999,999,999.99: one deal
 * of 5,000,000,000,000.00 won in October and one of 4,999,999,999,999.99
 * won in September, both partner a's (strategic). Every figure is exact:
 * the window sum is the limit itself, the change one cent, the average
 * (limit / 2 = ...999.995) rounds half up to 5,000,000,000,000.00. */
static void test_money_at_limit(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	const cents_t big = 500000000000000, other = METRICS_MONEY_MAX - big;
	deal(m, a, D(2026, 9, 1), D(2026, 10, 1), OUTCOME_WON, big, ATTR_SOURCED);
	deal(m, a, D(2026, 9, 1), D(2026, 9, 2), OUTCOME_WON, other, ATTR_INFLUENCED);
	struct metrics *x = metrics_compute(m, OCT);
	const struct block *w = &x->totals[RANGE_WINDOW];
	MONEY_EQ(w->won_revenue, METRICS_MONEY_MAX);
	MONEY_EQ(w->sourced_revenue + w->influenced_revenue, METRICS_MONEY_MAX);
	MONEY_EQ(w->new_pipeline, METRICS_MONEY_MAX);
	MONEY_EQ(w->avg_won_deal, big);
	MONEY_EQ(x->tiers[0].revenue_per_partner, METRICS_MONEY_MAX);
	NEAR(x->partner_share, 1.0);
	MONEY_EQ(x->drivers.by_tier[0].change, 1);
	MONEY_EQ(x->drivers.gainers[0].change, 1);
	assert_drivers_tie(x);
	MONEY_EQ(x->actions[0].in_play, METRICS_MONEY_MAX); /* a: not reviewed */
	/* and metrics.json writes it with its two decimals, unrounded */
	json_t *j = context_metrics_json(m, x);
	struct buf out = {0};
	jsonout_dump(j, &out);
	const char *text = buf_cstr(&out);
	assert_non_null(strstr(text, "\"in_play\": 9999999999999.99"));
	assert_non_null(strstr(text, "\"won_revenue\": 9999999999999.99"));
	assert_non_null(strstr(text, "\"change\": 0.01"));
	buf_free(&out);
	json_decref(j);
	metrics_free(x);
	model_free(m);
}

/* Amounts beyond the contract (two of 2^62) would wrap a sum: the build
 * stops with an internal error instead of producing a wrong figure. */
static void test_money_overflow_stops(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2026, 8, 1), DAY_NONE, "Ann", 0);
	deal(m, a, D(2026, 9, 1), D(2026, 10, 1), OUTCOME_WON, INT64_C(1) << 62, ATTR_SOURCED);
	deal(m, a, D(2026, 9, 1), D(2026, 10, 2), OUTCOME_WON, INT64_C(1) << 62, ATTR_SOURCED);
	fflush(NULL);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		freopen("/dev/null", "w", stderr);
		metrics_free(metrics_compute(m, OCT));
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		fail_msg("metrics on overflowing amounts did not abort (status %d)", status);
	model_free(m);
}

/* The example program's planted story (examples/README.md) comes out of
 * the figures: exactly two core partners to promote, the declining
 * strategic partner to demote, two partners missing enablement, the
 * untapped overlap, and attribution as the next fix. */
static void test_example_story(void **state)
{
	struct diag_list errors = {0};
	char *io = NULL;
	struct model *m = load_model("examples/northwind", NULL, &errors, &io);
	if (!m)
		fail_msg("examples/northwind does not load (%zu errors, %s)", errors.total, io ? io : "");
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(x->n_partners, 19);
	assert_int_equal(x->tiers[0].fig.partners, 6);
	char promote[256] = "", demote[256] = "", unenabled[256] = "", untapped[256] = "";
	for (size_t i = 0; i < x->n_partners; i++) {
		const struct partner_metrics *p = &x->partners[i];
		const char *id = m->partners[p->partner].id;
		char *list = p->recommendation == REC_PROMOTE ? promote
			     : p->recommendation == REC_DEMOTE ? demote : NULL;
		if (list)
			snprintf(list + strlen(list), 256 - strlen(list), "%s ", id);
		if (!p->enabled)
			snprintf(unenabled + strlen(unenabled), 256 - strlen(unenabled), "%s ", id);
		if (p->untapped_overlap)
			snprintf(untapped + strlen(untapped), 256 - strlen(untapped), "%s ", id);
	}
	assert_string_equal(promote, "cedar-cloud kestrel ");
	assert_string_equal(demote, "harbor-point ");
	assert_string_equal(unenabled, "quillfield tidewater ");
	assert_string_equal(untapped, "granite-peak ");
	assert_int_equal(x->health.status[HEALTH_TIERING], STATUS_GREEN);
	assert_int_equal(x->health.status[HEALTH_OPERATING], STATUS_GREEN);
	assert_int_equal(x->health.status[HEALTH_ENABLEMENT], STATUS_GREEN);
	assert_int_equal(x->health.status[HEALTH_ATTRIBUTION], STATUS_AMBER);
	assert_int_equal(x->health.status[HEALTH_GOVERNANCE], STATUS_AMBER);
	assert_int_equal(x->health.next_fix, HEALTH_ATTRIBUTION);
	/* what moved ties to the program's partner change */
	assert_drivers_tie(x);
	/* one action entry per partner with a flag, recommendations first */
	size_t flagged = 0;
	for (size_t i = 0; i < x->n_partners; i++)
		flagged += x->partners[i].flags != 0;
	assert_int_equal(x->n_actions, flagged);
	for (size_t i = 0; i < x->n_actions; i++) {
		const struct action *a = &x->actions[i];
		bool rec = a->flags & (ACTION_PROMOTE | ACTION_DEMOTE);
		assert_true(rec == (i < 3)); /* the three recommendations above */
		if (i > 0 && i != 3) /* within a group: in_play descending */
			assert_true(x->actions[i - 1].in_play >= a->in_play);
	}
	/* the declining partner's won revenue falls to nothing over the window */
	for (size_t i = 0; i < x->n_partners; i++)
		if (!strcmp(m->partners[x->partners[i].partner].id, "harbor-point")) {
			const struct partner_metrics *p = &x->partners[i];
			assert_true(p->trend_won[6] > 0);
			assert_int_equal(p->blocks[RANGE_WINDOW].won_revenue, 0);
		}
	metrics_free(x);
	model_free(m);
	diag_clear(&errors);
}

/* A partner's deal lists (PARTNER_DEALS each). Open at period end: created
 * by 2026-10-31 and not closed by then, so a deal won on 2026-11-02 is
 * still open on the list and not a win; largest amount first, then the
 * newest, then deal id. Wins: closed on or before 2026-10-31, latest
 * first, then the larger amount. A lost deal is on neither; a deal created
 * after the period is on neither. */
static void test_deal_lists(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 1, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	int gone = partner(m, "gone", 1, D(2025, 1, 1), D(2026, 1, 31), "Ann", 0);
	deal(m, a, D(2026, 9, 1), DAY_NONE, OUTCOME_OPEN, 70000, ATTR_SOURCED);        /* d0 */
	deal(m, a, D(2026, 10, 5), DAY_NONE, OUTCOME_OPEN, 70000, ATTR_SOURCED);       /* d1: newer tie */
	deal(m, a, D(2026, 3, 1), DAY_NONE, OUTCOME_OPEN, 10000, ATTR_SOURCED);        /* d2 */
	deal(m, a, D(2026, 4, 1), DAY_NONE, OUTCOME_OPEN, 30000, ATTR_SOURCED);        /* d3 */
	deal(m, a, D(2026, 10, 1), D(2026, 11, 2), OUTCOME_WON, 50000, ATTR_SOURCED);  /* d4: open at end */
	deal(m, a, D(2026, 5, 1), DAY_NONE, OUTCOME_OPEN, 5000, ATTR_SOURCED);         /* d5: sixth, out */
	deal(m, a, D(2026, 11, 1), DAY_NONE, OUTCOME_OPEN, 90000, ATTR_SOURCED);       /* d6: after the period */
	deal(m, a, D(2026, 2, 1), DAY_NONE, OUTCOME_OPEN, 20000, ATTR_SOURCED);        /* d7 */
	deal(m, a, D(2026, 9, 1), D(2026, 10, 20), OUTCOME_WON, 1000, ATTR_SOURCED);   /* d8 */
	deal(m, a, D(2026, 9, 1), D(2026, 10, 20), OUTCOME_WON, 5000, ATTR_SOURCED);   /* d9: same day, larger */
	deal(m, a, D(2026, 1, 1), D(2026, 2, 1), OUTCOME_WON, 800, ATTR_SOURCED);      /* d10 */
	deal(m, a, D(2026, 9, 1), D(2026, 10, 25), OUTCOME_LOST, 99000, ATTR_SOURCED); /* d11: lost */
	deal(m, a, D(2025, 1, 1), D(2025, 6, 1), OUTCOME_WON, 700, ATTR_SOURCED);      /* d12 */
	deal(m, a, D(2025, 1, 1), D(2025, 5, 1), OUTCOME_WON, 600, ATTR_SOURCED);      /* d13 */
	deal(m, a, D(2025, 1, 1), D(2025, 4, 1), OUTCOME_WON, 500, ATTR_SOURCED);      /* d14: sixth, out */
	deal(m, gone, D(2025, 1, 1), DAY_NONE, OUTCOME_OPEN, 1, ATTR_SOURCED);         /* not active */
	struct metrics *x = metrics_compute(m, OCT);
	const struct partner_metrics *p = pm(x, m, "a");
	const char *open[] = {"d1", "d0", "d4", "d3", "d7"};
	const char *won[] = {"d9", "d8", "d10", "d12", "d13"};
	assert_int_equal(p->n_open_deals, PARTNER_DEALS);
	assert_int_equal(p->n_won_deals, PARTNER_DEALS);
	for (int i = 0; i < PARTNER_DEALS; i++) {
		assert_string_equal(m->deals[p->open_deals[i]].id, open[i]);
		assert_string_equal(m->deals[p->won_deals[i]].id, won[i]);
	}
	assert_int_equal(x->n_partners, 1);
	metrics_free(x);
	/* fewer deals than the list holds: as many as there are */
	x = metrics_compute(m, 2025 * 12 + 4); /* 2025-05: d12 not yet won */
	p = pm(x, m, "a");
	assert_int_equal(p->n_won_deals, 2);
	assert_string_equal(m->deals[p->won_deals[0]].id, "d13");
	assert_string_equal(m->deals[p->won_deals[1]].id, "d14");
	assert_int_equal(p->n_open_deals, 1); /* d12, won in June: open at the end of May */
	assert_string_equal(m->deals[p->open_deals[0]].id, "d12");
	metrics_free(x);
	model_free(m);
}

/* The partners index's order (window won revenue, then id) and the
 * governance exceptions' (severity, then in play, then id). Four core
 * partners (core is the last tier: no demote; the strategic tier has no
 * partner: no promote), no deal review held: each misses the 1 review the
 * monthly cadence expects, so in play decides. Window won: a 100, b 300,
 * d 300, c 0 (c has 300 open); in play = won + open: a 100, b 300, c 300,
 * d 300. Tier age at 2026-10-31: a joined 2025-01-01, 668 days, 488 past
 * the 180-day limit; b joined 2026-01-01, 303 days, 123 past; c and d
 * joined 2026-06-01, 152 days, fresh. */
static void test_rankings(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 1, D(2025, 1, 1), DAY_NONE, "", 0);
	int b = partner(m, "b", 1, D(2026, 1, 1), DAY_NONE, "", 0);
	int c = partner(m, "c", 1, D(2026, 6, 1), DAY_NONE, "", 0);
	int d = partner(m, "d", 1, D(2026, 6, 1), DAY_NONE, "", 0);
	deal(m, a, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 10000, ATTR_SOURCED);
	deal(m, d, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 30000, ATTR_SOURCED);
	deal(m, b, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 30000, ATTR_SOURCED);
	deal(m, c, D(2026, 8, 1), DAY_NONE, OUTCOME_OPEN, 30000, ATTR_SOURCED);
	struct metrics *x = metrics_compute(m, OCT);
	const char *by_won[] = {"b", "d", "a", "c"};
	for (int i = 0; i < 4; i++)
		assert_string_equal(pid(x, m, x->by_won[i]), by_won[i]);
	const struct exception_list *rv = &x->exceptions[EXC_REVIEWS];
	const char *reviews[] = {"b", "c", "d", "a"};
	assert_int_equal(rv->n, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(pid(x, m, rv->partners[i]), reviews[i]);
		assert_int_equal(x->partners[rv->partners[i]].reviews_missed, 1);
	}
	const struct exception_list *st = &x->exceptions[EXC_STALE];
	assert_int_equal(st->n, 2);
	assert_string_equal(pid(x, m, st->partners[0]), "a");
	assert_int_equal(pm(x, m, "a")->stale_days_over, 488);
	assert_string_equal(pid(x, m, st->partners[1]), "b");
	assert_int_equal(pm(x, m, "b")->stale_days_over, 123);
	assert_int_equal(pm(x, m, "c")->stale_days_over, 0);
	assert_int_equal(x->exceptions[EXC_RECOMMENDATION].n, 0);
	metrics_free(x);
	model_free(m);
}

/* Recommendations by their gap from the threshold (actions_model):
 * c-star won 2000 in the window against the strategic median of 500
 * (s-high 1000, s-zero 0): (2000 - 500) / 500 = 3. s-zero won nothing and
 * opened nothing; the core median is 0 (c-star 2000, c-mid 100, four at 0:
 * the mean of the two middle zeros), so only the no-activity rule fires:
 * gap 1. Reviews: s-zero misses all 4 of the weekly cadence's expected
 * reviews in October (31 days / 7), c-big the 1 of the monthly: s-zero
 * first whatever their revenue in play. */
static void test_exception_severity(void **state)
{
	struct model *m = actions_model();
	struct metrics *x = metrics_compute(m, OCT);
	const struct exception_list *r = &x->exceptions[EXC_RECOMMENDATION];
	assert_int_equal(r->n, 2);
	assert_string_equal(pid(x, m, r->partners[0]), "c-star");
	NEAR(pm(x, m, "c-star")->rec_gap, 3.0);
	assert_string_equal(pid(x, m, r->partners[1]), "s-zero");
	NEAR(pm(x, m, "s-zero")->rec_gap, 1.0);
	assert_false(pm(x, m, "s-zero")->demote_by_median);
	const struct exception_list *rv = &x->exceptions[EXC_REVIEWS];
	assert_int_equal(rv->n, 2);
	assert_string_equal(pid(x, m, rv->partners[0]), "s-zero");
	assert_int_equal(pm(x, m, "s-zero")->reviews_missed, 4);
	assert_string_equal(pid(x, m, rv->partners[1]), "c-big");
	assert_int_equal(pm(x, m, "c-big")->reviews_missed, 1);
	MONEY_EQ(pm(x, m, "c-big")->in_play, 9000);
	metrics_free(x);
	model_free(m);
}

/* Managers' window win rates: Dee 4 won, 1 lost (0.8); Ann 3 and 2 (0.6,
 * one of her two partners has left: its deals count, it is not active);
 * Bob 1 and 4 (0.2); Cid 2 and 1, 3 closed: below MANAGER_MIN_CLOSED, not
 * in the spread. A partner without a manager is in no row. Order: those
 * that qualify by win rate, then Cid; spread 0.8 - 0.2. */
static void test_managers(void **state)
{
	struct model *m = base();
	int ann = partner(m, "a1", 1, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	int ann2 = partner(m, "a2", 1, D(2025, 1, 1), D(2026, 9, 15), "Ann", 0);
	int bob = partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	int cid = partner(m, "c", 1, D(2025, 1, 1), DAY_NONE, "Cid", 0);
	int dee = partner(m, "d", 1, D(2025, 1, 1), DAY_NONE, "Dee", 0);
	int none = partner(m, "n", 1, D(2025, 1, 1), DAY_NONE, "", 0);
	struct { int p, won, lost; } rec[] = {{ann, 2, 1}, {ann2, 1, 1}, {bob, 1, 4}, {cid, 2, 1},
					     {dee, 4, 1}, {none, 9, 0}};
	for (size_t i = 0; i < sizeof rec / sizeof rec[0]; i++) {
		for (int k = 0; k < rec[i].won; k++)
			deal(m, rec[i].p, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 100, ATTR_SOURCED);
		for (int k = 0; k < rec[i].lost; k++)
			deal(m, rec[i].p, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_LOST, 100, ATTR_SOURCED);
	}
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(x->n_managers, 4);
	struct { const char *name; long partners, won, lost; double rate; bool q; } want[] = {
		{"Dee", 1, 4, 1, 0.8, true}, {"Ann", 1, 3, 2, 0.6, true},
		{"Bob", 1, 1, 4, 0.2, true}, {"Cid", 1, 2, 1, 2.0 / 3.0, false}};
	for (int i = 0; i < 4; i++) {
		const struct manager_metrics *g = &x->managers[i];
		assert_string_equal(g->name, want[i].name);
		assert_int_equal(g->partners, want[i].partners);
		assert_int_equal(g->won, want[i].won);
		assert_int_equal(g->lost, want[i].lost);
		NEAR(g->win_rate, want[i].rate);
		assert_int_equal(g->qualifies, want[i].q);
	}
	NEAR(x->manager_spread, 0.8 - 0.2);
	metrics_free(x);
	model_free(m);
}

/* The default period is the month of the latest deal date; none without
 * deals. */
static void test_default_period(void **state)
{
	struct model *m = base();
	assert_int_equal(metrics_default_period(m), -1);
	m->latest_deal_day = D(2026, 10, 31);
	assert_int_equal(metrics_default_period(m), OCT);
	m->latest_deal_day = D(2026, 11, 1);
	assert_int_equal(metrics_default_period(m), OCT + 1);
	model_free(m);
}

static bool of_partner(const struct deal *d, const void *arg)
{
	return d->partner == *(const int *)arg;
}

/* One block over any range and any subset of the deals: October, a's
 * deals only, then all. a: won 300.00 (cycle 10) and 100.00 (cycle 30),
 * lost 1; b: won 50.00 (cycle 4); a direct win of 20.00 (cycle 2). */
static void test_block_of_subset(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	int b = partner(m, "b", 1, D(2025, 1, 1), DAY_NONE, "Bob", 0);
	deal(m, a, D(2026, 10, 1), D(2026, 10, 11), OUTCOME_WON, 30000, ATTR_SOURCED);
	deal(m, a, D(2026, 9, 20), D(2026, 10, 20), OUTCOME_WON, 10000, ATTR_INFLUENCED);
	deal(m, a, D(2026, 10, 2), D(2026, 10, 3), OUTCOME_LOST, 500, ATTR_SOURCED);
	deal(m, b, D(2026, 10, 5), D(2026, 10, 9), OUTCOME_WON, 5000, ATTR_UNTAGGED);
	deal(m, -1, D(2026, 10, 6), D(2026, 10, 8), OUTCOME_WON, 2000, ATTR_UNTAGGED);
	struct block blk;
	metrics_block(m, D(2026, 10, 1), D(2026, 10, 31), of_partner, &a, &blk);
	MONEY_EQ(blk.won_revenue, 40000);            /* 300.00 + 100.00 */
	assert_int_equal(blk.won_deals, 2);
	assert_int_equal(blk.lost_deals, 1);
	NEAR(blk.win_rate, 2.0 / 3.0);
	MONEY_EQ(blk.avg_won_deal, 20000);
	NEAR(blk.median_cycle_days, 20.0);           /* (10 + 30) / 2 */
	assert_int_equal(blk.new_deals, 2);          /* the Sep 20 deal is not new */
	MONEY_EQ(blk.new_pipeline, 30500);
	MONEY_EQ(blk.sourced_revenue, 30000);
	MONEY_EQ(blk.influenced_revenue, 10000);
	metrics_block(m, D(2026, 10, 1), D(2026, 10, 31), NULL, NULL, &blk);
	MONEY_EQ(blk.won_revenue, 47000);            /* + 50.00 + 20.00 direct */
	assert_int_equal(blk.won_deals, 4);
	NEAR(blk.median_cycle_days, 7.0);            /* 2, 4, 10, 30: (4 + 10) / 2 */
	MONEY_EQ(blk.untagged_revenue, 5000);        /* b's; a direct deal is not untagged */
	model_free(m);
}

/* The median cycle of many deals, in any order and with ties: cycles
 * (i * 7919) mod 1000 for i < 1000 are 0..999 each once, median (499 +
 * 500) / 2 = 499.5; one more of 1000 days makes it 500; 1,002 more deals of
 * 5 days make 5 the median whatever else; 3, 1, 2, 2: (2 + 2) / 2. */
static void test_median_of_many(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	day_t close = D(2026, 10, 20);
	for (int i = 0; i < 1000; i++)
		deal(m, a, close - (i * 7919) % 1000, close, OUTCOME_WON, 100, ATTR_SOURCED);
	struct block blk;
	metrics_block(m, D(2026, 10, 1), D(2026, 10, 31), NULL, NULL, &blk);
	assert_int_equal(blk.won_deals, 1000);
	NEAR(blk.median_cycle_days, 499.5);
	deal(m, a, close - 1000, close, OUTCOME_WON, 100, ATTR_SOURCED);
	metrics_block(m, D(2026, 10, 1), D(2026, 10, 31), NULL, NULL, &blk);
	NEAR(blk.median_cycle_days, 500.0);
	for (int i = 0; i < 1002; i++)
		deal(m, a, close - 5, close, OUTCOME_WON, 100, ATTR_SOURCED);
	metrics_block(m, D(2026, 10, 1), D(2026, 10, 31), NULL, NULL, &blk);
	assert_int_equal(blk.won_deals, 2003);
	NEAR(blk.median_cycle_days, 5.0);
	model_free(m);
	m = base();
	a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	const int cycles[] = {3, 1, 2, 2};
	for (size_t i = 0; i < 4; i++)
		deal(m, a, close - cycles[i], close, OUTCOME_WON, 100, ATTR_SOURCED);
	metrics_block(m, D(2026, 10, 1), D(2026, 10, 31), NULL, NULL, &blk);
	NEAR(blk.median_cycle_days, 2.0);
	model_free(m);
}

/* The latest QBR, account mapping and tier change count, whatever their
 * order in the files. */
static void test_latest_in_any_order(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	review(m, a, D(2026, 10, 2), REVIEW_QBR);
	review(m, a, D(2026, 7, 1), REVIEW_QBR);
	review(m, a, D(2026, 9, 9), REVIEW_MAPPING);
	review(m, a, D(2026, 3, 3), REVIEW_MAPPING);
	change(m, a, D(2026, 6, 1), 1, 0);
	change(m, a, D(2026, 2, 1), 1, 1);
	struct metrics *x = metrics_compute(m, OCT);
	const struct partner_metrics *p = pm(x, m, "a");
	assert_int_equal(p->last_qbr_on, D(2026, 10, 2));
	assert_int_equal(p->last_account_mapping_on, D(2026, 9, 9));
	assert_int_equal(p->tier_age_days, 152);     /* Jun 1 -> Oct 31 */
	metrics_free(x);
	model_free(m);
}

/* Enablement with no assets named: nothing to complete, so every partner
 * is covered and enabled. */
static void test_no_assets(void **state)
{
	struct model *m = base();
	m->program.n_assets = 0;
	partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	struct metrics *x = metrics_compute(m, OCT);
	NEAR(pm(x, m, "a")->enablement_coverage, 1.0);
	assert_true(pm(x, m, "a")->enabled);
	metrics_free(x);
	model_free(m);
}

/* No active partner: no top-tier share (0/0 is null), and tiering is red
 * (no tier holds a partner). */
static void test_no_active_partner(void **state)
{
	struct model *m = base();
	partner(m, "gone", 0, D(2025, 1, 1), D(2026, 2, 1), "Ann", 0);
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(x->n_partners, 0);
	assert_int_equal(x->health.tiers_with_partners, 0);
	assert_true(metric_is_null(x->health.top_tier_share));
	assert_int_equal(x->health.status[HEALTH_TIERING], STATUS_RED);
	metrics_free(x);
	model_free(m);
	metrics_free(NULL);
}

/* Direct wins worth nothing: no direct average deal size to compare with,
 * so the deal-size lift is null; the win-rate lift still stands
 * (partner 1 of 1, direct 2 of 2: 0 points). */
static void test_lift_without_direct_revenue(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	deal(m, a, D(2026, 9, 1), D(2026, 9, 11), OUTCOME_WON, 30000, ATTR_SOURCED);
	deal(m, -1, D(2026, 9, 1), D(2026, 9, 11), OUTCOME_WON, 0, ATTR_UNTAGGED);
	deal(m, -1, D(2026, 9, 1), D(2026, 9, 12), OUTCOME_WON, 0, ATTR_UNTAGGED);
	struct metrics *x = metrics_compute(m, OCT);
	assert_true(metric_is_null(x->lift_deal_size));
	NEAR(x->lift_win_rate_pts, 0.0);
	metrics_free(x);
	model_free(m);
}

/* Open deals of the same amount created the same day list by deal id. */
static void test_open_deal_ties(void **state)
{
	struct model *m = base();
	int a = partner(m, "a", 0, D(2025, 1, 1), DAY_NONE, "Ann", 0);
	for (int i = 0; i < 3; i++) /* d0, d1, d2 */
		deal(m, a, D(2026, 9, 1), DAY_NONE, OUTCOME_OPEN, 70000, ATTR_SOURCED);
	struct metrics *x = metrics_compute(m, OCT);
	const struct partner_metrics *p = pm(x, m, "a");
	assert_int_equal(p->n_open_deals, 3);
	for (int i = 0; i < 3; i++) {
		char id[16];
		snprintf(id, sizeof id, "d%d", i);
		assert_string_equal(m->deals[p->open_deals[i]].id, id);
	}
	metrics_free(x);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_ranges),
		cmocka_unit_test(test_block_edges),
		cmocka_unit_test(test_nulls),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_tier_change_after_end),
		cmocka_unit_test(test_governance),
		cmocka_unit_test(test_recommendation),
		cmocka_unit_test(test_recommendation_empty_tier),
		cmocka_unit_test(test_enablement_and_overlap),
		cmocka_unit_test(test_attribution_forecast_spread),
		cmocka_unit_test(test_forecast_edges),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_lift),
		cmocka_unit_test(test_partner_order),
		cmocka_unit_test(test_drivers),
		cmocka_unit_test(test_drivers_caps_and_ties),
		cmocka_unit_test(test_drivers_flat),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_actions_missing_files),
		cmocka_unit_test(test_money_at_limit),
		cmocka_unit_test(test_money_overflow_stops),
		cmocka_unit_test(test_example_story),
		cmocka_unit_test(test_deal_lists),
		cmocka_unit_test(test_rankings),
		cmocka_unit_test(test_exception_severity),
		cmocka_unit_test(test_managers),
		cmocka_unit_test(test_default_period),
		cmocka_unit_test(test_block_of_subset),
		cmocka_unit_test(test_median_of_many),
		cmocka_unit_test(test_latest_in_any_order),
		cmocka_unit_test(test_no_assets),
		cmocka_unit_test(test_no_active_partner),
		cmocka_unit_test(test_lift_without_direct_revenue),
		cmocka_unit_test(test_open_deal_ties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
