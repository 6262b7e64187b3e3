/* chart: consumes one chart description (const) and produces its picture,
 * drawn by one cairo routine onto an SVG surface at 1x for the site (its
 * content column and phones; a light variant on opaque white, a dark one
 * on a transparent background) or an image surface at 2x written as PNG
 * for the email (light), plus a one-sentence text alternative. Text is laid out by pango: fonts by
 * fontconfig fallback from DejaVu Sans to Droid Sans Fallback (CJK) and
 * on, measured, wrapped and ellipsized to fit, in a fixed language with
 * unhinted metrics so that the same chart gives the same bytes (cairo's
 * process-wide SVG ids are renumbered per document). It refuses no data:
 * NAN and infinities are gaps, a chart whose every value is NAN or 0 shows
 * "No data" (a sparkline of zeros is a flat line), names are cleaned to
 * valid UTF-8. It refuses only pictures cairo cannot make (a PNG taller
 * than cairo's 32767 px limit, a cairo error), with a static message.
 * Glyphs reach the SVG as outlines, so no name reaches its markup. */
#include "chart.h"
#include "format.h"
#include "util.h"

#include <cairo.h>
#include <cairo-svg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* DejaVu Sans covers Latin, Greek, Cyrillic, Arabic and Hebrew; Droid
 * Sans Fallback Chinese and Japanese; WenQuanYi Micro Hei Korean Hangul;
 * fontconfig goes on from there. Naming them keeps the choice the same
 * whatever else is installed (Makefile DEPS_BUILD installs all three). */
#define FONT_FAMILIES "DejaVu Sans,Droid Sans Fallback,WenQuanYi Micro Hei"
#define TEXT_LANGUAGE "en"
#define ELLIPSIS "\xe2\x80\xa6"  /* U+2026 */
#define PNG_SCALE 2
#define MAX_PX 32767             /* cairo's largest image surface side */
#define MAX_HEIGHT 16000         /* CSS px for grown charts: 2x fits MAX_PX */
#define MAX_NAME_CHARS 200       /* code points kept of a name before fitting */

/* Layout, in CSS px. */
#define PAD_L 8.0
#define PAD_R 12.0
#define TITLE_H 38.0
#define TOP_PLAIN 10.0
#define AXIS_ROW 26.0            /* tick labels above hbars, column labels above the grid */
#define BOTTOM_PAD 12.0
#define LEGEND_ROW 24.0
#define NODATA_H 120.0           /* body of a grown chart without data */
#define MAX_TICKS 5
#define SPARK_W 120
#define SPARK_H 32
#define TITLE_LINES 2            /* a longer title is ellipsized on its second line */

/* Each layout's default size and text sizes (px): drawings are shown 1:1
 * in their column, so these are the sizes readers see; none is below 12. */
struct sizes {
	double title, label, value;
};
static const struct layout {
	int width, height;
	struct sizes sz;
} layouts[] = {
	[CHART_SITE] = {CHART_SITE_WIDTH, 400, {17, 13, 12}},
	[CHART_SITE_NARROW] = {CHART_NARROW_WIDTH, 300, {15, 13, 12.5}},
	[CHART_EMAIL] = {CHART_EMAIL_WIDTH, 320, {15, 12, 12}},
};

/* --- colours ---------------------------------------------------------------- */

#define N_TIER_COLOURS 6

/* One colour per meaning and theme. Light fills keep 3:1 on white, dark
 * fills 3:1 on the dark page (#111418) and surface (#1b2027); text keeps
 * 4.5:1 on its background. Tiers follow Okabe and Ito's colour-blind safe
 * hues in rank order (blue, orange, reddish purple, green, sky blue,
 * ochre), toned for each background; within one chart the first four stay
 * apart under protan, deutan and tritan vision. Partner figures are teal
 * in three tones (partner and actual, sourced deep, influenced light),
 * direct a neutral grey: neither is ever a tier. */
struct theme {
	bool opaque;             /* paint the background */
	unsigned bg;             /* the background (drawn or assumed) */
	unsigned title, ink, muted, grid, axis;
	unsigned tiers[N_TIER_COLOURS];
	unsigned partner, sourced, influenced, direct;
	unsigned ramp_lo, ramp_hi; /* grid shades, one review to the most */
	unsigned empty_cell, alert, alert_bg;
	unsigned text_on_light, text_on_dark;
};

static const struct theme themes[] = {
	[CHART_LIGHT] = {
		.opaque = true, .bg = 0xffffff,
		.title = 0x111827, .ink = 0x1f2937, .muted = 0x4b5563, .grid = 0xe5e7eb, .axis = 0x6b7280,
		.tiers = {0x1a4f8f, 0xc46800, 0xb0559a, 0x2f7a35, 0x3d8fd0, 0x8a6d00},
		.partner = 0x00727a, .sourced = 0x00505a, .influenced = 0x3a9aa3, .direct = 0x858c97,
		.ramp_lo = 0xcde7e9, .ramp_hi = 0x00505a,
		.empty_cell = 0xf1f3f6, .alert = 0xb42318, .alert_bg = 0xfde8e6,
		.text_on_light = 0x111827, .text_on_dark = 0xffffff,
	},
	[CHART_DARK] = {
		.opaque = false, .bg = 0x111418,
		.title = 0xf3f4f6, .ink = 0xe6e8eb, .muted = 0xa9b1bc, .grid = 0x2c333d, .axis = 0x8b93a0,
		.tiers = {0x5b9be8, 0xe69f00, 0xde8fc8, 0x3e9a4a, 0x9fd0f2, 0xe0cf45},
		.partner = 0x45c3c1, .sourced = 0x94e3e0, .influenced = 0x22908f, .direct = 0x7e8590,
		.ramp_lo = 0x17393b, .ramp_hi = 0x94e3e0,
		.empty_cell = 0x1f252d, .alert = 0xff8f84, .alert_bg = 0x3d1c1a,
		.text_on_light = 0x111418, .text_on_dark = 0xf3f4f6,
	},
};

/* Sparklines have one SVG for both themes: a partner teal that keeps 3:1
 * on white, #f6f7f9, #111418 and #1b2027, and a grey for "no value". */
#define C_SPARK 0x1b8a94
#define C_SPARK_NONE 0x858c97
#define C_WHITE 0xffffff

/* --- text ----------------------------------------------------------------- */

/* s as valid UTF-8 of at most max_chars code points: invalid bytes become
 * U+FFFD, control characters (C0, DEL, C1) a space, runs of spaces one
 * space, and leading and trailing spaces go. *cut tells whether code points
 * were dropped. Caller frees. */
static char *clean(const char *s, size_t max_chars, bool *cut)
{
	struct buf line = {0}, b = {0};
	buf_put_utf8_line(&line, s); /* valid UTF-8, controls as spaces */
	size_t chars = 0;
	bool space = true; /* drops leading spaces */
	*cut = false;
	for (const char *p = buf_cstr(&line); *p;) {
		size_t n = utf8_seq_len((const unsigned char *)p, 4);
		if (chars == max_chars) {
			*cut = true;
			break;
		}
		if (*p == ' ') {
			if (!space) {
				buf_putc(&b, ' ');
				chars++;
			}
			space = true;
		} else {
			space = false;
			buf_add(&b, p, n);
			chars++;
		}
		p += n;
	}
	buf_free(&line);
	while (b.len && b.data[b.len - 1] == ' ')
		b.len--;
	return buf_detach(&b);
}

enum align { LEFT, CENTRE, RIGHT };

/* The text engine of one drawing: a pango context for its cairo context
 * (made on first use: sparklines draw no text), one layout reused for
 * every label, one font description. */
struct text {
	cairo_t *cr;
	PangoContext *pc;
	PangoLayout *layout;
	PangoFontDescription *font;
};

static void text_init(struct text *t, cairo_t *cr)
{
	memset(t, 0, sizeof *t);
	t->cr = cr;
}

static PangoLayout *text_layout(struct text *t)
{
	if (t->layout)
		return t->layout;
	t->pc = pango_cairo_create_context(t->cr);
	/* the same metrics on every surface and machine: unhinted, unrounded,
	 * one language (not the environment's) */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(t->pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(t->pc, FALSE);
	pango_context_set_language(t->pc, pango_language_from_string(TEXT_LANGUAGE));
	pango_context_set_base_dir(t->pc, PANGO_DIRECTION_LTR);
	t->font = pango_font_description_from_string(FONT_FAMILIES);
	t->layout = pango_layout_new(t->pc);
	pango_layout_set_wrap(t->layout, PANGO_WRAP_WORD_CHAR);
	return t->layout;
}

static void text_free(struct text *t)
{
	if (t->layout)
		g_object_unref(t->layout);
	if (t->pc)
		g_object_unref(t->pc);
	pango_font_description_free(t->font);
}

static double px(int pango_units)
{
	return (double)pango_units / PANGO_SCALE;
}

/* Lay s out (cleaned) at size px: within maxw px on at most `lines`
 * lines, broken between words and ellipsized at the end (maxw <= 0: one
 * line, no limit). Nothing at all when not even an ellipsis fits. Returns
 * the text engine's layout. */
static PangoLayout *lay(struct text *t, const char *s, double size, bool bold, double maxw, int lines)
{
	PangoLayout *l = text_layout(t);
	bool cut;
	char *str = clean(s, MAX_NAME_CHARS, &cut);
	if (cut) {
		char *more = xasprintf("%s" ELLIPSIS, str);
		free(str);
		str = more;
	}
	pango_font_description_set_absolute_size(t->font, size * PANGO_SCALE);
	pango_font_description_set_weight(t->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, t->font);
	pango_layout_set_text(l, str, -1);
	free(str);
	if (maxw > 0) {
		pango_layout_set_width(l, (int)(maxw * PANGO_SCALE));
		pango_layout_set_height(l, -(lines > 1 ? lines : 1));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		PangoRectangle r;
		pango_layout_get_extents(l, NULL, &r);
		if (px(r.width) > maxw + 0.5)
			pango_layout_set_text(l, "", 0);
	} else {
		pango_layout_set_width(l, -1);
		pango_layout_set_height(l, -1);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
	}
	return l;
}

static double width_of(PangoLayout *l)
{
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	return px(r.width);
}

static void colour(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
			     (rgb & 0xff) / 255.0);
}

/* Draw the laid-out text with its first baseline at y, its ink box
 * anchored at x (by the logical box, whatever direction the text runs). */
static void put(struct text *t, PangoLayout *l, double x, double y, enum align a, unsigned rgb)
{
	if (!*pango_layout_get_text(l))
		return;
	pango_layout_set_alignment(l, a == LEFT ? PANGO_ALIGN_LEFT
				      : a == RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	double lx = px(r.x), w = px(r.width);
	double x0 = a == LEFT ? x - lx : a == RIGHT ? x - lx - w : x - lx - w / 2;
	colour(t->cr, rgb);
	cairo_move_to(t->cr, x0, y - px(pango_layout_get_baseline(l)));
	pango_cairo_show_layout(t->cr, l);
}

/* The baseline that centres digits and capitals of a font size on y. */
static double mid_baseline(double y, double size)
{
	return y + size * 0.36;
}

void chart_probe_text(const char *s, double size, double max_width, struct chart_text_probe *out)
{
	memset(out, 0, sizeof *out);
	cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_t *cr = cairo_create(surface);
	struct text t;
	text_init(&t, cr);
	PangoLayout *l = lay(&t, s, size, false, max_width, 1);
	out->width = width_of(l);
	out->ellipsized = pango_layout_is_ellipsized(l);
	out->unknown_glyphs = pango_layout_get_unknown_glyphs_count(l);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	size_t len = 0;
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		PangoFontDescription *d = pango_font_describe(run->item->analysis.font);
		const char *fam = pango_font_description_get_family(d);
		if (fam && !strstr(out->families, fam) &&
		    len + strlen(fam) + 3 < sizeof out->families) {
			len += (size_t)snprintf(out->families + len, sizeof out->families - len, "%s%s",
						len ? ", " : "", fam);
		}
		pango_font_description_free(d);
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	text_free(&t);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
}

/* --- values --------------------------------------------------------------- */

static double value(const struct chart *c, size_t s, size_t k)
{
	if (!c->series || !c->series[s].values)
		return NAN;
	double v = c->series[s].values[k];
	return isfinite(v) ? v : NAN;
}

static bool marked(const struct chart *c, size_t s, size_t k)
{
	return c->series && c->series[s].marked && c->series[s].marked[k];
}

static const char *category(const struct chart *c, size_t k)
{
	return c->categories && c->categories[k] ? c->categories[k] : "";
}

static const char *series_name(const struct chart *c, size_t s)
{
	return c->series && c->series[s].name ? c->series[s].name : "";
}

/* Series drawn: hbars and sparklines draw only their first. */
static size_t drawn_series(const struct chart *c)
{
	if (!c->series)
		return 0;
	return c->kind == CHART_HBARS || c->kind == CHART_SPARKLINE ? (c->n_series ? 1 : 0)
								     : c->n_series;
}

/* Whether series s has a value that is drawn: not NAN and, except in a
 * sparkline (where a zero is a point on the line), not 0. */
static bool series_has_data(const struct chart *c, size_t s)
{
	for (size_t k = 0; k < c->n_categories; k++) {
		double v = value(c, s, k);
		if (!isnan(v) && (v != 0 || c->kind == CHART_SPARKLINE))
			return true;
	}
	return false;
}

static bool has_data(const struct chart *c)
{
	if (!c->n_categories)
		return false;
	for (size_t s = 0; s < drawn_series(c); s++)
		if (series_has_data(c, s))
			return true;
	return false;
}

static bool any_marked(const struct chart *c)
{
	if (c->kind != CHART_GRID || !c->marked_label)
		return false;
	for (size_t s = 0; s < drawn_series(c); s++)
		for (size_t k = 0; k < c->n_categories; k++)
			if (marked(c, s, k))
				return true;
	return false;
}

/* v in the chart's value kind: money compact ("$1.2M", or with `places`
 * decimals of its unit when places > 0), percent with `decimals`
 * decimals, counts whole. Caller frees. */
static char *value_text_places(const struct chart *c, double v, int decimals, int places)
{
	if (fabs(v) > 9e15)
		v = copysign(9e15, v); /* keeps cents and counts inside int64 */
	switch (c->value) {
	case CHART_MONEY:
		return places > 0 ? format_money_compact_places((int64_t)llround(v * 100), c->currency, places)
				  : format_money_compact((int64_t)llround(v * 100), c->currency);
	case CHART_PERCENT:
		return format_percent(v, decimals);
	case CHART_COUNT:
		break;
	}
	return format_count((int64_t)llround(v));
}

static char *value_text(const struct chart *c, double v, int decimals)
{
	return value_text_places(c, v, decimals, 0);
}

/* Decimals a percent tick label needs for a step. */
static int percent_decimals(double step)
{
	int d = 0;
	while (d < 4 && step * 100 * pow(10, d) < 0.999)
		d++;
	return d;
}

void chart_ticks(double lo, double hi, int max_ticks, double *t0, double *t1, double *step)
{
	if (max_ticks < 1)
		max_ticks = 1;
	if (!isfinite(lo))
		lo = 0;
	if (!isfinite(hi))
		hi = 0;
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	if (lo > 0)
		lo = 0; /* bars and honest lines start at zero */
	if (hi < 0)
		hi = 0;
	if (lo == hi)
		hi = 1; /* nothing to span: 0..1 */
	double raw = (hi - lo) / max_ticks;
	double mag = pow(10, floor(log10(raw)));
	static const double mult[] = {1, 2, 5};
	for (int e = 0;; e++) {
		double m = mult[e % 3] * mag * pow(10, e / 3);
		/* the small tolerance keeps 0.83 / 0.2 from rounding up a step */
		double a = floor(lo / m + 1e-9), b = ceil(hi / m - 1e-9);
		if (b - a <= max_ticks || e > 30) {
			*step = m;
			*t0 = a * m;
			*t1 = b * m;
			if (*t0 == 0)
				*t0 = 0; /* no -0 */
			return;
		}
	}
}

/* A linear map of [t0, t1] onto pixels [p0, p1]. */
struct axis {
	double t0, t1, step;
	double p0, p1;
	int n;          /* intervals */
};

static void axis_init(struct axis *a, const struct chart *c, double lo, double hi)
{
	chart_ticks(lo, hi, MAX_TICKS, &a->t0, &a->t1, &a->step);
	if (c->value != CHART_PERCENT && a->step < 1) {
		/* money and counts: whole-unit ticks */
		a->step = 1;
		a->t0 = floor(a->t0);
		a->t1 = ceil(a->t1);
	}
	a->n = (int)lround((a->t1 - a->t0) / a->step);
}

static double axis_tick(const struct axis *a, int i)
{
	double v = a->t0 + i * a->step;
	return fabs(v) < a->step * 1e-9 ? 0 : v;
}

static double axis_px(const struct axis *a, double v)
{
	return a->p0 + (v - a->t0) / (a->t1 - a->t0) * (a->p1 - a->p0);
}

static char *tick_text(const struct chart *c, const struct axis *a, int i)
{
	return value_text(c, axis_tick(a, i), percent_decimals(a->step));
}

/* --- layout helpers ------------------------------------------------------- */

static bool titled(const struct chart *c)
{
	return c->kind != CHART_SPARKLINE && c->title && *c->title;
}

/* The title, laid out on at most TITLE_LINES lines of the chart's width. */
static PangoLayout *lay_title(struct text *t, const struct chart *c, double w, const struct sizes *sz)
{
	return lay(t, c->title, sz->title, true, w - PAD_L - PAD_R, TITLE_LINES);
}

/* The height above the plot: the title's lines, or a little room. */
static double header_h(const struct chart *c, int title_lines, const struct sizes *sz)
{
	if (c->kind == CHART_SPARKLINE)
		return 0;
	if (!titled(c))
		return TOP_PLAIN;
	return TITLE_H + (title_lines > 1 ? (title_lines - 1) * (sz->title + 5) : 0);
}

/* The lines c's title takes at width w, measured outside any drawing. */
static int title_lines(const struct chart *c, double w, const struct sizes *sz)
{
	if (!titled(c))
		return 0;
	cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_t *cr = cairo_create(surface);
	struct text t;
	text_init(&t, cr);
	int n = pango_layout_get_line_count(lay_title(&t, c, w, sz));
	text_free(&t);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	return n;
}

static size_t rows_of(const struct chart *c)
{
	return c->kind == CHART_GRID ? c->n_series : c->n_categories;
}

static double default_pitch(size_t rows)
{
	return rows <= 10 ? 32 : rows <= 40 ? 26 : 18;
}

static const struct layout *layout_of(enum chart_layout l)
{
	if (l != CHART_SITE && l != CHART_SITE_NARROW && l != CHART_EMAIL)
		BUG("unknown chart layout");
	return &layouts[l];
}

void chart_size_for(const struct chart *c, enum chart_layout layout, int *w, int *h)
{
	const struct layout *lo = layout_of(layout);
	bool spark = c->kind == CHART_SPARKLINE;
	*w = c->width > 0 ? c->width : spark ? SPARK_W : lo->width;
	if (c->height > 0) {
		*h = c->height;
	} else if (spark) {
		*h = SPARK_H;
	} else if (c->kind == CHART_HBARS || c->kind == CHART_GRID) {
		size_t rows = rows_of(c);
		double body = has_data(c) ? AXIS_ROW + (double)rows * default_pitch(rows) + BOTTOM_PAD
					  : NODATA_H;
		double hh = header_h(c, title_lines(c, *w, &lo->sz), &lo->sz) +
			    (any_marked(c) ? LEGEND_ROW : 0) + body;
		*h = (int)ceil(hh < MAX_HEIGHT ? hh : MAX_HEIGHT);
	} else {
		*h = lo->height;
	}
}

void chart_size(const struct chart *c, int *width, int *height)
{
	chart_size_for(c, CHART_SITE, width, height);
}

bool chart_has_variants(const struct chart *c)
{
	return c->kind != CHART_SPARKLINE;
}

const struct chart_variant chart_variants[CHART_VARIANTS] = {
	{"-dark", "svg_dark", CHART_SITE, CHART_DARK},
	{"-narrow", "svg_narrow", CHART_SITE_NARROW, CHART_LIGHT},
	{"-narrow-dark", "svg_narrow_dark", CHART_SITE_NARROW, CHART_DARK},
};

/* Indexes of the labels to draw when each takes `need` px and slots are
 * `slot` px apart: every k-th, always including the last. */
static size_t label_every(double need, double slot)
{
	if (slot <= 0)
		return SIZE_MAX;
	double k = ceil(need / slot);
	return k < 1 ? 1 : k > (double)SIZE_MAX / 2 ? SIZE_MAX : (size_t)k;
}

static bool label_shown(size_t i, size_t n, size_t every)
{
	return (n - 1 - i) % every == 0;
}

struct canvas {
	cairo_t *cr;
	const struct chart *c;
	const struct theme *t;
	const struct sizes *sz;
	struct text text;
	double w, h;
	double top;     /* below the title */
};

/* --- paints --------------------------------------------------------------- */

static enum chart_paint paint_of(const struct chart *c, size_t s)
{
	return c->series ? c->series[s].paint : CHART_PAINT_AUTO;
}

static unsigned series_colour(const struct canvas *cv, size_t s)
{
	const struct theme *t = cv->t;
	const struct chart_series *sr = cv->c->series ? &cv->c->series[s] : NULL;
	switch (paint_of(cv->c, s)) {
	case CHART_PAINT_AUTO:
		break;
	case CHART_PAINT_TIER:
		return t->tiers[(size_t)(sr->tier > 0 ? sr->tier : 0) % N_TIER_COLOURS];
	case CHART_PAINT_PARTNER:
	case CHART_PAINT_UNTAGGED:
	case CHART_PAINT_FORECAST:
		return t->partner;
	case CHART_PAINT_DIRECT:
		return t->direct;
	case CHART_PAINT_SOURCED:
		return t->sourced;
	case CHART_PAINT_INFLUENCED:
		return t->influenced;
	}
	return t->tiers[s % N_TIER_COLOURS];
}

/* A bar (or legend swatch) of series s: solid, an outline (forecast) or
 * hatched (untagged). */
static void fill_bar(struct canvas *cv, size_t s, double x, double y, double w, double h)
{
	cairo_t *cr = cv->cr;
	if (w <= 0 || h <= 0)
		return;
	colour(cr, series_colour(cv, s));
	enum chart_paint p = paint_of(cv->c, s);
	if (p == CHART_PAINT_FORECAST && w >= 4 && h >= 4) {
		cairo_set_line_width(cr, 2);
		cairo_rectangle(cr, x + 1, y + 1, w - 2, h - 2);
		cairo_stroke(cr);
		return;
	}
	if (p == CHART_PAINT_UNTAGGED && w >= 4 && h >= 4) {
		cairo_save(cr);
		cairo_rectangle(cr, x, y, w, h);
		cairo_clip(cr);
		cairo_set_line_width(cr, 1.5);
		for (double d = -h; d < w; d += 5) {
			cairo_move_to(cr, x + d, y + h);
			cairo_line_to(cr, x + d + h, y);
		}
		cairo_stroke(cr);
		cairo_restore(cr);
		cairo_set_line_width(cr, 1);
		cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1);
		cairo_stroke(cr);
		return;
	}
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

/* A coordinate on which a 1 px line covers whole pixels at 1x and 2x. */
static double crisp(double v)
{
	return floor(v) + 0.5;
}

static void hline(cairo_t *cr, double x0, double x1, double y, unsigned rgb)
{
	colour(cr, rgb);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, x0, crisp(y));
	cairo_line_to(cr, x1, crisp(y));
	cairo_stroke(cr);
}

static void vline(cairo_t *cr, double x, double y0, double y1, unsigned rgb)
{
	colour(cr, rgb);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, crisp(x), y0);
	cairo_line_to(cr, crisp(x), y1);
	cairo_stroke(cr);
}

static void draw_title(struct canvas *cv)
{
	put(&cv->text, lay_title(&cv->text, cv->c, cv->w, cv->sz), PAD_L, 24, LEFT, cv->t->title);
}

static void draw_no_data(struct canvas *cv)
{
	const struct chart *c = cv->c;
	if (c->kind == CHART_SPARKLINE) {
		/* no text in a sparkline: a dashed line across the middle */
		colour(cv->cr, C_SPARK_NONE);
		cairo_set_line_width(cv->cr, 1.5);
		double dash[] = {4, 3};
		cairo_set_dash(cv->cr, dash, 2, 0);
		cairo_move_to(cv->cr, 4, cv->h / 2);
		cairo_line_to(cv->cr, cv->w - 4, cv->h / 2);
		cairo_stroke(cv->cr);
		cairo_set_dash(cv->cr, NULL, 0, 0);
		return;
	}
	double size = cv->sz->label + 1;
	PangoLayout *l = lay(&cv->text, c->empty && *c->empty ? c->empty : "No data", size, false,
			     cv->w - PAD_L - PAD_R, 2);
	double y = cv->top + (cv->h - cv->top - BOTTOM_PAD) / 2;
	put(&cv->text, l, cv->w / 2, mid_baseline(y, size), CENTRE, cv->t->muted);
}

/* --- legend --------------------------------------------------------------- */

/* The swatch of series s in a legend, centred on cy from x. */
static double swatch(struct canvas *cv, size_t s, double x, double cy)
{
	cairo_t *cr = cv->cr;
	if (cv->c->kind == CHART_LINES) {
		double sw = 22;
		colour(cr, series_colour(cv, s));
		cairo_set_line_width(cr, 2.5);
		if (paint_of(cv->c, s) == CHART_PAINT_DIRECT) {
			double dash[] = {6, 4};
			cairo_set_dash(cr, dash, 2, 0);
		}
		cairo_move_to(cr, x, cy);
		cairo_line_to(cr, x + sw, cy);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		cairo_arc(cr, x + sw / 2, cy, 3.5, 0, 2 * M_PI);
		cairo_fill(cr);
		return sw;
	}
	fill_bar(cv, s, x, cy - 6, 12, 12);
	return 12;
}

/* The legend, left to right with wrapping, at most three rows (the last
 * keeping room for "+N more"): every series with something drawn, none
 * of the empty ones. Returns the y below it. */
static double draw_legend(struct canvas *cv, double x0, double y)
{
	const struct chart *c = cv->c;
	double gap = 7, sep = 20, size = cv->sz->label;
	double x = x0, right = cv->w - PAD_R;
	int row = 0;
	size_t shown = 0, total = 0;
	for (size_t s = 0; s < c->n_series; s++)
		total += series_has_data(c, s);
	PangoLayout *l = lay(&cv->text, "+0000 more", size, false, 0, 1);
	double more_w = width_of(l) + sep;
	for (size_t s = 0; s < c->n_series; s++) {
		if (!series_has_data(c, s))
			continue;
		double sw = c->kind == CHART_LINES ? 22 : 12;
		l = lay(&cv->text, series_name(c, s), size, false, 180, 1);
		double need = sw + gap + width_of(l);
		double reserve = row == 2 && shown + 1 < total ? more_w : 0;
		if (x > x0 && x + need + reserve > right) {
			if (row == 2) {
				char *more = xasprintf("+%zu more", total - shown);
				l = lay(&cv->text, more, size, false, 0, 1);
				put(&cv->text, l, x, mid_baseline(y + LEGEND_ROW * row + 10, size), LEFT,
				    cv->t->muted);
				free(more);
				break;
			}
			row++;
			x = x0;
			l = lay(&cv->text, series_name(c, s), size, false, 180, 1);
		}
		double cy = y + LEGEND_ROW * row + 10;
		swatch(cv, s, x, cy);
		put(&cv->text, l, x + sw + gap, mid_baseline(cy, size), LEFT, cv->t->ink);
		x += need + sep;
		shown++;
	}
	return y + LEGEND_ROW * (row + 1);
}

/* --- categories along x: stacked bars, grouped bars, lines --------------- */

static void xy_range(const struct chart *c, double *lo, double *hi)
{
	*lo = *hi = 0;
	for (size_t k = 0; k < c->n_categories; k++) {
		double pos = 0, neg = 0;
		for (size_t s = 0; s < c->n_series; s++) {
			double v = value(c, s, k);
			if (isnan(v))
				continue;
			if (c->kind == CHART_STACKED_BARS) {
				if (v > 0)
					pos += v;
				else
					neg += v;
			} else {
				pos = fmax(pos, v);
				neg = fmin(neg, v);
			}
		}
		*hi = fmax(*hi, pos);
		*lo = fmin(*lo, neg);
	}
}

/* Value labels of a chart: one per (group, member) value, NAN = none.
 * Texts are made at the chart's usual precision, then with more decimals
 * while two different values side by side read the same: members of one
 * group ("$1.2M" for both forecast $1.16M and actual $1.21M), or single
 * members of neighbouring groups. */
struct value_labels {
	char **text;
	size_t groups, members;
};

static void value_labels_make(struct value_labels *vl, const struct chart *c, const double *v,
			      size_t groups, size_t members, int percent_decimals)
{
	vl->groups = groups;
	vl->members = members;
	vl->text = xcalloc(groups * members + 1, sizeof *vl->text);
	for (int extra = 0; extra <= 3; extra++) {
		bool clash = false;
		for (size_t i = 0; i < groups * members; i++) {
			free(vl->text[i]);
			vl->text[i] = isnan(v[i]) ? NULL
						  : value_text_places(c, v[i], percent_decimals + extra, extra);
		}
		for (size_t i = 0; i < groups * members && !clash; i++) {
			/* the next member of the group, or the next group's only member */
			size_t j = i + 1;
			if (j == groups * members || (members > 1 && j % members == 0))
				continue;
			clash = vl->text[i] && vl->text[j] && v[i] != v[j] &&
				!strcmp(vl->text[i], vl->text[j]);
		}
		if (!clash || c->value == CHART_COUNT)
			break;
	}
}

static void value_labels_free(struct value_labels *vl)
{
	for (size_t i = 0; i < vl->groups * vl->members; i++)
		free(vl->text[i]);
	free(vl->text);
}

/* Whether every label fits `width` px. */
static bool value_labels_fit(struct canvas *cv, const struct value_labels *vl, double width)
{
	for (size_t i = 0; i < vl->groups * vl->members; i++)
		if (vl->text[i] && width_of(lay(&cv->text, vl->text[i], cv->sz->value, false, 0, 1)) > width)
			return false;
	return true;
}

static void value_label(struct canvas *cv, const char *t, double v, double x, double y_end)
{
	PangoLayout *l = lay(&cv->text, t, cv->sz->value, false, 0, 1);
	double y = v >= 0 ? y_end - 5 : y_end + cv->sz->value + 3;
	put(&cv->text, l, x, y, CENTRE, cv->t->muted);
}

static void draw_stacked(struct canvas *cv, const struct axis *ay, double x0, double slot,
			 const struct value_labels *vl)
{
	const struct chart *c = cv->c;
	double bw = fmin(slot * 0.62, 64);
	for (size_t k = 0; k < c->n_categories; k++) {
		double x = round(x0 + slot * k + (slot - bw) / 2);
		double pos = 0, neg = 0;
		for (size_t s = 0; s < c->n_series; s++) {
			double v = value(c, s, k);
			if (isnan(v) || v == 0)
				continue;
			double base = v > 0 ? pos : neg, end = base + v;
			double yb = axis_px(ay, base), ye = axis_px(ay, end);
			double top = fmin(yb, ye), h = fabs(yb - ye);
			/* a 1 px gap between segments (the background shows through) */
			if (base != 0 && h > 2) {
				if (v > 0)
					h -= 1;
				else
					top += 1, h -= 1;
			}
			fill_bar(cv, s, x, top, bw, h);
			if (v > 0)
				pos = end;
			else
				neg = end;
		}
		if (vl && vl->text[k])
			value_label(cv, vl->text[k], pos + neg, x + bw / 2,
				    pos + neg >= 0 ? axis_px(ay, pos) : axis_px(ay, neg));
	}
}

/* The width of one bar of a group in a slot, and the gap between bars. */
static double grouped_bar(double slot, size_t ns, double *gap)
{
	*gap = ns > 1 ? fmin(4, slot * 0.04) : 0;
	return fmin((slot * 0.72 - *gap * (double)(ns - 1)) / (double)ns, 56);
}

static void draw_grouped(struct canvas *cv, const struct axis *ay, double x0, double slot,
			 const struct value_labels *vl)
{
	const struct chart *c = cv->c;
	size_t ns = c->n_series;
	double gap, bw = grouped_bar(slot, ns, &gap);
	double group = bw * (double)ns + gap * (double)(ns - 1);
	double zero = axis_px(ay, 0);
	for (size_t k = 0; k < c->n_categories; k++) {
		double x = x0 + slot * k + (slot - group) / 2;
		for (size_t s = 0; s < ns; s++, x += bw + gap) {
			double v = value(c, s, k);
			if (isnan(v))
				continue;
			double y = axis_px(ay, v);
			fill_bar(cv, s, x, fmin(y, zero), bw, fabs(zero - y));
			if (vl && vl->text[k * ns + s])
				value_label(cv, vl->text[k * ns + s], v, x + bw / 2, y);
		}
	}
}

static void draw_lines(struct canvas *cv, const struct axis *ay, double x0, double slot)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	size_t n = c->n_categories;
	bool dots = n <= 24;
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	for (size_t s = 0; s < c->n_series; s++) {
		unsigned rgb = series_colour(cv, s);
		colour(cr, rgb);
		cairo_set_line_width(cr, 2.5);
		if (paint_of(c, s) == CHART_PAINT_DIRECT) {
			double dash[] = {6, 4};
			cairo_set_dash(cr, dash, 2, 0);
		}
		bool open = false;
		for (size_t k = 0; k < n; k++) {
			double v = value(c, s, k);
			if (isnan(v)) {
				open = false;
				continue;
			}
			double x = x0 + slot * (k + 0.5), y = axis_px(ay, v);
			if (open)
				cairo_line_to(cr, x, y);
			else
				cairo_move_to(cr, x, y);
			open = true;
		}
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		/* dots: every point on short series, else the isolated ones */
		for (size_t k = 0; k < n; k++) {
			double v = value(c, s, k);
			if (isnan(v))
				continue;
			bool alone = (k == 0 || isnan(value(c, s, k - 1))) &&
				     (k + 1 == n || isnan(value(c, s, k + 1)));
			if (!dots && !alone)
				continue;
			double x = x0 + slot * (k + 0.5), y = axis_px(ay, v), r = alone ? 4 : 3.25;
			colour(cr, cv->t->bg);
			cairo_arc(cr, x, y, r + 1.5, 0, 2 * M_PI);
			cairo_fill(cr);
			colour(cr, rgb);
			cairo_arc(cr, x, y, r, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
}

/* Category labels along x: on one line when they fit their slots, else
 * on two (months "Nov" over "2025"), else shortened and thinned. Returns
 * the height of the band they need; draws them when draw is set. */
static double x_labels(struct canvas *cv, double x0, double slot, double y, bool draw)
{
	const struct chart *c = cv->c;
	size_t n = c->n_categories;
	double size = cv->sz->label, room = slot - 8, widest = 0;
	int lines = 1;
	for (size_t k = 0; k < n; k++)
		widest = fmax(widest, width_of(lay(&cv->text, category(c, k), size, false, 0, 1)));
	if (widest > room) {
		/* two lines, when every label fits them unshortened */
		bool fits = room >= 24;
		for (size_t k = 0; k < n && fits; k++) {
			PangoLayout *l = lay(&cv->text, category(c, k), size, false, room, 2);
			fits = !pango_layout_is_ellipsized(l) && width_of(l) <= room;
		}
		if (fits)
			lines = 2;
	}
	double line_h = size + 4;
	if (!draw)
		return 12 + line_h * lines;
	double maxw = lines == 2 ? room : fmax(room, 72);
	size_t every = 1;
	if (lines == 1) {
		double w = 0;
		for (size_t k = 0; k < n; k++)
			w = fmax(w, width_of(lay(&cv->text, category(c, k), size, false, maxw, 1)));
		every = label_every(w + 8, slot);
	}
	for (size_t k = 0; k < n; k++) {
		if (!label_shown(k, n, every))
			continue;
		PangoLayout *l = lay(&cv->text, category(c, k), size, false, maxw, lines);
		/* centred on its slot, kept inside the picture */
		double half = width_of(l) / 2, x = x0 + slot * (k + 0.5);
		x = fmax(fmin(x, cv->w - 2 - half), 2 + half);
		put(&cv->text, l, x, y + 8 + size, CENTRE, cv->t->muted);
	}
	return 12 + line_h * lines;
}

static void draw_xy(struct canvas *cv)
{
	const struct chart *c = cv->c;
	size_t n = c->n_categories, ns = c->n_series;
	bool bars = c->kind != CHART_LINES;
	double top = cv->top;
	if (ns > 1)
		top = draw_legend(cv, PAD_L, top) + 4;

	double lo, hi;
	xy_range(c, &lo, &hi);
	struct axis ay;
	axis_init(&ay, c, lo, hi);

	/* y tick labels set the left edge of the plot */
	char **ticks = xcalloc((size_t)ay.n + 1, sizeof *ticks);
	double tw = 0;
	for (int i = 0; i <= ay.n; i++) {
		ticks[i] = tick_text(c, &ay, i);
		tw = fmax(tw, width_of(lay(&cv->text, ticks[i], cv->sz->label, false, 0, 1)));
	}
	double px0 = PAD_L + tw + 10, px1 = fmax(cv->w - PAD_R, px0 + 20);
	double slot = (px1 - px0) / (double)n;
	double py0 = top + (bars ? 20 : 10), py1 = cv->h - x_labels(cv, px0, slot, 0, false);
	if (py1 < py0 + 10)
		py1 = py0 + 10;
	ay.p0 = py1;
	ay.p1 = py0;

	for (int i = 0; i <= ay.n; i++) {
		double v = axis_tick(&ay, i), y = axis_px(&ay, v);
		if (v != 0)
			hline(cv->cr, px0, px1, y, cv->t->grid);
		PangoLayout *l = lay(&cv->text, ticks[i], cv->sz->label, false, 0, 1);
		put(&cv->text, l, px0 - 10, mid_baseline(y, cv->sz->label), RIGHT, cv->t->muted);
		free(ticks[i]);
	}
	free(ticks);
	x_labels(cv, px0, slot, py1, true);

	if (c->kind == CHART_STACKED_BARS) {
		double *tot = xcalloc(n + 1, sizeof *tot);
		for (size_t k = 0; k < n; k++) {
			bool any = false;
			for (size_t s = 0; s < ns; s++) {
				double v = value(c, s, k);
				if (!isnan(v) && v != 0) {
					tot[k] += v;
					any = true;
				}
			}
			if (!any)
				tot[k] = NAN;
		}
		struct value_labels vl;
		value_labels_make(&vl, c, tot, n, 1, 0);
		bool fit = value_labels_fit(cv, &vl, slot - 4);
		draw_stacked(cv, &ay, px0, slot, fit ? &vl : NULL);
		value_labels_free(&vl);
		free(tot);
	} else if (c->kind == CHART_GROUPED_BARS) {
		double *vals = xcalloc(n * ns + 1, sizeof *vals);
		for (size_t k = 0; k < n; k++)
			for (size_t s = 0; s < ns; s++)
				vals[k * ns + s] = value(c, s, k);
		struct value_labels vl;
		value_labels_make(&vl, c, vals, n, ns, 0);
		double gap, bw = grouped_bar(slot, ns, &gap);
		bool fit = value_labels_fit(cv, &vl, ns > 1 ? bw + gap - 2 : slot - 4);
		draw_grouped(cv, &ay, px0, slot, fit ? &vl : NULL);
		value_labels_free(&vl);
		free(vals);
	} else {
		draw_lines(cv, &ay, px0, slot);
	}
	/* the zero line over the bars */
	hline(cv->cr, px0, px1, axis_px(&ay, 0), cv->t->axis);
}

/* --- horizontal bars ----------------------------------------------------- */

static void draw_hbars(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	const struct sizes *sz = cv->sz;
	size_t n = c->n_categories;
	double lo = 0, hi = 0;
	for (size_t k = 0; k < n; k++) {
		double v = value(c, 0, k);
		if (!isnan(v)) {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	}
	struct axis ax;
	axis_init(&ax, c, lo, hi);

	double inner = cv->w - PAD_L - PAD_R, maxl = fmax(inner * 0.36, 40), lw = 0;
	for (size_t k = 0; k < n; k++)
		lw = fmax(lw, width_of(lay(&cv->text, category(c, k), sz->label, false, maxl, 1)));
	/* room for the widest value label right of the bars */
	double vw = width_of(lay(&cv->text, "no data", sz->value, false, 0, 1));
	for (size_t k = 0; k < n; k++) {
		double v = value(c, 0, k);
		if (isnan(v))
			continue;
		char *t = value_text(c, v, 0);
		vw = fmax(vw, width_of(lay(&cv->text, t, sz->value, false, 0, 1)));
		free(t);
	}
	double px0 = PAD_L + lw + 12, px1 = cv->w - PAD_R - vw - 8;
	if (px1 < px0 + 20)
		px1 = px0 + 20;
	ax.p0 = px0;
	ax.p1 = px1;
	double ry0 = cv->top + AXIS_ROW, ry1 = cv->h - BOTTOM_PAD;
	double pitch = (ry1 - ry0) / (double)n;
	double bh = fmin(pitch * 0.68, 22);

	/* ticks above, gridlines through the rows */
	for (int i = 0; i <= ax.n; i++) {
		double v = axis_tick(&ax, i), x = axis_px(&ax, v);
		if (v != 0)
			vline(cr, x, ry0 - 4, ry1, cv->t->grid);
		char *t = tick_text(c, &ax, i);
		put(&cv->text, lay(&cv->text, t, sz->label, false, 0, 1), x, ry0 - 9, CENTRE,
		    cv->t->muted);
		free(t);
	}

	/* rows: labels thinned when rows are too thin for them, a value after
	 * each bar when rows have room */
	double zero = axis_px(&ax, 0);
	size_t every = label_every(sz->label + 3, pitch);
	bool value_room = pitch >= sz->value + 2;
	for (size_t k = 0; k < n; k++) {
		double cy = ry0 + pitch * (k + 0.5);
		double v = value(c, 0, k);
		if (label_shown(k, n, every))
			put(&cv->text, lay(&cv->text, category(c, k), sz->label, false, maxl, 1), px0 - 12,
			    mid_baseline(cy, sz->label), RIGHT, cv->t->ink);
		if (isnan(v)) {
			if (value_room)
				put(&cv->text, lay(&cv->text, "no data", sz->value, false, 0, 1), zero + 5,
				    mid_baseline(cy, sz->value), LEFT, cv->t->muted);
			continue;
		}
		double x = axis_px(&ax, v);
		fill_bar(cv, 0, fmin(x, zero), round(cy - bh / 2), fabs(x - zero), fmax(round(bh), 1));
		if (value_room) {
			char *t = value_text(c, v, 0);
			put(&cv->text, lay(&cv->text, t, sz->value, false, 0, 1), fmax(x, zero) + 6,
			    mid_baseline(cy, sz->value), LEFT, cv->t->ink);
			free(t);
		}
	}
	vline(cr, zero, ry0 - 4, ry1, cv->t->axis);
}

/* --- grid ---------------------------------------------------------------- */

static double luminance(unsigned rgb)
{
	double l = 0;
	static const double weight[] = {0.0722, 0.7152, 0.2126}; /* b, g, r */
	for (int i = 0; i < 3; i++) {
		double v = ((rgb >> (8 * i)) & 0xff) / 255.0;
		v = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
		l += weight[i] * v;
	}
	return l;
}

static double contrast(unsigned a, unsigned b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* Cell shade: from ramp_lo (one) to ramp_hi (the most), by the share of
 * the largest count. */
static unsigned cell_colour(const struct theme *th, double t)
{
	if (t > 1)
		t = 1;
	unsigned out = 0;
	for (int sh = 16; sh >= 0; sh -= 8) {
		double a = (th->ramp_lo >> sh) & 0xff, b = (th->ramp_hi >> sh) & 0xff;
		out |= (unsigned)lround(a + (b - a) * t) << sh;
	}
	return out;
}

/* The legend of a grid: the marked cells' swatch and label. */
static double grid_legend(struct canvas *cv, double x, double y)
{
	cairo_t *cr = cv->cr;
	double cy = y + 10;
	colour(cr, cv->t->alert_bg);
	cairo_rectangle(cr, x, cy - 7, 14, 14);
	cairo_fill(cr);
	colour(cr, cv->t->alert);
	cairo_set_line_width(cr, 2);
	cairo_rectangle(cr, x + 1, cy - 6, 12, 12);
	cairo_stroke(cr);
	PangoLayout *l = lay(&cv->text, cv->c->marked_label, cv->sz->label, false,
			     cv->w - x - PAD_R - 22, 1);
	put(&cv->text, l, x + 21, mid_baseline(cy, cv->sz->label), LEFT, cv->t->ink);
	return y + LEGEND_ROW;
}

static void draw_grid(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	const struct theme *th = cv->t;
	const struct sizes *sz = cv->sz;
	size_t rows = c->n_series, cols = c->n_categories;
	double max = 0;
	for (size_t s = 0; s < rows; s++)
		for (size_t k = 0; k < cols; k++) {
			double v = value(c, s, k);
			if (!isnan(v))
				max = fmax(max, v);
		}
	double top = cv->top;
	if (any_marked(c))
		top = grid_legend(cv, PAD_L, top);

	double inner = cv->w - PAD_L - PAD_R, maxl = fmax(inner * 0.36, 40), lw = 0;
	for (size_t s = 0; s < rows; s++)
		lw = fmax(lw, width_of(lay(&cv->text, series_name(c, s), sz->label, false, maxl, 1)));
	double gx0 = PAD_L + lw + 12, gx1 = cv->w - PAD_R;
	if (gx1 < gx0 + (double)cols)
		gx1 = gx0 + (double)cols;
	double ry0 = top + AXIS_ROW, ry1 = cv->h - BOTTOM_PAD;
	double pitch = (ry1 - ry0) / (double)rows, cw = (gx1 - gx0) / (double)cols;
	double gap = pitch >= 6 && cw >= 6 ? 2 : 0;

	/* column labels, thinned when they collide */
	double colw = 0;
	for (size_t k = 0; k < cols; k++)
		colw = fmax(colw, width_of(lay(&cv->text, category(c, k), sz->value, false,
					       fmax(cw - 4, 48), 1)));
	size_t every = label_every(colw + 8, cw);
	for (size_t k = 0; k < cols; k++)
		if (label_shown(k, cols, every))
			put(&cv->text, lay(&cv->text, category(c, k), sz->value, false, fmax(cw - 4, 48), 1),
			    gx0 + cw * (k + 0.5), ry0 - 9, CENTRE, th->muted);

	/* does the widest count fit a cell? */
	char *widest = value_text(c, max, 0);
	bool numbers = pitch >= sz->value + 3 &&
		       width_of(lay(&cv->text, widest, sz->value, false, 0, 1)) + 4 <= cw - gap;
	free(widest);

	size_t rows_every = label_every(sz->label + 3, pitch);
	for (size_t s = 0; s < rows; s++) {
		double cy = ry0 + pitch * (s + 0.5);
		if (label_shown(s, rows, rows_every))
			put(&cv->text, lay(&cv->text, series_name(c, s), sz->label, false, maxl, 1),
			    gx0 - 12, mid_baseline(cy, sz->label), RIGHT, th->ink);
		for (size_t k = 0; k < cols; k++) {
			double v = value(c, s, k);
			if (isnan(v))
				continue; /* a gap in the data: background */
			/* whole-pixel edges: crisp, and short numbers in the SVG */
			double xa = round(gx0 + cw * k), xb = round(gx0 + cw * (k + 1));
			double ya = round(ry0 + pitch * s), yb = round(ry0 + pitch * (s + 1));
			double w = fmax(xb - xa - gap, 0.5), h = fmax(yb - ya - gap, 0.5);
			bool mark = marked(c, s, k);
			unsigned fill = mark ? th->alert_bg : v > 0 ? cell_colour(th, v / max) : th->empty_cell;
			colour(cr, fill);
			cairo_rectangle(cr, xa, ya, w, h);
			cairo_fill(cr);
			if (mark && w >= 4 && h >= 4) {
				colour(cr, th->alert);
				cairo_set_line_width(cr, 2);
				cairo_rectangle(cr, xa + 1, ya + 1, w - 2, h - 2);
				cairo_stroke(cr);
			}
			if (numbers && v > 0) {
				char *txt = value_text(c, v, 0);
				unsigned ink = contrast(fill, th->text_on_light) >= contrast(fill, th->text_on_dark)
						       ? th->text_on_light
						       : th->text_on_dark;
				put(&cv->text, lay(&cv->text, txt, sz->value, false, 0, 1), xa + w / 2,
				    mid_baseline(ya + h / 2, sz->value), CENTRE, ink);
				free(txt);
			}
		}
	}
}

/* --- sparkline ----------------------------------------------------------- */

static void draw_sparkline(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	size_t n = c->n_categories;
	double lo = 0, hi = 0;
	size_t last = SIZE_MAX;
	for (size_t k = 0; k < n; k++) {
		double v = value(c, 0, k);
		if (isnan(v))
			continue;
		lo = fmin(lo, v);
		hi = fmax(hi, v);
		last = k;
	}
	double pad = 4;
	double x0 = pad, x1 = cv->w - pad, y0 = pad, y1 = cv->h - pad;
	double dx = n > 1 ? (x1 - x0) / (double)(n - 1) : 0;
	struct axis ay = {.t0 = lo, .t1 = hi > lo ? hi : lo + 1, .p0 = y1, .p1 = y0};
#define SPARK_X(k) (n > 1 ? x0 + dx * (double)(k) : (x0 + x1) / 2)
	colour(cr, C_SPARK);
	cairo_set_line_width(cr, 1.75);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	bool open = false;
	for (size_t k = 0; k < n; k++) {
		double v = value(c, 0, k);
		if (isnan(v)) {
			open = false;
			continue;
		}
		if (open)
			cairo_line_to(cr, SPARK_X(k), axis_px(&ay, v));
		else
			cairo_move_to(cr, SPARK_X(k), axis_px(&ay, v));
		open = true;
	}
	cairo_stroke(cr);
	/* isolated points would be invisible: dot them */
	for (size_t k = 0; k < n; k++) {
		double v = value(c, 0, k);
		if (isnan(v) || k == last)
			continue;
		if ((k == 0 || isnan(value(c, 0, k - 1))) && (k + 1 == n || isnan(value(c, 0, k + 1)))) {
			cairo_arc(cr, SPARK_X(k), axis_px(&ay, v), 1.75, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
	if (last != SIZE_MAX) {
		cairo_arc(cr, SPARK_X(last), axis_px(&ay, value(c, 0, last)), 2.75, 0, 2 * M_PI);
		cairo_fill(cr);
	}
#undef SPARK_X
}

/* --- the one drawing routine --------------------------------------------- */

static void draw(cairo_t *cr, const struct chart *c, int w, int h, enum chart_theme theme,
		 const struct sizes *sz, bool png)
{
	struct canvas cv = {.cr = cr, .c = c, .t = &themes[theme], .sz = sz, .w = w, .h = h};
	text_init(&cv.text, cr);
	cv.top = header_h(c, titled(c) ? pango_layout_get_line_count(lay_title(&cv.text, c, w, sz)) : 0,
			  sz);
	if (png || (cv.t->opaque && c->kind != CHART_SPARKLINE)) {
		colour(cr, png ? C_WHITE : cv.t->bg);
		cairo_paint(cr);
	}
	if (titled(c))
		draw_title(&cv);
	if (!has_data(c)) {
		draw_no_data(&cv);
	} else {
		switch (c->kind) {
		case CHART_STACKED_BARS:
		case CHART_GROUPED_BARS:
		case CHART_LINES:
			draw_xy(&cv);
			break;
		case CHART_HBARS:
			draw_hbars(&cv);
			break;
		case CHART_GRID:
			draw_grid(&cv);
			break;
		case CHART_SPARKLINE:
			draw_sparkline(&cv);
			break;
		}
	}
	text_free(&cv.text);
}

/* --- surfaces ------------------------------------------------------------ */

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static bool is_alnum(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* cairo numbers some SVG ids ("surface5", "image3", "source2") from
 * process-wide counters, so the same chart drawn twice would differ.
 * Renumber each such name from 1 in order of first appearance. Only
 * names right after `id="` or `#` are touched; the document holds no
 * text of ours (glyphs are outlines). */
static void normalise_ids(const char *in, size_t len, struct buf *out)
{
	static const char *const names[] = {"surface", "image", "source"};
	struct map {
		int name;
		unsigned long from;
	} *seen = NULL;
	size_t n_seen = 0, cap = 0;
	size_t i = 0, copied = 0;
	for (i = 0; i < len; i++) {
		if (i == 0 || (in[i - 1] != '"' && in[i - 1] != '#'))
			continue;
		for (int k = 0; k < 3; k++) {
			size_t nl = strlen(names[k]), j = i + nl;
			if (len - i <= nl || memcmp(in + i, names[k], nl) || in[j] < '0' || in[j] > '9')
				continue;
			unsigned long num = 0;
			while (j < len && in[j] >= '0' && in[j] <= '9')
				num = num * 10 + (unsigned long)(in[j++] - '0');
			if (j < len && is_alnum(in[j]))
				continue;
			size_t m;
			for (m = 0; m < n_seen; m++)
				if (seen[m].name == k && seen[m].from == num)
					break;
			if (m == n_seen) {
				GROW(seen, cap, n_seen + 1);
				seen[n_seen++] = (struct map){k, num};
			}
			unsigned long to = 1;
			for (size_t q = 0; q < m; q++)
				to += seen[q].name == k;
			buf_add(out, in + copied, i - copied);
			buf_printf(out, "%s%lu", names[k], to);
			copied = j;
			i = j - 1;
			break;
		}
	}
	buf_add(out, in + copied, len - copied);
	free(seen);
}

int chart_render_svg_for(const struct chart *c, enum chart_layout layout, enum chart_theme theme,
			 struct buf *out, char **err)
{
	if (theme != CHART_LIGHT && theme != CHART_DARK)
		BUG("unknown chart theme");
	int w, h;
	chart_size_for(c, layout, &w, &h);
	struct buf raw = {0};
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(to_buf, &raw, w, h);
	cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
	cairo_t *cr = cairo_create(s);
	draw(cr, c, w, h, theme, &layout_of(layout)->sz, false);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		*err = (char *)cairo_status_to_string(st);
		buf_free(&raw);
		return -1;
	}
	normalise_ids(raw.data, raw.len, out);
	buf_free(&raw);
	return 0;
}

int chart_render_svg(const struct chart *c, struct buf *out, char **err)
{
	return chart_render_svg_for(c, CHART_SITE, CHART_LIGHT, out, err);
}

int chart_render_png(const struct chart *c, struct buf *out, char **err)
{
	int w, h;
	chart_size_for(c, CHART_EMAIL, &w, &h);
	if (w > MAX_PX / PNG_SCALE || h > MAX_PX / PNG_SCALE) {
		*err = "chart too large for a PNG";
		return -1;
	}
	cairo_surface_t *s =
		cairo_image_surface_create(CAIRO_FORMAT_RGB24, w * PNG_SCALE, h * PNG_SCALE);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, PNG_SCALE, PNG_SCALE);
	draw(cr, c, w, h, CHART_LIGHT, &layout_of(CHART_EMAIL)->sz, true);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	if (st == CAIRO_STATUS_SUCCESS) {
		struct buf png = {0};
		st = cairo_surface_write_to_png_stream(s, to_buf, &png);
		if (st == CAIRO_STATUS_SUCCESS)
			buf_add(out, png.data, png.len);
		buf_free(&png);
	}
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		*err = (char *)cairo_status_to_string(st);
		return -1;
	}
	return 0;
}

/* --- alt text ------------------------------------------------------------- */

static const char *kind_phrase(enum chart_kind k)
{
	switch (k) {
	case CHART_STACKED_BARS:
		return "Stacked bar chart";
	case CHART_GROUPED_BARS:
		return "Grouped bar chart";
	case CHART_LINES:
		return "Line chart";
	case CHART_HBARS:
		return "Horizontal bar chart";
	case CHART_SPARKLINE:
		return "Sparkline";
	case CHART_GRID:
		return "Grid";
	}
	return "Chart";
}

/* A name for running text: cleaned, at most 40 code points. */
static void put_name(struct buf *b, const char *s)
{
	bool cut;
	char *t = clean(s, 40, &cut);
	buf_puts(b, *t ? t : "(unnamed)");
	if (cut)
		buf_puts(b, ELLIPSIS);
	free(t);
}

static void put_value(struct buf *b, const struct chart *c, double v)
{
	if (isnan(v)) {
		buf_puts(b, "no value");
		return;
	}
	char *t = value_text(c, v, 1);
	buf_puts(b, t);
	free(t);
}

/* A sentence of ours (title, note) for running text: cleaned, at most
 * max code points, without a closing full stop. */
static void put_sentence(struct buf *b, const char *s, size_t max)
{
	bool cut;
	char *t = clean(s, max, &cut);
	size_t tl = strlen(t);
	while (tl && (t[tl - 1] == '.' || t[tl - 1] == ' '))
		t[--tl] = 0;
	buf_puts(b, t);
	if (cut)
		buf_puts(b, ELLIPSIS);
	free(t);
}

/* The last category where any series has a value. */
static size_t latest_category(const struct chart *c)
{
	for (size_t k = c->n_categories; k-- > 0;)
		for (size_t s = 0; s < c->n_series; s++)
			if (!isnan(value(c, s, k)))
				return k;
	return 0;
}

static void alt_stacked(struct buf *b, const struct chart *c)
{
	size_t k = latest_category(c);
	double total = 0;
	for (size_t s = 0; s < c->n_series; s++)
		if (!isnan(value(c, s, k)))
			total += value(c, s, k);
	buf_puts(b, "latest, ");
	put_name(b, category(c, k));
	buf_puts(b, ": ");
	put_value(b, c, total);
	buf_puts(b, " in all");
	if (c->n_series > 1) {
		size_t shown = 0;
		for (size_t s = 0; s < c->n_series && shown < 6; s++) {
			if (isnan(value(c, s, k)))
				continue;
			buf_puts(b, shown++ ? ", " : " (");
			put_name(b, series_name(c, s));
			buf_putc(b, ' ');
			put_value(b, c, value(c, s, k));
		}
		if (shown && c->n_series > 6)
			buf_printf(b, ", and %zu more", c->n_series - 6);
		if (shown)
			buf_putc(b, ')');
	}
}

/* Values side by side read apart, as on the chart ("Forecast $1.16M,
 * Actual $1.20M", not "$1.2M" twice). */
static void alt_grouped(struct buf *b, const struct chart *c)
{
	size_t n = c->n_categories < 6 ? c->n_categories : 6, ns = c->n_series;
	double *vals = xcalloc(n * ns + 1, sizeof *vals);
	for (size_t k = 0; k < n; k++)
		for (size_t s = 0; s < ns; s++)
			vals[k * ns + s] = value(c, s, k);
	struct value_labels vl;
	value_labels_make(&vl, c, vals, n, ns, 1);
	for (size_t k = 0; k < n; k++) {
		if (k)
			buf_puts(b, "; ");
		put_name(b, category(c, k));
		buf_puts(b, ": ");
		for (size_t s = 0; s < ns && s < 3; s++) {
			if (s)
				buf_puts(b, ", ");
			put_name(b, series_name(c, s));
			buf_putc(b, ' ');
			const char *t = vl.text[k * ns + s];
			buf_puts(b, t ? t : "no value");
		}
		if (c->n_series > 3)
			buf_printf(b, ", and %zu more", c->n_series - 3);
	}
	if (c->n_categories > n)
		buf_printf(b, "; and %zu more", c->n_categories - n);
	value_labels_free(&vl);
	free(vals);
}

static void alt_lines(struct buf *b, const struct chart *c)
{
	size_t k = latest_category(c);
	bool same = true;
	for (size_t s = 0; s < c->n_series; s++)
		if (isnan(value(c, s, k)))
			same = false;
	if (same) {
		buf_puts(b, "latest, ");
		put_name(b, category(c, k));
		buf_puts(b, ": ");
	} else {
		buf_puts(b, "latest values: ");
	}
	size_t n = c->n_series < 6 ? c->n_series : 6;
	for (size_t s = 0; s < n; s++) {
		if (s)
			buf_puts(b, ", ");
		put_name(b, series_name(c, s));
		buf_putc(b, ' ');
		size_t j = c->n_categories;
		while (j > 0 && isnan(value(c, s, j - 1)))
			j--;
		if (!j) {
			buf_puts(b, "no value");
			continue;
		}
		put_value(b, c, value(c, s, j - 1));
		if (!same) {
			buf_puts(b, " (");
			put_name(b, category(c, j - 1));
			buf_putc(b, ')');
		}
	}
	if (c->n_series > n)
		buf_printf(b, ", and %zu more", c->n_series - n);
}

static void alt_hbars(struct buf *b, const struct chart *c)
{
	size_t n = c->n_categories, top = SIZE_MAX, hi = SIZE_MAX, lo = SIZE_MAX;
	for (size_t k = 0; k < n; k++) {
		double v = value(c, 0, k);
		if (isnan(v))
			continue;
		if (top == SIZE_MAX)
			top = k;
		if (hi == SIZE_MAX || v > value(c, 0, hi))
			hi = k;
		if (lo == SIZE_MAX || v < value(c, 0, lo))
			lo = k;
	}
	buf_printf(b, "%zu bar%s; top bar ", n, n == 1 ? "" : "s");
	put_name(b, category(c, top));
	buf_puts(b, ": ");
	put_value(b, c, value(c, 0, top));
	if (hi != top) {
		buf_puts(b, "; highest ");
		put_name(b, category(c, hi));
		buf_puts(b, ": ");
		put_value(b, c, value(c, 0, hi));
	}
	if (lo != top && lo != hi) {
		buf_puts(b, "; lowest ");
		put_name(b, category(c, lo));
		buf_puts(b, ": ");
		put_value(b, c, value(c, 0, lo));
	}
}

static void alt_sparkline(struct buf *b, const struct chart *c)
{
	size_t first = SIZE_MAX, k = latest_category(c);
	double lo = INFINITY, hi = -INFINITY;
	for (size_t j = 0; j < c->n_categories; j++) {
		double v = value(c, 0, j);
		if (!isnan(v)) {
			first = first == SIZE_MAX ? j : first;
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	}
	if (first != k) {
		buf_puts(b, "first, ");
		put_name(b, category(c, first));
		buf_puts(b, ": ");
		put_value(b, c, value(c, 0, first));
		buf_puts(b, "; ");
	}
	buf_puts(b, "latest, ");
	put_name(b, category(c, k));
	buf_puts(b, ": ");
	put_value(b, c, value(c, 0, k));
	buf_puts(b, " (high ");
	put_value(b, c, hi);
	buf_puts(b, ", low ");
	put_value(b, c, lo);
	buf_putc(b, ')');
}

static void alt_grid(struct buf *b, const struct chart *c)
{
	double total = 0, last = 0;
	size_t k = latest_category(c), marks = 0;
	for (size_t s = 0; s < c->n_series; s++)
		for (size_t j = 0; j < c->n_categories; j++) {
			double v = value(c, s, j);
			marks += marked(c, s, j);
			if (isnan(v))
				continue;
			total += v;
			if (j == k)
				last += v;
		}
	buf_printf(b, "%zu row%s by %zu column%s, ", c->n_series, c->n_series == 1 ? "" : "s",
		   c->n_categories, c->n_categories == 1 ? "" : "s");
	put_value(b, c, total);
	buf_puts(b, " in all; latest column, ");
	put_name(b, category(c, k));
	buf_puts(b, ": ");
	put_value(b, c, last);
	if (marks && c->marked_label) {
		buf_printf(b, "; %zu cell%s marked (", marks, marks == 1 ? "" : "s");
		put_sentence(b, c->marked_label, 80);
		buf_putc(b, ')');
	}
}

char *chart_alt_text(const struct chart *c)
{
	struct buf b = {0};
	buf_puts(&b, kind_phrase(c->kind));
	buf_puts(&b, ": ");
	size_t at = b.len;
	put_sentence(&b, c->title, 150);
	if (b.len == at)
		buf_puts(&b, "untitled");
	buf_puts(&b, "; ");
	if (!has_data(c)) {
		at = b.len;
		put_sentence(&b, c->empty, 150);
		if (b.len == at)
			buf_puts(&b, "no data");
	} else {
		switch (c->kind) {
		case CHART_STACKED_BARS:
			alt_stacked(&b, c);
			break;
		case CHART_GROUPED_BARS:
			alt_grouped(&b, c);
			break;
		case CHART_LINES:
			alt_lines(&b, c);
			break;
		case CHART_HBARS:
			alt_hbars(&b, c);
			break;
		case CHART_SPARKLINE:
			alt_sparkline(&b, c);
			break;
		case CHART_GRID:
			alt_grid(&b, c);
			break;
		}
	}
	if (c->note && *c->note) {
		buf_puts(&b, ". ");
		at = b.len;
		put_sentence(&b, c->note, 300);
		if (b.len == at)
			b.len -= 2; /* an empty note: no ". " */
	}
	buf_putc(&b, '.');
	return buf_detach(&b);
}
