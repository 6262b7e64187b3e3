/* Unit tests of diag: each shape of location in a message, the list
 * keeping its first entries and counting the rest, and printing them. */
#include "testutil.h"

#include "diag.h"

static void shapes(void **state)
{
	struct diag_list l = {0};
	diag_add(&l, "deals.csv", 4, 8, "bad amount \"%s\"", "12x");
	diag_add(&l, "deals.csv", 7, 0, "row has %d columns", 3);
	diag_add(&l, "program.ini", 0, 0, "missing [program]");
	diag_add(&l, NULL, 0, 0, "no data");
	const char *want[] = {"deals.csv:4:8: bad amount \"12x\"", "deals.csv:7: row has 3 columns",
			      "program.ini: missing [program]", "no data"};
	assert_int_equal(l.n, 4);
	for (size_t i = 0; i < l.n; i++) {
		char *s = diag_format(&l.items[i]);
		assert_string_equal(s, want[i]);
		free(s);
	}
	diag_clear(&l);
	assert_true(l.n == 0 && l.total == 0 && !l.items);
	diag_clear(NULL);
}

static void keeps_the_first(void **state)
{
	struct diag_list l = {.max = 2};
	for (int i = 1; i <= 5; i++)
		diag_add(&l, "deals.csv", i + 1, 1, "error %d", i);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.total, 5);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	diag_print(&l, f, "errors");
	fclose(f);
	assert_string_equal(text, "reviewpack: deals.csv:2:1: error 1\n"
				  "reviewpack: deals.csv:3:1: error 2\n"
				  "reviewpack: ... and 3 more errors\n");
	free(text);
	diag_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shapes),
		cmocka_unit_test(keeps_the_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
