/* diag: collected data errors and warnings, each with file, line and
 * column. A list keeps the first DIAG_MAX entries and counts the rest.
 * Text leaving through diag (diag_format, diag_print, diag_put_text) never
 * carries a raw control character: each is shown escaped. */
#ifndef REVIEWPACK_DIAG_H
#define REVIEWPACK_DIAG_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define DIAG_MAX 50

struct diag {
	char *file;     /* base name, e.g. "deals.csv" */
	long line;      /* 1-based; 0 when the whole file is concerned */
	long column;    /* 1-based; 0 when the whole line is concerned */
	char *message;  /* lower-case, no trailing full stop */
};

struct diag_list {
	struct diag *items;
	size_t n, cap;
	size_t total;   /* all reported, including those beyond the first DIAG_MAX */
	size_t max;     /* entries kept; 0 means DIAG_MAX */
};

/* Record one entry (the message is printf-formatted). */
void diag_add(struct diag_list *l, const char *file, long line, long column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* "FILE:LINE:COLUMN: message" (LINE/COLUMN left out when 0), control
 * characters escaped as diag_put_text does; caller frees. */
char *diag_format(const struct diag *d);
/* Print every kept entry as "reviewpack: FILE:LINE:COLUMN: message" and,
 * when some were not kept, "reviewpack: ... and N more errors". */
void diag_print(const struct diag_list *l, FILE *out, const char *what);
/* Free the entries (accepts NULL); the list is left empty and reusable. */
void diag_clear(struct diag_list *l);

/* The control character at s[0..n): a C0 control (U+0000 to U+001F), DEL,
 * a C1 control (U+0080 to U+009F, as UTF-8) or a bidirectional embedding,
 * override or isolate (U+202A to U+202E, U+2066 to U+2069). Returns its
 * length in bytes (1 to 3) with its code point in *cp, or 0 when s does
 * not start with one. */
size_t diag_control_at(const unsigned char *s, size_t n, uint32_t *cp);
/* Append s with every control character of diag_control_at escaped (\n,
 * \r, \t, \xNN for the other C0 controls and DEL, \uNNNN for C1 and bidi
 * controls) and every byte that is not valid UTF-8 as \xNN; the rest of
 * the text as is. s may be NULL. */
void diag_put_text(struct buf *b, const char *s);

#endif
