# shellcheck shell=sh
# bench/measure.sh - the arithmetic the bench's shell scripts share
# (export-bytes, pg-import-writes, sqlite-import-writes); sourced, not
# run.

# median: the middle one of three numbers on standard input.
median() {
	sort -n | sed -n 2p
}

# median4: the median of four numbers on standard input (the mean of
# the middle two), as the scripts take their floors, one before each
# round and one after the last.
median4() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (v[2] + v[3]) / 2 }'
}

# ratio A B: A / B to two places.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# timed CMD...: run CMD (its output to /dev/null), print its wall seconds.
timed() {
	_s=$(date +%s.%N)
	"$@" >/dev/null
	_e=$(date +%s.%N)
	awk -v s="$_s" -v e="$_e" 'BEGIN { printf "%.3f\n", e - s }'
}
