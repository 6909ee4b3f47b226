/*
 * writeback.c - a bulk step's log on its way to the disk, and into the
 * database file, while the step still computes.
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
 * POSIX locks on it.  Elsewhere than Linux the thread does not write
 * back.
 *
 * A bulk step that commits before its end (an import's load commits its
 * staging, then checks and plans it: import_load.c) has the same thread
 * copy what it committed into the database file, on a connection of its
 * own (a passive checkpoint, which never waits for the writer), while
 * the step goes on with its next transaction on one core and the thread
 * has the other: the load's staging, about a gigabyte at 1M records,
 * took its commit 3.5 s to copy (docs/performance.md, "The staging
 * copied into the database while the load plans").  SQLite's connections
 * of one process share their locks on a file, so this connection's
 * close leaves the step's locks alone.  Automatic checkpoints are off
 * during the step; its end checkpoints what is left (database.c).
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
	int checkpoint;		/* under lock: a commit asks for one */
	const char *wal;	/* the log's path, in paths */
	char paths[];		/* the database file's path, then the log's */
};

/* What the step committed so far, copied into the database file.  A
 * new connection finds the log on its first read, and checkpoints
 * nothing before it. */
static void checkpoint(const char *file)
{
	sqlite3 *conn = NULL;

	if (sqlite3_open_v2(file, &conn, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_exec(conn, "SELECT 1 FROM sqlite_master LIMIT 1", NULL,
	    NULL, NULL) == SQLITE_OK)
		(void)sqlite3_wal_checkpoint_v2(conn, "main",
			SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	sqlite3_close(conn);
}

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
#else
static void write_back(const char *path)
{
	(void)path;
}
#endif

static void *writeback_run(void *arg)
{
	struct ferry_sq_writeback *w = arg;
	struct timespec until;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		if (w->checkpoint) {
			w->checkpoint = 0;
			pthread_mutex_unlock(&w->lock);
			checkpoint(w->paths);
			pthread_mutex_lock(&w->lock);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WRITEBACK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&w->wake, &w->lock, &until) !=
		    ETIMEDOUT || w->stop || w->checkpoint)
			continue;
		pthread_mutex_unlock(&w->lock);
		write_back(w->wal);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

void ferry_sqlite__writeback_start(ferry_db *db)
{
	ferry_sqlite *sq = SQ(db);
	struct ferry_sq_writeback *w;
	const char *file;
	size_t len;

	if (sq->writeback || !(file = sqlite3_db_filename(sq->conn, "main")) ||
	    !*file)
		return;		/* running, or no file: in memory */
	len = strlen(file);
	if ((w = ferry__calloc(1, sizeof(*w) + 2 * len + 1 +
	    sizeof("-wal"))) == NULL)
		return;		/* it only saves time: none to save */
	memcpy(w->paths, file, len);
	memcpy(w->paths + len + 1, file, len);
	memcpy(w->paths + 2 * len + 1, "-wal", sizeof("-wal"));
	w->wal = w->paths + len + 1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writeback_run, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		ferry__free(w);
		return;
	}
	sq->writeback = w;
}

/* Set one of the thread's flags (w->stop, w->checkpoint) and wake it. */
static void ask(struct ferry_sq_writeback *w, int *flag)
{
	pthread_mutex_lock(&w->lock);
	*flag = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void ferry_sqlite__writeback_stop(ferry_db *db)
{
	struct ferry_sq_writeback *w = SQ(db)->writeback;

	if (!w)
		return;
	ask(w, &w->stop);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	ferry__free(w);
	SQ(db)->writeback = NULL;
}

void ferry_sqlite__writeback_checkpoint(ferry_db *db)
{
	struct ferry_sq_writeback *w = SQ(db)->writeback;

	if (w)
		ask(w, &w->checkpoint);
}
