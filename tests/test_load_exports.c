/* Unit tests of the loader on real exports (SPEC 2, "Reading real
 * exports"): [file NAME] paths, encodings, delimiters, date formats and
 * decimal marks; report footers; [columns] with "A | B" and shared
 * columns; [values NAME] with built-in synonyms; dates with times and
 * zones; amounts with symbols and separators; currencies converted at
 * [fx] and fx.csv rates; unknown amounts; expected close dates; partner
 * references by name and Salesforce id; the --skip-bad-rows guard. The
 * parsers themselves are tested in test_field.c and test_decode.c; these
 * tests go through the loader, checking every message as its exact text
 * and every converted amount worked out by hand. */
#include "loadutil.h"

#include "date.h"

#include <stdio.h>
#include <sys/stat.h>

/* INI with extra sections appended (line 12 is the first appended line). */
static char *ini_with(const char *extra)
{
	return xasprintf("%s%s", INI, extra);
}

/* Write n bytes to dir/name. */
static void write_bytes(const char *dir, const char *name, const void *data, size_t n)
{
	char *path = xasprintf("%s/%s", dir, name);
	assert_int_equal(util_write_file(path, data, n), 0);
	free(path);
}

static const char *const DEALS_NO_HEADER_ROWS =
	"d1,p1,A,Ann,2026-01-10,2026-02-01,won,12500.50,sourced,\n"
	"d2,,B,Dan,2026-01-15,,open,100,,Proposal\n"
	"d3,p2,C,Ann,2026-02-01,2026-03-05,lost,0.01,influenced,\n";

/* ---- [file NAME]: paths ---------------------------------------------------- */

static void test_file_paths(void **state)
{
	(void)state;
	/* a glob matching one export, named in messages by its own name */
	char *ini = ini_with("[file deals]\npath = hubspot-crm-exports-all-deals-*.csv\n");
	struct run r = load(folder(ini, NULL, MISSING, "hubspot-crm-exports-all-deals-2026-11-01.csv",
				   DEALS, NULL),
			    false);
	expect_clean(&r);
	assert_string_equal(r.m->source[FILE_DEALS], "hubspot-crm-exports-all-deals-2026-11-01.csv");
	assert_string_equal(r.m->source[FILE_PARTNERS], "partners.csv");
	assert_int_equal(r.m->rows[FILE_DEALS], 3);
	done(&r);

	char *bad = deals_with("d1,p1,A,Ann,2026-01-10,2026-02-31,won,1,sourced,\n");
	r = load(folder(ini, NULL, MISSING, "hubspot-crm-exports-all-deals-2026-11-01.csv", bad,
			NULL),
		 false);
	EXPECT_ERRORS(&r, "hubspot-crm-exports-all-deals-2026-11-01.csv:2:6: bad date in column "
			  "\"closed_on\": \"2026-02-31\" (not a real date)");
	done(&r);
	free(bad);

	/* two matches, or none: the glob must match exactly one file */
	r = load(folder(ini, NULL, MISSING, "hubspot-crm-exports-all-deals-2026-11-01.csv", DEALS,
			"hubspot-crm-exports-all-deals-2026-10-01.csv", DEALS, NULL),
		 false);
	EXPECT_ERRORS(&r, "deals.csv: path \"hubspot-crm-exports-all-deals-*.csv\" ([file deals], "
			  "program.ini line 12) matches 2 files, it must match one: "
			  "\"hubspot-crm-exports-all-deals-2026-10-01.csv\", "
			  "\"hubspot-crm-exports-all-deals-2026-11-01.csv\"");
	done(&r);
	r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv: no file in the data folder matches path "
			  "\"hubspot-crm-exports-all-deals-*.csv\" ([file deals], program.ini line "
			  "12)");
	done(&r);
	free(ini);

	/* a plain path into a subfolder; an optional file given a path must exist */
	ini = ini_with("[file deals]\npath = exports/deals.csv\n[file reviews]\npath = r.csv\n");
	char *dir = folder(ini, NULL, MISSING, NULL);
	char *sub = xasprintf("%s/exports", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(test_write(sub, "deals.csv", DEALS), 0);
	r = load(dir, false);
	EXPECT_ERRORS(&r, "reviews.csv: no file \"r.csv\" in the data folder (path in [file "
			  "reviews], program.ini line 14)");
	done(&r);
	free(sub);
	free(ini);

	/* a path must be relative to the data folder */
	ini = ini_with("[file deals]\npath = /etc/passwd\n");
	r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r, "program.ini:13: bad value for \"path\" in [file deals]: \"/etc/passwd\" "
			  "(expected a file name or glob relative to the data folder, e.g. "
			  "deals-*.csv)");
	done(&r);
	free(ini);

	/* [file] settings are checked where they are written */
	ini = ini_with("[file deals]\nencoding = klingon\ndelimiter = ;\ndecimal = x\n"
		       "date_format = D/M/Y\ncolour = red\n[file invoices]\n");
	r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r,
		"program.ini:13: encoding in [file deals]: unknown encoding \"klingon\" (expected "
		"utf-8, utf-16 or a name iconv knows, such as windows-1252 or iso-8859-1)",
		"program.ini:14: bad value for \"delimiter\" in [file deals]: \"\" (expected auto, "
		"\",\", \";\", tab or \"|\" (write ; in quotes: an unquoted ; starts a comment))",
		"program.ini:15: bad value for \"decimal\" in [file deals]: \"x\" (expected \".\" "
		"or "
		"\",\")",
		"program.ini:16: bad value for \"date_format\" in [file deals]: \"D/M/Y\" "
		"(expected "
		"YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or DD.MM.YYYY)",
		"program.ini:17: unknown key \"colour\" in [file deals]",
		"program.ini:18: unknown file in section [file invoices] (expected one of "
		"partners, "
		"deals, reviews, enablement, tier_changes, forecast, incentives, fx)");
	done(&r);
	free(ini);
}

/* ---- encodings and delimiters ------------------------------------------------ */

static void test_encodings(void **state)
{
	(void)state;
	/* Windows-1252 (Excel's "CSV"): read when program.ini says so */
	const char partners_1252[] = "partner_id,name,tier,joined_on\n"
				     "p1,Caf\xe9 M\xfcller \x80,top,2025-01-01\n"
				     "p2,Beta,rest,2025-02-01\n";
	char *ini = ini_with("[file partners]\nencoding = windows-1252\n");
	struct run r = load(folder(ini, partners_1252, NULL, NULL), false);
	expect_clean(&r);
	assert_string_equal(r.m->partners[0].name, "Caf\xc3\xa9 M\xc3\xbcller \xe2\x82\xac");
	done(&r);
	free(ini);
	/* without the setting: the line, the column and the setting to add */
	r = load(folder(NULL, partners_1252, NULL, NULL), false);
	EXPECT_ERRORS(&r, "partners.csv:2:7: invalid UTF-8 (byte 0xE9): set encoding = "
			  "windows-1252 in a [file partners] section of program.ini");
	done(&r);

	/* UTF-16LE: its byte-order mark is enough; without one, NUL bytes name the
	 * setting to add */
	struct buf u16 = {0};
	const char *text = PARTNERS;
	buf_add(&u16, "\xff\xfe", 2);
	for (const char *p = text; *p; p++) {
		buf_putc(&u16, *p);
		buf_putc(&u16, 0);
	}
	char *dir = folder(NULL, MISSING, NULL, NULL);
	write_bytes(dir, "partners.csv", u16.data, u16.len);
	r = load(dir, false);
	expect_clean(&r);
	assert_string_equal(r.m->partners[1].name, "Beta");
	done(&r);
	dir = folder(NULL, MISSING, NULL, NULL);
	write_bytes(dir, "partners.csv", u16.data + 2, u16.len - 2);
	r = load(dir, false);
	EXPECT_ERRORS(&r, "partners.csv:1:2: NUL character: set encoding = utf-16 in a [file "
			  "partners] section of program.ini");
	done(&r);
	ini = ini_with("[file partners]\nencoding = utf-16\n");
	dir = folder(ini, MISSING, NULL, NULL);
	write_bytes(dir, "partners.csv", u16.data + 2, u16.len - 2);
	r = load(dir, false);
	expect_clean(&r);
	assert_int_equal(r.m->n_partners, 2);
	done(&r);
	free(ini);
	buf_free(&u16);
}

static void test_delimiters(void **state)
{
	(void)state;
	/* auto: the most frequent of , ; tab | outside quotes in the header line */
	const char *semi = "deal_id;partner_id;created_on;closed_on;outcome;amount\n"
			   "d1;p1;2026-01-10;2026-02-01;won;\"1,5\"\n";
	char *ini = ini_with("[file deals]\ndecimal = \",\"\n");
	struct run r = load(folder(ini, NULL, semi, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->deals[0].amount, 150);
	done(&r);
	free(ini);
	const char *tabs = "deal_id\tpartner_id\tcreated_on\tclosed_on\toutcome\tamount\n"
			   "d1\tp1\t2026-01-10\t2026-02-01\twon\t1,500\n";
	r = load(folder(NULL, NULL, tabs, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->deals[0].amount, 150000);
	done(&r);

	/* a delimiter set to "," on a ";" file: the header is one column */
	ini = ini_with("[file deals]\ndelimiter = \",\"\n");
	r = load(folder(ini, NULL, semi, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:1: the header is one column holding \"deal_id;partner_id;"
			  "created_on;closed_on;outcome;amount\": set delimiter = \";\" in [file "
			  "deals] of program.ini");
	done(&r);
	free(ini);
	ini = ini_with("[file deals]\ndelimiter = \";\"\ndecimal = ,\n");
	r = load(folder(ini, NULL, semi, NULL), false);
	expect_clean(&r);
	done(&r);
	free(ini);
}

/* A German-locale Excel CSV: ";", DD.MM.YYYY, "158.501,50 €". */
static void test_german_excel(void **state)
{
	(void)state;
	const char *deals = "deal_id;partner_id;created_on;closed_on;outcome;amount\n"
			    "d1;p1;03.08.2026;15.10.2026;won;158.501,50 \xe2\x82\xac\n"
			    "d2;p1;1.9.2026;;open;1.234,00\n";
	const char *ini_eur = "[program]\nname = T\ncurrency = EUR\n[tier top]\nrank = 1\n"
			      "review_every_days = 7\n[tier rest]\nrank = 2\nreview_every_days = "
			      "30\n";
	char *ini = xasprintf("%s[file deals]\ndate_format = DD.MM.YYYY\ndecimal = ,\n", ini_eur);
	struct run r = load(folder(ini, NULL, deals, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->deals[0].amount, 15850150);
	assert_int_equal(r.m->deals[0].created_on, date_from_ymd(2026, 8, 3));
	assert_int_equal(r.m->deals[0].closed_on, date_from_ymd(2026, 10, 15));
	assert_int_equal(r.m->deals[1].created_on, date_from_ymd(2026, 9, 1));
	assert_int_equal(r.m->deals[1].amount, 123400);
	done(&r);
	free(ini);

	/* without settings: each message names the setting that reads the value */
	r = load(folder(ini_eur, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"deals.csv:2:3: bad date in column \"created_on\": \"03.08.2026\" (expected "
		"YYYY-MM-DD; it reads as DD.MM.YYYY: set date_format = DD.MM.YYYY in a [file "
		"deals] section of program.ini)",
		"deals.csv:2:4: bad date in column \"closed_on\": \"15.10.2026\" (expected "
		"YYYY-MM-DD; it reads as DD.MM.YYYY: set date_format = DD.MM.YYYY in a [file "
		"deals] section of program.ini)",
		"deals.csv:2:6: bad amount in column \"amount\": \"158.501,50 \xe2\x82\xac\" (the "
		"decimal mark here is '.', and the value reads with decimal = ,: add it to a [file "
		"deals] "
		"section of program.ini)",
		"deals.csv:3:3: bad date in column \"created_on\": \"1.9.2026\" (expected "
		"YYYY-MM-DD; it reads as DD.MM.YYYY: set date_format = DD.MM.YYYY in a [file "
		"deals] section of program.ini)",
		"deals.csv:3:6: bad amount in column \"amount\": \"1.234,00\" (the decimal mark "
		"here "
		"is '.', and the value reads with decimal = ,: add it to a [file deals] section of "
		"program.ini)");
	done(&r);
}

/* ---- report footers ---------------------------------------------------------- */

static void test_report_footer(void **state)
{
	(void)state;
	char *deals = xasprintf("%s%s\n"                                 /* lines 1-4, 5 */
				"\"Grand Totals (3 records)\"\n"          /* 6 */
				"\n"                                     /* 7 */
				"\"Confidential Information - Do Not Distribute\"\n"
				"\"Copyright (c) 2000-2026 salesforce.com, inc. All rights "
				"reserved.\"\n"
				",,,,,,\n"                               /* 10: empty fields */
				"\"Generated By:  Jane Doe  11/1/2026 9:14 AM\"\n"
				"\"Northwind Software\"\n",              /* 12 */
				DEAL_HEADER, DEALS_NO_HEADER_ROWS);
	struct run r = load(folder(NULL, NULL, deals, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->rows[FILE_DEALS], 3);
	const struct footer *ft = &r.m->footers[FILE_DEALS];
	assert_int_equal(ft->first_line, 6);
	assert_int_equal(ft->last_line, 12);
	assert_string_equal(ft->text, "Grand Totals (3 records)");
	assert_int_equal(r.m->footers[FILE_PARTNERS].first_line, 0);
	char *s = load_summary(r.m);
	assert_non_null(strstr(s, "  deals.csv         3 rows; report footer skipped, lines 6 to "
				  "12: "
				  "\"Grand Totals (3 records)\"\n"));
	free(s);
	done(&r);
	free(deals);

	/* one-field rows after an empty row, then a data row: they are data */
	deals = xasprintf("%s%s\nGrand Totals\nd9,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n",
			  DEAL_HEADER, DEALS_NO_HEADER_ROWS);
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:6:5: missing value in column \"created_on\"",
		      "deals.csv:6:7: missing value in column \"outcome\"");
	done(&r);
	free(deals);

	/* a one-field row not after an empty row is data too */
	deals = xasprintf("%s%sGrand Totals\n", DEAL_HEADER, DEALS_NO_HEADER_ROWS);
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:5:5: missing value in column \"created_on\"",
		      "deals.csv:5:7: missing value in column \"outcome\"");
	done(&r);
	free(deals);

	/* a footer row with two fields is data */
	deals = xasprintf("%s%s\nGrand Totals,3\n", DEAL_HEADER, DEALS_NO_HEADER_ROWS);
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:6:2: unknown partner in column \"partner_id\": \"3\"",
		      "deals.csv:6:5: missing value in column \"created_on\"",
		      "deals.csv:6:7: missing value in column \"outcome\"");
	done(&r);
	free(deals);
}

/* ---- [columns]: "A | B" and one column feeding several fields ---------------- */

static void test_columns(void **state)
{
	(void)state;
	/* Pipedrive's separate won and lost times; its status feeds outcome and stage */
	char *ini = ini_with("[columns deals]\n"
			     "deal_id = Deal - ID\n"
			     "partner_id = Deal - Partner\n"
			     "created_on = Deal - Deal created\n"
			     "closed_on = Deal - Won time | Deal - Lost time\n"
			     "outcome = Deal - Status\n"
			     "stage = Deal - Status\n"
			     "amount = Deal - Value\n");
	const char *deals =
		"Deal - ID,Deal - Partner,Deal - Status,Deal - Value,Deal - Deal created,"
		"Deal - Won time,Deal - Lost time\n"
		"1,p1,Won,1000,2026-01-05 09:00:00,2026-02-03 10:00:00,\n"
		"2,p1,Lost,200,2026-01-06 09:00:00,,2026-03-04 11:00:00\n"
		"3,p2,Open,300,2026-01-07 09:00:00,,\n";
	struct run r = load(folder(ini, NULL, deals, NULL), false);
	expect_clean(&r);
	assert_int_equal(r.m->deals[0].closed_on, date_from_ymd(2026, 2, 3));
	assert_int_equal(r.m->deals[1].closed_on, date_from_ymd(2026, 3, 4));
	assert_int_equal(r.m->deals[1].outcome, OUTCOME_LOST);
	assert_int_equal(r.m->deals[2].closed_on, DAY_NONE);
	done(&r);

	/* an error names the column that gave the value, at its position */
	deals = "Deal - ID,Deal - Partner,Deal - Status,Deal - Value,Deal - Deal created,"
		"Deal - Won time,Deal - Lost time\n"
		"2,p1,Lost,200,2026-01-06,,2026-13-04\n";
	r = load(folder(ini, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:2:7: bad date in column \"Deal - Lost time\": \"2026-13-04\" "
			  "(not a real date)");
	done(&r);
	/* every listed column must be in the header */
	deals = "Deal - ID,Deal - Partner,Deal - Status,Deal - Value,Deal - Deal created,"
		"Deal - Won time\n"
		"1,p1,Won,1000,2026-01-05,2026-02-03\n";
	r = load(folder(ini, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:1: no column \"Deal - Lost time\" for closed_on = Deal - Won "
			  "time | Deal - Lost time ([columns deals], program.ini line 16); the "
			  "header's columns, closest first: \"Deal - Won time\", \"Deal - "
			  "Status\", "
			  "\"Deal - ID\", \"Deal - Partner\", \"Deal - Value\", "
			  "\"Deal - Deal created\"");
	done(&r);
	free(ini);

	/* column names match case-folded, beyond ASCII too */
	ini = ini_with("[columns partners]\nname = Straße\n");
	const char *partners = "partner_id,STRASSE,tier,joined_on\np1,A,top,2025-01-01\n"
			       "p2,B,rest,2025-01-01\n";
	r = load(folder(ini, partners, NULL, NULL), false);
	expect_clean(&r);
	assert_string_equal(r.m->partners[0].name, "A");
	done(&r);
	free(ini);

	ini = ini_with("[columns deals]\nclosed_on = A |\nstage = A|B|C|D|E|F|G|H|I\n");
	r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r,
		"program.ini:13: bad value for \"closed_on\" in [columns deals]: \"A |\" (expected "
		"the column's name in the file, or names separated by |)",
		"program.ini:14: bad value for \"stage\" in [columns deals]: \"A|B|C|D|E|F|G|H|I\" "
		"(expected at most 8 column names separated by |)");
	done(&r);
	free(ini);
}

/* ---- [values NAME] ------------------------------------------------------------ */

static void test_values(void **state)
{
	(void)state;
	char *ini = ini_with("[values deals]\n"
			     "outcome.won = Closed Won, \"Won, signed\"\n"
			     "outcome.lost = Closed Lost, Geschlossen und verloren\n"
			     "outcome.open = *\n"
			     "attribution.influenced = Partner influenced, Partner assisted\n"
			     "attribution.none = No partner\n"
			     "[values partners]\n"
			     "tier.top = Platinum, Gold\n"
			     "tier.rest = Silver,\n"
			     "  Registered\n");
	const char *partners = "partner_id,name,tier,joined_on\n"
			       "p1,A,platinum,2025-01-01\n"
			       "p2,B,REGISTERED,2025-01-01\n"
			       "p3,C,rest,2025-01-01\n";
	char *deals = deals_with(
		"d1,p1,A,Ann,2026-01-10,2026-02-01,closed won,1,Partner Sourced,\n"   /* built-in */
		"d2,p1,A,Ann,2026-01-10,2026-02-01,\"Won, signed\",1,partner assisted,\n"
		"d3,p1,A,Ann,2026-01-10,2026-02-01,CLOSEDWON,1,,\n"                   /* built-in */
		"d4,p1,A,Ann,2026-01-10,2026-02-01,geschlossen und verloren,1,,\n"
		"d5,p1,A,Ann,2026-01-10,,Needs Analysis,1,,\n"                        /* "*" */
		"d6,,A,Ann,2026-01-10,,,1,No partner,\n"        /* "*" takes the empty value */
		"d7,p2,A,Ann,2026-01-10,2026-02-01,closedlost,1,sourced,\n"
		"d8,p3,A,Ann,2026-01-10,2026-02-01,Won,1,No partner,\n");
	struct run r = load(folder(ini, partners, deals, NULL), false);
	expect_clean(&r);
	const struct model *m = r.m;
	assert_int_equal(m->partners[0].tier, 0);
	assert_int_equal(m->partners[1].tier, 1);
	assert_int_equal(m->partners[2].tier, 1);
	const int outcomes[] = {OUTCOME_WON, OUTCOME_WON, OUTCOME_WON, OUTCOME_LOST, OUTCOME_OPEN,
				OUTCOME_OPEN, OUTCOME_LOST, OUTCOME_WON};
	const int attrs[] = {ATTR_SOURCED, ATTR_INFLUENCED, ATTR_UNTAGGED, ATTR_UNTAGGED,
			     ATTR_UNTAGGED, ATTR_UNTAGGED, ATTR_SOURCED, ATTR_UNTAGGED};
	for (int i = 0; i < 8; i++) {
		assert_int_equal(m->deals[i].outcome, outcomes[i]);
		assert_int_equal(m->deals[i].attribution, attrs[i]);
	}
	done(&r);
	free(deals);
	free(ini);

	/* refused in program.ini: a value listed twice, "*" twice, unknown fields
	 * and values, a file without enum columns */
	ini = ini_with("[values deals]\n"                           /* 12 */
		       "outcome.won = Closed Won, Signed\n"           /* 13 */
		       "outcome.lost = closed won\n"                  /* 14 */
		       "outcome.open = *\n"                           /* 15 */
		       "outcome.lost = *\n"                           /* 16: duplicate key */
		       "attribution.none = *, \"No partner\", *\n"    /* 17 */
		       "outcome.closed = X\n"                         /* 18 */
		       "result.won = X\n"                             /* 19 */
		       "outcome.won.x = Y\n"                          /* 20 */
		       "[values partners]\n"                          /* 21 */
		       "tier.gold = Gold\n"                           /* 22 */
		       "tier.top = \"Gold\n"                          /* 23 */
		       "[values forecast]\n");                        /* 24 */
	r = load(folder(ini, NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r,
		"program.ini:14: \"closed won\" is listed twice for outcome in [values deals] "
		"(also "
		"on line 13): a source value maps to one value",
		"program.ini:16: duplicate key \"outcome.lost\" in [values deals] (first on line "
		"14)",
		"program.ini:17: \"*\" is listed twice for attribution in [values deals] (first on "
		"line 17)",
		"program.ini:18: unknown outcome \"closed\" in [values deals] (expected open, won "
		"or "
		"lost)",
		"program.ini:19: unknown key \"result.won\" in [values deals] (expected "
		"outcome.VALUE "
		"or attribution.VALUE)",
		"program.ini:20: unknown outcome \"won.x\" in [values deals] (expected open, won "
		"or "
		"lost)",
		"program.ini:22: unknown tier \"gold\" in [values partners] (expected top or rest)",
		"program.ini:23: bad value for \"tier.top\" in [values partners]: \"\\\"Gold\" "
		"(expected "
		"a comma-separated list of values, each optionally in double quotes, or *)",
		"program.ini:24: section [values forecast]: forecast.csv has no values to map "
		"(values map the enum columns of partners, deals, reviews, enablement and "
		"tier_changes)");
	done(&r);
	free(ini);
}

/* ---- dates with times and zones ------------------------------------------------ */

static void test_datetimes(void **state)
{
	(void)state;
	char *ini = xasprintf("[program]\nname = T\ntimezone = America/New_York\n"
			      "date_format = MM/DD/YYYY\n[tier top]\nrank = 1\nreview_every_days = "
			      "7\n"
			      "[tier rest]\nrank = 2\nreview_every_days = 30\n");
	char *deals = deals_with(
		/* a UTC instant on the previous local day: 02:30Z is 22:30 EDT the day before */
		"d1,p1,A,Ann,2026-10-01T02:30:00Z,,open,1,,\n"
		/* no zone: the date as written */
		"d2,p1,A,Ann,2026-10-03 14:22,,open,1,,\n"
		"d3,p1,A,Ann,5/18/2026 10:17 AM,,open,1,,\n"
		"d4,p1,A,Ann,2026-08-04T10:35:00.000Z,,open,1,,\n"
		/* 03:30Z on 1 November: 23:30 EDT on 31 October (EST starts at 06:00Z) */
		"d5,p1,A,Ann,2026-11-01T03:30:00+00:00,,open,1,,\n"
		/* an offset: 23:30 at +0100 is 22:30Z, 18:30 EDT the same day */
		"d6,p1,A,Ann,2026-07-09 23:30+0100,,open,1,,\n"
		"d7,p1,A,Ann,1/5/2026,,open,1,,\n");
	struct run r = load(folder(ini, NULL, deals, NULL), false);
	expect_clean(&r);
	const day_t want[] = {date_from_ymd(2026, 9, 30), date_from_ymd(2026, 10, 3),
			      date_from_ymd(2026, 5, 18), date_from_ymd(2026, 8, 4),
			      date_from_ymd(2026, 10, 31), date_from_ymd(2026, 7, 9),
			      date_from_ymd(2026, 1, 5)};
	for (int i = 0; i < 7; i++)
		assert_int_equal(r.m->deals[i].created_on, want[i]);
	assert_string_equal(r.m->program.timezone, "America/New_York");
	done(&r);
	free(deals);

	deals = deals_with("d1,p1,A,Ann,2026-10-03 25:00,,open,1,,\n"
			   "d2,p1,A,Ann,2026-10-03T10:00:00Q,,open,1,,\n");
	r = load(folder(ini, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"deals.csv:2:5: bad date in column \"created_on\": \"2026-10-03 25:00\" (hour out "
		"of "
		"range)",
		"deals.csv:3:5: bad date in column \"created_on\": \"2026-10-03T10:00:00Q\" "
		"(expected "
		"a time zone such as Z, UTC or +02:00 after the time)");
	done(&r);
	free(deals);
	free(ini);

	/* an unknown zone is a program.ini error */
	r = load(folder("[program]\nname = T\ntimezone = Mars/Olympus_Mons\n[tier top]\nrank = 1\n"
			"review_every_days = 7\n", NULL, NULL, NULL), false);
	assert_null(r.m);
	assert_int_equal(r.errors.total, 1);
	char *s = diag_format(&r.errors.items[0]);
	assert_true(!strncmp(s, "program.ini:3: timezone in [program]: unknown time zone "
			     "\"Mars/Olympus_Mons\"", 74));
	free(s);
	done(&r);
}

/* ---- currencies and exchange rates --------------------------------------------- */

static const char *const FX_INI_EXTRA =
	"[fx]\n"
	"EUR = 1.0825\n"
	"jpy = 0.0066\n";

static const char *const FX_CSV =
	"currency,month,rate\n"
	"GBP,2026-08,1.27\n"
	"GBP,2026-10,1.25\n";

static const char *const CUR_DEAL_HEADER =
	"deal_id,partner_id,created_on,closed_on,outcome,amount,currency\n";

static void test_fx_conversion(void **state)
{
	(void)state;
	char *ini = ini_with(FX_INI_EXTRA);
	char *deals = xasprintf(
		"%s"
		/* EUR 1,000.00 x 1.0825 = USD 1,082.50 */
		"d1,p1,2026-09-01,2026-10-05,won,\"1,000.00\",EUR\n"
		/* closed in September: the latest earlier month's rate, August's 1.27 */
		"d2,p1,2026-08-01,2026-09-15,won,100,GBP\n"
		/* closed in October: 1.25 */
		"d3,p1,2026-08-01,2026-10-15,won,100,gbp\n"
		/* JPY 1,500 x 0.0066 = USD 9.90 */
		"d4,p2,2026-09-01,2026-10-01,won,\xc2\xa5" "1500,JPY\n"
		/* GBP 0.02 x 1.25 = 0.025: half a cent, rounded away from zero to 0.03 */
		"d5,p1,2026-08-01,2026-10-20,won,0.02,GBP\n"
		/* no currency: the program's */
		"d6,p2,2026-09-01,2026-10-02,lost,500,\n"
		/* a symbol that agrees with the row's currency: EUR 200 = USD 216.50 */
		"d7,p1,2026-09-01,2026-10-06,won,\xe2\x82\xac" "200,EUR\n"
		/* an open deal: the month it was created, September: 0.10 x 1.27 = 0.127 -> 0.13 */
		"d8,p1,2026-09-03,2026-12-01,open,0.10,GBP\n",
		CUR_DEAL_HEADER);
	const char *forecast = "month,partner_id,amount,currency\n2026-10,p1,1000,EUR\n";
	/* paid in October: GBP 10 x 1.25 = 12.50 */
	const char *incentives = "deal_id,paid_on,amount,currency\nd1,2026-10-10,10,GBP\n";
	struct run r = load(folder(ini, NULL, deals, "fx.csv", FX_CSV, "forecast.csv", forecast,
				   "incentives.csv", incentives, NULL),
			    false);
	expect_clean(&r);
	const struct model *m = r.m;
	const cents_t want[] = {108250, 12700, 12500, 990, 3, 50000, 21650, 13};
	for (int i = 0; i < 8; i++)
		assert_int_equal(m->deals[i].amount, want[i]);
	assert_int_equal(m->forecasts[0].amount, 108250);
	assert_int_equal(m->incentives[0].amount, 1250);
	assert_int_equal(m->rows[FILE_FX], 2);
	/* the rates used, by currency then month, with their rows */
	assert_int_equal(m->n_fx, 4);
	assert_string_equal(m->fx[0].currency, "EUR");
	assert_int_equal(m->fx[0].month, -1);
	assert_int_equal(m->fx[0].rate_num, 10825);
	assert_int_equal(m->fx[0].rate_scale, 4);
	assert_int_equal(m->fx[0].rows, 3);  /* d1, d7 and the forecast */
	assert_string_equal(m->fx[1].currency, "GBP");
	assert_int_equal(m->fx[1].month, 2026 * 12 + 7);
	assert_int_equal(m->fx[1].rows, 2);  /* d2, d8 */
	assert_int_equal(m->fx[2].month, 2026 * 12 + 9);
	assert_int_equal(m->fx[2].rows, 3);  /* d3, d5 and the incentive */
	assert_string_equal(m->fx[3].currency, "JPY");
	assert_int_equal(m->fx[3].rows, 1);
	char *s = load_summary(m);
	assert_non_null(strstr(s, "exchange rates used:\n"
				  "  EUR fixed: 1.0825 USD per EUR, 3 rows\n"
				  "  GBP 2026-08: 1.27 USD per GBP, 2 rows\n"
				  "  GBP 2026-10: 1.25 USD per GBP, 3 rows\n"
				  "  JPY fixed: 0.0066 USD per JPY, 1 row\n"));
	free(s);
	done(&r);
	free(deals);

	/* a currency with no rate for the row's month stops the build naming both;
	 * a symbol that disagrees; a code that is not one */
	deals = xasprintf("%s"
			  "d1,p1,2026-07-01,2026-07-20,won,10,GBP\n"
			  "d2,p1,2026-09-01,2026-10-05,won,$300,EUR\n"
			  "d3,p1,2026-09-01,2026-10-05,won,300,Euro\n"
			  "d4,p1,2026-09-01,2026-10-05,won,300,CHF\n",
			  CUR_DEAL_HEADER);
	r = load(folder(ini, NULL, deals, "fx.csv", FX_CSV, NULL), false);
	EXPECT_ERRORS(&r,
		"deals.csv:2:7: no exchange rate for GBP in 2026-07: add GBP = RATE to [fx] in "
		"program.ini, or a row GBP,2026-07,RATE to fx.csv",
		"deals.csv:3:6: amount \"$300\" in column \"amount\" is in $, but the row's "
		"currency "
		"is EUR",
		"deals.csv:4:7: bad currency in column \"currency\": \"Euro\" (expected an ISO "
		"4217 "
		"code such as EUR)",
		"deals.csv:5:7: no exchange rate for CHF in 2026-10: add CHF = RATE to [fx] in "
		"program.ini, or a row CHF,2026-10,RATE to fx.csv");
	done(&r);
	free(deals);
	free(ini);

	/* rates refused: in both places, twice a month, for the program's currency */
	ini = ini_with("[fx]\nEUR = 1.08\nUSD = 1\nEURO = 2\nGBP = 1,2\n");
	const char *fx = "currency,month,rate\nEUR,2026-09,1.1\nCAD,2026-09,0.7\nCAD,2026-09,0.8\n"
			 "usd,2026-09,1\nCAD,2026-10,-1\n";
	r = load(folder(ini, NULL, NULL, "fx.csv", fx, NULL), false);
	EXPECT_ERRORS(&r,
		"program.ini:14: USD is the program's currency: it needs no rate in [fx]",
		"program.ini:15: unknown key \"EURO\" in [fx] (expected an ISO 4217 currency code "
		"such as EUR)",
		"program.ini:16: bad value for \"GBP\" in [fx]: \"1,2\" (expected a positive "
		"decimal "
		"rate such as 1.0825; the rate is program-currency units per unit of GBP)",
		"fx.csv:2:1: EUR also has a fixed rate in [fx] (program.ini line 13): keep one of "
		"the two",
		"fx.csv:4:2: second rate for CAD in 2026-09 (first on line 3)",
		"fx.csv:5:1: USD is the program's currency: it needs no rate",
		"fx.csv:6:3: bad rate in column \"rate\": \"-1\" (expected a positive decimal rate "
		"such as 1.0825; the rate is program-currency units per unit)");
	done(&r);
	free(ini);
}

/* ---- unknown amounts, expected close dates -------------------------------------- */

static void test_unknown_amounts_and_expected_close(void **state)
{
	(void)state;
	char *deals = deals_with("d1,p1,A,Ann,2026-01-10,2027-03-01,open,,sourced,\n"
				 "d2,p1,A,Ann,2026-01-10,2026-02-01,lost,,sourced,\n"
				 "d3,p1,A,Ann,2026-01-10,2026-02-01,won,5,sourced,\n");
	struct run r = load(folder(NULL, NULL, deals, NULL), false);
	expect_clean(&r);
	const struct model *m = r.m;
	assert_true(m->deals[0].amount_unknown);
	assert_int_equal(m->deals[0].amount, 0);
	assert_int_equal(m->deals[0].closed_on, DAY_NONE);  /* the expected close is not kept */
	assert_true(m->deals[1].amount_unknown);
	assert_false(m->deals[2].amount_unknown);
	assert_int_equal(m->unknown_amounts[FILE_DEALS], 2);
	assert_int_equal(m->latest_deal_day, date_from_ymd(2026, 2, 1));  /* not 2027 */
	char *s = load_summary(m);
	assert_non_null(strstr(s, "  deals.csv         3 rows, 2 with no amount\n"));
	free(s);
	done(&r);
	free(deals);

	/* an expected close date is still a date; an open deal's may be any day */
	deals = deals_with("d1,p1,A,Ann,2026-01-10,someday,open,1,sourced,\n"
			   "d2,p1,A,Ann,2026-01-10,2025-12-01,open,1,sourced,\n");
	r = load(folder(NULL, NULL, deals, NULL), false);
	EXPECT_ERRORS(&r, "deals.csv:2:6: bad date in column \"closed_on\": \"someday\" (expected "
			  "YYYY-MM-DD)");
	done(&r);
	free(deals);
}

/* ---- partner references ------------------------------------------------------------ */

static void test_partner_references(void **state)
{
	(void)state;
	const char *partners = "partner_id,name,tier,joined_on\n"
			       "0015g00000AbCdE,M\xc3\xbcller GmbH,top,2025-01-01\n"
			       "0015g00000XyZaBAAZ,Beta,rest,2025-01-01\n"
			       "p3, Acme ,rest,2025-01-01\n"
			       "p4,ACME,rest,2025-01-01\n"
			       "Gamma,Delta,rest,2025-01-01\n";
	char *deals = deals_with(
		/* an 18-character id of a 15-character one */
		"d1,0015g00000AbCdEIAU,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
		/* a 15-character id of an 18-character one */
		"d2,0015g00000XyZaB,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
		/* a name, trimmed and case-folded beyond ASCII */
		"d3,  M\xc3\x9cLLER GMBH ,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
		/* an id wins over a name */
		"d4,Gamma,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
		"d5,delta,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n");
	struct run r = load(folder(NULL, partners, deals, NULL), false);
	expect_clean(&r);
	const int want[] = {0, 1, 0, 4, 4};
	for (int i = 0; i < 5; i++)
		assert_int_equal(r.m->deals[i].partner, want[i]);
	done(&r);
	free(deals);

	/* a name two partners share; an id that differs in case is not an id */
	deals = deals_with("d1,acme,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n"
			   "d2,0015G00000ABCDEIAU,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n");
	r = load(folder(NULL, partners, deals, NULL), false);
	EXPECT_ERRORS(&r,
		"deals.csv:2:2: partner name \"acme\" in column \"partner_id\" names two partners: "
		"\"p3\" (line 4) and \"p4\" (line 5); use the partner_id",
		"deals.csv:3:2: unknown partner in column \"partner_id\": \"0015G00000ABCDEIAU\"");
	done(&r);
	free(deals);
}

/* ---- the --skip-bad-rows guard --------------------------------------------------- */

static void test_skip_guard(void **state)
{
	(void)state;
	/* 20 deals: dropping 1 is 5% (allowed), 2 is 10% (refused) */
	struct buf b = {0};
	buf_puts(&b, DEAL_HEADER);
	for (int i = 0; i < 18; i++)
		buf_printf(&b, "d%d,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n", i);
	buf_puts(&b, "x1,p1,A,Ann,2026-01-10,2026-02-01,won,TBD,sourced,\n");
	size_t keep = b.len;
	buf_puts(&b, "x2,p1,A,Ann,2026-01-10,2026-02-01,won,1,sourced,\n");
	struct run r = load(folder(NULL, NULL, buf_cstr(&b), NULL), true);
	expect_clean(&r);
	assert_int_equal(r.m->n_deals, 19);
	assert_int_equal(r.m->dropped[FILE_DEALS], 1);
	done(&r);

	b.len = keep;
	buf_puts(&b, "x2,p1,A,Ann,2026-01-10,2026-02-01,won,1,referral,\n");
	r = load(folder(NULL, NULL, buf_cstr(&b), NULL), true);
	EXPECT_ERRORS(&r,
		"deals.csv: --skip-bad-rows would drop 2 of its 20 rows, more than "
		"max_skipped_share = 0.05 allows (in [program]): fix the rows, or raise "
		"max_skipped_share",
		"deals.csv:20:8: bad amount in column \"amount\": \"TBD\" (expected a number such "
		"as "
		"12500.50)",
		"deals.csv:21:9: bad attribution in column \"attribution\": \"referral\" (expected "
		"sourced or influenced; or map it: add attribution.none = referral to [values "
		"deals])");
	done(&r);

	/* raised in program.ini */
	char *ini = xasprintf("[program]\nname = T\nmax_skipped_share = 0.1\n[tier top]\nrank = 1\n"
			      "review_every_days = 7\n[tier rest]\nrank = 2\nreview_every_days = "
			      "30\n");
	r = load(folder(ini, NULL, buf_cstr(&b), NULL), true);
	expect_clean(&r);
	assert_int_equal(r.m->dropped[FILE_DEALS], 2);
	assert_true(r.m->program.max_skipped_share == 0.1);
	done(&r);
	free(ini);
	r = load(folder("[program]\nname = T\nmax_skipped_share = 5%\n[tier top]\nrank = 1\n"
			"review_every_days = 7\n[tier rest]\nrank = 2\nreview_every_days = 30\n",
			NULL, NULL, NULL), false);
	EXPECT_ERRORS(&r, "program.ini:3: bad value for \"max_skipped_share\" in [program]: \"5%\" "
			  "(expected a fraction from 0 to 1, e.g. 0.05)");
	done(&r);
	buf_free(&b);
}

/* examples/salesforce: the Northwind program as report exports */
static void test_salesforce_example(void **state)
{
	(void)state;
	struct run r = load_example("salesforce");
	expect_clean(&r);
	const struct model *m = r.m;
	assert_int_equal(m->n_partners, 20);
	assert_int_equal(m->n_deals, 3000);
	for (int f = FILE_PARTNERS; f < FILE_FX; f++) {
		assert_true(m->present[f]);
		assert_true(m->footers[f].first_line > 0);  /* every report has its footer */
	}
	assert_true(m->present[FILE_FX]); /* fx.csv, the program office's month-end rates */
	assert_string_equal(m->source[FILE_DEALS], "Partner Opportunities-2026-11-01-08-00-00.csv");
	assert_int_equal(strlen(m->partners[0].id), 18);
	/* each EUR and GBP deal at its month's rate (1.0825 and 1.27 every
	 * month): the 324 and 201 of examples/README.md */
	size_t eur = 0, gbp = 0;
	for (size_t i = 0; i < m->n_fx; i++) {
		const struct fx_use *u = &m->fx[i];
		bool is_eur = !strcmp(u->currency, "EUR");
		assert_true(is_eur || !strcmp(u->currency, "GBP"));
		assert_true(u->month >= 0); /* a month's rate, not a fixed one */
		assert_int_equal(u->rate_num, is_eur ? 10825 : 127);
		assert_int_equal(u->rate_scale, is_eur ? 4 : 2);
		*(is_eur ? &eur : &gbp) += u->rows;
	}
	assert_int_equal(eur, 324);
	assert_int_equal(gbp, 201);
	assert_int_equal(m->skipped.total, 0);
	model_free(r.m);
	diag_clear(&r.errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_paths),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_delimiters),
		cmocka_unit_test(test_german_excel),
		cmocka_unit_test(test_report_footer),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_datetimes),
		cmocka_unit_test(test_fx_conversion),
		cmocka_unit_test(test_unknown_amounts_and_expected_close),
		cmocka_unit_test(test_partner_references),
		cmocka_unit_test(test_skip_guard),
		cmocka_unit_test(test_salesforce_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
