/*
 * relay.h - two batches passed between a thread that fills them and the
 * caller that uses them, in order: while the caller uses one, the
 * thread fills the other.
 *
 * fill(batch, arg) fills a batch and returns 1 when no batch follows it
 * (the thread then ends), else 0.  It runs on the relay's thread, or on
 * the caller's in ferry_relay_next() when the thread could not start.
 */
#ifndef FERRY_UTIL_RELAY_H
#define FERRY_UTIL_RELAY_H

#include "worker.h"

typedef struct {
	void *batch[2];
	int full[2];		/* filled, not yet given back (under mu) */
	int last[2];		/* fill said no batch follows */
	int fill_at, take_at;	/* the thread's next batch, the caller's */
	int taken;		/* the caller holds batch[take_at] */
	size_t at;		/* its next element (ferry_relay_next) */
	int threaded, stop;	/* stop: under mu */
	int (*fill)(void *batch, void *arg);
	size_t (*count)(const void *batch);
	void (*used)(void *batch);
	void *arg;
	ferry_worker worker;
} ferry_relay;

/*
 * Start filling b0, then b1, then b0 again as it comes back.  count
 * tells how many elements a filled batch holds; used (or NULL) sees
 * each batch once the caller is done with it, before it is filled
 * again.  Without `ahead` no thread starts and the caller fills each
 * batch when it needs it: for input that may block for good (a pipe, a
 * terminal), which a thread reading ahead would wait on when the
 * caller stops early.
 */
void ferry_relay_start(ferry_relay *r, void *b0, void *b1,
	int (*fill)(void *batch, void *arg),
	size_t (*count)(const void *batch), void (*used)(void *batch),
	void *arg, int ahead);

/*
 * The next element in order across the batches: 1 with its batch and
 * index, valid until the next call; 0 when the last batch is used up,
 * with *batch that last batch.
 */
int ferry_relay_next(ferry_relay *r, void **batch, size_t *index);

/* Stop the thread (it finishes the batch it is filling) and wait. */
void ferry_relay_stop(ferry_relay *r);

#endif
