/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * JSON shaping and text output. Every command builds a json-c object from
 * the library's structs; --json prints it, and the text form is rendered
 * from the same object, so the two cannot drift apart. The schema is in
 * docs/json.md.
 */
#ifndef KTCP_CLI_SHOW_H
#define KTCP_CLI_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include <ktcp.h>

struct json_object *show_stats(const struct ktcp_stats *st);
struct json_object *show_server(const struct ktcp_server *srv);
struct json_object *show_servers(const struct ktcp_server *arr, size_t n);
struct json_object *show_event(const struct ktcp_event *ev);

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

#endif /* KTCP_CLI_SHOW_H */
