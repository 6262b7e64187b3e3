/* Unit tests of the Markdown stage and of the escapers it relies on:
 * GFM tables, strikethrough and autolinks render; hostile data values,
 * escaped and filled into a Markdown template as a heading, paragraph,
 * list item and table cell, come out as literal text and inject nothing. */
#include "testutil.h"

#include "escape.h"
#include "markdown.h"
#include "template.h"
#include "util.h"

#include <jansson.h>

static char *md(const char *text)
{
	return markdown_to_html(text, strlen(text));
}

/* --- the cmark-gfm wrapper ---------------------------------------------- */

static void gfm_extensions(void **state)
{
	char *html = md("| a | b |\n|---|--:|\n| 1 | 2 |\n");
	assert_string_equal(html, "<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"right\">b</th>\n"
				  "</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n"
				  "<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n");
	free(html);
	html = md("~~gone~~ and *em*\n");
	assert_string_equal(html, "<p><del>gone</del> and <em>em</em></p>\n");
	free(html);
	html = md("see www.example.com and https://x.example/a?b=1 or ops@example.com\n");
	assert_string_equal(html, "<p>see <a href=\"http://www.example.com\">www.example.com</a> and "
				  "<a href=\"https://x.example/a?b=1\">https://x.example/a?b=1</a> or "
				  "<a href=\"mailto:ops@example.com\">ops@example.com</a></p>\n");
	free(html);
}

static void options(void **state)
{
	/* Raw HTML of the templates passes (figures, badges). */
	char *html = md("<div class=\"kpi\">\n\nText <span class=\"b\">ok</span>\n\n</div>\n");
	assert_string_equal(html, "<div class=\"kpi\">\n<p>Text <span class=\"b\">ok</span></p>\n</div>\n");
	free(html);
	/* No smart punctuation. */
	html = md("\"a\" -- b... 'c'\n");
	assert_string_equal(html, "<p>&quot;a&quot; -- b... 'c'</p>\n");
	free(html);
	/* Invalid UTF-8 becomes U+FFFD; valid UTF-8 passes. */
	html = md("x\xff y \xe6\x97\xa5\n");
	assert_string_equal(html, "<p>x\xef\xbf\xbd y \xe6\x97\xa5</p>\n");
	free(html);
	/* Empty input, and only len bytes are read. */
	html = markdown_to_html(NULL, 0);
	assert_string_equal(html, "");
	free(html);
	html = markdown_to_html("*a* *b*", 3);
	assert_string_equal(html, "<p><em>a</em></p>\n");
	free(html);
	/* Same input, same output. */
	const char *doc = "# T\n\n| a |\n|---|\n| www.x.com |\n\n- ~~s~~\n";
	char *one = md(doc), *two = md(doc);
	assert_string_equal(one, two);
	free(one);
	free(two);
}

/* --- the escapers --------------------------------------------------------- */

static void escapers(void **state)
{
	struct buf b = {0};
	escape_html(&b, "<a href=\"x\">'&amp;'</a> \xe6\x97\xa5");
	assert_string_equal(buf_cstr(&b), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;amp;&#39;&lt;/a&gt; \xe6\x97\xa5");
	buf_reset(&b);
	escape_html(&b, NULL);
	escape_html(&b, "");
	assert_string_equal(buf_cstr(&b), "");

	/* For raw HTML inside a Markdown line: "|" cannot split a table
	 * cell, a line end cannot end the row. */
	escape_html_line(&b, "a | b\r\nc\t<\"x\">");
	assert_string_equal(buf_cstr(&b), "a &#124; b  c &lt;&quot;x&quot;&gt;");
	buf_reset(&b);
	buf_puts(&b, "| h |\n|---|\n| <img alt=\"");
	escape_html_line(&b, "p | q\nr");
	buf_puts(&b, "\"> |\n");
	char *html = markdown_to_html(b.data, b.len);
	assert_non_null(strstr(html, "<td><img alt=\"p &#124; q r\"></td>"));
	free(html);
	buf_reset(&b);

	escape_markdown(&b, "a*b_c`d|e\\f");
	assert_string_equal(buf_cstr(&b), "a\\*b\\_c\\`d\\|e&#92;f");
	buf_reset(&b);
	/* White space and control characters: one space per run. */
	escape_markdown(&b, "a\r\n\tb  c\x01\x7f" "d");
	assert_string_equal(buf_cstr(&b), "a b c d");
	buf_reset(&b);
	/* A value that ends in a run of blanks: the run stops at the end of
	 * the string (heap copies of exactly their length, so that a read
	 * past the end is a sanitizer report). */
	const char *tails[] = {"Bluefin Analytics\x01", "x\n", "y \x7f", "\t"};
	const char *want[] = {"Bluefin Analytics ", "x ", "y ", " "};
	for (size_t i = 0; i < 4; i++) {
		char *v = strdup(tails[i]);
		escape_markdown(&b, v);
		assert_string_equal(buf_cstr(&b), want[i]);
		buf_reset(&b);
		free(v);
	}
	/* All 32 ASCII punctuation characters are escaped. */
	escape_markdown(&b, "!\"#$%&'()*+,-./:;<=>?[]^_`{|}~");
	assert_string_equal(buf_cstr(&b), "\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>"
					   "\\?\\[\\]\\^\\_\\`\\{\\|\\}\\~");
	buf_reset(&b);
	escape_markdown(&b, "@");
	assert_string_equal(buf_cstr(&b), "\\@<!-- -->");
	buf_reset(&b);
	/* Link breaks: after "www" before ".", between ":" and "/", after "@". */
	escape_markdown(&b, "WWW.x http://y a@b \xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(buf_cstr(&b), "WWW<!-- -->\\.x http\\:<!-- -->\\/\\/y a\\@<!-- -->b "
					   "\xe6\x97\xa5\xe6\x9c\xac");
	buf_reset(&b);
	/* Nearly "www.": no break; ":" not before "/": none either. */
	escape_markdown(&b, "ww.x wwx.y w www: a:b");
	assert_string_equal(buf_cstr(&b), "ww\\.x wwx\\.y w www\\: a\\:b");
	buf_reset(&b);
	escape_markdown(&b, NULL);
	assert_string_equal(buf_cstr(&b), "");
	/* DEL and the other C0 controls are spaces on one HTML line too. */
	escape_html_line(&b, "a\x7f" "b\x1f" "c\x01");
	assert_string_equal(buf_cstr(&b), "a b c ");
	buf_free(&b);
}

/* --- hostile values through template, escaping and cmark ------------------- */

static const char page[] =
	"# {{v}}\n"
	"\n"
	"Para {{v}} end.\n"
	"\n"
	"{{v}} starts this line.\n"
	"\n"
	"- item {{v}} end\n"
	"- second\n"
	"\n"
	"| name | n |\n"
	"|---|---|\n"
	"| {{v}} | 1 |\n"
	"|{{v}}|2|\n";

/* The page for value v, through template_render (Markdown escaping) and
 * markdown_to_html, with the invisible "<!-- -->" link breaks removed. */
static char *render_page(const char *v)
{
	json_t *ctx = json_pack("{s:s}", "v", v);
	char *err = NULL;
	char *filled = template_render(page, ctx, TEMPLATE_ESCAPE_MARKDOWN, NULL, NULL, &err);
	json_decref(ctx);
	assert_non_null(filled);
	assert_null(err);
	char *html = md(filled);
	char *clean = test_replace(html, "<!-- -->", "");
	free(filled);
	free(html);
	return clean;
}

/* How cmark shows literal text: white space runs as one space, & < > "
 * as entities. */
static char *as_text(const char *v)
{
	struct buf b = {0};
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f) {
			while (p[1] && (p[1] <= 0x20 || p[1] == 0x7f))
				p++;
			buf_putc(&b, ' ');
		} else if (*p == '&') {
			buf_puts(&b, "&amp;");
		} else if (*p == '<') {
			buf_puts(&b, "&lt;");
		} else if (*p == '>') {
			buf_puts(&b, "&gt;");
		} else if (*p == '"') {
			buf_puts(&b, "&quot;");
		} else {
			buf_putc(&b, (char)*p);
		}
	}
	return buf_detach(&b);
}

static const char *const hostile[] = {
	"<script>alert(1)</script>",
	"*x*",
	"[a](javascript:alert(1))",
	"{{name}}",
	"| pipe",
	"a\nb",
	"line1\r\n\tline2",
	"\xe6\x97\xa5\xe6\x9c\xac",
	"../../x",
	"www.evil.example",
	"http://x.example/p?q=1",
	"mail@evil.example",
	"mailto:a@b.example",
	"&amp;",
	"&#60;b&#62;",
	"x\\",
	"\\*not em\\*",
	"# not a heading",
	"1. not a list",
	"- not a list",
	"> not a quote",
	"---",
	"===",
	"<!-- c -->",
	"<div>block</div>",
	"~~s~~ _u_ __b__ `code`",
	"![i](x.png) [r][1] [^1]",
	"<http://x.example>",
	"a  \nb",
	"\"quoted\" 'single'",
	"x|y|z",
};

static void hostile_values(void **state)
{
	char *baseline = render_page("VALUE");
	/* The page itself: one heading, three paragraphs, two items, a
	 * table with two columns and two rows. */
	assert_int_equal(test_count(baseline, "<h1>"), 1);
	assert_int_equal(test_count(baseline, "<p>"), 2);
	assert_int_equal(test_count(baseline, "<li>"), 2);
	assert_int_equal(test_count(baseline, "<th>"), 2);
	assert_int_equal(test_count(baseline, "<td>"), 4);
	assert_int_equal(test_count(baseline, "VALUE"), 6);

	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		char *got = render_page(hostile[i]);
		char *text = as_text(hostile[i]);
		char *want = test_replace(baseline, "VALUE", text);
		if (strcmp(got, want))
			print_error("value \"%s\":\n want: %s\n got:  %s\n", hostile[i], want, got);
		assert_string_equal(got, want);
		free(got);
		free(text);
		free(want);
	}
	free(baseline);
}

/* The cases named one by one, on the raw HTML (link breaks included). */
static char *raw_page(const char *v)
{
	json_t *ctx = json_pack("{s:s}", "v", v);
	char *filled = template_render(page, ctx, TEMPLATE_ESCAPE_MARKDOWN, NULL, NULL, NULL);
	json_decref(ctx);
	assert_non_null(filled);
	char *html = md(filled);
	free(filled);
	return html;
}

static void named_cases(void **state)
{
	char *h = raw_page("<script>alert(1)</script>");
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(h, "<script"));
	free(h);

	h = raw_page("*x*");
	assert_null(strstr(h, "<em>"));
	assert_int_equal(test_count(h, "*x*"), 6);
	free(h);

	h = raw_page("[a](javascript:alert(1))");
	assert_null(strstr(h, "<a"));
	assert_null(strstr(h, "href"));
	free(h);

	h = raw_page("{{name}}");
	assert_int_equal(test_count(h, "{{name}}"), 6);
	free(h);

	h = raw_page("| pipe");
	assert_int_equal(test_count(h, "<td>"), 4);
	assert_int_equal(test_count(h, "<td>| pipe</td>"), 2);
	free(h);

	h = raw_page("a\nb");
	assert_int_equal(test_count(h, "<td>a b</td>"), 2);
	assert_non_null(strstr(h, "<h1>a b</h1>"));
	assert_non_null(strstr(h, "<li>item a b end</li>"));
	free(h);

	h = raw_page("\xe6\x97\xa5\xe6\x9c\xac");
	assert_int_equal(test_count(h, "\xe6\x97\xa5\xe6\x9c\xac"), 6);
	free(h);

	h = raw_page("../../x");
	assert_int_equal(test_count(h, "../../x"), 6);
	free(h);

	h = raw_page("www.evil.example");
	assert_null(strstr(h, "<a"));
	assert_int_equal(test_count(h, "www<!-- -->.evil.example"), 6);
	free(h);

	h = raw_page("http://x.example");
	assert_null(strstr(h, "<a"));
	free(h);

	h = raw_page("mail@evil.example");
	assert_null(strstr(h, "<a"));
	free(h);

	h = raw_page("&amp;");
	assert_int_equal(test_count(h, "&amp;amp;"), 6);
	free(h);

	/* Indentation in a value never makes a code block. */
	h = raw_page("        code");
	assert_null(strstr(h, "<pre"));
	assert_null(strstr(h, "<code"));
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gfm_extensions),
		cmocka_unit_test(options),
		cmocka_unit_test(escapers),
		cmocka_unit_test(hostile_values),
		cmocka_unit_test(named_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
