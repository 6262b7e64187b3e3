/* markdown: consumes a filled Markdown page (CommonMark plus the GFM table,
 * strikethrough and autolink extensions) and produces its HTML fragment
 * through cmark-gfm. It refuses nothing: any byte string is a Markdown
 * document. Raw HTML is kept (CMARK_OPT_UNSAFE), which is safe only
 * because every data value was escaped with escape_markdown.
 *
 * Threads: cmark-gfm registers its extensions in a process-wide list, and
 * its inline parser reads a process-wide table of special characters that
 * every parse changes (each extension's characters are added before the
 * inlines of a block are parsed and removed after). Registration happens
 * once (markdown_init), and parses take turns under one lock that stands
 * for that table; rendering the parsed document to HTML, the larger part,
 * runs in every thread at once. */
#include "markdown.h"
#include "util.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>

static const char *const extensions[] = {"table", "strikethrough", "autolink"};

static pthread_once_t registered = PTHREAD_ONCE_INIT;
static pthread_mutex_t parsing = PTHREAD_MUTEX_INITIALIZER; /* cmark-gfm's special characters */

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

void markdown_init(void)
{
	pthread_once(&registered, register_extensions);
}

char *markdown_to_html(const char *md, size_t len)
{
	const int options = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8;
	cmark_mem *mem = cmark_get_default_mem_allocator();

	markdown_init();
	cmark_parser *parser = cmark_parser_new_with_mem(options, mem);
	if (!parser)
		BUG("cmark_parser_new failed");
	for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (!ext || !cmark_parser_attach_syntax_extension(parser, ext))
			BUG("cmark-gfm extension missing");
	}
	pthread_mutex_lock(&parsing);
	if (len)
		cmark_parser_feed(parser, md, len);
	cmark_node *doc = cmark_parser_finish(parser);
	pthread_mutex_unlock(&parsing);
	if (!doc)
		BUG("cmark_parser_finish failed");
	/* the default allocator is the C library's: the caller frees the HTML */
	char *html = cmark_render_html_with_mem(doc, options,
						cmark_parser_get_syntax_extensions(parser), mem);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return html ? html : xstrdup("");
}
