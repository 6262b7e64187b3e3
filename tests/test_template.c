/* Unit tests of the template engine: every case of the mustache
 * specification suite in $MUSTACHE_SPEC_DIR (skipped, saying so, when the
 * folder is missing, unless MUSTACHE_SPEC_REQUIRED=1 as in CI), then the
 * engine's own rules:
 * escaping modes, values never re-read as templates, errors with line
 * numbers, bounded partial nesting, dotted names, number printing; and the
 * parsed form: many renders of one parse (partials fetched once, the
 * page's own values over a shared context, the same limits and errors),
 * from several threads at once. */
#include "testutil.h"

#include "template.h"
#include "util.h"

#include <dirent.h>
#include <jansson.h>
#include <pthread.h>

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
	const char *required = getenv("MUSTACHE_SPEC_REQUIRED");
	DIR *d = dir && *dir ? opendir(dir) : NULL;
	if (!d && !(required && !strcmp(required, "1"))) {
		print_message("SKIPPED the 136 cases of the mustache specification: no suite at "
			      "MUSTACHE_SPEC_DIR \"%s\" (make test MUSTACHE_SPEC_DIR=DIR runs them; "
			      "CI requires them)\n", dir ? dir : "");
		skip();
	}
	if (!dir || !*dir)
		fail_msg("MUSTACHE_SPEC_DIR is not set");
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
 * includes itself; "row" includes the harmless "cell" before itself on
 * its line 2; "ping" and "pong" include each other; "loop" includes
 * "sec" (three sections) then itself; "deep" opens 60
 * sections then includes "deep2", which opens 50 more. */
static char *chain_partial(void *userdata, const char *name)
{
	int limit = *(const int *)userdata;
	if (!strcmp(name, "bad"))
		return xstrdup("fine\n{{#s}}\n");
	if (!strcmp(name, "self"))
		return xstrdup("x{{>self}}");
	if (!strcmp(name, "row"))
		return xstrdup("r\n{{>cell}}{{>row}}");
	if (!strcmp(name, "cell"))
		return xstrdup("c");
	if (!strcmp(name, "loop"))
		return xstrdup("{{>sec}}{{>loop}}");
	if (!strcmp(name, "sec"))
		return xstrdup("{{^t}}{{^t}}{{^t}}x{{/t}}{{/t}}{{/t}}");
	if (!strcmp(name, "ping") || !strcmp(name, "pong"))
		return xasprintf("{{>%s}}", name[1] == 'i' ? "pong" : "ping");
	if (!strcmp(name, "deep") || !strcmp(name, "deep2")) {
		int n = name[4] ? 50 : 60;
		struct buf b = {0};
		for (int i = 0; i < n; i++)
			buf_puts(&b, "{{^no}}\n");
		buf_puts(&b, name[4] ? "bottom" : "{{>deep2}}");
		for (int i = 0; i < n; i++)
			buf_puts(&b, "{{/no}}");
		return buf_detach(&b);
	}
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

#define EXPECT_PARTIALS(tpl, limit, want)                       \
	do {                                                    \
		char *got_ = render_with_partials((tpl), (limit)); \
		assert_string_equal(got_, (want));              \
		free(got_);                                     \
	} while (0)

static void partial_nesting(void **state)
{
	EXPECT_PARTIALS("{{>p1}}", 100, "end"); /* 100 levels: fine */
	EXPECT_PARTIALS("{{>p1}}", 101,
			"ERROR: partial \"p100\": line 1: partial \"p101\" nested deeper than 100 levels");
	/* A partial that includes itself is named, at its own tag. */
	EXPECT_PARTIALS("a {{>self}}", 0,
			"ERROR: partial \"self\": line 1: partial \"self\" recurses deeper than 100 levels");
	/* Even when the level runs out on another partial's tag ("cell",
	 * included by "row" before it includes itself). */
	EXPECT_PARTIALS("\n\n{{>row}}", 0,
			"ERROR: partial \"row\": line 2: partial \"row\" recurses deeper than 100 levels");
	EXPECT_PARTIALS("{{>ping}}", 0,
			"ERROR: partial \"pong\": line 1: partial \"ping\" recurses deeper than 100 levels");
	/* The sections of "sec" run out of levels, but "loop" recurses. */
	EXPECT_PARTIALS("{{>loop}}", 0,
			"ERROR: partial \"loop\": line 1: partial \"loop\" recurses deeper than 100 levels");
	/* Sections and partials count together: 1 + 60 + 1 + 50 levels. */
	EXPECT_PARTIALS("{{>deep}}", 0,
			"ERROR: partial \"deep2\": line 39: section \"no\" nested deeper than 100 levels");
	EXPECT_PARTIALS("{{>bad}}", 0, "ERROR: partial \"bad\": line 2: unclosed section \"s\"");
	/* A missing partial, or no partial callback at all, renders as empty. */
	EXPECT_PARTIALS("[{{>missing}}]", 0, "[]");
	EXPECT("[{{>p1}}]", "{}", TEMPLATE_ESCAPE_HTML, "[]");
}

/* Render with limits; returns the output or "ERROR: msg". Partials are
 * "self" (the text of the "self" member of data) and "line" (a line of
 * ten bytes). */
static char *limited_partial(void *userdata, const char *name)
{
	const json_t *self = json_object_get(userdata, "self");
	if (!strcmp(name, "self") && json_is_string(self))
		return xstrdup(json_string_value(self));
	return strcmp(name, "line") ? NULL : xstrdup("123456789\n");
}

static char *run_limited(const char *tpl, const char *data, size_t max_output, uint64_t max_steps)
{
	struct template_limits lim = {max_output, max_steps, TEMPLATE_MAX_DEPTH};
	json_t *ctx = json_loads(data, 0, NULL);
	assert_non_null(ctx);
	char *err = NULL;
	struct template_options o = {.partial = limited_partial, .userdata = ctx, .limits = &lim};
	char *out = template_render_with(tpl, ctx, TEMPLATE_ESCAPE_MARKDOWN, &o, &err);
	json_decref(ctx);
	if (!out) {
		out = xasprintf("ERROR: %s", err);
		free(err);
	}
	return out;
}

#define EXPECT_LIMITED(tpl, data, max_output, max_steps, want)                  \
	do {                                                                     \
		char *got_ = run_limited((tpl), (data), (max_output), (max_steps)); \
		assert_string_equal(got_, (want));                               \
		free(got_);                                                      \
	} while (0)

static void resource_limits(void **state)
{
	const char *ten = "{\"a\":[1,2,3,4,5,6,7,8,9,10],\"v\":\"12345\"}";
	/* Output: 10 items of 10 bytes fit in 100 bytes, not in 99; the
	 * error is at the tag that went over. */
	EXPECT_LIMITED("{{#a}}0123456789{{/a}}", ten, 100, 1000,
		       "0123456789012345678901234567890123456789012345678901234567890123456789"
		       "012345678901234567890123456789");
	EXPECT_LIMITED("\n{{#a}}\n0123456789{{/a}}", ten, 99, 1000,
		       "ERROR: line 3: output larger than 99 bytes");
	EXPECT_LIMITED("{{#a}}{{v}}{{v}}{{/a}}", ten, 99, 1000,
		       "ERROR: line 1: output larger than 99 bytes");
	EXPECT_LIMITED("{{#a}}{{>line}}{{/a}}", ten, 99, 1000,
		       "ERROR: partial \"line\": line 1: output larger than 99 bytes");
	/* Whole mebibytes are said so: 10^4 items of 120 bytes. */
	EXPECT_LIMITED("{{#a}}{{#a}}{{#a}}{{#a}}{{>line}}{{>line}}{{>line}}{{>line}}{{>line}}"
		       "{{>line}}{{>line}}{{>line}}{{>line}}{{>line}}{{>line}}{{>line}}{{/a}}{{/a}}"
		       "{{/a}}{{/a}}", ten, (size_t)1 << 20, 1000000000,
		       "ERROR: partial \"line\": line 1: output larger than 1 MiB");
	/* A standalone partial indented inside itself grows at each level:
	 * its indented text counts too, before it is rendered. */
	EXPECT_LIMITED("{{>self}}", "{\"self\":\"        {{>self}}\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"}",
		       400, 1000000, "ERROR: partial \"self\": line 1: output larger than 400 bytes");
	/* Work: nested sections over lists multiply even with no output.
	 * Three levels of 10 items visit 1,110 items and tags. */
	const char *cube = "{{#a}}{{#a}}{{#a}}{{/a}}{{/a}}{{/a}}";
	EXPECT_LIMITED(cube, ten, 100, 10000, "");
	EXPECT_LIMITED(cube, ten, 100, 1000,
		       "ERROR: line 1: rendering takes more than 1000 steps (sections nested over long lists?)");
	/* Looking a name up counts the context levels searched: 2 tags and
	 * 10 items outside, 10 x (1 tag + 2 levels) + 100 items inside, and
	 * 100 x (1 tag + 3 levels) for v, 542 steps in all. */
	const char *square = "{{#a}}{{#a}}{{v}}{{/a}}{{/a}}";
	char *out = run_limited(square, ten, 10000, 542);
	assert_int_equal(strlen(out), 500);
	free(out);
	EXPECT_LIMITED(square, ten, 10000, 541,
		       "ERROR: line 1: rendering takes more than 541 steps (sections nested over long lists?)");
	/* A tag is one step, its lookup the second. */
	const char *one_step[] = {"{{v}}", "{{^v}}x{{/v}}", "{{#v}}x{{/v}}"};
	for (size_t i = 0; i < 3; i++)
		EXPECT_LIMITED(one_step[i], ten, 100, 1, "ERROR: line 1: rendering takes more than 1 "
			       "steps (sections nested over long lists?)");
}

/* The corners of the syntax: white space in tags, CRLF, bad names in
 * every kind of tag, bad delimiters of each shape. */
static void syntax_corners(void **state)
{
	static const struct {
		const char *tpl, *want;
	} cases[] = {
		{"[{{\ta\r}}|{{\va\f}}|{{ a\n}}]", "[A|A|A]"},
		{"{{#a}}\r\nx\r\n{{/a}}\r\n", "x\r\n"},
		{"{{#a}}\rx{{/a}}\r", "\rx\r"}, /* CR alone: not a line end */
		{"{{#a}} \r", "ERROR: line 1: unclosed section \"a\""},
		{"ok {{a\r\n}", "ERROR: line 1: unclosed tag \"{{a\""},
		{"{{.a}}", "ERROR: line 1: bad tag name \".a\""},
		{"{{a.}}", "ERROR: line 1: bad tag name \"a.\""},
		{"{{#a b}}{{/a b}}", "ERROR: line 1: bad tag name \"a b\""},
		{"{{#a}}{{/ }}", "ERROR: line 1: empty tag name"},
		{"{{> a b}}", "ERROR: line 1: bad tag name \"a b\""},
		{"{{==}}", "ERROR: line 1: bad delimiters \"\""},
		{"{{=<%=}}", "ERROR: line 1: bad delimiters \"<%\""},
		{"{{=<%= %>=}}", "ERROR: line 1: bad delimiters \"<%= %>\""},
		{"{{=<% =%>=}}", "ERROR: line 1: bad delimiters \"<% =%>\""},
		/* Names: lists and numbers on the stack, index parts that
		 * are not indexes. */
		{"{{#list}}{{#.}}<{{a}}>{{/.}}{{/list}}", "<A><A>"},
		{"[{{nav.0}}|{{nav.0x}}|{{nav.1234567890}}|{{a.0}}]", "[n0|||]"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		EXPECT(cases[i].tpl, "{\"a\":\"A\",\"list\":[1,[2]],\"nav\":[\"n0\"]}",
		       TEMPLATE_ESCAPE_NONE, cases[i].want);
	EXPECT("[{{.}}]", NULL, TEMPLATE_ESCAPE_NONE, "[]"); /* "." with no context */
	/* No text is an empty template; errors may go unread. */
	char *out = template_render(NULL, NULL, TEMPLATE_ESCAPE_HTML, NULL, NULL, NULL);
	assert_string_equal(out, "");
	free(out);
	assert_null(template_render("{{#a}}", NULL, TEMPLATE_ESCAPE_HTML, NULL, NULL, NULL));
	assert_null(template_render("{{>self}}", NULL, TEMPLATE_ESCAPE_HTML, chain_partial, &(int){0},
				    NULL));
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
	/* Inline, then standalone with two indentations: three fetches of
	 * "row", each kept for the rest of the loop; a missing partial is
	 * fetched once. */
	char *out = template_render("{{#list}}{{>row}}{{>none}}{{/list}}\n{{#list}}\n  {{>row}}\n"
				    "{{/list}}\n {{>row}}\n",
				    ctx, TEMPLATE_ESCAPE_HTML, counting_partial, &c, &err);
	assert_non_null(out);
	assert_string_equal(out, "<1>\n<2>\n<3>\n\n  <1>\n  <2>\n  <3>\n <>\n");
	assert_int_equal(c.calls, 4);
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
	struct template_options o = {.partial = strict_partial, .unresolved = strict_note, .userdata = &l};
	char *out = template_render_with(tpl, ctx, TEMPLATE_ESCAPE_HTML, &o, &err);
	assert_non_null(out);
	assert_string_equal(buf_cstr(&l.calls), "missing@-:2;nil@-:2;obj@-:2;arr@-:2;m.y@-:2;a.b@-:2;"
						 "m.z@-:3;gone@p:2;");
	assert_string_equal(out, "A [] 0 false X\n     \nX\nok A\n");
	free(out);
	/* stop: the first one is the error, with its line */
	buf_reset(&l.calls);
	l.answer = -1;
	out = template_render_with(tpl, ctx, TEMPLATE_ESCAPE_HTML, &o, &err);
	assert_null(out);
	assert_string_equal(err, "line 2: no value for \"missing\"");
	free(err);
	out = template_render_with("{{a}}\n{{> p}}", ctx, TEMPLATE_ESCAPE_HTML, &o, &err);
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


/* --- parsed once, rendered many times ------------------------------------- */

/* "row" and "bad" (a syntax error); counts the fetches. */
static char *parsed_partial(void *userdata, const char *name)
{
	int *calls = userdata;
	__atomic_add_fetch(calls, 1, __ATOMIC_RELAXED);
	if (!strcmp(name, "row"))
		return xstrdup("<{{.}}{{page}}>\n");
	return strcmp(name, "bad") ? NULL : xstrdup("ok\n{{#open}}");
}

static char *render_scope(const struct template *t, const json_t *root, const struct template_var *vars,
			  size_t n)
{
	struct template_scope scope = {.root = root, .vars = vars, .n_vars = n};
	char *err = NULL;
	char *out = template_render_parsed(t, &scope, &err);
	if (!out) {
		out = xasprintf("ERROR: %s", err);
		free(err);
	}
	return out;
}

static void parsed_many_renders(void **state)
{
	int calls = 0;
	struct template_options o = {.partial = parsed_partial, .userdata = &calls};
	const char *tpl = "{{title}}: {{#list}}{{>row}}{{/list}}\n  {{>row}}\n{{>none}}{{shared}}";
	struct template *t = template_parse(tpl, TEMPLATE_ESCAPE_HTML, &o, NULL);
	assert_non_null(t);
	json_t *root = json_pack("{s:s,s:s,s:[i,i]}", "title", "Root", "shared", "S", "list", 1, 2);
	json_t *a = json_string("A<"), *b = json_string("B"), *list = json_pack("[i]", 9);
	/* Each page's own values hide the root's; the root is never changed. */
	struct template_var va[] = {{"title", a, NULL}, {"page", b, NULL}};
	struct template_var vb[] = {{"list", list, NULL}};
	char *out = render_scope(t, root, va, 2);
	assert_string_equal(out, "A&lt;: <1B>\n<2B>\n\n  <B>\nS");
	free(out);
	out = render_scope(t, root, vb, 1);
	assert_string_equal(out, "Root: <9>\n\n  <>\nS");
	free(out);
	/* Without vars it is template_render_with's output. */
	out = render_scope(t, root, NULL, 0);
	char *want = template_render_with(tpl, root, TEMPLATE_ESCAPE_HTML, &o, NULL);
	assert_string_equal(out, want);
	free(out);
	free(want);
	/* "row" inline and standalone, "none": fetched once for all three
	 * renders of t (template_render_with parsed its own). */
	assert_int_equal(calls, 3 + 3);
	assert_int_equal(json_object_size(root), 3);
	template_free(t);
	json_decref(a);
	json_decref(b);
	json_decref(list);
	json_decref(root);
}

static void parsed_same_limits_and_errors(void **state)
{
	int calls = 0;
	/* The vars and the root are one level of the stack: a render with
	 * its values in vars takes exactly the steps of one with them in
	 * the root. "{{#a}}{{b}}{{/a}}" over 3 items: the section and its
	 * lookup, 3 items, 3 tags each searching 2 levels. */
	struct template_limits lim = {1000, 14, TEMPLATE_MAX_DEPTH};
	struct template_options o = {.partial = parsed_partial, .userdata = &calls, .limits = &lim};
	struct template *t = template_parse("{{#a}}{{b}}{{/a}}", TEMPLATE_ESCAPE_HTML, &o, NULL);
	json_t *merged = json_pack("{s:[i,i,i],s:s}", "a", 1, 2, 3, "b", "x");
	json_t *root = json_pack("{s:s}", "b", "x"), *a = json_pack("[i,i,i]", 1, 2, 3);
	struct template_var v[] = {{"a", a, NULL}};
	char *one = render_scope(t, merged, NULL, 0), *two = render_scope(t, root, v, 1);
	assert_string_equal(one, "xxx");
	assert_string_equal(two, "xxx");
	free(one);
	free(two);
	template_free(t);
	lim.max_steps = 13;
	t = template_parse("{{#a}}{{b}}{{/a}}", TEMPLATE_ESCAPE_HTML, &o, NULL);
	one = render_scope(t, merged, NULL, 0);
	two = render_scope(t, root, v, 1);
	assert_string_equal(one, "ERROR: line 1: rendering takes more than 13 steps "
				 "(sections nested over long lists?)");
	assert_string_equal(two, one);
	free(one);
	free(two);
	template_free(t);
	/* A syntax error of the template at parse; of a partial at each
	 * render that reaches it, as template_render's. */
	char *err = NULL;
	assert_null(template_parse("{{#x}}", TEMPLATE_ESCAPE_HTML, &o, &err));
	assert_string_equal(err, "line 1: unclosed section \"x\"");
	free(err);
	lim.max_steps = 1000;
	t = template_parse("{{#a}}{{>bad}}{{/a}}", TEMPLATE_ESCAPE_HTML, &o, NULL);
	for (int i = 0; i < 2; i++) {
		one = render_scope(t, merged, NULL, 0);
		assert_string_equal(one, "ERROR: partial \"bad\": line 2: unclosed section \"open\"");
		free(one);
	}
	one = render_scope(t, root, NULL, 0); /* not reached: no error */
	assert_string_equal(one, "");
	free(one);
	template_free(t);
	json_decref(merged);
	json_decref(root);
	json_decref(a);
}

/* A list made as it renders: items made one at a time (never two alive),
 * each dropped after its section; the same output as the array it
 * stands for; {{^list}} for an empty one; {{list}} prints nothing and is
 * unresolved; a dotted name through it resolves to nothing. */
struct made {
	int made;
	json_t *last;      /* our own reference to the last item made */
	bool dropped;      /* every item the render had was dropped before the next was made */
};

static json_t *make_item(void *userdata, size_t i)
{
	struct made *m = userdata;
	m->made++;
	if (m->last) {
		m->dropped &= m->last->refcount == 1;
		json_decref(m->last);
	}
	m->last = json_pack("{s:i,s:[i,i]}", "n", (int)i, "sub", (int)i, (int)i + 1);
	return json_incref(m->last);
}

static int note_unresolved(void *userdata, const char *name, const char *partial, int line)
{
	(void)partial;
	(void)line;
	buf_printf(userdata, "%s;", name);
	return 0;
}

static void parsed_lazy_list(void **state)
{
	const char *tpl = "{{#rows}}[{{n}}:{{#sub}}{{.}}{{/sub}}]{{/rows}}{{^rows}}none{{/rows}}|{{rows}}|{{rows.0.n}}";
	struct template *t = template_parse(tpl, TEMPLATE_ESCAPE_HTML, NULL, NULL);
	struct made m = {0, NULL, true};
	struct template_list list = {3, make_item, &m};
	struct template_var v = {"rows", NULL, &list};
	struct buf un = {0};
	struct template_scope scope = {.vars = &v, .n_vars = 1, .unresolved = note_unresolved, .userdata = &un};
	char *out = template_render_parsed(t, &scope, NULL);
	assert_string_equal(out, "[0:01][1:12][2:23]||");
	assert_string_equal(buf_cstr(&un), "rows;rows.0.n;");
	assert_int_equal(m.made, 3);
	assert_true(m.dropped);
	assert_int_equal(m.last->refcount, 1); /* the last one too */
	json_decref(m.last);
	free(out);
	json_t *arr = json_pack("{s:[{s:i,s:[i,i]},{s:i,s:[i,i]},{s:i,s:[i,i]}]}", "rows", "n", 0, "sub", 0, 1,
				"n", 1, "sub", 1, 2, "n", 2, "sub", 2, 3);
	out = template_render_with("{{#rows}}[{{n}}:{{#sub}}{{.}}{{/sub}}]{{/rows}}{{^rows}}none{{/rows}}", arr,
				   TEMPLATE_ESCAPE_HTML, NULL, NULL);
	assert_string_equal(out, "[0:01][1:12][2:23]");
	free(out);
	json_decref(arr);
	struct template_list empty = {0, make_item, &m};
	v.list = &empty;
	out = template_render_parsed(t, &scope, NULL);
	assert_string_equal(out, "none||");
	free(out);
	buf_free(&un);
	template_free(t);
}

struct shared_render {
	const struct template *t;
	const json_t *root;
	int id;
	char *out;
};

static void *render_thread(void *arg)
{
	struct shared_render *sr = arg;
	char page[16];
	snprintf(page, sizeof page, "%d", sr->id);
	json_t *v = json_string(page);
	struct template_var vars[] = {{"page", v, NULL}};
	struct buf b = {0};
	for (int i = 0; i < 50; i++) {
		char *out = render_scope(sr->t, sr->root, vars, 1);
		if (i == 0)
			buf_puts(&b, out);
		else if (strcmp(out, b.data))
			buf_puts(&b, "DIFFERS");
		free(out);
	}
	json_decref(v);
	sr->out = buf_detach(&b);
	return NULL;
}

static void parsed_from_threads(void **state)
{
	int calls = 0;
	struct template_options o = {.partial = parsed_partial, .userdata = &calls};
	struct template *t = template_parse("{{#list}}{{>row}}{{/list}}\n {{>row}}\n", TEMPLATE_ESCAPE_HTML,
					    &o, NULL);
	json_t *root = json_pack("{s:[s,s]}", "list", "a", "b");
	struct shared_render sr[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		sr[i] = (struct shared_render){t, root, i, NULL};
		assert_int_equal(pthread_create(&th[i], NULL, render_thread, &sr[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 0; i < 4; i++) {
		char *want = xasprintf("<a%d>\n<b%d>\n\n <%d>\n", i, i, i);
		assert_string_equal(sr[i].out, want);
		free(want);
		free(sr[i].out);
	}
	assert_int_equal(calls, 2); /* "row" inline and standalone, once each */
	template_free(t);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_suite),
		cmocka_unit_test(escaping_modes),
		cmocka_unit_test(values_are_not_templates),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(syntax_corners),
		cmocka_unit_test(partial_nesting),
		cmocka_unit_test(partials_fetched_once),
		cmocka_unit_test(html_partials_in_markdown),
		cmocka_unit_test(strict_unresolved),
		cmocka_unit_test(resource_limits),
		cmocka_unit_test(dotted_names),
		cmocka_unit_test(numbers),
		cmocka_unit_test(truthiness),
		cmocka_unit_test(standalone_in_markdown),
		cmocka_unit_test(parsed_many_renders),
		cmocka_unit_test(parsed_same_limits_and_errors),
		cmocka_unit_test(parsed_lazy_list),
		cmocka_unit_test(parsed_from_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
