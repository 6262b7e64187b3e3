/* Unit tests of the shared helpers in util: UTF-8 sequence lengths,
 * one-line UTF-8 cleaning, quoting values for messages, the file helpers
 * with their errors, the stable and the table hash, the string set and
 * the memory for large arrays. */
#include "testutil.h"

#include "util.h"

#include <errno.h>

static size_t seq(const char *s, size_t n)
{
	return utf8_seq_len((const unsigned char *)s, n);
}

static void utf8_sequences(void **state)
{
	assert_int_equal(seq("a", 1), 1);
	assert_int_equal(seq("", 1), 1);                     /* NUL is one byte */
	assert_int_equal(seq("\xc3\xa9", 2), 2);             /* é */
	assert_int_equal(seq("\xe6\x97\xa5", 3), 3);         /* 日 */
	assert_int_equal(seq("\xf0\x9f\x98\x80", 4), 4);     /* U+1F600 */
	assert_int_equal(seq("\xe6\x97\xa5", 2), 0);         /* cut short */
	assert_int_equal(seq("\xc0\xaf", 2), 0);             /* overlong lead */
	assert_int_equal(seq("\xe0\x80\xaf", 3), 0);         /* overlong */
	assert_int_equal(seq("\xed\xa0\x80", 3), 0);         /* surrogate U+D800 */
	assert_int_equal(seq("\xf4\x90\x80\x80", 4), 0);     /* above U+10FFFF */
	assert_int_equal(seq("\x80", 1), 0);                 /* lone continuation */
	assert_int_equal(seq("\xc3" "a", 2), 0);             /* bad continuation */
	assert_int_equal(seq("\xc3", 4), 0);                 /* NUL after the lead */
	assert_int_equal(seq("a", 0), 0);
}

static void one_line(void **state)
{
	struct buf b = {0};
	buf_put_utf8_line(&b, "a\r\nb\tc\x7f" "d\xc2\x85" "e\xff" "f\xe6\x97\xa5");
	assert_string_equal(buf_cstr(&b), "a  b c d e\xef\xbf\xbd" "f\xe6\x97\xa5");
	buf_reset(&b);
	buf_put_utf8_line(&b, NULL);
	assert_string_equal(buf_cstr(&b), "");
	buf_reset(&b);
	/* U+00A0 and U+00A9 are printable, not C1 controls: kept */
	buf_put_utf8_line(&b, "a\xc2\xa0" "b\xc2\xa9");
	assert_string_equal(buf_cstr(&b), "a\xc2\xa0" "b\xc2\xa9");
	buf_free(&b);
}

static void quoted(void **state)
{
	struct buf b = {0};
	buf_put_quoted(&b, "a\"b\\c\r\n\t\x01\xe6", 64);
	assert_string_equal(buf_cstr(&b), "\"a\\\"b\\\\c\\r\\n\\t\\x01\\xe6\"");
	buf_reset(&b);
	buf_put_quoted(&b, "abcdef", 3);
	assert_string_equal(buf_cstr(&b), "\"abc...\"");
	buf_reset(&b);
	buf_put_quoted(&b, "abc", 3);
	assert_string_equal(buf_cstr(&b), "\"abc\"");
	buf_reset(&b);
	buf_put_quoted(&b, NULL, 3);
	assert_string_equal(buf_cstr(&b), "\"\"");
	buf_free(&b);
}

/* The file helpers' errors come back as errno values. */
static void files(void **state)
{
	char *dir = test_tempdir();
	assert_non_null(dir);
	char *file = xasprintf("%s/f", dir), *deep = xasprintf("%s/f/g/h", dir);
	char *tree = xasprintf("%s/t/u/v", dir), *top = xasprintf("%s/t", dir);
	assert_int_equal(util_write_file(file, "abc", 3), 0);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(util_read_file(file, &data, &len), 0);
	assert_true(len == 3 && !strcmp(data, "abc"));
	free(data);
	assert_int_equal(util_read_file(dir, &data, &len), EISDIR);   /* a folder */
	assert_int_equal(util_write_file("/dev/full", "abc", 3), ENOSPC);
	/* more than stdio buffers: the write itself fails, not the close */
	size_t big_len = 1 << 20;
	char *big = xcalloc(big_len, 1);
	assert_int_equal(util_write_file("/dev/full", big, big_len), ENOSPC);
	free(big);
	assert_int_equal(util_write_file(deep, "x", 1), ENOTDIR);      /* through a file */
	assert_int_equal(util_mkdirs(deep, 0755), ENOTDIR);
	char *under = xasprintf("%s/x", file); /* the last component, under a file */
	assert_int_equal(util_mkdirs(under, 0755), ENOTDIR);
	assert_int_equal(util_remove_tree(under), ENOTDIR);
	free(under);
	assert_int_equal(util_mkdirs(tree, 0755), 0);
	assert_int_equal(util_mkdirs(tree, 0755), 0);                  /* already there */
	char *leaf = xasprintf("%s/w", tree);
	assert_int_equal(util_write_file(leaf, "y", 1), 0);
	free(leaf);
	assert_int_equal(util_remove_tree(top), 0);
	assert_int_equal(util_remove_tree(top), 0);                    /* already gone */
	assert_int_equal(util_remove_tree(file), 0);                   /* a file */
	assert_int_equal(util_remove_tree(dir), 0);
	free(file), free(deep), free(tree), free(top), free(dir);
}

/* A request for zero bytes still gives memory to free, never NULL (which
 * would read as out of memory). */
static void zero_sized(void **state)
{
	void *a = xmalloc(0), *b = xcalloc(0, 0), *c = xcalloc(3, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	a = xrealloc(a, 0);
	assert_non_null(a);
	free(a);
	free(b);
	free(c);
}

static void hash_and_set(void **state)
{
	/* FNV-1a 64 test vectors (the reference implementation's) */
	assert_true(util_hash("", 0) == UINT64_C(0xcbf29ce484222325));
	assert_true(util_hash("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(util_hash("foobar", 6) == UINT64_C(0x85944171f73967e8));
	/* the table hash: the same for the same bytes, else (here) different,
	 * whatever the length and the bytes past a multiple of eight */
	const char *keys[] = {"", "a", "b", "ab", "ba", "abcdefg", "abcdefgh", "abcdefghi",
			      "abcdefgi", "bbcdefgh", "OPP-0000001", "OPP-0000002"};
	size_t nk = sizeof keys / sizeof keys[0];
	for (size_t i = 0; i < nk; i++) {
		assert_true(util_table_hash(keys[i], strlen(keys[i])) ==
			    util_table_hash(keys[i], strlen(keys[i])));
		for (size_t j = 0; j < i; j++)
			assert_false(util_table_hash(keys[i], strlen(keys[i])) ==
				     util_table_hash(keys[j], strlen(keys[j])));
	}
	assert_false(util_table_hash("a\0", 2) == util_table_hash("a", 1)); /* length counts */
	struct strset set = {0};
	assert_false(strset_has(&set, "x"));
	char key[16];
	for (int i = 0; i < 1000; i++) { /* grows past its first size many times */
		snprintf(key, sizeof key, "k%d", i);
		assert_true(strset_add(&set, key));
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_true(strset_has(&set, key));
		assert_false(strset_add(&set, key));
	}
	assert_false(strset_has(&set, "k1000"));
	assert_int_equal(set.n, 1000);
	strset_free(&set);
	strset_free(&set); /* freeing twice is harmless: it is reset */
}

/* memory for a large array: usable whole, small or large, freed by free */
static void large_arrays(void **state)
{
	for (size_t n = 1000; n <= (5u << 20); n *= 70) {
		unsigned char *p = util_alloc_huge(n);
		memset(p, 7, n);
		assert_int_equal(p[0] + p[n - 1], 14);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_sequences),
		cmocka_unit_test(one_line),
		cmocka_unit_test(quoted),
		cmocka_unit_test(files),
		cmocka_unit_test(zero_sized),
		cmocka_unit_test(hash_and_set),
		cmocka_unit_test(large_arrays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
