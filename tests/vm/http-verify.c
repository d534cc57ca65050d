// SPDX-License-Identifier: GPL-2.0
/*
 * http-verify: GET one URL path over HTTP/1.1 and compare the body byte
 * for byte with a local file, reporting the first difference.
 *
 * A guest test helper for large downloads: piping 1 GiB through curl and
 * sha256sum takes minutes under TCG, this takes seconds. The body is read
 * in large chunks, and the holes of a sparse file are compared against
 * zeros without reading them (SEEK_DATA/SEEK_HOLE), so the cost is the
 * download plus a memcmp.
 */
#include "vmtest.h"

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define HEAD_MAX 8192

/* vt_usage() prints it after "Usage: <program> ". */
static const char usage[] =
	"[-a ADDR] [-p PORT] PATH FILE\n"
	"GET PATH from ADDR:PORT (default 127.0.0.1:8081) and compare "
	"the body with FILE.\n"
	"Exit status: 0 identical, 1 different (the first differing "
	"offset is printed),\n2 usage or I/O error.\n";

static int connect_to(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd;

	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		errx(2, "'%s' is not an IPv4 address", addr);
	fd = vt_connect(&sin);
	if (fd < 0)
		err(2, "connect");
	return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0)
			err(2, "send");
		p += w;
		n -= w;
	}
}

/*
 * Read the response head into @head; what came after it (the start of
 * the body) is moved to @body. Returns the body bytes moved.
 */
static size_t read_head(int fd, char *head, char *body)
{
	size_t len = 0;
	char *end;

	for (;;) {
		ssize_t r = recv(fd, head + len, HEAD_MAX - 1 - len, 0);

		if (r <= 0)
			errx(2, "connection closed in the head");
		len += r;
		head[len] = '\0';
		end = strstr(head, "\r\n\r\n");
		if (end)
			break;
		if (len == HEAD_MAX - 1)
			errx(2, "response head too long");
	}
	end += 4;
	len -= end - head;
	memcpy(body, end, len);
	*end = '\0';
	return len;
}

static uint64_t content_length(const char *head)
{
	const char *p = strcasestr(head, "\r\nContent-Length:");

	if (strncmp(head, "HTTP/1.", 7) || strncmp(head + 8, " 200 ", 5))
		errx(1, "not a 200 response: %.*s", (int)strcspn(head, "\r"),
		     head);
	if (!p)
		errx(1, "no Content-Length");
	return strtoull(p + 17, NULL, 10);
}

/* The file's bytes at @off into @buf; holes read as zeros, unread. */
static void file_bytes(int fd, uint64_t off, char *buf, size_t n)
{
	off_t data = lseek(fd, off, SEEK_DATA);
	size_t done = 0;

	if (data < 0 && errno != ENXIO)
		err(2, "lseek");
	if (data < 0 || (uint64_t)data >= off + n) {
		memset(buf, 0, n); /* all hole */
		return;
	}
	while (done < n) {
		ssize_t r = pread(fd, buf + done, n - done, off + done);

		if (r < 0)
			err(2, "pread");
		if (!r)
			errx(1, "file shorter than the body");
		done += r;
	}
}

/* Compare @n body bytes at @off with the file; exits at a difference. */
static void compare(int file, uint64_t off, const char *got, size_t n,
		    char *want)
{
	size_t i;

	file_bytes(file, off, want, n);
	if (!memcmp(got, want, n))
		return;
	for (i = 0; got[i] == want[i]; i++)
		;
	errx(1, "differs at byte %" PRIu64 ": got 0x%02x, want 0x%02x", off + i,
	     (unsigned char)got[i], (unsigned char)want[i]);
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	int port = 8081, opt, sock, file;
	char req[4096], head[HEAD_MAX];
	uint64_t length, off = 0;
	char *got, *want;
	struct stat st;
	size_t have;

	while ((opt = getopt(argc, argv, "a:p:h")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'h':
			vt_usage(usage, 0);
		default:
			vt_usage(usage, 2);
		}
	}
	if (argc - optind != 2 || port <= 0 || port > 65535)
		vt_usage(usage, 2);
	file = open(argv[optind + 1], O_RDONLY);
	if (file < 0 || fstat(file, &st))
		err(2, "%s", argv[optind + 1]);
	got = malloc(CHUNK);
	want = malloc(CHUNK);
	if (!got || !want)
		err(2, "malloc");

	sock = connect_to(addr, port);
	snprintf(req, sizeof(req),
		 "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
		 argv[optind], addr);
	send_all(sock, req, strlen(req));
	have = read_head(sock, head, got);
	length = content_length(head);
	if (length != (uint64_t)st.st_size)
		errx(1, "Content-Length %" PRIu64 ", file %jd", length,
		     (intmax_t)st.st_size);
	for (;;) {
		ssize_t r;

		if (have > length - off)
			errx(1, "more than Content-Length");
		compare(file, off, got, have, want);
		off += have;
		r = recv(sock, got, CHUNK, 0);
		if (r < 0)
			err(2, "recv");
		if (!r)
			break;
		have = r;
	}
	if (off != length)
		errx(1, "body ended after %" PRIu64 " of %" PRIu64 " bytes",
		     off, length);
	printf("%s: %" PRIu64 " bytes identical\n", argv[optind], off);
	return 0;
}
