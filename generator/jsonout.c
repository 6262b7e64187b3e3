/* jsonout: consumes a jansson tree, produces its JSON text with keys in
 * insertion order and reals in shortest round-trip form. Refuses nothing;
 * non-finite reals (which jansson cannot hold anyway) become null. */
#include "jsonout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jsonout_number(double d, char out[32])
{
	if (!isfinite(d)) {
		strcpy(out, "null");
		return;
	}
	if (d == 0) {
		strcpy(out, "0");
		return;
	}
	/* the fewest significant digits that read back as d: a precision
	 * that does, does with more digits too, so the fewest is found by
	 * halving 1..17 (17 always does) */
	unsigned lo = 1, hi = 17;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2 % 18; /* within 1..17 (the compiler cannot see it) */
		snprintf(out, 32, "%.*g", (int)mid, d);
		if (strtod(out, NULL) == d)
			hi = mid;
		else
			lo = mid + 1;
	}
	snprintf(out, 32, "%.*g", (int)(lo % 18), d);
}

static void indent(struct buf *out, int depth)
{
	buf_putc(out, '\n');
	for (int i = 0; i < depth; i++)
		buf_puts(out, "  ");
}

static void string(struct buf *out, const char *s, size_t len)
{
	json_t *tmp = json_stringn_nocheck(s, len);
	char *text = json_dumps(tmp, JSON_ENCODE_ANY);
	buf_puts(out, text);
	free(text);
	json_decref(tmp);
}

static void dump(const json_t *v, struct buf *out, int depth)
{
	char num[32];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		if (!json_object_size(v)) {
			buf_puts(out, "{}");
			break;
		}
		buf_putc(out, '{');
		int first = 1;
		json_object_foreach((json_t *)v, key, val) {
			if (!first)
				buf_putc(out, ',');
			first = 0;
			indent(out, depth + 1);
			string(out, key, strlen(key));
			buf_puts(out, ": ");
			dump(val, out, depth + 1);
		}
		indent(out, depth);
		buf_putc(out, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *val;
		if (!json_array_size(v)) {
			buf_puts(out, "[]");
			break;
		}
		buf_putc(out, '[');
		json_array_foreach((json_t *)v, i, val) {
			if (i)
				buf_putc(out, ',');
			indent(out, depth + 1);
			dump(val, out, depth + 1);
		}
		indent(out, depth);
		buf_putc(out, ']');
		break;
	}
	case JSON_STRING:
		string(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		jsonout_number(json_real_value(v), num);
		buf_puts(out, num);
		break;
	case JSON_TRUE:
		buf_puts(out, "true");
		break;
	case JSON_FALSE:
		buf_puts(out, "false");
		break;
	case JSON_NULL:
		buf_puts(out, "null");
		break;
	}
}

void jsonout_dump(const json_t *v, struct buf *out)
{
	dump(v, out, 0);
	buf_putc(out, '\n');
}
