/* csvtok: the floor for reading a CSV file. Tokenizes FILE with libcsv
 * and callbacks that do nothing, reading it in 1 MiB blocks, and prints
 * the fields and rows seen. `make bench` compares reviewpack's loading to
 * this. usage: csvtok FILE */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct counts {
	unsigned long fields, rows;
};

static void on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct counts *)data)->fields++;
}

static void on_row(int c, void *data)
{
	(void)c;
	((struct counts *)data)->rows++;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: csvtok FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "csvtok: cannot open '%s': %s\n", argv[1], strerror(errno));
		return 3;
	}
	struct csv_parser p;
	if (csv_init(&p, 0) != 0)
		return 3;
	static char block[1 << 20];
	struct counts c = {0, 0};
	size_t n;
	while ((n = fread(block, 1, sizeof block, f)) > 0)
		if (csv_parse(&p, block, n, on_field, on_row, &c) != n) {
			fprintf(stderr, "csvtok: %s: %s\n", argv[1], csv_strerror(csv_error(&p)));
			return 1;
		}
	csv_fini(&p, on_field, on_row, &c);
	csv_free(&p);
	fclose(f);
	printf("%lu fields, %lu rows\n", c.fields, c.rows);
	return 0;
}
