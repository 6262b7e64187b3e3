/* jsonout: writes a jansson tree as stable, readable JSON: keys in
 * insertion order, two-space indentation, and every real number in its
 * shortest form that reads back to the same double (0.1, not
 * 0.10000000000000001), so money shows at most its two decimals. */
#ifndef REVIEWPACK_JSONOUT_H
#define REVIEWPACK_JSONOUT_H

#include <jansson.h>

#include "util.h"

/* Append the JSON text of v (and a final newline) to out. */
void jsonout_dump(const json_t *v, struct buf *out);
/* Shortest decimal text of d that reads back as d ("1.5", "85", "1e+21");
 * out must hold 32 bytes. Non-finite values are written as "null". */
void jsonout_number(double d, char out[32]);

#endif
