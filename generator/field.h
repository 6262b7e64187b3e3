/* field: parsers for one trimmed field value of a real export: dates and
 * datetimes (with a time zone converted through the system's zone
 * database), forecast months, amounts with currency symbols or codes and
 * thousands separators, ISO 4217 codes, FX rates, and the exact conversion
 * of an amount at a rate. No loader knowledge: each parser returns a value
 * or a static reason fit for a message, and the caller words the located
 * message. The parsers allocate nothing and take the value as (s, n): s
 * need not be NUL-terminated, and a NUL byte inside it is refused. */
#ifndef REVIEWPACK_FIELD_H
#define REVIEWPACK_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "model.h" /* cents_t */

/* ------------------------------------------------------------------------
 * Time zones
 * ---------------------------------------------------------------------- */

/* An IANA time zone, as glibc reads it from the system's zone database
 * (TZDIR, else /usr/share/zoneinfo; Debian's tzdata package). */
struct field_zone;

/* Open the zone named iana_name ("America/New_York", "Asia/Kolkata",
 * "UTC"). Refuses, returning NULL and setting *err to a new message the
 * caller frees: a name that is empty, absolute, contains ".." or a
 * character outside [A-Za-z0-9/_+-.], or that names no TZif file in the
 * zone database (glibc would silently read such a name as UTC). "UTC" is
 * built in and works without the database. The result is freed with
 * field_zone_free. */
struct field_zone *field_zone_open(const char *iana_name, char **err);
void field_zone_free(struct field_zone *z);
/* The name the zone was opened with; owned by z. */
const char *field_zone_name(const struct field_zone *z);
/* The local day number (days since 1970-01-01) in zone z of the UTC
 * instant t (seconds since 1970-01-01 00:00 UTC), exactly as glibc's
 * localtime_r gives it with TZ set to the zone. z NULL means UTC. Valid
 * for instants in the years 0 to 10000.
 * How: the first instant in a UTC year asks glibc for that year's offsets
 * (one sample per UTC day, and a binary search to the second inside a day
 * whose offset changes) and keeps them, so each later call is a lookup.
 * tzdata's offset changes are days apart (the closest, Africa/Freetown in
 * 1939, are four days apart), so one change per day at most is never
 * missed; a year with more changes than the table holds is answered by
 * glibc per call. While a year is read, TZ is set to the zone and then
 * restored with tzset: not thread-safe, like any use of TZ. */
day_t field_zone_local_day(struct field_zone *z, int64_t t);

/* ------------------------------------------------------------------------
 * Dates
 * ---------------------------------------------------------------------- */

/* Parse a date in format f with a 1- or 2-digit day and month and a
 * 4-digit year ("3/7/2026" in DATE_MDY), or in ISO YYYY-MM-DD whatever f
 * is. A time may follow: 'T' or one space, then H:MM or HH:MM, optionally
 * :SS and .fraction, optionally AM/PM (with or without a space, any case;
 * 12 AM is hour 0), optionally a zone (with or without a space): Z, UTC,
 * +HH:MM, -HH:MM, +HHMM or -HHMM. Hours are 0-23 (1-12 with AM/PM),
 * minutes and seconds 0-59, offsets up to 23:59.
 * Without a zone the date as written is the date and the time is only
 * checked. With a zone the instant is converted to zone z (NULL = UTC) and
 * the local date there is the date.
 * Returns true and sets *out; or false, leaves *out alone and sets *why to
 * a static reason ("expected MM/DD/YYYY", "not a real date", "hour out of
 * range", ...) to put after the quoted value. Empty is refused ("expected
 * ..."): the caller decides what an empty field means. */
bool field_parse_date(const char *s, size_t n, enum date_format f, struct field_zone *z,
		      day_t *out, const char **why);

/* Parse a forecast month: YYYY-MM (or YYYY-M), or any date
 * field_parse_date accepts (its month). *out is year * 12 + month - 1, as
 * month_parse in date.h. Refusals as field_parse_date. */
bool field_parse_month(const char *s, size_t n, enum date_format f, struct field_zone *z,
		       int *out, const char **why);

/* ------------------------------------------------------------------------
 * Currencies and amounts
 * ---------------------------------------------------------------------- */

/* The largest amount one row may carry: 999,999,999,999.99 in cents. A
 * million rows of it still sum inside int64. */
#define FIELD_MAX_AMOUNT INT64_C(99999999999999)

/* True when code is an ISO 4217 code in shape: exactly three upper-case
 * ASCII letters. code may be NULL (false). */
bool field_currency_valid(const char *code);
/* Minor-unit digits of an ISO 4217 code as amounts here carry them: 0 for
 * the currencies without minor units (JPY, KRW, VND, CLP, ISK, ...), 2 for
 * every other code. The 3-digit currencies (BHD, KWD, OMR, JOD, TND, IQD,
 * LYD) and CLF/UYW count as 2: an amount carries at most two decimals. */
int field_currency_minor_digits(const char *code);
/* True when what an amount named (an ISO code or a symbol, as in
 * struct field_amount.currency) stands for iso_code: a code equal to it,
 * or a symbol used for it ("$" agrees with USD, CAD, AUD, NZD, SGD, HKD,
 * MXN, ...; "€" with EUR; "kr" with SEK, NOK, DKK, ISK). An empty or NULL
 * named agrees with any code (the amount named none). */
bool field_currency_agrees(const char *named, const char *iso_code);

/* An amount as parsed: cents (1/100 of a unit, whatever the currency's
 * minor unit) and the currency the value named, if any. */
struct field_amount {
	cents_t cents;      /* 0 .. FIELD_MAX_AMOUNT */
	char currency[8];   /* "" when none; else an ISO code ("EUR") or a symbol
			       as written ("$", "€", "US$", "kr") */
};

/* Parse a non-negative amount with decimal mark decimal ('.' or ','):
 * digits, optionally grouped by thousands in well-formed groups of three
 * (with '.' as decimal ','; with ',' as decimal '.'; with either a space,
 * U+00A0, U+202F or '\''; one separator throughout), then optionally the
 * decimal mark and one or two digits. A currency symbol or ISO code may
 * stand before or after the number, with or without spaces ("$12,500.00",
 * "12.500,00 €", "USD 12500", "CHF 1'234.50"); both only when they are
 * the same or a symbol and a code it stands for ("$12 USD": currency is
 * then the code). No sign, exponent or
 * parentheses. Above FIELD_MAX_AMOUNT is refused ("above the largest
 * amount accepted, 999,999,999,999.99"). Empty is refused: the caller
 * decides what an empty amount means.
 * Returns true and fills *out; or false and sets *why to a static reason.
 * When the value reads with the other decimal mark, the reason says so
 * ("... reads with decimal = ,"). */
bool field_parse_amount(const char *s, size_t n, char decimal, struct field_amount *out,
			const char **why);

/* ------------------------------------------------------------------------
 * FX rates and conversion
 * ---------------------------------------------------------------------- */

/* A rate kept exactly: value = num / 10^scale, num > 0, scale 0..12. */
struct field_rate {
	int64_t num;
	int scale;
};
#define FIELD_RATE_MAX_DECIMALS 12

/* Parse a positive decimal rate ("1.0825", "0.0066", "151"): digits,
 * optionally the decimal mark decimal ('.' or ',') and digits; trailing
 * fraction zeros are dropped ("1.50" is 15 / 10^1), and then at most 12
 * decimals and 18 significant digits remain. No sign, separator or
 * exponent. Returns true and sets *out, or false and sets *why to a static
 * reason. */
bool field_parse_rate(const char *s, size_t n, char decimal, struct field_rate *out,
		      const char **why);

/* Convert amount (cents of a foreign currency, 1/100 units, may be
 * negative) at rate (program-currency units per foreign unit) to cents of
 * the program currency: amount * rate computed exactly, rounded half away
 * from zero to the program currency's minor unit (program_minor_digits 2:
 * to the cent; 0: to a whole unit, so *out is a multiple of 100). Returns
 * false, leaving *out alone, when |result| would exceed FIELD_MAX_AMOUNT.
 * program_minor_digits is 0, 1 or 2 (anything else is a BUG). */
bool field_convert(cents_t amount, struct field_rate rate, int program_minor_digits,
		   cents_t *out);

#endif
