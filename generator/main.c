/* main: the command line only. Parses options, runs the stages in one
 * straight line (load -> metrics -> pack) and maps failures to exit codes:
 * 0 ok, 1 invalid data, 2 usage, 3 output or I/O, 4 send failed. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "email.h"
#include "init.h"
#include "load.h"
#include "metrics.h"
#include "pack.h"
#include "send.h"
#include "util.h"

#define VERSION "1.0.0"

enum { EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_SEND = 4 };

static const char usage_text[] =
	"usage: reviewpack build DATA [-p YYYY-MM] [-o OUT] [--templates DIR] [--skip-bad-rows] [-j N] [--verbose]\n"
	"       reviewpack check DATA [--skip-bad-rows]\n"
	"       reviewpack init DATA [--force]\n"
	"       reviewpack send PACKDIR --smtp URL [--to ADDR]... [--from ADDR] [--verbose]\n"
	"       reviewpack --help | --version\n";

static const char help_text[] =
	"reviewpack turns a month of co-sell program data (CSV exports) into a\n"
	"program review pack: a static HTML site section, an email edition\n"
	"(pack.eml) and metrics.json.\n"
	"\n"
	"Commands:\n"
	"  build DATA         validate DATA, compute the figures and write the pack\n"
	"                     into OUT/YYYY-MM/, then rewrite the archive OUT/index.html\n"
	"  check DATA         validate DATA and print a data-quality summary\n"
	"  init DATA          write DATA/program.ini for the export files in DATA: which\n"
	"                     file is which, their encodings, delimiters, date formats,\n"
	"                     decimal marks, columns and values, the tiers; every guess\n"
	"                     in a comment; then check it and say what is left to decide\n"
	"  send PACKDIR       send PACKDIR/pack.eml by SMTP\n"
	"\n"
	"Options:\n"
	"  -p, --period YYYY-MM   the month to report (default: month of the latest deal)\n"
	"  -o, --output OUT       the site folder (default: site)\n"
	"      --templates DIR    use templates from DIR; missing ones fall back to the defaults\n"
	"      --skip-bad-rows    drop invalid rows (listed on the data-quality page)\n"
	"                         instead of stopping\n"
	"  -j, --jobs N           build: draw charts and render pages on N threads\n"
	"                         (default: the number of online CPUs); the pack is the\n"
	"                         same byte for byte for any N (reading a large file\n"
	"                         and computing the figures take one more thread each)\n"
	"      --force            init: replace DATA/program.ini (the old one is kept as\n"
	"                         program.ini.bak)\n"
	"      --smtp URL         smtp://host[:port] (STARTTLS when offered; required with\n"
	"                         credentials) or smtps://host[:port]\n"
	"      --to ADDR          a recipient (repeatable; default: the pack's To header)\n"
	"      --from ADDR        the sender (default: the pack's From header)\n"
	"  -v, --verbose          progress lines on stderr\n"
	"  -h, --help             this help\n"
	"  -V, --version          the version\n"
	"\n"
	"SMTP credentials come from REVIEWPACK_SMTP_USER and REVIEWPACK_SMTP_PASSWORD.\n"
	"SOURCE_DATE_EPOCH, when set, is the pack's generated time (reproducible builds).\n"
	"\n"
	"Exit codes: 0 ok, 1 invalid input data, 2 usage error, 3 output or I/O failure,\n"
	"4 send failed.\n";

struct args {
	const char *command, *path;
	const char *period, *out, *templates, *smtp, *from;
	const char **to;
	size_t n_to, cap_to;
	int jobs;          /* 0: not given */
	bool skip_bad_rows, verbose, force;
};

#define MAX_JOBS 1024

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "reviewpack: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return EXIT_USAGE;
}

/* Returns -1 when the arguments are fine, else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	enum { OPT_TEMPLATES = 256, OPT_SKIP, OPT_SMTP, OPT_TO, OPT_FROM, OPT_FORCE };
	char *end;
	long jobs;
	static const struct option longopts[] = {
		{"period", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"templates", required_argument, NULL, OPT_TEMPLATES},
		{"skip-bad-rows", no_argument, NULL, OPT_SKIP},
		{"smtp", required_argument, NULL, OPT_SMTP},
		{"to", required_argument, NULL, OPT_TO},
		{"from", required_argument, NULL, OPT_FROM},
		{"force", no_argument, NULL, OPT_FORCE},
		{"jobs", required_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+:p:o:j:vhV", longopts, NULL)) != -1 ||
	       (optind < argc && !a->path)) {
		if (c == -1) { /* a positional argument: command, then path */
			if (!a->command)
				a->command = argv[optind];
			else if (!a->path)
				a->path = argv[optind];
			optind++;
			continue;
		}
		switch (c) {
		case 'p': a->period = optarg; break;
		case 'o': a->out = optarg; break;
		case OPT_TEMPLATES: a->templates = optarg; break;
		case OPT_SKIP: a->skip_bad_rows = true; break;
		case OPT_SMTP: a->smtp = optarg; break;
		case OPT_TO:
			GROW(a->to, a->cap_to, a->n_to + 1);
			a->to[a->n_to++] = optarg;
			break;
		case OPT_FROM: a->from = optarg; break;
		case OPT_FORCE: a->force = true; break;
		case 'j':
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || jobs < 1 || jobs > MAX_JOBS)
				return usage_error("bad --jobs \"%s\" (expected a number of threads from 1 to 1024)",
						   optarg);
			a->jobs = (int)jobs;
			break;
		case 'v': a->verbose = true; break;
		case 'h': fputs(usage_text, stdout); fputs("\n", stdout); fputs(help_text, stdout); return 0;
		case 'V': printf("reviewpack %s\n", VERSION); return 0;
		case ':': return usage_error("option \"%s\" needs a value", argv[optind - 1]);
		default: return usage_error("unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (!a->command)
		return usage_error("%s", "missing command");
	if (strcmp(a->command, "build") && strcmp(a->command, "check") && strcmp(a->command, "send") &&
	    strcmp(a->command, "init"))
		return usage_error("unknown command \"%s\"", a->command);
	if (!a->path)
		return usage_error("%s needs a folder", a->command);
	bool is_send = !strcmp(a->command, "send");
	if (is_send && !a->smtp)
		return usage_error("%s", "send needs --smtp URL");
	char *why = is_send ? send_check_url(a->smtp) : NULL;
	if (why) {
		usage_error("%s", why);
		free(why);
		return EXIT_USAGE;
	}
	/* Each address the user gave, checked before anything is sent. */
	for (size_t i = 0; is_send && i <= a->n_to; i++) {
		const char *addr = i < a->n_to ? a->to[i] : a->from;
		if (addr && !email_address_valid(addr, strlen(addr))) {
			struct buf b = {0};
			buf_printf(&b, "bad %s address ", i < a->n_to ? "--to" : "--from");
			buf_put_quoted(&b, addr, 64);
			buf_puts(&b, " (expected a plain address such as name@example.com)");
			usage_error("%s", buf_cstr(&b));
			buf_free(&b);
			return EXIT_USAGE;
		}
	}
	if (!is_send && (a->smtp || a->n_to || a->from))
		return usage_error("--smtp, --to and --from go with send, not %s", a->command);
	if (strcmp(a->command, "build") && (a->period || a->out || a->templates))
		return usage_error("--period, --output and --templates go with build, not %s", a->command);
	if (strcmp(a->command, "build") && a->jobs)
		return usage_error("--jobs goes with build, not %s", a->command);
	if (a->force && strcmp(a->command, "init"))
		return usage_error("--force goes with init, not %s", a->command);
	if (a->skip_bad_rows && !strcmp(a->command, "init"))
		return usage_error("%s", "--skip-bad-rows goes with build and check, not init");
	int month;
	if (a->period && !month_parse(a->period, &month))
		return usage_error("bad period \"%s\" (expected YYYY-MM)", a->period);
	return -1;
}

static void progress(const struct args *a, const char *msg)
{
	if (a->verbose || isatty(STDERR_FILENO))
		fprintf(stderr, "reviewpack: %s\n", msg);
}

/* Load DATA; prints errors (the first keep; 0: DIAG_MAX), then "N errors
 * in DATA, " and after_errors. Returns the model or NULL with *code set. */
static struct model *load(const struct args *a, int *code, size_t keep, const char *after_errors)
{
	struct load_options lo = {.skip_bad_rows = a->skip_bad_rows};
	struct diag_list errors = {.max = keep};
	char *io = NULL;
	struct model *m = load_model(a->path, &lo, &errors, &io);
	if (io) {
		fprintf(stderr, "reviewpack: %s\n", io);
		free(io);
		*code = EXIT_IO;
	} else if (!m) {
		diag_print(&errors, stderr, "errors");
		fprintf(stderr, "reviewpack: %zu error%s in %s, %s\n", errors.total,
			errors.total == 1 ? "" : "s", a->path, after_errors);
		*code = EXIT_DATA;
	}
	diag_clear(&errors);
	return m;
}

static int64_t generated_at(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (s && *s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (!errno && !*end && v >= 0)
			return v;
		fprintf(stderr, "reviewpack: ignoring bad SOURCE_DATE_EPOCH \"%s\"\n", s);
	}
	return (int64_t)time(NULL);
}

static int cmd_check(const struct args *a)
{
	int code = 0;
	struct model *m = load(a, &code, 0, "nothing written");
	if (!m)
		return code;
	char *summary = load_summary(m);
	fputs(summary, stdout);
	free(summary);
	model_free(m);
	return 0;
}

/* The default number of threads: the CPUs online, at most MAX_JOBS. */
static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

static int cmd_build(const struct args *a)
{
	int code = 0;
	progress(a, "loading data");
	struct model *m = load(a, &code, 0, "nothing written");
	if (!m)
		return code;
	int month = metrics_default_period(m);
	if (a->period)
		month_parse(a->period, &month);
	if (month < 0) {
		fprintf(stderr, "reviewpack: no deals to take a default period from; give --period\n");
		model_free(m);
		return EXIT_DATA;
	}
	progress(a, "computing figures");
	struct metrics *x = metrics_compute(m, month);
	struct pack_options po = {
		.out_dir = a->out ? a->out : "site",
		.templates_dir = a->templates,
		.generated_at = generated_at(),
		.verbose = a->verbose || isatty(STDERR_FILENO),
		.jobs = a->jobs ? a->jobs : online_cpus(),
	};
	char *err = NULL;
	int rc = pack_build(m, x, &po, &err);
	if (rc) {
		fprintf(stderr, "reviewpack: %s\n", err);
		free(err);
		code = rc == PACK_ERR_TEMPLATE ? EXIT_DATA : EXIT_IO;
	}
	metrics_free(x);
	model_free(m);
	return code;
}

/* Write text to path, created: only when it does not exist (O_EXCL), or
 * replacing it. 0 or errno. */
static int write_new(const char *path, const char *text, bool replace)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0)
		return errno;
	size_t len = strlen(text);
	int err = 0;
	for (size_t off = 0; off < len && !err;) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno != EINTR)
			err = errno;
		else if (w > 0)
			off += (size_t)w;
	}
	if (close(fd) && !err)
		err = errno;
	return err;
}

/* Keep the program.ini being replaced: program.ini.bak, or when that
 * exists program.ini.bak.2, .3, ... (an older copy is never replaced).
 * Returns the copy's path (caller frees) or NULL after printing why. */
static char *keep_copy(const char *ini)
{
	char *old = NULL;
	size_t len = 0;
	int err = util_read_file(ini, &old, &len);
	if (err) {
		fprintf(stderr, "reviewpack: cannot read '%s': %s\n", ini, strerror(err));
		return NULL;
	}
	for (int n = 1; n < 1000; n++) {
		char *bak = n == 1 ? xasprintf("%s.bak", ini) : xasprintf("%s.bak.%d", ini, n);
		err = write_new(bak, old, false);
		if (!err) {
			free(old);
			return bak;
		}
		if (err != EEXIST) {
			fprintf(stderr, "reviewpack: cannot write '%s': %s\n", bak, strerror(err));
			free(bak);
			break;
		}
		free(bak);
	}
	if (err == EEXIST)
		fprintf(stderr, "reviewpack: cannot keep a copy of '%s': too many program.ini.bak.N\n", ini);
	free(old);
	return NULL;
}

static void print_list(const char *title, char *const *items, size_t n)
{
	if (!n)
		return;
	printf("%s\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %s\n", items[i]);
}

static int cmd_init(const struct args *a)
{
	char *ini = xasprintf("%s/program.ini", a->path);
	struct stat st;
	bool exists = lstat(ini, &st) == 0;
	if (exists && !a->force) {
		fprintf(stderr, "reviewpack: '%s' exists; init never replaces it (with --force it "
				"does, and keeps the old one as program.ini.bak)\n", ini);
		free(ini);
		return EXIT_USAGE;
	}
	char *io = NULL;
	struct init_plan *p = init_read_folder(a->path, &io);
	if (!p) {
		fprintf(stderr, "reviewpack: %s\n", io);
		free(io);
		free(ini);
		return EXIT_IO;
	}
	if (p->fatal) {
		fprintf(stderr, "reviewpack: %s\nreviewpack: nothing written\n", p->fatal);
		for (size_t i = 0; i < p->n_skipped; i++)
			fprintf(stderr, "reviewpack: %s: a workbook, not read: save it as CSV\n",
				p->skipped[i]);
		init_plan_free(p);
		free(ini);
		return EXIT_DATA;
	}
	char *text = init_write(p);
	char *bak = exists ? keep_copy(ini) : NULL;
	int err = exists && !bak ? -1 : write_new(ini, text, exists);
	free(text);
	if (err) {
		if (err > 0)
			fprintf(stderr, "reviewpack: cannot write '%s': %s\n", ini, strerror(err));
		init_plan_free(p);
		free(ini);
		free(bak);
		return err == EEXIST ? EXIT_USAGE : EXIT_IO;
	}
	printf("wrote %s", ini);
	if (bak)
		printf(" (the old one is %s)", bak);
	const char *sep = ": ";
	for (int k = 0; k < INIT_N_KINDS; k++)
		if (p->kinds[k].file >= 0) {
			printf("%s%s from \"%s\"", sep, init_kind_name((enum init_kind)k),
			       p->files[p->kinds[k].file]->name);
			sep = ", ";
		}
	printf("\n");
	fflush(stdout);
	int code = 0;
	struct model *m = load(a, &code, 8, "with the program.ini just written; "
			      "reviewpack check lists them all");
	model_free(m);
	print_list("left for you to decide (check fails until each is done):", p->decide, p->n_decide);
	print_list("worth a look:", p->notes, p->n_notes);
	if (code)
		printf("next: edit %s, then run reviewpack check %s, then reviewpack build %s\n", ini,
		       a->path, a->path);
	else
		printf("check passes; next: reviewpack build %s\n", a->path);
	init_plan_free(p);
	free(ini);
	free(bak);
	return code;
}

static int cmd_send(const struct args *a)
{
	char *path = xasprintf("%s/pack.eml", a->path);
	char *data = NULL;
	size_t len = 0;
	int err = util_read_file(path, &data, &len);
	if (err) {
		fprintf(stderr, "reviewpack: cannot read '%s': %s\n", path, strerror(err));
		free(path);
		return EXIT_IO;
	}
	char *from = NULL, **to = NULL;
	size_t n_to = 0;
	if (send_read_envelope(data, len, &from, &to, &n_to) != 0 && (!a->from || !a->n_to)) {
		fprintf(stderr, "reviewpack: cannot read From/To from '%s'; give --from and --to\n", path);
		free(path);
		free(data);
		send_addresses_free(from, to, n_to);
		return EXIT_USAGE;
	}
	struct send_options so = {
		.url = a->smtp,
		.from = a->from ? a->from : from,
		.to = a->n_to ? a->to : (const char *const *)to,
		.n_to = a->n_to ? a->n_to : n_to,
		.verbose = a->verbose,
	};
	int code = 0;
	char *msg = NULL;
	if (!so.from || !so.n_to) {
		fprintf(stderr, "reviewpack: no sender or recipient for '%s'; give --from and --to\n", path);
		code = EXIT_USAGE;
	} else if (send_message(&so, data, len, &msg) != 0) {
		fprintf(stderr, "reviewpack: %s\n", msg);
		code = EXIT_SEND;
	} else if (a->verbose || isatty(STDERR_FILENO)) {
		fprintf(stderr, "reviewpack: sent %s to %zu recipient%s\n", path, so.n_to,
			so.n_to == 1 ? "" : "s");
	}
	free(msg);
	free(path);
	free(data);
	send_addresses_free(from, to, n_to);
	return code;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	int code = parse_args(argc, argv, &a);
	if (code < 0) {
		if (!strcmp(a.command, "check"))
			code = cmd_check(&a);
		else if (!strcmp(a.command, "build"))
			code = cmd_build(&a);
		else if (!strcmp(a.command, "init"))
			code = cmd_init(&a);
		else
			code = cmd_send(&a);
	}
	free(a.to);
	return code;
}
