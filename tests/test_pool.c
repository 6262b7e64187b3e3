/* Unit tests of the thread pool: with 1, 2 and 7 threads every item is
 * prepared, worked, finished and done once, finished and done in the
 * caller's thread (done in item order), prepare before work before
 * finished before done; a stop at one item hands every
 * later item prepared to drop and none to done; the window stays a few
 * items per thread, or the job's; several workers do run items at once,
 * and with a window of every item a long first item holds none back. */
#include "testutil.h"

#include "pool.h"
#include "util.h"

#include <pthread.h>
#include <unistd.h>

#define ITEMS 200

struct counts {
	pthread_t caller;
	int prepared[ITEMS], worked[ITEMS], finished[ITEMS], done[ITEMS], dropped[ITEMS];
	size_t next_done;      /* the item done expects next */
	size_t most_ahead;     /* prepared - done at most */
	size_t n_prepared;
	size_t stop_at;        /* done returns 7 here; ITEMS: never */
	int running, most_running; /* items in work at once (atomics) */
	bool in_order, caller_thread;
};

struct result {
	size_t item;
	unsigned long square;
	bool prepared;
};

static void prepare(void *ctx, size_t i, void *slot)
{
	struct counts *c = ctx;
	struct result *r = slot;
	c->caller_thread &= pthread_equal(pthread_self(), c->caller) != 0;
	c->prepared[i]++;
	c->n_prepared++;
	if (c->n_prepared - c->next_done > c->most_ahead)
		c->most_ahead = c->n_prepared - c->next_done;
	r->item = i;
	r->prepared = true;
}

static void work(void *ctx, size_t i, void *slot)
{
	struct counts *c = ctx;
	struct result *r = slot;
	int now = __atomic_add_fetch(&c->running, 1, __ATOMIC_SEQ_CST);
	int most = __atomic_load_n(&c->most_running, __ATOMIC_SEQ_CST);
	while (now > most && !__atomic_compare_exchange_n(&c->most_running, &most, now, false,
							  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	__atomic_add_fetch(&c->worked[i], 1, __ATOMIC_SEQ_CST);
	if (i % 10 == 0)
		usleep(2000); /* some items take longer: others overtake them */
	r->square = r->prepared && r->item == i ? (unsigned long)i * i : 0;
	__atomic_sub_fetch(&c->running, 1, __ATOMIC_SEQ_CST);
}

static void finished(void *ctx, size_t i, void *slot)
{
	struct counts *c = ctx;
	struct result *r = slot;
	c->caller_thread &= pthread_equal(pthread_self(), c->caller) != 0;
	c->in_order &= r->square == (unsigned long)i * i && c->done[i] == 0;
	c->finished[i]++;
}

static int done(void *ctx, size_t i, void *slot)
{
	struct counts *c = ctx;
	struct result *r = slot;
	c->caller_thread &= pthread_equal(pthread_self(), c->caller) != 0;
	c->in_order &= i == c->next_done && r->square == (unsigned long)i * i && c->finished[i] == 1;
	c->done[i]++;
	c->next_done = i + 1;
	return i == c->stop_at ? 7 : 0;
}

static void drop(void *ctx, size_t i, void *slot)
{
	struct counts *c = ctx;
	struct result *r = slot;
	c->caller_thread &= pthread_equal(pthread_self(), c->caller) != 0;
	c->in_order &= r->item == i;
	c->dropped[i]++;
}

static void run_items(int threads, size_t stop_at, struct counts *c)
{
	*c = (struct counts){.caller = pthread_self(), .stop_at = stop_at, .in_order = true,
			     .caller_thread = true};
	struct pool *p = pool_new(threads);
	assert_non_null(p);
	struct pool_job job = {ITEMS, sizeof(struct result), 0, prepare, work, finished, done, drop, c};
	int rc = pool_run(p, &job);
	assert_int_equal(rc, stop_at < ITEMS ? 7 : 0);
	/* a pool runs job after job */
	if (stop_at == ITEMS) {
		struct counts again = {.caller = pthread_self(), .stop_at = ITEMS, .in_order = true,
				       .caller_thread = true};
		job.ctx = &again;
		assert_int_equal(pool_run(p, &job), 0);
		assert_true(again.in_order);
		assert_int_equal(again.next_done, ITEMS);
	}
	pool_free(p);
	assert_true(c->in_order);
	assert_true(c->caller_thread);
	size_t window = threads > 1 ? (size_t)threads * 4 : 1;
	assert_true(c->most_ahead <= window);
}

static void every_item_once_in_order(void **state)
{
	static const int threads[] = {1, 2, 7};
	for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
		struct counts c;
		run_items(threads[t], ITEMS, &c);
		for (size_t i = 0; i < ITEMS; i++) {
			assert_int_equal(c.prepared[i], 1);
			assert_int_equal(c.worked[i], 1);
			assert_int_equal(c.finished[i], 1);
			assert_int_equal(c.done[i], 1);
			assert_int_equal(c.dropped[i], 0);
		}
		if (threads[t] == 1)
			assert_int_equal(c.most_running, 1);
	}
}

static void several_at_once(void **state)
{
	/* 7 threads over items of which one in ten sleeps: two or more run
	 * at once at some point */
	struct counts c;
	run_items(7, ITEMS, &c);
	assert_true(c.most_running >= 2);
}

static void stop_drops_the_rest(void **state)
{
	static const int threads[] = {1, 2, 7};
	for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
		struct counts c;
		run_items(threads[t], 50, &c);
		for (size_t i = 0; i < ITEMS; i++) {
			assert_int_equal(c.done[i], i <= 50);
			assert_true(c.worked[i] <= c.prepared[i]);
			assert_true(c.finished[i] <= c.worked[i]);
			/* prepared after the stop point: dropped, never done */
			assert_int_equal(c.dropped[i], i > 50 ? c.prepared[i] : 0);
		}
		if (threads[t] == 1) /* one at a time: nothing past the stop was prepared */
			assert_int_equal(c.n_prepared, 51);
	}
}

/* With a window of every item, a long first item holds back only the
 * done of the others: they are all worked and finished meanwhile. With
 * the default window, only a few are. */
struct head {
	int worked, finished;
	int worked_before_first_done, finished_before_first_done;
};

static void slow_head(void *ctx, size_t i, void *slot)
{
	struct head *h = ctx;
	(void)slot;
	if (i == 0)
		usleep(300 * 1000);
	__atomic_add_fetch(&h->worked, 1, __ATOMIC_SEQ_CST);
}

static void head_finished(void *ctx, size_t i, void *slot)
{
	struct head *h = ctx;
	(void)slot;
	(void)i;
	h->finished++;
}

static int head_done(void *ctx, size_t i, void *slot)
{
	struct head *h = ctx;
	(void)slot;
	if (i == 0) {
		h->worked_before_first_done = __atomic_load_n(&h->worked, __ATOMIC_SEQ_CST);
		h->finished_before_first_done = h->finished;
	}
	return 0;
}

static void window_of_every_item(void **state)
{
	struct head h = {0};
	struct pool *p = pool_new(3);
	struct pool_job job = {ITEMS, 8, ITEMS, NULL, slow_head, head_finished, head_done, NULL, &h};
	assert_int_equal(pool_run(p, &job), 0);
	pool_free(p);
	assert_int_equal(h.worked, ITEMS);
	assert_int_equal(h.worked_before_first_done, ITEMS);
	assert_int_equal(h.finished_before_first_done, ITEMS); /* each as it finished */
	/* the default window: the others wait for the first after a few */
	struct head d = {0};
	p = pool_new(3);
	job.window = 0;
	job.ctx = &d;
	assert_int_equal(pool_run(p, &job), 0);
	pool_free(p);
	assert_true(d.worked_before_first_done <= 3 * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_item_once_in_order),
		cmocka_unit_test(several_at_once),
		cmocka_unit_test(stop_drops_the_rest),
		cmocka_unit_test(window_of_every_item),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
