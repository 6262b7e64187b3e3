/* Unit tests of decode: UTF-8 with and without a byte-order mark, UTF-16
 * LE and BE as Windows "Unicode text" writes them, Windows-1252 and other
 * iconv encodings, every split of the input into chunks (byte by byte
 * too), invalid bytes located by line and column with the fix suggested,
 * a doubled byte-order mark, NUL, line ends, and delimiter sniffing. */
#include "testutil.h"

#include "decode.h"

/* Decode data[0..n) fed in chunks of size chunk (0: all at once) into
 * out; false with *e on a decoding error. */
static bool run(const char *enc, const void *data, size_t n, size_t chunk, struct buf *out,
		struct decode_error *e)
{
	char *err = NULL;
	struct decoder *d = decode_open(enc, &err);
	assert_non_null(d);
	assert_null(err);
	buf_reset(out);
	const unsigned char *p = data;
	size_t step = chunk ? chunk : (n ? n : 1);
	bool ok = true;
	const char *t;
	size_t tn;
	for (size_t i = 0; ok && i < n; i += step) {
		size_t k = n - i < step ? n - i : step;
		/* a fresh copy per chunk, so a view past its call would be caught */
		unsigned char *c = malloc(k);
		memcpy(c, p + i, k);
		ok = decode_feed(d, c, k, &t, &tn, e);
		if (ok)
			buf_add(out, t, tn);
		else
			assert_int_equal(tn, 0);
		free(c);
	}
	if (ok) {
		ok = decode_finish(d, &t, &tn, e);
		if (ok)
			buf_add(out, t, tn);
	}
	decode_free(d);
	buf_cstr(out);
	return ok;
}

/* Every chunk size from 1 to 9 and all at once give want. */
static void decodes_to(const char *enc, const void *data, size_t n, const char *want)
{
	static const size_t chunks[] = {0, 1, 2, 3, 4, 5, 6, 7, 9};
	struct buf out = {0};
	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		struct decode_error e;
		if (!run(enc, data, n, chunks[i], &out, &e)) {
			struct buf m = {0};
			decode_error_describe(&e, &m);
			print_error("chunk %zu: error at %ld:%ld: %s\n", chunks[i], e.line, e.column,
				    buf_cstr(&m));
			buf_free(&m);
			fail();
		}
		if (out.len != strlen(want) || memcmp(out.data, want, out.len)) {
			print_error("chunk %zu: got \"%s\", expected \"%s\"\n", chunks[i],
				    buf_cstr(&out), want);
			fail();
		}
	}
	buf_free(&out);
}

/* Every chunk size gives the same error at line:column. */
static struct decode_error fails_at(const char *enc, const void *data, size_t n,
				    enum decode_problem what, long line, long col)
{
	static const size_t chunks[] = {0, 1, 2, 3, 5, 7};
	struct buf out = {0};
	struct decode_error e = {0};
	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		if (run(enc, data, n, chunks[i], &out, &e)) {
			print_error("chunk %zu: decoded as \"%s\"\n", chunks[i], buf_cstr(&out));
			fail();
		}
		if (e.problem != what || e.line != line || e.column != col) {
			print_error("chunk %zu: problem %d at %ld:%ld, expected %d at %ld:%ld\n",
				    chunks[i], e.problem, e.line, e.column, what, line, col);
			fail();
		}
	}
	buf_free(&out);
	return e;
}

static void describes(const struct decode_error *e, const char *want)
{
	struct buf m = {0};
	decode_error_describe(e, &m);
	assert_string_equal(buf_cstr(&m), want);
	buf_free(&m);
}

/* UTF-8 text as UTF-16 (LE or BE), with a byte-order mark when bom. */
static size_t utf16(const char *s, bool le, bool bom, unsigned char *out)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	if (bom) {
		out[n++] = le ? 0xFF : 0xFE;
		out[n++] = le ? 0xFE : 0xFF;
	}
	while (*p) {
		size_t len = utf8_seq_len(p, strlen((const char *)p));
		assert_true(len > 0);
		uint32_t cp = len == 1 ? p[0] : len == 2 ? p[0] & 0x1F : len == 3 ? p[0] & 0x0F
										  : p[0] & 0x07;
		for (size_t i = 1; i < len; i++)
			cp = (cp << 6) | (p[i] & 0x3F);
		p += len;
		uint16_t units[2];
		int k = 0;
		if (cp >= 0x10000) {
			units[k++] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
			units[k++] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
		} else {
			units[k++] = (uint16_t)cp;
		}
		for (int i = 0; i < k; i++) {
			out[n++] = le ? units[i] & 0xFF : units[i] >> 8;
			out[n++] = le ? units[i] >> 8 : units[i] & 0xFF;
		}
	}
	return n;
}

#define S(lit) lit, sizeof lit - 1

/* ---- UTF-8 ------------------------------------------------------------- */

static void utf8_passes_through(void **state)
{
	decodes_to("utf-8", S("id,name\n1,M\xc3\xbcller\n2,\xe6\x97\xa5\xe6\x9c\xac\n3,\xf0\x9f\x98\x80\n"),
		   "id,name\n1,M\xc3\xbcller\n2,\xe6\x97\xa5\xe6\x9c\xac\n3,\xf0\x9f\x98\x80\n");
	decodes_to(NULL, S("a,b\r\nc,d\r\n"), "a,b\r\nc,d\r\n");
	decodes_to("UTF8", S("x"), "x");
	/* valid UTF-8 with no CR comes back as a view of the input: no copy */
	char *err;
	struct decoder *d = decode_open("utf-8", &err);
	static const char text[] = "id,name\r\n1,M\xc3\xbcller and a longer line of text\r\n";
	const char *out;
	size_t n;
	struct decode_error e;
	assert_true(decode_feed(d, text, sizeof text - 1, &out, &n, &e));
	assert_ptr_equal(out, text);
	assert_int_equal(n, sizeof text - 1);
	assert_true(decode_finish(d, &out, &n, &e));
	assert_int_equal(n, 0);
	assert_string_equal(decode_encoding(d), "UTF-8");
	decode_free(d);
}

static void utf8_bom(void **state)
{
	decodes_to("utf-8", S("\xEF\xBB\xBFid,name\n1,M\xc3\xbcller\n"), "id,name\n1,M\xc3\xbcller\n");
	/* a UTF-8 byte-order mark decides whatever the setting says */
	decodes_to("windows-1252", S("\xEF\xBB\xBFid,name\n1,M\xc3\xbcller\n"),
		   "id,name\n1,M\xc3\xbcller\n");
	decodes_to("utf-16", S("\xEF\xBB\xBFid\n"), "id\n");
	/* a file that is only a byte-order mark, or nothing */
	decodes_to("utf-8", S("\xEF\xBB\xBF"), "");
	decodes_to("utf-8", "", 0, "");
	decodes_to("windows-1252", "", 0, "");
	/* a short file that starts like a byte-order mark but is not one */
	fails_at("utf-8", S("\xEF\xBB"), DECODE_TRUNCATED, 1, 1);
	decodes_to("windows-1252", S("\xEF\xBB"), "\xc3\xaf\xc2\xbb");
}

static void utf8_invalid_located(void **state)
{
	/* "1,M" then 0xFC (ü in Windows-1252): line 2, column 4 */
	struct decode_error e =
		fails_at("utf-8", S("id,name\n1,M\xfcller\n"), DECODE_INVALID, 2, 4);
	assert_string_equal(e.suggest, "windows-1252");
	assert_string_equal(e.encoding, "UTF-8");
	describes(&e, "invalid UTF-8 (byte 0xFC)");
	/* columns count characters: '2' ',' and two 3-byte characters first */
	e = fails_at(NULL, S("a\n2,\xe6\x97\xa5\xe6\x9c\xac\xff\n"), DECODE_INVALID, 2, 5);
	describes(&e, "invalid UTF-8 (byte 0xFF)");
	/* lines end at LF, CR LF and a lone CR alike */
	fails_at("utf-8", S("a\r\nb\rc\n\xe9t\xe9"), DECODE_INVALID, 4, 1);
	/* a CR just before the bad byte ends its line */
	fails_at("utf-8", S("ab\r\x93x\x94"), DECODE_INVALID, 2, 1);
	/* Windows-1252 quotes and the euro sign */
	e = fails_at("utf-8", S("x,\x93quoted\x94,\x80 5\n"), DECODE_INVALID, 1, 3);
	assert_string_equal(e.suggest, "windows-1252");
	/* 0x81 is not Windows-1252: no suggestion */
	e = fails_at("utf-8", S("ab\x81\n"), DECODE_INVALID, 1, 3);
	assert_null(e.suggest);
	/* a bad continuation, an overlong form, a surrogate: the bytes quoted */
	e = fails_at("utf-8", S("\xc3(x"), DECODE_INVALID, 1, 1);
	describes(&e, "invalid UTF-8 (byte 0xC3)");
	e = fails_at("utf-8", S("x\xc0\xaf"), DECODE_INVALID, 1, 2);
	describes(&e, "invalid UTF-8 (bytes 0xC0 0xAF)");
	e = fails_at("utf-8", S("\xed\xa0\x80"), DECODE_INVALID, 1, 1);
	describes(&e, "invalid UTF-8 (bytes 0xED 0xA0 0x80)");
	/* a file with a UTF-8 byte-order mark is UTF-8: no suggestion */
	e = fails_at("utf-8", S("\xEF\xBB\xBFM\xfcller"), DECODE_INVALID, 1, 2);
	assert_null(e.suggest);
	/* the file ends inside a character */
	e = fails_at("utf-8", S("abc\xe6\x97"), DECODE_TRUNCATED, 1, 4);
	describes(&e, "the file ends inside a character (bytes 0xE6 0x97)");
}

static void errors_stick(void **state)
{
	char *err;
	struct decoder *d = decode_open("utf-8", &err);
	const char *out;
	size_t n;
	struct decode_error e, again;
	assert_true(decode_feed(d, S("good\n"), &out, &n, &e));
	assert_false(decode_feed(d, S("b\xffz"), &out, &n, &e));
	assert_int_equal(n, 0);
	assert_false(decode_feed(d, S("more\n"), &out, &n, &again));
	assert_int_equal(again.problem, DECODE_INVALID);
	assert_int_equal(again.line, 2);
	assert_int_equal(again.column, 2);
	assert_false(decode_finish(d, &out, &n, &again));
	assert_int_equal(again.line, 2);
	decode_free(d);
}

static void doubled_bom(void **state)
{
	struct decode_error e =
		fails_at("utf-8", S("\xEF\xBB\xBF\xEF\xBB\xBFid,name\n"), DECODE_DOUBLE_BOM, 1, 1);
	describes(&e, "two byte-order marks at the start of the file (EF BB BF EF BB BF)");
	unsigned char b[64];
	size_t n = utf16("\xef\xbb\xbfid\r\n", true, true, b);
	e = fails_at("utf-16", b, n, DECODE_DOUBLE_BOM, 1, 1);
	describes(&e, "two byte-order marks at the start of the file (FF FE FF FE)");
	/* one mark, then text starting with EF: fine */
	decodes_to("utf-8", S("\xEF\xBB\xBF\xe6\x97\xa5"), "\xe6\x97\xa5");
}

static void nul_bytes(void **state)
{
	struct decode_error e = fails_at("utf-8", "a\0b", 3, DECODE_NUL, 1, 2);
	assert_null(e.suggest);
	describes(&e, "NUL character");
	/* UTF-16 LE without a byte-order mark read as UTF-8 */
	unsigned char b[64];
	size_t n = utf16("id,name\r\n", true, false, b);
	e = fails_at("utf-8", b, n, DECODE_NUL, 1, 2);
	assert_string_equal(e.suggest, "utf-16");
	/* and BE */
	n = utf16("id,name\r\n", false, false, b);
	e = fails_at("utf-8", b, n, DECODE_NUL, 1, 1);
	assert_string_equal(e.suggest, "utf-16");
	/* a NUL in Windows-1252 text */
	fails_at("windows-1252", "ab\n\xfc\0", 5, DECODE_NUL, 2, 2);
}

/* ---- line ends ---------------------------------------------------------- */

static void line_ends(void **state)
{
	/* an old Mac file: every lone CR comes out as LF, the last one too */
	decodes_to("utf-8", S("a,b\rc,d\r"), "a,b\nc,d\n");
	decodes_to("utf-8", S("a,b\rc,d"), "a,b\nc,d");
	/* CR LF stays whole, also split across chunks */
	decodes_to("utf-8", S("a\r\nb\r\n\r\nc"), "a\r\nb\r\n\r\nc");
	/* mixed, and inside a quoted field */
	decodes_to("utf-8", S("\"x\ry\",z\r\nw\r"), "\"x\ny\",z\r\nw\n");
	decodes_to("windows-1252", S("M\xfcller\r\xe9t\xe9\r\n"), "M\xc3\xbcller\n\xc3\xa9t\xc3\xa9\r\n");
	unsigned char b[64];
	size_t n = utf16("a\rb\r\nc\r", false, true, b);
	decodes_to("utf-16", b, n, "a\nb\r\nc\n");
}

/* ---- UTF-16 ------------------------------------------------------------- */

static void utf16_files(void **state)
{
	const char *text = "id,name\r\n1,M\xc3\xbcller \xe2\x82\xac\r\n2,\xf0\x9f\x98\x80\r\n";
	unsigned char b[256];
	/* Windows "Unicode text": UTF-16 LE with a byte-order mark */
	size_t n = utf16(text, true, true, b);
	decodes_to("utf-16", b, n, text);
	/* the byte-order mark is honoured whatever the setting says */
	decodes_to("utf-8", b, n, text);
	decodes_to("windows-1252", b, n, text);
	decodes_to("utf-16be", b, n, text);
	/* big-endian with its mark */
	n = utf16(text, false, true, b);
	decodes_to("utf-16", b, n, text);
	decodes_to(NULL, b, n, text);
	/* without a mark, the first character's NUL byte decides */
	n = utf16(text, true, false, b);
	decodes_to("utf-16", b, n, text);
	n = utf16(text, false, false, b);
	decodes_to("utf-16", b, n, text);
	decodes_to("utf-16be", b, n, text);
	/* the encoding read, once the start is seen */
	char *err;
	struct decoder *d = decode_open("utf-8", &err);
	const char *out;
	size_t on;
	struct decode_error e;
	n = utf16("x", true, true, b);
	assert_string_equal(decode_encoding(d), "UTF-8");
	assert_true(decode_feed(d, b, n, &out, &on, &e));
	assert_string_equal(decode_encoding(d), "UTF-16LE");
	decode_free(d);
	/* a lone surrogate is invalid: after "ab\n", line 2, column 2 */
	unsigned char bad[] = {0xFF, 0xFE, 'a', 0, 'b', 0, '\n', 0, 'c', 0, 0x00, 0xD8, 'd', 0};
	e = fails_at("utf-16", bad, sizeof bad, DECODE_INVALID, 2, 2);
	assert_string_equal(e.encoding, "UTF-16LE");
	/* an odd byte at the end */
	unsigned char odd[] = {0xFF, 0xFE, 'a', 0, 'b'};
	e = fails_at("utf-16", odd, sizeof odd, DECODE_TRUNCATED, 1, 2);
	describes(&e, "the file ends inside a character (byte 0x62)");
}

/* ---- other encodings ---------------------------------------------------- */

static void windows_1252(void **state)
{
	/* ü, €, “ ” and é */
	decodes_to("windows-1252", S("id,name\n1,M\xfcller\n2,\x80 5\n3,\x93quoted\x94 caf\xe9\n"),
		   "id,name\n1,M\xc3\xbcller\n2,\xe2\x82\xac 5\n3,\xe2\x80\x9cquoted\xe2\x80\x9d "
		   "caf\xc3\xa9\n");
	decodes_to("CP1252", S("\x80"), "\xe2\x82\xac");
	decodes_to("WINDOWS-1252", S("\x80"), "\xe2\x82\xac");
	/* ISO-8859-1 is another table: 0xA4 is the currency sign there */
	decodes_to("iso-8859-1", S("\xa4"), "\xc2\xa4");
	decodes_to("iso-8859-15", S("\xa4"), "\xe2\x82\xac");
	/* 0x81 is undefined in Windows-1252 */
	struct decode_error e = fails_at("windows-1252", S("ab\ncd\x81"), DECODE_INVALID, 2, 3);
	assert_string_equal(e.encoding, "windows-1252");
	assert_null(e.suggest);
	describes(&e, "invalid windows-1252 (byte 0x81)");
	/* a stateful multi-byte encoding, cut anywhere */
	decodes_to("shift_jis", S("\x93\xfa\x96\x7b,x\n"), "\xe6\x97\xa5\xe6\x9c\xac,x\n");
	e = fails_at("shift_jis", S("a\n\x93"), DECODE_TRUNCATED, 2, 1);
}

static void encoding_names(void **state)
{
	static const char *good[] = {NULL, "", "utf-8", "UTF-8", "utf8", "utf-16", "UTF-16",
				     "utf-16le", "windows-1252", "cp1252", "latin1", "ISO-8859-1"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *err = NULL;
		struct decoder *d = decode_open(good[i], &err);
		if (!d) {
			print_error("%s refused: %s\n", good[i], err);
			fail();
		}
		decode_free(d);
	}
	static const char *bad[] = {"klingon", "utf-8//IGNORE", "windows-1252//TRANSLIT", "/",
				    "utf-9"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err = NULL;
		assert_null(decode_open(bad[i], &err));
		assert_non_null(err);
		assert_non_null(strstr(err, "unknown encoding \""));
		assert_non_null(strstr(err, "(expected utf-8, utf-16 or a name iconv knows, such "
					    "as windows-1252 or iso-8859-1)"));
		free(err);
	}
	char *err = NULL;
	assert_null(decode_open("klingon", &err));
	assert_string_equal(err, "unknown encoding \"klingon\" (expected utf-8, utf-16 or a name "
				 "iconv knows, such as windows-1252 or iso-8859-1)");
	free(err);
	decode_free(NULL);
}

/* ---- delimiter ---------------------------------------------------------- */

static char sniff(const char *s)
{
	return decode_sniff_delimiter(s, strlen(s));
}

static void delimiters(void **state)
{
	assert_int_equal(sniff("id,name,tier"), ',');
	assert_int_equal(sniff("id;name;tier"), ';');
	assert_int_equal(sniff("id\tname\ttier"), '\t');
	assert_int_equal(sniff("id|name|tier"), '|');
	assert_int_equal(sniff("id"), ',');
	assert_int_equal(sniff(""), ',');
	/* delimiters inside quotes do not count */
	assert_int_equal(sniff("\"Deal; Name\",\"Amount; EUR\",x"), ',');
	assert_int_equal(sniff("\"a,b,c,d\";x;y"), ';');
	assert_int_equal(sniff("\"say \"\"a,b\"\"\";x"), ';');
	/* ties go to ',', then ';' before tab before '|' */
	assert_int_equal(sniff("a,b;c"), ',');
	assert_int_equal(sniff("a;b\tc"), ';');
	assert_int_equal(sniff("a\tb|c"), '\t');
	/* only the first line counts; a quoted line end does not end it */
	assert_int_equal(sniff("a;b\nc,d,e,f"), ';');
	assert_int_equal(sniff("a;b\r\nc,d,e,f"), ';');
	assert_int_equal(sniff("\"a\nb,c,d\";e\n,,,,"), ';');
	/* a header line not NUL-terminated */
	assert_int_equal(decode_sniff_delimiter("a;b;c,d,e,f,g", 5), ';');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_passes_through),
		cmocka_unit_test(utf8_bom),
		cmocka_unit_test(utf8_invalid_located),
		cmocka_unit_test(errors_stick),
		cmocka_unit_test(doubled_bom),
		cmocka_unit_test(nul_bytes),
		cmocka_unit_test(line_ends),
		cmocka_unit_test(utf16_files),
		cmocka_unit_test(windows_1252),
		cmocka_unit_test(encoding_names),
		cmocka_unit_test(delimiters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
