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
		cmocka_unit_test(every_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
