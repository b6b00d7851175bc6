/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrsctl: show nlrsd's interfaces, addresses, routes, ARP cache, TCP
 * connections, counters and pools over its control socket, and bring its
 * interfaces up or down.
 *
 * Protocol: connect to the Unix socket, write one line
 * "show <what> <text|json> [all]\n", "status <text|json>\n" or
 * "iface <name> <up|down>\n", read the
 * reply until nlrsd closes. A reply starting with "error: " is a refusal.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef NLRS_VERSION
#define NLRS_VERSION "0.1.0"
#endif
#define DEFAULT_SOCKET "/run/nlrs/nlrsd.sock"
#define REPLY_MAX (128u << 20) /* above nlrsd's own cap, NLRSD_CTL_REPLY_MAX (64 MiB) */
#define TIMEOUT_MS 10000

static const char usage[] =
	"Usage:\n"
	"nlrsctl [--socket PATH] [--json] [show] [interfaces|addresses|routes|arp|tcp|counters|pools|all]\n"
	"nlrsctl [--socket PATH] status\n"
	"nlrsctl [--socket PATH] iface NAME up|down\n"
	"\n"
	"Show the state of the Netloom stack process nlrsd (default: show all),\n"
	"or bring one of its interfaces up or down.\n"
	"\n"
	"  --socket PATH  nlrsd's control socket (default $NLRS_SOCKET, else\n"
	"                 " DEFAULT_SOCKET ")\n"
	"  --json         print nlrsd's reply as one JSON object\n"
	"  --all          text counters: list zero counters too\n"
	"  -h, --help     show this help\n"
	"  -V, --version  show the version\n"
	"\n"
	"Exit status: 0 on success, 1 if nlrsd cannot be reached or refuses,\n"
	"2 for a usage error.\n";

static const char *const objects[] = { "interfaces", "addresses", "routes", "arp",   "tcp",
				       "counters",   "pools",     "all",    "status" };

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "nlrsctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'nlrsctl --help'.\n");
	return 2;
}

static long ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000L + (end->tv_nsec - now.tv_nsec) / 1000000L;
}

/* Wait for fd to be ready for `events` before `end`. 0, or -1 on timeout. */
static int wait_fd(int fd, short events, const struct timespec *end)
{
	struct pollfd p = { .fd = fd, .events = events };
	long left;
	int n;

	do {
		left = ms_left(end);
		if (left <= 0)
			return -1;
		n = poll(&p, 1, (int)left);
	} while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *path = getenv("NLRS_SOCKET");
	const char *what = NULL;
	bool json = false, all = false, status = false, saw_show = false;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timespec end;
	char req[96];
	const char *ifname = NULL, *ifstate = NULL;
	char *reply = NULL;
	size_t len = 0, cap = 0;
	int fd, n;

	if (!path || !*path)
		path = DEFAULT_SOCKET;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			puts("nlrsctl " NLRS_VERSION);
			return 0;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--all")) {
			all = true;
		} else if (!strcmp(a, "--socket")) {
			if (++i >= argc)
				return usage_error("%s: missing PATH", a);
			path = argv[i];
		} else if (!strncmp(a, "--socket=", 9)) {
			path = a + 9;
		} else if (a[0] == '-') {
			return usage_error("%s: unknown option", a);
		} else if (!strcmp(a, "show") && !saw_show && !what && !status) {
			saw_show = true;
		} else if (!strcmp(a, "status") && !saw_show && !what && !status) {
			status = true;
		} else if (!strcmp(a, "iface") && !saw_show && !what && !status) {
			if (i + 2 >= argc)
				return usage_error("%s: want iface NAME up|down", a);
			ifname = argv[++i];
			ifstate = argv[++i];
			if (strcmp(ifstate, "up") && strcmp(ifstate, "down"))
				return usage_error("iface: '%s' is not up or down", ifstate);
			if (!*ifname || strlen(ifname) > 15 || strpbrk(ifname, " \t\r\n"))
				return usage_error("iface: '%s' is not an interface name", ifname);
			status = true; /* no object may follow */
		} else if (!what && !status) {
			bool known = false;

			for (unsigned k = 0; k < sizeof(objects) / sizeof(objects[0]); k++)
				if (!strcmp(a, objects[k]))
					known = true;
			if (!known)
				return usage_error("unknown object '%s' (interfaces, addresses, routes, "
						   "arp, tcp, counters, pools, all, status)", a);
			what = a;
		} else {
			return usage_error("unexpected argument '%s'", a);
		}
	}
	if (!*path)
		return usage_error("%s--socket: empty path", "");
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "nlrsctl: socket path too long: %s\n", path);
		return 2;
	}
	if (ifname)
		snprintf(req, sizeof(req), "iface %s %s\n", ifname, ifstate);
	else if (status)
		snprintf(req, sizeof(req), "status %s\n", json ? "json" : "text");
	else
		snprintf(req, sizeof(req), "show %s %s%s\n", what ? what : "all", json ? "json" : "text",
			 all ? " all" : "");

	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "nlrsctl: cannot connect to %s: %s\n", path, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += TIMEOUT_MS / 1000;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		fprintf(stderr, "nlrsctl: cannot send to %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *np;

			if (cap >= REPLY_MAX) {
				fprintf(stderr, "nlrsctl: reply from %s too large\n", path);
				return 1;
			}
			cap = cap ? cap * 2 : 65536;
			np = realloc(reply, cap);
			if (!np) {
				fprintf(stderr, "nlrsctl: out of memory\n");
				return 1;
			}
			reply = np;
		}
		if (wait_fd(fd, POLLIN, &end)) {
			fprintf(stderr, "nlrsctl: no reply from %s within %d s\n", path, TIMEOUT_MS / 1000);
			return 1;
		}
		n = (int)recv(fd, reply + len, cap - len - 1, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nlrsctl: reading from %s: %s\n", path, strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!reply || len == 0) {
		fprintf(stderr, "nlrsctl: %s closed the connection without a reply\n", path);
		return 1;
	}
	reply[len] = 0;
	if (!strncmp(reply, "error: ", 7)) {
		fprintf(stderr, "nlrsctl: %s", reply);
		if (reply[len - 1] != '\n')
			fputc('\n', stderr);
		free(reply);
		return 1;
	}
	fwrite(reply, 1, len, stdout);
	free(reply);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
