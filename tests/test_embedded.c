/* Unit tests of embedded: the templates and assets compiled into the
 * program are the bytes of the files in templates/ and assets/, and a
 * name that is not one of them finds nothing. Run from the top of the
 * source tree (as make does). */
#include "testutil.h"

#include "embedded.h"

static void same_bytes_as_the_files(void **state)
{
	static const char *const names[] = {"templates/index.md", "templates/layout.html",
					    "assets/style.css"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct embedded_file *f = embedded_find(names[i]);
		assert_non_null(f);
		assert_string_equal(f->name, names[i]);
		char *disk = NULL;
		size_t len = 0;
		assert_int_equal(util_read_file(names[i], &disk, &len), 0);
		assert_int_equal(f->len, len);
		assert_memory_equal(f->data, disk, len);
		assert_int_equal(f->data[len], 0); /* NUL-terminated */
		free(disk);
	}
}

static void unknown_names(void **state)
{
	assert_null(embedded_find("templates/no-such.md"));
	assert_null(embedded_find("index.md"));     /* the folder is part of the name */
	assert_null(embedded_find(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_bytes_as_the_files),
		cmocka_unit_test(unknown_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
