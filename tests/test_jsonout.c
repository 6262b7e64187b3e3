/* Unit tests of jsonout: the text of every JSON type, empty and nested
 * containers indented by two spaces, keys in insertion order, and reals
 * in their shortest round-trip form (non-finite ones as null). */
#include "testutil.h"

#include "jsonout.h"

#include <math.h>

static void numbers(void **state)
{
	char s[32];
	jsonout_number(NAN, s);
	assert_string_equal(s, "null");
	jsonout_number(INFINITY, s);
	assert_string_equal(s, "null");
	jsonout_number(-INFINITY, s);
	assert_string_equal(s, "null");
	jsonout_number(1e21, s);
	assert_string_equal(s, "1e+21");
	jsonout_number(0.1 + 0.2, s); /* 0.30000000000000004: 17 digits to read back */
	assert_string_equal(s, "0.30000000000000004");
}

/* The fewest significant digits that read back, tried one by one. */
static void fewest_digits(double d, char out[32])
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

/* jsonout_number finds its digits by halving the range of precisions: on
 * the kinds of value metrics.json holds (ratios of counts, money, shares),
 * every power of two and random bit patterns, it gives what trying each
 * precision in turn gives. */
static void numbers_fewest_digits(void **state)
{
	(void)state;
	char want[32], have[32];
	size_t tried = 0;
	for (long a = 0; a <= 400; a++)
		for (long b = 1; b <= 400; b++) {
			double vals[] = {(double)a / (double)b, (double)a * 1000.37 / (double)b,
					 -(double)a / (double)b, (double)(a * 100 + b) / 100.0};
			for (size_t i = 0; i < 4; i++, tried++) {
				fewest_digits(vals[i], want);
				jsonout_number(vals[i], have);
				if (vals[i] != 0 && strcmp(have, want))
					fail_msg("%.17g: %s, one by one %s", vals[i], have, want);
			}
		}
	for (int e = -1074; e <= 1023; e++, tried++) {
		double d = ldexp(1.0, e);
		fewest_digits(d, want);
		jsonout_number(d, have);
		if (strcmp(have, want))
			fail_msg("2^%d: %s, one by one %s", e, have, want);
	}
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		double d;
		memcpy(&d, &x, sizeof d);
		if (!isfinite(d) || d == 0)
			continue;
		tried++;
		fewest_digits(d, want);
		jsonout_number(d, have);
		if (strcmp(have, want))
			fail_msg("%a: %s, one by one %s", d, have, want);
	}
	assert_true(tried > 800000);
}

static char *dump(json_t *v)
{
	struct buf b = {0};
	jsonout_dump(v, &b);
	json_decref(v);
	return buf_detach(&b);
}

static void every_type(void **state)
{
	/* keys stay in the order they were set, not sorted */
	json_t *o = json_object();
	json_object_set_new(o, "z", json_integer(-12));
	json_object_set_new(o, "a", json_real(2.5));
	json_object_set_new(o, "s", json_string("say \"hi\"\n"));
	json_object_set_new(o, "t", json_true());
	json_object_set_new(o, "f", json_false());
	json_object_set_new(o, "n", json_null());
	json_object_set_new(o, "empty_object", json_object());
	json_object_set_new(o, "empty_array", json_array());
	json_t *arr = json_array();
	json_array_append_new(arr, json_integer(1));
	json_t *inner = json_object();
	json_object_set_new(inner, "k", json_array());
	json_array_append_new(arr, inner);
	json_object_set_new(o, "list", arr);
	char *s = dump(o);
	assert_string_equal(s, "{\n"
			       "  \"z\": -12,\n"
			       "  \"a\": 2.5,\n"
			       "  \"s\": \"say \\\"hi\\\"\\n\",\n"
			       "  \"t\": true,\n"
			       "  \"f\": false,\n"
			       "  \"n\": null,\n"
			       "  \"empty_object\": {},\n"
			       "  \"empty_array\": [],\n"
			       "  \"list\": [\n"
			       "    1,\n"
			       "    {\n"
			       "      \"k\": []\n"
			       "    }\n"
			       "  ]\n"
			       "}\n");
	free(s);
	s = dump(json_object());
	assert_string_equal(s, "{}\n");
	free(s);
	/* a string holding a NUL keeps its full length */
	s = dump(json_stringn("a\0b", 3));
	assert_string_equal(s, "\"a\\u0000b\"\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(numbers_fewest_digits),
		cmocka_unit_test(every_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
