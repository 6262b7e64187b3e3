/* pool: consumes a job (items, and what to do with each in which thread)
 * and runs it on a fixed set of threads: the caller's and workers started
 * once. Items are handed out in order from a window; the caller takes
 * each back as soon as it is finished (finished) and again in item order
 * (done). With one thread the caller runs each item itself: a plain loop. Refuses nothing; a worker
 * that cannot be started makes pool_new fail. */
#include "pool.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_PER_THREAD 4 /* items prepared and not yet done, per thread */

enum state {
	FREE,
	QUEUED,    /* prepared, waiting for a thread */
	RUNNING,
	FINISHED,  /* its work is over: for finished */
	TAKEN      /* finished was called: for done */
};

struct slot {
	size_t item;
	enum state state;
	size_t next_finished; /* the finished list, by slot index + 1 (0: end) */
	void *data;           /* the job's slot_size bytes */
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;     /* a worker may have an item to take */
	pthread_cond_t finished; /* an item finished */
	pthread_t *workers;
	int n_workers;
	bool quit;
	/* the run in progress, under lock */
	const struct pool_job *job;
	struct slot *slots;      /* window: item i in slots[i % window] */
	size_t window;
	size_t next_queued;      /* the lowest item that may be queued */
	size_t next_prepared;    /* items below it were prepared */
	size_t finished_head, finished_tail; /* slots finished, not taken: slot index + 1 */
	size_t in_flight;        /* items prepared whose finished has not run */
	size_t max_in_flight;
};

/* The lowest queued item's slot, now running; NULL when none. Holds the
 * lock. */
static struct slot *take(struct pool *p)
{
	if (p->next_queued >= p->next_prepared)
		return NULL;
	struct slot *s = &p->slots[p->next_queued++ % p->window];
	if (s->state != QUEUED)
		BUG("pool: an item handed out twice");
	s->state = RUNNING;
	return s;
}

/* Run a slot taken with the lock held; returns with it held. */
static void run(struct pool *p, struct slot *s)
{
	const struct pool_job *job = p->job;
	pthread_mutex_unlock(&p->lock);
	job->work(job->ctx, s->item, s->data);
	pthread_mutex_lock(&p->lock);
	s->state = FINISHED;
	size_t index = (size_t)(s - p->slots) + 1;
	s->next_finished = 0;
	if (p->finished_tail)
		p->slots[p->finished_tail - 1].next_finished = index;
	else
		p->finished_head = index;
	p->finished_tail = index;
	pthread_cond_broadcast(&p->finished);
}

/* The first finished slot not taken yet, off the list; NULL when none.
 * Holds the lock. */
static struct slot *finished_one(struct pool *p)
{
	if (!p->finished_head)
		return NULL;
	struct slot *s = &p->slots[p->finished_head - 1];
	p->finished_head = s->next_finished;
	if (!p->finished_head)
		p->finished_tail = 0;
	return s;
}

/* Hand a finished slot to the job's finished (without the lock). */
static void take_finished(struct pool *p, struct slot *s)
{
	const struct pool_job *job = p->job;
	pthread_mutex_unlock(&p->lock);
	if (job->finished)
		job->finished(job->ctx, s->item, s->data);
	pthread_mutex_lock(&p->lock);
	s->state = TAKEN;
	p->in_flight--;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->quit) {
		struct slot *s = p->job ? take(p) : NULL;
		if (s)
			run(p, s);
		else
			pthread_cond_wait(&p->work, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pool *pool_new(int threads)
{
	struct pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->finished, NULL);
	int want = threads > 1 ? threads : 0;
	p->workers = xcalloc((size_t)want + 1, sizeof *p->workers);
	for (; p->n_workers < want; p->n_workers++) {
		int e = pthread_create(&p->workers[p->n_workers], NULL, worker, p);
		if (e) {
			pool_free(p);
			errno = e;
			return NULL;
		}
	}
	return p;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->n_workers; i++)
		pthread_join(p->workers[i], NULL);
	free(p->workers);
	pthread_cond_destroy(&p->finished);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

int pool_run(struct pool *p, const struct pool_job *job)
{
	size_t threads = p->n_workers ? (size_t)p->n_workers : 1;
	size_t window = !p->n_workers ? 1 : job->window ? job->window : threads * WINDOW_PER_THREAD;
	struct slot *slots = xcalloc(window, sizeof *slots);
	for (size_t i = 0; i < window; i++)
		slots[i].data = xcalloc(1, job->slot_size ? job->slot_size : 1);
	pthread_mutex_lock(&p->lock);
	p->job = job;
	p->slots = slots;
	p->window = window;
	p->next_queued = p->next_prepared = 0;
	p->finished_head = p->finished_tail = 0;
	p->in_flight = 0;
	p->max_in_flight = threads * WINDOW_PER_THREAD;
	int rc = 0;
	size_t next_done = 0;
	while (!rc && next_done < job->n) {
		/* prepare and queue what the window holds */
		while (p->next_prepared < job->n && p->next_prepared - next_done < window &&
		       p->in_flight < p->max_in_flight) {
			struct slot *s = &slots[p->next_prepared % window];
			s->item = p->next_prepared;
			pthread_mutex_unlock(&p->lock);
			memset(s->data, 0, job->slot_size);
			if (job->prepare)
				job->prepare(job->ctx, s->item, s->data);
			pthread_mutex_lock(&p->lock);
			s->state = QUEUED;
			p->next_prepared++;
			p->in_flight++;
			pthread_cond_signal(&p->work);
		}
		/* take what finished; alone, run the next item */
		struct slot *s = &slots[next_done % window], *t;
		if (s->state != TAKEN) {
			if ((t = finished_one(p)) != NULL)
				take_finished(p, t);
			else if (!p->n_workers && (t = take(p)) != NULL)
				run(p, t);
			else
				pthread_cond_wait(&p->finished, &p->lock);
			continue; /* and prepare what that made room for */
		}
		pthread_mutex_unlock(&p->lock);
		rc = job->done(job->ctx, next_done, s->data);
		pthread_mutex_lock(&p->lock);
		s->state = FREE;
		next_done++;
	}
	/* after a stop: nothing more starts; what started finishes */
	p->next_queued = p->next_prepared;
	for (size_t i = next_done; i < p->next_prepared; i++) {
		struct slot *s = &slots[i % window];
		if (s->state == QUEUED)
			s->state = TAKEN;
		while (s->state == RUNNING)
			pthread_cond_wait(&p->finished, &p->lock);
		pthread_mutex_unlock(&p->lock);
		if (job->drop)
			job->drop(job->ctx, i, s->data);
		pthread_mutex_lock(&p->lock);
		s->state = FREE;
	}
	p->job = NULL;
	p->slots = NULL;
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < window; i++)
		free(slots[i].data);
	free(slots);
	return rc;
}
