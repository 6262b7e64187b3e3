/* Unit tests of the template engine: every case of the mustache
 * specification suite in $MUSTACHE_SPEC_DIR, then the engine's own rules:
 * escaping modes, values never re-read as templates, errors with line
 * numbers, bounded partial nesting, dotted names, number printing. */
#include "testutil.h"

#include "template.h"
#include "util.h"

#include <dirent.h>
#include <jansson.h>

/* --- the specification suite --------------------------------------------- */

static char *spec_partial(void *userdata, const char *name)
{
	const json_t *partials = userdata;
	const json_t *p = json_object_get(partials, name);
	return json_is_string(p) ? xstrdup(json_string_value(p)) : NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void spec_suite(void **state)
{
	const char *dir = getenv("MUSTACHE_SPEC_DIR");
	if (!dir || !*dir)
		fail_msg("MUSTACHE_SPEC_DIR is not set");
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open MUSTACHE_SPEC_DIR \"%s\"", dir);
	char **files = NULL;
	size_t nfiles = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".json")) {
			GROW(files, cap, nfiles + 1);
			files[nfiles++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (!nfiles)
		fail_msg("no *.json case file in MUSTACHE_SPEC_DIR \"%s\"", dir);
	qsort(files, nfiles, sizeof *files, cmp_names);

	size_t cases = 0, passed = 0;
	for (size_t f = 0; f < nfiles; f++) {
		char *path = xasprintf("%s/%s", dir, files[f]);
		json_error_t jerr;
		json_t *suite = json_load_file(path, 0, &jerr);
		if (!suite)
			fail_msg("%s: line %d: %s", path, jerr.line, jerr.text);
		json_t *tests = json_object_get(suite, "tests");
		assert_true(json_is_array(tests));
		size_t i;
		json_t *t;
		json_array_foreach(tests, i, t) {
			const char *name = json_string_value(json_object_get(t, "name"));
			const char *tpl = json_string_value(json_object_get(t, "template"));
			const char *expected = json_string_value(json_object_get(t, "expected"));
			assert_non_null(name);
			assert_non_null(tpl);
			assert_non_null(expected);
			cases++;
			char *err = NULL;
			char *got = template_render(tpl, json_object_get(t, "data"), TEMPLATE_ESCAPE_HTML,
						    spec_partial, json_object_get(t, "partials"), &err);
			if (got && !strcmp(got, expected)) {
				passed++;
			} else {
				print_error("FAIL %s: \"%s\"\n  template: \"%s\"\n  expected: \"%s\"\n"
					    "  got:      \"%s\"\n", files[f], name, tpl, expected,
					    got ? got : err);
			}
			free(got);
			free(err);
		}
		json_decref(suite);
		free(path);
		free(files[f]);
	}
	free(files);
	print_message("mustache specification: %zu of %zu cases pass\n", passed, cases);
	assert_true(cases > 0);
	assert_int_equal(passed, cases);
}

/* --- helpers -------------------------------------------------------------- */

/* Render with data given as JSON text; returns the output or "ERROR: msg". */
static char *run(const char *tpl, const char *data, enum template_escape esc)
{
	json_error_t jerr;
	json_t *ctx = data ? json_loads(data, JSON_DECODE_ANY, &jerr) : NULL;
	if (data && !ctx)
		fail_msg("bad test JSON: %s", jerr.text);
	char *err = NULL;
	char *out = template_render(tpl, ctx, esc, NULL, NULL, &err);
	json_decref(ctx);
	if (!out) {
		assert_non_null(err);
		out = xasprintf("ERROR: %s", err);
		free(err);
	} else {
		assert_null(err);
	}
	return out;
}

#define EXPECT(tpl, data, esc, want)                    \
	do {                                             \
		char *got_ = run((tpl), (data), (esc)); \
		assert_string_equal(got_, (want));       \
		free(got_);                              \
	} while (0)

/* --- escaping ------------------------------------------------------------- */

static void escaping_modes(void **state)
{
	const char *data = "{\"v\":\"<a href=\\\"x\\\">'&' *b* [l](u) #\"}";
	EXPECT("{{v}}", data, TEMPLATE_ESCAPE_HTML,
	       "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39; *b* [l](u) #");
	EXPECT("{{v}}", data, TEMPLATE_ESCAPE_MARKDOWN,
	       "\\<a href\\=\\\"x\\\"\\>\\'\\&\\' \\*b\\* \\[l\\]\\(u\\) \\#");
	EXPECT("{{v}}", data, TEMPLATE_ESCAPE_NONE, "<a href=\"x\">'&' *b* [l](u) #");
	/* {{{ }}} and {{& }} never escape, whatever the mode. */
	EXPECT("{{{v}}}|{{&v}}", "{\"v\":\"<i>*\"}", TEMPLATE_ESCAPE_HTML, "<i>*|<i>*");
	EXPECT("{{{v}}}|{{&v}}", "{\"v\":\"<i>*\"}", TEMPLATE_ESCAPE_MARKDOWN, "<i>*|<i>*");
	/* Numbers go through the escaper too: "-" and "." are punctuation. */
	EXPECT("{{n}}", "{\"n\":-1.5}", TEMPLATE_ESCAPE_MARKDOWN, "\\-1\\.5");
}

static void values_are_not_templates(void **state)
{
	const char *data = "{\"a\":\"{{b}}\",\"b\":\"X\",\"c\":\"{{#b}}Y{{/b}}{{> p}}\"}";
	EXPECT("{{a}}|{{{a}}}|{{c}}", data, TEMPLATE_ESCAPE_HTML, "{{b}}|{{b}}|{{#b}}Y{{/b}}{{&gt; p}}");
	EXPECT("{{a}}", data, TEMPLATE_ESCAPE_MARKDOWN, "\\{\\{b\\}\\}");
	EXPECT("{{#a}}{{.}}{{/a}}", data, TEMPLATE_ESCAPE_NONE, "{{b}}");
}

/* --- errors --------------------------------------------------------------- */

static void syntax_errors(void **state)
{
	EXPECT("a\n{{#x}}\nb\n", "{}", TEMPLATE_ESCAPE_HTML,
	       "ERROR: line 2: unclosed section \"x\"");
	EXPECT("{{#a}}\n{{#b}}\n{{/a}}\n", "{}", TEMPLATE_ESCAPE_HTML,
	       "ERROR: line 3: closing tag \"a\" does not match section \"b\" opened on line 2");
	EXPECT("ok\n{{/a}}", "{}", TEMPLATE_ESCAPE_HTML,
	       "ERROR: line 2: closing tag \"a\" without an open section");
	EXPECT("x\n\ny {{name\n", "{}", TEMPLATE_ESCAPE_HTML, "ERROR: line 3: unclosed tag \"{{name\"");
	EXPECT("{{{name}}", "{}", TEMPLATE_ESCAPE_HTML, "ERROR: line 1: unclosed tag \"{{{name}}\"");
	EXPECT("\n{{=<% =}}", "{}", TEMPLATE_ESCAPE_HTML, "ERROR: line 2: bad delimiters \"<% \"");
	EXPECT("{{=<% %> x=}}", "{}", TEMPLATE_ESCAPE_HTML, "ERROR: line 1: bad delimiters \"<% %> x\"");
	EXPECT("{{a b}}", "{}", TEMPLATE_ESCAPE_HTML, "ERROR: line 1: bad tag name \"a b\"");
	EXPECT("{{a..b}}", "{}", TEMPLATE_ESCAPE_HTML, "ERROR: line 1: bad tag name \"a..b\"");
	EXPECT("{{ }}", "{}", TEMPLATE_ESCAPE_HTML, "ERROR: line 1: empty tag name");
	/* Lines are counted through comments, standalone tags and new
	 * delimiters. */
	EXPECT("{{! one\ntwo }}\n{{=<% %>=}}\nx\n<%#s%>\n", "{}", TEMPLATE_ESCAPE_HTML,
	       "ERROR: line 5: unclosed section \"s\"");
	/* Sections nest at most 100 deep. */
	struct buf b = {0};
	for (int i = 0; i < 101; i++)
		buf_puts(&b, "{{#a}}");
	EXPECT(buf_cstr(&b), "{}", TEMPLATE_ESCAPE_HTML,
	       "ERROR: line 1: section \"a\" nested deeper than 100 levels");
	buf_free(&b);
}

/* Partials named "p1", "p2", ...: pK includes p(K+1) up to the limit,
 * whose text is "end"; "bad" has a syntax error on its line 2; "self"
 * includes itself. */
static char *chain_partial(void *userdata, const char *name)
{
	int limit = *(const int *)userdata;
	if (!strcmp(name, "bad"))
		return xstrdup("fine\n{{#s}}\n");
	if (!strcmp(name, "self"))
		return xstrdup("x{{>self}}");
	if (name[0] != 'p')
		return NULL;
	int k = atoi(name + 1);
	return k >= limit ? xstrdup("end") : xasprintf("{{>p%d}}", k + 1);
}

static char *render_with_partials(const char *tpl, int limit)
{
	char *err = NULL;
	char *out = template_render(tpl, NULL, TEMPLATE_ESCAPE_HTML, chain_partial, &limit, &err);
	if (!out) {
		char *msg = xasprintf("ERROR: %s", err);
		free(err);
		return msg;
	}
	assert_null(err);
	return out;
}

static void partial_nesting(void **state)
{
	char *out = render_with_partials("{{>p1}}", 100);
	assert_string_equal(out, "end"); /* 100 levels: fine */
	free(out);
	out = render_with_partials("{{>p1}}", 101);
	assert_string_equal(out, "ERROR: partial \"p101\" nested deeper than 100 levels");
	free(out);
	out = render_with_partials("a {{>self}}", 0);
	assert_string_equal(out, "ERROR: partial \"self\" nested deeper than 100 levels");
	free(out);
	out = render_with_partials("{{>bad}}", 0);
	assert_string_equal(out, "ERROR: partial \"bad\": line 2: unclosed section \"s\"");
	free(out);
	/* A missing partial, or no partial callback at all, renders as empty. */
	out = render_with_partials("[{{>missing}}]", 0);
	assert_string_equal(out, "[]");
	free(out);
	EXPECT("[{{>p1}}]", "{}", TEMPLATE_ESCAPE_HTML, "[]");
}

struct counting {
	int calls;
};

static char *counting_partial(void *userdata, const char *name)
{
	struct counting *c = userdata;
	c->calls++;
	return strcmp(name, "row") ? NULL : xstrdup("<{{.}}>\n");
}

static void partials_fetched_once(void **state)
{
	struct counting c = {0};
	json_t *ctx = json_pack("{s:[i,i,i]}", "list", 1, 2, 3);
	char *err = NULL;
	/* Inline, then standalone with an indentation: two fetches, each
	 * kept for the rest of the loop; a missing partial is fetched once. */
	char *out = template_render("{{#list}}{{>row}}{{>none}}{{/list}}\n{{#list}}\n  {{>row}}\n{{/list}}\n",
				    ctx, TEMPLATE_ESCAPE_HTML, counting_partial, &c, &err);
	assert_non_null(out);
	assert_string_equal(out, "<1>\n<2>\n<3>\n\n  <1>\n  <2>\n  <3>\n");
	assert_int_equal(c.calls, 3);
	free(out);
	json_decref(ctx);
}

/* An HTML partial (".html") inside a Markdown render escapes for HTML on
 * one line, its own partials too; the Markdown around it, and the same
 * partial in an HTML render, keep their own escaping. */
static char *html_partial(void *userdata, const char *name)
{
	(void)userdata;
	if (!strcmp(name, "img.html"))
		return xstrdup("<img alt=\"{{v}}\">{{>inner}}");
	if (!strcmp(name, "inner"))
		return xstrdup("[{{v}}]");
	return NULL;
}

static void html_partials_in_markdown(void **state)
{
	json_t *ctx = json_pack("{s:s}", "v", "a|b \"q\" <i>\nx*");
	char *err = NULL;
	char *out = template_render("{{v}} {{>img.html}} {{>inner}}", ctx, TEMPLATE_ESCAPE_MARKDOWN,
				    html_partial, NULL, &err);
	assert_non_null(out);
	assert_string_equal(out, "a\\|b \\\"q\\\" \\<i\\> x\\* "
				 "<img alt=\"a&#124;b &quot;q&quot; &lt;i&gt; x*\">[a&#124;b &quot;q&quot; &lt;i&gt; x*] "
				 "[a\\|b \\\"q\\\" \\<i\\> x\\*]");
	free(out);
	out = template_render("{{>img.html}}", ctx, TEMPLATE_ESCAPE_HTML, html_partial, NULL, &err);
	assert_string_equal(out, "<img alt=\"a|b &quot;q&quot; &lt;i&gt;\nx*\">[a|b &quot;q&quot; &lt;i&gt;\nx*]");
	free(out);
	json_decref(ctx);
}

/* --- strict rendering ------------------------------------------------------ */

struct strict_log {
	struct buf calls; /* "name@partial:line;" per call */
	int answer;       /* what the callback returns */
};

static char *strict_partial(void *userdata, const char *name)
{
	(void)userdata;
	return strcmp(name, "p") ? NULL : xstrdup("ok {{a}}\n{{gone}}");
}

static int strict_note(void *userdata, const char *name, const char *partial, int line)
{
	struct strict_log *l = userdata;
	buf_printf(&l->calls, "%s@%s:%d;", name, partial ? partial : "-", line);
	return l->answer;
}

static void strict_unresolved(void **state)
{
	json_t *ctx = json_pack("{s:s,s:s,s:i,s:b,s:n,s:{},s:[],s:{s:s}}", "a", "A", "empty", "",
				"zero", 0, "no", 0, "nil", "obj", "arr", "m", "x", "X");
	const char *tpl = "{{a}} [{{empty}}] {{zero}} {{no}} {{m.x}}\n"
			  "{{missing}} {{nil}} {{{obj}}} {{arr}} {{m.y}} {{a.b}}\n"
			  "{{#m}}{{x}}{{/m}}{{#missing}}{{alsomissing}}{{/missing}}{{^missing}}{{m.z}}{{/missing}}\n"
			  "{{> p}}";
	/* warn and go on: every name that resolves to nothing, where it is; a
	 * section over a missing name is not a variable */
	struct strict_log l = {{0}, 0};
	char *err = NULL;
	char *out = template_render_checked(tpl, ctx, TEMPLATE_ESCAPE_HTML, strict_partial, strict_note,
					    &l, &err);
	assert_non_null(out);
	assert_string_equal(buf_cstr(&l.calls), "missing@-:2;nil@-:2;obj@-:2;arr@-:2;m.y@-:2;a.b@-:2;"
						 "m.z@-:3;gone@p:2;");
	assert_string_equal(out, "A [] 0 false X\n     \nX\nok A\n");
	free(out);
	/* stop: the first one is the error, with its line */
	buf_reset(&l.calls);
	l.answer = -1;
	out = template_render_checked(tpl, ctx, TEMPLATE_ESCAPE_HTML, strict_partial, strict_note, &l, &err);
	assert_null(out);
	assert_string_equal(err, "line 2: no value for \"missing\"");
	free(err);
	out = template_render_checked("{{a}}\n{{> p}}", ctx, TEMPLATE_ESCAPE_HTML, strict_partial,
				      strict_note, &l, &err);
	assert_null(out);
	assert_string_equal(err, "partial \"p\": line 2: no value for \"gone\"");
	free(err);
	buf_free(&l.calls);
	json_decref(ctx);
}

/* --- names and values ----------------------------------------------------- */

static void dotted_names(void **state)
{
	const char *data = "{\"nav\":[{\"label\":\"A\"},{\"label\":\"B\"}],"
			   "\"m\":{\"x\":{\"y\":3}},\"list\":[[1,2],[3]]}";
	EXPECT("{{nav.1.label}} {{m.x.y}} [{{nav.2.label}}] [{{m.x.y.z}}] [{{nav.x}}]", data,
	       TEMPLATE_ESCAPE_HTML, "B 3 [] [] []");
	EXPECT("{{#nav.0}}{{label}}{{/nav.0}}{{^nav.5}}none{{/nav.5}}", data, TEMPLATE_ESCAPE_HTML,
	       "Anone");
	EXPECT("{{#list}}({{#.}}{{.}}{{/.}}:{{0}}){{/list}}", data, TEMPLATE_ESCAPE_HTML,
	       "(12:)(3:)");
	EXPECT("{{list.0.1}}{{list.1.0}}", data, TEMPLATE_ESCAPE_HTML, "23");
	/* Inside a section, a name not found there is looked up outside. */
	EXPECT("{{#m.x}}{{y}}{{nav.0.label}}{{/m.x}}", data, TEMPLATE_ESCAPE_HTML, "3A");
}

static void numbers(void **state)
{
	const char *data = "{\"i\":85,\"neg\":-12,\"big\":9007199254740993,\"a\":1.5,\"b\":1.210,"
			   "\"c\":0.1,\"d\":100.0,\"e\":-2.5,\"f\":0.30000000000000004,"
			   "\"g\":1e21,\"h\":1.5e-8,\"j\":0.000001234,\"k\":123456789.125,"
			   "\"l\":-0.0,\"m\":2.5e20,\"t\":true,\"n\":null,\"o\":{},\"arr\":[1]}";
	EXPECT("{{i}} {{neg}} {{big}}", data, TEMPLATE_ESCAPE_NONE, "85 -12 9007199254740993");
	EXPECT("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}", data, TEMPLATE_ESCAPE_NONE,
	       "1.5 1.21 0.1 100 -2.5 0.30000000000000004");
	EXPECT("{{g}} {{h}} {{j}} {{k}} {{l}} {{m}}", data, TEMPLATE_ESCAPE_NONE,
	       "1e+21 1.5e-08 0.000001234 123456789.125 0 250000000000000000000");
	EXPECT("[{{t}}][{{n}}][{{o}}][{{arr}}][{{missing}}]", data, TEMPLATE_ESCAPE_NONE,
	       "[true][][][][]");

	json_t *v = json_real(2.0 / 3.0);
	char *s = template_format_value(v);
	assert_string_equal(s, "0.6666666666666666");
	assert_true(strtod(s, NULL) == 2.0 / 3.0);
	free(s);
	json_decref(v);
	s = template_format_value(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void truthiness(void **state)
{
	const char *tpl = "{{#v}}T{{/v}}{{^v}}F{{/v}}";
	const char *falsy[] = {"{\"v\":\"\"}", "{\"v\":0}", "{\"v\":0.0}", "{\"v\":[]}",
			       "{\"v\":null}", "{\"v\":false}", "{}"};
	const char *truthy[] = {"{\"v\":\"x\"}", "{\"v\":1}", "{\"v\":-0.5}", "{\"v\":{}}",
				"{\"v\":true}", "{\"v\":\"0\"}"};
	for (size_t i = 0; i < sizeof falsy / sizeof *falsy; i++)
		EXPECT(tpl, falsy[i], TEMPLATE_ESCAPE_HTML, "F");
	for (size_t i = 0; i < sizeof truthy / sizeof *truthy; i++)
		EXPECT(tpl, truthy[i], TEMPLATE_ESCAPE_HTML, "T");
	/* A list renders once per item, with the item on top of the stack. */
	EXPECT("{{#v}}<{{.}}>{{/v}}", "{\"v\":[0,\"\",null]}", TEMPLATE_ESCAPE_HTML, "<0><><>");
	/* No context at all: everything is missing. */
	EXPECT("a{{x}}{{#x}}b{{/x}}{{^x}}c{{/x}}", NULL, TEMPLATE_ESCAPE_HTML, "ac");
}

static void standalone_in_markdown(void **state)
{
	/* The shape the page templates use: section lines vanish, so a list
	 * stays one list and a table stays one table. */
	const char *tpl = "| a |\n|---|\n{{#rows}}\n| {{n}} |\n{{/rows}}\n\nend\n";
	EXPECT(tpl, "{\"rows\":[{\"n\":\"x|y\"},{\"n\":2}]}", TEMPLATE_ESCAPE_MARKDOWN,
	       "| a |\n|---|\n| x\\|y |\n| 2 |\n\nend\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_suite),
		cmocka_unit_test(escaping_modes),
		cmocka_unit_test(values_are_not_templates),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(partial_nesting),
		cmocka_unit_test(partials_fetched_once),
		cmocka_unit_test(html_partials_in_markdown),
		cmocka_unit_test(strict_unresolved),
		cmocka_unit_test(dotted_names),
		cmocka_unit_test(numbers),
		cmocka_unit_test(truthiness),
		cmocka_unit_test(standalone_in_markdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
