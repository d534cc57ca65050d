/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configuration file of `ktcp apply` and `ktcp save` (ktcp.conf(5)):
 * parsing, writing, and comparing a server of the file with a running
 * one. Pure: no netlink; the only lookups are a user's (args_user())
 * and the host's CPU lists (config_cpus_read()).
 *
 *   # comment
 *   [server web]
 *   service = http
 *   port = 8081
 *   root = /srv/www
 *
 * Keys are the long options of `ktcp start`; flags take yes or no.
 */
#ifndef KTCP_CLI_CONFIG_H
#define KTCP_CLI_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "args.h"

#define CONFIG_DEFAULT_PATH "/etc/ktcp/ktcp.conf"
/* Where the host's CPU lists are: config_cpus_read(). */
#define CONFIG_CPU_DIR "/sys/devices/system/cpu"
/* Longest line, newline excluded: a root of KTCP_PATH_MAX and its key. */
#define CONFIG_LINE_MAX 8192

/* One [server NAME] section. */
struct config_server {
	char name[KTCP_SERVER_NAME_LEN];
	unsigned int line; /* of its header */
	/* cfg.name, cfg.http_root, cfg.cpus point into this struct */
	struct ktcp_server_cfg cfg;
	char root[KTCP_PATH_MAX + 1];
	char cpus[KTCP_CPUS_MAX + 1];
	char user_arg[64]; /* as written, for messages and save */
	struct args_user user;
};

struct config {
	struct config_server *servers;
	size_t n;
};

/*
 * Parse the whole of @f. Returns 0 with @c filled (free with
 * config_free()), or -EINVAL/-ERANGE/-ENOMEM/-EIO with
 * "PATH:LINE: reason" in e->msg and @c empty. @path is for messages.
 */
int config_parse(FILE *f, const char *path, struct config *c,
		 struct args_err *e);
void config_free(struct config *c);
const struct config_server *config_find(const struct config *c,
					const char *name);

/* What apply must do to make a running server what the file says. */
enum config_action {
	CONFIG_SAME = 0,
	CONFIG_SET, /* ktcp_server_set() with the cfg config_diff() filled */
	CONFIG_RESTART, /* something `set` cannot change: stop, start */
};

/*
 * The host's CPU lists ("0-7"), each NULL when it cannot be read. A
 * server started without cpus runs on every possible CPU (the kernel's
 * cpu_possible_mask, offline ones included), which is what a file
 * without cpus means; but a CPU list sent with set must be online.
 */
struct config_cpus {
	const char *possible;
	const char *online;
	char buf[2][KTCP_CPUS_MAX + 2];
};

/* Read @cpus from @dir, the host's "/sys/devices/system/cpu". */
void config_cpus_read(struct config_cpus *cpus, const char *dir);

/*
 * Compare @want with the running @have. @cpus: the host's; NULL, or a
 * NULL list: do not compare CPUs that the file does not give. Fills @set
 * with what `set` must send (pointing into @want or @cpus) and @keys with
 * the keys that differ, comma separated ("port, max-conns").
 */
enum config_action config_diff(const struct config_server *want,
			       const struct ktcp_server *have,
			       const struct config_cpus *cpus,
			       struct ktcp_server_cfg *set, char *keys,
			       size_t len);

/*
 * Write @srv as a section of the file: every setting that is not its
 * service's default. A server without a name is written commented out
 * (apply does not manage it). Returns 0, -EIO, or -EINVAL with e->msg
 * naming the server and the value when one would not read back the same
 * (a root with a newline or ending in a blank); then nothing is written.
 */
int config_write(FILE *f, const struct ktcp_server *srv,
		 const struct config_cpus *cpus, struct args_err *e);

#endif /* KTCP_CLI_CONFIG_H */
