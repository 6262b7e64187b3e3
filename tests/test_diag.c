/* Unit tests of diag: entries kept and counted, their text format, and
 * that no control character leaves through it raw. */
#include "testutil.h"

#include "diag.h"

static char *text(const char *s)
{
	struct buf b = {0};
	diag_put_text(&b, s);
	return buf_detach(&b);
}

static void controls(void **state)
{
	uint32_t cp;
	const unsigned char *u = (const unsigned char *)"\x01\x7f\xc2\x85\xc2\xa0\xe2\x80\xae"
				 "\xe2\x80\xa9\xe2\x81\xa9\xe2\x81\xaa";
	assert_int_equal(diag_control_at(u, 1, &cp), 1);
	assert_int_equal(cp, 1);
	assert_int_equal(diag_control_at(u + 1, 1, &cp), 1);
	assert_int_equal(cp, 0x7f);
	assert_int_equal(diag_control_at(u + 2, 2, &cp), 2);
	assert_int_equal(cp, 0x85);
	assert_int_equal(diag_control_at(u + 4, 2, &cp), 0);   /* U+00A0: a space, not a control */
	assert_int_equal(diag_control_at(u + 6, 3, &cp), 3);
	assert_int_equal(cp, 0x202e);
	assert_int_equal(diag_control_at(u + 9, 3, &cp), 0);   /* U+2029: not in the ranges */
	assert_int_equal(diag_control_at(u + 12, 3, &cp), 3);
	assert_int_equal(cp, 0x2069);
	assert_int_equal(diag_control_at(u + 15, 3, &cp), 0);  /* U+206A */
	assert_int_equal(diag_control_at(u + 6, 2, &cp), 0);   /* cut short */
	assert_int_equal(diag_control_at((const unsigned char *)"a", 1, &cp), 0);
	assert_int_equal(diag_control_at(u, 0, &cp), 0);                               /* nothing */
	assert_int_equal(diag_control_at((const unsigned char *)"\xc2\x41", 2, &cp), 0); /* not C1 */
	assert_int_equal(diag_control_at((const unsigned char *)"\xe2\x80\xaf", 3, &cp), 0); /* U+202F */
	assert_int_equal(diag_control_at((const unsigned char *)"\xe2\x81\xa5", 3, &cp), 0); /* U+2065 */
	assert_int_equal(diag_control_at((const unsigned char *)"\xe2\x81\xa6", 3, &cp), 3); /* U+2066 */
	assert_int_equal(cp, 0x2066);
}

static void escaped_text(void **state)
{
	char *s = text("a\tb\nc\rd\x1b[31me\x7f\xc2\x9b\xe2\x80\xaeok M\xc3\xbcller \\x \xff.");
	assert_string_equal(s, "a\\tb\\nc\\rd\\x1b[31me\\x7f\\u009b\\u202eok M\xc3\xbcller \\x \\xff.");
	free(s);
	s = text(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void formats_as(const struct diag *d, const char *want)
{
	char *s = diag_format(d);
	assert_string_equal(s, want);
	free(s);
}

static void format_and_print(void **state)
{
	struct diag_list l = {0};
	diag_add(&l, "deals.csv", 4, 2, "bad \x1b]0;title\x07 value");
	diag_add(&l, "a\nb.csv", 0, 0, "whole file");
	diag_add(&l, "x.csv", 3, 0, "line");
	diag_add(&l, "", 0, 0, "no place");
	formats_as(&l.items[0], "deals.csv:4:2: bad \\x1b]0;title\\x07 value");
	formats_as(&l.items[1], "a\\nb.csv: whole file");
	formats_as(&l.items[2], "x.csv:3: line");
	formats_as(&l.items[3], "no place");

	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	diag_print(&l, f, "errors");
	fclose(f);
	for (size_t i = 0; i < len; i++)
		if (out[i] != '\n')
			assert_false((unsigned char)out[i] < 0x20 || out[i] == 0x7f);
	assert_non_null(strstr(out, "reviewpack: deals.csv:4:2: bad \\x1b]0;title\\x07 value\n"));
	free(out);
	diag_clear(&l);
}

/* An entry with no file: its message alone, or its line after an empty
 * FILE ("FILE:LINE: message" with FILE empty). */
static void no_file(void **state)
{
	struct diag_list l = {0};
	diag_add(&l, NULL, 0, 0, "no data for %s", "2026-10");
	diag_add(&l, NULL, 3, 0, "line");
	assert_string_equal(l.items[0].file, "");
	formats_as(&l.items[0], "no data for 2026-10");
	formats_as(&l.items[1], ":3: line");
	diag_clear(&l);
}

static void kept_and_counted(void **state)
{
	struct diag_list l = {.max = 2};
	for (int i = 0; i < 5; i++)
		diag_add(&l, "f", i + 1, 0, "e%d", i);
	diag_add(&l, NULL, 0, 0, "no file"); /* counted, not kept */
	assert_int_equal(l.n, 2);
	assert_int_equal(l.total, 6);
	/* The kept entries, then how many more there were. */
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	diag_print(&l, f, "errors");
	fclose(f);
	assert_string_equal(out, "reviewpack: f:1: e0\nreviewpack: f:2: e1\nreviewpack: ... and 4 more errors\n");
	free(out);
	diag_clear(&l);
	assert_int_equal(l.n, 0);
	diag_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(controls),
		cmocka_unit_test(escaped_text),
		cmocka_unit_test(format_and_print),
		cmocka_unit_test(no_file),
		cmocka_unit_test(kept_and_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
