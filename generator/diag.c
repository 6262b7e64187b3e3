/* diag: collects data errors and warnings with their place in the input,
 * keeps the first DIAG_MAX of them and counts all; formats them for a
 * terminal or a page with every control character escaped. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

size_t diag_control_at(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (!n)
		return 0;
	if (s[0] < 0x20 || s[0] == 0x7f) {
		*cp = s[0];
		return 1;
	}
	if (n >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
		*cp = s[1];
		return 2;
	}
	if (n >= 3 && s[0] == 0xe2 && ((s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
				       (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9))) {
		*cp = 0x2000u | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	return 0;
}

void diag_put_text(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	while (n) {
		uint32_t cp;
		size_t k = diag_control_at(p, n, &cp);
		if (k) {
			if (cp == '\n')
				buf_puts(b, "\\n");
			else if (cp == '\r')
				buf_puts(b, "\\r");
			else if (cp == '\t')
				buf_puts(b, "\\t");
			else if (k == 1)
				buf_printf(b, "\\x%02x", (unsigned)cp);
			else
				buf_printf(b, "\\u%04x", (unsigned)cp);
		} else if ((k = utf8_seq_len(p, n))) {
			buf_add(b, p, k);
		} else {
			buf_printf(b, "\\x%02x", p[0]);
			k = 1;
		}
		p += k;
		n -= k;
	}
}

char *diag_format(const struct diag *d)
{
	struct buf b = {0};
	diag_put_text(&b, d->file);
	if (d->line > 0)
		buf_printf(&b, ":%ld", d->line);
	if (d->line > 0 && d->column > 0)
		buf_printf(&b, ":%ld", d->column);
	if (d->file[0] || d->line > 0)
		buf_puts(&b, ": ");
	diag_put_text(&b, d->message);
	return buf_detach(&b);
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
