/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iperf3's protocol, TCP tests only, enough for a stock iperf3 (3.x) to
 * run against the stack in either role. Written from iperf3's source
 * (esnet/iperf src/iperf_api.c, iperf_client_api.c, iperf_server_api.c,
 * iperf_tcp.c; protocol unchanged from 3.1 to 3.17):
 *
 *   client                                server
 *   control connect, 37-byte cookie  -->
 *                                    <--  PARAM_EXCHANGE (9)
 *   params: 4-byte BE length + JSON  -->
 *                                    <--  CREATE_STREAMS (10)
 *   per stream: connect, cookie      -->  (one at a time: ids follow the
 *                                          order, 1, 3, 4, 5, ...)
 *                                    <--  TEST_START (1), TEST_RUNNING (2)
 *   data (client -> server, or server -> client with "reverse")
 *   TEST_END (4)                     -->
 *                                    <--  EXCHANGE_RESULTS (13)
 *   results: length + JSON           -->
 *                                    <--  results: length + JSON
 *                                    <--  DISPLAY_RESULTS (14)
 *   IPERF_DONE (16), close           -->
 *
 * A connection that arrives while a test runs gets ACCESS_DENIED (-1).
 * Not done: UDP and SCTP tests, --bidir, -n/-k (bytes/blocks end
 * conditions are honoured by a stock client itself), authentication,
 * --get-server-output, omit intervals. The server answers those with
 * SERVER_ERROR.
 *
 * Byte counts are exact on our side: as the server, after TEST_END we keep
 * reading the streams until they have been quiet for 200 ms (at most 3 s)
 * before answering, so a receiver's count includes what was in flight;
 * as the client, we send TEST_END once every byte we sent is acknowledged
 * (and 100 ms more, for the server to read it).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tcpapp.h"

enum {
	TEST_START = 1, TEST_RUNNING = 2, TEST_END = 4, PARAM_EXCHANGE = 9, CREATE_STREAMS = 10,
	SERVER_TERMINATE = 11, CLIENT_TERMINATE = 12, EXCHANGE_RESULTS = 13,
	DISPLAY_RESULTS = 14, IPERF_DONE = 16, ACCESS_DENIED = -1, SERVER_ERROR = -2,
};
#define COOKIE_SIZE 37
#define MAX_STREAMS 128
#define JSON_MAX 65536u
#define BLOCK_MAX (1u << 20)
#define IE_UNSUPPORTED 111 /* an i_errno value iperf3 prints as a server-side error */

enum ip_phase {
	P_IDLE,       /* server: no test */
	P_COOKIE,     /* server: reading the control cookie */
	P_PARAMS,     /* server: reading the parameters */
	P_STREAMS,    /* streams being made */
	P_RUNNING,
	P_DRAIN,      /* server: TEST_END came, streams read until quiet */
	P_RESULTS,    /* reading the peer's results */
	P_DISPLAY,    /* server: waiting for IPERF_DONE; client: for DISPLAY_RESULTS */
	P_DONE,
	/* client only */
	P_C_CONNECT,
	P_C_WAIT,     /* waiting for the next state byte */
};

struct ip_stream {
	struct conn *c;
	int id;
	uint64_t bytes;
	uint32_t retrans;
	bool gone;
};

struct iperf {
	bool server;
	enum ip_phase ph;
	char cookie[COOKIE_SIZE];
	struct conn *ctrl;
	struct ip_stream st[MAX_STREAMS];
	int nst, want;
	/* parameters */
	bool reverse;
	unsigned long parallel, time_s, len;
	/* control input */
	uint8_t in[JSON_MAX + 8];
	size_t in_len;
	/* timing and counts */
	nlrs_time_t t_run, t_stop, t_quiet, t_drain_max, t_end_sent;
	bool stopped, end_sent;
	uint64_t last_total;
	uint64_t peer_bytes;
	long peer_retrans;
	double seconds;
	struct timespec cpu0, wall0;
	double cpu[3];
	unsigned long tests;
	bool done, ok, failed;
	char error[160];
};

static uint8_t block[BLOCK_MAX];

static struct iperf *ip_new(struct app *a, bool server)
{
	struct iperf *ip = calloc(1, sizeof(*ip));

	if (!ip)
		return NULL;
	ip->server = server;
	ip->ph = server ? P_IDLE : P_C_CONNECT;
	ip->parallel = 1;
	ip->len = 128 * 1024;
	ip->peer_retrans = -1;
	stream_fill(a->o.seed, 0, block, sizeof(block));
	a->ip = ip;
	return ip;
}

static void ip_fail(struct app *a, const char *fmt, const char *detail)
{
	struct iperf *ip = a->ip;

	if (ip->failed)
		return;
	ip->failed = true;
	snprintf(ip->error, sizeof(ip->error), fmt, detail ? detail : "");
	fprintf(stderr, "nlrs-tcpapp: iperf3: %s\n", ip->error);
}

/* ---- CPU utilisation, as iperf3 reports it (percent of wall time) ---- */

static void cpu_mark(struct iperf *ip)
{
	clock_gettime(CLOCK_MONOTONIC, &ip->wall0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ip->cpu0);
}

static void cpu_take(struct iperf *ip)
{
	struct timespec w;
	struct rusage ru;

	clock_gettime(CLOCK_MONOTONIC, &w);
	double wall = (double)(w.tv_sec - ip->wall0.tv_sec) + (double)(w.tv_nsec - ip->wall0.tv_nsec) / 1e9;
	if (wall <= 0 || getrusage(RUSAGE_SELF, &ru))
		return;
	double user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	double sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	/* getrusage covers the whole process; good enough for one test */
	ip->cpu[1] = user / wall * 100;
	ip->cpu[2] = sys / wall * 100;
	if (ip->cpu[1] > 100)
		ip->cpu[1] = 100;
	if (ip->cpu[2] > 100)
		ip->cpu[2] = 100;
	ip->cpu[0] = ip->cpu[1] + ip->cpu[2];
}

/* ---- tiny JSON readers for cJSON's unformatted output ---- */

static const char *json_find(const char *js, const char *key, const char *from)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	const char *p = strstr(from ? from : js, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static bool json_num(const char *js, const char *key, double *out)
{
	const char *p = json_find(js, key, NULL);
	char *end;

	if (!p)
		return false;
	double v = strtod(p, &end);
	if (end == p)
		return false;
	*out = v;
	return true;
}

static bool json_true(const char *js, const char *key)
{
	const char *p = json_find(js, key, NULL);
	return p && (!strncmp(p, "true", 4) || (*p >= '1' && *p <= '9'));
}

/* ---- control output ---- */

static int ctrl_send(struct app *a, struct conn *c, const void *p, size_t len)
{
	if (c->buf_len + len > c->buf_cap) {
		size_t cap = c->buf_len + len + 1024;
		uint8_t *n = realloc(c->buf, cap);
		if (!n)
			return -NLRS_ENOMEM;
		c->buf = n;
		c->buf_cap = cap;
	}
	memcpy(c->buf + c->buf_len, p, len);
	c->buf_len += len;
	int r = conn_flush(a, c);
	return r == -NLRS_EAGAIN ? 0 : r;
}

static int send_state(struct app *a, struct conn *c, signed char st)
{
	return ctrl_send(a, c, &st, 1);
}

static int send_json(struct app *a, struct conn *c, const char *js)
{
	uint32_t n = (uint32_t)strlen(js);
	uint8_t be[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
	int r = ctrl_send(a, c, be, 4);
	return r ? r : ctrl_send(a, c, js, n);
}

/* Read what the control connection has into ip->in. Returns 0, or 1 at EOF,
 * or -errno (the connection is gone). */
static int ctrl_read(struct app *a, struct iperf *ip, struct conn *c)
{
	while (ip->in_len < sizeof(ip->in)) {
		int r = nlrs_sock_recv(a->s, c->sd, ip->in + ip->in_len, sizeof(ip->in) - ip->in_len, 0);
		if (r > 0) {
			c->received += (uint64_t)r;
			ip->in_len += (size_t)r;
			continue;
		}
		if (r == -NLRS_EAGAIN)
			return 0;
		if (r == 0) {
			c->eof = true;
			return 1;
		}
		conn_end(a, c, r, "iperf3 control connection with", false);
		return r;
	}
	return 0;
}

static void consume(struct iperf *ip, size_t n)
{
	memmove(ip->in, ip->in + n, ip->in_len - n);
	ip->in_len -= n;
}

/* A length-prefixed JSON message at the head of ip->in: 1 and the text
 * (NUL-terminated in out) when complete, 0 when more is needed, -1 bad. */
static int take_json(struct iperf *ip, char *out, size_t cap)
{
	if (ip->in_len < 4)
		return 0;
	uint32_t n = (uint32_t)ip->in[0] << 24 | (uint32_t)ip->in[1] << 16 |
		     (uint32_t)ip->in[2] << 8 | ip->in[3];
	if (n == 0 || n >= cap || n > JSON_MAX)
		return -1;
	if (ip->in_len < 4 + (size_t)n)
		return 0;
	memcpy(out, ip->in + 4, n);
	out[n] = 0;
	consume(ip, 4 + (size_t)n);
	return 1;
}

/* ---- results ---- */

static uint64_t stream_bytes_now(const struct ip_stream *s, bool sender)
{
	if (s->gone || !s->c)
		return s->bytes;
	return sender ? s->c->sent : s->c->received;
}

static void make_results(struct app *a, struct iperf *ip, bool sender, char *out, size_t cap)
{
	size_t n = 0;

	n += (size_t)snprintf(out + n, cap - n,
			      "{\"cpu_util_total\":%.4f,\"cpu_util_user\":%.4f,\"cpu_util_system\":%.4f,"
			      "\"sender_has_retransmits\":%d,\"congestion_used\":\"%s\",\"streams\":[",
			      ip->cpu[0], ip->cpu[1], ip->cpu[2], sender ? 1 : -1,
			      a->o.cc == NLRS_CC_NEWRENO ? "newreno" : a->o.cc == NLRS_CC_BBR ? "bbr" : "cubic");
	for (int i = 0; i < ip->nst && n < cap; i++) {
		const struct ip_stream *s = &ip->st[i];
		uint32_t retr = s->retrans;
		if (!s->gone && s->c && s->c->info_ok)
			retr = s->c->info.total_retrans;
		n += (size_t)snprintf(out + n, cap - n,
				      "%s{\"id\":%d,\"bytes\":%llu,\"retransmits\":%ld,\"jitter\":0,"
				      "\"errors\":0,\"packets\":0,\"start_time\":0,\"end_time\":%.6f}",
				      i ? "," : "", s->id, (unsigned long long)stream_bytes_now(s, sender),
				      sender ? (long)retr : -1L, ip->seconds);
	}
	if (n < cap)
		snprintf(out + n, cap - n, "]}");
}

static void read_peer_results(struct iperf *ip, const char *js)
{
	const char *p = js;
	uint64_t sum = 0;
	long retr = 0;
	bool any_retr = false;

	while ((p = json_find(js, "bytes", p)) != NULL) {
		sum += strtoull(p, NULL, 10);
		const char *r = json_find(js, "retransmits", p);
		if (r) {
			long v = strtol(r, NULL, 10);
			if (v >= 0 && v <= INT32_MAX) { /* -1 (or 2^64-1): none */
				retr += v;
				any_retr = true;
			}
		}
	}
	ip->peer_bytes = sum;
	ip->peer_retrans = any_retr ? retr : -1;
}

/* ---- streams ---- */

static struct ip_stream *add_stream(struct iperf *ip, struct conn *c)
{
	if (ip->nst >= MAX_STREAMS)
		return NULL;
	struct ip_stream *s = &ip->st[ip->nst];
	memset(s, 0, sizeof(*s));
	s->c = c;
	/* iperf_add_stream(): 1, then 3, 4, 5 ... (kept for compatibility) */
	s->id = ip->nst == 0 ? 1 : ip->nst + 2;
	c->stream_id = s->id;
	ip->nst++;
	return s;
}

static void end_streams(struct app *a, struct iperf *ip)
{
	for (int i = 0; i < ip->nst; i++)
		if (!ip->st[i].gone && ip->st[i].c)
			conn_end(a, ip->st[i].c, 0, NULL, false);
}

void iperf_conn_gone(struct app *a, struct conn *c)
{
	struct iperf *ip = a->ip;

	if (!ip)
		return;
	if (c == ip->ctrl) {
		ip->ctrl = NULL;
		if (!c->connected) {
			ip_fail(a, "cannot connect to the iperf3 server%s", "");
			ip->ph = P_DONE;
			ip->done = true;
		} else if (ip->ph != P_DONE && ip->ph != P_IDLE) {
			if (!ip->failed)
				ip_fail(a, "the control connection ended in the middle of a test%s", "");
			ip->ph = ip->server ? P_IDLE : P_DONE;
			ip->done = !ip->server || (a->o.conns && ip->tests + 1 >= a->o.conns);
			if (ip->server)
				ip->tests++;
			end_streams(a, ip);
		}
		return;
	}
	for (int i = 0; i < ip->nst; i++) {
		struct ip_stream *s = &ip->st[i];
		if (s->c != c)
			continue;
		bool sender = ip->server ? ip->reverse : !ip->reverse;
		s->bytes = sender ? c->sent : c->received;
		s->retrans = c->info_ok ? c->info.total_retrans : 0;
		s->gone = true;
		s->c = NULL;
		if ((ip->ph == P_RUNNING && !ip->end_sent) || ip->ph == P_STREAMS)
			ip_fail(a, "a data stream ended while the test ran%s", "");
	}
}

static uint64_t total_bytes(struct iperf *ip)
{
	bool sender = ip->server ? ip->reverse : !ip->reverse;
	uint64_t t = 0;

	for (int i = 0; i < ip->nst; i++)
		t += stream_bytes_now(&ip->st[i], sender);
	return t;
}

/* Data: read and count (no digest: iperf3's payload is its own). */
/* After TEST_END the peer may close or reset its streams (iperf3 closes
 * them with data unread): that is the end of a stream, not a failure. */
static int stream_err(struct app *a, int r)
{
	struct iperf *ip = a->ip;
	return (ip->end_sent || (ip->ph != P_RUNNING && ip->ph != P_STREAMS)) ? 0 : r;
}

static int data_read(struct app *a, struct conn *c)
{
	for (;;) {
		int r = nlrs_sock_recv(a->s, c->sd, block, sizeof(block), 0);
		if (r > 0) {
			c->received += (uint64_t)r;
			continue;
		}
		if (r == -NLRS_EAGAIN)
			return 0;
		if (r == 0) {
			c->eof = true;
			return 0;
		}
		conn_end(a, c, stream_err(a, r), "iperf3 data stream with", false);
		return r;
	}
}

static int data_write(struct app *a, struct iperf *ip, struct conn *c)
{
	for (;;) {
		size_t len = ip->len < sizeof(block) ? ip->len : sizeof(block);
		size_t off = (size_t)(c->sent % len);
		int r = nlrs_sock_send(a->s, c->sd, block + off, len - off, 0);
		if (r > 0) {
			c->sent += (uint64_t)r;
			continue;
		}
		if (r == -NLRS_EAGAIN || r == 0)
			return 0;
		conn_end(a, c, stream_err(a, r), "iperf3 data stream with", false);
		return r;
	}
}

/* ---- server ---- */

int iperf_server_init(struct app *a)
{
	return ip_new(a, true) ? 0 : -1;
}

static void server_reset(struct iperf *ip)
{
	ip->ph = P_IDLE;
	ip->nst = ip->want = 0;
	ip->in_len = 0;
	ip->reverse = false;
	ip->parallel = 1;
	ip->stopped = ip->end_sent = false;
	/* failed and error stay: the exit status covers every test */
}

void iperf_accepted(struct app *a, struct conn *c)
{
	struct iperf *ip = a->ip;

	if (ip->ph == P_IDLE && !ip->ctrl) {
		c->kind = K_IPERF_CTRL;
		ip->ctrl = c;
		ip->ph = P_COOKIE;
		ip->in_len = 0;
		ip->nst = 0;
		nlrs_sock_setopt(a->s, c->sd, NLRS_TCP_NODELAY, 1);
		return;
	}
	c->kind = K_IPERF_DATA;
	c->stream_id = ip->ph == P_STREAMS ? 0 : -2; /* 0: cookie pending; -2: refused */
	if (c->stream_id == -2) {
		signed char d = ACCESS_DENIED;
		if (ctrl_send(a, c, &d, 1) == 0)
			conn_finish(a, c, false);
	} else {
		c->buf_len = 0;
	}
}

static void server_start_test(struct app *a, struct iperf *ip)
{
	cpu_mark(ip);
	if (send_state(a, ip->ctrl, TEST_START) || !ip->ctrl || send_state(a, ip->ctrl, TEST_RUNNING))
		return;
	ip->ph = P_RUNNING;
	ip->t_run = a->now;
	for (int i = 0; i < ip->nst; i++)
		if (ip->st[i].c)
			app_mark(a, ip->st[i].c->sd);
}

/* The client's TEST_END: stop sending, or drain what is in flight. */
static void server_test_end(struct app *a, struct iperf *ip)
{
	ip->t_stop = a->now;
	ip->seconds = (double)(a->now - ip->t_run) / 1e6;
	cpu_take(ip);
	ip->ph = P_DRAIN;
	ip->last_total = total_bytes(ip);
	ip->t_quiet = a->now;
	ip->t_drain_max = a->now + NLRS_SEC(3);
	if (ip->reverse)
		ip->t_drain_max = a->now; /* a sender has nothing to wait for */
}

static void server_send_results(struct app *a, struct iperf *ip)
{
	char js[8192];

	/* results for the streams, then close them (as iperf3 does) */
	for (int i = 0; i < ip->nst; i++)
		if (ip->st[i].c)
			conn_sample(a, ip->st[i].c);
	make_results(a, ip, ip->reverse, js, sizeof(js));
	end_streams(a, ip);
	if (!ip->ctrl || send_json(a, ip->ctrl, js) || !ip->ctrl ||
	    send_state(a, ip->ctrl, DISPLAY_RESULTS))
		return;
	ip->ph = P_DISPLAY;
}

static void server_ctrl(struct app *a, struct iperf *ip, struct conn *c)
{
	char js[JSON_MAX + 1];
	int eof = ctrl_read(a, ip, c);

	if (eof < 0)
		return;
	for (;;) {
		switch (ip->ph) {
		case P_COOKIE:
			if (ip->in_len < COOKIE_SIZE)
				goto more;
			memcpy(ip->cookie, ip->in, COOKIE_SIZE);
			ip->cookie[COOKIE_SIZE - 1] = 0;
			consume(ip, COOKIE_SIZE);
			if (send_state(a, c, PARAM_EXCHANGE))
				return;
			ip->ph = P_PARAMS;
			continue;
		case P_PARAMS: {
			int r = take_json(ip, js, sizeof(js));
			if (r == 0)
				goto more;
			if (r < 0) {
				ip_fail(a, "bad parameter message from the client%s", "");
				conn_end(a, c, NLRS_EIO, "iperf3 parameters from", true);
				return;
			}
			double v;
			ip->reverse = json_true(js, "reverse");
			ip->parallel = json_num(js, "parallel", &v) && v >= 1 ? (unsigned long)v : 1;
			ip->len = json_num(js, "len", &v) && v >= 1 ? (unsigned long)v : 128 * 1024;
			ip->time_s = json_num(js, "time", &v) ? (unsigned long)v : 0;
			bool unsupported = json_true(js, "udp") || json_true(js, "sctp") ||
					   json_true(js, "bidirectional") || ip->parallel > MAX_STREAMS;
			printf("iperf3: client parameters: parallel=%lu reverse=%d time=%lu len=%lu%s\n",
			       ip->parallel, ip->reverse, ip->time_s, ip->len,
			       unsupported ? " (unsupported test)" : "");
			if (unsupported) {
				/* SERVER_ERROR, then i_errno and errno as 32-bit BE */
				uint8_t m[9] = { (uint8_t)SERVER_ERROR, 0, 0, 0, IE_UNSUPPORTED, 0, 0, 0,
						 NLRS_EOPNOTSUPP };
				ip_fail(a, "the client asked for a test this server does not do%s", "");
				if (ctrl_send(a, c, m, sizeof(m)) == 0)
					conn_finish(a, c, false);
				return;
			}
			ip->want = (int)ip->parallel;
			ip->ph = P_STREAMS;
			if (send_state(a, c, CREATE_STREAMS))
				return;
			continue;
		}
		case P_STREAMS:
		case P_RUNNING:
		case P_DRAIN:
		case P_DISPLAY: {
			if (ip->in_len < 1)
				goto more;
			signed char st = (signed char)ip->in[0];
			consume(ip, 1);
			if (st == TEST_END && (ip->ph == P_RUNNING || ip->ph == P_STREAMS)) {
				server_test_end(a, ip);
				return; /* iperf_tick finishes the drain */
			}
			if (st == IPERF_DONE && ip->ph == P_DISPLAY) {
				ip->ph = P_DONE;
				ip->tests++;
				printf("iperf3: test %lu done: %s %llu bytes in %.3f s (%.1f Mbit/s), "
				       "client counted %llu\n", ip->tests, ip->reverse ? "sent" : "received",
				       (unsigned long long)total_bytes(ip), ip->seconds,
				       ip->seconds > 0 ? (double)total_bytes(ip) * 8 / ip->seconds / 1e6 : 0,
				       (unsigned long long)ip->peer_bytes);
				conn_finish(a, c, false);
				return;
			}
			if (st == CLIENT_TERMINATE) {
				ip_fail(a, "the client terminated the test%s", "");
				end_streams(a, ip);
				conn_finish(a, c, false);
				return;
			}
			char d[8];
			snprintf(d, sizeof(d), "%d", st);
			ip_fail(a, "unexpected state %s from the client", d);
			conn_end(a, c, NLRS_EIO, "iperf3 protocol error with", true);
			return;
		}
		case P_RESULTS: {
			int r = take_json(ip, js, sizeof(js));
			if (r == 0)
				goto more;
			if (r < 0) {
				ip_fail(a, "bad results message from the client%s", "");
				conn_end(a, c, NLRS_EIO, "iperf3 results from", true);
				return;
			}
			read_peer_results(ip, js);
			server_send_results(a, ip);
			if (ip->ctrl != c)
				return;
			continue;
		}
		default:
			goto more;
		}
	}
more:
	if (eof == 1 && ip->ctrl == c) {
		if (ip->ph != P_DONE && ip->ph != P_DISPLAY)
			ip_fail(a, "the client closed the control connection early%s", "");
		else if (ip->ph == P_DISPLAY) {
			ip->ph = P_DONE; /* EOF instead of IPERF_DONE: also the end */
			ip->tests++;
		}
		conn_finish(a, c, false);
	}
}

static void server_data(struct app *a, struct iperf *ip, struct conn *c)
{
	if (c->stream_id == 0) {
		/* the cookie, read exactly: data may follow it */
		uint8_t ck[COOKIE_SIZE];
		size_t have = c->buf_len;
		if (!c->buf && !(c->buf = calloc(1, COOKIE_SIZE)))
			return;
		c->buf_cap = c->buf_cap < COOKIE_SIZE ? COOKIE_SIZE : c->buf_cap;
		int r = nlrs_sock_recv(a->s, c->sd, c->buf + have, COOKIE_SIZE - have, 0);
		if (r == -NLRS_EAGAIN)
			return;
		if (r <= 0) {
			conn_end(a, c, r ? r : NLRS_ECONNRESET, "iperf3 data stream (cookie) from", false);
			return;
		}
		c->buf_len += (size_t)r;
		if (c->buf_len < COOKIE_SIZE)
			return;
		memcpy(ck, c->buf, COOKIE_SIZE);
		c->buf_len = 0;
		ck[COOKIE_SIZE - 1] = 0;
		if (ip->ph != P_STREAMS || strcmp((char *)ck, ip->cookie) || ip->nst >= ip->want) {
			c->stream_id = -2;
			signed char d = ACCESS_DENIED;
			if (ctrl_send(a, c, &d, 1) == 0)
				conn_finish(a, c, false);
			return;
		}
		add_stream(ip, c);
		if (ip->nst == ip->want)
			server_start_test(a, ip);
		return;
	}
	if (c->stream_id < 0)
		return;
	if (ip->ph == P_RUNNING && ip->reverse)
		data_write(a, ip, c);
	else
		data_read(a, c);
}

/* ---- client ---- */

static void make_cookie(struct app *a, char *out)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t r[COOKIE_SIZE];
	struct nlrs_port port;

	nlrs_port_hosted(&port);
	port.random(port.ctx, r, sizeof(r));
	for (int i = 0; i < COOKIE_SIZE - 1; i++)
		out[i] = chars[r[i] % 32];
	out[COOKIE_SIZE - 1] = 0;
	(void)a;
}

int iperf_client_start(struct app *a)
{
	struct iperf *ip = ip_new(a, false);
	struct conn *c;

	if (!ip)
		return -1;
	ip->reverse = a->o.reverse;
	ip->parallel = a->o.parallel;
	ip->time_s = a->o.iperf_time;
	ip->len = a->o.iperf_len;
	if (ip->parallel > MAX_STREAMS) {
		fprintf(stderr, "nlrs-tcpapp: iperf3: at most %d streams\n", MAX_STREAMS);
		return -1;
	}
	make_cookie(a, ip->cookie);
	a->started++;
	if (conn_connect(a, a->o.peer, a->o.port, K_IPERF_CTRL, &c))
		return -1;
	nlrs_sock_setopt(a->s, c->sd, NLRS_TCP_NODELAY, 1);
	c->t_start = nlrs_clock_now();
	ip->ctrl = c;
	return 0;
}

/* Connect the next data stream once the previous one is up (the server
 * numbers them in the order it accepts them). */
static void client_next_stream(struct app *a, struct iperf *ip)
{
	struct conn *c;

	if (ip->nst > 0) {
		struct ip_stream *last = &ip->st[ip->nst - 1];
		if (!last->c || !last->c->hello_done)
			return;
	}
	if (ip->nst >= ip->want)
		return;
	a->started++;
	if (conn_connect(a, a->o.peer, a->o.port, K_IPERF_DATA, &c)) {
		ip_fail(a, "cannot open a data stream%s", "");
		return;
	}
	c->t_start = a->now;
	add_stream(ip, c);
}

static void client_send_results(struct app *a, struct iperf *ip, struct conn *c)
{
	char js[8192];

	for (int i = 0; i < ip->nst; i++)
		if (ip->st[i].c)
			conn_sample(a, ip->st[i].c);
	make_results(a, ip, !ip->reverse, js, sizeof(js));
	if (send_json(a, c, js))
		return;
	ip->ph = P_RESULTS;
}

static void client_ctrl(struct app *a, struct iperf *ip, struct conn *c)
{
	char js[JSON_MAX + 1];

	if (ip->ph == P_C_CONNECT) {
		if (ctrl_send(a, c, ip->cookie, COOKIE_SIZE))
			return;
		ip->ph = P_C_WAIT;
	}
	int eof = ctrl_read(a, ip, c);
	if (eof < 0)
		return;
	for (;;) {
		if (ip->ph == P_RESULTS) {
			int r = take_json(ip, js, sizeof(js));
			if (r == 0)
				break;
			if (r < 0) {
				ip_fail(a, "bad results message from the server%s", "");
				conn_end(a, c, NLRS_EIO, "iperf3 results from", true);
				return;
			}
			read_peer_results(ip, js);
			ip->ph = P_DISPLAY;
			continue;
		}
		if (ip->in_len < 1 || ip->ph == P_DONE)
			break;
		signed char st = (signed char)ip->in[0];
		if (st == SERVER_ERROR && ip->in_len < 9)
			break;
		consume(ip, 1);
		switch (st) {
		case PARAM_EXCHANGE: {
			char p[512];
			snprintf(p, sizeof(p),
				 "{\"tcp\":true,\"omit\":0,\"time\":%lu,\"num\":0,\"blockcount\":0,"
				 "\"parallel\":%lu,%s\"len\":%lu,\"pacing_timer\":1000,"
				 "\"client_version\":\"3.12\"}",
				 ip->time_s, ip->parallel, ip->reverse ? "\"reverse\":true," : "", ip->len);
			if (send_json(a, c, p))
				return;
			break;
		}
		case CREATE_STREAMS:
			ip->ph = P_STREAMS;
			ip->want = (int)ip->parallel;
			client_next_stream(a, ip);
			break;
		case TEST_START:
			cpu_mark(ip);
			break;
		case TEST_RUNNING:
			ip->ph = P_RUNNING;
			ip->t_run = a->now;
			for (int i = 0; i < ip->nst; i++)
				if (ip->st[i].c)
					app_mark(a, ip->st[i].c->sd);
			break;
		case EXCHANGE_RESULTS:
			client_send_results(a, ip, c);
			if (ip->ctrl != c)
				return;
			break;
		case DISPLAY_RESULTS:
			end_streams(a, ip);
			if (send_state(a, c, IPERF_DONE))
				return;
			ip->ph = P_DONE;
			ip->done = true;
			ip->ok = !ip->failed;
			{
				uint64_t b = total_bytes(ip);
				printf("iperf3: %s %llu bytes in %.3f s (%.1f Mbit/s); the server counted "
				       "%llu bytes, retransmits %ld\n", ip->reverse ? "received" : "sent",
				       (unsigned long long)b, ip->seconds,
				       ip->seconds > 0 ? (double)b * 8 / ip->seconds / 1e6 : 0,
				       (unsigned long long)ip->peer_bytes, ip->peer_retrans);
			}
			conn_finish(a, c, false);
			return;
		case ACCESS_DENIED:
			ip_fail(a, "the server is busy (ACCESS_DENIED)%s", "");
			ip->done = true;
			end_streams(a, ip);
			conn_end(a, c, NLRS_EIO, "iperf3 server busy:", false);
			return;
		case SERVER_ERROR: {
			int32_t ie = (int32_t)((uint32_t)ip->in[0] << 24 | (uint32_t)ip->in[1] << 16 |
					       (uint32_t)ip->in[2] << 8 | ip->in[3]);
			int32_t en = (int32_t)((uint32_t)ip->in[4] << 24 | (uint32_t)ip->in[5] << 16 |
					       (uint32_t)ip->in[6] << 8 | ip->in[7]);
			char d[64];
			snprintf(d, sizeof(d), "i_errno %d, errno %d", ie, en);
			ip_fail(a, "the server reported an error (%s)", d);
			ip->done = true;
			end_streams(a, ip);
			conn_end(a, c, NLRS_EIO, "iperf3 server error from", false);
			return;
		}
		case SERVER_TERMINATE:
			ip_fail(a, "the server terminated the test%s", "");
			ip->done = true;
			end_streams(a, ip);
			conn_end(a, c, NLRS_EIO, "iperf3 server terminated:", false);
			return;
		default: {
			char d[8];
			snprintf(d, sizeof(d), "%d", st);
			ip_fail(a, "unexpected state %s from the server", d);
			ip->done = true;
			end_streams(a, ip);
			conn_end(a, c, NLRS_EIO, "iperf3 protocol error with", true);
			return;
		}
		}
	}
	if (eof == 1 && ip->ctrl == c && ip->ph != P_DONE) {
		ip_fail(a, "the server closed the control connection%s", "");
		ip->done = true;
		end_streams(a, ip);
		conn_end(a, c, NLRS_ECONNRESET, "iperf3 control connection with", false);
	}
}

static void client_data(struct app *a, struct iperf *ip, struct conn *c)
{
	if (!c->hello) {
		c->hello = true;
		if (ctrl_send(a, c, ip->cookie, COOKIE_SIZE))
			return;
	}
	if (c->buf_len && conn_flush(a, c))
		return;
	if (!c->hello_done) {
		c->hello_done = true;
		c->sent = 0; /* the cookie is not test data */
		client_next_stream(a, ip);
	}
	if (ip->ph == P_RUNNING && !ip->reverse && !ip->stopped)
		data_write(a, ip, c);
	else
		data_read(a, c);
}

void iperf_service(struct app *a, struct conn *c)
{
	struct iperf *ip = a->ip;

	if (!ip)
		return;
	if (c->kind == K_IPERF_CTRL) {
		if (ip->server)
			server_ctrl(a, ip, c);
		else
			client_ctrl(a, ip, c);
	} else if (ip->server) {
		server_data(a, ip, c);
	} else {
		client_data(a, ip, c);
	}
}

static bool streams_acked(struct app *a, struct iperf *ip)
{
	for (int i = 0; i < ip->nst; i++) {
		struct conn *c = ip->st[i].c;
		if (!c)
			continue;
		conn_sample(a, c);
		if (!c->info_ok || c->info.bytes_acked < c->sent)
			return false;
	}
	return true;
}

nlrs_time_t iperf_tick(struct app *a)
{
	struct iperf *ip = a->ip;

	if (!ip)
		return NLRS_TIME_NEVER;
	if (ip->server) {
		if (ip->ph == P_DRAIN) {
			for (int i = 0; i < ip->nst; i++)
				if (ip->st[i].c)
					data_read(a, ip->st[i].c);
			uint64_t t = total_bytes(ip);
			if (t != ip->last_total) {
				ip->last_total = t;
				ip->t_quiet = a->now;
			}
			if (a->now >= ip->t_quiet + NLRS_MSEC(200) || a->now >= ip->t_drain_max) {
				if (!ip->ctrl)
					return NLRS_TIME_NEVER;
				if (send_state(a, ip->ctrl, EXCHANGE_RESULTS))
					return NLRS_TIME_NEVER;
				ip->ph = P_RESULTS;
				if (ip->in_len && ip->ctrl)
					app_mark(a, ip->ctrl->sd);
				return NLRS_TIME_NEVER;
			}
			return a->now + NLRS_MSEC(10);
		}
		if (ip->ph == P_DONE || (ip->ph == P_IDLE && ip->tests && !ip->ctrl)) {
			if (!a->o.conns || ip->tests < a->o.conns) {
				if (!ip->ctrl)
					server_reset(ip);
			} else if (!ip->ctrl) {
				ip->done = true;
				ip->ok = !ip->failed;
			}
		}
		return NLRS_TIME_NEVER;
	}
	/* client: stop after --time, send TEST_END once everything is acknowledged */
	if (ip->ph == P_STREAMS)
		client_next_stream(a, ip);
	if (ip->ph == P_RUNNING && !ip->stopped) {
		nlrs_time_t end = ip->t_run + NLRS_SEC(ip->time_s);
		if (a->now < end)
			return end;
		ip->stopped = true;
		ip->t_stop = a->now;
		ip->seconds = (double)(a->now - ip->t_run) / 1e6;
		ip->t_drain_max = a->now + NLRS_SEC(3);
	}
	if (ip->ph == P_RUNNING && ip->stopped && !ip->end_sent) {
		if (!ip->reverse && a->now < ip->t_drain_max) {
			if (!streams_acked(a, ip))
				return a->now + NLRS_MSEC(5);
			/* acknowledged is not yet read: give iperf3 -s, which
			 * stops counting at TEST_END, 100 ms to read its buffer */
			if (!ip->t_quiet)
				ip->t_quiet = a->now + NLRS_MSEC(100);
			if (a->now < ip->t_quiet)
				return ip->t_quiet;
		}
		cpu_take(ip);
		if (!ip->ctrl || send_state(a, ip->ctrl, TEST_END))
			return NLRS_TIME_NEVER;
		ip->end_sent = true;
		ip->t_end_sent = a->now;
	}
	return NLRS_TIME_NEVER;
}

bool iperf_done(const struct app *a)
{
	return a->ip && a->ip->done && a->nlive == 0;
}

bool iperf_ok(const struct app *a)
{
	return a->ip && a->ip->ok && !a->ip->failed;
}

void iperf_report(struct app *a, FILE *out)
{
	struct iperf *ip = a->ip;

	if (!ip)
		return;
	uint64_t b = total_bytes(ip);
	fprintf(out,
		",\"iperf3\":{\"role\":\"%s\",\"tests\":%lu,\"reverse\":%s,\"streams\":%d,"
		"\"bytes\":%llu,\"peer_bytes\":%llu,\"peer_retrans\":%ld,\"seconds\":%.6f,"
		"\"mbit_s\":%.1f,\"ok\":%s,\"error\":",
		ip->server ? "server" : "client", ip->tests, ip->reverse ? "true" : "false", ip->nst,
		(unsigned long long)b, (unsigned long long)ip->peer_bytes, ip->peer_retrans,
		ip->seconds, ip->seconds > 0 ? (double)b * 8 / ip->seconds / 1e6 : 0,
		iperf_ok(a) ? "true" : "false");
	if (ip->error[0])
		fprintf(out, "\"%s\"}", ip->error);
	else
		fprintf(out, "null}");
}
