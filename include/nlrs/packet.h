/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The packet library: decode captured frames into layers without copying,
 * a fixed-layout fast path, flows and endpoints, custom decoders, and a
 * builder. Savefiles (pcap, pcapng) are in nlrs/pcapfile.h, TCP stream
 * reassembly in nlrs/reasm.h.
 *
 * Typical use (man libnlrs-packet.3, tests/examples/packet_decode.c):
 *
 *   struct nlrs_pkt pkt;
 *   nlrs_pkt_decode(&pkt, NLRS_LINKTYPE_ETHERNET, frame, caplen, wirelen, NULL);
 *   const struct nlrs_pkt_layer *tcp = nlrs_pkt_find(&pkt, NLRS_LAYER_TCP);
 *   if (tcp && !(tcp->flags & NLRS_LF_NOFIELDS))
 *       printf("%u > %u seq %u\n", tcp->u.tcp.sport, tcp->u.tcp.dport, tcp->u.tcp.seq);
 *
 * Ownership and lifetime: the decoder never copies the frame and never
 * allocates. Every pointer in a decoded struct nlrs_pkt (layer headers,
 * payloads, options, names, header lines) points into the caller's frame
 * buffer and is valid as long as that buffer is. Text fields are
 * (pointer, length) pairs into the frame, not NUL-terminated.
 *
 * Safety: the decoder reads nothing outside data[0..caplen). A layer whose
 * length fields claim more than was captured is marked NLRS_LF_TRUNC; a
 * layer whose fields lie (a length below its minimum, an option running
 * past its area, a loop of DNS compression pointers ...) is marked
 * NLRS_LF_MALFORMED with the reason in `err`. Decoding stops after a layer
 * it cannot get past; the bytes left over are not made into layers.
 *
 * Threads: decode, fast path, flows and builder keep no state of their own
 * and may run in any number of threads at once. A registry
 * (struct nlrs_pkt_registry) is read by decode and must not be changed
 * while a decode that uses it runs.
 *
 * Byte order: every integer field in the structs below is in host byte
 * order. IPv4 addresses are uint32_t in host order (NLRS_IP4(192,0,2,1)
 * of nlrs/stack.h); IPv6 and MAC addresses are byte arrays in wire order.
 *
 * This header is freestanding (no libc headers): the decode, fast path,
 * flow and builder code is usable on bare metal; savefiles and reassembly
 * are hosted.
 */
#ifndef NLRS_PACKET_H
#define NLRS_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "nlrs/errno.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Link types: LINKTYPE_ values of pcap/pcapng files (the tcpdump.org   */
/* link-layer header types list). Raw IP is also accepted as 12 (DLT_RAW */
/* on most systems) and 14 (DLT_RAW on OpenBSD).                        */
/* ------------------------------------------------------------------ */
#define NLRS_LINKTYPE_NULL 0        /* BSD loopback: 4-byte AF, capturing host's order */
#define NLRS_LINKTYPE_ETHERNET 1    /* Ethernet II / 802.3, 802.1Q tags */
#define NLRS_LINKTYPE_SLIP 8        /* SLIP with libpcap's 16-byte pseudo-header */
#define NLRS_LINKTYPE_RAW_DLT 12    /* raw IPv4/IPv6 (DLT_RAW value in files) */
#define NLRS_LINKTYPE_RAW_OBSD 14   /* raw IP (OpenBSD DLT_RAW) */
#define NLRS_LINKTYPE_RAW 101       /* raw IPv4/IPv6, version nibble decides */
#define NLRS_LINKTYPE_LOOP 108      /* OpenBSD loopback: 4-byte AF, network order */
#define NLRS_LINKTYPE_LINUX_SLL 113 /* Linux cooked capture v1 (16-byte header) */
#define NLRS_LINKTYPE_IPV4 228      /* raw IPv4 only */
#define NLRS_LINKTYPE_IPV6 229      /* raw IPv6 only */
#define NLRS_LINKTYPE_LINUX_SLL2 276 /* Linux cooked capture v2 (20-byte header) */

/* True for the link types nlrs_pkt_decode reads. */
bool nlrs_linktype_supported(uint32_t linktype);
/* libpcap's DLT name ("EN10MB", "LINUX_SLL", "RAW", "NULL" ...) and a
 * description ("Ethernet", "Linux cooked v1" ...), as tcpdump prints
 * "link-type EN10MB (Ethernet)". Unknown types: NULL. Static strings. */
const char *nlrs_linktype_name(uint32_t linktype);
const char *nlrs_linktype_desc(uint32_t linktype);

/* Well-known numbers (for the registry and the builder). */
#define NLRS_ETYPE_IPV4 0x0800
#define NLRS_ETYPE_ARP 0x0806
#define NLRS_ETYPE_RARP 0x8035
#define NLRS_ETYPE_VLAN 0x8100
#define NLRS_ETYPE_QINQ 0x88a8
#define NLRS_ETYPE_IPV6 0x86dd
#define NLRS_IPPROTO_HOPOPTS 0
#define NLRS_IPPROTO_ICMP 1
#define NLRS_IPPROTO_IPIP 4
#define NLRS_IPPROTO_TCP 6
#define NLRS_IPPROTO_UDP 17
#define NLRS_IPPROTO_IPV6 41
#define NLRS_IPPROTO_ROUTING 43
#define NLRS_IPPROTO_FRAGMENT 44
#define NLRS_IPPROTO_ESP 50
#define NLRS_IPPROTO_AH 51
#define NLRS_IPPROTO_ICMPV6 58
#define NLRS_IPPROTO_NONE 59
#define NLRS_IPPROTO_DSTOPTS 60
#define NLRS_IPPROTO_SCTP 132

/* Names for printing: "IPv4", "ARP", "802.1Q" ... / "tcp", "udp",
 * "ipv6-frag" ... ; NULL when unknown. Static strings. */
const char *nlrs_ethertype_name(uint16_t type);
const char *nlrs_ipproto_name(uint8_t proto);

/* ------------------------------------------------------------------ */
/* Layers                                                               */
/* ------------------------------------------------------------------ */
enum nlrs_layer_type {
	NLRS_LAYER_NONE = 0,
	/* link (class NLRS_CLASS_LINK) */
	NLRS_LAYER_ETH,       /* Ethernet II or 802.3 header (u.eth) */
	NLRS_LAYER_VLAN,      /* one 802.1Q/802.1ad tag, outermost first (u.vlan) */
	NLRS_LAYER_LLC,       /* 802.2 LLC, with SNAP when DSAP=SSAP=0xaa (u.llc) */
	NLRS_LAYER_SLL,       /* Linux cooked v1 (u.sll) */
	NLRS_LAYER_SLL2,      /* Linux cooked v2 (u.sll) */
	NLRS_LAYER_NULL,      /* BSD loopback / OpenBSD loop family header (u.null) */
	NLRS_LAYER_SLIP,      /* libpcap SLIP pseudo-header (u.slip) */
	/* network (class NLRS_CLASS_NETWORK) */
	NLRS_LAYER_ARP,       /* ARP / RARP (u.arp) */
	NLRS_LAYER_IPV4,      /* (u.ipv4) */
	NLRS_LAYER_IPV6,      /* fixed header (u.ipv6) */
	NLRS_LAYER_IPV6_HOPOPTS,  /* extension headers (u.ipv6ext) */
	NLRS_LAYER_IPV6_ROUTING,
	NLRS_LAYER_IPV6_FRAGMENT,
	NLRS_LAYER_IPV6_DSTOPTS,
	NLRS_LAYER_AH,        /* IPsec AH, IPv4 or IPv6 (u.ah) */
	NLRS_LAYER_ESP,       /* IPsec ESP: SPI and sequence; the rest is opaque (u.esp) */
	/* what IP carries (class NLRS_CLASS_TRANSPORT) */
	NLRS_LAYER_ICMP4,     /* (u.icmp4) */
	NLRS_LAYER_ICMP6,     /* with ND and MLD bodies (u.icmp6) */
	NLRS_LAYER_TCP,       /* (u.tcp) */
	NLRS_LAYER_UDP,       /* (u.udp) */
	NLRS_LAYER_SCTP,      /* common header; chunks by nlrs_pkt_sctp_chunk_next (u.sctp) */
	/* application (class NLRS_CLASS_APPLICATION) */
	NLRS_LAYER_DNS,       /* UDP or TCP (length-prefixed) (u.dns) */
	NLRS_LAYER_DHCP,      /* BOOTP/DHCPv4 (u.dhcp) */
	NLRS_LAYER_TFTP,      /* (u.tftp) */
	NLRS_LAYER_HTTP,      /* HTTP/1.x request or status line + header block (u.http) */
	NLRS_LAYER_TLS,       /* TLS/SSL3 record(s); handshake header, ClientHello SNI (u.tls) */
	NLRS_LAYER_TELNET,    /* data with IAC commands (u.telnet) */
	NLRS_LAYER_SSH,       /* SSH identification string (u.ssh) */
	NLRS_LAYER_PAYLOAD,   /* bytes no decoder claimed (class NLRS_CLASS_PAYLOAD) */
	NLRS_LAYER__BUILTIN_END,
	/* Registered decoders use NLRS_LAYER_USER + n (their class is theirs
	 * to say, in struct nlrs_pkt_decoder). */
	NLRS_LAYER_USER = 0x100,
};

enum nlrs_layer_class {
	NLRS_CLASS_NONE = 0,
	NLRS_CLASS_LINK,
	NLRS_CLASS_NETWORK,     /* ARP, IPv4, IPv6 and its extension headers, AH, ESP */
	NLRS_CLASS_TRANSPORT,   /* ICMPv4, ICMPv6, TCP, UDP, SCTP */
	NLRS_CLASS_APPLICATION,
	NLRS_CLASS_PAYLOAD,
};

/* Short name of a built-in layer type ("eth", "vlan", "ipv4", "tcp",
 * "dns" ...); registered types return their decoder's name when the
 * registry is given, else "user". Static strings. */
const char *nlrs_layer_name(uint16_t type);
/* Class of a built-in layer type (NLRS_CLASS_NONE for unknown). */
enum nlrs_layer_class nlrs_layer_class(uint16_t type);

/* Layer flags */
#define NLRS_LF_TRUNC 0x0001     /* the capture ends before this layer does (snaplen) */
#define NLRS_LF_MALFORMED 0x0002 /* a field lies; `err` says how */
#define NLRS_LF_NOFIELDS 0x0004  /* the fixed header could not be read: u.* is all zero */
#define NLRS_LF_CSUM_OK 0x0008   /* checksum verified (NLRS_PKT_VERIFY_CSUM) and right */
#define NLRS_LF_CSUM_BAD 0x0010  /* checksum verified and wrong */
#define NLRS_LF_QUOTED 0x0020    /* inside an ICMP error's quoted datagram */
#define NLRS_LF_FRAGMENT 0x0040  /* IP: more fragments or non-zero offset; a non-first
				  * fragment's payload is a PAYLOAD layer */
#define NLRS_LF_OPTS_BAD 0x0080  /* IPv4/TCP/IPv6 options area malformed (fields valid) */
#define NLRS_LF_PADDED 0x0100    /* link: bytes past the network layer's length (trailer) */
#define NLRS_LF_HEURISTIC 0x0200 /* application recognised by content, not port */
#define NLRS_LF_PARTIAL 0x0400   /* IPv4/TCP/UDP header cut by the capture: the fields
				  * wholly inside the first hlen bytes are set (TCP: ports
				  * 4, seq 8, ack 12, hlen+flags 14, window 16, csum 18;
				  * UDP: ports 4, len 6), later ones zero. IPv4: the fixed
				  * 20 bytes are there, options are cut. */

/* Reasons in nlrs_pkt_layer.err: the same values as stack/wire's
 * enum nlrs_wire_err, plus the decoder's own. */
enum nlrs_pkt_err {
	NLRS_PKT_ERR_NONE = 0,
	NLRS_PKT_ERR_SHORT = -1,       /* shorter than the fixed header */
	NLRS_PKT_ERR_BAD_VERSION = -2, /* version field is not the layer's */
	NLRS_PKT_ERR_BAD_HLEN = -3,    /* header length below minimum or past the data */
	NLRS_PKT_ERR_BAD_LEN = -4,     /* total/payload length below header or past the outer layer */
	NLRS_PKT_ERR_BAD_CSUM = -5,    /* (reported as NLRS_LF_CSUM_BAD, not here) */
	NLRS_PKT_ERR_BAD_FORMAT = -6,  /* a fixed field holds a value the decoder cannot read */
	NLRS_PKT_ERR_BAD_OPTION = -7,  /* an option/chunk/record length runs past its area */
	NLRS_PKT_ERR_LOOP = -9,        /* DNS compression pointer loop or too many labels */
	NLRS_PKT_ERR_DEPTH = -10,      /* (reserved: a packet deeper than NLRS_PKT_MAX_LAYERS
					* is flagged NLRS_PF_DEPTH instead) */
};
/* "short", "bad-len", "loop" ... */
const char *nlrs_pkt_strerror(int err);

/* ---- per-protocol fields (decode output, builder input) ---- */

struct nlrs_pkt_eth {
	uint8_t dst[6], src[6];
	/* The type/length field at offset 12: an EtherType (>= 0x0600, the
	 * TPID of the first tag when tagged) or an 802.3 length (< 0x0600,
	 * an LLC layer follows). Builder: filled from the next layer unless
	 * NLRS_BUILD_KEEP_NEXT. */
	uint16_t type;
};

struct nlrs_pkt_vlan {
	uint16_t tpid;  /* 0x8100 or 0x88a8 (the type field that announced this tag) */
	uint8_t pcp;    /* priority, 3 bits */
	bool dei;
	uint16_t vid;   /* 12 bits */
	uint16_t type;  /* what follows the tag (EtherType, next TPID, or 802.3 length) */
};

struct nlrs_pkt_llc {
	uint8_t dsap, ssap;
	uint16_t control; /* 1 byte (U frames) or 2 (I/S frames) */
	uint8_t ctl_len;  /* 1 or 2 */
	bool snap;        /* DSAP=SSAP=0xaa, control 0x03: OUI and type follow */
	uint8_t oui[3];
	uint16_t snap_type;
};

struct nlrs_pkt_sll {     /* NLRS_LAYER_SLL and NLRS_LAYER_SLL2 */
	uint16_t pkttype;     /* 0 to us, 1 broadcast, 2 multicast, 3 other host, 4 outgoing */
	uint16_t hatype;      /* ARPHRD_ type */
	uint16_t halen;       /* as found (addr holds the first min(halen, 8) bytes) */
	uint8_t addr[8];
	uint16_t proto;       /* EtherType, or 1 (802.3), 4 (802.2 LLC) ... */
	uint32_t ifindex;     /* SLL2 only */
};

struct nlrs_pkt_null {
	uint32_t family;      /* AF value: 2 IPv4; 10, 24, 28, 30 IPv6 */
	bool swapped;         /* NULL: read in the opposite byte order to the file's */
};

struct nlrs_pkt_slip {
	uint8_t dir;          /* 0 received, 1 sent */
	uint8_t type;         /* 0x40 IP, 0x70 uncompressed TCP, 0x80 compressed TCP */
	const uint8_t *chdr;  /* the 14-byte CSLIP header area */
};

struct nlrs_pkt_arp {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;          /* 1 request, 2 reply, 3/4 RARP, 8/9 InARP */
	/* Addresses, hlen/plen bytes each, in the frame (builder: read from). */
	const uint8_t *sha, *spa, *tha, *tpa;
	uint32_t spa4, tpa4;  /* protocol addresses when ptype 0x0800 and plen 4 */
};

struct nlrs_pkt_ipv4 {
	uint8_t hlen;         /* bytes (IHL * 4) */
	uint8_t tos;
	uint16_t tot_len;
	uint16_t id;
	bool rf, df, mf;      /* reserved (evil) bit, don't fragment, more fragments */
	uint16_t frag_off;    /* bytes (field * 8) */
	uint8_t ttl;
	uint8_t proto;
	uint16_t csum;        /* as found */
	uint32_t src, dst;    /* host order */
	const uint8_t *opts;  /* NULL if none */
	uint8_t optlen;
};

struct nlrs_pkt_ipv6 {
	uint8_t tclass;
	uint32_t flow;        /* 20 bits */
	uint16_t plen;        /* payload length field */
	uint8_t next;
	uint8_t hlim;
	uint8_t src[16], dst[16];
};

/* IPv6 hop-by-hop, destination options, routing and fragment headers. */
struct nlrs_pkt_ipv6ext {
	uint8_t next;
	uint16_t len;         /* header bytes ((hdr ext len + 1) * 8; 8 for fragment) */
	/* hop-by-hop / destination options: the options area (after the
	 * first two bytes); walk it with nlrs_pkt_ip6opt_next. Routing: the
	 * type-specific data after the first four bytes. */
	const uint8_t *data;
	uint16_t dlen;
	uint8_t rt_type, segs_left; /* routing */
	uint16_t frag_off;    /* fragment: bytes */
	bool frag_more;
	uint32_t frag_id;
};

struct nlrs_pkt_ah {
	uint8_t next;
	uint16_t len;         /* bytes ((payload len + 2) * 4) */
	uint32_t spi, seq;
	const uint8_t *icv;
	uint16_t icvlen;
};

struct nlrs_pkt_esp {
	uint32_t spi, seq;
};

struct nlrs_pkt_icmp4 {
	uint8_t type, code;
	uint16_t csum;
	uint32_t rest;        /* the second 32-bit word as found */
	uint16_t id, seq;     /* echo, echo reply, timestamp, info, address mask */
	uint16_t mtu;         /* dest. unreachable, fragmentation needed (RFC 1191) */
	uint8_t pointer;      /* parameter problem */
	uint32_t gateway;     /* redirect */
	uint32_t ts_orig, ts_recv, ts_xmit; /* timestamp request/reply (13, 14) */
	uint32_t mask;        /* address mask reply (18) */
	/* Error types (3, 4, 5, 11, 12): the quoted datagram follows as
	 * layers flagged NLRS_LF_QUOTED (IPv4, then TCP/UDP/ICMP as far as
	 * it was quoted), unless NLRS_PKT_NO_QUOTED. */
};

struct nlrs_pkt_icmp6 {
	uint8_t type, code;
	uint16_t csum;
	uint32_t data;        /* the 32-bit word after the checksum as found */
	uint16_t id, seq;     /* echo */
	uint32_t mtu;         /* packet too big */
	uint32_t pointer;     /* parameter problem */
	/* Neighbor Discovery (133-137): */
	uint8_t target[16];   /* NS, NA, redirect */
	uint8_t nd_dst[16];   /* redirect destination */
	uint8_t ra_hlim;      /* RA: current hop limit */
	uint8_t nd_flags;     /* RA: M O H Prf ...; NA: R S O in the high bits */
	uint16_t ra_lifetime;
	uint32_t ra_reachable, ra_retrans;
	const uint8_t *nd_opts; /* options area (walk: nlrs_pkt_nd_opt_next); NULL if none */
	uint16_t nd_optlen;
	/* MLD (130-132): */
	uint16_t mld_max_delay;
	uint8_t mld_addr[16];
	/* MLDv2 report (143): number of records (data & 0xffff) */
	uint16_t mld2_nrec;
	/* Error types (1-4): the quoted IPv6 datagram follows as layers
	 * flagged NLRS_LF_QUOTED. */
};

/* TCP options, one segment. Absent options are false/0. */
#define NLRS_PKT_TCP_MAX_SACK 4
struct nlrs_pkt_tcp_opts {
	bool has_mss;
	uint16_t mss;
	bool has_wscale;
	uint8_t wscale;       /* as found (may exceed 14) */
	bool sack_ok;
	bool has_ts;
	uint32_t tsval, tsecr;
	uint8_t nsack;
	struct { uint32_t left, right; } sack[NLRS_PKT_TCP_MAX_SACK];
	bool has_md5, has_ao, has_mptcp;
	bool has_fastopen;
	uint8_t fastopen_len; /* cookie bytes; 0 = cookie request */
	const uint8_t *fastopen;
	uint8_t nunknown;     /* options of other kinds (walk with nlrs_pkt_tcp_opt_next) */
};

struct nlrs_pkt_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hlen;         /* bytes (data offset * 4); builder: see NLRS_BUILD_KEEP_HLEN */
	uint16_t flags;       /* NLRS_TCPF_* */
	uint16_t window;      /* unscaled */
	uint16_t csum;
	uint16_t urg;
	const uint8_t *opts;  /* raw options area; NULL if none */
	uint8_t optlen;
	/* Parsed options (decode). Builder: used when optlen is 0 and any
	 * option is set; raw opts/optlen win otherwise. */
	struct nlrs_pkt_tcp_opts o;
};
#define NLRS_TCPF_FIN 0x001
#define NLRS_TCPF_SYN 0x002
#define NLRS_TCPF_RST 0x004
#define NLRS_TCPF_PSH 0x008
#define NLRS_TCPF_ACK 0x010
#define NLRS_TCPF_URG 0x020
#define NLRS_TCPF_ECE 0x040
#define NLRS_TCPF_CWR 0x080
#define NLRS_TCPF_AE 0x100   /* the former NS bit (RFC 3540, AccECN) */

/* tcpdump's flag string ("S.", "P.", "F.", "R", "none" ...; order
 * F S R P . U E W e) into buf of at least 10 bytes. Returns buf. */
char *nlrs_pkt_tcp_flags_str(uint16_t flags, char *buf);

struct nlrs_pkt_udp {
	uint16_t sport, dport;
	uint16_t len;         /* length field (header + payload) */
	uint16_t csum;        /* 0 = none (IPv4) */
};

struct nlrs_pkt_sctp {
	uint16_t sport, dport;
	uint32_t vtag;
	uint32_t csum;        /* CRC32c as found (NLRS_LF_CSUM_* when verified) */
	uint16_t nchunks;     /* complete chunks in the captured bytes */
};

struct nlrs_pkt_dns {
	uint16_t id;
	uint16_t flags;       /* the raw flags word */
	bool qr, aa, tc, rd, ra, ad, cd;
	uint8_t opcode, rcode;
	uint16_t qdcount, ancount, nscount, arcount;
	bool over_tcp;        /* the message had a 2-byte length prefix */
	uint16_t tcp_len;     /* that prefix */
	const uint8_t *msg;   /* the DNS message (after any prefix) */
	uint32_t msglen;      /* captured bytes of it */
	/* first question, when it reads (qname_off 0 if none) */
	uint16_t qtype, qclass;
	uint16_t qname_off;   /* offset of the name in msg */
};

struct nlrs_pkt_dhcp {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr; /* host order */
	uint8_t chaddr[16];
	const uint8_t *sname; /* 64 bytes, in the frame */
	const uint8_t *file;  /* 128 bytes, in the frame */
	bool has_cookie;      /* magic cookie 99.130.83.99 (RFC 2131 3) */
	uint8_t msg_type;     /* option 53, 0 if absent (plain BOOTP) */
	const uint8_t *opts;  /* options after the cookie; NULL if none */
	uint16_t optlen;
	uint8_t overload;     /* option 52: 1 file, 2 sname, 3 both hold options */
};

struct nlrs_pkt_tftp {
	uint16_t opcode;      /* 1 RRQ 2 WRQ 3 DATA 4 ACK 5 ERROR 6 OACK */
	const uint8_t *file;  /* RRQ/WRQ */
	uint16_t file_len;
	const uint8_t *mode;
	uint16_t mode_len;
	const uint8_t *opts;  /* RRQ/WRQ/OACK option pairs (walk: nlrs_pkt_tftp_opt_next) */
	uint16_t optlen;
	uint16_t block;       /* DATA, ACK */
	uint16_t err_code;    /* ERROR */
	const uint8_t *msg;   /* ERROR text */
	uint16_t msg_len;
	uint32_t data_len;    /* DATA: bytes of data captured */
};

struct nlrs_pkt_http {
	bool request;         /* request line; else status line */
	const uint8_t *method;
	uint16_t method_len;
	const uint8_t *target;
	uint16_t target_len;
	uint8_t ver_major, ver_minor;
	uint16_t status;      /* response */
	const uint8_t *reason;
	uint16_t reason_len;
	const uint8_t *headers; /* the header lines after the first line */
	uint32_t headers_len;   /* up to and excluding the blank line (or what was captured) */
	uint16_t nheaders;
	bool complete;        /* the blank line ending the header block was seen */
	int64_t content_length; /* -1 if absent or unreadable */
	uint32_t body_off;    /* offset of the body from the layer start when complete */
};

struct nlrs_pkt_tls {
	uint8_t content_type; /* of the first record: 20 CCS 21 alert 22 handshake 23 data */
	uint16_t version;     /* record version */
	uint16_t length;      /* record length field */
	uint16_t nrecords;    /* complete records in the captured payload */
	bool has_hs;          /* first record is a handshake and its header was read */
	uint8_t hs_type;      /* 1 ClientHello, 2 ServerHello, 11 Certificate ... */
	uint32_t hs_len;
	uint16_t hello_version; /* ClientHello/ServerHello legacy_version */
	uint16_t ncipher_suites; /* ClientHello */
	uint16_t cipher_suite;   /* ServerHello */
	const uint8_t *sni;   /* ClientHello server_name (host_name), NULL if none */
	uint16_t sni_len;
	const uint8_t *alpn;  /* ClientHello ALPN protocol_name_list (raw), NULL if none */
	uint16_t alpn_len;
	uint16_t supported_version; /* highest from supported_versions, 0 if none */
};

struct nlrs_pkt_telnet {
	uint16_t ncmds;       /* IAC sequences (walk: nlrs_pkt_telnet_next) */
	uint32_t data_bytes;  /* bytes that are not commands */
};

struct nlrs_pkt_ssh {
	const uint8_t *proto; /* "2.0" of "SSH-2.0-OpenSSH_9.2p1 Debian" */
	uint16_t proto_len;
	const uint8_t *software;
	uint16_t software_len;
	const uint8_t *comments; /* NULL if none */
	uint16_t comments_len;
};

/* One decoded layer. off/hlen/... describe where it sits in the frame;
 * u holds the fields of its type (all zero when NLRS_LF_NOFIELDS). */
struct nlrs_pkt_layer {
	uint16_t type;        /* enum nlrs_layer_type or a registered type */
	uint16_t flags;       /* NLRS_LF_* */
	int16_t err;          /* enum nlrs_pkt_err, 0 if none */
	uint8_t cls;          /* enum nlrs_layer_class */
	uint8_t depth;        /* 0, or 1 + the depth of the ICMP error that quotes it */
	uint32_t off;         /* offset of the header in the frame */
	uint32_t hlen;        /* header bytes that were captured (<= claimed) */
	const uint8_t *hdr;   /* data + off */
	const uint8_t *payload; /* hdr + hlen */
	uint32_t plen;        /* payload bytes captured (after trimming padding) */
	uint32_t wire_plen;   /* payload bytes the header claims */
	union {
		struct nlrs_pkt_eth eth;
		struct nlrs_pkt_vlan vlan;
		struct nlrs_pkt_llc llc;
		struct nlrs_pkt_sll sll;
		struct nlrs_pkt_null null;
		struct nlrs_pkt_slip slip;
		struct nlrs_pkt_arp arp;
		struct nlrs_pkt_ipv4 ipv4;
		struct nlrs_pkt_ipv6 ipv6;
		struct nlrs_pkt_ipv6ext ipv6ext;
		struct nlrs_pkt_ah ah;
		struct nlrs_pkt_esp esp;
		struct nlrs_pkt_icmp4 icmp4;
		struct nlrs_pkt_icmp6 icmp6;
		struct nlrs_pkt_tcp tcp;
		struct nlrs_pkt_udp udp;
		struct nlrs_pkt_sctp sctp;
		struct nlrs_pkt_dns dns;
		struct nlrs_pkt_dhcp dhcp;
		struct nlrs_pkt_tftp tftp;
		struct nlrs_pkt_http http;
		struct nlrs_pkt_tls tls;
		struct nlrs_pkt_telnet telnet;
		struct nlrs_pkt_ssh ssh;
		/* registered decoders: their own fields, up to 128 bytes;
		 * copy a struct in and out with memcpy (reading it through
		 * a cast pointer breaks C's aliasing rules) */
		uint8_t user[128];
	} u;
};

#define NLRS_PKT_MAX_LAYERS 24

/* Packet flags: the OR of every layer's flags (NLRS_LF_*), plus: */
#define NLRS_PF_DEPTH 0x8000  /* decoding stopped at NLRS_PKT_MAX_LAYERS */

struct nlrs_pkt {
	const uint8_t *data;  /* the frame as given */
	uint32_t caplen;      /* bytes captured (readable) */
	uint32_t wirelen;     /* bytes the frame had on the wire (>= caplen) */
	uint32_t linktype;
	uint16_t flags;
	uint8_t nlayers;
	/* Index in layers[] of the first layer of each class outside any
	 * quote, or -1: */
	int8_t link, net, transport, app;
	struct nlrs_pkt_layer layers[NLRS_PKT_MAX_LAYERS];
};

struct nlrs_pkt_registry;

/* Decode options (NULL: all defaults, 0). */
#define NLRS_PKT_VERIFY_CSUM 0x01 /* verify IPv4, ICMP, TCP, UDP, SCTP checksums
				   * of layers captured whole (NLRS_LF_CSUM_*) */
#define NLRS_PKT_NO_APP 0x02      /* stop at the transport layer's payload */
#define NLRS_PKT_NO_QUOTED 0x04   /* do not decode ICMP errors' quoted datagrams */
#define NLRS_PKT_NO_HEURISTIC 0x08 /* application by port only */
struct nlrs_pkt_opts {
	unsigned flags;
	const struct nlrs_pkt_registry *reg; /* custom decoders, or NULL */
};

/*
 * Decode data[0..caplen) captured from a link of type `linktype`, which
 * was wirelen bytes long on the wire (pass caplen when not known; a
 * wirelen below caplen is taken as caplen). Fills *pkt (the previous
 * content is overwritten; nothing else is read from it).
 *
 * Never fails on the frame's content: what cannot be read is flagged in
 * the layers (a frame of an unknown link type is one PAYLOAD layer).
 * Returns the number of layers (>= 0), or -NLRS_EINVAL if pkt is NULL or
 * data is NULL with caplen > 0.
 *
 * Application layers are recognised by well-known port (DNS 53 and 5353,
 * DHCP 67/68, TFTP 69, HTTP 80/8080/8000, TLS 443/465/993/995/853/8443,
 * Telnet 23, SSH 22; either port), and, unless NLRS_PKT_NO_HEURISTIC, by
 * content on other TCP ports: an HTTP method or "HTTP/1." status line, a
 * TLS record header (type 20-23, version 3.x, sane length), "SSH-".
 */
int nlrs_pkt_decode(struct nlrs_pkt *pkt, uint32_t linktype, const uint8_t *data, size_t caplen,
		    size_t wirelen, const struct nlrs_pkt_opts *opts);

/* The first layer of `type` (quoted layers included, outermost first),
 * or NULL. */
const struct nlrs_pkt_layer *nlrs_pkt_find(const struct nlrs_pkt *pkt, uint16_t type);
/* The next layer of `type` after `prev` (NULL: from the start). */
const struct nlrs_pkt_layer *nlrs_pkt_find_next(const struct nlrs_pkt *pkt,
						const struct nlrs_pkt_layer *prev, uint16_t type);
/* The first link / network / transport / application layer outside any
 * ICMP quote, or NULL. For tunnels (IP in IP) this is the outer one. */
const struct nlrs_pkt_layer *nlrs_pkt_link(const struct nlrs_pkt *pkt);
const struct nlrs_pkt_layer *nlrs_pkt_network(const struct nlrs_pkt *pkt);
const struct nlrs_pkt_layer *nlrs_pkt_transport(const struct nlrs_pkt *pkt);
const struct nlrs_pkt_layer *nlrs_pkt_application(const struct nlrs_pkt *pkt);
/* Iterate: for (l = nlrs_pkt_first(p); l; l = nlrs_pkt_next(p, l)) */
static inline const struct nlrs_pkt_layer *nlrs_pkt_first(const struct nlrs_pkt *pkt)
{
	return pkt->nlayers ? &pkt->layers[0] : (const struct nlrs_pkt_layer *)0;
}
static inline const struct nlrs_pkt_layer *nlrs_pkt_next(const struct nlrs_pkt *pkt,
							 const struct nlrs_pkt_layer *l)
{
	return l + 1 < &pkt->layers[pkt->nlayers] ? l + 1 : (const struct nlrs_pkt_layer *)0;
}

/* ---- walking variable parts (all read only inside the layer) ----
 * Every *_next takes a cursor `*pos` (start at 0) and returns 1 with *out
 * filled and *pos advanced, 0 at the end, or a negative enum nlrs_pkt_err
 * when the next element lies (the walk then stays at the end). */

/* A generic type-length-value option. */
struct nlrs_pkt_opt {
	uint8_t kind;
	uint16_t len;         /* whole option incl. kind and length bytes (1 for one-byte kinds) */
	const uint8_t *data;  /* value bytes; NULL if none */
	uint16_t dlen;
};
/* TCP options area of a TCP layer, every option in order (EOL ends). */
int nlrs_pkt_tcp_opt_next(const struct nlrs_pkt_layer *tcp, size_t *pos, struct nlrs_pkt_opt *out);
/* IPv4 options of an IPv4 layer (EOL ends; NOP reported with len 1). */
int nlrs_pkt_ip4opt_next(const struct nlrs_pkt_layer *ip, size_t *pos, struct nlrs_pkt_opt *out);
/* Options of an IPv6 hop-by-hop or destination options layer (Pad1 and
 * PadN included). */
int nlrs_pkt_ip6opt_next(const struct nlrs_pkt_layer *ext, size_t *pos, struct nlrs_pkt_opt *out);

/* ICMPv6 ND options of an ICMP6 layer. */
struct nlrs_pkt_nd_opt {
	uint8_t type;
	uint16_t len;         /* bytes (length octet * 8) */
	const uint8_t *data;  /* the whole option */
	/* decoded for the types this library knows (else zero): */
	uint8_t lladdr[6];    /* 1, 2: Ethernet link-layer address (len 8) */
	bool has_lladdr;
	uint32_t mtu;         /* 5 */
	uint8_t prefix_len;   /* 3 prefix information, 24 route information */
	uint8_t prefix[16];
	uint8_t prefix_flags; /* L A (3); Prf << 3 (24) */
	uint32_t valid, preferred; /* 3: lifetimes; 24: route lifetime in valid */
};
int nlrs_pkt_nd_opt_next(const struct nlrs_pkt_layer *icmp6, size_t *pos,
			 struct nlrs_pkt_nd_opt *out);

/* SCTP chunks of an SCTP layer. */
struct nlrs_pkt_sctp_chunk {
	uint8_t type;         /* 0 DATA 1 INIT 2 INIT ACK 3 SACK 4 HEARTBEAT ... */
	uint8_t flags;
	uint16_t len;         /* length field (without padding) */
	const uint8_t *value; /* after the 4-byte chunk header */
	uint16_t vlen;        /* captured value bytes */
	/* DATA (0) */
	uint32_t tsn;
	uint16_t stream, ssn;
	uint32_t ppid;
	/* INIT / INIT ACK (1, 2) */
	uint32_t init_tag, a_rwnd;
	uint16_t n_out, n_in;
	uint32_t init_tsn;
	/* SACK (3): a_rwnd above, and */
	uint32_t cum_tsn;
	uint16_t ngaps, ndups;
};
int nlrs_pkt_sctp_chunk_next(const struct nlrs_pkt_layer *sctp, size_t *pos,
			     struct nlrs_pkt_sctp_chunk *out);

/* DNS resource records of a DNS layer: the question section first, then
 * answer, authority, additional. A record that lies ends the walk with a
 * negative error; so does a name longer than 255 bytes, more than 128
 * labels, or a compression pointer that does not point strictly
 * backwards (which rules out loops). */
enum nlrs_dns_section { NLRS_DNS_QD, NLRS_DNS_AN, NLRS_DNS_NS, NLRS_DNS_AR };
struct nlrs_pkt_dns_rr {
	uint8_t section;      /* enum nlrs_dns_section */
	uint16_t name_off;    /* offset of the owner name in the message */
	uint16_t type, class_; /* class_: the raw field (mDNS top bit included) */
	uint32_t ttl;         /* 0 for questions */
	uint16_t rdlen;
	const uint8_t *rdata; /* NULL for questions */
	uint16_t rdata_off;   /* offset of rdata in the message */
};
int nlrs_pkt_dns_rr_next(const struct nlrs_pkt_layer *dns, size_t *pos, struct nlrs_pkt_dns_rr *out);
/* The name at msg offset `off` as dotted text ("www.example.com", "." for
 * the root); printable ASCII is kept except '.' and '\' inside a label
 * (written "\." and "\\"), other octets are written \DDD. Writes at
 * most outlen bytes including the NUL (a name that does not fit is cut).
 * Returns the length of the whole text (as snprintf), or a negative
 * enum nlrs_pkt_err: NLRS_PKT_ERR_LOOP (a pointer not strictly backwards,
 * more than 128 labels or 255 bytes), NLRS_PKT_ERR_SHORT (the name runs
 * past the message), NLRS_PKT_ERR_BAD_FORMAT (label types 01/10). */
int nlrs_pkt_dns_name(const struct nlrs_pkt_layer *dns, size_t off, char *out, size_t outlen);

/* DHCP options of a DHCP layer (pad skipped, end stops); when option 52
 * says so, the file and then sname fields are walked too (RFC 2131 4.1). */
int nlrs_pkt_dhcp_opt_next(const struct nlrs_pkt_layer *dhcp, size_t *pos, struct nlrs_pkt_opt *out);
/* The first option `code`, 1 found / 0 not / negative error. */
int nlrs_pkt_dhcp_opt_find(const struct nlrs_pkt_layer *dhcp, uint8_t code, struct nlrs_pkt_opt *out);

/* TFTP option pairs (RFC 2347) of an RRQ/WRQ/OACK layer. */
struct nlrs_pkt_text_pair {
	const uint8_t *name;
	uint16_t name_len;
	const uint8_t *value;
	uint16_t value_len;
};
int nlrs_pkt_tftp_opt_next(const struct nlrs_pkt_layer *tftp, size_t *pos,
			   struct nlrs_pkt_text_pair *out);

/* HTTP header fields of an HTTP layer (name without the colon, value
 * without surrounding whitespace). */
int nlrs_pkt_http_header_next(const struct nlrs_pkt_layer *http, size_t *pos,
			      struct nlrs_pkt_text_pair *out);
/* First header named `name` (case-insensitive): 1 found, 0 not. */
int nlrs_pkt_http_header_find(const struct nlrs_pkt_layer *http, const char *name,
			      struct nlrs_pkt_text_pair *out);

/* TLS records of a TLS layer's captured payload. */
struct nlrs_pkt_tls_record {
	uint8_t content_type;
	uint16_t version;
	uint16_t length;
	const uint8_t *frag;  /* record body; captured bytes flen (< length if cut) */
	uint16_t flen;
	bool has_hs;          /* handshake record: first handshake header */
	uint8_t hs_type;
	uint32_t hs_len;
};
int nlrs_pkt_tls_record_next(const struct nlrs_pkt_layer *tls, size_t *pos,
			     struct nlrs_pkt_tls_record *out);

/* Telnet commands of a TELNET layer (RFC 854, RFC 855). */
struct nlrs_pkt_telnet_cmd {
	uint8_t cmd;          /* 240 SE ... 250 SB 251 WILL 252 WONT 253 DO 254 DONT */
	uint8_t opt;          /* WILL/WONT/DO/DONT/SB option code */
	const uint8_t *sb;    /* SB: the bytes up to IAC SE (IAC IAC undoubled: no) */
	uint16_t sb_len;
	uint32_t off;         /* offset of the IAC in the layer */
};
int nlrs_pkt_telnet_next(const struct nlrs_pkt_layer *telnet, size_t *pos,
			 struct nlrs_pkt_telnet_cmd *out);

/* ------------------------------------------------------------------ */
/* Fast path                                                            */
/* ------------------------------------------------------------------ */
/* The fixed-layout decode of the common stacks: Ethernet (up to two VLAN
 * tags) or raw IP, then IPv4 (options allowed, not a fragment) or IPv6
 * (no extension headers), then TCP or UDP, from whole frames (the IP
 * length must fit in len: a frame cut by a snap length is refused and
 * goes to nlrs_pkt_decode). No allocation, no layer array, no checksum
 * verification; frames up to 65535 bytes. */
struct nlrs_pkt_fast {
	uint16_t ethertype;   /* after the tags (0 for raw IP) */
	uint8_t nvlan;
	uint16_t vlan_tci[2]; /* outermost first */
	uint8_t ipver;        /* 4 or 6 */
	uint8_t proto;        /* NLRS_IPPROTO_TCP or NLRS_IPPROTO_UDP */
	uint8_t ttl;          /* TTL or hop limit */
	uint8_t tos;          /* TOS or traffic class */
	uint16_t l3off, l4off; /* offsets of the IP and transport headers */
	uint16_t ip_len;      /* IPv4 total length / IPv6 40 + payload length */
	uint32_t src4, dst4;  /* IPv4, host order */
	const uint8_t *src6, *dst6; /* IPv6, into the frame */
	uint16_t sport, dport;
	uint32_t seq, ack;    /* TCP */
	uint16_t tcp_flags, window;
	uint8_t l4hlen;       /* TCP data offset bytes, 8 for UDP */
	uint16_t payload_off; /* transport payload */
	uint16_t payload_len; /* transport payload bytes (by the IP / UDP length) */
};
/* Decode an Ethernet frame (nlrs_pkt_fast_decode) or a raw IP packet
 * (nlrs_pkt_fast_decode_ip). Returns 0 when *f is filled, or
 *   -NLRS_EPROTONOSUPPORT  not one of the fast-path stacks (ARP, ICMP,
 *                          IPv6 extension headers, fragments, 802.3 ...):
 *                          use nlrs_pkt_decode;
 *   -NLRS_EINVAL           a header of the stack is truncated or lies.
 * *f is unspecified on error. Reads only frame[0..len). */
int nlrs_pkt_fast_decode(const uint8_t *frame, size_t len, struct nlrs_pkt_fast *f);
int nlrs_pkt_fast_decode_ip(const uint8_t *pkt, size_t len, struct nlrs_pkt_fast *f);
/* A burst of Ethernet frames: out[i] and rc[i] (rc may be NULL) as
 * nlrs_pkt_fast_decode gives them for frames[i], lens[i]. The frames'
 * first cache lines are prefetched a few frames ahead, which is what
 * keeps the rate up when the frames are not in cache (a capture ring, a
 * file mapped in memory). Returns how many were decoded (rc 0). */
unsigned nlrs_pkt_fast_decode_burst(const uint8_t *const *frames, const uint32_t *lens, unsigned n,
				    struct nlrs_pkt_fast *out, int *rc);

/* ------------------------------------------------------------------ */
/* Endpoints and flows                                                  */
/* ------------------------------------------------------------------ */
/* (struct nlrs_endpoint is the socket API's address + port, nlrs/socket.h;
 * these are the packet library's.)
 * Plain values: compare with nlrs_*_cmp/equal, hash with nlrs_*_hash;
 * unused bytes are always zero, so memcmp and copying by value work too.
 * Usable as hash-map keys. */
enum nlrs_pkt_endpoint_type {
	NLRS_EP_NONE = 0,
	NLRS_EP_MAC,          /* 6 bytes */
	NLRS_EP_IPV4,         /* 4 bytes, network order */
	NLRS_EP_IPV6,         /* 16 bytes */
	NLRS_EP_TCP,          /* 2-byte port, network order */
	NLRS_EP_UDP,
	NLRS_EP_SCTP,
};
struct nlrs_pkt_endpoint {
	uint8_t type;         /* enum nlrs_pkt_endpoint_type */
	uint8_t len;
	uint8_t addr[16];
};
struct nlrs_flow {
	uint8_t type;         /* of both endpoints */
	uint8_t len;
	uint8_t src[16];
	uint8_t dst[16];
};

void nlrs_pkt_endpoint_ipv4(struct nlrs_pkt_endpoint *e, uint32_t addr_host_order);
void nlrs_pkt_endpoint_ipv6(struct nlrs_pkt_endpoint *e, const uint8_t addr[16]);
void nlrs_pkt_endpoint_mac(struct nlrs_pkt_endpoint *e, const uint8_t mac[6]);
void nlrs_pkt_endpoint_port(struct nlrs_pkt_endpoint *e, enum nlrs_pkt_endpoint_type type, uint16_t port);
/* Flow from two endpoints of the same type: 0, or -NLRS_EINVAL. */
int nlrs_flow_make(struct nlrs_flow *f, const struct nlrs_pkt_endpoint *src,
		   const struct nlrs_pkt_endpoint *dst);
void nlrs_flow_src(const struct nlrs_flow *f, struct nlrs_pkt_endpoint *e);
void nlrs_flow_dst(const struct nlrs_flow *f, struct nlrs_pkt_endpoint *e);
void nlrs_flow_reverse(const struct nlrs_flow *f, struct nlrs_flow *out); /* may alias */

/* Total orders (type, then bytes); 0 when equal. */
int nlrs_pkt_endpoint_cmp(const struct nlrs_pkt_endpoint *a, const struct nlrs_pkt_endpoint *b);
int nlrs_flow_cmp(const struct nlrs_flow *a, const struct nlrs_flow *b);
bool nlrs_flow_equal(const struct nlrs_flow *a, const struct nlrs_flow *b);
uint64_t nlrs_pkt_endpoint_hash(const struct nlrs_pkt_endpoint *e);
/* Directional hash: A->B and B->A differ (in general). */
uint64_t nlrs_flow_hash(const struct nlrs_flow *f);
/* Symmetric hash: nlrs_flow_hash_sym(A->B) == nlrs_flow_hash_sym(B->A). */
uint64_t nlrs_flow_hash_sym(const struct nlrs_flow *f);

/* The link (MAC), network (IPv4/IPv6) and transport (TCP/UDP/SCTP port)
 * flows of a decoded packet, outside any quote: 0, or -NLRS_ENOENT when
 * the packet has no such layer (or its fields were not read). */
int nlrs_pkt_link_flow(const struct nlrs_pkt *pkt, struct nlrs_flow *f);
int nlrs_pkt_net_flow(const struct nlrs_pkt *pkt, struct nlrs_flow *f);
int nlrs_pkt_transport_flow(const struct nlrs_pkt *pkt, struct nlrs_flow *f);
/* Flows of a fast-path result. */
void nlrs_pkt_fast_net_flow(const struct nlrs_pkt_fast *fp, struct nlrs_flow *f);
void nlrs_pkt_fast_transport_flow(const struct nlrs_pkt_fast *fp, struct nlrs_flow *f);

/* A connection key: network flow + transport flow, the key of the
 * reassembler. Same conventions as struct nlrs_flow. */
struct nlrs_flow_key {
	struct nlrs_flow net;
	struct nlrs_flow tp;
};
int nlrs_pkt_flow_key(const struct nlrs_pkt *pkt, struct nlrs_flow_key *k); /* 0 / -NLRS_ENOENT */
void nlrs_flow_key_reverse(const struct nlrs_flow_key *k, struct nlrs_flow_key *out);
bool nlrs_flow_key_equal(const struct nlrs_flow_key *a, const struct nlrs_flow_key *b);
uint64_t nlrs_flow_key_hash_sym(const struct nlrs_flow_key *k);

/* Text forms: "192.0.2.1", "2001:db8::1" (RFC 5952), "02:00:00:00:00:01",
 * a port as decimal; a flow as "src>dst". Write at most outlen bytes
 * including the NUL; return the length the text has (as snprintf). */
#define NLRS_ADDRSTRLEN 46
int nlrs_ip4_str(uint32_t addr_host_order, char *out, size_t outlen);
int nlrs_ip6_str(const uint8_t addr[16], char *out, size_t outlen);
int nlrs_mac_str(const uint8_t mac[6], char *out, size_t outlen);
int nlrs_pkt_endpoint_str(const struct nlrs_pkt_endpoint *e, char *out, size_t outlen);
int nlrs_flow_str(const struct nlrs_flow *f, char *out, size_t outlen);

/* ------------------------------------------------------------------ */
/* Custom decoders                                                      */
/* ------------------------------------------------------------------ */
/* What a decoder says comes after its header. */
enum nlrs_pkt_next_kind {
	NLRS_NEXT_NONE = 0,   /* the rest is this layer's (or a PAYLOAD layer: see below) */
	NLRS_NEXT_PAYLOAD,    /* the rest is an undecoded PAYLOAD layer */
	NLRS_NEXT_ETHERTYPE,  /* value: an EtherType */
	NLRS_NEXT_IPPROTO,    /* value: an IP protocol number */
	NLRS_NEXT_LINKTYPE,   /* value: a link type (e.g. Ethernet inside a tunnel) */
	NLRS_NEXT_LAYER,      /* value: a layer type to decode next (built-in or registered) */
};

/* Handed to a decoder: the layer to fill (type, cls, off, hdr already set;
 * u zeroed) and the bytes from its start. It sets l->hlen (bytes of
 * header, <= len), may set l->flags/err and l->u.user, and sets *next /
 * *next_value. Return 0 on success, or a negative enum nlrs_pkt_err to
 * mark the layer malformed and stop decoding. It must read only
 * p[0..len). wire_len is the length the outer layers claim (>= len when
 * the capture was cut). */
struct nlrs_pkt_decoder {
	const char *name;     /* short name, e.g. "vxlan" */
	uint16_t layer_type;  /* >= NLRS_LAYER_USER */
	uint8_t cls;          /* enum nlrs_layer_class of the layers it makes */
	int (*decode)(void *ctx, struct nlrs_pkt_layer *l, const uint8_t *p, size_t len,
		      size_t wire_len, enum nlrs_pkt_next_kind *next, uint32_t *next_value);
	/* Heuristic registrations only: cheap test of the first bytes of a
	 * transport payload; true to claim it. */
	bool (*probe)(void *ctx, const uint8_t *p, size_t len);
	void *ctx;
};

enum nlrs_pkt_hook {
	NLRS_HOOK_ETHERTYPE,  /* key: EtherType (also SLL protocol, SNAP type) */
	NLRS_HOOK_IPPROTO,    /* key: IPv4 protocol / IPv6 final next header */
	NLRS_HOOK_UDP_PORT,   /* key: port; matched against destination, then source */
	NLRS_HOOK_TCP_PORT,
	NLRS_HOOK_SCTP_PORT,
	NLRS_HOOK_HEURISTIC,  /* key ignored; probed on TCP/UDP/SCTP payloads */
	NLRS_HOOK_LAYER,      /* key: the layer type (for NLRS_NEXT_LAYER) */
};

#define NLRS_PKT_REGISTRY_MAX 64
struct nlrs_pkt_registry_entry {
	uint8_t hook;
	uint32_t key;
	const struct nlrs_pkt_decoder *dec;
};
/* A set of custom decoders, caller-owned (static, stack or heap); no
 * allocation. Fields are private. */
struct nlrs_pkt_registry {
	unsigned n;
	struct nlrs_pkt_registry_entry e[NLRS_PKT_REGISTRY_MAX];
};
void nlrs_pkt_registry_init(struct nlrs_pkt_registry *reg);
/* Register `dec` (which must outlive the registry's use) for hook/key.
 * A later registration for the same hook/key replaces the earlier one.
 * Returns 0, -NLRS_EINVAL (bad hook, layer_type below NLRS_LAYER_USER,
 * no decode function, heuristic without probe) or -NLRS_ENOSPC. */
int nlrs_pkt_register(struct nlrs_pkt_registry *reg, enum nlrs_pkt_hook hook, uint32_t key,
		      const struct nlrs_pkt_decoder *dec);
/* Remove a registration (for NLRS_HOOK_HEURISTIC, key is ignored and
 * the earliest heuristic goes): 0, or -NLRS_ENOENT. */
int nlrs_pkt_unregister(struct nlrs_pkt_registry *reg, enum nlrs_pkt_hook hook, uint32_t key);
/* Name of a layer type, looking registered ones up in reg (may be NULL). */
const char *nlrs_pkt_layer_name_reg(const struct nlrs_pkt_registry *reg, uint16_t type);
/*
 * Precedence: a decoder registered for an EtherType or IP protocol
 * replaces the built-in one. On a transport payload: registered port
 * decoders (destination port, then source port), then the built-in
 * application for the port, then registered heuristics in registration
 * order, then the built-in heuristics.
 */

/* ------------------------------------------------------------------ */
/* Builder                                                              */
/* ------------------------------------------------------------------ */
/*
 * Build a frame layer by layer, outermost first, into a caller buffer:
 *
 *   struct nlrs_pkt_builder b;
 *   nlrs_pkt_build_init(&b, buf, sizeof buf);
 *   nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ .dst = ..., .src = ... }, 0);
 *   nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .src = ..., .dst = ... }, 0);
 *   nlrs_pkt_build_udp(&b, &(struct nlrs_pkt_udp){ .sport = 1234, .dport = 53 }, 0);
 *   nlrs_pkt_build_payload(&b, dns_msg, dns_len);
 *   int len = nlrs_pkt_build_finish(&b);     // frame is buf[0..len)
 *
 * Every field of the given struct is written as given, except those the
 * builder computes in nlrs_pkt_build_finish, innermost layer first:
 *   lengths    IPv4 tot_len, IPv6 plen, UDP len, IPv6 extension/AH
 *              length fields from their data;
 *   headers    IPv4 IHL (20 + optlen), TCP data offset (20 + optlen);
 *   next type  Ethernet/VLAN/SLL type, IPv4 proto, IPv6 and extension
 *              next header, from the layer built after them (left as
 *              given when raw payload follows);
 *   checksums  IPv4 header, ICMPv4, ICMPv6, TCP and UDP (pseudo-header of
 *              the nearest IP layer outside), SCTP CRC32c.
 * The `keep` argument of each call names what to keep as given instead:
 */
#define NLRS_BUILD_KEEP_LEN 0x01  /* length fields (e.g. a lying tot_len) */
#define NLRS_BUILD_KEEP_CSUM 0x02 /* the checksum field (e.g. a wrong one) */
#define NLRS_BUILD_KEEP_NEXT 0x04 /* the next-protocol field */
#define NLRS_BUILD_KEEP_HLEN 0x08 /* IPv4 hlen / TCP hlen as given (may disagree with optlen) */
#define NLRS_BUILD_KEEP_ALL 0x0f

struct nlrs_pkt_builder {
	/* private */
	uint8_t *buf;
	size_t cap, len;
	int err;              /* first error; every later call returns it */
	uint8_t n;
	struct {
		uint16_t type;
		uint8_t keep;
		uint16_t aux;     /* VLAN: the TPID the outer header must carry */
		uint32_t off, hlen;
	} l[NLRS_PKT_MAX_LAYERS];
};

void nlrs_pkt_build_init(struct nlrs_pkt_builder *b, void *buf, size_t cap);
/* Each appends one header and returns 0, or -NLRS_ENOSPC (buffer full),
 * -NLRS_EINVAL (a field that cannot be written: a VID over 4095, options
 * not a multiple of 4 or over 40 bytes, a layer that needs an outer one
 * missing, ...), or -NLRS_EMSGSIZE (more than NLRS_PKT_MAX_LAYERS
 * layers). An error sticks: later calls and finish return it. */
int nlrs_pkt_build_eth(struct nlrs_pkt_builder *b, const struct nlrs_pkt_eth *e, unsigned keep);
int nlrs_pkt_build_vlan(struct nlrs_pkt_builder *b, const struct nlrs_pkt_vlan *v, unsigned keep);
int nlrs_pkt_build_llc(struct nlrs_pkt_builder *b, const struct nlrs_pkt_llc *c, unsigned keep);
/* Linux cooked v1 (version 1) or v2 (version 2). */
int nlrs_pkt_build_sll(struct nlrs_pkt_builder *b, int version, const struct nlrs_pkt_sll *s,
		       unsigned keep);
/* 4-byte family header: network order for NLRS_LINKTYPE_LOOP, little
 * endian (the common capturing host) for NLRS_LINKTYPE_NULL unless swapped. */
int nlrs_pkt_build_null(struct nlrs_pkt_builder *b, uint32_t linktype,
			const struct nlrs_pkt_null *n, unsigned keep);
int nlrs_pkt_build_arp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_arp *a);
int nlrs_pkt_build_ipv4(struct nlrs_pkt_builder *b, const struct nlrs_pkt_ipv4 *ip, unsigned keep);
int nlrs_pkt_build_ipv6(struct nlrs_pkt_builder *b, const struct nlrs_pkt_ipv6 *ip, unsigned keep);
/* type: NLRS_LAYER_IPV6_HOPOPTS/DSTOPTS (x->data = the options area,
 * padded to a multiple of 8 with PadN unless KEEP_LEN), ROUTING (rt_type,
 * segs_left, data), FRAGMENT (frag_off, frag_more, frag_id). */
int nlrs_pkt_build_ipv6ext(struct nlrs_pkt_builder *b, uint16_t type,
			   const struct nlrs_pkt_ipv6ext *x, unsigned keep);
int nlrs_pkt_build_icmp4(struct nlrs_pkt_builder *b, const struct nlrs_pkt_icmp4 *ic, unsigned keep);
/* ICMPv6: the 8-byte header (type, code, csum, data); ND/MLD bodies and
 * options go in with nlrs_pkt_build_payload. */
int nlrs_pkt_build_icmp6(struct nlrs_pkt_builder *b, const struct nlrs_pkt_icmp6 *ic, unsigned keep);
int nlrs_pkt_build_tcp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_tcp *t, unsigned keep);
int nlrs_pkt_build_udp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_udp *u, unsigned keep);
int nlrs_pkt_build_sctp(struct nlrs_pkt_builder *b, const struct nlrs_pkt_sctp *s, unsigned keep);
/* One SCTP chunk after nlrs_pkt_build_sctp: header (type, flags, length =
 * 4 + vlen unless KEEP_LEN, then c->len) and value, padded to 4 bytes. */
int nlrs_pkt_build_sctp_chunk(struct nlrs_pkt_builder *b, const struct nlrs_pkt_sctp_chunk *c,
			      unsigned keep);
/* Raw bytes (application data, ND bodies, anything). */
int nlrs_pkt_build_payload(struct nlrs_pkt_builder *b, const void *p, size_t len);
/* Compute what was not kept (see above). Returns the frame length, or the
 * first error. The frame is b's buffer [0..len). */
int nlrs_pkt_build_finish(struct nlrs_pkt_builder *b);

#ifdef __cplusplus
}
#endif
#endif
