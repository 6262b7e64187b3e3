/* chartset: the charts of the pack (SPEC 6), described from the metrics:
 * for each, a chart description (chart.h) and the table it is drawn from,
 * ready for the templates. Drawing happens in pack.c. */
#ifndef REVIEWPACK_CHARTSET_H
#define REVIEWPACK_CHARTSET_H

#include <jansson.h>

#include "chart.h"
#include "metrics.h"
#include "model.h"

struct pack_chart {
	char *name;          /* file stem, e.g. "tier-revenue" or "spark-acme" */
	char *key;           /* context key, e.g. "tier_revenue"; NULL for sparklines */
	int partner;         /* index into metrics->partners for sparklines, else -1 */
	bool email;          /* drawn as PNG for the email edition too */
	struct chart chart;  /* the description; its arrays are owned by the set */
	json_t *table;       /* {"columns": [...], "align": "|---|--:|", "rows": [{"cells": [...]}]};
			      * NULL for a sparkline made without one */
	json_t *facts;       /* display text about the chart for the templates, or NULL:
			      * sparklines {"title", "first_month", "first", "last_month", "last"},
			      * the cadence grid {"shown", "with_gap", "more", "without_gap", "note"} */
};

struct chartset {
	struct pack_chart *items;
	size_t n, cap;
	void **owned;        /* every allocation the descriptions point into */
	size_t n_owned, cap_owned;
};

/* Describe the pack's charts (its pages' and the email's; not the
 * partners' sparklines). Returns a new set; free with chartset_free. */
struct chartset *chartset_build(const struct model *m, const struct metrics *x);
/* Partner i's sparkline (x->partners order): a set of one chart named
 * "spark-SLUG" (slugs: context_partner_slugs'), partner i, with its facts
 * and, when table is true, its table (else table is NULL). Partners come
 * one at a time, so that no set holds every partner's. Any thread may
 * call it. Free with chartset_free. */
struct chartset *chartset_partner(const struct model *m, const struct metrics *x, char *const *slugs,
				  size_t i, bool table);
/* The archive's sparkline of partner won revenue over the 12 months
 * ending with month number last_month (date.h): won[i] in cents for month
 * last_month - 11 + i, present[i] false where no pack of that month was
 * found (drawn as a gap). Returns a set of one chart (name "archive-won",
 * key "archive_won", partner -1) with its table and sparkline facts; free
 * with chartset_free. */
struct chartset *chartset_archive(const char *currency, int last_month, const cents_t won[TREND_MONTHS],
				  const bool present[TREND_MONTHS]);
/* Frees the set and everything it owns; accepts NULL. */
void chartset_free(struct chartset *s);

#endif
