/* util: checked allocation, growable buffers, a stable hash and a string
 * set, whole-file reading and writing and the abort for impossible
 * states. Refuses nothing; aborts on out-of-memory. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void util_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "reviewpack: internal error at %s:%d: %s\n", file, line, msg);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		BUG("out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		BUG("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		BUG("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_cstr(&b);
	return buf_detach(&b);
}

void *util_alloc_huge(size_t n)
{
	const size_t huge = (size_t)2 << 20;
	if (n < huge)
		return xmalloc(n);
	void *p;
	if (posix_memalign(&p, huge, n) != 0)
		BUG("out of memory");
	(void)madvise(p, n & ~(huge - 1), MADV_HUGEPAGE); /* a hint: refused, 4 KiB pages */
	return p;
}

void grow_array(void **pp, size_t *capp, size_t need, size_t sz)
{
	if (need <= *capp)
		return;
	size_t cap = *capp ? *capp : 8;
	while (cap < need)
		cap *= 2;
	*pp = xrealloc(*pp, cap * sz);
	*capp = cap;
}

void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + extra + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	if (!fmt)
		BUG("null format");
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("bad format");
	buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *buf_cstr(struct buf *b)
{
	buf_reserve(b, 0);
	b->data[b->len] = 0;
	return b->data;
}

char *buf_detach(struct buf *b)
{
	buf_cstr(b);
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

uint64_t util_hash(const void *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * UINT64_C(0x100000001b3);
	return h;
}

/* The last step of util_table_hash: spreads every bit over the word. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	return h ^ (h >> 32);
}

uint64_t util_table_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 29;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * UINT64_C(0xc4ceb9fe1a85ec53);
	}
	return mix(h);
}

static size_t slot(const struct strset *set, const char *key)
{
	size_t mask = set->cap - 1;
	size_t i = (size_t)util_hash(key, strlen(key)) & mask;
	while (set->keys[i] && strcmp(set->keys[i], key))
		i = (i + 1) & mask;
	return i;
}

bool strset_has(const struct strset *set, const char *key)
{
	return set->cap && set->keys[slot(set, key)];
}

bool strset_add(struct strset *set, const char *key)
{
	if (strset_has(set, key))
		return false;
	if ((set->n + 1) * 2 > set->cap) { /* at most half full */
		struct strset old = *set;
		set->cap = old.cap ? old.cap * 2 : 64;
		set->keys = xcalloc(set->cap, sizeof *set->keys);
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				set->keys[slot(set, old.keys[i])] = old.keys[i];
		free(old.keys);
	}
	set->keys[slot(set, key)] = xstrdup(key);
	set->n++;
	return true;
}

void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->keys[i]);
	free(set->keys);
	*set = (struct strset){0};
}

int util_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno;
	struct buf b = {0};
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	int err = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (err) {
		buf_free(&b);
		return err;
	}
	if (len)
		*len = b.len;
	*out = buf_detach(&b);
	return 0;
}

int util_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return errno;
	if (len && fwrite(data, 1, len, f) != len) {
		int err = errno ? errno : EIO;
		fclose(f);
		return err;
	}
	if (fclose(f) != 0)
		return errno ? errno : EIO;
	return 0;
}

int util_mkdirs(const char *path, int mode)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			int err = errno;
			free(p);
			return err;
		}
		*s = '/';
	}
	int err = 0;
	if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
		err = errno;
	free(p);
	return err;
}

int util_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? 0 : errno;
	DIR *d = opendir(path);
	if (!d)
		return errno;
	struct dirent *e;
	int err = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		int r = util_remove_tree(sub);
		if (r && !err)
			err = r;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) != 0 && !err)
		err = errno;
	return err;
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	if (!n)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2; min = 0x80; cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; min = 0x800; cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; min = 0x10000; cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) { /* stops at a NUL: not a continuation byte */
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void buf_put_utf8_line(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t n = utf8_seq_len(p, 4);
		if (!n) {
			buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
			p++;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0))
			buf_putc(b, ' ');
		else
			buf_add(b, p, n);
		p += n;
	}
}

void buf_put_quoted(struct buf *b, const char *s, size_t max)
{
	buf_putc(b, '"');
	size_t i = 0;
	for (; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				buf_printf(b, "\\x%02x", c);
			else
				buf_putc(b, (char)c);
		}
	}
	buf_puts(b, s && s[i] ? "...\"" : "\"");
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void buf_put_base64(struct buf *b, const unsigned char *p, size_t n, size_t wrap)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		if (wrap && col == wrap) {
			buf_puts(b, "\r\n");
			col = 0;
		}
		char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=',
			     i + 2 < n ? B64[v & 63] : '='};
		buf_add(b, q, 4);
		col += 4;
	}
}
