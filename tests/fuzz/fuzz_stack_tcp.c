/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the TCP state machine (stack/tcp*.c), through the
 * whole core: one stack on a raw-IP interface (192.0.2.2/24) with a
 * listener on port 80, an accepted connection from 192.0.2.1:5000 (the
 * handshake is replayed first), and an active open to 192.0.2.1:7.
 *
 * The input is a list of records: op (1 byte), len (1 byte), body. Op:
 *   0: a segment from 192.0.2.1 with the body as TCP header + data; the
 *      checksum is fixed so the segment reaches the state machine (bit 7
 *      of the op leaves it as given);
 *   1: the clock moves by body[0] * 8 ms;
 *   2: the application acts: send, recv, shutdown, close, accept,
 *      setsockopt, chosen by body[0].
 * Invariants: no crash or sanitizer report, and after nlrs_stack_fini
 * every buffer is back in the pool.
 */
#include "fuzz.h"
#include "tcp.h"
#include "nlrs/socket.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define OURS NLRS_IP4(192, 0, 2, 2)
#define PEER NLRS_IP4(192, 0, 2, 1)

static int drop_tx(void *ctx, struct nlrs_buf *frame)
{
	(void)ctx;
	nlrs_buf_free(frame);
	return 0;
}

static void inject(struct nlrs_stack *s, int ifx, const uint8_t *tcp, size_t len, bool fix,
		   nlrs_time_t now)
{
	uint8_t pkt[20 + 255];
	struct nlrs_ipv4_hdr h = { .tot_len = (uint16_t)(20 + len), .ttl = 64,
				   .proto = NLRS_IPPROTO_TCP, .src = PEER, .dst = OURS };
	nlrs_ipv4_emit(pkt, sizeof pkt, &h);
	memcpy(pkt + 20, tcp, len);
	if (fix && len >= 18) {
		pkt[20 + 16] = pkt[20 + 17] = 0;
		uint32_t sum = nlrs_csum_pseudo4(PEER, OURS, NLRS_IPPROTO_TCP, (uint32_t)len);
		uint16_t c = nlrs_csum_fold(nlrs_csum_add(sum, pkt + 20, len));
		nlrs_wr16(pkt + 20 + 16, c);
	}
	struct nlrs_buf *b = nlrs_buf_from(nlrs_stack_pool(s), 64, pkt, 20 + len);
	if (b)
		nlrs_stack_input(s, ifx, b, now);
}

static void seg(struct nlrs_stack *s, int ifx, uint16_t sport, uint16_t dport, uint32_t seq,
		uint32_t ack, uint16_t flags, nlrs_time_t now)
{
	uint8_t t[20];
	struct nlrs_tcp_hdr h = { .sport = sport, .dport = dport, .seq = seq, .ack = ack,
				  .flags = flags, .window = 65535 };
	nlrs_tcp_emit(t, sizeof t, &h);
	inject(s, ifx, t, sizeof t, true, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlrs_stack_config c;
	nlrs_stack_config_default(&c);
	c.buffers = 256;
	c.sockets = 16;
	c.tcp_conns = 16;
	c.tcp_msl = NLRS_SEC(1);
	size_t need = nlrs_stack_mem_size(&c);
	void *mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	FUZZ_CHECK(mem != NULL);
	struct nlrs_stack *s;
	FUZZ_CHECK(nlrs_stack_init(&s, &c, mem, need) == 0);
	struct nlrs_iface_config ic = { .name = "f0", .link = NLRS_LINK_RAWIP, .mtu = 1500,
					.transmit = drop_tx };
	int ifx = nlrs_iface_add(s, &ic);
	nlrs_iface_addr_add(s, ifx, OURS, 24);
	nlrs_iface_set_up(s, ifx, true);
	nlrs_time_t now = NLRS_SEC(1);
	nlrs_stack_poll(s, now);

	int lsd = nlrs_sock_open(s, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 80 };
	nlrs_sock_bind(s, lsd, &ep);
	nlrs_sock_listen(s, lsd, 4);
	/* the passive connection: SYN, then the ACK of our SYN-ACK */
	seg(s, ifx, 5000, 80, 1000, 0, NLRS_TCP_SYN, now);
	struct nlrs_tcp_info ti;
	uint32_t iss = 0;
	for (unsigned i = 0; nlrs_tcp_conn_info(s, i, &ti) >= 0; i++)
		if (ti.state == NLRS_TCPS_SYN_RECEIVED)
			iss = s->tcbs[i].iss;
	seg(s, ifx, 5000, 80, 1001, iss + 1, NLRS_TCP_ACK, now);
	int asd = nlrs_sock_accept(s, lsd, NULL);
	int csd = nlrs_sock_open(s, NLRS_AF_INET, NLRS_SOCK_STREAM, 0);
	struct nlrs_endpoint peer = { .family = NLRS_AF_INET, .port = 7, .v4 = PEER };
	nlrs_sock_connect(s, csd, &peer);

	static uint8_t buf[4096];
	size_t off = 0;
	while (off + 2 <= size) {
		uint8_t op = data[off], len = data[off + 1];
		off += 2;
		if (len > size - off)
			len = (uint8_t)(size - off);
		const uint8_t *body = data + off;
		off += len;
		switch (op & 3) {
		case 0: {
			uint8_t *copy = fuzz_dup(body, len);
			inject(s, ifx, copy, len, !(op & 0x80), now);
			free(copy);
			break;
		}
		case 1:
			now += NLRS_MSEC(len ? body[0] * 8u : 1u);
			nlrs_stack_poll(s, now);
			break;
		case 2: {
			int sd = (op & 4) ? csd : asd;
			uint8_t a = len ? body[0] : 0;
			switch (a % 8) {
			case 0: nlrs_sock_send(s, sd, buf, (size_t)(a * 37u), 0); break;
			case 1: nlrs_sock_recv(s, sd, buf, sizeof buf, 0); break;
			case 2: nlrs_sock_shutdown(s, sd, a % 3); break;
			case 3: nlrs_sock_close(s, sd); break;
			case 4: {
				int n = nlrs_sock_accept(s, lsd, NULL);
				if (n >= 0)
					asd = n;
				break;
			}
			case 5: nlrs_sock_setopt(s, sd, NLRS_TCP_NODELAY, a & 1); break;
			case 6: nlrs_sock_setopt(s, sd, NLRS_SO_LINGER, 0); break;
			default: nlrs_sock_recv(s, sd, buf, 7, NLRS_MSG_PEEK); break;
			}
			break;
		}
		default:
			break;
		}
	}
	now += NLRS_SEC(5);
	nlrs_stack_poll(s, now);
	nlrs_stack_fini(s);
	struct nlrs_pool_info pi;
	nlrs_stack_pool_info(s, &pi);
	FUZZ_CHECK(pi.avail == pi.count);
	free(mem);
	return 0;
}
