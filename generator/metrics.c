/* metrics: consumes a loaded model (const) and a period month; produces
 * every figure of SPEC sections 3 and 4 as numbers (cents, day counts,
 * unrounded fractions, METRIC_NULL for absent values) plus the 12-month
 * trend series the charts draw. Formats nothing and refuses nothing: a
 * model that loaded is always measurable. One pass over the deals fills
 * accumulators for every scope (partner, tier, all partners, direct) and
 * every range; the rest works on per-partner arrays. Every money sum and
 * difference goes through add_cents/sub_cents: under the loader's limit
 * (metrics.h) none can overflow, so one that does is a BUG, never a wrong
 * figure. */
#include "metrics.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char *const health_part_names[HEALTH_COUNT] = {
	"tiering", "operating_model", "enablement", "attribution_incentives", "governance",
};
const char *const health_status_names[4] = {"unknown", "green", "amber", "red"};
const char *const action_flag_names[ACTION_FLAG_COUNT] = {
	"promote", "demote", "review_overdue", "enablement_missing", "untapped_overlap", "tier_stale",
};

static inline cents_t add_cents(cents_t a, cents_t b)
{
	cents_t r;
	if (__builtin_add_overflow(a, b, &r))
		BUG("money sum overflows: amounts above the loader's limit reached metrics");
	return r;
}

static inline cents_t sub_cents(cents_t a, cents_t b)
{
	cents_t r;
	if (__builtin_sub_overflow(a, b, &r))
		BUG("money difference overflows: amounts above the loader's limit reached metrics");
	return r;
}

/* a / n rounded half away from zero, for a >= 0 and n > 0 (a mean). */
static cents_t mean_cents(cents_t a, long n)
{
	return add_cents(a, n / 2) / n;
}

/* Ranges: the four named ones, then the trend months oldest first. */
#define NRANGES (RANGE_COUNT + TREND_MONTHS)

struct acc { /* acc_merge adds every field: one more goes there too */
	cents_t won, sourced, influenced, untagged, new_pipe, open_pipe;
	long won_n, lost_n, new_n;
	long tagged_won_n, tagged_won_paid_n; /* for incentive_alignment */
	int32_t *cycles;
	size_t n_cycles, cap_cycles;
};

struct range_days {
	day_t start, end;
};

int metrics_default_period(const struct model *m)
{
	if (m->latest_deal_day == DAY_NONE)
		return -1;
	return month_of_day(m->latest_deal_day);
}

struct period metrics_period(const struct program *p, int month)
{
	struct period x;
	x.month = month;
	x.start = month_first_day(month);
	x.end = month_last_day(month);
	x.prev_start = month_first_day(month - 1);
	x.prev_end = month_last_day(month - 1);
	x.window_start = month_first_day(month - p->window_months + 1);
	int year = month / 12, mon = month % 12 + 1;
	int fy_year = mon >= p->fiscal_year_start ? year : year - 1;
	x.ytd_start = date_from_ymd(fy_year, p->fiscal_year_start, 1);
	x.trend_first_month = month - (TREND_MONTHS - 1);
	return x;
}

static void acc_add(struct acc *a, const struct deal *d, struct range_days r, bool keep_cycles)
{
	if (d->created_on > r.end)
		return;
	bool closed_in = d->closed_on != DAY_NONE && d->closed_on >= r.start && d->closed_on <= r.end;
	if (closed_in && d->outcome == OUTCOME_WON) {
		a->won = add_cents(a->won, d->amount);
		a->won_n++;
		if (d->partner >= 0) {
			switch (d->attribution) {
			case ATTR_SOURCED: a->sourced = add_cents(a->sourced, d->amount); break;
			case ATTR_INFLUENCED: a->influenced = add_cents(a->influenced, d->amount); break;
			case ATTR_UNTAGGED: a->untagged = add_cents(a->untagged, d->amount); break;
			}
			if (d->attribution != ATTR_UNTAGGED) {
				a->tagged_won_n++;
				a->tagged_won_paid_n += d->has_incentive;
			}
		}
		if (keep_cycles) {
			GROW(a->cycles, a->cap_cycles, a->n_cycles + 1);
			a->cycles[a->n_cycles++] = d->closed_on - d->created_on;
		}
	} else if (closed_in && d->outcome == OUTCOME_LOST) {
		a->lost_n++;
	}
	if (d->created_on >= r.start) {
		a->new_pipe = add_cents(a->new_pipe, d->amount);
		a->new_n++;
	}
	if (d->closed_on == DAY_NONE || d->closed_on > r.end)
		a->open_pipe = add_cents(a->open_pipe, d->amount);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double ratio(double num, double den)
{
	return den == 0 ? METRIC_NULL : num / den;
}

/* Put the k-th smallest of a[0..n) at a[k], the smaller ones before it
 * and the larger ones after (Hoare's selection: a median without sorting
 * the hundreds of thousands of cycles of a program's whole window). */
static void select_nth(int32_t *a, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1, want = (long)k;
	while (hi > lo) {
		int32_t x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi];
		int32_t pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
		long i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				int32_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (want <= j)
			hi = j;
		else if (want >= i)
			lo = i;
		else
			return; /* between: equal to the pivot */
	}
}

/* Turn an accumulator into a block; frees its cycle list. */
static void acc_finish(struct acc *a, struct block *b)
{
	memset(b, 0, sizeof *b);
	b->won_revenue = a->won;
	b->won_deals = a->won_n;
	b->lost_deals = a->lost_n;
	b->win_rate = ratio((double)a->won_n, (double)(a->won_n + a->lost_n));
	if (a->won_n > 0) /* amounts are non-negative */
		b->avg_won_deal = mean_cents(a->won, a->won_n);
	b->median_cycle_days = METRIC_NULL;
	if (a->n_cycles > 0) {
		size_t n = a->n_cycles, k = n / 2;
		select_nth(a->cycles, n, k);
		int32_t upper = a->cycles[k], lower = upper;
		if (n % 2 == 0) { /* the largest of those below: the (k-1)th */
			lower = a->cycles[0];
			for (size_t i = 1; i < k; i++)
				if (a->cycles[i] > lower)
					lower = a->cycles[i];
		}
		b->median_cycle_days = n % 2 ? upper : (lower + (double)upper) / 2;
	}
	b->new_pipeline = a->new_pipe;
	b->new_deals = a->new_n;
	b->open_pipeline = a->open_pipe;
	b->sourced_revenue = a->sourced;
	b->influenced_revenue = a->influenced;
	b->untagged_revenue = a->untagged;
	free(a->cycles);
	a->cycles = NULL;
	a->n_cycles = a->cap_cycles = 0;
}

void metrics_block(const struct model *m, day_t start, day_t end,
		   bool (*keep)(const struct deal *d, const void *arg), const void *arg,
		   struct block *out)
{
	struct acc a = {0};
	struct range_days r = {start, end};
	for (size_t i = 0; i < m->n_deals; i++)
		if (!keep || keep(&m->deals[i], arg))
			acc_add(&a, &m->deals[i], r, true);
	acc_finish(&a, out);
}

/* Median of n doubles (sorted in place); METRIC_NULL when n == 0. */
static double median(double *v, size_t n)
{
	if (n == 0)
		return METRIC_NULL;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double untagged_share(const struct acc *window)
{
	return window->won_n == 0 ? METRIC_NULL : ratio((double)window->untagged, (double)window->won);
}

static double incentive_alignment(const struct model *m, const struct acc *window)
{
	if (!m->present[FILE_INCENTIVES])
		return METRIC_NULL;
	return ratio((double)window->tagged_won_paid_n, (double)window->tagged_won_n);
}

/* SPEC 4.5: forecast accuracy from F and A; null without the file. */
static double forecast_accuracy(bool measured, cents_t f, cents_t a)
{
	if (!measured)
		return METRIC_NULL;
	if (a > 0) {
		cents_t diff = sub_cents(a, f);
		double acc = 1.0 - (double)(diff < 0 ? -diff : diff) / (double)a;
		return acc > 0 ? acc : 0;
	}
	return f > 0 ? 0 : METRIC_NULL;
}

struct partner_state {
	struct acc acc[NRANGES];
	bool active;
	int tier;
	day_t span_start;
	long held;
	day_t last_review, last_qbr, last_mapping, last_change;
	uint64_t host_done, partner_done;
	cents_t forecast;
	int cadence[CADENCE_WEEKS];
	long open_deals[PARTNER_DEALS], won_deals[PARTNER_DEALS];
	size_t n_open_deals, n_won_deals;
};

static int cmp_partner_id(const void *a, const void *b, const struct model *m)
{
	return strcmp(m->partners[*(const int *)a].id, m->partners[*(const int *)b].id);
}

/* qsort has no context argument: sort ids through a small merge sort. */
static void sort_by_id(int *v, size_t n, const struct model *m)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_by_id(v, h, m);
	sort_by_id(v + h, n - h, m);
	int *tmp = xmalloc(n * sizeof *tmp);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp_partner_id(&v[j], &v[i], m) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *tmp);
	free(tmp);
}

static void fill_ranges(const struct period *pd, struct range_days r[NRANGES])
{
	r[RANGE_MONTH] = (struct range_days){pd->start, pd->end};
	r[RANGE_PREVIOUS] = (struct range_days){pd->prev_start, pd->prev_end};
	r[RANGE_WINDOW] = (struct range_days){pd->window_start, pd->end};
	r[RANGE_YTD] = (struct range_days){pd->ytd_start, pd->end};
	for (int i = 0; i < TREND_MONTHS; i++) {
		int mo = pd->trend_first_month + i;
		r[RANGE_COUNT + i] = (struct range_days){month_first_day(mo), month_last_day(mo)};
	}
}

/* The order of a partner's largest open deals: amount, then the newest,
 * then deal id. */
static bool open_first(const struct model *m, long a, long b)
{
	const struct deal *x = &m->deals[a], *y = &m->deals[b];
	if (x->amount != y->amount)
		return x->amount > y->amount;
	if (x->created_on != y->created_on)
		return x->created_on > y->created_on;
	return strcmp(x->id, y->id) < 0;
}

/* The order of a partner's latest wins: close date, then amount, then
 * deal id. */
static bool won_first(const struct model *m, long a, long b)
{
	const struct deal *x = &m->deals[a], *y = &m->deals[b];
	if (x->closed_on != y->closed_on)
		return x->closed_on > y->closed_on;
	if (x->amount != y->amount)
		return x->amount > y->amount;
	return strcmp(x->id, y->id) < 0;
}

/* Keep list[0..*n) the at most PARTNER_DEALS first deals by `first`, in
 * that order, as deal d goes by: one insertion into a short list, so
 * choosing them takes one pass over the deals and no sort. */
static void offer_deal(const struct model *m, long *list, size_t *n, long d,
		       bool (*first)(const struct model *, long, long))
{
	size_t pos = *n;
	while (pos > 0 && first(m, d, list[pos - 1]))
		pos--;
	if (pos >= PARTNER_DEALS)
		return;
	size_t keep = *n < PARTNER_DEALS ? *n : PARTNER_DEALS - 1; /* entries that stay */
	memmove(&list[pos + 1], &list[pos], (keep - pos) * sizeof *list);
	list[pos] = d;
	if (*n < PARTNER_DEALS)
		(*n)++;
}

/* An active partner's deal, for its lists: open at period end (created
 * by then and not closed by then, as open_pipeline), or won by then. */
static void list_deal(const struct model *m, struct partner_state *p, long i, day_t end)
{
	const struct deal *d = &m->deals[i];
	if (d->created_on > end)
		return;
	if (d->closed_on == DAY_NONE || d->closed_on > end)
		offer_deal(m, p->open_deals, &p->n_open_deals, i, open_first);
	else if (d->outcome == OUTCOME_WON)
		offer_deal(m, p->won_deals, &p->n_won_deals, i, won_first);
}

/* One share of the pass over the deals: the groups [g0, g1) of deals (0:
 * direct ones; g: partner g - 1's), into the partners' own accumulators
 * and lists (a group's alone) and into this share's tier, total and
 * direct ones. */
struct deal_share {
	const struct model *m;
	const struct range_days *r;
	struct partner_state *ps;
	const size_t *start;            /* group g's deals: by_partner[start[g] .. start[g + 1]) */
	const uint32_t *by_partner;
	size_t g0, g1;
	struct acc (*tier_acc)[NRANGES];
	struct acc *total, *direct;
};

static void *deal_share_run(void *arg)
{
	const struct deal_share *sh = arg;
	const struct model *m = sh->m;
	const struct range_days *r = sh->r;
	size_t end = sh->start[sh->g1];
	for (size_t g = sh->g0; g < sh->g1; g++) {
		struct partner_state *p = g ? &sh->ps[g - 1] : NULL;
		for (size_t j = sh->start[g]; j < sh->start[g + 1]; j++) {
			if (j + 8 < end)
				__builtin_prefetch(&m->deals[sh->by_partner[j + 8]]);
			long i = sh->by_partner[j];
			const struct deal *d = &m->deals[i];
			if (!p) {
				for (int k = 0; k < NRANGES; k++)
					acc_add(&sh->direct[k], d, r[k], true);
				continue;
			}
			if (p->active)
				list_deal(m, p, i, r[RANGE_MONTH].end);
			for (int k = 0; k < NRANGES; k++) {
				acc_add(&p->acc[k], d, r[k], k < RANGE_COUNT);
				acc_add(&sh->tier_acc[p->tier][k], d, r[k], true);
				acc_add(&sh->total[k], d, r[k], true);
			}
		}
	}
	return NULL;
}

/* Add b into a (every field of struct acc) and free b's cycles. */
static void acc_merge(struct acc *a, struct acc *b)
{
	a->won = add_cents(a->won, b->won);
	a->sourced = add_cents(a->sourced, b->sourced);
	a->influenced = add_cents(a->influenced, b->influenced);
	a->untagged = add_cents(a->untagged, b->untagged);
	a->new_pipe = add_cents(a->new_pipe, b->new_pipe);
	a->open_pipe = add_cents(a->open_pipe, b->open_pipe);
	a->won_n += b->won_n;
	a->lost_n += b->lost_n;
	a->new_n += b->new_n;
	a->tagged_won_n += b->tagged_won_n;
	a->tagged_won_paid_n += b->tagged_won_paid_n;
	if (b->n_cycles) {
		GROW(a->cycles, a->cap_cycles, a->n_cycles + b->n_cycles);
		memcpy(a->cycles + a->n_cycles, b->cycles, b->n_cycles * sizeof *b->cycles);
		a->n_cycles += b->n_cycles;
	}
	free(b->cycles);
	*b = (struct acc){0};
}

/* Deal blocks for every scope in one pass over the deals, and each active
 * partner's deal lists. The deals go by partner (direct ones first), each
 * partner's in file order: a partner's accumulators (one per range) stay
 * in cache while its deals go by, where file order would fetch them again
 * for every deal (at 20,000 partners they are far larger than the cache).
 * The partners are cut in two shares of about as many deals, the second
 * taken on a thread of its own into its own tier and total accumulators,
 * added to the first's after. Sums and the median of a cycle list do not
 * depend on the order, and each partner's lists see its deals in file
 * order as before. */
static void accumulate_deals(const struct model *m, const struct range_days r[NRANGES],
			     struct partner_state *ps, struct acc (*tier_acc)[NRANGES],
			     struct acc *total, struct acc *direct)
{
	size_t ng = m->n_partners + 1; /* group 0: direct deals; g: partner g - 1 */
	size_t nt = m->program.n_tiers;
	if (m->n_deals > UINT32_MAX)
		BUG("more deals than an index of 32 bits holds");
	size_t *start = xcalloc(ng + 1, sizeof *start);
	for (size_t i = 0; i < m->n_deals; i++)
		start[(size_t)(m->deals[i].partner + 1) + 1]++;
	for (size_t g = 0; g < ng; g++)
		start[g + 1] += start[g];
	uint32_t *by_partner = xmalloc((m->n_deals ? m->n_deals : 1) * sizeof *by_partner);
	size_t *next = xmalloc(ng * sizeof *next);
	memcpy(next, start, ng * sizeof *next);
	for (size_t i = 0; i < m->n_deals; i++)
		by_partner[next[m->deals[i].partner + 1]++] = (uint32_t)i;
	free(next);

	size_t cut = 1; /* the second share: the groups from cut on, about half the deals */
	while (cut < ng && start[cut] < m->n_deals / 2)
		cut++;
	struct acc (*tier2)[NRANGES] = xcalloc(nt + 1, sizeof *tier2);
	struct acc total2[NRANGES] = {{0}}, direct2[NRANGES] = {{0}};
	struct deal_share first = {m, r, ps, start, by_partner, 0, cut, tier_acc, total, direct};
	struct deal_share second = {m, r, ps, start, by_partner, cut, ng, tier2, total2, direct2};
	pthread_t th;
	bool apart = cut < ng && pthread_create(&th, NULL, deal_share_run, &second) == 0;
	deal_share_run(&first);
	if (apart)
		pthread_join(th, NULL);
	else
		deal_share_run(&second);
	for (int k = 0; k < NRANGES; k++) {
		for (size_t t = 0; t <= nt; t++)
			acc_merge(&tier_acc[t][k], &tier2[t][k]);
		acc_merge(&total[k], &total2[k]);
		acc_merge(&direct[k], &direct2[k]);
	}
	free(tier2);
	free(by_partner);
	free(start);
}

/* Reviews, enablement, tier changes and forecasts, per partner. */
static void accumulate_governance(const struct model *m, const struct period *pd,
				  struct partner_state *ps)
{
	for (size_t i = 0; i < m->n_reviews; i++) {
		const struct review *rv = &m->reviews[i];
		struct partner_state *p = &ps[rv->partner];
		if (rv->held_on > pd->end)
			continue;
		switch (rv->kind) {
		case REVIEW_DEAL:
			if (p->last_review == DAY_NONE || rv->held_on > p->last_review)
				p->last_review = rv->held_on;
			if (rv->held_on >= p->span_start)
				p->held++;
			long week = (pd->end - rv->held_on) / 7;
			if (week < CADENCE_WEEKS)
				p->cadence[CADENCE_WEEKS - 1 - week]++;
			break;
		case REVIEW_QBR:
			if (p->last_qbr == DAY_NONE || rv->held_on > p->last_qbr)
				p->last_qbr = rv->held_on;
			break;
		case REVIEW_MAPPING:
			if (p->last_mapping == DAY_NONE || rv->held_on > p->last_mapping)
				p->last_mapping = rv->held_on;
			break;
		}
	}
	for (size_t i = 0; i < m->n_completions; i++) {
		const struct completion *c = &m->completions[i];
		if (c->completed_on > pd->end)
			continue;
		if (c->asset < 0 || c->asset >= 64)
			BUG("enablement asset index out of range");
		uint64_t bit = (uint64_t)1 << c->asset;
		if (c->side == SIDE_HOST)
			ps[c->partner].host_done |= bit;
		else
			ps[c->partner].partner_done |= bit;
	}
	for (size_t i = 0; i < m->n_tier_changes; i++) {
		const struct tier_change *c = &m->tier_changes[i];
		struct partner_state *p = &ps[c->partner];
		if (c->changed_on <= pd->end && (p->last_change == DAY_NONE || c->changed_on > p->last_change))
			p->last_change = c->changed_on;
	}
	for (size_t i = 0; i < m->n_forecasts; i++)
		if (m->forecasts[i].month == pd->month)
			ps[m->forecasts[i].partner].forecast =
				add_cents(ps[m->forecasts[i].partner].forecast, m->forecasts[i].amount);
}

static int popcount64(uint64_t x)
{
	int n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

static void partner_governance(const struct model *m, const struct period *pd,
			       const struct partner_state *s, int p, struct partner_metrics *out)
{
	const struct program *prog = &m->program;
	const struct tier *t = &prog->tiers[s->tier];
	int month_days = pd->end - pd->start + 1;
	int span = month_days > t->review_every_days ? month_days : t->review_every_days;
	out->review_span_days = span;
	out->reviews_expected = span / t->review_every_days > 1 ? span / t->review_every_days : 1;
	out->reviews_held = -1;
	out->review_adherence = METRIC_NULL;
	out->days_since_review = METRIC_NULL;
	out->last_qbr_on = out->last_account_mapping_on = DAY_NONE;
	if (m->present[FILE_REVIEWS]) {
		out->reviews_held = s->held;
		double adh = (double)s->held / out->reviews_expected;
		out->review_adherence = adh < 1 ? adh : 1;
		if (s->last_review != DAY_NONE)
			out->days_since_review = pd->end - s->last_review;
		out->last_qbr_on = s->last_qbr;
		out->last_account_mapping_on = s->last_mapping;
		memcpy(out->cadence, s->cadence, sizeof out->cadence);
	}
	day_t since = s->last_change != DAY_NONE ? s->last_change : m->partners[p].joined_on;
	out->tier_age_days = pd->end - since;
	out->tier_stale = out->tier_age_days > prog->stale_tier_days;
	out->enablement_coverage = METRIC_NULL;
	if (m->present[FILE_ENABLEMENT]) {
		uint64_t done = s->host_done & s->partner_done;
		out->assets_done = done;
		out->enablement_coverage =
			prog->n_assets ? (double)popcount64(done) / (double)prog->n_assets : 1.0;
		out->enabled = popcount64(done) == (int)prog->n_assets;
	}
	out->forecast = s->forecast;
	out->has_forecast = m->present[FILE_FORECAST];
}

/* SPEC 4.4 recommendation and untapped overlap, once every partner's window
 * figures are known. */
static void recommend(const struct model *m, struct metrics *x)
{
	size_t nt = x->n_tiers;
	double *w = xcalloc(x->n_partners + 1, sizeof *w);
	for (size_t t = 0; t < nt; t++) {
		size_t n = 0;
		for (size_t i = 0; i < x->n_partners; i++)
			if (x->partners[i].tier == (int)t)
				w[n++] = (double)x->partners[i].blocks[RANGE_WINDOW].won_revenue;
		x->tiers[t].median_window_won = median(w, n);
	}
	for (size_t i = 0; i < x->n_partners; i++) {
		struct partner_metrics *p = &x->partners[i];
		const struct block *win = &p->blocks[RANGE_WINDOW];
		double W = (double)win->won_revenue;
		int t = p->tier;
		p->recommendation = REC_NONE;
		if (t > 0 && W > 0 && !metric_is_null(x->tiers[t - 1].median_window_won) &&
		    W >= x->tiers[t - 1].median_window_won) {
			double M = x->tiers[t - 1].median_window_won;
			p->recommendation = REC_PROMOTE;
			p->rec_gap = M > 0 ? (W - M) / M : INFINITY;
		} else if ((size_t)t + 1 < nt) {
			double M = x->tiers[t + 1].median_window_won;
			p->demote_by_median = !metric_is_null(M) && W < M;
			if (p->demote_by_median || (win->won_revenue == 0 && win->new_deals == 0)) {
				p->recommendation = REC_DEMOTE;
				/* M > W >= 0 by median; nothing won is all the way below */
				p->rec_gap = p->demote_by_median ? (M - W) / M : 1;
			}
		}
		w[i] = (double)m->partners[p->partner].overlap_accounts;
	}
	/* 75th percentile, nearest rank: position ceil(0.75 n) of the ascending list */
	size_t n = x->n_partners;
	if (n > 0) {
		qsort(w, n, sizeof *w, cmp_double);
		double p75 = w[(3 * n + 3) / 4 - 1];
		for (size_t i = 0; i < n; i++) {
			struct partner_metrics *p = &x->partners[i];
			int64_t ov = m->partners[p->partner].overlap_accounts;
			p->untapped_overlap = ov > 0 && (double)ov >= p75 &&
					      p->blocks[RANGE_WINDOW].new_deals == 0;
		}
	}
	free(w);
}

/* Means and shares over the active partners of a tier (tier >= 0) or of
 * the program (tier < 0). */
static void scope_shares(const struct model *m, const struct metrics *x, int tier,
			 struct scope_figures *f)
{
	long n = 0, enabled = 0, stale = 0, adh_n = 0;
	double adh = 0;
	for (size_t i = 0; i < x->n_partners; i++) {
		const struct partner_metrics *p = &x->partners[i];
		if (tier >= 0 && p->tier != tier)
			continue;
		n++;
		enabled += p->enabled;
		stale += p->tier_stale;
		if (!metric_is_null(p->review_adherence)) {
			adh += p->review_adherence;
			adh_n++;
		}
	}
	f->partners = n;
	f->review_adherence = adh_n ? adh / (double)adh_n : METRIC_NULL;
	f->enabled_share = m->present[FILE_ENABLEMENT] ? ratio((double)enabled, (double)n) : METRIC_NULL;
	f->stale_share = ratio((double)stale, (double)n);
}

struct managed {
	const char *name;
	int partner;
};

static int cmp_managed(const void *a, const void *b)
{
	const struct managed *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->partner > y->partner) - (x->partner < y->partner);
}

/* Those that qualify first, by win rate descending; then the rest; ties
 * by name. */
static int cmp_manager(const void *a, const void *b)
{
	const struct manager_metrics *x = a, *y = b;
	if (x->qualifies != y->qualifies)
		return x->qualifies ? -1 : 1;
	if (x->qualifies && x->win_rate != y->win_rate)
		return x->win_rate > y->win_rate ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* SPEC 4.5: every partner manager's window record over its partners'
 * deals (sorted by name to group them), and manager_spread from those
 * that qualify. */
static void managers(const struct model *m, const struct partner_state *ps, struct metrics *x)
{
	size_t n = 0;
	struct managed *v = xcalloc(m->n_partners + 1, sizeof *v);
	for (size_t p = 0; p < m->n_partners; p++)
		if (m->partners[p].manager && *m->partners[p].manager)
			v[n++] = (struct managed){m->partners[p].manager, (int)p};
	qsort(v, n, sizeof *v, cmp_managed);
	x->managers = xcalloc(n + 1, sizeof *x->managers);
	for (size_t i = 0; i < n; i++) {
		if (!x->n_managers || strcmp(x->managers[x->n_managers - 1].name, v[i].name))
			x->managers[x->n_managers++] = (struct manager_metrics){.name = v[i].name};
		struct manager_metrics *g = &x->managers[x->n_managers - 1];
		const struct partner_state *s = &ps[v[i].partner];
		g->partners += s->active;
		g->won += s->acc[RANGE_WINDOW].won_n;
		g->lost += s->acc[RANGE_WINDOW].lost_n;
	}
	free(v);
	size_t q = 0;
	for (size_t j = 0; j < x->n_managers; j++) {
		struct manager_metrics *g = &x->managers[j];
		g->win_rate = ratio((double)g->won, (double)(g->won + g->lost));
		g->qualifies = g->won + g->lost >= MANAGER_MIN_CLOSED;
		q += g->qualifies;
	}
	qsort(x->managers, x->n_managers, sizeof *x->managers, cmp_manager);
	x->manager_spread = q >= 2 ? x->managers[0].win_rate - x->managers[q - 1].win_rate
				   : METRIC_NULL;
}

/* One health part: red if any present red condition holds, green if every
 * present green condition holds, unknown when no figure is present. */
struct cond {
	double value;
	bool red, green;
};

static enum health_status judge(const struct cond *c, int n)
{
	int present = 0;
	bool red = false, green = true;
	for (int i = 0; i < n; i++) {
		if (metric_is_null(c[i].value))
			continue;
		present++;
		red |= c[i].red;
		green &= c[i].green;
	}
	if (!present)
		return STATUS_UNKNOWN;
	return red ? STATUS_RED : green ? STATUS_GREEN : STATUS_AMBER;
}

static void health(const struct model *m, struct metrics *x)
{
	const struct health_thresholds *h = &m->program.health;
	const struct scope_figures *f = &x->fig;
	struct health *out = &x->health;
	int with = 0;
	for (size_t t = 0; t < x->n_tiers; t++)
		with += x->tiers[t].fig.partners > 0;
	out->tiers_with_partners = with;
	out->top_tier_share = x->n_tiers && f->partners
				      ? (double)x->tiers[0].fig.partners / (double)f->partners
				      : METRIC_NULL;
	if (with < h->tiering_red_min_tiers)
		out->status[HEALTH_TIERING] = STATUS_RED;
	else if (out->top_tier_share <= h->tiering_green_top_share)
		out->status[HEALTH_TIERING] = STATUS_GREEN;
	else
		out->status[HEALTH_TIERING] = STATUS_AMBER;

	double adh = f->review_adherence, en = f->enabled_share;
	struct cond op[] = {{adh, adh < h->operating_red, adh >= h->operating_green}};
	out->status[HEALTH_OPERATING] = judge(op, 1);
	struct cond ena[] = {{en, en < h->enablement_red, en >= h->enablement_green}};
	out->status[HEALTH_ENABLEMENT] = judge(ena, 1);
	double un = f->untagged_share, al = f->incentive_alignment;
	struct cond att[] = {{un, un > h->untagged_red, un <= h->untagged_green},
			     {al, al < h->incentive_red, al >= h->incentive_green}};
	out->status[HEALTH_ATTRIBUTION] = judge(att, 2);
	double fa = f->forecast_accuracy, st = f->stale_share;
	struct cond gov[] = {{fa, fa < h->forecast_red, fa >= h->forecast_green},
			     {st, st > h->stale_red, st <= h->stale_green}};
	out->status[HEALTH_GOVERNANCE] = judge(gov, 2);
	out->next_fix = -1;
	for (int i = 0; i < HEALTH_COUNT; i++)
		if (out->status[i] != STATUS_GREEN) {
			out->next_fix = i;
			break;
		}
}

/* SPEC 4.7: won revenue this month, last month and the change of a scope. */
static struct driver driver_of(size_t index, const struct block *b)
{
	cents_t now = b[RANGE_MONTH].won_revenue, before = b[RANGE_PREVIOUS].won_revenue;
	return (struct driver){index, now, before, sub_cents(now, before)};
}

/* Keep top[0..*n) the at most DRIVERS_MAX largest changes (gain) or most
 * negative ones (!gain). Candidates arrive in id order and an equal change
 * goes after those already kept, so ties rank by id. */
static void rank_driver(struct driver *top, size_t *n, struct driver d, bool gain)
{
	size_t pos = *n;
	while (pos > 0 && (gain ? d.change > top[pos - 1].change : d.change < top[pos - 1].change))
		pos--;
	if (pos >= DRIVERS_MAX)
		return;
	size_t keep = *n < DRIVERS_MAX ? *n : DRIVERS_MAX - 1; /* entries that stay */
	memmove(&top[pos + 1], &top[pos], (keep - pos) * sizeof *top);
	top[pos] = d;
	if (*n < DRIVERS_MAX)
		(*n)++;
}

static void drivers(struct metrics *x)
{
	struct drivers *dr = &x->drivers;
	dr->by_tier = xcalloc(x->n_tiers + 1, sizeof *dr->by_tier);
	cents_t sum = 0;
	for (size_t t = 0; t < x->n_tiers; t++) {
		dr->by_tier[t] = driver_of(t, x->tiers[t].blocks);
		sum = add_cents(sum, dr->by_tier[t].change);
	}
	/* every partner deal is in exactly one tier (its partner's at period end) */
	if (sum != driver_of(0, x->totals).change)
		BUG("the tiers' changes do not add up to the partner change");
	dr->direct = driver_of(0, x->direct);
	for (size_t i = 0; i < x->n_partners; i++) {
		struct driver d = driver_of(i, x->partners[i].blocks);
		if (d.change > 0)
			rank_driver(dr->gainers, &dr->n_gainers, d, true);
		else if (d.change < 0)
			rank_driver(dr->decliners, &dr->n_decliners, d, false);
	}
}

static int cmp_action(const void *pa, const void *pb)
{
	const struct action *a = pa, *b = pb;
	bool ra = a->flags & (ACTION_PROMOTE | ACTION_DEMOTE), rb = b->flags & (ACTION_PROMOTE | ACTION_DEMOTE);
	if (ra != rb)
		return ra ? -1 : 1;
	if (a->in_play != b->in_play)
		return a->in_play > b->in_play ? -1 : 1;
	return (a->partner > b->partner) - (a->partner < b->partner); /* partners are by id */
}

/* SPEC 4.8: each active partner's flags, decided here once, and the list
 * of partners with any. */
static void actions(const struct model *m, struct metrics *x)
{
	x->actions = xcalloc(x->n_partners + 1, sizeof *x->actions);
	for (size_t i = 0; i < x->n_partners; i++) {
		struct partner_metrics *p = &x->partners[i];
		unsigned f = 0;
		if (p->recommendation == REC_PROMOTE)
			f |= ACTION_PROMOTE;
		else if (p->recommendation == REC_DEMOTE)
			f |= ACTION_DEMOTE;
		if (m->present[FILE_REVIEWS] && p->reviews_held < p->reviews_expected) {
			f |= ACTION_REVIEW_OVERDUE;
			p->reviews_missed = p->reviews_expected - (int)p->reviews_held;
		}
		if (m->present[FILE_ENABLEMENT] && !p->enabled)
			f |= ACTION_ENABLEMENT_MISSING;
		if (p->untapped_overlap)
			f |= ACTION_UNTAPPED_OVERLAP;
		if (p->tier_stale) {
			f |= ACTION_TIER_STALE;
			p->stale_days_over = p->tier_age_days - m->program.stale_tier_days;
		}
		p->flags = f;
		const struct block *w = &p->blocks[RANGE_WINDOW];
		p->in_play = add_cents(w->won_revenue, w->open_pipeline);
		if (f)
			x->actions[x->n_actions++] = (struct action){i, f, p->in_play};
	}
	qsort(x->actions, x->n_actions, sizeof *x->actions, cmp_action);
}

/* A partner's place in a ranked list: severity, then money, both
 * descending, then index (partners are by id). */
struct rank_key {
	double severity;
	cents_t money;
	size_t index;
};

static int cmp_rank(const void *pa, const void *pb)
{
	const struct rank_key *a = pa, *b = pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->money != b->money)
		return a->money > b->money ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* The partners that `has` picks, ranked by the severity it gives, then
 * by money; returns the indexes, *n how many. */
static size_t *ranked(const struct metrics *x, bool (*has)(const struct partner_metrics *p, double *sev,
							   cents_t *money), size_t *n)
{
	struct rank_key *k = xcalloc(x->n_partners + 1, sizeof *k);
	*n = 0;
	for (size_t i = 0; i < x->n_partners; i++) {
		struct rank_key r = {0, 0, i};
		if (has(&x->partners[i], &r.severity, &r.money))
			k[(*n)++] = r;
	}
	qsort(k, *n, sizeof *k, cmp_rank);
	size_t *out = xcalloc(*n + 1, sizeof *out);
	for (size_t i = 0; i < *n; i++)
		out[i] = k[i].index;
	free(k);
	return out;
}

static bool by_won_key(const struct partner_metrics *p, double *sev, cents_t *money)
{
	*sev = 0;
	*money = p->blocks[RANGE_WINDOW].won_revenue;
	return true;
}

static bool reviews_key(const struct partner_metrics *p, double *sev, cents_t *money)
{
	*sev = p->reviews_missed;
	*money = p->in_play;
	return p->flags & ACTION_REVIEW_OVERDUE;
}

static bool stale_key(const struct partner_metrics *p, double *sev, cents_t *money)
{
	*sev = p->stale_days_over;
	*money = p->in_play;
	return p->flags & ACTION_TIER_STALE;
}

static bool recommendation_key(const struct partner_metrics *p, double *sev, cents_t *money)
{
	*sev = p->rec_gap;
	*money = p->in_play;
	return p->flags & (ACTION_PROMOTE | ACTION_DEMOTE);
}

/* The partners index's order and governance's exception lists, once every
 * flag is set. */
static void rankings(struct metrics *x)
{
	size_t n;
	x->by_won = ranked(x, by_won_key, &n);
	bool (*const keys[EXC_COUNT])(const struct partner_metrics *, double *, cents_t *) = {
		[EXC_REVIEWS] = reviews_key, [EXC_STALE] = stale_key,
		[EXC_RECOMMENDATION] = recommendation_key,
	};
	for (int e = 0; e < EXC_COUNT; e++)
		x->exceptions[e].partners = ranked(x, keys[e], &x->exceptions[e].n);
}

struct metrics *metrics_compute(const struct model *m, int month)
{
	const struct program *prog = &m->program;
	struct metrics *x = xcalloc(1, sizeof *x);
	x->period = metrics_period(prog, month);
	const struct period *pd = &x->period;
	struct range_days r[NRANGES];
	fill_ranges(pd, r);

	size_t np = m->n_partners, nt = prog->n_tiers;
	struct partner_state *ps = xcalloc(np + 1, sizeof *ps);
	int month_days = pd->end - pd->start + 1;
	for (size_t p = 0; p < np; p++) {
		struct partner_state *s = &ps[p];
		s->tier = model_tier_at(m, (int)p, pd->end);
		s->active = model_partner_active(m, (int)p, pd->start, pd->end);
		int every = prog->tiers[s->tier].review_every_days;
		int span = month_days > every ? month_days : every;
		s->span_start = pd->end - span + 1;
		s->last_review = s->last_qbr = s->last_mapping = s->last_change = DAY_NONE;
	}
	struct acc (*tier_acc)[NRANGES] = xcalloc(nt + 1, sizeof *tier_acc);
	struct acc total[NRANGES] = {0}, direct[NRANGES] = {0};
	accumulate_deals(m, r, ps, tier_acc, total, direct);
	accumulate_governance(m, pd, ps);

	/* active partners, by id */
	int *order = xcalloc(np + 1, sizeof *order);
	size_t na = 0;
	for (size_t p = 0; p < np; p++)
		if (ps[p].active)
			order[na++] = (int)p;
	sort_by_id(order, na, m);
	x->n_partners = na;
	x->partners = xcalloc(na + 1, sizeof *x->partners);
	for (size_t i = 0; i < na; i++) {
		int p = order[i];
		struct partner_metrics *out = &x->partners[i];
		out->partner = p;
		out->tier = ps[p].tier;
		for (int k = 0; k < RANGE_COUNT; k++)
			acc_finish(&ps[p].acc[k], &out->blocks[k]);
		for (int k = 0; k < TREND_MONTHS; k++)
			out->trend_won[k] = ps[p].acc[RANGE_COUNT + k].won;
		partner_governance(m, pd, &ps[p], p, out);
		memcpy(out->open_deals, ps[p].open_deals, sizeof out->open_deals);
		out->n_open_deals = ps[p].n_open_deals;
		memcpy(out->won_deals, ps[p].won_deals, sizeof out->won_deals);
		out->n_won_deals = ps[p].n_won_deals;
	}
	free(order);

	/* tiers and program */
	x->n_tiers = nt;
	x->tiers = xcalloc(nt + 1, sizeof *x->tiers);
	recommend(m, x); /* needs n_tiers set; medians filled in */
	cents_t fsum = 0;
	for (size_t p = 0; p < np; p++)
		fsum = add_cents(fsum, ps[p].forecast);
	bool has_fc = m->present[FILE_FORECAST];
	for (size_t t = 0; t < nt; t++) {
		struct tier_metrics *tm = &x->tiers[t];
		tm->tier = (int)t;
		scope_shares(m, x, (int)t, &tm->fig);
		tm->fig.untagged_share = untagged_share(&tier_acc[t][RANGE_WINDOW]);
		tm->fig.incentive_alignment = incentive_alignment(m, &tier_acc[t][RANGE_WINDOW]);
		cents_t f = 0;
		for (size_t p = 0; p < np; p++)
			if (ps[p].tier == (int)t)
				f = add_cents(f, ps[p].forecast);
		tm->fig.forecast = f;
		tm->fig.has_forecast = has_fc;
		tm->fig.forecast_accuracy = forecast_accuracy(has_fc, f, tier_acc[t][RANGE_MONTH].won);
		for (int k = 0; k < RANGE_COUNT; k++)
			acc_finish(&tier_acc[t][k], &tm->blocks[k]);
		for (int k = 0; k < TREND_MONTHS; k++)
			acc_finish(&tier_acc[t][RANGE_COUNT + k], &tm->trend[k]);
		tm->has_revenue_per_partner = tm->fig.partners > 0;
		if (tm->has_revenue_per_partner) {
			cents_t w = tm->blocks[RANGE_WINDOW].won_revenue;
			tm->revenue_per_partner = mean_cents(w, tm->fig.partners);
		}
	}
	scope_shares(m, x, -1, &x->fig);
	x->fig.untagged_share = untagged_share(&total[RANGE_WINDOW]);
	x->fig.incentive_alignment = incentive_alignment(m, &total[RANGE_WINDOW]);
	x->fig.forecast = fsum;
	x->fig.has_forecast = has_fc;
	x->fig.forecast_accuracy = forecast_accuracy(has_fc, fsum, total[RANGE_MONTH].won);
	managers(m, ps, x);
	for (int k = 0; k < RANGE_COUNT; k++) {
		acc_finish(&total[k], &x->totals[k]);
		acc_finish(&direct[k], &x->direct[k]);
	}
	for (int k = 0; k < TREND_MONTHS; k++) {
		acc_finish(&total[RANGE_COUNT + k], &x->totals_trend[k]);
		acc_finish(&direct[RANGE_COUNT + k], &x->direct_trend[k]);
	}
	const struct block *pw = &x->totals[RANGE_WINDOW], *dw = &x->direct[RANGE_WINDOW];
	x->partner_share =
		ratio((double)pw->won_revenue, (double)add_cents(pw->won_revenue, dw->won_revenue));
	x->lift_win_rate_pts = pw->win_rate - dw->win_rate; /* NAN propagates */
	x->lift_deal_size = METRIC_NULL;
	if (pw->won_deals > 0 && dw->won_deals > 0 && dw->won_revenue > 0)
		x->lift_deal_size = ((double)pw->won_revenue / (double)pw->won_deals) /
					    ((double)dw->won_revenue / (double)dw->won_deals) - 1;
	x->lift_cycle_days = pw->median_cycle_days - dw->median_cycle_days;
	health(m, x);
	drivers(x);
	actions(m, x);
	rankings(x);

	for (size_t p = 0; p < np; p++) /* inactive partners' accumulators */
		for (int k = 0; k < NRANGES; k++)
			free(ps[p].acc[k].cycles);
	free(ps);
	free(tier_acc);
	return x;
}

void metrics_free(struct metrics *x)
{
	if (!x)
		return;
	free(x->partners);
	free(x->tiers);
	free(x->drivers.by_tier);
	free(x->actions);
	free(x->by_won);
	for (int e = 0; e < EXC_COUNT; e++)
		free(x->exceptions[e].partners);
	free(x->managers);
	free(x);
}
