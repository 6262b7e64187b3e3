/* Unit tests of the email stage and of send's envelope handling: the
 * exact bytes of a small message, headers in order, the Date format,
 * plain and RFC 2047 encoded subjects (decoded back here), no header
 * injection through the subject, quoted-printable and base64 bodies,
 * CRLF everywhere, images with their Content-ID, refused addresses and
 * image names, deterministic output and boundaries; the envelope read
 * from From and To headers (folded, "Name <addr>", groups, comments);
 * send's refusals, and a whole SMTP dialogue with a scripted server
 * forked on 127.0.0.1 (delivery, dot-stuffing, a refused recipient,
 * credentials never sent in clear, nothing listening). */
#include "testutil.h"

#include "email.h"
#include "send.h"
#include "util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- helpers --------------------------------------------------------------- */

static const char *const TWO_TO[] = {"b@example.com", "c@example.com"};

static struct email_message basic(void)
{
	return (struct email_message){
		.from = "a@example.com",
		.to = TWO_TO,
		.n_to = 2,
		.subject = "Northwind review pack, October 2026",
		.date = 1793520000, /* 2026-11-01 08:00:00 UTC, a Sunday */
		.text = "Hello\n",
		.html = "<p>Hi</p>\n",
	};
}

static char *build(const struct email_message *m, size_t *len)
{
	char *err = NULL;
	size_t n = 0;
	char *eml = email_build(m, &n, &err);
	if (!eml)
		fail_msg("email_build refused: %s", err);
	assert_null(err);
	assert_int_equal(strlen(eml), n);
	if (len)
		*len = n;
	return eml;
}

/* The error email_build gives for m; caller frees. */
static char *refused(const struct email_message *m)
{
	char *err = NULL;
	size_t n = 7;
	char *eml = email_build(m, &n, &err);
	assert_null(eml);
	assert_non_null(err);
	return err;
}

/* The header block (up to and without the empty line); caller frees. */
static char *headers(const char *eml)
{
	const char *end = strstr(eml, "\r\n\r\n");
	assert_non_null(end);
	return xstrndup(eml, (size_t)(end - eml) + 2);
}

/* The value of header name (unfolded: CRLF before white space removed),
 * or NULL; caller frees. */
static char *header(const char *eml, const char *name)
{
	char *h = headers(eml);
	char *key = xasprintf("\r\n%s: ", name);
	char *all = xasprintf("\r\n%s", h);
	const char *p = strstr(all, key);
	char *out = NULL;
	if (p) {
		struct buf b = {0};
		for (p += strlen(key); !(p[0] == '\r' && p[1] == '\n' && p[2] != ' ' && p[2] != '\t'); p++) {
			if (p[0] == '\r' && p[1] == '\n')
				p += 2;
			buf_putc(&b, *p);
		}
		out = buf_detach(&b);
	}
	free(all);
	free(key);
	free(h);
	return out;
}

static int b64_value(char c)
{
	const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(abc, c) : NULL;
	return p ? (int)(p - abc) : -1;
}

/* Base64 of n characters (CR and LF skipped) into out; its length. */
static size_t b64_decode(const char *s, size_t n, unsigned char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (s[i] == '=')
			break;
		int v = b64_value(s[i]);
		assert_true(v >= 0);
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return len;
}

/* Quoted-printable of n characters decoded; caller frees. */
static char *qp_decode(const char *s, size_t n)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '=') {
			buf_putc(&b, s[i]);
		} else if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else {
			assert_true(i + 2 < n);
			unsigned v;
			char hex[3] = {s[i + 1], s[i + 2], 0};
			assert_int_equal(sscanf(hex, "%2X", &v), 1);
			assert_non_null(strchr("0123456789ABCDEF", hex[0]));
			assert_non_null(strchr("0123456789ABCDEF", hex[1]));
			buf_putc(&b, (char)v);
			i += 2;
		}
	}
	buf_cstr(&b);
	return buf_detach(&b);
}

/* The Subject decoded: plain text as is, else a run of UTF-8 "B"
 * encoded-words separated by single spaces, each at most 75 characters;
 * also checks every folded line of it is at most 76. Caller frees. */
static char *subject(const char *eml)
{
	char *v = header(eml, "Subject");
	if (strncmp(v, "=?", 2))
		return v;
	char *h = headers(eml);
	const char *p = strstr(h, "\r\nSubject: ");
	assert_non_null(p);
	p += 2;
	const char *line = p;
	for (const char *q = p;; q++) {
		if (q[0] == '\r') {
			assert_true(q - line <= 76);
			if (q[2] != ' ')
				break;
			line = q + 2;
		}
	}
	free(h);
	struct buf b = {0};
	for (char *w = v; *w;) {
		char *end = strchr(w, ' ');
		size_t n = end ? (size_t)(end - w) : strlen(w);
		assert_true(n <= 75);
		assert_true(n > 12);
		assert_memory_equal(w, "=?UTF-8?B?", 10);
		assert_memory_equal(w + n - 2, "?=", 2);
		unsigned char out[64];
		buf_add(&b, out, b64_decode(w + 10, n - 12, out));
		w += n + (end ? 1 : 0);
	}
	free(v);
	buf_cstr(&b);
	return buf_detach(&b);
}

/* The n-th (0-based) decoded encoded-word of the Subject; caller frees. */
static char *subject_word(const char *eml, int nth)
{
	char *v = header(eml, "Subject");
	char *w = v;
	for (int i = 0; i < nth; i++) {
		w = strchr(w, ' ');
		assert_non_null(w);
		w++;
	}
	size_t n = strcspn(w, " ");
	unsigned char out[64];
	size_t len = b64_decode(w + 10, n - 12, out);
	free(v);
	return xstrndup((const char *)out, len);
}

/* The body of the part whose header block ends with the given last
 * header line, up to the CRLF before the next delimiter; caller frees. */
static char *part_body(const char *eml, const char *last_header)
{
	char *key = xasprintf("%s\r\n\r\n", last_header);
	const char *p = strstr(eml, key);
	assert_non_null(p);
	p += strlen(key);
	const char *end = strstr(p, "\r\n--=_rp-");
	assert_non_null(end);
	free(key);
	return xstrndup(p, (size_t)(end - p));
}

/* The 16 hex digits of the Message-ID, checking its form. */
static void message_hash(const char *eml, const char *stamp, char hex[17])
{
	char *id = header(eml, "Message-ID");
	size_t n = strlen(stamp);
	assert_memory_equal(id, stamp, n);
	assert_int_equal(strlen(id), n + 16 + strlen("@example.com>"));
	assert_string_equal(id + n + 16, "@example.com>");
	for (size_t i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", id[n + i]));
	memcpy(hex, id + n, 16);
	hex[16] = 0;
	free(id);
}

/* --- the whole message ----------------------------------------------------- */

static void exact_message(void **state)
{
	struct email_message m = basic();
	char *eml = build(&m, NULL);
	char hex[17];
	message_hash(eml, "<20261101080000.", hex);
	char *want = test_replace("From: a@example.com\r\n"
			     "To: b@example.com, c@example.com\r\n"
			     "Subject: Northwind review pack, October 2026\r\n"
			     "Date: Sun, 01 Nov 2026 08:00:00 +0000\r\n"
			     "Message-ID: <20261101080000.HEX@example.com>\r\n"
			     "MIME-Version: 1.0\r\n"
			     "Content-Type: multipart/alternative;\r\n"
			     " boundary=\"=_rp-alt-HEX\"\r\n"
			     "\r\n"
			     "This is a multi-part message in MIME format.\r\n"
			     "\r\n"
			     "--=_rp-alt-HEX\r\n"
			     "Content-Type: text/plain; charset=utf-8\r\n"
			     "Content-Transfer-Encoding: quoted-printable\r\n"
			     "\r\n"
			     "Hello\r\n"
			     "\r\n"
			     "--=_rp-alt-HEX\r\n"
			     "Content-Type: multipart/related; type=\"text/html\";\r\n"
			     " boundary=\"=_rp-rel-HEX\"\r\n"
			     "\r\n"
			     "--=_rp-rel-HEX\r\n"
			     "Content-Type: text/html; charset=utf-8\r\n"
			     "Content-Transfer-Encoding: quoted-printable\r\n"
			     "\r\n"
			     "<p>Hi</p>\r\n"
			     "\r\n"
			     "--=_rp-rel-HEX--\r\n"
			     "\r\n"
			     "--=_rp-alt-HEX--\r\n",
			     "HEX", hex);
	assert_string_equal(eml, want);
	free(want);
	free(eml);
}

static void headers_in_order(void **state)
{
	struct email_image im = {"c1", "c1.png", (const unsigned char *)"\x89PNG", 4};
	struct email_message m = basic();
	m.images = &im;
	m.n_images = 1;
	m.subject = "\xe6\x97\xa5\xe6\x9c\xac review pack";
	char *eml = build(&m, NULL);
	char *h = headers(eml);
	const char *names[] = {"From: ", "To: ", "Subject: ", "Date: ", "Message-ID: ",
			       "MIME-Version: ", "Content-Type: "};
	const char *p = h;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		/* Each header starts the next unfolded line. */
		while (*p == ' ')
			p = strstr(p, "\r\n") + 2;
		assert_memory_equal(p, names[i], strlen(names[i]));
		assert_int_equal(test_count(h, names[i]), 1);
		p = strstr(p, "\r\n") + 2;
	}
	while (*p == ' ')
		p = strstr(p, "\r\n") + 2;
	assert_string_equal(p, "");
	free(h);
	free(eml);
}

static void date_header(void **state)
{
	struct email_message m = basic();
	struct {
		int64_t t;
		const char *want;
	} cases[] = {
		{0, "Thu, 01 Jan 1970 00:00:00 +0000"},
		{951868799, "Tue, 29 Feb 2000 23:59:59 +0000"},
		{1793520000, "Sun, 01 Nov 2026 08:00:00 +0000"},
		{-5, "Thu, 01 Jan 1970 00:00:00 +0000"}, /* before 1970: the epoch */
		{INT64_MAX, "Fri, 31 Dec 9999 23:59:59 +0000"}, /* after 9999: its last second */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		m.date = cases[i].t;
		char *eml = build(&m, NULL);
		char *d = header(eml, "Date");
		assert_string_equal(d, cases[i].want);
		free(d);
		free(eml);
	}
	m.date = 951868799;
	char *eml = build(&m, NULL);
	char hex[17];
	message_hash(eml, "<20000229235959.", hex);
	free(eml);
}

/* --- the subject ------------------------------------------------------------ */

static void subject_plain_ascii(void **state)
{
	struct email_message m = basic();
	char *eml = build(&m, NULL);
	assert_non_null(strstr(eml, "\r\nSubject: Northwind review pack, October 2026\r\nDate: "));
	free(eml);
	/* 69 characters still fit "Subject: " on a 78-column line. */
	char s69[70];
	memset(s69, 'a', 69);
	s69[69] = 0;
	s69[10] = ' ';
	m.subject = s69;
	eml = build(&m, NULL);
	char *v = header(eml, "Subject");
	assert_string_equal(v, s69);
	free(v);
	free(eml);
	/* Printable punctuation and HTML stay as they are. */
	m.subject = "<script>alert(1)</script> \"q\" 'a' *x* {{name}} | pipe";
	eml = build(&m, NULL);
	assert_non_null(strstr(eml, "\r\nSubject: <script>alert(1)</script> \"q\" 'a' *x* {{name}} | pipe\r\n"));
	free(eml);
}

static void subject_encoded(void **state)
{
	struct email_message m = basic();
	/* The UTF-8 of "日本 review pack" is E6 97 A5 E6 9C AC 20 72 65 76 69 65 77
	 * 20 70 61 63 6B; in base64, 3 bytes at a time: 5pel 5pys IHJl dmll dyBw
	 * YWNr. */
	m.subject = "\xe6\x97\xa5\xe6\x9c\xac review pack";
	char *eml = build(&m, NULL);
	assert_non_null(strstr(eml, "\r\nSubject: =?UTF-8?B?5pel5pysIHJldmlldyBwYWNr?=\r\nDate: "));
	char *s = subject(eml);
	assert_string_equal(s, m.subject);
	free(s);
	free(eml);

	/* Too long for one line: encoded although ASCII. */
	char s70[71];
	memset(s70, 'b', 70);
	s70[70] = 0;
	m.subject = s70;
	eml = build(&m, NULL);
	char *v = header(eml, "Subject");
	assert_memory_equal(v, "=?UTF-8?B?", 10);
	free(v);
	s = subject(eml);
	assert_string_equal(s, s70);
	free(s);
	free(eml);

	/* "=?" in plain text would read as an encoded-word: encoded. */
	m.subject = "=?UTF-8?B?QQ==?=";
	eml = build(&m, NULL);
	assert_null(strstr(eml, "Subject: =?UTF-8?B?QQ==?="));
	s = subject(eml);
	assert_string_equal(s, "=?UTF-8?B?QQ==?=");
	free(s);
	free(eml);
}

static void subject_split(void **state)
{
	/* 20 x "日本": 120 bytes. The first line leaves 76 - 9 ("Subject: ")
	 * - 12 ("=?UTF-8?B?", "?=") = 55 base64 characters: 52, 39 bytes, 13
	 * characters; then " " + 12 leave 63: 60, 45 bytes; then 36. */
	struct buf b = {0};
	for (int i = 0; i < 20; i++)
		buf_puts(&b, "\xe6\x97\xa5\xe6\x9c\xac");
	struct email_message m = basic();
	m.subject = buf_cstr(&b);
	char *eml = build(&m, NULL);
	char *s = subject(eml);
	assert_string_equal(s, m.subject);
	free(s);
	size_t sizes[] = {39, 45, 36}, at = 0;
	for (int i = 0; i < 3; i++) {
		char *w = subject_word(eml, i);
		assert_int_equal(strlen(w), sizes[i]);
		assert_memory_equal(w, m.subject + at, sizes[i]);
		at += sizes[i];
		free(w);
	}
	char *v = header(eml, "Subject");
	assert_int_equal(test_count(v, "=?UTF-8?B?"), 3);
	free(v);
	free(eml);

	/* "a" then 20 x "日": 39 bytes would cut the 13th "日", so the first
	 * word holds "a" and 12 of them (37 bytes), the second the other 8. */
	buf_reset(&b);
	buf_putc(&b, 'a');
	for (int i = 0; i < 20; i++)
		buf_puts(&b, "\xe6\x97\xa5");
	m.subject = buf_cstr(&b);
	eml = build(&m, NULL);
	char *w = subject_word(eml, 0);
	assert_int_equal(strlen(w), 37);
	assert_memory_equal(w, m.subject, 37);
	free(w);
	w = subject_word(eml, 1);
	assert_int_equal(strlen(w), 24);
	assert_memory_equal(w, m.subject + 37, 24);
	free(w);
	s = subject(eml);
	assert_string_equal(s, m.subject);
	free(s);
	free(eml);
	buf_free(&b);
}

/* Every CR in s is followed by LF and every LF follows a CR. */
static void assert_crlf_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r')
			assert_true(i + 1 < n && s[i + 1] == '\n');
		if (s[i] == '\n')
			assert_true(i > 0 && s[i - 1] == '\r');
	}
}

static void subject_injection(void **state)
{
	struct email_message m = basic();
	m.subject = "Evil\r\nBcc: x@y\nX-Injected: 1\x01\x7f";
	char *eml = build(&m, NULL);
	char *h = headers(eml);
	assert_crlf_only(h, strlen(h));
	assert_null(strstr(h, "\r\nBcc"));
	assert_null(strstr(h, "\r\nX-Injected"));
	assert_non_null(strstr(h, "\r\nSubject: Evil  Bcc: x@y X-Injected: 1  \r\nDate: "));
	free(h);
	free(eml);

	/* Non-ASCII: encoded, the controls already spaces. */
	m.subject = "\xe6\x97\xa5\xe6\x9c\xac\r\nBcc: x@y\r\n";
	eml = build(&m, NULL);
	h = headers(eml);
	assert_crlf_only(h, strlen(h));
	assert_null(strstr(h, "\r\nBcc"));
	assert_null(strstr(h, "Bcc"));
	char *s = subject(eml);
	assert_string_equal(s, "\xe6\x97\xa5\xe6\x9c\xac  Bcc: x@y  ");
	free(s);
	free(h);
	free(eml);

	/* A C1 control (U+0085, next line) is a space; a byte that is not
	 * UTF-8 becomes U+FFFD. */
	m.subject = "a\xc2\x85" "b\xff" "c\xe6\x97";
	eml = build(&m, NULL);
	s = subject(eml);
	assert_string_equal(s, "a b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	free(eml);
}

/* The From display name: as it is when a phrase of plain atoms, else
 * encoded-words that decode to it; never a raw quote, "<" or line end. */
static void from_display_name(void **state)
{
	struct email_message m = basic();
	m.from_name = "Northwind Co-Sell Program";
	char *eml = build(&m, NULL);
	const char *want = "From: Northwind Co-Sell Program <a@example.com>\r\nTo: ";
	assert_memory_equal(eml, want, strlen(want)); /* the first header */
	free(eml);

	/* printable ASCII with specials: a quoted-string, quotes escaped */
	static const struct {
		const char *name, *want;
	} quoted[] = {
		{"<script>\"x\"", "\"<script>\\\"x\\\"\" <a@example.com>"},
		{"Jane, Doe", "\"Jane, Doe\" <a@example.com>"},
		{"=?UTF-8?B?SmFuZQ==?=", "\"=?UTF-8?B?SmFuZQ==?=\" <a@example.com>"},
		{"a\\b", "\"a\\\\b\" <a@example.com>"},
		{" lead space", "\" lead space\" <a@example.com>"},
	};
	for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
		m.from_name = quoted[i].name;
		eml = build(&m, NULL);
		char *v = header(eml, "From");
		assert_string_equal(v, quoted[i].want);
		free(v);
		free(eml);
	}
	/* not ASCII: encoded-words; "日本 Partners" is E6 97 A5 E6 9C AC 20 50
	 * 61 72 74 6E 65 72 73: 5pel 5pys IFBh cnRu ZXJz */
	m.from_name = "\xe6\x97\xa5\xe6\x9c\xac Partners";
	eml = build(&m, NULL);
	char *v = header(eml, "From");
	assert_string_equal(v, "=?UTF-8?B?5pel5pysIFBhcnRuZXJz?= <a@example.com>");
	free(v);
	free(eml);

	/* a long name folds into several words, the address still whole */
	struct buf b = {0};
	for (int i = 0; i < 30; i++)
		buf_puts(&b, "\xe6\x97\xa5 ");
	m.from_name = buf_cstr(&b);
	eml = build(&m, NULL);
	char *h = headers(eml);
	assert_crlf_only(h, strlen(h));
	for (const char *line = h; *line;) {
		const char *end = strstr(line, "\r\n");
		assert_true(end - line <= 78);
		line = end + 2;
	}
	v = header(eml, "From");
	assert_true(test_count(v, "=?UTF-8?B?") >= 2);
	assert_non_null(strstr(v, "<a@example.com>"));
	free(v);
	free(h);
	free(eml);

	/* a long ASCII name folds at its spaces, the quotes whole */
	buf_reset(&b);
	for (int i = 0; i < 20; i++)
		buf_puts(&b, "Partner, ");
	buf_puts(&b, "end");
	m.from_name = buf_cstr(&b);
	eml = build(&m, NULL);
	h = headers(eml);
	for (const char *line = h; *line;) {
		const char *end = strstr(line, "\r\n");
		assert_true(end - line <= 78);
		line = end + 2;
	}
	v = header(eml, "From");
	char *wanted = xasprintf("\"%s\" <a@example.com>", buf_cstr(&b));
	assert_string_equal(v, wanted); /* unfolded: the same spaces */
	free(wanted);
	free(v);
	free(h);
	free(eml);
	buf_free(&b);

	/* a line end in the name is a space, not a new header */
	m.from_name = "Evil\r\nBcc: x@y";
	eml = build(&m, NULL);
	h = headers(eml);
	assert_null(strstr(h, "\r\nBcc"));
	free(h);
	free(eml);

	/* plain atoms too long for one line (6 + 89 > 78): a quoted-string
	 * folded at a space; a run of spaces that reaches the end of a line
	 * folds inside the run and survives unfolding */
	static const char *const long_names[] = {
		"Partners Partners Partners Partners Partners Partners Partners Partners Partners "
		"Partners",
		/* 6 + 1 + 68 + 1 = 76 columns, then a space that does not fit */
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   yyyy",
	};
	for (size_t i = 0; i < sizeof long_names / sizeof long_names[0]; i++) {
		m.from_name = long_names[i];
		eml = build(&m, NULL);
		h = headers(eml);
		assert_true(test_count(h, "\r\n ") >= 1); /* folded */
		for (const char *line = h; *line;) {
			const char *end = strstr(line, "\r\n");
			assert_true(end - line <= 78);
			line = end + 2;
		}
		v = header(eml, "From");
		wanted = xasprintf("\"%s\" <a@example.com>", long_names[i]);
		assert_string_equal(v, wanted);
		free(wanted);
		free(v);
		free(h);
		free(eml);
	}

	/* an address that does not fit after the name starts the next line
	 * (15 + 3 + 61 > 78) */
	const char *addr = "partnerships.and.alliances.team@mail.northwind-example.com.au";
	assert_int_equal(strlen(addr), 61);
	m = basic();
	m.from = addr;
	m.from_name = "Northwind";
	eml = build(&m, NULL);
	want = "From: Northwind\r\n <partnerships.and.alliances.team@mail.northwind-example.com.au>\r\n";
	assert_memory_equal(eml, want, strlen(want));
	free(eml);
	m.from = "a@example.com"; /* 15 + 3 + 13 fits */
	eml = build(&m, NULL);
	want = "From: Northwind <a@example.com>\r\n";
	assert_memory_equal(eml, want, strlen(want));
	free(eml);
}

/* --- bodies ----------------------------------------------------------------- */

static void line_ends_and_lengths(void **state)
{
	unsigned char img[3000];
	for (size_t i = 0; i < sizeof img; i++)
		img[i] = (unsigned char)(i * 31 + 7);
	struct email_image ims[2] = {
		{"tier-revenue", "tier-revenue.png", img, sizeof img},
		{"win-rate", "win-rate.png", img, 100},
	};
	struct buf text = {0};
	for (int i = 0; i < 50; i++)
		buf_puts(&text, "word \xe6\x97\xa5 = \t");
	buf_puts(&text, "\nlone\rCR\r\nand lf\n\n");
	const char *many[20];
	for (int i = 0; i < 20; i++)
		many[i] = "someone.with.a.long.name@example.com";
	struct email_message m = basic();
	m.text = buf_cstr(&text);
	m.html = m.text;
	m.images = ims;
	m.n_images = 2;
	m.to = many;
	m.n_to = 20;
	size_t len;
	char *eml = build(&m, &len);
	assert_crlf_only(eml, len);
	assert_memory_equal(eml + len - 2, "\r\n", 2);
	size_t longest = 0;
	for (const char *p = eml; *p;) {
		const char *e = strstr(p, "\r\n");
		if ((size_t)(e - p) > longest)
			longest = (size_t)(e - p);
		p = e + 2;
	}
	assert_true(longest <= 998);
	assert_true(longest <= 78);
	/* 20 recipients, folded after commas, all there. */
	char *v = header(eml, "To");
	assert_int_equal(test_count(v, "someone.with.a.long.name@example.com"), 20);
	assert_int_equal(test_count(v, ", "), 19);
	free(v);
	/* The lone CR is encoded, not a line break. */
	char *body = part_body(eml, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable");
	assert_non_null(strstr(body, "lone=0DCR\r\nand lf\r\n"));
	free(body);
	free(eml);
	buf_free(&text);
}

static void quoted_printable(void **state)
{
	char x100[101], y76[77], y77[78], t[600];
	memset(x100, 'x', 100);
	x100[100] = 0;
	memset(y76, 'y', 76);
	y76[76] = 0;
	memset(y77, 'y', 77);
	y77[77] = 0;
	snprintf(t, sizeof t, "a=b \n%s\n\xe6\x97\xa5\n.dot\nFrom me\ntab\t\n%s\n%s\n%.74s\xc3\xa9\nend ",
		 x100, y76, y77, y76);
	struct email_message m = basic();
	m.text = t;
	char *eml = build(&m, NULL);
	char *body = part_body(eml, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable");
	/* 100 x: 75 and a soft break fill 76 columns. 76 y fit one line (no
	 * soft break needed after the last); 77 do not. 74 y and "é" (=C3=A9):
	 * =C3 would end in column 77. */
	char want[1000];
	snprintf(want, sizeof want,
		 "a=3Db=20\r\n%.75s=\r\n%.25s\r\n=E6=97=A5\r\n=2Edot\r\n=46rom me\r\ntab=09\r\n"
		 "%s\r\n%.75s=\r\nyy\r\n%.74s=\r\n=C3=A9\r\nend=20",
		 x100, x100, y76, y77, y76);
	assert_string_equal(body, want);
	/* Decoded: the text with CRLF line ends. */
	char *dec = qp_decode(body, strlen(body));
	char *crlf = test_replace(t, "\n", "\r\n");
	assert_string_equal(dec, crlf);
	free(crlf);
	free(dec);
	free(body);
	free(eml);

	/* Empty and missing bodies. */
	m.text = NULL;
	m.html = "";
	eml = build(&m, NULL);
	body = part_body(eml, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable");
	assert_string_equal(body, "");
	free(body);
	body = part_body(eml, "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable");
	assert_string_equal(body, "");
	free(body);
	free(eml);
}

static void base64_images(void **state)
{
	unsigned char data[200];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	struct email_image ims[4] = {
		{"big", "big.png", data, sizeof data},
		{"tiny", "tiny.png", (const unsigned char *)"\x89PNG", 4},
		{"line", "line.png", data, 57},
		{"empty", "empty.png", data, 0},
	};
	struct email_message m = basic();
	m.images = ims;
	m.n_images = 4;
	char *eml = build(&m, NULL);

	/* 200 bytes: 268 characters, lines of 76, 76, 76 and 40. */
	char *body = part_body(eml, "Content-Disposition: inline; filename=\"big.png\"");
	size_t lens[4] = {76, 76, 76, 40}, i = 0;
	for (const char *p = body;; i++) {
		const char *e = strstr(p, "\r\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		assert_true(i < 4);
		assert_int_equal(n, lens[i]);
		if (!e)
			break;
		p = e + 2;
	}
	assert_int_equal(i, 3);
	unsigned char out[256];
	assert_int_equal(b64_decode(body, strlen(body), out), sizeof data);
	assert_memory_equal(out, data, sizeof data);
	free(body);

	/* 89 50 4E 47: 100010 010101 000001 001110 | 010001 11(0000) -> iVBO Rw== */
	body = part_body(eml, "Content-Disposition: inline; filename=\"tiny.png\"");
	assert_string_equal(body, "iVBORw==");
	free(body);
	/* 57 bytes make exactly one line of 76, no empty line after it. */
	body = part_body(eml, "Content-Disposition: inline; filename=\"line.png\"");
	assert_int_equal(strlen(body), 76);
	assert_null(strchr(body, '\r'));
	free(body);
	body = part_body(eml, "Content-Disposition: inline; filename=\"empty.png\"");
	assert_string_equal(body, "");
	free(body);
	free(eml);
}

static void images_with_cid(void **state)
{
	struct email_image ims[2] = {
		{"tier-revenue", "tier-revenue.png", (const unsigned char *)"\x89PNG", 4},
		{"win_rate.2", "win_rate.2.png", (const unsigned char *)"\x89PNG", 4},
	};
	struct email_message m = basic();
	m.html = "<img src=\"cid:tier-revenue\"><img src=\"cid:win_rate.2\">";
	m.images = ims;
	m.n_images = 2;
	char *eml = build(&m, NULL);
	char hex[17];
	message_hash(eml, "<20261101080000.", hex);
	const char *order[] = {
		"Content-Type: text/plain; charset=utf-8\r\n",
		"Content-Type: multipart/related; type=\"text/html\";\r\n",
		"Content-Type: text/html; charset=utf-8\r\n",
		"Content-Type: image/png; name=\"tier-revenue.png\"\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"Content-ID: <tier-revenue>\r\n"
		"Content-Disposition: inline; filename=\"tier-revenue.png\"\r\n\r\n"
		"iVBORw==\r\n",
		"Content-Type: image/png; name=\"win_rate.2.png\"\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"Content-ID: <win_rate.2>\r\n"
		"Content-Disposition: inline; filename=\"win_rate.2.png\"\r\n\r\n"
		"iVBORw==\r\n",
	};
	const char *prev = eml;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		const char *p = strstr(eml, order[i]);
		assert_non_null(p);
		assert_true(p > prev);
		assert_int_equal(test_count(eml, order[i]), 1);
		prev = p;
	}
	assert_int_equal(test_count(eml, "Content-ID: "), 2);
	/* Both images in the related part: its closing delimiter follows them. */
	char *close = test_replace("iVBORw==\r\n--=_rp-rel-HEX--\r\n\r\n--=_rp-alt-HEX--\r\n", "HEX", hex);
	assert_int_equal(strcmp(eml + strlen(eml) - strlen(close), close), 0);
	free(close);
	free(eml);
}

/* --- refusals --------------------------------------------------------------- */

static void bad_addresses(void **state)
{
	struct {
		const char *addr, *err;
	} cases[] = {
		{"", "bad address \"\""},
		{"plain", "bad address \"plain\""},
		{"a@", "bad address \"a@\""},
		{"@b", "bad address \"@b\""},
		{"a b@c", "bad address \"a b@c\""},
		{"a@b\r\nBcc: x@y", "bad address \"a@b\\r\\nBcc: x@y\""},
		{"Name <a@b>", "bad address \"Name <a@b>\""},
		{"<a@b>", "bad address \"<a@b>\""},
		{"a@b,c@d", "bad address \"a@b,c@d\""},
		{"\"a\"@b", "bad address \"\\\"a\\\"@b\""},
		{"a@b\x01", "bad address \"a@b\\x01\""},
		{"a\\b@c", "bad address \"a\\\\b@c\""},
		{"a..b@c", "bad address \"a..b@c\""},
		{".a@b", "bad address \".a@b\""},
		{"a@b.", "bad address \"a@b.\""},
		{"a@b@c", "bad address \"a@b@c\""},
		{"a@[127.0.0.1]", "bad address \"a@[127.0.0.1]\""},
		{"\xe6\x97\xa5@b", "bad address \"\\xe6\\x97\\xa5@b\""},
		{"a@b c", "bad address \"a@b c\""},
		{"a@ex_ample.com", "bad address \"a@ex_ample.com\""}, /* "_" is no host character */
		{"a@b{c}", "bad address \"a@b{c}\""},
		{"a@b~c", "bad address \"a@b~c\""},
	};
	struct email_message m = basic();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		m = basic();
		m.from = cases[i].addr;
		char *err = refused(&m);
		assert_string_equal(err, cases[i].err);
		free(err);
		/* The same as the second recipient. */
		const char *to[] = {"ok@example.com", cases[i].addr};
		m = basic();
		m.to = to;
		err = refused(&m);
		assert_string_equal(err, cases[i].err);
		free(err);
	}
	/* Long values are cut after 64 bytes. */
	char longer[80];
	memset(longer, 'a', 70);
	strcpy(longer + 70, "@b c");
	m = basic();
	m.from = longer;
	char *err = refused(&m);
	assert_string_equal(err, "bad address \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
	free(err);
	/* No sender, no recipient. */
	m = basic();
	m.from = NULL;
	err = refused(&m);
	assert_string_equal(err, "bad address \"\"");
	free(err);
	m = basic();
	m.n_to = 0;
	err = refused(&m);
	assert_string_equal(err, "no recipient address");
	free(err);
	/* A recipient that is NULL. */
	m = basic();
	const char *with_null[] = {"ok@example.com", NULL};
	m.to = with_null;
	err = refused(&m);
	assert_string_equal(err, "bad address \"\"");
	free(err);
	/* err may be NULL. */
	m.from = "bad";
	assert_null(email_build(&m, NULL, NULL));
	assert_false(email_address_valid(NULL, 0));

	/* At most 254 characters: 64 + 1 + 189 passes, 64 + 1 + 190 does not. */
	char at_limit[256];
	memset(at_limit, 'a', 64);
	at_limit[64] = '@';
	memset(at_limit + 65, 'b', 190);
	at_limit[255] = 0;
	assert_false(email_address_valid(at_limit, 255));
	assert_true(email_address_valid(at_limit, 254));
	at_limit[254] = 0;
	m = basic();
	m.from = at_limit;
	char *eml254 = build(&m, NULL);
	assert_non_null(strstr(eml254, at_limit));
	free(eml254);

	/* What passes. */
	const char *good[] = {"o'brien+tag@mail.example.co", "reviewpack@localhost", "a.b_c-d@e-f.g1",
			      "!#$%&*/=?^`{|}~@x", "Jane.Doe@Example.COM"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		m = basic();
		m.from = good[i];
		m.to = &good[i];
		m.n_to = 1;
		char *eml = build(&m, NULL);
		char *f = header(eml, "From");
		assert_string_equal(f, good[i]);
		free(f);
		free(eml);
	}
}

static void bad_image_names(void **state)
{
	struct {
		const char *cid, *file, *err;
	} cases[] = {
		{"a b", "a.png", "bad image cid \"a b\""},
		{"", "a.png", "bad image cid \"\""},
		{NULL, "a.png", "bad image cid \"\""},
		{"x\"y", "a.png", "bad image cid \"x\\\"y\""},
		{"a>b", "a.png", "bad image cid \"a>b\""},
		{"a@b", "a.png", "bad image cid \"a@b\""},
		{"ok", "../x.png", "bad image file name \"../x.png\""},
		{"ok", "a\r\nX: y.png", "bad image file name \"a\\r\\nX: y.png\""},
		{"ok", "a;b.png", "bad image file name \"a;b.png\""},
		{"ok", NULL, "bad image file name \"\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct email_image ims[2] = {
			{"good", "good.png", (const unsigned char *)"x", 1},
			{cases[i].cid, cases[i].file, (const unsigned char *)"x", 1},
		};
		struct email_message m = basic();
		m.images = ims;
		m.n_images = 2;
		char *err = refused(&m);
		assert_string_equal(err, cases[i].err);
		free(err);
	}
	/* Names of up to 200 characters. */
	char name[202];
	memset(name, 'n', 201);
	name[201] = 0;
	struct email_image im = {name + 1, "n.png", (const unsigned char *)"x", 1};
	struct email_message m = basic();
	m.images = &im;
	m.n_images = 1;
	char *eml = build(&m, NULL);
	free(eml);
	im.cid = name;
	char *err = refused(&m);
	assert_string_equal(err, "bad image cid \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...\"");
	free(err);
}

/* --- determinism and boundaries ------------------------------------------- */

static void deterministic(void **state)
{
	/* len may be NULL: the same bytes */
	struct email_message m0 = basic();
	size_t n0;
	char *with_len = build(&m0, &n0);
	char *err0 = NULL;
	char *without = email_build(&m0, NULL, &err0);
	assert_non_null(without);
	assert_string_equal(without, with_len);
	free(without);
	free(with_len);

	struct email_image im = {"c", "c.png", (const unsigned char *)"\x89PNG", 4};
	struct email_message m = basic();
	m.images = &im;
	m.n_images = 1;
	size_t n1, n2;
	char *one = build(&m, &n1), *two = build(&m, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(one, two, n1);
	char h1[17], h2[17];
	message_hash(one, "<20261101080000.", h1);
	free(two);

	/* Any change of content changes the Message-ID and the boundaries. */
	const char *texts[] = {"Hello!\n", NULL};
	for (size_t i = 0; i < 2; i++) {
		struct email_message c = m;
		if (i == 0)
			c.text = texts[0];
		else
			im.data = (const unsigned char *)"\x89PNH";
		two = build(&c, NULL);
		message_hash(two, "<20261101080000.", h2);
		assert_string_not_equal(h1, h2);
		char *b = xasprintf("boundary=\"=_rp-alt-%s\"", h2);
		assert_non_null(strstr(two, b));
		free(b);
		free(two);
	}
	free(one);
}

static void boundaries_unique(void **state)
{
	struct email_message m = basic();
	char *first = build(&m, NULL);
	char hex[17];
	message_hash(first, "<20261101080000.", hex);
	/* The text and HTML quote the delimiters of the message before. */
	char *text = test_replace("--=_rp-alt-HEX\n--=_rp-rel-HEX--\n=_rp-alt-HEX\n", "HEX", hex);
	struct email_image ims[2] = {{"a", "a.png", (const unsigned char *)"=_rp-", 5},
				     {"b", "b.png", (const unsigned char *)"x", 1}};
	m.text = text;
	m.html = text;
	m.images = ims;
	m.n_images = 2;
	char *eml = build(&m, NULL);
	message_hash(eml, "<20261101080000.", hex);
	char *alt = xasprintf("=_rp-alt-%s", hex), *rel = xasprintf("=_rp-rel-%s", hex);
	/* Only in Content-Type and as delimiters: 2 parts + close; 3 + close. */
	assert_int_equal(test_count(eml, alt), 1 + 3);
	assert_int_equal(test_count(eml, rel), 1 + 4);
	/* No line of a body starts with "--" and a boundary of ours. */
	assert_int_equal(test_count(eml, "\r\n--=_rp-"), 3 + 4);
	/* The quoted text is still there, encoded. */
	char *body = part_body(eml, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable");
	char *dec = qp_decode(body, strlen(body));
	char *want = test_replace(text, "\n", "\r\n");
	assert_string_equal(dec, want);
	free(want);
	free(dec);
	free(body);
	free(alt);
	free(rel);
	free(eml);
	free(text);
	free(first);
}

/* --- the envelope ------------------------------------------------------------ */

static void check_envelope(const char *msg, int want_rc, const char *want_from, const char *const *want_to,
			   size_t want_n)
{
	char *from = (char *)"x", **to = (char **)&from;
	size_t n = 99;
	assert_int_equal(send_read_envelope(msg, strlen(msg), &from, &to, &n), want_rc);
	if (want_from)
		assert_string_equal(from, want_from);
	else
		assert_null(from);
	assert_int_equal(n, want_n);
	if (!want_n)
		assert_null(to);
	for (size_t i = 0; i < want_n; i++)
		assert_string_equal(to[i], want_to[i]);
	send_addresses_free(from, to, n);
}

static void envelope(void **state)
{
	const char *abc[] = {"a@example.com", "b@example.com", "c@example.com"};
	/* Folded To, a quoted name holding a comma and <>, a tab fold; a To
	 * in the body is not a header. */
	check_envelope("Subject: x\r\nFrom: Jane Doe <jane@example.com>\r\n"
		       "To: a@example.com,\r\n \"Doe, <John>\" <b@example.com>,\r\n\tc@example.com\r\n"
		       "Reply-To: r@example.com\r\n\r\nTo: body@example.com\r\n",
		       0, "jane@example.com", abc, 3);
	/* LF line ends, "name <addr>" without quotes, comments, a group. */
	check_envelope("From: jane@example.com (Jane)\nTO : team: a@example.com,\n"
		       "  (the second) b@example.com;\ncc: z@example.com\nto: c@example.com\n\nbody\n",
		       0, "jane@example.com", abc, 3);
	/* Two addresses in From: the first. Repeated headers add up. */
	check_envelope("From: x@example.com, y@example.com\r\nFrom: z@example.com\r\nTo: a@example.com\r\n\r\n",
		       0, "x@example.com", abc, 1);
	check_envelope("From: Nobody\r\nTo: a@example.com\r\nFrom: z@example.com\r\nTo: b@example.com\r\n\r\n",
		       0, "z@example.com", abc, 2);
	/* What is not a plain address is skipped. */
	check_envelope("From: <jane@example.com>\r\nTo: not an address, <a b@c>, \"q\"@x, a@example.com\r\n\r\n",
		       0, "jane@example.com", abc, 1);
	/* No To, or no address in it: -1, the From still returned. */
	check_envelope("From: jane@example.com\r\nSubject: x\r\n\r\nTo: a@example.com\r\n", -1,
		       "jane@example.com", NULL, 0);
	check_envelope("From: jane@example.com\r\nTo: undisclosed-recipients:;\r\n\r\n", -1,
		       "jane@example.com", NULL, 0);
	/* No From: -1, the To still returned. */
	check_envelope("To: a@example.com, b@example.com\r\n\r\n", -1, NULL, abc, 2);
	/* Headers only, no empty line, no final line end. */
	check_envelope("From: j@example.com\r\nTo: a@example.com", 0, "j@example.com", abc, 1);
	check_envelope("", -1, NULL, NULL, 0);
	/* Escapes in quotes and comments, nested comments, a comment after
	 * <addr>, a tab before the colon and after an address, a line with no
	 * colon; "<" never closed holds no address. */
	check_envelope("X-No-Colon\r\nFrom: \"Doe \\\" <x@y.z>\" <jane@example.com>\r\n"
		       "To\t: a@example.com (team (east) \\) x@y.z),\r\n"
		       " <b@example.com> (primary), Ann <c@example.com\r\n\r\n",
		       0, "jane@example.com", abc, 2);
	check_envelope("From: jane@example.com\t\r\nTo: c@example.com\t, a@example.com (x \\( y)\r\n\r\n",
		       0, "jane@example.com", (const char *const[]){"c@example.com", "a@example.com"}, 2);
	/* A backslash outside quotes is text; one ending an unclosed quote
	 * escapes nothing; a line starting with ":" names no header. */
	check_envelope(": b@example.com\r\nFrom: x\\y <jane@example.com>\r\n"
		       "To: a@example.com, \"Doe \\\r\n\r\n",
		       0, "jane@example.com", abc, 1);
	/* Only len bytes are read. */
	char *from, **to;
	size_t n;
	const char *msg = "From: j@example.com\r\nTo: a@example.com\r\n\r\n";
	assert_int_equal(send_read_envelope(msg, strlen("From: j@example.com\r\n"), &from, &to, &n), -1);
	assert_string_equal(from, "j@example.com");
	assert_int_equal(n, 0);
	send_addresses_free(from, to, n);
	send_addresses_free(NULL, NULL, 0);

	/* What email_build writes reads back. */
	const char *many[30];
	char names[30][32];
	for (int i = 0; i < 30; i++) {
		snprintf(names[i], sizeof names[i], "person.%02d@example.com", i);
		many[i] = names[i];
	}
	struct email_message m = basic();
	m.to = many;
	m.n_to = 30;
	size_t len;
	char *eml = build(&m, &len);
	assert_int_equal(send_read_envelope(eml, len, &from, &to, &n), 0);
	assert_string_equal(from, "a@example.com");
	assert_int_equal(n, 30);
	for (int i = 0; i < 30; i++)
		assert_string_equal(to[i], many[i]);
	send_addresses_free(from, to, n);
	free(eml);
}

/* --- sending ------------------------------------------------------------------ */

/* The URLs send takes: smtp:// or smtps://, a host, no credentials,
 * printable ASCII only. */
static void smtp_urls(void **state)
{
	static const struct {
		const char *url, *err;
	} cases[] = {
		{"smtp://mail.example.com", NULL},
		{"smtps://mail.example.com:465", NULL},
		{"SMTPS://mail.example.com", NULL},
		{NULL, "no smtp url (use smtp://host[:port] or smtps://host[:port])"},
		{"", "no smtp url (use smtp://host[:port] or smtps://host[:port])"},
		{"http://mail.example.com", "unsupported url scheme \"http\" (use smtp://host[:port] or smtps://host[:port])"},
		{"smtpx://mail.example.com", "unsupported url scheme \"smtpx\" (use smtp://host[:port] or smtps://host[:port])"},
		{"smtp://m\xc3\xa4il.example.com", "bad smtp url \"smtp://m\\xc3\\xa4il.example.com\""},
		{"smtp://mail example", "bad smtp url \"smtp://mail example\""},
		{"smtp://", "bad smtp url \"smtp://\" (no host)"},
		{"smtps:///x", "bad smtp url \"smtps:///x\" (no host)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = send_check_url(cases[i].url);
		if (!cases[i].err)
			assert_null(err);
		else
			assert_string_equal(err, cases[i].err);
		free(err);
	}
}

static void send_refusals(void **state)
{
	const char *to[] = {"a@example.com"};
	struct send_options o = {"ftp://u:secret@127.0.0.1:1", "j@example.com", to, 1, false};
	char *err = NULL;
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "unsupported url scheme \"ftp\" (use smtp://host[:port] or smtps://host[:port])");
	free(err);
	o.url = "127.0.0.1:25";
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "bad smtp url \"127.0.0.1:25\" (use smtp://host[:port] or smtps://host[:port])");
	free(err);
	o.url = "SMTP://u:secret@127.0.0.1:1";
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "the smtp url must not hold credentials; set REVIEWPACK_SMTP_USER and "
				 "REVIEWPACK_SMTP_PASSWORD");
	assert_null(strstr(err, "secret"));
	free(err);
	o.url = "smtp://127.0.0.1:1/\r\nQUIT";
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "bad smtp url \"smtp://127.0.0.1:1/\\r\\nQUIT\"");
	free(err);
	o.url = "smtp://127.0.0.1:1";
	o.from = "Jane <j@example.com>";
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "bad address \"Jane <j@example.com>\"");
	free(err);
	o.from = "j@example.com";
	const char *bad_to[] = {"a@example.com", "b@example.com>\r\nDATA"};
	o.to = bad_to;
	o.n_to = 2;
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "bad address \"b@example.com>\\r\\nDATA\"");
	free(err);
	const char *null_to[] = {"a@example.com", NULL};
	o.to = null_to;
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "bad address \"\"");
	free(err);
	o.n_to = 0;
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "no recipient address");
	free(err);
	o.n_to = 1;
	o.from = NULL;
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "bad address \"\"");
	free(err);
	o.from = "j@example.com";
	setenv("REVIEWPACK_SMTP_PASSWORD", "secret", 1);
	unsetenv("REVIEWPACK_SMTP_USER");
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "REVIEWPACK_SMTP_PASSWORD is set but REVIEWPACK_SMTP_USER is not");
	free(err);
	setenv("REVIEWPACK_SMTP_USER", "", 1); /* empty is not set */
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_string_equal(err, "REVIEWPACK_SMTP_PASSWORD is set but REVIEWPACK_SMTP_USER is not");
	free(err);
	unsetenv("REVIEWPACK_SMTP_USER");
	unsetenv("REVIEWPACK_SMTP_PASSWORD");
}

/* The reply to RCPT for addresses starting "long": 223 bytes, a tab, an
 * escape and the two bytes of an "é" among them. */
#define LONG_REPLY                                                                                 \
	"550 5.1.1\tmailbox \x1b[1m\xc3\xa9 unavailable: "                                       \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	"yyyyyyyyyy"

/* A scripted SMTP server: one connection, no STARTTLS, RCPT refused with
 * 550 for addresses starting "nobody" (and LONG_REPLY for "long");
 * everything the client sent goes to the file log. Runs in a child
 * process; dies after 20 seconds. */
static void fake_server(int ls, const char *log)
{
	alarm(20);
	int c = accept(ls, NULL, NULL);
	FILE *f = fopen(log, "wb");
	if (c < 0 || !f)
		_exit(1);
	const char *greet = "220 fake ESMTP\r\n";
	if (write(c, greet, strlen(greet)) < 0)
		_exit(1);
	char line[2048];
	size_t n = 0;
	bool data = false;
	char ch;
	while (read(c, &ch, 1) == 1) {
		fputc(ch, f);
		if (n < sizeof line - 1)
			line[n++] = ch;
		if (ch != '\n')
			continue;
		line[n] = 0;
		n = 0;
		const char *reply;
		if (data) {
			if (strcmp(line, ".\r\n"))
				continue;
			data = false;
			reply = "250 queued as 1\r\n";
		} else if (!strncmp(line, "EHLO", 4)) {
			reply = "250-fake\r\n250 8BITMIME\r\n";
		} else if (!strncmp(line, "MAIL FROM:", 10)) {
			reply = "250 sender ok\r\n";
		} else if (!strncmp(line, "RCPT TO:<nobody", 15)) {
			reply = "550 5.1.1 no such user\r\n";
		} else if (!strncmp(line, "RCPT TO:<long", 13)) {
			reply = LONG_REPLY "\r\n";
		} else if (!strncmp(line, "RCPT TO:", 8)) {
			reply = "250 recipient ok\r\n";
		} else if (!strncmp(line, "DATA", 4)) {
			data = true;
			reply = "354 go ahead\r\n";
		} else if (!strncmp(line, "QUIT", 4)) {
			reply = "221 bye\r\n";
		} else {
			reply = "502 not here\r\n";
		}
		if (write(c, reply, strlen(reply)) < 0)
			break;
		if (!strncmp(reply, "221", 3))
			break;
	}
	fclose(f);
	close(c);
	_exit(0);
}

/* A socket bound to a free port of 127.0.0.1, listening when listen_too;
 * its port in *port. */
static int loopback(bool listen_too, int *port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	if (listen_too)
		assert_int_equal(listen(s, 1), 0);
	socklen_t len = sizeof a;
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return s;
}

/* send_message to scheme://127.0.0.1:PORT with fake_server on PORT;
 * what the client sent in *log. */
static int converse_scheme(const struct send_options *base, const char *scheme, const char *msg,
			   char **err, char **log)
{
	int port;
	int ls = loopback(true, &port);
	char *dir = test_tempdir();
	assert_non_null(dir);
	char *path = xasprintf("%s/log", dir);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		fake_server(ls, path);
	close(ls);
	struct send_options o = *base;
	char *url = xasprintf("%s://127.0.0.1:%d", scheme, port);
	o.url = url;
	int rc = send_message(&o, msg, strlen(msg), err);
	if (rc != 0) {
		/* Release a server still waiting for a connection. */
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {0};
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.sin_port = htons((uint16_t)port);
		if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0)
			shutdown(s, SHUT_RDWR);
		if (s >= 0)
			close(s);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	size_t n;
	if (util_read_file(path, log, &n) != 0)
		*log = xstrdup("");
	util_remove_tree(dir);
	free(dir);
	free(path);
	free(url);
	return rc;
}

static int converse(const struct send_options *base, const char *msg, char **err, char **log)
{
	return converse_scheme(base, "smtp", msg, err, log);
}

static void send_dialogue(void **state)
{
	const char *to[] = {"a@example.com", "b@example.com"};
	struct send_options o = {NULL, "j@example.com", to, 2, false};
	char *err = NULL, *log = NULL;
	unsetenv("REVIEWPACK_SMTP_USER");
	unsetenv("REVIEWPACK_SMTP_PASSWORD");
	setenv("NO_PROXY", "127.0.0.1", 1);
	setenv("no_proxy", "127.0.0.1", 1);

	/* Delivered: the envelope, then the message with LF made CRLF and a
	 * leading "." doubled (SMTP transparency), ended by ".". */
	assert_int_equal(converse(&o, "Subject: x\n\n.hidden\nbody\r\n", &err, &log), 0);
	assert_null(err);
	assert_non_null(strstr(log, "\r\nMAIL FROM:<j@example.com>"));
	const char *rcpt = strstr(log, "\r\nRCPT TO:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
	assert_non_null(rcpt);
	assert_non_null(strstr(log, "\r\nDATA\r\nSubject: x\r\n\r\n..hidden\r\nbody\r\n.\r\n"));
	assert_null(strstr(log, "AUTH"));
	free(log);

	/* Verbose: the dialogue on stderr, not the message. */
	char *dir = test_tempdir();
	char *path = xasprintf("%s/stderr", dir);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	dup2(fileno(f), STDERR_FILENO);
	o.verbose = true;
	int rc = converse(&o, "Subject: x\r\n\r\nsecret body\r\n", &err, &log);
	o.verbose = false;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fclose(f);
	assert_int_equal(rc, 0);
	char *said;
	assert_int_equal(util_read_file(path, &said, NULL), 0);
	assert_non_null(strstr(said, "< 220 fake ESMTP\n"));
	assert_non_null(strstr(said, "\n> RCPT TO:<b@example.com>\n< 250 recipient ok\n> DATA\n< 354 go ahead\n"));
	assert_non_null(strstr(said, "\n< 250 queued as 1\n"));
	assert_null(strstr(said, "secret body"));
	free(said);
	free(log);
	util_remove_tree(dir);
	free(path);
	free(dir);

	/* A refused recipient: -1, the server's reply in the message, and
	 * no DATA. */
	const char *bad_to[] = {"a@example.com", "nobody@example.com"};
	o.to = bad_to;
	assert_int_equal(converse(&o, "Subject: x\r\n\r\nbody\r\n", &err, &log), -1);
	assert_non_null(err);
	assert_memory_equal(err, "send failed: ", 13);
	const char *tail = " (server said: 550 5.1.1 no such user)";
	assert_true(strlen(err) > strlen(tail));
	assert_string_equal(err + strlen(err) - strlen(tail), tail);
	assert_null(strstr(log, "DATA"));
	free(err);
	free(log);
	err = NULL;

	/* Credentials over smtp:// without STARTTLS: refused before any
	 * AUTH or MAIL. */
	o.to = to;
	setenv("REVIEWPACK_SMTP_USER", "jane", 1);
	setenv("REVIEWPACK_SMTP_PASSWORD", "secret", 1);
	assert_int_equal(converse(&o, "Subject: x\r\n\r\nbody\r\n", &err, &log), -1);
	unsetenv("REVIEWPACK_SMTP_USER");
	unsetenv("REVIEWPACK_SMTP_PASSWORD");
	assert_non_null(strstr(err, "credentials are only sent over TLS"));
	/* The last reply before QUIT: the end of the EHLO reply. */
	tail = " (server said: 250 8BITMIME)";
	assert_string_equal(err + strlen(err) - strlen(tail), tail);
	assert_null(strstr(log, "AUTH"));
	assert_null(strstr(log, "MAIL FROM"));
	assert_null(strstr(log, "amFuZ"));  /* base64 of "jane" */
	assert_null(strstr(log, "secret"));
	free(err);
	free(log);
	err = NULL;

	/* A user name without a password: still never over smtp:// in clear. */
	setenv("REVIEWPACK_SMTP_USER", "jane", 1);
	assert_int_equal(converse(&o, "Subject: x\r\n\r\nbody\r\n", &err, &log), -1);
	unsetenv("REVIEWPACK_SMTP_USER");
	assert_non_null(strstr(err, "credentials are only sent over TLS"));
	assert_null(strstr(log, "MAIL FROM"));
	free(err);
	free(log);
	err = NULL;

	/* An empty user name is no user: delivered without AUTH. Lone CRs
	 * become CRLF, the last one too. */
	setenv("REVIEWPACK_SMTP_USER", "", 1);
	assert_int_equal(converse(&o, "Subject: x\r\n\r\none\rtwo\r", &err, &log), 0);
	unsetenv("REVIEWPACK_SMTP_USER");
	assert_null(err);
	assert_null(strstr(log, "AUTH"));
	assert_non_null(strstr(log, "\r\nDATA\r\nSubject: x\r\n\r\none\r\ntwo\r\n.\r\n"));
	free(log);

	/* smtps:// to a server that speaks plain SMTP: TLS fails, nothing
	 * is sent. */
	assert_int_equal(converse_scheme(&o, "smtps", "Subject: x\r\n\r\nbody\r\n", &err, &log), -1);
	assert_memory_equal(err, "send failed: ", 13);
	assert_null(strstr(log, "MAIL FROM"));
	free(err);
	free(log);
	err = NULL;

	/* A long reply: its first 200 bytes, control characters as "?". */
	const char *long_to[] = {"long@example.com"};
	o.to = long_to;
	o.n_to = 1;
	assert_int_equal(converse(&o, "Subject: x\r\n\r\nbody\r\n", &err, &log), -1);
	char *said_reply = xasprintf(" (server said: %.200s)", LONG_REPLY);
	said_reply[strlen(" (server said: 550 5.1.1")] = '?';                  /* the tab */
	size_t esc = strlen(" (server said: 550 5.1.1\tmailbox ");
	said_reply[esc] = '?';                                                 /* the escape */
	said_reply[esc + 4] = said_reply[esc + 5] = '?';                       /* the "é" */
	assert_int_equal(strlen(said_reply), strlen(" (server said: )") + 200);
	assert_true(strlen(err) > strlen(said_reply));
	assert_string_equal(err + strlen(err) - strlen(said_reply), said_reply);
	free(said_reply);
	free(err);
	free(log);
	err = NULL;
	o.to = to;
	o.n_to = 2;

	/* Nothing listens on the port. */
	int port;
	int s = loopback(false, &port);
	char *url = xasprintf("smtp://127.0.0.1:%d", port);
	o.url = url;
	assert_int_equal(send_message(&o, "x\r\n", 3, &err), -1);
	assert_memory_equal(err, "send failed: ", 13);
	assert_non_null(strstr(err, "onnect"));
	free(err);
	free(url);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_message),
		cmocka_unit_test(headers_in_order),
		cmocka_unit_test(date_header),
		cmocka_unit_test(subject_plain_ascii),
		cmocka_unit_test(subject_encoded),
		cmocka_unit_test(subject_split),
		cmocka_unit_test(subject_injection),
		cmocka_unit_test(from_display_name),
		cmocka_unit_test(line_ends_and_lengths),
		cmocka_unit_test(quoted_printable),
		cmocka_unit_test(base64_images),
		cmocka_unit_test(images_with_cid),
		cmocka_unit_test(bad_addresses),
		cmocka_unit_test(bad_image_names),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(boundaries_unique),
		cmocka_unit_test(envelope),
		cmocka_unit_test(smtp_urls),
		cmocka_unit_test(send_refusals),
		cmocka_unit_test(send_dialogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
