/* metrics: every figure of SPEC sections 3 and 4, computed from a loaded
 * model for one period. Pure: the model is only read; nothing is
 * formatted here (money stays in cents, ratios are unrounded fractions,
 * absent values are METRIC_NULL or a false has_ flag).
 *
 * Money contract: the loader guarantees that the amounts of any one file
 * sum to at most METRICS_MONEY_MAX (9,999,999,999,999.99). Every money
 * figure here is a sum over one file (or the difference or sum of two
 * such sums), so it stays far inside int64 and below 2^53 (a cents value
 * converts to double exactly). Every money addition and subtraction is
 * still checked: an overflow is an impossible state and aborts with BUG,
 * so no wrong figure is ever produced. */
#ifndef REVIEWPACK_METRICS_H
#define REVIEWPACK_METRICS_H

#include <math.h>
#include <stdbool.h>

#include "model.h"

/* An absent ratio or day count: NAN. Test with metric_is_null. */
#define METRIC_NULL NAN
static inline bool metric_is_null(double v) { return isnan(v); }

/* The largest sum of one file's amounts the loader lets through, in cents. */
#define METRICS_MONEY_MAX INT64_C(999999999999999)

#define TREND_MONTHS 12
#define CADENCE_WEEKS 13
#define PARTNER_DEALS 5       /* deals listed per partner: largest open, latest won */
#define MANAGER_MIN_CLOSED 5  /* closed deals a manager needs to count in the spread (SPEC 4.5) */

/* SPEC 4.1 deal figures for one set of deals and one range. */
struct block {
	cents_t won_revenue;
	long won_deals, lost_deals;
	double win_rate;            /* METRIC_NULL when 0/0 */
	cents_t avg_won_deal;       /* rounded to the cent; valid when won_deals > 0 */
	double median_cycle_days;   /* METRIC_NULL when no wins */
	cents_t new_pipeline;
	long new_deals;
	cents_t open_pipeline;
	cents_t sourced_revenue, influenced_revenue, untagged_revenue;
};

enum range { RANGE_MONTH, RANGE_PREVIOUS, RANGE_WINDOW, RANGE_YTD, RANGE_COUNT };

struct period {
	int month;                  /* month number (date.h) */
	day_t start, end;
	day_t prev_start, prev_end;
	day_t window_start;
	day_t ytd_start;
	int trend_first_month;      /* period month - 11 */
};

/* Per-scope figures that are not deal blocks (SPEC 4.2, 4.4, 4.5). */
struct scope_figures {
	long partners;              /* active partners */
	double review_adherence;    /* mean over active partners; METRIC_NULL if none/not measured */
	double enabled_share, stale_share;
	double untagged_share, incentive_alignment, forecast_accuracy;
	cents_t forecast;           /* F for the period month; valid when has_forecast */
	bool has_forecast;
};

enum recommendation { REC_NONE, REC_PROMOTE, REC_DEMOTE };

/* SPEC 4.8 action flags of a partner, as bits; bit order is the SPEC's
 * listing order (action_flag_names). */
enum action_flag {
	ACTION_PROMOTE = 1u << 0,
	ACTION_DEMOTE = 1u << 1,
	ACTION_REVIEW_OVERDUE = 1u << 2,      /* reviews_held < expected; reviews.csv present */
	ACTION_ENABLEMENT_MISSING = 1u << 3,  /* not enabled; enablement.csv present */
	ACTION_UNTAPPED_OVERLAP = 1u << 4,
	ACTION_TIER_STALE = 1u << 5,
};
#define ACTION_FLAG_COUNT 6

struct partner_metrics {
	int partner;                /* index into model->partners */
	int tier;                   /* tier at period end */
	struct block blocks[RANGE_COUNT];
	cents_t trend_won[TREND_MONTHS];   /* won revenue per month, oldest first */
	int review_span_days;
	int reviews_expected;
	long reviews_held;          /* -1 when reviews.csv is missing */
	double review_adherence;    /* METRIC_NULL when not measured */
	double days_since_review;   /* METRIC_NULL when none or not measured */
	day_t last_qbr_on, last_account_mapping_on; /* DAY_NONE when none */
	int tier_age_days;
	bool tier_stale;
	double enablement_coverage; /* METRIC_NULL when enablement.csv is missing */
	bool enabled;
	uint64_t assets_done;       /* bit i set: asset i done (at most 64 assets) */
	enum recommendation recommendation;
	bool demote_by_median;      /* demote because W < M(r+1); else W = 0 and no new deal */
	bool untapped_overlap;
	unsigned flags;             /* enum action_flag bits; 0 = no action */
	int cadence[CADENCE_WEEKS]; /* deal reviews per 7-day week ending at period end, oldest first */
	cents_t forecast;           /* period-month forecast; valid when has_forecast */
	bool has_forecast;
	cents_t in_play;            /* window won_revenue + open_pipeline at period end (SPEC 4.8) */
	/* How far each exception goes, the key governance sorts it by (larger
	 * is worse; 0 when the partner does not have it): */
	int reviews_missed;         /* review_overdue: reviews_expected - reviews_held */
	int stale_days_over;        /* tier_stale: tier_age_days - stale_tier_days */
	double rec_gap;             /* promote or demote: |W - M| / M, M the target tier's
				       median window won revenue; 1 for a demote on no activity
				       (nothing won, no deal opened); INFINITY for a promote
				       over a median of 0 */
	/* The partner's deals (indexes into model.deals) worth a look: */
	long open_deals[PARTNER_DEALS]; /* largest open at period end (created by then, not
					   closed by then): amount, then newest, then deal id */
	size_t n_open_deals;
	long won_deals[PARTNER_DEALS];  /* latest won on or before period end: close date,
					   then amount, then deal id */
	size_t n_won_deals;
};

struct tier_metrics {
	int tier;                   /* index into program.tiers (rank - 1) */
	struct block blocks[RANGE_COUNT];
	struct block trend[TREND_MONTHS];
	struct scope_figures fig;
	cents_t revenue_per_partner; /* window won revenue / partners */
	bool has_revenue_per_partner;
	double median_window_won;   /* cents; METRIC_NULL when no active partners */
};

enum health_part { HEALTH_TIERING, HEALTH_OPERATING, HEALTH_ENABLEMENT, HEALTH_ATTRIBUTION,
		   HEALTH_GOVERNANCE, HEALTH_COUNT };
enum health_status { STATUS_UNKNOWN, STATUS_GREEN, STATUS_AMBER, STATUS_RED };

struct health {
	enum health_status status[HEALTH_COUNT];
	int next_fix;               /* enum health_part, or -1 when all green */
	/* the figures behind the statuses */
	int tiers_with_partners;
	double top_tier_share;      /* METRIC_NULL when no active partners */
};

/* SPEC 4.7: one row of "what moved": won revenue this month and last,
 * and change = month - previous (negative when it fell). */
struct driver {
	size_t index;               /* by_tier: tier index; gainers/decliners: index
				       into metrics.partners; direct: 0 */
	cents_t month, previous, change;
};

#define DRIVERS_MAX 5

struct drivers {
	struct driver *by_tier;     /* n_tiers rows, by rank; changes sum to the
				       partner totals' month - previous */
	struct driver direct;
	struct driver gainers[DRIVERS_MAX];   /* change > 0, largest first, ties by id */
	size_t n_gainers;
	struct driver decliners[DRIVERS_MAX]; /* change < 0, most negative first, ties by id */
	size_t n_decliners;
};

/* SPEC 4.8: one entry per active partner with any action flag. */
struct action {
	size_t partner;             /* index into metrics.partners */
	unsigned flags;             /* that partner's enum action_flag bits, never 0 */
	cents_t in_play;            /* window won_revenue + open_pipeline at period end */
};

/* Governance's exceptions: the active partners with a flag, worst first. */
enum exception_kind {
	EXC_REVIEWS,        /* review_overdue, by reviews_missed */
	EXC_STALE,          /* tier_stale, by stale_days_over */
	EXC_RECOMMENDATION, /* promote or demote, by rec_gap */
	EXC_COUNT
};

struct exception_list {
	size_t *partners;           /* indexes into metrics.partners: severity descending,
				       then in_play descending, then by id */
	size_t n;
};

/* A partner manager's trailing-window record over its partners' deals
 * (every partner it manages, active or not, as SPEC 4.5's spread). */
struct manager_metrics {
	const char *name;           /* the model's string */
	long partners;              /* active partners it manages */
	long won, lost;             /* partner deals won and lost in the window */
	double win_rate;            /* METRIC_NULL when none closed */
	bool qualifies;             /* won + lost >= MANAGER_MIN_CLOSED: counts in the spread */
};

struct metrics {
	struct period period;
	struct block totals[RANGE_COUNT], direct[RANGE_COUNT];
	struct block totals_trend[TREND_MONTHS], direct_trend[TREND_MONTHS];
	struct scope_figures fig;   /* program totals */
	double partner_share;       /* window; METRIC_NULL when no wins at all */
	double manager_spread;
	double lift_win_rate_pts, lift_deal_size, lift_cycle_days;
	struct tier_metrics *tiers; size_t n_tiers;     /* by rank */
	struct partner_metrics *partners; size_t n_partners; /* active only, by id (strcmp) */
	struct health health;
	struct drivers drivers;
	struct action *actions; size_t n_actions; /* with a recommendation first, then
						     in_play descending, then by id */
	size_t *by_won;             /* n_partners indexes into partners: window won revenue
				       descending, then by id (the partners index's order) */
	struct exception_list exceptions[EXC_COUNT];
	struct manager_metrics *managers; size_t n_managers; /* those that qualify first, by
				       win rate descending; then the rest; ties by name */
};

/* Default period (SPEC 3): the month of the latest deal date; -1 when the
 * model has no deals. */
int metrics_default_period(const struct model *m);
/* The period's ranges for month number `month` under the program's settings. */
struct period metrics_period(const struct program *p, int month);
/* Compute every figure for `month`. Returns a new result; free with
 * metrics_free. Never fails on a loaded model. */
struct metrics *metrics_compute(const struct model *m, int month);
/* Compute one block over deals [0, n) filtered by `keep` (NULL = all). */
void metrics_block(const struct model *m, day_t start, day_t end,
		   bool (*keep)(const struct deal *d, const void *arg), const void *arg,
		   struct block *out);
/* Frees a result; accepts NULL. */
void metrics_free(struct metrics *x);

extern const char *const health_part_names[HEALTH_COUNT];   /* "tiering", ... */
extern const char *const health_status_names[4];            /* "unknown", "green", ... */
/* Flag names in SPEC order: name i is bit (1u << i) of enum action_flag. */
extern const char *const action_flag_names[ACTION_FLAG_COUNT]; /* "promote", "demote", ... */

#endif
