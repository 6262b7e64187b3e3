/* template: mustache templates (the core of the mustache specification:
 * variables, sections, inverted sections, comments, partials, set
 * delimiters; no lambdas) rendered against a jansson tree. */
#ifndef REVIEWPACK_TEMPLATE_H
#define REVIEWPACK_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* How {{name}} escapes its value; {{{name}}} and {{& name}} never do. */
enum template_escape {
	TEMPLATE_ESCAPE_HTML,     /* escape_html */
	TEMPLATE_ESCAPE_MARKDOWN, /* escape_markdown */
	TEMPLATE_ESCAPE_NONE,     /* plain text: values as they are */
	TEMPLATE_ESCAPE_HTML_LINE, /* escape_html_line: HTML on one Markdown line */
};

/* A partial whose name ends in ".html" ({{> chart-img.html}}) holds raw
 * HTML: inside a TEMPLATE_ESCAPE_MARKDOWN render it, and every partial it
 * includes, escapes {{name}} with TEMPLATE_ESCAPE_HTML_LINE, so a value
 * lands in an HTML attribute or element escaped for HTML and cannot end
 * the Markdown line or table cell it sits on. In other modes it renders
 * as any partial. */

/* What one render may take at most, so that no template (a user's own
 * with --templates) can exhaust the machine: past a limit the render
 * stops with an error naming the line where it went over. */
struct template_limits {
	size_t max_output;  /* bytes of output, and of partial text indented for it */
	uint64_t max_steps; /* work: tags rendered, list items visited, context
			     * levels searched for a name */
	int max_depth;      /* sections and partials open at once, counted
			     * across partials (also sections in one template) */
};
/* The limits of template_render. */
#define TEMPLATE_MAX_OUTPUT ((size_t)256 << 20)  /* 256 MiB */
#define TEMPLATE_MAX_STEPS ((uint64_t)100000000)
#define TEMPLATE_MAX_DEPTH 100

/* Returns the text of partial `name` in a new string (the renderer frees
 * it with free()), or NULL when there is none (it renders as empty).
 * Called once per name and indentation during a render; the result is
 * reused for every other use of the partial. */
typedef char *(*template_partial_fn)(void *userdata, const char *name);

/* Render template text against context (any JSON value; NULL is an empty
 * context). Names resolve as in mustache: "." is the current value,
 * "a.b.c" looks up "a" up the context stack then "b" and "c" inside it;
 * a part made of digits indexes an array ("nav.0.label"). Falsy: missing,
 * null, false, "", 0 and []. Integers print as integers, reals in the
 * shortest form that reads back the same ("1.21", "0.5", "100"), booleans
 * as "true"/"false", null/objects/arrays as nothing. A value is never
 * read as template text. partial may be NULL (no partials).
 * Returns a new string (caller frees), or NULL with *err set to a new
 * message (caller frees), e.g. "line 3: unclosed section \"tiers\"" or
 * "partial \"row\": line 1: unclosed tag". An error found while rendering
 * names where it happened the same way: "line 9: output larger than 256
 * MiB", "partial \"row\": line 2: section \"x\" nested deeper than 100
 * levels", "partial \"row\": line 1: partial \"row\" recurses deeper than
 * 100 levels" (the partial that includes itself, at its own tag). */
char *template_render(const char *text, const json_t *context, enum template_escape escape,
		      template_partial_fn partial, void *userdata, char **err);
/* Strict rendering: called for each {{name}} or {{{name}}} that resolves
 * to nothing (no such name up the context stack, or null, an object or an
 * array, which print as nothing). partial is the partial the tag is in
 * (NULL: the template itself), line the tag's line there. Return 0 to
 * render it as empty, or -1 to stop the render with the error "line 3: no
 * value for \"name\"" (in a partial: "partial \"p\": line 1: ..."). */
typedef int (*template_unresolved_fn)(void *userdata, const char *name, const char *partial,
				      int line);

/* What a render may use besides the template and the context; every
 * member may be zero/NULL. */
struct template_options {
	template_partial_fn partial;        /* NULL: no partials */
	template_unresolved_fn unresolved;  /* NULL: unresolved names render empty */
	void *userdata;                     /* passed to both */
	const struct template_limits *limits; /* NULL: the defaults above */
};

/* template_render with options (o NULL: none, the default limits). */
char *template_render_with(const char *text, const json_t *context, enum template_escape escape,
			   const struct template_options *o, char **err);

/* --- a template parsed once, rendered many times ------------------------ */

/* A parsed template: its tree, and each partial it uses, fetched and
 * parsed the first time a render reaches it and kept for every later
 * render. Nothing in it changes while rendering but that cache (under a
 * lock), so many threads may render one template at once. */
struct template;

/* Parse text for renders in mode escape, with o's partial callback and
 * userdata (called at most once per partial name and indentation, from
 * whichever thread first renders it; it must not call back into t) and
 * limits (o NULL: no partials, the default limits; o->unresolved is
 * ignored here: each render gives its own). Returns the template (free
 * with template_free), or NULL with *err set (caller frees) as
 * template_render's ("line 3: unclosed section \"tiers\""). */
struct template *template_parse(const char *text, enum template_escape escape,
				const struct template_options *o, char **err);

/* A list a section makes one item at a time as it goes over it, so that
 * a long list (a row per partner of a large program) never exists whole:
 * {{#name}} renders once per item, in order, with the item on top of the
 * stack; {{^name}} renders when n is 0; {{name}} prints nothing (as an
 * array) and a dotted name through it ("name.0.x") resolves to nothing. */
struct template_list {
	size_t n;
	json_t *(*item)(void *userdata, size_t i); /* a new reference to item i,
						    * dropped after its section */
	void *userdata;
};

/* A name the render resolves before the root context: one of the page's
 * own values (its title, navigation, content), so that pages rendered at
 * once each have theirs without changing the shared context. */
struct template_var {
	const char *name;    /* one part: no dots */
	const json_t *value; /* borrowed: not referenced, not changed; or NULL and */
	const struct template_list *list; /* a list made as it is rendered */
};

/* What one render reads. The bottom of the context stack is root with vars
 * over it: one level, as if vars had been set into root (a var hides the
 * root's member of that name); "." there is root. Nothing is referenced
 * or changed: root and the values may be shared with other renders. */
struct template_scope {
	const json_t *root;                 /* NULL: none */
	const struct template_var *vars;
	size_t n_vars;
	template_unresolved_fn unresolved;  /* NULL: unresolved names render empty */
	void *userdata;                     /* passed to unresolved */
};

/* Render t as template_render_with does (same output, limits and errors).
 * scope NULL is an empty context. */
char *template_render_parsed(const struct template *t, const struct template_scope *scope, char **err);

/* Free a parsed template; accepts NULL. */
void template_free(struct template *t);

/* The text of a JSON value as {{name}} prints it before escaping (see
 * above; NULL prints as nothing), in a new string; caller frees. */
char *template_format_value(const json_t *value);

#endif
