/* chart: one small chart description, drawn by one cairo routine onto an
 * SVG surface (the site: for its content column and for phones, each light
 * and dark) or a PNG surface at 2x scale (the email). Kinds: stacked bars, grouped bars, lines of
 * several series, ranked horizontal bars, a sparkline and a grid (rows x
 * columns of counts, for the review cadence). Text goes through pango
 * (DejaVu Sans, then Droid Sans Fallback for Chinese and Japanese and
 * WenQuanYi Micro Hei for Korean, then whatever fontconfig offers),
 * measured and ellipsized to fit.
 *
 * Colours carry one meaning each across the pack (the series' paint, not
 * their position): tiers take the tier set in rank order, partner figures
 * a teal (deep for sourced, light for influenced, hatched for untagged,
 * an outline for a forecast), direct a grey drawn dashed as a line, and a
 * gap in a grid a red outline. Every bar, line and swatch keeps 3:1
 * contrast on its background and every text 4.5:1, in both themes (a
 * grid's lighter shades carry their count as text). */
#ifndef REVIEWPACK_CHART_H
#define REVIEWPACK_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The page's content column (72rem less 2 x 1.25rem padding at 16 px, in
 * assets/style.css), a phone's (a 360 px screen less the padding) and the
 * email's image column (600 less 2 x 24 px padding, in
 * templates/email.html), in CSS px. */
#define CHART_SITE_WIDTH 1112
#define CHART_NARROW_WIDTH 320
#define CHART_EMAIL_WIDTH 552

enum chart_kind {
	CHART_STACKED_BARS,  /* categories along x, series stacked */
	CHART_GROUPED_BARS,  /* categories along x, series side by side */
	CHART_LINES,         /* categories along x, one line per series */
	CHART_HBARS,         /* one series, one horizontal bar per category, in the given order */
	CHART_SPARKLINE,     /* one series as a small line, no axes, no text */
	CHART_GRID,          /* series = rows, categories = columns, cell shade by value */
};

enum chart_value {
	CHART_MONEY,         /* currency units (not cents); labels use chart.currency */
	CHART_PERCENT,       /* fractions: 0.25 is 25% */
	CHART_COUNT,         /* whole numbers */
};

/* What a series' colour means. */
enum chart_paint {
	CHART_PAINT_AUTO,       /* the tier set by the series' position (charts of no fixed meaning) */
	CHART_PAINT_TIER,       /* the tier of rank index .tier (0 = rank 1) */
	CHART_PAINT_PARTNER,    /* partner figures (and a partner's actual against forecast) */
	CHART_PAINT_DIRECT,     /* direct deals: grey, a dashed line */
	CHART_PAINT_SOURCED,    /* partner teal, deep */
	CHART_PAINT_INFLUENCED, /* partner teal, light */
	CHART_PAINT_UNTAGGED,   /* partner teal, hatched */
	CHART_PAINT_FORECAST,   /* partner teal, outline only */
};

struct chart_series {
	const char *name;
	const double *values;   /* n_categories values; NAN = no value */
	enum chart_paint paint; /* 0 = by position */
	int tier;               /* rank index for CHART_PAINT_TIER */
	const bool *marked;     /* grid: n_categories flags, cells drawn as gaps; NULL = none */
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
	const char *note;       /* a sentence the alt text ends with (rows not shown, ...); may be NULL */
	const char *empty;      /* what a chart without data says instead of "No data"; may be NULL */
	const char *marked_label; /* grid legend entry for marked cells; may be NULL */
};

enum chart_theme {
	CHART_LIGHT,            /* opaque white background (the site's light theme, the email) */
	CHART_DARK,             /* transparent, for the dark theme's page and surface colours */
};

/* Where a drawing goes: the site's content column, a phone's (pages pick
 * it for screens up to 40rem wide), the email. Text is drawn at the size
 * readers see there: 12 to 17 px. */
enum chart_layout {
	CHART_SITE,             /* CHART_SITE_WIDTH x 400 */
	CHART_SITE_NARROW,      /* CHART_NARROW_WIDTH x 300 */
	CHART_EMAIL,            /* CHART_EMAIL_WIDTH x 320, drawn as PNG at twice that */
};

/* The size c is drawn at for a layout, in CSS pixels: width/height when
 * set, else the layout's (a sparkline 120 x 32 everywhere; hbars and grid
 * grow with the number of categories or rows, a long title with its
 * second line). */
void chart_size_for(const struct chart *c, enum chart_layout layout, int *width, int *height);
/* chart_size_for(c, CHART_SITE, ...). */
void chart_size(const struct chart *c, int *width, int *height);

/* Whether the chart has dark and narrow variants: sparklines have no
 * text and one colour that holds on both themes, so their site SVG serves
 * every page. */
bool chart_has_variants(const struct chart *c);

/* The site's drawings of a chart besides its light one (NAME.svg): the
 * file name suffix, the key that names the file in the page context, and
 * the layout and theme drawn. Pages pick one with <picture> sources
 * (prefers-color-scheme: dark; max-width: 40rem). */
#define CHART_VARIANTS 3
struct chart_variant {
	const char *suffix, *key;
	enum chart_layout layout;
	enum chart_theme theme;
};
extern const struct chart_variant chart_variants[CHART_VARIANTS];

/* Draw c as SVG (1x) for a layout in a theme and append the document to
 * out. Returns 0, or -1 with *err set to a static message. Same chart,
 * same bytes. */
int chart_render_svg_for(const struct chart *c, enum chart_layout layout, enum chart_theme theme,
			 struct buf *out, char **err);
/* chart_render_svg_for(c, CHART_SITE, CHART_LIGHT, ...). */
int chart_render_svg(const struct chart *c, struct buf *out, char **err);

/* Draw c as a PNG for the email (CHART_EMAIL, light, opaque, at 2x) and
 * append the file to out. Returns 0, or -1 with *err set to a static
 * message. */
int chart_render_png(const struct chart *c, struct buf *out, char **err);

/* One sentence naming what the chart shows and its key figure, e.g.
 * "Stacked bar chart: Partner won revenue by tier, last 12 months;
 * latest, Oct 2026: $1.2M in all (Gold $800K, Silver $400K)." then the
 * note. A chart without data says so. Returns a new string; caller frees. */
char *chart_alt_text(const struct chart *c);

/* Nice axis ticks for [lo, hi]: a step of 1, 2 or 5 times a power of ten
 * giving at most max_ticks intervals; *t0 and *t1 are lo and hi rounded
 * out to the step (t0 = 0 when lo >= 0). */
void chart_ticks(double lo, double hi, int max_ticks, double *t0, double *t1, double *step);

/* What the chart text path makes of one label at size px, fitted to
 * max_width px (0 = no limit) on one line: its width, whether it was
 * shortened with an ellipsis, how many of its glyphs no font has (drawn
 * as boxes) and the families of the fonts chosen, comma-separated. */
struct chart_text_probe {
	double width;
	bool ellipsized;
	int unknown_glyphs;
	char families[160];
};
void chart_probe_text(const char *s, double size, double max_width, struct chart_text_probe *out);

#endif
