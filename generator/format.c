/* format: consumes numbers (cents, fractions, day counts) and produces the
 * display text of the pack; refuses nothing. Money is rounded once, here,
 * from integer cents (never through floating point); the other figures are
 * already ratios. English conventions throughout. */
#include "format.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUS "\xe2\x88\x92" /* U+2212, the typographic minus sign */

/* Currencies with a symbol of their own; any other code is written as
 * "CODE " ("CHF 1,234"). */
static const struct currency {
	const char *code, *symbol;
} currencies[] = {
	{"USD", "$"},         {"EUR", "\xe2\x82\xac"}, {"GBP", "\xc2\xa3"},    {"JPY", "\xc2\xa5"},
	{"CNY", "CN\xc2\xa5"}, {"INR", "\xe2\x82\xb9"}, {"CAD", "CA$"},       {"AUD", "A$"},
	{"NZD", "NZ$"},       {"HKD", "HK$"},          {"SGD", "S$"},        {"MXN", "MX$"},
	{"BRL", "R$"},        {"KRW", "\xe2\x82\xa9"}, {"ILS", "\xe2\x82\xaa"}, {"VND", "\xe2\x82\xab"},
	{"TWD", "NT$"},
};

static void put_prefix(struct buf *b, const char *cur)
{
	if (!cur)
		cur = "USD";
	for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
		if (!strcmp(currencies[i].code, cur)) {
			buf_puts(b, currencies[i].symbol);
			return;
		}
	buf_printf(b, "%s ", cur);
}

/* Digits of n (>= 0) with comma thousands separators. */
static void put_grouped(struct buf *b, uint64_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_putc(b, ',');
		buf_putc(b, digits[i]);
	}
}

/* |c| / 100 rounded half away from zero, without overflow. */
static uint64_t whole_units(cents_t c)
{
	uint64_t a = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
	return a / 100 + (a % 100 >= 50);
}

char *format_money(cents_t c, const char *cur)
{
	struct buf b = {0};
	uint64_t units = whole_units(c);
	if (c < 0 && units > 0)
		buf_puts(&b, MINUS);
	put_prefix(&b, cur);
	put_grouped(&b, units);
	return buf_detach(&b);
}

/* The units of compact money, largest first. */
static const struct {
	uint64_t scale; /* in currency units */
	char suffix;
} steps[] = {{1000000000000ULL, 'T'}, {1000000000, 'B'}, {1000000, 'M'}, {1000, 'K'}};

char *format_money_compact(cents_t c, const char *cur)
{
	struct buf b = {0};
	uint64_t a = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c; /* cents */
	if (c < 0 && whole_units(c) > 0)
		buf_puts(&b, MINUS);
	put_prefix(&b, cur);
	size_t n = sizeof steps / sizeof steps[0];
	for (size_t i = 0; i < n; i++) {
		uint64_t scale = steps[i].scale * 100; /* in cents */
		if (a < scale)
			continue;
		/* at least 100 of the step: whole numbers ("$960K"); else one
		 * decimal, dropped when zero ("$12.5K", "$2M"); rounded half up */
		uint64_t tenths = a / (scale / 10) + (a % (scale / 10) * 2 >= scale / 10);
		if (tenths >= 1000) {
			uint64_t whole = a / scale + (a % scale * 2 >= scale);
			if (whole >= 1000 && i > 0) { /* "$1000K" reads "$1M" */
				buf_printf(&b, "1%c", steps[i - 1].suffix);
				return buf_detach(&b);
			}
			buf_printf(&b, "%llu%c", (unsigned long long)whole, steps[i].suffix);
		} else if (tenths % 10) {
			buf_printf(&b, "%llu.%llu%c", (unsigned long long)(tenths / 10),
				   (unsigned long long)(tenths % 10), steps[i].suffix);
		} else {
			buf_printf(&b, "%llu%c", (unsigned long long)(tenths / 10), steps[i].suffix);
		}
		return buf_detach(&b);
	}
	put_grouped(&b, whole_units(c));
	return buf_detach(&b);
}

char *format_money_compact_places(cents_t c, const char *cur, int places)
{
	places = places < 0 ? 0 : places > 3 ? 3 : places;
	uint64_t q = 1;
	for (int k = 0; k < places; k++)
		q *= 10;
	uint64_t a = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c; /* cents */
	size_t n = sizeof steps / sizeof steps[0], i = 0;
	while (i < n && a < steps[i].scale * 100)
		i++;
	if (i == n)
		return format_money_compact(c, cur);
	uint64_t d = steps[i].scale * 100 / q; /* cents per last digit shown */
	uint64_t v = a / d + (a % d * 2 >= d); /* rounded half up */
	if (v >= 1000 * q && i > 0) {          /* "1000.0K" reads "1M" */
		d = steps[--i].scale * 100 / q;
		v = a / d + (a % d * 2 >= d);
	}
	struct buf b = {0};
	if (c < 0)
		buf_puts(&b, MINUS);
	put_prefix(&b, cur);
	if (places)
		buf_printf(&b, "%llu.%0*llu%c", (unsigned long long)(v / q), places,
			   (unsigned long long)(v % q), steps[i].suffix);
	else
		buf_printf(&b, "%llu%c", (unsigned long long)(v / q), steps[i].suffix);
	return buf_detach(&b);
}

char *format_money_change(cents_t c, const char *cur)
{
	char *compact = format_money_compact(c, cur);
	if (c <= 0 || whole_units(c) == 0)
		return compact;
	char *s = xasprintf("+%s", compact);
	free(compact);
	return s;
}

/* v rounded to `decimals` places, with "-0" turned into "0". */
static char *fixed(double v, int decimals, const char *suffix, bool sign)
{
	double scale = pow(10, decimals);
	double r = round(v * scale) / scale;
	if (r == 0)
		r = 0; /* no "-0.0" */
	const char *s = "";
	if (r < 0)
		s = MINUS;
	else if (sign && r > 0)
		s = "+";
	return xasprintf("%s%.*f%s", s, decimals, fabs(r), suffix);
}

char *format_percent(double v, int decimals)
{
	return fixed(v * 100, decimals, "%", false);
}

char *format_signed_percent(double v)
{
	return fixed(v * 100, 1, "%", true);
}

char *format_points(double v)
{
	return fixed(v * 100, 1, " pts", true);
}

char *format_days(double v)
{
	double r = round(v * 10) / 10;
	bool whole = r == floor(r);
	char *n = fixed(r, whole ? 0 : 1, "", false);
	char *s = xasprintf("%s %s", n, fabs(r) == 1 ? "day" : "days");
	free(n);
	return s;
}

char *format_count(int64_t n)
{
	struct buf b = {0};
	if (n < 0)
		buf_puts(&b, MINUS);
	put_grouped(&b, n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n);
	return buf_detach(&b);
}

char *format_over_under(cents_t actual, cents_t forecast, const char *cur)
{
	if (actual == forecast)
		return xstrdup("on forecast");
	/* both are sums of one file's amounts: the difference fits */
	char *money = format_money(actual > forecast ? actual - forecast : forecast - actual, cur);
	char *out = xasprintf("%s %s", money, actual > forecast ? "over" : "under");
	free(money);
	return out;
}
