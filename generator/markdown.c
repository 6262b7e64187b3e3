/* markdown: consumes a filled Markdown page (CommonMark plus the GFM table,
 * strikethrough and autolink extensions) and produces its HTML fragment
 * through cmark-gfm. It refuses nothing: any byte string is a Markdown
 * document. Raw HTML is kept (CMARK_OPT_UNSAFE), which is safe only
 * because every data value was escaped with escape_markdown. */
#include "markdown.h"
#include "util.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

static const char *const extensions[] = {"table", "strikethrough", "autolink"};

char *markdown_to_html(const char *md, size_t len)
{
	const int options = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8;
	cmark_mem *mem = cmark_get_default_mem_allocator();

	cmark_gfm_core_extensions_ensure_registered();
	cmark_parser *parser = cmark_parser_new_with_mem(options, mem);
	if (!parser)
		BUG("cmark_parser_new failed");
	for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (!ext || !cmark_parser_attach_syntax_extension(parser, ext))
			BUG("cmark-gfm extension missing");
	}
	if (len)
		cmark_parser_feed(parser, md, len);
	cmark_node *doc = cmark_parser_finish(parser);
	if (!doc)
		BUG("cmark_parser_finish failed");
	char *html = cmark_render_html_with_mem(doc, options,
						cmark_parser_get_syntax_extensions(parser), mem);
	char *out = xstrdup(html ? html : "");
	mem->free(html);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return out;
}
