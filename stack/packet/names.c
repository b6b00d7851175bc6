/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * names.c - printable names of link types, EtherTypes, IP protocols,
 * layer types and decode errors, and tcpdump's TCP flag string.
 *
 * Implements: the names tcpdump and libpcap print (pcap_datalink_val_to_name
 * for link types, "link-type EN10MB (Ethernet)"); IANA protocol keywords.
 * Does not implement: every registered value - unknown ones give NULL.
 * Freestanding C11: no OS headers, no allocation.
 */
#include "packet_priv.h"

struct lt_name {
	uint32_t lt;
	const char *name, *desc;
};

static const struct lt_name linktypes[] = {
	{ NLRS_LINKTYPE_NULL, "NULL", "BSD loopback" },
	{ NLRS_LINKTYPE_ETHERNET, "EN10MB", "Ethernet" },
	{ NLRS_LINKTYPE_SLIP, "SLIP", "SLIP" },
	{ NLRS_LINKTYPE_RAW_DLT, "RAW", "Raw IP" },
	{ NLRS_LINKTYPE_RAW_OBSD, "RAW", "Raw IP" },
	{ NLRS_LINKTYPE_RAW, "RAW", "Raw IP" },
	{ NLRS_LINKTYPE_LOOP, "LOOP", "OpenBSD loopback" },
	{ NLRS_LINKTYPE_LINUX_SLL, "LINUX_SLL", "Linux cooked v1" },
	{ NLRS_LINKTYPE_IPV4, "IPV4", "Raw IPv4" },
	{ NLRS_LINKTYPE_IPV6, "IPV6", "Raw IPv6" },
	{ NLRS_LINKTYPE_LINUX_SLL2, "LINUX_SLL2", "Linux cooked v2" },
};

static const struct lt_name *lt_find(uint32_t lt)
{
	for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++)
		if (linktypes[i].lt == (lt & 0xffffu))
			return &linktypes[i];
	return NULL;
}

const char *nlrs_linktype_name(uint32_t lt)
{
	const struct lt_name *n = lt_find(lt);

	return n ? n->name : NULL;
}

const char *nlrs_linktype_desc(uint32_t lt)
{
	const struct lt_name *n = lt_find(lt);

	return n ? n->desc : NULL;
}

const char *nlrs_ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x8035: return "Reverse ARP";
	case 0x8100: return "802.1Q";
	case 0x88a8: return "802.1Q-QinQ";
	case 0x9100: return "802.1Q-9100";
	case 0x86dd: return "IPv6";
	case 0x8847: return "MPLS unicast";
	case 0x8848: return "MPLS multicast";
	case 0x8863: return "PPPoE D";
	case 0x8864: return "PPPoE S";
	case 0x888e: return "EAPOL";
	case 0x88cc: return "LLDP";
	case 0x8809: return "Slow Protocols";
	case 0x88e5: return "MACsec";
	case 0x88f7: return "PTP";
	case 0x8906: return "FCoE";
	case 0x9000: return "Loopback";
	case 0x6558: return "TEB";
	default: return NULL;
	}
}

const char *nlrs_ipproto_name(uint8_t proto)
{
	switch (proto) {
	case 0: return "hopopts";
	case 1: return "icmp";
	case 2: return "igmp";
	case 4: return "ipip";
	case 6: return "tcp";
	case 17: return "udp";
	case 41: return "ipv6";
	case 43: return "routing";
	case 44: return "frag";
	case 47: return "gre";
	case 50: return "esp";
	case 51: return "ah";
	case 58: return "icmp6";
	case 59: return "nonext";
	case 60: return "dstopts";
	case 89: return "ospf";
	case 103: return "pim";
	case 112: return "vrrp";
	case 132: return "sctp";
	case 136: return "udplite";
	default: return NULL;
	}
}

static const char *const layer_names[NLRS_LAYER__BUILTIN_END] = {
	[NLRS_LAYER_NONE] = "none",
	[NLRS_LAYER_ETH] = "eth",
	[NLRS_LAYER_VLAN] = "vlan",
	[NLRS_LAYER_LLC] = "llc",
	[NLRS_LAYER_SLL] = "sll",
	[NLRS_LAYER_SLL2] = "sll2",
	[NLRS_LAYER_NULL] = "null",
	[NLRS_LAYER_SLIP] = "slip",
	[NLRS_LAYER_ARP] = "arp",
	[NLRS_LAYER_IPV4] = "ipv4",
	[NLRS_LAYER_IPV6] = "ipv6",
	[NLRS_LAYER_IPV6_HOPOPTS] = "ipv6-hopopts",
	[NLRS_LAYER_IPV6_ROUTING] = "ipv6-routing",
	[NLRS_LAYER_IPV6_FRAGMENT] = "ipv6-frag",
	[NLRS_LAYER_IPV6_DSTOPTS] = "ipv6-dstopts",
	[NLRS_LAYER_AH] = "ah",
	[NLRS_LAYER_ESP] = "esp",
	[NLRS_LAYER_ICMP4] = "icmp",
	[NLRS_LAYER_ICMP6] = "icmp6",
	[NLRS_LAYER_TCP] = "tcp",
	[NLRS_LAYER_UDP] = "udp",
	[NLRS_LAYER_SCTP] = "sctp",
	[NLRS_LAYER_DNS] = "dns",
	[NLRS_LAYER_DHCP] = "dhcp",
	[NLRS_LAYER_TFTP] = "tftp",
	[NLRS_LAYER_HTTP] = "http",
	[NLRS_LAYER_TLS] = "tls",
	[NLRS_LAYER_TELNET] = "telnet",
	[NLRS_LAYER_SSH] = "ssh",
	[NLRS_LAYER_PAYLOAD] = "payload",
};

const char *nlrs_layer_name(uint16_t type)
{
	if (type < NLRS_LAYER__BUILTIN_END)
		return layer_names[type];
	return type >= NLRS_LAYER_USER ? "user" : "unknown";
}

const char *nlrs_pkt_layer_name_reg(const struct nlrs_pkt_registry *reg, uint16_t type)
{
	if (reg && type >= NLRS_LAYER_USER) {
		for (unsigned i = 0; i < reg->n; i++)
			if (reg->e[i].dec->layer_type == type && reg->e[i].dec->name)
				return reg->e[i].dec->name;
	}
	return nlrs_layer_name(type);
}

const char *nlrs_pkt_strerror(int err)
{
	switch (err) {
	case NLRS_PKT_ERR_NONE: return "ok";
	case NLRS_PKT_ERR_SHORT: return "short";
	case NLRS_PKT_ERR_BAD_VERSION: return "bad-version";
	case NLRS_PKT_ERR_BAD_HLEN: return "bad-hlen";
	case NLRS_PKT_ERR_BAD_LEN: return "bad-len";
	case NLRS_PKT_ERR_BAD_CSUM: return "bad-csum";
	case NLRS_PKT_ERR_BAD_FORMAT: return "bad-format";
	case NLRS_PKT_ERR_BAD_OPTION: return "bad-option";
	case NLRS_PKT_ERR_LOOP: return "loop";
	case NLRS_PKT_ERR_DEPTH: return "depth";
	default: return "error";
	}
}

char *nlrs_pkt_tcp_flags_str(uint16_t flags, char *buf)
{
	/* tcpdump's print-tcp.c order: F S R P . U E W (ECE, CWR), and e for AE */
	static const struct {
		uint16_t bit;
		char c;
	} f[] = {
		{ NLRS_TCPF_FIN, 'F' }, { NLRS_TCPF_SYN, 'S' }, { NLRS_TCPF_RST, 'R' },
		{ NLRS_TCPF_PSH, 'P' }, { NLRS_TCPF_ACK, '.' }, { NLRS_TCPF_URG, 'U' },
		{ NLRS_TCPF_ECE, 'E' }, { NLRS_TCPF_CWR, 'W' }, { NLRS_TCPF_AE, 'e' },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (flags & f[i].bit)
			buf[n++] = f[i].c;
	if (n == 0) {
		nlrs_memcpy(buf, "none", 5);
		return buf;
	}
	buf[n] = '\0';
	return buf;
}
