#!/usr/bin/env bats
# signing.bats - signed packages (issue 19): the instance key pair, the
# trust list, --sign on export and entity pack, and what inspect, import
# load and entity unpack make of a signature.  The tamper tests edit a
# signed package the way someone without the signer's secret key can:
# change bytes, recompute every digest (helpers/sop.py keeps the
# signature), and hope the importer takes it.

load helpers/import_helpers
load schema_steps

# The first 32 hex digits of BLAKE2b-256("ferry-key-1\n" + key bytes),
# from docs/format.md section 6.1 alone.
fingerprint_of() {
	python3 -c '
import base64, hashlib, sys
pk = base64.b64decode(sys.argv[1])
print(hashlib.blake2b(b"ferry-key-1\n" + pk, digest_size=32).hexdigest()[:32])
' "$1"
}

pubkey() {
	"$@" --json key show | jp 'd["public_key"]'
}

# setup_pair, then src gets a key and a pack P (an update of A with a
# base, an insert) exported signed to P.sop (plain) and Pz.sop
# (compressed); dst trusts nothing yet.
setup_signed() {
	setup_pair
	src key create >/dev/null
	begin_pack P
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	src record put member '{"name":"cid","age":50}' >/dev/null
	export_pack P --sign
	src pack export P --output Pz.sop --sign >/dev/null
}

# The item number of the record item of FILE whose payload name is NAME.
item_named() {
	python3 "$SOP" items "$1" | python3 -c '
import json, sys
for line in sys.stdin:
    n, text = line.split(" ", 1)
    it = json.loads(text)
    if it.get("t") == "record" and it["payload"].get("name") == sys.argv[1]:
        print(n)
' "$2"
}

# absent TEXT FILE: FILE does not hold TEXT (grep exits 1, not 2).
absent() {
	run grep -qF -- "$1" "$2"
	[ "$status" -eq 1 ]
}

trust_src() {
	dst trust add dev "$(pubkey src)" >/dev/null
}

# ---- keys --------------------------------------------------------------

@test "rule: key create writes the secret key to <instance>.key, mode 0600, and prints the public key" {
	src init >/dev/null
	run --separate-stderr src --json key create
	[ "$status" -eq 0 ]
	pk=$(echo "$output" | jp 'd["public_key"]')
	same 44 "${#pk}"
	same "$(fingerprint_of "$pk")" "$(echo "$output" | jp 'd["fingerprint"]')"
	same null "$(echo "$output" | jp 'd["replaced"]')"
	[ -f src.db.key ]
	same 600 "$(stat -c %a src.db.key)"
	same "$BATS_TEST_TMPDIR/src.db.key" "$(echo "$output" | jp 'd["key_file"]')"
	# key show: the same public key; never the secret one
	run --separate-stderr src --json key show
	same "$pk" "$(echo "$output" | jp 'd["public_key"]')"
	seed=$(cut -d' ' -f3 src.db.key)
	[[ "$output" != *"$seed"* ]]
}

@test "rule: the secret key is never in the instance, its backups or a package" {
	setup_signed
	seed=$(cut -d' ' -f3 src.db.key)
	[ -n "$seed" ]
	absent "$seed" "$(content_file src.db)"
	sqlite3 src.db .dump >dump.sql
	absent "$seed" dump.sql
	absent "$seed" P.sop
	# an instance with a key takes a backup before a commit
	dst key create >/dev/null
	dseed=$(cut -d' ' -f3 dst.db.key)
	id=$(dst --json import load Pz.sop 2>/dev/null | jp 'd["id"]')
	dst import preview "$id" >/dev/null
	run --separate-stderr dst --json import commit "$id"
	[ "$status" -eq 0 ]
	backup=$(echo "$output" | jp 'd["backup"]')
	[ -f "$backup" ]
	absent "$dseed" "$(content_file "$backup")"
	absent "$dseed" "$(content_file dst.db)"
}

@test "rule: key create refuses to replace a key without --replace; --replace rotates it" {
	src init >/dev/null
	src key create >/dev/null
	before=$(cat src.db.key)
	old=$(src --json key show | jp 'd["fingerprint"]')
	expect_error 1 "already has a signing key (fingerprint $old" src key create
	same "$before" "$(cat src.db.key)"
	run --separate-stderr src --json key create --replace
	[ "$status" -eq 0 ]
	same "$old" "$(echo "$output" | jp 'd["replaced"]')"
	new=$(echo "$output" | jp 'd["fingerprint"]')
	[ "$new" != "$old" ]
	same "$new" "$(src --json key show | jp 'd["fingerprint"]')"
	[ "$before" != "$(cat src.db.key)" ]
	same 600 "$(stat -c %a src.db.key)"
}

@test "rule: key create refuses an existing key file the instance does not know" {
	src init >/dev/null
	echo "not mine" >src.db.key
	expect_error 1 "src.db.key already exists, but this instance records no signing key" src key create
	same "not mine" "$(cat src.db.key)"
}

@test "rule: key create and trust changes are for admins only" {
	src init >/dev/null
	src user add dev >/dev/null
	expect_error 1 "only admins may create the signing key" src --user dev key create
	[ ! -e src.db.key ]
	src key create >/dev/null
	expect_error 1 "only admins may change the trust list" src --user dev trust add x "$(pubkey src)"
	src trust add me "$(pubkey src)" >/dev/null
	expect_error 1 "only admins may change the trust list" src --user dev trust remove me
	# anyone may read the public key and the trust list
	src --user dev key show >/dev/null
	same me "$(src --user dev --json trust list | jp 'd[0]["name"]')"
}

@test "rule: key create, key replace, trust add and trust remove are written to the audit log" {
	src init >/dev/null
	src key create >/dev/null
	first=$(src --json key show | jp 'd["fingerprint"]')
	src trust add me "$(pubkey src)" >/dev/null
	src trust remove me >/dev/null
	src key create --replace >/dev/null
	second=$(src --json key show | jp 'd["fingerprint"]')
	# newest first: who, what, on which object, with which outcome
	got=$(src --json audit list | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["operation"].startswith(("key", "trust")):
        print(e["user"], e["operation"], e["object"], e["outcome"])
')
	expected="admin key replace $second ok
admin trust remove me ($first) ok
admin trust add me ($first) ok
admin key create $first ok"
	same "$expected" "$got"
	# a refused change writes nothing
	src user add dev >/dev/null
	expect_error 1 "only admins may change the trust list" src --user dev trust remove me
	same 4 "$(src --json audit list | python3 -c '
import json, sys
print(sum(e["operation"].startswith(("key", "trust")) for e in json.load(sys.stdin)))')"
}

@test "rule: key show without a key says how to make one" {
	src init >/dev/null
	expect_error 1 "no signing key; an admin can create one with 'ferry key create'" src key show
}

@test "rule: signing refuses a key file others can read, a missing one, or another instance's" {
	setup_pair
	src key create >/dev/null
	begin_pack Q
	src record put member '{"name":"dan"}' >/dev/null
	src pack complete Q >/dev/null
	chmod 644 src.db.key
	expect_error 1 "can be read or written by other users (mode 0644); make it private with 'chmod 600" src pack export Q --output q.sop --sign
	[ ! -e q.sop ]
	chmod 600 src.db.key
	mv src.db.key away.key
	expect_error 1 "the signing key file $BATS_TEST_TMPDIR/src.db.key is missing" src pack export Q --output q.sop --sign
	dst key create >/dev/null
	cp dst.db.key src.db.key
	expect_error 1 "but this instance's signing key is" src pack export Q --output q.sop --sign
	[ ! -e q.sop ]
}

@test "rule: FERRY_KEY_FILE puts the key file elsewhere" {
	src init >/dev/null
	mkdir keys
	FERRY_KEY_FILE="$BATS_TEST_TMPDIR/keys/dev.key" src key create >/dev/null
	[ -f keys/dev.key ]
	[ ! -e src.db.key ]
	same 600 "$(stat -c %a keys/dev.key)"
	src pack create Q --use >/dev/null
	src entity create thing >/dev/null
	src pack complete Q >/dev/null
	expect_error 1 "is missing" src pack export Q --output q.sop --sign
	FERRY_KEY_FILE="$BATS_TEST_TMPDIR/keys/dev.key" src pack export Q --output q.sop --sign >/dev/null
	same true "$(src --json inspect q.sop | jp 'd["signature"]["valid"]')"
}

# ---- export and inspect ------------------------------------------------

@test "rule: an unsigned export's trailer is unchanged: four keys, no signature" {
	setup_pair
	src key create >/dev/null
	same '["trailer","items","stamp","hash"]' "$(tail -n 1 base.sop | jp 'list(d.keys())')"
	same null "$(src --json pack export base --output b2.sop | jp 'd["signature"]')"
}

@test "rule: pack export --sign ends the trailer with the signature; --json names the signer" {
	setup_pair
	src key create >/dev/null
	src pack export base --output b.sop --uncompressed --sign --json >out.json
	fpr=$(src --json key show | jp 'd["fingerprint"]')
	same "$fpr" "$(jp 'd["signature"]["fingerprint"]' <out.json)"
	same '["trailer","items","stamp","hash","signature"]' "$(tail -n 1 b.sop | jp 'list(d.keys())')"
	same '["alg","public_key","fingerprint","value"]' "$(tail -n 1 b.sop | jp 'list(d["signature"].keys())')"
	same ed25519 "$(tail -n 1 b.sop | jp 'd["signature"]["alg"]')"
	same "$fpr" "$(tail -n 1 b.sop | jp 'd["signature"]["fingerprint"]')"
	# the items, header and stamp are those of the unsigned export
	same "$(sed '$d' base.sop | sed 1d)" "$(sed '$d' b.sop | sed 1d)"
	same "$(tail -n 1 base.sop | jp 'd["stamp"]')" "$(tail -n 1 b.sop | jp 'd["stamp"]')"
}

@test "rule: inspect shows signed, fingerprint, valid, and trusted here (null without an instance)" {
	setup_signed
	fpr=$(src --json key show | jp 'd["fingerprint"]')
	run --separate-stderr "$FERRY_BIN" --json inspect Pz.sop
	[ "$status" -eq 0 ]
	same "{\"signed\":true,\"fingerprint\":\"$fpr\",\"valid\":true,\"trusted\":null}" "$(echo "$output" | jp '{k: d["signature"][k] for k in ("signed", "fingerprint", "valid", "trusted")}')"
	same false "$(dst --json inspect Pz.sop | jp 'd["signature"]["trusted"]')"
	trust_src
	same true "$(dst --json inspect Pz.sop | jp 'd["signature"]["trusted"]')"
	same dev "$(dst --json inspect Pz.sop | jp 'd["signature"]["signer"]')"
	run --separate-stderr dst inspect Pz.sop
	[[ "$output" == *"signature: key $fpr, valid, trusted here"* ]]
	same '{"signed":false,"fingerprint":null,"valid":null,"trusted":false}' "$(dst --json inspect base.sop | jp '{k: d["signature"][k] for k in ("signed", "fingerprint", "valid", "trusted")}')"
}

@test "rule: inspect of a package with a bad signature: valid false, refused" {
	setup_signed
	python3 "$SOP" edit P.sop "$(item_named P.sop cid)" 'it["payload"]["age"] = 51' --rehash
	run --separate-stderr dst --json inspect P.sop
	[ "$status" -eq 1 ]
	same false "$(echo "$output" | jp 'd["signature"]["valid"]')"
	same false "$(echo "$output" | jp 'd["valid"]')"
	[[ "$stderr" == *"bad signature"* ]]
}

# ---- tampering: each refused, the target unchanged ---------------------

@test "rule: tampered signed package: a payload changed, digests recomputed, is refused" {
	setup_signed
	trust_src
	python3 "$SOP" edit P.sop "$(item_named P.sop cid)" 'it["payload"]["age"] = 51' --rehash
	refused_load P.sop "P.sop: bad signature: the package was changed after it was signed by key"
}

@test "rule: tampered signed package: a policy changed, its seal recomputed, is refused" {
	setup_signed
	trust_src
	python3 "$SOP" edit P.sop "$(item_named P.sop ann)" 'it["policy"] = "protected"' --rehash
	refused_load P.sop "bad signature"
}

@test "rule: tampered signed package: a vendor flag changed, its seal recomputed, is refused" {
	setup_signed
	trust_src
	python3 "$SOP" edit P.sop "$(item_named P.sop ann)" 'it["vendor"] = True' --rehash
	refused_load P.sop "bad signature"
}

@test "rule: tampered signed package: an item's seal changed is refused (the signature covers it)" {
	setup_signed
	trust_src
	python3 "$SOP" edit P.sop "$(item_named P.sop ann)" 'it["seal"] = "0" * 64'
	refused_load P.sop "bad signature"
}

@test "rule: tampered signed package: a base changed is refused" {
	setup_signed
	trust_src
	python3 "$SOP" edit P.sop "$(item_named P.sop ann)" 'it["base"] = "0" * 64'
	refused_load P.sop "bad signature"
}

@test "rule: tampered signed package: the declared schema changed is refused" {
	setup_signed
	trust_src
	python3 "$SOP" edit P.sop 1 'it["definition"]["display"] = "People"'
	refused_load P.sop "bad signature"
}

@test "rule: tampered signed package: the header changed is refused" {
	setup_signed
	trust_src
	python3 "$SOP" header P.sop 'h["mode"] = "application"'
	refused_load P.sop "bad signature"
	python3 "$SOP" header P.sop 'h["mode"] = "pack"; h["exported_by"] = "mallory"'
	refused_load P.sop "bad signature"
}

@test "rule: tampered signed package: the item order changed is refused" {
	setup_signed
	trust_src
	python3 "$SOP" swap P.sop "$(item_named P.sop ann)" "$(item_named P.sop cid)"
	refused_load P.sop "bad signature"
}

@test "rule: tampered signed package: an item removed or added is refused" {
	setup_signed
	trust_src
	cp P.sop P2.sop
	python3 "$SOP" edit P.sop "$(item_named P.sop cid)" 'it.clear(); it["t"] = "note"'
	refused_load P.sop "bad signature"
	python3 "$SOP" append P2.sop '{"t":"note"}'
	refused_load P2.sop "bad signature"
}

@test "rule: tampered signed package: the trailer changed is refused" {
	setup_signed
	trust_src
	cp P.sop P2.sop
	cp P.sop P3.sop
	# a member slipped in before the signature
	python3 "$SOP" trailer P.sop 's = t.pop("signature"); t["note"] = "ok"; t["signature"] = s'
	refused_load P.sop "bad signature"
	# a member after the signature
	python3 "$SOP" trailer P2.sop 't["note"] = "ok"'
	refused_load P2.sop "the signature in the trailer (line 5) is malformed"
	# the stamp changed: the digests say so first
	python3 "$SOP" trailer P3.sop 't["stamp"] = "0" * 64'
	refused_load P3.sop "integrity check failed"
}

@test "rule: tampered signed package: the signer field changed is refused" {
	setup_signed
	trust_src
	dst key create >/dev/null
	cp P.sop P2.sop
	cp P.sop P3.sop
	python3 "$SOP" trailer P.sop 't["signature"]["fingerprint"] = "0" * 32'
	refused_load P.sop "the signature names the fingerprint 00000000000000000000000000000000, which is not the fingerprint of its public key"
	# another key and its true fingerprint: the signature is not its
	other=$(pubkey dst)
	python3 "$SOP" trailer P2.sop "t['signature']['public_key'] = '$other'; t['signature']['fingerprint'] = '$(fingerprint_of "$other")'"
	refused_load P2.sop "bad signature"
	python3 "$SOP" trailer P3.sop 't["signature"]["alg"] = "rsa"'
	refused_load P3.sop "signed with 'rsa', which this ferry cannot check"
}

@test "rule: a signature moved onto another package is refused" {
	setup_signed
	trust_src
	sig=$(tail -n 1 P.sop | jp 'json.dumps(d["signature"], separators=(",", ":"))')
	python3 "$SOP" trailer base.sop "t['signature'] = json.loads('$sig')"
	refused_load base.sop "bad signature"
}

@test "rule: a tampered compressed signed package is refused too" {
	setup_signed
	trust_src
	zstd -qdc Pz.sop >p.sop
	python3 "$SOP" edit p.sop "$(item_named p.sop cid)" 'it["payload"]["age"] = 51' --rehash
	zstd -q p.sop -o Pz2.sop
	refused_load Pz2.sop "bad signature"
}

# ---- import.require_signature -------------------------------------------

@test "rule: without import.require_signature, unsigned and untrusted packages load with a warning" {
	setup_signed
	src pack export P --output u.sop --uncompressed >/dev/null
	run --separate-stderr dst --json import load u.sop
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"ferry: warning: u.sop: the package is not signed"* ]]
	same unsigned "$(echo "$output" | jp 'd["signature"]["problem"]')"
	same 1 "$(echo "$output" | jp 'len(d["warnings"])')"
	run --separate-stderr dst --json import load P.sop
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"ferry: warning: P.sop: the package is signed by key"*"not on this instance's trust list"* ]]
	same untrusted_signer "$(echo "$output" | jp 'd["signature"]["problem"]')"
	same false "$(echo "$output" | jp 'd["signature"]["trusted"]')"
}

@test "rule: import.require_signature=true refuses an unsigned package (unsigned)" {
	setup_signed
	src pack export P --output u.sop --uncompressed >/dev/null
	dst property set import.require_signature true >/dev/null
	trust_src
	refused_load u.sop "u.sop: refused (unsigned): the package is not signed"
	# a signed package with its signature stripped is just unsigned
	python3 "$SOP" unsign P.sop
	refused_load P.sop "refused (unsigned)"
}

@test "rule: import.require_signature=true refuses a package signed by an untrusted key (untrusted_signer)" {
	setup_signed
	dst property set import.require_signature true >/dev/null
	refused_load Pz.sop "refused (untrusted_signer): the package is signed by key"
	expect_error 1 "ferry trust add NAME $(pubkey src)" dst import load Pz.sop
}

@test "rule: import.require_signature=true takes a package signed by a trusted key, without warning" {
	setup_signed
	dst property set import.require_signature true >/dev/null
	trust_src
	run --separate-stderr dst --json import load Pz.sop
	[ "$status" -eq 0 ]
	same "" "$stderr"
	same '[]' "$(echo "$output" | jp 'd["warnings"]')"
	same dev "$(echo "$output" | jp 'd["signature"]["signer"]')"
	id=$(echo "$output" | jp 'd["id"]')
	dst import preview "$id" >/dev/null
	dst import commit "$id" --no-backup >/dev/null
	same 50 "$(dst --json record list member | jp '[r["age"] for r in d if r["name"] == "cid"][0]')"
}

@test "rule: removing a trusted key makes its packages untrusted" {
	setup_signed
	dst property set import.require_signature true >/dev/null
	trust_src
	dst import load Pz.sop >/dev/null
	dst trust remove dev >/dev/null
	same '[]' "$(dst --json trust list)"
	same false "$(dst --json inspect Pz.sop | jp 'd["signature"]["trusted"]')"
	refused_load Pz.sop "refused (untrusted_signer)"
}

@test "rule: after key rotation, new packages are untrusted until the new key is trusted" {
	setup_signed
	dst property set import.require_signature true >/dev/null
	trust_src
	src key create --replace >/dev/null
	src pack export P --output new.sop --sign >/dev/null
	refused_load new.sop "refused (untrusted_signer)"
	# packages signed with the old key still verify and stay trusted
	dst import load Pz.sop >/dev/null
	dst trust add dev-2 "$(pubkey src)" >/dev/null
	dst import load new.sop >/dev/null
}

@test "rule: import.require_signature takes only true or false" {
	dst init >/dev/null
	expect_error 1 "import.require_signature is true or false, not 'yes'" dst property set import.require_signature yes
	dst property set import.require_signature false >/dev/null
}

@test "rule: import apply shows the signature warnings too" {
	setup_signed
	run --separate-stderr dst import apply P.sop --no-backup
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"ferry: warning: P.sop: the package is signed by key"* ]]
}

# ---- the trust list ------------------------------------------------------

@test "rule: trust add checks the key and refuses duplicates; list and remove" {
	setup_pair
	src key create >/dev/null
	pk=$(pubkey src)
	expect_error 1 "'abc' is not a public key; give the 44-character public_key" dst trust add x abc
	expect_error 1 "is not a public key" dst trust add x "${pk%?}A"
	run --separate-stderr dst --json trust add dev "$pk"
	[ "$status" -eq 0 ]
	same "$(fingerprint_of "$pk")" "$(echo "$output" | jp 'd["fingerprint"]')"
	expect_error 1 "'dev' is already on the trust list" dst trust add dev "$pk"
	expect_error 1 "is already trusted, as 'dev'" dst trust add other "$pk"
	same '[["dev","admin"]]' "$(dst --json trust list | jp '[[r["name"], r["added_by"]] for r in d]')"
	expect_error 1 "'nobody' is not on the trust list" dst trust remove nobody
	run --separate-stderr dst trust remove dev
	[ "$status" -eq 0 ]
	same "removed dev from the trust list" "$output"
}

# ---- entity packs ------------------------------------------------------

# src with entity "thing" packed signed into packs/, dst empty.
setup_entity_packs() {
	src init --name dev >/dev/null
	src key create >/dev/null
	src entity create thing --display Thing >/dev/null
	src field add thing label 'nvarchar(20)' >/dev/null
	mkdir packs plain
	src entity pack thing --dir packs --sign >/dev/null
	src entity pack thing --dir plain >/dev/null
	dst init --name test >/dev/null
}

@test "rule: entity pack --sign signs each pack; unpack of a trusted pack works" {
	setup_entity_packs
	same true "$(src --json entity pack thing --dir "$(mktemp -d)" --sign | jp 'd["packs"][0]["signature"] is not None')"
	dst property set import.require_signature true >/dev/null
	trust_src
	run --separate-stderr dst --json entity unpack packs --no-backup
	[ "$status" -eq 0 ]
	same "" "$stderr"
	same '[true,"dev"]' "$(echo "$output" | jp '[d["entities"][0]["signature"]["trusted"], d["entities"][0]["signature"]["signer"]]')"
	dst entity show thing >/dev/null
}

@test "rule: entity unpack refuses a tampered signed pack; nothing is unpacked" {
	setup_entity_packs
	zstd -qdc packs/thing.sop >t.sop
	python3 "$SOP" edit t.sop 2 'it["type"] = "nvarchar(200)"'
	rm packs/thing.sop
	zstd -q t.sop -o packs/thing.sop
	snapshot
	expect_error 1 "bad signature" dst entity unpack packs --no-backup
	assert_unchanged
	same false "$(dst --json entity unpack packs --list | jp 'd["packs"][0]["valid"]')"
}

@test "rule: entity unpack under import.require_signature refuses unsigned and untrusted packs" {
	setup_entity_packs
	dst property set import.require_signature true >/dev/null
	snapshot
	expect_error 1 "nothing was unpacked: $BATS_TEST_TMPDIR/plain/thing.sop: refused (unsigned)" dst entity unpack "$BATS_TEST_TMPDIR/plain" --no-backup
	expect_error 1 "refused (untrusted_signer)" dst entity unpack packs --no-backup
	assert_unchanged
}

@test "rule: entity unpack without import.require_signature warns about unsigned packs" {
	setup_entity_packs
	run --separate-stderr dst --json entity unpack plain --no-backup
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"ferry: warning: plain/thing.sop: the package is not signed"* ]]
	same 1 "$(echo "$output" | jp 'len(d["warnings"])')"
	same unsigned "$(echo "$output" | jp 'd["entities"][0]["signature"]["problem"]')"
}

@test "rule: entity unpack --list shows each pack's signature" {
	setup_entity_packs
	trust_src
	same '[true,true]' "$(dst --json entity unpack packs --list | jp '[d["packs"][0]["signature"]["signed"], d["packs"][0]["signature"]["trusted"]]')"
	run --separate-stderr dst entity unpack packs --list
	[[ "$output" == *"(trusted)"* ]]
}

# ---- upgrade -------------------------------------------------------------

@test "rule: an instance from before signing gets the key and trust tables when opened" {
	skip_on_postgres "instances of schema versions before 9 exist only as files"
	src init >/dev/null
	sqlite3 src.db "$(undo_payload_table noseal)"
	sqlite3 src.db 'DROP TABLE ferry_key; DROP TABLE ferry_trust;
		ALTER TABLE ferry_import_plan DROP COLUMN same;
		ALTER TABLE ferry_import_plan DROP COLUMN applied;
		ALTER TABLE ferry_import_resolution DROP COLUMN whole;
		ALTER TABLE ferry_pack DROP COLUMN exported_at;
		ALTER TABLE ferry_import_problem RENAME COLUMN facts TO message;
		DROP INDEX sys_field_external;
		ALTER TABLE sys_field DROP COLUMN external_name;
		ALTER TABLE ferry_pack_item DROP COLUMN base;
		ALTER TABLE ferry_pack_item DROP COLUMN old;
		PRAGMA user_version = 2'
	same '[]' "$(src --json trust list)"
	same "$SCHEMA_LATEST" "$(sqlite3 src.db 'PRAGMA user_version')"
	src key create >/dev/null
	same 1 "$(sqlite3 src.db 'SELECT count(*) FROM ferry_key')"
}
