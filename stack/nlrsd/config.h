/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrsd's configuration: the command line and the INI-like config file
 * (-c FILE) parsed into one struct. Nothing here touches a device, a socket
 * or the stack: parsing only validates and fills the struct, so a bad
 * option is reported before anything is opened.
 *
 * Precedence: the file is read first, then the command line is applied on
 * top of it. Scalars on the command line replace the file's; `--tap NAME`
 * naming an interface of the file selects that interface, and its
 * `--addr`s then replace the file's addresses; `--route` replaces a file
 * route to the same destination; `--gw` replaces `[route] default`.
 */
#ifndef NLRSD_CONFIG_H
#define NLRSD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "nlrs/netdev.h"
#include "nlrs/socket.h"
#include "nlrs/stack.h"

#define NLRSD_MAX_IFACES 8
#define NLRSD_MAX_ROUTES 32
#define NLRSD_PATH_MAX 4096
#define NLRSD_SOCKET_MAX 108 /* sizeof(sockaddr_un.sun_path) */
#define NLRSD_DEFAULT_SOCKET "/run/nlrs/nlrsd.sock"

/* A device type: a command-line option of its name (--tap, --pcap, ...)
 * and `type = NAME` in an [interface] section (nlrsd_iface_types). */
enum nlrsd_iface_type { NLRSD_IF_TAP = 1, NLRSD_IF_LOOPBACK = 2, NLRSD_IF_PCAP = 3,
	/* SLIP on a tty, pty or stream socket: raw IP, slip_path says where */
	NLRSD_IF_SLIP = 4,
	/* an 802.1Q sub-interface named PARENT.VID of a tap or pcap device;
	 * no device of its own (set up after the others) */
	NLRSD_IF_VLAN = 8 };

/* "tap", "loopback", "pcap", "slip", "vlan"; NULL for an unknown type. */
const char *nlrsd_iface_type_name(enum nlrsd_iface_type t);
/* Split a VLAN interface name "PARENT.VID" (VID 1..4094, decimal).
 * 0 or -1. */
int nlrsd_vlan_split(const char *name, char parent[NLRS_IFNAMSIZ], uint16_t *vid);

struct nlrsd_iface {
	char name[NLRS_IFNAMSIZ];
	enum nlrsd_iface_type type;
	unsigned naddr;
	uint32_t addr[NLRS_MAX_IFADDRS]; /* host order */
	uint8_t prefixlen[NLRS_MAX_IFADDRS];
	bool mac_set;
	uint8_t mac[6];
	uint16_t mtu; /* 0: device default */
	bool promisc;       /* pcap: promiscuous mode */
	char slip_path[256]; /* slip: PATH[:BAUD], unix:SOCKET or tcp:HOST:PORT */
	uint32_t peer;       /* slip: the far end's address (host route), 0: none */
	bool cslip;          /* slip: RFC 1144 header compression */
	bool from_file;     /* defined by an [interface] section */
	bool cli_seen;      /* named by --tap/--loopback already */
	bool cli_addrs;     /* --addr given on the command line for it */
};

struct nlrsd_route {
	uint32_t dst;
	uint8_t prefixlen;
	uint32_t gw;
};

struct nlrsd_config {
	char config_file[NLRSD_PATH_MAX];
	struct nlrsd_iface iface[NLRSD_MAX_IFACES];
	unsigned niface;
	struct nlrsd_route route[NLRSD_MAX_ROUTES]; /* includes the default route */
	unsigned nroute;
	char socket_path[NLRSD_SOCKET_MAX];
	bool forward;
	uint16_t udp_echo; /* 0: off */
	uint32_t buffers;
	uint16_t buf_size;
	uint16_t sockets;
	uint16_t arp_entries;
	uint32_t reasm_timeout_ms;
	/* TCP: as the nlrs_stack_config fields of the same names */
	uint16_t tcp_conns;
	uint32_t tcp_sndbuf;
	uint32_t tcp_rcvbuf;
	uint32_t tcp_rmem_max;
	uint32_t tcp_wmem_max;
	uint32_t tcp_msl_ms;
	uint16_t tcp_mss_default;
	bool tcp_syncookies;
	bool tcp_sack;       /* the stack's tcp_no_sack, inverted */
	bool tcp_timestamps; /* tcp_no_timestamps, inverted */
	bool tcp_wscale;     /* tcp_no_wscale, inverted */
	uint8_t tcp_cc; /* enum nlrs_cc_algo */
	struct nlrs_fault_config fault;
	char pcap_file[NLRSD_PATH_MAX];
	bool daemon;
	char pid_file[NLRSD_PATH_MAX];
	bool syslog;
	int log_level; /* enum nlrs_log_level */
	bool check_config;
};

enum nlrsd_args_result {
	NLRSD_ARGS_ERROR = -1,
	NLRSD_ARGS_RUN = 0,
	NLRSD_ARGS_HELP = 1,
	NLRSD_ARGS_VERSION = 2,
};

/* Defaults: socket from $NLRS_SOCKET (if `env_socket` is non-NULL) else
 * NLRSD_DEFAULT_SOCKET, log level info, stack sizes as
 * nlrs_stack_config_default, shaping interval 50 ms. */
void nlrsd_config_init(struct nlrsd_config *c, const char *env_socket);

/* Parse argv (argv[0] is the program name): loads -c FILE first if given,
 * then applies the options. On error writes one line (naming the option
 * or file:line, no trailing newline) to err and returns NLRSD_ARGS_ERROR. */
enum nlrsd_args_result nlrsd_config_parse_args(struct nlrsd_config *c, int argc, char **argv,
					       char *err, size_t errlen);

/* Parse config text read from `f`; `fname` names it in messages.
 * Returns 0, or -1 with a "fname:line: ..." message in err. */
int nlrsd_config_parse_file(struct nlrsd_config *c, FILE *f, const char *fname, char *err,
			    size_t errlen);

/* Checks that need the whole configuration (e.g. a route whose gateway no
 * interface reaches is fine, but an --addr-less config with --gw is not).
 * 0 or -1 with a message. Called by nlrsd_config_parse_args. */
int nlrsd_config_validate(const struct nlrsd_config *c, char *err, size_t errlen);

/* Print the configuration in the config file format (re-readable by -c). */
void nlrsd_config_print(const struct nlrsd_config *c, FILE *out);

/* Value parsers, exposed for the tests. Each returns 0 or -1. */
int nlrsd_parse_ip4(const char *s, uint32_t *out);
int nlrsd_parse_cidr(const char *s, uint32_t *addr, uint8_t *prefixlen);
int nlrsd_parse_mac(const char *s, uint8_t mac[6]);

/* The --help text. */
extern const char nlrsd_usage[];

#endif
