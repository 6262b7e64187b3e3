/* Fuzz target: the template engine. The input is template text, then a
 * NUL byte and a JSON context, then NUL-separated partials. The context
 * part, when it is not JSON, becomes the string value of "v" and "name"
 * (also inside the list "items"), so that any bytes reach a value. A
 * partial's name picks one of the partials given by its bytes' sum; with
 * none given, every partial is the template itself (recursion). Each
 * input renders with each escape mode, within small limits, and the
 * Markdown output goes through markdown_to_html as in a page. */
#include "fuzz.h"

#include "markdown.h"
#include "template.h"

#include <jansson.h>
#include <stdlib.h>

#define MAX_PARTS 8

struct parts {
	const char *text[MAX_PARTS]; /* NUL-terminated copies */
	size_t n;
};

static char *partial(void *userdata, const char *name)
{
	const struct parts *p = userdata;
	unsigned sum = 0;
	for (const char *s = name; *s; s++)
		sum += (unsigned char)*s;
	if (p->n <= 2)
		return xstrdup(p->text[0]);
	return xstrdup(p->text[2 + sum % (p->n - 2)]);
}

static json_t *context(const char *s, size_t len)
{
	json_t *j = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (j)
		return j;
	json_t *v = json_stringn_nocheck(s, len);
	json_t *c = json_pack("{sOsOs[{sO}{sO}]sb}", "v", v, "name", v, "items", "name", v, "name", v,
			      "flag", 1);
	json_decref(v);
	return c ? c : json_object();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parts p = {0};
	char *copies[MAX_PARTS];
	size_t lens[MAX_PARTS];
	const uint8_t *rest = data;
	size_t left = size;
	while (p.n < MAX_PARTS) {
		const uint8_t *nul = memchr(rest, 0, left);
		size_t head = nul ? (size_t)(nul - rest) : left;
		copies[p.n] = xstrndup((const char *)rest, head);
		lens[p.n] = head;
		p.text[p.n] = copies[p.n];
		p.n++;
		if (!nul)
			break;
		left -= head + 1;
		rest = nul + 1;
	}
	json_t *ctx = context(p.n > 1 ? p.text[1] : "", p.n > 1 ? lens[1] : 0);
	/* Limits small enough for thousands of renders a second; the real
	 * ones only scale them. */
	static const struct template_limits lim = {1 << 14, 5000, TEMPLATE_MAX_DEPTH};
	static const enum template_escape modes[] = {
		TEMPLATE_ESCAPE_HTML, TEMPLATE_ESCAPE_MARKDOWN, TEMPLATE_ESCAPE_NONE};
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		char *err = NULL;
		struct template_options o = {.partial = partial, .userdata = &p, .limits = &lim};
		char *out = template_render_with(p.text[0], ctx, modes[m], &o, &err);
		FUZZ_CHECK(!out != !err);
		if (out && modes[m] == TEMPLATE_ESCAPE_MARKDOWN)
			free(markdown_to_html(out, strlen(out)));
		free(out);
		free(err);
	}
	json_decref(ctx);
	for (size_t i = 0; i < p.n; i++)
		free(copies[i]);
	return 0;
}
