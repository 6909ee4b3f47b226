/*
 * sop_write.c - the streaming .sop writer (see sop.h, docs/format.md).
 *
 * The writer turns a header and a sequence of item lines into a package
 * file without holding more than one output buffer: each line is hashed
 * (integrity hash, and for items the VersionStamp), then either copied
 * into the buffer (plain) or fed to a zstd stream (compressed), and the
 * buffer goes to disk whenever it fills.  A compressed stream is
 * hashed into the stamp, compressed and written by a thread of its own,
 * a batch of lines at a time, while the caller builds the next batch,
 * and zstd compresses on a worker of its own: the same bytes reach the
 * same hash and the same zstd stream in the same order, so the file is
 * the same as hashing inline (which is what happens if the thread
 * cannot start).  The file is built under a
 * temporary name in the target's directory and moved into place only
 * after the trailer is written and the data is on disk, so no reader ever
 * sees half a package and a crash leaves at worst a stray `.tmp-` file.
 *
 * The writer checks every item with the reader's own line checks
 * (ferry_sop__line_check, defined here and shared with sop_read.c), so it
 * cannot produce a file ferry refuses.  It never parses items: their JSON
 * is the exporter's responsibility.
 */
#include "sop.h"
#include "types.h"

#include "alloc.h"
#include "tmpfile.h"
#include "worker.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

struct ferry_sop_writer {
	char *path;		/* the target, as given */
	char *tmp_path;		/* the temporary file while it exists */
	int fd;			/* open on tmp_path, or -1 */
	ZSTD_CCtx *cctx;	/* the zstd stream; NULL for a plain file */
	char *obuf;		/* output not yet written to fd */
	size_t ocap;		/* size of obuf */
	size_t olen;		/* bytes waiting in obuf */
	ferry_hash hash;	/* integrity: the header line, then the stamp */
	ferry_hash stamp;	/* VersionStamp: the domain, then the items */
	uint64_t items;		/* item lines written */
	int overwrite;		/* replace an existing target */
	int sign;		/* 1: sign the trailer with secret_key */
	unsigned char secret_key[crypto_sign_SECRETKEYBYTES]; /* wiped */
	int error;		/* sticky failure code, 0 while healthy */
	int finished;		/* finish() has run, whatever its outcome */
	ferry_str msg;		/* the failure's message */
	/* The compressing thread, when `threaded`: the caller fills
	 * batch[filling]; the thread compresses batch[1 - filling] while
	 * `busy`.  Under `mu`: busy, stop and the thread's failure. */
	int threaded;
	ferry_worker worker;
	char *batch[2];
	size_t batch_len[2];
	/* batch[k][item_from[k], item_to[k]) are item bytes, which the
	 * thread hashes into the stamp before compressing them: the
	 * header comes before every item and the trailer after, so a
	 * batch's item bytes are one run. */
	size_t item_from[2], item_to[2];
	int filling;
	int busy, stop;
	int thread_error;	/* the thread's failure, moved to error */
	ferry_str thread_msg;
};

/* A batch: big enough that zstd works on whole blocks, small enough
 * that two of them cost little memory. */
#define BATCH_SIZE ((size_t)1 << 20)

ferry_sop_line_problem ferry_sop__line_check(const char *line, size_t len)
{
	if (len == 0)
		return FERRY_SOP_LINE_EMPTY;
	if (line[len - 1] == '\r')
		return FERRY_SOP_LINE_CR;
	if (line[0] != '{' || line[len - 1] != '}')
		return FERRY_SOP_LINE_NOT_OBJECT;
	if (!ferry_utf8_valid(line, len))
		return FERRY_SOP_LINE_NOT_UTF8;
	return FERRY_SOP_LINE_OK;
}

/* Record a failure: the code becomes sticky and the message is kept. */
__attribute__((format(printf, 3, 4)))
static int fail(ferry_sop_writer *w, int code, const char *fmt, ...)
{
	int in_thread = w->threaded && pthread_equal(pthread_self(),
		w->worker.thread);
	ferry_str *msg = in_thread ? &w->thread_msg : &w->msg;
	va_list ap;

	ferry_str_clear(msg);
	va_start(ap, fmt);
	ferry_str_vprintf(msg, fmt, ap);
	va_end(ap);
	if (!in_thread)
		w->error = code;
	return code;
}

static int fail_nomem(ferry_sop_writer *w)
{
	return fail(w, FERRY_ENOMEM, "out of memory");
}

void ferry_sop__report(ferry_str *err, const ferry_str *msg)
{
	const char *text = msg ? ferry_str_cstr(msg) : "";

	if (!err)
		return;
	ferry_str_clear(err);
	ferry_str_puts(err, *text ? text : "out of memory");
}

static int write_all(ferry_sop_writer *w, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(w->fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(w, FERRY_EIO, "%s: cannot write: %s",
				w->path, strerror(errno));
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int flush_out(ferry_sop_writer *w)
{
	int error = write_all(w, w->obuf, w->olen);

	w->olen = 0;
	return error;
}

/* Compress bytes into the stream and write what comes out. */
static int compress_bytes(ferry_sop_writer *w, const char *data, size_t len)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t n;
	int error = 0;

	while (in.pos < in.size) {
		ZSTD_outBuffer out = { w->obuf, w->ocap, w->olen };

		n = ZSTD_compressStream2(w->cctx, &out, &in, ZSTD_e_continue);
		if (ZSTD_isError(n))
			return fail(w, FERRY_ERROR, "%s: cannot compress: %s",
				w->path, ZSTD_getErrorName(n));
		w->olen = out.pos;
		if (w->olen == w->ocap && (error = flush_out(w)) < 0)
			break;
	}
	return error;
}

/*
 * The compressing thread: each batch handed over is compressed and
 * written; after a failure it only drains the batches it is given.
 * fail() keeps the thread's failure apart (thread_error, thread_msg),
 * since the caller's thread owns error and msg.
 */
static void *compress_thread(void *arg)
{
	ferry_sop_writer *w = arg;
	int error = 0;

	pthread_mutex_lock(&w->worker.mu);
	for (;;) {
		int slot;

		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->worker.cv, &w->worker.mu);
		if (!w->busy)
			break;
		slot = 1 - w->filling;
		pthread_mutex_unlock(&w->worker.mu);
		ferry_hash_update(&w->stamp, w->batch[slot] +
			w->item_from[slot], w->item_to[slot] -
			w->item_from[slot]);
		if (error == 0)
			error = compress_bytes(w, w->batch[slot],
				w->batch_len[slot]);
		pthread_mutex_lock(&w->worker.mu);
		w->batch_len[slot] = 0;
		w->item_from[slot] = w->item_to[slot] = 0;
		w->thread_error = error;
		w->busy = 0;
		pthread_cond_broadcast(&w->worker.cv);
	}
	pthread_mutex_unlock(&w->worker.mu);
	return NULL;
}

/* Wait until the thread is idle; its failure becomes the writer's. */
static int thread_wait(ferry_sop_writer *w)
{
	int error;

	pthread_mutex_lock(&w->worker.mu);
	while (w->busy)
		pthread_cond_wait(&w->worker.cv, &w->worker.mu);
	error = w->thread_error;
	pthread_mutex_unlock(&w->worker.mu);
	if (error < 0) {
		ferry_str_clear(&w->msg);
		ferry_str_put(&w->msg, w->thread_msg.ptr, w->thread_msg.size);
		w->error = error;
	}
	return error;
}

/* Hand the batch being filled to the thread, once it is idle. */
static int thread_hand_over(ferry_sop_writer *w)
{
	int error;

	if ((error = thread_wait(w)) < 0)
		return error;
	pthread_mutex_lock(&w->worker.mu);
	w->filling = 1 - w->filling;
	w->busy = 1;
	pthread_cond_broadcast(&w->worker.cv);
	pthread_mutex_unlock(&w->worker.mu);
	return 0;
}

/* Stop the thread, if it runs, and wait for it to end. */
static void thread_stop(ferry_sop_writer *w)
{
	if (!w->threaded)
		return;
	ferry_worker_stop(&w->worker, &w->stop);
	w->threaded = 0;
}

/*
 * Send bytes of the stream to the file, compressing them if asked.
 * Item bytes (is_item) go to the stamp too: here, or on the thread.
 */
static int emit(ferry_sop_writer *w, const char *data, size_t len,
	int is_item)
{
	size_t n;
	int error = 0;

	while (w->threaded && len > 0) {
		int k = w->filling;
		char *b = w->batch[k];
		size_t *blen = &w->batch_len[k];

		n = BATCH_SIZE - *blen < len ? BATCH_SIZE - *blen : len;
		memcpy(b + *blen, data, n);
		if (is_item && w->item_to[k] == 0)
			w->item_from[k] = *blen;
		*blen += n;
		if (is_item)
			w->item_to[k] = *blen;
		data += n;
		len -= n;
		if (*blen == BATCH_SIZE &&
		    (error = thread_hand_over(w)) < 0)
			return error;
	}
	if (w->threaded)
		return 0;
	if (is_item)
		ferry_hash_update(&w->stamp, data, len);
	if (w->cctx != NULL)
		return compress_bytes(w, data, len);
	while (len > 0) {
		n = w->ocap - w->olen < len ? w->ocap - w->olen : len;
		memcpy(w->obuf + w->olen, data, n);
		w->olen += n;
		data += n;
		len -= n;
		if (w->olen == w->ocap && (error = flush_out(w)) < 0)
			break;
	}
	return error;
}

/* Close the zstd frame (if any) and write out everything buffered. */
static int end_stream(ferry_sop_writer *w)
{
	size_t left = 1;
	int error = 0;

	/* The last batch, then the thread is done and the frame ends
	 * here. */
	if (w->threaded) {
		if (w->batch_len[w->filling] > 0 &&
		    (error = thread_hand_over(w)) < 0)
			return error;
		if ((error = thread_wait(w)) < 0)
			return error;
		thread_stop(w);
	}
	while (w->cctx && left > 0) {
		ZSTD_inBuffer in = { NULL, 0, 0 };
		ZSTD_outBuffer out = { w->obuf, w->ocap, w->olen };

		left = ZSTD_compressStream2(w->cctx, &out, &in, ZSTD_e_end);
		if (ZSTD_isError(left)) {
			error = fail(w, FERRY_ERROR, "%s: cannot compress: %s",
				w->path, ZSTD_getErrorName(left));
			goto done;
		}
		w->olen = out.pos;
		if (left > 0 && (error = flush_out(w)) < 0)
			goto done;
	}
	error = flush_out(w);
done:
	return error;
}

/* One line of the stream, header or item: hash it, then write it. */
static int emit_line(ferry_sop_writer *w, const char *line, size_t len,
	int is_item)
{
	int error;

	/* Each byte is hashed once: items into the stamp, the header into
	 * the integrity hash, which then takes the stamp (docs/format.md,
	 * section 6). */
	if (!is_item) {
		ferry_hash_update(&w->hash, line, len);
		ferry_hash_update(&w->hash, "\n", 1);
	}
	if ((error = emit(w, line, len, is_item)) < 0)
		return error;
	return emit(w, "\n", 1, is_item);
}

static int dump_to_str(const char *buffer, size_t size, void *payload)
{
	return ferry_str_put(payload, buffer, size);
}

/*
 * The header line: the frozen magic prefix and version, then the caller's
 * keys in their order, compact.  jansson checks the caller's text is one
 * JSON object of valid UTF-8; its compact output has no newline.
 */
static int build_header(ferry_sop_writer *w, ferry_str *line,
	const char *header_json, unsigned format)
{
	json_error_t jerr;
	json_t *obj;
	size_t at;
	int error = 0;

	obj = json_loads(header_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj || !json_is_object(obj)) {
		error = fail(w, FERRY_EINVALID,
			"the package header is not a JSON object (%s)",
			obj ? "another JSON value" :
			ferry_json__error_text(&jerr));
		goto done;
	}
	if (json_object_get(obj, "format") ||
	    json_object_get(obj, "format_version")) {
		error = fail(w, FERRY_EINVALID, "the package header must not "
			"contain \"format\" or \"format_version\"; the writer "
			"adds them");
		goto done;
	}
	ferry_str_printf(line, "%s%u", FERRY_SOP_MAGIC, format);
	at = line->size;
	if (json_dump_callback(obj, dump_to_str, line, JSON_COMPACT) < 0 ||
	    ferry_str_failed(line)) {
		error = fail_nomem(w);
		goto done;
	}
	/* `{"kind":...}` continues the magic: its '{' becomes ','. */
	if (line->size - at == 2) {
		ferry_str_truncate(line, at);
		ferry_str_putc(line, '}');
	} else {
		line->ptr[at] = ',';
	}
	if (ferry_str_failed(line))
		error = fail_nomem(w);
	else if (line->size > FERRY_SOP_HEADER_MAX)
		error = fail(w, FERRY_EINVALID, "the package header is "
			"longer than the limit of %zu bytes",
			FERRY_SOP_HEADER_MAX);
done:
	json_decref(obj);
	return error;
}

/*
 * Create `path.tmp-XXXXXX` (tmpfile.h).  Mode 0666 less the umask, not
 * mkstemp()'s 0600: a package should get the mode any new file gets, as
 * `cp` or a shell redirection would give it.
 */
static int create_temp(ferry_sop_writer *w)
{
	int fd = ferry_tmpfile_create(w->path, 0666, &w->tmp_path);

	if (fd == -ENOMEM)
		return fail_nomem(w);
	if (fd < 0)
		return fail(w, FERRY_EIO, "%s: cannot create a temporary "
			"file: %s", w->path, strerror(-fd));
	w->fd = fd;
	return 0;
}

static void remove_temp(ferry_sop_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	ferry_tmpfile_discard(&w->tmp_path);
}

/* Move the finished temporary file to the target (tmpfile.h). */
static int publish(ferry_sop_writer *w)
{
	int rc = ferry_tmpfile_publish(&w->tmp_path, w->path, w->overwrite);

	if (rc == -EEXIST)
		return fail(w, FERRY_EEXISTS, "%s already exists; pass "
			"--overwrite to replace it", w->path);
	if (rc < 0)
		return fail(w, FERRY_EIO, "%s: cannot move the finished file "
			"into place: %s", w->path, strerror(-rc));
	return 0;
}

static int start_zstd(ferry_sop_writer *w)
{
	size_t rc;

	if ((w->cctx = ZSTD_createCCtx()) == NULL)
		return fail_nomem(w);
	rc = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
		FERRY_SOP_ZSTD_LEVEL);
	if (!ZSTD_isError(rc))
		rc = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	if (ZSTD_isError(rc))
		return fail(w, FERRY_ERROR, "%s: cannot set up zstd: %s",
			w->path, ZSTD_getErrorName(rc));
	/* zstd compresses on a worker of its own, and this writer's thread
	 * only hashes: with an export's lines read from one place, the
	 * three overlap (docs/performance.md, "The export's redesign").  A
	 * zstd built without threads refuses, and compresses on the
	 * writer's thread as before; either way the stream decompresses to
	 * the same bytes, and the stamp is over those. */
	(void)ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_nbWorkers, 1);
	if ((w->batch[0] = ferry__malloc(BATCH_SIZE)) == NULL ||
	    (w->batch[1] = ferry__malloc(BATCH_SIZE)) == NULL)
		return fail_nomem(w);
	/* Without the thread, the stream is compressed inline. */
	w->threaded = ferry_worker_start(&w->worker, compress_thread, w);
	return 0;
}

int ferry_sop__writer_open(ferry_sop_writer **out, const char *path,
	const char *header_json, const ferry_sop_write_options *opts,
	ferry_str *err)
{
	ferry_sop_write_options defaults = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_sop_writer *w = NULL;
	ferry_str line = FERRY_STR_INIT;
	struct stat st;
	int error = 0;

	FERRY_ASSERT_ARG(out && path && header_json);
	FERRY_ASSERT_ARG(!opts ||
		opts->version == FERRY_SOP_WRITE_OPTIONS_VERSION);
	FERRY_ASSERT_ARG(!opts || opts->format <= FERRY_SOP_FORMAT_VERSION);
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((w = ferry__calloc(1, sizeof(*w))) == NULL) {
		error = FERRY_ENOMEM;
		goto done;
	}
	w->fd = -1;
	w->overwrite = opts->overwrite;
	if (opts->secret_key) {
		w->sign = 1;
		memcpy(w->secret_key, opts->secret_key,
			sizeof(w->secret_key));
	}
	if (sodium_init() < 0 || (w->path = ferry__strdup(path)) == NULL) {
		error = fail_nomem(w);
		goto done;
	}
	if (!opts->overwrite && lstat(path, &st) == 0) {
		error = fail(w, FERRY_EEXISTS, "%s already exists; pass "
			"--overwrite to replace it", path);
		goto done;
	}
	if ((error = build_header(w, &line, header_json, opts->format ?
	    opts->format : FERRY_SOP_FORMAT_VERSION)) < 0)
		goto done;
	w->ocap = ZSTD_CStreamOutSize();
	if ((w->obuf = ferry__malloc(w->ocap)) == NULL) {
		error = fail_nomem(w);
		goto done;
	}
	if (opts->compress && (error = start_zstd(w)) < 0)
		goto done;
	if ((error = create_temp(w)) < 0)
		goto done;
	ferry_hash_init(&w->hash);
	ferry_hash_init(&w->stamp);
	ferry_hash_update(&w->stamp, FERRY_SOP_STAMP_DOMAIN,
		strlen(FERRY_SOP_STAMP_DOMAIN));
	if ((error = emit_line(w, line.ptr, line.size, 0)) < 0)
		goto done;
	*out = w;
	w = NULL;
done:
	if (error < 0)
		ferry_sop__report(err, w ? &w->msg : NULL);
	ferry_sop__writer_free(w);
	ferry_str_dispose(&line);
	return error;
}

int ferry_sop__writer_item(ferry_sop_writer *w, const char *line, size_t len)
{
	const size_t tlen = strlen(FERRY_SOP_TRAILER_PREFIX);
	uint64_t n;

	FERRY_ASSERT_ARG(w && (line || len == 0) && !w->finished);
	if (w->error < 0)
		return w->error;
	n = w->items + 1;
	if (len > FERRY_SOP_LINE_MAX)
		return fail(w, FERRY_EINVALID, "item %" PRIu64 " is longer "
			"than the limit of %zu bytes", n, FERRY_SOP_LINE_MAX);
	if (len > 0 && memchr(line, '\n', len))
		return fail(w, FERRY_EINVALID, "item %" PRIu64 " contains a "
			"newline", n);
	if (len >= tlen && memcmp(line, FERRY_SOP_TRAILER_PREFIX, tlen) == 0)
		return fail(w, FERRY_EINVALID, "item %" PRIu64 " starts with "
			"\"trailer\", a key reserved for the trailer", n);
	switch (ferry_sop__line_check(line, len)) {
	case FERRY_SOP_LINE_OK:
		break;
	case FERRY_SOP_LINE_EMPTY:
		return fail(w, FERRY_EINVALID, "item %" PRIu64 " is empty", n);
	case FERRY_SOP_LINE_NOT_UTF8:
		return fail(w, FERRY_EINVALID, "item %" PRIu64 " is not "
			"valid UTF-8", n);
	case FERRY_SOP_LINE_CR:
	case FERRY_SOP_LINE_NOT_OBJECT:
		return fail(w, FERRY_EINVALID, "item %" PRIu64 " is not a "
			"JSON object", n);
	}
	w->items = n;
	return emit_line(w, line, len, 1);
}

int ferry_sop__writer_finish(ferry_sop_writer *w, char stamp[FERRY_HASH_HEX],
	ferry_str *err)
{
	char stamp_hex[FERRY_HASH_HEX], hash_hex[FERRY_HASH_HEX];
	ferry_str trailer = FERRY_STR_INIT;
	int error;

	FERRY_ASSERT_ARG(w && !w->finished);
	w->finished = 1;
	if ((error = w->error) < 0)
		goto done;
	/* Every item's bytes hashed: the thread has taken the last. */
	if (w->threaded && w->batch_len[w->filling] > 0 &&
	    (error = thread_hand_over(w)) < 0)
		goto done;
	if (w->threaded && (error = thread_wait(w)) < 0)
		goto done;
	ferry_hash_final_hex(&w->stamp, stamp_hex);
	ferry_hash_update(&w->hash, stamp_hex, FERRY_HASH_HEX - 1);
	ferry_hash_final_hex(&w->hash, hash_hex);
	ferry_str_printf(&trailer, "%s\"ferry-sop\",\"items\":%" PRIu64
		",\"stamp\":\"%s\",\"hash\":\"%s\"",
		FERRY_SOP_TRAILER_PREFIX, w->items, stamp_hex, hash_hex);
	/* A signature is the trailer's last member (sop_sign.c). */
	if (w->sign && ferry_sop__sign_trailer(&trailer, w->secret_key) < 0) {
		error = fail_nomem(w);
		goto done;
	}
	ferry_str_puts(&trailer, w->sign ? "\n" : "}\n");
	if (ferry_str_failed(&trailer)) {
		error = fail_nomem(w);
		goto done;
	}
	if ((error = emit(w, trailer.ptr, trailer.size, 0)) < 0 ||
	    (error = end_stream(w)) < 0)
		goto done;
	if (fsync(w->fd) < 0) {
		error = fail(w, FERRY_EIO, "%s: cannot write: %s", w->path,
			strerror(errno));
		goto done;
	}
	error = close(w->fd);
	w->fd = -1;
	if (error < 0) {
		error = fail(w, FERRY_EIO, "%s: cannot write: %s", w->path,
			strerror(errno));
		goto done;
	}
	if ((error = publish(w)) < 0)
		goto done;
	if (stamp)
		memcpy(stamp, stamp_hex, FERRY_HASH_HEX);
done:
	if (error < 0) {
		remove_temp(w);
		ferry_sop__report(err, w ? &w->msg : NULL);
	}
	ferry_str_dispose(&trailer);
	return error;
}

uint64_t ferry_sop__writer_items(const ferry_sop_writer *w)
{
	return w ? w->items : 0;
}

const char *ferry_sop__writer_errmsg(const ferry_sop_writer *w)
{
	return w ? ferry_str_cstr(&w->msg) : "";
}

void ferry_sop__writer_free(ferry_sop_writer *w)
{
	if (!w)
		return;
	thread_stop(w);
	remove_temp(w);
	sodium_memzero(w->secret_key, sizeof(w->secret_key));
	ZSTD_freeCCtx(w->cctx);
	ferry__free(w->batch[0]);
	ferry__free(w->batch[1]);
	ferry_str_dispose(&w->thread_msg);
	ferry__free(w->obuf);
	ferry__free(w->path);
	ferry_str_dispose(&w->msg);
	ferry__free(w);
}
