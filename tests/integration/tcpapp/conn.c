/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Connections: one struct conn per stack socket, served when its events
 * change (the socket callback marks it, main.c's loop calls conn_service).
 * Every call is non-blocking; a connection waits in its current phase until
 * the next event.
 *
 * Finishing is the same for every mode: shutdown(WR) (graceful) or nothing
 * (--rst), then wait until the peer has acknowledged every byte we sent
 * (and, for client senders, until its EOF), take the final tcp_info, and
 * close: gracefully, or with SO_LINGER 0 (an RST) under --rst. Waiting for
 * the acknowledgment first makes an abortive close reset a connection whose
 * data did arrive, so the peer sees "reset by peer" and not lost data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tcpapp.h"

#define SCRATCH (256u * 1024u)
#define HTTP_REQ_MAX 8192u
#define OUT_CAP 65536u

static uint8_t scratch[SCRATCH];

static const char *mode_name(enum app_mode m)
{
	switch (m) {
	case M_ECHO: return "echo";
	case M_SINK: return "sink";
	case M_SOURCE: return "source";
	case M_HTTP: return "http";
	case M_SEND: return "send";
	case M_RECV: return "recv";
	case M_RR: return "rr";
	case M_CRR: return "crr";
	case M_IPERF3: return "iperf3";
	default: return "none";
	}
}

static void apply_opts(struct app *a, int sd, bool before_connect)
{
	const struct opts *o = &a->o;
	int r;

	if (o->nodelay && (r = nlrs_sock_setopt(a->s, sd, NLRS_TCP_NODELAY, 1)))
		fprintf(stderr, "nlrs-tcpapp: TCP_NODELAY: %s\n", strerror(-r));
	if (o->cc >= 0 && (r = nlrs_sock_setopt(a->s, sd, NLRS_TCP_CONGESTION, o->cc)))
		fprintf(stderr, "nlrs-tcpapp: TCP_CONGESTION: %s\n", strerror(-r));
	if (!before_connect)
		return;
	if (o->sndbuf && (r = nlrs_sock_setopt(a->s, sd, NLRS_SO_SNDBUF, o->sndbuf)))
		fprintf(stderr, "nlrs-tcpapp: SO_SNDBUF: %s\n", strerror(-r));
	if (o->rcvbuf && (r = nlrs_sock_setopt(a->s, sd, NLRS_SO_RCVBUF, o->rcvbuf)))
		fprintf(stderr, "nlrs-tcpapp: SO_RCVBUF: %s\n", strerror(-r));
}

struct conn *conn_new(struct app *a, int sd, enum conn_kind kind)
{
	static unsigned long ids;
	struct nlrs_endpoint peer = { 0 };
	struct conn *c;

	if (sd < 0 || (unsigned)sd >= a->nsd) {
		fprintf(stderr, "nlrs-tcpapp: descriptor %d out of range\n", sd);
		nlrs_sock_close(a->s, sd);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c || sha_init(&c->rx) || sha_init(&c->tx)) {
		fprintf(stderr, "nlrs-tcpapp: out of memory\n");
		if (c) {
			sha_free(&c->rx);
			sha_free(&c->tx);
		}
		free(c);
		nlrs_sock_close(a->s, sd);
		return NULL;
	}
	c->sd = sd;
	c->kind = kind;
	c->id = ++ids;
	c->t_start = a->now;
	c->mismatch = UINT64_MAX;
	c->stream_id = -1;
	if (nlrs_sock_getname(a->s, sd, NULL, &peer) == 0) {
		c->peer_v4 = peer.v4;
		c->peer_port = peer.port;
	}
	c->next = a->head;
	if (a->head)
		a->head->prev = c;
	a->head = c;
	if (++a->nlive > a->max_live)
		a->max_live = a->nlive;
	a->by_sd[sd] = c;
	if (!a->t_first)
		a->t_first = a->now;
	nlrs_sock_set_callback(a->s, sd, app_on_event, a);
	return c;
}

int conn_connect(struct app *a, uint32_t v4, uint16_t port, enum conn_kind kind,
		 struct conn **out)
{
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = port, .v4 = v4 };
	char eps[32];
	int sd, r;

	*out = NULL;
	sd = nlrs_sock_open(a->s, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	if (sd < 0) {
		fprintf(stderr, "nlrs-tcpapp: socket: %s (%s)\n", strerror(-sd), errno_name(sd));
		return sd;
	}
	apply_opts(a, sd, true);
	r = nlrs_sock_connect(a->s, sd, &ep);
	if (r != -NLRS_EINPROGRESS && r != 0) {
		fprintf(stderr, "nlrs-tcpapp: connect to %s: %s (%s)\n",
			fmt_ep(v4, port, eps, sizeof(eps)), strerror(-r), errno_name(r));
		nlrs_sock_close(a->s, sd);
		return r;
	}
	struct conn *c = conn_new(a, sd, kind);
	if (!c)
		return -NLRS_ENOMEM;
	c->peer_v4 = v4;
	c->peer_port = port;
	c->connected = (r == 0);
	if (c->connected)
		c->t_conn = a->now;
	app_mark(a, sd);
	*out = c;
	return 0;
}

void conn_accept_all(struct app *a)
{
	struct nlrs_endpoint peer;
	int sd;

	while ((sd = nlrs_sock_accept(a->s, a->lsd, &peer)) >= 0) {
		enum conn_kind k = a->o.mode == M_IPERF3 ? K_IPERF_CTRL : K_SERVER;
		struct conn *c = conn_new(a, sd, k);
		if (!c)
			continue;
		apply_opts(a, sd, false);
		c->peer_v4 = peer.v4;
		c->peer_port = peer.port;
		c->connected = true;
		c->t_conn = a->now;
		a->started++;
		if (a->o.mode == M_IPERF3)
			iperf_accepted(a, c);
		app_mark(a, sd);
	}
	if (sd != -NLRS_EAGAIN)
		fprintf(stderr, "nlrs-tcpapp: accept: %s (%s)\n", strerror(-sd), errno_name(sd));
}

/* NLRS_TCPAPP_TRACE=MS: a line of tcp_info per connection every MS ms on
 * stderr, for looking at recovery and pacing by hand. */
static void trace_info(const struct conn *c, const struct nlrs_tcp_info *ti)
{
	static long every_ms = -1;
	static struct timespec last;
	struct timespec now;

	if (every_ms < 0) {
		const char *e = getenv("NLRS_TCPAPP_TRACE");
		every_ms = e ? atol(e) : 0;
	}
	if (every_ms <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 < every_ms)
		return;
	last = now;
	fprintf(stderr,
		"trace %ld.%03ld conn %lu ca %u cwnd %u ssth %u srtt %u rto %u backoff %u unacked %u "
		"sacked %u lost %u acked %llu retrans %u pacing %llu bw %llu rate %llu minrtt %u\n",
		(long)now.tv_sec, now.tv_nsec / 1000000, c->id, ti->ca_state, ti->snd_cwnd,
		ti->snd_ssthresh, ti->rtt, ti->rto, ti->backoff, ti->unacked, ti->sacked, ti->lost,
		(unsigned long long)ti->bytes_acked, ti->total_retrans,
		(unsigned long long)ti->pacing_rate, (unsigned long long)ti->btl_bw,
		(unsigned long long)ti->delivery_rate, ti->min_rtt);
}

void conn_sample(struct app *a, struct conn *c)
{
	struct nlrs_tcp_info ti;

	if (nlrs_tcp_info(a->s, c->sd, &ti))
		return;
	if (ti.ca_state != c->ca_state) {
		if (ti.ca_state == 3)
			c->recoveries++;
		else if (ti.ca_state == 4)
			c->rtos++;
		c->ca_state = ti.ca_state;
	}
	c->info = ti;
	c->info_ok = true;
	trace_info(c, &ti);
}

static void json_str(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",\"%s\":", key);
	if (!v) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		if ((unsigned char)*v >= 0x20)
			fputc(*v, f);
	}
	fputc('"', f);
}

static void opts_str(uint8_t o, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", o & NLRS_TCPI_OPT_TIMESTAMPS ? "ts," : "",
		 o & NLRS_TCPI_OPT_SACK ? "sack," : "", o & NLRS_TCPI_OPT_WSCALE ? "wscale," : "");
	size_t n = strlen(buf);
	if (n)
		buf[n - 1] = 0;
}

static void record_err(struct totals *t, int err)
{
	for (unsigned i = 0; i < t->nerr; i++)
		if (t->err_code[i] == err) {
			t->errs[i]++;
			return;
		}
	if (t->nerr < 8) {
		t->err_code[t->nerr] = err;
		t->errs[t->nerr++] = 1;
	}
}

void conn_end(struct app *a, struct conn *c, int err, const char *why, bool abort)
{
	char shr[65], sht[65], eps[32], ob[32], msg[200];
	const char *role = c->kind == K_CLIENT ? "client" : c->kind == K_SERVER ? "server" :
			   c->kind == K_IPERF_CTRL ? "iperf3-control" : "iperf3-data";
	bool ok;

	conn_sample(a, c);
	if (c->rx_final)
		memcpy(shr, c->rx_hex, sizeof(shr));
	else
		sha_final_hex(&c->rx, shr);
	sha_final_hex(&c->tx, sht);
	fmt_ep(c->peer_v4, c->peer_port, eps, sizeof(eps));
	if (err < 0)
		err = -err;
	ok = !err;
	if (ok && a->o.verify && c->received && c->mismatch != UINT64_MAX) {
		ok = false;
		err = NLRS_EIO;
		why = "received data differs from the stream";
	}
	msg[0] = 0;
	if (err && why) {
		if (err == NLRS_EIO)
			snprintf(msg, sizeof(msg), "%s", why);
		else if (err == NLRS_ECONNREFUSED)
			snprintf(msg, sizeof(msg), "connection refused by %s (%s)", eps, errno_name(err));
		else if (err == NLRS_ETIMEDOUT)
			snprintf(msg, sizeof(msg), "%s %s: timed out (%s)", why, eps, errno_name(err));
		else if (err == NLRS_ECONNRESET)
			snprintf(msg, sizeof(msg), "%s %s: connection reset by peer (%s)", why, eps,
				 errno_name(err));
		else
			snprintf(msg, sizeof(msg), "%s %s: %s (%s)", why, eps, strerror(err), errno_name(err));
		fprintf(stderr, "nlrs-tcpapp: %s\n", msg);
	}

	/* totals */
	struct totals *t = &a->tot;
	if (ok)
		t->ok++;
	else {
		t->failed++;
		record_err(t, err);
	}
	t->bytes_sent += c->sent;
	t->bytes_received += c->received;
	t->fast_recoveries += c->recoveries;
	t->rto_episodes += c->rtos;
	if (c->info_ok) {
		t->total_retrans += c->info.total_retrans;
		t->bytes_retrans += c->info.bytes_retrans;
		t->segs_out += c->info.segs_out;
		t->segs_in += c->info.segs_in;
		a->last = c->info;
		a->have_last = true;
	}
	memcpy(a->last_sha_rx, shr, sizeof(shr));
	memcpy(a->last_sha_tx, sht, sizeof(sht));

	double dur = (double)((a->now > c->t_start ? a->now : c->t_start) - c->t_start) / 1e6;
	opts_str(c->info_ok ? c->info.options : 0, ob, sizeof(ob));
	printf("CONN {\"id\":%lu,\"role\":\"%s\",\"mode\":\"%s\",\"peer\":\"%s\",\"ok\":%s", c->id,
	       role, mode_name(a->o.mode), eps, ok ? "true" : "false");
	json_str(stdout, "error", err ? errno_name(err) : NULL);
	json_str(stdout, "message", msg[0] ? msg : NULL);
	printf(",\"bytes_sent\":%llu,\"bytes_received\":%llu", (unsigned long long)c->sent,
	       (unsigned long long)c->received);
	json_str(stdout, "sha256_sent", sht);
	json_str(stdout, "sha256_received", shr);
	if (!c->received || c->not_stream)
		printf(",\"stream\":\"n/a\"");
	else if (c->mismatch == UINT64_MAX)
		printf(",\"stream\":\"match\"");
	else
		printf(",\"stream\":\"mismatch@%llu\"", (unsigned long long)c->mismatch);
	printf(",\"duration_s\":%.6f,\"requests\":%lu,\"rounds\":%lu", dur, c->requests, c->rounds);
	if (c->info_ok) {
		printf(",\"state\":\"%s\",\"total_retrans\":%u,\"bytes_retrans\":%llu,"
		       "\"fast_recoveries\":%lu,\"rto_episodes\":%lu,\"rtt_us\":%u,\"rto_us\":%u,"
		       "\"snd_mss\":%u,\"rcv_mss\":%u,\"options\":\"%s\",\"snd_wscale\":%u,"
		       "\"rcv_wscale\":%u,\"snd_cwnd\":%u,\"cc\":\"%s\",\"bytes_acked\":%llu,"
		       "\"bytes_received_tcp\":%llu,\"segs_out\":%llu,\"segs_in\":%llu",
		       nlrs_tcp_state_name(c->info.state), c->info.total_retrans,
		       (unsigned long long)c->info.bytes_retrans, c->recoveries, c->rtos, c->info.rtt,
		       c->info.rto, c->info.snd_mss, c->info.rcv_mss, ob, c->info.snd_wscale,
		       c->info.rcv_wscale, c->info.snd_cwnd,
		       c->info.cc_algo == NLRS_CC_NEWRENO ? "newreno" : c->info.cc_algo == NLRS_CC_BBR ? "bbr" : "cubic",
		       (unsigned long long)c->info.bytes_acked,
		       (unsigned long long)c->info.bytes_received,
		       (unsigned long long)c->info.segs_out, (unsigned long long)c->info.segs_in);
	}
	printf("}\n");
	fflush(stdout);

	if (c->kind == K_IPERF_CTRL || c->kind == K_IPERF_DATA)
		iperf_conn_gone(a, c);

	if (abort || a->o.rst) {
		int r = nlrs_sock_setopt(a->s, c->sd, NLRS_SO_LINGER, 0);
		if (r && r != -NLRS_ENOTCONN && !err)
			fprintf(stderr, "nlrs-tcpapp: SO_LINGER 0: %s\n", strerror(-r));
	}
	nlrs_sock_close(a->s, c->sd);
	a->by_sd[c->sd] = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else
		a->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	a->nlive--;
	a->finished++;
	a->t_last = a->now;
	sha_free(&c->rx);
	sha_free(&c->tx);
	free(c->buf);
	free(c);
}

/* ---- I/O helpers ---- */

static int out_reserve(struct conn *c, size_t need)
{
	if (c->buf_cap >= need)
		return 0;
	uint8_t *p = realloc(c->buf, need);
	if (!p)
		return -NLRS_ENOMEM;
	c->buf = p;
	c->buf_cap = need;
	return 0;
}

int conn_flush(struct app *a, struct conn *c)
{
	while (c->buf_off < c->buf_len) {
		int r = nlrs_sock_send(a->s, c->sd, c->buf + c->buf_off, c->buf_len - c->buf_off, 0);
		if (r == -NLRS_EAGAIN)
			return r;
		if (r < 0) {
			conn_end(a, c, r, "send to", false);
			return r;
		}
		if (r == 0)
			return -NLRS_EAGAIN;
		sha_update(&c->tx, c->buf + c->buf_off, (size_t)r);
		c->buf_off += (size_t)r;
		c->sent += (uint64_t)r;
	}
	c->buf_off = c->buf_len = 0;
	return 0;
}

long conn_send_stream(struct app *a, struct conn *c, uint64_t len)
{
	long total = 0;

	while (len) {
		size_t n = len < SCRATCH ? (size_t)len : SCRATCH;
		stream_fill(a->o.seed, c->sent, scratch, n);
		int r = nlrs_sock_send(a->s, c->sd, scratch, n, 0);
		if (r == -NLRS_EAGAIN || r == 0)
			break;
		if (r < 0) {
			conn_end(a, c, r, "send to", false);
			return r;
		}
		sha_update(&c->tx, scratch, (size_t)r);
		c->sent += (uint64_t)r;
		total += r;
		len -= (uint64_t)r;
		if ((size_t)r < n)
			break; /* the send buffer is full */
	}
	return total;
}

long conn_recv_account(struct app *a, struct conn *c, void *dst, size_t cap)
{
	int r = nlrs_sock_recv(a->s, c->sd, dst, cap, 0);

	if (r > 0) {
		sha_update(&c->rx, dst, (size_t)r);
		if (c->mismatch == UINT64_MAX) {
			size_t k = stream_check(a->o.seed, c->received, dst, (size_t)r);
			if (k < (size_t)r)
				c->mismatch = c->received + k;
		}
		c->received += (uint64_t)r;
	} else if (r == 0) {
		c->eof = true;
	}
	return r;
}

/* Read and account whatever is waiting (finishing, or data nobody asked
 * for). Returns 0 normally, -errno after conn_end. */
static int drain(struct app *a, struct conn *c)
{
	for (;;) {
		long r = conn_recv_account(a, c, scratch, SCRATCH);
		if (r > 0)
			continue;
		if (r == 0 || r == -NLRS_EAGAIN)
			return 0;
		conn_end(a, c, (int)r, "receive from", false);
		return (int)r;
	}
}

/* ---- finishing ---- */

void conn_finish(struct app *a, struct conn *c, bool wait_eof)
{
	if (c->finishing)
		return;
	c->finishing = true;
	c->fin_wait_eof = wait_eof;
	c->t_fin_deadline = a->now + NLRS_SEC(30);
	if (!a->o.rst && !c->shut) {
		int r = nlrs_sock_shutdown(a->s, c->sd, NLRS_SHUT_WR);
		if (r && r != -NLRS_ENOTCONN) {
			conn_end(a, c, r, "shutdown of", false);
			return;
		}
		c->shut = true;
	}
	app_mark(a, c->sd);
}

static bool all_acked(const struct conn *c)
{
	if (!c->info_ok)
		return false;
	if (c->info.bytes_acked >= c->sent)
		return true;
	/* our FIN is acknowledged: so is everything before it */
	return c->info.state == NLRS_TCPS_FIN_WAIT_2 || c->info.state == NLRS_TCPS_TIME_WAIT ||
	       c->info.state == NLRS_TCPS_CLOSED;
}

static void finish_step(struct app *a, struct conn *c)
{
	if (drain(a, c))
		return;
	conn_sample(a, c);
	bool eof_ok = !c->fin_wait_eof || c->eof || a->o.rst;
	if (all_acked(c) && eof_ok) {
		conn_end(a, c, 0, NULL, false);
		return;
	}
	if (a->now >= c->t_fin_deadline)
		conn_end(a, c, NLRS_ETIMEDOUT,
			 !all_acked(c) ? "waiting for the acknowledgment of our data from"
				       : "waiting for the end of stream from",
			 true);
}

/* ---- server modes ---- */

static void serve_echo(struct app *a, struct conn *c)
{
	for (;;) {
		if (c->buf_off < c->buf_len) {
			if (conn_flush(a, c))
				return;
		}
		if (c->eof) {
			conn_finish(a, c, false);
			return;
		}
		if (out_reserve(c, OUT_CAP)) {
			conn_end(a, c, NLRS_ENOMEM, "buffer for", true);
			return;
		}
		long r = conn_recv_account(a, c, c->buf, OUT_CAP);
		if (r > 0) {
			c->buf_off = 0;
			c->buf_len = (size_t)r;
		} else if (r == -NLRS_EAGAIN) {
			return;
		} else if (r < 0) {
			conn_end(a, c, (int)r, "receive from", false);
			return;
		}
	}
}

/* At EOF: the digest of everything received, in the short form the
 * scripts look for ("sha256=<hex> bytes=<n>"). */
static void print_digest(struct conn *c)
{
	char eps[32];

	sha_final_hex(&c->rx, c->rx_hex);
	c->rx_final = true;
	printf("%s: peer=%s sha256=%s bytes=%llu stream=%s\n", c->kind == K_SERVER ? "sink" : "recv",
	       fmt_ep(c->peer_v4, c->peer_port, eps, sizeof(eps)), c->rx_hex,
	       (unsigned long long)c->received,
	       !c->received ? "n/a" : c->mismatch == UINT64_MAX ? "match" : "mismatch");
	fflush(stdout);
}

static void serve_sink(struct app *a, struct conn *c)
{
	for (;;) {
		long r = conn_recv_account(a, c, scratch, SCRATCH);
		if (r > 0)
			continue;
		if (r == -NLRS_EAGAIN)
			return;
		if (r < 0) {
			conn_end(a, c, (int)r, "receive from", false);
			return;
		}
		print_digest(c);
		conn_finish(a, c, false);
		return;
	}
}

static void serve_source(struct app *a, struct conn *c)
{
	if (c->sent < a->o.bytes) {
		long r = conn_send_stream(a, c, a->o.bytes - c->sent);
		if (r < 0)
			return;
	}
	if (drain(a, c))
		return;
	if (c->sent >= a->o.bytes)
		conn_finish(a, c, false);
}

/* HTTP/1.1 (RFC 9112): GET and HEAD; the body is the stream's first N
 * bytes, N from "/bytes/N" or --bytes. One request at a time; pipelined
 * requests wait in the buffer. */
static uint8_t *http_end_of_head(uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
			return p + i + 4;
	return NULL;
}

static int http_respond(struct app *a, struct conn *c, uint8_t *req, size_t hlen)
{
	char method[16] = "", path[256] = "", ver[16] = "";
	char *line_end = memchr(req, '\r', hlen);
	char *save = NULL;
	uint64_t n = a->o.bytes;
	int status = 200;

	if (!line_end)
		status = 400;
	else {
		*line_end = 0;
		char *m = strtok_r((char *)req, " ", &save);
		char *p = m ? strtok_r(NULL, " ", &save) : NULL;
		char *v = p ? strtok_r(NULL, " ", &save) : NULL;
		if (!m || !p || !v || strlen(m) >= sizeof(method) || strlen(p) >= sizeof(path) ||
		    strlen(v) >= sizeof(ver))
			status = 400;
		else {
			strcpy(method, m);
			strcpy(path, p);
			strcpy(ver, v);
		}
		*line_end = '\r';
	}
	if (status == 200 && strcmp(ver, "HTTP/1.1") && strcmp(ver, "HTTP/1.0"))
		status = 505;
	c->keepalive = !strcmp(ver, "HTTP/1.1");
	c->head_only = !strcmp(method, "HEAD");
	if (status == 200 && strcmp(method, "GET") && !c->head_only)
		status = 405;
	if (status == 200 && !strncmp(path, "/bytes/", 7)) {
		char *end;
		unsigned long long v = strtoull(path + 7, &end, 10);
		if (*end || end == path + 7 || v > (1ull << 40))
			status = 404;
		else
			n = v;
	}
	/* Connection: header (case-insensitive name, RFC 9110 7.6.1) */
	for (char *l = line_end ? line_end + 2 : NULL; l && l < (char *)req + hlen - 2;) {
		char *e = memchr(l, '\r', (size_t)((char *)req + hlen - l));
		if (!e || e == l)
			break;
		if (!strncasecmp(l, "Connection:", 11)) {
			size_t vl = (size_t)(e - l - 11);
			char v[64];
			if (vl >= sizeof(v))
				vl = sizeof(v) - 1;
			memcpy(v, l + 11, vl);
			v[vl] = 0;
			if (strcasestr(v, "close"))
				c->keepalive = false;
			else if (strcasestr(v, "keep-alive"))
				c->keepalive = true;
		}
		l = e + 2;
	}
	if (status != 200) {
		c->keepalive = false;
		n = 0;
	}
	/* serve_http reserved HTTP_REQ_MAX + 512: room for header + rest */
	static const char *reason[] = { [0] = "OK", [1] = "Bad Request", [2] = "Not Found",
					[3] = "Method Not Allowed", [4] = "HTTP Version Not Supported" };
	int ri = status == 200 ? 0 : status == 400 ? 1 : status == 404 ? 2 : status == 405 ? 3 : 4;
	char hdr[512];
	int hl = snprintf(hdr, sizeof(hdr),
			  "HTTP/1.1 %d %s\r\nServer: nlrs-tcpapp\r\n"
			  "Content-Type: application/octet-stream\r\nContent-Length: %llu\r\n"
			  "Connection: %s\r\n\r\n",
			  status, reason[ri], (unsigned long long)n,
			  c->keepalive ? "keep-alive" : "close");
	/* the request is consumed; the response header goes first into buf */
	size_t rest = c->buf_len - hlen;
	memmove(c->buf + hl, c->buf + hlen, rest);
	memcpy(c->buf, hdr, (size_t)hl);
	c->buf_off = 0;
	c->buf_len = (size_t)hl;
	c->phase = (int)rest; /* pipelined bytes parked after the header */
	c->body_left = c->head_only ? 0 : n;
	c->body_off = 0;
	c->requests++;
	return 0;
}

static void serve_http(struct app *a, struct conn *c)
{
	for (;;) {
		/* 1. a response in progress: header, then body */
		if (c->buf_off < c->buf_len) {
			size_t parked = (size_t)c->phase;
			size_t hdr_end = c->buf_len;
			while (c->buf_off < hdr_end) {
				int r = nlrs_sock_send(a->s, c->sd, c->buf + c->buf_off,
						       hdr_end - c->buf_off, 0);
				if (r == -NLRS_EAGAIN || r == 0)
					return;
				if (r < 0) {
					conn_end(a, c, r, "send to", false);
					return;
				}
				c->buf_off += (size_t)r;
			}
			/* header out: the parked pipelined bytes become the input */
			memmove(c->buf, c->buf + hdr_end, parked);
			c->buf_off = 0;
			c->buf_len = 0;
			c->phase = (int)parked;
		}
		if (c->body_left) {
			while (c->body_left) {
				size_t n = c->body_left < SCRATCH ? (size_t)c->body_left : SCRATCH;
				stream_fill(a->o.seed, c->body_off, scratch, n);
				int r = nlrs_sock_send(a->s, c->sd, scratch, n, 0);
				if (r == -NLRS_EAGAIN || r == 0)
					return;
				if (r < 0) {
					conn_end(a, c, r, "send to", false);
					return;
				}
				sha_update(&c->tx, scratch, (size_t)r);
				c->sent += (uint64_t)r;
				c->body_off += (uint64_t)r;
				c->body_left -= (uint64_t)r;
			}
			if (!c->keepalive) {
				conn_finish(a, c, false);
				return;
			}
		} else if (c->requests && !c->keepalive) {
			conn_finish(a, c, false);
			return;
		}
		/* 2. the next request: input lives in buf[0..phase) */
		size_t have = (size_t)c->phase;
		if (out_reserve(c, HTTP_REQ_MAX + 512)) {
			conn_end(a, c, NLRS_ENOMEM, "buffer for", true);
			return;
		}
		uint8_t *end = http_end_of_head(c->buf, have);
		if (end) {
			c->buf_len = have;
			if (http_respond(a, c, c->buf, (size_t)(end - c->buf))) {
				conn_end(a, c, NLRS_ENOMEM, "buffer for", true);
				return;
			}
			continue;
		}
		if (have >= HTTP_REQ_MAX) {
			conn_end(a, c, NLRS_EMSGSIZE, "request header over 8 KiB from", true);
			return;
		}
		int r = nlrs_sock_recv(a->s, c->sd, c->buf + have, HTTP_REQ_MAX - have, 0);
		if (r > 0) {
			sha_update(&c->rx, c->buf + have, (size_t)r);
			c->received += (uint64_t)r;
			c->phase = (int)(have + (size_t)r);
			c->not_stream = true; /* requests are not the stream */
			continue;
		}
		if (r == -NLRS_EAGAIN)
			return;
		if (r == 0) {
			c->eof = true;
			conn_finish(a, c, false);
			return;
		}
		conn_end(a, c, r, "receive from", false);
		return;
	}
}

/* ---- client modes ---- */

static void client_send(struct app *a, struct conn *c)
{
	if (c->sent < a->o.bytes && conn_send_stream(a, c, a->o.bytes - c->sent) < 0)
		return;
	if (drain(a, c))
		return;
	if (c->sent >= a->o.bytes)
		conn_finish(a, c, true);
}

static void client_recv(struct app *a, struct conn *c)
{
	if (drain(a, c))
		return;
	if (c->eof) {
		print_digest(c);
		conn_finish(a, c, false);
	}
}

static void client_echo(struct app *a, struct conn *c)
{
	for (;;) {
		long s = 0;
		if (c->sent < a->o.bytes && (s = conn_send_stream(a, c, a->o.bytes - c->sent)) < 0)
			return;
		if (c->sent >= a->o.bytes && !c->shut) {
			int r = nlrs_sock_shutdown(a->s, c->sd, NLRS_SHUT_WR);
			if (r) {
				conn_end(a, c, r, "shutdown of", false);
				return;
			}
			c->shut = true;
		}
		long r = conn_recv_account(a, c, scratch, SCRATCH);
		if (r < 0 && r != -NLRS_EAGAIN) {
			conn_end(a, c, (int)r, "receive from", false);
			return;
		}
		if (c->eof) {
			if (c->received != a->o.bytes) {
				static char why[96];
				snprintf(why, sizeof(why), "echo ended after %llu of %llu bytes",
					 (unsigned long long)c->received, (unsigned long long)a->o.bytes);
				conn_end(a, c, NLRS_EIO, why, false);
				return;
			}
			conn_finish(a, c, false);
			return;
		}
		if (r <= 0 && s <= 0)
			return;
	}
}

/* rr and crr: one message of --msg bytes out, the same bytes back */
static void client_rr(struct app *a, struct conn *c)
{
	unsigned long rounds = a->o.mode == M_CRR ? 1 : a->o.count;

	for (;;) {
		if (c->rounds >= rounds) {
			if (drain(a, c))
				return;
			conn_finish(a, c, true);
			return;
		}
		uint64_t want_sent = (uint64_t)(c->rounds + 1) * a->o.msg;
		if (c->sent < want_sent) {
			if (c->sent == (uint64_t)c->rounds * a->o.msg)
				c->t_req = nlrs_clock_now();
			if (conn_send_stream(a, c, want_sent - c->sent) < 0)
				return;
			if (c->sent < want_sent)
				return; /* wait for room */
		}
		long r = conn_recv_account(a, c, scratch, a->o.msg);
		if (r == -NLRS_EAGAIN)
			return;
		if (r < 0) {
			conn_end(a, c, (int)r, "receive from", false);
			return;
		}
		if (r == 0) {
			conn_end(a, c, NLRS_EIO, "the peer closed in the middle of a round trip:", false);
			return;
		}
		if (c->received >= want_sent) {
			nlrs_time_t t = nlrs_clock_now();
			if (a->o.mode == M_CRR)
				app_record_rtt(a, (double)(t - c->t_start));
			else
				app_record_rtt(a, (double)(t - c->t_req));
			c->rounds++;
		}
	}
}

void conn_service(struct app *a, struct conn *c)
{
	if (!c->connected) {
		unsigned ev = nlrs_sock_events(a->s, c->sd);
		if (!(ev & (NLRS_EV_WRITE | NLRS_EV_ERROR | NLRS_EV_HUP)))
			return;
		int err = 0;
		int r = nlrs_sock_getopt(a->s, c->sd, NLRS_SO_ERROR, &err);
		if (r)
			err = r < 0 ? -r : r;
		if (err) {
			conn_end(a, c, err, "connect to", false);
			return;
		}
		if (!(ev & NLRS_EV_WRITE))
			return;
		c->connected = true;
		c->t_conn = a->now;
		struct nlrs_endpoint peer;
		if (nlrs_sock_getname(a->s, c->sd, NULL, &peer) == 0 && peer.v4) {
			c->peer_v4 = peer.v4;
			c->peer_port = peer.port;
		}
	}
	if (c->finishing) {
		finish_step(a, c);
		return;
	}
	if (c->kind == K_IPERF_CTRL || c->kind == K_IPERF_DATA) {
		iperf_service(a, c);
		return;
	}
	if (c->kind == K_SERVER) {
		switch (a->o.mode) {
		case M_ECHO: serve_echo(a, c); break;
		case M_SINK: serve_sink(a, c); break;
		case M_SOURCE: serve_source(a, c); break;
		case M_HTTP: serve_http(a, c); break;
		default: break;
		}
	} else {
		switch (a->o.mode) {
		case M_SEND: client_send(a, c); break;
		case M_RECV: client_recv(a, c); break;
		case M_ECHO: client_echo(a, c); break;
		case M_RR:
		case M_CRR: client_rr(a, c); break;
		default: break;
		}
	}
}
