#!/bin/sh
# hall sync from the setgid install (issue 7 with issue 8's priv.h; needs
# root, setpriv and a private mount namespace, skipped otherwise): the
# sync lock beside the store lies in the hall group's folder (2770), which
# the clerk's Unix account cannot enter, so the lock is opened with the
# raised group like the store itself, and is the group's (660).
# The central URL of a setgid hall comes only from /etc/hall/hall.conf:
# the test writes one in an overlay of /etc inside its own mount namespace
# (unshare -m), which nothing outside it sees.
. "$HALL_TESTS/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! command -v unshare >/dev/null; then
	echo "ok 1 - # skip: needs root, setpriv and unshare"; exit 0
fi
G=staff
gid=$(getent group $G | cut -d: -f3)
[ -n "$gid" ] || { echo "ok 1 - # skip: no group $G"; exit 0; }
base=$(mktemp -d /tmp/hall-syncpriv.XXXXXX)
trap 'rm -rf "$base"' EXIT INT TERM
chmod 755 "$base"
cp "$HALL_BIN" "$base/hall"
chgrp $G "$base/hall" && chmod 2755 "$base/hall"
cp -r "$HALL_FORMS" "$base/forms" && chmod -R a+rX "$base/forms"
mkdir "$base/store" && chgrp $G "$base/store" && chmod 2770 "$base/store"
mkdir "$base/home" && chown 65534:65534 "$base/home"
mkdir "$base/central" && chmod 1777 "$base/central"
db="$base/store/hall.db"
hall demo --db "$db" --customers 30 --seed 5 >/dev/null 2>&1
chgrp $G "$db" && chmod 660 "$db"
check "central init and enrolment (administrator)" 0 hall central init --central "sqlite:$base/central/c.db" --db "$db"
chmod 666 "$base/central/c.db"
mkdir -p "$base/etc/upper/hall" "$base/etc/work"
printf 'central = sqlite:%s/central/c.db\nforms = %s/forms\n' "$base" "$base" >"$base/etc/upper/hall/hall.conf"
chmod -R a+rX "$base/etc/upper"

# the clerk's account runs the setgid hall with /etc/hall/hall.conf in place
as_clerk_ns() {
	unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc/upper,workdir=$1/etc/work" /etc || exit 97
		shift; exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -i PATH=/usr/bin:/bin HOME="$0/home" LC_ALL=C.UTF-8 HALL_LANG=en \
		ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 "$@"' "$base" "$base" "$@"
}
unshare -m true 2>/dev/null && unshare -m sh -c "mount -t overlay overlay -o lowerdir=/etc,upperdir=$base/etc/upper,workdir=$base/etc/work /etc" 2>/dev/null
if [ $? -ne 0 ]; then
	echo "ok 1 - # skip: no overlay mount in a private namespace here"; exit 0
fi
check "the clerk cannot enter the store folder" 2 setpriv --reuid=65534 --regid=65534 --clear-groups ls "$base/store"
check "setgid hall syncs (lock taken with the hall group)" 0 as_clerk_ns "$base/hall" sync --db "$db"
hasnt "no lock error" "$T/err" "sync lock"
lock="$db.sync-lock"
if [ -e "$lock" ]; then
	eq "the lock file is the hall group's, 660" "$(stat -c '%G %a' "$lock")" "$G 660"
else
	nok "the lock file is the hall group's, 660" "no $lock"
fi
eq "the sync is recorded in the store" "$(sq "$db" "SELECT substr(value, 1, 3) FROM meta WHERE key = 'last_sync_result'")" "ok:"
eq "and the central has the hall's journal" "$(sq "$base/central/c.db" "SELECT count(*) FROM journal")" "$(sq "$db" "SELECT count(*) FROM journal")"
# a second sync while the lock is held (by root, outside) says so
flock -o "$lock" sleep 3 &
lp=$!
sleep 0.3
check "a second sync from the setgid hall exits 15" 15 as_clerk_ns "$base/hall" sync --db "$db"
has "saying another runs" "$T/err" "another sync"
kill "$lp" 2>/dev/null; wait "$lp" 2>/dev/null
eq "the clerk's folder holds no file of the hall group" "$(find "$base/home" -group $G | wc -l)" 0

# a PostgreSQL central is never reached through the setgid elevation: libpq
# would read the clerk's own ~/.postgresql (TLS roots, keys, .pgpass)
printf 'central = postgresql://192.0.2.1/hall?connect_timeout=1\nforms = %s/forms\n' "$base" >"$base/etc/upper/hall/hall.conf"
mkdir -p "$base/home/.postgresql" && chown -R 65534:65534 "$base/home/.postgresql"
check "setgid: a PostgreSQL central is refused" 4 as_clerk_ns "$base/hall" sync --db "$db"
has "  saying the hall account syncs it" "$T/err" "hall account"
check "setgid: and its central init too" 4 as_clerk_ns "$base/hall" central init --db "$db"
