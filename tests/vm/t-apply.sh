#!/bin/bash
# Declarative configuration against real servers: ktcp apply starts,
# changes (set), restarts and stops what a ktcp.conf says, again is
# "nothing to do", --dry-run changes nothing, a bad file changes nothing
# and names its line, ktcp save | ktcp apply is "nothing to do", and
# servers without a name are never touched. The kernel keeps names
# unique. Last, the Prometheus text of the servers, printed to the
# console as KTCP-PROM: lines for promtool on the host
# (scripts/vm/check-prom.sh).
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need ktcp jq curl nlsend

conf=$TEST_TMP/ktcp.conf
www=$TEST_TMP/www
mkdir -p "$www"
echo hello >"$www/index.html"
mkdir "$www/sub"
echo x >"$www/sub/file.txt"

# servers: "name:id:port" of every server, sorted by name, for comparing.
servers() {
	ktcp list --json | jq -r '.[] | "\(.name // "-"):\(.id):\(.port)"' |
		sort
}
# id NAME: the id of the server with that name.
id_of() {
	ktcp list --json | jq -r ".[] | select(.name == \"$1\") | .id"
}

modprobe ktcp
# Not apply's: a server without a name.
other=$(ktcp start echo --port 12350)

cat >"$conf" <<EOF
# two servers
[server web]
service = http
port = 8081
root = $www

[server echo1]
service = echo
port = 12345
EOF
out=$(ktcp apply "$conf") || fail "apply: $out"
echo "$out"
assert_contains "$out" "started web (http, port 8081): id"
assert_contains "$out" "started echo1 (echo, port 12345): id"
assert_contains "$out" "2 started, 0 changed, 0 restarted, 0 stopped, 0 failed"
wait_port 8081
assert_eq "$(curl -sf http://127.0.0.1:8081/index.html)" hello "web serves"
web=$(id_of web)
echo1=$(id_of echo1)
if [ -z "$web" ] || [ -z "$echo1" ]; then
	fail "no names in list: $(ktcp list --json)"
fi
ktcp list --json | jq -e ".[] | select(.id == $other) | .name == null" \
	>/dev/null || fail "the unnamed server got a name"
before=$(servers)

# Again: nothing to do, nothing changed.
out=$(ktcp apply "$conf") || fail "apply again: $out"
assert_eq "$out" "nothing to do: 2 servers as $conf says"
assert_eq "$(servers)" "$before" "a second apply changed servers"

# The default file.
mkdir -p /etc/ktcp
cp "$conf" /etc/ktcp/ktcp.conf
assert_eq "$(ktcp apply)" "nothing to do: 2 servers as /etc/ktcp/ktcp.conf says"
rm /etc/ktcp/ktcp.conf

# An edit: echo1 moves and gets a limit (set, same id), web lists
# directories and serves as a named user (a restart), echo2 is new.
cat >"$conf" <<EOF
[server web]
service = http
port = 8081
root = $www
listing = yes
user = 0

[server echo1]
service = echo
port = 12346
max-conns = 5

[server echo2]
service = echo
port = 12347
EOF
out=$(ktcp apply --dry-run "$conf") || fail "dry run: $out"
echo "$out"
assert_contains "$out" "would change echo1 (id $echo1): port, max-conns"
assert_contains "$out" "would restart web (id $web): listing, user"
[ "$(grep -c web <<<"$out")" = 1 ] || fail "dry run: web twice: $out"
assert_contains "$out" "would start echo2 (echo, port 12347)"
assert_contains "$out" "dry run, nothing done: 1 started, 1 changed, 1 restarted, 0 stopped"
assert_eq "$(servers)" "$before" "a dry run changed servers"

out=$(ktcp apply "$conf") || fail "apply the edit: $out"
echo "$out"
assert_contains "$out" "change echo1 (id $echo1): port, max-conns"
assert_contains "$out" "restart web (id $web): listing, user"
assert_contains "$out" "1 started, 1 changed, 1 restarted, 0 stopped, 0 failed"
assert_eq "$(id_of echo1)" "$echo1" "set kept echo1's id"
[ "$(id_of web)" != "$web" ] || fail "web was not restarted"
e1=$(ktcp list --json | jq -c ".[] | select(.name == \"echo1\")")
assert_eq "$(jq -r .port <<<"$e1")" 12346
assert_eq "$(jq -r .max_conns <<<"$e1")" 5
wait_port 12347
curl -sf http://127.0.0.1:8081/sub/ | grep -q file.txt ||
	fail "web does not list its directory"
out=$(ktcp apply "$conf") || fail "apply the edit again: $out"
assert_eq "$out" "nothing to do: 3 servers as $conf says"

# A key removed: its default comes back, with set.
sed -i '/max-conns = 5/d' "$conf"
out=$(ktcp apply "$conf") || fail "apply without max-conns: $out"
assert_contains "$out" "change echo1 (id $echo1): max-conns"
e1=$(ktcp list --json | jq -c ".[] | select(.name == \"echo1\")")
assert_eq "$(jq -r .max_conns <<<"$e1")" 0 "max-conns back to echo's default"

# A server gone from the file is stopped; the unnamed one stays.
sed -i '/\[server echo2\]/,$d' "$conf"
out=$(ktcp apply "$conf") || fail "apply without echo2: $out"
assert_contains "$out" "stop echo2 (id "
assert_contains "$out" "): not in the file"
[ -z "$(id_of echo2)" ] || fail "echo2 still runs"
ktcp list --json | jq -e ".[] | select(.id == $other)" >/dev/null ||
	fail "apply stopped the server without a name"
before=$(servers)

# A bad file changes nothing, even where its good part differs, and
# names the line.
cp "$conf" "$conf.bad"
sed -i 's/port = 12346/port = 12348/' "$conf.bad"
printf '[server echo3]\nservice = echo\nport = 12349\nmax-conns = lots\n' \
	>>"$conf.bad"
line=$(grep -n 'max-conns = lots' "$conf.bad" | cut -d: -f1)
rc=0
err=$(ktcp apply "$conf.bad" 2>&1) || rc=$?
assert_eq "$rc" 1 "apply of a bad file"
assert_contains "$err" "$conf.bad:$line: max-conns: 'lots' is not a number"
assert_contains "$err" "nothing was changed"
assert_eq "$(servers)" "$before" "a bad file changed servers"
printf '[server web]\nservice = echo\nport = 1\n' >>"$conf"
expect_fail_with "ktcp.conf:[0-9]+: server 'web' is already on line 1" \
	ktcp apply "$conf"
sed -i '$d' "$conf"; sed -i '$d' "$conf"; sed -i '$d' "$conf"
expect_fail_with "cannot open" ktcp apply "$TEST_TMP/none.conf"
assert_eq "$(servers)" "$before" "failed applies changed servers"

# save | apply: nothing to do. The unnamed server is there, commented.
ktcp save >"$TEST_TMP/saved.conf" || fail "save"
cat "$TEST_TMP/saved.conf"
grep -q "^# \[server echo-12350\]" "$TEST_TMP/saved.conf" ||
	fail "save did not show the unnamed server, commented"
grep -q "^root = $www\$" "$TEST_TMP/saved.conf" || fail "save lost root"
grep -q '^listing = yes$' "$TEST_TMP/saved.conf" || fail "save lost listing"
grep -q '^user = ' "$TEST_TMP/saved.conf" || fail "save lost user"
out=$(ktcp apply "$TEST_TMP/saved.conf") || fail "apply saved: $out"
assert_eq "$out" "nothing to do: 2 servers as $TEST_TMP/saved.conf says"

# Names in the kernel: unique in the netns, plain characters, fixed.
expect_nl EEXIST "has this name" server_start service:str=echo \
	port:u16=12360 name:str=web
expect_nl EINVAL "server names are" server_start service:str=echo \
	port:u16=12360 name:str="a b"
expect_nl EINVAL "fixed at start" server_set server_id:u32="$echo1" \
	name:str=x

# Counters as Prometheus text, of servers that served something.
web=$(id_of web)
ktcp stats "$web" --reset
for _ in 1 2 3; do
	curl -sf -o /dev/null http://127.0.0.1:8081/index.html || fail "curl"
done
curl -s -o /dev/null http://127.0.0.1:8081/missing
prom=$(ktcp stats --format prometheus) || fail "stats --format prometheus"
assert_contains "$prom" "# TYPE ktcp_http_requests_total counter"
assert_contains "$prom" "ktcp_http_responses_total{id=\"$web\",service=\"http\",port=\"8081\",name=\"web\",class=\"2xx\"} 3"
assert_contains "$prom" "ktcp_http_responses_total{id=\"$web\",service=\"http\",port=\"8081\",name=\"web\",class=\"4xx\"} 1"
assert_contains "$prom" "ktcp_connections_accepted_total{id=\"$other\",service=\"echo\",port=\"12350\",name=\"\"} 0"
assert_contains "$prom" "ktcp_sockets_dropped_total 0"
[[ $prom != *'ktcp_http_requests_total{id="'$other'"'* ]] ||
	fail "an echo server has http counters: $prom"
one=$(ktcp stats "$echo1" --format prometheus) || fail "stats ID --format"
assert_contains "$one" "name=\"echo1\""
[[ $one != *"name=\"web\""* ]] || fail "stats $echo1 shows web: $one"
expect_fail_with "not a format" ktcp stats --format xml
# For promtool on the host. /dev/console: the test's own output is kept
# only when it fails.
while IFS= read -r l; do
	printf 'KTCP-PROM: %s\n' "$l"
done <<<"$prom" >/dev/console

# --stop (the unit's ExecStop): every named server, not the other one.
out=$(ktcp apply --stop) || fail "apply --stop: $out"
assert_contains "$out" "0 started, 0 changed, 0 restarted, 2 stopped, 0 failed"
assert_eq "$(servers)" "-:$other:12350" "after --stop"
assert_eq "$(ktcp apply --stop)" "nothing to do: no server with a name runs"
ktcp stop "$other"
