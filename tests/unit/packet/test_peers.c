/* SPDX-License-Identifier: BSD-2-Clause */
/* Every packet of every capture in tcpdump's test suite (many malformed
 * on purpose), decoded with each option set on a copy that ends at an
 * unmapped page, then every variable part of every layer walked: no read
 * past the data (the page faults), every layer inside the capture, every
 * walk ending. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "pkt_test.h"
#include "nlrs/pcapfile.h"

static unsigned walk_all(const struct nlrs_pkt *p)
{
	unsigned steps = 0;

	for (unsigned i = 0; i < p->nlayers; i++) {
		const struct nlrs_pkt_layer *l = &p->layers[i];
		size_t pos = 0;
		int r = 0, guard = 0;
		char name[300];

		switch (l->type) {
		case NLRS_LAYER_TCP: {
			struct nlrs_pkt_opt o;

			while ((r = nlrs_pkt_tcp_opt_next(l, &pos, &o)) == 1 && ++guard < 100)
				steps++;
			break;
		}
		case NLRS_LAYER_IPV4: {
			struct nlrs_pkt_opt o;

			while ((r = nlrs_pkt_ip4opt_next(l, &pos, &o)) == 1 && ++guard < 100)
				steps++;
			break;
		}
		case NLRS_LAYER_IPV6_HOPOPTS:
		case NLRS_LAYER_IPV6_DSTOPTS: {
			struct nlrs_pkt_opt o;

			while ((r = nlrs_pkt_ip6opt_next(l, &pos, &o)) == 1 && ++guard < 3000)
				steps++;
			break;
		}
		case NLRS_LAYER_ICMP6: {
			struct nlrs_pkt_nd_opt o;

			while ((r = nlrs_pkt_nd_opt_next(l, &pos, &o)) == 1 && ++guard < 3000)
				steps++;
			break;
		}
		case NLRS_LAYER_SCTP: {
			struct nlrs_pkt_sctp_chunk c;

			while ((r = nlrs_pkt_sctp_chunk_next(l, &pos, &c)) == 1 && ++guard < 20000)
				steps++;
			break;
		}
		case NLRS_LAYER_DNS: {
			struct nlrs_pkt_dns_rr rr;

			while ((r = nlrs_pkt_dns_rr_next(l, &pos, &rr)) == 1 && ++guard < 70000) {
				nlrs_pkt_dns_name(l, rr.name_off, name, sizeof name);
				steps++;
			}
			break;
		}
		case NLRS_LAYER_DHCP: {
			struct nlrs_pkt_opt o;

			while ((r = nlrs_pkt_dhcp_opt_next(l, &pos, &o)) == 1 && ++guard < 3000)
				steps++;
			break;
		}
		case NLRS_LAYER_TFTP: {
			struct nlrs_pkt_text_pair kv;

			while ((r = nlrs_pkt_tftp_opt_next(l, &pos, &kv)) == 1 && ++guard < 3000)
				steps++;
			break;
		}
		case NLRS_LAYER_HTTP: {
			struct nlrs_pkt_text_pair kv;

			while ((r = nlrs_pkt_http_header_next(l, &pos, &kv)) == 1 && ++guard < 3000)
				steps++;
			break;
		}
		case NLRS_LAYER_TLS: {
			struct nlrs_pkt_tls_record t;

			while ((r = nlrs_pkt_tls_record_next(l, &pos, &t)) == 1 && ++guard < 3000)
				steps++;
			break;
		}
		case NLRS_LAYER_TELNET: {
			struct nlrs_pkt_telnet_cmd c;

			while ((r = nlrs_pkt_telnet_next(l, &pos, &c)) == 1 && ++guard < 3000)
				steps++;
			break;
		}
		default:
			break;
		}
		cr_assert(r != 1, "a walk of %s did not end", nlrs_layer_name(l->type));
	}
	return steps;
}

Test(peers, every_tcpdump_test_packet_decodes_within_bounds, .timeout = 200)
{
	static const unsigned optsets[] = { 0, NLRS_PKT_VERIFY_CSUM, NLRS_PKT_NO_QUOTED | NLRS_PKT_NO_APP };
	DIR *dir = opendir(NLRS_PEERS_DIR);
	struct dirent *de;
	unsigned long pkts = 0, layers = 0, steps = 0, flagged = 0;

	if (!dir)
		cr_skip_test("no %s", NLRS_PEERS_DIR);
	while ((de = readdir(dir)) != NULL) {
		char path[1024];
		struct nlrs_pcap_reader *r;
		struct nlrs_pcap_rec rec;
		size_t nl = strlen(de->d_name);

		if (!(nl > 5 && strcmp(de->d_name + nl - 5, ".pcap") == 0) &&
		    !(nl > 7 && strcmp(de->d_name + nl - 7, ".pcapng") == 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", NLRS_PEERS_DIR, de->d_name);
		if (nlrs_pcap_open(&r, path) < 0)
			continue;
		while (nlrs_pcap_next(r, &rec) > 0) {
			size_t cap = rec.caplen > 65536 ? 65536 : rec.caplen;

			for (unsigned k = 0; k < 3; k++) {
				struct nlrs_pkt p;
				int n = t_decode(&p, rec.linktype, rec.data, cap, rec.wirelen, optsets[k]);

				cr_assert_geq(n, 0);
				cr_assert_eq(t_layers_sane(&p), 0, "%s", path);
				if (k == 0) {
					layers += (unsigned long)n;
					flagged += (p.flags & (NLRS_LF_MALFORMED | NLRS_LF_TRUNC)) != 0;
				}
				steps += walk_all(&p);
			}
			pkts++;
		}
		nlrs_pcap_close(r);
	}
	closedir(dir);
	cr_log_info("%lu packets, %lu layers, %lu walk steps, %lu cut or malformed", pkts, layers,
		    steps, flagged);
	cr_assert_gt(pkts, 8000);
	cr_assert_gt(layers, pkts * 2);
	cr_assert_gt(flagged, 100);
}
