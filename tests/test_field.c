/* Unit tests of field: dates and datetimes (formats, times, zones, DST
 * edges, agreement with glibc), forecast months, amounts with symbols,
 * codes and separators, currencies, FX rates and exact conversion. Every
 * expected day is written as a calendar date worked out by hand from the
 * offset in force (zdump's answer is quoted where it matters). */
#include "testutil.h"

#include <time.h>

#include "date.h"
#include "field.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *why;

static day_t ymd(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

/* Parse s as a date; the day, or DAY_NONE with the reason in why. */
static day_t date_in(const char *s, enum date_format f, struct field_zone *z)
{
	day_t d = 12345;
	why = NULL;
	if (!field_parse_date(s, strlen(s), f, z, &d, &why)) {
		assert_non_null(why);
		assert_int_equal(d, 12345); /* left alone on failure */
		return DAY_NONE;
	}
	return d;
}

static void date_ok(const char *s, enum date_format f, struct field_zone *z, day_t want)
{
	day_t got = date_in(s, f, z);
	if (got != want) {
		char a[11] = "none", b[11];
		if (got != DAY_NONE)
			date_format_iso(got, a);
		date_format_iso(want, b);
		print_error("%s read as %s (%s), expected %s\n", s, a, why ? why : "", b);
		fail();
	}
}

static void date_bad(const char *s, enum date_format f, const char *reason)
{
	day_t got = date_in(s, f, NULL);
	if (got != DAY_NONE) {
		char a[11];
		date_format_iso(got, a);
		print_error("%s was accepted as %s, expected refusal \"%s\"\n", s, a, reason);
		fail();
	}
	assert_string_equal(why, reason);
}

/* A date case: value in format f (and zone, NULL = UTC) reads as y-m-d. */
struct date_case {
	enum date_format f;
	const char *value;
	int y, m, d;
};

/* A refused value and the reason given. */
struct refusal {
	enum date_format f;
	const char *value;
	const char *reason;
};

static void date_cases(const struct date_case *c, size_t n, struct field_zone *z)
{
	for (size_t i = 0; i < n; i++)
		date_ok(c[i].value, c[i].f, z, ymd(c[i].y, c[i].m, c[i].d));
}

static void date_refusals(const struct refusal *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		date_bad(c[i].value, c[i].f, c[i].reason);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct field_zone *zone(const char *name)
{
	char *err = NULL;
	struct field_zone *z = field_zone_open(name, &err);
	if (!z) {
		print_error("zone %s refused: %s\n", name, err);
		free(err);
		fail();
	}
	assert_null(err);
	return z;
}

static int64_t instant(int y, int mo, int d, int h, int mi, int s)
{
	return (int64_t)ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* ---- dates -------------------------------------------------------------- */

static void dates_plain(void **state)
{
	static const struct date_case cases[] = {
		{DATE_ISO, "2026-10-03", 2026, 10, 3},
		{DATE_ISO, "2026-1-5", 2026, 1, 5},
		{DATE_ISO, "2024-02-29", 2024, 2, 29},
		/* each format, with 1- and 2-digit day and month, and ISO always */
		{DATE_MDY, "3/7/2026", 2026, 3, 7},
		{DATE_MDY, "03/07/2026", 2026, 3, 7},
		{DATE_MDY, "12/31/2026", 2026, 12, 31},
		{DATE_MDY, "1/5/2026", 2026, 1, 5},
		{DATE_MDY, "2026-10-03", 2026, 10, 3},
		{DATE_DMY_SLASH, "3/7/2026", 2026, 7, 3},
		{DATE_DMY_SLASH, "31/12/2026", 2026, 12, 31},
		{DATE_DMY_SLASH, "2026-10-03", 2026, 10, 3},
		{DATE_DMY_DOT, "3.7.2026", 2026, 7, 3},
		{DATE_DMY_DOT, "03.10.2026", 2026, 10, 3},
		{DATE_DMY_DOT, "2026-10-03", 2026, 10, 3},
	};
	date_cases(cases, COUNT(cases), NULL);
}

static void dates_refused(void **state)
{
	static const struct refusal cases[] = {
		{DATE_ISO, "", "expected YYYY-MM-DD"},
		{DATE_ISO, "2026/10/03", "expected YYYY-MM-DD"},
		{DATE_ISO, "10/03/2026", "expected YYYY-MM-DD"},
		{DATE_ISO, "2026-10-03x", "expected YYYY-MM-DD"},
		{DATE_ISO, "2026-10-031", "expected YYYY-MM-DD"},
		{DATE_ISO, "20261-10-03", "expected YYYY-MM-DD"},
		{DATE_MDY, "2026/10/03", "expected MM/DD/YYYY"},
		{DATE_MDY, "10.03.2026", "expected MM/DD/YYYY"},
		{DATE_DMY_SLASH, "03.10.2026", "expected DD/MM/YYYY"},
		{DATE_DMY_DOT, "03/10/2026", "expected DD.MM.YYYY"},
		{DATE_MDY, "3/7/26", "expected a four-digit year"},
		{DATE_MDY, "3/7/20261", "expected MM/DD/YYYY"},
		{DATE_MDY, "123/7/2026", "expected MM/DD/YYYY"},
		{DATE_ISO, "2026-02-29", "not a real date"},
		{DATE_ISO, "2026-13-01", "not a real date"},
		{DATE_ISO, "2026-00-10", "not a real date"},
		{DATE_ISO, "0000-01-01", "not a real date"},
		{DATE_MDY, "13/01/2026", "not a real date"},     /* month 13 */
		{DATE_MDY, "2/30/2026", "not a real date"},
		{DATE_DMY_DOT, "31.04.2026", "not a real date"},
	};
	date_refusals(cases, COUNT(cases));
	/* a NUL inside the value is not a date */
	day_t d;
	assert_false(field_parse_date("2026-10-03\0", 11, DATE_ISO, NULL, &d, &why));
}

static void times(void **state)
{
	/* without a zone, the date as written is the date */
	static const struct date_case cases[] = {
		{DATE_ISO, "2026-10-03 14:22", 2026, 10, 3},
		{DATE_ISO, "2026-10-03T14:22:05", 2026, 10, 3},
		{DATE_ISO, "2026-10-03T23:59:59.999", 2026, 10, 3},
		{DATE_ISO, "2026-10-03 0:00", 2026, 10, 3},
		{DATE_MDY, "5/18/2026 10:17 AM", 2026, 5, 18},
		{DATE_MDY, "5/18/2026 10:17 pm", 2026, 5, 18},
		{DATE_MDY, "5/18/2026 10:17PM", 2026, 5, 18},
		{DATE_MDY, "5/18/2026 12:00:00 AM", 2026, 5, 18},
		{DATE_DMY_DOT, "18.05.2026 09:05", 2026, 5, 18},
	};
	date_cases(cases, COUNT(cases), NULL);
	const char *r_time = "expected a time such as 14:22 or 2:22 PM after the date";
	const char *r_zone = "expected a time zone such as Z, UTC or +02:00 after the time";
	const char *r_hour12 = "hour out of range for AM/PM, expected 1 to 12";
	const struct refusal refused[] = {
		{DATE_ISO, "2026-10-03 24:00", "hour out of range"},
		{DATE_ISO, "2026-10-03 13:00 PM", r_hour12},
		{DATE_ISO, "2026-10-03 0:30 AM", r_hour12},
		{DATE_ISO, "2026-10-03 10:60", "minute out of range"},
		{DATE_ISO, "2026-10-03 10:59:60", "second out of range"},
		{DATE_ISO, "2026-10-03T", r_time},
		{DATE_ISO, "2026-10-03 10", r_time},
		{DATE_ISO, "2026-10-03 10:5", r_time},
		{DATE_ISO, "2026-10-03 10:555", r_time},
		{DATE_ISO, "2026-10-03 10:55:1", r_time},
		{DATE_ISO, "2026-10-03 10:55:10.", r_time},
		{DATE_ISO, "2026-10-03 UTC", r_time},
		{DATE_ISO, "2026-10-03 10:00 XYZ", r_zone},
		{DATE_ISO, "2026-10-03 10:00 +2", r_zone},
		{DATE_ISO, "2026-10-03 10:00 +02:0", r_zone},
		{DATE_ISO, "2026-10-03 10:00Zulu", r_zone},
		{DATE_ISO, "2026-10-03 10:00 AM PM", r_zone},
		{DATE_ISO, "2026-10-03 10:00 +24:00", "time-zone offset out of range"},
		{DATE_ISO, "2026-10-03 10:00 +02:60", "time-zone offset out of range"},
	};
	date_refusals(refused, COUNT(refused));
}

static void zoned_utc(void **state)
{
	static const struct date_case cases[] = {
		{DATE_ISO, "2026-08-04T10:35:00.000Z", 2026, 8, 4},
		{DATE_ISO, "2026-10-03 14:22 UTC", 2026, 10, 3},
		/* 01:00 at +02:00 is 23:00 UTC the day before */
		{DATE_ISO, "2026-10-03T01:00:00+02:00", 2026, 10, 2},
		{DATE_ISO, "2026-10-03T01:00:00+0200", 2026, 10, 2},
		{DATE_ISO, "2026-10-03 01:00 +02:00", 2026, 10, 2},
		/* 20:00 at -08:00 is 04:00 UTC the next day */
		{DATE_ISO, "2026-10-03T20:00-08:00", 2026, 10, 4},
		/* +05:30: 05:29:59 is 23:59:59 UTC the day before, 05:30 is midnight */
		{DATE_ISO, "2026-04-01T05:29:59+05:30", 2026, 3, 31},
		{DATE_ISO, "2026-04-01T05:30:00+05:30", 2026, 4, 1},
		/* 12-hour clock: 11:30 PM at -05:00 is 04:30 UTC the next day */
		{DATE_MDY, "12/31/2026 11:30 PM -05:00", 2027, 1, 1},
		/* 12:30 AM is 00:30: at +01:00 that is 23:30 UTC the day before */
		{DATE_MDY, "1/1/2027 12:30 AM +01:00", 2026, 12, 31},
	};
	/* zone NULL and an opened "UTC" are both UTC */
	date_cases(cases, COUNT(cases), NULL);
	struct field_zone *utc = zone("UTC");
	assert_string_equal(field_zone_name(utc), "UTC");
	date_cases(cases, COUNT(cases), utc);
	field_zone_free(utc);
}

/* Values with a zone, read in the zone named. */
struct zoned_case {
	const char *zone;
	const char *value;
	int y, m, d;
};

static void zoned_local(void **state)
{
	static const struct zoned_case cases[] = {
		/* August: EDT, UTC-4. 02:30Z is 22:30 the day before. */
		{"America/New_York", "2026-08-04T02:30:00Z", 2026, 8, 3},
		{"America/New_York", "2026-08-04T02:30:00.000Z", 2026, 8, 3},
		{"America/New_York", "2026-08-04T10:35:00.000Z", 2026, 8, 4},
		{"America/New_York", "2026-10-03 02:22 UTC", 2026, 10, 2},
		{"America/New_York", "2026-10-03 14:22 UTC", 2026, 10, 3},
		/* without a zone the time is not converted */
		{"America/New_York", "2026-08-04T02:30:00", 2026, 8, 4},
		/* DST ends 2026-11-01 06:00Z (zdump: 01:59:59 EDT, then 01:00 EST).
		 * 03:59:59Z is 23:59:59 EDT on Oct 31; 04:00Z is midnight Nov 1. */
		{"America/New_York", "2026-11-01T03:59:59Z", 2026, 10, 31},
		{"America/New_York", "2026-11-01T04:00:00Z", 2026, 11, 1},
		/* after the change, UTC-5: 04:59:59Z on Nov 2 is still Nov 1 */
		{"America/New_York", "2026-11-02T04:59:59Z", 2026, 11, 1},
		{"America/New_York", "2026-11-02T05:00:00Z", 2026, 11, 2},
		/* DST starts 2026-03-08 07:00Z: before it UTC-5, after it UTC-4 */
		{"America/New_York", "2026-03-08T04:59:59Z", 2026, 3, 7},
		{"America/New_York", "2026-03-09T03:59:59Z", 2026, 3, 8},
		{"America/New_York", "2026-03-09T04:00:00Z", 2026, 3, 9},
		/* an offset written in the value: 23:30Z on Aug 3, 19:30 EDT */
		{"America/New_York", "2026-08-04T05:00:00+05:30", 2026, 8, 3},
		/* Santiago ends DST 2026-04-05 03:00Z, turning Sat 23:59:59 -03
		 * into Sat 23:00 -04: the change's own second decides the day
		 * (with the old offset 03:00Z would be Sunday 00:00). */
		{"America/Santiago", "2026-04-05T02:59:59Z", 2026, 4, 4},
		{"America/Santiago", "2026-04-05T03:00:00Z", 2026, 4, 4},
		{"America/Santiago", "2026-04-05T03:59:59Z", 2026, 4, 4},
		{"America/Santiago", "2026-04-05T04:00:00Z", 2026, 4, 5},
		/* Apia skipped 2011-12-30: 09:59:59Z is Dec 29 23:59:59 -10,
		 * 10:00Z is Dec 31 00:00 +14 (zdump). */
		{"Pacific/Apia", "2011-12-30T09:59:59Z", 2011, 12, 29},
		{"Pacific/Apia", "2011-12-30T10:00:00Z", 2011, 12, 31},
		/* Kolkata, UTC+5:30: 18:30Z is midnight the next day */
		{"Asia/Kolkata", "2026-03-31T18:29:59Z", 2026, 3, 31},
		{"Asia/Kolkata", "2026-03-31T18:30:00Z", 2026, 4, 1},
		/* Kiritimati, UTC+14: 10:00Z is midnight the next day */
		{"Pacific/Kiritimati", "2026-01-01T09:59:59Z", 2026, 1, 1},
		{"Pacific/Kiritimati", "2026-01-01T10:00:00Z", 2026, 1, 2},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct field_zone *z = zone(cases[i].zone);
		assert_string_equal(field_zone_name(z), cases[i].zone);
		date_ok(cases[i].value, DATE_ISO, z, ymd(cases[i].y, cases[i].m, cases[i].d));
		field_zone_free(z);
	}
}

/* glibc's own answer: the local day of t with TZ set to the zone. */
static day_t glibc_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	assert_non_null(localtime_r(&tt, &tm));
	return ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The zone's answers equal glibc's at every half hour (and the second
 * before it) over several years, for zones with DST, half-hour and
 * 45-minute offsets, half-hour DST, negative DST and changes at midnight,
 * and at scattered instants from 1900 to 2100. */
static void zones_agree_with_glibc(void **state)
{
	static const char *names[] = {
		"America/New_York", "Europe/Berlin",   "Australia/Lord_Howe", "America/Santiago",
		"Asia/Kathmandu",   "America/St_Johns", "Europe/Dublin",      "Africa/Casablanca",
		"Pacific/Apia",     "Antarctica/Troll",
	};
	enum { N = 2 * 730 * 48 + 1000 };
	static int64_t ts[N];
	static day_t want[N];
	size_t n = 0;
	for (int64_t t = instant(2025, 1, 1, 0, 0, 0); t < instant(2027, 1, 1, 0, 0, 0); t += 1800) {
		ts[n++] = t;
		ts[n++] = t - 1;
	}
	for (int i = 0; i < 1000; i++) /* 1900 .. 2100, a prime step apart */
		ts[n++] = instant(1900, 1, 1, 0, 0, 0) + (int64_t)i * 6311137;
	assert_true(n <= N);
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	for (size_t z = 0; z < sizeof names / sizeof names[0]; z++) {
		char tz[64];
		snprintf(tz, sizeof tz, ":%s", names[z]);
		setenv("TZ", tz, 1);
		tzset();
		for (size_t i = 0; i < n; i++)
			want[i] = glibc_day(ts[i]);
		unsetenv("TZ");
		tzset();
		struct field_zone *fz = zone(names[z]);
		for (size_t i = 0; i < n; i++) {
			day_t got = field_zone_local_day(fz, ts[i]);
			if (got != want[i]) {
				print_error("%s at %lld: %d, glibc %d\n", names[z], (long long)ts[i],
					    got, want[i]);
				fail();
			}
		}
		field_zone_free(fz);
	}
	if (saved)
		setenv("TZ", saved, 1);
	free(saved);
	tzset();
}

/* The answers do not depend on the TZ the program runs with, and TZ is
 * left as it was. */
static void zone_independent_of_tz(void **state)
{
	struct field_zone *ny = zone("America/New_York");
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	date_ok("2027-08-04T02:30:00Z", DATE_ISO, ny, ymd(2027, 8, 3)); /* reads 2027 afresh */
	date_ok("2027-08-04T02:30:00Z", DATE_ISO, NULL, ymd(2027, 8, 4));
	assert_string_equal(getenv("TZ"), "Asia/Tokyo");
	unsetenv("TZ");
	tzset();
	date_ok("2028-08-04T02:30:00Z", DATE_ISO, ny, ymd(2028, 8, 3));
	assert_null(getenv("TZ"));
	if (saved)
		setenv("TZ", saved, 1);
	free(saved);
	tzset();
	field_zone_free(ny);
}

static void zone_refused(const char *name, const char *needle)
{
	char *err = NULL;
	struct field_zone *z = field_zone_open(name, &err);
	if (z) {
		print_error("zone %s was accepted\n", name);
		fail();
	}
	assert_non_null(err);
	if (!strstr(err, needle)) {
		print_error("zone %s: %s (expected to contain %s)\n", name, err, needle);
		fail();
	}
	free(err);
}

static void zone_names(void **state)
{
	zone_refused("Mars/Base", "unknown time zone \"Mars/Base\"");
	zone_refused("america/new_york", "unknown time zone");
	zone_refused("", "unknown time zone \"\"");
	zone_refused("America", "unknown time zone");          /* a directory */
	zone_refused("zone.tab", "unknown time zone");         /* a file, not TZif */
	zone_refused("../zoneinfo/UTC", "unknown time zone");
	zone_refused("America/../Europe/Berlin", "unknown time zone");
	zone_refused("/usr/share/zoneinfo/UTC", "unknown time zone");
	zone_refused("America/New_York/", "unknown time zone");
	zone_refused("America//New_York", "unknown time zone");
	zone_refused("right/America/New_York", "unknown time zone"); /* leap seconds */
	zone_refused("EST5EDT,M3.2.0,M11.1.0", "unknown time zone");  /* a POSIX rule */
	zone_refused("Europe/Berlin\n", "\"Europe/Berlin\\n\"");
	struct field_zone *z = zone("Etc/GMT+5");
	field_zone_free(z);
	field_zone_free(NULL);
	/* without a zone database only UTC works, and the message says why */
	setenv("TZDIR", "/nonexistent-zoneinfo", 1);
	zone_refused("Europe/Berlin", "no time-zone database at /nonexistent-zoneinfo "
				      "(install the tzdata package)");
	z = zone("UTC");
	field_zone_free(z);
	unsetenv("TZDIR");
}

static void months(void **state)
{
	int m = -1;
	assert_true(field_parse_month("2026-10", 7, DATE_ISO, NULL, &m, &why));
	assert_int_equal(m, 2026 * 12 + 9);
	assert_true(field_parse_month("2026-1", 6, DATE_MDY, NULL, &m, &why));
	assert_int_equal(m, 2026 * 12);
	assert_true(field_parse_month("10/3/2026", 9, DATE_MDY, NULL, &m, &why));
	assert_int_equal(m, 2026 * 12 + 9);
	assert_true(field_parse_month("2026-10-31", 10, DATE_DMY_DOT, NULL, &m, &why));
	assert_int_equal(m, 2026 * 12 + 9);
	/* a datetime's month is that of its local date: Nov 1 02:00Z is Oct 31 in New York */
	struct field_zone *ny = zone("America/New_York");
	const char *v = "2026-11-01T02:00:00Z";
	assert_true(field_parse_month(v, strlen(v), DATE_ISO, ny, &m, &why));
	assert_int_equal(m, 2026 * 12 + 9);
	field_zone_free(ny);
	m = -1;
	assert_false(field_parse_month("2026-13", 7, DATE_ISO, NULL, &m, &why));
	assert_string_equal(why, "not a real month");
	assert_false(field_parse_month("Oct 2026", 8, DATE_ISO, NULL, &m, &why));
	assert_string_equal(why, "expected YYYY-MM or YYYY-MM-DD");
	assert_false(field_parse_month("10.2026", 7, DATE_DMY_DOT, NULL, &m, &why));
	assert_string_equal(why, "expected YYYY-MM or DD.MM.YYYY");
	assert_false(field_parse_month("2026-02-30", 10, DATE_ISO, NULL, &m, &why));
	assert_string_equal(why, "not a real date");
	assert_false(field_parse_month("", 0, DATE_MDY, NULL, &m, &why));
	assert_string_equal(why, "expected YYYY-MM or MM/DD/YYYY");
	assert_int_equal(m, -1);
}

/* ---- currencies and amounts --------------------------------------------- */

static void currencies(void **state)
{
	assert_true(field_currency_valid("USD"));
	assert_true(field_currency_valid("XYZ"));
	assert_false(field_currency_valid("usd"));
	assert_false(field_currency_valid("US"));
	assert_false(field_currency_valid("USDX"));
	assert_false(field_currency_valid("U$D"));
	assert_false(field_currency_valid(""));
	assert_false(field_currency_valid(NULL));
	assert_int_equal(field_currency_minor_digits("JPY"), 0);
	assert_int_equal(field_currency_minor_digits("KRW"), 0);
	assert_int_equal(field_currency_minor_digits("VND"), 0);
	assert_int_equal(field_currency_minor_digits("XPF"), 0);
	assert_int_equal(field_currency_minor_digits("USD"), 2);
	assert_int_equal(field_currency_minor_digits("EUR"), 2);
	assert_int_equal(field_currency_minor_digits("BHD"), 2); /* 3 in ISO, 2 here */
	assert_int_equal(field_currency_minor_digits("KWD"), 2);
	assert_int_equal(field_currency_minor_digits("JP"), 2);
	assert_true(field_currency_agrees("$", "USD"));
	assert_true(field_currency_agrees("$", "CAD"));
	assert_true(field_currency_agrees("$", "AUD"));
	assert_true(field_currency_agrees("$", "MXN"));
	assert_true(field_currency_agrees("$", "TWD")); /* the last of its list */
	assert_false(field_currency_agrees("$", "EUR"));
	assert_true(field_currency_agrees("US$", "USD"));
	assert_false(field_currency_agrees("US$", "CAD"));
	assert_true(field_currency_agrees("\xe2\x82\xac", "EUR"));
	assert_true(field_currency_agrees("\xc2\xa3", "GBP"));
	assert_true(field_currency_agrees("\xc2\xa5", "JPY"));
	assert_true(field_currency_agrees("\xc2\xa5", "CNY"));
	assert_true(field_currency_agrees("kr", "SEK"));
	assert_true(field_currency_agrees("kr", "ISK"));
	assert_true(field_currency_agrees("EUR", "EUR"));
	assert_false(field_currency_agrees("EUR", "USD"));
	assert_true(field_currency_agrees("", "JPY"));
	assert_true(field_currency_agrees(NULL, "JPY"));
	assert_false(field_currency_agrees("?", "USD"));
	assert_false(field_currency_agrees("$", "usd"));
}

static struct field_amount amt;

static bool amount(const char *s, char dec)
{
	memset(&amt, 0x5a, sizeof amt);
	why = NULL;
	bool ok = field_parse_amount(s, strlen(s), dec, &amt, &why);
	if (!ok)
		assert_non_null(why);
	return ok;
}

static void amount_ok(const char *s, char dec, cents_t cents, const char *currency)
{
	if (!amount(s, dec)) {
		print_error("%s (decimal %c) refused: %s\n", s, dec, why);
		fail();
	}
	if (amt.cents != cents) {
		print_error("%s read as %lld.%02lld, expected %lld.%02lld\n", s,
			    (long long)(amt.cents / 100), (long long)(amt.cents % 100),
			    (long long)(cents / 100), (long long)(cents % 100));
		fail();
	}
	assert_string_equal(amt.currency, currency);
}

static void amount_bad(const char *s, char dec, const char *reason)
{
	if (amount(s, dec)) {
		print_error("%s (decimal %c) accepted as %lld.%02lld, expected \"%s\"\n", s, dec,
			    (long long)(amt.cents / 100), (long long)(amt.cents % 100), reason);
		fail();
	}
	assert_string_equal(why, reason);
}

#define EURO "\xe2\x82\xac"
#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

static void amounts_accepted(void **state)
{
	static const struct {
		const char *value;
		char decimal;
		cents_t cents;
		const char *currency;
	} cases[] = {
		{"12500", '.', 1250000, ""},
		{"12500.5", '.', 1250050, ""},
		{"12500,5", ',', 1250050, ""},
		{"0.01", '.', 1, ""},
		{"0", '.', 0, ""},
		{"007", '.', 700, ""},
		{"$12,500.00", '.', 1250000, "$"},
		{"$79,605.99", '.', 7960599, "$"},
		{"12.500,00 " EURO, ',', 1250000, EURO},
		{"158.501,50 " EURO, ',', 15850150, EURO},
		{EURO " 1.234,50", ',', 123450, EURO},
		{EURO "1.234,50", ',', 123450, EURO},
		{"USD 12500", '.', 1250000, "USD"},
		{"USD12500", '.', 1250000, "USD"},
		{"12500 USD", '.', 1250000, "USD"},
		{"12,500.00 USD", '.', 1250000, "USD"},
		{"CHF 1'234.50", '.', 123450, "CHF"},
		{"1'234'567,5", ',', 123456750, ""},
		{"1,234,567.8", '.', 123456780, ""},
		{"1 234 567,89", ',', 123456789, ""},
		{"1 234 567.89", '.', 123456789, ""},
		{"1" NBSP "234,50 " EURO, ',', 123450, EURO},
		{"1" NNBSP "234,50" NBSP EURO, ',', 123450, EURO},
		{"US$1,000", '.', 100000, "US$"},
		{"R$ 1.000,00", ',', 100000, "R$"},
		{"kr 1 234,50", ',', 123450, "kr"},
		{"1 234,50 kr", ',', 123450, "kr"},
		{"\xc2\xa3" "99.9", '.', 9990, "\xc2\xa3"},
		{"\xc2\xa5" "1,500", '.', 150000, "\xc2\xa5"},
		{"999,999,999,999.99", '.', FIELD_MAX_AMOUNT, ""},
		{"999999999999.99", '.', FIELD_MAX_AMOUNT, ""},
		/* a symbol and a code it stands for: the code */
		{"$12 USD", '.', 1200, "USD"},
		{"USD 12 USD", '.', 1200, "USD"},
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		amount_ok(cases[i].value, cases[i].decimal, cases[i].cents, cases[i].currency);
}

static void amounts_refused(void **state)
{
	const char *dot = "expected a number such as 12500.50";
	const char *comma = "expected a number such as 12500,50";
	const char *sign = "a sign is not accepted: amounts are never negative";
	const char *groups = "thousands separators must group three digits";
	const char *mixed = "mixed thousands separators";
	const char *max = "above the largest amount accepted, 999,999,999,999.99";
	const char *currency = "unknown currency symbol or code";
	const char *two = "two currencies that disagree";
	const char *reads_comma = "the decimal mark here is '.', and the value reads with "
				  "decimal = ,";
	const char *reads_dot = "the decimal mark here is ',', and the value reads with "
				"decimal = .";
	const struct {
		const char *value;
		char decimal;
		const char *reason;
	} cases[] = {
		{"", '.', dot},
		{"", ',', comma},
		{"n/a", '.', dot},
		{"$", '.', dot},
		{"12.", '.', dot},
		{".5", '.', dot},
		{"12..5", '.', dot},
		{"-5", '.', sign},
		{"+5", '.', sign},
		{"$-5", '.', sign},
		{"5-", '.', sign},
		{"(5.00)", '.', "parentheses are not accepted: amounts are never negative"},
		{"1e5", '.', "an exponent is not accepted"},
		{"1.5E+3", '.', "an exponent is not accepted"},
		{"12.3456", '.', "more than two decimals"},
		{"12,3456", ',', "more than two decimals"},
		{"1,2345", '.', groups},
		{"12345,678", '.', groups},
		{"0,123", '.', groups},
		{"1,23,456", '.', groups},
		{"12,", '.', groups},
		{"1,234 567", '.', mixed},
		{"1.234'567", ',', mixed},
		{"1,000,000,000,000.00", '.', max},
		{"1000000000000", '.', max},
		{"99999999999999999999999999", '.', max},
		{"12 abc", '.', currency},
		{"12 XX", '.', currency},
		{"12 USD EUR", '.', currency},
		{"\xe2\x82\xbf" "12", '.', currency}, /* the bitcoin sign */
		{"USD 12 EUR", '.', two},
		{EURO "12 USD", '.', two},
		{"$12 " EURO, '.', two},
		/* a value that reads with the other decimal mark says which setting */
		{"12,50", '.', reads_comma},
		{"158.501,50 " EURO, '.', reads_comma},
		{"12.500", '.', reads_comma},
		{"$1,234.56", ',', reads_dot},
		{"12.5", ',', reads_dot},
		{"12,345", ',', reads_dot},
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		amount_bad(cases[i].value, cases[i].decimal, cases[i].reason);
	assert_false(field_parse_amount("12\0", 3, '.', &amt, &why));
	assert_string_equal(why, dot);
}

/* ---- rates and conversion ----------------------------------------------- */

static void rate_ok(const char *s, char dec, int64_t num, int scale)
{
	struct field_rate r = {0, 0};
	if (!field_parse_rate(s, strlen(s), dec, &r, &why)) {
		print_error("rate %s refused: %s\n", s, why);
		fail();
	}
	assert_int_equal(r.num, num);
	assert_int_equal(r.scale, scale);
}

static void rate_bad(const char *s, const char *reason)
{
	struct field_rate r = {7, 7};
	assert_false(field_parse_rate(s, strlen(s), '.', &r, &why));
	assert_string_equal(why, reason);
	assert_int_equal(r.num, 7);
}

static void rates(void **state)
{
	rate_ok("1.0825", '.', 10825, 4);
	rate_ok("0.0066", '.', 66, 4);
	rate_ok("151", '.', 151, 0);
	rate_ok("100", '.', 100, 0);
	rate_ok("1.50", '.', 15, 1);
	rate_ok("1,0825", ',', 10825, 4);
	rate_ok("0.000000000001", '.', 1, 12);
	rate_ok("1.500000000000000000", '.', 15, 1);
	rate_ok("123456789012.345678", '.', INT64_C(123456789012345678), 6);
	const char *r = "expected a positive decimal rate such as 1.0825";
	rate_bad("", r);
	rate_bad("-1.2", r);
	rate_bad("1.", r);
	rate_bad(".5", r);
	rate_bad("1.2.3", r);
	rate_bad("1e3", r);
	rate_bad("1,5", r);
	rate_bad("1 000", r);
	rate_bad("0", "a rate must be above zero");
	rate_bad("0.000", "a rate must be above zero");
	rate_bad("1.0000000000001", "more than 12 decimals");
	rate_bad("1234567890123456789", "more than 18 significant digits");
}

static cents_t convert(cents_t amount, const char *rate, int digits)
{
	struct field_rate r;
	assert_true(field_parse_rate(rate, strlen(rate), '.', &r, &why));
	cents_t out = -424242;
	assert_true(field_convert(amount, r, digits, &out));
	return out;
}

static void conversion(void **state)
{
	/* 100.00 EUR at 1.0825 = 108.25 USD exactly */
	assert_int_equal(convert(10000, "1.0825", 2), 10825);
	/* 0.05 at 1.5 = 0.075: half a cent, away from zero: 0.08 */
	assert_int_equal(convert(5, "1.5", 2), 8);
	assert_int_equal(convert(-5, "1.5", 2), -8);
	/* 0.05 at 1.49 = 0.0745 -> 0.07; at 1.51 = 0.0755 -> 0.08 */
	assert_int_equal(convert(5, "1.49", 2), 7);
	assert_int_equal(convert(-5, "1.49", 2), -7);
	assert_int_equal(convert(5, "1.51", 2), 8);
	assert_int_equal(convert(-5, "1.51", 2), -8);
	/* 12,345.67 JPY at 0.0066 = 81.481422 USD -> 81.48 */
	assert_int_equal(convert(1234567, "0.0066", 2), 8148);
	/* 1,000,000 JPY at 0.0066 = 6,600.00 USD */
	assert_int_equal(convert(100000000, "0.0066", 2), 660000);
	/* to a 0-digit currency: 100.00 USD at 151.235 = 15,123.5 JPY -> 15,124
	 * (cents of a unit: 1512400); at 151.234 = 15,123.4 -> 15,123 */
	assert_int_equal(convert(10000, "151.235", 0), 1512400);
	assert_int_equal(convert(-10000, "151.235", 0), -1512400);
	assert_int_equal(convert(10000, "151.234", 0), 1512300);
	/* 0.01 at 0.000000000001 is 1e-14 units: 0 */
	assert_int_equal(convert(1, "0.000000000001", 2), 0);
	assert_int_equal(convert(0, "1.0825", 2), 0);
	/* the largest amount at rate 1 is itself; at 2 it is refused */
	assert_int_equal(convert(FIELD_MAX_AMOUNT, "1", 2), FIELD_MAX_AMOUNT);
	struct field_rate two = {2, 0};
	cents_t out = 99;
	assert_false(field_convert(FIELD_MAX_AMOUNT, two, 2, &out));
	assert_false(field_convert(-FIELD_MAX_AMOUNT, two, 2, &out));
	struct field_rate huge = {INT64_C(999999999999999999), 0};
	assert_false(field_convert(INT64_MAX, huge, 0, &out));
	assert_int_equal(out, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates_plain),
		cmocka_unit_test(dates_refused),
		cmocka_unit_test(times),
		cmocka_unit_test(zoned_utc),
		cmocka_unit_test(zoned_local),
		cmocka_unit_test(zones_agree_with_glibc),
		cmocka_unit_test(zone_independent_of_tz),
		cmocka_unit_test(zone_names),
		cmocka_unit_test(months),
		cmocka_unit_test(currencies),
		cmocka_unit_test(amounts_accepted),
		cmocka_unit_test(amounts_refused),
		cmocka_unit_test(rates),
		cmocka_unit_test(conversion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
