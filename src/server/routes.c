/*
 * routes.c - the API's routes: method, path pattern, handler, flags.
 *
 * One line per endpoint.  A '*' is one path segment, decoded and handed
 * to the handler as r->param[i] in order.  ROUTE_AUDIT marks what
 * changes something (preview too: it plans the import and moves its
 * state).
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#define A ROUTE_AUDIT
#define V "/api/v1"

static const srv_route routes[] = {
	{ "POST", V "/session", api_session_create, ROUTE_PUBLIC },
	{ "GET", V "/session", api_session_get, 0 },
	{ "DELETE", V "/session", api_session_delete, A },
	{ "GET", V "/instance", api_instance, 0 },
	{ "GET", V "/users", api_users_list, 0 },
	{ "POST", V "/users", api_users_add, A },
	{ "PATCH", V "/users/*", api_users_set, A },
	{ "PUT", V "/users/*/password", api_users_passwd, A },
	{ "GET", V "/tokens", api_tokens_list, 0 },
	{ "POST", V "/tokens", api_tokens_create, A },
	{ "DELETE", V "/tokens/*", api_tokens_revoke, A },
	{ "GET", V "/properties", api_properties_list, 0 },
	{ "GET", V "/properties/*", api_property_get, 0 },
	{ "PUT", V "/properties/*", api_property_put, A },
	{ "GET", V "/entities", api_entities_list, 0 },
	{ "POST", V "/entities", api_entities_create, A },
	{ "GET", V "/entities/*", api_entity_get, 0 },
	{ "GET", V "/entities/*/pack", api_entity_pack, 0 },
	{ "POST", V "/entities/*/fields", api_fields_add, A },
	{ "PATCH", V "/entities/*/fields/*", api_field_set, A },
	{ "DELETE", V "/entities/*/fields/*", api_field_drop, A },
	{ "GET", V "/records/*", api_records_list, 0 },
	{ "POST", V "/records/*", api_records_create, A },
	{ "GET", V "/records/*/*", api_record_get, 0 },
	{ "PUT", V "/records/*/*", api_record_put, A },
	{ "DELETE", V "/records/*/*", api_record_delete, A },
	{ "GET", V "/records/*/*/history", api_record_history, 0 },
	{ "POST", V "/records/*/*/restore", api_record_restore, A },
	{ "GET", V "/packs", api_packs_list, 0 },
	{ "POST", V "/packs", api_packs_create, A },
	{ "GET", V "/packs/*", api_pack_get, 0 },
	{ "GET", V "/current-pack", api_pack_current, 0 },
	{ "POST", V "/packs/*/complete", api_pack_complete, A },
	{ "POST", V "/packs/*/reopen", api_pack_reopen, A },
	{ "POST", V "/packs/*/use", api_pack_use, A },
	{ "POST", V "/packs/*/items", api_pack_items, A },
	{ "POST", V "/packs/*/export", api_pack_export, A },
	{ "POST", V "/files/inspect", api_inspect, ROUTE_UPLOAD },
	{ "POST", V "/imports", api_imports_load, ROUTE_UPLOAD | A },
	{ "GET", V "/imports", api_imports_list, 0 },
	{ "GET", V "/imports/*", api_import_get, 0 },
	{ "DELETE", V "/imports/*", api_import_discard, A },
	{ "GET", V "/imports/*/preview", api_import_preview, A },
	{ "GET", V "/imports/*/items/*/diff", api_import_diff, 0 },
	{ "POST", V "/imports/*/resolve", api_import_resolve, A },
	{ "POST", V "/imports/*/commit", api_import_commit, A },
	{ "POST", V "/imports/*/backout", api_import_backout, A },
	{ "POST", V "/entity-packs", api_entitypacks_upload, ROUTE_UPLOAD },
	{ "POST", V "/entity-packs/unpack", api_entitypacks_unpack, A },
	{ "GET", V "/formulas", api_formulas_list, 0 },
	{ "POST", V "/formulas", api_formulas_create, A },
	{ "GET", V "/formulas/*", api_formula_get, 0 },
	{ "POST", V "/formulas/*/versions", api_formula_version, A },
	{ "DELETE", V "/formulas/*/versions/*", api_formula_delete, A },
	{ "POST", V "/formulas/*/activate", api_formula_activate, A },
	{ "POST", V "/formulas/*/close", api_formula_close, A },
	{ "GET", V "/datasets", api_formulas_list, 0 },
	{ "POST", V "/datasets", api_formulas_create, A },
	{ "GET", V "/datasets/*", api_formula_get, 0 },
	{ "POST", V "/datasets/*/versions", api_formula_version, A },
	{ "DELETE", V "/datasets/*/versions/*", api_formula_delete, A },
	{ "POST", V "/datasets/*/activate", api_formula_activate, A },
	{ "POST", V "/datasets/*/close", api_formula_close, A },
	{ "GET", V "/jobs/*", api_job_get, 0 },
	{ "GET", V "/audit", api_audit_list, 0 },
};

/* Match path against pattern; on success params hold the segments. */
static int match(const char *pattern, const char *path, char **params)
{
	int n = 0;

	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t len = strcspn(path, "/");

			if (len == 0 || n == SRV_MAX_PARAMS)
				goto fail;
			if ((params[n++] = srv_unescape(path, len, 0)) == NULL)
				goto fail;
			path += len;
			pattern++;
		} else if (*pattern++ != *path++) {
			goto fail;
		}
	}
	if (*pattern == '\0' && (*path == '\0' ||
	    (path[0] == '/' && path[1] == '\0')))
		return 1;
fail:
	while (n > 0)
		free(params[--n]), params[n] = NULL;
	return 0;
}

const srv_route *srv_route_find(const char *method, const char *path,
	char **params, int *path_known)
{
	size_t i;

	*path_known = 0;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!match(routes[i].pattern, path, params))
			continue;
		if (!strcmp(routes[i].method, method))
			return &routes[i];
		*path_known = 1;
		while (params[0]) {
			int k;

			for (k = 0; k < SRV_MAX_PARAMS && params[k]; k++) {
				free(params[k]);
				params[k] = NULL;
			}
		}
	}
	return NULL;
}
