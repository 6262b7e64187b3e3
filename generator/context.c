/* context: consumes the model and the metrics (both const) and produces
 * jansson trees: metrics.json's and the templates'. This is the only stage
 * that turns numbers into display text (through format.c); it refuses
 * nothing. Absent figures stay JSON null and display as an em dash. */
#include "context.h"
#include "format.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- metrics.json ------------------------------------------------------ */

static json_t *money(cents_t c)
{
	if (c % 100 == 0)
		return json_integer(c / 100);
	return json_real((double)c / 100.0);
}

static json_t *ratio(double v)
{
	return metric_is_null(v) ? json_null() : json_real(v);
}

static json_t *date_or_null(day_t d)
{
	if (d == DAY_NONE)
		return json_null();
	char s[11];
	date_format_iso(d, s);
	return json_string(s);
}

static json_t *month_string(int m)
{
	char s[8];
	month_format(m, s);
	return json_string(s);
}

static json_t *block_json(const struct block *b)
{
	json_t *o = json_object();
	json_object_set_new(o, "won_revenue", money(b->won_revenue));
	json_object_set_new(o, "won_deals", json_integer(b->won_deals));
	json_object_set_new(o, "lost_deals", json_integer(b->lost_deals));
	json_object_set_new(o, "win_rate", ratio(b->win_rate));
	json_object_set_new(o, "avg_won_deal", b->won_deals ? money(b->avg_won_deal) : json_null());
	json_object_set_new(o, "median_cycle_days", ratio(b->median_cycle_days));
	json_object_set_new(o, "new_pipeline", money(b->new_pipeline));
	json_object_set_new(o, "new_deals", json_integer(b->new_deals));
	json_object_set_new(o, "open_pipeline", money(b->open_pipeline));
	json_object_set_new(o, "sourced_revenue", money(b->sourced_revenue));
	json_object_set_new(o, "influenced_revenue", money(b->influenced_revenue));
	json_object_set_new(o, "untagged_revenue", money(b->untagged_revenue));
	return o;
}

static const char *range_keys[RANGE_COUNT] = {"month", "previous", "window", "ytd"};

static void blocks_json(json_t *o, const struct block *b, int n)
{
	for (int k = 0; k < n; k++)
		json_object_set_new(o, range_keys[k], block_json(&b[k]));
}

static void scope_json(json_t *o, const struct scope_figures *f)
{
	json_object_set_new(o, "review_adherence", ratio(f->review_adherence));
	json_object_set_new(o, "enabled_share", ratio(f->enabled_share));
	json_object_set_new(o, "stale_share", ratio(f->stale_share));
	json_object_set_new(o, "forecast_accuracy", ratio(f->forecast_accuracy));
	json_object_set_new(o, "untagged_share", ratio(f->untagged_share));
	json_object_set_new(o, "incentive_alignment", ratio(f->incentive_alignment));
}

static const char *rec_name(enum recommendation r)
{
	return r == REC_PROMOTE ? "promote" : r == REC_DEMOTE ? "demote" : NULL;
}

static json_t *partner_json(const struct model *m, const struct metrics *x,
			    const struct partner_metrics *p)
{
	const struct partner *pt = &m->partners[p->partner];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(pt->id));
	json_object_set_new(o, "name", json_string(pt->name));
	json_object_set_new(o, "tier", json_string(m->program.tiers[p->tier].id));
	json_object_set_new(o, "manager", *pt->manager ? json_string(pt->manager) : json_null());
	blocks_json(o, p->blocks, RANGE_WINDOW + 1);
	json_object_set_new(o, "review_span_days", json_integer(p->review_span_days));
	json_object_set_new(o, "reviews_expected", json_integer(p->reviews_expected));
	json_object_set_new(o, "reviews_held",
			    p->reviews_held >= 0 ? json_integer(p->reviews_held) : json_null());
	json_object_set_new(o, "review_adherence", ratio(p->review_adherence));
	json_object_set_new(o, "days_since_review",
			    metric_is_null(p->days_since_review)
				    ? json_null()
				    : json_integer((json_int_t)p->days_since_review));
	json_object_set_new(o, "last_qbr_on", date_or_null(p->last_qbr_on));
	json_object_set_new(o, "last_account_mapping_on", date_or_null(p->last_account_mapping_on));
	json_object_set_new(o, "tier_age_days", json_integer(p->tier_age_days));
	json_object_set_new(o, "tier_stale", json_boolean(p->tier_stale));
	json_object_set_new(o, "enablement_coverage", ratio(p->enablement_coverage));
	json_object_set_new(o, "enabled", metric_is_null(p->enablement_coverage)
						  ? json_null()
						  : json_boolean(p->enabled));
	const char *rec = rec_name(p->recommendation);
	json_object_set_new(o, "recommendation", rec ? json_string(rec) : json_null());
	json_object_set_new(o, "untapped_overlap", json_boolean(p->untapped_overlap));
	(void)x;
	return o;
}

/* A drivers row (SPEC 4.7): {"tier" | "partner": id, "month", "previous",
 * "change"}; key NULL for the direct row; short rows (gainers, decliners)
 * carry only the partner and its change. */
static json_t *driver_json(const char *key, const char *id, const struct driver *d, bool full)
{
	json_t *o = json_object();
	if (key)
		json_object_set_new(o, key, json_string(id));
	if (full) {
		json_object_set_new(o, "month", money(d->month));
		json_object_set_new(o, "previous", money(d->previous));
	}
	json_object_set_new(o, "change", money(d->change));
	return o;
}

static json_t *movers_json(const struct model *m, const struct metrics *x,
			   const struct driver *d, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *id = m->partners[x->partners[d[i].index].partner].id;
		json_array_append_new(a, driver_json("partner", id, &d[i], false));
	}
	return a;
}

static json_t *drivers_json(const struct model *m, const struct metrics *x)
{
	const struct drivers *dr = &x->drivers;
	json_t *o = json_object(), *by_tier = json_array();
	for (size_t t = 0; t < x->n_tiers; t++)
		json_array_append_new(by_tier, driver_json("tier", m->program.tiers[dr->by_tier[t].index].id,
							   &dr->by_tier[t], true));
	json_object_set_new(o, "by_tier", by_tier);
	json_object_set_new(o, "direct", driver_json(NULL, NULL, &dr->direct, true));
	json_object_set_new(o, "gainers", movers_json(m, x, dr->gainers, dr->n_gainers));
	json_object_set_new(o, "decliners", movers_json(m, x, dr->decliners, dr->n_decliners));
	return o;
}

/* The flag names of a partner's action, in SPEC order. */
static json_t *flags_json(unsigned flags)
{
	json_t *a = json_array();
	for (int i = 0; i < ACTION_FLAG_COUNT; i++)
		if (flags >> i & 1)
			json_array_append_new(a, json_string(action_flag_names[i]));
	return a;
}

static json_t *actions_json(const struct model *m, const struct metrics *x)
{
	json_t *a = json_array();
	for (size_t i = 0; i < x->n_actions; i++) {
		const struct action *ac = &x->actions[i];
		json_t *o = json_object();
		json_object_set_new(o, "partner",
				    json_string(m->partners[x->partners[ac->partner].partner].id));
		json_object_set_new(o, "flags", flags_json(ac->flags));
		json_object_set_new(o, "in_play", money(ac->in_play));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *diag_strings(const struct diag_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++) {
		char *s = diag_format(&l->items[i]);
		json_array_append_new(a, json_string(s));
		free(s);
	}
	if (l->total > l->n) {
		char *s = xasprintf("... and %zu more", l->total - l->n);
		json_array_append_new(a, json_string(s));
		free(s);
	}
	return a;
}

/* What reading real exports found (SPEC 2 and 5): root's "fx", the rates
 * used, and data_quality's rows dropped, amounts unknown and report
 * footers skipped, per file (the file as read). */
static void loader_facts_json(json_t *root, json_t *dq, const struct model *m)
{
	json_t *fx = json_array();
	for (size_t i = 0; i < m->n_fx; i++) {
		const struct fx_use *u = &m->fx[i];
		char digits[32], text[40];
		int n = snprintf(digits, sizeof digits, "%0*lld", u->rate_scale + 1,
				 (long long)u->rate_num);
		snprintf(text, sizeof text, "%.*s.%s", n - u->rate_scale, digits,
			 digits + n - u->rate_scale);
		json_t *o = json_object();
		json_object_set_new(o, "currency", json_string(u->currency));
		json_object_set_new(o, "month",
				    u->month >= 0 ? month_string(u->month) : json_null());
		json_object_set_new(o, "rate", json_real(strtod(text, NULL)));
		json_object_set_new(o, "rows", json_integer((json_int_t)u->rows));
		json_array_append_new(fx, o);
	}
	json_object_set_new(root, "fx", fx);
	json_t *dropped = json_array(), *unknown = json_array(), *footers = json_array();
	for (int f = FILE_PARTNERS; f < FILE_COUNT; f++) {
		const char *file = m->source[f] ? m->source[f] : model_file_names[f];
		const size_t counts[2] = {m->dropped[f], m->unknown_amounts[f]};
		json_t *lists[2] = {dropped, unknown};
		for (int k = 0; k < 2; k++) {
			if (!counts[k])
				continue;
			json_t *o = json_object();
			json_object_set_new(o, "file", json_string(file));
			json_object_set_new(o, "rows", json_integer((json_int_t)counts[k]));
			json_array_append_new(lists[k], o);
		}
		const struct footer *ft = &m->footers[f];
		if (!ft->first_line)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(file));
		json_object_set_new(o, "first_line", json_integer(ft->first_line));
		json_object_set_new(o, "last_line", json_integer(ft->last_line));
		json_object_set_new(o, "text", json_string(ft->text));
		json_array_append_new(footers, o);
	}
	json_object_set_new(dq, "dropped", dropped);
	json_object_set_new(dq, "unknown_amounts", unknown);
	json_object_set_new(dq, "footers", footers);
}

json_t *context_metrics_partner(const struct model *m, const struct metrics *x, size_t i)
{
	return partner_json(m, x, &x->partners[i]);
}

json_t *context_metrics_json(const struct model *m, const struct metrics *x)
{
	json_t *root = context_metrics_base(m, x);
	json_t *partners = json_object_get(root, "partners");
	for (size_t i = 0; i < x->n_partners; i++)
		json_array_append_new(partners, partner_json(m, x, &x->partners[i]));
	return root;
}

json_t *context_metrics_base(const struct model *m, const struct metrics *x)
{
	const struct program *prog = &m->program;
	const struct period *pd = &x->period;
	json_t *root = json_object();
	json_object_set_new(root, "schema", json_string("reviewpack.metrics/1"));

	json_t *program = json_object();
	json_object_set_new(program, "name", json_string(prog->name));
	json_object_set_new(program, "currency", json_string(prog->currency));
	json_object_set_new(root, "program", program);

	json_t *period = json_object();
	json_object_set_new(period, "month", month_string(pd->month));
	json_object_set_new(period, "start", date_or_null(pd->start));
	json_object_set_new(period, "end", date_or_null(pd->end));
	json_object_set_new(period, "window_start", date_or_null(pd->window_start));
	json_object_set_new(period, "ytd_start", date_or_null(pd->ytd_start));
	json_object_set_new(period, "previous", month_string(pd->month - 1));
	json_object_set_new(root, "period", period);

	json_t *totals = json_object();
	json_object_set_new(totals, "partners", json_integer(x->fig.partners));
	blocks_json(totals, x->totals, RANGE_COUNT);
	json_object_set_new(totals, "partner_share", ratio(x->partner_share));
	json_object_set_new(totals, "review_adherence", ratio(x->fig.review_adherence));
	json_object_set_new(totals, "enabled_share", ratio(x->fig.enabled_share));
	json_object_set_new(totals, "stale_share", ratio(x->fig.stale_share));
	json_object_set_new(totals, "untagged_share", ratio(x->fig.untagged_share));
	json_object_set_new(totals, "incentive_alignment", ratio(x->fig.incentive_alignment));
	json_object_set_new(totals, "forecast_accuracy", ratio(x->fig.forecast_accuracy));
	json_object_set_new(totals, "manager_spread", ratio(x->manager_spread));
	json_object_set_new(root, "totals", totals);

	json_t *direct = json_object();
	blocks_json(direct, x->direct, RANGE_COUNT);
	json_object_set_new(root, "direct", direct);

	json_t *lift = json_object();
	json_object_set_new(lift, "win_rate_pts", ratio(x->lift_win_rate_pts));
	json_object_set_new(lift, "deal_size", ratio(x->lift_deal_size));
	json_object_set_new(lift, "cycle_days", ratio(x->lift_cycle_days));
	json_object_set_new(root, "lift", lift);

	json_t *tiers = json_array();
	for (size_t t = 0; t < x->n_tiers; t++) {
		const struct tier_metrics *tm = &x->tiers[t];
		const struct tier *tier = &prog->tiers[tm->tier];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(tier->id));
		json_object_set_new(o, "label", json_string(tier->label));
		json_object_set_new(o, "rank", json_integer(tier->rank));
		json_object_set_new(o, "partners", json_integer(tm->fig.partners));
		blocks_json(o, tm->blocks, RANGE_COUNT);
		json_object_set_new(o, "revenue_per_partner",
				    tm->has_revenue_per_partner ? money(tm->revenue_per_partner)
								: json_null());
		scope_json(o, &tm->fig);
		json_array_append_new(tiers, o);
	}
	json_object_set_new(root, "tiers", tiers);

	json_object_set_new(root, "partners", json_array()); /* context_metrics_partner */

	json_t *health = json_array();
	for (int i = 0; i < HEALTH_COUNT; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "part", json_string(health_part_names[i]));
		json_object_set_new(o, "status", json_string(health_status_names[x->health.status[i]]));
		char *ev = context_health_evidence(m, x, i);
		json_object_set_new(o, "evidence", json_string(ev));
		free(ev);
		json_array_append_new(health, o);
	}
	json_object_set_new(root, "health", health);
	json_object_set_new(root, "next_fix", x->health.next_fix >= 0
						      ? json_string(health_part_names[x->health.next_fix])
						      : json_null());
	json_object_set_new(root, "drivers", drivers_json(m, x));
	json_object_set_new(root, "actions", actions_json(m, x));

	json_t *dq = json_object();
	json_t *rows = json_object();
	for (int f = FILE_PARTNERS; f < FILE_COUNT; f++)
		json_object_set_new(rows, model_file_names[f],
				    m->present[f] ? json_integer((json_int_t)m->rows[f]) : json_null());
	json_object_set_new(dq, "rows", rows);
	loader_facts_json(root, dq, m);
	json_object_set_new(dq, "warnings", diag_strings(&m->warnings));
	json_object_set_new(dq, "skipped", diag_strings(&m->skipped));
	json_object_set_new(root, "data_quality", dq);
	return root;
}

/* --- evidence ------------------------------------------------------------ */

static char *pct(double v)
{
	return format_percent(v, 1);
}

char *context_health_evidence(const struct model *m, const struct metrics *x, int part)
{
	const struct scope_figures *f = &x->fig;
	const struct health_thresholds *h = &m->program.health;
	struct buf b = {0};
	char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;
	switch (part) {
	case HEALTH_TIERING:
		if (metric_is_null(x->health.top_tier_share)) {
			buf_puts(&b, "No partner is active in this period.");
			break;
		}
		s1 = pct(x->health.top_tier_share);
		s2 = pct(h->tiering_green_top_share);
		buf_printf(&b, "%ld of %ld active partners (%s) are in the top tier (green at %s or fewer); "
			       "%d of %zu tiers have active partners.",
			   x->tiers[0].fig.partners, f->partners, s1, s2,
			   x->health.tiers_with_partners, x->n_tiers);
		break;
	case HEALTH_OPERATING:
		if (metric_is_null(f->review_adherence)) {
			buf_puts(&b, m->present[FILE_REVIEWS]
					     ? "No active partner to measure review cadence on."
					     : "Not measured: reviews.csv is missing.");
			break;
		}
		s1 = pct(f->review_adherence);
		s2 = pct(h->operating_green);
		s3 = pct(h->operating_red);
		buf_printf(&b, "Deal-review adherence is %s across %ld active partners "
			       "(green at %s or more, red below %s).",
			   s1, f->partners, s2, s3);
		break;
	case HEALTH_ENABLEMENT:
		if (metric_is_null(f->enabled_share)) {
			buf_puts(&b, m->present[FILE_ENABLEMENT]
					     ? "No active partner to measure enablement on."
					     : "Not measured: enablement.csv is missing.");
			break;
		}
		s1 = pct(f->enabled_share);
		s2 = pct(h->enablement_green);
		buf_printf(&b, "%s of active partners completed every enablement asset on both sides "
			       "(green at %s or more).",
			   s1, s2);
		break;
	case HEALTH_ATTRIBUTION:
		s1 = metric_is_null(f->untagged_share) ? NULL : pct(f->untagged_share);
		s2 = metric_is_null(f->incentive_alignment) ? NULL : pct(f->incentive_alignment);
		if (!s1 && !s2) {
			buf_puts(&b, "Not measured: no partner deal was won in the window.");
			break;
		}
		if (s1)
			buf_printf(&b, "Untagged deals hold %s of partner won revenue in the window", s1);
		else
			buf_puts(&b, "No partner deal was won in the window");
		if (s2)
			buf_printf(&b, "; %s of tagged partner wins were paid an accelerator.", s2);
		else
			buf_puts(&b, m->present[FILE_INCENTIVES]
					     ? "; no tagged partner win to check accelerators on."
					     : "; accelerators not measured: incentives.csv is missing.");
		break;
	case HEALTH_GOVERNANCE:
		s1 = metric_is_null(f->forecast_accuracy) ? NULL : pct(f->forecast_accuracy);
		s2 = metric_is_null(f->stale_share) ? NULL : pct(f->stale_share);
		if (s1)
			buf_printf(&b, "Forecast accuracy for the month is %s", s1);
		else
			buf_puts(&b, m->present[FILE_FORECAST]
					     ? "Forecast accuracy is not defined (no forecast and no wins)"
					     : "Forecast accuracy not measured: forecast.csv is missing");
		if (s2) {
			s4 = format_count((int64_t)m->program.stale_tier_days);
			buf_printf(&b, "; %s of active partners have a tier older than %s days.", s2, s4);
		} else {
			buf_puts(&b, "; no active partner.");
		}
		break;
	default:
		BUG("unknown health part");
	}
	free(s1);
	free(s2);
	free(s3);
	free(s4);
	return buf_detach(&b);
}

/* --- slugs --------------------------------------------------------------- */

static char *slugify(const char *id)
{
	struct buf b = {0};
	bool dash = false;
	for (const unsigned char *s = (const unsigned char *)id; *s; s++) {
		if (isalnum(*s) && *s < 128) {
			if (dash && b.len)
				buf_putc(&b, '-');
			dash = false;
			buf_putc(&b, (char)tolower(*s));
		} else {
			dash = true;
		}
		if (b.len >= 60)
			break;
	}
	if (!b.len)
		buf_puts(&b, "partner");
	return buf_detach(&b);
}

char **context_partner_slugs(const struct model *m, const struct metrics *x)
{
	/* over every partner of the data, so that a slug does not depend on
	 * the month: a readable base shared by several ids (or "index") gets
	 * a suffix from the hash of the id, except for the id that is the
	 * base itself */
	size_t n = m->n_partners;
	char **base = xcalloc(n + 1, sizeof *base), **slug = xcalloc(n + 1, sizeof *slug);
	struct strset seen = {0}, shared = {0}, taken = {0};
	for (size_t i = 0; i < n; i++) {
		base[i] = slugify(m->partners[i].id);
		if (!strset_add(&seen, base[i]))
			strset_add(&shared, base[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(base[i], "index") &&
		    (!strset_has(&shared, base[i]) || !strcmp(base[i], m->partners[i].id)) &&
		    strset_add(&taken, base[i]))
			slug[i] = xstrdup(base[i]);
	for (size_t i = 0; i < n; i++) {
		const char *id = m->partners[i].id;
		uint64_t h = util_hash(id, strlen(id));
		for (int k = 0; !slug[i]; k++) {
			/* 8 hex digits; 16 when those are taken; then a count */
			unsigned long long hl = h;
			char *s = k == 0 ? xasprintf("%s-%08llx", base[i], hl >> 32)
				: k == 1 ? xasprintf("%s-%016llx", base[i], hl)
					 : xasprintf("%s-%016llx-%d", base[i], hl, k);
			if (strset_add(&taken, s))
				slug[i] = s;
			else
				free(s);
		}
	}
	char **out = xcalloc(x->n_partners + 1, sizeof *out);
	for (size_t i = 0; i < x->n_partners; i++)
		out[i] = xstrdup(slug[x->partners[i].partner]);
	context_slugs_free(base, n);
	context_slugs_free(slug, n);
	strset_free(&seen);
	strset_free(&shared);
	strset_free(&taken);
	return out;
}

void context_slugs_free(char **slugs, size_t n)
{
	if (!slugs)
		return;
	for (size_t i = 0; i < n; i++)
		free(slugs[i]);
	free(slugs);
}

/* --- display text -------------------------------------------------------- */

#define DASH "\xe2\x80\x94" /* em dash: an absent figure */

static void set_text(json_t *o, const char *key, char *s)
{
	json_object_set_new(o, key, json_string(s ? s : DASH));
	free(s);
}

static char *fmt_ratio(double v)
{
	return metric_is_null(v) ? NULL : format_percent(v, 1);
}

static char *fmt_days(double v)
{
	return metric_is_null(v) ? NULL : format_days(v);
}

/* Display text of a block, as an object with the block's keys. */
static json_t *block_text(const struct block *b, const char *cur)
{
	json_t *o = json_object();
	set_text(o, "won_revenue", format_money(b->won_revenue, cur));
	set_text(o, "won_revenue_compact", format_money_compact(b->won_revenue, cur));
	set_text(o, "won_deals", format_count(b->won_deals));
	set_text(o, "lost_deals", format_count(b->lost_deals));
	set_text(o, "win_rate", fmt_ratio(b->win_rate));
	set_text(o, "avg_won_deal", b->won_deals ? format_money(b->avg_won_deal, cur) : NULL);
	set_text(o, "median_cycle_days", fmt_days(b->median_cycle_days));
	set_text(o, "new_pipeline", format_money(b->new_pipeline, cur));
	set_text(o, "new_deals", format_count(b->new_deals));
	set_text(o, "open_pipeline", format_money(b->open_pipeline, cur));
	set_text(o, "sourced_revenue", format_money(b->sourced_revenue, cur));
	set_text(o, "influenced_revenue", format_money(b->influenced_revenue, cur));
	set_text(o, "untagged_revenue", format_money(b->untagged_revenue, cur));
	return o;
}

static void blocks_text(json_t *o, const struct block *b, int n, const char *cur)
{
	json_t *t = json_object();
	for (int k = 0; k < n; k++)
		json_object_set_new(t, range_keys[k], block_text(&b[k], cur));
	json_object_set_new(o, "text", t);
}

static void scope_text(json_t *t, const struct scope_figures *f)
{
	set_text(t, "review_adherence", fmt_ratio(f->review_adherence));
	set_text(t, "enabled_share", fmt_ratio(f->enabled_share));
	set_text(t, "stale_share", fmt_ratio(f->stale_share));
	set_text(t, "forecast_accuracy", fmt_ratio(f->forecast_accuracy));
	set_text(t, "untagged_share", fmt_ratio(f->untagged_share));
	set_text(t, "incentive_alignment", fmt_ratio(f->incentive_alignment));
	set_text(t, "partners", format_count(f->partners));
}

static const char *status_labels[4] = {"Unknown", "Green", "Amber", "Red"};
static const char *part_labels[HEALTH_COUNT] = {
	"Tiering", "Operating model", "Enablement", "Attribution and incentives", "Governance",
};

/* Index of s in names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *context_part_label(const char *part)
{
	int i = name_index(health_part_names, HEALTH_COUNT, part);
	return i < 0 ? NULL : part_labels[i];
}

/* "direction" ("up", "down" or "flat"), its arrow and the email's colour
 * for it. */
static void set_direction(json_t *o, const char *dir)
{
	bool up = !strcmp(dir, "up"), down = !strcmp(dir, "down");
	json_object_set_new(o, "direction", json_string(dir));
	json_object_set_new(o, "arrow", json_string(up ? "\xe2\x96\xb2" : down ? "\xe2\x96\xbc" : "\xe2\x80\x93"));
	json_object_set_new(o, "email_colour", json_string(up ? "#1e7b34" : down ? "#b42318" : "#4b5563"));
}

static const char *direction(cents_t change)
{
	return change > 0 ? "up" : change < 0 ? "down" : "flat";
}

/* Change of a figure versus the previous month, with its direction. */
static void change(json_t *kpi, double now, double before, bool points)
{
	const char *dir = "flat";
	char *text = NULL;
	if (!metric_is_null(now) && !metric_is_null(before)) {
		if (points) {
			text = format_points(now - before);
			dir = now > before ? "up" : now < before ? "down" : "flat";
		} else if (before != 0) {
			double c = now / before - 1;
			text = format_signed_percent(c);
			dir = c > 0 ? "up" : c < 0 ? "down" : "flat";
		} else if (now > 0) {
			text = xstrdup("new");
			dir = "up";
		} else {
			text = xstrdup("no change");
		}
	}
	set_direction(kpi, dir);
	set_text(kpi, "change", text);
	json_object_set_new(kpi, "has_change", json_boolean(text != NULL));
}

static char *period_label(int month)
{
	return xasprintf("%s %d", month_name(month % 12 + 1), month / 12);
}

/* A headline tile: its label, value, a note saying what it is measured
 * against, and (month tiles) the change versus the previous month. */
static json_t *kpi(const char *label, char *value, char *note)
{
	json_t *k = json_object();
	json_object_set_new(k, "label", json_string(label));
	set_text(k, "value", value);
	json_object_set_new(k, "note", json_string(note ? note : ""));
	free(note);
	return k;
}

/* A tile's note: fmt with one or two figures' text in it (an em dash for
 * an absent figure); frees both. */
static char *note(const char *fmt, char *a, char *b)
{
	char *s = xasprintf(fmt, a ? a : DASH, b ? b : DASH);
	free(a);
	free(b);
	return s;
}

static json_t *kpi_group(char *title, char *note, json_t *tiles)
{
	json_t *g = json_object();
	set_text(g, "title", title);
	set_text(g, "note", note);
	json_object_set_new(g, "tiles", tiles);
	/* the same tiles two to a row, for table layouts (the email) */
	json_t *rows = json_array();
	for (size_t i = 0; i < json_array_size(tiles); i += 2) {
		json_t *pair = json_array(), *row = json_object();
		for (size_t k = i; k < i + 2 && k < json_array_size(tiles); k++)
			json_array_append(pair, json_array_get(tiles, k));
		json_object_set_new(row, "tiles", pair);
		json_array_append_new(rows, row);
	}
	json_object_set_new(g, "rows", rows);
	return g;
}

/* Two groups of four tiles, each group on one period: the month (with its
 * change versus the previous month) and the trailing window. Four tiles
 * fill a row of four, or two rows of two, with no orphan. */
static json_t *kpi_groups(const struct model *m, const struct metrics *x)
{
	const char *cur = m->program.currency;
	const struct block *now = &x->totals[RANGE_MONTH], *prev = &x->totals[RANGE_PREVIOUS];
	const struct block *win = &x->totals[RANGE_WINDOW], *dwin = &x->direct[RANGE_WINDOW];
	char *prev_label = period_label(x->period.month - 1);
	json_t *month = json_array(), *window = json_array(), *k;

	k = kpi("Partner won revenue", format_money_compact(now->won_revenue, cur),
		note("%s in %s", format_money_compact(prev->won_revenue, cur), xstrdup(prev_label)));
	change(k, (double)now->won_revenue, (double)prev->won_revenue, false);
	json_array_append_new(month, k);

	k = kpi("Partner-sourced revenue", format_money_compact(now->sourced_revenue, cur),
		note("plus %s influenced", format_money_compact(now->influenced_revenue, cur), NULL));
	change(k, (double)now->sourced_revenue, (double)prev->sourced_revenue, false);
	json_array_append_new(month, k);

	k = kpi("Partner win rate", fmt_ratio(now->win_rate),
		note("direct %s", fmt_ratio(x->direct[RANGE_MONTH].win_rate), NULL));
	change(k, now->win_rate, prev->win_rate, true);
	json_array_append_new(month, k);

	k = kpi("Open partner pipeline", format_money_compact(now->open_pipeline, cur),
		xstrdup("at month end"));
	change(k, (double)now->open_pipeline, (double)prev->open_pipeline, false);
	json_array_append_new(month, k);

	k = kpi("Partner won revenue", format_money_compact(win->won_revenue, cur),
		note("direct %s", format_money_compact(dwin->won_revenue, cur), NULL));
	json_array_append_new(window, k);

	k = kpi("Partner share of won revenue", fmt_ratio(x->partner_share),
		note("of %s won in all", format_money_compact(win->won_revenue + dwin->won_revenue, cur),
		     NULL));
	json_array_append_new(window, k);

	k = kpi("Win-rate lift vs direct",
		metric_is_null(x->lift_win_rate_pts) ? NULL : format_points(x->lift_win_rate_pts),
		note("partner %s, direct %s", fmt_ratio(win->win_rate), fmt_ratio(dwin->win_rate)));
	json_array_append_new(window, k);

	k = kpi("Deal-size lift vs direct",
		metric_is_null(x->lift_deal_size) ? NULL : format_signed_percent(x->lift_deal_size),
		note("average won deal %s vs %s",
		     win->won_deals ? format_money_compact(win->avg_won_deal, cur) : NULL,
		     dwin->won_deals ? format_money_compact(dwin->avg_won_deal, cur) : NULL));
	json_array_append_new(window, k);

	json_t *groups = json_array();
	json_array_append_new(groups, kpi_group(period_label(x->period.month),
						xasprintf("this month, change vs %s", prev_label), month));
	int first = month_of_day(x->period.window_start);
	json_array_append_new(groups, kpi_group(xstrdup("Trailing window"),
						xasprintf("%s %d to %s %d", month_abbr(first % 12 + 1), first / 12,
							  month_abbr(x->period.month % 12 + 1), x->period.month / 12),
						window));
	free(prev_label);
	return groups;
}

static const char *const part_words[HEALTH_COUNT] = {
	"tiering", "operating model", "enablement", "attribution and incentives", "governance",
};

static const char *rose_or_fell(cents_t c)
{
	return c > 0 ? "rose" : "fell";
}

/* |c| in compact money; caller frees. */
static char *amount(cents_t c, const char *cur)
{
	return format_money_compact(c < 0 ? -c : c, cur);
}

/* Which tiers moved the total (SPEC 4.7's by_tier), in words: the one or
 * two tiers that moved most in the total's direction, then the tier that
 * moved most against it, or one that held. A flat total names the largest
 * rise and fall that offset each other. Appends nothing when no tier
 * moved or the program has one tier. */
static void tier_clause(struct buf *b, const struct model *m, const struct metrics *x, int dir)
{
	const struct driver *t = x->drivers.by_tier;
	const char *cur = m->program.currency;
	if (x->n_tiers < 2)
		return;
	/* most in the direction dir (1 or -1), then most against it */
	int same[2] = {-1, -1}, other = -1, held = -1;
	for (size_t i = 0; i < x->n_tiers; i++) {
		cents_t c = t[i].change * (dir ? dir : 1);
		int k = (int)i;
		if (c > 0) {
			if (same[0] < 0 || c > t[same[0]].change * (dir ? dir : 1)) {
				same[1] = same[0];
				same[0] = k;
			} else if (same[1] < 0 || c > t[same[1]].change * (dir ? dir : 1)) {
				same[1] = k;
			}
		} else if (c < 0) {
			if (other < 0 || c < t[other].change * (dir ? dir : 1))
				other = k;
		} else if (held < 0) {
			held = k;
		}
	}
	const char *label0 = same[0] >= 0 ? m->program.tiers[t[same[0]].index].label : NULL;
	if (!dir) { /* flat: a rise and a fall that offset each other */
		if (same[0] < 0 || other < 0)
			return;
		char *a = amount(t[same[0]].change, cur), *c = amount(t[other].change, cur);
		buf_printf(b, "; %s rose %s while %s fell %s", label0, a,
			   m->program.tiers[t[other].index].label, c);
		free(a);
		free(c);
		return;
	}
	if (same[0] < 0)
		BUG("the tiers' changes do not add up to the total");
	char *a = amount(t[same[0]].change, cur);
	buf_printf(b, "; %s %s %s", label0, rose_or_fell(t[same[0]].change), a);
	free(a);
	if (same[1] >= 0) {
		a = amount(t[same[1]].change, cur);
		buf_printf(b, " and %s %s", m->program.tiers[t[same[1]].index].label, a);
		free(a);
	}
	if (other >= 0) {
		a = amount(t[other].change, cur);
		buf_printf(b, " while %s %s %s", m->program.tiers[t[other].index].label,
			   rose_or_fell(t[other].change), a);
		free(a);
	} else if (held >= 0) {
		buf_printf(b, " while %s held", m->program.tiers[t[held].index].label);
	}
}

char *context_headline(const struct model *m, const struct metrics *x)
{
	const char *cur = m->program.currency;
	cents_t now = x->totals[RANGE_MONTH].won_revenue, prev = x->totals[RANGE_PREVIOUS].won_revenue;
	char *label = period_label(x->period.month), *prev_label = period_label(x->period.month - 1);
	char *v = format_money_compact(now, cur), *p = format_money_compact(prev, cur);
	struct buf b = {0};
	int dir = now > prev ? 1 : now < prev ? -1 : 0;
	if (now == 0 && prev == 0) {
		buf_printf(&b, "No partner revenue was won in %s or %s", label, prev_label);
	} else if (now == 0) {
		buf_printf(&b, "No partner revenue was won in %s, down from %s in %s", label, p, prev_label);
	} else if (prev == 0) {
		buf_printf(&b, "Partner won revenue was %s, with none won in %s", v, prev_label);
	} else {
		char *pc = format_percent(fabs((double)now / (double)prev - 1), 1);
		if (!strcmp(pc, "0.0%")) {
			buf_printf(&b, "Partner won revenue held at %s", v);
			dir = 0;
		} else {
			buf_printf(&b, "Partner won revenue %s %s to %s", dir > 0 ? "rose" : "fell", pc, v);
		}
		free(pc);
	}
	if (now || prev) {
		if (x->n_tiers >= 2) {
			tier_clause(&b, m, x, dir);
		} else if (dir) { /* one tier: the partner that moved most instead */
			const struct driver *d = dir > 0 ? x->drivers.gainers : x->drivers.decliners;
			size_t n = dir > 0 ? x->drivers.n_gainers : x->drivers.n_decliners;
			if (n) {
				char *a = amount(d[0].change, cur);
				buf_printf(&b, "; %s %s %s",
					   m->partners[x->partners[d[0].index].partner].name,
					   rose_or_fell(d[0].change), a);
				free(a);
			}
		}
	}
	if (x->health.next_fix >= 0)
		buf_printf(&b, "; next fix: %s.", part_words[x->health.next_fix]);
	else
		buf_puts(&b, "; all five health parts are green.");
	free(label);
	free(prev_label);
	free(v);
	free(p);
	return buf_detach(&b);
}

/* The email's subject: "<program> review pack, <Month YYYY>: <partner won
 * revenue> partner won (<change>)". */
static char *email_subject(const struct model *m, const struct metrics *x, const json_t *won_tile)
{
	char *label = period_label(x->period.month);
	char *s = xasprintf("%s review pack, %s: %s partner won (%s)", m->program.name, label,
			    json_string_value(json_object_get(won_tile, "value")),
			    json_string_value(json_object_get(won_tile, "change")));
	free(label);
	return s;
}

/* "3 of 4" reviews held of expected, or NULL when not measured. */
static char *reviews_text(const struct partner_metrics *p)
{
	return p->reviews_held >= 0 ? xasprintf("%ld of %d", p->reviews_held, p->reviews_expected) : NULL;
}

static json_t *partner_text(const struct model *m, const struct metrics *x,
			    const struct partner_metrics *p)
{
	const char *cur = m->program.currency;
	json_t *t = json_object();
	set_text(t, "review_adherence", fmt_ratio(p->review_adherence));
	set_text(t, "days_since_review", fmt_days(p->days_since_review));
	set_text(t, "reviews", reviews_text(p));
	char d[11];
	if (p->last_qbr_on != DAY_NONE)
		date_format_iso(p->last_qbr_on, d);
	set_text(t, "last_qbr_on", p->last_qbr_on != DAY_NONE ? xstrdup(d) : NULL);
	if (p->last_account_mapping_on != DAY_NONE)
		date_format_iso(p->last_account_mapping_on, d);
	set_text(t, "last_account_mapping_on",
		 p->last_account_mapping_on != DAY_NONE ? xstrdup(d) : NULL);
	set_text(t, "tier_age_days", format_days(p->tier_age_days));
	set_text(t, "enablement_coverage", fmt_ratio(p->enablement_coverage));
	set_text(t, "forecast", p->has_forecast ? format_money(p->forecast, cur) : NULL);
	set_text(t, "overlap_accounts", format_count(m->partners[p->partner].overlap_accounts));
	(void)x;
	return t;
}

static json_t *missing_assets(const struct model *m, const struct partner_metrics *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < m->program.n_assets; i++)
		if (!(p->assets_done >> i & 1))
			json_array_append_new(a, json_string(m->program.assets[i]));
	return a;
}

static void set_or_null(json_t *o, const char *key, char *s)
{
	json_object_set_new(o, key, s ? json_string(s) : json_null());
	free(s);
}

/* --- what moved ------------------------------------------------------------ */

static json_t *moved_row(const char *label, const struct driver *d, const char *cur)
{
	json_t *o = json_object();
	json_object_set_new(o, "label", json_string(label));
	set_text(o, "month", format_money_compact(d->month, cur));
	set_text(o, "previous", format_money_compact(d->previous, cur));
	set_text(o, "change", format_money_change(d->change, cur));
	set_direction(o, direction(d->change));
	return o;
}

static json_t *partner_ref(const struct model *m, const struct partner_metrics *p, const char *slug);

static json_t *movers(const struct model *m, const struct metrics *x, char *const *slugs,
		      const struct driver *d, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *r = partner_ref(m, &x->partners[d[i].index], slugs[d[i].index]);
		set_text(r, "change", format_money_change(d[i].change, m->program.currency));
		set_text(r, "month", format_money_compact(d[i].month, m->program.currency));
		set_text(r, "previous", format_money_compact(d[i].previous, m->program.currency));
		set_direction(r, direction(d[i].change));
		json_array_append_new(a, r);
	}
	return a;
}

/* SPEC 4.7 as display text: each tier's change, the partner total and
 * direct below them, and the top gainers and decliners. */
static json_t *moved(const struct model *m, const struct metrics *x, char *const *slugs)
{
	const char *cur = m->program.currency;
	const struct drivers *dr = &x->drivers;
	json_t *o = json_object(), *tiers = json_array();
	for (size_t t = 0; t < x->n_tiers; t++)
		json_array_append_new(tiers, moved_row(m->program.tiers[dr->by_tier[t].index].label,
						       &dr->by_tier[t], cur));
	json_object_set_new(o, "tiers", tiers);
	struct driver total = {0, x->totals[RANGE_MONTH].won_revenue, x->totals[RANGE_PREVIOUS].won_revenue,
			       x->totals[RANGE_MONTH].won_revenue - x->totals[RANGE_PREVIOUS].won_revenue};
	json_object_set_new(o, "total", moved_row("All partners", &total, cur));
	json_object_set_new(o, "direct", moved_row("Direct (baseline)", &dr->direct, cur));
	json_object_set_new(o, "gainers", movers(m, x, slugs, dr->gainers, dr->n_gainers));
	json_object_set_new(o, "decliners", movers(m, x, slugs, dr->decliners, dr->n_decliners));
	json_object_set_new(o, "any_gainers", json_boolean(dr->n_gainers > 0));
	json_object_set_new(o, "any_decliners", json_boolean(dr->n_decliners > 0));
	return o;
}

/* --- actions --------------------------------------------------------------- */

static json_t *partner_ref(const struct model *m, const struct partner_metrics *p, const char *slug)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(m->partners[p->partner].name));
	json_object_set_new(o, "slug", json_string(slug));
	json_object_set_new(o, "tier_label", json_string(m->program.tiers[p->tier].label));
	return o;
}

/* "playbook, training", or NULL when nothing is missing; caller frees. */
static char *missing_text(const struct model *m, const struct partner_metrics *p)
{
	if (metric_is_null(p->enablement_coverage) || p->enabled)
		return NULL;
	struct buf b = {0};
	for (size_t i = 0; i < m->program.n_assets; i++)
		if (!(p->assets_done >> i & 1))
			buf_printf(&b, "%s%s", b.len ? ", " : "", m->program.assets[i]);
	return buf_detach(&b);
}

/* The tier a recommendation moves the partner to, and that tier's median
 * window won revenue (the benchmark), or NULL when undefined. */
static int rec_target(const struct partner_metrics *p)
{
	return p->tier + (p->recommendation == REC_PROMOTE ? -1 : 1);
}

static char *benchmark(const struct model *m, const struct metrics *x, int to)
{
	double med = x->tiers[to].median_window_won;
	return metric_is_null(med) ? NULL : format_money((cents_t)llround(med), m->program.currency);
}

/* Each action flag's name in words, in SPEC order (action_flag_names). */
static const char *const flag_labels[ACTION_FLAG_COUNT] = {
	"Promote", "Demote", "Review overdue", "Enablement missing", "Untapped overlap", "Stale tier",
};

/* One flag of an action in words: its label and the figures behind it. */
static json_t *flag_words(const struct model *m, const struct metrics *x,
			  const struct partner_metrics *p, unsigned flag)
{
	const char *cur = m->program.currency;
	char *label = NULL, *detail = NULL;
	if (flag & (ACTION_PROMOTE | ACTION_DEMOTE)) {
		int to = rec_target(p);
		const char *to_label = m->program.tiers[to].label;
		char *won = format_money_compact(p->blocks[RANGE_WINDOW].won_revenue, cur);
		double med = x->tiers[to].median_window_won;
		char *bench = metric_is_null(med) ? NULL : format_money_compact((cents_t)llround(med), cur);
		label = xasprintf("%s to %s", flag_labels[flag == ACTION_PROMOTE ? 0 : 1], to_label);
		if (flag == ACTION_PROMOTE)
			detail = xasprintf("%s won in the window, at or above the %s median of %s", won,
					   to_label, bench ? bench : DASH);
		else if (p->demote_by_median)
			detail = xasprintf("%s won in the window, below the %s median of %s", won, to_label,
					   bench ? bench : DASH);
		else
			detail = xstrdup("nothing won and no deal opened in the window");
		free(won);
		free(bench);
	} else if (flag == ACTION_REVIEW_OVERDUE) {
		label = xstrdup(flag_labels[2]);
		detail = xasprintf("%ld of %d expected deal reviews held", p->reviews_held, p->reviews_expected);
	} else if (flag == ACTION_ENABLEMENT_MISSING) {
		label = xstrdup(flag_labels[3]);
		detail = missing_text(m, p);
	} else if (flag == ACTION_UNTAPPED_OVERLAP) {
		label = xstrdup(flag_labels[4]);
		char *n = format_count(m->partners[p->partner].overlap_accounts);
		detail = xasprintf("%s shared accounts, no new deal in the window", n);
		free(n);
	} else if (flag == ACTION_TIER_STALE) {
		label = xstrdup(flag_labels[5]);
		char *d = format_days(p->tier_age_days);
		detail = xasprintf("no tier decision for %s", d);
		free(d);
	} else {
		BUG("unknown action flag");
	}
	json_t *o = json_object();
	set_text(o, "label", label);
	set_text(o, "detail", detail);
	return o;
}

/* The first CONTEXT_ACTIONS_SHOWN actions in metrics' order, one entry
 * per partner holding every flag metrics set, in SPEC order. */
static json_t *actions_top(const struct model *m, const struct metrics *x, char *const *slugs)
{
	json_t *a = json_array();
	for (size_t i = 0; i < x->n_actions && i < CONTEXT_ACTIONS_SHOWN; i++) {
		const struct action *ac = &x->actions[i];
		const struct partner_metrics *p = &x->partners[ac->partner];
		json_t *r = partner_ref(m, p, slugs[ac->partner]);
		set_text(r, "in_play", format_money_compact(ac->in_play, m->program.currency));
		json_t *flags = json_array();
		for (int f = 0; f < ACTION_FLAG_COUNT; f++)
			if (ac->flags >> f & 1)
				json_array_append_new(flags, flag_words(m, x, p, 1u << f));
		size_t n = json_array_size(flags);
		for (size_t k = 0; k < n; k++)
			json_object_set_new(json_array_get(flags, k), "last", json_boolean(k + 1 == n));
		json_object_set_new(r, "flags", flags);
		json_array_append_new(a, r);
	}
	return a;
}

/* Every action grouped by flag (metrics decided the flags), each group in
 * metrics' order: the complete list of the actions page. */
static json_t *action_groups(const struct model *m, const struct metrics *x, char *const *slugs)
{
	static const char *const keys[ACTION_FLAG_COUNT] = {"promote", "demote", "overdue",
							     "unenabled", "untapped", "stale"};
	const char *cur = m->program.currency;
	json_t *group[ACTION_FLAG_COUNT];
	for (int f = 0; f < ACTION_FLAG_COUNT; f++)
		group[f] = json_array();
	for (size_t i = 0; i < x->n_actions; i++) {
		const struct action *ac = &x->actions[i];
		const struct partner_metrics *p = &x->partners[ac->partner];
		for (int f = 0; f < ACTION_FLAG_COUNT; f++) {
			unsigned flag = 1u << f;
			if (!(ac->flags & flag))
				continue;
			json_t *r = partner_ref(m, p, slugs[ac->partner]);
			set_text(r, "in_play", format_money(ac->in_play, cur));
			if (flag & (ACTION_PROMOTE | ACTION_DEMOTE)) {
				int to = rec_target(p);
				json_object_set_new(r, "to_label", json_string(m->program.tiers[to].label));
				set_text(r, "window_won", format_money(p->blocks[RANGE_WINDOW].won_revenue, cur));
				set_text(r, "benchmark", benchmark(m, x, to));
			} else if (flag == ACTION_REVIEW_OVERDUE) {
				set_text(r, "reviews", xasprintf("%ld of %d", p->reviews_held, p->reviews_expected));
				set_text(r, "days_since_review", fmt_days(p->days_since_review));
			} else if (flag == ACTION_UNTAPPED_OVERLAP) {
				set_text(r, "overlap_accounts",
					 format_count(m->partners[p->partner].overlap_accounts));
			} else if (flag == ACTION_TIER_STALE) {
				set_text(r, "tier_age_days", format_days(p->tier_age_days));
			}
			json_t *w = flag_words(m, x, p, flag);
			json_object_set(r, "reason", json_object_get(w, "detail"));
			json_decref(w);
			json_array_append_new(group[f], r);
		}
	}
	json_t *o = json_object();
	for (int f = 0; f < ACTION_FLAG_COUNT; f++) {
		json_t *g = json_object();
		set_text(g, "count", format_count((int64_t)json_array_size(group[f])));
		json_object_set_new(g, "rows", group[f]);
		json_object_set_new(o, keys[f], g);
	}
	set_text(o, "partners", format_count((int64_t)x->n_actions));
	json_object_set_new(o, "any", json_boolean(x->n_actions > 0));
	return o;
}

/* Why part `part` is the next fix: the five parts build in order, and
 * every part before it is green. */
static char *why_first(int part)
{
	if (part == 0)
		return xstrdup("Tiering is the first of the five parts and the other four build on it, "
			       "so it is fixed first.");
	struct buf b = {0};
	buf_puts(&b, "The five parts build in order, each on the one before: ");
	for (int i = 0; i < part; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == part ? " and " : ", ", part_words[i]);
	buf_printf(&b, " %s green, so %s is the first part that is not, and is fixed first.",
		   part == 1 ? "is" : "are", part_words[part]);
	return buf_detach(&b);
}

static json_t *health_panel(const struct model *m, const struct metrics *x, json_t *root)
{
	json_t *a = json_array();
	for (int i = 0; i < HEALTH_COUNT; i++) {
		enum health_status s = x->health.status[i];
		json_t *o = json_object();
		json_object_set_new(o, "part", json_string(health_part_names[i]));
		json_object_set_new(o, "label", json_string(part_labels[i]));
		json_object_set_new(o, "step", json_integer(i + 1));
		json_object_set_new(o, "status", json_string(health_status_names[s]));
		json_object_set_new(o, "status_label", json_string(status_labels[s]));
		static const char *colours[4] = {"#4b5563", "#1e7b34", "#b45309", "#b91c1c"};
		json_object_set_new(o, "email_colour", json_string(colours[s]));
		set_text(o, "evidence", context_health_evidence(m, x, i));
		json_object_set_new(o, "is_next_fix", json_boolean(x->health.next_fix == i));
		json_array_append_new(a, o);
		if (x->health.next_fix == i) {
			json_t *nf = json_deep_copy(o);
			set_text(nf, "why", why_first(i));
			json_object_set_new(root, "next_fix_part", nf);
		}
	}
	return a;
}

static json_t *data_quality(const struct model *m)
{
	json_t *files = json_array();
	for (int f = FILE_PARTNERS; f < FILE_COUNT; f++) {
		json_t *o = json_object();
		json_object_set_new(o, "file", json_string(model_file_names[f]));
		json_object_set_new(o, "present", json_boolean(m->present[f]));
		set_text(o, "rows", m->present[f] ? format_count((int64_t)m->rows[f]) : NULL);
		json_object_set_new(o, "required", json_boolean(f <= FILE_DEALS));
		json_array_append_new(files, o);
	}
	return files;
}


/* --- partner pages, the partners index, governance, attribution ----------- */


/* Every flag metrics set on a partner, each in the summary's words (label
 * and detail), with its name (the index's filter key) and its kind:
 * "promote", "demote" or "issue" (the page's colour for it). */
static json_t *partner_flags(const struct model *m, const struct metrics *x,
			     const struct partner_metrics *p)
{
	json_t *a = json_array();
	for (int f = 0; f < ACTION_FLAG_COUNT; f++) {
		unsigned flag = 1u << f;
		if (!(p->flags & flag))
			continue;
		json_t *w = flag_words(m, x, p, flag);
		json_object_set_new(w, "flag", json_string(action_flag_names[f]));
		json_object_set_new(w, "short", json_string(flag_labels[f]));
		json_object_set_new(w, "kind", json_string(flag == ACTION_PROMOTE  ? "promote"
							  : flag == ACTION_DEMOTE ? "demote"
										  : "issue"));
		json_array_append_new(a, w);
	}
	return a;
}

/* The gap between a partner's window won revenue and the median behind its
 * recommendation, as a percent of that median ("+42.0%", "−60.0%"). */
static char *rec_gap_text(const struct partner_metrics *p)
{
	if (p->recommendation == REC_NONE || isinf(p->rec_gap))
		return NULL;
	return format_signed_percent(p->recommendation == REC_PROMOTE ? p->rec_gap : -p->rec_gap);
}

/* A recommendation in words: the tier it moves the partner to, the
 * threshold behind it (that tier's median window won revenue) and how far
 * the partner is from it; NULL without one. */
static json_t *recommendation(const struct model *m, const struct metrics *x,
			      const struct partner_metrics *p)
{
	if (p->recommendation == REC_NONE)
		return json_null();
	const char *cur = m->program.currency;
	bool promote = p->recommendation == REC_PROMOTE;
	int to = rec_target(p);
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(promote ? "promote" : "demote"));
	json_object_set_new(o, "verb", json_string(flag_labels[promote ? 0 : 1]));
	json_object_set_new(o, "to_label", json_string(m->program.tiers[to].label));
	set_text(o, "window_won", format_money(p->blocks[RANGE_WINDOW].won_revenue, cur));
	set_text(o, "threshold", benchmark(m, x, to));
	set_text(o, "gap", rec_gap_text(p));
	json_object_set_new(o, "by_median", json_boolean(promote || p->demote_by_median));
	json_object_set_new(o, "rule", json_string(promote ? "at or above" : "below"));
	return o;
}

/* A partner's deal list (metrics chose the deals): id, account, amount
 * and the date that places it (opened, or won). */
static json_t *deal_rows(const struct model *m, const long *deals, size_t n, bool won)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct deal *d = &m->deals[deals[i]];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(d->id));
		const char *account = model_deal_account(m, d);
		json_object_set_new(o, "account", json_string(*account ? account : DASH));
		set_text(o, "amount", d->amount_unknown ? NULL : format_money(d->amount, m->program.currency));
		json_object_set_new(o, "date", date_or_null(won ? d->closed_on : d->created_on));
		json_array_append_new(a, o);
	}
	return a;
}

/* A machine value for a cell's data-sort attribute: the figure unrounded,
 * "" when absent (the sort script puts those last). */
static void set_sort(json_t *o, const char *key, double v)
{
	char s[40] = "";
	if (!metric_is_null(v))
		snprintf(s, sizeof s, "%.17g", v);
	json_object_set_new(o, key, json_string(s));
}

/* What the partners index needs beyond the partner's figures: data-sort
 * values, its flags' names for the filter, and its rank in the default
 * order. */
static void index_row(const struct metrics *x, const struct partner_metrics *p, json_t *po)
{
	json_t *sort = json_object();
	set_sort(sort, "tier", p->tier + 1);
	set_sort(sort, "won", (double)p->blocks[RANGE_WINDOW].won_revenue);
	set_sort(sort, "win_rate", p->blocks[RANGE_WINDOW].win_rate);
	set_sort(sort, "reviews", p->reviews_held < 0 ? METRIC_NULL : (double)p->reviews_held);
	set_sort(sort, "adherence", p->review_adherence);
	set_sort(sort, "tier_age", p->tier_age_days);
	set_sort(sort, "enablement", p->enablement_coverage);
	set_sort(sort, "flags", __builtin_popcount(p->flags));
	json_object_set_new(po, "sort", sort);
	struct buf b = {0};
	for (int f = 0; f < ACTION_FLAG_COUNT; f++)
		if (p->flags >> f & 1)
			buf_printf(&b, "%s%s", b.len ? " " : "", action_flag_names[f]);
	json_object_set_new(po, "flag_keys", json_string(b.len ? b.data : ""));
	buf_free(&b);
	(void)x;
}

#define EXCEPTIONS_SHOWN 10 /* partners a governance exception table lists */

/* One governance exception: the first EXCEPTIONS_SHOWN partners of its
 * list (metrics' order: worst first) with the figures behind it, and how
 * many there are in all. */
static json_t *exception(const struct model *m, const struct metrics *x, char *const *slugs, int kind)
{
	const struct exception_list *l = &x->exceptions[kind];
	const char *cur = m->program.currency;
	json_t *rows = json_array();
	for (size_t i = 0; i < l->n && i < EXCEPTIONS_SHOWN; i++) {
		const struct partner_metrics *p = &x->partners[l->partners[i]];
		json_t *r = partner_ref(m, p, slugs[l->partners[i]]);
		set_text(r, "in_play", format_money(p->in_play, cur));
		if (kind == EXC_REVIEWS) {
			set_text(r, "held", xasprintf("%ld of %d", p->reviews_held, p->reviews_expected));
			set_text(r, "missed", format_count(p->reviews_missed));
			set_text(r, "days_since_review", fmt_days(p->days_since_review));
			set_text(r, "adherence", fmt_ratio(p->review_adherence));
		} else if (kind == EXC_STALE) {
			set_text(r, "tier_age", format_days(p->tier_age_days));
			set_text(r, "over", format_days(p->stale_days_over));
		} else {
			json_object_set_new(r, "rec", recommendation(m, x, p));
			unsigned flag = p->recommendation == REC_PROMOTE ? ACTION_PROMOTE : ACTION_DEMOTE;
			json_t *w = flag_words(m, x, p, flag);
			json_object_set(r, "reason", json_object_get(w, "detail"));
			json_decref(w);
		}
		json_array_append_new(rows, r);
	}
	json_t *o = json_object();
	json_object_set_new(o, "rows", rows);
	set_text(o, "count", format_count((int64_t)l->n));
	size_t more = l->n > EXCEPTIONS_SHOWN ? l->n - EXCEPTIONS_SHOWN : 0;
	json_object_set_new(o, "more", json_integer((json_int_t)more));
	set_text(o, "more_text", format_count((int64_t)more));
	set_text(o, "shown", format_count((int64_t)json_array_size(rows)));
	return o;
}

#define MANAGERS_ALL 12   /* up to this many managers, the table lists them all */
#define MANAGERS_ENDS 5   /* past it: the highest and lowest this many that qualify */

static json_t *manager_row(const struct manager_metrics *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(g->name));
	set_text(o, "partners", format_count(g->partners));
	set_text(o, "won", format_count(g->won));
	set_text(o, "lost", format_count(g->lost));
	set_text(o, "win_rate", fmt_ratio(g->win_rate));
	json_object_set_new(o, "qualifies", json_boolean(g->qualifies));
	char *closed = format_count(g->won + g->lost);
	set_text(o, "in_spread", g->qualifies ? xstrdup("yes") : xasprintf("no: %s closed", closed));
	free(closed);
	return o;
}

/* The managers' win rates behind manager_spread (metrics' order: those
 * that qualify by win rate, then the rest): all of them when few; else the
 * highest and lowest MANAGERS_ENDS that qualify, with the number left out
 * of the table in words. */
static json_t *managers_table(const struct metrics *x)
{
	size_t n = x->n_managers, q = 0;
	while (q < n && x->managers[q].qualifies)
		q++;
	json_t *rows = json_array(), *o = json_object();
	bool all = n <= MANAGERS_ALL;
	size_t top = all || q <= 2 * MANAGERS_ENDS ? q : MANAGERS_ENDS;
	for (size_t i = 0; i < top; i++)
		json_array_append_new(rows, manager_row(&x->managers[i]));
	size_t between = 0;
	if (top < q) {
		between = q - 2 * MANAGERS_ENDS;
		json_t *gap = json_object();
		char *k = format_count((int64_t)between);
		set_text(gap, "name", xasprintf("%s more in between", k));
		free(k);
		json_object_set_new(gap, "is_gap", json_true());
		json_array_append_new(rows, gap);
		for (size_t i = q - MANAGERS_ENDS; i < q; i++)
			json_array_append_new(rows, manager_row(&x->managers[i]));
	}
	if (all)
		for (size_t i = q; i < n; i++)
			json_array_append_new(rows, manager_row(&x->managers[i]));
	json_object_set_new(o, "rows", rows);
	json_object_set_new(o, "any", json_boolean(n > 0));
	set_text(o, "count", format_count((int64_t)n));
	set_text(o, "qualifying", format_count((int64_t)q));
	json_object_set_new(o, "min_closed", json_integer(MANAGER_MIN_CLOSED));
	size_t left_out = all ? 0 : n - q;
	json_object_set_new(o, "left_out", json_integer((json_int_t)left_out));
	set_text(o, "left_out_text", format_count((int64_t)left_out));
	return o;
}

#define ATTRIBUTION_PARTNERS 25 /* partners the attribution page lists by name */

/* A row of the attribution page's partner table from a window block. */
static json_t *attribution_row(const struct block *b, const char *cur)
{
	json_t *o = json_object();
	set_text(o, "sourced", format_money(b->sourced_revenue, cur));
	set_text(o, "influenced", format_money(b->influenced_revenue, cur));
	set_text(o, "untagged", format_money(b->untagged_revenue, cur));
	set_text(o, "won", format_money(b->won_revenue, cur));
	set_text(o, "won_deals", format_count(b->won_deals));
	set_text(o, "win_rate", fmt_ratio(b->win_rate));
	return o;
}

/* The window's partner revenue by attribution: the first
 * ATTRIBUTION_PARTNERS partners by won revenue (the index's order), the
 * rest of the partner total in one row (the other active partners and any
 * partner no longer active, whose deals still count), and the total. */
static json_t *attribution_partners(const struct model *m, const struct metrics *x, char *const *slugs)
{
	const char *cur = m->program.currency;
	json_t *rows = json_array();
	struct block rest = x->totals[RANGE_WINDOW];
	size_t shown = x->n_partners < ATTRIBUTION_PARTNERS ? x->n_partners : ATTRIBUTION_PARTNERS;
	for (size_t i = 0; i < shown; i++) {
		const struct partner_metrics *p = &x->partners[x->by_won[i]];
		const struct block *b = &p->blocks[RANGE_WINDOW];
		json_t *r = attribution_row(b, cur);
		json_object_update_missing_new(r, partner_ref(m, p, slugs[x->by_won[i]]));
		json_array_append_new(rows, r);
		/* every partner deal is in the totals: the rest stays >= 0 */
		rest.sourced_revenue -= b->sourced_revenue;
		rest.influenced_revenue -= b->influenced_revenue;
		rest.untagged_revenue -= b->untagged_revenue;
		rest.won_revenue -= b->won_revenue;
		rest.won_deals -= b->won_deals;
		rest.lost_deals -= b->lost_deals;
	}
	if (rest.won_revenue < 0 || rest.won_deals < 0)
		BUG("partners won more than the partner total");
	json_t *o = json_object();
	json_object_set_new(o, "rows", rows);
	size_t more = x->n_partners - shown;
	bool any_rest = more > 0 || rest.won_deals > 0 || rest.lost_deals > 0;
	json_t *r = json_null();
	if (any_rest) {
		rest.win_rate = rest.won_deals + rest.lost_deals
					? (double)rest.won_deals / (double)(rest.won_deals + rest.lost_deals)
					: METRIC_NULL;
		r = attribution_row(&rest, cur);
		char *k = format_count((int64_t)more);
		set_text(r, "label", more ? xasprintf("The other %s partners", k)
					  : xstrdup("Partners no longer active"));
		free(k);
	}
	json_object_set_new(o, "rest", r);
	json_object_set_new(o, "total", attribution_row(&x->totals[RANGE_WINDOW], cur));
	return o;
}

/* The partners index's filters: one per flag. */
static json_t *flag_filters(void)
{
	json_t *filters = json_array();
	for (int f = 0; f < ACTION_FLAG_COUNT; f++) {
		json_t *o = json_object();
		json_object_set_new(o, "flag", json_string(action_flag_names[f]));
		json_object_set_new(o, "label", json_string(flag_labels[f]));
		json_array_append_new(filters, o);
	}
	return filters;
}

json_t *context_partner(const struct model *m, const struct metrics *x, char *const *slugs, size_t i,
			json_t *metrics)
{
	const struct partner_metrics *p = &x->partners[i];
	const char *cur = m->program.currency;
	json_t *po = metrics ? metrics : partner_json(m, x, p);
	blocks_text(po, p->blocks, RANGE_WINDOW + 1, cur);
	json_t *txt = json_object_get(po, "text");
	json_t *ptext = partner_text(m, x, p);
	json_object_update(txt, ptext);
	json_decref(ptext);
	json_object_set_new(po, "slug", json_string(slugs[i]));
	json_object_set_new(po, "tier_label", json_string(m->program.tiers[p->tier].label));
	json_object_set_new(po, "recommendation_label",
			    json_string(p->recommendation == REC_PROMOTE  ? "Promote"
					: p->recommendation == REC_DEMOTE ? "Demote"
									  : ""));
	json_object_set_new(po, "missing_assets", missing_assets(m, p));
	set_or_null(po, "missing_text", missing_text(m, p));
	json_object_set_new(po, "overdue", json_boolean(p->flags & ACTION_REVIEW_OVERDUE));
	json_object_set_new(po, "flag_list", partner_flags(m, x, p));
	json_object_set_new(po, "rec", recommendation(m, x, p));
	json_object_set_new(po, "open_deals", deal_rows(m, p->open_deals, p->n_open_deals, false));
	json_object_set_new(po, "won_deals", deal_rows(m, p->won_deals, p->n_won_deals, true));
	index_row(x, p, po);
	return po;
}

json_t *context_partner_row(const struct model *m, const struct metrics *x, char *const *slugs, size_t i)
{
	const struct partner_metrics *p = &x->partners[i];
	const struct block *w = &p->blocks[RANGE_WINDOW];
	const char *cur = m->program.currency;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(m->partners[p->partner].id));
	json_object_set_new(o, "name", json_string(m->partners[p->partner].name));
	json_object_set_new(o, "tier", json_string(m->program.tiers[p->tier].id));
	json_object_set_new(o, "slug", json_string(slugs[i]));
	json_object_set_new(o, "tier_label", json_string(m->program.tiers[p->tier].label));
	/* the figures as the scorecard's text says them */
	json_t *t = json_object(), *window = json_object();
	set_text(window, "won_revenue", format_money(w->won_revenue, cur));
	set_text(window, "win_rate", fmt_ratio(w->win_rate));
	json_object_set_new(t, "window", window);
	set_text(t, "reviews", reviews_text(p));
	set_text(t, "review_adherence", fmt_ratio(p->review_adherence));
	set_text(t, "tier_age_days", format_days(p->tier_age_days));
	set_text(t, "enablement_coverage", fmt_ratio(p->enablement_coverage));
	json_object_set_new(o, "text", t);
	json_object_set_new(o, "flag_list", partner_flags(m, x, p));
	index_row(x, p, o);
	return o;
}

static void governance(const struct model *m, const struct metrics *x, char *const *slugs, json_t *root)
{
	json_t *o = json_object();
	json_object_set_new(o, "reviews", exception(m, x, slugs, EXC_REVIEWS));
	json_object_set_new(o, "stale", exception(m, x, slugs, EXC_STALE));
	json_object_set_new(o, "recommendations", exception(m, x, slugs, EXC_RECOMMENDATION));
	json_object_set_new(o, "reviews_measured", json_boolean(m->present[FILE_REVIEWS]));
	json_object_set_new(root, "exceptions", o);
	json_object_set_new(root, "managers", managers_table(x));
	const char *cur = m->program.currency;
	json_t *tiers = json_object_get(root, "tiers");
	for (size_t t = 0; t < x->n_tiers; t++) {
		const struct tier_metrics *tm = &x->tiers[t];
		set_text(json_object_get(json_array_get(tiers, t), "text"), "forecast_vs_actual",
			 tm->fig.has_forecast
				 ? format_over_under(tm->blocks[RANGE_MONTH].won_revenue, tm->fig.forecast, cur)
				 : NULL);
	}
	set_text(json_object_get(json_object_get(root, "totals"), "text"), "forecast_vs_actual",
		 x->fig.has_forecast
			 ? format_over_under(x->totals[RANGE_MONTH].won_revenue, x->fig.forecast, cur)
			 : NULL);
}

static char *utc_time(int64_t t)
{
	day_t d = (day_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
	int64_t s = t - (int64_t)d * 86400;
	char date[11];
	date_format_iso(d, date);
	return xasprintf("%s %02d:%02d UTC", date, (int)(s / 3600), (int)(s / 60 % 60));
}

json_t *context_build(const struct model *m, const struct metrics *x,
		      const struct context_options *o)
{
	const char *cur = m->program.currency;
	json_t *root = context_metrics_base(m, x);
	json_object_del(root, "partners"); /* one at a time: context_partner */
	const struct period *pd = &x->period;

	json_t *program = json_object_get(root, "program");
	json_object_set_new(program, "company", json_string(m->program.company ? m->program.company : ""));
	json_t *period = json_object_get(root, "period");
	set_text(period, "label", period_label(pd->month));
	set_text(period, "previous_label", period_label(pd->month - 1));
	set_text(period, "short", xasprintf("%s %d", month_abbr(pd->month % 12 + 1), pd->month / 12));
	set_text(period, "previous_short",
		 xasprintf("%s %d", month_abbr((pd->month - 1) % 12 + 1), (pd->month - 1) / 12));
	int first = month_of_day(pd->window_start);
	set_text(period, "window_label",
		 first == pd->month ? period_label(pd->month)
				    : xasprintf("%s %d to %s %d", month_abbr(first % 12 + 1), first / 12,
						month_abbr(pd->month % 12 + 1), pd->month / 12));
	json_object_set_new(period, "window_months", json_integer(m->program.window_months));
	set_text(root, "generated", utc_time(o->generated_at));

	json_t *totals = json_object_get(root, "totals");
	blocks_text(totals, x->totals, RANGE_COUNT, cur);
	json_t *tt = json_object_get(totals, "text");
	scope_text(tt, &x->fig);
	set_text(tt, "partner_share", fmt_ratio(x->partner_share));
	set_text(tt, "manager_spread",
		 metric_is_null(x->manager_spread) ? NULL : format_points(x->manager_spread));
	set_text(tt, "forecast", x->fig.has_forecast ? format_money(x->fig.forecast, cur) : NULL);
	blocks_text(json_object_get(root, "direct"), x->direct, RANGE_COUNT, cur);

	json_t *lift = json_object_get(root, "lift");
	json_t *lt = json_object();
	set_text(lt, "win_rate_pts",
		 metric_is_null(x->lift_win_rate_pts) ? NULL : format_points(x->lift_win_rate_pts));
	set_text(lt, "deal_size",
		 metric_is_null(x->lift_deal_size) ? NULL : format_signed_percent(x->lift_deal_size));
	char *cd = NULL;
	if (!metric_is_null(x->lift_cycle_days)) {
		char *days = format_days(x->lift_cycle_days);
		cd = xasprintf("%s%s", x->lift_cycle_days > 0 ? "+" : "", days);
		free(days);
	}
	set_text(lt, "cycle_days", cd);
	json_object_set_new(lift, "text", lt);

	json_t *tiers = json_object_get(root, "tiers");
	for (size_t t = 0; t < x->n_tiers; t++) {
		const struct tier_metrics *tm = &x->tiers[t];
		json_t *to = json_array_get(tiers, t);
		blocks_text(to, tm->blocks, RANGE_COUNT, cur);
		json_t *txt = json_object_get(to, "text");
		scope_text(txt, &tm->fig);
		set_text(txt, "revenue_per_partner",
			 tm->has_revenue_per_partner ? format_money(tm->revenue_per_partner, cur) : NULL);
		set_text(txt, "forecast", tm->fig.has_forecast ? format_money(tm->fig.forecast, cur) : NULL);
		json_object_set_new(to, "review_every_days",
				    json_integer(m->program.tiers[tm->tier].review_every_days));
	}

	char **own_slugs = o->slugs ? NULL : context_partner_slugs(m, x);
	char *const *slugs = o->slugs ? o->slugs : own_slugs;
	json_t *groups = kpi_groups(m, x);
	json_object_set_new(root, "kpi_groups", groups);
	json_t *won = json_array_get(json_object_get(json_array_get(groups, 0), "tiles"), 0);
	set_text(root, "email_subject", email_subject(m, x, won));
	set_text(root, "headline", context_headline(m, x));
	json_object_set_new(root, "moved", moved(m, x, slugs));
	json_object_set_new(root, "health_panel", health_panel(m, x, root));
	json_object_set_new(root, "actions_top", actions_top(m, x, slugs));
	size_t more = x->n_actions > CONTEXT_ACTIONS_SHOWN ? x->n_actions - CONTEXT_ACTIONS_SHOWN : 0;
	json_object_set_new(root, "actions_more", json_integer((json_int_t)more));
	char *n = format_count((int64_t)more);
	set_text(root, "actions_more_text",
		 xasprintf("%s more partner%s with actions", n, more == 1 ? "" : "s"));
	free(n);
	json_object_set_new(root, "action_groups", action_groups(m, x, slugs));
	json_object_set_new(root, "flag_filters", flag_filters());
	governance(m, x, slugs, root);
	json_object_set_new(root, "attribution_partners", attribution_partners(m, x, slugs));
	json_object_set_new(root, "files", data_quality(m));
	json_object_set_new(root, "has_warnings", json_boolean(m->warnings.total > 0));
	json_object_set_new(root, "has_skipped", json_boolean(m->skipped.total > 0));
	json_t *assets = json_array();
	for (size_t i = 0; i < m->program.n_assets; i++)
		json_array_append_new(assets, json_string(m->program.assets[i]));
	json_object_set_new(root, "enablement_assets", assets);
	struct buf at = {0};
	for (size_t i = 0; i < m->program.n_assets; i++)
		buf_printf(&at, "%s%s", i ? ", " : "", m->program.assets[i]);
	set_text(root, "enablement_assets_text", buf_detach(&at));
	const char *url = m->program.site_url;
	bool web = url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7));
	if (web) { /* without a trailing slash: templates add "/YYYY-MM/..." */
		size_t n = strlen(url);
		while (n > 0 && url[n - 1] == '/')
			n--;
		char *u = xstrndup(url, n);
		json_object_set_new(root, "site_url", json_string(u));
		free(u);
	} else {
		json_object_set_new(root, "site_url", json_null());
	}
	json_object_set_new(program, "stale_tier_days", json_integer(m->program.stale_tier_days));
	context_slugs_free(own_slugs, x->n_partners);
	return root;
}

/* --- the archive ----------------------------------------------------------- */

static cents_t json_cents(const json_t *v)
{
	return json_is_number(v) ? (cents_t)llround(json_number_value(v) * 100) : 0;
}

static char *json_ratio_text(const json_t *v)
{
	return json_is_number(v) ? format_percent(json_number_value(v), 1) : NULL;
}

json_t *context_archive_row(const char *month, const json_t *mj)
{
	const char *cur = json_string_value(json_object_get(json_object_get(mj, "program"), "currency"));
	if (!cur)
		cur = "USD";
	const json_t *totals = json_object_get(mj, "totals");
	const json_t *mon = json_object_get(totals, "month");
	json_t *r = json_object();
	int mo = 0;
	month_parse(month, &mo);
	json_object_set_new(r, "month", json_string(month));
	set_text(r, "label", period_label(mo));
	set_text(r, "href", xasprintf("%s/index.html", month));
	set_text(r, "won_revenue", format_money_compact(json_cents(json_object_get(mon, "won_revenue")), cur));
	set_text(r, "sourced_revenue",
		 format_money_compact(json_cents(json_object_get(mon, "sourced_revenue")), cur));
	set_text(r, "win_rate", json_ratio_text(json_object_get(mon, "win_rate")));
	set_text(r, "partner_share", json_ratio_text(json_object_get(totals, "partner_share")));
	/* the five parts in order, one column each: a part the month's file
	 * does not name (a metrics.json of another schema) is unknown */
	int status[HEALTH_COUNT] = {0};
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(mj, "health"), i, h) {
		int st = name_index(health_status_names, 4, json_string_value(json_object_get(h, "status")));
		int part = name_index(health_part_names, HEALTH_COUNT,
				      json_string_value(json_object_get(h, "part")));
		if (st >= 0 && part >= 0)
			status[part] = st;
	}
	json_t *health = json_array();
	for (int part = 0; part < HEALTH_COUNT; part++) {
		json_t *o = json_object();
		json_object_set_new(o, "part", json_string(health_part_names[part]));
		json_object_set_new(o, "label", json_string(part_labels[part]));
		json_object_set_new(o, "status", json_string(health_status_names[status[part]]));
		json_object_set_new(o, "status_label", json_string(status_labels[status[part]]));
		json_array_append_new(health, o);
	}
	json_object_set_new(r, "health", health);
	const char *nf_label = context_part_label(json_string_value(json_object_get(mj, "next_fix")));
	json_object_set_new(r, "next_fix", json_string(nf_label ? nf_label : "none: all green"));
	const json_t *name = json_object_get(json_object_get(mj, "program"), "name");
	json_object_set_new(r, "program", json_string(json_is_string(name) ? json_string_value(name) : ""));
	return r;
}

bool context_archive_won(const json_t *mj, cents_t *won)
{
	const json_t *v = json_object_get(json_object_get(json_object_get(mj, "totals"), "month"),
					  "won_revenue");
	if (!json_is_number(v) || json_number_value(v) < 0 ||
	    json_number_value(v) > (double)METRICS_MONEY_MAX / 100)
		return false;
	*won = json_cents(v);
	return true;
}
