/* escape: make a data value safe for the document it lands in. */
#ifndef REVIEWPACK_ESCAPE_H
#define REVIEWPACK_ESCAPE_H

#include "util.h"

/* Append s to out with & < > " ' as &amp; &lt; &gt; &quot; &#39;: fit for
 * HTML text and for quoted attribute values. s may be NULL (appends
 * nothing). */
void escape_html(struct buf *out, const char *s);

/* As escape_html, for raw HTML the generator places inside a Markdown
 * line (a GFM table row, an HTML block): also "|" as "&#124;" so that it
 * cannot split a table cell, and every control character (CR, LF, TAB,
 * ...) as a space so that it cannot end the line or the block. */
void escape_html_line(struct buf *out, const char *s);

/* Append s to out so that it shows literally when inserted inline in a
 * CommonMark/GFM document (paragraph, heading, list item or table cell):
 * every ASCII punctuation character is backslash-escaped (the backslash
 * itself becomes "&#92;"), every run of white space and control characters
 * (CR, LF, TAB, ...) becomes a single space, and an empty HTML comment
 * "<!-- -->" is inserted after "www", after "@" and between ":" and "/" so
 * that the GFM autolinker cannot make a link of it (the output is meant for
 * cmark with raw HTML allowed). UTF-8 text passes unchanged. Not for link
 * destinations or raw HTML blocks. s may be NULL (appends nothing). */
void escape_markdown(struct buf *out, const char *s);

#endif
