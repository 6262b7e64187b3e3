/* replay: runs a fuzz target's entry point on each file given, and on
 * each file inside each folder given, without libFuzzer (built under
 * ASan/UBSan by `make test`: every input that ever crashed a target, and
 * the seed corpus, stays a test). Prints one line per folder. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int err = util_read_file(path, &data, &len);
	if (err) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(err));
		return -1;
	}
	/* An exact-length copy, as libFuzzer gives it: reading past the
	 * end is caught. */
	uint8_t *copy = xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	free(data);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc |= run_file(argv[i]) != 0;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d) {
			fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		char **names = NULL;
		size_t n = 0, cap = 0;
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				GROW(names, cap, n + 1);
				names[n++] = xstrdup(e->d_name);
			}
		closedir(d);
		qsort(names, n, sizeof *names, cmp_names);
		for (size_t k = 0; k < n; k++) {
			char *path = xasprintf("%s/%s", argv[i], names[k]);
			rc |= run_file(path) != 0;
			free(path);
			free(names[k]);
		}
		free(names);
		printf("replay %s: %zu input%s\n", argv[i], n, n == 1 ? "" : "s");
	}
	return rc;
}
