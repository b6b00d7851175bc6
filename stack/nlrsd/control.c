/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control socket server. Protocol (one exchange per connection):
 *   client: "show <what> <text|json> [all]\n" or "status <text|json>\n"
 *           or "iface <name> <up|down>\n" (answered "ok: <name> <up|down>\n")
 *   nlrsd:  the reply, or "error: <reason>\n"; then nlrsd closes.
 * Peers are checked with SO_PEERCRED: root or nlrsd's own uid.
 */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "log.h"
#include "nlrs/netdev.h"

static void client_close(struct nlrsd_control *c, struct nlrsd_ctl_client *cl)
{
	if (cl->fd < 0)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	cl->fd = -1;
	nlrsd_sb_free(&cl->out);
}

/* mkdir -p of the directory part of path (mode 0755 for new levels). */
static int mkdir_parents(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = 0;
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Is a live server listening on addr? Used to refuse a second nlrsd. */
static bool socket_alive(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return alive;
}

void nlrsd_control_init(struct nlrsd_control *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->epfd = -1;
	for (unsigned i = 0; i < NLRSD_CTL_CLIENTS; i++)
		c->cl[i].fd = -1;
}

int nlrsd_control_check(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int rc;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		nlrsd_log(NLRS_LOG_ERR, "control socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	rc = mkdir_parents(path);
	if (rc) {
		nlrsd_log(NLRS_LOG_ERR, "control socket %s: cannot create its directory: %s", path,
			  strerror(-rc));
		return rc;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			nlrsd_log(NLRS_LOG_ERR, "control socket %s: exists and is not a socket", path);
			return -EEXIST;
		}
		if (socket_alive(&addr)) {
			nlrsd_log(NLRS_LOG_ERR, "control socket %s: another nlrsd is serving it", path);
			return -EADDRINUSE;
		}
		nlrsd_log(NLRS_LOG_DEBUG, "control socket %s: removing a stale socket", path);
		unlink(path); /* left by a process that died */
	}
	return 0;
}

int nlrsd_control_open(struct nlrsd_control *c, const char *path, int epfd, uint64_t tag_listen,
		       uint64_t tag_client)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	mode_t old_umask;
	int rc;

	nlrsd_control_init(c);
	c->epfd = epfd;
	c->tag_listen = tag_listen;
	c->tag_client = tag_client;
	c->uid = geteuid();
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	snprintf(c->path, sizeof(c->path), "%s", path);

	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto err;
	/* no window in which the socket is more open than 0660 */
	old_umask = umask(0117);
	rc = bind(c->fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_umask);
	if (rc)
		goto err_close;
	c->bound = true;
	if (chmod(path, 0660) || listen(c->fd, 16))
		goto err_close;
	ev.data.u64 = tag_listen;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev))
		goto err_close;
	return 0;

err_close:
	rc = -errno;
	nlrsd_control_close(c);
	errno = -rc;
err:
	rc = -errno;
	nlrsd_log(NLRS_LOG_ERR, "control socket %s: %s", path, strerror(-rc));
	return rc;
}

void nlrsd_control_set_stack(struct nlrsd_control *c, struct nlrs_stack *s, const char *version,
			     nlrs_time_t started)
{
	c->s = s;
	c->status.version = version;
	c->status.started = started;
}

static void client_reply(struct nlrsd_control *c, struct nlrsd_ctl_client *cl);

static void client_error(struct nlrsd_control *c, struct nlrsd_ctl_client *cl, const char *msg)
{
	nlrsd_sb_reset(&cl->out);
	nlrsd_sb_printf(&cl->out, "error: %s\n", msg);
	client_reply(c, cl);
}

void nlrsd_control_accept(struct nlrsd_control *c, nlrs_time_t now)
{
	/* bounded: the listener is level-triggered, leftovers come next wake */
	for (int k = 0; k < NLRSD_CTL_CLIENTS; k++) {
		struct nlrsd_ctl_client *cl = NULL;
		struct epoll_event ev = { .events = EPOLLIN };
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				nlrsd_log(NLRS_LOG_WARN, "control socket: accept: %s", strerror(errno));
			return;
		}
		for (unsigned i = 0; i < NLRSD_CTL_CLIENTS; i++) {
			if (c->cl[i].fd < 0) {
				cl = &c->cl[i];
				break;
			}
		}
		if (!cl) {
			static const char busy[] = "error: busy, too many control clients\n";

			(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		memset(cl, 0, sizeof(*cl));
		cl->fd = fd;
		cl->deadline = now + NLRSD_CTL_TIMEOUT;
		nlrsd_sb_init(&cl->out, NLRSD_CTL_REPLY_MAX);
		ev.data.u64 = c->tag_client + (uint64_t)(cl - c->cl);
		if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			nlrsd_log(NLRS_LOG_WARN, "control socket: epoll: %s", strerror(errno));
			close(fd);
			cl->fd = -1;
			continue;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || clen != sizeof(cred) ||
		    (cred.uid != 0 && cred.uid != c->uid)) {
			nlrsd_log(NLRS_LOG_WARN, "control socket: refused peer uid %ld pid %ld",
				  clen == sizeof(cred) ? (long)cred.uid : -1L,
				  clen == sizeof(cred) ? (long)cred.pid : -1L);
			/* answered once its line is read: closing with the
			 * request unread would reset the connection and the
			 * peer would never see why */
			cl->denied = true;
			continue;
		}
	}
}

/* Render the reply for the line in cl->in and start writing it. */
static void client_request(struct nlrsd_control *c, struct nlrsd_ctl_client *cl)
{
	struct nlrsd_request rq;
	char err[160];

	cl->in[cl->inlen] = 0;
	if (cl->denied) {
		client_error(c, cl, "permission denied");
		return;
	}
	if (nlrsd_request_parse(cl->in, &rq, err, sizeof(err))) {
		client_error(c, cl, err);
		return;
	}
	if (rq.set_iface) {
		int ifx = nlrs_iface_find(c->s, rq.iface);
		int rc = ifx < 0 ? ifx : nlrs_iface_set_up(c->s, ifx, rq.up);

		if (ifx < 0) {
			snprintf(err, sizeof(err), "no interface '%s'", rq.iface);
			client_error(c, cl, err);
			return;
		}
		if (rc) {
			snprintf(err, sizeof(err), "%s: %s", rq.iface, strerror(-rc));
			client_error(c, cl, err);
			return;
		}
		nlrsd_log(NLRS_LOG_INFO, "%s: set %s by nlrsctl", rq.iface, rq.up ? "up" : "down");
		nlrsd_sb_reset(&cl->out);
		nlrsd_sb_printf(&cl->out, "ok: %s %s\n", rq.iface, rq.up ? "up" : "down");
		client_reply(c, cl);
		return;
	}
	c->status.now = nlrs_clock_now();
	c->status.pid = (long)getpid();
	nlrsd_render(&cl->out, c->s, &c->status, &rq);
	if (cl->out.full) {
		client_error(c, cl, "reply too large");
		return;
	}
	client_reply(c, cl);
}

/* Read and discard until the peer closes. Returns when nothing waits. */
static void client_drain(struct nlrsd_control *c, struct nlrsd_ctl_client *cl)
{
	char scratch[512];

	for (;;) {
		ssize_t n = recv(cl->fd, scratch, sizeof(scratch), MSG_DONTWAIT);

		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		client_close(c, cl);
		return;
	}
}

/* The reply is out: signal end of reply, then wait for the peer to close.
 * Closing at once with unread input would turn into a connection reset
 * that can overtake the reply at the peer. */
static void client_finish(struct nlrsd_control *c, struct nlrsd_ctl_client *cl)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = c->tag_client + (uint64_t)(cl - c->cl) };

	if (shutdown(cl->fd, SHUT_WR) || epoll_ctl(c->epfd, EPOLL_CTL_MOD, cl->fd, &ev)) {
		client_close(c, cl);
		return;
	}
	cl->state = NLRSD_CL_DRAIN;
	nlrsd_sb_free(&cl->out);
	client_drain(c, cl);
}

static void client_write(struct nlrsd_control *c, struct nlrsd_ctl_client *cl)
{
	while (cl->outoff < cl->out.len) {
		ssize_t n = send(cl->fd, cl->out.p + cl->outoff, cl->out.len - cl->outoff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return; /* EPOLLOUT brings us back */
			client_close(c, cl);
			return;
		}
		cl->outoff += (size_t)n;
	}
	client_finish(c, cl);
}

static void client_reply(struct nlrsd_control *c, struct nlrsd_ctl_client *cl)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = c->tag_client + (uint64_t)(cl - c->cl) };

	cl->state = NLRSD_CL_WRITE;
	cl->outoff = 0;
	if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, cl->fd, &ev)) {
		client_close(c, cl);
		return;
	}
	client_write(c, cl);
}

void nlrsd_control_event(struct nlrsd_control *c, unsigned slot, uint32_t events)
{
	struct nlrsd_ctl_client *cl;

	if (slot >= NLRSD_CTL_CLIENTS || c->cl[slot].fd < 0)
		return;
	cl = &c->cl[slot];
	if (cl->state == NLRSD_CL_WRITE) {
		if (events & EPOLLERR)
			client_close(c, cl);
		else
			client_write(c, cl);
		return;
	}
	if (cl->state == NLRSD_CL_DRAIN) {
		client_drain(c, cl);
		return;
	}
	for (;;) {
		char *nl;
		ssize_t n = recv(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - 1 - cl->inlen, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			client_close(c, cl);
			return;
		}
		if (n == 0) {
			/* EOF before a newline: answer a non-empty line anyway */
			if (cl->inlen)
				client_request(c, cl);
			else
				client_close(c, cl);
			return;
		}
		nl = memchr(cl->in + cl->inlen, '\n', (size_t)n);
		cl->inlen += (size_t)n;
		if (nl) {
			cl->inlen = (size_t)(nl - cl->in);
			client_request(c, cl);
			return;
		}
		if (cl->inlen >= sizeof(cl->in) - 1) {
			client_error(c, cl, "request too long");
			return;
		}
	}
}

nlrs_time_t nlrsd_control_expire(struct nlrsd_control *c, nlrs_time_t now)
{
	nlrs_time_t next = NLRS_TIME_NEVER;

	for (unsigned i = 0; i < NLRSD_CTL_CLIENTS; i++) {
		struct nlrsd_ctl_client *cl = &c->cl[i];

		if (cl->fd < 0)
			continue;
		if (cl->deadline <= now) {
			nlrsd_log(NLRS_LOG_DEBUG, "control socket: client timed out");
			client_close(c, cl);
		} else if (cl->deadline < next) {
			next = cl->deadline;
		}
	}
	return next;
}

void nlrsd_control_close(struct nlrsd_control *c)
{
	for (unsigned i = 0; i < NLRSD_CTL_CLIENTS; i++)
		client_close(c, &c->cl[i]);
	if (c->fd >= 0) {
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	if (c->bound) {
		unlink(c->path);
		c->bound = false;
	}
}
