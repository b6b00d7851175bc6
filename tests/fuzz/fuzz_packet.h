/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared checks of the packet library harnesses (fuzz_packet_*.c): a
 * decode on an exact-size heap copy keeps every layer inside the data, in
 * order, with the packet's flags the union of its layers'; every walk of
 * every layer ends and hands back only bytes inside the layer. */
#ifndef NLRS_FUZZ_PACKET_H
#define NLRS_FUZZ_PACKET_H

#include "fuzz.h"
#include "nlrs/packet.h"

static inline void fp_in(const struct nlrs_pkt_layer *l, const uint8_t *p, size_t n)
{
	if (n)
		FUZZ_CHECK(p >= l->hdr && p + n <= l->payload + l->plen);
}

static inline void fp_check(const struct nlrs_pkt *pkt)
{
	uint16_t flags = 0;
	uint32_t prev = 0;

	FUZZ_CHECK(pkt->nlayers <= NLRS_PKT_MAX_LAYERS);
	for (unsigned i = 0; i < pkt->nlayers; i++) {
		const struct nlrs_pkt_layer *l = &pkt->layers[i];

		FUZZ_CHECK(l->hdr == pkt->data + l->off && l->off <= pkt->caplen);
		FUZZ_CHECK(l->hlen <= pkt->caplen - l->off);
		FUZZ_CHECK(l->payload == l->hdr + l->hlen);
		FUZZ_CHECK(l->plen <= pkt->caplen - l->off - l->hlen);
		FUZZ_CHECK(l->off >= prev);
		FUZZ_CHECK(!(l->flags & NLRS_LF_NOFIELDS) || !(l->flags & NLRS_LF_PARTIAL));
		prev = l->off;
		flags |= l->flags;
	}
	FUZZ_CHECK((pkt->flags & ~NLRS_PF_DEPTH) == flags);
	if (pkt->link >= 0)
		FUZZ_CHECK(pkt->layers[pkt->link].cls == NLRS_CLASS_LINK);
	if (pkt->net >= 0)
		FUZZ_CHECK(pkt->layers[pkt->net].cls == NLRS_CLASS_NETWORK);
	if (pkt->transport >= 0)
		FUZZ_CHECK(pkt->layers[pkt->transport].cls == NLRS_CLASS_TRANSPORT);
}

/* Walk every variable part; 1 when something was walked. */
static inline void fp_walk(const struct nlrs_pkt *pkt)
{
	for (unsigned i = 0; i < pkt->nlayers; i++) {
		const struct nlrs_pkt_layer *l = &pkt->layers[i];
		size_t pos = 0, last = 0;
		int r = 0, guard = 0;
		char name[300];

		switch (l->type) {
		case NLRS_LAYER_TCP:
		case NLRS_LAYER_IPV4:
		case NLRS_LAYER_IPV6_HOPOPTS:
		case NLRS_LAYER_IPV6_DSTOPTS: {
			struct nlrs_pkt_opt o;

			for (;;) {
				r = l->type == NLRS_LAYER_TCP ? nlrs_pkt_tcp_opt_next(l, &pos, &o)
				    : l->type == NLRS_LAYER_IPV4 ? nlrs_pkt_ip4opt_next(l, &pos, &o)
								 : nlrs_pkt_ip6opt_next(l, &pos, &o);
				if (r != 1)
					break;
				FUZZ_CHECK(pos > last && ++guard < 5000);
				last = pos;
				fp_in(l, o.data, o.dlen);
			}
			break;
		}
		case NLRS_LAYER_ICMP6: {
			struct nlrs_pkt_nd_opt o;

			while ((r = nlrs_pkt_nd_opt_next(l, &pos, &o)) == 1) {
				FUZZ_CHECK(pos > last && ++guard < 5000);
				last = pos;
				fp_in(l, o.data, o.len);
			}
			break;
		}
		case NLRS_LAYER_SCTP: {
			struct nlrs_pkt_sctp_chunk c;

			while ((r = nlrs_pkt_sctp_chunk_next(l, &pos, &c)) == 1) {
				FUZZ_CHECK(pos > last && ++guard < 20000);
				last = pos;
				fp_in(l, c.value, c.vlen);
			}
			break;
		}
		case NLRS_LAYER_DNS: {
			struct nlrs_pkt_dns_rr rr;

			while ((r = nlrs_pkt_dns_rr_next(l, &pos, &rr)) == 1) {
				int n = nlrs_pkt_dns_name(l, rr.name_off, name, sizeof name);

				FUZZ_CHECK(++guard < 70000);
				FUZZ_CHECK(n < 0 || strlen(name) == (size_t)n || (size_t)n >= sizeof name);
				fp_in(l, rr.rdata, rr.rdlen);
			}
			break;
		}
		case NLRS_LAYER_DHCP: {
			struct nlrs_pkt_opt o;

			while ((r = nlrs_pkt_dhcp_opt_next(l, &pos, &o)) == 1) {
				FUZZ_CHECK(++guard < 5000);
				fp_in(l, o.data, o.dlen);
			}
			break;
		}
		case NLRS_LAYER_TFTP:
		case NLRS_LAYER_HTTP: {
			struct nlrs_pkt_text_pair kv;

			for (;;) {
				r = l->type == NLRS_LAYER_TFTP ? nlrs_pkt_tftp_opt_next(l, &pos, &kv)
							       : nlrs_pkt_http_header_next(l, &pos, &kv);
				if (r != 1)
					break;
				FUZZ_CHECK(pos > last && ++guard < 5000);
				last = pos;
				fp_in(l, kv.name, kv.name_len);
				fp_in(l, kv.value, kv.value_len);
			}
			break;
		}
		case NLRS_LAYER_TLS: {
			struct nlrs_pkt_tls_record t;

			while ((r = nlrs_pkt_tls_record_next(l, &pos, &t)) == 1) {
				FUZZ_CHECK(pos > last && ++guard < 5000);
				last = pos;
				fp_in(l, t.frag, t.flen);
			}
			if (l->u.tls.sni)
				fp_in(l, l->u.tls.sni, l->u.tls.sni_len);
			break;
		}
		case NLRS_LAYER_TELNET: {
			struct nlrs_pkt_telnet_cmd c;

			while ((r = nlrs_pkt_telnet_next(l, &pos, &c)) == 1) {
				FUZZ_CHECK(pos > last && ++guard < 70000);
				last = pos;
				fp_in(l, c.sb, c.sb_len);
			}
			break;
		}
		case NLRS_LAYER_SSH:
			fp_in(l, l->u.ssh.software, l->u.ssh.software_len);
			fp_in(l, l->u.ssh.comments, l->u.ssh.comments_len);
			break;
		default:
			break;
		}
		FUZZ_CHECK(r != 1);
	}
}

/* Decode data as linktype with every option set, check and walk. */
static inline void fp_decode_all(uint32_t lt, const uint8_t *data, size_t size, size_t wire)
{
	static const unsigned sets[] = { 0, NLRS_PKT_VERIFY_CSUM, NLRS_PKT_NO_QUOTED | NLRS_PKT_NO_APP,
					 NLRS_PKT_NO_HEURISTIC };
	uint8_t *c = fuzz_dup(data, size);

	for (unsigned k = 0; k < sizeof sets / sizeof sets[0]; k++) {
		struct nlrs_pkt pkt;
		struct nlrs_pkt_opts o = { sets[k], NULL };
		int n = nlrs_pkt_decode(&pkt, lt, c, size, wire, &o);

		FUZZ_CHECK(n >= 0 && n == pkt.nlayers);
		fp_check(&pkt);
		fp_walk(&pkt);
	}
	free(c);
}

#endif
