/* chart: consumes one chart description (const) and produces its picture,
 * drawn by one cairo routine onto an SVG surface at 1x (the site) or an
 * image surface at 2x written as PNG (the email), plus a one-sentence text
 * alternative. Output is deterministic: same chart, same bytes (cairo's
 * process-wide SVG ids are renumbered per document). It refuses no data:
 * NAN and infinities are gaps, a chart whose every value is NAN or 0 shows
 * "No data", names are cleaned to valid UTF-8 and shortened with an
 * ellipsis to fit. It refuses only pictures cairo cannot make (a PNG
 * taller than cairo's 32767 px limit, a cairo error), with a static
 * message. Text is DejaVu Sans through cairo's toy font API, drawn as
 * glyph outlines, so no name reaches the SVG markup as text. */
#include "chart.h"
#include "format.h"
#include "util.h"

#include <cairo.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"
#define ELLIPSIS "\xe2\x80\xa6"  /* U+2026 */
#define PNG_SCALE 2
#define MAX_PX 32767             /* cairo's largest image surface side */
#define MAX_HEIGHT 16000         /* CSS px for grown charts: 2x fits MAX_PX */
#define MAX_NAME_CHARS 200       /* code points kept of a name before fitting */

/* Layout, in CSS px. */
#define PAD_L 12.0
#define PAD_R 16.0
#define TITLE_H 32.0
#define TOP_PLAIN 10.0
#define AXIS_ROW 22.0            /* tick labels above hbars, column labels above the grid */
#define BOTTOM_PAD 12.0
#define X_LABELS_H 26.0
#define LEGEND_ROW 18.0
#define NODATA_H 110.0           /* body of a grown chart without data */
#define MAX_TICKS 5

#define TITLE_SIZE 14.0
#define LABEL_SIZE 11.0
#define VALUE_SIZE 10.0

/* Okabe-Ito, ordered so neighbouring series stay distinct; yellow and
 * black last (yellow is weak on white). */
static const unsigned palette[] = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7,
				   0x56B4E9, 0xD55E00, 0xF0E442, 0x000000};
#define N_PALETTE (sizeof palette / sizeof palette[0])

#define C_BG 0xffffff
#define C_TITLE 0x111827
#define C_INK 0x1f2937
#define C_MUTED 0x4b5563
#define C_FAINT 0x9ca3af
#define C_GRID 0xe5e7eb
#define C_AXIS 0x6b7280
#define C_EMPTY_CELL 0xf1f3f6

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

static void set_font(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

/* s cleaned and, when wider than maxw, cut at a code point boundary and
 * ended with an ellipsis so that it fits ("" when not even that fits).
 * Caller frees. */
static char *fit(cairo_t *cr, const char *s, double maxw)
{
	bool cut;
	char *t = clean(s, MAX_NAME_CHARS, &cut);
	if (!cut && text_width(cr, t) <= maxw)
		return t;
	size_t len = strlen(t);
	char *try = xmalloc(len + sizeof ELLIPSIS);
	/* the longest prefix of k bytes (k on a boundary) that fits with "…" */
	size_t lo = 0, hi = len, best = 0;
	bool any = false;
	while (lo <= hi) {
		size_t mid = lo + (hi - lo) / 2;
		while (mid > lo && (t[mid] & 0xc0) == 0x80)
			mid--; /* back to the start of a code point */
		size_t k = mid;
		while (k > 0 && t[k - 1] == ' ')
			k--;
		memcpy(try, t, k);
		memcpy(try + k, ELLIPSIS, sizeof ELLIPSIS);
		if (text_width(cr, try) <= maxw) {
			best = mid;
			any = true;
			/* step past this code point */
			size_t next = mid + 1;
			while (next < len && (t[next] & 0xc0) == 0x80)
				next++;
			lo = next;
		} else {
			if (mid == 0)
				break;
			hi = mid - 1;
		}
	}
	char *out;
	if (!any) {
		out = xstrdup(text_width(cr, ELLIPSIS) <= maxw ? ELLIPSIS : "");
	} else {
		size_t k = best;
		while (k > 0 && t[k - 1] == ' ')
			k--;
		out = xmalloc(k + sizeof ELLIPSIS);
		memcpy(out, t, k);
		memcpy(out + k, ELLIPSIS, sizeof ELLIPSIS);
	}
	free(try);
	free(t);
	return out;
}

enum align { LEFT, CENTRE, RIGHT };

/* Draw s with its baseline at y, anchored at x. */
static void text_at(cairo_t *cr, const char *s, double x, double y, enum align a)
{
	if (!*s)
		return;
	if (a != LEFT) {
		double w = text_width(cr, s);
		x -= a == CENTRE ? w / 2 : w;
	}
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

/* The baseline that centres digits and capitals of a font size on y. */
static double mid_baseline(double y, double size)
{
	return y + size * 0.36;
}

static void colour(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
			     (rgb & 0xff) / 255.0);
}

static unsigned series_colour(size_t i)
{
	return palette[i % N_PALETTE];
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

/* Text of one size and colour gathered and drawn with one show_glyphs,
 * so a chart of a thousand rows makes one SVG group per run, not one per
 * label. */
struct run {
	double size;
	unsigned rgb;
	cairo_glyph_t *g;
	size_t n, cap;
};

static void run_add(cairo_t *cr, struct run *r, const char *s, double x, double y, enum align a)
{
	if (!*s)
		return;
	set_font(cr, r->size, false);
	if (a != LEFT) {
		double w = text_width(cr, s);
		x -= a == CENTRE ? w / 2 : w;
	}
	cairo_glyph_t *g = NULL;
	int n = 0;
	if (cairo_scaled_font_text_to_glyphs(cairo_get_scaled_font(cr), x, y, s, -1, &g, &n, NULL,
					     NULL, NULL) == CAIRO_STATUS_SUCCESS && n > 0) {
		GROW(r->g, r->cap, r->n + (size_t)n);
		memcpy(r->g + r->n, g, (size_t)n * sizeof *g);
		r->n += (size_t)n;
	}
	cairo_glyph_free(g);
}

static void run_flush(cairo_t *cr, struct run *r)
{
	if (r->n) {
		set_font(cr, r->size, false);
		colour(cr, r->rgb);
		cairo_show_glyphs(cr, r->g, (int)r->n);
	}
	free(r->g);
	r->g = NULL;
	r->n = r->cap = 0;
}

/* --- values --------------------------------------------------------------- */

static double value(const struct chart *c, size_t s, size_t k)
{
	if (!c->series || !c->series[s].values)
		return NAN;
	double v = c->series[s].values[k];
	return isfinite(v) ? v : NAN;
}

static const char *category(const struct chart *c, size_t k)
{
	return c->categories && c->categories[k] ? c->categories[k] : "";
}

static const char *series_name(const struct chart *c, size_t s)
{
	return c->series && c->series[s].name ? c->series[s].name : "";
}

/* Whether any value drawn is neither NAN nor 0 (hbars and sparklines draw
 * only their first series). */
static bool has_data(const struct chart *c)
{
	if (!c->n_categories || !c->n_series || !c->series)
		return false;
	size_t ns = c->kind == CHART_HBARS || c->kind == CHART_SPARKLINE ? 1 : c->n_series;
	for (size_t s = 0; s < ns; s++)
		for (size_t k = 0; k < c->n_categories; k++) {
			double v = value(c, s, k);
			if (!isnan(v) && v != 0)
				return true;
		}
	return false;
}

/* v in the chart's value kind: money compact ("$1.2M"), percent with
 * `decimals` decimals, counts whole. Caller frees. */
static char *value_text(const struct chart *c, double v, int decimals)
{
	if (fabs(v) > 9e15)
		v = copysign(9e15, v); /* keeps cents and counts inside int64 */
	switch (c->value) {
	case CHART_MONEY:
		return format_money_compact((int64_t)llround(v * 100), c->currency);
	case CHART_PERCENT:
		return format_percent(v, decimals);
	case CHART_COUNT:
		break;
	}
	return format_count((int64_t)llround(v));
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

static double header_h(const struct chart *c)
{
	if (c->kind == CHART_SPARKLINE)
		return 0;
	return titled(c) ? TITLE_H : TOP_PLAIN;
}

static size_t rows_of(const struct chart *c)
{
	return c->kind == CHART_GRID ? c->n_series : c->n_categories;
}

static double default_pitch(size_t rows)
{
	return rows <= 10 ? 28 : rows <= 40 ? 20 : 16;
}

void chart_size(const struct chart *c, int *width, int *height)
{
	bool spark = c->kind == CHART_SPARKLINE;
	*width = c->width > 0 ? c->width : spark ? 120 : 600;
	if (c->height > 0) {
		*height = c->height;
	} else if (spark) {
		*height = 32;
	} else if (c->kind == CHART_HBARS || c->kind == CHART_GRID) {
		size_t rows = rows_of(c);
		double body = has_data(c) ? AXIS_ROW + (double)rows * default_pitch(rows) + BOTTOM_PAD
					  : NODATA_H;
		double h = header_h(c) + body;
		*height = (int)ceil(h < MAX_HEIGHT ? h : MAX_HEIGHT);
	} else {
		*height = 300;
	}
}

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
	double w, h;
	double top;     /* below the title */
};

static void draw_title(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	set_font(cr, TITLE_SIZE, true);
	char *t = fit(cr, cv->c->title, cv->w - PAD_L - PAD_R);
	colour(cr, C_TITLE);
	text_at(cr, t, PAD_L, 21, LEFT);
	free(t);
}

static void draw_no_data(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	bool spark = cv->c->kind == CHART_SPARKLINE;
	double size = spark ? 9 : 13;
	set_font(cr, size, false);
	colour(cr, C_MUTED);
	double y = cv->top + (cv->h - cv->top - (spark ? 0 : BOTTOM_PAD)) / 2;
	text_at(cr, "No data", cv->w / 2, mid_baseline(y, size), CENTRE);
}

/* The legend, left to right with wrapping, at most three rows (the last
 * keeping room for "+N more"); returns the y below it. Lines get a stroke
 * with a dot, bars a square. */
static double draw_legend(struct canvas *cv, double x0, double y)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	bool line = c->kind == CHART_LINES;
	double sw = line ? 18 : 10, gap = 6, sep = 16;
	double x = x0, right = cv->w - PAD_R;
	int row = 0;
	set_font(cr, LABEL_SIZE, false);
	double more_w = text_width(cr, "+0000 more") + sep;
	for (size_t s = 0; s < c->n_series; s++) {
		char *name = fit(cr, series_name(c, s), 160);
		double need = sw + gap + text_width(cr, name);
		double reserve = row == 2 && s + 1 < c->n_series ? more_w : 0;
		if (x > x0 && x + need + reserve > right) {
			if (row == 2) {
				free(name);
				char *more = xasprintf("+%zu more", c->n_series - s);
				colour(cr, C_MUTED);
				text_at(cr, more, x, mid_baseline(y + LEGEND_ROW * row + 9, LABEL_SIZE),
					LEFT);
				free(more);
				break;
			}
			row++;
			x = x0;
		}
		double cy = y + LEGEND_ROW * row + 9;
		colour(cr, series_colour(s));
		if (line) {
			cairo_set_line_width(cr, 2);
			cairo_move_to(cr, x, cy);
			cairo_line_to(cr, x + sw, cy);
			cairo_stroke(cr);
			cairo_arc(cr, x + sw / 2, cy, 3, 0, 2 * M_PI);
			cairo_fill(cr);
		} else {
			cairo_rectangle(cr, x, cy - 5, 10, 10);
			cairo_fill(cr);
		}
		colour(cr, C_INK);
		text_at(cr, name, x + sw + gap, mid_baseline(cy, LABEL_SIZE), LEFT);
		x += need + sep;
		free(name);
	}
	return y + LEGEND_ROW * (row + 1);
}

/* --- categories along x: stacked bars, grouped bars, lines --------------- */

/* The widest of the labels, each fitted to maxw. */
static char **fitted_labels(cairo_t *cr, const struct chart *c, size_t n, bool rows_are_series,
			    double maxw, double *widest)
{
	char **out = xcalloc(n ? n : 1, sizeof *out);
	*widest = 0;
	for (size_t i = 0; i < n; i++) {
		out[i] = fit(cr, rows_are_series ? series_name(c, i) : category(c, i), maxw);
		*widest = fmax(*widest, text_width(cr, out[i]));
	}
	return out;
}

static void free_labels(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

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

/* Value labels over bars, all or none: each must fit its width. */
static bool labels_fit(struct canvas *cv, const double *totals, size_t n, double width)
{
	cairo_t *cr = cv->cr;
	set_font(cr, VALUE_SIZE, false);
	for (size_t i = 0; i < n; i++) {
		if (isnan(totals[i]))
			continue;
		char *t = value_text(cv->c, totals[i], 0);
		double tw = text_width(cr, t);
		free(t);
		if (tw > width)
			return false;
	}
	return true;
}

static void value_label(struct canvas *cv, double v, double x, double y_end)
{
	cairo_t *cr = cv->cr;
	char *t = value_text(cv->c, v, 0);
	set_font(cr, VALUE_SIZE, false);
	colour(cr, C_MUTED);
	if (v >= 0)
		text_at(cr, t, x, y_end - 4, CENTRE);
	else
		text_at(cr, t, x, y_end + VALUE_SIZE + 2, CENTRE);
	free(t);
}

static void draw_stacked(struct canvas *cv, const struct axis *ay, double x0, double slot,
			 bool labels)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	double bw = fmin(slot * 0.62, 56);
	for (size_t k = 0; k < c->n_categories; k++) {
		double x = round(x0 + slot * k + (slot - bw) / 2);
		double pos = 0, neg = 0;
		bool any = false;
		for (size_t s = 0; s < c->n_series; s++) {
			double v = value(c, s, k);
			if (isnan(v) || v == 0)
				continue;
			double base = v > 0 ? pos : neg;
			double end = base + v;
			double yb = axis_px(ay, base), ye = axis_px(ay, end);
			colour(cr, series_colour(s));
			cairo_rectangle(cr, x, fmin(yb, ye), bw, fabs(yb - ye));
			cairo_fill(cr);
			if (base != 0 && c->n_series > 1) {
				/* a hairline of background between segments */
				colour(cr, C_BG);
				cairo_set_line_width(cr, 1);
				cairo_move_to(cr, x, yb);
				cairo_line_to(cr, x + bw, yb);
				cairo_stroke(cr);
			}
			if (v > 0)
				pos = end;
			else
				neg = end;
			any = true;
		}
		if (labels && any)
			value_label(cv, pos + neg, x + bw / 2,
				    pos + neg >= 0 ? axis_px(ay, pos) : axis_px(ay, neg));
	}
}

/* The width of one bar of a group in a slot, and the gap between bars. */
static double grouped_bar(double slot, size_t ns, double *gap)
{
	*gap = ns > 1 ? fmin(3, slot * 0.04) : 0;
	return fmin((slot * 0.72 - *gap * (double)(ns - 1)) / (double)ns, 44);
}

static void draw_grouped(struct canvas *cv, const struct axis *ay, double x0, double slot,
			 bool labels)
{
	cairo_t *cr = cv->cr;
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
			colour(cr, series_colour(s));
			cairo_rectangle(cr, x, fmin(y, zero), bw, fabs(zero - y));
			cairo_fill(cr);
			if (labels)
				value_label(cv, v, x + bw / 2, y);
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
		colour(cr, series_colour(s));
		cairo_set_line_width(cr, 2.25);
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
		/* dots: every point on short series, else the isolated ones */
		for (size_t k = 0; k < n; k++) {
			double v = value(c, s, k);
			if (isnan(v))
				continue;
			bool alone = (k == 0 || isnan(value(c, s, k - 1))) &&
				     (k + 1 == n || isnan(value(c, s, k + 1)));
			if (!dots && !alone)
				continue;
			double x = x0 + slot * (k + 0.5), y = axis_px(ay, v), r = alone ? 3.5 : 2.75;
			colour(cr, C_BG);
			cairo_arc(cr, x, y, r + 1.25, 0, 2 * M_PI);
			cairo_fill(cr);
			colour(cr, series_colour(s));
			cairo_arc(cr, x, y, r, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
}

static void draw_xy(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	size_t n = c->n_categories;
	bool bars = c->kind != CHART_LINES;
	double top = cv->top;
	if (c->n_series > 1)
		top = draw_legend(cv, PAD_L, top) + 4;

	double lo, hi;
	xy_range(c, &lo, &hi);
	struct axis ay;
	axis_init(&ay, c, lo, hi);

	/* y tick labels set the left edge of the plot */
	set_font(cr, LABEL_SIZE, false);
	char **ticks = xcalloc((size_t)ay.n + 1, sizeof *ticks);
	double tw = 0;
	for (int i = 0; i <= ay.n; i++) {
		ticks[i] = tick_text(c, &ay, i);
		tw = fmax(tw, text_width(cr, ticks[i]));
	}
	double px0 = PAD_L + tw + 8, px1 = fmax(cv->w - PAD_R, px0 + 20);
	double py0 = top + (bars ? 16 : 8), py1 = cv->h - X_LABELS_H;
	if (py1 < py0 + 10)
		py1 = py0 + 10;
	ay.p0 = py1;
	ay.p1 = py0;
	double slot = (px1 - px0) / (double)n;

	for (int i = 0; i <= ay.n; i++) {
		double v = axis_tick(&ay, i), y = axis_px(&ay, v);
		if (v != 0)
			hline(cr, px0, px1, y, C_GRID);
		colour(cr, C_MUTED);
		set_font(cr, LABEL_SIZE, false);
		text_at(cr, ticks[i], px0 - 8, mid_baseline(y, LABEL_SIZE), RIGHT);
		free(ticks[i]);
	}
	free(ticks);

	/* category labels: shortened to their slot (or 60 px), a size smaller
	 * when they collide, then thinned */
	double lw, room = fmax(slot - 6, 60);
	double size = LABEL_SIZE;
	set_font(cr, size, false);
	char **labels = fitted_labels(cr, c, n, false, room, &lw);
	if (lw + 6 > slot) {
		free_labels(labels, n);
		size = LABEL_SIZE - 1;
		set_font(cr, size, false);
		labels = fitted_labels(cr, c, n, false, room, &lw);
	}
	size_t every = label_every(lw + 6, slot);
	struct run xl = {.size = size, .rgb = C_MUTED};
	for (size_t k = 0; k < n; k++)
		if (label_shown(k, n, every))
			run_add(cr, &xl, labels[k], px0 + slot * (k + 0.5), py1 + 17, CENTRE);
	run_flush(cr, &xl);
	free_labels(labels, n);

	if (c->kind == CHART_STACKED_BARS) {
		double *tot = xcalloc(n, sizeof *tot);
		for (size_t k = 0; k < n; k++) {
			bool any = false;
			for (size_t s = 0; s < c->n_series; s++) {
				double v = value(c, s, k);
				if (!isnan(v) && v != 0) {
					tot[k] += v;
					any = true;
				}
			}
			if (!any)
				tot[k] = NAN;
		}
		bool vl = labels_fit(cv, tot, n, slot - 4);
		free(tot);
		draw_stacked(cv, &ay, px0, slot, vl);
	} else if (c->kind == CHART_GROUPED_BARS) {
		size_t ns = c->n_series;
		double *vals = xcalloc(n * ns, sizeof *vals);
		for (size_t k = 0; k < n; k++)
			for (size_t s = 0; s < ns; s++)
				vals[k * ns + s] = value(c, s, k);
		double gap, bw = grouped_bar(slot, ns, &gap);
		bool vl = labels_fit(cv, vals, n * ns, ns > 1 ? bw + gap - 2 : slot - 4);
		free(vals);
		draw_grouped(cv, &ay, px0, slot, vl);
	} else {
		draw_lines(cv, &ay, px0, slot);
	}
	/* the zero line over the bars */
	hline(cr, px0, px1, axis_px(&ay, 0), C_AXIS);
}

/* --- horizontal bars ----------------------------------------------------- */

static void draw_hbars(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
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

	double inner = cv->w - PAD_L - PAD_R;
	set_font(cr, LABEL_SIZE, false);
	double lw;
	char **labels = fitted_labels(cr, c, n, false, fmax(inner * 0.36, 40), &lw);
	/* room for the widest value label right of the bars */
	set_font(cr, VALUE_SIZE, false);
	double vw = text_width(cr, "no data");
	for (size_t k = 0; k < n; k++) {
		double v = value(c, 0, k);
		if (isnan(v))
			continue;
		char *t = value_text(c, v, 0);
		vw = fmax(vw, text_width(cr, t));
		free(t);
	}
	double px0 = PAD_L + lw + 10, px1 = cv->w - PAD_R - vw - 6;
	if (px1 < px0 + 20)
		px1 = px0 + 20;
	ax.p0 = px0;
	ax.p1 = px1;
	double ry0 = cv->top + AXIS_ROW, ry1 = cv->h - BOTTOM_PAD;
	double pitch = (ry1 - ry0) / (double)n;
	double bh = fmin(pitch * 0.68, 20);

	/* ticks above, gridlines through the rows */
	set_font(cr, LABEL_SIZE, false);
	for (int i = 0; i <= ax.n; i++) {
		double v = axis_tick(&ax, i), x = axis_px(&ax, v);
		if (v != 0)
			vline(cr, x, ry0 - 4, ry1, C_GRID);
		char *t = tick_text(c, &ax, i);
		colour(cr, C_MUTED);
		text_at(cr, t, x, ry0 - 8, CENTRE);
		free(t);
	}

	/* rows: labels thinned when rows are too thin for them, every bar in
	 * one path, a value after each bar when rows have room */
	double zero = axis_px(&ax, 0);
	size_t every = label_every(LABEL_SIZE + 2, pitch);
	bool value_room = pitch >= VALUE_SIZE + 1;
	struct run names = {.size = LABEL_SIZE, .rgb = C_INK};
	struct run values = {.size = VALUE_SIZE, .rgb = C_INK};
	struct run gaps = {.size = VALUE_SIZE, .rgb = C_FAINT};
	for (size_t k = 0; k < n; k++) {
		double cy = ry0 + pitch * (k + 0.5);
		double v = value(c, 0, k);
		if (label_shown(k, n, every))
			run_add(cr, &names, labels[k], px0 - 10, mid_baseline(cy, LABEL_SIZE), RIGHT);
		if (isnan(v)) {
			if (value_room)
				run_add(cr, &gaps, "no data", zero + 4, mid_baseline(cy, VALUE_SIZE), LEFT);
			continue;
		}
		double x = axis_px(&ax, v);
		cairo_rectangle(cr, fmin(x, zero), round(cy - bh / 2), fabs(x - zero), fmax(round(bh), 1));
		if (value_room) {
			char *t = value_text(c, v, 0);
			run_add(cr, &values, t, fmax(x, zero) + 5, mid_baseline(cy, VALUE_SIZE), LEFT);
			free(t);
		}
	}
	colour(cr, series_colour(0));
	cairo_fill(cr);
	run_flush(cr, &names);
	run_flush(cr, &values);
	run_flush(cr, &gaps);
	vline(cr, zero, ry0 - 4, ry1, C_AXIS);
	free_labels(labels, n);
}

/* --- grid ---------------------------------------------------------------- */

/* Cell shade: 0 very light; otherwise light to dark blue with the share of
 * the largest count. */
static unsigned cell_colour(double t)
{
	static const unsigned light = 0xc6dbef, dark = 0x08519c;
	if (t <= 0)
		return C_EMPTY_CELL;
	if (t > 1)
		t = 1;
	unsigned out = 0;
	for (int sh = 16; sh >= 0; sh -= 8) {
		double a = (light >> sh) & 0xff, b = (dark >> sh) & 0xff;
		out |= (unsigned)lround(a + (b - a) * t) << sh;
	}
	return out;
}

struct cell {
	unsigned rgb;
	size_t s, k;
};

static int cell_cmp(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	if (x->rgb != y->rgb)
		return x->rgb < y->rgb ? -1 : 1;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static void draw_grid(struct canvas *cv)
{
	cairo_t *cr = cv->cr;
	const struct chart *c = cv->c;
	size_t rows = c->n_series, cols = c->n_categories;
	double max = 0;
	for (size_t s = 0; s < rows; s++)
		for (size_t k = 0; k < cols; k++) {
			double v = value(c, s, k);
			if (!isnan(v))
				max = fmax(max, v);
		}

	double inner = cv->w - PAD_L - PAD_R;
	set_font(cr, LABEL_SIZE, false);
	double lw;
	char **labels = fitted_labels(cr, c, rows, true, fmax(inner * 0.36, 40), &lw);
	double gx0 = PAD_L + lw + 10, gx1 = cv->w - PAD_R;
	if (gx1 < gx0 + (double)cols)
		gx1 = gx0 + (double)cols;
	double ry0 = cv->top + AXIS_ROW, ry1 = cv->h - BOTTOM_PAD;
	double pitch = (ry1 - ry0) / (double)rows, cw = (gx1 - gx0) / (double)cols;
	double gap = pitch >= 6 && cw >= 6 ? 1 : 0;

	/* column labels, thinned when they collide */
	set_font(cr, VALUE_SIZE, false);
	double colw;
	char **heads = fitted_labels(cr, c, cols, false, fmax(cw - 4, 36), &colw);
	size_t every = label_every(colw + 6, cw);
	struct run hr = {.size = VALUE_SIZE, .rgb = C_MUTED};
	for (size_t k = 0; k < cols; k++)
		if (label_shown(k, cols, every))
			run_add(cr, &hr, heads[k], gx0 + cw * (k + 0.5), ry0 - 7, CENTRE);
	run_flush(cr, &hr);
	free_labels(heads, cols);

	/* does the widest count fit a cell? */
	char *widest = value_text(c, max, 0);
	bool numbers = pitch >= VALUE_SIZE + 2 && text_width(cr, widest) + 4 <= cw - gap;
	free(widest);

	/* row labels, thinned when rows are too thin for them; cells and their
	 * numbers batched by colour (one path per shade, one run per ink) */
	size_t rows_every = label_every(LABEL_SIZE + 2, pitch);
	struct run names = {.size = LABEL_SIZE, .rgb = C_INK};
	struct run ink[3] = {{.size = VALUE_SIZE, .rgb = C_FAINT},
			     {.size = VALUE_SIZE, .rgb = C_INK},
			     {.size = VALUE_SIZE, .rgb = C_BG}};
	struct cell *cells = xcalloc(rows * cols, sizeof *cells);
	size_t n_cells = 0;
	for (size_t s = 0; s < rows; s++) {
		double cy = ry0 + pitch * (s + 0.5);
		if (label_shown(s, rows, rows_every))
			run_add(cr, &names, labels[s], gx0 - 10, mid_baseline(cy, LABEL_SIZE), RIGHT);
		for (size_t k = 0; k < cols; k++) {
			double v = value(c, s, k);
			if (isnan(v))
				continue; /* a gap: background */
			double t = max > 0 ? v / max : 0;
			cells[n_cells++] = (struct cell){cell_colour(t), s, k};
			if (numbers) {
				char *txt = value_text(c, v, 0);
				struct run *r = &ink[v <= 0 ? 0 : t > 0.55 ? 2 : 1];
				run_add(cr, r, txt, gx0 + cw * (k + 0.5), mid_baseline(cy, VALUE_SIZE),
					CENTRE);
				free(txt);
			}
		}
	}
	qsort(cells, n_cells, sizeof *cells, cell_cmp);
	for (size_t i = 0; i < n_cells; i++) {
		const struct cell *e = &cells[i];
		/* whole-pixel edges: crisp, and short numbers in the SVG */
		double xa = round(gx0 + cw * e->k), xb = round(gx0 + cw * (e->k + 1));
		double ya = round(ry0 + pitch * e->s), yb = round(ry0 + pitch * (e->s + 1));
		cairo_rectangle(cr, xa, ya, fmax(xb - xa - gap, 0.5), fmax(yb - ya - gap, 0.5));
		if (i + 1 == n_cells || cells[i + 1].rgb != e->rgb) {
			colour(cr, e->rgb);
			cairo_fill(cr);
		}
	}
	free(cells);
	run_flush(cr, &names);
	for (int i = 0; i < 3; i++)
		run_flush(cr, &ink[i]);
	free_labels(labels, rows);
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
	colour(cr, series_colour(0));
	cairo_set_line_width(cr, 1.5);
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
			cairo_arc(cr, SPARK_X(k), axis_px(&ay, v), 1.5, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
	if (last != SIZE_MAX) {
		cairo_arc(cr, SPARK_X(last), axis_px(&ay, value(c, 0, last)), 2.5, 0, 2 * M_PI);
		cairo_fill(cr);
	}
#undef SPARK_X
}

/* --- the one drawing routine --------------------------------------------- */

static void draw(cairo_t *cr, const struct chart *c, int w, int h)
{
	struct canvas cv = {.cr = cr, .c = c, .w = w, .h = h, .top = header_h(c)};
	cairo_font_options_t *fo = cairo_font_options_create();
	/* the same metrics on every surface, so both formats lay out alike */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);

	colour(cr, C_BG);
	cairo_paint(cr);
	if (titled(c))
		draw_title(&cv);
	if (!has_data(c)) {
		draw_no_data(&cv);
		return;
	}
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

int chart_render_svg(const struct chart *c, struct buf *out, char **err)
{
	int w, h;
	chart_size(c, &w, &h);
	struct buf raw = {0};
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(to_buf, &raw, w, h);
	cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
	cairo_t *cr = cairo_create(s);
	draw(cr, c, w, h);
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

int chart_render_png(const struct chart *c, struct buf *out, char **err)
{
	int w, h;
	chart_size(c, &w, &h);
	if (w > MAX_PX / PNG_SCALE || h > MAX_PX / PNG_SCALE) {
		*err = "chart too large for a PNG";
		return -1;
	}
	cairo_surface_t *s =
		cairo_image_surface_create(CAIRO_FORMAT_RGB24, w * PNG_SCALE, h * PNG_SCALE);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, PNG_SCALE, PNG_SCALE);
	draw(cr, c, w, h);
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

static void alt_grouped(struct buf *b, const struct chart *c)
{
	size_t n = c->n_categories < 6 ? c->n_categories : 6;
	for (size_t k = 0; k < n; k++) {
		if (k)
			buf_puts(b, "; ");
		put_name(b, category(c, k));
		buf_puts(b, ": ");
		for (size_t s = 0; s < c->n_series && s < 3; s++) {
			if (s)
				buf_puts(b, ", ");
			put_name(b, series_name(c, s));
			buf_putc(b, ' ');
			put_value(b, c, value(c, s, k));
		}
		if (c->n_series > 3)
			buf_printf(b, ", and %zu more", c->n_series - 3);
	}
	if (c->n_categories > n)
		buf_printf(b, "; and %zu more", c->n_categories - n);
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
	size_t k = latest_category(c);
	double lo = INFINITY, hi = -INFINITY;
	for (size_t j = 0; j < c->n_categories; j++) {
		double v = value(c, 0, j);
		if (!isnan(v)) {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
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
	size_t k = latest_category(c);
	for (size_t s = 0; s < c->n_series; s++)
		for (size_t j = 0; j < c->n_categories; j++) {
			double v = value(c, s, j);
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
}

char *chart_alt_text(const struct chart *c)
{
	struct buf b = {0};
	buf_puts(&b, kind_phrase(c->kind));
	buf_puts(&b, ": ");
	bool cut;
	char *title = clean(c->title, 150, &cut);
	size_t tl = strlen(title);
	while (tl && (title[tl - 1] == '.' || title[tl - 1] == ' '))
		title[--tl] = 0;
	buf_puts(&b, *title ? title : "untitled");
	if (cut)
		buf_puts(&b, ELLIPSIS);
	free(title);
	buf_puts(&b, "; ");
	if (!has_data(c)) {
		buf_puts(&b, "no data.");
		return buf_detach(&b);
	}
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
	buf_putc(&b, '.');
	return buf_detach(&b);
}
