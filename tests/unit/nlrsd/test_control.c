/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The control socket over a real Unix socket, driven by a small epoll
 * loop in the test: replies, the line cap, the client deadline, the
 * SO_PEERCRED check (a child process that drops to another uid), the
 * socket's mode, stale-socket replacement and refusing a live one.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "nlrs/netdev.h"

#define TAG_LISTEN 1u
#define TAG_CLIENT 100u

static char dir[64];
static char path[128];
static int epfd = -1;
static struct nlrsd_control ctl;
static struct nlrs_stack *stk;
static void *mem;

static int tx(void *ctx, struct nlrs_buf *frame)
{
	(void)ctx;
	nlrs_buf_free(frame);
	return 0;
}

static void setup(void)
{
	struct nlrs_stack_config sc;
	struct nlrs_iface_config ic = { .name = "tap0", .link = NLRS_LINK_ETHERNET,
					.mac = { 2, 0, 0, 0, 0, 2 }, .transmit = tx };
	size_t need;
	int ifx;

	signal(SIGPIPE, SIG_IGN);
	nlrs_stack_config_default(&sc);
	sc.buffers = 64;
	need = nlrs_stack_mem_size(&sc);
	cr_assert_eq(posix_memalign(&mem, 64, need), 0);
	cr_assert_eq(nlrs_stack_init(&stk, &sc, mem, need), 0);
	ifx = nlrs_iface_add(stk, &ic);
	cr_assert_geq(ifx, 0);
	cr_assert_eq(nlrs_iface_addr_add(stk, ifx, NLRS_IP4(192, 0, 2, 2), 24), 0);

	strcpy(dir, "/tmp/nlrsd-ctl-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	/* a directory level that does not exist yet: open must create it */
	snprintf(path, sizeof(path), "%s/run/nlrsd.sock", dir);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	cr_assert_geq(epfd, 0);
	nlrsd_control_init(&ctl);
}

static void teardown(void)
{
	char sub[96];

	nlrsd_control_close(&ctl);
	close(epfd);
	unlink(path);
	snprintf(sub, sizeof(sub), "%s/run", dir);
	rmdir(sub);
	rmdir(dir);
	nlrs_stack_fini(stk);
	free(mem);
}

TestSuite(nlrsd_control, .init = setup, .fini = teardown, .timeout = 30);

static void open_ctl(void)
{
	cr_assert_eq(nlrsd_control_check(path), 0);
	cr_assert_eq(nlrsd_control_open(&ctl, path, epfd, TAG_LISTEN, TAG_CLIENT), 0);
	nlrsd_control_set_stack(&ctl, stk, "0.1.0", nlrs_clock_now());
}

/* One turn of the daemon's loop, restricted to the control socket. */
static void pump(int ms)
{
	struct epoll_event ev[8];
	int n = epoll_wait(epfd, ev, 8, ms);

	for (int i = 0; i < n; i++) {
		if (ev[i].data.u64 == TAG_LISTEN)
			nlrsd_control_accept(&ctl, nlrs_clock_now());
		else
			nlrsd_control_event(&ctl, (unsigned)(ev[i].data.u64 - TAG_CLIENT), ev[i].events);
	}
}

static int client_connect(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	strcpy(a.sun_path, path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "connect: %s", strerror(errno));
	return fd;
}

/* Read until EOF, pumping the server in between. Returns a malloc'd string. */
static char *read_reply(int fd)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);

	cr_assert_not_null(buf);
	for (int spins = 0; spins < 2000; spins++) {
		ssize_t n;

		pump(5);
		n = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n < 0) {
			cr_assert(errno == EAGAIN, "recv: %s", strerror(errno));
			continue;
		}
		len += (size_t)n;
	}
	buf[len] = 0;
	return buf;
}

static char *exchange(const char *req, size_t len)
{
	int fd = client_connect();
	char *r;

	cr_assert_eq(send(fd, req, len, 0), (ssize_t)len);
	r = read_reply(fd);
	close(fd);
	return r;
}

/* Client slots in use, after letting the server see pending closes. */
static unsigned clients_open(void)
{
	unsigned n = 0;

	for (int spins = 0; spins < 100; spins++) {
		n = 0;
		for (unsigned i = 0; i < NLRSD_CTL_CLIENTS; i++)
			n += ctl.cl[i].fd >= 0;
		if (n == 0)
			break;
		pump(5);
	}
	return n;
}

Test(nlrsd_control, socket_is_0660_in_a_created_directory)
{
	struct stat st;

	open_ctl();
	cr_assert_eq(stat(path, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0660, "mode %o", st.st_mode & 07777);
	nlrsd_control_close(&ctl);
	cr_assert_eq(stat(path, &st), -1, "close must unlink the socket");
	cr_assert_eq(errno, ENOENT);
}

Test(nlrsd_control, answers_a_request_and_closes)
{
	char *r;

	open_ctl();
	r = exchange("show addresses text\n", 20);
	cr_assert_str_eq(r, "INTERFACE  ADDRESS\ntap0       192.0.2.2/24\n");
	free(r);
	r = exchange("status json\n", 12);
	cr_assert(strncmp(r, "{\"status\":{\"version\":\"0.1.0\",\"pid\":", 34) == 0, "%s", r);
	free(r);
	cr_assert_eq(clients_open(), 0, "client slots not released");
}

Test(nlrsd_control, request_split_across_writes_is_joined)
{
	int fd;
	char *r;

	open_ctl();
	fd = client_connect();
	cr_assert_eq(send(fd, "show rou", 8, 0), 8);
	pump(20);
	cr_assert_eq(send(fd, "tes json\n", 9, 0), 9);
	r = read_reply(fd);
	close(fd);
	cr_assert_str_eq(r, "{\"routes\":[{\"destination\":\"192.0.2.0/24\",\"gateway\":null,"
			    "\"interface\":\"tap0\",\"metric\":0,\"connected\":true}]}\n");
	free(r);
}

Test(nlrsd_control, bad_and_oversized_requests_get_errors)
{
	char big[4096];
	char *r;

	open_ctl();
	r = exchange("show nothing text\n", 18);
	cr_assert(strncmp(r, "error: unknown object 'nothing'", 31) == 0, "%s", r);
	free(r);
	memset(big, 'a', sizeof(big));
	r = exchange(big, sizeof(big));
	cr_assert_str_eq(r, "error: request too long\n");
	free(r);
	cr_assert_eq(clients_open(), 0);
}

Test(nlrsd_control, silent_client_is_dropped_at_its_deadline)
{
	int fd;
	char c;

	open_ctl();
	fd = client_connect();
	pump(20);
	cr_assert_eq(ctl.cl[0].fd >= 0, 1, "the silent client holds a slot");
	cr_assert_neq(nlrsd_control_expire(&ctl, nlrs_clock_now()), NLRS_TIME_NEVER,
		      "a waiting client must bound the loop's sleep");
	nlrsd_control_expire(&ctl, nlrs_clock_now() + NLRSD_CTL_TIMEOUT + 1);
	cr_assert_eq(ctl.cl[0].fd, -1, "expired client closed without any pumping");
	cr_assert_eq(recv(fd, &c, 1, 0), 0, "client should see EOF");
	close(fd);
	cr_assert_eq(nlrsd_control_expire(&ctl, nlrs_clock_now()), NLRS_TIME_NEVER);
}

Test(nlrsd_control, peer_of_another_uid_is_refused)
{
	int status;
	pid_t pid;

	open_ctl();
	/* let the other uid reach the socket, so SO_PEERCRED is what refuses it */
	cr_assert_eq(chmod(dir, 0755), 0);
	cr_assert_eq(chmod(path, 0666), 0);
	if (geteuid() != 0)
		cr_skip_test("needs root to switch uid");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char buf[128];
		ssize_t n, len = 0;
		int fd;
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		strcpy(a.sun_path, path);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			_exit(11);
		if (write(fd, "status text\n", 12) != 12)
			_exit(12);
		while ((n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
			len += n;
		buf[len] = 0;
		_exit(strcmp(buf, "error: permission denied\n") == 0 ? 0 : 13);
	}
	for (int i = 0; i < 1000; i++) {
		pump(5);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	cr_assert(WIFEXITED(status), "child did not finish");
	cr_assert_eq(WEXITSTATUS(status), 0, "child status %d", WEXITSTATUS(status));
}

Test(nlrsd_control, stale_socket_is_replaced_live_one_refused)
{
	struct nlrsd_control other;
	char *r;

	/* a stale socket: bound, then its owner went away without unlinking */
	open_ctl();
	close(ctl.fd);
	epoll_ctl(epfd, EPOLL_CTL_DEL, ctl.fd, NULL);
	ctl.fd = -1;
	ctl.bound = false;
	cr_assert_eq(access(path, F_OK), 0);
	open_ctl();
	r = exchange("status text\n", 12);
	cr_assert(strncmp(r, "nlrsd 0.1.0, pid ", 17) == 0, "%s", r);
	free(r);

	/* a live one: a second daemon must not take it over */
	nlrsd_control_init(&other);
	cr_assert_eq(nlrsd_control_check(path), -EADDRINUSE);
	cr_assert_eq(access(path, F_OK), 0, "the live socket must stay");
}
