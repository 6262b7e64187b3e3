/* Fuzz target: the parsers of one field and the escapers. The input goes
 * through every parser: those of field.h as the exact bytes (not
 * NUL-terminated, so a read past the end is caught), those of date.h as
 * a string; as a string through every escaper, and the Markdown escape
 * through markdown_to_html; its first bytes, as numbers, through every
 * format_* function. Each result is checked against what the header
 * promises: a parsed date prints back as the same text, an amount or a
 * rate is in its range, a value with a NUL byte is refused, an escaped
 * value holds none of the characters its escaper removes and shows as
 * plain text in a page. */
#include "fuzz.h"

#include "date.h"
#include "escape.h"
#include "field.h"
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

/* The field.h parsers on the n bytes at v, in each date format and with
 * each decimal mark; zone is a zone other than UTC. */
static void check_field(const char *v, size_t n, struct field_zone *zone)
{
	bool nul = memchr(v, 0, n) != NULL;
	const char *why = NULL;
	for (int f = DATE_ISO; f <= DATE_DMY_DOT; f++) {
		day_t d;
		int m;
		bool ok = field_parse_date(v, n, (enum date_format)f, NULL, &d, &why);
		FUZZ_CHECK(ok ? !nul : why != NULL);
		ok = field_parse_date(v, n, (enum date_format)f, zone, &d, &why);
		FUZZ_CHECK(ok ? !nul : why != NULL);
		ok = field_parse_month(v, n, (enum date_format)f, NULL, &m, &why);
		FUZZ_CHECK(ok ? !nul && m >= 0 : why != NULL);
	}
	for (const char *mark = ".,"; *mark; mark++) {
		struct field_amount a;
		if (field_parse_amount(v, n, *mark, &a, &why))
			FUZZ_CHECK(!nul && a.cents >= 0 && a.cents <= FIELD_MAX_AMOUNT &&
				   memchr(a.currency, 0, sizeof a.currency));
		struct field_rate r;
		if (field_parse_rate(v, n, *mark, &r, &why)) {
			FUZZ_CHECK(!nul && r.num > 0 && r.scale >= 0 && r.scale <= FIELD_RATE_MAX_DECIMALS);
			cents_t c;
			if (field_convert(FIELD_MAX_AMOUNT / 3, r, 2, &c))
				FUZZ_CHECK(c >= 0 && c <= FIELD_MAX_AMOUNT);
			if (field_convert(-12345, r, 0, &c))
				FUZZ_CHECK(c <= 0 && c % 100 == 0);
		}
	}
}

/* Every parser of one field, on the bytes v[0..n) and on them as the
 * string s: adding a parser is one line. */
static void parse_fields(const char *v, size_t n, const char *s, struct field_zone *zone)
{
	check_date(s, DATE_ISO);
	check_date(s, DATE_MDY);
	check_date(s, DATE_DMY_SLASH);
	check_date(s, DATE_DMY_DOT);
	check_month(s);
	enum date_format f;
	(void)date_format_parse(s, &f);
	check_field(v, n, zone);
	if (field_currency_valid(s))
		FUZZ_CHECK(field_currency_agrees(s, s) && field_currency_minor_digits(s) % 2 == 0);
	(void)field_currency_agrees(s, "USD");
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
	static struct field_zone *zone; /* opened once, for every input */
	if (!zone) {
		char *err = NULL;
		zone = field_zone_open("America/New_York", &err);
		if (!zone) {
			fprintf(stderr, "fuzz_fields: %s (the tzdata package)\n", err);
			abort();
		}
	}
	char *s = xstrndup((const char *)data, size);
	parse_fields((const char *)data, size, s, zone);
	escape_all(s);
	format_all(data, size);
	free(s);
	return 0;
}
