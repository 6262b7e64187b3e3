/* Fuzz target: the loader, through its public load_model(dir). The input
 * is program.ini, then a line "=== deals.csv ===" and deals.csv, then
 * optionally a line "=== partners.csv ===" and partners.csv (else a
 * valid one of five partners); without the first separator, all of it is
 * deals.csv beside a valid program.ini. The files go into one temporary
 * folder (on /dev/shm when there is one), loaded with and without
 * --skip-bad-rows; a model that loads is summarised as `check` does. */
#include "fuzz.h"

#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char program_ini[] =
	"[program]\nname = Fuzz Program\ncurrency = USD\nfiscal_year_start = 2\n"
	"[tier strategic]\nlabel = Strategic\nrank = 1\nreview_every_days = 7\n"
	"[tier core]\nlabel = Core\nrank = 2\nreview_every_days = 30\n";
static const char partners_csv[] =
	"partner_id,name,tier,manager,overlap_accounts,joined_on,exited_on\n"
	"bluefin,Bluefin Analytics,strategic,Dana Whitfield,380,2025-04-01,\n"
	"brightwater,Brightwater Digital,core,Tom\xc3\xa1s Herrera,120,2025-04-15,\n"
	"cedar-cloud,Cedar Cloud Systems,core,Dana Whitfield,210,2025-06-02,\n"
	"p1,\"Quote \"\" and, comma\",core,Sam,0,2024-01-31,2026-09-30\n"
	"p2,\xe6\x97\xa5\xe6\x9c\xac,strategic,,5,2026-10-01,\n";

static char *dir; /* made once per process, removed at exit */

static void remove_dir(void)
{
	util_remove_tree(dir);
	free(dir);
}

static void put(const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	int err = util_write_file(path, data, len);
	if (err) {
		fprintf(stderr, "fuzz_loader: cannot write '%s': %s\n", path, strerror(err));
		abort();
	}
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
		char *tmpl = xasprintf("%s/reviewpack-fuzz-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmpl)) {
			perror(tmpl);
			abort();
		}
		dir = tmpl;
		atexit(remove_dir);
	}
	const uint8_t *deals, *partners;
	size_t ini_len, deals_len, partners_len;
	if (fuzz_split(data, size, "\n=== deals.csv ===\n", &deals, &ini_len, &deals_len)) {
		put("program.ini", data, ini_len);
	} else {
		put("program.ini", program_ini, sizeof program_ini - 1);
		deals = data;
		deals_len = size;
	}
	size_t rest = deals_len;
	if (fuzz_split(deals, rest, "\n=== partners.csv ===\n", &partners, &deals_len, &partners_len))
		put("partners.csv", partners, partners_len);
	else
		put("partners.csv", partners_csv, sizeof partners_csv - 1);
	put("deals.csv", deals, deals_len);

	for (int skip = 0; skip < 2; skip++) {
		struct load_options lo = {.skip_bad_rows = skip};
		struct diag_list errors = {0};
		char *io = NULL;
		struct model *m = load_model(dir, &lo, &errors, &io);
		FUZZ_CHECK(!(m && io));
		FUZZ_CHECK(m || io || errors.total > 0);
		if (m)
			free(load_summary(m));
		for (size_t i = 0; i < errors.n; i++)
			free(diag_format(&errors.items[i]));
		model_free(m);
		diag_clear(&errors);
		free(io);
	}
	return 0;
}
