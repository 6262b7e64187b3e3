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
	struct chart chart;  /* the description; its arrays are owned by the set */
	json_t *table;       /* {"columns": [...], "align": "|---|--:|", "rows": [{"cells": [...]}]} */
};

struct chartset {
	struct pack_chart *items;
	size_t n, cap;
	void **owned;        /* every allocation the descriptions point into */
	size_t n_owned, cap_owned;
};

/* Describe every chart of the pack; slugs name the partners' sparklines
 * (context_partner_slugs order). Returns a new set; free with chartset_free. */
struct chartset *chartset_build(const struct model *m, const struct metrics *x, char *const *slugs);
/* Frees the set and everything it owns; accepts NULL. */
void chartset_free(struct chartset *s);

#endif
