/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrsd configuration: one option table serves the command line and the
 * config file (whose keys are the long option names, grouped in sections).
 * Every value is checked here, so nlrsd can refuse a bad configuration
 * with exit status 2 before it opens any device.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char nlrsd_usage[] =
	"Usage:\n"
	"nlrsd [-c FILE] [--tap IFNAME [--addr CIDR]... [--mac MAC] [--mtu N]]...\n"
	"      [--pcap IFNAME [--addr CIDR]... [--mac MAC] [--mtu N] [--promisc]]...\n"
	"      [--vlan PARENT.VID [--addr CIDR]... [--mtu N]]...\n"
	"      [--slip PATH[:BAUD] [--addr CIDR]... [--peer ADDR] [--mtu N] [--cslip]]...\n"
	"      [--loopback NAME [--addr CIDR]...] [--gw ADDR] [--route CIDR,GW]...\n"
	"      [--socket PATH] [--forward] [--udp-echo PORT]\n"
	"      [--buffers N] [--buf-size N] [--sockets N] [--arp-entries N] [--reasm-timeout MS]\n"
	"      [--tcp-conns N] [--tcp-sndbuf BYTES] [--tcp-rcvbuf BYTES] [--tcp-rmem-max BYTES]\n"
	"      [--tcp-wmem-max BYTES] [--tcp-msl MS] [--tcp-mss-default N]\n"
	"      [--tcp-syncookies on|off] [--tcp-sack on|off] [--tcp-timestamps on|off]\n"
	"      [--tcp-wscale on|off] [--tcp-cc cubic|newreno|bbr]\n"
	"      [--drop-chance PCT] [--corrupt-chance PCT] [--reorder-chance PCT] [--dup-chance PCT]\n"
	"      [--size-limit BYTES] [--tx-rate-limit N] [--rx-rate-limit N] [--shaping-interval MS]\n"
	"      [--pcap-file FILE] [-d|--daemon] [--pid-file FILE] [--syslog]\n"
	"      [--log-level err|warn|info|debug] [-v] [--check-config] [-h|--help] [-V|--version]\n"
	"\n"
	"Netloom stack process: runs the userspace TCP/IP stack on TAP, pcap, SLIP\n"
	"and loopback devices and serves the control socket that nlrsctl talks to.\n"
	"\n"
	"Devices:\n"
	"  -c, --config FILE      read the INI config file first; options override it\n"
	"  --tap IFNAME           create (or attach to) TAP device IFNAME and set it up\n"
	"  --pcap IFNAME          join the existing Ethernet interface IFNAME (libpcap\n"
	"                         capture and injection) as a host of its own\n"
	"  --vlan PARENT.VID      802.1Q VLAN VID (1..4094) on the TAP or pcap device\n"
	"                         PARENT, an interface of its own named PARENT.VID\n"
	"  --slip PATH[:BAUD]     SLIP (RFC 1055) interface slN (N counting from 0) on a\n"
	"                         tty or pty (raw 8N1; BAUD: the line speed), or on\n"
	"                         unix:SOCKET or tcp:HOST:PORT (connected to)\n"
	"  --peer ADDR            the SLIP link's far end (a host route to it)\n"
	"  --cslip                Van Jacobson TCP/IP header compression (RFC 1144) on\n"
	"                         the SLIP device named last (the far end must agree)\n"
	"  --loopback NAME        add a raw-IP loopback device\n"
	"  --addr CIDR            address of the device named last (may repeat, up to 4)\n"
	"  --mac MAC              stack MAC of the TAP or pcap device named last (default:\n"
	"                         TAP random 02:.., pcap derived from IFNAME, stable)\n"
	"  --mtu N                IP MTU of the device named last (68..65535; pcap: at\n"
	"                         most the interface's)\n"
	"  --promisc              the pcap device named last puts IFNAME in promiscuous mode\n"
	"  --gw ADDR              default gateway (route 0.0.0.0/0)\n"
	"  --route CIDR,GW        static route (may repeat)\n"
	"Stack:\n"
	"  --forward              forward IPv4 between interfaces\n"
	"  --udp-echo PORT        RFC 862 UDP echo service on PORT (any address)\n"
	"  --buffers N            packet buffers in the pool (64..1048576, default 2048)\n"
	"  --buf-size N           bytes per buffer (1600..65535, default 2048)\n"
	"  --sockets N            stack sockets, all kinds (1..32767, default 256)\n"
	"  --arp-entries N        ARP cache entries (1..65535, default 128)\n"
	"  --reasm-timeout MS     IPv4 reassembly timeout (1..600000, default 30000)\n"
	"TCP:\n"
	"  --tcp-conns N          TCP control blocks: connections, listeners, SYN queues,\n"
	"                         TIME-WAIT (1..65535, default 512)\n"
	"  --tcp-sndbuf BYTES     initial send buffer (4096..1073741824, default 262144)\n"
	"  --tcp-rcvbuf BYTES     initial receive buffer (4096..1073741824, default 131072)\n"
	"  --tcp-rmem-max BYTES   receive buffer auto-tuning ceiling (4096..1073741824,\n"
	"                         default 4194304; at least --tcp-rcvbuf)\n"
	"  --tcp-wmem-max BYTES   send buffer auto-tuning ceiling (4096..1073741824,\n"
	"                         default 4194304; at least --tcp-sndbuf)\n"
	"  --tcp-msl MS           maximum segment lifetime; TIME-WAIT lasts 2*MSL\n"
	"                         (1..600000, default 30000)\n"
	"  --tcp-mss-default N    send MSS when the peer announces none (64..65495,\n"
	"                         default 536)\n"
	"  --tcp-syncookies on|off\n"
	"                         SYN cookies when a SYN queue is full (default on)\n"
	"  --tcp-sack on|off      offer and accept SACK (default on)\n"
	"  --tcp-timestamps on|off\n"
	"                         offer and accept timestamps (default on)\n"
	"  --tcp-wscale on|off    offer and accept window scaling (default on)\n"
	"  --tcp-cc ALGO          congestion control: cubic (default) or newreno\n"
	"Fault injection (every device) and capture:\n"
	"  --drop-chance PCT      drop frames (0..100 percent)\n"
	"  --corrupt-chance PCT   flip one bit in frames\n"
	"  --reorder-chance PCT   hold a frame back behind the next one\n"
	"  --dup-chance PCT       deliver frames twice\n"
	"  --size-limit BYTES     drop frames longer than BYTES (0: no limit)\n"
	"  --tx-rate-limit N      frames sent per shaping interval (0: no limit)\n"
	"  --rx-rate-limit N      frames received per shaping interval (0: no limit)\n"
	"  --shaping-interval MS  token bucket interval (1..60000, default 50)\n"
	"  --pcap-file FILE       capture the device to FILE (FILE.IFNAME with several)\n"
	"Daemon:\n"
	"  --socket PATH          control socket (default $NLRS_SOCKET, else\n"
	"                         " NLRSD_DEFAULT_SOCKET ")\n"
	"  -d, --daemon           detach after the devices are open; logs go to syslog\n"
	"  --pid-file FILE        write the process id to FILE\n"
	"  --syslog               log to syslog instead of stderr\n"
	"  --log-level LEVEL      err, warn, info (default) or debug\n"
	"  -v                     one log level more verbose\n"
	"  --check-config         print the parsed configuration and exit\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Exit status: 0 after a clean shutdown (SIGTERM/SIGINT), 1 on a runtime\n"
	"error, 2 for a bad option or config file.\n";

enum opt_id {
	O_CONFIG, O_TAP, O_LOOPBACK, O_PCAPDEV, O_PROMISC, O_VLAN, O_SLIP, O_SLIP_PATH, O_PEER, O_CSLIP, O_ADDR, O_MAC, O_MTU, O_TYPE, O_GW, O_ROUTE,
	O_SOCKET, O_FORWARD, O_UDP_ECHO, O_BUFFERS, O_BUF_SIZE, O_SOCKETS, O_ARP_ENTRIES,
	O_REASM_TIMEOUT, O_TCP_CONNS, O_TCP_SNDBUF, O_TCP_RCVBUF, O_TCP_RMEM_MAX, O_TCP_WMEM_MAX,
	O_TCP_MSL, O_TCP_MSS_DEFAULT, O_TCP_SYNCOOKIES, O_TCP_SACK, O_TCP_TIMESTAMPS, O_TCP_WSCALE, O_TCP_CC, O_DROP, O_CORRUPT, O_REORDER, O_DUP, O_SIZE_LIMIT, O_TX_RATE,
	O_RX_RATE, O_SHAPING, O_PCAP, O_DAEMON, O_PID_FILE, O_SYSLOG, O_LOG_LEVEL,
	O_VERBOSE, O_CHECK, O_HELP, O_VERSION,
};

/* Where a key may appear in the config file. */
enum section { S_CLI_ONLY, S_DAEMON, S_STACK, S_IFACE, S_ROUTE, S_FAULT, S_SERVICE };

static const char *const section_name[] = {
	[S_CLI_ONLY] = NULL, [S_DAEMON] = "daemon", [S_STACK] = "stack",
	[S_IFACE] = "interface NAME", [S_ROUTE] = "route", [S_FAULT] = "fault",
	[S_SERVICE] = "service",
};

struct opt {
	const char *name;
	char shortc;
	enum opt_id id;
	bool arg;    /* takes a value on the command line */
	bool flag;   /* boolean: no value on the command line, yes/no in the file */
	enum section sec;
};

static const struct opt opts[] = {
	{ "config", 'c', O_CONFIG, true, false, S_CLI_ONLY },
	{ "tap", 0, O_TAP, true, false, S_CLI_ONLY },
	{ "loopback", 0, O_LOOPBACK, true, false, S_CLI_ONLY },
	{ "pcap", 0, O_PCAPDEV, true, false, S_CLI_ONLY },
	{ "promisc", 0, O_PROMISC, false, true, S_IFACE },
	{ "vlan", 0, O_VLAN, true, false, S_CLI_ONLY },
	{ "slip", 0, O_SLIP, true, false, S_CLI_ONLY },
	{ "path", 0, O_SLIP_PATH, false, false, S_IFACE }, /* file only: slip's PATH */
	{ "peer", 0, O_PEER, true, false, S_IFACE },
	{ "cslip", 0, O_CSLIP, false, true, S_IFACE },
	{ "addr", 0, O_ADDR, true, false, S_IFACE },
	{ "mac", 0, O_MAC, true, false, S_IFACE },
	{ "mtu", 0, O_MTU, true, false, S_IFACE },
	{ "type", 0, O_TYPE, false, false, S_IFACE }, /* file only */
	{ "gw", 0, O_GW, true, false, S_CLI_ONLY },
	{ "route", 0, O_ROUTE, true, false, S_CLI_ONLY },
	{ "socket", 0, O_SOCKET, true, false, S_DAEMON },
	{ "forward", 0, O_FORWARD, false, true, S_STACK },
	{ "udp-echo", 0, O_UDP_ECHO, true, false, S_SERVICE },
	{ "buffers", 0, O_BUFFERS, true, false, S_STACK },
	{ "buf-size", 0, O_BUF_SIZE, true, false, S_STACK },
	{ "sockets", 0, O_SOCKETS, true, false, S_STACK },
	{ "arp-entries", 0, O_ARP_ENTRIES, true, false, S_STACK },
	{ "reasm-timeout", 0, O_REASM_TIMEOUT, true, false, S_STACK },
	{ "tcp-conns", 0, O_TCP_CONNS, true, false, S_STACK },
	{ "tcp-sndbuf", 0, O_TCP_SNDBUF, true, false, S_STACK },
	{ "tcp-rcvbuf", 0, O_TCP_RCVBUF, true, false, S_STACK },
	{ "tcp-rmem-max", 0, O_TCP_RMEM_MAX, true, false, S_STACK },
	{ "tcp-wmem-max", 0, O_TCP_WMEM_MAX, true, false, S_STACK },
	{ "tcp-msl", 0, O_TCP_MSL, true, false, S_STACK },
	{ "tcp-mss-default", 0, O_TCP_MSS_DEFAULT, true, false, S_STACK },
	/* on|off on the command line too: they are on by default */
	{ "tcp-syncookies", 0, O_TCP_SYNCOOKIES, true, false, S_STACK },
	{ "tcp-sack", 0, O_TCP_SACK, true, false, S_STACK },
	{ "tcp-timestamps", 0, O_TCP_TIMESTAMPS, true, false, S_STACK },
	{ "tcp-wscale", 0, O_TCP_WSCALE, true, false, S_STACK },
	{ "tcp-cc", 0, O_TCP_CC, true, false, S_STACK },
	{ "drop-chance", 0, O_DROP, true, false, S_FAULT },
	{ "corrupt-chance", 0, O_CORRUPT, true, false, S_FAULT },
	{ "reorder-chance", 0, O_REORDER, true, false, S_FAULT },
	{ "dup-chance", 0, O_DUP, true, false, S_FAULT },
	{ "size-limit", 0, O_SIZE_LIMIT, true, false, S_FAULT },
	{ "tx-rate-limit", 0, O_TX_RATE, true, false, S_FAULT },
	{ "rx-rate-limit", 0, O_RX_RATE, true, false, S_FAULT },
	{ "shaping-interval", 0, O_SHAPING, true, false, S_FAULT },
	{ "pcap-file", 0, O_PCAP, true, false, S_DAEMON },
	{ "daemon", 'd', O_DAEMON, false, true, S_DAEMON },
	{ "pid-file", 0, O_PID_FILE, true, false, S_DAEMON },
	{ "syslog", 0, O_SYSLOG, false, true, S_DAEMON },
	{ "log-level", 0, O_LOG_LEVEL, true, false, S_DAEMON },
	{ NULL, 'v', O_VERBOSE, false, true, S_CLI_ONLY },
	{ "check-config", 0, O_CHECK, false, true, S_CLI_ONLY },
	{ "help", 'h', O_HELP, false, true, S_CLI_ONLY },
	{ "version", 'V', O_VERSION, false, true, S_CLI_ONLY },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* Parsing context: where we are (for messages) and which interface the
 * interface options apply to. */
struct ctx {
	struct nlrsd_config *c;
	struct nlrsd_iface *cur;
	bool cli;
	char where[NLRSD_PATH_MAX + 64]; /* "--mtu" or "file:12: mtu" */
	char *err;
	size_t errlen;
};

static int fail(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct ctx *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errlen, "%s: %s", x->where, msg);
	return -1;
}

void nlrsd_config_init(struct nlrsd_config *c, const char *env_socket)
{
	struct nlrs_stack_config sc;

	memset(c, 0, sizeof(*c));
	nlrs_stack_config_default(&sc);
	if (env_socket && *env_socket && strlen(env_socket) < sizeof(c->socket_path))
		strcpy(c->socket_path, env_socket);
	else
		strcpy(c->socket_path, NLRSD_DEFAULT_SOCKET);
	c->buffers = sc.buffers;
	c->buf_size = sc.buf_size;
	c->sockets = sc.sockets;
	c->arp_entries = sc.arp_entries;
	c->reasm_timeout_ms = (uint32_t)(sc.reasm_timeout / 1000u);
	c->tcp_conns = sc.tcp_conns;
	c->tcp_sndbuf = sc.tcp_sndbuf;
	c->tcp_rcvbuf = sc.tcp_rcvbuf;
	c->tcp_rmem_max = sc.tcp_rmem_max;
	c->tcp_wmem_max = sc.tcp_wmem_max;
	c->tcp_msl_ms = (uint32_t)(sc.tcp_msl / 1000u);
	c->tcp_mss_default = sc.tcp_mss_default;
	c->tcp_syncookies = sc.tcp_syncookies;
	c->tcp_sack = !sc.tcp_no_sack;
	c->tcp_timestamps = !sc.tcp_no_timestamps;
	c->tcp_wscale = !sc.tcp_no_wscale;
	c->tcp_cc = sc.tcp_cc;
	c->fault.shaping_interval_ms = 50;
	c->log_level = NLRS_LOG_INFO;
}

/* ---- value parsers ---- */

/* Strict decimal: digits only, no sign, no spaces, no overflow. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (ULONG_MAX - 9u) / 10u)
			return -1;
		v = v * 10u + (unsigned long)(*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int nlrsd_parse_ip4(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;

		while (*s >= '0' && *s <= '9') {
			/* no leading zeros: "010" is octal to inet_aton, reject it */
			if (digits == 1 && v == 0)
				return -1;
			v = v * 10u + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return -1;
			s++;
		}
		if (!digits)
			return -1;
		a = (a << 8) | v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*out = a;
	return 0;
}

static uint32_t prefix_mask(uint8_t plen)
{
	return plen ? ~(uint32_t)0 << (32 - plen) : 0;
}

int nlrsd_parse_cidr(const char *s, uint32_t *addr, uint8_t *prefixlen)
{
	char ip[16];
	const char *slash = strchr(s, '/');
	unsigned long plen;

	if (!slash || (size_t)(slash - s) >= sizeof(ip))
		return -1;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = 0;
	if (nlrsd_parse_ip4(ip, addr) || parse_uint(slash + 1, 0, 32, &plen))
		return -1;
	*prefixlen = (uint8_t)plen;
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

int nlrsd_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (unsigned i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static void fmt_ip(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255u, (a >> 8) & 255u, a & 255u);
}

static bool ip_unicast(uint32_t a)
{
	return a != 0 && a < NLRS_IP4(224, 0, 0, 0);
}

/* Linux dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or space. */
static bool ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= NLRS_IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, "..") || s[0] == '-')
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) || !isprint((unsigned char)*s))
			return false;
	return true;
}

/* ---- applying options ---- */

/* Indexed by enum nlrsd_iface_type: the --NAME option and `type = NAME`. */
static const char *const iface_types[] = {
	[NLRSD_IF_TAP] = "tap",
	[NLRSD_IF_LOOPBACK] = "loopback",
	[NLRSD_IF_PCAP] = "pcap",
	[NLRSD_IF_SLIP] = "slip",
	[NLRSD_IF_VLAN] = "vlan",
};
#define NIFTYPES (sizeof(iface_types) / sizeof(iface_types[0]))

const char *nlrsd_iface_type_name(enum nlrsd_iface_type t)
{
	return (unsigned)t < NIFTYPES ? iface_types[t] : NULL;
}

int nlrsd_vlan_split(const char *name, char parent[NLRS_IFNAMSIZ], uint16_t *vid)
{
	const char *dot = strrchr(name, '.');
	unsigned long v;

	if (!dot || dot == name || (size_t)(dot - name) >= NLRS_IFNAMSIZ ||
	    parse_uint(dot + 1, 1, 4094, &v)) /* 802.1Q 9.6: 0 and 4095 are reserved */
		return -1;
	memcpy(parent, name, (size_t)(dot - name));
	parent[dot - name] = 0;
	*vid = (uint16_t)v;
	return 0;
}

static struct nlrsd_iface *iface_find(struct nlrsd_config *c, const char *name)
{
	for (unsigned i = 0; i < c->niface; i++)
		if (!strcmp(c->iface[i].name, name))
			return &c->iface[i];
	return NULL;
}

static int iface_new(struct ctx *x, const char *name, enum nlrsd_iface_type type,
		     struct nlrsd_iface **out)
{
	struct nlrsd_iface *ifc;

	if (!ifname_valid(name))
		return fail(x, "'%s' is not a valid interface name (1..15 characters, no '/', ':' or spaces)",
			    name);
	if (x->c->niface >= NLRSD_MAX_IFACES)
		return fail(x, "too many interfaces (at most %d)", NLRSD_MAX_IFACES);
	ifc = &x->c->iface[x->c->niface++];
	memset(ifc, 0, sizeof(*ifc));
	strcpy(ifc->name, name);
	ifc->type = type;
	*out = ifc;
	return 0;
}

static int cli_iface(struct ctx *x, const char *name, enum nlrsd_iface_type type)
{
	struct nlrsd_iface *ifc = iface_find(x->c, name);

	if (ifc) {
		if (ifc->cli_seen)
			return fail(x, "interface %s is given twice", name);
		ifc->type = type; /* the command line overrides the file */
	} else if (iface_new(x, name, type, &ifc)) {
		return -1;
	}
	ifc->cli_seen = true;
	x->cur = ifc;
	return 0;
}

static int set_slip_path(struct ctx *x, const char *v)
{
	if (strlen(v) >= sizeof(x->cur->slip_path))
		return fail(x, "path too long (at most %zu bytes)", sizeof(x->cur->slip_path) - 1);
	if (nlrs_slip_check_path(v))
		return fail(x, "'%s' is not PATH[:BAUD] (a standard speed), unix:SOCKET or "
			    "tcp:HOST:PORT", v);
	strcpy(x->cur->slip_path, v);
	return 0;
}

/* --slip PATH: a new interface slN, the first such name not taken. */
static int cli_slip(struct ctx *x, const char *path)
{
	char name[NLRS_IFNAMSIZ];
	struct nlrsd_iface *ifc;
	unsigned n = 0;

	do
		snprintf(name, sizeof(name), "sl%u", n++);
	while (iface_find(x->c, name));
	if (iface_new(x, name, NLRSD_IF_SLIP, &ifc))
		return -1;
	ifc->cli_seen = true;
	x->cur = ifc;
	return set_slip_path(x, path);
}

static int add_addr(struct ctx *x, const char *v)
{
	struct nlrsd_iface *ifc = x->cur;
	uint32_t a, host;
	uint8_t plen;
	char buf[16];

	if (!ifc)
		return fail(x, "no device (--tap, --pcap, --loopback) before it");
	if (nlrsd_parse_cidr(v, &a, &plen))
		return fail(x, "'%s' is not an IPv4 CIDR address (a.b.c.d/len, len 0..32)", v);
	if (!ip_unicast(a) || plen == 0)
		return fail(x, "'%s' is not a unicast host address with a prefix", v);
	host = a & ~prefix_mask(plen);
	if (plen <= 30 && (host == 0 || host == ~prefix_mask(plen)))
		return fail(x, "'%s' is the network or broadcast address of its prefix", v);
	if (x->cli && !ifc->cli_addrs) {
		ifc->naddr = 0; /* command-line addresses replace the file's */
		ifc->cli_addrs = true;
	}
	for (unsigned i = 0; i < ifc->naddr; i++) {
		if (ifc->addr[i] == a) {
			fmt_ip(a, buf, sizeof(buf));
			return fail(x, "%s is already an address of %s", buf, ifc->name);
		}
	}
	if (ifc->naddr >= NLRS_MAX_IFADDRS)
		return fail(x, "%s has too many addresses (at most %d)", ifc->name, NLRS_MAX_IFADDRS);
	ifc->addr[ifc->naddr] = a;
	ifc->prefixlen[ifc->naddr] = plen;
	ifc->naddr++;
	return 0;
}

static int set_route(struct ctx *x, const char *dst_s, const char *gw_s)
{
	struct nlrsd_config *c = x->c;
	uint32_t dst = 0, gw;
	uint8_t plen = 0;
	unsigned i;

	if (dst_s && nlrsd_parse_cidr(dst_s, &dst, &plen))
		return fail(x, "'%s' is not an IPv4 CIDR prefix (a.b.c.d/len)", dst_s);
	if (dst & ~prefix_mask(plen))
		return fail(x, "'%s' has host bits set (did you mean the network address?)", dst_s);
	if (nlrsd_parse_ip4(gw_s, &gw) || !ip_unicast(gw))
		return fail(x, "'%s' is not a unicast IPv4 gateway address", gw_s);
	for (i = 0; i < c->nroute; i++)
		if (c->route[i].dst == dst && c->route[i].prefixlen == plen)
			break; /* a later setting replaces an earlier one */
	if (i == c->nroute) {
		if (c->nroute >= NLRSD_MAX_ROUTES)
			return fail(x, "too many routes (at most %d)", NLRSD_MAX_ROUTES);
		c->nroute++;
	}
	c->route[i] = (struct nlrsd_route){ .dst = dst, .prefixlen = (uint8_t)plen, .gw = gw };
	return 0;
}

static int set_uint(struct ctx *x, const char *v, unsigned long min, unsigned long max,
		    unsigned long *out, const char *what)
{
	if (parse_uint(v, min, max, out))
		return fail(x, "'%s' is not %s (%lu..%lu)", v, what, min, max);
	return 0;
}

static int set_pct(struct ctx *x, const char *v, unsigned *out)
{
	unsigned long n;

	if (set_uint(x, v, 0, 100, &n, "a percentage"))
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int set_path(struct ctx *x, const char *v, char *dst, size_t cap)
{
	if (!*v)
		return fail(x, "empty path");
	if (strlen(v) >= cap)
		return fail(x, "path too long (at most %zu bytes)", cap - 1);
	strcpy(dst, v);
	return 0;
}

static const int log_steps[] = { NLRS_LOG_ERR, NLRS_LOG_WARN, NLRS_LOG_INFO, NLRS_LOG_DEBUG };
static const char *const log_names[] = { "err", "warn", "info", "debug" };

/* indexed by enum nlrs_cc_algo */
static const char *const cc_names[] = { [NLRS_CC_CUBIC] = "cubic", [NLRS_CC_NEWRENO] = "newreno",
					 [NLRS_CC_BBR] = "bbr" };

static const char *log_name(int level)
{
	for (unsigned i = 0; i < 4; i++)
		if (log_steps[i] == level)
			return log_names[i];
	return "info";
}

/* Apply one option. `v` is its value (NULL for a command-line flag). */
static int apply(struct ctx *x, const struct opt *o, const char *v)
{
	struct nlrsd_config *c = x->c;
	unsigned long n;
	bool b = true;
	const char *comma;
	char dst[32];

	if (o->flag && v && parse_bool(v, &b))
		return fail(x, "'%s' is not yes or no", v);

	switch (o->id) {
	case O_CONFIG:
	case O_HELP:
	case O_VERSION:
		return 0; /* handled by the first pass */
	case O_TAP:
		return cli_iface(x, v, NLRSD_IF_TAP);
	case O_LOOPBACK:
		return cli_iface(x, v, NLRSD_IF_LOOPBACK);
	case O_PCAPDEV:
		return cli_iface(x, v, NLRSD_IF_PCAP);
	case O_VLAN:
		return cli_iface(x, v, NLRSD_IF_VLAN);
	case O_SLIP:
		return cli_slip(x, v);
	case O_SLIP_PATH:
		return set_slip_path(x, v);
	case O_PEER:
		if (!x->cur)
			return fail(x, "no --slip before it");
		if (nlrsd_parse_ip4(v, &x->cur->peer) || !ip_unicast(x->cur->peer))
			return fail(x, "'%s' is not a unicast IPv4 address", v);
		return 0;
	case O_CSLIP:
		if (!x->cur)
			return fail(x, "no --slip before it");
		x->cur->cslip = b;
		return 0;
	case O_PROMISC:
		if (!x->cur)
			return fail(x, "no --pcap before it");
		x->cur->promisc = b;
		return 0;
	case O_ADDR:
		return add_addr(x, v);
	case O_MAC:
		if (!x->cur)
			return fail(x, "no --tap or --pcap before it");
		if (nlrsd_parse_mac(v, x->cur->mac))
			return fail(x, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", v);
		if (x->cur->mac[0] & 1u)
			return fail(x, "'%s' is a multicast MAC address", v);
		if (!memcmp(x->cur->mac, "\0\0\0\0\0\0", 6))
			return fail(x, "'%s' is the all-zero MAC address", v);
		x->cur->mac_set = true;
		return 0;
	case O_MTU:
		if (!x->cur)
			return fail(x, "no device (--tap, --pcap, --loopback) before it");
		/* RFC 791: every host must take a 68-octet datagram */
		if (set_uint(x, v, 68, 65535, &n, "an MTU"))
			return -1;
		x->cur->mtu = (uint16_t)n;
		return 0;
	case O_TYPE:
		for (unsigned i = 0; i < NIFTYPES; i++) {
			if (iface_types[i] && !strcmp(v, iface_types[i])) {
				x->cur->type = (enum nlrsd_iface_type)i;
				return 0;
			}
		}
		{
			char list[128] = "";

			for (unsigned i = 0; i < NIFTYPES; i++)
				if (iface_types[i])
					snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
						 list[0] ? ", " : "", iface_types[i]);
			return fail(x, "'%s' is not an interface type (%s)", v, list);
		}
	case O_GW:
		return set_route(x, NULL, v);
	case O_ROUTE:
		comma = strchr(v, ',');
		if (!comma || (size_t)(comma - v) >= sizeof(dst))
			return fail(x, "'%s' is not CIDR,GATEWAY", v);
		memcpy(dst, v, (size_t)(comma - v));
		dst[comma - v] = 0;
		return set_route(x, dst, comma + 1);
	case O_SOCKET:
		return set_path(x, v, c->socket_path, sizeof(c->socket_path));
	case O_FORWARD:
		c->forward = b;
		return 0;
	case O_UDP_ECHO:
		if (set_uint(x, v, 1, 65535, &n, "a UDP port"))
			return -1;
		c->udp_echo = (uint16_t)n;
		return 0;
	case O_BUFFERS:
		if (set_uint(x, v, 64, 1048576, &n, "a buffer count"))
			return -1;
		c->buffers = (uint32_t)n;
		return 0;
	case O_BUF_SIZE:
		/* the stack wants a full Ethernet frame in one buffer */
		if (set_uint(x, v, 1600, 65535, &n, "a buffer size"))
			return -1;
		c->buf_size = (uint16_t)n;
		return 0;
	case O_SOCKETS:
		/* descriptors are ints; the stack takes at most 32767 */
		if (set_uint(x, v, 1, 32767, &n, "a socket count"))
			return -1;
		c->sockets = (uint16_t)n;
		return 0;
	case O_ARP_ENTRIES:
		if (set_uint(x, v, 1, 65535, &n, "an ARP cache size"))
			return -1;
		c->arp_entries = (uint16_t)n;
		return 0;
	case O_REASM_TIMEOUT:
		if (set_uint(x, v, 1, 600000, &n, "a timeout in milliseconds"))
			return -1;
		c->reasm_timeout_ms = (uint32_t)n;
		return 0;
	case O_TCP_CONNS:
		if (set_uint(x, v, 1, 65535, &n, "a TCP control block count"))
			return -1;
		c->tcp_conns = (uint16_t)n;
		return 0;
	case O_TCP_SNDBUF:
	case O_TCP_RCVBUF:
	case O_TCP_RMEM_MAX:
	case O_TCP_WMEM_MAX:
		/* 1 GiB: the largest window scaling can announce (RFC 7323 2.3) */
		if (set_uint(x, v, 4096, 1073741824, &n, "a buffer size in bytes"))
			return -1;
		*(o->id == O_TCP_SNDBUF     ? &c->tcp_sndbuf
		  : o->id == O_TCP_RCVBUF   ? &c->tcp_rcvbuf
		  : o->id == O_TCP_RMEM_MAX ? &c->tcp_rmem_max
					    : &c->tcp_wmem_max) = (uint32_t)n;
		return 0;
	case O_TCP_MSL:
		if (set_uint(x, v, 1, 600000, &n, "a lifetime in milliseconds"))
			return -1;
		c->tcp_msl_ms = (uint32_t)n;
		return 0;
	case O_TCP_MSS_DEFAULT:
		/* the largest MSS an IPv4 MTU of 65535 leaves: 65535 - 20 - 20 */
		if (set_uint(x, v, 64, 65495, &n, "a segment size"))
			return -1;
		c->tcp_mss_default = (uint16_t)n;
		return 0;
	case O_TCP_SYNCOOKIES:
	case O_TCP_SACK:
	case O_TCP_TIMESTAMPS:
	case O_TCP_WSCALE:
		if (parse_bool(v, &b))
			return fail(x, "'%s' is not on or off", v);
		*(o->id == O_TCP_SYNCOOKIES ? &c->tcp_syncookies
		  : o->id == O_TCP_SACK     ? &c->tcp_sack
		  : o->id == O_TCP_TIMESTAMPS ? &c->tcp_timestamps
					      : &c->tcp_wscale) = b;
		return 0;
	case O_TCP_CC:
		for (unsigned i = 0; i < sizeof(cc_names) / sizeof(cc_names[0]); i++) {
			if (!strcmp(v, cc_names[i])) {
				c->tcp_cc = (uint8_t)i;
				return 0;
			}
		}
		return fail(x, "'%s' is not a congestion control algorithm (cubic, newreno or bbr)", v);
	case O_DROP:
		return set_pct(x, v, &c->fault.drop_chance);
	case O_CORRUPT:
		return set_pct(x, v, &c->fault.corrupt_chance);
	case O_REORDER:
		return set_pct(x, v, &c->fault.reorder_chance);
	case O_DUP:
		return set_pct(x, v, &c->fault.dup_chance);
	case O_SIZE_LIMIT:
		if (set_uint(x, v, 0, 1048576, &n, "a frame size in bytes"))
			return -1;
		c->fault.size_limit = (unsigned)n;
		return 0;
	case O_TX_RATE:
	case O_RX_RATE:
		if (set_uint(x, v, 0, 1000000, &n, "a frame count"))
			return -1;
		*(o->id == O_TX_RATE ? &c->fault.tx_rate_limit : &c->fault.rx_rate_limit) = (unsigned)n;
		return 0;
	case O_SHAPING:
		if (set_uint(x, v, 1, 60000, &n, "an interval in milliseconds"))
			return -1;
		c->fault.shaping_interval_ms = (unsigned)n;
		return 0;
	case O_PCAP:
		return set_path(x, v, c->pcap_file, sizeof(c->pcap_file) - NLRS_IFNAMSIZ - 1);
	case O_DAEMON:
		c->daemon = b;
		return 0;
	case O_PID_FILE:
		return set_path(x, v, c->pid_file, sizeof(c->pid_file));
	case O_SYSLOG:
		c->syslog = b;
		return 0;
	case O_LOG_LEVEL:
		for (unsigned i = 0; i < 4; i++) {
			if (!strcmp(v, log_names[i])) {
				c->log_level = log_steps[i];
				return 0;
			}
		}
		return fail(x, "'%s' is not a log level (err, warn, info or debug)", v);
	case O_VERBOSE:
		for (unsigned i = 0; i < 3; i++) {
			if (log_steps[i] == c->log_level) {
				c->log_level = log_steps[i + 1];
				break;
			}
		}
		return 0;
	case O_CHECK:
		c->check_config = true;
		return 0;
	}
	return fail(x, "unhandled option");
}

/* ---- the config file ---- */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* '#' at the start of a line or after white space starts a comment. */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = 0;
			return;
		}
	}
}

static const struct opt *opt_by_name(const char *name)
{
	for (unsigned i = 0; i < NOPTS; i++)
		if (opts[i].name && !strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

int nlrsd_config_parse_file(struct nlrsd_config *c, FILE *f, const char *fname, char *err,
			    size_t errlen)
{
	struct ctx x = { .c = c, .err = err, .errlen = errlen };
	char line[1024];
	enum section sec = S_CLI_ONLY; /* before any section header */
	bool in_section = false;
	unsigned lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val;
		const struct opt *o;
		size_t n = strlen(line);

		lineno++;
		snprintf(x.where, sizeof(x.where), "%s:%u", fname, lineno);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n' && !feof(f))
			return fail(&x, "line too long (at most %zu bytes)", sizeof(line) - 2);
		if (memchr(line, 0, n + 1) != line + n)
			return fail(&x, "NUL byte in line");
		strip_comment(line);
		s = trim(line);
		if (!*s)
			continue;

		if (*s == '[') {
			char *end = strchr(s, ']'), *name;

			if (!end || end[1])
				return fail(&x, "malformed section header (want [name])");
			*end = 0;
			name = trim(s + 1);
			in_section = true;
			x.cur = NULL;
			if (!strncmp(name, "interface", 9) && (isspace((unsigned char)name[9]) || !name[9])) {
				char *ifname = trim(name + 9);

				if (!*ifname)
					return fail(&x, "[interface] needs a name: [interface tap0]");
				if (iface_find(c, ifname))
					return fail(&x, "interface %s is defined twice", ifname);
				if (iface_new(&x, ifname, NLRSD_IF_TAP, &x.cur))
					return -1;
				x.cur->from_file = true;
				sec = S_IFACE;
				continue;
			}
			for (sec = S_DAEMON; sec <= S_SERVICE; sec++)
				if (sec != S_IFACE && !strcmp(name, section_name[sec]))
					break;
			if (sec > S_SERVICE)
				return fail(&x, "unknown section [%s] (daemon, stack, interface NAME, route, fault, service)",
					    name);
			continue;
		}

		eq = strchr(s, '=');
		if (!eq)
			return fail(&x, "expected key = value");
		*eq = 0;
		key = trim(s);
		val = trim(eq + 1);
		if (!*key)
			return fail(&x, "missing key before '='");
		if (!in_section)
			return fail(&x, "%s: key outside any section", key);
		snprintf(x.where, sizeof(x.where), "%s:%u: %s", fname, lineno, key);
		if (!*val)
			return fail(&x, "missing value");

		if (sec == S_ROUTE) {
			if (set_route(&x, strcmp(key, "default") ? key : NULL, val))
				return -1;
			continue;
		}
		o = opt_by_name(key);
		if (!o || o->sec == S_CLI_ONLY)
			return fail(&x, "unknown key in [%s]", section_name[sec]);
		if (o->sec != sec)
			return fail(&x, "key belongs in [%s], not [%s]", section_name[o->sec],
				    section_name[sec]);
		if (apply(&x, o, val))
			return -1;
	}
	if (ferror(f)) {
		snprintf(x.where, sizeof(x.where), "%s", fname);
		return fail(&x, "read error: %s", strerror(errno));
	}
	return 0;
}

static int load_file(struct nlrsd_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(err, errlen, "-c %s: %s", path, strerror(errno));
		return -1;
	}
	rc = nlrsd_config_parse_file(c, f, path, err, errlen);
	fclose(f);
	return rc;
}

/* ---- the command line ---- */

/* Resolve argv[*i] to an option and its value, advancing *i past a
 * separate value. 1 = an option, 0 = "--" end of options, -1 = error. */
static int next_opt(struct ctx *x, int argc, char **argv, int *i, const struct opt **o,
		    const char **val)
{
	const char *a = argv[*i];
	const char *eq = NULL;

	*o = NULL;
	*val = NULL;
	snprintf(x->where, sizeof(x->where), "%s", a);
	if (a[0] != '-' || a[1] == 0)
		return fail(x, "unexpected argument (options start with -)");
	if (a[1] == '-') {
		size_t len;

		if (!a[2])
			return 0;
		eq = strchr(a + 2, '=');
		len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (unsigned k = 0; k < NOPTS; k++)
			if (opts[k].name && strlen(opts[k].name) == len &&
			    !strncmp(opts[k].name, a + 2, len) && opts[k].id != O_TYPE &&
			    opts[k].id != O_SLIP_PATH)
				*o = &opts[k];
		if (eq)
			snprintf(x->where, sizeof(x->where), "%.*s", (int)(eq - a), a);
		if (!*o)
			return fail(x, "unknown option (see nlrsd --help)");
		if (eq) {
			if (!(*o)->arg)
				return fail(x, "takes no value");
			*val = eq + 1;
			return 1;
		}
	} else {
		for (unsigned k = 0; k < NOPTS; k++)
			if (opts[k].shortc && opts[k].shortc == a[1])
				*o = &opts[k];
		if (!*o)
			return fail(x, "unknown option (see nlrsd --help)");
		if (a[2]) {
			if ((*o)->id == O_VERBOSE && strspn(a + 1, "v") == strlen(a + 1))
				return 1; /* -vv: applied once per v */
			if (!(*o)->arg)
				return fail(x, "unknown option (see nlrsd --help)");
			*val = a + 2; /* -cFILE */
			return 1;
		}
	}
	if ((*o)->arg) {
		if (*i + 1 >= argc)
			return fail(x, "missing value");
		if (argv[*i + 1][0] == '-' && argv[*i + 1][1] == '-')
			return fail(x, "missing value (the next argument, %s, is an option)", argv[*i + 1]);
		*val = argv[++*i];
		if (!strcmp(x->where, a))
			snprintf(x->where, sizeof(x->where), "%s %s", a, *val);
	}
	return 1;
}

enum nlrsd_args_result nlrsd_config_parse_args(struct nlrsd_config *c, int argc, char **argv,
					       char *err, size_t errlen)
{
	struct ctx x = { .c = c, .cli = true, .err = err, .errlen = errlen };
	const char *config = NULL;
	const struct opt *o;
	const char *v;
	int i, r;

	/* Pass 1: syntax, -c, --help and --version, before anything is applied. */
	for (i = 1; i < argc; i++) {
		r = next_opt(&x, argc, argv, &i, &o, &v);
		if (r < 0)
			return NLRSD_ARGS_ERROR;
		if (r == 0) {
			if (i + 1 < argc) {
				snprintf(x.where, sizeof(x.where), "%s", argv[i + 1]);
				fail(&x, "unexpected argument (nlrsd takes no operands)");
				return NLRSD_ARGS_ERROR;
			}
			break;
		}
		if (o->id == O_HELP)
			return NLRSD_ARGS_HELP;
		if (o->id == O_VERSION)
			return NLRSD_ARGS_VERSION;
		if (o->id == O_CONFIG) {
			if (config) {
				fail(&x, "only one config file may be given");
				return NLRSD_ARGS_ERROR;
			}
			config = v;
		}
	}
	if (config) {
		if (set_path(&x, config, c->config_file, sizeof(c->config_file)) ||
		    load_file(c, config, err, errlen))
			return NLRSD_ARGS_ERROR;
	}

	/* Pass 2: apply, in order. */
	for (i = 1; i < argc; i++) {
		r = next_opt(&x, argc, argv, &i, &o, &v);
		if (r <= 0)
			break;
		/* strip the value from the message prefix: "--mtu: '9' is not ..." */
		if (v && o->name)
			snprintf(x.where, sizeof(x.where), "--%s", o->name);
		else if (v)
			snprintf(x.where, sizeof(x.where), "-%c", o->shortc);
		for (size_t k = o->id == O_VERBOSE ? strlen(argv[i]) - 1 : 1; k > 0; k--)
			if (apply(&x, o, v))
				return NLRSD_ARGS_ERROR;
	}
	if (nlrsd_config_validate(c, err, errlen))
		return NLRSD_ARGS_ERROR;
	return NLRSD_ARGS_RUN;
}

int nlrsd_config_validate(const struct nlrsd_config *c, char *err, size_t errlen)
{
	char a[16];

	if (c->niface == 0) {
		snprintf(err, errlen, "no interface: give --tap IFNAME, --pcap IFNAME, --slip PATH or --loopback NAME "
				      "(or an [interface NAME] section in the config file)");
		return -1;
	}
	for (unsigned i = 0; i < c->niface; i++) {
		const struct nlrsd_iface *ifc = &c->iface[i];

		if (ifc->type == NLRSD_IF_LOOPBACK && ifc->mac_set) {
			snprintf(err, errlen, "interface %s: a loopback device has no MAC (--mac)",
				 ifc->name);
			return -1;
		}
		if (ifc->type != NLRSD_IF_PCAP && ifc->promisc) {
			snprintf(err, errlen, "interface %s: only a pcap device has --promisc",
				 ifc->name);
			return -1;
		}
		if (ifc->type == NLRSD_IF_SLIP && !ifc->slip_path[0]) {
			snprintf(err, errlen, "interface %s: a slip device needs path = PATH[:BAUD]",
				 ifc->name);
			return -1;
		}
		if (ifc->type == NLRSD_IF_SLIP && ifc->mac_set) {
			snprintf(err, errlen, "interface %s: a SLIP link has no MAC (--mac)", ifc->name);
			return -1;
		}
		if (ifc->type != NLRSD_IF_SLIP && (ifc->slip_path[0] || ifc->peer || ifc->cslip)) {
			snprintf(err, errlen, "interface %s: only a slip device has path, --peer, --cslip",
				 ifc->name);
			return -1;
		}
		if (ifc->type == NLRSD_IF_VLAN) {
			char parent[NLRS_IFNAMSIZ];
			const struct nlrsd_iface *p = NULL;
			uint16_t vid;

			if (nlrsd_vlan_split(ifc->name, parent, &vid)) {
				snprintf(err, errlen, "interface %s: a VLAN is named PARENT.VID, VID "
						      "1..4094", ifc->name);
				return -1;
			}
			for (unsigned k = 0; k < c->niface; k++)
				if (!strcmp(c->iface[k].name, parent))
					p = &c->iface[k];
			if (!p || (p->type != NLRSD_IF_TAP && p->type != NLRSD_IF_PCAP)) {
				snprintf(err, errlen, "interface %s: no TAP or pcap device %s for the "
						      "VLAN to ride on", ifc->name, parent);
				return -1;
			}
			if (ifc->mac_set) {
				snprintf(err, errlen, "interface %s: a VLAN has its parent's MAC (--mac)",
					 ifc->name);
				return -1;
			}
		}
	}
	/* the auto-tuning ceilings start at the initial sizes */
	if (c->tcp_rmem_max < c->tcp_rcvbuf) {
		snprintf(err, errlen, "tcp-rmem-max %u is below tcp-rcvbuf %u (raise --tcp-rmem-max "
				      "as well)", (unsigned)c->tcp_rmem_max, (unsigned)c->tcp_rcvbuf);
		return -1;
	}
	if (c->tcp_wmem_max < c->tcp_sndbuf) {
		snprintf(err, errlen, "tcp-wmem-max %u is below tcp-sndbuf %u (raise --tcp-wmem-max "
				      "as well)", (unsigned)c->tcp_wmem_max, (unsigned)c->tcp_sndbuf);
		return -1;
	}
	/* nlrs_route_add with ifindex -1 needs a connected prefix holding gw. */
	for (unsigned r = 0; r < c->nroute; r++) {
		const struct nlrsd_route *rt = &c->route[r];
		bool reachable = false;

		for (unsigned i = 0; i < c->niface && !reachable; i++)
			for (unsigned k = 0; k < c->iface[i].naddr; k++) {
				uint32_t m = prefix_mask(c->iface[i].prefixlen[k]);

				if ((c->iface[i].addr[k] & m) == (rt->gw & m))
					reachable = true;
			}
		if (!reachable) {
			char d[16];

			fmt_ip(rt->gw, a, sizeof(a));
			fmt_ip(rt->dst, d, sizeof(d));
			if (rt->prefixlen == 0)
				snprintf(err, errlen, "gateway %s (--gw or [route] default): no interface "
						      "address is on its network", a);
			else
				snprintf(err, errlen, "route %s/%u via %s: no interface address is on "
						      "the gateway's network", d, rt->prefixlen, a);
			return -1;
		}
	}
	return 0;
}

void nlrsd_config_print(const struct nlrsd_config *c, FILE *out)
{
	char a[16];
	bool any_route = false;

	fprintf(out, "# nlrsd configuration%s%s\n", c->config_file[0] ? " (from " : "",
		c->config_file[0] ? c->config_file : "");
	if (c->config_file[0])
		fprintf(out, "#   plus the command line)\n");
	fprintf(out, "[daemon]\n");
	fprintf(out, "socket = %s\n", c->socket_path);
	fprintf(out, "log-level = %s\n", log_name(c->log_level));
	fprintf(out, "daemon = %s\n", c->daemon ? "yes" : "no");
	fprintf(out, "syslog = %s\n", c->syslog ? "yes" : "no");
	if (c->pid_file[0])
		fprintf(out, "pid-file = %s\n", c->pid_file);
	if (c->pcap_file[0])
		fprintf(out, "pcap-file = %s\n", c->pcap_file);
	fprintf(out, "\n[stack]\n");
	fprintf(out, "buffers = %u\n", (unsigned)c->buffers);
	fprintf(out, "buf-size = %u\n", (unsigned)c->buf_size);
	fprintf(out, "sockets = %u\n", (unsigned)c->sockets);
	fprintf(out, "arp-entries = %u\n", (unsigned)c->arp_entries);
	fprintf(out, "reasm-timeout = %u\n", (unsigned)c->reasm_timeout_ms);
	fprintf(out, "forward = %s\n", c->forward ? "yes" : "no");
	fprintf(out, "tcp-conns = %u\n", (unsigned)c->tcp_conns);
	fprintf(out, "tcp-sndbuf = %u\n", (unsigned)c->tcp_sndbuf);
	fprintf(out, "tcp-rcvbuf = %u\n", (unsigned)c->tcp_rcvbuf);
	fprintf(out, "tcp-rmem-max = %u\n", (unsigned)c->tcp_rmem_max);
	fprintf(out, "tcp-wmem-max = %u\n", (unsigned)c->tcp_wmem_max);
	fprintf(out, "tcp-msl = %u\n", (unsigned)c->tcp_msl_ms);
	fprintf(out, "tcp-mss-default = %u\n", (unsigned)c->tcp_mss_default);
	fprintf(out, "tcp-syncookies = %s\n", c->tcp_syncookies ? "on" : "off");
	fprintf(out, "tcp-sack = %s\n", c->tcp_sack ? "on" : "off");
	fprintf(out, "tcp-timestamps = %s\n", c->tcp_timestamps ? "on" : "off");
	fprintf(out, "tcp-wscale = %s\n", c->tcp_wscale ? "on" : "off");
	fprintf(out, "tcp-cc = %s\n", c->tcp_cc < sizeof(cc_names) / sizeof(cc_names[0])
					     ? cc_names[c->tcp_cc] : "cubic");
	for (unsigned i = 0; i < c->niface; i++) {
		const struct nlrsd_iface *ifc = &c->iface[i];

		fprintf(out, "\n[interface %s]\n", ifc->name);
		fprintf(out, "type = %s\n", nlrsd_iface_type_name(ifc->type));
		for (unsigned k = 0; k < ifc->naddr; k++) {
			fmt_ip(ifc->addr[k], a, sizeof(a));
			fprintf(out, "addr = %s/%u\n", a, ifc->prefixlen[k]);
		}
		if (ifc->mac_set)
			fprintf(out, "mac = %02x:%02x:%02x:%02x:%02x:%02x\n", ifc->mac[0], ifc->mac[1],
				ifc->mac[2], ifc->mac[3], ifc->mac[4], ifc->mac[5]);
		else if (ifc->type == NLRSD_IF_TAP)
			fprintf(out, "# mac: random, locally administered\n");
		else if (ifc->type == NLRSD_IF_PCAP)
			fprintf(out, "# mac: derived from the interface, locally administered\n");
		if (ifc->mtu)
			fprintf(out, "mtu = %u\n", ifc->mtu);
		if (ifc->promisc)
			fprintf(out, "promisc = yes\n");
		if (ifc->slip_path[0])
			fprintf(out, "path = %s\n", ifc->slip_path);
		if (ifc->peer) {
			fmt_ip(ifc->peer, a, sizeof(a));
			fprintf(out, "peer = %s\n", a);
		}
		if (ifc->cslip)
			fprintf(out, "cslip = yes\n");
	}
	for (unsigned r = 0; r < c->nroute; r++) {
		const struct nlrsd_route *rt = &c->route[r];
		char g[16];

		if (!any_route)
			fprintf(out, "\n[route]\n");
		any_route = true;
		fmt_ip(rt->gw, g, sizeof(g));
		fmt_ip(rt->dst, a, sizeof(a));
		if (rt->prefixlen == 0)
			fprintf(out, "default = %s\n", g);
		else
			fprintf(out, "%s/%u = %s\n", a, rt->prefixlen, g);
	}
	fprintf(out, "\n[fault]\n");
	fprintf(out, "drop-chance = %u\n", c->fault.drop_chance);
	fprintf(out, "corrupt-chance = %u\n", c->fault.corrupt_chance);
	fprintf(out, "reorder-chance = %u\n", c->fault.reorder_chance);
	fprintf(out, "dup-chance = %u\n", c->fault.dup_chance);
	fprintf(out, "size-limit = %u\n", c->fault.size_limit);
	fprintf(out, "tx-rate-limit = %u\n", c->fault.tx_rate_limit);
	fprintf(out, "rx-rate-limit = %u\n", c->fault.rx_rate_limit);
	fprintf(out, "shaping-interval = %u\n", c->fault.shaping_interval_ms);
	if (c->udp_echo)
		fprintf(out, "\n[service]\nudp-echo = %u\n", c->udp_echo);
}
