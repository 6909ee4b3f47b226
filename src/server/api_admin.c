/*
 * api_admin.c - the instance, users, passwords, API tokens, properties
 * and the audit log.  Each handler is one library call; the library
 * decides who may.
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

int api_instance(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_doc(r, ferry_instance_info(&out, r->db), &out);
}

int api_users_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_list(r, ferry_user_list(&out, r->db), &out);
}

int api_users_add(srv_req *r)
{
	int bad = 0;
	const char *name = srv_jstr(r, "name", &bad);
	const char *tz = srv_jstr(r, "tz", &bad);
	int admin = srv_jbool(r, "admin", 0, &bad);

	if (bad)
		return 0;
	if (!name)
		return srv_bad_request(r, "send {\"name\": "
			"NAME, \"admin\": false, \"tz\": \"UTC\"}");
	return srv_reply_ok(r, ferry_user_add(r->db, name, admin, tz));
}

int api_users_set(srv_req *r)
{
	int bad = 0;
	const char *tz = srv_jstr(r, "tz", &bad);
	int admin = srv_jbool(r, "admin", -1, &bad);

	if (bad)
		return 0;
	return srv_reply_ok(r, ferry_user_set(r->db, r->param[0], tz, admin));
}

int api_users_passwd(srv_req *r)
{
	int bad = 0;
	const char *pw = srv_jstr(r, "password", &bad);

	if (bad)
		return 0;
	if (!pw)
		return srv_bad_request(r, "send "
			"{\"password\": PASSWORD}");
	return srv_reply_ok(r, ferry_user_passwd(r->db, r->param[0], pw));
}

int api_tokens_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_list(r, ferry_token_list(&out, r->db,
		srv_query(r, "user")), &out);
}

int api_tokens_create(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int bad = 0;
	const char *user = srv_jstr(r, "user", &bad);
	const char *label = srv_jstr(r, "label", &bad);

	if (bad)
		return 0;
	return srv_reply_doc(r, ferry_token_create(&out, r->db,
		user ? user : r->who.user, label), &out);
}

int api_tokens_revoke(srv_req *r)
{
	int64_t id = srv_parse_id(r->param[0]);

	if (id < 0)
		return srv_reply_error(r, 404, "not_found", "no such token");
	return srv_reply_ok(r, ferry_token_revoke(r->db, id));
}

int api_properties_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;

	return srv_reply_list(r, ferry_property_list(&out, r->db), &out);
}

int api_property_get(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int error = ferry_property_get(&out, r->db, r->param[0]);

	if (error < 0)
		return srv_reply_doc(r, error, &out);
	/* As 'ferry property get --json': {key, value}. */
	error = srv_reply_jsonv(r, 200, json_pack("{s:s,s:s}", "key",
		r->param[0], "value", out.ptr));
	ferry_buf_dispose(&out);
	return error;
}

int api_property_put(srv_req *r)
{
	int bad = 0;
	const char *value = srv_jstr(r, "value", &bad);

	if (bad)
		return 0;
	if (!value)
		return srv_bad_request(r, "send {\"value\": "
			"TEXT}");
	return srv_reply_ok(r, ferry_property_set(r->db, r->param[0], value));
}

int api_audit_list(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	int64_t limit, offset, total = 0;
	json_t *items;
	int error;

	if (srv_paging(r, &limit, &offset) < 0)
		return 0;
	error = ferry_audit_list(&out, &total, r->db, srv_query(r, "user"),
		srv_query(r, "since"), limit, offset);
	if (error < 0)
		return srv_reply_doc(r, error, &out);
	items = json_loadb(out.ptr, out.size, 0, NULL);
	ferry_buf_dispose(&out);
	return srv_reply_jsonv(r, 200, json_pack("{s:o,s:I}", "items",
		items ? items : json_array(), "total", (json_int_t)total));
}
