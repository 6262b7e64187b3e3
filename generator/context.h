/* context: the edge where figures become text. Builds metrics.json (SPEC 5)
 * from the metrics, and the template context: everything in metrics.json
 * plus display text for every figure, page slugs, chart references and the
 * evidence sentences of the health panel. */
#ifndef REVIEWPACK_CONTEXT_H
#define REVIEWPACK_CONTEXT_H

#include <jansson.h>
#include <stdint.h>

#include "metrics.h"
#include "model.h"

/* The metrics.json tree of SPEC 5; caller owns the reference (json_decref).
 * Keys come in a fixed order (the writer keeps insertion order): schema,
 * program, period, totals, direct, lift, tiers, partners, health,
 * next_fix, drivers, actions, data_quality. drivers is {"by_tier":
 * [{"tier", "month", "previous", "change"}] by rank, "direct": {"month",
 * "previous", "change"}, "gainers" and "decliners": [{"partner",
 * "change"}] (at most 5 each, metrics' order)}; actions is [{"partner",
 * "flags": [names in SPEC order], "in_play"}] in metrics' order. Money is
 * a number in currency units (at most two decimals), partners by id. */
json_t *context_metrics_json(const struct model *m, const struct metrics *x);
/* metrics.json in pieces, so that a large program's is written without
 * holding every partner's tree at once: the tree with its "partners" array
 * empty, and partner i's object of that array (x->partners order).
 * context_metrics_json is the one with each partner's appended. Caller
 * owns the references. */
json_t *context_metrics_base(const struct model *m, const struct metrics *x);
json_t *context_metrics_partner(const struct model *m, const struct metrics *x, size_t i);

/* One sentence of evidence for health part `part`; caller frees. */
char *context_health_evidence(const struct model *m, const struct metrics *x, int part);

/* A page slug for each active partner (x->partners order): ASCII
 * [a-z0-9-], never empty, never "index", unique. The readable form of the
 * id (lower-case letters and digits, other runs as '-', "partner" when
 * none) when no other partner of the data has the same one; else, and
 * for "index", that form and 8 hex digits of a hash of the id (more when
 * taken), except for the id that is that form itself. Decided over every
 * partner of m, in linear time, so a partner's slug is the same in every
 * month built from the same partners.csv. Returns x->n_partners strings;
 * free with context_slugs_free. The template context carries them as
 * partners[].slug. */
char **context_partner_slugs(const struct model *m, const struct metrics *x);
void context_slugs_free(char **slugs, size_t n);

/* The display label of a health part ("operating_model" -> "Operating
 * model"), static, or NULL for an unknown name. */
const char *context_part_label(const char *part);
/* One row of the archive (every month of the site) from a month's
 * metrics.json ("2026-10" and its tree, read back from disk): month,
 * label, href, the headline figures as text, health [{part, label,
 * status, status_label}] (the five parts in order; a part the file does
 * not name, as in a metrics.json of another schema, is "unknown"),
 * next_fix (label) and program. Caller owns the reference. */
json_t *context_archive_row(const char *month, const json_t *metrics_json);
/* The month's partner won revenue (totals.month.won_revenue) of a
 * metrics.json read back from disk, in cents; false when it has none. */
bool context_archive_won(const json_t *metrics_json, cents_t *won);

/* The executive summary's first sentence, built from the figures: the
 * month's partner won revenue and its change, the tiers that moved it
 * (SPEC 4.7) and the next fix, e.g. "Partner won revenue fell 20.9% to
 * $2.3M; Core fell $500K and Strategic $116K; next fix: attribution and
 * incentives." Plain text; caller frees. */
char *context_headline(const struct model *m, const struct metrics *x);

/* How many actions the summary and the email show (SPEC 4.8); the rest
 * are counted and linked to the actions page. */
#define CONTEXT_ACTIONS_SHOWN 10

struct context_options {
	int64_t generated_at;      /* unix seconds (SOURCE_DATE_EPOCH or now) */
	char *const *slugs;        /* context_partner_slugs', or NULL: made here */
};

/* The template context every page shares: the metrics.json tree without
 * its partners, plus display text; caller owns the reference. Besides each
 * figure's "text", the summary and the email read: headline
 * (context_headline), email_subject, kpi_groups (the month's and the
 * trailing window's four tiles, also two to a row in "rows"), moved (SPEC
 * 4.7: tiers, total, direct, gainers, decliners), health_panel and
 * next_fix_part (with "why"), actions_top (the first
 * CONTEXT_ACTIONS_SHOWN actions, each with its flags in words),
 * actions_more and actions_more_text, action_groups (every action under
 * each of its flags, for the actions page) and flag_filters (the partners
 * index's). The partners themselves come one at a time, for the page
 * that shows them: context_partner, context_partner_row. */
json_t *context_build(const struct model *m, const struct metrics *x,
		      const struct context_options *o);

/* Partner i (x->partners order) as its own page sees it: its metrics.json
 * object (metrics: context_metrics_partner's, whose reference the result
 * takes over and adds to; NULL: made here) plus "text" (the month's, the
 * previous month's and the window's figures, and the partner's own, as
 * text), slug, tier_label, recommendation_label, missing_assets,
 * missing_text, overdue, flag_list (each flag in words), rec (the
 * recommendation and its threshold), open_deals, won_deals, sort and
 * flag_keys. Caller owns the reference. Any thread may call it. */
json_t *context_partner(const struct model *m, const struct metrics *x, char *const *slugs, size_t i,
			json_t *metrics);
/* Partner i's row of the partners index: id, name, tier, slug,
 * tier_label, text (window.won_revenue, window.win_rate, reviews,
 * review_adherence, tier_age_days, enablement_coverage), flag_list, sort
 * and flag_keys, each as context_partner has it. Caller owns the
 * reference. Any thread may call it. */
json_t *context_partner_row(const struct model *m, const struct metrics *x, char *const *slugs, size_t i);

#endif
