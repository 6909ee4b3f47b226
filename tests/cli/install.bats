#!/usr/bin/env bats
# install.bats - one source for the options: every option of the command
# tables is in the man pages and both completion scripts; and `make
# install DESTDIR=...` installs the command, the library, the headers,
# ferry.pc, the man pages and the completion, usable by pkg-config.

load foundation_helpers

# Every command named by 'ferry --help', one a line.
all_commands() {
	"$FERRY_BIN" --help | python3 -c '
import re, sys
body = sys.stdin.read().split("Commands:\n", 1)[1].split("\n\n", 1)[0]
for line in body.splitlines():
    m = re.match(r"(\S+(?: \S+)?)\s{2,}", line[2:])
    print(m.group(1))'
}

# The options a command's --help lists.
options_of() {
	# shellcheck disable=SC2086
	"$FERRY_BIN" $1 --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p' | grep -vx -e --json -e --help
}

@test "generators: every group of the tables has a man page; ferry(1) has the global options and one-word commands" {
	groups=$("$FERRY_BIN" --help-groups)
	same "$(all_commands | awk 'NF == 2 { print $1 }' | awk '!seen[$0]++')" "$groups"
	for g in $groups; do
		run "$FERRY_BIN" --help-man "$g"
		[ "$status" -eq 0 ]
		grep -q "^\.TH FERRY-$(echo "$g" | tr a-z A-Z) 1 " <<<"$output"
		grep -q "^ferry\\\\-$g \\\\- " <<<"$output"
	done
	run "$FERRY_BIN" --help-man
	for w in '\-\-db' '\-\-user' '\-\-json' '\-\-version' 'ferry init' 'ferry info' 'ferry inspect' FERRY_DB FERRY_NOW 'EXIT STATUS'; do
		[[ "$output" == *"$w"* ]] || { echo "ferry(1) lacks $w" >&2; false; }
	done
	for g in $groups; do
		grep -q "^\.BR ferry\\\\-$g (1)" <<<"$output" || { echo "ferry(1) does not point to ferry-$g(1)" >&2; false; }
	done
	expect_error 2 "no command group 'nope'" --help-man nope
	expect_error 2 "--completion takes bash or zsh, not 'fish'" --completion fish
}

@test "generators: every command and every option of the tables is in its man page and in both completions" {
	bash_c=$("$FERRY_BIN" --completion bash)
	zsh_c=$("$FERRY_BIN" --completion zsh)
	n=0
	while IFS= read -r c; do
		group=${c% *}
		[ "$group" != "$c" ] || group=""
		page=$("$FERRY_BIN" --help-man $group)
		[[ "$page" == *".SS \"ferry $c\""* ]] || { echo "no section for 'ferry $c'" >&2; false; }
		# The completion's branch for this command.
		bash_words=$(grep -F "\"$c\"|\"$c \"*) words=" <<<"$bash_c")
		zsh_case=$(awk -v c="\"$c\"|\"$c \"*)" 'index($0, c) { p = 1; next } p && /;;/ { exit } p' <<<"$zsh_c")
		[ -n "$bash_words" ] || { echo "bash has no branch for '$c'" >&2; false; }
		[ -n "$zsh_case" ] || { echo "zsh has no branch for '$c'" >&2; false; }
		for opt in $(options_of "$c"); do
			grep -q "^\.B ${opt//-/\\\\-}" <<<"$(sed -n "/^\.SS \"ferry ${c}\"/,/^\.SS /p" <<<"$page")" || { echo "man page of '$c' lacks $opt" >&2; false; }
			[[ "$bash_words" == *" $opt"* ]] || { echo "bash completion of '$c' lacks $opt" >&2; false; }
			grep -q "\"$opt:" <<<"$zsh_case" || { echo "zsh completion of '$c' lacks $opt" >&2; false; }
			n=$((n + 1))
		done
	done < <(all_commands)
	[ "$n" -ge 30 ]
	# The group words complete too.
	for g in $("$FERRY_BIN" --help-groups); do
		grep -q "^	\"$g\") words=" <<<"$bash_c" || { echo "bash lacks group $g" >&2; false; }
	done
	bash -n <(echo "$bash_c")
}

@test "generators: the bash completion completes groups, commands, options and global options" {
	source <("$FERRY_BIN" --completion bash)
	COMP_WORDS=(ferry pa); COMP_CWORD=1; _ferry
	same "pack" "${COMPREPLY[*]}"
	COMP_WORDS=(ferry --db x.db pack re); COMP_CWORD=4; _ferry
	same "reopen rename remove" "${COMPREPLY[*]}"
	COMP_WORDS=(ferry record list member --); COMP_CWORD=4; _ferry
	same "--filter --limit --offset --db --user --json --help --version" "${COMPREPLY[*]}"
}

@test "install: make install DESTDIR=... installs everything; ferry.pc builds a program against the library" {
	command -v cc >/dev/null
	# (on PostgreSQL, FERRY_BIN is build/tests/ferry-on-postgres)
	build=$(dirname "${FERRY_PG_REAL_BIN:-$FERRY_BIN}")
	stage=$BATS_TEST_TMPDIR/stage
	run make -C "$FERRY_SRC" install-built BUILD="$build" DESTDIR="$stage" PREFIX=/opt/ferry
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	root=$stage/opt/ferry
	for f in bin/ferry lib/libferry.a include/ferry.h include/ferry/common.h include/ferry/backup.h lib/pkgconfig/ferry.pc share/man/man1/ferry.1 share/bash-completion/completions/ferry share/zsh/site-functions/_ferry; do
		[ -f "$root/$f" ] || { echo "not installed: $f" >&2; false; }
	done
	for g in $("$FERRY_BIN" --help-groups); do
		[ -f "$root/share/man/man1/ferry-$g.1" ] || { echo "no man page ferry-$g.1" >&2; false; }
	done
	same "$("$FERRY_BIN" --version)" "$("$root/bin/ferry" --version)"
	cat >tiny.c <<'EOF'
#include <ferry.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	ferry_db *db = NULL;
	ferry_buf out = FERRY_BUF_INIT;
	int error = ferry_db_create(&db, argv[1], NULL);

	(void)argc;
	if (error == 0)
		error = ferry_instance_info(&out, db);
	printf("%s %s\n", error ? ferry_errmsg(db) : out.ptr,
		ferry_error_name(FERRY_ENOTFOUND));
	ferry_buf_dispose(&out);
	ferry_db_close(db);
	return error ? 1 : 0;
}
EOF
	flags=$(PKG_CONFIG_PATH=$root/lib/pkgconfig pkg-config --cflags --libs ferry)
	[[ "$flags" == *"-I$root/lib/pkgconfig/../../include"* ]]
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Werror -o tiny tiny.c $flags
	run ./tiny made.db
	[ "$status" -eq 0 ]
	[[ "$output" == *'"name":"made.db"'*" not_found" ]]
	same "$(PKG_CONFIG_PATH=$root/lib/pkgconfig pkg-config --modversion ferry)" "$("$FERRY_BIN" --json --version | jp 'd["version"]')"
	# The installed man page is a real roff page.
	man -l "$root/share/man/man1/ferry-pack.1" 2>/dev/null | grep -q "ferry pack rename OLD NEW"
}
