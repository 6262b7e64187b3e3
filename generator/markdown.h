/* markdown: CommonMark with the GFM table, strikethrough and autolink
 * extensions, to HTML. */
#ifndef REVIEWPACK_MARKDOWN_H
#define REVIEWPACK_MARKDOWN_H

#include <stddef.h>

/* Register cmark-gfm's extensions (once per process; markdown_to_html
 * does it too): call it before starting threads that convert. */
void markdown_init(void);

/* Render len bytes of Markdown (md may be NULL when len is 0) to an HTML
 * fragment. Raw HTML in the Markdown passes through (the templates carry
 * a little of it; data values are escaped with escape_markdown before they
 * reach the Markdown); invalid UTF-8 becomes U+FFFD; no smart
 * punctuation. Deterministic. Any thread may call it, several at once.
 * Returns a new string: caller frees with free(). */
char *markdown_to_html(const char *md, size_t len);

#endif
