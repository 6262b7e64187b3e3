/* decode: consumes a file's bytes in chunks of any size and an encoding
 * name; produces UTF-8 text with no NUL and no lone CR (a lone CR becomes
 * LF), skipping one byte-order mark. Valid UTF-8 passes through without a
 * copy (a word-at-a-time scan finds the rare bytes that need a look);
 * every other encoding goes through glibc's iconv. Refuses, with the line
 * and column where decoding stopped: bytes invalid in the encoding, NUL, a
 * second byte-order mark, a file ending inside a character. Also finds
 * the delimiter of a CSV header line. */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum mode { START, UTF8, CONVERT };

struct decoder {
	char *declared;            /* the name given, for messages */
	bool declared_utf8, declared_utf16;
	enum mode mode;
	const char *reading;       /* the encoding in effect (static or declared) */
	iconv_t cd;                /* CONVERT: from the file's encoding to UTF-8 */
	unsigned char bom[3];      /* the byte-order mark skipped */
	int n_bom;
	struct buf held;           /* bytes of the file not yet decoded */
	struct buf stage;          /* held bytes followed by the new chunk */
	char *conv;                /* CONVERT: the chunk's text, conv_cap bytes */
	size_t conv_cap;
	struct buf fixed;          /* the text with lone CRs made LF, when it had any */
	bool held_cr;              /* CONVERT: the last text ended with a CR not yet out */
	bool first_checked;        /* the first character was checked for a second BOM */
	bool finished;
	long line, col;            /* where the text handed out so far ends */
	bool failed;
	struct decode_error err;
};

static const iconv_t NO_ICONV = (iconv_t)-1;

static bool name_is(const char *s, const char *a, const char *b)
{
	return !strcasecmp(s, a) || !strcasecmp(s, b);
}

struct decoder *decode_open(const char *encoding, char **err)
{
	*err = NULL;
	struct decoder *d = xcalloc(1, sizeof *d);
	d->cd = NO_ICONV;
	d->line = 1;
	if (!encoding || !*encoding || name_is(encoding, "utf-8", "utf8")) {
		d->declared = xstrdup("UTF-8");
		d->declared_utf8 = true;
	} else if (name_is(encoding, "utf-16", "utf16")) {
		d->declared = xstrdup("UTF-16");
		d->declared_utf16 = true;
	} else {
		d->declared = xstrdup(encoding);
		if (!strchr(encoding, '/'))
			d->cd = iconv_open("UTF-8", encoding);
		if (d->cd == NO_ICONV) {
			struct buf b = {0};
			buf_puts(&b, "unknown encoding ");
			buf_put_quoted(&b, encoding, 64);
			buf_puts(&b, " (expected utf-8, utf-16 or a name iconv knows, such as "
				     "windows-1252 or iso-8859-1)");
			*err = buf_detach(&b);
			decode_free(d);
			return NULL;
		}
	}
	d->reading = d->declared;
	return d;
}

void decode_free(struct decoder *d)
{
	if (!d)
		return;
	if (d->cd != NO_ICONV)
		iconv_close(d->cd);
	buf_free(&d->held);
	buf_free(&d->stage);
	free(d->conv);
	buf_free(&d->fixed);
	free(d->declared);
	free(d);
}

const char *decode_encoding(const struct decoder *d)
{
	return d->reading;
}

/* ------------------------------------------------------------------------
 * Positions and errors
 * ---------------------------------------------------------------------- */

static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Move the position over text that has lone CRs made LF: count LFs, and
 * the characters after the last one. */
static void advance(struct decoder *d, const char *s, size_t n)
{
	const char *e = s + n;
	for (const char *nl; (nl = memchr(s, '\n', (size_t)(e - s)));) {
		d->line++;
		d->col = 0;
		s = nl + 1;
	}
	for (; s < e; s++)
		d->col += !is_cont((unsigned char)*s);
}

/* Move the position over text as it is in the file (a lone CR ends a
 * line too), up to a bad byte. */
static void advance_raw(struct decoder *d, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))) {
			d->line++;
			d->col = 0;
		} else if (s[i] != '\r' && !is_cont(s[i])) {
			d->col++;
		}
	}
}

static bool fail(struct decoder *d, enum decode_problem what, const unsigned char *bytes,
		 size_t n, const char *suggest)
{
	d->failed = true;
	d->err = (struct decode_error){
		.problem = what, .line = d->line, .column = d->col + 1, .suggest = suggest,
	};
	snprintf(d->err.encoding, sizeof d->err.encoding, "%s", d->reading);
	if (n > sizeof d->err.bytes)
		n = sizeof d->err.bytes;
	memcpy(d->err.bytes, bytes, n);
	d->err.n_bytes = (int)n;
	return false;
}

void decode_error_describe(const struct decode_error *e, struct buf *out)
{
	switch (e->problem) {
	case DECODE_INVALID:
		buf_printf(out, "invalid %s (byte%s", e->encoding, e->n_bytes > 1 ? "s" : "");
		break;
	case DECODE_NUL:
		buf_puts(out, "NUL character");
		return;
	case DECODE_DOUBLE_BOM:
		buf_puts(out, "two byte-order marks at the start of the file (");
		for (int k = 0; k < 2; k++)
			for (int i = 0; i < e->n_bytes; i++)
				buf_printf(out, "%s%02X", k || i ? " " : "", e->bytes[i]);
		buf_putc(out, ')');
		return;
	case DECODE_TRUNCATED:
		buf_printf(out, "the file ends inside a character (byte%s",
			   e->n_bytes > 1 ? "s" : "");
		break;
	default:
		buf_puts(out, "no error");
		return;
	}
	for (int i = 0; i < e->n_bytes; i++)
		buf_printf(out, " 0x%02X", e->bytes[i]);
	buf_putc(out, ')');
}

/* ------------------------------------------------------------------------
 * Reading UTF-8 text
 * ---------------------------------------------------------------------- */

/* The first index at or after i of a byte that needs a look: non-ASCII,
 * NUL or CR. Eight bytes at a time while none is there. */
static size_t skip_plain(const unsigned char *p, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	const uint64_t crs = 0x0d0d0d0d0d0d0d0du;
	while (i + 8 <= n) {
		uint64_t x, y;
		memcpy(&x, p + i, 8);
		y = x ^ crs;
		if ((x | ((x - ones) & ~x) | ((y - ones) & ~y)) & highs)
			break;
		i += 8;
	}
	while (i < n && p[i] && p[i] < 0x80 && p[i] != '\r')
		i++;
	return i;
}

/* True when p[0..n) (n < the sequence's length) starts a valid UTF-8
 * sequence that more bytes would complete. */
static bool utf8_prefix(const unsigned char *p, size_t n)
{
	unsigned char t[4];
	int len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
	if (n >= (size_t)len)
		return false;
	/* complete it with the lowest continuation the lead allows */
	for (unsigned char second = 0x80; second <= 0xA0; second += 0x20) {
		memcpy(t, p, n);
		for (int i = (int)n; i < len; i++)
			t[i] = i == 1 ? second : 0x80;
		if (utf8_seq_len(t, (size_t)len) == (size_t)len)
			return true;
	}
	return false;
}

/* Windows-1252 leaves five bytes undefined; other bytes (but NUL) read. */
static bool reads_as_cp1252(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!p[i] || p[i] == 0x81 || p[i] == 0x8D || p[i] == 0x8F || p[i] == 0x90 ||
		    p[i] == 0x9D)
			return false;
	return true;
}

/* A NUL at p[j] with NULs every other byte after it: UTF-16 read as bytes. */
static bool looks_utf16(const unsigned char *p, size_t j, size_t n)
{
	int pairs = 0;
	for (size_t k = j + 2; k < n && k <= j + 6; k += 2) {
		if (p[k] || !p[k - 1])
			return false;
		pairs++;
	}
	return pairs > 0;
}

/* Check and hand out p[0..n) as UTF-8 text. raw: p is the file's bytes
 * (the UTF-8 path), so invalid bytes are located and bytes cut at the end
 * are held; otherwise p is iconv's output. A CR at the end is held unless
 * final. Sets *out to a view of p, or of d->fixed when a lone CR had to
 * become LF. */
static bool hand_out(struct decoder *d, const unsigned char *p, size_t n, bool raw, bool final,
		     const char **out, size_t *out_n)
{
	if (!d->first_checked && n) {
		bool cut = n < 3 && !memcmp(p, "\xEF\xBB\xBF", n) && !final;
		if (!cut) {
			d->first_checked = true;
			if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3) && d->n_bom)
				return fail(d, DECODE_DOUBLE_BOM, d->bom, (size_t)d->n_bom, NULL);
		}
	}
	size_t i = 0, from = 0, end = n;
	bool copying = false;
	while ((i = skip_plain(p, i, n)) < n) {
		unsigned char c = p[i];
		if (c == 0) {
			advance_raw(d, p, i);
			bool utf16 = raw && !d->n_bom && looks_utf16(p, i, n);
			return fail(d, DECODE_NUL, p + i, 1, utf16 ? "utf-16" : NULL);
		}
		if (c == '\r') {
			if (i + 1 < n && p[i + 1] == '\n') {
				i += 2;
				continue;
			}
			if (i + 1 == n && !final) {
				end = i; /* held: an LF may follow in the next chunk */
				break;
			}
			if (!copying) {
				buf_reset(&d->fixed);
				copying = true;
			}
			buf_add(&d->fixed, p + from, i - from);
			buf_putc(&d->fixed, '\n');
			from = ++i;
			continue;
		}
		size_t len = utf8_seq_len(p + i, n - i);
		if (len) {
			i += len;
			continue;
		}
		if (raw && !final && utf8_prefix(p + i, n - i)) {
			end = i;
			break;
		}
		size_t k = 1;
		while (i + k < n && k < 4 && p[i + k] >= 0x80)
			k++;
		advance_raw(d, p, i);
		if (raw && utf8_prefix(p + i, n - i))
			return fail(d, DECODE_TRUNCATED, p + i, n - i, NULL);
		bool cp1252 = raw && !d->n_bom && reads_as_cp1252(p + i, n - i);
		return fail(d, DECODE_INVALID, p + i, k, cp1252 ? "windows-1252" : NULL);
	}
	if (end < n) {
		if (raw)
			buf_add(&d->held, p + end, n - end);
		else
			d->held_cr = true;
	}
	if (copying) {
		buf_add(&d->fixed, p + from, end - from);
		*out = d->fixed.data;
		*out_n = d->fixed.len;
	} else {
		*out = (const char *)p;
		*out_n = end;
	}
	advance(d, *out, *out_n);
	return true;
}

/* ------------------------------------------------------------------------
 * Other encodings, through iconv
 * ---------------------------------------------------------------------- */

static bool convert(struct decoder *d, const unsigned char *p, size_t n, bool final,
		    const char **out, size_t *out_n)
{
	size_t len = 0;
	if (d->held_cr) {
		GROW(d->conv, d->conv_cap, 1);
		d->conv[len++] = '\r';
		d->held_cr = false;
	}
	char *ip = (char *)p;
	size_t il = n;
	int bad = 0; /* 0, EILSEQ, or EINVAL at the end of the file */
	for (bool flushed = false; !flushed;) {
		GROW(d->conv, d->conv_cap, len + 4 * il + 64); /* 4 bytes per byte in at most */
		char *op = d->conv + len;
		size_t ol = d->conv_cap - len;
		size_t r = il ? iconv(d->cd, &ip, &il, &op, &ol) : 0;
		int e = errno;
		if (r != (size_t)-1 && final) { /* the end of a stateful encoding */
			r = iconv(d->cd, NULL, NULL, &op, &ol);
			e = errno;
		}
		len = (size_t)(op - d->conv);
		if (r != (size_t)-1) {
			flushed = true;
		} else if (e == E2BIG) {
			continue;
		} else if (e == EINVAL && !final) {
			buf_add(&d->held, ip, il); /* a character cut at the end of the chunk */
			flushed = true;
		} else {
			bad = e == EINVAL ? EINVAL : EILSEQ;
			flushed = true;
		}
	}
	/* the text before a bad byte is checked first: it may hold an earlier error */
	const char *text;
	size_t text_n;
	if (!hand_out(d, (const unsigned char *)d->conv, len, false, final || bad, &text, &text_n))
		return false;
	if (bad) {
		size_t k = il < 4 ? il : 4;
		return fail(d, bad == EINVAL ? DECODE_TRUNCATED : DECODE_INVALID,
			    (const unsigned char *)ip, k ? k : 1, NULL);
	}
	*out = text;
	*out_n = text_n;
	return true;
}

/* ------------------------------------------------------------------------
 * The start of the file, and the calls
 * ---------------------------------------------------------------------- */

static void use_iconv(struct decoder *d, const char *from)
{
	if (d->cd != NO_ICONV)
		iconv_close(d->cd);
	d->cd = iconv_open("UTF-8", from);
	if (d->cd == NO_ICONV)
		BUG("iconv cannot read UTF-16");
	d->mode = CONVERT;
	d->reading = from;
}

/* Decide the encoding from the first k bytes of the file, b: the length
 * of the byte-order mark to skip, or -1 while they could still be the
 * start of one (or, for utf-16, until two bytes are there). */
static int start(struct decoder *d, const unsigned char *b, size_t k, bool final)
{
	int skip = 0;
	if (!k && !final)
		return -1;
	if (k >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) {
		skip = 3;
		d->mode = UTF8;
		d->reading = "UTF-8";
		if (d->cd != NO_ICONV)
			iconv_close(d->cd);
		d->cd = NO_ICONV;
	} else if (k >= 2 && (!memcmp(b, "\xFF\xFE", 2) || !memcmp(b, "\xFE\xFF", 2))) {
		skip = 2;
		use_iconv(d, b[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
	} else if (!final && ((k < 3 && !memcmp(b, "\xEF\xBB\xBF", k)) ||
			      (k < 2 && (b[0] == 0xFF || b[0] == 0xFE || d->declared_utf16)))) {
		return -1;
	} else if (d->declared_utf8) {
		d->mode = UTF8;
		d->reading = "UTF-8";
	} else if (d->declared_utf16) {
		use_iconv(d, k >= 2 && !b[0] && b[1] ? "UTF-16BE" : "UTF-16LE");
	} else {
		d->mode = CONVERT; /* the declared encoding, opened by decode_open */
	}
	if (skip)
		memcpy(d->bom, b, (size_t)skip);
	d->n_bom = skip;
	return skip;
}

static bool step(struct decoder *d, const void *in, size_t n, bool final, const char **out,
		 size_t *out_n, struct decode_error *e)
{
	*out = "";
	*out_n = 0;
	if (d->failed) {
		*e = d->err;
		return false;
	}
	const unsigned char *p = in;
	if (d->mode == START && !d->held.len && n >= 3) {
		int skip = start(d, p, n, final); /* decided: no bytes to hold */
		p += skip;
		n -= (size_t)skip;
	} else if (d->mode == START) {
		buf_add(&d->held, in, n);
		n = 0;
		int skip = start(d, (const unsigned char *)d->held.data, d->held.len, final);
		if (skip < 0)
			return true;
		memmove(d->held.data, d->held.data + skip, d->held.len - (size_t)skip);
		d->held.len -= (size_t)skip;
	}
	if (d->held.len) {
		buf_reset(&d->stage);
		buf_add(&d->stage, d->held.data, d->held.len);
		buf_add(&d->stage, p, n);
		buf_reset(&d->held);
		p = (const unsigned char *)d->stage.data;
		n = d->stage.len;
	}
	if (!p)
		p = (const unsigned char *)"";
	bool ok = d->mode == UTF8 ? hand_out(d, p, n, true, final, out, out_n)
				  : convert(d, p, n, final, out, out_n);
	if (!ok) {
		*out = "";
		*out_n = 0;
		*e = d->err;
	}
	return ok;
}

bool decode_feed(struct decoder *d, const void *in, size_t n, const char **out, size_t *out_n,
		 struct decode_error *e)
{
	if (d->finished)
		BUG("decode_feed after decode_finish");
	return step(d, in, n, false, out, out_n, e);
}

bool decode_finish(struct decoder *d, const char **out, size_t *out_n, struct decode_error *e)
{
	if (d->finished)
		BUG("decode_finish called twice");
	d->finished = true;
	return step(d, NULL, 0, true, out, out_n, e);
}

/* ------------------------------------------------------------------------
 * Delimiter
 * ---------------------------------------------------------------------- */

char decode_sniff_delimiter(const char *line, size_t n)
{
	static const char cand[] = {',', ';', '\t', '|'};
	size_t count[4] = {0};
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		char c = line[i];
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted)
			continue;
		if (c == '\n' || c == '\r')
			break;
		for (int k = 0; k < 4; k++)
			count[k] += c == cand[k];
	}
	int best = 0;
	for (int k = 1; k < 4; k++)
		if (count[k] > count[best])
			best = k;
	return cand[best];
}
