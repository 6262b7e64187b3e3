/* chart: one small chart description, drawn by one cairo routine onto an
 * SVG surface (the site) or a PNG surface at 2x scale (the email). Kinds:
 * stacked bars, grouped bars, lines of several series, ranked horizontal
 * bars, a sparkline and a grid (rows x columns of counts, for the review
 * cadence). Text is DejaVu Sans; the palette is colour-blind safe. */
#ifndef REVIEWPACK_CHART_H
#define REVIEWPACK_CHART_H

#include <stddef.h>

#include "util.h"

enum chart_kind {
	CHART_STACKED_BARS,  /* categories along x, series stacked */
	CHART_GROUPED_BARS,  /* categories along x, series side by side */
	CHART_LINES,         /* categories along x, one line per series */
	CHART_HBARS,         /* one series, one horizontal bar per category, in the given order */
	CHART_SPARKLINE,     /* one series as a small line, no axes */
	CHART_GRID,          /* series = rows, categories = columns, cell shade by value */
};

enum chart_value {
	CHART_MONEY,         /* currency units (not cents); labels use chart.currency */
	CHART_PERCENT,       /* fractions: 0.25 is 25% */
	CHART_COUNT,         /* whole numbers */
};

struct chart_series {
	const char *name;
	const double *values;   /* n_categories values; NAN = no value */
};

struct chart {
	enum chart_kind kind;
	enum chart_value value;
	const char *title;      /* may be NULL */
	const char *currency;   /* ISO 4217 code for CHART_MONEY labels; NULL = USD */
	const char *const *categories;
	size_t n_categories;
	const struct chart_series *series;
	size_t n_series;
	int width, height;      /* CSS pixels; 0 = the kind's default (see chart_size) */
};

/* The size the chart is drawn at, in CSS pixels: width/height when set,
 * else 600 x 300 (sparkline 120 x 32; hbars and grid grow with the number
 * of categories or rows). */
void chart_size(const struct chart *c, int *width, int *height);

/* Draw c as SVG (1x) and append the document to out. Returns 0, or -1
 * with *err set to a static message. Same chart, same bytes. */
int chart_render_svg(const struct chart *c, struct buf *out, char **err);

/* Draw c as a PNG at 2x scale (for a 600 CSS px wide email) and append the
 * file to out. Returns 0, or -1 with *err set to a static message. */
int chart_render_png(const struct chart *c, struct buf *out, char **err);

/* One sentence naming what the chart shows and its key figure, e.g.
 * "Stacked bars of partner won revenue by tier, last 12 months; latest
 * month Oct 26: $1.2M in all." A chart without data says so. Returns a new
 * string; caller frees. */
char *chart_alt_text(const struct chart *c);

/* Nice axis ticks for [lo, hi]: a step of 1, 2 or 5 times a power of ten
 * giving at most max_ticks intervals; *t0 and *t1 are lo and hi rounded
 * out to the step (t0 = 0 when lo >= 0). */
void chart_ticks(double lo, double hi, int max_ticks, double *t0, double *t1, double *step);

#endif
