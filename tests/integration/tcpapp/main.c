/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrs-tcpapp: a Netloom stack over a TAP device running a TCP server or
 * client, for the interop tests with Linux as the peer and the benchmark.
 * See usage() for the modes; tcpapp.h for how the files divide the work.
 *
 * The loop is the usual one for a single-threaded stack (as in
 * stack/nlrsd/loop.c): wait for the device fd or the next deadline, feed
 * every waiting frame in, run the stack's timers, serve the connections
 * whose events changed (the socket callback only marks them), start client
 * connections, repeat.
 *
 * Output (stdout): "nlrs-tcpapp: ready ..." once listening or connecting;
 * one "CONN {json}" line per finished connection; "sink: ... sha256=<hex>
 * bytes=<n>" (server sink) or "recv: ..." (client recv) at each EOF; and a
 * final "RESULT {json}" line with the totals, tcp_info figures, latency
 * percentiles, the stack's non-zero counters and the fault injector's
 * counts. Errors go to stderr and name the problem.
 *
 * Exit status: 0 every connection succeeded, 1 a failure (a connection
 * failed, the data differed, a timeout, a set-up error), 2 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "tcpapp.h"

#define RX_BATCH 256

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: nlrs-tcpapp --tap NAME --addr CIDR [stack options] server PORT --mode MODE [options]\n"
		"       nlrs-tcpapp --tap NAME --addr CIDR [stack options] client ADDR PORT --mode MODE [options]\n"
		"       nlrs-tcpapp gen --bytes N [--seed S]     write the test stream to stdout\n"
		"\n"
		"stack options:\n"
		"  --tap NAME          TAP device to create or attach to\n"
		"  --offload           open the TAP with IFF_VNET_HDR: checksum offload and TSO/GRO\n"
		"                      (64 KiB super-frames both ways; not through --fault/--capture)\n"
		"  --pcap NAME         instead of --tap: join Ethernet interface NAME (pcap device)\n"
		"  --slip PATH         instead of --tap: SLIP on a tty/pty (PATH[:BAUD]), unix:SOCK or\n"
		"                      tcp:HOST:PORT; --cslip adds RFC 1144 header compression\n"
		"  --no-timestamps     no TCP timestamps (RFC 1144 compresses only option-less\n"
		"                      or constant-option headers)\n"
		"  --addr CIDR         the stack's IPv4 address, e.g. 192.0.2.2/24\n"
		"  --mac MAC           the stack's MAC (default: random 02:...)\n"
		"  --gw ADDR           default gateway\n"
		"  --mtu N             link MTU (the TAP's kernel side too)\n"
		"  --fault SPEC        fault injector, nlrsd's [fault] keys as key=value,...:\n"
		"                      drop-chance, corrupt-chance, reorder-chance, dup-chance (percent),\n"
		"                      size-limit, tx-rate-limit, rx-rate-limit (frames per interval),\n"
		"                      shaping-interval (ms, default 50), seed\n"
		"  --capture FILE      pcap of every frame the stack sends and receives\n"
		"  --cc cubic|newreno|bbr  congestion control of every connection\n"
		"  --buffers N         packet buffers (default 8192)\n"
		"  --buf-size N        bytes per packet buffer (default 2048; above MTU + 160)\n"
		"  --tcp-conns N       TCP control blocks (default 1024)\n"
		"  --sockets N         socket descriptors (default 1024)\n"
		"  --sndbuf N --rcvbuf N  SO_SNDBUF / SO_RCVBUF of every connection\n"
		"  --nodelay           TCP_NODELAY on every connection\n"
		"  --timeout SECS      fail after this long (default: none)\n"
		"  --linger-ms MS      after the last connection, let the stack finish closes (default 2000)\n"
		"  --quiet             no per-connection lines\n"
		"\n"
		"server modes (--mode): echo, sink (print sha256 at EOF), source (send --bytes),\n"
		"  http (GET -> 200 with --bytes, or N bytes for /bytes/N; keep-alive), iperf3\n"
		"client modes: send (--bytes, then shutdown and wait for EOF), recv (to EOF),\n"
		"  echo (send --bytes, check the echo), rr (--count round trips of --msg bytes),\n"
		"  crr (connect, one round trip, close, per connection), iperf3 (--time, --reverse)\n"
		"options: --bytes N[KMG] (default 1M), --conns N (server: exit after N; client:\n"
		"  connections in all, default 1), --parallel P (client, default 1), --count N (rr,\n"
		"  default 1000), --msg N (rr/crr, default 64), --seed S (stream, default 1), --rst\n"
		"  (abortive close once our data is acknowledged), --verify (received data must be\n"
		"  the stream), --backlog N (default 512), --time S (iperf3 client, default 3),\n"
		"  --reverse (iperf3 client: the server sends), --len N (iperf3 block, default 128K)\n");
}

/* ---- argument parsing ---- */

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mul = 1ull << 10; break;
		case 'm': case 'M': mul = 1ull << 20; break;
		case 'g': case 'G': mul = 1ull << 30; break;
		default: return -1;
		}
		if (end[1])
			return -1;
	}
	if (v > max / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	uint64_t v;

	if (parse_u64(s, max, &v) || v < min)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

static int parse_ip(const char *s, uint32_t *out)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*out = ntohl(in.s_addr);
	return 0;
}

static int parse_cidr(const char *s, uint32_t *addr, uint8_t *plen)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	unsigned long p;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	if (parse_ip(buf, addr) || parse_ulong(slash + 1, 0, 32, &p))
		return -1;
	*plen = (uint8_t)p;
	return 0;
}

/* key=value,... with nlrsd's [fault] keys (nlrsd(8)). */
static int parse_fault(const char *spec, struct opts *o)
{
	char buf[512], *save = NULL;

	if (strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	memset(&o->fault, 0, sizeof(o->fault));
	o->fault.shaping_interval_ms = 50;
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		unsigned long v;
		uint64_t v64;

		if (!eq) {
			fprintf(stderr, "nlrs-tcpapp: --fault: '%s' is not key=value\n", kv);
			return -1;
		}
		*eq = 0;
		const char *k = kv, *val = eq + 1;
		unsigned *pct = !strcmp(k, "drop-chance")      ? &o->fault.drop_chance :
				!strcmp(k, "corrupt-chance")   ? &o->fault.corrupt_chance :
				!strcmp(k, "reorder-chance")   ? &o->fault.reorder_chance :
				!strcmp(k, "dup-chance")       ? &o->fault.dup_chance : NULL;
		unsigned *num = !strcmp(k, "size-limit")       ? &o->fault.size_limit :
				!strcmp(k, "tx-rate-limit")    ? &o->fault.tx_rate_limit :
				!strcmp(k, "rx-rate-limit")    ? &o->fault.rx_rate_limit : NULL;
		if (pct) {
			if (parse_ulong(val, 0, 100, &v))
				goto bad;
			*pct = (unsigned)v;
		} else if (num) {
			if (parse_ulong(val, 0, 1000000, &v))
				goto bad;
			*num = (unsigned)v;
		} else if (!strcmp(k, "shaping-interval")) {
			if (parse_ulong(val, 1, 60000, &v))
				goto bad;
			o->fault.shaping_interval_ms = (unsigned)v;
		} else if (!strcmp(k, "seed")) {
			if (parse_u64(val, UINT64_MAX, &v64))
				goto bad;
			o->fault_seed = v64;
		} else {
			fprintf(stderr, "nlrs-tcpapp: --fault: unknown key '%s' (drop-chance, "
					"corrupt-chance, reorder-chance, dup-chance, size-limit, "
					"tx-rate-limit, rx-rate-limit, shaping-interval, seed)\n", k);
			return -1;
		}
		continue;
bad:
		fprintf(stderr, "nlrs-tcpapp: --fault: bad value '%s' for %s\n", val, k);
		return -1;
	}
	o->fault_set = true;
	return 0;
}

static enum app_mode parse_mode(const char *s)
{
	static const struct { const char *n; enum app_mode m; } t[] = {
		{ "echo", M_ECHO }, { "sink", M_SINK }, { "source", M_SOURCE }, { "http", M_HTTP },
		{ "send", M_SEND }, { "recv", M_RECV }, { "rr", M_RR }, { "crr", M_CRR },
		{ "iperf3", M_IPERF3 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].n))
			return t[i].m;
	return M_NONE;
}

enum {
	O_TAP = 256, O_PCAP, O_MAC, O_ADDR, O_GW, O_MTU, O_FAULT, O_CAPTURE, O_CC, O_BUFFERS, O_BUFSIZE,
	O_TCPCONNS, O_SOCKETS, O_SNDBUF, O_RCVBUF, O_NODELAY, O_TIMEOUT, O_LINGER, O_QUIET,
	O_MODE, O_BYTES, O_CONNS, O_PARALLEL, O_COUNT, O_MSG, O_SEED, O_RST, O_VERIFY,
	O_BACKLOG, O_TIME, O_REVERSE, O_LEN, O_HELP, O_SLIP, O_CSLIP, O_NOTS, O_OFFLOAD,
};

static const struct option longopts[] = {
	{ "tap", 1, 0, O_TAP }, { "pcap", 1, 0, O_PCAP }, { "mac", 1, 0, O_MAC }, { "addr", 1, 0, O_ADDR }, { "gw", 1, 0, O_GW },
	{ "mtu", 1, 0, O_MTU }, { "fault", 1, 0, O_FAULT }, { "capture", 1, 0, O_CAPTURE },
	{ "cc", 1, 0, O_CC }, { "buffers", 1, 0, O_BUFFERS }, { "buf-size", 1, 0, O_BUFSIZE },
	{ "tcp-conns", 1, 0, O_TCPCONNS }, { "sockets", 1, 0, O_SOCKETS },
	{ "sndbuf", 1, 0, O_SNDBUF }, { "rcvbuf", 1, 0, O_RCVBUF }, { "nodelay", 0, 0, O_NODELAY },
	{ "timeout", 1, 0, O_TIMEOUT }, { "linger-ms", 1, 0, O_LINGER }, { "quiet", 0, 0, O_QUIET },
	{ "mode", 1, 0, O_MODE }, { "bytes", 1, 0, O_BYTES }, { "conns", 1, 0, O_CONNS },
	{ "parallel", 1, 0, O_PARALLEL }, { "count", 1, 0, O_COUNT }, { "msg", 1, 0, O_MSG },
	{ "seed", 1, 0, O_SEED }, { "rst", 0, 0, O_RST }, { "verify", 0, 0, O_VERIFY },
	{ "backlog", 1, 0, O_BACKLOG }, { "time", 1, 0, O_TIME }, { "reverse", 0, 0, O_REVERSE },
	{ "len", 1, 0, O_LEN }, { "help", 0, 0, O_HELP },
	{ "slip", 1, 0, O_SLIP }, { "cslip", 0, 0, O_CSLIP },
	{ "no-timestamps", 0, 0, O_NOTS }, { "offload", 0, 0, O_OFFLOAD }, { 0, 0, 0, 0 },
};

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "nlrs-tcpapp: bad value '%s' for %s (see --help)\n", val ? val : "", opt);
	return 2;
}

/* Returns 0, 2 (usage), or -1 for --help (exit 0). */
static int parse_args(int argc, char **argv, struct opts *o, bool *gen)
{
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->cc = -1;
	o->buffers = 8192;
	o->buf_size = 2048;
	o->tcp_conns = 1024;
	o->sockets = 1024;
	o->bytes = 1u << 20;
	o->count = 1000;
	o->msg = 64;
	o->seed = 1;
	o->linger_ms = 2000;
	o->backlog = 512;
	o->iperf_time = 3;
	o->iperf_len = 128 * 1024;
	*gen = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1 || optind < argc) {
		if (c == -1) {
			/* a positional argument: note it and go on parsing after it */
			const char *arg = argv[optind++];
			if (!o->role && !*gen) {
				if (!strcmp(arg, "server"))
					o->role = ROLE_SERVER;
				else if (!strcmp(arg, "client"))
					o->role = ROLE_CLIENT;
				else if (!strcmp(arg, "gen"))
					*gen = true;
				else {
					fprintf(stderr, "nlrs-tcpapp: expected server, client or gen, got '%s'\n", arg);
					return 2;
				}
			} else if (o->role == ROLE_CLIENT && !o->peer) {
				if (parse_ip(arg, &o->peer) || !o->peer)
					return bad("ADDR", arg);
			} else if (o->role && !o->port) {
				if (parse_ulong(arg, 1, 65535, &v))
					return bad("PORT", arg);
				o->port = (uint16_t)v;
			} else {
				fprintf(stderr, "nlrs-tcpapp: unexpected argument '%s'\n", arg);
				return 2;
			}
			continue;
		}
		switch (c) {
		case O_TAP:
		case O_PCAP:
			if (!*optarg || strlen(optarg) >= NLRS_IFNAMSIZ)
				return bad(c == O_TAP ? "--tap" : "--pcap", optarg);
			o->tap = optarg;
			o->pcap = c == O_PCAP;
			break;
		case O_MAC: {
			unsigned m[6];
			char extra;
			if (sscanf(optarg, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4],
				   &m[5], &extra) != 6)
				return bad("--mac (xx:xx:xx:xx:xx:xx)", optarg);
			for (int i = 0; i < 6; i++) {
				if (m[i] > 255)
					return bad("--mac", optarg);
				o->mac[i] = (uint8_t)m[i];
			}
			if (o->mac[0] & 1)
				return bad("--mac (not a group address)", optarg);
			o->mac_set = true;
			break;
		}
		case O_ADDR:
			if (parse_cidr(optarg, &o->addr, &o->plen))
				return bad("--addr (A.B.C.D/LEN)", optarg);
			break;
		case O_GW:
			if (parse_ip(optarg, &o->gw))
				return bad("--gw", optarg);
			break;
		case O_MTU:
			if (parse_ulong(optarg, 576, 65000, &v))
				return bad("--mtu (576..65000)", optarg);
			o->mtu = (unsigned)v;
			break;
		case O_FAULT:
			if (parse_fault(optarg, o))
				return 2;
			break;
		case O_CAPTURE: o->capture = optarg; break;
		case O_CC:
			if (!strcmp(optarg, "cubic"))
				o->cc = NLRS_CC_CUBIC;
			else if (!strcmp(optarg, "newreno"))
				o->cc = NLRS_CC_NEWRENO;
			else if (!strcmp(optarg, "bbr"))
				o->cc = NLRS_CC_BBR;
			else
				return bad("--cc (cubic|newreno|bbr)", optarg);
			break;
		case O_BUFFERS:
			if (parse_ulong(optarg, 64, 4u << 20, &v))
				return bad("--buffers", optarg);
			o->buffers = (unsigned)v;
			break;
		case O_BUFSIZE:
			if (parse_ulong(optarg, 1600, 65535, &v))
				return bad("--buf-size (1600..65535)", optarg);
			o->buf_size = (unsigned)v;
			break;
		case O_TCPCONNS:
			if (parse_ulong(optarg, 1, 65535, &v))
				return bad("--tcp-conns", optarg);
			o->tcp_conns = (unsigned)v;
			break;
		case O_SOCKETS:
			if (parse_ulong(optarg, 2, 65535, &v))
				return bad("--sockets", optarg);
			o->sockets = (unsigned)v;
			break;
		case O_SNDBUF:
		case O_RCVBUF:
			if (parse_ulong(optarg, 1, INT_MAX, &v))
				return bad(c == O_SNDBUF ? "--sndbuf" : "--rcvbuf", optarg);
			*(c == O_SNDBUF ? &o->sndbuf : &o->rcvbuf) = (int)v;
			break;
		case O_NODELAY: o->nodelay = true; break;
		case O_TIMEOUT:
			if (parse_ulong(optarg, 1, 86400, &v))
				return bad("--timeout", optarg);
			o->timeout_ms = v * 1000;
			break;
		case O_LINGER:
			if (parse_ulong(optarg, 0, 600000, &v))
				return bad("--linger-ms", optarg);
			o->linger_ms = v;
			break;
		case O_QUIET: o->quiet = true; break;
		case O_MODE:
			if ((o->mode = parse_mode(optarg)) == M_NONE)
				return bad("--mode", optarg);
			break;
		case O_BYTES:
			if (parse_u64(optarg, 1ull << 44, &o->bytes))
				return bad("--bytes", optarg);
			o->bytes_set = true;
			break;
		case O_CONNS:
			if (parse_ulong(optarg, 1, 100000000, &o->conns))
				return bad("--conns", optarg);
			break;
		case O_PARALLEL:
			if (parse_ulong(optarg, 1, 65535, &o->parallel))
				return bad("--parallel", optarg);
			break;
		case O_COUNT:
			if (parse_ulong(optarg, 1, 100000000, &o->count))
				return bad("--count", optarg);
			break;
		case O_MSG:
			if (parse_ulong(optarg, 1, 65536, &v))
				return bad("--msg (1..65536)", optarg);
			o->msg = (unsigned)v;
			break;
		case O_SEED:
			if (parse_u64(optarg, UINT64_MAX, &o->seed))
				return bad("--seed", optarg);
			break;
		case O_RST: o->rst = true; break;
		case O_VERIFY: o->verify = true; break;
		case O_BACKLOG:
			if (parse_ulong(optarg, 1, 65535, &v))
				return bad("--backlog", optarg);
			o->backlog = (unsigned)v;
			break;
		case O_TIME:
			if (parse_ulong(optarg, 1, 3600, &o->iperf_time))
				return bad("--time", optarg);
			break;
		case O_REVERSE: o->reverse = true; break;
		case O_LEN:
			if (parse_ulong(optarg, 1, 1u << 20, &o->iperf_len))
				return bad("--len", optarg);
			break;
		case O_SLIP:
			o->slip = optarg;
			o->tap = "sl0";
			break;
		case O_CSLIP:
			o->cslip = true;
			break;
		case O_NOTS:
			o->no_ts = true;
			break;
		case O_OFFLOAD:
			o->offload = true;
			break;
		case 'h':
		case O_HELP:
			return -1;
		default:
			return 2;
		}
	}
	if (*gen)
		return 0;
	if (!o->role) {
		fprintf(stderr, "nlrs-tcpapp: say server, client or gen\n");
		return 2;
	}
	if (!o->tap || !o->addr) {
		fprintf(stderr, "nlrs-tcpapp: --tap (or --pcap) and --addr are required\n");
		return 2;
	}
	if (o->role == ROLE_CLIENT && !o->peer) {
		fprintf(stderr, "nlrs-tcpapp: client needs ADDR PORT\n");
		return 2;
	}
	if (!o->port) {
		fprintf(stderr, "nlrs-tcpapp: PORT missing\n");
		return 2;
	}
	if (o->mode == M_NONE) {
		fprintf(stderr, "nlrs-tcpapp: --mode is required\n");
		return 2;
	}
	bool srv = o->role == ROLE_SERVER;
	bool ok = o->mode == M_IPERF3 || o->mode == M_ECHO ||
		  (srv ? (o->mode == M_SINK || o->mode == M_SOURCE || o->mode == M_HTTP)
		       : (o->mode == M_SEND || o->mode == M_RECV || o->mode == M_RR || o->mode == M_CRR));
	if (!ok) {
		fprintf(stderr, "nlrs-tcpapp: mode not available to a %s\n", srv ? "server" : "client");
		return 2;
	}
	if (o->mtu && o->buf_size < o->mtu + 14 + NLRS_BUF_HEADROOM + 32) {
		fprintf(stderr, "nlrs-tcpapp: --mtu %u needs --buf-size of at least %u\n", o->mtu,
			o->mtu + 14 + NLRS_BUF_HEADROOM + 32);
		return 2;
	}
	if (!srv && !o->conns)
		o->conns = 1;
	if (!o->parallel)
		o->parallel = 1;
	return 0;
}

/* ---- gen ---- */

static int run_gen(const struct opts *o)
{
	static uint8_t buf[1 << 20];
	uint64_t off = 0;

	signal(SIGPIPE, SIG_IGN);
	while (off < o->bytes) {
		size_t n = o->bytes - off < sizeof(buf) ? (size_t)(o->bytes - off) : sizeof(buf);
		stream_fill(o->seed, off, buf, n);
		for (size_t done = 0; done < n;) {
			ssize_t w = write(1, buf + done, n - done);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				fprintf(stderr, "nlrs-tcpapp gen: write after %llu bytes: %s\n",
					(unsigned long long)(off + done), strerror(errno));
				return 1;
			}
			done += (size_t)w;
		}
		off += n;
	}
	return 0;
}

/* ---- the application ---- */

void app_mark(struct app *a, int sd)
{
	if (sd < 0 || (unsigned)sd >= a->nsd)
		return;
	struct conn *c = a->by_sd[sd];
	if (!c || c->dirty)
		return;
	c->dirty = true;
	a->dirty[a->ndirty++] = sd;
}

static bool lsd_dirty;

void app_on_event(void *ctx, int sd, unsigned events)
{
	struct app *a = ctx;

	(void)events;
	if (sd == a->lsd)
		lsd_dirty = true;
	else
		app_mark(a, sd);
}

void app_record_rtt(struct app *a, double us)
{
	if (a->nrtt == a->rtt_cap) {
		size_t cap = a->rtt_cap ? a->rtt_cap * 2 : 4096;
		double *p = realloc(a->rtt_us, cap * sizeof(*p));
		if (!p)
			return;
		a->rtt_us = p;
		a->rtt_cap = cap;
	}
	a->rtt_us[a->nrtt++] = us;
}

int app_timeout_ms(const struct app *a, nlrs_time_t deadline)
{
	if (deadline == NLRS_TIME_NEVER)
		return -1;
	if (deadline <= a->now)
		return 0;
	nlrs_time_t us = deadline - a->now;
	if (us > NLRS_SEC(1))
		return 1000;
	return (int)((us + 999u) / 1000u);
}

static int setup(struct app *a)
{
	const struct opts *o = &a->o;
	struct nlrs_stack_config cfg;
	struct nlrs_netdev *tap, *w;
	const uint8_t *mac = o->mac_set ? o->mac : NULL;
	int rc;

	nlrs_stack_config_default(&cfg);
	nlrs_port_hosted(&cfg.port);
	cfg.buffers = o->buffers;
	cfg.buf_size = (uint16_t)o->buf_size;
	cfg.tcp_conns = (uint16_t)o->tcp_conns;
	cfg.sockets = (uint16_t)o->sockets;
	if (o->cc >= 0)
		cfg.tcp_cc = (uint8_t)o->cc;
	cfg.tcp_no_timestamps = o->no_ts;
	size_t need = nlrs_stack_mem_size(&cfg);
	a->mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	if (!a->mem) {
		fprintf(stderr, "nlrs-tcpapp: out of memory (%zu bytes for the stack)\n", need);
		return -1;
	}
	rc = nlrs_stack_init(&a->s, &cfg, a->mem, need);
	if (rc) {
		fprintf(stderr, "nlrs-tcpapp: stack init: %s\n", strerror(-rc));
		return -1;
	}
	a->nsd = cfg.sockets;
	a->by_sd = calloc(a->nsd, sizeof(*a->by_sd));
	a->dirty = calloc(a->nsd, sizeof(*a->dirty));
	if (!a->by_sd || !a->dirty)
		return -1;

	if (o->slip) {
		struct nlrs_slip_config sc = { .path = o->slip, .name = "sl0", .mtu = (uint16_t)o->mtu,
					       .flags = o->cslip ? NLRS_SLIP_CSLIP : 0 };
		char why[256] = "";

		rc = nlrs_slip_open(&tap, &sc, nlrs_stack_pool(a->s), why, sizeof(why));
		if (rc) {
			fprintf(stderr, "nlrs-tcpapp: open SLIP %s: %s %s\n", o->slip, strerror(-rc), why);
			return -1;
		}
	} else if (o->pcap) {
		char why[256] = "";

		rc = nlrs_pcapdev_open(&tap, o->tap, nlrs_stack_pool(a->s), o->mac_set ? o->mac : NULL,
				       0, why, sizeof(why));
		if (rc) {
			fprintf(stderr, "nlrs-tcpapp: open pcap device %s: %s %s\n", o->tap,
				strerror(-rc), why);
			return -1;
		}
		/* the device filters on the MAC it chose: the stack uses it */
		mac = tap->mac;
	} else {
		rc = nlrs_tap_open_ex(&tap, o->tap, nlrs_stack_pool(a->s),
				      o->offload ? NLRS_TAP_OFFLOAD : 0);
		if (rc) {
			fprintf(stderr, "nlrs-tcpapp: open TAP %s: %s\n", o->tap, strerror(-rc));
			return -1;
		}
	}
	a->dev = tap;
	if (o->mtu && !o->pcap && !o->slip && (rc = nlrs_tap_set_mtu(tap, (uint16_t)o->mtu))) {
		fprintf(stderr, "nlrs-tcpapp: MTU %u on %s: %s\n", o->mtu, o->tap, strerror(-rc));
		return -1;
	}
	if (o->fault_set) {
		rc = nlrs_fault_wrap(&w, a->dev, &o->fault, o->fault_seed);
		if (rc) {
			fprintf(stderr, "nlrs-tcpapp: fault injector: %s\n", strerror(-rc));
			return -1;
		}
		a->dev = a->fault = w;
	}
	if (o->capture) {
		rc = nlrs_capture_wrap(&w, a->dev, o->capture);
		if (rc) {
			fprintf(stderr, "nlrs-tcpapp: capture to %s: %s\n", o->capture, strerror(-rc));
			return -1;
		}
		a->dev = w;
	}
	a->ifx = nlrs_netdev_attach(a->s, a->dev, NULL, mac);
	if (a->ifx < 0) {
		fprintf(stderr, "nlrs-tcpapp: attach %s: %s\n", o->tap, strerror(-a->ifx));
		return -1;
	}
	if (o->mtu && (rc = nlrs_iface_set_mtu(a->s, a->ifx, (uint16_t)o->mtu))) {
		fprintf(stderr, "nlrs-tcpapp: interface MTU %u: %s\n", o->mtu, strerror(-rc));
		return -1;
	}
	rc = nlrs_iface_addr_add(a->s, a->ifx, o->addr, o->plen);
	if (rc) {
		fprintf(stderr, "nlrs-tcpapp: address: %s\n", strerror(-rc));
		return -1;
	}
	rc = nlrs_iface_set_up(a->s, a->ifx, true);
	if (rc) {
		fprintf(stderr, "nlrs-tcpapp: bring %s up: %s\n", o->tap, strerror(-rc));
		return -1;
	}
	if (o->gw && (rc = nlrs_route_add(a->s, 0, 0, o->gw, -1, 0))) {
		fprintf(stderr, "nlrs-tcpapp: default route: %s\n", strerror(-rc));
		return -1;
	}
	return 0;
}

static int start_listener(struct app *a)
{
	const struct opts *o = &a->o;
	struct nlrs_endpoint local = { .family = NLRS_AF_INET, .port = o->port, .v4 = 0 };
	int rc;

	a->lsd = nlrs_sock_open(a->s, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	if (a->lsd < 0) {
		fprintf(stderr, "nlrs-tcpapp: socket: %s\n", strerror(-a->lsd));
		return -1;
	}
	if (o->sndbuf)
		nlrs_sock_setopt(a->s, a->lsd, NLRS_SO_SNDBUF, o->sndbuf);
	if (o->rcvbuf)
		nlrs_sock_setopt(a->s, a->lsd, NLRS_SO_RCVBUF, o->rcvbuf);
	nlrs_sock_setopt(a->s, a->lsd, NLRS_SO_REUSEADDR, 1);
	rc = nlrs_sock_bind(a->s, a->lsd, &local);
	if (rc) {
		fprintf(stderr, "nlrs-tcpapp: bind port %u: %s (%s)\n", o->port, strerror(-rc),
			errno_name(rc));
		return -1;
	}
	rc = nlrs_sock_listen(a->s, a->lsd, (int)o->backlog);
	if (rc) {
		fprintf(stderr, "nlrs-tcpapp: listen: %s (%s)\n", strerror(-rc), errno_name(rc));
		return -1;
	}
	nlrs_sock_set_callback(a->s, a->lsd, app_on_event, a);
	return 0;
}

/* Serve marked connections; a few rounds, since serving one may mark others. */
static void serve_dirty(struct app *a, int *work)
{
	for (int round = 0; round < 4 && a->ndirty; round++) {
		unsigned n = a->ndirty;
		memcpy(work, a->dirty, n * sizeof(*work));
		a->ndirty = 0;
		for (unsigned i = 0; i < n; i++) {
			struct conn *c = a->by_sd[work[i]];
			if (!c || !c->dirty)
				continue;
			c->dirty = false;
			conn_service(a, c);
		}
	}
}

/* tcp_info sampling (recovery episodes), finishing connections, and once a
 * second every connection: a connection that makes progress there had an
 * event the callback did not report (counted as missed_events). */
static void sweep(struct app *a, int *work, bool all)
{
	unsigned n = 0;

	for (struct conn *c = a->head; c && n < a->nsd; c = c->next)
		work[n++] = c->sd;
	for (unsigned i = 0; i < n; i++) {
		struct conn *c = a->by_sd[work[i]];
		if (!c)
			continue;
		conn_sample(a, c);
		if (c->finishing) {
			conn_service(a, c);
		} else if (all) {
			uint64_t before = c->sent + c->received;
			bool conn = c->connected, eof = c->eof;
			unsigned long id = c->id;
			conn_service(a, c);
			c = a->by_sd[work[i]];
			if (c && c->id == id &&
			    (c->sent + c->received != before || c->connected != conn || c->eof != eof)) {
				if (!a->missed_events)
					fprintf(stderr, "nlrs-tcpapp: warning: connection %lu made progress "
							"without an event callback (sd %d)\n", id, c->sd);
				a->missed_events++;
			}
		}
	}
}

/* Connections the stack still works on (not TIME-WAIT/CLOSED/LISTEN). */
static unsigned stack_busy(const struct app *a)
{
	struct nlrs_tcp_info ti;
	unsigned busy = 0;
	int r;

	for (unsigned i = 0; (r = nlrs_tcp_conn_info(a->s, i, &ti)) >= 0; i++)
		if (r == 1 && ti.state != NLRS_TCPS_TIME_WAIT && ti.state != NLRS_TCPS_CLOSED &&
		    ti.state != NLRS_TCPS_LISTEN)
			busy++;
	return busy;
}

static void dump_live(const struct app *a)
{
	char eps[32];

	for (struct conn *c = a->head; c; c = c->next) {
		struct nlrs_tcp_info ti;
		int r = nlrs_tcp_info(a->s, c->sd, &ti);
		fprintf(stderr, "  connection %lu to %s: %s, sent %llu, received %llu%s%s",
			c->id, fmt_ep(c->peer_v4, c->peer_port, eps, sizeof(eps)),
			c->connected ? "connected" : "connecting", (unsigned long long)c->sent,
			(unsigned long long)c->received, c->eof ? ", EOF seen" : "",
			c->finishing ? ", finishing" : "");
		if (!r)
			fprintf(stderr, "; tcp %s cwnd %u ssthresh %u unacked %u snd_wnd %u rcv_wnd %u "
					"rto %u us retrans %u backoff %u acked %llu",
				nlrs_tcp_state_name(ti.state), ti.snd_cwnd, ti.snd_ssthresh, ti.unacked,
				ti.snd_wnd, ti.rcv_wnd, ti.rto, ti.total_retrans, ti.backoff,
				(unsigned long long)ti.bytes_acked);
		fputc('\n', stderr);
	}
}

static int cmp_double(const void *x, const void *y)
{
	double p = *(const double *)x, q = *(const double *)y;
	return (p > q) - (p < q);
}

static void report(struct app *a, bool timed_out)
{
	const struct totals *t = &a->tot;
	double dur = a->t_last > a->t_first ? (double)(a->t_last - a->t_first) / 1e6 : 0;
	const char *modes[] = { "none", "echo", "sink", "source", "http", "send", "recv", "rr",
				"crr", "iperf3" };

	printf("RESULT {\"role\":\"%s\",\"mode\":\"%s\",\"conns\":%lu,\"ok\":%lu,\"failed\":%lu,"
	       "\"timed_out\":%s,\"errors\":{",
	       a->o.role == ROLE_SERVER ? "server" : "client", modes[a->o.mode], a->finished, t->ok,
	       t->failed, timed_out ? "true" : "false");
	for (unsigned i = 0; i < t->nerr; i++)
		printf("%s\"%s\":%lu", i ? "," : "", errno_name(t->err_code[i]), t->errs[i]);
	printf("},\"bytes_sent\":%llu,\"bytes_received\":%llu,\"sha256_sent\":\"%s\","
	       "\"sha256_received\":\"%s\",\"duration_s\":%.6f,\"mbit_s_sent\":%.1f,"
	       "\"mbit_s_received\":%.1f,\"total_retrans\":%llu,\"bytes_retrans\":%llu,"
	       "\"fast_recoveries\":%lu,\"rto_episodes\":%lu,\"segs_out\":%llu,\"segs_in\":%llu,"
	       "\"missed_events\":%lu,\"max_live\":%lu",
	       (unsigned long long)t->bytes_sent, (unsigned long long)t->bytes_received,
	       a->last_sha_tx, a->last_sha_rx, dur,
	       dur > 0 ? (double)t->bytes_sent * 8 / dur / 1e6 : 0,
	       dur > 0 ? (double)t->bytes_received * 8 / dur / 1e6 : 0,
	       (unsigned long long)t->total_retrans, (unsigned long long)t->bytes_retrans,
	       t->fast_recoveries, t->rto_episodes, (unsigned long long)t->segs_out,
	       (unsigned long long)t->segs_in, a->missed_events, a->max_live);
	if (a->nrtt) {
		qsort(a->rtt_us, a->nrtt, sizeof(double), cmp_double);
		double sum = 0;
		for (size_t i = 0; i < a->nrtt; i++)
			sum += a->rtt_us[i];
		printf(",\"rtt_samples\":%zu,\"rtt_p50_us\":%.1f,\"rtt_p99_us\":%.1f,"
		       "\"rtt_mean_us\":%.1f", a->nrtt, a->rtt_us[a->nrtt / 2],
		       a->rtt_us[(a->nrtt * 99) / 100 < a->nrtt ? (a->nrtt * 99) / 100 : a->nrtt - 1],
		       sum / (double)a->nrtt);
	}
	if (dur > 0)
		printf(",\"conns_per_s\":%.1f", (double)a->finished / dur);
	if (a->have_last) {
		const struct nlrs_tcp_info *l = &a->last;
		printf(",\"last\":{\"state\":\"%s\",\"ts\":%s,\"sack\":%s,\"wscale\":%s,"
		       "\"snd_wscale\":%u,\"rcv_wscale\":%u,\"snd_mss\":%u,\"rcv_mss\":%u,\"rtt_us\":%u,"
		       "\"rttvar_us\":%u,\"rto_us\":%u,\"snd_cwnd\":%u,\"snd_ssthresh\":%u,\"cc\":\"%s\","
		       "\"sndbuf\":%u,\"rcvbuf\":%u,\"pmtu\":%u,\"pacing_rate\":%llu,\"btl_bw\":%llu}",
		       nlrs_tcp_state_name(l->state),
		       l->options & NLRS_TCPI_OPT_TIMESTAMPS ? "true" : "false",
		       l->options & NLRS_TCPI_OPT_SACK ? "true" : "false",
		       l->options & NLRS_TCPI_OPT_WSCALE ? "true" : "false", l->snd_wscale,
		       l->rcv_wscale, l->snd_mss, l->rcv_mss, l->rtt, l->rttvar, l->rto, l->snd_cwnd,
		       l->snd_ssthresh,
		       l->cc_algo == NLRS_CC_NEWRENO ? "newreno"
		       : l->cc_algo == NLRS_CC_BBR   ? "bbr"
						     : "cubic",
		       l->sndbuf, l->rcvbuf, l->pmtu, (unsigned long long)l->pacing_rate,
		       (unsigned long long)l->btl_bw);
	}
	if (a->o.mode == M_IPERF3)
		iperf_report(a, stdout);
	printf(",\"counters\":{");
	bool first = true;
	for (unsigned i = 0; i < nlrs_counter_count(); i++) {
		uint64_t v = nlrs_counter_get(a->s, i);
		if (!v)
			continue;
		printf("%s\"%s\":%llu", first ? "" : ",", nlrs_counter_name(i), (unsigned long long)v);
		first = false;
	}
	printf("}");
	if (a->fault) {
		struct nlrs_fault_stats fs;
		nlrs_fault_stats(a->fault, &fs);
		printf(",\"fault\":{\"dropped\":%llu,\"corrupted\":%llu,\"reordered\":%llu,"
		       "\"duplicated\":%llu,\"oversize\":%llu,\"rate_limited\":%llu}",
		       (unsigned long long)fs.dropped, (unsigned long long)fs.corrupted,
		       (unsigned long long)fs.reordered, (unsigned long long)fs.duplicated,
		       (unsigned long long)fs.oversize, (unsigned long long)fs.rate_limited);
	}
	struct nlrs_iface_info ii;
	if (nlrs_iface_info(a->s, a->ifx, &ii) == 0)
		printf(",\"iface\":{\"rx_packets\":%llu,\"rx_drops\":%llu,\"tx_packets\":%llu,"
		       "\"tx_errors\":%llu,\"dev_rx_drops\":%llu,\"dev_tx_drops\":%llu,"
		       "\"dev_fault_drops\":%llu}",
		       (unsigned long long)ii.rx_packets, (unsigned long long)ii.rx_drops,
		       (unsigned long long)ii.tx_packets, (unsigned long long)ii.tx_errors,
		       (unsigned long long)ii.dev.rx_drops, (unsigned long long)ii.dev.tx_drops,
		       (unsigned long long)ii.dev.fault_drops);
	struct nlrs_pool_info pi;
	nlrs_stack_pool_info(a->s, &pi);
	printf(",\"pool\":{\"count\":%u,\"avail\":%u,\"min_avail\":%u,\"alloc_fail\":%llu}}\n",
	       pi.count, pi.avail, pi.min_avail, (unsigned long long)pi.alloc_fail);
	fflush(stdout);
}

static bool all_done(struct app *a)
{
	const struct opts *o = &a->o;

	if (o->mode == M_IPERF3)
		return iperf_done(a);
	if (o->role == ROLE_CLIENT)
		return a->started >= o->conns && a->nlive == 0;
	return o->conns && a->finished >= o->conns && a->nlive == 0;
}

static void start_clients(struct app *a)
{
	const struct opts *o = &a->o;

	if (o->mode == M_IPERF3 || o->role != ROLE_CLIENT)
		return;
	while (a->started < o->conns && a->nlive < o->parallel) {
		struct conn *c;
		a->started++;
		if (conn_connect(a, o->peer, o->port, K_CLIENT, &c)) {
			a->tot.failed++;
			a->finished++;
			continue;
		}
		c->t_start = nlrs_clock_now();
	}
}

int main(int argc, char **argv)
{
	struct app app, *a = &app;
	bool gen, timed_out = false;
	int rc;

	memset(a, 0, sizeof(*a));
	a->lsd = -1;
	rc = parse_args(argc, argv, &a->o, &gen);
	if (rc == -1) {
		usage(stdout);
		return 0;
	}
	if (rc) {
		if (argc < 2)
			usage(stderr);
		return rc;
	}
	if (gen)
		return run_gen(&a->o);
	setvbuf(stdout, NULL, _IOLBF, 0);

	sigset_t block, waitmask;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	int *work = NULL;
	int status = 1;
	if (setup(a))
		goto out;
	work = calloc(a->nsd, sizeof(*work));
	if (!work)
		goto out;
	a->now = a->t_start = nlrs_clock_now();
	char addr[32];
	fmt_ep(a->o.addr, a->o.port, addr, sizeof(addr));
	if (a->o.role == ROLE_SERVER) {
		if (start_listener(a))
			goto out;
		if (a->o.mode == M_IPERF3 && iperf_server_init(a))
			goto out;
		printf("nlrs-tcpapp: ready: listening on %s (tap %s)\n", addr, a->o.tap);
	} else {
		char peer[32];
		printf("nlrs-tcpapp: ready: connecting to %s from %.*s (tap %s)\n",
		       fmt_ep(a->o.peer, a->o.port, peer, sizeof(peer)),
		       (int)(strchr(addr, ':') - addr), addr, a->o.tap);
		if (a->o.mode == M_IPERF3 && iperf_client_start(a))
			goto out;
	}

	nlrs_time_t next_sweep = a->now + NLRS_SEC(1), next_sample = 0;
	nlrs_time_t done_at = NLRS_TIME_NEVER;
	bool more = false;
	for (;;) {
		a->now = nlrs_clock_now();
		struct nlrs_buf *f;
		int err = 0, nin = 0;

		while (nin < RX_BATCH && (f = nlrs_netdev_recv(a->dev, a->now, &err)) != NULL) {
			nlrs_stack_input(a->s, a->ifx, f, a->now);
			nin++;
		}
		if (err && err != -EAGAIN && err != -EINTR) {
			fprintf(stderr, "nlrs-tcpapp: %s: receive: %s\n", a->o.tap, strerror(-err));
			goto out;
		}
		more = nin == RX_BATCH;
		nlrs_time_t deadline = nlrs_stack_poll(a->s, a->now);
		nlrs_time_t t = nlrs_netdev_poll(a->dev, a->now);
		if (t < deadline)
			deadline = t;

		if (lsd_dirty && done_at == NLRS_TIME_NEVER) {
			lsd_dirty = false;
			conn_accept_all(a);
		}
		serve_dirty(a, work);
		bool all = a->now >= next_sweep;
		if (all)
			next_sweep = a->now + NLRS_SEC(1);
		if (all || a->nlive <= 32 || a->now >= next_sample) {
			sweep(a, work, all);
			next_sample = a->now + NLRS_MSEC(10);
		}
		if (done_at == NLRS_TIME_NEVER && !stop)
			start_clients(a);
		if (a->o.mode == M_IPERF3) {
			t = iperf_tick(a);
			if (t < deadline)
				deadline = t;
		}
		serve_dirty(a, work);

		if (done_at == NLRS_TIME_NEVER && (all_done(a) || stop)) {
			done_at = a->now;
			if (stop)
				fprintf(stderr, "nlrs-tcpapp: signal: stopping with %lu connection%s live\n",
					a->nlive, a->nlive == 1 ? "" : "s");
		}
		if (done_at != NLRS_TIME_NEVER &&
		    (a->now >= done_at + NLRS_MSEC(a->o.linger_ms) || !stack_busy(a)))
			break;
		if (a->o.timeout_ms && a->now >= a->t_start + NLRS_MSEC(a->o.timeout_ms) &&
		    done_at == NLRS_TIME_NEVER) {
			fprintf(stderr, "nlrs-tcpapp: timed out after %lu s with %lu connection%s "
					"unfinished (%lu started, %lu finished):\n",
				a->o.timeout_ms / 1000, a->nlive, a->nlive == 1 ? "" : "s",
				a->started, a->finished);
			dump_live(a);
			timed_out = true;
			break;
		}

		t = nlrs_stack_poll(a->s, a->now);
		if (t < deadline)
			deadline = t;
		if (more || a->ndirty || lsd_dirty)
			deadline = a->now;
		if (deadline > next_sweep)
			deadline = next_sweep;
		if (a->nlive && a->nlive <= 32 && deadline > a->now + NLRS_MSEC(10))
			deadline = a->now + NLRS_MSEC(10); /* finishing connections, sampling */
		if (done_at != NLRS_TIME_NEVER && deadline > a->now + NLRS_MSEC(10))
			deadline = a->now + NLRS_MSEC(10);
		struct timespec ts, *tsp = NULL;
		if (deadline != NLRS_TIME_NEVER) {
			nlrs_time_t wait = deadline > a->now ? deadline - a->now : 0;
			ts.tv_sec = (time_t)(wait / 1000000u);
			ts.tv_nsec = (long)(wait % 1000000u) * 1000;
			tsp = &ts;
		}
		struct pollfd pfd = { .fd = a->dev->fd, .events = POLLIN };
		if (ppoll(&pfd, 1, tsp, &waitmask) < 0 && errno != EINTR) {
			fprintf(stderr, "nlrs-tcpapp: poll: %s\n", strerror(errno));
			goto out;
		}
	}
	/* connections still live (signal or timeout) end here, counted as failed
	 * unless a server was told to stop */
	while (a->head) {
		struct conn *c = a->head;
		bool server_stop = stop && a->o.role == ROLE_SERVER;
		conn_end(a, c, server_stop ? 0 : NLRS_ETIMEDOUT,
			 server_stop ? NULL : "unfinished connection to", !server_stop);
	}
	report(a, timed_out);
	if (a->o.slip) {
		struct nlrs_slip_stats ss;

		if (!nlrs_slip_stats(a->dev, &ss))
			printf("SLIP {\"rx_frames\":%llu,\"tx_frames\":%llu,\"rx_oversize\":%llu,"
			       "\"rx_bad_escape\":%llu,\"rx_runt\":%llu,\"rx_cslip_errors\":%llu,"
			       "\"rx_cslip_tossed\":%llu,\"tx_compressed\":%llu,"
			       "\"tx_uncompressed\":%llu,\"tx_ip\":%llu,\"tx_queue_full\":%llu}\n",
			       (unsigned long long)ss.rx_frames, (unsigned long long)ss.tx_frames,
			       (unsigned long long)ss.rx_oversize, (unsigned long long)ss.rx_bad_escape,
			       (unsigned long long)ss.rx_runt, (unsigned long long)ss.rx_cslip_errors,
			       (unsigned long long)ss.rx_cslip_tossed,
			       (unsigned long long)ss.cslip_tx_compressed,
			       (unsigned long long)ss.cslip_tx_uncompressed,
			       (unsigned long long)ss.cslip_tx_ip, (unsigned long long)ss.tx_queue_full);
	}
	status = (a->tot.failed || timed_out || (a->o.mode == M_IPERF3 && !iperf_ok(a))) ? 1 : 0;
	if (a->o.role == ROLE_CLIENT && a->tot.ok == 0)
		status = 1;
out:
	free(work);
	if (a->s) {
		if (a->lsd >= 0)
			nlrs_sock_close(a->s, a->lsd);
		nlrs_netdev_close(a->dev);
		nlrs_stack_fini(a->s);
	} else {
		nlrs_netdev_close(a->dev);
	}
	free(a->mem);
	free(a->by_sd);
	free(a->dirty);
	free(a->rtt_us);
	free(a->ip);
	return status;
}
