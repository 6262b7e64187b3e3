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

/* One sentence of evidence for health part `part`; caller frees. */
char *context_health_evidence(const struct model *m, const struct metrics *x, int part);

/* A page slug for each active partner (x->partners order): ASCII
 * [a-z0-9-], never empty, unique within the month, derived from the
 * partner id so it stays the same across months. Returns n strings;
 * free with context_slugs_free. */
char **context_partner_slugs(const struct model *m, const struct metrics *x);
void context_slugs_free(char **slugs, size_t n);

/* The display label of a health part ("operating_model" -> "Operating
 * model"), static, or NULL for an unknown name. */
const char *context_part_label(const char *part);
/* The HTML badge of a health status for part, as the health panel shows
 * it (the status word in its colour, "Part: Status" as its title); NULL
 * when status or part is not a known name (no value reaches the HTML
 * unchecked). Caller frees. */
char *context_badge(const char *status, const char *part);

struct context_options {
	int64_t generated_at;      /* unix seconds (SOURCE_DATE_EPOCH or now) */
};

/* The template context: the metrics.json tree plus display text; caller
 * owns the reference. */
json_t *context_build(const struct model *m, const struct metrics *x,
		      const struct context_options *o);

#endif
