/* pool: a fixed set of POSIX threads running the items of a job, each
 * item's result taken back in the caller's thread in item order, so that
 * what the caller does with the results (write files, report the first
 * error) is the same whatever the number of threads. */
#ifndef REVIEWPACK_POOL_H
#define REVIEWPACK_POOL_H

#include <stddef.h>

struct pool;

/* A pool that runs items on `threads` workers started now, the caller's
 * thread preparing them and taking their results; with threads 1 (or
 * less) no worker: every item runs in the caller's thread. Returns the
 * pool (free with pool_free), or NULL with errno set when a thread cannot
 * be started. */
struct pool *pool_new(int threads);
/* Stop the workers and free the pool; accepts NULL. Not during pool_run. */
void pool_free(struct pool *p);

/* Items 0..n-1. Each gets a slot of slot_size bytes, zeroed, for its
 * result. prepare runs in the caller's thread in item order before the
 * item is handed out (what needs the caller's state: NULL for nothing);
 * work in any thread of the pool, several at once; finished in the
 * caller's thread as soon as the item's work is over, in the order the
 * items finish (NULL for nothing); done in the caller's thread in item
 * order: non-zero stops the run, and every item prepared but not done is
 * then handed to drop (after its work, when it had started) instead. At
 * most a few items per thread are prepared and not yet finished at any
 * time, and at most a few per thread (or window, when set) prepared and
 * not yet done: with a window of every item, a long item holds back the
 * done of those after it, not their work nor their finished. */
struct pool_job {
	size_t n;
	size_t slot_size;
	size_t window;  /* items prepared and not done at most (0: a few per
			 * thread); for results small once finished */
	void (*prepare)(void *ctx, size_t i, void *slot);
	void (*work)(void *ctx, size_t i, void *slot);
	void (*finished)(void *ctx, size_t i, void *slot);
	int (*done)(void *ctx, size_t i, void *slot);
	void (*drop)(void *ctx, size_t i, void *slot);
	void *ctx;
};

/* Run the job; returns 0, or the first non-zero value of done. */
int pool_run(struct pool *p, const struct pool_job *job);

#endif
