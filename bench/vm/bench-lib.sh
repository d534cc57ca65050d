# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
# Helpers for the guest benchmarks (bench/vm/t-bench-*.sh), which bench/run.sh
# boots with `scripts/vm/run.sh --bench`. Source with: . /tests/bench-lib.sh
#
# Benchmarks measure; they do not judge. A script fails only when it cannot
# measure: a tool missing, a server that does not start, output that is not
# what the tool documents.
#
# Results leave the guest through the kernel log, the one channel the runner
# shows for a passing test: every measurement is one line
#   KTCP-BENCH-REC {JSON}
# which bench/report.py collects from the log's dmesg section, checks and
# shapes (a tool's --json output goes in whole as "out": jq takes a second
# to start under TCG, so the guest does not parse), and progress lines
# "ktcp-bench: ..." show on the console while the run goes on.
#
# Settings come from the kernel command line (bench/run.sh passes them):
#   ktcpbench.runs=N          repeats of every figure (default 3)
#   ktcpbench.secs=S          seconds per load point (default 2)
#   ktcpbench.conns=A,B       echo connection counts (default 1,100,1000)
#   ktcpbench.sizes=A,B       echo message sizes (default 64,4096)
#   ktcpbench.http_conns=N    HTTP concurrency (default 32)
#   ktcpbench.scale=N         idle connections held (default 10000)
#   ktcpbench.drop=N          TIME_WAIT sockets dropped (default 10000)
# shellcheck source=tests/vm/lib.sh
. /tests/lib.sh

BENCH_RUNS=3
BENCH_SECS=2
BENCH_CONNS="1 100 1000"
BENCH_SIZES="64 4096"
BENCH_HTTP_CONNS=32
BENCH_SCALE=10000
BENCH_DROP=10000

bench_settings() {
	local arg v
	# shellcheck disable=SC2013 # words, not lines
	for arg in $(cat /proc/cmdline); do
		v=${arg#*=}
		case $arg in
		ktcpbench.runs=*) BENCH_RUNS=$v ;;
		ktcpbench.secs=*) BENCH_SECS=$v ;;
		ktcpbench.conns=*) BENCH_CONNS=${v//,/ } ;;
		ktcpbench.sizes=*) BENCH_SIZES=${v//,/ } ;;
		ktcpbench.http_conns=*) BENCH_HTTP_CONNS=$v ;;
		ktcpbench.scale=*) BENCH_SCALE=$v ;;
		ktcpbench.drop=*) BENCH_DROP=$v ;;
		esac
	done
}
bench_settings

# --- output -----------------------------------------------------------------

# progress TEXT: one line on the console (and in the log).
progress() {
	echo "ktcp-bench: $*" >/dev/kmsg
}

# emit JSON: one measurement. Each write to /dev/kmsg opens it anew: writes
# through one open file are rate-limited. A record must fit one kernel log
# line (about 1,000 bytes): the tools' error counters that are 0 are left
# out (bench/report.py reads the others as 0).
emit() {
	local rec
	rec=$(tr -d '\n' <<<"$1" | tr -s ' \t' ' ' |
		sed -E 's/"err_[a-z_]+": 0(, )?//g; s/, \}/}/g')
	[ ${#rec} -le 960 ] || fail "record too long (${#rec} bytes): $rec"
	echo "KTCP-BENCH-REC $rec" >/dev/kmsg
}

# has_number JSON KEY: does a tool's JSON output have a number for KEY?
has_number() {
	[[ $1 =~ \"$2\":\ *-?[0-9] ]]
}

# json_num JSON KEY: that number (the tools print one member per line).
json_num() {
	sed -n "s/.*\"$2\": *\(-\{0,1\}[0-9.]*\).*/\1/p" <<<"$1" | head -n 1
}

# --- CPUs -------------------------------------------------------------------

# The load generator gets the last CPU, servers all the others. Userspace
# servers are started under taskset, kernel servers with --cpus.
NCPU=$(nproc)
[ "$NCPU" -ge 2 ] || fail "benchmarks need 2 CPUs or more, have $NCPU"
CLIENT_CPU=$((NCPU - 1))
SERVER_CPUS=0-$((NCPU - 2))
[ "$NCPU" -gt 2 ] || SERVER_CPUS=0
SERVER_NCPU=$((NCPU - 1))

# "${ON_CLIENT[@]}" CMD... runs a load generator on its CPU, "${ON_SERVER[@]}"
# CMD... a userspace server on the server CPUs. Prefixes rather than
# functions: a function run with & is a subshell, whose PID is not the
# tool's.
ON_CLIENT=(taskset -c "$CLIENT_CPU")
ON_SERVER=(taskset -c "$SERVER_CPUS")


# --- setup ------------------------------------------------------------------

# Room for thousands of connections in one guest; the conditions of the
# run as one record.
bench_setup() {
	ulimit -n 65536
	# Ephemeral ports above every server port (8081-8083, 12345-12362):
	# a client's socket on a server port keeps that server from binding.
	echo 16384 65535 >/proc/sys/net/ipv4/ip_local_port_range
	echo 65535 >/proc/sys/net/core/somaxconn
	echo 65535 >/proc/sys/net/ipv4/tcp_max_syn_backlog
	need taskset
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo |
		head -n 1 | tr -d '\042\134')
	emit "{\"bench\": \"env\", \"kernel\": \"$(uname -r)\",
		\"cpus\": $NCPU, \"cpu_model\": \"$cpu\",
		\"mem_kb\": $(awk '/^MemTotal/ { print $2 }' /proc/meminfo),
		\"client_cpu\": \"$CLIENT_CPU\", \"server_cpus\": \"$SERVER_CPUS\",
		\"runs\": $BENCH_RUNS, \"secs\": $BENCH_SECS}"
}

# stop_pid PID: SIGTERM a background server and wait for it.
stop_pid() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# --- servers ----------------------------------------------------------------

# Every server listens on 127.0.0.1, so all sockets are of one kind (TCP, not
# TCPv6) and cost the same.

WWW=/tmp/bench-www

# The files both HTTP servers serve.
make_www() {
	mkdir -p "$WWW"
	head -c 1024 /dev/urandom | od -An -tx1 | tr -d ' \n' |
		head -c 1024 >"$WWW/small.html"
	head -c 1048576 /dev/urandom >"$WWW/1m.bin"
	chmod -R a+rX "$WWW"
}

# nginx_start PORT: Debian's nginx, tuned as for production: one worker per
# server CPU, sendfile, long keep-alive, no access log; workers pinned
# with the master.
NGINX_DIR=/tmp/bench-nginx
nginx_start() {
	need nginx
	mkdir -p "$NGINX_DIR"
	cat >"$NGINX_DIR/nginx.conf" <<EOF
user nobody nogroup;
worker_processes $SERVER_NCPU;
worker_rlimit_nofile 65536;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log;
events {
	worker_connections 30000;
}
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 600s;
	keepalive_requests 10000000;
	client_body_temp_path $NGINX_DIR/body;
	proxy_temp_path $NGINX_DIR/proxy;
	fastcgi_temp_path $NGINX_DIR/fastcgi;
	uwsgi_temp_path $NGINX_DIR/uwsgi;
	scgi_temp_path $NGINX_DIR/scgi;
	server {
		listen 127.0.0.1:$1 backlog=65535;
		root $WWW;
	}
}
EOF
	"${ON_SERVER[@]}" nginx -c "$NGINX_DIR/nginx.conf" ||
		fail "nginx did not start: $(cat "$NGINX_DIR/error.log")"
	wait_port "$1"
}

nginx_stop() {
	local pid
	pid=$(cat "$NGINX_DIR/nginx.pid")
	kill -QUIT "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# wait_listener PID PORT NAME LOG...: wait up to 10 s for a server started
# in the background to listen on PORT; fail with its logs if it exits or
# does not.
wait_listener() {
	local pid=$1 port=$2 name=$3 i=0
	shift 3
	until ss -Htln "sport = :$port" | grep -q .; do
		{ kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; } ||
			fail "$name did not start: $(cat "$@" 2>/dev/null)"
		sleep 0.1
		i=$((i + 1))
	done
}

# lighttpd_start PORT: Debian's lighttpd (one process), long keep-alive.
LIGHTTPD_DIR=/tmp/bench-lighttpd
LIGHTTPD_PID=
lighttpd_start() {
	need lighttpd
	mkdir -p "$LIGHTTPD_DIR"
	# It opens its log after dropping root.
	chown nobody:nogroup "$LIGHTTPD_DIR"
	cat >"$LIGHTTPD_DIR/lighttpd.conf" <<EOF
server.document-root = "$WWW"
server.upload-dirs = ( "$LIGHTTPD_DIR" )
server.bind = "127.0.0.1"
server.port = $1
server.username = "nobody"
server.groupname = "nogroup"
server.errorlog = "$LIGHTTPD_DIR/error.log"
server.compat-module-load = "disable"
server.modules = ( "mod_staticfile" )
server.max-fds = 60000
server.max-connections = 30000
server.listen-backlog = 65535
server.max-keep-alive-requests = 10000000
server.max-keep-alive-idle = 600
EOF
	"${ON_SERVER[@]}" lighttpd -D -f "$LIGHTTPD_DIR/lighttpd.conf" \
		>"$LIGHTTPD_DIR/out.log" 2>&1 &
	LIGHTTPD_PID=$!
	wait_listener "$LIGHTTPD_PID" "$1" lighttpd "$LIGHTTPD_DIR/out.log" \
		"$LIGHTTPD_DIR/error.log"
}

lighttpd_stop() {
	stop_pid "$LIGHTTPD_PID"
}

# h2o_start PORT: Debian's h2o, one thread per server CPU, no access log,
# long keep-alive (h2o serves files with sendfile on its own).
H2O_DIR=/tmp/bench-h2o
H2O_PID=
h2o_start() {
	need h2o
	mkdir -p "$H2O_DIR"
	cat >"$H2O_DIR/h2o.conf" <<EOF
listen:
  host: 127.0.0.1
  port: $1
num-threads: $SERVER_NCPU
max-connections: 30000
http1-request-timeout: 600
error-log: $H2O_DIR/error.log
hosts:
  default:
    paths:
      /:
        file.dir: $WWW
EOF
	"${ON_SERVER[@]}" h2o -c "$H2O_DIR/h2o.conf" >"$H2O_DIR/out.log" 2>&1 &
	H2O_PID=$!
	wait_listener "$H2O_PID" "$1" h2o "$H2O_DIR/out.log" "$H2O_DIR/error.log"
}

h2o_stop() {
	stop_pid "$H2O_PID"
}

# port_of SERVER: the port every benchmark serves SERVER on (the echo
# servers and the bare-TCP reference share 12345).
port_of() {
	case $1 in
	khttpd) echo 8081 ;;
	nginx) echo 8082 ;;
	lighttpd) echo 8083 ;;
	h2o) echo 8084 ;;
	*) echo 12345 ;;
	esac
}

# user_echo_start THREADS: user-echo-server on port 12345.
UES_PID=
user_echo_start() {
	"${ON_SERVER[@]}" user-echo-server -a 127.0.0.1 -p 12345 -b 65535 -t "$1" \
		2>"$TEST_TMP/ues.log" &
	UES_PID=$!
	wait_port 12345
}

# uring_echo_start THREADS: uring-echo-server (io_uring) on port 12345;
# shares UES_PID with user-echo-server, as only one runs at a time.
uring_echo_start() {
	"${ON_SERVER[@]}" uring-echo-server -a 127.0.0.1 -p 12345 -b 65535 \
		-t "$1" 2>"$TEST_TMP/ues.log" &
	UES_PID=$!
	wait_port 12345
}

# ktcp_start SERVICE ARGS...: a kernel server whose connections run on the
# server CPUs (--wq percpu ignores them: it follows the packets); sets
# KTCP_ID.
KTCP_ID=
ktcp_start() {
	KTCP_ID=$(ktcp start "$1" --cpus "$SERVER_CPUS" "${@:2}" \
		--addr 127.0.0.1 --backlog 65535) ||
		fail "ktcp start $* failed"
}

ktcp_stop() {
	ktcp stop "$KTCP_ID"
}
