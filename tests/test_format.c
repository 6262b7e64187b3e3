/* Unit tests of the format stage: money exact and compact in several
 * currencies, percents, percentage points, days and counts, with the
 * rounding edges worked out by hand. */
#include "testutil.h"

#include "format.h"

#include <math.h>

#define EQ(call, want)                              \
	do {                                        \
		char *got_ = (call);                \
		assert_string_equal(got_, (want));  \
		free(got_);                         \
	} while (0)

static void money_exact(void **state)
{
	(void)state;
	EQ(format_money(123456700, "USD"), "$1,234,567");
	EQ(format_money(0, "USD"), "$0");
	EQ(format_money(49, "USD"), "$0");        /* 0.49 rounds down */
	EQ(format_money(50, "USD"), "$1");        /* 0.50 rounds half away from zero */
	EQ(format_money(99999, NULL), "$1,000");  /* NULL is USD; 999.99 -> 1,000 */
	EQ(format_money(100000000, "EUR"), "\xe2\x82\xac" "1,000,000");
	EQ(format_money(1200, "GBP"), "\xc2\xa3" "12");
	EQ(format_money(123456700, "JPY"), "\xc2\xa5" "1,234,567");
	EQ(format_money(123400, "CHF"), "CHF 1,234");    /* no symbol of its own: the code */
	EQ(format_money_compact(123400000, "ISK"), "ISK 1.2M");
	EQ(format_money(-250000, "USD"), "\xe2\x88\x92$2,500");
	EQ(format_money(-49, "USD"), "$0");        /* -0.49 rounds to 0: no minus sign */
	EQ(format_money(INT64_MAX, "USD"), "$92,233,720,368,547,758");
}

static void money_compact(void **state)
{
	(void)state;
	EQ(format_money_compact(95000, "USD"), "$950");
	EQ(format_money_compact(99999, "USD"), "$1,000");       /* below 1,000.00: exact */
	EQ(format_money_compact(100000, "USD"), "$1K");
	EQ(format_money_compact(1250000, "USD"), "$12.5K");
	EQ(format_money_compact(1204900, "USD"), "$12K");       /* 12.049 -> 12.0 -> "12" */
	EQ(format_money_compact(76010000, "USD"), "$760K");     /* 760.1K: whole from 100 up */
	EQ(format_money_compact(99950000, "USD"), "$1M");       /* 999.5K rounds to 1000K */
	EQ(format_money_compact(232900000, "USD"), "$2.3M");
	EQ(format_money_compact(200000000, "USD"), "$2M");
	EQ(format_money_compact(1396000000, "USD"), "$14M");
	EQ(format_money_compact(340000000000LL, "EUR"), "\xe2\x82\xac" "3.4B");
	EQ(format_money_compact(0, "GBP"), "\xc2\xa3" "0");
	EQ(format_money_compact(-1250000, "USD"), "\xe2\x88\x92$12.5K");
	/* changes carry their sign; one that rounds to no whole unit has none */
	EQ(format_money_change(11590125, "USD"), "+$116K");      /* 115,901.25 */
	EQ(format_money_change(-50033100, "USD"), "\xe2\x88\x92$500K");
	EQ(format_money_change(0, "USD"), "$0");
	EQ(format_money_change(49, "USD"), "$0");               /* 0.49 rounds to 0 */
	EQ(format_money_change(-49, "USD"), "$0");
	EQ(format_money_change(50, "USD"), "+$1");
}

/* More decimals of the unit, to tell close figures apart; rounded half up
 * from cents; 999.95K of a unit reads as the next unit. */
static void money_compact_places(void **state)
{
	(void)state;
	EQ(format_money_compact_places(115850000, "USD", 2), "$1.16M");  /* 1.1585 */
	EQ(format_money_compact_places(120302000, "USD", 2), "$1.20M");  /* zeros kept */
	EQ(format_money_compact_places(120302000, "USD", 0), "$1M");
	EQ(format_money_compact_places(96045000, "USD", 2), "$960.45K");
	EQ(format_money_compact_places(99995000, "USD", 1), "$1.0M");     /* 999.95K */
	EQ(format_money_compact_places(-115850000, "EUR", 1), "\xe2\x88\x92" "\xe2\x82\xac" "1.2M");
	EQ(format_money_compact_places(123456789012345, "USD", 3), "$1.235T");
	EQ(format_money_compact_places(95000, "USD", 2), "$950");         /* below 1,000: as compact */
	EQ(format_money_compact_places(115850000, "CHF", 9), "CHF 1.159M"); /* at most 3 */
	EQ(format_money_compact_places(115850000, "USD", -1), "$1M");       /* at least 0 */
	/* 999.96T with one decimal rounds to 1000.0T: no larger unit to take it */
	EQ(format_money_compact_places(99996000000000000LL, "USD", 1), "$1000.0T");
}

static void percents(void **state)
{
	(void)state;
	EQ(format_percent(0.1234, 1), "12.3%");
	EQ(format_percent(0.12345, 2), "12.35%");
	EQ(format_percent(1, 0), "100%");
	EQ(format_percent(0, 1), "0.0%");
	EQ(format_percent(-0.00001, 1), "0.0%");  /* no "-0.0%" */
	EQ(format_signed_percent(0.05), "+5.0%");
	EQ(format_signed_percent(-0.2), "\xe2\x88\x92" "20.0%");
	EQ(format_signed_percent(0), "0.0%");
	EQ(format_points(0.12), "+12.0 pts");
	EQ(format_points(-0.035), "\xe2\x88\x92" "3.5 pts");
	EQ(format_points(0), "0.0 pts");
}

static void days_and_counts(void **state)
{
	(void)state;
	EQ(format_days(1), "1 day");
	EQ(format_days(12), "12 days");
	EQ(format_days(12.5), "12.5 days");
	EQ(format_days(0), "0 days");
	EQ(format_days(-3), "\xe2\x88\x92" "3 days");
	EQ(format_count(0), "0");
	EQ(format_count(999), "999");
	EQ(format_count(1000), "1,000");
	EQ(format_count(1234567), "1,234,567");
	EQ(format_count(-4200), "\xe2\x88\x92" "4,200");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(money_exact),
		cmocka_unit_test(money_compact),
		cmocka_unit_test(money_compact_places),
		cmocka_unit_test(percents),
		cmocka_unit_test(days_and_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
