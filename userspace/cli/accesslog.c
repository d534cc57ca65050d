// SPDX-License-Identifier: GPL-2.0-only
/* Access records as Combined Log Format lines and JSON (accesslog.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "accesslog.h"

size_t accesslog_escape(char *out, const char *p, size_t len, bool quote)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c > 0x7e || c == '\\' || (quote && c == '"')) {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	return n;
}

/* A quoted field: "VALUE", or "-" without one. */
static size_t quoted(char *out, const char *p, size_t len, bool has)
{
	size_t n = 0;

	out[n++] = '"';
	if (has)
		n += accesslog_escape(out + n, p, len, true);
	else
		out[n++] = '-';
	out[n++] = '"';
	return n;
}

static void clf_time(char *buf, size_t len, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%d/%b/%Y:%H:%M:%S %z", &tm))
		snprintf(buf, len, "01/Jan/1970:00:00:00 +0000");
}

size_t accesslog_clf(char *out, const struct ktcp_log_record *r)
{
	char addr[INET6_ADDRSTRLEN], when[64];
	size_t n;

	if (ktcp_addr_format(&r->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "-");
	clf_time(when, sizeof(when), r->time_ns);
	n = (size_t)sprintf(out, "%s - - [%s] ", addr, when);
	if (r->has & KTCP_LOG_HAS_REQUEST) {
		out[n++] = '"';
		n += accesslog_escape(out + n, r->method, strlen(r->method),
				      true);
		out[n++] = ' ';
		n += accesslog_escape(out + n, r->target, r->target_len, true);
		n += (size_t)sprintf(out + n, " HTTP/1.%u\"", r->proto_minor);
	} else {
		n += quoted(out + n, NULL, 0, false);
	}
	n += (size_t)sprintf(out + n, " %u %llu ", r->status,
			     (unsigned long long)r->bytes);
	n += quoted(out + n, r->referer, r->referer_len,
		    r->has & KTCP_LOG_HAS_REFERER);
	out[n++] = ' ';
	n += quoted(out + n, r->user_agent, r->user_agent_len,
		    r->has & KTCP_LOG_HAS_USER_AGENT);
	out[n++] = '\n';
	out[n] = '\0';
	return n;
}

static int add(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return -1;
	json_object_object_add(o, key, v);
	return 0;
}

/* An escaped byte string (JSON escapes the quotes itself). */
static int add_bytes(struct json_object *o, const char *key, const char *p,
		     size_t len)
{
	char buf[4 * KTCP_ACCESS_TARGET_MAX + 1];
	size_t n;

	if (len > KTCP_ACCESS_TARGET_MAX)
		len = KTCP_ACCESS_TARGET_MAX;
	n = accesslog_escape(buf, p, len, false);
	return add(o, key, json_object_new_string_len(buf, (int)n));
}

struct json_object *accesslog_json(const struct ktcp_log_record *r)
{
	struct json_object *o = json_object_new_object();
	char addr[INET6_ADDRSTRLEN], proto[16];
	int err = 0;

	if (!o)
		return NULL;
	if (ktcp_addr_format(&r->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "-");
	err |= add(o, "server", json_object_new_int64(r->id));
	err |= add(o, "time_ns", json_object_new_uint64(r->time_ns));
	err |= add(o, "addr", json_object_new_string(addr));
	err |= add(o, "port", json_object_new_int(r->port));
	if (r->has & KTCP_LOG_HAS_REQUEST) {
		snprintf(proto, sizeof(proto), "HTTP/1.%u", r->proto_minor);
		err |= add_bytes(o, "method", r->method, strlen(r->method));
		err |= add_bytes(o, "target", r->target, r->target_len);
		err |= add(o, "proto", json_object_new_string(proto));
	}
	err |= add(o, "status", json_object_new_int(r->status));
	err |= add(o, "bytes", json_object_new_uint64(r->bytes));
	err |= add(o, "usec", json_object_new_uint64(r->usec));
	if (r->has & KTCP_LOG_HAS_REFERER)
		err |= add_bytes(o, "referer", r->referer, r->referer_len);
	if (r->has & KTCP_LOG_HAS_USER_AGENT)
		err |= add_bytes(o, "user_agent", r->user_agent,
				 r->user_agent_len);
	if (r->cut)
		err |= add(o, "cut", json_object_new_boolean(1));
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}
