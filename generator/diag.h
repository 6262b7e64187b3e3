/* diag: collected data errors and warnings, each with file, line and
 * column. A list keeps the first DIAG_MAX entries and counts the rest. */
#ifndef REVIEWPACK_DIAG_H
#define REVIEWPACK_DIAG_H

#include <stdio.h>
#include <stddef.h>

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
/* "FILE:LINE:COLUMN: message" (LINE/COLUMN left out when 0); caller frees. */
char *diag_format(const struct diag *d);
/* Print every kept entry as "reviewpack: FILE:LINE:COLUMN: message" and,
 * when some were not kept, "reviewpack: ... and N more errors". */
void diag_print(const struct diag_list *l, FILE *out, const char *what);
/* Free the entries (accepts NULL); the list is left empty and reusable. */
void diag_clear(struct diag_list *l);

#endif
