/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rendering of control replies. JSON shapes are the contract with nlrsctl
 * --json and the integration tests; text is for people (aligned tables,
 * numbers right-aligned).
 */
#include "render.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nlrs/socket.h"

/* ---- string buffer ---- */

void nlrsd_sb_init(struct nlrsd_sb *sb, size_t max)
{
	memset(sb, 0, sizeof(*sb));
	sb->max = max;
}

void nlrsd_sb_free(struct nlrsd_sb *sb)
{
	free(sb->p);
	sb->p = NULL;
	sb->len = sb->cap = 0;
	sb->full = false;
}

void nlrsd_sb_reset(struct nlrsd_sb *sb)
{
	sb->len = 0;
	sb->full = false;
	if (sb->p)
		sb->p[0] = 0;
}

static bool sb_reserve(struct nlrsd_sb *sb, size_t need)
{
	size_t ncap;
	char *np;

	if (sb->full)
		return false;
	if (sb->len + need + 1 <= sb->cap)
		return true;
	if (sb->len + need + 1 > sb->max) {
		sb->full = true;
		return false;
	}
	ncap = sb->cap ? sb->cap : 4096;
	while (ncap < sb->len + need + 1)
		ncap *= 2;
	if (ncap > sb->max)
		ncap = sb->max;
	np = realloc(sb->p, ncap);
	if (!np) {
		sb->full = true;
		return false;
	}
	sb->p = np;
	sb->cap = ncap;
	return true;
}

void nlrsd_sb_printf(struct nlrsd_sb *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/* JSON string (RFC 8259 7): quote, backslash and control characters escaped. */
static void sb_json_str(struct nlrsd_sb *sb, const char *s)
{
	nlrsd_sb_printf(sb, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			nlrsd_sb_printf(sb, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			nlrsd_sb_printf(sb, "\\u%04x", ch);
		else
			nlrsd_sb_printf(sb, "%c", ch);
	}
	nlrsd_sb_printf(sb, "\"");
}

/* ---- requests ---- */

static const struct {
	const char *name;
	unsigned bits;
} what_names[] = {
	{ "interfaces", NLRSD_SHOW_INTERFACES }, { "addresses", NLRSD_SHOW_ADDRESSES },
	{ "routes", NLRSD_SHOW_ROUTES },         { "arp", NLRSD_SHOW_ARP },
	{ "tcp", NLRSD_SHOW_TCP },               { "counters", NLRSD_SHOW_COUNTERS },
	{ "pools", NLRSD_SHOW_POOLS },           { "status", NLRSD_SHOW_STATUS },
	{ "all", NLRSD_SHOW_ALL },
};

int nlrsd_request_parse(const char *line, struct nlrsd_request *rq, char *err, size_t errlen)
{
	char buf[128], *tok[5], *save = NULL, *t;
	unsigned ntok = 0, fmt_at;
	size_t n = strlen(line);

	memset(rq, 0, sizeof(*rq));
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "request too long");
		return -1;
	}
	memcpy(buf, line, n);
	buf[n] = 0;
	for (t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (ntok == 5) {
			snprintf(err, errlen, "too many words in request");
			return -1;
		}
		tok[ntok++] = t;
	}
	if (ntok == 0) {
		snprintf(err, errlen, "empty request");
		return -1;
	}
	if (!strcmp(tok[0], "iface")) {
		if (ntok != 3 || (strcmp(tok[2], "up") && strcmp(tok[2], "down"))) {
			snprintf(err, errlen, "usage: iface NAME up|down");
			return -1;
		}
		if (strlen(tok[1]) >= sizeof(rq->iface)) {
			snprintf(err, errlen, "no interface '%.40s'", tok[1]);
			return -1;
		}
		strcpy(rq->iface, tok[1]);
		rq->set_iface = true;
		rq->up = !strcmp(tok[2], "up");
		return 0;
	}
	if (!strcmp(tok[0], "status")) {
		rq->what = NLRSD_SHOW_STATUS;
		fmt_at = 1;
	} else if (!strcmp(tok[0], "show")) {
		if (ntok < 2) {
			snprintf(err, errlen, "show what? (interfaces, addresses, routes, arp, tcp, counters, pools, status, all)");
			return -1;
		}
		for (unsigned i = 0; i < sizeof(what_names) / sizeof(what_names[0]); i++)
			if (!strcmp(tok[1], what_names[i].name))
				rq->what = what_names[i].bits;
		if (!rq->what) {
			snprintf(err, errlen, "unknown object '%.40s' (interfaces, addresses, routes, arp, tcp, counters, pools, status, all)",
				 tok[1]);
			return -1;
		}
		fmt_at = 2;
	} else {
		snprintf(err, errlen, "unknown request '%.40s' (show, status, iface)", tok[0]);
		return -1;
	}
	if (ntok <= fmt_at) {
		snprintf(err, errlen, "missing format (text or json)");
		return -1;
	}
	if (!strcmp(tok[fmt_at], "json"))
		rq->json = true;
	else if (strcmp(tok[fmt_at], "text")) {
		snprintf(err, errlen, "unknown format '%.40s' (text or json)", tok[fmt_at]);
		return -1;
	}
	if (ntok > fmt_at + 1) {
		if (ntok > fmt_at + 2 || strcmp(tok[fmt_at + 1], "all") || rq->what == NLRSD_SHOW_STATUS) {
			snprintf(err, errlen, "unexpected '%.40s' after the format", tok[fmt_at + 1]);
			return -1;
		}
		rq->all = true;
	}
	return 0;
}

/* ---- helpers ---- */

static void fmt_ip(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255u, (a >> 8) & 255u, a & 255u);
}

static void fmt_mac(const uint8_t m[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const char *link_name(enum nlrs_link l)
{
	return l == NLRS_LINK_ETHERNET ? "ethernet" : l == NLRS_LINK_RAWIP ? "raw-ip" : "unknown";
}

static const char *arp_state_name(enum nlrs_arp_state st)
{
	switch (st) {
	case NLRS_ARP_INCOMPLETE:
		return "incomplete";
	case NLRS_ARP_REACHABLE:
		return "reachable";
	case NLRS_ARP_STALE:
		return "stale";
	case NLRS_ARP_FAILED:
		return "failed";
	default:
		return "free";
	}
}

static void iface_name(const struct nlrs_stack *s, int ifindex, char *buf, size_t len)
{
	struct nlrs_iface_info ii;

	if (ifindex >= 0 && nlrs_iface_info(s, ifindex, &ii) == 0)
		snprintf(buf, len, "%s", ii.name);
	else
		buf[0] = 0;
}

/* Milliseconds until `t`, 0 if past, -1 for never. */
static int64_t ms_until(nlrs_time_t t, nlrs_time_t now)
{
	if (t == NLRS_TIME_NEVER)
		return -1;
	return t > now ? (int64_t)((t - now) / 1000u) : 0;
}

/* ---- text tables ---- */

#define TABLE_MAX_COLS 24

struct table {
	unsigned ncol;
	const char *head[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];
	char **cell;
	size_t ncell, cap;
	bool oom;
};

/* Columns: "NAME" left-aligned, ">NAME" right-aligned. */
static void table_init(struct table *t, unsigned ncol, const char *const *head)
{
	memset(t, 0, sizeof(*t));
	t->ncol = ncol;
	for (unsigned i = 0; i < ncol; i++) {
		t->right[i] = head[i][0] == '>';
		t->head[i] = head[i] + (t->right[i] ? 1 : 0);
	}
}

static void table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *c = NULL;
	int n;

	if (t->oom)
		return;
	if (t->ncell == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		char **nc = realloc(t->cell, ncap * sizeof(*nc));

		if (!nc) {
			t->oom = true;
			return;
		}
		t->cell = nc;
		t->cap = ncap;
	}
	va_start(ap, fmt);
	n = vasprintf(&c, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->oom = true;
		return;
	}
	t->cell[t->ncell++] = c;
}

static void table_render(struct nlrsd_sb *sb, struct table *t)
{
	size_t w[TABLE_MAX_COLS];
	size_t rows = t->ncell / t->ncol;

	if (t->oom) {
		sb->full = true;
		goto out;
	}
	for (unsigned c = 0; c < t->ncol; c++) {
		w[c] = strlen(t->head[c]);
		for (size_t r = 0; r < rows; r++) {
			size_t l = strlen(t->cell[r * t->ncol + c]);

			if (l > w[c])
				w[c] = l;
		}
	}
	for (size_t r = 0; r <= rows; r++) {
		for (unsigned c = 0; c < t->ncol; c++) {
			const char *v = r == 0 ? t->head[c] : t->cell[(r - 1) * t->ncol + c];
			bool last = c + 1 == t->ncol;

			if (t->right[c])
				nlrsd_sb_printf(sb, "%*s", (int)w[c], v);
			else if (last)
				nlrsd_sb_printf(sb, "%s", v);
			else
				nlrsd_sb_printf(sb, "%-*s", (int)w[c], v);
			nlrsd_sb_printf(sb, last ? "\n" : "  ");
		}
	}
out:
	for (size_t i = 0; i < t->ncell; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->ncell = t->cap = 0;
}

/* ---- sections ---- */

static void text_interfaces(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	static const char *const head[] = { ">INDEX", "NAME", "LINK", "MAC", ">MTU", "STATE",
		">RX-PACKETS", ">RX-BYTES", ">RX-DROPS", ">TX-PACKETS", ">TX-BYTES", ">TX-ERRORS",
		">DEV-RX-DROPS", ">DEV-TX-DROPS", ">FAULT-DROPS" };
	struct table t;
	int n = nlrs_iface_count(s);

	table_init(&t, 15, head);
	for (int i = 0; i < n; i++) {
		struct nlrs_iface_info ii;
		char mac[18];

		if (nlrs_iface_info(s, i, &ii))
			continue;
		fmt_mac(ii.mac, mac, sizeof(mac));
		table_cell(&t, "%d", i);
		table_cell(&t, "%s", ii.name);
		table_cell(&t, "%s", link_name(ii.link));
		table_cell(&t, "%s", ii.link == NLRS_LINK_ETHERNET ? mac : "-");
		table_cell(&t, "%u", ii.mtu);
		table_cell(&t, "%s", ii.up ? "up" : "down");
		table_cell(&t, "%" PRIu64, ii.rx_packets);
		table_cell(&t, "%" PRIu64, ii.rx_bytes);
		table_cell(&t, "%" PRIu64, ii.rx_drops);
		table_cell(&t, "%" PRIu64, ii.tx_packets);
		table_cell(&t, "%" PRIu64, ii.tx_bytes);
		table_cell(&t, "%" PRIu64, ii.tx_errors);
		table_cell(&t, "%" PRIu64, ii.dev.rx_drops);
		table_cell(&t, "%" PRIu64, ii.dev.tx_drops);
		table_cell(&t, "%" PRIu64, ii.dev.fault_drops);
	}
	table_render(sb, &t);
}

static void json_interfaces(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	int n = nlrs_iface_count(s);
	bool first = true;

	nlrsd_sb_printf(sb, "\"interfaces\":[");
	for (int i = 0; i < n; i++) {
		struct nlrs_iface_info ii;
		char buf[24];

		if (nlrs_iface_info(s, i, &ii))
			continue;
		nlrsd_sb_printf(sb, "%s{\"index\":%d,\"name\":", first ? "" : ",", i);
		first = false;
		sb_json_str(sb, ii.name);
		nlrsd_sb_printf(sb, ",\"link\":\"%s\",\"mac\":", link_name(ii.link));
		if (ii.link == NLRS_LINK_ETHERNET) {
			fmt_mac(ii.mac, buf, sizeof(buf));
			nlrsd_sb_printf(sb, "\"%s\"", buf);
		} else {
			nlrsd_sb_printf(sb, "null");
		}
		nlrsd_sb_printf(sb, ",\"mtu\":%u,\"up\":%s,\"addresses\":[", ii.mtu,
				ii.up ? "true" : "false");
		for (unsigned k = 0; k < ii.naddr && k < NLRS_MAX_IFADDRS; k++) {
			fmt_ip(ii.addr[k], buf, sizeof(buf));
			nlrsd_sb_printf(sb, "%s\"%s/%u\"", k ? "," : "", buf, ii.prefixlen[k]);
		}
		nlrsd_sb_printf(sb,
				"],\"rx_packets\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
				",\"rx_drops\":%" PRIu64 ",\"tx_packets\":%" PRIu64
				",\"tx_bytes\":%" PRIu64 ",\"tx_errors\":%" PRIu64
				",\"dev_rx_drops\":%" PRIu64 ",\"dev_tx_drops\":%" PRIu64
				",\"fault_drops\":%" PRIu64 "}",
				ii.rx_packets, ii.rx_bytes, ii.rx_drops, ii.tx_packets, ii.tx_bytes,
				ii.tx_errors, ii.dev.rx_drops, ii.dev.tx_drops, ii.dev.fault_drops);
	}
	nlrsd_sb_printf(sb, "]");
}

static void text_addresses(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	static const char *const head[] = { "INTERFACE", "ADDRESS" };
	struct table t;
	int n = nlrs_iface_count(s);

	table_init(&t, 2, head);
	for (int i = 0; i < n; i++) {
		struct nlrs_iface_info ii;
		char buf[16];

		if (nlrs_iface_info(s, i, &ii))
			continue;
		for (unsigned k = 0; k < ii.naddr && k < NLRS_MAX_IFADDRS; k++) {
			fmt_ip(ii.addr[k], buf, sizeof(buf));
			table_cell(&t, "%s", ii.name);
			table_cell(&t, "%s/%u", buf, ii.prefixlen[k]);
		}
	}
	table_render(sb, &t);
}

static void json_addresses(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	int n = nlrs_iface_count(s);
	bool first = true;

	nlrsd_sb_printf(sb, "\"addresses\":[");
	for (int i = 0; i < n; i++) {
		struct nlrs_iface_info ii;
		char buf[16];

		if (nlrs_iface_info(s, i, &ii))
			continue;
		for (unsigned k = 0; k < ii.naddr && k < NLRS_MAX_IFADDRS; k++) {
			fmt_ip(ii.addr[k], buf, sizeof(buf));
			nlrsd_sb_printf(sb, "%s{\"interface\":", first ? "" : ",");
			first = false;
			sb_json_str(sb, ii.name);
			nlrsd_sb_printf(sb, ",\"address\":\"%s/%u\"}", buf, ii.prefixlen[k]);
		}
	}
	nlrsd_sb_printf(sb, "]");
}

static void text_routes(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	static const char *const head[] = { "DESTINATION", "GATEWAY", "INTERFACE", ">METRIC",
					    "FLAGS" };
	struct nlrs_route_info ri;
	struct table t;

	table_init(&t, 5, head);
	for (unsigned i = 0; nlrs_route_info(s, i, &ri) == 0; i++) {
		char dst[16], gw[16], ifn[NLRS_IFNAMSIZ];

		fmt_ip(ri.dst, dst, sizeof(dst));
		fmt_ip(ri.gw, gw, sizeof(gw));
		iface_name(s, ri.ifindex, ifn, sizeof(ifn));
		table_cell(&t, "%s/%u", dst, ri.prefixlen);
		table_cell(&t, "%s", ri.gw ? gw : "-");
		table_cell(&t, "%s", ifn[0] ? ifn : "-");
		table_cell(&t, "%u", ri.metric);
		table_cell(&t, "%s", ri.connected ? "connected" : ri.prefixlen == 0 ? "default" : "static");
	}
	table_render(sb, &t);
}

static void json_routes(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	struct nlrs_route_info ri;

	nlrsd_sb_printf(sb, "\"routes\":[");
	for (unsigned i = 0; nlrs_route_info(s, i, &ri) == 0; i++) {
		char dst[16], gw[16], ifn[NLRS_IFNAMSIZ];

		fmt_ip(ri.dst, dst, sizeof(dst));
		fmt_ip(ri.gw, gw, sizeof(gw));
		iface_name(s, ri.ifindex, ifn, sizeof(ifn));
		nlrsd_sb_printf(sb, "%s{\"destination\":\"%s/%u\",\"gateway\":", i ? "," : "", dst,
				ri.prefixlen);
		if (ri.gw)
			nlrsd_sb_printf(sb, "\"%s\"", gw);
		else
			nlrsd_sb_printf(sb, "null");
		nlrsd_sb_printf(sb, ",\"interface\":");
		if (ifn[0])
			sb_json_str(sb, ifn);
		else
			nlrsd_sb_printf(sb, "null");
		nlrsd_sb_printf(sb, ",\"metric\":%u,\"connected\":%s}", ri.metric,
				ri.connected ? "true" : "false");
	}
	nlrsd_sb_printf(sb, "]");
}

static bool arp_has_mac(const struct nlrs_arp_info *ai)
{
	return ai->state == NLRS_ARP_REACHABLE || ai->state == NLRS_ARP_STALE;
}

static void text_arp(struct nlrsd_sb *sb, const struct nlrs_stack *s, nlrs_time_t now)
{
	static const char *const head[] = { "ADDRESS", "MAC", "INTERFACE", "STATE", ">EXPIRES-MS",
					    ">QUEUED" };
	struct nlrs_arp_info ai;
	struct table t;
	int r;

	table_init(&t, 6, head);
	for (unsigned i = 0; (r = nlrs_arp_info(s, i, &ai)) >= 0; i++) {
		char ip[16], mac[18], ifn[NLRS_IFNAMSIZ];
		int64_t ms;

		if (r == 0 || ai.state == NLRS_ARP_FREE)
			continue;
		fmt_ip(ai.ip, ip, sizeof(ip));
		fmt_mac(ai.mac, mac, sizeof(mac));
		iface_name(s, ai.ifindex, ifn, sizeof(ifn));
		ms = ms_until(ai.expires, now);
		table_cell(&t, "%s", ip);
		table_cell(&t, "%s", arp_has_mac(&ai) ? mac : "-");
		table_cell(&t, "%s", ifn[0] ? ifn : "-");
		table_cell(&t, "%s", arp_state_name(ai.state));
		if (ms < 0)
			table_cell(&t, "never");
		else
			table_cell(&t, "%" PRId64, ms);
		table_cell(&t, "%u", ai.queued);
	}
	table_render(sb, &t);
}

static void json_arp(struct nlrsd_sb *sb, const struct nlrs_stack *s, nlrs_time_t now)
{
	struct nlrs_arp_info ai;
	bool first = true;
	int r;

	nlrsd_sb_printf(sb, "\"arp\":[");
	for (unsigned i = 0; (r = nlrs_arp_info(s, i, &ai)) >= 0; i++) {
		char ip[16], mac[18], ifn[NLRS_IFNAMSIZ];
		int64_t ms;

		if (r == 0 || ai.state == NLRS_ARP_FREE)
			continue;
		fmt_ip(ai.ip, ip, sizeof(ip));
		fmt_mac(ai.mac, mac, sizeof(mac));
		iface_name(s, ai.ifindex, ifn, sizeof(ifn));
		ms = ms_until(ai.expires, now);
		nlrsd_sb_printf(sb, "%s{\"address\":\"%s\",\"mac\":", first ? "" : ",", ip);
		first = false;
		if (arp_has_mac(&ai))
			nlrsd_sb_printf(sb, "\"%s\"", mac);
		else
			nlrsd_sb_printf(sb, "null");
		nlrsd_sb_printf(sb, ",\"interface\":");
		if (ifn[0])
			sb_json_str(sb, ifn);
		else
			nlrsd_sb_printf(sb, "null");
		nlrsd_sb_printf(sb, ",\"state\":\"%s\",\"expires_ms\":", arp_state_name(ai.state));
		if (ms < 0)
			nlrsd_sb_printf(sb, "null");
		else
			nlrsd_sb_printf(sb, "%" PRId64, ms);
		nlrsd_sb_printf(sb, ",\"queued\":%u}", ai.queued);
	}
	nlrsd_sb_printf(sb, "]");
}

/* ---- TCP control blocks ---- */

/* Linux's numbering of tcpi_ca_state (nlrs_tcp_info.ca_state). */
static const char *ca_state_name(uint8_t ca)
{
	static const char *const names[] = { "open", "disorder", "cwr", "recovery", "loss" };

	return ca < sizeof(names) / sizeof(names[0]) ? names[ca] : "unknown";
}

static const char *cc_name(uint8_t cc)
{
	return cc == NLRS_CC_CUBIC ? "cubic" : cc == NLRS_CC_NEWRENO ? "newreno" : cc == NLRS_CC_BBR ? "bbr" : "unknown";
}

/* A listener (or a block bound but not connected) has no remote end yet. */
static bool tcp_has_remote(const struct nlrs_tcp_info *ti)
{
	return ti->remote_v4 != 0 || ti->remote_port != 0;
}

/* RFC 5681 3.1: ssthresh starts "arbitrarily high"; the stack uses UINT32_MAX. */
static bool tcp_ssthresh_set(const struct nlrs_tcp_info *ti)
{
	return ti->snd_ssthresh != UINT32_MAX;
}

/* Microseconds as milliseconds with three decimals. */
static void fmt_us_ms(uint32_t us, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%03u", us / 1000u, us % 1000u);
}

/* One row per TCP control block, as `ss -tan` lists them: connections,
 * listeners, embryonic and orphaned ones (FIN-WAIT, TIME-WAIT). Fields
 * that mean nothing for a listener are "-". UNACKED is what is in flight
 * (sent, not acknowledged); data queued but not yet sent is not in it. */
static void text_tcp(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	static const char *const head[] = { "STATE", "LOCAL", "REMOTE", ">UNACKED", ">CWND",
		">SSTHRESH", ">RTT-MS", ">RTTVAR-MS", ">RTO-MS", ">MSS", ">RETRANS", ">SENT",
		">ACKED", ">RECEIVED", "OPTIONS", "CC" };
	struct nlrs_tcp_info ti;
	struct table t;
	int r;

	table_init(&t, 16, head);
	for (unsigned i = 0; (r = nlrs_tcp_conn_info(s, i, &ti)) >= 0; i++) {
		char la[16], ra[16], ms[3][16], opts[32];
		bool listen = ti.state == NLRS_TCPS_LISTEN;

		if (r == 0)
			continue;
		fmt_ip(ti.local_v4, la, sizeof(la));
		fmt_ip(ti.remote_v4, ra, sizeof(ra));
		fmt_us_ms(ti.rtt, ms[0], sizeof(ms[0]));
		fmt_us_ms(ti.rttvar, ms[1], sizeof(ms[1]));
		fmt_us_ms(ti.rto, ms[2], sizeof(ms[2]));
		snprintf(opts, sizeof(opts), "%s%s%s", ti.options & NLRS_TCPI_OPT_TIMESTAMPS ? ",ts" : "",
			 ti.options & NLRS_TCPI_OPT_SACK ? ",sack" : "",
			 ti.options & NLRS_TCPI_OPT_WSCALE ? ",wscale" : "");
		if (ti.options & NLRS_TCPI_OPT_WSCALE) {
			size_t n = strlen(opts);

			snprintf(opts + n, sizeof(opts) - n, ":%u/%u", ti.snd_wscale, ti.rcv_wscale);
		}
		table_cell(&t, "%s", nlrs_tcp_state_name(ti.state));
		table_cell(&t, "%s:%u", la, ti.local_port);
		if (tcp_has_remote(&ti))
			table_cell(&t, "%s:%u", ra, ti.remote_port);
		else
			table_cell(&t, "0.0.0.0:*");
		if (listen) {
			for (unsigned k = 0; k < 11; k++)
				table_cell(&t, "-");
		} else {
			table_cell(&t, "%u", ti.unacked);
			table_cell(&t, "%u", ti.snd_cwnd);
			if (tcp_ssthresh_set(&ti))
				table_cell(&t, "%u", ti.snd_ssthresh);
			else
				table_cell(&t, "-");
			table_cell(&t, "%s", ms[0]);
			table_cell(&t, "%s", ms[1]);
			table_cell(&t, "%s", ms[2]);
			table_cell(&t, "%u", ti.snd_mss);
			table_cell(&t, "%u", ti.total_retrans);
			table_cell(&t, "%" PRIu64, ti.bytes_sent);
			table_cell(&t, "%" PRIu64, ti.bytes_acked);
			table_cell(&t, "%" PRIu64, ti.bytes_received);
		}
		table_cell(&t, "%s", opts[0] ? opts + 1 : "-");
		table_cell(&t, "%s", cc_name(ti.cc_algo));
	}
	table_render(sb, &t);
}

/*
 * JSON contract ("tcp", an array, one object per TCP control block in the
 * stack's table order; documented in nlrsctl(8), field names stable):
 *   state           RFC 9293 name: "LISTEN", "SYN-SENT", "SYN-RECEIVED",
 *                   "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
 *                   "CLOSING", "LAST-ACK", "TIME-WAIT", "CLOSED"
 *   ca_state        "open", "disorder", "cwr", "recovery", "loss"
 *   local_address, local_port       dotted quad, integer
 *   remote_address, remote_port     the same, null for a listener
 *   unacked sacked lost retrans     bytes in flight / SACKed / marked lost /
 *                                   retransmitted and not yet acknowledged
 *   cwnd            bytes
 *   ssthresh        bytes, null while unbounded (before the first loss)
 *   rtt_us rttvar_us rto_us         smoothed RTT, its variation, the RTO
 *   mss rcv_mss pmtu                send MSS, MSS announced, path MTU
 *   snd_wnd rcv_wnd sndbuf rcvbuf   bytes
 *   snd_wscale rcv_wscale           shifts (0 without window scaling)
 *   retransmits backoff             timeouts of the current segment, RTO shift
 *   total_retrans                   segments retransmitted over the life
 *   bytes_sent bytes_retrans bytes_acked bytes_received segs_out segs_in
 *   options         array of "ts", "sack", "wscale" (those in use)
 *   cc              "cubic" or "newreno"
 * Integers are JSON numbers, never strings.
 */
static void json_tcp(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	struct nlrs_tcp_info ti;
	bool first = true;
	int r;

	nlrsd_sb_printf(sb, "\"tcp\":[");
	for (unsigned i = 0; (r = nlrs_tcp_conn_info(s, i, &ti)) >= 0; i++) {
		char la[16], ra[16];
		bool comma = false;

		if (r == 0)
			continue;
		fmt_ip(ti.local_v4, la, sizeof(la));
		fmt_ip(ti.remote_v4, ra, sizeof(ra));
		nlrsd_sb_printf(sb, "%s{\"state\":", first ? "" : ",");
		first = false;
		sb_json_str(sb, nlrs_tcp_state_name(ti.state));
		nlrsd_sb_printf(sb, ",\"ca_state\":\"%s\",\"local_address\":\"%s\",\"local_port\":%u",
				ca_state_name(ti.ca_state), la, ti.local_port);
		if (tcp_has_remote(&ti))
			nlrsd_sb_printf(sb, ",\"remote_address\":\"%s\",\"remote_port\":%u", ra,
					ti.remote_port);
		else
			nlrsd_sb_printf(sb, ",\"remote_address\":null,\"remote_port\":null");
		nlrsd_sb_printf(sb, ",\"unacked\":%u,\"sacked\":%u,\"lost\":%u,\"retrans\":%u,\"cwnd\":%u",
				ti.unacked, ti.sacked, ti.lost, ti.retrans, ti.snd_cwnd);
		if (tcp_ssthresh_set(&ti))
			nlrsd_sb_printf(sb, ",\"ssthresh\":%u", ti.snd_ssthresh);
		else
			nlrsd_sb_printf(sb, ",\"ssthresh\":null");
		nlrsd_sb_printf(sb,
				",\"rtt_us\":%u,\"rttvar_us\":%u,\"rto_us\":%u,\"mss\":%u,\"rcv_mss\":%u,"
				"\"pmtu\":%u,\"snd_wnd\":%u,\"rcv_wnd\":%u,\"sndbuf\":%u,\"rcvbuf\":%u,"
				"\"snd_wscale\":%u,\"rcv_wscale\":%u,\"retransmits\":%u,\"backoff\":%u,"
				"\"total_retrans\":%u",
				ti.rtt, ti.rttvar, ti.rto, ti.snd_mss, ti.rcv_mss, ti.pmtu, ti.snd_wnd,
				ti.rcv_wnd, ti.sndbuf, ti.rcvbuf, ti.snd_wscale, ti.rcv_wscale,
				ti.retransmits, ti.backoff, ti.total_retrans);
		nlrsd_sb_printf(sb,
				",\"bytes_sent\":%" PRIu64 ",\"bytes_retrans\":%" PRIu64
				",\"bytes_acked\":%" PRIu64 ",\"bytes_received\":%" PRIu64
				",\"segs_out\":%" PRIu64 ",\"segs_in\":%" PRIu64 ",\"options\":[",
				ti.bytes_sent, ti.bytes_retrans, ti.bytes_acked, ti.bytes_received,
				ti.segs_out, ti.segs_in);
		if (ti.options & NLRS_TCPI_OPT_TIMESTAMPS) {
			nlrsd_sb_printf(sb, "\"ts\"");
			comma = true;
		}
		if (ti.options & NLRS_TCPI_OPT_SACK) {
			nlrsd_sb_printf(sb, "%s\"sack\"", comma ? "," : "");
			comma = true;
		}
		if (ti.options & NLRS_TCPI_OPT_WSCALE)
			nlrsd_sb_printf(sb, "%s\"wscale\"", comma ? "," : "");
		nlrsd_sb_printf(sb, "],\"cc\":\"%s\"}", cc_name(ti.cc_algo));
	}
	nlrsd_sb_printf(sb, "]");
}

static void text_counters(struct nlrsd_sb *sb, const struct nlrs_stack *s, bool all)
{
	static const char *const head[] = { "COUNTER", ">VALUE", "DESCRIPTION" };
	unsigned n = nlrs_counter_count();
	struct table t;

	table_init(&t, 3, head);
	for (unsigned i = 0; i < n; i++) {
		uint64_t v = nlrs_counter_get(s, i);

		if (!v && !all)
			continue;
		table_cell(&t, "%s", nlrs_counter_name(i));
		table_cell(&t, "%" PRIu64, v);
		table_cell(&t, "%s", nlrs_counter_help(i));
	}
	table_render(sb, &t);
}

static void json_counters(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	unsigned n = nlrs_counter_count();

	nlrsd_sb_printf(sb, "\"counters\":{");
	for (unsigned i = 0; i < n; i++) {
		nlrsd_sb_printf(sb, "%s", i ? "," : "");
		sb_json_str(sb, nlrs_counter_name(i));
		nlrsd_sb_printf(sb, ":%" PRIu64, nlrs_counter_get(s, i));
	}
	nlrsd_sb_printf(sb, "}");
}

static void text_pools(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	static const char *const head[] = { "POOL", ">COUNT", ">AVAILABLE", ">MIN-AVAILABLE",
					    ">SIZE", ">ALLOC-FAIL" };
	struct nlrs_pool_info pi;
	struct table t;

	nlrs_stack_pool_info(s, &pi);
	table_init(&t, 6, head);
	table_cell(&t, "buffers");
	table_cell(&t, "%u", (unsigned)pi.count);
	table_cell(&t, "%u", (unsigned)pi.avail);
	table_cell(&t, "%u", (unsigned)pi.min_avail);
	table_cell(&t, "%u", (unsigned)pi.bufsize);
	table_cell(&t, "%" PRIu64, pi.alloc_fail);
	table_render(sb, &t);
}

static void json_pools(struct nlrsd_sb *sb, const struct nlrs_stack *s)
{
	struct nlrs_pool_info pi;

	nlrs_stack_pool_info(s, &pi);
	nlrsd_sb_printf(sb,
			"\"pools\":{\"buffers\":{\"count\":%u,\"available\":%u,\"min_available\":%u,"
			"\"size\":%u,\"alloc_fail\":%" PRIu64 "}}",
			(unsigned)pi.count, (unsigned)pi.avail, (unsigned)pi.min_avail,
			(unsigned)pi.bufsize, pi.alloc_fail);
}

static uint64_t uptime_ms(const struct nlrsd_status *st)
{
	return st->now > st->started ? (st->now - st->started) / 1000u : 0;
}

static void text_status(struct nlrsd_sb *sb, const struct nlrsd_status *st)
{
	uint64_t ms = uptime_ms(st);

	nlrsd_sb_printf(sb, "nlrsd %s, pid %ld, up %" PRIu64 ".%03u s\n", st->version, st->pid,
			ms / 1000u, (unsigned)(ms % 1000u));
}

static void json_status(struct nlrsd_sb *sb, const struct nlrsd_status *st)
{
	nlrsd_sb_printf(sb, "\"status\":{\"version\":");
	sb_json_str(sb, st->version);
	nlrsd_sb_printf(sb, ",\"pid\":%ld,\"uptime_ms\":%" PRIu64 "}", st->pid, uptime_ms(st));
}

void nlrsd_render(struct nlrsd_sb *sb, const struct nlrs_stack *s, const struct nlrsd_status *st,
		  const struct nlrsd_request *rq)
{
	unsigned w = rq->what;
	bool several = (w & (w - 1)) != 0;
	bool first = true;

	if (rq->json) {
		nlrsd_sb_printf(sb, "{");
#define SECTION(bit, call)                                  \
	if (w & (bit)) {                                    \
		nlrsd_sb_printf(sb, "%s", first ? "" : ","); \
		first = false;                              \
		call;                                       \
	}
		SECTION(NLRSD_SHOW_INTERFACES, json_interfaces(sb, s))
		SECTION(NLRSD_SHOW_ADDRESSES, json_addresses(sb, s))
		SECTION(NLRSD_SHOW_ROUTES, json_routes(sb, s))
		SECTION(NLRSD_SHOW_ARP, json_arp(sb, s, st->now))
		SECTION(NLRSD_SHOW_TCP, json_tcp(sb, s))
		SECTION(NLRSD_SHOW_COUNTERS, json_counters(sb, s))
		SECTION(NLRSD_SHOW_POOLS, json_pools(sb, s))
		SECTION(NLRSD_SHOW_STATUS, json_status(sb, st))
#undef SECTION
		nlrsd_sb_printf(sb, "}\n");
		return;
	}

#define SECTION(bit, title, call)                                         \
	if (w & (bit)) {                                                  \
		if (several)                                              \
			nlrsd_sb_printf(sb, "%s%s\n", first ? "" : "\n", title); \
		first = false;                                            \
		call;                                                     \
	}
	SECTION(NLRSD_SHOW_STATUS, "Status:", text_status(sb, st))
	SECTION(NLRSD_SHOW_INTERFACES, "Interfaces:", text_interfaces(sb, s))
	SECTION(NLRSD_SHOW_ADDRESSES, "Addresses:", text_addresses(sb, s))
	SECTION(NLRSD_SHOW_ROUTES, "Routes:", text_routes(sb, s))
	SECTION(NLRSD_SHOW_ARP, "ARP cache:", text_arp(sb, s, st->now))
	SECTION(NLRSD_SHOW_TCP, "TCP:", text_tcp(sb, s))
	SECTION(NLRSD_SHOW_COUNTERS, rq->all ? "Counters:" : "Counters (non-zero; --all for every one):",
		text_counters(sb, s, rq->all))
	SECTION(NLRSD_SHOW_POOLS, "Pools:", text_pools(sb, s))
#undef SECTION
}
