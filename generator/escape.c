/* escape: consumes any NUL-terminated text (a data value) and produces it
 * escaped for HTML text and attributes or for inline CommonMark/GFM. It
 * refuses nothing: every input has a safe output; invalid UTF-8 is left to
 * the consumer (cmark replaces it). */
#include "escape.h"

#include <stdbool.h>
#include <string.h>

static void html(struct buf *out, const char *s, bool one_line)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (!one_line)
				continue;
			if (*s == '|')
				rep = "&#124;";
			else if ((unsigned char)*s < 0x20 || *s == 0x7f)
				rep = " ";
			else
				continue;
		}
		buf_add(out, run, (size_t)(s - run));
		buf_puts(out, rep);
		run = s + 1;
	}
	buf_add(out, run, (size_t)(s - run));
}

void escape_html(struct buf *out, const char *s)
{
	html(out, s, false);
}

void escape_html_line(struct buf *out, const char *s)
{
	html(out, s, true);
}

static int is_ascii_punct(unsigned char c)
{
	return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) ||
	       (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/* Space, and the C0 controls and DEL: all shown as one space. NUL is the
 * end of the string, never blank, so that a run at the end stops there. */
static int is_blank(unsigned char c)
{
	return (c != 0 && c <= 0x20) || c == 0x7f;
}

/* An empty HTML comment: invisible in the page, but it splits the text
 * node so that the GFM autolinker cannot see "www.", "://" or an e-mail
 * address across it. */
#define LINK_BREAK "<!-- -->"

void escape_markdown(struct buf *out, const char *s)
{
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (is_blank(*p)) {
			/* A run collapses to one space, so that a value never
			 * starts an indented code block or a hard line break. */
			while (is_blank(p[1]))
				p++;
			buf_putc(out, ' ');
		} else if (*p == '\\') {
			/* An entity, not a backslash escape: a trailing backslash
			 * next to a table's "|" would otherwise escape the pipe. */
			buf_puts(out, "&#92;");
		} else if (is_ascii_punct(*p)) {
			buf_putc(out, '\\');
			buf_putc(out, (char)*p);
			if (*p == '@' || (*p == ':' && p[1] == '/'))
				buf_puts(out, LINK_BREAK);
		} else {
			buf_putc(out, (char)*p);
			if ((*p | 0x20) == 'w' && (p[1] | 0x20) == 'w' && (p[2] | 0x20) == 'w' &&
			    p[3] == '.') {
				buf_add(out, p + 1, 2);
				buf_puts(out, LINK_BREAK);
				p += 2;
			}
		}
	}
}
