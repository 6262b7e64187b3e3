/* Unit tests of publishing (site.c through fsio.c). The heart is fault
 * injection: a site of two months (with a user's own files and what
 * killed builds left), then a publish of a third month or of one of the
 * two again in which file-system call N fails, or the process is killed
 * there, for every N across the whole publish, with and without renameat2
 * flags. After each, the months published before are byte-identical (and,
 * when the publish failed, everything in OUT but leftovers), and the next
 * normal publish leaves a whole site with nothing left over. The fault
 * hook is compiled into the test build only. */
#include "testutil.h"

#include "fsio.h"
#include "site.h"
#include "util.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const MONTHS[] = {"2026-08", "2026-09", "2026-10"};

/* The files of a month: version v of month i. */
static const char *const FILES[] = {"metrics.json", "index.html", "charts/a.svg", "charts/a.png",
				    "partners/index.html", "partners/p1.html", "md/index.md"};

struct fixture {
	char *tmp, *out;
	char *ref[3][2]; /* a site holding only month i at version v */
};

/* The archive: "MONTH vV" for each month, newest first. */
static char *archive_of(json_t *others, int month, int v)
{
	const char *names[4];
	size_t n = 0;
	const char *key;
	json_t *mj;
	json_object_foreach(others, key, mj)
		names[n++] = key;
	names[n++] = MONTHS[month];
	for (size_t i = 1; i < n; i++) /* newest first */
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) < 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	struct buf b = {0};
	buf_puts(&b, "archive\n");
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object_get(others, names[i]);
		long long ver = o ? json_integer_value(json_object_get(o, "v")) : v;
		buf_printf(&b, "%s v%lld\n", names[i], ver);
	}
	return buf_detach(&b);
}

/* Publish version v of month i into out; 0 or -1 (the error on stderr
 * when loud). */
static int publish(const char *out, int month, int v, bool loud)
{
	char *err = NULL;
	struct site *s = site_open(out, MONTHS[month], &err);
	int rc = s ? 0 : -1;
	for (size_t i = 0; !rc && i < sizeof FILES / sizeof FILES[0]; i++) {
		char *text = !strcmp(FILES[i], "metrics.json") ? xasprintf("{\"v\": %d}", v)
							       : xasprintf("%s of %s, v%d\n", FILES[i], MONTHS[month], v);
		rc = site_add(s, SITE_MONTH, FILES[i], text, strlen(text), &err);
		free(text);
	}
	if (!rc)
		rc = site_add(s, SITE_ASSETS, "style.css", "body {}\n", 8, &err);
	json_t *others = rc ? NULL : site_months(s, &err);
	if (others) {
		char *html = archive_of(others, month, v);
		rc = site_commit(s, html, &err);
		free(html);
	} else {
		rc = -1;
	}
	json_decref(others);
	site_close(s);
	if (rc && loud)
		fprintf(stderr, "publish %s v%d: %s\n", MONTHS[month], v, err);
	free(err);
	return rc;
}

/* ---- a folder as one string: every path, kind and content, sorted ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted; *n of them. */
static char **names_in(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	char **names = NULL;
	size_t cap = 0;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			GROW(names, cap, *n + 1);
			names[(*n)++] = xstrdup(e->d_name);
		}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof *names, cmp_str);
	return names;
}

/* A leftover of a build at the top of OUT (what repair may remove). */
static bool is_leftover(const char *name)
{
	return name[0] == '.' && (strstr(name, ".new") || strstr(name, ".old") || strstr(name, ".tmp"));
}

static void walk(const char *root, const char *rel, bool skip_leftovers, struct buf *out)
{
	char *dir = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	size_t n;
	char **names = names_in(dir, &n);
	for (size_t i = 0; i < n; i++) {
		char *r = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *path = xasprintf("%s/%s", root, r);
		struct stat st;
		assert_int_equal(lstat(path, &st), 0);
		if (skip_leftovers && !*rel && is_leftover(names[i])) {
			/* left out */
		} else if (S_ISDIR(st.st_mode)) {
			buf_printf(out, "%s/\n", r);
			walk(root, r, false, out);
		} else if (S_ISREG(st.st_mode)) {
			char *data = NULL;
			size_t len = 0;
			assert_int_equal(util_read_file(path, &data, &len), 0);
			buf_printf(out, "%s %zu\n", r, len);
			buf_add(out, data, len);
			free(data);
		} else {
			buf_printf(out, "%s (not a file or folder)\n", r);
		}
		free(path);
		free(r);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static char *tree(const char *root, const char *rel, bool skip_leftovers)
{
	struct buf b = {0};
	walk(root, rel, skip_leftovers, &b);
	return buf_detach(&b);
}

static char *read_text(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text = NULL;
	assert_int_equal(util_read_file(path, &text, NULL), 0);
	free(path);
	return text;
}

/* ---- the site ---- */

static void plant_dir(const char *out, const char *name)
{
	char *path = xasprintf("%s/%s", out, name);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(test_write(path, "x", "left\n"), 0);
	free(path);
}

/* What killed builds of this and earlier versions leave, and the user's
 * own files, which stay. */
static void plant(const struct fixture *f)
{
	assert_int_equal(test_write(f->out, "notes.txt", "the user's\n"), 0);
	assert_int_equal(test_write(f->out, ".keep", "the user's\n"), 0);
	assert_int_equal(test_write(f->out, ".index.html.tmp", "old fixed name\n"), 0);
	plant_dir(f->out, ".2026-10.new-Ab12Cd");
	plant_dir(f->out, ".assets.new");
	plant_dir(f->out, ".assets.new-Qq9Zz0");
}

/* The base site: 2026-08 and 2026-09 at version 0 and what plant adds.
 * Returns its content without the leftovers. */
static char *base_site(const struct fixture *f)
{
	util_remove_tree(f->out);
	assert_int_equal(publish(f->out, 0, 0, true), 0);
	assert_int_equal(publish(f->out, 1, 0, true), 0);
	plant(f);
	return tree(f->out, "", true);
}

/* OUT holds exactly the months of the mask, each byte-identical to a
 * publish of it alone at the version in v[] (-1: either version), the
 * stylesheet, an archive listing them, and the user's files: nothing left
 * over. */
static void assert_whole(const struct fixture *f, unsigned mask, const int v[3])
{
	struct buf want = {0};
	buf_puts(&want, ".keep\n.reviewpack.lock\n");
	for (int i = 0; i < 3; i++)
		if (mask & 1u << i)
			buf_printf(&want, "%s\n", MONTHS[i]);
	buf_puts(&want, "assets\nindex.html\nnotes.txt\n");
	size_t n;
	char **names = names_in(f->out, &n);
	struct buf have = {0};
	for (size_t i = 0; i < n; i++) {
		buf_printf(&have, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	assert_string_equal(buf_cstr(&have), buf_cstr(&want));
	buf_free(&have);
	buf_free(&want);
	struct buf arch = {0};
	buf_puts(&arch, "archive\n");
	for (int i = 2; i >= 0; i--) {
		if (!(mask & 1u << i))
			continue;
		char *a = tree(f->out, MONTHS[i], false);
		int found = -1;
		for (int k = 0; k < 2; k++) {
			char *b = tree(f->ref[i][k], MONTHS[i], false);
			if ((v[i] < 0 || v[i] == k) && !strcmp(a, b))
				found = k;
			free(b);
		}
		if (found < 0)
			fail_msg("%s is not version %d whole", MONTHS[i], v[i]);
		buf_printf(&arch, "%s v%d\n", MONTHS[i], found);
		free(a);
	}
	char *text = read_text(f->out, "index.html");
	assert_string_equal(text, buf_cstr(&arch));
	free(text);
	buf_free(&arch);
	text = read_text(f->out, "assets/style.css");
	assert_string_equal(text, "body {}\n");
	free(text);
	text = read_text(f->out, "notes.txt");
	assert_string_equal(text, "the user's\n");
	free(text);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	f->tmp = test_tempdir();
	f->out = xasprintf("%s/out", f->tmp);
	for (int i = 0; i < 3; i++)
		for (int v = 0; v < 2; v++) {
			f->ref[i][v] = xasprintf("%s/ref-%d-%d", f->tmp, i, v);
			if (publish(f->ref[i][v], i, v, true))
				return -1;
		}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	util_remove_tree(f->tmp);
	for (int i = 0; i < 3; i++)
		for (int v = 0; v < 2; v++)
			free(f->ref[i][v]);
	free(f->out);
	free(f->tmp);
	free(f);
	return 0;
}

/* ---- fault injection ---- */

enum how {
	FAIL_ONCE, /* call N fails */
	FAIL_FROM, /* every call from N on fails */
	KILL       /* the process is killed at call N */
};

/* stderr to /dev/null (the warnings of a failing publish); returns the
 * old stderr for loud. */
static int quiet(void)
{
	fflush(stderr);
	int saved = dup(2);
	int null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	close(null);
	return saved;
}

static void loud(int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
}

/* Publish version 1 of month into the base site with call n failing (or
 * the process killed there); false when the publish made fewer than n
 * calls (it then ran whole). *rc: its result, or 1 when killed. */
static bool faulty_publish(const struct fixture *f, int month, enum how how, long n, bool no_flags,
			   int *rc)
{
	if (how != KILL) {
		int saved = quiet();
		fsio_fault_set(&(struct fsio_faults){.fail_at = n, .fail_after = how == FAIL_FROM, .no_flags = no_flags});
		*rc = publish(f->out, month, 1, false);
		bool hit = fsio_fault_calls() >= n;
		fsio_fault_set(&(struct fsio_faults){0});
		loud(saved);
		return hit;
	}
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		quiet();
		fsio_fault_set(&(struct fsio_faults){.kill_at = n, .no_flags = no_flags});
		_exit(publish(f->out, month, 1, false) ? 2 : 0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	*rc = WIFSIGNALED(status) ? 1 : WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		assert_int_equal(WTERMSIG(status), SIGKILL);
	return WIFSIGNALED(status);
}

/* Every failure point of one publish of version 1 of month; returns how
 * many. After a single failure the same month is published again; after
 * a kill or failures from N on, 2026-10 is (a build of any month repairs,
 * and 2026-09 is then whole at one version or the other). */
static long sweep(const struct fixture *f, int month, enum how how, bool no_flags)
{
	char *before = base_site(f);
	char *earlier = tree(f->out, MONTHS[0], false);
	int repair = how == FAIL_ONCE ? month : 2;
	int rc = 0;
	long n = 1;
	for (; faulty_publish(f, month, how, n, no_flags, &rc); n++) {
		char *now = tree(f->out, MONTHS[0], false);
		if (strcmp(now, earlier))
			fail_msg("call %ld: %s changed", n, MONTHS[0]);
		free(now);
		if (how == FAIL_ONCE && rc) { /* a failed publish leaves OUT as it was */
			now = tree(f->out, "", true);
			if (strcmp(now, before))
				fail_msg("call %ld failed%s: OUT changed", n, no_flags ? " (no renameat2 flags)" : "");
			free(now);
		}
		/* the next publish repairs whatever was left */
		assert_int_equal(publish(f->out, repair, 1, true), 0);
		int v[3] = {0, 0, 0};
		v[repair] = 1;
		if (month != repair)
			v[month] = -1;
		assert_whole(f, 3u | 1u << repair, v);
		/* back to the base site: the same publishes make the same bytes */
		if (repair == 2) {
			char *path = xasprintf("%s/%s", f->out, MONTHS[2]);
			assert_int_equal(util_remove_tree(path), 0);
			free(path);
		}
		assert_int_equal(publish(f->out, 1, 0, true), 0);
		plant(f);
		now = tree(f->out, "", true);
		if (strcmp(now, before))
			fail_msg("call %ld: the base site is not made again the same", n);
		free(now);
	}
	assert_int_equal(rc, 0); /* beyond the last call: a whole publish */
	free(before);
	free(earlier);
	return n - 1;
}

static void test_fail_every_call(void **state)
{
	long a = sweep(*state, 2, FAIL_ONCE, false);
	long b = sweep(*state, 2, FAIL_ONCE, true);
	long c = sweep(*state, 1, FAIL_ONCE, false);
	long d = sweep(*state, 1, FAIL_ONCE, true);
	printf("# call N failing: %ld + %ld points (a new month), %ld + %ld (a month again; "
	       "each with and without renameat2 flags)\n", a, b, c, d);
	assert_true(a > 40 && b > 40 && c > 40 && d > 40);
}

/* Failures that go on (the undo, the put-back and the clean-up fail too)
 * and kills matter where a folder is replaced: every point of a publish
 * of a month again, with and without renameat2 flags. */
static void test_fail_from_every_call(void **state)
{
	long a = sweep(*state, 1, FAIL_FROM, false);
	long b = sweep(*state, 1, FAIL_FROM, true);
	printf("# every call from N on failing: %ld + %ld points (a month again)\n", a, b);
	assert_true(a > 40 && b > 40);
}

static void test_kill_every_call(void **state)
{
	long a = sweep(*state, 1, KILL, false);
	long b = sweep(*state, 1, KILL, true);
	printf("# killed at call N: %ld + %ld points (a month again)\n", a, b);
	assert_true(a > 40 && b > 40);
}

/* A month an earlier build moved aside before it was killed: the next
 * publish puts it back first. With its call N failing, for every N, the
 * month is whole at one name or the other, and the publish after puts it
 * back. */
static void test_put_back_every_call(void **state)
{
	const struct fixture *f = *state;
	char *month = xasprintf("%s/%s", f->out, MONTHS[1]);
	char *aside = xasprintf("%s/.%s.old-Zz00Yy", f->out, MONTHS[1]);
	char *ref = xasprintf("%s/%s", f->ref[1][0], MONTHS[1]);
	char *want = tree(ref, "", false);
	int rc = 0;
	long n = 1;
	for (;; n++) {
		free(base_site(f));
		assert_int_equal(rename(month, aside), 0);
		int saved = quiet();
		fsio_fault_set(&(struct fsio_faults){.fail_at = n});
		rc = publish(f->out, 2, 1, false);
		bool hit = fsio_fault_calls() >= n;
		fsio_fault_set(&(struct fsio_faults){0});
		loud(saved);
		if (!hit)
			break;
		struct stat st;
		char *have = tree(lstat(month, &st) == 0 ? month : aside, "", false);
		if (strcmp(have, want))
			fail_msg("call %ld: %s is not whole", n, MONTHS[1]);
		free(have);
		assert_int_equal(publish(f->out, 2, 1, true), 0);
		assert_whole(f, 7u, (int[3]){0, 0, 1});
	}
	assert_int_equal(rc, 0);
	printf("# a month put back: %ld failure points\n", n - 1);
	assert_true(n > 40);
	free(want);
	free(ref);
	free(aside);
	free(month);
}

/* The archive is made from month folders only: a file or a link with a
 * month's name, a folder without metrics.json or with a broken one are
 * left out, and left alone. */
static void test_months_are_folders(void **state)
{
	const struct fixture *f = *state;
	free(base_site(f));
	char *outside = xasprintf("%s/outside", f->tmp);
	util_remove_tree(outside);
	assert_int_equal(mkdir(outside, 0755), 0);
	assert_int_equal(test_write(outside, "metrics.json", "{\"v\": 7}"), 0);
	char *link = xasprintf("%s/2026-05", f->out);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(test_write(f->out, "2026-04", "a file\n"), 0);
	plant_dir(f->out, "2026-03");
	plant_dir(f->out, "2026-02");
	assert_int_equal(test_write(f->out, "2026-02/metrics.json", "{broken"), 0);
	char *before = tree(f->out, "", true);
	char *err = NULL;
	struct site *s = site_open(f->out, MONTHS[2], &err);
	assert_non_null(s);
	json_t *months = site_months(s, &err);
	assert_non_null(months);
	assert_int_equal(json_object_size(months), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(months, MONTHS[0]), "v")), 0);
	assert_non_null(json_object_get(months, MONTHS[1]));
	json_decref(months);
	site_close(s);
	char *after = tree(f->out, "", true);
	assert_string_equal(after, before);
	free(after);
	free(before);
	free(link);
	free(outside);
}

/* ---- what repair removes, puts back and leaves ---- */

static void test_repair_only_its_own(void **state)
{
	const struct fixture *f = *state;
	free(base_site(f));
	/* names that look like staging names but are not a build's */
	const char *keep[] = {".2026-10.new-Ab12C", ".2026-13.new-Ab12Cd", ".assets.new-Ab12C!",
			      ".index.html.old-Ab12Cd", "2026-10.new-Ab12Cd", ".2026-10.new-Ab12Cd.bak",
			      ".assets.newer", ".index.html.tmp2", ".2026-10.old-Ab12Cd-x"};
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		assert_int_equal(test_write(f->out, keep[i], "mine\n"), 0);
	/* a month an earlier build moved aside, then was killed */
	char *from = xasprintf("%s/%s", f->out, MONTHS[1]);
	char *to = xasprintf("%s/.%s.old-Zz00Yy", f->out, MONTHS[1]);
	assert_int_equal(rename(from, to), 0);
	/* and the fixed name an earlier version used for that */
	char *old08 = xasprintf("%s/.%s.new-Kk11Jj.old", f->out, MONTHS[0]);
	char *from08 = xasprintf("%s/%s", f->out, MONTHS[0]);
	assert_int_equal(rename(from08, old08), 0);
	assert_int_equal(publish(f->out, 2, 0, true), 0);
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		char *text = read_text(f->out, keep[i]);
		assert_string_equal(text, "mine\n");
		free(text);
		char *path = xasprintf("%s/%s", f->out, keep[i]);
		unlink(path);
		free(path);
	}
	assert_whole(f, 7u, (int[3]){0, 0, 0}); /* both put back, listed in the archive */
	free(from);
	free(to);
	free(old08);
	free(from08);
}

/* What cannot be replaced is refused before anything changes. */
static void test_refused_before_any_change(void **state)
{
	const struct fixture *f = *state;
	const char *bad[][2] = {{"index.html", "dir"},    {"assets", "file"},     {"2026-10", "file"},
				{"index.html", "link"},   {"assets", "link"},     {"2026-10", "link"},
				{".reviewpack.lock", "link"}, {".reviewpack.lock", "dir"}};
	const char *want[] = {"it is a folder, not a file", "it is a file, not a folder",
			      "it is a file, not a folder", "it is a symbolic link, not a file",
			      "it is a symbolic link, not a folder", "it is a symbolic link, not a folder",
			      "Too many levels of symbolic links", "Is a directory"};
	char *outside = xasprintf("%s/outside", f->tmp);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		util_remove_tree(f->out);
		assert_int_equal(publish(f->out, 0, 0, true), 0);
		util_remove_tree(outside);
		assert_int_equal(mkdir(outside, 0755), 0);
		char *path = xasprintf("%s/%s", f->out, bad[i][0]);
		util_remove_tree(path);
		if (!strcmp(bad[i][1], "dir"))
			assert_int_equal(mkdir(path, 0755), 0);
		else if (!strcmp(bad[i][1], "file"))
			assert_int_equal(test_write(f->out, bad[i][0], "x"), 0);
		else
			assert_int_equal(symlink(outside, path), 0);
		char *before = tree(f->out, "", false);
		char *err = NULL;
		struct site *s = site_open(f->out, MONTHS[2], &err);
		assert_null(s);
		assert_non_null(err);
		if (!strstr(err, want[i]))
			fail_msg("%s as a %s: \"%s\"", bad[i][0], bad[i][1], err);
		free(err);
		char *after = tree(f->out, "", false);
		assert_string_equal(after, before);
		char *out_after = tree(outside, "", false);
		assert_string_equal(out_after, "");
		free(out_after);
		free(after);
		free(before);
		free(path);
	}
	free(outside);
}

/* A second publish waits for the first: the lock is held across
 * site_open .. site_close. */
static void test_lock(void **state)
{
	const struct fixture *f = *state;
	free(base_site(f));
	char *err = NULL;
	struct site *s = site_open(f->out, MONTHS[2], &err);
	assert_non_null(s);
	char *lock = xasprintf("%s/.reviewpack.lock", f->out);
	int fd = open(lock, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	site_close(s);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);
	free(lock);
	assert_whole(f, 3u, (int[3]){0, 0, 0}); /* closed without commit: only repaired */
}

/* A build that made OUT (and a parent of it) and fails before
 * site_commit leaves neither: it removes its lock file while holding it,
 * then the folders it made. A build that was waiting for that lock opens
 * OUT and the lock again and publishes. */
static void test_failed_build_unmakes_out(void **state)
{
	const struct fixture *f = *state;
	char *made = xasprintf("%s/made", f->tmp), *out = xasprintf("%s/made/site/", f->tmp);
	util_remove_tree(made);
	/* the second build is a child started first (a child forked later
	 * would share the lock's open file, and so the lock) */
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	char *said = xasprintf("%s/child-stderr", f->tmp);
	if (pid == 0) {
		int fd = open(said, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		close(fd);
		char c;
		close(ready[1]);
		if (read(ready[0], &c, 1) != 1)
			_exit(3);
		_exit(publish(out, 2, 0, false) ? 2 : 0);
	}
	close(ready[0]);
	char *err = NULL;
	struct site *s = site_open(out, MONTHS[2], &err);
	assert_non_null(s);
	assert_int_equal(site_add(s, SITE_MONTH, "index.html", "x\n", 2, &err), 0);
	assert_int_equal(write(ready[1], "x", 1), 1);
	close(ready[1]);
	char *text = NULL;
	for (int i = 0; i < 1000 && !(text && strstr(text, "waiting for another build")); i++) {
		free(text);
		text = NULL;
		usleep(10 * 1000);
		util_read_file(said, &text, NULL);
	}
	assert_non_null(strstr(text, "waiting for another build")); /* the child waits for our lock */
	free(text);
	int saved = quiet();
	site_close(s);
	loud(saved);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unlink(said);
	free(said);
	char *have = tree(out, "", false), *want = tree(f->ref[2][0], "", false);
	assert_string_equal(have, want);
	free(have);
	free(want);
	/* alone: nothing at all is left */
	util_remove_tree(made);
	s = site_open(out, MONTHS[2], &err);
	assert_non_null(s);
	assert_int_equal(site_add(s, SITE_MONTH, "charts/a.svg", "x\n", 2, &err), 0);
	site_close(s);
	struct stat st;
	assert_int_equal(lstat(made, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* a folder that was there stays, with its lock file */
	assert_int_equal(mkdir(made, 0755), 0);
	s = site_open(made, MONTHS[2], &err);
	assert_non_null(s);
	site_close(s);
	char *names = tree(made, "", false);
	assert_string_equal(names, ".reviewpack.lock 0\n");
	free(names);
	util_remove_tree(made);
	free(made);
	free(out);
}

/* ---- files added from several threads at once ---- */

enum { ADDERS = 4, ADDED = 200 };

struct adder {
	struct site *s;
	int id, failed;
};

/* Thread t's file i: in one of three folders (two of them new, one of
 * them nested), so that threads make folders while others write. */
static char *added_path(int t, int i)
{
	static const char *const dirs[] = {"partners", "md", "charts/spark"};
	return xasprintf("%s/t%d-%d.txt", dirs[(t + i) % 3], t, i);
}

static void *add_files(void *arg)
{
	struct adder *a = arg;
	for (int i = 0; i < ADDED; i++) {
		char *path = added_path(a->id, i), *text = xasprintf("file %d of thread %d\n", i, a->id);
		char *err = NULL;
		if (site_add(a->s, SITE_MONTH, path, text, strlen(text), &err) != 0)
			a->failed++;
		free(err);
		free(path);
		free(text);
	}
	return NULL;
}

/* Files added by four threads at once are all published, each whole, in
 * folders each made once. */
static void test_add_from_threads(void **state)
{
	const struct fixture *f = *state;
	char *out = xasprintf("%s/threads", f->tmp), *err = NULL;
	struct site *s = site_open(out, MONTHS[2], &err);
	assert_non_null(s);
	struct adder adders[ADDERS];
	pthread_t th[ADDERS];
	for (int t = 0; t < ADDERS; t++) {
		adders[t] = (struct adder){s, t, 0};
		assert_int_equal(pthread_create(&th[t], NULL, add_files, &adders[t]), 0);
	}
	for (int t = 0; t < ADDERS; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(adders[t].failed, 0);
	}
	json_t *others = site_months(s, &err);
	assert_non_null(others);
	assert_int_equal(site_commit(s, "archive\n", &err), 0);
	json_decref(others);
	site_close(s);
	for (int t = 0; t < ADDERS; t++)
		for (int i = 0; i < ADDED; i++) {
			char *path = added_path(t, i), *want = xasprintf("file %d of thread %d\n", i, t);
			char *rel = xasprintf("%s/%s", MONTHS[2], path);
			char *text = read_text(out, rel);
			assert_string_equal(text, want);
			free(text);
			free(rel);
			free(want);
			free(path);
		}
	char *month = xasprintf("%s/%s", out, MONTHS[2]);
	size_t n;
	char **names = names_in(month, &n);
	assert_int_equal(n, 3); /* partners, md, charts */
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(month);
	util_remove_tree(out);
	free(out);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]); /* e.g. test_fail_every_call */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repair_only_its_own),
		cmocka_unit_test(test_refused_before_any_change),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_failed_build_unmakes_out),
		cmocka_unit_test(test_months_are_folders),
		cmocka_unit_test(test_add_from_threads),
		cmocka_unit_test(test_put_back_every_call),
		cmocka_unit_test(test_fail_every_call),
		cmocka_unit_test(test_fail_from_every_call),
		cmocka_unit_test(test_kill_every_call),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
