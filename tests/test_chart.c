/* Unit tests of the chart stage: nice 1-2-5 ticks; bar lengths in
 * proportion to values, measured on decoded PNGs; every kind drawn from
 * edge-case data (empty, all NAN, all zero, a single point, one category,
 * a thousand categories, hostile and invalid UTF-8 names); PNGs at twice
 * the CSS size and not blank; SVGs well-formed with a size and viewBox;
 * the same chart giving the same bytes; labels kept inside the picture;
 * alt text naming the key figure or saying there is no data. */
#include "testutil.h"

#include "chart.h"
#include "util.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

static const char *months[] = {"Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026",
			       "Mar 2026", "Apr 2026", "May 2026", "Jun 2026",
			       "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026"};

#define BAR_BLUE 0x1A4F8Fu /* the first series colour (first tier), light theme */
#define SPARK 0x1B8A94u    /* sparklines, both themes */
#define DARK_PAGE 0x111418u    /* assets/style.css, dark theme: --bg */
#define DARK_SURFACE 0x1B2027u /* and --surface */
#define N_TIERS_TESTED 6

/* A series of the first paint (by position). */
#define SERIES(n, v) {.name = (n), .values = (v)}
#define WHITE 0xffffffu

/* --- helpers -------------------------------------------------------------- */

static char *svg_of(const struct chart *c)
{
	struct buf b = {0};
	char *err = NULL;
	assert_int_equal(chart_render_svg(c, &b, &err), 0);
	return buf_detach(&b);
}

static struct buf png_of(const struct chart *c)
{
	struct buf b = {0};
	char *err = NULL;
	assert_int_equal(chart_render_png(c, &b, &err), 0);
	assert_true(b.len > 8);
	assert_memory_equal(b.data, "\x89PNG\r\n\x1a\n", 8);
	return b;
}

struct reader {
	const unsigned char *p;
	size_t left;
};

static cairo_status_t read_buf(void *closure, unsigned char *data, unsigned int len)
{
	struct reader *r = closure;
	if (len > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, len);
	r->p += len;
	r->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

/* A decoded picture; free with image_free. */
struct image {
	int w, h, stride;
	const unsigned char *data;
	cairo_surface_t *s;
};

static struct image decode(const struct buf *png)
{
	struct reader r = {(const unsigned char *)png->data, png->len};
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_buf, &r);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_format_t f = cairo_image_surface_get_format(s);
	assert_true(f == CAIRO_FORMAT_RGB24 || f == CAIRO_FORMAT_ARGB32);
	return (struct image){cairo_image_surface_get_width(s), cairo_image_surface_get_height(s),
			      cairo_image_surface_get_stride(s), cairo_image_surface_get_data(s), s};
}

static void image_free(struct image *im)
{
	cairo_surface_destroy(im->s);
}

/* The RGB of a pixel (the pictures are opaque). */
static uint32_t pixel(const struct image *im, int x, int y)
{
	uint32_t v;
	memcpy(&v, im->data + (size_t)y * im->stride + (size_t)x * 4, 4);
	return v & 0xffffff;
}

/* Near rgb: antialiased strokes rarely hit the exact colour. */
static bool near(uint32_t p, uint32_t rgb)
{
	for (int sh = 0; sh <= 16; sh += 8) {
		int a = (int)((p >> sh) & 0xff), b = (int)((rgb >> sh) & 0xff);
		if (abs(a - b) > 48)
			return false;
	}
	return true;
}

static size_t count_not(const struct image *im, int x0, int y0, int x1, int y1, uint32_t rgb)
{
	size_t n = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			n += pixel(im, x, y) != rgb;
	return n;
}

/* Render c as PNG and decode it, checking the size is twice its email size. */
static struct image picture(const struct chart *c)
{
	struct buf png = png_of(c);
	struct image im = decode(&png);
	buf_free(&png);
	int w, h;
	chart_size_for(c, CHART_EMAIL, &w, &h);
	assert_int_equal(im.w, 2 * w);
	assert_int_equal(im.h, 2 * h);
	return im;
}

/* Lengths (in device px) of the runs of exactly rgb, scanning columns
 * (vertical bars) or rows (horizontal bars); each bar's longest run. */
static size_t bar_lengths(const struct image *im, uint32_t rgb, bool vertical, int *out, size_t max)
{
	int outer = vertical ? im->w : im->h, inner = vertical ? im->h : im->w;
	size_t n = 0;
	bool in_bar = false;
	for (int a = 0; a < outer; a++) {
		int len = 0;
		for (int b = 0; b < inner; b++) {
			uint32_t p = vertical ? pixel(im, a, b) : pixel(im, b, a);
			len += p == rgb;
		}
		if (len > 0) {
			if (!in_bar) {
				assert_true(n < max);
				out[n++] = 0;
			}
			if (len > out[n - 1])
				out[n - 1] = len;
		}
		in_bar = len > 0;
	}
	return n;
}

/* A small XML checker: declaration first, one root element <svg>, every
 * tag closed in order, quotes balanced, nothing but space after the root. */
static bool well_formed(const char *s)
{
	if (strncmp(s, "<?xml", 5))
		return false;
	char stack[64][32];
	int depth = 0;
	bool root_done = false;
	const char *p = s;
	while (*p) {
		if (*p != '<') {
			if (root_done && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
				return false;
			p++;
			continue;
		}
		if (!strncmp(p, "<?", 2)) {
			const char *e = strstr(p, "?>");
			if (!e)
				return false;
			p = e + 2;
			continue;
		}
		if (!strncmp(p, "<!--", 4)) {
			const char *e = strstr(p, "-->");
			if (!e)
				return false;
			p = e + 3;
			continue;
		}
		if (root_done)
			return false;
		bool closing = p[1] == '/';
		const char *name = p + 1 + closing;
		size_t nl = strcspn(name, " \t\n/>");
		if (!nl || nl >= sizeof stack[0])
			return false;
		const char *q = name + nl;
		char quote = 0;
		while (*q && (quote || *q != '>')) {
			if (quote && *q == quote)
				quote = 0;
			else if (!quote && (*q == '"' || *q == '\''))
				quote = *q;
			else if (!quote && *q == '<')
				return false;
			q++;
		}
		if (!*q)
			return false;
		bool empty = q[-1] == '/';
		if (closing) {
			if (!depth || strlen(stack[depth - 1]) != nl ||
			    strncmp(stack[depth - 1], name, nl))
				return false;
			if (--depth == 0)
				root_done = true;
		} else if (!empty) {
			if (depth == 0 && strncmp(name, "svg", nl))
				return false;
			if (depth == 64)
				return false;
			memcpy(stack[depth], name, nl);
			stack[depth++][nl] = 0;
		} else if (depth == 0) {
			return false;
		}
		p = q + 1;
	}
	return root_done && depth == 0;
}

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		if (!n)
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

/* Check everything a rendering must satisfy whatever the data: both
 * formats render, the PNG has the right size and some ink, the SVG is
 * well-formed, sized and the same on a second rendering (its dark and
 * narrow variants well-formed and sized), the alt text is a valid UTF-8
 * sentence. */
static void check_renders(const struct chart *c)
{
	char *svg = svg_of(c);
	assert_true(well_formed(svg));
	int w, h;
	chart_size(c, &w, &h);
	char attr[64];
	snprintf(attr, sizeof attr, "width=\"%dpx\" height=\"%dpx\"", w, h);
	assert_non_null(strstr(svg, attr));
	snprintf(attr, sizeof attr, "viewBox=\"0 0 %d %d\"", w, h);
	assert_non_null(strstr(svg, attr));
	char *again = svg_of(c);
	assert_string_equal(svg, again);
	free(again);
	free(svg);
	for (size_t v = 0; v < CHART_VARIANTS; v++) {
		const struct chart_variant *cv = &chart_variants[v];
		struct buf b = {0};
		char *err = NULL;
		assert_int_equal(chart_render_svg_for(c, cv->layout, cv->theme, &b, &err), 0);
		assert_true(well_formed(buf_cstr(&b)));
		chart_size_for(c, cv->layout, &w, &h);
		snprintf(attr, sizeof attr, "viewBox=\"0 0 %d %d\"", w, h);
		assert_non_null(strstr(buf_cstr(&b), attr));
		buf_free(&b);
	}

	struct image im = picture(c);
	bool ink = false;
	for (int y = 0; y < im.h && !ink; y++)
		for (int x = 0; x < im.w && !ink; x++)
			ink = pixel(&im, x, y) != WHITE;
	assert_true(ink);
	image_free(&im);

	char *alt = chart_alt_text(c);
	assert_true(strlen(alt) > 10);
	assert_true(valid_utf8(alt));
	assert_int_equal(alt[strlen(alt) - 1], '.');
	free(alt);
}

/* --- ticks ---------------------------------------------------------------- */

static bool nice(double step)
{
	double m = step / pow(10, floor(log10(step)));
	return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9 || fabs(m - 10) < 1e-9;
}

/* The next smaller 1-2-5 step. */
static double smaller(double step)
{
	double p = pow(10, floor(log10(step) + 1e-12));
	double m = step / p;
	if (m > 4.5)
		return 2 * p;
	if (m > 1.5)
		return p;
	return p / 2;
}

static void ticks(void **state)
{
	double t0, t1, step;
	chart_ticks(0, 1234, 5, &t0, &t1, &step);
	assert_float_equal(step, 500, 1e-9);
	assert_float_equal(t0, 0, 1e-9);
	assert_float_equal(t1, 1500, 1e-9);

	chart_ticks(0, 0.83, 5, &t0, &t1, &step);
	assert_float_equal(step, 0.2, 1e-12);
	assert_float_equal(t1, 1.0, 1e-12);

	chart_ticks(0, 100, 5, &t0, &t1, &step);
	assert_float_equal(step, 20, 1e-9);
	assert_float_equal(t1, 100, 1e-9);

	chart_ticks(0, 7, 5, &t0, &t1, &step);
	assert_float_equal(step, 2, 1e-9);
	assert_float_equal(t1, 8, 1e-9);

	chart_ticks(0, 2000000, 5, &t0, &t1, &step);
	assert_float_equal(step, 500000, 1e-6);
	assert_float_equal(t1, 2000000, 1e-6);

	/* lo >= 0 starts at zero */
	chart_ticks(300, 1234, 5, &t0, &t1, &step);
	assert_float_equal(t0, 0, 0);
	assert_float_equal(t1, 1500, 1e-9);
	chart_ticks(900, 1000, 5, &t0, &t1, &step);
	assert_float_equal(t0, 0, 0);
	assert_float_equal(step, 200, 1e-9);
	assert_float_equal(t1, 1000, 1e-9);

	/* a negative lo is rounded down to the step */
	chart_ticks(-130, 470, 5, &t0, &t1, &step);
	assert_float_equal(step, 200, 1e-9);
	assert_float_equal(t0, -200, 1e-9);
	assert_float_equal(t1, 600, 1e-9);

	/* all negative: up to zero */
	chart_ticks(-90, -10, 5, &t0, &t1, &step);
	assert_float_equal(step, 20, 1e-9);
	assert_float_equal(t0, -100, 1e-9);
	assert_float_equal(t1, 0, 0);

	/* nothing to span, reversed, non-finite, silly max: a usable axis */
	chart_ticks(0, 0, 5, &t0, &t1, &step);
	assert_float_equal(t0, 0, 0);
	assert_true(t1 > t0 && step > 0 && (t1 - t0) / step <= 5 + 1e-9);
	chart_ticks(1234, 0, 5, &t0, &t1, &step);
	assert_float_equal(t1, 1500, 1e-9);
	chart_ticks(NAN, INFINITY, 5, &t0, &t1, &step);
	assert_true(isfinite(t0) && isfinite(t1) && t1 > t0 && step > 0);
	chart_ticks(0, 10, 0, &t0, &t1, &step);
	assert_float_equal(step, 10, 1e-9);

	/* properties over many ranges: nice step, covering, at most
	 * max_ticks intervals, and the smallest such step */
	unsigned seed = 1;
	for (int i = 0; i < 2000; i++) {
		seed = seed * 1103515245u + 12345u;
		double hi = ((seed >> 8) % 100000) * pow(10, (int)((seed >> 4) % 9) - 4);
		seed = seed * 1103515245u + 12345u;
		double share = ((seed >> 8) % 100) / 100.0;
		double lo = (seed >> 24) & 1 ? -hi * share : hi * share;
		int max = 3 + (int)((seed >> 20) % 6);
		chart_ticks(lo, hi, max, &t0, &t1, &step);
		assert_true(step > 0 && nice(step));
		assert_true(t0 <= fmin(lo, 0) + step * 1e-9);
		assert_true(t1 >= hi - step * 1e-9);
		if (lo >= 0)
			assert_true(t0 == 0);
		double n = (t1 - t0) / step;
		assert_true(n <= max + 1e-6);
		assert_true(fabs(n - round(n)) < 1e-6);
		if (hi > lo && hi > 0) {
			double s = smaller(step);
			double m = ceil(hi / s - 1e-9) - floor(fmin(lo, 0) / s + 1e-9);
			assert_true(m > max);
		}
	}
}

/* --- geometry --------------------------------------------------------------- */

/* Bar lengths are proportional to values: measured on the decoded PNG. */
static void bars_proportional(void **state)
{
	static const char *cats[] = {"North", "South", "East"};
	int len[8];

	double v1[] = {100, 50};
	struct chart_series s1[] = {SERIES("Won", v1)};
	struct chart c = {.kind = CHART_STACKED_BARS, .value = CHART_MONEY, .title = "Won",
			  .categories = cats, .n_categories = 2, .series = s1, .n_series = 1};
	struct image im = picture(&c);
	assert_int_equal(bar_lengths(&im, BAR_BLUE, true, len, 8), 2);
	assert_true(len[0] > 200); /* most of a 640 px tall picture */
	assert_float_equal((double)len[0] / len[1], 2.0, 0.03);
	image_free(&im);

	/* grouped: the first series of three categories */
	double g1[] = {300, 150, 75}, g2[] = {10, 10, 10};
	struct chart_series gs[] = {SERIES("Forecast", g1), SERIES("Actual", g2)};
	c = (struct chart){.kind = CHART_GROUPED_BARS, .value = CHART_MONEY, .categories = cats,
			   .n_categories = 3, .series = gs, .n_series = 2};
	im = picture(&c);
	/* the legend swatch is a short column too: keep the three tall ones */
	size_t n = bar_lengths(&im, BAR_BLUE, true, len, 8);
	assert_int_equal(n, 4);
	assert_float_equal((double)len[1] / len[2], 2.0, 0.03);
	assert_float_equal((double)len[1] / len[3], 4.0, 0.08);
	image_free(&im);

	/* horizontal bars, in the given order, lengths along x */
	double h1[] = {40, 80, 20};
	struct chart_series hs[] = {SERIES("Revenue", h1)};
	c = (struct chart){.kind = CHART_HBARS, .value = CHART_MONEY, .categories = cats,
			   .n_categories = 3, .series = hs, .n_series = 1};
	im = picture(&c);
	assert_int_equal(bar_lengths(&im, BAR_BLUE, false, len, 8), 3);
	assert_float_equal((double)len[1] / len[0], 2.0, 0.03);
	assert_float_equal((double)len[1] / len[2], 4.0, 0.08);
	image_free(&im);

	/* a NAN bar is absent, not drawn as zero or full */
	double h2[] = {40, NAN, 20};
	hs[0].values = h2;
	im = picture(&c);
	assert_int_equal(bar_lengths(&im, BAR_BLUE, false, len, 8), 2);
	assert_float_equal((double)len[0] / len[1], 2.0, 0.05);
	image_free(&im);
}

/* The longest run of columns without colour rgb between the first and
 * last columns with it; *span is the distance between those. */
static int longest_gap(const struct image *im, int *span, uint32_t rgb)
{
	int first = -1, last = -1, run = 0, longest = 0;
	for (int x = 0; x < im->w; x++) {
		bool any = false;
		for (int y = 0; y < im->h; y++)
			any |= near(pixel(im, x, y), rgb);
		if (any) {
			if (first < 0)
				first = x;
			last = x;
			longest = run > longest ? run : longest;
			run = 0;
		} else if (first >= 0) {
			run++;
		}
	}
	*span = last - first;
	return longest;
}

/* A line with a NAN breaks; a single point is still visible as a dot. */
static void lines_gaps_and_points(void **state)
{
	double v[12];
	for (int i = 0; i < 12; i++)
		v[i] = NAN;
	v[11] = 0.31;
	struct chart_series s[] = {SERIES("Partner", v)};
	struct chart c = {.kind = CHART_LINES, .value = CHART_PERCENT, .categories = months,
			  .n_categories = 12, .series = s, .n_series = 1};
	struct image im = picture(&c);
	size_t blue = 0;
	int minx = im.w, maxx = 0;
	for (int y = 0; y < im.h; y++)
		for (int x = 0; x < im.w; x++)
			if (near(pixel(&im, x, y), BAR_BLUE)) {
				blue++;
				minx = x < minx ? x : minx;
				maxx = x > maxx ? x : maxx;
			}
	assert_true(blue >= 20);         /* a dot, */
	assert_true(maxx - minx < 20);   /* only a dot, */
	assert_true(minx > im.w * 0.85); /* at the last month */
	image_free(&im);

	/* a gap: no blue in the columns between the two runs */
	for (int i = 0; i < 12; i++)
		v[i] = 0.2 + 0.01 * i;
	v[5] = v[6] = NAN;
	im = picture(&c);
	int span, gap = longest_gap(&im, &span, BAR_BLUE);
	assert_true(span > im.w * 3 / 4);
	/* two missing months: about three slots (135 CSS px) without line */
	assert_true(gap > 2 * 70);
	image_free(&im);

	/* the same in a sparkline (about 30 CSS px without line), in its own colour */
	c.kind = CHART_SPARKLINE;
	im = picture(&c);
	gap = longest_gap(&im, &span, SPARK);
	assert_true(span > im.w * 3 / 4);
	assert_true(gap > 2 * 15);
	image_free(&im);
}

/* --- sizes ---------------------------------------------------------------- */

static void sizes(void **state)
{
	double v[1000];
	const char *names[1000];
	for (int i = 0; i < 1000; i++) {
		v[i] = i + 1;
		names[i] = "P";
	}
	struct chart_series s[] = {SERIES("x", v)};
	struct chart c = {.kind = CHART_STACKED_BARS, .categories = names, .n_categories = 12,
			  .series = s, .n_series = 1};
	int w, h;
	/* the site's content column, a phone's and the email's image column */
	chart_size(&c, &w, &h);
	assert_int_equal(w, 1112);
	assert_int_equal(h, 400);
	chart_size_for(&c, CHART_SITE_NARROW, &w, &h);
	assert_int_equal(w, 320);
	assert_int_equal(h, 300);
	chart_size_for(&c, CHART_EMAIL, &w, &h);
	assert_int_equal(w, 552);
	assert_int_equal(h, 320);
	c.kind = CHART_SPARKLINE;
	chart_size(&c, &w, &h);
	assert_int_equal(w, 120);
	assert_int_equal(h, 32);
	chart_size_for(&c, CHART_EMAIL, &w, &h);
	assert_int_equal(w, 120);
	assert_int_equal(h, 32);
	c.width = 200;
	c.height = 50;
	chart_size(&c, &w, &h);
	assert_int_equal(w, 200);
	assert_int_equal(h, 50);
	chart_size_for(&c, CHART_EMAIL, &w, &h);
	assert_int_equal(w, 200);
	assert_int_equal(h, 50);

	/* hbars grow with categories, the grid with rows; both capped */
	c = (struct chart){.kind = CHART_HBARS, .categories = names, .series = s, .n_series = 1};
	int prev = 0;
	for (size_t n = 1; n <= 1000; n *= 10) {
		c.n_categories = n;
		chart_size(&c, &w, &h);
		assert_int_equal(w, 1112);
		assert_true(h > prev);
		assert_true(h >= (int)n * 14);
		assert_true(h <= 16000);
		prev = h;
	}
	struct chart_series rows[1000];
	for (int i = 0; i < 1000; i++)
		rows[i] = (struct chart_series)SERIES("P", v);
	c = (struct chart){.kind = CHART_GRID, .categories = months, .n_categories = 12,
			   .series = rows, .n_series = 20};
	chart_size(&c, &w, &h);
	int h20 = h;
	c.n_series = 1000;
	chart_size(&c, &w, &h);
	assert_true(h > h20 && h >= 14000 && h <= 16000);

	/* a title too long for one line takes a second where it is narrow,
	 * and the rest is ellipsized there */
	c.n_series = 3;
	c.title = "Deal reviews per week, partners with a gap, last 13 weeks";
	int site, narrow, plain;
	chart_size(&c, &w, &site);
	chart_size_for(&c, CHART_SITE_NARROW, &w, &narrow);
	c.title = "Reviews";
	chart_size_for(&c, CHART_SITE_NARROW, &w, &plain);
	assert_int_equal(narrow - plain, 15 + 5); /* one line of the 15 px narrow title */
	chart_size(&c, &w, &h);
	assert_int_equal(site, h);
	struct buf longer = {0};
	for (int i = 0; i < 10; i++)
		buf_puts(&longer, "Deal reviews per week, partners with a gap, ");
	c.title = buf_cstr(&longer);
	chart_size_for(&c, CHART_SITE_NARROW, &w, &h);
	assert_int_equal(h, narrow); /* two lines at most */
	check_renders(&c);
	buf_free(&longer);
}

/* --- every kind from edge-case data ---------------------------------------- */

static const enum chart_kind kinds[] = {CHART_STACKED_BARS, CHART_GROUPED_BARS, CHART_LINES,
					CHART_HBARS, CHART_SPARKLINE, CHART_GRID};
static const enum chart_value values[] = {CHART_MONEY, CHART_PERCENT, CHART_COUNT};

static void edge_cases(void **state)
{
	double nan12[12], zero12[12], one12[12], neg12[12], mixed12[12];
	for (int i = 0; i < 12; i++) {
		nan12[i] = NAN;
		zero12[i] = 0;
		one12[i] = NAN;
		neg12[i] = i % 3 ? -1000.0 * i : 500.0 * i;
		mixed12[i] = i % 4 == 1 ? NAN : i % 4 == 2 ? INFINITY : 0.05 * i;
	}
	one12[7] = 0.4;
	double huge[12] = {1e15, 2e15, 3e14, 0, 0, 0, 0, 0, 0, 0, 0, 4e15};
	double tiny[12] = {0.001, 0.002, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.004};
	const double *datasets[] = {nan12, zero12, one12, neg12, mixed12, huge, tiny};

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		/* no categories, no series, NULL pointers */
		struct chart c = {.kind = kinds[k], .value = values[k % 3], .title = "Empty"};
		check_renders(&c);
		c.title = NULL;
		check_renders(&c);
		struct chart_series nothing[] = {SERIES(NULL, NULL)};
		c = (struct chart){.kind = kinds[k], .value = values[k % 3], .title = "t",
				   .n_categories = 12, .series = nothing, .n_series = 1};
		check_renders(&c);
		/* each data set in each value kind, cycling */
		for (size_t d = 0; d < 3 * sizeof datasets / sizeof datasets[0]; d++) {
			const double *data = datasets[d / 3];
			struct chart_series s[] = {SERIES("A", data), SERIES("B", data)};
			c = (struct chart){.kind = kinds[k], .value = values[d % 3], .title = "Edge",
					   .currency = "EUR", .categories = months,
					   .n_categories = 12, .series = s, .n_series = 2};
			check_renders(&c);
			c.n_categories = 1; /* one category */
			c.n_series = 1 + d % 2;
			check_renders(&c);
		}
	}
}

/* A chart without data shows "No data" and nothing else: every kind of
 * no-data chart with the same title gives the same picture, its text is
 * centred, and the alt text says so. */
static void no_data_state(void **state)
{
	double nan12[12], zero12[12];
	for (int i = 0; i < 12; i++) {
		nan12[i] = NAN;
		zero12[i] = 0;
	}
	struct chart_series s[] = {SERIES("A", nan12), SERIES("B", zero12)};
	struct chart c = {.kind = CHART_LINES, .value = CHART_PERCENT, .title = "Win rate",
			  .categories = months, .n_categories = 12, .series = s, .n_series = 2};
	struct buf ref = png_of(&c);
	struct chart others[] = {
		{.kind = CHART_STACKED_BARS, .value = CHART_MONEY, .title = "Win rate",
		 .categories = months, .n_categories = 12, .series = s, .n_series = 2},
		{.kind = CHART_GROUPED_BARS, .value = CHART_COUNT, .title = "Win rate",
		 .categories = months, .n_categories = 12, .series = s, .n_series = 2},
		{.kind = CHART_LINES, .value = CHART_PERCENT, .title = "Win rate"},
	};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		struct buf b = png_of(&others[i]);
		assert_int_equal(b.len, ref.len);
		assert_memory_equal(b.data, ref.data, ref.len);
		buf_free(&b);
		char *alt = chart_alt_text(&others[i]);
		assert_non_null(strstr(alt, "; no data."));
		free(alt);
	}
	/* the ink below the title is centred */
	struct image im = decode(&ref);
	int minx = im.w, maxx = -1, miny = im.h, maxy = -1;
	for (int y = 2 * 40; y < im.h; y++)
		for (int x = 0; x < im.w; x++)
			if (pixel(&im, x, y) != WHITE) {
				minx = x < minx ? x : minx;
				maxx = x > maxx ? x : maxx;
				miny = y < miny ? y : miny;
				maxy = y > maxy ? y : maxy;
			}
	assert_true(maxx > minx);
	assert_true(abs((minx + maxx) / 2 - im.w / 2) < 4);
	assert_true(maxx - minx < im.w / 4);
	assert_true((miny + maxy) / 2 > im.h * 2 / 5 && (miny + maxy) / 2 < im.h * 3 / 5);
	image_free(&im);
	buf_free(&ref);

	/* a chart with one value is not "no data" */
	zero12[3] = 1;
	char *alt = chart_alt_text(&c);
	assert_null(strstr(alt, "no data"));
	free(alt);
}

/* Hostile names: long, CJK, invalid UTF-8, control characters, markup.
 * cairo refuses invalid UTF-8 (the render would fail), so rendering
 * proves names are cleaned and never cut inside a UTF-8 sequence; the
 * pictures show no label runs off the edges. */
static void hostile_names(void **state)
{
	struct buf longname = {0};
	for (int i = 0; i < 300; i++)
		buf_puts(&longname, "\xe6\x97\xa5\xe6\x9c\xac " /* 日本 パートナー */
				    "\xe3\x83\x91\xe3\x83\xbc\xe3\x83\x88\xe3\x83\x8a\xe3\x83\xbc ");
	const char *names[] = {
		buf_cstr(&longname),
		"\xff\xfe broken \xc3 utf8 \xed\xa0\x80 surrogate \xe0\x80\xaf overlong",
		"tab\there\nnewline\x7f del \xc2\x85 c1",
		"</svg><script>alert(1)</script>&amp;\"'",
		"Contoso Systems Integration GmbH & Co. KG, a very long partner name indeed",
		"",
	};
	size_t n = sizeof names / sizeof names[0];
	double v[6] = {0.2, 0.5, 0.9, 0.3, 0.7, 0.1};
	struct chart_series rows[6];
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct chart_series)SERIES(names[i], v);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct chart c = {.kind = kinds[k], .value = CHART_PERCENT, .title = names[0],
				  .categories = names, .n_categories = n, .series = rows,
				  .n_series = kinds[k] == CHART_HBARS || kinds[k] == CHART_SPARKLINE ? 1 : n};
		check_renders(&c);
		char *svg = svg_of(&c);
		assert_null(strstr(svg, "<script"));
		assert_null(strstr(svg, "alert"));
		free(svg);
		/* nothing in the outer margins (8 and 12 CSS px): labels were
		 * shortened to fit */
		if (kinds[k] != CHART_SPARKLINE) {
			struct image im = picture(&c);
			assert_int_equal(count_not(&im, 0, 0, 2 * 7, im.h, WHITE), 0);
			assert_int_equal(count_not(&im, im.w - 2 * 11, 0, im.w, im.h, WHITE), 0);
			image_free(&im);
		}
		char *alt = chart_alt_text(&c);
		assert_true(valid_utf8(alt));
		assert_null(strchr(alt, '\n'));
		assert_true(strlen(alt) < 4096);
		assert_non_null(strstr(alt, "\xe2\x80\xa6")); /* the long title was cut */
		free(alt);
	}
	buf_free(&longname);
}

/* Month labels along x: all twelve at the default size (on two lines in
 * the email's column), thinned when there are many, never touching (each
 * cluster of ink in the label band is at most one label wide) and never
 * cut at the picture's edges. */
static size_t label_clusters(const struct image *im, int *widest)
{
	int y0 = im->h - 2 * 18, gap = 0, start = -1; /* below the axis labels */
	size_t n = 0;
	*widest = 0;
	for (int x = 0; x <= im->w; x++) {
		bool ink = x < im->w && count_not(im, x, y0, x + 1, im->h, WHITE) > 0;
		if (ink) {
			if (start < 0) {
				start = x;
				n++;
			}
			gap = 0;
		} else if (start >= 0 && ++gap >= 2 * 5) { /* 5 CSS px of white */
			int w = x - gap + 1 - start;
			*widest = w > *widest ? w : *widest;
			start = -1;
		}
	}
	return n;
}

static void x_labels(void **state)
{
	double v[60];
	const char *cats[60];
	char names[60][16];
	for (int i = 0; i < 60; i++) {
		v[i] = 1000 + 10 * i;
		snprintf(names[i], sizeof names[i], "%s", months[i % 12]);
		cats[i] = names[i];
	}
	struct chart_series s[] = {SERIES("Won", v)};
	struct chart c = {.kind = CHART_STACKED_BARS, .value = CHART_MONEY, .categories = cats,
			  .n_categories = 12, .series = s, .n_series = 1};
	struct image im = picture(&c);
	int widest;
	/* the email's 552 px column: "Nov" over "2025", each about 31 px */
	assert_int_equal(label_clusters(&im, &widest), 12);
	assert_true(widest < 2 * 40);
	image_free(&im);

	c.n_categories = 60;
	c.kind = CHART_LINES;
	im = picture(&c);
	size_t n = label_clusters(&im, &widest);
	assert_true(n >= 6 && n < 60);
	assert_true(widest < 2 * 62); /* one "Nov 2025" at 12 px, about 55 px */
	/* the last label is pulled inside the picture, not cut at its edge */
	assert_int_equal(count_not(&im, im.w - 2 * 2, im.h - 2 * 18, im.w, im.h, WHITE), 0);
	assert_int_equal(count_not(&im, 0, im.h - 2 * 18, 2 * 2, im.h, WHITE), 0);
	image_free(&im);
}

/* A thousand partners: hbars and a grid of 1,000 rows, both formats. */
static void thousand(void **state)
{
	enum { N = 1000 };
	static double v[N], cad[N][13];
	static char names[N][48];
	static const char *cats[N];
	static struct chart_series rows[N];
	static const char *weeks[13] = {"Jul 20", "Jul 27", "Aug 3",  "Aug 10", "Aug 17",
					"Aug 24", "Aug 31", "Sep 7",  "Sep 14", "Sep 21",
					"Sep 28", "Oct 5",  "Oct 12"};
	for (int i = 0; i < N; i++) {
		v[i] = (i % 101) / 100.0;
		snprintf(names[i], sizeof names[i], "Partner %04d Systems Integration Ltd", i);
		cats[i] = names[i];
		for (int w = 0; w < 13; w++)
			cad[i][w] = (i + w) % 4;
		rows[i] = (struct chart_series)SERIES(names[i], cad[i]);
	}
	struct chart_series s[] = {SERIES("Adherence", v)};
	struct chart c = {.kind = CHART_HBARS, .value = CHART_PERCENT, .title = "Adherence",
			  .categories = cats, .n_categories = N, .series = s, .n_series = 1};
	check_renders(&c);
	int w, h;
	chart_size(&c, &w, &h);
	assert_true(h >= N * 14);
	struct chart g = {.kind = CHART_GRID, .value = CHART_COUNT, .title = "Cadence",
			  .categories = weeks, .n_categories = 13, .series = rows, .n_series = N};
	check_renders(&g);
	/* an explicit size too small for the rows still draws */
	c.height = 400;
	g.height = 400;
	check_renders(&c);
	check_renders(&g);
}

/* Same chart, same bytes, in both formats, whatever was drawn between. */
static void deterministic(void **state)
{
	double a[12], b[12];
	for (int i = 0; i < 12; i++) {
		a[i] = 100000 + 20000 * i;
		b[i] = 50000 + 1000 * i;
	}
	struct chart_series s[] = {SERIES("Gold", a), SERIES("Silver", b)};
	struct chart c = {.kind = CHART_STACKED_BARS, .value = CHART_MONEY, .title = "Revenue",
			  .categories = months, .n_categories = 12, .series = s, .n_series = 2};
	char *svg1 = svg_of(&c);
	struct buf png1 = png_of(&c);
	/* other surfaces in between move cairo's process-wide counters */
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct chart o = c;
		o.kind = kinds[k];
		free(svg_of(&o));
		struct buf p = png_of(&o);
		buf_free(&p);
	}
	char *svg2 = svg_of(&c);
	struct buf png2 = png_of(&c);
	assert_string_equal(svg1, svg2);
	/* the variants likewise */
	for (size_t v = 0; v < CHART_VARIANTS; v++) {
		const struct chart_variant *cv = &chart_variants[v];
		struct buf a = {0}, b = {0};
		char *err = NULL;
		assert_int_equal(chart_render_svg_for(&c, cv->layout, cv->theme, &a, &err), 0);
		free(svg_of(&c));
		assert_int_equal(chart_render_svg_for(&c, cv->layout, cv->theme, &b, &err), 0);
		assert_string_equal(buf_cstr(&a), buf_cstr(&b));
		buf_free(&a);
		buf_free(&b);
	}
	assert_int_equal(png1.len, png2.len);
	assert_memory_equal(png1.data, png2.data, png1.len);
	/* ids are numbered from 1 in each document */
	assert_non_null(strstr(svg1, "id=\"surface1\""));
	free(svg1);
	free(svg2);
	buf_free(&png1);
	buf_free(&png2);
}

/* --- text through pango ---------------------------------------------------- */

/* Names in Japanese, Korean, Arabic and Hebrew are drawn with real glyphs:
 * no glyph of theirs is unknown to every font (an unknown glyph would be
 * drawn as a box), and the fonts chosen are the ones the build installs.
 * A code point no font has is counted (the check can fail). */
static void text_scripts(void **state)
{
	static const struct {
		const char *text, *family;
	} samples[] = {
		{"\xe6\x97\xa5\xe6\x9c\xac\xe3\x83\x91\xe3\x83\xbc\xe3\x83\x88\xe3\x83\x8a\xe3\x83\xbc"
		 "\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe", /* 日本パートナー株式会社 */
		 "Droid Sans Fallback"},
		{"\xed\x95\x9c\xea\xb5\xad \xed\x8c\x8c\xed\x8a\xb8\xeb\x84\x88", /* 한국 파트너 */
		 "WenQuanYi Micro Hei"},
		{"\xd8\xb4\xd8\xb1\xd9\x83\xd8\xa9 \xd8\xa7\xd9\x84\xd8\xb4\xd8\xb1\xd9\x8a\xd9\x83",
		 /* شركة الشريك */ "DejaVu Sans"},
		{"\xd7\xa9\xd7\x95\xd7\xaa\xd7\xa3 \xd7\x99\xd7\xa9\xd7\xa8\xd7\x90\xd7\x9c\xd7\x99",
		 /* שותף ישראלי */ "DejaVu Sans"},
		{"Northwind Partner GmbH", "DejaVu Sans"},
	};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		struct chart_text_probe p;
		chart_probe_text(samples[i].text, 13, 0, &p);
		if (p.unknown_glyphs || !strstr(p.families, samples[i].family))
			fail_msg("\"%s\": %d unknown glyphs, fonts \"%s\", expected \"%s\"",
				 samples[i].text, p.unknown_glyphs, p.families, samples[i].family);
		assert_true(p.width > 20);
		assert_false(p.ellipsized);
	}
	struct chart_text_probe p;
	chart_probe_text("\xcd\xb8", 13, 0, &p); /* U+0378, unassigned */
	assert_int_equal(p.unknown_glyphs, 1);
}

/* A long name is measured and ellipsized to the width it is given, in
 * any script; a short one is left whole. */
static void text_ellipsis(void **state)
{
	struct chart_text_probe p;
	const char *longname = "Contoso Systems Integration GmbH & Co. KG, a very long partner name";
	chart_probe_text(longname, 13, 200, &p);
	assert_true(p.ellipsized);
	assert_true(p.width <= 200.5);
	assert_true(p.width > 150); /* the room is used, not emptied */
	chart_probe_text(longname, 13, 0, &p);
	assert_false(p.ellipsized);
	assert_true(p.width > 400);

	struct buf cjk = {0};
	for (int i = 0; i < 20; i++)
		buf_puts(&cjk, "\xe6\x97\xa5\xe6\x9c\xac"); /* 日本 */
	chart_probe_text(buf_cstr(&cjk), 13, 120, &p);
	assert_true(p.ellipsized);
	assert_true(p.width <= 120.5);
	assert_int_equal(p.unknown_glyphs, 0);
	buf_free(&cjk);

	chart_probe_text("Acme", 13, 200, &p);
	assert_false(p.ellipsized);
	assert_true(p.width > 20 && p.width < 60);
	/* no room for even an ellipsis: nothing */
	chart_probe_text("Acme", 13, 4, &p);
	assert_true(p.width == 0);
}

/* --- themes and colours ------------------------------------------------------ */

static double luminance(uint32_t rgb)
{
	double l = 0;
	static const double weight[] = {0.0722, 0.7152, 0.2126}; /* b, g, r */
	for (int i = 0; i < 3; i++) {
		double v = ((rgb >> (8 * i)) & 0xff) / 255.0;
		l += weight[i] * (v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4));
	}
	return l;
}

static double contrast(uint32_t a, uint32_t b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* cairo's "rgb(27.058824%,76.470588%,75.686275%)" at p as 0xRRGGBB. */
static uint32_t svg_rgb(const char *p)
{
	double c[3];
	assert_int_equal(sscanf(p, "rgb(%lf%%,%lf%%,%lf%%)", &c[0], &c[1], &c[2]), 3);
	uint32_t out = 0;
	for (int i = 0; i < 3; i++)
		out = out << 8 | (uint32_t)lround(c[i] * 2.55);
	return out;
}

/* The colours an SVG draws text in (groups of glyphs) and fills shapes
 * with (outside the glyph definitions), each listed once. */
struct inks {
	uint32_t text[32], fill[32];
	size_t n_text, n_fill;
};

static void ink_add(uint32_t *set, size_t *n, uint32_t rgb)
{
	for (size_t i = 0; i < *n; i++)
		if (set[i] == rgb)
			return;
	assert_true(*n < 32);
	set[(*n)++] = rgb;
}

static struct inks inks_of(const char *svg)
{
	struct inks k = {0};
	const char *body = strstr(svg, "</defs>");
	assert_non_null(body);
	for (const char *p = body; (p = strstr(p, "<g style=\"fill:rgb(")); p++) {
		const char *end = strstr(p, "</g>"), *use = strstr(p, "<use xlink:href=\"#glyph");
		if (use && end && use < end)
			ink_add(k.text, &k.n_text, svg_rgb(p + strlen("<g style=\"fill:")));
	}
	for (const char *p = body; (p = strstr(p, "fill-rule:nonzero;fill:rgb(")); p++)
		ink_add(k.fill, &k.n_fill, svg_rgb(p + strlen("fill-rule:nonzero;fill:")));
	return k;
}

static char *svg_theme(const struct chart *c, enum chart_theme t)
{
	struct buf b = {0};
	char *err = NULL;
	assert_int_equal(chart_render_svg_for(c, CHART_SITE, t, &b, &err), 0);
	return buf_detach(&b);
}

/* The light variant sits on opaque white; the dark one has no background
 * of its own, and every text keeps 4.5:1 and every filled shape 3:1 on
 * its page: white, or the dark theme's page #111418 and surface #1b2027
 * (assets/style.css). A sparkline has one drawing for both: transparent,
 * in a colour that keeps 3:1 on all four backgrounds. */
static void themes_contrast(void **state)
{
	double a[12], b[12], c3[12], p[12], d[12];
	for (int i = 0; i < 12; i++) {
		a[i] = 100000 + 20000 * i;
		b[i] = 50000 + 1000 * i;
		c3[i] = 20000 + 500 * i;
		p[i] = 0.3 + 0.01 * i;
		d[i] = 0.25 - 0.01 * i;
	}
	struct chart_series tiers[N_TIERS_TESTED], attr[3], pd[2], fa[2];
	for (int i = 0; i < N_TIERS_TESTED; i++)
		tiers[i] = (struct chart_series){.name = "Tier", .values = i % 2 ? b : a,
						 .paint = CHART_PAINT_TIER, .tier = i};
	attr[0] = (struct chart_series){.name = "Sourced", .values = a, .paint = CHART_PAINT_SOURCED};
	attr[1] = (struct chart_series){.name = "Influenced", .values = b,
					.paint = CHART_PAINT_INFLUENCED};
	attr[2] = (struct chart_series){.name = "Untagged", .values = c3, .paint = CHART_PAINT_UNTAGGED};
	pd[0] = (struct chart_series){.name = "Partner", .values = p, .paint = CHART_PAINT_PARTNER};
	pd[1] = (struct chart_series){.name = "Direct", .values = d, .paint = CHART_PAINT_DIRECT};
	fa[0] = (struct chart_series){.name = "Forecast", .values = a, .paint = CHART_PAINT_FORECAST};
	fa[1] = (struct chart_series){.name = "Actual", .values = b, .paint = CHART_PAINT_PARTNER};
	const struct chart charts[] = {
		{.kind = CHART_STACKED_BARS, .value = CHART_MONEY, .title = "Tiers", .categories = months,
		 .n_categories = 12, .series = tiers, .n_series = N_TIERS_TESTED},
		{.kind = CHART_STACKED_BARS, .value = CHART_MONEY, .title = "Attribution",
		 .categories = months, .n_categories = 12, .series = attr, .n_series = 3},
		{.kind = CHART_LINES, .value = CHART_PERCENT, .title = "Win rate", .categories = months,
		 .n_categories = 12, .series = pd, .n_series = 2},
		{.kind = CHART_GROUPED_BARS, .value = CHART_MONEY, .title = "Forecast",
		 .categories = months, .n_categories = 3, .series = fa, .n_series = 2},
		{.kind = CHART_HBARS, .value = CHART_MONEY, .title = "Per partner", .categories = months,
		 .n_categories = 6, .series = pd, .n_series = 1},
		{.kind = CHART_LINES, .value = CHART_PERCENT, .title = "No data here"},
	};
	for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
		assert_true(chart_has_variants(&charts[i]));
		char *light = svg_theme(&charts[i], CHART_LIGHT), *dark = svg_theme(&charts[i], CHART_DARK);
		char *plain = svg_of(&charts[i]);
		assert_string_equal(light, plain); /* chart_render_svg is the light variant */
		assert_true(strcmp(light, dark) != 0);
		assert_non_null(strstr(light, "fill:rgb(100%,100%,100%)"));
		assert_null(strstr(dark, "rgb(100%,100%,100%)")); /* no white anywhere */
		assert_null(strstr(dark, "<rect"));                /* no background */
		struct inks lk = inks_of(light), dk = inks_of(dark);
		assert_true(lk.n_text > 0 && dk.n_text > 0);
		for (size_t t = 0; t < lk.n_text; t++)
			if (contrast(lk.text[t], WHITE) < 4.5)
				fail_msg("light text #%06x: %.2f:1 on white", lk.text[t],
					 contrast(lk.text[t], WHITE));
		for (size_t t = 0; t < dk.n_text; t++)
			if (contrast(dk.text[t], DARK_PAGE) < 4.5 || contrast(dk.text[t], DARK_SURFACE) < 4.5)
				fail_msg("dark text #%06x: %.2f:1 on the page", dk.text[t],
					 contrast(dk.text[t], DARK_PAGE));
		for (size_t f = 0; f < lk.n_fill; f++)
			if (lk.fill[f] != WHITE && contrast(lk.fill[f], WHITE) < 3)
				fail_msg("light fill #%06x: %.2f:1 on white", lk.fill[f],
					 contrast(lk.fill[f], WHITE));
		for (size_t f = 0; f < dk.n_fill; f++)
			if (dk.fill[f] != DARK_PAGE && contrast(dk.fill[f], DARK_PAGE) < 3)
				fail_msg("dark fill #%06x: %.2f:1 on the page", dk.fill[f],
					 contrast(dk.fill[f], DARK_PAGE));
		free(light);
		free(dark);
		free(plain);
	}

	/* a sparkline: one drawing, transparent, its line 3:1 on every background */
	struct chart spark = {.kind = CHART_SPARKLINE, .value = CHART_MONEY, .title = "Acme",
			      .categories = months, .n_categories = 12, .series = pd, .n_series = 1};
	assert_false(chart_has_variants(&spark));
	char *svg = svg_of(&spark);
	assert_null(strstr(svg, "<rect"));
	assert_non_null(strstr(svg, "rgb(10.588235%,54.117647%,58.039216%)")); /* SPARK */
	free(svg);
	static const uint32_t backgrounds[] = {WHITE, 0xF6F7F9, DARK_PAGE, DARK_SURFACE};
	for (size_t i = 0; i < 4; i++)
		assert_true(contrast(SPARK, backgrounds[i]) >= 3);
}

/* The colour of the one bar of an hbars chart of series s. */
static uint32_t bar_colour(const struct chart_series *s, enum chart_theme t)
{
	static const char *cat[] = {"A"};
	double one = 1;
	struct chart_series sr = *s;
	sr.values = &one;
	struct chart c = {.kind = CHART_HBARS, .value = CHART_COUNT, .categories = cat,
			  .n_categories = 1, .series = &sr, .n_series = 1};
	char *svg = svg_theme(&c, t);
	struct inks k = inks_of(svg);
	free(svg);
	uint32_t bg = t == CHART_LIGHT ? WHITE : DARK_PAGE;
	size_t found = 0;
	uint32_t out = 0;
	for (size_t i = 0; i < k.n_fill; i++)
		if (k.fill[i] != bg) {
			out = k.fill[i];
			found++;
		}
	assert_int_equal(found, 1);
	return out;
}

/* One meaning per colour: the six tier colours, partner, sourced,
 * influenced and direct are ten different colours in each theme; a tier's
 * colour is its rank's wherever the series stands, and a chart of no fixed
 * meaning takes the tier set by position. */
static void paints(void **state)
{
	static const enum chart_paint others[] = {CHART_PAINT_PARTNER, CHART_PAINT_SOURCED,
						  CHART_PAINT_INFLUENCED, CHART_PAINT_DIRECT};
	for (int t = CHART_LIGHT; t <= CHART_DARK; t++) {
		uint32_t seen[N_TIERS_TESTED + 4];
		size_t n = 0;
		for (int i = 0; i < N_TIERS_TESTED; i++)
			seen[n++] = bar_colour(&(struct chart_series){.paint = CHART_PAINT_TIER, .tier = i}, t);
		for (size_t i = 0; i < 4; i++)
			seen[n++] = bar_colour(&(struct chart_series){.paint = others[i]}, t);
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (seen[i] == seen[j])
					fail_msg("paints %zu and %zu share #%06x", i, j, seen[i]);
		/* rank 7 and on take the set again */
		assert_int_equal(bar_colour(&(struct chart_series){.paint = CHART_PAINT_TIER, .tier = 6}, t),
				 seen[0]);
		/* position does not move a tier's colour; AUTO follows position */
		double v[1] = {1};
		static const char *cat[] = {"A"};
		struct chart_series two[] = {{.name = "x", .values = v, .paint = CHART_PAINT_TIER, .tier = 3},
					     {.name = "y", .values = v, .paint = CHART_PAINT_AUTO}};
		struct chart c = {.kind = CHART_STACKED_BARS, .value = CHART_COUNT, .categories = cat,
				  .n_categories = 1, .series = two, .n_series = 2};
		char *svg = svg_theme(&c, t);
		struct inks k = inks_of(svg);
		free(svg);
		bool tier3 = false, auto1 = false;
		for (size_t i = 0; i < k.n_fill; i++) {
			tier3 |= k.fill[i] == seen[3];
			auto1 |= k.fill[i] == seen[1];
		}
		assert_true(tier3 && auto1);
	}
	/* the light bars are what the PNG shows */
	assert_int_equal(bar_colour(&(struct chart_series){.paint = CHART_PAINT_AUTO}, CHART_LIGHT),
			 BAR_BLUE);
}

/* A grid marks its gap cells and names them in a legend; the legend makes
 * room for itself, and the alt text counts the marked cells and ends with
 * the chart's note. */
static void grid_marks(void **state)
{
	double r1[] = {1, 0, 0, 2}, r2[] = {0, 1, 1, 1};
	bool m1[] = {false, true, true, false};
	struct chart_series rows[] = {{.name = "Acme", .values = r1, .marked = m1},
				      {.name = "Globex", .values = r2}};
	static const char *wk[] = {"Sep 21", "Sep 28", "Oct 5", "Oct 12"};
	struct chart c = {.kind = CHART_GRID, .value = CHART_COUNT, .title = "Reviews",
			  .categories = wk, .n_categories = 4, .series = rows, .n_series = 2,
			  .note = "1 more partner had a gap.", .marked_label = "Gap"};
	int w, h0, h1;
	chart_size(&c, &w, &h1);
	c.marked_label = NULL;
	chart_size(&c, &w, &h0);
	assert_true(h1 > h0); /* a legend row */
	c.marked_label = "Gap";
	check_renders(&c);
	/* the alert colour (#b42318) outlines the marked cells */
	struct image im = picture(&c);
	size_t red = 0;
	for (int y = 0; y < im.h; y++)
		for (int x = 0; x < im.w; x++)
			red += pixel(&im, x, y) == 0xB42318;
	assert_true(red > 3 * 2 * 40); /* two cells' outlines and the swatch */
	image_free(&im);
	char *alt = chart_alt_text(&c);
	assert_string_equal(alt, "Grid: Reviews; 2 rows by 4 columns, 6 in all; latest column, "
				 "Oct 12: 3; 2 cells marked (Gap). 1 more partner had a gap.");
	free(alt);
	/* without data: the chart's own words */
	c.n_series = 0;
	c.empty = "No partner had a gap";
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Grid: Reviews; No partner had a gap. 1 more partner had a gap.");
	free(alt);
}

/* --- alt text --------------------------------------------------------------- */

static void alt_text(void **state)
{
	double gold[12] = {0}, silver[12] = {0};
	gold[11] = 800000;
	silver[11] = 400000;
	struct chart_series tiers[] = {SERIES("Gold", gold), SERIES("Silver", silver)};
	struct chart c = {.kind = CHART_STACKED_BARS, .value = CHART_MONEY,
			  .title = "Partner won revenue by tier, last 12 months", .categories = months,
			  .n_categories = 12, .series = tiers, .n_series = 2};
	char *alt = chart_alt_text(&c);
	assert_string_equal(alt, "Stacked bar chart: Partner won revenue by tier, last 12 months; "
				 "latest, Oct 2026: $1.2M in all (Gold $800K, Silver $400K).");
	free(alt);
	c.currency = "EUR";
	alt = chart_alt_text(&c);
	assert_non_null(strstr(alt, "\xe2\x82\xac" "1.2M in all"));
	free(alt);

	double p[12], d[12];
	for (int i = 0; i < 12; i++) {
		p[i] = 0.3;
		d[i] = 0.2;
	}
	p[11] = 0.384;
	d[11] = NAN;
	d[10] = 0.25;
	struct chart_series wr[] = {SERIES("Partner", p), SERIES("Direct", d)};
	c = (struct chart){.kind = CHART_LINES, .value = CHART_PERCENT, .title = "Win rate.",
			   .categories = months, .n_categories = 12, .series = wr, .n_series = 2};
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Line chart: Win rate; latest values: Partner 38.4% (Oct 2026), "
				 "Direct 25.0% (Sep 2026).");
	free(alt);
	d[11] = 0.2;
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Line chart: Win rate; latest, Oct 2026: Partner 38.4%, Direct 20.0%.");
	free(alt);

	static const char *partners[] = {"Acme", "Globex", "Initech"};
	double adh[] = {0.1, 0.95, NAN};
	struct chart_series as[] = {SERIES("Adherence", adh)};
	c = (struct chart){.kind = CHART_HBARS, .value = CHART_PERCENT, .title = "Adherence",
			   .categories = partners, .n_categories = 3, .series = as, .n_series = 1};
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Horizontal bar chart: Adherence; 3 bars; top bar Acme: 10.0%; "
				 "highest Globex: 95.0%.");
	free(alt);

	double r1[] = {1, 0, 2}, r2[] = {0, 3, 1};
	struct chart_series gr[] = {SERIES("Acme", r1), SERIES("Globex", r2)};
	static const char *wk[] = {"Sep 28", "Oct 5", "Oct 12"};
	c = (struct chart){.kind = CHART_GRID, .value = CHART_COUNT, .title = "Reviews",
			   .categories = wk, .n_categories = 3, .series = gr, .n_series = 2};
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Grid: Reviews; 2 rows by 3 columns, 7 in all; latest column, "
				 "Oct 12: 3.");
	free(alt);

	double sp[] = {100, 2500, NAN};
	struct chart_series ss[] = {SERIES("Won", sp)};
	c = (struct chart){.kind = CHART_SPARKLINE, .value = CHART_MONEY, .title = "Acme won revenue",
			   .categories = wk, .n_categories = 3, .series = ss, .n_series = 1};
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Sparkline: Acme won revenue; first, Sep 28: $100; latest, Oct 5: "
				 "$2.5K (high $2.5K, low $100).");
	free(alt);

	double fc[] = {1000, NAN}, ac[] = {900, 300};
	struct chart_series fa[] = {SERIES("Forecast", fc), SERIES("Actual", ac)};
	static const char *tiers2[] = {"Gold", "Silver"};
	c = (struct chart){.kind = CHART_GROUPED_BARS, .value = CHART_MONEY, .title = "Forecast",
			   .categories = tiers2, .n_categories = 2, .series = fa, .n_series = 2};
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Grouped bar chart: Forecast; Gold: Forecast $1K, Actual $900; "
				 "Silver: Forecast no value, Actual $300.");
	free(alt);
	/* values side by side that would read the same get a decimal more,
	 * all of them: $1,158,500 and $1,203,020 are not "$1.2M" twice, nor
	 * 40.04% and 40.01% "40.0%" */
	static const struct {
		enum chart_value value;
		double fc[2], ac[2];
		const char *want;
	} close[] = {
		{CHART_MONEY, {1158500, 1577000}, {1203020, 1122560},
		 "Grouped bar chart: Forecast; Gold: Forecast $1.16M, Actual $1.20M; "
		 "Silver: Forecast $1.58M, Actual $1.12M."},
		{CHART_PERCENT, {0.4004, 0.5}, {0.4001, 0.25},
		 "Grouped bar chart: Forecast; Gold: Forecast 40.04%, Actual 40.01%; "
		 "Silver: Forecast 50.00%, Actual 25.00%."},
	};
	for (size_t i = 0; i < sizeof close / sizeof close[0]; i++) {
		memcpy(fc, close[i].fc, sizeof fc);
		memcpy(ac, close[i].ac, sizeof ac);
		c.value = close[i].value;
		alt = chart_alt_text(&c);
		assert_string_equal(alt, close[i].want);
		free(alt);
	}

	c.series = NULL;
	c.n_series = 0;
	c.title = NULL;
	alt = chart_alt_text(&c);
	assert_string_equal(alt, "Grouped bar chart: untitled; no data.");
	free(alt);
}

/* fontconfig keeps its parsed configuration for the life of the process;
 * the leak checker is told so (a hook read only under -fsanitize=address). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ticks),
		cmocka_unit_test(bars_proportional),
		cmocka_unit_test(lines_gaps_and_points),
		cmocka_unit_test(sizes),
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(no_data_state),
		cmocka_unit_test(hostile_names),
		cmocka_unit_test(x_labels),
		cmocka_unit_test(thousand),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(text_scripts),
		cmocka_unit_test(text_ellipsis),
		cmocka_unit_test(themes_contrast),
		cmocka_unit_test(paints),
		cmocka_unit_test(grid_marks),
		cmocka_unit_test(alt_text),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* pango's font map holds cairo fonts: release it, then cairo's caches,
	 * for the leak checker */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	return failed;
}
