/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * JSON shaping and text output. Every command builds a json-c object from
 * the library's structs; --json prints it, and the text form is rendered
 * from the same object, so the two cannot drift apart. The shapes are
 * docs/json.md's, checked against docs/ktcp.schema.json.
 */
#ifndef KTCP_CLI_SHOW_H
#define KTCP_CLI_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include <ktcp.h>

/* o[key] = v, a JSON number. */
void show_add_u64(struct json_object *o, const char *key, uint64_t v);
/*
 * A string the kernel reported, as JSON: a string when its @len bytes are
 * UTF-8, else an array of them as numbers 0-255 (as journalctl -o json
 * shows a binary field), since JSON text must be UTF-8 (RFC 8259) and
 * json-c would copy the bytes as they are. A path or an interface name
 * can hold any byte but NUL; this keeps it whole and the document valid.
 * The text rendering knows such an array from others (groups) by a mark
 * (userdata) on it. NULL without memory.
 */
struct json_object *show_bytes_string(const char *s, size_t len);
/*
 * o[key] = the NUL-terminated @s by show_bytes_string(): every string the
 * kernel reports goes this way, fixed ones too.
 */
void show_add_str(struct json_object *o, const char *key, const char *s);

struct json_object *show_stats(const struct ktcp_stats *st);
struct json_object *show_server(const struct ktcp_server *srv);
/*
 * {"count": N, "sum_ns": N, "p50_ns": ..., "p90_ns", "p99_ns", "p999_ns"
 * (the quantiles when there are samples), "buckets": [{"from_ns": A,
 * "to_ns": B, "count": N}, ...]}: the non-empty buckets, the last
 * without "to_ns" when it is the open one.
 */
struct json_object *show_latency(const struct ktcp_latency *lat);
/* "\tlatency: count N p50 12.3us p90 ... p99 ... p99.9 ...\n" */
void show_latency_text(FILE *f, struct json_object *lat);
/* A duration for people: "850ns", "12.3us", "4.56ms", "1.20s". */
int show_duration(char *buf, size_t len, uint64_t ns);
struct json_object *show_servers(const struct ktcp_server *arr, size_t n);
struct json_object *show_event(const struct ktcp_event *ev);
/* {"event": "lost"}: the kernel dropped events (ENOBUFS). */
struct json_object *show_lost(void);
/* {"addr": "::1", "port": 80}, as a server's "addr" and "port". */
struct json_object *show_endpoint(const struct ktcp_addr *addr, uint16_t port);
/* `ktcp drop`'s result: counts, and one object per socket. */
struct json_object *show_drop(const struct ktcp_drop_result *res, size_t n,
			      bool dry_run);

/* JSON text on one line, or indented with pretty; then a newline. */
int show_json(FILE *f, struct json_object *obj, bool pretty);
/*
 * Text form of an object: "ID: SERVICE key value ..." when it has an id
 * (a server or an event), "key value ..." otherwise; nested objects go on
 * indented lines of their own as "name: key value ...".
 */
void show_text(FILE *f, struct json_object *obj);
/* "LABEL: key value ..." on one line, from obj's scalar members. */
void show_text_line(FILE *f, const char *label, struct json_object *obj);
/*
 * A value as show_text() prints it: a string or a show_bytes_string()
 * array escaped for a terminal (show_escape()), anything else as JSON.
 */
void show_text_value(FILE *f, struct json_object *v);
/*
 * @len bytes of @s for a terminal, into @out (room for 4 * @len + 1,
 * NUL-terminated): printable UTF-8 as it is; control characters (C0, DEL,
 * C1), bytes that are not UTF-8 and the backslash as "\xHH", so that
 * no byte can drive the terminal and the text says which bytes they were.
 * Returns the length.
 */
size_t show_escape(char *out, const char *s, size_t len);

#endif /* KTCP_CLI_SHOW_H */
