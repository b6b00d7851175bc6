/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client library: a socket API over nlrsd, the Netloom stack process.
 * Part of libnlrs (hosted builds only). A program connects once with
 * nlrs_client_connect(); nlrsd hands it a shared-memory region of its own
 * (no other process can reach it) and the sockets then live in nlrsd's
 * stack, reached through rings in that region: send copies into the
 * socket's ring and returns, recv copies out of it; neither makes a system
 * call while nlrsd is busy.
 *
 * Conventions (close to POSIX, with the errno negated):
 *  - every call returns >= 0 or -errno (-EAGAIN, -ECONNRESET, ...);
 *  - socket descriptors ("sd") are small integers local to one client,
 *    not kernel file descriptors (the LD_PRELOAD shim maps fds to them);
 *  - addresses are struct sockaddr_in (AF_INET; AF_INET6 gives
 *    -EAFNOSUPPORT);
 *  - blocking per socket (SOCK_NONBLOCK, nlrs_set_nonblock) or per call
 *    (MSG_DONTWAIT); SO_RCVTIMEO/SO_SNDTIMEO bound blocking calls
 *    (-EAGAIN on expiry, -EINPROGRESS for connect), a signal handler
 *    ends them with -EINTR;
 *  - thread-safe: any thread may use any socket of the client; calls on
 *    one socket in one direction are serialised;
 *  - never raises SIGPIPE (MSG_NOSIGNAL is implied);
 *  - if nlrsd dies or stops, every call fails within about 100 ms, never
 *    hangs: stream recv -ECONNRESET (after the bytes already received),
 *    send -EPIPE, the other calls -ENETDOWN;
 *  - not fork-safe: a child must not use its parent's client (the region
 *    rings have one producer each); connect a new client in the child.
 */
#ifndef NLRS_CLIENT_H
#define NLRS_CLIENT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nlrs_client;

/* The app socket path used when nlrs_client_connect gets NULL:
 * $NLRS_APP_SOCKET, else $NLRS_SOCKET with ".app" appended, else
 * "/run/nlrs/nlrsd.sock.app" (nlrsd serves the app socket next to its
 * control socket). Writes at most len bytes; returns buf. */
const char *nlrs_client_default_path(char *buf, size_t len);

struct nlrs_client_opts {
	unsigned sockets;   /* socket slots; 0: nlrsd's default (64), capped at 4096 */
	unsigned ring_size; /* bytes per direction per socket, rounded up to a power
			     * of 2 in 128 KiB..16 MiB; 0: nlrsd's default (256 KiB) */
};

/* Connect to nlrsd's app socket at path (NULL: the default above).
 * 0 and *out, or -errno: -ENOENT/-ECONNREFUSED (no nlrsd there), -EACCES
 * (nlrsd refused this uid), -EPROTO (not an nlrsd, or another version). */
int nlrs_client_connect(struct nlrs_client **out, const char *path);
int nlrs_client_connect_opts(struct nlrs_client **out, const char *path,
			     const struct nlrs_client_opts *opts);
/* Close every socket of the client (as close() would) and disconnect.
 * No call on c may be running or follow. */
void nlrs_client_close(struct nlrs_client *c);
/* In a child after fork(): let go of the parent's client without closing
 * its sockets (they stay the parent's): unmaps the region, closes the
 * child's copies of the fds, frees c. The child connects its own. */
void nlrs_client_forget(struct nlrs_client *c);
/* false once nlrsd is known to be gone. */
bool nlrs_client_alive(struct nlrs_client *c);
/* The number of socket slots nlrsd granted. */
unsigned nlrs_client_slots(const struct nlrs_client *c);

/* An fd for the program's own poll/select/epoll: readable when something
 * may have changed on any socket of the client, or when nlrsd is gone.
 * Then call nlrs_client_clear() and look at the sockets with
 * nlrs_revents(). The first call arms the notification (nlrsd writes an
 * eventfd only for clients that asked). -errno on failure. */
int nlrs_client_fd(struct nlrs_client *c);
void nlrs_client_clear(struct nlrs_client *c);

/* domain AF_INET; type SOCK_STREAM, SOCK_DGRAM or SOCK_RAW, optionally
 * | SOCK_NONBLOCK (| SOCK_CLOEXEC is accepted and ignored). */
int nlrs_socket(struct nlrs_client *c, int domain, int type, int protocol);
int nlrs_bind(struct nlrs_client *c, int sd, const struct sockaddr *addr, socklen_t len);
int nlrs_listen(struct nlrs_client *c, int sd, int backlog);
/* flags: SOCK_NONBLOCK for the new socket. addr/len may be NULL. */
int nlrs_accept(struct nlrs_client *c, int sd, struct sockaddr *addr, socklen_t *len, int flags);
/* Streams: blocks until established (or -EINPROGRESS when non-blocking;
 * the socket turns writable when done, SO_ERROR says how). Datagrams:
 * sets the default destination; AF_UNSPEC undoes it. */
int nlrs_connect(struct nlrs_client *c, int sd, const struct sockaddr *addr, socklen_t len);
/* flags: MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE (ignored) */
ssize_t nlrs_send(struct nlrs_client *c, int sd, const void *buf, size_t len, int flags);
ssize_t nlrs_sendto(struct nlrs_client *c, int sd, const void *buf, size_t len, int flags,
		    const struct sockaddr *to, socklen_t tolen);
ssize_t nlrs_sendmsg(struct nlrs_client *c, int sd, const struct msghdr *msg, int flags);
/* flags: MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL (streams), MSG_TRUNC
 * (datagrams: return the real length). recvmsg sets msg_flags MSG_TRUNC
 * when a datagram was cut; no control messages (msg_controllen = 0). */
ssize_t nlrs_recv(struct nlrs_client *c, int sd, void *buf, size_t len, int flags);
ssize_t nlrs_recvfrom(struct nlrs_client *c, int sd, void *buf, size_t len, int flags,
		      struct sockaddr *from, socklen_t *fromlen);
ssize_t nlrs_recvmsg(struct nlrs_client *c, int sd, struct msghdr *msg, int flags);
/* Streams: unread received data resets the connection (as Linux);
 * otherwise what was sent is delivered, then FIN. Returns at once. */
int nlrs_close(struct nlrs_client *c, int sd);
int nlrs_shutdown(struct nlrs_client *c, int sd, int how);
/* SOL_SOCKET: SO_ERROR SO_TYPE SO_DOMAIN SO_PROTOCOL SO_ACCEPTCONN
 * SO_RCVBUF SO_SNDBUF SO_BROADCAST SO_KEEPALIVE SO_LINGER SO_REUSEADDR
 * SO_REUSEPORT (accepted, no effect) SO_RCVTIMEO SO_SNDTIMEO;
 * IPPROTO_IP: IP_TTL; IPPROTO_TCP: TCP_NODELAY TCP_CORK TCP_QUICKACK
 * TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT TCP_USER_TIMEOUT TCP_MAXSEG
 * TCP_SYNCNT TCP_DEFER_ACCEPT. Others: -ENOPROTOOPT. */
int nlrs_getsockopt(struct nlrs_client *c, int sd, int level, int name, void *val,
		    socklen_t *len);
int nlrs_setsockopt(struct nlrs_client *c, int sd, int level, int name, const void *val,
		    socklen_t len);
int nlrs_getsockname(struct nlrs_client *c, int sd, struct sockaddr *addr, socklen_t *len);
int nlrs_getpeername(struct nlrs_client *c, int sd, struct sockaddr *addr, socklen_t *len);
int nlrs_set_nonblock(struct nlrs_client *c, int sd, bool on);
/* 1 non-blocking, 0 blocking, or -EBADF. */
int nlrs_get_nonblock(struct nlrs_client *c, int sd);
/* Bytes waiting (streams) or the next datagram's length (FIONREAD). */
int nlrs_readable_bytes(struct nlrs_client *c, int sd);

/* Readiness of one socket now, as poll(2) revents for `events` (POLLIN,
 * POLLOUT, POLLRDHUP; POLLERR and POLLHUP are always reported;
 * POLLNVAL for a bad sd). Never blocks. */
short nlrs_revents(struct nlrs_client *c, int sd, short events);

struct nlrs_pollfd {
	int sd;
	short events;
	short revents;
};
/* poll(2) over client sockets: the number ready, 0 on timeout, -EINTR.
 * timeout_ms < 0 waits for ever. */
int nlrs_poll(struct nlrs_client *c, struct nlrs_pollfd *fds, unsigned n, int timeout_ms);

/* For an LD_PRELOAD library built on this one: the system calls the
 * client library makes on its own fds (the app socket, the eventfds, the
 * epoll fd of nlrs_client_fd). A shim that defines functions of these
 * names must hand the real ones here (dlsym(RTLD_NEXT, ...)), before the
 * first nlrs_client_connect, or the library would call the shim's
 * wrappers. NULL members keep the current function. Besides these, the
 * library calls only fstat, mmap, munmap, clock_gettime, getenv and
 * syscall(SYS_futex). */
struct nlrs_client_sys {
	int (*socket)(int, int, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*close)(int);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*poll)(struct pollfd *, nfds_t, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*epoll_create1)(int);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
};
void nlrs_client_set_sys(const struct nlrs_client_sys *sys);

#ifdef __cplusplus
}
#endif
#endif
