/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * App sessions: the shared-memory service behind the client library
 * (include/nlrs/client.h) and the LD_PRELOAD shim. nlrsd listens on a
 * second Unix socket (SOCK_SEQPACKET), the app socket, by default the
 * control socket's path with ".app" appended. An app connects, nlrsd
 * checks it with SO_PEERCRED (root, nlrsd's own uid, or a member of the
 * group $NLRSD_APP_GROUP names),
 * makes a sealed memfd region for it (shim/ring.h) and two eventfds, and
 * hands them over with SCM_RIGHTS. From then on the connection only
 * signals life: its hang-up means the app is gone, and nlrsd closes the
 * app's sockets the way Linux does at process exit and frees the region.
 *
 * Every loop iteration nlrsd drains each app's request ring, runs the
 * operations on stack sockets, and moves bytes and datagrams between the
 * stack sockets and the per-socket data rings.
 */
#ifndef NLRSD_SESSION_H
#define NLRSD_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "nlrs/stack.h"

#define NLRSD_APPS_MAX 64
/* epoll tags: the app listener, and per app 2*idx (its socket) and
 * 2*idx+1 (its doorbell eventfd) above NLRSD_TAG_APP */
#define NLRSD_TAG_APP_LISTEN 3u
#define NLRSD_TAG_APP 0x10000u

struct nlrsd_app;

struct nlrsd_sessions {
	int fd; /* listener, -1: none */
	int epfd;
	char path[108];
	bool bound;
	uid_t uid;    /* allowed: root, this uid ... */
	gid_t gid;    /* ... and members of this group ((gid_t)-1: none) */
	struct nlrs_stack *s;
	uint32_t def_slots, def_ring;
	struct nlrsd_app *app[NLRSD_APPS_MAX];
	nlrs_time_t last_work; /* for the adaptive spin */
	nlrs_time_t spin;      /* current spin length, us */
	nlrs_time_t spin_max;  /* its cap, us (0: never spin) */
	bool work;             /* the last run did something */
	uint64_t accepted, refused, dropped_bad; /* counters, logged */
};

void nlrsd_sessions_init(struct nlrsd_sessions *ss);
/* Bind the app socket at path (removing a stale one), listen, add to
 * epfd. 0 or -errno (logged). */
int nlrsd_sessions_open(struct nlrsd_sessions *ss, const char *path, struct nlrs_stack *s,
			int epfd);
/* The listener is readable. */
void nlrsd_sessions_accept(struct nlrsd_sessions *ss);
/* An app fd (tag - NLRSD_TAG_APP) has epoll events. */
void nlrsd_sessions_event(struct nlrsd_sessions *ss, uint64_t tag, uint32_t events);
/* Serve every app: requests, data, state. After the devices are drained. */
void nlrsd_sessions_run(struct nlrsd_sessions *ss, nlrs_time_t now);
/* Right before epoll_wait: the timeout to use. 0 while there is work or
 * while spinning; otherwise the apps are told nlrsd sleeps (re-checked
 * after a full fence) and `timeout` is returned, capped by the dying
 * apps' deadlines. */
int nlrsd_sessions_timeout(struct nlrsd_sessions *ss, nlrs_time_t now, int timeout);
/* Right after epoll_wait: nlrsd is awake. */
void nlrsd_sessions_awake(struct nlrsd_sessions *ss);
/* Mark every region dead, wake the apps, close everything. */
void nlrsd_sessions_close(struct nlrsd_sessions *ss);
/* Apps connected now and sockets they hold (for status lines). */
unsigned nlrsd_sessions_count(const struct nlrsd_sessions *ss, unsigned *sockets);

#endif
