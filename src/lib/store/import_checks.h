/*
 * import_checks.h - SQL both stores' load checks share (standard SQL, in
 * both dialects): the first bad item is its own verdict, which the
 * library kept with it as it staged the line (stage_code,
 * import_verdict.c), else what only the items together tell; and the
 * values a refusal's words name, by its code (the library words it,
 * import_facts.c).
 */
#ifndef FERRY_STORE_IMPORT_CHECKS_H
#define FERRY_STORE_IMPORT_CHECKS_H

/* An item i's code: its verdict, else a schema or a definition of a
 * name that an earlier item of the import has already. */
#define ITEM_CODE "coalesce(stage_code, CASE WHEN t = 'schema' AND " \
	"EXISTS (SELECT 1 FROM ferry_import_item s WHERE s.import_id = " \
	"i.import_id AND s.t = 'schema' AND s.entity = i.entity AND s.item " \
	"< i.item) THEN 'schema_twice' WHEN t IN ('formula', 'dataset') AND " \
	"EXISTS (SELECT 1 FROM ferry_import_item s WHERE s.import_id = " \
	"i.import_id AND s.t = i.t AND s.rkey = i.rkey AND s.item < i.item) " \
	"THEN 'definition_repeated' END)"

/* The first and second value a refusal names, from the columns code,
 * t, entity, sys_id, action, policy and rkey. */
#define ITEM_FACT_1 "CASE WHEN code IN ('bad_entity', 'schema_bad_entity', " \
	"'query_bad_entity', 'schema_bad_field', 'schema_field_twice', " \
	"'schema_twice', 'hash_mismatch', 'seal_mismatch') THEN entity WHEN " \
	"code = 'bad_sys_id' THEN sys_id WHEN code = 'bad_action' THEN action " \
	"WHEN code = 'bad_policy' THEN policy WHEN code = 'key_mismatch' THEN " \
	"rkey WHEN code IN ('definition_without_name', " \
	"'definition_repeated') THEN t END"
#define ITEM_FACT_2 "CASE WHEN code IN ('hash_mismatch', 'seal_mismatch') " \
	"THEN sys_id WHEN code = 'definition_repeated' THEN rkey END"

#endif
