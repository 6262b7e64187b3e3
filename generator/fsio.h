/* fsio: the file-system calls publishing makes. Except for the site
 * folder itself (the user's own path), every name is one component
 * relative to an open folder and no call follows a symbolic link there:
 * files and folders are always created new (O_CREAT|O_EXCL|O_NOFOLLOW),
 * and an existing name is opened only when it is not a link. Each call
 * returns 0 or an errno value.
 *
 * A test build (compiled with -DREVIEWPACK_FAULTS) counts the calls and
 * can make call N (or every call from N on) fail with EIO, or kill the
 * process there, so that a test can prove publishing survives a failure
 * at any point (fsio_fault_set).
 * The release build has no such hook and reads no environment. */
#ifndef REVIEWPACK_FSIO_H
#define REVIEWPACK_FSIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Create the folder path and its parents when missing (mkdir -p; the
 * path may go through links the user made), then open it into *fd; *made
 * is how many of its last components this call created (0: it was
 * there). */
int fsio_open_root(const char *path, int *fd, int *made);
/* Remove the folder path, then its parents, `levels` folders in all (the
 * ones fsio_open_root made), each only when empty; stops at the first
 * that cannot be removed (returning why). */
int fsio_remove_root(const char *path, int levels);
/* Open the existing folder `name` in at (not a link) into *fd. */
int fsio_open_dir(int at, const char *name, int *fd);
/* Create the new folder `name` in at (mode 0755 less the umask). */
int fsio_mkdir(int at, const char *name);
/* Create a new folder in at named prefix + 6 random letters and digits;
 * its name in *name (caller frees). */
int fsio_mkdir_temp(int at, const char *prefix, char **name);
/* Create the new file `name` in at for writing (0666 less the umask). */
int fsio_create(int at, const char *name, int *fd);
/* Create a new file named prefix + 6 random letters and digits; its name
 * in *name (caller frees). */
int fsio_create_temp(int at, const char *prefix, int *fd, char **name);
/* Write all len bytes to fd. */
int fsio_write(int fd, const void *data, size_t len);
/* Close a file written with fsio_write (a delayed write error shows
 * here); the descriptor is released even on error. */
int fsio_close(int fd);
/* fsio_create, fsio_write, fsio_close: a new file holding data. */
int fsio_write_file(int at, const char *name, const void *data, size_t len);
/* Read the whole file `name` in at (not a link) into *out,
 * NUL-terminated (caller frees); its length in *len when len is set. */
int fsio_read_file(int at, const char *name, char **out, size_t *len);
/* What `name` in at is, without following a link (fstatat). */
int fsio_stat(int at, const char *name, struct stat *st);
/* Whether the folder at may be written in (faccessat W_OK|X_OK). */
int fsio_can_write(int at);
/* The names in folder at except "." and "..", sorted: *names holds *n
 * strings; free with fsio_names_free. */
int fsio_list(int at, char ***names, size_t *n);
void fsio_names_free(char **names, size_t n);
/* Rename within folder at: fsio_rename replaces `to` (rename(2));
 * fsio_rename_new fails with EEXIST when `to` exists (RENAME_NOREPLACE);
 * fsio_exchange swaps two names (RENAME_EXCHANGE). The last two fail with
 * EINVAL or ENOSYS on a file system without those flags. */
int fsio_rename(int at, const char *from, const char *to);
int fsio_rename_new(int at, const char *from, const char *to);
int fsio_exchange(int at, const char *a, const char *b);
/* Remove `name` in at: a file or link (never what a link points to), or
 * a folder and everything in it. ENOENT is not an error. */
int fsio_remove_tree(int at, const char *name);
/* Open the lock file `name` in at into *fd: created new when missing,
 * else opened only when it is a regular file (not a link). */
int fsio_open_lock(int at, const char *name, int *fd);
/* flock(LOCK_EX) on fd; with wait false, EWOULDBLOCK when another
 * process holds it; ESTALE when, once locked, the file is no longer in
 * its folder (a failed build that had made the site folder removed it:
 * open the folder and the lock again). The lock is released when fd is
 * closed. */
int fsio_lock(int fd, bool wait);

#ifdef REVIEWPACK_FAULTS
/* Test build only: what to do to the calls counted from fsio_fault_set. */
struct fsio_faults {
	long fail_at;    /* call N (1-based) fails with EIO; 0 for none */
	bool fail_after; /* and so does every call after it (a disk gone) */
	long kill_at;    /* the process kills itself with SIGKILL at call N */
	bool no_flags;   /* fsio_rename_new and fsio_exchange fail with
			  * EINVAL, as on a file system without them */
};
/* Restart the call count with these faults. Until the first call of it,
 * the first fsio call reads them from the environment
 * (REVIEWPACK_FAIL_AT, REVIEWPACK_FAIL_FROM, REVIEWPACK_KILL_AT,
 * REVIEWPACK_NO_RENAME_FLAGS) and each injected failure is reported on
 * stderr. */
void fsio_fault_set(const struct fsio_faults *f);
/* The number of calls since the last fsio_fault_set. */
long fsio_fault_calls(void);
#endif

#endif
