/*
 * writeback.c - a bulk step's log on its way to the disk while the step
 * still computes.
 *
 * A bulk step (store_ops.h, "bulk") writes its whole transaction into
 * the write-ahead log, and its commit copies the log into the database
 * file (the checkpoint), which with synchronous = NORMAL waits for the
 * log to reach the disk before it copies, and for the file afterwards.
 * The kernel writes dirty pages back on its own only once they are old
 * (30 s) or a tenth of memory, so at 1M records the log of an import,
 * 1.3 to 1.9 GB, was still all in memory when the checkpoint's first
 * sync asked for it, and the disk, idle until then, wrote it while
 * ferry waited (docs/performance.md, "The log written back during the
 * step").
 *
 * While a bulk step runs, a thread of the backend's asks the kernel
 * every WRITEBACK_MS to start writing back what the log holds so far:
 * sync_file_range(SYNC_FILE_RANGE_WRITE), which starts the writes and
 * returns.  It changes neither what reaches the disk nor the order of
 * SQLite's own syncs, which still decide when a transaction is durable;
 * it only leaves them less to wait for.  The log alone: SQLite takes no
 * lock on it, so the thread may open and close it as it likes, where
 * closing a descriptor of the database file would drop the process's
 * POSIX locks on it.  Elsewhere than Linux the thread is not started.
 */
#define _GNU_SOURCE
#include "sq.h"

#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Often enough that a slice of the log is small next to what the disk
 * writes in the time, seldom enough to cost nothing measurable. */
#define WRITEBACK_MS 100

struct ferry_sq_writeback {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;		/* under lock */
	char wal[];		/* the log's path */
};

#ifdef SYNC_FILE_RANGE_WRITE
/* Open on each round: a checkpoint at close may remove the log and a
 * later write create it again. */
static void write_back(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	close(fd);
}

static void *writeback_run(void *arg)
{
	struct ferry_sq_writeback *w = arg;
	struct timespec until;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WRITEBACK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&w->wake, &w->lock, &until) !=
		    ETIMEDOUT || w->stop)
			continue;
		pthread_mutex_unlock(&w->lock);
		write_back(w->wal);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}
#endif

void ferry_sqlite__writeback_start(ferry_db *db)
{
#ifdef SYNC_FILE_RANGE_WRITE
	ferry_sqlite *sq = SQ(db);
	struct ferry_sq_writeback *w;
	const char *file;
	size_t len;

	if (sq->writeback || !(file = sqlite3_db_filename(sq->conn, "main")) ||
	    !*file)
		return;		/* running, or no file: in memory */
	len = strlen(file);
	if ((w = ferry__calloc(1, sizeof(*w) + len + sizeof("-wal"))) == NULL)
		return;		/* it only saves time: none to save */
	memcpy(w->wal, file, len);
	memcpy(w->wal + len, "-wal", sizeof("-wal"));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writeback_run, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		ferry__free(w);
		return;
	}
	sq->writeback = w;
#else
	(void)db;
#endif
}

void ferry_sqlite__writeback_stop(ferry_db *db)
{
	struct ferry_sq_writeback *w = SQ(db)->writeback;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	ferry__free(w);
	SQ(db)->writeback = NULL;
}
