/* email: consumes a finished message (sender, recipients, a UTF-8 subject,
 * the date, the plain-text and HTML bodies and the PNG charts) and
 * produces the whole RFC 5322 message: multipart/alternative with the
 * text/plain part first, then a multipart/related part holding the
 * text/html part and one image/png part per chart (RFC 2045, 2046, 2387).
 * Bodies are quoted-printable, images base64 at 76 columns, every line
 * ends in CRLF and holds at most 78 bytes (up to about 300 only for the
 * longest addresses; 998 is the limit); the Subject and the From display
 * name are RFC 2047 encoded when they are not short printable ASCII (the
 * name: a phrase of plain atoms), after every control character in
 * them became a space, so no value from the data can start a header. The
 * Message-ID and the MIME boundaries come from a hash of the content:
 * same input, same bytes. Refuses an address that is not a plain
 * addr-spec (local@domain) and an image whose cid or file name holds
 * anything but [A-Za-z0-9._-]. */
#include "email.h"
#include "util.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* RFC 5322 recommends header lines of at most 78 characters; RFC 2047
 * wants encoded-words of at most 75 on lines of at most 76. */
#define LINE_MAX_HEADER 78
#define LINE_MAX_WORDS 76
#define WORD_MAX 75
#define QP_LINE 76
#define B64_LINE 76
#define NAME_MAX_LEN 200

/* --- checks -------------------------------------------------------------- */

static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* n bytes of dot-separated non-empty runs of allowed characters. */
static bool dot_atom(const char *s, size_t n, bool (*ok)(unsigned char))
{
	if (!n || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' ? s[i + 1] == '.' : !ok(c))
			return false;
	}
	return true;
}

bool email_address_valid(const char *s, size_t len)
{
	if (!s)
		return false;
	const char *at = memchr(s, '@', len);
	return at && len <= 254 && (size_t)(at - s) <= 64 && dot_atom(s, (size_t)(at - s), is_atext) &&
	       dot_atom(at + 1, len - (size_t)(at - s) - 1, is_host_char);
}

static bool address_ok(const char *s)
{
	return s && email_address_valid(s, strlen(s));
}

static bool name_ok(const char *s)
{
	if (!s || !*s || strlen(s) > NAME_MAX_LEN)
		return false;
	for (; *s; s++)
		if (!is_host_char((unsigned char)*s) && *s != '.' && *s != '_')
			return false;
	return true;
}

/* what "s", quoted for the message (at most 64 bytes of s). */
static char *refusal(const char *what, const char *s)
{
	struct buf b = {0};
	buf_printf(&b, "%s ", what);
	buf_put_quoted(&b, s, 64);
	return buf_detach(&b);
}

static char *check(const struct email_message *msg)
{
	if (!address_ok(msg->from))
		return refusal("bad address", msg->from ? msg->from : "");
	if (!msg->n_to)
		return xstrdup("no recipient address");
	for (size_t i = 0; i < msg->n_to; i++)
		if (!address_ok(msg->to[i]))
			return refusal("bad address", msg->to[i] ? msg->to[i] : "");
	for (size_t i = 0; i < msg->n_images; i++) {
		const struct email_image *im = &msg->images[i];
		if (!name_ok(im->cid))
			return refusal("bad image cid", im->cid ? im->cid : "");
		if (!name_ok(im->filename))
			return refusal("bad image file name", im->filename ? im->filename : "");
	}
	return NULL;
}

/* --- encodings ----------------------------------------------------------- */

static bool line_end(const char *p)
{
	return !*p || *p == '\n' || (p[0] == '\r' && p[1] == '\n');
}

/* Quoted-printable (RFC 2045 6.7) of UTF-8 text: LF or CRLF become CRLF
 * line breaks, lines end in a soft break "=" before 76 characters, "="
 * and every byte outside printable ASCII are =XX, as are white space at
 * the end of a line, a "." starting a line and the "F" of a line starting
 * "From " (mbox). No CRLF after the last line. */
static void put_qp(struct buf *b, const char *s)
{
	size_t col = 0;
	const char *p = s ? s : "";
	while (*p) {
		if (*p == '\n' || (p[0] == '\r' && p[1] == '\n')) {
			buf_puts(b, "\r\n");
			col = 0;
			p += *p == '\r' ? 2 : 1;
			continue;
		}
		unsigned char c = (unsigned char)*p;
		bool eol = line_end(p + 1);
		bool plain = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !eol);
		if (col == 0 && (c == '.' || !strncmp(p, "From ", 5)))
			plain = false;
		size_t n = plain ? 1 : 3;
		/* The "=" of a soft break needs a column, except on the last
		 * token of a line. */
		if (col + n > (eol ? QP_LINE : QP_LINE - 1)) {
			buf_puts(b, "=\r\n");
			col = 0;
			continue;
		}
		if (plain)
			buf_putc(b, (char)c);
		else
			buf_printf(b, "=%02X", c);
		col += n;
		p++;
	}
}

/* UTF-8 "B" encoded-words of t[0..n), each holding whole characters, on
 * folded lines of at most 76; the first line has col columns taken.
 * Returns the column after the last word. */
static size_t put_encoded_words(struct buf *b, const char *t, size_t n, size_t col)
{
	/* "=?UTF-8?B?" and "?=" around base64 of whole 3-byte groups. */
	const size_t frame = 12;
	for (size_t i = 0; i < n;) {
		size_t lead = i ? 1 : col; /* later words start a folded line */
		size_t width = LINE_MAX_WORDS - lead;
		if (width > WORD_MAX)
			width = WORD_MAX;
		size_t room = (width - frame) / 4 * 3, take = 0;
		while (i + take < n) {
			size_t k = utf8_seq_len((const unsigned char *)t + i + take, 4);
			if (take + k > room)
				break;
			take += k;
		}
		if (i)
			buf_puts(b, "\r\n ");
		buf_puts(b, "=?UTF-8?B?");
		buf_put_base64(b, (const unsigned char *)t + i, take, 0);
		buf_puts(b, "?=");
		col = lead + frame + (take + 2) / 3 * 4;
		i += take;
	}
	return col;
}

/* "Subject: " and the (clean) subject: as is when it is printable ASCII
 * that fits one line and holds no "=?"; else as encoded-words. */
static void put_subject(struct buf *b, const char *subject)
{
	static const char prefix[] = "Subject: ";
	struct buf s = {0};
	buf_put_utf8_line(&s, subject); /* nothing from the data can end the header */
	const char *t = buf_cstr(&s);
	bool ascii = true;
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)t[i] >= 0x80)
			ascii = false;
	buf_puts(b, prefix);
	if (ascii && !strstr(t, "=?") && sizeof prefix - 1 + s.len <= LINE_MAX_HEADER)
		buf_add(b, t, s.len);
	else
		put_encoded_words(b, t, s.len, sizeof prefix - 1);
	buf_puts(b, "\r\n");
	buf_free(&s);
}

/* A display name that may stand as it is: atoms (atext) separated by
 * single spaces, no "=?". */
static bool plain_phrase(const char *t, size_t n)
{
	if (!n || t[0] == ' ' || t[n - 1] == ' ' || strstr(t, "=?"))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(is_atext((unsigned char)t[i]) || (t[i] == ' ' && t[i + 1] != ' ')))
			return false;
	return true;
}

/* t[0..n) as a quoted-string ("\"" and "\\" escaped), folded before a
 * space when the line would pass 78; col columns taken. Returns the
 * column after it. */
static size_t put_quoted_string(struct buf *b, const char *t, size_t n, size_t col)
{
	buf_putc(b, '"');
	col++;
	for (size_t i = 0; i < n; i++) {
		if (t[i] == ' ' && col > 1) {
			size_t word = strcspn(t + i + 1, " ");
			if (col + 1 + word + 2 > LINE_MAX_HEADER) {
				buf_puts(b, "\r\n");
				col = 0;
			}
		}
		if (t[i] == '"' || t[i] == '\\') {
			buf_putc(b, '\\');
			col++;
		}
		buf_putc(b, t[i]);
		col++;
	}
	buf_putc(b, '"');
	return col + 1;
}

/* "From: ", the display name and the address in <>; just the address
 * without a name. The name stands as it is when it is a plain phrase
 * that fits; other printable ASCII is a quoted-string; anything else
 * encoded-words. No quote, "<", "," or line end from the name can reach
 * the header unescaped. */
static void put_from(struct buf *b, const char *name, const char *address)
{
	static const char prefix[] = "From: ";
	struct buf s = {0};
	buf_put_utf8_line(&s, name ? name : "");
	size_t col = sizeof prefix - 1;
	buf_puts(b, prefix);
	if (!s.len) {
		buf_printf(b, "%s\r\n", address);
		buf_free(&s);
		return;
	}
	bool ascii = true;
	for (size_t i = 0; i < s.len; i++)
		ascii = ascii && (unsigned char)s.data[i] >= 0x20 && (unsigned char)s.data[i] < 0x7f;
	if (plain_phrase(buf_cstr(&s), s.len) && col + s.len <= LINE_MAX_HEADER) {
		buf_add(b, s.data, s.len);
		col += s.len;
	} else if (ascii) {
		col = put_quoted_string(b, s.data, s.len, col);
	} else {
		col = put_encoded_words(b, buf_cstr(&s), s.len, col);
	}
	if (col + 3 + strlen(address) > LINE_MAX_HEADER)
		buf_printf(b, "\r\n <%s>\r\n", address);
	else
		buf_printf(b, " <%s>\r\n", address);
	buf_free(&s);
}

/* --- headers ------------------------------------------------------------- */

static void put_to(struct buf *b, const struct email_message *msg)
{
	buf_puts(b, "To: ");
	size_t col = 4;
	for (size_t i = 0; i < msg->n_to; i++) {
		/* The address, and the comma after it when another follows. */
		size_t n = strlen(msg->to[i]) + (i + 1 < msg->n_to);
		if (i && col + 2 + n > LINE_MAX_HEADER) {
			buf_puts(b, ",\r\n ");
			col = 1;
		} else if (i) {
			buf_puts(b, ", ");
			col += 2;
		}
		buf_puts(b, msg->to[i]);
		col += strlen(msg->to[i]);
	}
	buf_puts(b, "\r\n");
}

static void utc(int64_t t, struct tm *tm)
{
	/* Years 1970 to 9999: four digits, as RFC 5322 wants. */
	if (t < 0)
		t = 0;
	if (t > INT64_C(253402300799))
		t = INT64_C(253402300799);
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, tm))
		BUG("gmtime failed");
}

static void put_date(struct buf *b, const struct tm *tm)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm->tm_wday], tm->tm_mday,
		   months[tm->tm_mon], tm->tm_year + 1900, tm->tm_hour, tm->tm_min, tm->tm_sec);
}

/* --- the message --------------------------------------------------------- */

/* FNV-1a, 64 bits; each field is preceded by its length. */
static uint64_t hash(uint64_t h, const void *p, size_t n)
{
	uint64_t len = n;
	for (size_t i = 0; i < sizeof len; i++) {
		h ^= (unsigned char)(len >> (8 * i));
		h *= UINT64_C(0x100000001b3);
	}
	for (size_t i = 0; i < n; i++) {
		h ^= ((const unsigned char *)p)[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	return hash(h, s ? s : "", s ? strlen(s) : 0);
}

static uint64_t content_hash(const struct email_message *msg)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	h = hash_str(h, msg->from_name);
	h = hash_str(h, msg->from);
	for (size_t i = 0; i < msg->n_to; i++)
		h = hash_str(h, msg->to[i]);
	h = hash_str(h, msg->subject);
	char date[24];
	snprintf(date, sizeof date, "%" PRId64, msg->date);
	h = hash_str(h, date);
	h = hash_str(h, msg->text);
	h = hash_str(h, msg->html);
	for (size_t i = 0; i < msg->n_images; i++) {
		h = hash_str(h, msg->images[i].cid);
		h = hash_str(h, msg->images[i].filename);
		h = hash(h, msg->images[i].data, msg->images[i].len);
	}
	return h;
}

static bool contains(const struct buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= b->len; i++)
		if (b->data[i] == s[0] && !memcmp(b->data + i, s, n))
			return true;
	return false;
}

/* A boundary that occurs in none of the encoded bodies. Those cannot hold
 * "=_" (quoted-printable writes "=" as =3D, base64 has no "_"), so the
 * first try always fits; the search only guards that reasoning. */
static char *boundary(const char *kind, uint64_t h, const struct buf *parts, size_t n)
{
	for (unsigned try = 0;; try++) {
		char *s = try ? xasprintf("=_rp-%s-%016" PRIx64 "-%u", kind, h, try)
			      : xasprintf("=_rp-%s-%016" PRIx64, kind, h);
		bool clash = false;
		for (size_t i = 0; i < n && !clash; i++)
			clash = contains(&parts[i], s);
		if (!clash)
			return s;
		free(s);
	}
}

char *email_build(const struct email_message *msg, size_t *len, char **err)
{
	char *why = check(msg);
	if (why) {
		if (err)
			*err = why;
		else
			free(why);
		return NULL;
	}

	/* The encoded bodies: text, HTML, then each image. */
	size_t n_parts = 2 + msg->n_images;
	struct buf *parts = xcalloc(n_parts, sizeof *parts);
	put_qp(&parts[0], msg->text);
	put_qp(&parts[1], msg->html);
	for (size_t i = 0; i < msg->n_images; i++)
		buf_put_base64(&parts[2 + i], msg->images[i].data, msg->images[i].len, B64_LINE);

	uint64_t h = content_hash(msg);
	char *alt = boundary("alt", h, parts, n_parts);
	char *rel = boundary("rel", h, parts, n_parts);
	struct tm tm;
	utc(msg->date, &tm);

	struct buf b = {0};
	put_from(&b, msg->from_name, msg->from);
	put_to(&b, msg);
	put_subject(&b, msg->subject);
	put_date(&b, &tm);
	buf_printf(&b, "Message-ID: <%04d%02d%02d%02d%02d%02d.%016" PRIx64 "@%s>\r\n", tm.tm_year + 1900,
		   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, h,
		   strchr(msg->from, '@') + 1);
	buf_puts(&b, "MIME-Version: 1.0\r\n");
	buf_printf(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n", alt);
	buf_puts(&b, "\r\nThis is a multi-part message in MIME format.\r\n");

	buf_printf(&b, "\r\n--%s\r\n", alt);
	buf_puts(&b, "Content-Type: text/plain; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	buf_add(&b, parts[0].data, parts[0].len);

	buf_printf(&b, "\r\n--%s\r\n", alt);
	buf_printf(&b, "Content-Type: multipart/related; type=\"text/html\";\r\n boundary=\"%s\"\r\n\r\n",
		   rel);
	buf_printf(&b, "--%s\r\n", rel);
	buf_puts(&b, "Content-Type: text/html; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	buf_add(&b, parts[1].data, parts[1].len);
	for (size_t i = 0; i < msg->n_images; i++) {
		const struct email_image *im = &msg->images[i];
		buf_printf(&b, "\r\n--%s\r\n", rel);
		buf_printf(&b, "Content-Type: image/png; name=\"%s\"\r\n", im->filename);
		buf_puts(&b, "Content-Transfer-Encoding: base64\r\n");
		buf_printf(&b, "Content-ID: <%s>\r\n", im->cid);
		buf_printf(&b, "Content-Disposition: inline; filename=\"%s\"\r\n\r\n", im->filename);
		buf_add(&b, parts[2 + i].data, parts[2 + i].len);
	}
	buf_printf(&b, "\r\n--%s--\r\n", rel);
	buf_printf(&b, "\r\n--%s--\r\n", alt);

	for (size_t i = 0; i < n_parts; i++)
		buf_free(&parts[i]);
	free(parts);
	free(alt);
	free(rel);
	if (len)
		*len = b.len;
	return buf_detach(&b);
}
