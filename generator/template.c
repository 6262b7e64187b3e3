/* template: consumes a mustache template (text), a JSON context and a way
 * to fetch partials; produces the filled text, every value escaped for the
 * chosen output (HTML, Markdown or none; HTML partials inside Markdown as
 * HTML on one line). The template is parsed into a
 * tree first, so values are never read as template syntax. Refuses, with
 * the line number, an unclosed or mismatched section, an unclosed tag, an
 * empty or malformed tag name, and bad set-delimiter tags; while
 * rendering, refuses a template that goes over its limits (output size,
 * work, nesting of sections and partials), so that the time and memory of
 * a render are bounded whatever the template, and, in a checked render, a
 * variable the caller refuses to see resolve to nothing. Lambdas do not
 * exist here. */
#include "template.h"
#include "escape.h"
#include "util.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct cached_partial;

struct node {
	enum kind kind;
	int line;          /* of the tag or where the text starts, for errors */
	const char *text;  /* K_TEXT: points into the template source */
	size_t len;
	char *name;        /* tags */
	char *indent;      /* K_PARTIAL on a line of its own: the indentation */
	struct cached_partial *resolved; /* K_PARTIAL: its partial once fetched
					  * (under the template's lock) */
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

static void add_text(struct node *parent, int line, const char *s, size_t len)
{
	if (!len)
		return;
	struct node *n = node_new(K_TEXT, line);
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
	int max_depth;           /* of sections */
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

/* Parse src[0..len) into a tree, sections nested at most max_depth deep;
 * NULL with *err set (caller frees). */
static struct node *parse(const char *src, size_t len, int max_depth, char **err)
{
	struct parser ps = {
		.src = src, .len = len, .otag = "{{", .olen = 2, .ctag = "}}", .clen = 2,
		.line_pos = 0, .line = 1, .max_depth = max_depth, .err = NULL,
	};
	struct node *root = node_new(K_ROOT, 1);
	struct node **open = NULL; /* enclosing sections of cur */
	size_t nopen = 0, capopen = 0;
	struct node *cur = root;
	size_t text_start = 0;
	int text_line = 1;
	struct buf needle = {0};

	for (;;) {
		size_t p = find(src, len, text_start, ps.otag, ps.olen);
		if (p == NOT_FOUND) {
			add_text(cur, text_line, src + text_start, len - text_start);
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
		add_text(cur, text_line, src + text_start, cut - text_start);
		text_start = next;
		text_line = line_at(&ps, next);

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
			if (nopen >= (size_t)ps.max_depth) {
				fail(&ps, line, xasprintf("section \"%s\" nested deeper than %d levels",
							  name, ps.max_depth));
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

/* A partial as fetched and parsed, kept with the template for every render
 * of it. */
struct cached_partial {
	char *name, *indent; /* indent NULL when not standalone */
	char *text;          /* the tree points into it */
	struct node *tree;   /* NULL: no such partial, or err */
	char *err;           /* its syntax error, reported where it is used */
	size_t indented;     /* standalone: its bytes once indented, counted
			      * towards the output limit of each render */
};

struct template {
	struct node *root;
	char *text;                  /* the source; the tree points into it */
	enum template_escape escape;
	template_partial_fn partial;
	void *userdata;
	struct template_limits lim;
	pthread_mutex_t lock;        /* guards the partials and each node's resolved */
	struct cached_partial **partials;
	size_t npartials, cappartials;
};

struct render {
	const struct template *t;
	struct buf out;
	enum template_escape escape;
	template_unresolved_fn unresolved;
	void *userdata;
	struct template_limits lim;
	uint64_t steps;              /* work done so far */
	size_t indented;             /* bytes of partial text indented so far */
	const struct template_var *vars; /* the page's own names, above the root */
	size_t nvars;
	bool base;                   /* stack[0] is the root, with vars above it */
	const json_t **stack;
	size_t depth, cap;
	int open;                    /* sections and partials open now */
	const struct node **chain;   /* the partial tags being rendered, outermost first */
	size_t nchain, capchain;
	const struct cached_partial **counted; /* indented partials counted in this render */
	size_t ncounted, capcounted;
	char *err;
};

/* Record msg (freed) as the error, at line `line` of the template at
 * level `level` of the chain (0: the template itself, k: the partial of
 * chain[k - 1]). Returns -1. */
static int fail_in(struct render *r, size_t level, int line, char *msg)
{
	if (level)
		r->err = xasprintf("partial \"%s\": line %d: %s", r->chain[level - 1]->name, line, msg);
	else
		r->err = xasprintf("line %d: %s", line, msg);
	free(msg);
	return -1;
}

/* The same, at tag n of the template being rendered now. */
static int fail_here(struct render *r, const struct node *n, char *msg)
{
	return fail_in(r, r->nchain, n->line, msg);
}

/* Counts one unit of work; false (error recorded at n) past the limit. */
static bool step(struct render *r, const struct node *n, uint64_t units)
{
	r->steps += units;
	if (r->steps <= r->lim.max_steps)
		return true;
	fail_here(r, n, xasprintf("rendering takes more than %" PRIu64 " steps "
				  "(sections nested over long lists?)", r->lim.max_steps));
	return false;
}

/* False (error recorded at n) when the output so far, with the partial
 * text indented for it, is over the limit. */
static bool size_ok(struct render *r, const struct node *n)
{
	if (r->out.len <= r->lim.max_output && r->indented <= r->lim.max_output - r->out.len)
		return true;
	size_t m = r->lim.max_output;
	fail_here(r, n, m % ((size_t)1 << 20) ? xasprintf("output larger than %zu bytes", m)
					      : xasprintf("output larger than %zu MiB", m >> 20));
	return false;
}

/* Section or partial tag n would open one level too many. When a partial
 * includes itself on the way here (directly or through others), that
 * partial is to blame, at its innermost tag; else n is. Returns -1. */
static int too_deep(struct render *r, const struct node *n)
{
	const char *blame = NULL;
	size_t most = 1;
	for (size_t i = 0; i < r->nchain; i++) {
		size_t count = 0;
		for (size_t j = 0; j < r->nchain; j++)
			count += !strcmp(r->chain[i]->name, r->chain[j]->name);
		if (n->kind == K_PARTIAL)
			count += !strcmp(r->chain[i]->name, n->name);
		if (count > most) {
			most = count;
			blame = r->chain[i]->name;
		}
	}
	if (!blame)
		return fail_here(r, n, xasprintf("%s \"%s\" nested deeper than %d levels",
						 n->kind == K_PARTIAL ? "partial" : "section", n->name,
						 r->lim.max_depth));
	char *msg = xasprintf("partial \"%s\" recurses deeper than %d levels", blame, r->lim.max_depth);
	if (n->kind == K_PARTIAL && !strcmp(n->name, blame))
		return fail_here(r, n, msg);
	size_t k = r->nchain;
	while (strcmp(r->chain[k - 1]->name, blame))
		k--;
	return fail_in(r, k - 1, r->chain[k - 1]->line, msg);
}

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

/* The page's own var named name[0..len), or NULL. */
static const struct template_var *var_get(const struct render *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->nvars; i++)
		if (!strncmp(r->vars[i].name, name, len) && !r->vars[i].name[len])
			return &r->vars[i];
	return NULL;
}

/* The value of tag n's name; *v NULL when missing. A var's list (only a
 * name of one part reaches it) goes to *list instead, when list is not
 * NULL. False past the work limit: each context level searched is a
 * step. */
static bool lookup_list(struct render *r, const struct node *n, const json_t **out,
			const struct template_list **list)
{
	const char *name = n->name;
	*out = NULL;
	if (list)
		*list = NULL;
	if (!strcmp(name, ".")) {
		*out = r->depth ? r->stack[r->depth - 1] : NULL;
		return true;
	}
	const char *dot = strchr(name, '.');
	size_t len = dot ? (size_t)(dot - name) : strlen(name);
	const json_t *v = NULL;
	const struct template_list *lst = NULL;
	size_t searched = 0;
	for (size_t i = r->depth; i-- > 0 && !v && !lst; searched++) {
		const struct template_var *tv = i == 0 && r->base ? var_get(r, name, len) : NULL;
		if (tv) {
			v = tv->value;
			lst = tv->list;
		}
		if (!v && !lst && json_is_object(r->stack[i]))
			v = json_object_getn(r->stack[i], name, len);
	}
	if (!step(r, n, searched))
		return false;
	if (lst && !dot && list)
		*list = lst;
	while (v && dot) {
		const char *part = dot + 1;
		dot = strchr(part, '.');
		v = member(v, part, dot ? (size_t)(dot - part) : strlen(part));
	}
	*out = v;
	return true;
}

static bool lookup(struct render *r, const struct node *n, const json_t **out)
{
	return lookup_list(r, n, out, NULL);
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

/* The bytes indent_lines(text, indent) adds to text. */
static size_t indent_growth(const char *text, const char *indent)
{
	size_t lines = 0;
	for (const char *s = text; *s; s++)
		lines += s == text || s[-1] == '\n';
	return lines * strlen(indent);
}

static int render_kids(struct render *r, const struct node *n);

/* The partial of (name, indent), fetched and parsed; the template's lock
 * is held. */
static struct cached_partial *fetch_partial(struct template *t, const struct node *n)
{
	for (size_t i = 0; i < t->npartials; i++) {
		struct cached_partial *c = t->partials[i];
		if (!strcmp(c->name, n->name) &&
		    (c->indent && n->indent ? !strcmp(c->indent, n->indent) : c->indent == n->indent))
			return c;
	}
	struct cached_partial *c = xcalloc(1, sizeof *c);
	c->name = xstrdup(n->name);
	c->indent = n->indent ? xstrdup(n->indent) : NULL;
	c->text = t->partial(t->userdata, n->name);
	if (c->text && n->indent) {
		/* A partial indented inside itself grows at each level: its
		 * text counts towards the output limit (past it, no render
		 * can use it, so it is neither indented nor parsed). */
		c->indented = strlen(c->text) + indent_growth(c->text, n->indent);
		if (c->indented > t->lim.max_output) {
			free(c->text);
			c->text = NULL;
		} else {
			char *indented = indent_lines(c->text, n->indent);
			free(c->text);
			c->text = indented;
		}
	}
	if (c->text) {
		char *err = NULL;
		c->tree = parse(c->text, strlen(c->text), t->lim.max_depth, &err);
		if (!c->tree)
			c->err = xasprintf("partial \"%s\": %s", n->name, err);
		free(err);
	}
	GROW(t->partials, t->cappartials, t->npartials + 1);
	t->partials[t->npartials++] = c;
	return c;
}

/* The parsed partial for n (fetched and parsed on the template's first use
 * of it); NULL with r->err set on a syntax error or past the size limit,
 * or one whose tree is NULL when there is no such partial. */
static const struct cached_partial *get_partial(struct render *r, const struct node *n)
{
	struct template *t = (struct template *)r->t;
	pthread_mutex_lock(&t->lock);
	if (!n->resolved)
		((struct node *)n)->resolved = fetch_partial(t, n);
	const struct cached_partial *c = n->resolved;
	pthread_mutex_unlock(&t->lock);
	if (c->indented) {
		bool seen = false;
		for (size_t i = 0; i < r->ncounted && !seen; i++)
			seen = r->counted[i] == c;
		if (!seen) {
			GROW(r->counted, r->capcounted, r->ncounted + 1);
			r->counted[r->ncounted++] = c;
			r->indented += c->indented;
			if (!size_ok(r, n))
				return NULL;
		}
	}
	if (c->err) {
		r->err = xstrdup(c->err);
		return NULL;
	}
	return c;
}

static int render_partial(struct render *r, const struct node *n)
{
	if (!r->t->partial)
		return 0;
	if (r->open >= r->lim.max_depth)
		return too_deep(r, n);
	const struct cached_partial *c = get_partial(r, n);
	if (!c)
		return -1;
	if (!c->tree)
		return 0;
	const struct node *tree = c->tree;
	enum template_escape outer = r->escape;
	size_t len = strlen(n->name);
	if (outer == TEMPLATE_ESCAPE_MARKDOWN && len > 5 && !strcmp(n->name + len - 5, ".html"))
		r->escape = TEMPLATE_ESCAPE_HTML_LINE; /* raw HTML inside the Markdown */
	GROW(r->chain, r->capchain, r->nchain + 1);
	r->chain[r->nchain++] = n;
	r->open++;
	int rc = render_kids(r, tree);
	r->open--;
	r->nchain--;
	r->escape = outer;
	return rc;
}

/* The kids of section n once with v on top of the context stack (NULL:
 * the stack as it is, for an inverted section). */
static int render_section(struct render *r, const struct node *n, const json_t *v)
{
	if (r->open >= r->lim.max_depth)
		return too_deep(r, n);
	if (v)
		push(r, v);
	r->open++;
	int rc = render_kids(r, n);
	r->open--;
	if (v)
		r->depth--;
	return rc;
}

static int render_node(struct render *r, const struct node *n)
{
	const json_t *v;
	const struct template_list *list;
	if (!step(r, n, 1))
		return -1;
	switch (n->kind) {
	case K_TEXT:
		buf_add(&r->out, n->text, n->len);
		return size_ok(r, n) ? 0 : -1;
	case K_VAR:
	case K_RAW:
		if (!lookup(r, n, &v))
			return -1;
		if (r->unresolved && (!v || json_is_null(v) || json_is_object(v) || json_is_array(v)) &&
		    r->unresolved(r->userdata, n->name,
				  r->nchain ? r->chain[r->nchain - 1]->name : NULL, n->line) < 0)
			return fail_here(r, n, xasprintf("no value for \"%s\"", n->name));
		interpolate(r, v, n->kind == K_VAR);
		return size_ok(r, n) ? 0 : -1;
	case K_SECTION:
		if (!lookup_list(r, n, &v, &list))
			return -1;
		for (size_t i = 0; list && i < list->n; i++) {
			if (!step(r, n, 1))
				return -1;
			json_t *item = list->item(list->userdata, i);
			int rc = render_section(r, n, item);
			json_decref(item);
			if (rc < 0)
				return -1;
		}
		if (list)
			return 0;
		if (json_is_array(v)) {
			for (size_t i = 0; i < json_array_size(v); i++)
				if (!step(r, n, 1) || render_section(r, n, json_array_get(v, i)) < 0)
					return -1;
			return 0;
		}
		return truthy(v) ? render_section(r, n, v) : 0;
	case K_INVERTED:
		if (!lookup_list(r, n, &v, &list))
			return -1;
		return (list ? list->n > 0 : truthy(v)) ? 0 : render_section(r, n, NULL);
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

struct template *template_parse(const char *text, enum template_escape escape,
				const struct template_options *o, char **err)
{
	static const struct template_limits defaults = {
		.max_output = TEMPLATE_MAX_OUTPUT,
		.max_steps = TEMPLATE_MAX_STEPS,
		.max_depth = TEMPLATE_MAX_DEPTH,
	};
	static const struct template_options none = {0};
	if (!o)
		o = &none;
	struct template *t = xcalloc(1, sizeof *t);
	t->text = xstrdup(text ? text : "");
	t->escape = escape;
	t->partial = o->partial;
	t->userdata = o->userdata;
	t->lim = o->limits ? *o->limits : defaults;
	char *perr = NULL;
	t->root = parse(t->text, strlen(t->text), t->lim.max_depth, &perr);
	if (!t->root) {
		if (err)
			*err = perr;
		else
			free(perr);
		free(t->text);
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void template_free(struct template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->npartials; i++) {
		struct cached_partial *c = t->partials[i];
		node_free(c->tree);
		free(c->text);
		free(c->name);
		free(c->indent);
		free(c->err);
		free(c);
	}
	free(t->partials);
	pthread_mutex_destroy(&t->lock);
	node_free(t->root);
	free(t->text);
	free(t);
}

char *template_render_parsed(const struct template *t, const struct template_scope *scope, char **err)
{
	static const struct template_scope empty = {0};
	if (!scope)
		scope = &empty;
	struct render r = {.t = t, .escape = t->escape, .unresolved = scope->unresolved,
			   .userdata = scope->userdata, .lim = t->lim, .vars = scope->vars,
			   .nvars = scope->n_vars};
	if (scope->root || scope->n_vars) {
		r.base = true;
		push(&r, scope->root);
	}
	int rc = render_kids(&r, t->root);
	free(r.stack);
	free(r.chain);
	free(r.counted);
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

char *template_render_with(const char *text, const json_t *context, enum template_escape escape,
			   const struct template_options *o, char **err)
{
	struct template *t = template_parse(text, escape, o, err);
	if (!t)
		return NULL;
	struct template_scope scope = {.root = context, .unresolved = o ? o->unresolved : NULL,
				       .userdata = o ? o->userdata : NULL};
	char *out = template_render_parsed(t, &scope, err);
	template_free(t);
	return out;
}

char *template_render(const char *text, const json_t *context, enum template_escape escape,
		      template_partial_fn partial, void *userdata, char **err)
{
	struct template_options o = {.partial = partial, .userdata = userdata};
	return template_render_with(text, context, escape, &o, err);
}
