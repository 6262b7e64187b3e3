/* diag: collects data errors and warnings with their place in the input,
 * keeps the first DIAG_MAX of them and counts all. */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>

void diag_add(struct diag_list *l, const char *file, long line, long column, const char *fmt, ...)
{
	l->total++;
	size_t max = l->max ? l->max : DIAG_MAX;
	if (l->n >= max)
		return;
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	GROW(l->items, l->cap, l->n + 1);
	struct diag *d = &l->items[l->n++];
	d->file = xstrdup(file ? file : "");
	d->line = line;
	d->column = column;
	d->message = buf_detach(&b);
}

char *diag_format(const struct diag *d)
{
	if (d->line > 0 && d->column > 0)
		return xasprintf("%s:%ld:%ld: %s", d->file, d->line, d->column, d->message);
	if (d->line > 0)
		return xasprintf("%s:%ld: %s", d->file, d->line, d->message);
	if (d->file[0])
		return xasprintf("%s: %s", d->file, d->message);
	return xstrdup(d->message);
}

void diag_print(const struct diag_list *l, FILE *out, const char *what)
{
	for (size_t i = 0; i < l->n; i++) {
		char *s = diag_format(&l->items[i]);
		fprintf(out, "reviewpack: %s\n", s);
		free(s);
	}
	if (l->total > l->n)
		fprintf(out, "reviewpack: ... and %zu more %s\n", l->total - l->n, what);
}

void diag_clear(struct diag_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].file);
		free(l->items[i].message);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->cap = l->total = 0;
}
