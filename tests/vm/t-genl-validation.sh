#!/bin/bash
# The family validates every request itself: policies, ranges, strictness
# (privilege is t-perms.sh's). nlsend puts exactly the attributes named, so
# each case here reaches the kernel as written and must come back with its
# errno and an extack message that names the problem.
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh
need nlsend
need_module ktcp kecho


expect_nl EINVAL "missing attribute 3" server_start port:u16=7000
expect_nl EINVAL "missing attribute 5" server_start service:str=echo
expect_nl ERANGE "out of range" server_start service:str=echo port:u16=0
expect_nl EINVAL "length" server_start service:str=echo port:u32=7000
expect_nl EINVAL "4 bytes \(IPv4\) or 16" server_start service:str=echo \
	port:u16=7000 addr:hex=7f00
expect_nl ERANGE "out of range" server_start service:str=echo port:u16=7000 \
	backlog:u32=0
expect_nl ERANGE "out of range" server_start service:str=echo port:u16=7000 \
	backlog:u32=65536
expect_nl ERANGE "out of range" server_start service:str=echo port:u16=7000 \
	listeners:u32=65
expect_nl ERANGE "out of range" server_start service:str=echo port:u16=7000 \
	idle_timeout_ms:u32=86400001
expect_nl ERANGE "out of range" server_start service:str=echo port:u16=7000 \
	opts.echo_wq:u8=2
expect_nl ERANGE "out of range" server_start service:str=echo port:u16=7000 \
	opts.http_sendfile:u8=2
expect_nl EINVAL "[Uu]nknown attribute" server_start service:str=echo \
	port:u16=7000 99:u32=1
expect_nl EINVAL "Attribute failed policy validation" server_start \
	service:str=echo port:u16=7000 stats:flag
expect_nl EINVAL "a-z, 0-9" server_start service:str=../x port:u16=7000
# ASCII only: the kernel's ctype calls 0xE9 ('é' in Latin-1) lower case.
expect_nl EINVAL "a-z, 0-9" server_start service:str="x$(printf '\351')" \
	port:u16=7000
# 0xDF-0xFF are Latin-1's lower case (0xF7 excepted), 0x80-0xDE are not:
# one byte of each kind, and the last.
for b in 337 377 200; do
	expect_nl EINVAL "a-z, 0-9" server_start \
		service:str="x$(printf '%b' "\\0$b")" port:u16=7000
done
expect_nl EINVAL "Attribute failed policy validation" server_start \
	service:str=waytoolongservicename port:u16=7000
expect_nl ENOENT "unknown service" server_start service:str=nosuch port:u16=7000
expect_nl ENOENT "no server with this id" server_stop server_id:u32=4242
expect_nl ENOENT "no server with this id" server_get server_id:u32=4242
expect_nl ERANGE "out of range" server_stop server_id:u32=0
expect_nl EINVAL "fixed at start" server_set server_id:u32=1 listeners:u32=2
expect_nl EOPNOTSUPP "" 200
expect_nl EOPNOTSUPP "" server_started

# A port that is taken: EADDRINUSE with the reason.
out=$(nlsend server_start service:str=echo port:u16=7000)
id=$(printf '%s\n' "$out" | sed -n 's/^  2=4:\(..\)\(..\)\(..\)\(..\)$/0x\4\3\2\1/p')
[ -n "$id" ] || fail "no server id in reply: $out"
expect_nl EADDRINUSE "port already in use" server_start service:str=echo \
	port:u16=7000

# Privilege (EPERM to change without CAP_NET_ADMIN): t-perms.sh.

nlsend server_stop server_id:u32=$((id)) >/dev/null || fail "stop $id"
expect_nl ENOENT "no server with this id" server_stop server_id:u32=$((id))
