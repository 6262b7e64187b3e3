/* template: consumes a mustache template (text), a JSON context and a way
 * to fetch partials; produces the filled text, every value escaped for the
 * chosen output (HTML, Markdown or none; HTML partials inside Markdown as
 * HTML on one line). The template is parsed into a
 * tree first, so values are never read as template syntax. Refuses, with
 * the line number, an unclosed or mismatched section, an unclosed tag, an
 * empty or malformed tag name, bad set-delimiter tags, sections nested
 * deeper than MAX_SECTION_DEPTH and partials nested deeper than
 * TEMPLATE_MAX_PARTIAL_DEPTH; in a checked render, a variable the caller
 * refuses to see resolve to nothing. Lambdas do not exist here. */
#include "template.h"
#include "escape.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SECTION_DEPTH 100
#define NOT_FOUND ((size_t)-1)

enum kind {
	K_ROOT,
	K_TEXT,     /* literal text */
	K_VAR,      /* {{name}}: escaped */
	K_RAW,      /* {{{name}}}, {{& name}}: not escaped */
	K_SECTION,  /* {{#name}}...{{/name}} */
	K_INVERTED, /* {{^name}}...{{/name}} */
	K_PARTIAL,  /* {{> name}} */
};

struct node {
	enum kind kind;
	int line;          /* of the tag, for errors */
	const char *text;  /* K_TEXT: points into the template source */
	size_t len;
	char *name;        /* tags */
	char *indent;      /* K_PARTIAL on a line of its own: the indentation */
	struct node **kids;
	size_t nkids, cap;
};

static struct node *node_new(enum kind kind, int line)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->line = line;
	return n;
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->indent);
	free(n);
}

static void node_add(struct node *parent, struct node *kid)
{
	GROW(parent->kids, parent->cap, parent->nkids + 1);
	parent->kids[parent->nkids++] = kid;
}

static void add_text(struct node *parent, const char *s, size_t len)
{
	if (!len)
		return;
	struct node *n = node_new(K_TEXT, 0);
	n->text = s;
	n->len = len;
	node_add(parent, n);
}

/* --- parsing ------------------------------------------------------------- */

struct parser {
	const char *src;
	size_t len;
	const char *otag, *ctag; /* current delimiters */
	size_t olen, clen;
	size_t line_pos;         /* src[0..line_pos) has been counted */
	int line;                /* line number of src[line_pos] */
	char *err;
};

static size_t find(const char *src, size_t len, size_t from, const char *needle, size_t nlen)
{
	if (nlen == 0 || len < nlen)
		return NOT_FOUND;
	for (size_t i = from; i + nlen <= len; i++)
		if (src[i] == needle[0] && !memcmp(src + i, needle, nlen))
			return i;
	return NOT_FOUND;
}

/* Line number of src[pos]; positions must not go backwards. */
static int line_at(struct parser *ps, size_t pos)
{
	for (; ps->line_pos < pos; ps->line_pos++)
		if (ps->src[ps->line_pos] == '\n')
			ps->line++;
	return ps->line;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_space(**s))
		(*s)++, (*len)--;
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

static int fail(struct parser *ps, int line, char *msg)
{
	ps->err = xasprintf("line %d: %s", line, msg);
	free(msg);
	return -1;
}

/* A tag's name: ".", or non-empty parts without white space joined by
 * single dots. Returns a new string, or NULL with ps->err set. */
static char *tag_name(struct parser *ps, int line, const char *s, size_t len)
{
	trim(&s, &len);
	if (!len) {
		fail(ps, line, xstrdup("empty tag name"));
		return NULL;
	}
	bool ok = true;
	if (!(len == 1 && s[0] == '.')) {
		for (size_t i = 0; i < len; i++)
			if (is_space(s[i]) || (s[i] == '.' && (i == 0 || i + 1 == len || s[i + 1] == '.')))
				ok = false;
	}
	char *name = xstrndup(s, len);
	if (!ok) {
		fail(ps, line, xasprintf("bad tag name \"%s\"", name));
		free(name);
		return NULL;
	}
	return name;
}

/* "{{=<% %>=}}": content is "<% %>". */
static int set_delimiters(struct parser *ps, int line, const char *s, size_t len)
{
	const char *all = s;
	size_t all_len = len;
	trim(&s, &len);
	size_t a = 0;
	while (a < len && !is_space(s[a]))
		a++;
	size_t b = a;
	while (b < len && is_space(s[b]))
		b++;
	const char *close = s + b;
	size_t clen = len - b;
	bool ok = a > 0 && clen > 0 && !memchr(s, '=', a) && !memchr(close, '=', clen);
	for (size_t i = 0; ok && i < clen; i++)
		ok = !is_space(close[i]);
	if (!ok) {
		char *shown = xstrndup(all, all_len);
		fail(ps, line, xasprintf("bad delimiters \"%s\"", shown));
		free(shown);
		return -1;
	}
	ps->otag = s;
	ps->olen = a;
	ps->ctag = close;
	ps->clen = clen;
	return 0;
}

static bool standalone_kind(char type)
{
	return type && strchr("#^/!>=", type);
}

/* Parse src[0..len) into a tree; NULL with *err set (caller frees). */
static struct node *parse(const char *src, size_t len, char **err)
{
	struct parser ps = {
		.src = src, .len = len, .otag = "{{", .olen = 2, .ctag = "}}", .clen = 2,
		.line_pos = 0, .line = 1, .err = NULL,
	};
	struct node *root = node_new(K_ROOT, 1);
	struct node **open = NULL; /* enclosing sections of cur */
	size_t nopen = 0, capopen = 0;
	struct node *cur = root;
	size_t text_start = 0;
	struct buf needle = {0};

	for (;;) {
		size_t p = find(src, len, text_start, ps.otag, ps.olen);
		if (p == NOT_FOUND) {
			add_text(cur, src + text_start, len - text_start);
			break;
		}
		int line = line_at(&ps, p);
		size_t q = p + ps.olen;
		char type = q < len && strchr("#^/!>=&{", src[q]) ? src[q] : 0;
		size_t cs = type ? q + 1 : q;

		/* "{{{name}}}" closes with "}" + ctag, "{{=a b=}}" with "=" + ctag. */
		buf_reset(&needle);
		if (type == '{' || type == '=')
			buf_putc(&needle, type == '{' ? '}' : '=');
		buf_add(&needle, ps.ctag, ps.clen);
		size_t ce = find(src, len, cs, needle.data, needle.len);
		if (ce == NOT_FOUND) {
			size_t n = 0;
			while (p + n < len && n < 24 && src[p + n] != '\n' && src[p + n] != '\r')
				n++;
			char *shown = xstrndup(src + p, n);
			fail(&ps, line, xasprintf("unclosed tag \"%s\"", shown));
			free(shown);
			goto error;
		}
		size_t tag_end = ce + needle.len;

		/* A section, comment, partial or delimiter tag alone on its line
		 * takes the whole line with it. */
		size_t cut = p, next = tag_end;
		bool standalone = false;
		if (standalone_kind(type)) {
			size_t a = p;
			while (a > text_start && (src[a - 1] == ' ' || src[a - 1] == '\t'))
				a--;
			size_t b = tag_end;
			while (b < len && (src[b] == ' ' || src[b] == '\t'))
				b++;
			bool left = a == 0 || src[a - 1] == '\n';
			bool right = b == len || src[b] == '\n' ||
				     (src[b] == '\r' && b + 1 < len && src[b + 1] == '\n');
			if (left && right) {
				standalone = true;
				cut = a;
				next = b == len ? len : src[b] == '\n' ? b + 1 : b + 2;
			}
		}
		add_text(cur, src + text_start, cut - text_start);
		text_start = next;

		const char *content = src + cs;
		size_t clen = ce - cs;
		char *name = NULL;
		struct node *n;
		switch (type) {
		case '!':
			break;
		case '=':
			if (set_delimiters(&ps, line, content, clen) < 0)
				goto error;
			break;
		case '#':
		case '^':
			if (!(name = tag_name(&ps, line, content, clen)))
				goto error;
			if (nopen >= MAX_SECTION_DEPTH) {
				fail(&ps, line, xasprintf("section \"%s\" nested deeper than %d levels",
							  name, MAX_SECTION_DEPTH));
				free(name);
				goto error;
			}
			n = node_new(type == '#' ? K_SECTION : K_INVERTED, line);
			n->name = name;
			node_add(cur, n);
			GROW(open, capopen, nopen + 1);
			open[nopen++] = cur;
			cur = n;
			break;
		case '/':
			if (!(name = tag_name(&ps, line, content, clen)))
				goto error;
			if (!nopen) {
				fail(&ps, line, xasprintf("closing tag \"%s\" without an open section", name));
				free(name);
				goto error;
			}
			if (strcmp(name, cur->name)) {
				fail(&ps, line, xasprintf("closing tag \"%s\" does not match section \"%s\" "
							  "opened on line %d", name, cur->name, cur->line));
				free(name);
				goto error;
			}
			free(name);
			cur = open[--nopen];
			break;
		case '>':
			if (!(name = tag_name(&ps, line, content, clen)))
				goto error;
			n = node_new(K_PARTIAL, line);
			n->name = name;
			if (standalone && cut < p)
				n->indent = xstrndup(src + cut, p - cut);
			node_add(cur, n);
			break;
		default: /* 0, '&', '{' */
			if (!(name = tag_name(&ps, line, content, clen)))
				goto error;
			n = node_new(type ? K_RAW : K_VAR, line);
			n->name = name;
			node_add(cur, n);
			break;
		}
	}
	if (nopen) {
		fail(&ps, cur->line, xasprintf("unclosed section \"%s\"", cur->name));
		goto error;
	}
	free(open);
	buf_free(&needle);
	return root;

error:
	free(open);
	buf_free(&needle);
	node_free(root);
	*err = ps.err;
	return NULL;
}

/* --- values -------------------------------------------------------------- */

/* The shortest decimal that reads back as x: plain notation from 1e-7 up
 * to 1e21, exponent notation outside. */
static void format_real(struct buf *b, double x)
{
	if (x == 0) {
		buf_putc(b, '0');
		return;
	}
	char e[40];
	int prec;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec - 1, x);
		if (strtod(e, NULL) == x)
			break;
	}
	if (prec > 17)
		prec = 17; /* "%.16e" always reads back; not reached */
	const char *epos = strchr(e, 'e');
	int exp10 = atoi(epos + 1);
	if (exp10 < -7 || exp10 >= 21) {
		buf_puts(b, e);
		return;
	}
	char digits[20];
	int nd = 0;
	for (const char *s = e; s < epos; s++)
		if (*s >= '0' && *s <= '9')
			digits[nd++] = *s;
	if (x < 0)
		buf_putc(b, '-');
	if (exp10 < 0) {
		buf_puts(b, "0.");
		for (int i = 0; i < -exp10 - 1; i++)
			buf_putc(b, '0');
		buf_add(b, digits, (size_t)nd);
	} else if (exp10 + 1 >= nd) {
		buf_add(b, digits, (size_t)nd);
		for (int i = nd; i < exp10 + 1; i++)
			buf_putc(b, '0');
	} else {
		buf_add(b, digits, (size_t)exp10 + 1);
		buf_putc(b, '.');
		buf_add(b, digits + exp10 + 1, (size_t)(nd - exp10 - 1));
	}
}

static void format_value(struct buf *b, const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		buf_add(b, json_string_value(v), strlen(json_string_value(v)));
		break;
	case JSON_INTEGER:
		buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		format_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_puts(b, "true");
		break;
	case JSON_FALSE:
		buf_puts(b, "false");
		break;
	default: /* null, object, array */
		break;
	}
}

char *template_format_value(const json_t *value)
{
	struct buf b = {0};
	format_value(&b, value);
	return buf_detach(&b);
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return false;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	default:
		return true;
	}
}

/* --- rendering ----------------------------------------------------------- */

/* A partial as fetched and parsed, kept for the rest of the render. */
struct cached_partial {
	char *name, *indent; /* indent NULL when not standalone */
	char *text;          /* the tree points into it; NULL: no such partial */
	struct node *tree;
};

struct render {
	struct buf out;
	enum template_escape escape;
	template_partial_fn partial;
	template_unresolved_fn unresolved;
	const char *in_partial;   /* the partial being rendered, NULL at the top */
	void *userdata;
	const json_t **stack;
	size_t depth, cap;
	int partial_depth;
	struct cached_partial *cache;
	size_t ncache, capcache;
	char *err;
};

static void push(struct render *r, const json_t *v)
{
	GROW(r->stack, r->cap, r->depth + 1);
	r->stack[r->depth++] = v;
}

static const json_t *member(const json_t *v, const char *part, size_t len)
{
	if (json_is_object(v))
		return json_object_getn(v, part, len);
	if (!json_is_array(v) || len == 0 || len > 9)
		return NULL;
	size_t index = 0;
	for (size_t i = 0; i < len; i++) {
		if (part[i] < '0' || part[i] > '9')
			return NULL;
		index = index * 10 + (size_t)(part[i] - '0');
	}
	return json_array_get(v, index);
}

static const json_t *lookup(const struct render *r, const char *name)
{
	if (!strcmp(name, "."))
		return r->depth ? r->stack[r->depth - 1] : NULL;
	const char *dot = strchr(name, '.');
	size_t len = dot ? (size_t)(dot - name) : strlen(name);
	const json_t *v = NULL;
	for (size_t i = r->depth; i-- > 0 && !v;)
		if (json_is_object(r->stack[i]))
			v = json_object_getn(r->stack[i], name, len);
	while (v && dot) {
		const char *part = dot + 1;
		dot = strchr(part, '.');
		v = member(v, part, dot ? (size_t)(dot - part) : strlen(part));
	}
	return v;
}

static void interpolate(struct render *r, const json_t *v, bool escaped)
{
	if (!escaped || r->escape == TEMPLATE_ESCAPE_NONE) {
		format_value(&r->out, v);
		return;
	}
	struct buf tmp = {0};
	format_value(&tmp, v);
	if (r->escape == TEMPLATE_ESCAPE_HTML)
		escape_html(&r->out, buf_cstr(&tmp));
	else if (r->escape == TEMPLATE_ESCAPE_HTML_LINE)
		escape_html_line(&r->out, buf_cstr(&tmp));
	else
		escape_markdown(&r->out, buf_cstr(&tmp));
	buf_free(&tmp);
}

/* Each line of text with indent in front (not after a final newline). */
static char *indent_lines(const char *text, const char *indent)
{
	struct buf b = {0};
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
		buf_puts(&b, indent);
		buf_add(&b, s, n);
		s += n;
	}
	return buf_detach(&b);
}

static int render_kids(struct render *r, const struct node *n);

/* The parsed partial for n (fetched and parsed on first use); NULL with
 * r->err set on a syntax error, or a cache entry whose tree is NULL when
 * there is no such partial. */
static const struct cached_partial *get_partial(struct render *r, const struct node *n)
{
	for (size_t i = 0; i < r->ncache; i++) {
		const struct cached_partial *c = &r->cache[i];
		if (!strcmp(c->name, n->name) &&
		    (c->indent && n->indent ? !strcmp(c->indent, n->indent) : c->indent == n->indent))
			return c;
	}
	char *text = r->partial(r->userdata, n->name);
	struct node *tree = NULL;
	if (text) {
		if (n->indent) {
			char *indented = indent_lines(text, n->indent);
			free(text);
			text = indented;
		}
		char *err = NULL;
		tree = parse(text, strlen(text), &err);
		if (!tree) {
			r->err = xasprintf("partial \"%s\": %s", n->name, err);
			free(err);
			free(text);
			return NULL;
		}
	}
	GROW(r->cache, r->capcache, r->ncache + 1);
	struct cached_partial *c = &r->cache[r->ncache++];
	c->name = xstrdup(n->name);
	c->indent = n->indent ? xstrdup(n->indent) : NULL;
	c->text = text;
	c->tree = tree;
	return c;
}

static int render_partial(struct render *r, const struct node *n)
{
	if (!r->partial)
		return 0;
	if (r->partial_depth >= TEMPLATE_MAX_PARTIAL_DEPTH) {
		r->err = xasprintf("partial \"%s\" nested deeper than %d levels", n->name,
				   TEMPLATE_MAX_PARTIAL_DEPTH);
		return -1;
	}
	const struct cached_partial *c = get_partial(r, n);
	if (!c)
		return -1;
	if (!c->tree)
		return 0;
	/* The cache may move while the partial renders: hold the tree. */
	const struct node *tree = c->tree;
	enum template_escape outer = r->escape;
	size_t len = strlen(n->name);
	if (outer == TEMPLATE_ESCAPE_MARKDOWN && len > 5 && !strcmp(n->name + len - 5, ".html"))
		r->escape = TEMPLATE_ESCAPE_HTML_LINE; /* raw HTML inside the Markdown */
	const char *outer_partial = r->in_partial;
	r->in_partial = n->name;
	r->partial_depth++;
	int rc = render_kids(r, tree);
	r->partial_depth--;
	r->in_partial = outer_partial;
	r->escape = outer;
	return rc;
}

static int render_node(struct render *r, const struct node *n)
{
	const json_t *v;
	switch (n->kind) {
	case K_TEXT:
		buf_add(&r->out, n->text, n->len);
		return 0;
	case K_VAR:
	case K_RAW:
		v = lookup(r, n->name);
		if (r->unresolved && (!v || json_is_null(v) || json_is_object(v) || json_is_array(v)) &&
		    r->unresolved(r->userdata, n->name, r->in_partial, n->line) < 0) {
			r->err = r->in_partial ? xasprintf("partial \"%s\": line %d: no value for \"%s\"",
							   r->in_partial, n->line, n->name)
					       : xasprintf("line %d: no value for \"%s\"", n->line, n->name);
			return -1;
		}
		interpolate(r, v, n->kind == K_VAR);
		return 0;
	case K_SECTION:
		v = lookup(r, n->name);
		if (json_is_array(v)) {
			for (size_t i = 0; i < json_array_size(v); i++) {
				push(r, json_array_get(v, i));
				int rc = render_kids(r, n);
				r->depth--;
				if (rc < 0)
					return rc;
			}
			return 0;
		}
		if (truthy(v)) {
			push(r, v);
			int rc = render_kids(r, n);
			r->depth--;
			return rc;
		}
		return 0;
	case K_INVERTED:
		return truthy(lookup(r, n->name)) ? 0 : render_kids(r, n);
	case K_PARTIAL:
		return render_partial(r, n);
	case K_ROOT:
		break;
	}
	BUG("template node of unknown kind");
	return -1;
}

static int render_kids(struct render *r, const struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (render_node(r, n->kids[i]) < 0)
			return -1;
	return 0;
}

char *template_render(const char *text, const json_t *context, enum template_escape escape,
		      template_partial_fn partial, void *userdata, char **err)
{
	return template_render_checked(text, context, escape, partial, NULL, userdata, err);
}

char *template_render_checked(const char *text, const json_t *context, enum template_escape escape,
			      template_partial_fn partial, template_unresolved_fn unresolved,
			      void *userdata, char **err)
{
	char *perr = NULL;
	struct node *tree = parse(text ? text : "", text ? strlen(text) : 0, &perr);
	if (!tree) {
		if (err)
			*err = perr;
		else
			free(perr);
		return NULL;
	}
	struct render r = {.escape = escape, .partial = partial, .unresolved = unresolved,
			   .userdata = userdata};
	if (context)
		push(&r, context);
	int rc = render_kids(&r, tree);
	node_free(tree);
	free(r.stack);
	for (size_t i = 0; i < r.ncache; i++) {
		node_free(r.cache[i].tree);
		free(r.cache[i].text);
		free(r.cache[i].name);
		free(r.cache[i].indent);
	}
	free(r.cache);
	if (rc < 0) {
		buf_free(&r.out);
		if (err)
			*err = r.err;
		else
			free(r.err);
		return NULL;
	}
	return buf_detach(&r.out);
}
