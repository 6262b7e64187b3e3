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

/* A whole deals.csv at the loader's limit, 9,999,999,999,999.99: one deal
 * of 5,000,000,000,000.00 won in October and one of 4,999,999,999,999.99
 * won in September, both partner a's (strategic). Every figure is exact:
 * the window sum is the limit itself, the average (limit / 2 =
 * ...999.995) rounds half up to 5,000,000,000,000.00. */
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
	/* and metrics.json writes it with its two decimals, unrounded */
	json_t *j = context_metrics_json(m, x);
	struct buf out = {0};
	jsonout_dump(j, &out);
	const char *text = buf_cstr(&out);
	assert_non_null(strstr(text, "\"won_revenue\": 9999999999999.99"));
	assert_non_null(strstr(text, "\"won_revenue\": 4999999999999.99"));
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
		cmocka_unit_test(test_money_at_limit),
		cmocka_unit_test(test_money_overflow_stops),
		cmocka_unit_test(test_example_story),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
