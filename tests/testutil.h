/* testutil: what the cmocka tests share: headers and small helpers. */
#ifndef REVIEWPACK_TESTUTIL_H
#define REVIEWPACK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"

/* A fresh empty directory under $TMPDIR (or /tmp); caller frees the path
 * and may remove the tree with util_remove_tree. */
static inline char *test_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/reviewpack-test-XXXXXX", base && *base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	if (!d)
		return NULL;
	char *out = malloc(strlen(d) + 1);
	strcpy(out, d);
	return out;
}

/* Write text to dir/name; returns 0 on success. */
static inline int test_write(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* How many times needle occurs in hay (not overlapping). */
static inline int test_count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *s = hay; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

/* s with every occurrence of from replaced by to; caller frees. */
static inline char *test_replace(const char *s, const char *from, const char *to)
{
	struct buf b = {0};
	for (const char *hit; (hit = strstr(s, from)); s = hit + strlen(from)) {
		buf_add(&b, s, (size_t)(hit - s));
		buf_puts(&b, to);
	}
	buf_puts(&b, s);
	return buf_detach(&b);
}

#endif
