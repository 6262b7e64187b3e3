/* site: consumes a month's files, the stylesheet and the archive page and
 * publishes them into OUT through fsio (no link followed, everything
 * created new). Refuses, before changing anything, an OUT where the
 * month or the stylesheet is not a folder, the archive is not a file, or
 * that cannot be written in; reports every file-system failure with its
 * path.
 *
 * Holding the lock, a build
 *  1. checks what can be checked (once before the lock too, so that a
 *     build bound to fail does not even create the lock file),
 *  2. removes what killed builds left, putting back a folder one had
 *     moved aside (repair),
 *  3. stages the month, the stylesheet and the archive under new names
 *     ".NAME.new-XXXXXX" beside their final places,
 *  4. renames them in, month first and archive last; when a rename fails
 *     the renames done are undone,
 *  5. removes the folders replaced.
 * A folder is replaced in one step (renameat2 RENAME_EXCHANGE). On a file
 * system without it the old folder is first moved aside to
 * ".NAME.old-XXXXXX", which step 2 of the next build puts back when the
 * build was killed before the new folder took its place. */
#include "site.h"
#include "date.h"
#include "fsio.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_NAME ".reviewpack.lock"

enum part { PART_MONTH, PART_ASSETS, PART_ARCHIVE, N_PARTS };

/* Where a staged part is. */
enum moved {
	NOT_MOVED,  /* at its staging name */
	MOVED_NEW,  /* renamed in; nothing was there */
	MOVED_SWAP, /* exchanged: the staging name holds the replaced folder */
	MOVED_ASIDE /* renamed in after the replaced folder went to aside[part] */
};

/* A folder being filled: its descriptor and those of the subfolders made
 * in it, by path. */
struct stage {
	int fd;
	struct subdir {
		char *path;
		int fd;
	} *subs;
	size_t n_subs, cap_subs;
};

struct site {
	char *path;                 /* OUT as given */
	int dir, lock;              /* OUT and the lock file, or -1 */
	int made;                   /* folders of OUT's path this build created */
	bool committed;
	const char *final[N_PARTS]; /* "YYYY-MM", "assets", "index.html" */
	char month[8];
	char *staged[N_PARTS];      /* staging names in OUT, or NULL */
	bool at_staged[N_PARTS];    /* something of ours is at staged[part] */
	char *aside[N_PARTS];       /* where a replaced folder went, or NULL */
	enum moved moved[N_PARTS];
	struct stage stage[PART_ARCHIVE]; /* the month and stylesheet folders */
	pthread_mutex_t adding;     /* site_add's: the stages and their subfolders */
	char *err;
};

static int failf(struct site *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int failf(struct site *s, const char *fmt, ...)
{
	if (s->err)
		return -1;
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s->err = buf_detach(&b);
	return -1;
}

/* "cannot WHAT 'OUT/name': reason" (name NULL: OUT itself). */
static int io_fail(struct site *s, const char *what, const char *name, int e)
{
	if (name)
		return failf(s, "cannot %s '%s/%s': %s", what, s->path, name, strerror(e));
	return failf(s, "cannot %s '%s': %s", what, s->path, strerror(e));
}

/* Hand the recorded error to the caller. */
static int give_err(struct site *s, int rc, char **err)
{
	if (rc && err) {
		*err = s->err;
		s->err = NULL;
	}
	return rc;
}

static void warn_left(const struct site *s, const char *name, int e)
{
	fprintf(stderr, "reviewpack: cannot remove '%s/%s': %s; the next build removes it\n", s->path, name,
		strerror(e));
}

static bool is_month_name(const char *s)
{
	int m;
	return strlen(s) == 7 && month_parse(s, &m);
}

/* --- checks -------------------------------------------------------------- */

/* OUT/name is absent or of the kind (S_IFDIR or S_IFREG). */
static int check_kind(struct site *s, const char *name, mode_t kind)
{
	struct stat st;
	int e = fsio_stat(s->dir, name, &st);
	if (e == ENOENT || (!e && (st.st_mode & S_IFMT) == kind))
		return 0;
	if (e)
		return io_fail(s, "read", name, e);
	const char *is = S_ISLNK(st.st_mode)   ? "a symbolic link"
			 : S_ISDIR(st.st_mode) ? "a folder"
			 : S_ISREG(st.st_mode) ? "a file"
					       : "a special file";
	return failf(s, "cannot replace '%s/%s': it is %s, not %s", s->path, name, is,
		     kind == S_IFDIR ? "a folder" : "a file");
}

/* Everything that can be checked before OUT changes. */
static int check(struct site *s)
{
	if (check_kind(s, s->final[PART_MONTH], S_IFDIR) || check_kind(s, s->final[PART_ASSETS], S_IFDIR) ||
	    check_kind(s, s->final[PART_ARCHIVE], S_IFREG))
		return -1;
	int e = fsio_can_write(s->dir);
	return e ? io_fail(s, "write in", NULL, e) : 0;
}

/* --- repair -------------------------------------------------------------- */

/* Whether s is tag, 6 ASCII letters or digits, then end. */
static bool random_tail(const char *s, const char *tag, const char *end)
{
	size_t n = strlen(tag);
	if (strncmp(s, tag, n))
		return false;
	for (size_t i = n; i < n + 6; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return !strcmp(s + n + 6, end);
}

enum leftover { NOT_OURS, LEFT_STAGED, LEFT_ASIDE };

/* Whether name is a staging name of a build: this version's, or the fixed
 * ones of earlier versions (".assets.new", ".index.html.tmp", and a month
 * moved aside as ".YYYY-MM.new-XXXXXX.old"); the final name it stands
 * for in target. Nothing else in OUT is ever removed. */
static enum leftover leftover(const char *name, char target[16])
{
	if (name[0] != '.')
		return NOT_OURS;
	size_t n = 0;
	if (strlen(name) > 8) {
		memcpy(target, name + 1, 7);
		target[7] = 0;
		n = is_month_name(target) ? 7 : 0;
	}
	static const char *const fixed[] = {"assets", "index.html"};
	for (size_t i = 0; !n && i < sizeof fixed / sizeof fixed[0]; i++)
		if (!strncmp(name + 1, fixed[i], strlen(fixed[i]))) {
			n = strlen(fixed[i]);
			strcpy(target, fixed[i]);
		}
	if (!n)
		return NOT_OURS;
	const char *rest = name + 1 + n;
	bool file = !strcmp(target, "index.html");
	if (random_tail(rest, ".new-", ""))
		return LEFT_STAGED;
	if (!file && random_tail(rest, ".old-", ""))
		return LEFT_ASIDE;
	if (n == 7 && random_tail(rest, ".new-", ".old"))
		return LEFT_ASIDE;
	if (!strcmp(rest, file ? ".tmp" : ".new") && (file || !strcmp(target, "assets")))
		return LEFT_STAGED;
	return NOT_OURS;
}

/* A rename that must not replace: RENAME_NOREPLACE, or a plain rename on
 * a file system without it (the caller holds the lock). */
static int rename_new(int dir, const char *from, const char *to)
{
	int e = fsio_rename_new(dir, from, to);
	return e == EINVAL || e == ENOSYS ? fsio_rename(dir, from, to) : e;
}

/* Put the folder `name` moved aside back at target when that is free: 1
 * when it was put back, 0 when it is no folder or target is taken (an
 * old copy, to remove), -1 when what it is cannot be known or it cannot
 * be moved (recorded; it is then left alone). */
static int put_back(struct site *s, const char *name, const char *target)
{
	struct stat st;
	int e = fsio_stat(s->dir, name, &st);
	if (!e) {
		if (!S_ISDIR(st.st_mode) || (e = fsio_stat(s->dir, target, &st)) == 0)
			return 0;
		if (e == ENOENT && (e = rename_new(s->dir, name, target)) == 0)
			return 1;
	}
	return failf(s, "cannot put '%s/%s' back as '%s/%s': %s", s->path, name, s->path, target, strerror(e));
}

/* Remove what killed builds left in OUT; a folder moved aside whose final
 * name is free goes back there. */
static int repair(struct site *s)
{
	char **names = NULL;
	size_t n = 0;
	int e = fsio_list(s->dir, &names, &n);
	if (e)
		return io_fail(s, "read", NULL, e);
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		char target[16];
		enum leftover kind = leftover(names[i], target);
		if (kind == NOT_OURS)
			continue;
		int r = kind == LEFT_ASIDE ? put_back(s, names[i], target) : 0;
		if (r < 0)
			rc = -1;
		if (r)
			continue;
		if ((e = fsio_remove_tree(s->dir, names[i])) != 0)
			warn_left(s, names[i], e);
	}
	fsio_names_free(names, n);
	return rc;
}

/* --- staging ------------------------------------------------------------- */

static void stage_close(struct stage *st)
{
	for (size_t i = 0; i < st->n_subs; i++) {
		close(st->subs[i].fd);
		free(st->subs[i].path);
	}
	free(st->subs);
	if (st->fd >= 0)
		close(st->fd);
	*st = (struct stage){.fd = -1};
}

/* A new folder ".NAME.new-XXXXXX" in OUT for part k, open. */
static int stage_open(struct site *s, enum part k)
{
	char *prefix = xasprintf(".%s.new-", s->final[k]);
	int e = fsio_mkdir_temp(s->dir, prefix, &s->staged[k]);
	free(prefix);
	if (e)
		return io_fail(s, "write in", NULL, e);
	s->at_staged[k] = true;
	if ((e = fsio_open_dir(s->dir, s->staged[k], &s->stage[k].fd)) != 0)
		return io_fail(s, "open", s->staged[k], e);
	return 0;
}

/* The folder of path inside the stage, made new the first time; the last
 * component of path in *leaf. */
static int stage_parent(struct stage *st, const char *path, const char **leaf, int *fd)
{
	*fd = st->fd;
	*leaf = path;
	for (const char *slash; (slash = strchr(*leaf, '/')) != NULL; *leaf = slash + 1) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		char *name = xstrndup(*leaf, (size_t)(slash - *leaf));
		size_t i = 0;
		while (i < st->n_subs && strcmp(st->subs[i].path, dir))
			i++;
		int e = 0, sub = -1;
		if (i < st->n_subs) {
			sub = st->subs[i].fd;
		} else if ((e = fsio_mkdir(*fd, name)) == 0 && (e = fsio_open_dir(*fd, name, &sub)) == 0) {
			GROW(st->subs, st->cap_subs, st->n_subs + 1);
			st->subs[st->n_subs++] = (struct subdir){xstrdup(dir), sub};
		}
		free(dir);
		free(name);
		if (e)
			return e;
		*fd = sub;
	}
	return 0;
}

static bool safe_path(const char *path)
{
	for (const char *s = path;; s++) {
		const char *end = strchr(s, '/');
		if (!end)
			end = s + strlen(s);
		size_t n = (size_t)(end - s);
		if (!n || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (!*end)
			return true;
		s = end;
	}
}

/* --- renaming in --------------------------------------------------------- */

/* Without renameat2 flags: move the folder at the final name of part k
 * aside to a new ".NAME.old-XXXXXX", then the staged one in. */
static int move_aside(struct site *s, enum part k)
{
	const char *staged = s->staged[k], *final = s->final[k];
	struct stat st;
	int e = fsio_stat(s->dir, final, &st);
	if (e)
		return e == ENOENT ? fsio_rename(s->dir, staged, final) : e;
	char *prefix = xasprintf(".%s.old-", final);
	e = fsio_mkdir_temp(s->dir, prefix, &s->aside[k]);
	free(prefix);
	if (e)
		return e;
	if ((e = fsio_rename(s->dir, final, s->aside[k])) != 0) {
		fsio_remove_tree(s->dir, s->aside[k]); /* else the next build does */
	} else if ((e = fsio_rename(s->dir, staged, final)) != 0) {
		int u = rename_new(s->dir, s->aside[k], final);
		if (u) {
			fprintf(stderr, "reviewpack: cannot put '%s/%s' back as '%s/%s': %s; the next build does\n",
				s->path, s->aside[k], s->path, final, strerror(u));
			return e;
		}
	} else {
		return 0;
	}
	free(s->aside[k]);
	s->aside[k] = NULL;
	return e;
}

/* Move the staged folder of part k to its final name, replacing what is
 * there (kept until the build succeeds, for undo). */
static int replace_dir(struct site *s, enum part k)
{
	const char *staged = s->staged[k], *final = s->final[k];
	int e = fsio_rename_new(s->dir, staged, final);
	if (!e) {
		s->moved[k] = MOVED_NEW;
		s->at_staged[k] = false;
		return 0;
	}
	if ((e == EEXIST || e == ENOTEMPTY) && (e = fsio_exchange(s->dir, staged, final)) == 0) {
		s->moved[k] = MOVED_SWAP;
		return 0;
	}
	if ((e == EINVAL || e == ENOSYS) && (e = move_aside(s, k)) == 0) {
		s->moved[k] = MOVED_ASIDE;
		s->at_staged[k] = false;
		return 0;
	}
	return failf(s, "cannot move '%s/%s' to '%s/%s': %s", s->path, staged, s->path, final, strerror(e));
}

/* Put back what was there before part k was renamed in. */
static void undo(struct site *s, enum part k)
{
	const char *staged = s->staged[k], *final = s->final[k];
	int e = 0;
	switch (s->moved[k]) {
	case NOT_MOVED:
		return;
	case MOVED_NEW:
		e = rename_new(s->dir, final, staged);
		s->at_staged[k] = !e;
		break;
	case MOVED_SWAP:
		e = fsio_exchange(s->dir, staged, final);
		break;
	case MOVED_ASIDE:
		e = rename_new(s->dir, final, staged);
		s->at_staged[k] = !e;
		if (!e && s->aside[k])
			e = rename_new(s->dir, s->aside[k], final);
		break;
	}
	if (e)
		fprintf(stderr, "reviewpack: cannot put back the earlier '%s/%s': %s; the next build repairs it\n",
			s->path, final, strerror(e));
	s->moved[k] = NOT_MOVED;
}

/* --- the interface ------------------------------------------------------- */

/* Open OUT and take its lock. A lock file removed while this build waited
 * for it (a failed build removing the OUT it had made) is no lock: open
 * OUT and the lock again. */
static int lock_site(struct site *s)
{
	bool said = false;
	for (int tries = 0;; tries++) {
		int e = fsio_open_root(s->path, &s->dir, &s->made);
		if (e)
			return io_fail(s, "create", NULL, e);
		if (check(s))
			return -1;
		if ((e = fsio_open_lock(s->dir, LOCK_NAME, &s->lock)) == 0 &&
		    (e = fsio_lock(s->lock, false)) == EWOULDBLOCK) {
			if (!said)
				fprintf(stderr, "reviewpack: waiting for another build of '%s' to finish\n", s->path);
			said = true;
			e = fsio_lock(s->lock, true);
		}
		if ((e != ESTALE && e != ENOENT) || tries == 100)
			return e ? io_fail(s, "lock", LOCK_NAME, e) : 0;
		if (s->lock >= 0)
			close(s->lock);
		close(s->dir);
		s->lock = s->dir = -1;
	}
}

static int open_site(struct site *s)
{
	if (lock_site(s) || check(s) || repair(s))
		return -1;
	return stage_open(s, PART_MONTH);
}

struct site *site_open(const char *out, const char *month, char **err)
{
	if (!is_month_name(month))
		BUG("site_open: not a month");
	struct site *s = xcalloc(1, sizeof *s);
	*s = (struct site){.path = xstrdup(out), .dir = -1, .lock = -1,
			   .final = {s->month, "assets", "index.html"}};
	strcpy(s->month, month);
	for (enum part k = 0; k < PART_ARCHIVE; k++)
		s->stage[k].fd = -1;
	pthread_mutex_init(&s->adding, NULL);
	if (open_site(s)) {
		give_err(s, -1, err);
		site_close(s);
		return NULL;
	}
	return s;
}

int site_add(struct site *s, enum site_part part, const char *path, const void *data, size_t len,
	     char **err)
{
	enum part k = part == SITE_ASSETS ? PART_ASSETS : PART_MONTH;
	if (!safe_path(path))
		BUG("site_add: a path that leaves its folder");
	/* the folders under the lock, the file itself outside it */
	pthread_mutex_lock(&s->adding);
	if (s->stage[k].fd < 0) {
		if (s->staged[k])
			BUG("site_add after site_commit");
		if (stage_open(s, k)) {
			int rc = give_err(s, -1, err);
			pthread_mutex_unlock(&s->adding);
			return rc;
		}
	}
	const char *leaf;
	int fd;
	int e = stage_parent(&s->stage[k], path, &leaf, &fd);
	const char *staged = s->staged[k];
	pthread_mutex_unlock(&s->adding);
	if (!e)
		e = fsio_write_file(fd, leaf, data, len);
	if (!e)
		return 0;
	char *msg = xasprintf("cannot write '%s/%s/%s': %s", s->path, staged, path, strerror(e));
	if (err) {
		*err = msg;
	} else {
		pthread_mutex_lock(&s->adding);
		if (!s->err)
			s->err = msg, msg = NULL;
		pthread_mutex_unlock(&s->adding);
		free(msg);
	}
	return -1;
}

json_t *site_months(struct site *s, char **err)
{
	char **names = NULL;
	size_t n = 0;
	int e = fsio_list(s->dir, &names, &n);
	if (e) {
		io_fail(s, "read", NULL, e);
		give_err(s, -1, err);
		return NULL;
	}
	json_t *months = json_object();
	for (size_t i = 0; !e && i < n; i++) {
		if (!is_month_name(names[i]) || !strcmp(names[i], s->month))
			continue;
		int fd;
		char *text = NULL;
		size_t len = 0;
		if ((e = fsio_open_dir(s->dir, names[i], &fd)) == 0) {
			e = fsio_read_file(fd, "metrics.json", &text, &len);
			close(fd);
		}
		if (e == ENOENT || e == ENOTDIR || e == ELOOP) { /* not a month folder of ours */
			e = 0;
			continue;
		}
		json_t *mj = e ? NULL : json_loadb(text, len, 0, NULL);
		free(text);
		if (json_is_object(mj))
			json_object_set(months, names[i], mj);
		json_decref(mj);
		if (e)
			failf(s, "cannot read '%s/%s/metrics.json': %s", s->path, names[i], strerror(e));
	}
	fsio_names_free(names, n);
	if (e) {
		json_decref(months);
		give_err(s, -1, err);
		return NULL;
	}
	return months;
}

int site_commit(struct site *s, const char *archive_html, char **err)
{
	for (enum part k = 0; k < PART_ARCHIVE; k++)
		stage_close(&s->stage[k]);
	char *prefix = xasprintf(".%s.new-", s->final[PART_ARCHIVE]);
	int fd, e = fsio_create_temp(s->dir, prefix, &fd, &s->staged[PART_ARCHIVE]);
	free(prefix);
	if (!e) {
		s->at_staged[PART_ARCHIVE] = true;
		e = fsio_write(fd, archive_html, strlen(archive_html));
		int c = fsio_close(fd);
		e = e ? e : c;
	}
	if (e)
		return give_err(s, io_fail(s, "write", s->final[PART_ARCHIVE], e), err);
	int rc = replace_dir(s, PART_MONTH);
	if (!rc && s->staged[PART_ASSETS])
		rc = replace_dir(s, PART_ASSETS);
	if (!rc && (e = fsio_rename(s->dir, s->staged[PART_ARCHIVE], s->final[PART_ARCHIVE])) != 0)
		rc = io_fail(s, "write", s->final[PART_ARCHIVE], e);
	if (rc) {
		undo(s, PART_ASSETS);
		undo(s, PART_MONTH);
		return give_err(s, rc, err);
	}
	s->committed = true;
	s->at_staged[PART_ARCHIVE] = false;
	for (enum part k = 0; k < PART_ARCHIVE; k++) {
		const char *old = s->moved[k] == MOVED_SWAP ? s->staged[k] : s->aside[k];
		if (old && (e = fsio_remove_tree(s->dir, old)) != 0)
			warn_left(s, old, e);
		s->at_staged[k] = false;
	}
	return 0;
}

void site_close(struct site *s)
{
	if (!s)
		return;
	for (enum part k = 0; k < N_PARTS; k++) {
		if (k < PART_ARCHIVE)
			stage_close(&s->stage[k]);
		int e;
		if (s->at_staged[k] && (e = fsio_remove_tree(s->dir, s->staged[k])) != 0)
			warn_left(s, s->staged[k], e);
		free(s->staged[k]);
		free(s->aside[k]);
	}
	/* a build that made OUT and publishes nothing leaves no OUT: its
	 * lock file goes while it holds it, then the folders it made, each
	 * when empty (a build waiting for the lock opens OUT again) */
	bool unmake = !s->committed && s->made > 0 && s->lock >= 0 &&
		      fsio_remove_tree(s->dir, LOCK_NAME) == 0;
	if (s->lock >= 0)
		close(s->lock);
	if (s->dir >= 0)
		close(s->dir);
	if (unmake)
		fsio_remove_root(s->path, s->made);
	pthread_mutex_destroy(&s->adding);
	free(s->err);
	free(s->path);
	free(s);
}
