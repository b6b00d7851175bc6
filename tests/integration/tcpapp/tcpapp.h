/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrs-tcpapp: a Netloom stack on a TAP device with a TCP application on
 * top, for the interop tests (tests/integration/tcp_*.sh) and the TCP
 * benchmark (tests/bench/tcp_bench.sh). Only the public API is used.
 *
 *   main.c    options, stack and device set-up, the event loop, the report
 *   conn.c    connections: accept/connect, the server and client modes
 *   iperf3.c  iperf3's control protocol (server and client), TCP only
 *   stream.c  the seeded byte stream both ends agree on, SHA-256, errno names
 */
#ifndef NLRS_TCPAPP_H
#define NLRS_TCPAPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nlrs/netdev.h"
#include "nlrs/socket.h"
#include "nlrs/stack.h"

struct evp_md_ctx_st;

/* ---- stream.c ---- */

/* The stream: byte o is byte (o % 8), little-endian, of word(o / 8), with
 * word(i) = splitmix64 finaliser of (seed * 0x9e3779b97f4a7c15 + i). Any
 * offset can be produced or checked without the bytes before it, so every
 * connection, HTTP body and iperf3 block comes from the same stream. */
uint64_t stream_word(uint64_t seed, uint64_t idx);
void stream_fill(uint64_t seed, uint64_t off, void *out, size_t len);
/* Index of the first byte of in[0..len) that differs from the stream at
 * off, or len if they all match. */
size_t stream_check(uint64_t seed, uint64_t off, const void *in, size_t len);

struct sha {
	struct evp_md_ctx_st *ctx;
};
int sha_init(struct sha *h);
void sha_update(struct sha *h, const void *p, size_t len);
/* Writes 64 hex digits and a NUL; the context can be reused after sha_init. */
void sha_final_hex(struct sha *h, char out[65]);
void sha_free(struct sha *h);

/* "ECONNREFUSED" for NLRS_ECONNREFUSED, or "E<n>" (static storage). */
const char *errno_name(int err);
/* "192.0.2.1:80" into buf */
const char *fmt_ep(uint32_t v4, uint16_t port, char *buf, size_t len);

/* ---- options ---- */

enum app_role { ROLE_SERVER = 1, ROLE_CLIENT };
enum app_mode {
	M_NONE,
	M_ECHO,   /* server: echo; client: send the stream, check the echo */
	M_SINK,   /* server: read to EOF, print sha256 */
	M_SOURCE, /* server: send --bytes of the stream, close */
	M_HTTP,   /* server: HTTP/1.1 GET -> 200 with --bytes of the stream */
	M_SEND,   /* client: send --bytes, shutdown(WR), wait for EOF */
	M_RECV,   /* client: read to EOF, print sha256 */
	M_RR,     /* client: --count request/response rounds of --msg bytes */
	M_CRR,    /* client: connect, one round trip, close; per connection */
	M_IPERF3, /* iperf3's protocol (both roles) */
};

struct opts {
	const char *tap; /* the device's name, TAP or (pcap) Ethernet interface */
	bool pcap;       /* --pcap: a pcap device on an existing interface */
	const char *slip; /* --slip PATH: a SLIP device on a tty/pty/socket (tap unused) */
	bool cslip;       /* --cslip: RFC 1144 header compression on it */
	bool no_ts;       /* --no-timestamps */
	bool offload;     /* --offload: TAP with IFF_VNET_HDR, checksum and TSO offload */
	uint8_t mac[6];
	bool mac_set;
	uint32_t addr;
	uint8_t plen;
	uint32_t gw;
	unsigned mtu;
	bool fault_set;
	struct nlrs_fault_config fault;
	uint64_t fault_seed;
	const char *capture;
	int cc; /* -1: the stack's default */
	unsigned buffers, buf_size, tcp_conns, sockets;
	int sndbuf, rcvbuf; /* 0: default */
	bool nodelay;

	enum app_role role;
	enum app_mode mode;
	uint16_t port;
	uint32_t peer;
	uint64_t bytes;
	bool bytes_set;
	unsigned long conns;   /* 0: server serves forever; client default 1 */
	unsigned long parallel;
	unsigned long count;   /* rr round trips per connection */
	unsigned msg;          /* rr/crr message size */
	uint64_t seed;         /* stream seed */
	bool rst;              /* abortive close (SO_LINGER 0) */
	bool verify;           /* received data must be the stream (failure if not) */
	unsigned long timeout_ms; /* give up after this long (0: never) */
	unsigned long linger_ms;  /* after the last connection: let orphans finish */
	unsigned backlog;
	/* iperf3 */
	unsigned long iperf_time; /* client: seconds (default 3) */
	bool reverse;             /* client: -R */
	unsigned long iperf_len;  /* client: block size (default 128 KiB) */
	bool quiet;
};

/* ---- main.c: the application ---- */

struct conn;
struct iperf;

struct totals {
	unsigned long ok, failed;
	uint64_t bytes_sent, bytes_received;
	uint64_t total_retrans, bytes_retrans;
	unsigned long fast_recoveries, rto_episodes; /* ca_state changes seen */
	unsigned long errs[8];
	int err_code[8];
	unsigned nerr;
	uint64_t segs_out, segs_in;
};

struct app {
	struct opts o;
	struct nlrs_stack *s;
	void *mem;
	struct nlrs_netdev *dev, *fault;
	int ifx;
	nlrs_time_t now, t_start, t_first, t_last;
	struct conn **by_sd;
	unsigned nsd;
	int *dirty;
	unsigned ndirty;
	struct conn *head; /* every live connection */
	unsigned long nlive, max_live;
	int lsd;           /* listener, or -1 */
	unsigned long started, finished;
	struct totals tot;
	/* the last finished connection's tcp_info, for the report */
	struct nlrs_tcp_info last;
	bool have_last;
	char last_sha_tx[65], last_sha_rx[65];
	double *rtt_us; /* rr/crr samples */
	size_t nrtt, rtt_cap;
	struct iperf *ip;
	bool done, failed_setup;
	unsigned long missed_events;
};

void app_mark(struct app *a, int sd);
/* The socket callback (ctx = the app): marks sd for service. */
void app_on_event(void *ctx, int sd, unsigned events);
int app_timeout_ms(const struct app *a, nlrs_time_t deadline);
void app_record_rtt(struct app *a, double us);

/* ---- conn.c ---- */

enum conn_kind { K_SERVER, K_CLIENT, K_IPERF_CTRL, K_IPERF_DATA };

struct conn {
	struct conn *next, *prev;
	int sd;
	enum conn_kind kind;
	int phase;
	bool dirty, connected, eof, shut, finishing, fin_wait_eof, rx_final, not_stream;
	bool hello, hello_done; /* iperf3 data stream: cookie queued / sent */
	char rx_hex[65];
	uint32_t peer_v4;
	uint16_t peer_port;
	unsigned long id;
	nlrs_time_t t_start, t_conn, t_end, t_fin_deadline;
	uint64_t sent, received;     /* application bytes */
	uint64_t goal;               /* bytes to send (send/source/echo) */
	uint64_t mismatch;           /* first received offset not matching the stream */
	bool hash_rx, hash_tx;
	struct sha rx, tx;
	uint8_t *buf;                /* echo/http/rr/iperf scratch */
	size_t buf_cap, buf_len, buf_off;
	/* http */
	unsigned long requests;
	uint64_t body_left, body_off;
	bool keepalive, head_only;
	/* rr */
	unsigned long rounds;
	nlrs_time_t t_req;
	/* tcp_info tracking */
	uint8_t ca_state;
	unsigned long recoveries, rtos;
	struct nlrs_tcp_info info;
	bool info_ok;
	int err;
	const char *why;             /* error context */
	/* iperf3 */
	struct iperf *ip;
	int stream_id;
};

struct conn *conn_new(struct app *a, int sd, enum conn_kind kind);
/* Serve one connection whose events may have changed. */
void conn_service(struct app *a, struct conn *c);
/* Start one client connection (returns -errno on a local failure). */
int conn_connect(struct app *a, uint32_t v4, uint16_t port, enum conn_kind kind,
		 struct conn **out);
/* Sample tcp_info: counts entries into recovery (ca_state 3) and loss (4). */
void conn_sample(struct app *a, struct conn *c);
/* Done with c: err 0 for success, else -errno/1 with why. Records totals,
 * prints the CONN line, closes the descriptor (abortive if --rst, or abort). */
void conn_end(struct app *a, struct conn *c, int err, const char *why, bool abort);
/* Begin an orderly finish: shutdown(WR) (unless --rst), wait for our data
 * to be acknowledged (and, if wait_eof, the peer's EOF), then conn_end. */
void conn_finish(struct app *a, struct conn *c, bool wait_eof);
void conn_accept_all(struct app *a);
/* Try to send from c->buf[buf_off..buf_len); returns 0 when all out,
 * -EAGAIN, or -errno (already reported through conn_end). */
int conn_flush(struct app *a, struct conn *c);
/* Send up to len of the stream at c->sent: returns bytes taken or -errno. */
long conn_send_stream(struct app *a, struct conn *c, uint64_t len);
/* Receive into scratch and account it (hash, verify). Returns >0 bytes,
 * 0 at EOF, -EAGAIN, or another -errno. */
long conn_recv_account(struct app *a, struct conn *c, void *dst, size_t cap);

/* ---- iperf3.c ---- */

int iperf_server_init(struct app *a);
int iperf_client_start(struct app *a);
/* A new accepted connection while serving iperf3. */
void iperf_accepted(struct app *a, struct conn *c);
void iperf_service(struct app *a, struct conn *c);
/* Timers; returns the next deadline. */
nlrs_time_t iperf_tick(struct app *a);
void iperf_conn_gone(struct app *a, struct conn *c);
/* Fields for the RESULT line (starts with a comma) */
void iperf_report(struct app *a, FILE *out);
bool iperf_done(const struct app *a);
bool iperf_ok(const struct app *a);

#endif
