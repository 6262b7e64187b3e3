/* Unit tests of the calendar: day numbers against known dates, a round
 * trip over 1,000 years either side of year 0, leap years, each of the
 * four date formats refusing every malformed shape, and months. */
#include "testutil.h"

#include "date.h"

static void known_days(void **state)
{
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(date_from_ymd(2000, 3, 1), 11017);   /* 30 years of 365, 7 leap days, 31 + 29 */
	assert_int_equal(date_from_ymd(2026, 10, 5), 20731);  /* date -d 2026-10-05 +%s / 86400 */
	assert_int_equal(date_from_ymd(0, 3, 1), -719468);    /* the algorithm's epoch */
	int y, m, d;
	date_to_ymd(-719469, &y, &m, &d);                     /* the day before: 29 Feb of year 0 */
	assert_true(y == 0 && m == 2 && d == 29);
	date_to_ymd(date_from_ymd(-1, 1, 1), &y, &m, &d);     /* a negative year */
	assert_true(y == -1 && m == 1 && d == 1);
}

static void round_trip(void **state)
{
	/* Every day from year -1000 to 3000 prints back as itself, one after
	 * the other without a gap. */
	day_t first = date_from_ymd(-1000, 1, 1), last = date_from_ymd(3000, 12, 31);
	int py = -1001, pm = 12, pd = 31;
	for (day_t z = first; z <= last; z++) {
		int y, m, d;
		date_to_ymd(z, &y, &m, &d);
		assert_int_equal(date_from_ymd(y, m, d), z);
		bool next_day = y == py && m == pm && d == pd + 1;
		bool next_month = y == py && m == pm + 1 && d == 1 && pd == date_days_in_month(py, pm);
		bool next_year = y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31;
		assert_true(next_day || next_month || next_year);
		py = y, pm = m, pd = d;
	}
}

static void leap_years(void **state)
{
	assert_true(date_is_leap(2024) && date_is_leap(2000) && date_is_leap(0));
	assert_false(date_is_leap(1900) || date_is_leap(2026) || date_is_leap(2100));
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2026, 4), 30);
	assert_int_equal(date_days_in_month(2026, 12), 31);
}

/* date_parse's verdict, and the day when true. */
static void expect_date(const char *s, enum date_format f, int y, int m, int d)
{
	day_t got = DAY_NONE;
	bool ok = date_parse(s, f, &got);
	if (y == 0) {
		if (ok)
			fail_msg("\"%s\" (format %d) parsed, expected a refusal", s, (int)f);
		return;
	}
	if (!ok)
		fail_msg("\"%s\" (format %d) refused, expected %04d-%02d-%02d", s, (int)f, y, m, d);
	assert_int_equal(got, date_from_ymd(y, m, d));
}

#define REFUSED(s, f) expect_date((s), (f), 0, 0, 0)

static void formats(void **state)
{
	expect_date("2026-10-05", DATE_ISO, 2026, 10, 5);
	expect_date("10/05/2026", DATE_MDY, 2026, 10, 5);
	expect_date("05/10/2026", DATE_DMY_SLASH, 2026, 10, 5);
	expect_date("05.10.2026", DATE_DMY_DOT, 2026, 10, 5);
	expect_date("2024-02-29", DATE_ISO, 2024, 2, 29);
	expect_date("0001-01-01", DATE_ISO, 1, 1, 1);
	expect_date("9999-12-31", DATE_ISO, 9999, 12, 31);
	/* Not real dates. */
	REFUSED("2026-02-29", DATE_ISO);
	REFUSED("2026-13-01", DATE_ISO);
	REFUSED("2026-00-10", DATE_ISO);
	REFUSED("2026-04-31", DATE_ISO);
	REFUSED("2026-04-00", DATE_ISO);
	REFUSED("0000-01-01", DATE_ISO);
	/* Wrong length, separators or digits, at each place. */
	const char *iso_bad[] = {"2026-10-5", "2026-10-050", "2026/10/05", "2026-10/05", "20x6-10-05",
				 "2026-1x-05", "2026-10-0x", " 026-10-05", "2026-10-05 "};
	for (size_t i = 0; i < sizeof iso_bad / sizeof *iso_bad; i++)
		REFUSED(iso_bad[i], DATE_ISO);
	const char *mdy_bad[] = {"10-05-2026", "10/05-2026", "1x/05/2026", "10/0x/2026", "10/05/20x6",
				 "13/05/2026", "2026-10-05"};
	for (size_t i = 0; i < sizeof mdy_bad / sizeof *mdy_bad; i++)
		REFUSED(mdy_bad[i], DATE_MDY);
	const char *dmy_bad[] = {"05-10-2026", "05/10-2026", "x5/10/2026", "05/1x/2026", "05/10/202x",
				 "31/04/2026", "05.10.2026"};
	for (size_t i = 0; i < sizeof dmy_bad / sizeof *dmy_bad; i++)
		REFUSED(dmy_bad[i], DATE_DMY_SLASH);
	REFUSED("05/10/2026", DATE_DMY_DOT);
	REFUSED("05.10-2026", DATE_DMY_DOT);
	REFUSED("2026-10-05", (enum date_format)99); /* no such format */

	enum date_format f;
	assert_true(date_format_parse("DD.MM.YYYY", &f) && f == DATE_DMY_DOT);
	assert_true(date_format_parse("MM/DD/YYYY", &f) && f == DATE_MDY);
	assert_false(date_format_parse("YYYY/MM/DD", &f));

	char iso[11];
	date_format_iso(date_from_ymd(2026, 1, 9), iso);
	assert_string_equal(iso, "2026-01-09");
}

static void months(void **state)
{
	int m;
	assert_true(month_parse("2026-10", &m));
	assert_int_equal(m, 2026 * 12 + 9);
	assert_int_equal(month_first_day(m), date_from_ymd(2026, 10, 1));
	assert_int_equal(month_last_day(m), date_from_ymd(2026, 10, 31));
	assert_int_equal(month_last_day(2024 * 12 + 1), date_from_ymd(2024, 2, 29));
	assert_int_equal(month_of_day(date_from_ymd(2026, 10, 31)), m);
	char s[8];
	month_format(m, s);
	assert_string_equal(s, "2026-10");
	assert_string_equal(month_name(10), "October");
	assert_string_equal(month_abbr(1), "Jan");
	const char *bad[] = {"2026-1", "2026-100", "2026/10", "20x6-10", "2026-1x", "0000-10",
			     "2026-00", "2026-13"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (month_parse(bad[i], &m))
			fail_msg("month \"%s\" parsed", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_days),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(leap_years),
		cmocka_unit_test(formats),
		cmocka_unit_test(months),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
