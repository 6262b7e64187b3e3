/* fsio: consumes folder descriptors and names, makes the file-system
 * calls of publishing and returns errno values. Refuses to follow a
 * symbolic link anywhere below the site folder and to open for writing
 * any file it did not just create. In a test build (-DREVIEWPACK_FAULTS)
 * every call first passes through fault(), which can fail it or kill the
 * process at call N. */
#define _GNU_SOURCE
#include "fsio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#ifdef REVIEWPACK_FAULTS
/* The test hook's state: one per process, like the call count it keeps. */
static struct {
	struct fsio_faults f;
	bool set, report;
	long calls;
} faults;

static long env_long(const char *name)
{
	const char *s = getenv(name);
	return s ? strtol(s, NULL, 10) : 0;
}

void fsio_fault_set(const struct fsio_faults *f)
{
	faults.set = true;
	faults.report = false;
	faults.f = *f;
	faults.calls = 0;
}

long fsio_fault_calls(void)
{
	return faults.calls;
}

/* Count a call; EIO when it is one to fail. */
static int fault(const char *call)
{
	if (!faults.set) {
		long from = env_long("REVIEWPACK_FAIL_FROM");
		struct fsio_faults f = {from ? from : env_long("REVIEWPACK_FAIL_AT"), from != 0,
					env_long("REVIEWPACK_KILL_AT"), env_long("REVIEWPACK_NO_RENAME_FLAGS") != 0};
		fsio_fault_set(&f);
		faults.report = true;
	}
	long n = __atomic_add_fetch(&faults.calls, 1, __ATOMIC_RELAXED); /* files are written from several threads */
	if (n == faults.f.kill_at)
		kill(getpid(), SIGKILL);
	if (!faults.f.fail_at || n < faults.f.fail_at || (n > faults.f.fail_at && !faults.f.fail_after))
		return 0;
	if (faults.report)
		fprintf(stderr, "reviewpack: test build: call %ld (%s) fails\n", n, call);
	return EIO;
}

static bool no_rename_flags(void)
{
	return faults.f.no_flags;
}
#else
static int fault(const char *call)
{
	(void)call;
	return 0;
}

static bool no_rename_flags(void)
{
	return false;
}
#endif

#define FAULT(call)                            \
	do {                                   \
		int fault_e = fault(call);     \
		if (fault_e)                   \
			return fault_e;        \
	} while (0)

int fsio_open_root(const char *path, int *fd, int *made)
{
	*made = 0;
	if (!*path)
		return ENOENT;
	char *p = xstrdup(path);
	int e = 0;
	for (char *s = p + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = 0;
		if (s[-1] == '/') { /* an empty component ("a//b", "out/") */
			if (!c)
				break;
			*s = c;
			continue;
		}
		if ((e = fault("mkdir")) != 0)
			break;
		if (mkdir(p, 0755) == 0)
			(*made)++;
		else if ((e = errno) != EEXIST)
			break;
		else
			*made = 0; /* only the last ones count */
		e = 0;
		if (!c)
			break;
		*s = c;
	}
	free(p);
	if (e)
		return e;
	FAULT("open");
	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *fd < 0 ? errno : 0;
}

int fsio_remove_root(const char *path, int levels)
{
	char *p = xstrdup(path);
	int e = 0;
	for (int i = 0; i < levels && !e; i++) {
		size_t n = strlen(p);
		while (n > 1 && p[n - 1] == '/') /* "a/b/" is "a/b" */
			p[--n] = 0;
		if ((e = fault("rmdir")) == 0 && rmdir(p) != 0)
			e = errno;
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = 0;
	}
	free(p);
	return e;
}

int fsio_open_dir(int at, const char *name, int *fd)
{
	FAULT("open");
	*fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return *fd < 0 ? errno : 0;
}

int fsio_mkdir(int at, const char *name)
{
	FAULT("mkdir");
	return mkdirat(at, name, 0755) == 0 ? 0 : errno;
}

int fsio_create(int at, const char *name, int *fd)
{
	FAULT("open");
	*fd = openat(at, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	return *fd < 0 ? errno : 0;
}

/* prefix + 6 random letters and digits into *name (caller frees). */
static int temp_name(const char *prefix, char **name)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[6];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return errno;
	*name = xasprintf("%sXXXXXX", prefix);
	char *tail = *name + strlen(prefix);
	for (size_t i = 0; i < sizeof r; i++)
		tail[i] = chars[r[i] % (sizeof chars - 1)];
	return 0;
}

/* A new folder (fd NULL) or file named prefix + 6 random characters: a
 * name that was free. */
static int make_temp(int at, const char *prefix, int *fd, char **name)
{
	for (int tries = 0; tries < 100; tries++) {
		char *n = NULL;
		int e = temp_name(prefix, &n);
		if (e)
			return e;
		e = fd ? fsio_create(at, n, fd) : fsio_mkdir(at, n);
		if (!e) {
			*name = n;
			return 0;
		}
		free(n);
		if (e != EEXIST)
			return e;
	}
	return EEXIST;
}

int fsio_mkdir_temp(int at, const char *prefix, char **name)
{
	return make_temp(at, prefix, NULL, name);
}

int fsio_create_temp(int at, const char *prefix, int *fd, char **name)
{
	return make_temp(at, prefix, fd, name);
}

int fsio_write(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		FAULT("write");
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fsio_close(int fd)
{
	int e = fault("close");
	if (close(fd) != 0 && !e)
		e = errno;
	return e;
}

int fsio_write_file(int at, const char *name, const void *data, size_t len)
{
	int fd;
	int e = fsio_create(at, name, &fd);
	if (e)
		return e;
	e = fsio_write(fd, data, len);
	int c = fsio_close(fd);
	return e ? e : c;
}

int fsio_read_file(int at, const char *name, char **out, size_t *len)
{
	FAULT("open");
	int fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct buf b = {0};
	char tmp[65536];
	int e = 0;
	for (;;) {
		if ((e = fault("read")) != 0)
			break;
		ssize_t n = read(fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = errno;
		if (n <= 0)
			break;
		buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	if (e) {
		buf_free(&b);
		return e;
	}
	if (len)
		*len = b.len;
	*out = buf_detach(&b);
	return 0;
}

int fsio_stat(int at, const char *name, struct stat *st)
{
	FAULT("stat");
	return fstatat(at, name, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
}

int fsio_can_write(int at)
{
	FAULT("access");
	return faccessat(at, ".", W_OK | X_OK, AT_EACCESS) == 0 ? 0 : errno;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fsio_list(int at, char ***names, size_t *n)
{
	FAULT("opendir");
	int fd = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return e;
	}
	char **v = NULL;
	size_t len = 0, cap = 0;
	struct dirent *ent;
	errno = 0;
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..")) {
			GROW(v, cap, len + 1);
			v[len++] = xstrdup(ent->d_name);
		}
		errno = 0;
	}
	int e = errno;
	closedir(d);
	if (e) {
		fsio_names_free(v, len);
		return e;
	}
	if (len)
		qsort(v, len, sizeof *v, cmp_names);
	*names = v;
	*n = len;
	return 0;
}

void fsio_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

int fsio_rename(int at, const char *from, const char *to)
{
	FAULT("rename");
	return renameat(at, from, at, to) == 0 ? 0 : errno;
}

static int rename_flags(int at, const char *from, const char *to, unsigned flags)
{
	FAULT("rename");
	if (no_rename_flags())
		return EINVAL;
	return renameat2(at, from, at, to, flags) == 0 ? 0 : errno;
}

int fsio_rename_new(int at, const char *from, const char *to)
{
	return rename_flags(at, from, to, RENAME_NOREPLACE);
}

int fsio_exchange(int at, const char *a, const char *b)
{
	return rename_flags(at, a, b, RENAME_EXCHANGE);
}

int fsio_remove_tree(int at, const char *name)
{
	struct stat st;
	int e = fsio_stat(at, name, &st);
	if (e)
		return e == ENOENT ? 0 : e;
	if (S_ISDIR(st.st_mode)) {
		int fd;
		char **names = NULL;
		size_t n = 0;
		if ((e = fsio_open_dir(at, name, &fd)) != 0)
			return e;
		e = fsio_list(fd, &names, &n);
		for (size_t i = 0; i < n; i++) {
			int r = fsio_remove_tree(fd, names[i]);
			if (!e)
				e = r;
		}
		fsio_names_free(names, n);
		close(fd);
		if (e)
			return e;
	}
	FAULT("unlink");
	return unlinkat(at, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) == 0 ? 0 : errno;
}

int fsio_open_lock(int at, const char *name, int *fd)
{
	for (int tries = 0; tries < 100; tries++) {
		int e = fsio_create(at, name, fd);
		if (e != EEXIST)
			return e;
		FAULT("open");
		*fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (*fd < 0) {
			if (errno == ENOENT)
				continue; /* removed meanwhile: create it again */
			return errno;
		}
		struct stat st;
		e = fstat(*fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ? EINVAL : 0;
		if (e)
			close(*fd);
		return e;
	}
	return ENOENT;
}

int fsio_lock(int fd, bool wait)
{
	FAULT("flock");
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
		if (errno != EINTR)
			return errno;
	}
	struct stat st;
	if (fstat(fd, &st) != 0)
		return errno;
	return st.st_nlink == 0 ? ESTALE : 0;
}
