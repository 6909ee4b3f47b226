/*
 * mhd.h - libmicrohttpd, loaded when ferry serve starts.
 *
 * Only ferry serve needs it, and linking it (with GnuTLS and the
 * libraries GnuTLS needs) into the ferry binary made every other run
 * load them too (src/util/dynlib.h).  The server reaches its functions
 * through a table that srv_mhd_load() fills; the macros below let the
 * rest of the server call them by their usual names.  Only this header
 * and mhd.c know.
 */
#ifndef FERRY_SERVER_MHD_H
#define FERRY_SERVER_MHD_H

#include <microhttpd.h>

/* Every libmicrohttpd function the server calls. */
#define SRV_MHD_FUNCTIONS(X) \
	X(MHD_add_response_header) X(MHD_create_response_from_buffer) \
	X(MHD_create_response_from_fd) X(MHD_destroy_response) \
	X(MHD_get_connection_info) X(MHD_get_daemon_info) \
	X(MHD_lookup_connection_value) X(MHD_queue_response) \
	X(MHD_quiesce_daemon) X(MHD_start_daemon) X(MHD_stop_daemon)

typedef struct {
#define SRV_MHD_MEMBER(f) __typeof__(f) *f;
	SRV_MHD_FUNCTIONS(SRV_MHD_MEMBER)
#undef SRV_MHD_MEMBER
} srv_mhd_api;

extern srv_mhd_api srv_mhd;

/* Load libmicrohttpd once for the process.  0, or -1 with *why saying
 * why (a static string). */
int srv_mhd_load(const char **why);

#ifndef SRV_MHD_LOADER
#define MHD_add_response_header (srv_mhd.MHD_add_response_header)
#define MHD_create_response_from_buffer \
	(srv_mhd.MHD_create_response_from_buffer)
#define MHD_create_response_from_fd (srv_mhd.MHD_create_response_from_fd)
#define MHD_destroy_response (srv_mhd.MHD_destroy_response)
#define MHD_get_connection_info (srv_mhd.MHD_get_connection_info)
#define MHD_get_daemon_info (srv_mhd.MHD_get_daemon_info)
#define MHD_lookup_connection_value (srv_mhd.MHD_lookup_connection_value)
#define MHD_queue_response (srv_mhd.MHD_queue_response)
#define MHD_quiesce_daemon (srv_mhd.MHD_quiesce_daemon)
#define MHD_start_daemon (srv_mhd.MHD_start_daemon)
#define MHD_stop_daemon (srv_mhd.MHD_stop_daemon)
#endif

#endif
