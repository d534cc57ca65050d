/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command-line argument parsing: pure functions, no netlink, no output.
 * Each returns 0, or -EINVAL/-ERANGE with a message in e->msg that quotes
 * the bad input (sanitized: shortened, control characters replaced).
 */
#ifndef KTCP_CLI_ARGS_H
#define KTCP_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <ktcp.h>
#include <linux/ktcp.h>

struct args_err {
	char msg[192];
};

int args_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v,
	     struct args_err *e);
/* Format the message into e->msg and return err, for one-line failures. */
__attribute__((format(printf, 3, 4))) int args_fail(struct args_err *e, int err,
						    const char *fmt, ...);
/* A TCP port: 1 to ARGS_PORT_MAX (0 is "any", never what a user means). */
#define ARGS_PORT_MAX 65535
int args_port(const char *s, uint16_t *port, struct args_err *e);
int args_id(const char *s, uint32_t *id, struct args_err *e);
/* "500" and "500ms" are milliseconds; "30s", "5m", "1h" are converted. */
int args_duration_ms(const char *s, uint32_t max_ms, uint32_t *ms,
		     struct args_err *e);
/* The same, with a lower bound too. */
int args_duration_ms_range(const char *s, uint32_t min_ms, uint32_t max_ms,
			   uint32_t *ms, struct args_err *e);
/*
 * A size in bytes, into KiB: "0" (unlimited), "65536" (bytes), "64K" or
 * "64KiB", "64M"/"64MiB", "1G"/"1GiB", "1T"/"1TiB" (powers of 1024). A
 * number of bytes must be a whole number of KiB. -ERANGE beyond max_kb.
 */
int args_size_kb(const char *s, uint32_t max_kb, uint32_t *kb,
		 struct args_err *e);
/*
 * A CPU list as taskset -c takes it, without strides: "N" or "N-M" (N <=
 * M), separated by commas, at most KTCP_CPUS_MAX characters, CPUs 0 to
 * ARGS_CPU_MAX. Whether they are online is the kernel's to say.
 */
#define ARGS_CPU_MAX 65535U
int args_cpus(const char *s, struct args_err *e);
int args_addr(const char *s, struct ktcp_addr *addr, struct args_err *e);
int args_wq(const char *s, uint8_t *wq, struct args_err *e);
int args_service(const char *s, char *out, struct args_err *e);
/* A document root: an absolute path of at most max characters. */
int args_root(const char *s, size_t max, struct args_err *e);

/*
 * A user to serve files as (start http --user): uid, primary gid and
 * supplementary groups, as a daemon that drops privileges would take them.
 */
struct args_user {
	uint32_t uid;
	uint32_t gid;
	uint32_t ngroups;
	uint32_t groups[KTCP_HTTP_GROUPS_MAX];
};
/*
 * USER or UID: a name is looked up with getpwnam(), digits with
 * getpwuid(); the groups come from getgrouplist(). A UID without a passwd
 * entry is taken as it is, with the same number as its gid and no
 * supplementary groups. Errors name the input: -EINVAL (no such user),
 * -ERANGE (a uid beyond 4294967294, more than KTCP_HTTP_GROUPS_MAX groups).
 */
int args_user(const char *s, struct args_user *u, struct args_err *e);

/* Bounds the CLI checks that <linux/ktcp.h> does not name (khttpd's). */
#define ARGS_HTTP_REQUEST_LINE_MIN 64
#define ARGS_HTTP_REQUEST_LINE_MAX 32768
#define ARGS_HTTP_HEADER_MIN 256
#define ARGS_HTTP_HEADER_MAX 65536

/* Option codes of the settings that both `start` and `set` take. */
enum {
	ARGS_OPT_PORT = 'p',
	ARGS_OPT_PORT_OLD = 'P', /* -P: the short form before -p */
	ARGS_OPT_ADDR = 'a',
	ARGS_OPT_BACKLOG = 'b',
	ARGS_OPT_MAX_CONNS = 'm',
	ARGS_OPT_IDLE = 't',
	ARGS_OPT_MAX_MEM = 512, /* long only; subcommands use 256.. */
	ARGS_OPT_CPUS,
};
#define ARGS_SETTINGS_SHORT "p:P:a:b:m:t:"
/*
 * Parse one of those into cfg, setting its KTCP_HAS_* bit. Returns 0,
 * -errno with e filled, or -ENOENT for any other option.
 */
int args_server_setting(int c, const char *arg, struct ktcp_server_cfg *cfg,
			struct args_err *e);
/* s made safe to print in quotes: at most len - 1 bytes, "..." if cut. */
void args_quote(const char *s, char *buf, size_t len);

#endif /* KTCP_CLI_ARGS_H */
