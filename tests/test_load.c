/* Unit tests of the loader: small data folders written into a temporary
 * directory, loaded, and checked field by field; every error is checked
 * as its exact "FILE:LINE:COLUMN: message" text. */
#include "loadutil.h"

#include "date.h"
#include "load_private.h"

#include <csv.h>

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

/* ---- dates ---------------------------------------------------------------- */

static void test_date_parsing(void **state)
{
	(void)state;
	day_t d;
	assert_true(date_parse("2026-10-05", DATE_ISO, &d));
	assert_int_equal(d, date_from_ymd(2026, 10, 5));
	assert_true(date_parse("10/05/2026", DATE_MDY, &d));
	assert_int_equal(d, date_from_ymd(2026, 10, 5));
	assert_true(date_parse("05/10/2026", DATE_DMY_SLASH, &d));
	assert_int_equal(d, date_from_ymd(2026, 10, 5));
	assert_true(date_parse("05.10.2026", DATE_DMY_DOT, &d));
	assert_int_equal(d, date_from_ymd(2026, 10, 5));
	assert_true(date_parse("1970-01-01", DATE_ISO, &d));
	assert_int_equal(d, 0);

	/* leap years: divisible by 4, except centuries not divisible by 400 */
	assert_false(date_parse("2026-02-29", DATE_ISO, &d));
	assert_true(date_parse("2024-02-29", DATE_ISO, &d));
	assert_false(date_parse("1900-02-29", DATE_ISO, &d));
	assert_true(date_parse("2000-02-29", DATE_ISO, &d));
	assert_true(date_parse("02/29/2024", DATE_MDY, &d));
	assert_false(date_parse("02/29/2026", DATE_MDY, &d));
	assert_true(date_parse("29/02/2000", DATE_DMY_SLASH, &d));
	assert_false(date_parse("29.02.1900", DATE_DMY_DOT, &d));
	assert_true(date_parse("29.02.2024", DATE_DMY_DOT, &d));

	/* not dates */
	assert_false(date_parse("2026-13-01", DATE_ISO, &d));
	assert_false(date_parse("2026-1-01", DATE_ISO, &d));
	assert_false(date_parse("2026-00-10", DATE_ISO, &d));
	assert_false(date_parse("2026-04-31", DATE_ISO, &d));
	assert_false(date_parse("2026-04-00", DATE_ISO, &d));
	assert_false(date_parse("2026-04-01 ", DATE_ISO, &d));
	assert_false(date_parse("2026/04/01", DATE_ISO, &d));
	assert_false(date_parse("13/01/2026", DATE_MDY, &d));
	assert_false(date_parse("01/13/2026", DATE_DMY_SLASH, &d));
	assert_false(date_parse("01/02/2026", DATE_DMY_DOT, &d));
	assert_false(date_parse("", DATE_ISO, &d));
}

/* Dates in deals.csv follow date_format; the other formats are refused. */
static void test_date_format_setting(void **state)
{
	(void)state;
	char *ini = xstrdup("[program]\nname = T\ndate_format = DD/MM/YYYY\n"
		      "[tier top]\nrank = 1\nreview_every_days = 7\n"
		      "[tier rest]\nrank = 2\nreview_every_days = 30\n");
	const char *partners =
		"partner_id,name,tier,joined_on,exited_on\n"
		"p1,Acme,top,01/01/2025,\n"
		"p2,Beta,rest,29/02/2024,31/12/2025\n";
	char *deals = deals_with("d1,p1,A,Ann,10/01/2026,01/02/2026,won,100,sourced,\n");
	struct run r = load(folder(ini, partners, deals, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->program.date_format, DATE_DMY_SLASH);
	assert_int_equal(r.m->partners[1].joined_on, date_from_ymd(2024, 2, 29));
	assert_int_equal(r.m->partners[1].exited_on, date_from_ymd(2025, 12, 31));
	assert_int_equal(r.m->deals[0].created_on, date_from_ymd(2026, 1, 10));
	assert_int_equal(r.m->deals[0].closed_on, date_from_ymd(2026, 2, 1));
	done(&r);
	free(deals);

	/* ISO dates always read; another format is refused, naming the one
	 * expected, and the setting to change when the value reads in it */
	deals = deals_with("d1,p1,A,Ann,2026-01-10,31/02/2026,won,100,sourced,\n"
			   "d2,p1,A,Ann,01.02.2026,03/13/2026,won,100,sourced,\n");
	r = load(folder(ini, partners, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"deals.csv:2:6: bad date in column \"closed_on\": \"31/02/2026\" (not a real date)",
		"deals.csv:3:5: bad date in column \"created_on\": \"01.02.2026\" (expected "
		"DD/MM/YYYY; it reads as DD.MM.YYYY: set date_format = DD.MM.YYYY in a [file "
		"deals] section of program.ini)",
		"deals.csv:3:6: bad date in column \"closed_on\": \"03/13/2026\" (not a real date; "
		"it reads as MM/DD/YYYY: set date_format = MM/DD/YYYY in a [file deals] section of "
		"program.ini)");
	done(&r);
	free(deals);
	free(ini);
}

/* A date or an enum value read again (the loader keeps each column's last
 * one) reads as the first time, zone and all; a bad one after good ones is
 * refused. */
static void test_values_repeated(void **state)
{
	(void)state;
	char *ini = xasprintf("[program]\nname = T\ntimezone = America/New_York\n" TEST_TIERS);
	char *deals = deals_with(
		"d1,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
		"d2,p1,A,Ann,2026-01-10,2026-01-10,won,1,sourced,\n"
		"d3,p1,A,Ann,2026-01-11T03:00Z,2026-02-01,won,1,sourced,\n"
		"d4,p1,A,Ann,2026-01-11T03:00Z,2026-01-11T03:00Z,won,1,sourced,\n"
		"d5,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n");
	struct run r = load(folder(ini, NULL, deals, NULL), false);
	expect_clean(&r);
	day_t jan10 = date_from_ymd(2026, 1, 10); /* 03:00 UTC on the 11th is the 10th there */
	const day_t want[][2] = {{jan10, date_from_ymd(2026, 2, 1)}, {jan10, jan10},
				 {jan10, date_from_ymd(2026, 2, 1)}, {jan10, jan10},
				 {jan10, date_from_ymd(2026, 2, 1)}};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(r.m->deals[i].created_on, want[i][0]);
		assert_int_equal(r.m->deals[i].closed_on, want[i][1]);
	}
	done(&r);
	free(deals);
	deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
			   "d2,p1,A,Ann,2026-01-10,2026-02-30,won,1,sourced,\n");
	r = load(folder(ini, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:3:6: bad date in column \"closed_on\": \"2026-02-30\" (not a "
			  "real date)");
	done(&r);
	free(deals);

	/* the same of enum values: each read as the first time, an unmapped
	 * one still refused and counted at each of its rows */
	deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
			   "d2,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
			   "d3,p1,A,Ann,2026-01-10,2026-02-01,Won,1,Sourced,\n"
			   "d4,p1,A,Ann,2026-01-10,2026-02-01,Closed Lost,1,sourced,\n"
			   "d5,p1,A,Ann,2026-01-10,2026-02-01,Closed Lost,1,,\n");
	r = load(folder(ini, NULL, deals, NULL), false);
	expect_clean(&r);
	const int outcomes[] = {OUTCOME_WON, OUTCOME_WON, OUTCOME_WON, OUTCOME_LOST, OUTCOME_LOST};
	const int attrs[] = {ATTR_SOURCED, ATTR_SOURCED, ATTR_SOURCED, ATTR_SOURCED, ATTR_UNTAGGED};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(r.m->deals[i].outcome, outcomes[i]);
		assert_int_equal(r.m->deals[i].attribution, attrs[i]);
	}
	done(&r);
	free(deals);
	deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
			   "d2,p1,A,Ann,2026-01-10,2026-02-01,Signed,1,sourced,\n"
			   "d3,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
			   "d4,p1,A,Ann,2026-01-10,2026-02-01,Signed,1,sourced,\n");
	r = load(folder(ini, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:3:7: bad outcome in column \"outcome\": \"Signed\" (expected "
			  "open, won or lost; or map it: add outcome.open = Signed to [values deals])",
		      "deals.csv: column \"outcome\" has a value no outcome matches: \"Signed\" (2 "
		      "rows); to map it, add this line to [values deals] (check the value after the "
		      "dot): outcome.open = Signed");
	done(&r);
	free(deals);
	free(ini);
}

/* ---- a clean folder --------------------------------------------------------- */

static void test_clean_folder(void **state)
{
	(void)state;
	struct run r = load(folder(NULL, NULL, NULL, NULL), false);
	expect_clean(&r);
	const struct model *m = r.m;
	assert_string_equal(m->program.name, "Test Program");
	assert_string_equal(m->program.currency, "USD");
	assert_int_equal(m->program.n_tiers, 2);
	assert_string_equal(m->program.tiers[0].id, "top");
	assert_string_equal(m->program.tiers[0].label, "top");  /* label defaults to the id */
	assert_int_equal(m->program.tiers[0].review_every_days, 7);
	assert_string_equal(m->program.tiers[1].label, "Rest");

	assert_int_equal(m->n_partners, 2);
	assert_string_equal(m->partners[0].id, "p1");
	assert_string_equal(m->partners[0].manager, "Ann");
	assert_int_equal(m->partners[0].tier, 0);
	assert_int_equal(m->partners[0].overlap_accounts, 10);
	assert_int_equal(m->partners[0].exited_on, DAY_NONE);
	assert_int_equal(m->partners[0].line, 2);
	assert_int_equal(m->partners[1].tier, 1);
	assert_int_equal(m->partners[1].overlap_accounts, 0);  /* empty = 0 */
	assert_int_equal(m->partners[1].exited_on, date_from_ymd(2026, 6, 30));
	assert_int_equal(model_partner_index(m, "p2"), 1);

	assert_int_equal(m->n_deals, 3);
	assert_int_equal(m->deals[0].partner, 0);
	assert_int_equal(m->deals[0].amount, 1250050);
	assert_int_equal(m->deals[0].outcome, OUTCOME_WON);
	assert_int_equal(m->deals[0].attribution, ATTR_SOURCED);
	assert_int_equal(m->deals[1].partner, -1);
	assert_int_equal(m->deals[1].closed_on, DAY_NONE);
	assert_int_equal(m->deals[1].outcome, OUTCOME_OPEN);
	assert_int_equal(m->deals[1].attribution, ATTR_UNTAGGED);
	assert_int_equal(m->deals[2].amount, 1);
	assert_int_equal(m->deals[2].outcome, OUTCOME_LOST);
	assert_int_equal(m->deals[2].attribution, ATTR_INFLUENCED);
	assert_int_equal(model_deal_index(m, "d3"), 2);
	assert_int_equal(model_deal_index(m, "d4"), -1);

	assert_int_equal(m->earliest_deal_day, date_from_ymd(2026, 1, 10));
	assert_int_equal(m->latest_deal_day, date_from_ymd(2026, 3, 5));
	assert_true(m->present[FILE_PROGRAM]);
	assert_true(m->present[FILE_PARTNERS]);
	assert_true(m->present[FILE_DEALS]);
	for (int f = FILE_REVIEWS; f < FILE_COUNT; f++)
		assert_false(m->present[f]);
	assert_int_equal(m->rows[FILE_PARTNERS], 2);
	assert_int_equal(m->rows[FILE_DEALS], 3);
	assert_int_equal(m->warnings.total, 0);
	assert_int_equal(m->skipped.total, 0);
	done(&r);
}

/* ---- amounts ------------------------------------------------------------------ */

static void test_amounts(void **state)
{
	(void)state;
	char *deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,12500,sourced,\n"
				 "d2,p1,A,Ann,2026-01-10,2026-02-01,won,12500.5,sourced,\n"
				 "d3,p1,A,Ann,2026-01-10,2026-02-01,won,0.01,sourced,\n"
				 "d4,p1,A,Ann,2026-01-10,2026-02-01,won,0,sourced,\n"
				 "d5,p1,A,Ann,2026-01-10,2026-02-01,won,  7.25  ,sourced,\n"
				 "d6,p1,A,Ann,2026-01-10,2026-02-01,won,999999999999.99,,\n");
	struct run r = load(folder(NULL, NULL, deals, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->deals[0].amount, 1250000);
	assert_int_equal(r.m->deals[1].amount, 1250050);
	assert_int_equal(r.m->deals[2].amount, 1);
	assert_int_equal(r.m->deals[3].amount, 0);
	assert_int_equal(r.m->deals[4].amount, 725);
	assert_true(r.m->deals[5].amount == 99999999999999);  /* the most one row may hold */
	done(&r);
	free(deals);

	/* refused: each with the reason field.c gives; an empty amount on a won
	 * deal; a symbol that disagrees with the program's currency */
	deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,\"1,2000\",sourced,\n"
			   "d2,p1,A,Ann,2026-01-10,2026-02-01,won,\xe2\x82\xac" "5,sourced,\n"
			   "d3,p1,A,Ann,2026-01-10,2026-02-01,won,1.234,sourced,\n"
			   "d4,p1,A,Ann,2026-01-10,2026-02-01,won,-3,sourced,\n"
			   "d5,p1,A,Ann,2026-01-10,2026-02-01,won,1e5,sourced,\n"
			   "d6,p1,A,Ann,2026-01-10,2026-02-01,won,,sourced,\n"
			   "d7,p1,A,Ann,2026-01-10,2026-02-01,won, ,sourced,\n"
			   "d8,p1,A,Ann,2026-01-10,2026-02-01,won,92233720368547758.08,,\n"
			   "d9,p1,A,Ann,2026-01-10,2026-02-01,won,12.,sourced,\n"
			   "d10,p1,A,Ann,2026-01-10,2026-02-01,won,(5),sourced,\n"
			   "d11,p1,A,Ann,2026-01-10,2026-02-01,won,+5,sourced,\n");
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"deals.csv:2:8: bad amount in column \"amount\": \"1,2000\" (thousands separators "
		"must group three digits)",
		"deals.csv:3:8: amount \"\xe2\x82\xac" "5\" in column \"amount\" is in "
						       "\xe2\x82\xac, but the "
		"row's currency is USD (the program's: a currency column gives each row its own)",
		"deals.csv:4:8: bad amount in column \"amount\": \"1.234\" (the decimal mark here "
		"is "
		"'.', and the value reads with decimal = ,: add it to a [file deals] section of "
		"program.ini)",
		"deals.csv:5:8: bad amount in column \"amount\": \"-3\" (a sign is not accepted: "
		"amounts are never negative)",
		"deals.csv:6:8: bad amount in column \"amount\": \"1e5\" (an exponent is not "
		"accepted)",
		"deals.csv:7:8: missing value in column \"amount\" (a won deal needs an amount)",
		"deals.csv:8:8: missing value in column \"amount\" (a won deal needs an amount)",
		"deals.csv:9:8: bad amount in column \"amount\": \"92233720368547758.08\" (above "
		"the largest amount accepted, 999,999,999,999.99)",
		"deals.csv:10:8: bad amount in column \"amount\": \"12.\" (expected a number such "
		"as "
		"12500.50)",
		"deals.csv:11:8: bad amount in column \"amount\": \"(5)\" (parentheses are not "
		"accepted: amounts are never negative)",
		"deals.csv:12:8: bad amount in column \"amount\": \"+5\" (a sign is not accepted: "
		"amounts are never negative)");
	done(&r);
	free(deals);
}

/* One row holds at most 999,999,999,999.99; a file's amounts add up to at
 * most 9,999,999,999,999.99, so no money sum can overflow (issue: two won
 * deals of 50000000000000000 once summed to a negative revenue). */
static void test_money_limits(void **state)
{
	(void)state;
	char *deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,1000000000000,sourced,\n"
				 "d2,p1,A,Ann,2026-01-10,2026-02-01,won,50000000000000000,sourced,\n"
				 "d3,p1,A,Ann,2026-01-10,2026-02-01,won,999999999999.99,sourced,\n");
	struct run r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"deals.csv:2:8: bad amount in column \"amount\": \"1000000000000\" (above the "
		"largest amount accepted, 999,999,999,999.99)",
		"deals.csv:3:8: bad amount in column \"amount\": \"50000000000000000\" (above the "
		"largest amount accepted, 999,999,999,999.99)");
	done(&r);
	free(deals);

	/* ten rows at the row limit total 9,999,999,999,999.90, and 0.09 more is
	 * the file limit exactly; one more cent (line 13) passes it */
	struct buf b = {0};
	buf_puts(&b, DEAL_HEADER);
	for (int i = 0; i < 10; i++)
		buf_printf(&b, "d%d,p1,A,Ann,2026-01-10,2026-02-01,won,999999999999.99,sourced,\n", i);
	buf_puts(&b, "e1,p1,A,Ann,2026-01-10,2026-02-01,won,0.09,sourced,\n");
	r = load(folder(NULL, NULL, buf_cstr(&b), NULL), false);
	expect_clean(&r);
	done(&r);
	buf_puts(&b, "e2,p1,A,Ann,2026-01-10,2026-02-01,lost,0.01,sourced,\n");  /* line 13 */
	r = load(folder(NULL, NULL, buf_cstr(&b), NULL), false);
	EXPECT_ERRORS(&r, "deals.csv: amounts add up to more than 9,999,999,999,999.99, the most "
			  "one file may total (passed on line 13): check for a wrong amount");
	done(&r);
	/* with --skip-bad-rows too: a file-level error, not a row to drop */
	r = load(folder(NULL, NULL, buf_cstr(&b), NULL), true);
	EXPECT_ERRORS(&r, "deals.csv: amounts add up to more than 9,999,999,999,999.99, the most "
			  "one file may total (passed on line 13): check for a wrong amount");
	done(&r);
	buf_free(&b);

	/* forecast and incentives are checked the same way */
	buf_puts(&b, "month,partner_id,amount\n");
	for (int i = 0; i < 11; i++)
		buf_printf(&b, "2026-%02d,p1,999999999999.99\n", i + 1);
	r = load(folder(NULL, NULL, NULL, "forecast.csv", buf_cstr(&b), NULL), false);
	EXPECT_ERRORS(&r, "forecast.csv: amounts add up to more than 9,999,999,999,999.99, the "
			  "most one file may total (passed on line 12): check for a wrong amount");
	done(&r);
	buf_free(&b);
	buf_puts(&b, "deal_id,paid_on,amount\n");
	for (int i = 0; i < 11; i++)
		buf_puts(&b, "d1,2026-02-10,999999999999.99\n");
	r = load(folder(NULL, NULL, NULL, "incentives.csv", buf_cstr(&b), NULL), false);
	EXPECT_ERRORS(&r, "incentives.csv: amounts add up to more than 9,999,999,999,999.99, the "
			  "most one file may total (passed on line 12): check for a wrong amount");
	done(&r);
	buf_free(&b);
}

/* ---- CSV quirks ----------------------------------------------------------------- */

static void test_csv_quirks(void **state)
{
	(void)state;
	/* BOM, CRLF, reordered and extra columns, header case and spaces, quoted
	 * comma, quote and newline, an empty line, spaces around fields */
	const char *partners =
		"\xEF\xBB\xBF Joined_On , TIER,partner_id,Name,notes,manager\r\n"
		"2025-01-01,top,p1,\"Acme, Inc.\",\"x \"\"y\"\"\",Ann\r\n"
		"\r\n"
		"2025-02-01,rest,p2,\"Beta\nCorp\",,\"Bob \"\"B\"\"\"\r\n"
		"2025-03-01 , rest , p3 ,  Gamma  ,, \" Cy \"\r\n"
		"   \r\n"
		"2025-04-01,rest,p4,Delta,,";  /* no final line end */
	const char *deals =
		"deal_id,partner_id,account,owner,created_on,closed_on,outcome,amount,attribution\n"
		"\n"
		"d1,p1,A,Ann,2026-01-10,2026-02-01,WON,100,Sourced\n"
		"d2,p3,\"A\nB\nC\",Ann,2026-01-10,,Open,100,INFLUENCED\n"
		"d3,p4,A,Ann,2026-01-10,2026-02-01,Lost,100,\n"
		",,, ,,\"\",,,\n"  /* empty fields only: an empty line too */
		"\n\n";
	struct run r = load(folder(NULL, partners, deals, NULL), false);
	expect_clean(&r);
	const struct model *m = r.m;
	assert_int_equal(m->n_partners, 4);
	assert_string_equal(m->partners[0].name, "Acme, Inc.");
	assert_string_equal(m->partners[0].manager, "Ann");
	assert_int_equal(m->partners[0].joined_on, date_from_ymd(2025, 1, 1));
	assert_string_equal(m->partners[1].name, "Beta\nCorp");
	assert_string_equal(m->partners[1].manager, "Bob \"B\"");
	assert_int_equal(m->partners[1].line, 4);
	assert_string_equal(m->partners[2].id, "p3");
	assert_string_equal(m->partners[2].name, "Gamma");
	assert_string_equal(m->partners[2].manager, "Cy");  /* quoted spaces trimmed too */
	assert_int_equal(m->partners[2].tier, 1);
	assert_int_equal(m->partners[2].line, 6);
	assert_int_equal(m->partners[3].line, 8);
	assert_string_equal(m->partners[3].manager, "");
	assert_int_equal(m->n_deals, 3);
	assert_int_equal(m->deals[0].outcome, OUTCOME_WON);
	assert_int_equal(m->deals[0].attribution, ATTR_SOURCED);
	assert_int_equal(m->deals[1].outcome, OUTCOME_OPEN);
	assert_int_equal(m->deals[1].attribution, ATTR_INFLUENCED);
	assert_int_equal(m->deals[2].outcome, OUTCOME_LOST);
	/* deals.csv has no stage column: optional, so fine; d3 is untagged and
	 * its line (7, after the three-line field) is named in the warning */
	assert_int_equal(m->warnings.total, 1);
	expect(&m->warnings, "deals.csv: 1 partner deal has no attribution (untagged), on line 7");
	done(&r);

	/* the line numbers after a multi-line field stay right in errors too */
	deals = "deal_id,partner_id,account,owner,created_on,closed_on,outcome,amount\r\n"
		"d1,p1,\"two\r\nlines\",Ann,2026-01-10,2026-02-01,won,100\r\n"
		"\r\n"
		"d2,p1,\"x\",Ann,2026-01-10,2026-02-30,won,100\r\n";
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:5:6: bad date in column \"closed_on\": \"2026-02-30\" "
			  "(not a real date)");
	done(&r);
}

/* What libcsv reports for one line, with the loader's options. */
struct tokens {
	struct buf text;   /* fields, each NUL-terminated */
	size_t fields, rows;
};

static void tok_field(void *data, size_t n, void *user)
{
	struct tokens *t = user;
	buf_add(&t->text, data, n);
	buf_putc(&t->text, 0);
	t->fields++;
}

static void tok_row(int c, void *user)
{
	(void)c;
	((struct tokens *)user)->rows++;
}

/* load_split_line gives the fields libcsv gives, or says libcsv must read
 * the line; returns whether it split the line. */
static bool check_split(const char *line, char delim)
{
	struct span *spans = NULL;
	size_t cap = 0;
	size_t k = load_split_line(line, strlen(line), delim, &spans, &cap, 0);
	if (k == SIZE_MAX) {
		free(spans);
		return false;
	}
	struct csv_parser p;
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI |
				       CSV_REPALL_NL), 0);
	csv_set_delim(&p, (unsigned char)delim);
	struct tokens t = {0};
	char *with_end = xasprintf("%s\n", line);
	size_t n = strlen(with_end);
	if (csv_parse(&p, with_end, n, tok_field, tok_row, &t) != n || t.rows != 1)
		fail_msg("line \"%s\" (delimiter 0x%02x): split, but libcsv refuses it or "
			 "reads %zu rows", line, (unsigned)delim, t.rows);
	struct buf mine = {0};
	for (size_t i = 0; i < k; i++) {
		buf_add(&mine, line + spans[i].off, spans[i].len);
		buf_putc(&mine, 0);
	}
	if (k != t.fields || mine.len != t.text.len ||
	    (mine.len && memcmp(mine.data, t.text.data, mine.len)))
		fail_msg("line \"%s\" (delimiter 0x%02x): %zu fields, libcsv %zu", line,
			 (unsigned)delim, k, t.fields);
	buf_free(&mine);
	free(spans);
	free(with_end);
	buf_free(&t.text);
	csv_free(&p);
	return true;
}

static void test_line_split(void **state)
{
	(void)state;
	const char *lines[] = {"", " ", "\t \t", "a", " a ", "a,b", "a,", ",a", ",", ",,",
			       " , ", "a ,\tb\t, c d ,", "\ta\t\tb", "x;y|z\tw", "\xc3\xa9 , \xc3\xa9",
			       "\"a\"", "\"\"", "\" a \"\t"};
	const char delims[] = {',', ';', '\t', '|'};
	for (size_t d = 0; d < sizeof delims; d++)
		for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
			assert_true(check_split(lines[i], delims[d]));
	const char *quoted_lines[] = {" \"a\" , b", "\"a,b\",c", "\"\",\"\"", "\" a \"\t,",
				      "a,\"b;c|d\"", "\"x\"\t \t,"};
	for (size_t i = 0; i < sizeof quoted_lines / sizeof quoted_lines[0]; i++)
		assert_true(check_split(quoted_lines[i], ','));
	/* lines libcsv reads itself: it refuses them, or their field goes on */
	const char *not_split[] = {"\"a\"x", "\"a\"\"b\"", "a\"b", "\"a", "\"a\" \"", "a,\"b"};
	for (size_t i = 0; i < sizeof not_split / sizeof not_split[0]; i++)
		assert_false(check_split(not_split[i], ','));
	/* and lines drawn from the bytes that matter, the same every run:
	 * fields of them, some quoted, with blanks around, and now and then a
	 * stray quote */
	const char text[] = "ab ,\t;|\xc3\xa9", blanks[] = " \t";
	uint32_t x = 12345;
#define DRAW(n) (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x % (n))
	int split = 0, quoted = 0;
	for (int i = 0; i < 40000; i++) {
		char delim = delims[i % sizeof delims];
		struct buf line = {0};
		for (size_t f = 0, nf = DRAW(6); f < nf; f++) {
			if (f)
				buf_putc(&line, delim);
			for (size_t j = DRAW(3); j; j--)
				buf_putc(&line, blanks[DRAW(2)]);
			bool q = DRAW(3) == 0;
			if (q)
				buf_putc(&line, '"');
			for (size_t j = DRAW(6); j; j--) {
				char c = text[DRAW(sizeof text - 1)];
				if (q || c != delim)
					buf_putc(&line, c);
			}
			if (q && DRAW(8))
				buf_putc(&line, '"');
			for (size_t j = DRAW(3); j; j--)
				buf_putc(&line, blanks[DRAW(2)]);
			if (!DRAW(30))
				buf_putc(&line, '"');
		}
		const char *l = buf_cstr(&line);
		bool s = check_split(l, delim);
		split += s;
		quoted += s && strchr(l, '"');
		buf_free(&line);
	}
#undef DRAW
	assert_true(split > 20000 && quoted > 10000); /* the draws reach both kinds of line */
}

static void test_mapped_columns(void **state)
{
	(void)state;
	char *ini = xasprintf("%s\n[columns deals]\ndeal_id = Opportunity ID\n"
			      "closed_on = Close Date\noutcome=Result\n"
			      "[columns partners]\npartner_id = Partner\n", INI);
	const char *partners = "Partner,name,tier,joined_on\np1,Acme,top,2025-01-01\n";
	const char *deals = "Opportunity ID,partner_id,created_on,close date,RESULT,amount,"
			    "deal_id\n"
			    "o1,p1,2026-01-10,2026-02-01,won,5,x\n";
	struct run r = load(folder(ini, partners, deals, NULL), false);
	expect_clean(&r);
	assert_string_equal(r.m->deals[0].id, "o1");  /* "deal_id" is now an unknown column */
	assert_int_equal(r.m->deals[0].closed_on, date_from_ymd(2026, 2, 1));
	done(&r);

	/* a missing mapped column names the mapping and its line, and lists the
	 * header's columns by edit distance to the name, closest first */
	deals = "Opportunity ID,partner_id,created_on,closed_on,result,amount\n"
		"o1,p1,2026-01-10,2026-02-01,won,5\n";
	r = load(folder(ini, partners, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:1: no column \"Close Date\" for closed_on = Close Date "
			  "([columns deals], program.ini line 15); the header's columns, closest "
			  "first: \"closed_on\", \"created_on\", \"result\", \"amount\", "
			  "\"partner_id\", \"Opportunity ID\"");
	done(&r);
	free(ini);
}

/* ---- errors ---------------------------------------------------------------------- */

static void test_each_error_kind(void **state)
{
	(void)state;
	const char *partners =
		"partner_id,name,tier,manager,overlap_accounts,joined_on,exited_on\n"
		"p1,Acme,top,Ann,10,2025-01-01,\n"
		"p2,Beta,gold,Bob,,2025-01-01,\n"
		"p1,Again,rest,Bob,,2025-01-01,\n"
		"p3,Gamma,rest,Bob,-3,2025-01-01,\n"
		"p4,Delta,rest,Bob,,2025-06-01,2025-01-01\n"
		"p5,,rest,Bob,,2025-01-01,\n";
	char *deals = deals_with(
		"d1,p1,A,Ann,2026-01-10,2026-02-01,won,100,sourced,\n"
		"d2,acme,A,Ann,2026-01-10,2026-02-01,won,100,sourced,\n"  /* p1 by its name */
		"d3,p1,A,Ann,2026-01-10,2026-02-30,won,100,sourced,\n"
		"d4,p1,A,Ann,2026-01-10,2026-02-01,won,\"1,20\",sourced,\n"
		"d5,p1,A,Ann,2026-01-10,,won,100,sourced,\n"
		"d6,p1,A,Ann,2026-02-01,2026-01-01,lost,100,sourced,\n"
		"d7,,A,Ann,2026-01-10,2026-02-01,won,100,sourced,\n"
		"d8,p1,A,Ann,2026-01-10,2026-02-01,wonn,100,sourced,\n"
		"d1,p1,A,Ann,2026-01-10,2026-02-01,won,100,sourced,\n"
		"d9,p1,A,Ann,2026-01-10,2026-02-01,open,100,sourced,\n"  /* expected close: fine */
		"d10,p1,A,Ann,2026/01/10,,open,100,referral,\n"
		",p1,A,Ann,2026-01-10,,open,100,,\n"
		"d11,p2,A,Ann,2026-01-10,,open,100,,\n");  /* p2 is bad: no second error */
	struct run r = load(folder(NULL, partners, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"partners.csv:3:3: bad tier in column \"tier\": \"gold\" (expected top or rest; or "
		"map it: add tier.rest = gold to [values partners])",
		"partners.csv:4:1: duplicate partner_id \"p1\" (first on line 2)",
		"partners.csv:5:5: bad number in column \"overlap_accounts\": \"-3\" "
		"(expected a whole number, 0 or more)",
		"partners.csv:6:7: exited_on \"2025-01-01\" is before joined_on \"2025-06-01\"",
		"partners.csv:7:2: missing value in column \"name\"",
		"partners.csv: column \"tier\" has a value no tier matches: \"gold\" (1 row); to "
		"map "
		"it, add this line to [values partners] (check the value after the dot): "
		"tier.rest = gold",
		"deals.csv:4:6: bad date in column \"closed_on\": \"2026-02-30\" (not a real date)",
		"deals.csv:5:8: bad amount in column \"amount\": \"1,20\" (the decimal mark here "
		"is "
		"'.', and the value reads with decimal = ,: add it to a [file deals] section of "
		"program.ini)",
		"deals.csv:6:7: outcome \"won\" needs a closed_on date",
		"deals.csv:7:6: closed_on \"2026-01-01\" is before created_on \"2026-02-01\"",
		"deals.csv:8:9: attribution \"sourced\" on a direct deal (partner_id is empty)",
		"deals.csv:9:7: bad outcome in column \"outcome\": \"wonn\" (expected open, won or "
		"lost; or map it: add outcome.won = wonn to [values deals])",
		"deals.csv:10:1: duplicate deal_id \"d1\" (first on line 2)",
		"deals.csv:12:5: bad date in column \"created_on\": \"2026/01/10\" "
		"(expected YYYY-MM-DD)",
		"deals.csv:12:9: bad attribution in column \"attribution\": \"referral\" "
		"(expected sourced or influenced; or map it: add attribution.none = referral to "
		"[values deals])",
		"deals.csv:13:1: missing value in column \"deal_id\"",
		"deals.csv: column \"outcome\" has a value no outcome matches: \"wonn\" (1 row); "
		"to "
		"map it, add this line to [values deals] (check the value after the dot): "
		"outcome.won = wonn",
		"deals.csv: column \"attribution\" has a value no attribution matches: "
		"\"referral\" "
		"(1 row); to map it, add this line to [values deals] (check the value after the "
		"dot): attribution.none = referral");
	done(&r);
	free(deals);
}

static void test_optional_files(void **state)
{
	(void)state;
	const char *reviews = "held_on,partner_id,kind\n"
			      "2026-01-05,p1,QBR\n"
			      "2026-07-05,p2,deal_review\n";
	const char *enablement = "completed_on,partner_id,side,asset\n"
				 "2026-01-05,p1,Host,Pitch\n"
				 "2026-01-06,p1,partner,training\n";
	const char *changes = "changed_on,partner_id,from_tier,to_tier,reason\n"
			      "2025-06-01,p1,rest,top,promoted\n"
			      "2025-03-01,p1,top,rest,first\n"
			      "2025-07-01,p2,rest,rest,reaffirmed\n";
	const char *forecast = "month,partner_id,amount\n2026-02,p1,5000\n2026-08,p2,10\n";
	const char *incentives = "deal_id,paid_on,amount\nd1,2026-02-10,500.5\nd1,2026-02-11,1\n";
	struct run r = load(folder(NULL, NULL, NULL, "reviews.csv", reviews, "enablement.csv",
				   enablement, "tier_changes.csv", changes, "forecast.csv",
				   forecast, "incentives.csv", incentives, NULL),
			    false);
	expect_clean(&r);
	const struct model *m = r.m;
	for (int f = 0; f < FILE_FX; f++)  /* every file but fx.csv */
		assert_true(m->present[f]);
	assert_int_equal(m->n_reviews, 2);
	assert_int_equal(m->reviews[0].kind, REVIEW_QBR);
	assert_int_equal(m->reviews[1].partner, 1);
	assert_int_equal(m->n_completions, 2);
	assert_int_equal(m->completions[0].side, SIDE_HOST);
	assert_int_equal(m->completions[0].asset, 0);
	assert_int_equal(m->completions[1].asset, 2);
	assert_int_equal(m->n_tier_changes, 3);
	/* sorted by (partner, changed_on): p1's March change first */
	assert_int_equal(m->tier_changes[0].changed_on, date_from_ymd(2025, 3, 1));
	assert_int_equal(m->tier_changes[1].to_tier, 0);
	assert_int_equal(model_tier_at(m, 0, date_from_ymd(2025, 4, 1)), 1);
	assert_int_equal(model_tier_at(m, 0, date_from_ymd(2025, 2, 1)), 0);
	assert_int_equal(m->n_forecasts, 2);
	assert_int_equal(m->forecasts[0].month, 2026 * 12 + 1);
	assert_int_equal(m->forecasts[0].amount, 500000);
	assert_int_equal(m->n_incentives, 2);
	assert_int_equal(m->incentives[0].deal, 0);
	assert_int_equal(m->incentives[0].amount, 50050);
	assert_true(m->deals[0].has_incentive);
	assert_false(m->deals[2].has_incentive);
	assert_int_equal(m->rows[FILE_INCENTIVES], 2);
	/* p2 exited 2026-06-30: a review and a forecast after it are warnings */
	expect(&m->warnings, "reviews.csv: 1 review was held after the partner exited, on line 3");
	expect(&m->warnings,
	       "forecast.csv: 1 forecast is for a month after the partner exited, on line 3");
	assert_int_equal(m->warnings.total, 2);
	done(&r);

	/* header-only optional files are fine: present, no rows */
	r = load(folder(NULL, NULL, NULL, "reviews.csv", "held_on,partner_id,kind\n", NULL), false);
	expect_clean(&r);
	assert_true(r.m->present[FILE_REVIEWS]);
	assert_int_equal(r.m->rows[FILE_REVIEWS], 0);
	assert_int_equal(r.m->n_reviews, 0);
	done(&r);
}

static void test_optional_file_errors(void **state)
{
	(void)state;
	const char *reviews = "held_on,partner_id,kind\n"
			      "2026-01-05,p1,QBR\n"
			      "2026-01-06,p9,qbr\n"
			      "2026-01-07,p1,lunch\n";
	const char *enablement = "completed_on,partner_id,side,asset\n"
				 "2026-01-05,p1,Host,Pitch\n"
				 "2026-01-05,p1,vendor,pitch\n"
				 "2026-01-05,p1,host,demo\n";
	const char *changes = "changed_on,partner_id,from_tier,to_tier,reason\n"
			      "2025-06-01,p1,rest,top,promoted\n"
			      "2025-07-01,p2,top,gold,x\n"
			      "2025-08-01,p2,rest,top,promoted\n"
			      "2025-05-01,p2,top,rest,demoted\n";
	const char *forecast = "month,partner_id,amount\n2026-02,p1,5000\n2026-13,p1,5000\n";
	const char *incentives = "deal_id,paid_on,amount\n"
				 "d1,2026-02-10,500\n"
				 "d2,2026-02-10,500\n"
				 "d3,2026-03-10,50\n"
				 "d9,2026-03-10,50\n";
	struct run r = load(folder(NULL, NULL, NULL, "reviews.csv", reviews, "enablement.csv",
				   enablement, "tier_changes.csv", changes, "forecast.csv",
				   forecast, "incentives.csv", incentives, NULL),
			    false);
	EXPECT_ERRORS(&r,
		"reviews.csv:3:2: unknown partner in column \"partner_id\": \"p9\"",
		"reviews.csv:4:3: bad kind in column \"kind\": \"lunch\" (expected deal_review, "
		"qbr "
		"or account_mapping; or map it: add kind.deal_review = lunch to [values reviews])",
		"reviews.csv: column \"kind\" has a value no kind matches: \"lunch\" (1 row); to "
		"map "
		"it, add this line to [values reviews] (check the value after the dot): "
		"kind.deal_review = lunch",
		"enablement.csv:3:3: bad side in column \"side\": \"vendor\" (expected host or "
		"partner; or map it: add side.host = vendor to [values enablement])",
		"enablement.csv:4:4: bad asset in column \"asset\": \"demo\" (expected pitch, "
		"playbook or training; or map it: add asset.pitch = demo to [values enablement])",
		"enablement.csv: column \"side\" has a value no side matches: \"vendor\" (1 row); "
		"to "
		"map it, add this line to [values enablement] (check the value after the dot): "
		"side.host = vendor",
		"enablement.csv: column \"asset\" has a value no asset matches: \"demo\" (1 row); "
		"to "
		"map it, add this line to [values enablement] (check the value after the dot): "
		"asset.pitch = demo",
		"tier_changes.csv:3:4: bad to_tier in column \"to_tier\": \"gold\" (expected top "
		"or "
		"rest; or map it: add to_tier.rest = gold to [values tier_changes])",
		"tier_changes.csv: column \"to_tier\" has a value no to_tier matches: \"gold\" (1 "
		"row); to map it, add this line to [values tier_changes] (check the value after "
		"the dot): to_tier.rest = gold",
		"tier_changes.csv:4:4: latest to_tier \"top\" of partner \"p2\" differs from its "
		"tier \"rest\" in partners.csv (line 3)",
		"forecast.csv:3:1: bad month in column \"month\": \"2026-13\" (not a real month)",
		"incentives.csv:3:1: deal \"d2\" is a direct deal (incentives are paid on "
		"partner deals)",
		"incentives.csv:4:1: deal \"d3\" has outcome lost (incentives are paid on won "
		"deals)",
		"incentives.csv:5:1: unknown deal in column \"deal_id\": \"d9\"");
	done(&r);
}

/* The latest change decides; on the same day the later line is the latest. */
static void test_tier_change_ties(void **state)
{
	(void)state;
	const char *ok = "changed_on,partner_id,from_tier,to_tier\n"
			 "2025-06-01,p1,top,rest\n"
			 "2025-06-01,p1,rest,top\n";
	struct run r = load(folder(NULL, NULL, NULL, "tier_changes.csv", ok, NULL), false);
	expect_clean(&r);
	done(&r);
	const char *bad = "changed_on,partner_id,from_tier,to_tier\n"
			  "2025-06-01,p1,rest,top\n"
			  "2025-06-01,p1,top,rest\n";
	r = load(folder(NULL, NULL, NULL, "tier_changes.csv", bad, NULL), false);
	EXPECT_ERRORS(&r, "tier_changes.csv:3:4: latest to_tier \"rest\" of partner \"p1\" "
			  "differs from its tier \"top\" in partners.csv (line 2)");
	done(&r);

	/* --skip-bad-rows drops latest changes that disagree until one agrees */
	r = load(folder(INI_SKIP_ANY, NULL, NULL, "tier_changes.csv", bad, NULL), true);
	expect_clean(&r);
	assert_int_equal(r.m->n_tier_changes, 1);
	assert_int_equal(r.m->rows[FILE_TIER_CHANGES], 1);
	assert_int_equal(r.m->tier_changes[0].to_tier, 0);
	assert_int_equal(r.m->skipped.total, 1);
	expect(&r.m->skipped, "tier_changes.csv:3:4: latest to_tier \"rest\" of partner \"p1\" "
			      "differs from its tier \"top\" in partners.csv (line 2)");
	done(&r);
}

static void test_files_and_columns(void **state)
{
	(void)state;
	struct run r = load(folder(NULL, NULL, MISSING, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv: missing required file");
	done(&r);

	r = load(folder(MISSING, MISSING, NULL, NULL), false);
	/* no program.ini and no partners.csv: deals' references are not checked */
	EXPECT_ERRORS(&r, "program.ini: missing required file", "partners.csv: missing required "
								"file");
	done(&r);

	const char *deals = "deal_id,partner_id,created_on,outcome,amount\n"
			    "d1,p1,2026-01-10,open,5\n";
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:1: missing required column \"closed_on\" (if the file names "
			  "it otherwise, add closed_on = ITS NAME to [columns deals] in "
			  "program.ini); the header's columns, closest first: \"created_on\", "
			  "\"deal_id\", \"partner_id\", \"outcome\", \"amount\"");
	done(&r);

	deals = "deal_id,partner_id,DEAL_ID,created_on,closed_on,outcome,amount\n"
		"d1,p1,d1,2026-01-10,,open,5\n";
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:1:3: duplicate column \"DEAL_ID\" (also column 1)");
	done(&r);

	r = load(folder(NULL, NULL, "", NULL), false);
	EXPECT_ERRORS(&r, "deals.csv: file is empty (expected a header row)");
	done(&r);

	r = load(folder(NULL, NULL, "\xEF\xBB\xBF\n\n", NULL), false);
	EXPECT_ERRORS(&r, "deals.csv: file is empty (expected a header row)");
	done(&r);

	r = load(folder(NULL, "partner_id,name,tier,joined_on\n", NULL, NULL), false);
	EXPECT_ERRORS(&r, "partners.csv: no data rows");
	done(&r);

	r = load(folder(NULL, NULL, DEAL_HEADER, "reviews.csv", "", NULL), false);
	EXPECT_ERRORS(&r, "deals.csv: no data rows",
		      "reviews.csv: file is empty (expected a header row)");
	done(&r);
}

static void test_three_errors_two_files(void **state)
{
	(void)state;
	const char *partners = "partner_id,name,tier,joined_on\n"
			       "p1,Acme,top,2025-01-01\n"
			       "p2,Beta,rest,2025-02-31\n";
	char *deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,1.5.0,sourced,\n"
				 "d2,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n"
				 "d3,p7,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	struct run r = load(folder(NULL, partners, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"partners.csv:3:4: bad date in column \"joined_on\": \"2025-02-31\" (not a real "
		"date)",
		"deals.csv:2:8: bad amount in column \"amount\": \"1.5.0\" (expected a number such "
		"as 12500.50)",
		"deals.csv:4:2: unknown partner in column \"partner_id\": \"p7\"");
	done(&r);
	free(deals);
}

static void test_malformed_csv(void **state)
{
	(void)state;
	/* a stray quote: the error names the line and column, and partners.csv
	 * stops there, so deals' references to it are not reported */
	const char *partners = "partner_id,name,tier,joined_on\n"
			       "p1,Acme,top,2025-01-01\n"
			       "p2,Be\"ta,rest,2025-01-01\n"
			       "p3,Gamma,rest,2025-01-01\n";
	char *deals = deals_with("d1,p3,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	struct run r = load(folder(NULL, partners, deals, NULL), false);
	EXPECT_ERRORS(&r, "partners.csv:3:2: malformed CSV: unexpected quote character (a field "
			  "with quotes must be quoted whole, inner quotes doubled)");
	done(&r);
	free(deals);

	/* text after a closing quote */
	deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n"
			   "d2,p1,\"A\"B,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	r = load(folder(NULL, NULL, deals, NULL), true);
	EXPECT_ERRORS(&r, "deals.csv:3:3: malformed CSV: unexpected quote character (a field "
			  "with quotes must be quoted whole, inner quotes doubled)");
	done(&r);
	free(deals);

	/* a quoted field never closed: reported where its row starts */
	deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n"
			   "d2,p1,\"open\n,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:3:3: malformed CSV: quoted field is never closed");
	done(&r);
	free(deals);
}

/* Bytes that are not UTF-8 stop the file at their place, naming the
 * encoding to set when they read as Windows-1252. */
static void test_invalid_utf8(void **state)
{
	(void)state;
	char *deals = deals_with("d1,p1,Zo\xc3\xab,Ann,2026-01-10,2026-02-01,won,10,sourced,\n"
				 "d2,p1,Caf\xe9,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	struct run r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:3:10: invalid UTF-8 (byte 0xE9): set encoding = "
			  "windows-1252 in a [file deals] section of program.ini");
	done(&r);
	free(deals);

	/* 0x81 is not Windows-1252 either: the encoding is to be found out */
	deals = deals_with("d1,p1,A\x81,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:2:8: invalid UTF-8 (byte 0x81): the file is not UTF-8; set "
			  "its encoding in a [file deals] section of program.ini");
	done(&r);
	free(deals);

	/* in the header too */
	r = load(folder(NULL, NULL, "deal_id,\xe2\x82\n", NULL), false);
	assert_null(r.m);
	assert_int_equal(r.errors.total, 1);
	done(&r);
}

static void test_huge_field(void **state)
{
	(void)state;
	size_t big = 3u << 20;  /* 3 MiB without a line end: refused while reading */
	char *name = xmalloc(big + 1);
	memset(name, 'x', big);
	name[big] = 0;
	char *partners = xasprintf("partner_id,name,tier,joined_on\np1,%s,top,2025-01-01\n", name);
	struct run r = load(folder(NULL, partners, NULL, NULL), false);
	EXPECT_ERRORS(&r, "partners.csv:2:2: field is longer than 64 KiB");
	done(&r);
	free(partners);

	/* just over 64 KiB: refused when the field ends, as a row error */
	name[(1u << 16) + 1000] = 0;
	partners = xasprintf("partner_id,name,tier,joined_on\np1,%s,top,2025-01-01\n"
			     "p2,B,rest,2025-01-01\n", name);
	r = load(folder(INI_SKIP_ANY, partners, NULL, NULL), true);
	expect_clean(&r);
	assert_int_equal(r.m->n_partners, 1);
	assert_int_equal(r.m->n_deals, 2);  /* p1's deal is dropped too */
	expect(&r.m->skipped, "partners.csv:2:2: field is longer than 64 KiB");
	expect(&r.m->skipped, "deals.csv:2:2: partner \"p1\" in column \"partner_id\" was "
			      "dropped from partners.csv (line 2)");
	done(&r);
	r = load(folder(NULL, partners, NULL, NULL), false);
	EXPECT_ERRORS(&r, "partners.csv:2:2: field is longer than 64 KiB");
	done(&r);
	free(partners);

	/* a 1 MB (10^6 bytes) field, closed on its line: refused while reading */
	name[1000000] = 0;
	partners = xasprintf("partner_id,name,tier,joined_on\np1,%s,top,2025-01-01\n"
			     "p2,B,rest,2025-01-01\n", name);
	r = load(folder(NULL, partners, NULL, NULL), false);
	EXPECT_ERRORS(&r, "partners.csv:2:2: field is longer than 64 KiB");
	done(&r);
	free(partners);

	/* exactly 64 KiB is the limit and loads */
	name[1u << 16] = 0;
	partners = xasprintf("partner_id,name,tier,joined_on\np1,%s,top,2025-01-01\n"
			     "p2,B,rest,2025-01-01\n", name);
	r = load(folder(NULL, partners, NULL, NULL), false);
	expect_clean(&r);
	assert_int_equal(strlen(r.m->partners[0].name), 1u << 16);
	done(&r);
	free(partners);
	free(name);
}

/* Files of many rows: their arrays are sized from the first 64 KiB read,
 * whether the rows after are longer (more growing) or shorter; every row,
 * line and id is kept right either way. */
static void test_many_rows(void **state)
{
	(void)state;
	for (int longer_after = 0; longer_after < 2; longer_after++) {
		struct buf b = {0};
		buf_puts(&b, DEAL_HEADER);
		for (int i = 1; i <= 3000; i++) {
			bool pad = (i > 1500) == longer_after;
			buf_printf(&b, "d%05d,p1,A,%s,2026-01-10,2026-02-01,won,10,sourced,\n", i,
				   pad ? "Ann Owner With A Much Longer Name Than The Others Have" : "A");
		}
		buf_puts(&b, "d02999,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
		struct run r = load(folder(NULL, NULL, buf_cstr(&b), NULL), false);
		EXPECT_ERRORS(&r, "deals.csv:3002:1: duplicate deal_id \"d02999\" (first on line "
				  "3000)");
		done(&r);
		b.len -= strlen("d02999,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
		r = load(folder(NULL, NULL, buf_cstr(&b), "incentives.csv",
				"deal_id,paid_on,amount\nd00001,2026-03-01,5\nd03000,2026-03-01,5\n",
				NULL), false);
		expect_clean(&r);
		assert_int_equal(r.m->n_deals, 3000);
		assert_string_equal(r.m->deals[2999].id, "d03000");
		assert_int_equal(model_deal_index(r.m, "d01501"), 1500);
		assert_int_equal(r.m->n_incentives, 2);
		assert_int_equal(r.m->incentives[1].deal, 2999);
		done(&r);
		buf_free(&b);
	}
}

static void test_wide_row(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_puts(&b, DEAL_HEADER);
	buf_puts(&b, "d1,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	buf_puts(&b, "d2,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,");
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "x,");
	buf_puts(&b, "x\nd3,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	struct run r = load(folder(INI_SKIP_ANY, NULL, buf_cstr(&b), NULL), true);
	expect_clean(&r);
	assert_int_equal(r.m->n_deals, 2);
	assert_int_equal(r.m->skipped.total, 1);
	expect(&r.m->skipped, "deals.csv:3: row has more than 10000 columns");
	done(&r);

	/* a header that wide: the file cannot be read */
	buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "c,");
	buf_puts(&b, "c\n");
	r = load(folder(NULL, NULL, buf_cstr(&b), NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:1: row has more than 10000 columns");
	done(&r);
	buf_free(&b);
}

static void test_skip_bad_rows(void **state)
{
	(void)state;
	const char *partners = "partner_id,name,tier,joined_on\n"
			       "p1,Acme,top,2025-01-01\n"
			       "p2,Beta,gold,2025-01-01\n"
			       "p3,Gamma,rest,2025-01-01\n";
	char *deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n"
				 "d2,p2,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n"
				 "d3,p3,A,Ann,2026-01-10,,won,x,sourced,\n"
				 "d4,p3,A,Ann,2026-01-10,2026-02-01,won,10,,\n"
				 "d5,p3,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	const char *incentives = "deal_id,paid_on,amount\n"
				 "d2,2026-02-10,5\n"
				 "d5,2026-02-10,5\n"
				 "d3,2026-02-10,5\n";
	const char *reviews = "held_on,partner_id,kind\n2026-01-01,p2,qbr\n2026-01-01,p3,qbr\n";
	struct run r = load(folder(INI_SKIP_ANY, partners, deals, "incentives.csv", incentives,
				   "reviews.csv", reviews, NULL),
			    true);
	expect_clean(&r);
	const struct model *m = r.m;
	assert_int_equal(m->n_partners, 2);
	assert_int_equal(m->rows[FILE_PARTNERS], 2);
	assert_int_equal(m->n_deals, 3);
	assert_string_equal(m->deals[2].id, "d5");
	assert_int_equal(m->n_incentives, 1);
	assert_true(m->deals[2].has_incentive);
	assert_int_equal(m->n_reviews, 1);
	/* one entry per dropped row (d3 has two faults: the first is listed) */
	if (m->skipped.total != 6)
		dump("skipped", &m->skipped);
	assert_int_equal(m->skipped.total, 6);
	const char *want[] = {
		"partners.csv:3:3: bad tier in column \"tier\": \"gold\" (expected top or rest; or "
		"map it: add tier.rest = gold to [values partners])",
		"deals.csv:3:2: partner \"p2\" in column \"partner_id\" was dropped from "
		"partners.csv (line 3)",
		"deals.csv:4:7: outcome \"won\" needs a closed_on date",
		"reviews.csv:2:2: partner \"p2\" in column \"partner_id\" was dropped from "
		"partners.csv (line 3)",
		"incentives.csv:2:1: deal \"d2\" in column \"deal_id\" was dropped from "
		"deals.csv (line 3)",
		"incentives.csv:4:1: deal \"d3\" in column \"deal_id\" was dropped from "
		"deals.csv (line 4)",
	};
	for (size_t i = 0; i < 6; i++) {
		char *s = diag_format(&m->skipped.items[i]);
		assert_string_equal(s, want[i]);
		free(s);
	}
	expect(&m->warnings, "deals.csv: 1 partner deal has no attribution (untagged), on line 5");
	/* the unmapped value's line of program.ini is a warning when rows are dropped */
	expect(&m->warnings, "partners.csv: column \"tier\" has a value no tier matches: \"gold\" "
			     "(1 row); to map it, add this line to [values partners] (check the "
			     "value after the dot): tier.rest = gold");
	assert_int_equal(m->dropped[FILE_PARTNERS], 1);
	assert_int_equal(m->dropped[FILE_DEALS], 2);
	assert_int_equal(m->dropped[FILE_REVIEWS], 1);
	assert_int_equal(m->dropped[FILE_INCENTIVES], 2);
	done(&r);

	/* file-level errors stay errors */
	r = load(folder(NULL, NULL, "deal_id,partner_id\nd1,p1\n", NULL), true);
	assert_null(r.m);
	/* created_on, closed_on, outcome and amount are missing */
	assert_int_equal(r.errors.total, 4);
	done(&r);
	free(deals);
}

/* Without --skip-bad-rows, rows referring to a bad row are not reported
 * again: the first error says it all. */
static void test_no_cascade(void **state)
{
	(void)state;
	const char *partners = "partner_id,name,tier,joined_on\n"
			       "p1,Acme,top,2025-01-01\n"
			       "p2,Beta,top,someday\n";
	char *deals = deals_with("d1,p2,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n"
				 "d2,p2,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	const char *incentives = "deal_id,paid_on,amount\nd1,2026-02-10,5\n";
	struct run r = load(folder(NULL, partners, deals, "incentives.csv", incentives, NULL),
			    false);
	EXPECT_ERRORS(&r, "partners.csv:3:4: bad date in column \"joined_on\": \"someday\" "
			  "(expected YYYY-MM-DD)");
	done(&r);
	free(deals);
}

static void test_error_limit(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_puts(&b, DEAL_HEADER);
	for (int i = 0; i < 60; i++)
		buf_printf(&b, "d%d,p1,A,Ann,2026-01-10,2026-02-01,won,-1,sourced,\n", i);
	struct run r = load(folder(NULL, NULL, buf_cstr(&b), NULL), false);
	assert_null(r.m);
	assert_int_equal(r.errors.n, DIAG_MAX);
	assert_int_equal(r.errors.total, 60);
	done(&r);
	buf_free(&b);
}

static void test_untagged_summary(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_puts(&b, DEAL_HEADER);
	for (int i = 0; i < 10; i++)
		buf_printf(&b, "d%d,p1,A,Ann,2026-01-10,2026-02-01,won,1,%s,\n", i,
			   i % 3 ? "sourced" : "");
	buf_puts(&b, "x1,,A,Ann,2026-01-10,2026-02-01,won,1,,\n");   /* direct: not untagged */
	buf_puts(&b, "x2,p2,A,Ann,2026-08-10,,open,1,sourced,\n");  /* after p2's exit */
	struct run r = load(folder(NULL, NULL, buf_cstr(&b), NULL), false);
	expect_clean(&r);
	/* d0, d3, d6, d9 are untagged: lines 2, 5, 8, 11 */
	expect(&r.m->warnings, "deals.csv: 4 partner deals have no attribution (untagged), "
			       "first on lines 2, 5, 8");
	expect(&r.m->warnings, "deals.csv: 1 partner deal was created after the partner "
			       "exited, on line 13");
	assert_int_equal(r.m->warnings.total, 2);
	done(&r);
	buf_free(&b);
}

/* ---- hardening: line ends, BOMs, control characters, plausibility -------------------- */

/* Old Mac line ends (CR alone) are line ends, with the right line numbers
 * in errors; mixed with CRLF and LF too. */
static void test_cr_line_ends(void **state)
{
	(void)state;
	const char *ini = "[program]\rname = T\r[tier top]\rrank = 1\rreview_every_days = 7\r"
			  "[tier rest]\rrank = 2\rreview_every_days = 30\r";
	const char *partners = "partner_id,name,tier,joined_on\r"
			       "p1,\"Acme\rInc\",top,2025-01-01\r"  /* a CR inside a quoted field */
			       "\r"
			       "p2,Beta,rest,2025-01-01\r\n"
			       "p3,Gamma,rest,2025-01-01\n";
	char *deals = xasprintf("%.*s\r"
				"d1,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\r"
				"d2,p2,A,Ann,2026-01-10,2026-02-30,won,10,sourced,\r",
				(int)strlen(DEAL_HEADER) - 1, DEAL_HEADER);
	struct run r = load(folder(ini, partners, deals, NULL), false);
	/* deals.csv line 3: the second CR ends line 2 */
	EXPECT_ERRORS(&r, "deals.csv:3:6: bad date in column \"closed_on\": \"2026-02-30\" "
			  "(not a real date)");
	done(&r);
	free(deals);

	deals = xasprintf("%.*s\rd1,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\r",
			  (int)strlen(DEAL_HEADER) - 1, DEAL_HEADER);
	r = load(folder(ini, partners, deals, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->program.n_tiers, 2);
	assert_int_equal(r.m->n_partners, 3);
	assert_string_equal(r.m->partners[0].name, "Acme\nInc");  /* a CR alone reads as LF */
	assert_int_equal(r.m->partners[1].line, 5);  /* the quoted CR counts a line */
	assert_int_equal(r.m->partners[2].line, 6);
	done(&r);
	free(deals);

	/* an error in a CR-only program.ini names its line */
	char *bad = test_replace(ini, "name = T\r", "name = T\rwindow_months = 99\r");
	r = load(folder(bad, NULL, NULL, NULL), false);
	free(bad);
	EXPECT_ERRORS(&r, "program.ini:3: bad value for \"window_months\" in [program]: \"99\" "
			  "(expected a whole number from 1 to 36)");
	done(&r);
}

/* A doubled byte order mark is named, not read as part of the first column. */
static void test_doubled_bom(void **state)
{
	(void)state;
	char *partners = xasprintf("\xEF\xBB\xBF\xEF\xBB\xBF%s", PARTNERS);
	struct run r = load(folder(NULL, partners, NULL, NULL), false);
	EXPECT_ERRORS(&r, "partners.csv:1:1: two byte-order marks at the start of the file (EF BB "
			  "BF EF BB BF): remove the second one (the file was converted to UTF-8 "
			  "twice)");
	done(&r);
	free(partners);

	char *ini = xasprintf("\xEF\xBB\xBF\xEF\xBB\xBF%s", INI);
	r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r, "program.ini:1: the file starts with two byte order marks (BOM): "
			  "remove the second one (the file was converted to UTF-8 twice)");
	done(&r);
	free(ini);
}

/* Control characters in data values are refused (the row is dropped with
 * --skip-bad-rows); tab and line ends inside a quoted value are text. */
static void test_control_characters(void **state)
{
	(void)state;
	const char *partners =
		"partner_id,name,tier,manager,joined_on\n"
		"p1,Bluefin Analytics\x01,top,Ann,2025-01-01\n"       /* C0 */
		"p2,Beta\x7f,rest,Bob,2025-01-01\n"                   /* DEL */
		"p3,Gamma,rest,Cy\xc2\x85,2025-01-01\n"              /* C1: U+0085 */
		"p4,\xe2\x80\xaegnp.exe,rest,Bob,2025-01-01\n"      /* U+202E override */
		"p5,Ep\xe2\x81\xa6silon,rest,Bob,2025-01-01\n"      /* U+2066 isolate */
		"p6,\"Tab\there and\nthere\",rest,Bob,2025-01-01\n"
		"p7,Caf\xc3\xa9 \xc2\xa0Ok,rest,Bob,2025-01-01\n"; /* U+00A0 is not a control */
	char *deals = deals_with("d1,p6,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	struct run r = load(folder(NULL, partners, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"partners.csv:2:2: control character U+0001 in column \"name\": "
		"\"Bluefin Analytics\\x01\"",
		"partners.csv:3:2: control character U+007F in column \"name\": \"Beta\\x7f\"",
		"partners.csv:4:4: control character U+0085 in column \"manager\": \"Cy\\u0085\"",
		"partners.csv:5:2: control character U+202E in column \"name\": "
		"\"\\u202egnp.exe\"",
		"partners.csv:6:2: control character U+2066 in column \"name\": "
		"\"Ep\\u2066silon\"");
	done(&r);

	r = load(folder(INI_SKIP_ANY, partners, deals, NULL), true);
	expect_clean(&r);
	assert_int_equal(r.m->n_partners, 2);
	assert_string_equal(r.m->partners[0].name, "Tab\there and\nthere");
	assert_string_equal(r.m->partners[1].name, "Caf\xc3\xa9 \xc2\xa0Ok");
	assert_int_equal(r.m->skipped.total, 5);
	done(&r);
	free(deals);

	/* an ignored column may hold anything valid */
	const char *p2 = "partner_id,name,tier,joined_on,notes\np1,A,top,2025-01-01,x\x01\n"
			 "p2,B,rest,2025-01-01,\n";
	r = load(folder(NULL, p2, NULL, NULL), false);
	expect_clean(&r);
	done(&r);

	/* program.ini: a control character is refused on its line */
	char *ini = test_replace(INI, "Test Program", "Test\x1b[31mProgram");
	r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r, "program.ini:1: missing key \"name\" in [program]",
		      "program.ini:2: control character U+001B in the line (byte 12 of the line)");
	done(&r);
	free(ini);
}

/* Warnings, never errors: a review before the partner joined; a deal
 * dated before 1990 (most likely a typo). */
static void test_plausibility_warnings(void **state)
{
	(void)state;
	const char *reviews = "held_on,partner_id,kind\n"
			      "2024-12-31,p1,qbr\n"        /* p1 joined 2025-01-01 */
			      "2025-01-01,p1,qbr\n"
			      "2025-01-15,p2,deal_review\n"; /* p2 joined 2025-02-01 */
	char *deals = deals_with("d1,p1,A,Ann,1900-01-10,2026-02-01,won,10,sourced,\n"
				 "d2,,A,Ann,1989-12-31,,open,10,,\n"
				 "d3,,A,Ann,1990-01-01,,open,10,,\n");
	struct run r = load(folder(NULL, NULL, deals, "reviews.csv", reviews, NULL), false);
	expect_clean(&r);
	expect(&r.m->warnings, "reviews.csv: 2 reviews were held before the partner joined, "
			       "on lines 2, 4");
	expect(&r.m->warnings, "deals.csv: 2 deals are dated before 1990 (check their created_on "
			       "and closed_on), on lines 2, 3");
	/* d1 is also created before p1 joined */
	expect(&r.m->warnings, "deals.csv: 1 partner deal was created before the partner joined, "
			       "on line 2");
	assert_int_equal(r.m->warnings.total, 3);
	done(&r);
	free(deals);
}

/* ---- program.ini -------------------------------------------------------------------- */

static void test_program_ini(void **state)
{
	(void)state;
	const char *ini =
		"; a comment\n"
		"[program]\n"
		"name = Northwind Co-Sell   ; inline comment\n"
		"company = Northwind Software\n"
		"currency = EUR\n"
		"fiscal_year_start = 2\n"
		"window_months = 6\n"
		"stale_tier_days = 90\n"
		"enablement_assets = Pitch, Demo\n"
		"\n"
		"[tier core]\n"
		"label = Core\n"
		"rank = 2\n"
		"review_every_days = 30\n"
		"[tier strategic]\n"
		"label = Strategic\n"
		"rank = 1\n"
		"review_every_days = 7\n"
		"[email]\n"
		"from = partners@example.com\n"
		"to = cro@example.com, cfo@example.com,\n"
		"  ceo@example.com\n"
		"site_url = https://intranet.example/packs/\n"
		"[health]\n"
		"operating_green = 0.9\n"
		"tiering_red_min_tiers = 3\n"
		"[columns reviews]\n"
		"held_on = Meeting Date\n";
	const char *partners = "partner_id,name,tier,joined_on\np1,A,strategic,2025-01-01\n"
			       "p2,B,core,2025-01-01\n";
	char *deals = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-01,won,10,sourced,\n");
	const char *enablement = "completed_on,partner_id,side,asset\n2026-01-01,p1,host,DEMO\n";
	const char *reviews = "Meeting Date,partner_id,kind\n2026-01-01,p2,qbr\n";
	struct run r = load(folder(ini, partners, deals, "enablement.csv", enablement,
				   "reviews.csv", reviews, NULL),
			    false);
	expect_clean(&r);
	const struct program *p = &r.m->program;
	assert_string_equal(p->name, "Northwind Co-Sell");
	assert_string_equal(p->company, "Northwind Software");
	assert_string_equal(p->currency, "EUR");
	assert_int_equal(p->fiscal_year_start, 2);
	assert_int_equal(p->window_months, 6);
	assert_int_equal(p->stale_tier_days, 90);
	assert_int_equal(p->n_assets, 2);
	assert_string_equal(p->assets[0], "pitch");
	assert_string_equal(p->assets[1], "demo");
	assert_int_equal(p->n_tiers, 2);
	assert_string_equal(p->tiers[0].id, "strategic");  /* sorted by rank */
	assert_int_equal(p->tiers[0].rank, 1);
	assert_string_equal(p->tiers[1].label, "Core");
	assert_int_equal(p->tiers[1].review_every_days, 30);
	assert_string_equal(p->email_from, "partners@example.com");
	assert_int_equal(p->n_email_to, 3);
	assert_string_equal(p->email_to[2], "ceo@example.com");
	assert_string_equal(p->site_url, "https://intranet.example/packs/");
	assert_true(p->health.operating_green == 0.9);
	assert_int_equal(p->health.tiering_red_min_tiers, 3);
	assert_true(p->health.operating_red == 0.5);  /* default kept */
	assert_int_equal(r.m->partners[0].tier, 0);
	assert_int_equal(r.m->partners[1].tier, 1);
	assert_int_equal(r.m->completions[0].asset, 1);
	assert_int_equal(r.m->n_reviews, 1);
	done(&r);
	free(deals);
}

static void test_program_ini_errors(void **state)
{
	(void)state;
	const char *ini =
		"[program]\n"                  /* 1 */
		"name = X\n"                   /* 2 */
		"colour = blue\n"              /* 3 */
		"currency = usd\n"             /* 4 */
		"window_months = 0\n"          /* 5 */
		"fiscal_year_start = 13\n"     /* 6 */
		"[tier top]\n"                 /* 7 */
		"rank = 1\n"                   /* 8 */
		"review_every_days = 7\n"      /* 9 */
		"[tier rest]\n"                /* 10 */
		"rank = 3\n"                   /* 11 */
		"review_every_days = 0\n"      /* 12 */
		"[tiers c]\n"                  /* 13 */
		"x = 1\n"                      /* 14 */
		"[health]\n"                   /* 15 */
		"untagged_red = 1.5\n"         /* 16 */
		"garbage\n"                    /* 17 */
		"[email]\n"                    /* 18 */
		"to = a@b.example, nobody\n";  /* 19 */
	/* tiers are broken: partners' tier references are not checked */
	struct run r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r,
		"program.ini:3: unknown key \"colour\" in [program]",
		"program.ini:4: bad value for \"currency\" in [program]: \"usd\" "
		"(expected a 3-letter ISO 4217 code like USD)",
		"program.ini:5: bad value for \"window_months\" in [program]: \"0\" "
		"(expected a whole number from 1 to 36)",
		"program.ini:6: bad value for \"fiscal_year_start\" in [program]: \"13\" "
		"(expected a month number from 1 to 12)",
		"program.ini:11: rank 3 of [tier rest] is out of range (with 2 tiers, ranks are "
		"1 to 2, each used once)",
		"program.ini:12: bad value for \"review_every_days\" in [tier rest]: \"0\" "
		"(expected a whole number of days from 1 to 3660)",
		"program.ini:13: unknown section [tiers c]",
		"program.ini:16: bad value for \"untagged_red\" in [health]: \"1.5\" "
		"(expected a fraction from 0 to 1, e.g. 0.8)",
		"program.ini:17: expected \"key = value\" or \"[section]\", got \"garbage\"",
		"program.ini:19: bad value for \"to\" in [email]: \"a@b.example, nobody\" "
		"(expected a comma-separated list of email addresses)");
	done(&r);

	r = load(folder("[program]\ncompany = X\n[tier a]\nrank = 1\nreview_every_days = 7\n"
			"[tier b]\nrank = 1\nreview_every_days = 7\nrank = 2\n"
			"[tier a]\nlabel = again\n",
			NULL, NULL, NULL),
		 false);
	EXPECT_ERRORS(&r,
		"program.ini:1: missing key \"name\" in [program]",
		"program.ini:7: rank 1 of [tier b] is also the rank of [tier a]",
		"program.ini:9: duplicate key \"rank\" in [tier b] (first on line 7)",
		"program.ini:10: duplicate section [tier a] (first on line 3)");
	done(&r);

	r = load(folder("[program]\nname = X\ndate_format = YYYY/MM/DD\n", NULL, NULL, NULL), false);
	/* no tiers, and a date format the CSV files cannot be read with */
	EXPECT_ERRORS(&r,
		"program.ini:3: bad value for \"date_format\" in [program]: \"YYYY/MM/DD\" "
		"(expected YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or DD.MM.YYYY)",
		"program.ini: no tiers (add a [tier ID] section with rank and review_every_days)");
	done(&r);

	/* indentation continues the previous key (inih): only lists may continue */
	r = load(folder("[program]\nname = X\n  window_months = 2\n"
			"[tier a]\nrank = 1\nreview_every_days = 7\n",
			"partner_id,name,tier,joined_on\np1,A,a,2025-01-01\np2,B,a,2025-01-01\n",
			NULL, NULL),
		 false);
	EXPECT_ERRORS(&r, "program.ini:3: unexpected indented line after key \"name\" in [program] "
			  "(remove the indentation)");
	done(&r);
}

/* [health]: red must be on the bad side of green; site_url must be a web URL. */
static void test_health_order_and_site_url(void **state)
{
	(void)state;
	char *ini = xasprintf("%s[health]\n"       /* 12 */
			      "operating_red = 0.9\n"   /* 13: above the default green 0.8 */
			      "enablement_green = 0.6\n" /* 14 */
			      "enablement_red = 0.6\n"  /* 15: equal is fine (no amber) */
			      "untagged_red = 0.03\n"   /* 16: below the default green 0.05 */
			      "stale_green = 0.3\n"     /* 17: above the default red 0.25 */
			      "forecast_green = 0.4\n"  /* 18 */
			      "forecast_red = 0.45\n"   /* 19 */
			      "incentive_red = 2\n"     /* 20: refused, not compared */
			      "[email]\n"               /* 21 */
			      "site_url = javascript:alert(1)//\n", INI);
	struct run r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r,
		"program.ini:13: operating_red 0.9 is above operating_green 0.8 (the default) in "
		"[health] (review_adherence is better higher: red below operating_red, green at or "
		"above operating_green)",
		"program.ini:16: untagged_red 0.03 is below untagged_green 0.05 (the default) in "
		"[health] (untagged_share is better lower: red above untagged_red, green at or "
		"below untagged_green)",
		"program.ini:17: stale_red 0.25 (the default) is below stale_green 0.3 in [health] "
		"(stale_share is better lower: red above stale_red, green at or below stale_green)",
		"program.ini:19: forecast_red 0.45 is above forecast_green 0.4 in [health] "
		"(forecast_accuracy is better higher: red below forecast_red, green at or above "
		"forecast_green)",
		"program.ini:20: bad value for \"incentive_red\" in [health]: \"2\" (expected a "
		"fraction from 0 to 1, e.g. 0.8)",
		"program.ini:22: bad value for \"site_url\" in [email]: \"javascript:alert(1)//\" "
		"(expected an http:// or https:// URL)");
	done(&r);
	free(ini);

	const char *bad_urls[] = {"ftp://x.example/", "https://", "http:///path", "https:x.example",
				  "https://a b.example/", "https://x.example/\"onload", "data:text/html,x"};
	for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
		ini = xasprintf("%s[email]\nsite_url = %s\n", INI, bad_urls[i]);
		r = load(folder(ini, NULL, NULL, NULL), false);
		assert_null(r.m);
		assert_int_equal(r.errors.total, 1);
		done(&r);
		free(ini);
	}
	/* From with a display name: the name as written, quotes or not. */
	const char *froms[][3] = {
		{"Northwind Partnerships <partners@example.com>", "Northwind Partnerships", "partners@example.com"},
		{"\"Müller, Partner Team\" <pt@example.com>", "Müller, Partner Team", "pt@example.com"},
		{"<only@example.com>", NULL, "only@example.com"},
	};
	for (size_t i = 0; i < 3; i++) {
		ini = xasprintf("%s[email]\nfrom = %s\n", INI, froms[i][0]);
		r = load(folder(ini, NULL, NULL, NULL), false);
		expect_clean(&r);
		assert_string_equal(r.m->program.email_from, froms[i][2]);
		if (froms[i][1])
			assert_string_equal(r.m->program.email_from_name, froms[i][1]);
		else
			assert_null(r.m->program.email_from_name);
		done(&r);
		free(ini);
	}
	const char *bad_froms[] = {"Team <not an address>", "A \"B\" C <x@example.com>", "Team <x@example.com"};
	for (size_t i = 0; i < 3; i++) {
		ini = xasprintf("%s[email]\nfrom = %s\n", INI, bad_froms[i]);
		r = load(folder(ini, NULL, NULL, NULL), false);
		assert_null(r.m);
		assert_int_equal(r.errors.total, 1);
		done(&r);
		free(ini);
	}
	ini = xasprintf("%s[email]\nsite_url = HTTPS://intranet.example/packs\n", INI);
	r = load(folder(ini, NULL, NULL, NULL), false);
	expect_clean(&r);
	assert_string_equal(r.m->program.site_url, "https://intranet.example/packs");
	done(&r);
	free(ini);
}

/* ---- system errors, summary, the example ------------------------------------------- */

static void test_io_errors(void **state)
{
	(void)state;
	struct diag_list errors = {0};
	char *io = NULL;
	struct model *m = load_model("/nonexistent-reviewpack-dir", NULL, &errors, &io);
	assert_null(m);
	assert_string_equal(io, "cannot read '/nonexistent-reviewpack-dir': "
				"No such file or directory");
	assert_int_equal(errors.total, 0);
	free(io);

	/* a path is shown with its control characters escaped */
	m = load_model("/nonexistent\x1b[2J\n", NULL, &errors, &io);
	assert_null(m);
	assert_string_equal(io, "cannot read '/nonexistent\\x1b[2J\\n': No such file or directory");
	free(io);

	/* deals.csv is a directory: a system error, not a data error */
	char *dir = folder(NULL, NULL, MISSING, NULL);
	char *sub = xasprintf("%s/deals.csv", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	io = NULL;
	m = load_model(dir, NULL, &errors, &io);
	assert_null(m);
	assert_non_null(io);
	char *want = xasprintf("cannot read '%s': Is a directory", sub);
	assert_string_equal(io, want);
	free(want);
	free(io);
	free(sub);
	util_remove_tree(dir);
	free(dir);
	diag_clear(&errors);
}

static void test_summary(void **state)
{
	(void)state;
	const char *reviews = "held_on,partner_id,kind\n2026-01-05,p1,qbr\n";
	struct run r = load(folder(NULL, NULL, NULL, "reviews.csv", reviews, NULL), false);
	expect_clean(&r);
	char *s = load_summary(r.m);
	/* latest deal date 2026-03-05: period 2026-03; p2 exited 2026-06-30, so
	 * both partners are active, one per tier; d2 is direct, not untagged */
	const char *want =
		"program: Test Program (USD)\n"
		"files:\n"
		"  program.ini       2 tiers\n"
		"  partners.csv      2 rows\n"
		"  deals.csv         3 rows\n"
		"  reviews.csv       1 row\n"
		"  enablement.csv    not present (not measured)\n"
		"  tier_changes.csv  not present (not measured)\n"
		"  forecast.csv      not present (not measured)\n"
		"  incentives.csv    not present (not measured)\n"
		"  fx.csv            not present\n"
		"deal dates: 2026-01-10 to 2026-03-05\n"
		"default period: 2026-03\n"
		"active partners in 2026-03 by tier:\n"
		"  top (top, rank 1): 1\n"
		"  Rest (rest, rank 2): 1\n"
		"warnings: 0\n";
	assert_string_equal(s, want);
	free(s);
	done(&r);
}

static void test_example_folder(void **state)
{
	(void)state;
	struct run r = load_example("northwind");
	expect_clean(&r);
	assert_int_equal(r.m->n_partners, 20);
	assert_int_equal(r.m->n_deals, 3000);
	assert_int_equal(r.m->program.n_tiers, 2);
	for (int f = 0; f < FILE_FX; f++)
		assert_true(r.m->present[f]);
	assert_int_equal(r.m->skipped.total, 0);
	model_free(r.m);
	diag_clear(&r.errors);
}

/* ---- reading ahead ---- */

/* Everything a load of dir made, as text: the I/O error, the errors in
 * order, the check summary, and every deal as read. */
static char *load_as_text(const char *dir, bool skip, size_t ahead_from)
{
	struct diag_list errors = {0};
	char *io = NULL;
	struct load_options o = {.skip_bad_rows = skip, .read_ahead_from = ahead_from};
	struct model *m = load_model(dir, &o, &errors, &io);
	struct buf b = {0};
	buf_printf(&b, "io: %s\nerrors: %zu\n", io ? io : "none", errors.total);
	for (size_t i = 0; i < errors.n; i++) {
		char *e = diag_format(&errors.items[i]);
		buf_printf(&b, "%s\n", e);
		free(e);
	}
	if (m) {
		char *summary = load_summary(m);
		buf_puts(&b, summary);
		free(summary);
		for (size_t i = 0; i < m->n_deals; i++) {
			const struct deal *d = &m->deals[i];
			buf_printf(&b, "deal %s %d %ld %ld %lld %u %u %u %u [%s]\n", d->id, d->partner,
				   (long)d->created_on, (long)d->closed_on, (long long)d->amount,
				   (unsigned)d->outcome, (unsigned)d->attribution, (unsigned)d->has_incentive,
				   (unsigned)d->amount_unknown, model_deal_account(m, d));
		}
		buf_printf(&b, "%zu reviews, %zu completions, %zu incentives\n", m->n_reviews,
			   m->n_completions, m->n_incentives);
	}
	model_free(m);
	diag_clear(&errors);
	free(io);
	return buf_detach(&b);
}

/* dir loads the same read ahead on a second thread (every file of at least
 * a byte) as read on one (none); returns that load as text. */
static char *same_read_ahead(const char *dir, bool skip)
{
	char *one = load_as_text(dir, skip, SIZE_MAX), *two = load_as_text(dir, skip, 1);
	assert_string_equal(two, one);
	free(two);
	return one;
}

/* A deals.csv of rows rows (5,000: about 330 KB, more than four pieces
 * of the reading thread) in which rows end in CR LF, some in a CR alone, some accounts
 * are quoted and hold a line end or doubled quotes (so rows cross the
 * pieces' ends inside and outside quotes); "é" is written as latin1 when
 * asked. With bad_every n, row i has a bad date when i % n == 500 % n;
 * with broken, row 4000 holds the byte 0x81 (neither UTF-8 nor
 * Windows-1252), where the decoder stops. */
static char *tricky_deals(bool latin1, int bad_every, bool broken, int rows)
{
	struct buf b = {0};
	buf_puts(&b, "deal_id,partner_id,account,owner,created_on,closed_on,outcome,amount,attribution,stage\r\n");
	for (int i = 0; i < rows; i++) {
		const char *acct = i % 50 == 7 ? "\"Acme\r\nEast\"" : i % 31 == 3 ? "\"Big \"\"Q\"\" Co\""
				 : i % 13 == 0 ? (latin1 ? "Caf\xe9 Ltd" : "Caf\xc3\xa9 Ltd") : "Plain Account";
		if (broken && i == 4000)
			acct = "Bad \x81 byte";
		const char *created = bad_every && i % bad_every == 500 % bad_every ? "2026-02-30" : "2026-01-10";
		buf_printf(&b, "deal-%06d,%s,%s,Owner %d,%s,2026-02-%02d,%s,%d.%02d,%s,Stage %d%s", i,
			   i % 3 == 0 ? "" : i % 3 == 1 ? "p1" : "p2", acct, i % 17, created, 1 + i % 28,
			   i % 4 ? "won" : "lost", 100 + i, i % 100, i % 3 ? "sourced" : "", i % 9,
			   i % 97 == 5 ? "\r" : "\r\n");
	}
	return buf_detach(&b);
}

/* A data folder with tricky_deals(latin1, bad_every, broken, 5000) as its
 * deals.csv: its delimiter found by the loader, or when latin1 declared
 * (so the reading thread splits from the first piece on) with the
 * encoding; free with drop_folder. */
static char *tricky_folder(bool latin1, int bad_every, bool broken)
{
	static const char ini_latin1[] = "[program]\nname = Test Program\nmax_skipped_share = 1\n"
					 "[file deals]\nencoding = windows-1252\ndelimiter = ,\n" TEST_TIERS;
	char *deals = tricky_deals(latin1, bad_every, broken, 5000);
	assert_true(strlen(deals) > 4 * 65536);
	char *dir = folder(latin1 ? ini_latin1 : INI_SKIP_ANY, NULL, deals, NULL);
	free(deals);
	return dir;
}

static void drop_folder(char *dir)
{
	util_remove_tree(dir);
	free(dir);
}

/* The rows, the errors and their order are the same whether a file is
 * read ahead on a second thread or not: on the examples (real exports
 * quoted whole, a Salesforce one of 580 KB), and on a file whose rows cross
 * the pieces' ends in every way, in UTF-8 and in Windows-1252, failing,
 * with its bad rows skipped, past the errors' limit and with a byte the
 * decoder refuses. */
static void test_read_ahead_same(void **state)
{
	(void)state;
	const char *examples[] = {"examples/northwind", "examples/salesforce"};
	for (size_t i = 0; i < 2; i++) {
		char *text = same_read_ahead(examples[i], false);
		assert_non_null(strstr(text, "errors: 0\n"));
		assert_non_null(strstr(text, "\ndeal "));
		free(text);
	}
	for (int latin1 = 0; latin1 < 2; latin1++) {
		char *dir = tricky_folder(latin1, 0, false);
		char *text = same_read_ahead(dir, false);
		assert_non_null(strstr(text, "errors: 0\n"));
		assert_non_null(strstr(text, "deal deal-000007 0 ")); /* p1 */
		assert_non_null(strstr(text, "[Acme\r\nEast]")); /* a line end in quotes is kept */
		assert_non_null(strstr(text, "[Big \"Q\" Co]"));
		assert_non_null(strstr(text, "[Caf\xc3\xa9 Ltd]"));
		assert_non_null(strstr(text, "deal deal-004999 "));
		free(text);
		drop_folder(dir);

		dir = tricky_folder(latin1, 997, false);
		text = same_read_ahead(dir, false);
		assert_non_null(strstr(text, "errors: 5\n"));
		free(text);
		text = same_read_ahead(dir, true);
		assert_non_null(strstr(text, "errors: 0\n"));
		assert_null(strstr(text, "deal deal-000500 "));
		assert_non_null(strstr(text, "deal deal-000501 "));
		free(text);
		drop_folder(dir);

		/* a bad row in ten: the reading stops at the errors' limit while
		 * the thread reads ahead */
		dir = tricky_folder(latin1, 10, false);
		text = same_read_ahead(dir, false);
		assert_null(strstr(text, "errors: 0\n"));
		free(text);
		drop_folder(dir);

		/* a byte no encoding reads, three quarters in */
		dir = tricky_folder(latin1, 0, true);
		text = same_read_ahead(dir, false);
		assert_non_null(strstr(text, "errors: 1\n"));
		assert_non_null(strstr(text, "0x81"));
		free(text);
		drop_folder(dir);
	}

	/* 80,000 rows (5.4 MB): the reading thread lets go of the pages fed */
	char *deals = tricky_deals(false, 0, false, 80000);
	assert_true(strlen(deals) > 5000000);
	char *dir = folder(INI_SKIP_ANY, NULL, deals, NULL);
	free(deals);
	char *text = same_read_ahead(dir, false);
	assert_non_null(strstr(text, "errors: 0\n"));
	assert_non_null(strstr(text, "deal deal-079999 "));
	free(text);
	drop_folder(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_parsing),
		cmocka_unit_test(test_date_format_setting),
		cmocka_unit_test(test_values_repeated),
		cmocka_unit_test(test_read_ahead_same),
		cmocka_unit_test(test_clean_folder),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_money_limits),
		cmocka_unit_test(test_csv_quirks),
		cmocka_unit_test(test_line_split),
		cmocka_unit_test(test_mapped_columns),
		cmocka_unit_test(test_each_error_kind),
		cmocka_unit_test(test_optional_files),
		cmocka_unit_test(test_optional_file_errors),
		cmocka_unit_test(test_tier_change_ties),
		cmocka_unit_test(test_files_and_columns),
		cmocka_unit_test(test_three_errors_two_files),
		cmocka_unit_test(test_malformed_csv),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_many_rows),
		cmocka_unit_test(test_wide_row),
		cmocka_unit_test(test_skip_bad_rows),
		cmocka_unit_test(test_no_cascade),
		cmocka_unit_test(test_error_limit),
		cmocka_unit_test(test_untagged_summary),
		cmocka_unit_test(test_cr_line_ends),
		cmocka_unit_test(test_doubled_bom),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_plausibility_warnings),
		cmocka_unit_test(test_program_ini),
		cmocka_unit_test(test_program_ini_errors),
		cmocka_unit_test(test_health_order_and_site_url),
		cmocka_unit_test(test_io_errors),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_example_folder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
