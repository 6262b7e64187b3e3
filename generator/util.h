/* util: small helpers every stage uses: checked allocation, a growable
 * byte buffer, a stable hash and a string set, and the abort for
 * impossible states. */
#ifndef REVIEWPACK_UTIL_H
#define REVIEWPACK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Impossible state: print file:line and abort. */
#define BUG(msg) util_bug(__FILE__, __LINE__, (msg))
void util_bug(const char *file, int line, const char *msg);

/* Allocation that aborts on out-of-memory; results are freed with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* n bytes, as xmalloc, for a large array filled once: from 2 MiB on,
 * aligned to 2 MiB and advised onto huge pages (far fewer page faults as
 * it is first touched). Freed with free(). */
void *util_alloc_huge(size_t n);

/* Grow an array *pp of *capp elements of size sz to hold at least need. */
void grow_array(void **pp, size_t *capp, size_t need, size_t sz);
#define GROW(p, cap, need) grow_array((void **)&(p), &(cap), (need), sizeof *(p))

/* A growable byte buffer, always NUL-terminated when len > 0 or after
 * buf_cstr. Zero-initialise (struct buf b = {0}); free with buf_free. */
struct buf {
	char *data;
	size_t len, cap;
};
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Append base64 of n bytes, a CRLF after every `wrap` output characters
 * (0: one line), none after the last line. */
void buf_put_base64(struct buf *b, const unsigned char *p, size_t n, size_t wrap);
/* Make room for n more bytes (and the NUL after them) without a later
 * reallocation: data[len .. len + n] may then be written directly. */
void buf_reserve(struct buf *b, size_t n);
const char *buf_cstr(struct buf *b);   /* "" when empty; owned by b */
char *buf_detach(struct buf *b);       /* caller frees; b is reset */
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* UTF-8. The length (1 to 4) of the valid sequence at s[0..n), or 0 when
 * the bytes there are not one (a bad lead or continuation byte, an
 * overlong form, a surrogate, a value above U+10FFFF, or cut short). */
size_t utf8_seq_len(const unsigned char *s, size_t n);
/* Append s as valid UTF-8 safe for one line of text: each C0 and C1
 * control character and DEL (CR, LF, TAB among them) as a space, each
 * byte that is not valid UTF-8 as U+FFFD. s may be NULL. */
void buf_put_utf8_line(struct buf *b, const char *s);
/* Append s for an error message: in double quotes, printable ASCII as is,
 * '"' and '\' backslash-escaped, CR, LF and TAB as \r, \n and \t, every
 * other byte as \xNN; at most max bytes of s, then "..." inside the
 * quotes. s may be NULL (""). */
void buf_put_quoted(struct buf *b, const char *s, size_t max);

/* FNV-1a, 64 bits, of n bytes: a stable hash (the same in every build). */
uint64_t util_hash(const void *p, size_t n);
/* A fast hash of n bytes for tables held in memory, eight bytes at a
 * time, every bit of the result depending on every input bit; not for
 * anything written out (util_hash is the stable one). */
uint64_t util_table_hash(const void *p, size_t n);

/* A set of strings. Zero-initialise (struct strset s = {0}); free with
 * strset_free. */
struct strset {
	char **keys; /* open addressing; NULL = empty slot */
	size_t n, cap;
};
/* Add a copy of key unless the set has it; true when it was added. */
bool strset_add(struct strset *set, const char *key);
bool strset_has(const struct strset *set, const char *key);
void strset_free(struct strset *set);

/* Read a whole file into *out (NUL-terminated); 0 on success, else errno. */
int util_read_file(const char *path, char **out, size_t *len);
/* Write len bytes to path (created/truncated; a link is followed); 0 on
 * success, else errno. For tests and tools: publishing writes through
 * fsio.h. */
int util_write_file(const char *path, const void *data, size_t len);
/* mkdir -p (links followed); 0 on success, else errno. For tests and
 * tools, as util_write_file. */
int util_mkdirs(const char *path, int mode);
/* rm -rf (a link is removed, not followed); 0 on success, else errno.
 * Publishing uses fsio_remove_tree; this is for tests and tools. */
int util_remove_tree(const char *path);

#endif
