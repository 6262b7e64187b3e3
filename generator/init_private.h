/* init_private: what init's three files share, and no other stage uses:
 * init_scan.c reads a file, init.c plans a folder, init_write.c writes
 * program.ini. */
#ifndef REVIEWPACK_INIT_PRIVATE_H
#define REVIEWPACK_INIT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "decode.h"
#include "util.h"

/* A row of a CSV file: its trimmed fields, in one arena. */
struct init_field_ref {
	size_t off, len;
	bool cut;                 /* longer than the bytes kept of a field */
};
struct init_row {
	struct buf arena;
	struct init_field_ref *f;
	size_t n, cap;
};
/* Field i of r, NUL-terminated; owned by r, valid during the call. */
const char *init_row_field(const struct init_row *r, size_t i);

/* Called for each row, the header (index 0) included. */
typedef void (*init_row_fn)(void *ctx, const struct init_row *r, size_t index);

/* Decode bytes[0..n) in encoding (NULL: UTF-8, unless a byte-order mark
 * says otherwise) and hand each CSV row to fn. *delim 0: sniffed from the
 * header line, and set. out_enc gets the encoding read, as program.ini
 * names it ("utf-8", "utf-16", or the name given). On a decoding error
 * returns false with *e; the rows before it were handed out. */
bool init_read_rows(const unsigned char *bytes, size_t n, const char *encoding, char *delim,
		    char out_enc[16], init_row_fn fn, void *ctx, struct decode_error *e);

/* s[0..n) folded for case-insensitive comparison (Unicode simple case
 * folding through glib, as the loader folds) into out, NUL-terminated. */
void init_fold(struct buf *out, const char *s, size_t n);

static inline bool init_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* "MM/DD/YYYY", "DD/MM/YYYY", "DD.MM.YYYY" or "YYYY-MM-DD"; static. */
const char *init_date_format_name(enum date_format f);

#endif
