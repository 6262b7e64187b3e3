/* Fuzz target: the parsers of one field and the escapers. The input, as
 * a string, goes through every parser (dates in each format, months) and
 * every escaper, and the Markdown escape through markdown_to_html; its
 * first bytes, as numbers, go through every format_* function. Each
 * result is checked against what the header promises: a parsed date
 * prints back as the same text, an escaped value holds none of the
 * characters its escaper removes and shows as plain text in a page. */
#include "fuzz.h"

#include "date.h"
#include "escape.h"
#include "format.h"
#include "markdown.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void check_date(const char *s, enum date_format f)
{
	day_t d;
	if (!date_parse(s, f, &d))
		return;
	int y, m, dd;
	date_to_ymd(d, &y, &m, &dd);
	FUZZ_CHECK(date_from_ymd(y, m, dd) == d);
	char back[16];
	if (f == DATE_ISO)
		date_format_iso(d, back);
	else if (f == DATE_MDY)
		snprintf(back, sizeof back, "%02d/%02d/%04d", m, dd, y);
	else
		snprintf(back, sizeof back, "%02d%c%02d%c%04d", dd, f == DATE_DMY_DOT ? '.' : '/', m,
			 f == DATE_DMY_DOT ? '.' : '/', y);
	FUZZ_CHECK(!strcmp(back, s));
	FUZZ_CHECK(month_first_day(month_of_day(d)) <= d && d <= month_last_day(month_of_day(d)));
}

static void check_month(const char *s)
{
	int m;
	if (!month_parse(s, &m))
		return;
	char back[8];
	month_format(m, back);
	FUZZ_CHECK(!strcmp(back, s));
	FUZZ_CHECK(month_of_day(month_first_day(m)) == m && month_of_day(month_last_day(m)) == m);
	FUZZ_CHECK(month_name(m % 12 + 1) && month_abbr(m % 12 + 1));
}

/* Every parser of one text field, on s: adding a parser is one line. */
static void parse_fields(const char *s)
{
	check_date(s, DATE_ISO);
	check_date(s, DATE_MDY);
	check_date(s, DATE_DMY_SLASH);
	check_date(s, DATE_DMY_DOT);
	check_month(s);
	enum date_format f;
	(void)date_format_parse(s, &f);
}

/* No byte of out is in the set, nor a control character when controls. */
static bool none_of(const char *out, const char *set, bool controls)
{
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (strchr(set, *p) || (controls && (*p < 0x20 || *p == 0x7f)))
			return false;
	return true;
}

/* The HTML of an escaped value alone in a Markdown document: one
 * paragraph of text, with no element but the link-breaking comments. */
static void check_markdown_text(const char *md)
{
	char *html = markdown_to_html(md, strlen(md));
	struct buf b = {0};
	const char *s = html;
	if (!strncmp(s, "<p>", 3))
		s += 3;
	for (; *s; s++) {
		if (!strncmp(s, "<!-- -->", 8))
			s += 7;
		else if (!strcmp(s, "</p>\n"))
			break;
		else
			buf_putc(&b, *s);
	}
	if (strchr(buf_cstr(&b), '<')) {
		fprintf(stderr, "markdown %s\nbecame %s\n", md, html);
		FUZZ_CHECK(!"an escaped value makes an element");
	}
	buf_free(&b);
	free(html);
}

static void escape_all(const char *s)
{
	struct buf b = {0};
	escape_html(&b, s);
	FUZZ_CHECK(none_of(buf_cstr(&b), "<>\"'", false));
	buf_reset(&b);
	escape_html_line(&b, s);
	FUZZ_CHECK(none_of(buf_cstr(&b), "<>\"'|", true));
	buf_reset(&b);
	escape_markdown(&b, s);
	FUZZ_CHECK(none_of(buf_cstr(&b), "", true));
	check_markdown_text(buf_cstr(&b));
	buf_free(&b);
}

/* The first bytes of data as numbers (zero past the end). */
static void format_all(const uint8_t *data, size_t size)
{
	uint8_t raw[16] = {0};
	memcpy(raw, data, size < sizeof raw ? size : sizeof raw);
	int64_t n;
	double v;
	memcpy(&n, raw, sizeof n);
	memcpy(&v, raw + 8, sizeof v);
	static const char *const currencies[] = {NULL, "USD", "EUR", "JPY", "CHF", ""};
	const char *cur = currencies[raw[15] % (sizeof currencies / sizeof *currencies)];
	char *out[] = {
		format_money(n, cur),          format_money_compact(n, cur),
		format_percent(v, raw[14] % 4), format_signed_percent(v),
		format_points(v),              format_days(v),
		format_count(n),               format_money(n / 7, cur),
		format_money_compact(n >> (raw[13] % 64), cur),
	};
	/* format_count: the digits of n with a comma every three. */
	char digits[32];
	snprintf(digits, sizeof digits, "%llu",
		 (unsigned long long)(n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n));
	struct buf plain = {0};
	for (const char *s = out[6]; *s; s++)
		if (*s >= '0' && *s <= '9')
			buf_putc(&plain, *s);
	FUZZ_CHECK(!strcmp(buf_cstr(&plain), digits));
	buf_free(&plain);
	for (size_t i = 0; i < sizeof out / sizeof *out; i++)
		free(out[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	parse_fields(s);
	escape_all(s);
	format_all(data, size);
	free(s);
	return 0;
}
