/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slip_lwip_peer: an lwIP host (Debian's liblwip, an IP/ICMP/TCP stack
 * independent of Netloom's) on a SLIP line, for tests/integration/slip_lwip.sh.
 *
 *   slip_lwip_peer TTY ADDR PEER [PINGS]
 *
 * Brings up an lwIP netif with ADDR/32 on the pty TTY (raw mode), serves
 * TCP echo on port 7 and TCP discard on port 9 (printing
 * "discard: N bytes sha256 <hex>" when a discard connection closes), sends
 * PINGS ICMP echo requests to PEER (one a second, after a 1 s pause) and
 * prints "ping: N replies" after the last one. Runs until SIGTERM.
 *
 * Debian's liblwip-dev ships slipif.h but not slipif.c (the library has no
 * slipif_* symbols), so the RFC 1055 framing is done here, written from the
 * RFC's sample send_packet/recv_packet and deliberately sharing no code
 * with netdev/slip_codec.c. lwIP answers pings itself (icmp.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <sys/select.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "lwip/init.h"
#include "lwip/tcpip.h"
#include "lwip/netif.h"
#include "lwip/ip4_addr.h"
#include "lwip/tcp.h"
#include "lwip/raw.h"
#include "lwip/pbuf.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"

#define S_END 0xc0
#define S_ESC 0xdb
#define S_ESC_END 0xdc
#define S_ESC_ESC 0xdd
#define MTU 1006

static int line = -1;
static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t stop;
static unsigned ping_replies;
static ip4_addr_t peer_ip;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void write_all(const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(line, p, n);

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* lwIP's netif output: one datagram, SLIP-framed (RFC 1055 send_packet). */
static err_t slip_output(struct netif *nif, struct pbuf *p, const ip4_addr_t *dst)
{
	static uint8_t flat[MTU], enc[2 * MTU + 2];
	size_t n = 0;

	(void)nif;
	(void)dst;
	if (p->tot_len > MTU)
		return ERR_BUF;
	pbuf_copy_partial(p, flat, p->tot_len, 0);
	enc[n++] = S_END;
	for (size_t i = 0; i < p->tot_len; i++) {
		if (flat[i] == S_END) {
			enc[n++] = S_ESC;
			enc[n++] = S_ESC_END;
		} else if (flat[i] == S_ESC) {
			enc[n++] = S_ESC;
			enc[n++] = S_ESC_ESC;
		} else {
			enc[n++] = flat[i];
		}
	}
	enc[n++] = S_END;
	pthread_mutex_lock(&wlock);
	write_all(enc, n);
	pthread_mutex_unlock(&wlock);
	return ERR_OK;
}

static err_t slip_netif_init(struct netif *nif)
{
	nif->name[0] = 's';
	nif->name[1] = 'l';
	nif->output = slip_output;
	nif->mtu = MTU;
	nif->flags = NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

/* ---- TCP echo (7) and discard (9) ---- */

struct conn {
	EVP_MD_CTX *sha;
	unsigned long long bytes;
	int discard;
};

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (!p) {
		if (c->discard) {
			uint8_t md[32];

			EVP_DigestFinal_ex(c->sha, md, NULL);
			printf("discard: %llu bytes sha256 ", c->bytes);
			for (int i = 0; i < 32; i++)
				printf("%02x", md[i]);
			printf("\n");
			fflush(stdout);
		}
		EVP_MD_CTX_free(c->sha);
		free(c);
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_close(pcb);
		return ERR_OK;
	}
	if (c->discard) {
		for (struct pbuf *q = p; q; q = q->next)
			EVP_DigestUpdate(c->sha, q->payload, q->len);
		c->bytes += p->tot_len;
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	/* echo: only as much as the send buffer takes; the rest waits */
	if (tcp_sndbuf(pcb) < p->tot_len)
		return ERR_MEM; /* lwIP keeps p and offers it again */
	for (struct pbuf *q = p; q; q = q->next)
		if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
			return ERR_MEM;
	tcp_output(pcb);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (c)
		EVP_MD_CTX_free(c->sha);
	free(c);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ERR_MEM;
	c->discard = arg != NULL;
	c->sha = EVP_MD_CTX_new();
	if (!c->sha || !EVP_DigestInit_ex(c->sha, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(c->sha);
		free(c);
		return ERR_MEM;
	}
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_err(pcb, on_err);
	return ERR_OK;
}

static void listen_on(u16_t port, void *arg)
{
	struct tcp_pcb *pcb = tcp_new();

	if (!pcb || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK) {
		fprintf(stderr, "slip_lwip_peer: cannot bind port %u\n", port);
		exit(1);
	}
	pcb = tcp_listen(pcb);
	tcp_arg(pcb, arg);
	tcp_accept(pcb, on_accept);
}

/* ---- ping ---- */

static u8_t on_icmp(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
	struct icmp_echo_hdr e;
	u16_t hl;

	(void)arg;
	(void)pcb;
	/* raw pcbs see the IP header first */
	hl = (u16_t)(IPH_HL_BYTES((struct ip_hdr *)p->payload));
	if (pbuf_copy_partial(p, &e, sizeof(e), hl) == sizeof(e) && e.type == ICMP_ER &&
	    e.id == PP_HTONS(0x4e4c) && ip4_addr_cmp(ip_2_ip4(addr), &peer_ip)) {
		ping_replies++;
		pbuf_free(p);
		return 1;
	}
	return 0; /* not ours: lwIP's icmp.c goes on (answers requests) */
}

static void send_ping(struct raw_pcb *pcb, u16_t seq)
{
	struct pbuf *p = pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + 32, PBUF_RAM);
	struct icmp_echo_hdr *e;
	ip_addr_t dst;

	if (!p)
		return;
	e = p->payload;
	e->type = ICMP_ECHO;
	e->code = 0;
	e->id = PP_HTONS(0x4e4c);
	e->seqno = lwip_htons(seq);
	memset(e + 1, 0x5a, 32);
	e->chksum = 0;
	e->chksum = inet_chksum(e, p->len);
	ip_addr_copy_from_ip4(dst, peer_ip);
	raw_sendto(pcb, p, &dst);
	pbuf_free(p);
}

static int open_line(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY);

	if (fd < 0 || tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &t) ? -1 : fd;
}

int main(int argc, char **argv)
{
	static struct netif nif;
	ip4_addr_t addr, mask;
	struct raw_pcb *icmp = NULL;
	uint8_t rx[4096], frame[MTU];
	size_t flen = 0;
	int esc = 0, bad = 0;
	unsigned pings = argc > 4 ? (unsigned)atoi(argv[4]) : 0, sent = 0;
	struct sigaction sa = { .sa_handler = on_term };

	if (argc < 4 || !ip4addr_aton(argv[2], &addr) || !ip4addr_aton(argv[3], &peer_ip)) {
		fprintf(stderr, "usage: slip_lwip_peer TTY ADDR PEER [PINGS]\n");
		return 2;
	}
	line = open_line(argv[1]);
	if (line < 0) {
		perror(argv[1]);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	tcpip_init(NULL, NULL);
	IP4_ADDR(&mask, 255, 255, 255, 255);
	LOCK_TCPIP_CORE();
	netif_add(&nif, &addr, &mask, &peer_ip, NULL, slip_netif_init, tcpip_input);
	netif_set_default(&nif);
	netif_set_up(&nif);
	listen_on(7, NULL);
	listen_on(9, (void *)1);
	if (pings) {
		icmp = raw_new(IP_PROTO_ICMP);
		raw_recv(icmp, on_icmp, NULL);
	}
	UNLOCK_TCPIP_CORE();
	printf("lwip %s up on %s: %s, peer %s\n", LWIP_VERSION_STRING, argv[1], argv[2], argv[3]);
	fflush(stdout);

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		fd_set fds;
		struct timeval tv = { 0, 100000 };
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (sent < pings && now.tv_sec - t0.tv_sec >= (time_t)(1 + sent)) {
			LOCK_TCPIP_CORE();
			send_ping(icmp, (u16_t)++sent);
			UNLOCK_TCPIP_CORE();
		} else if (pings && sent == pings && now.tv_sec - t0.tv_sec >= (time_t)(3 + sent)) {
			printf("ping: %u replies\n", ping_replies);
			fflush(stdout);
			pings = 0;
		}
		FD_ZERO(&fds);
		FD_SET(line, &fds);
		if (select(line + 1, &fds, NULL, NULL, &tv) <= 0)
			continue;
		ssize_t n = read(line, rx, sizeof(rx));
		if (n <= 0)
			break;
		/* RFC 1055 recv_packet, with a frame spoilt by a bad escape or
		 * an overrun dropped at the next END */
		for (ssize_t i = 0; i < n; i++) {
			uint8_t c = rx[i];

			if (c == S_END) {
				if (flen && !bad) {
					struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)flen, PBUF_RAM);

					if (p) {
						pbuf_take(p, frame, (u16_t)flen);
						if (nif.input(p, &nif) != ERR_OK)
							pbuf_free(p);
					}
				}
				flen = 0;
				esc = bad = 0;
				continue;
			}
			if (esc) {
				esc = 0;
				if (c == S_ESC_END)
					c = S_END;
				else if (c == S_ESC_ESC)
					c = S_ESC;
				else
					bad = 1;
			} else if (c == S_ESC) {
				esc = 1;
				continue;
			}
			if (flen < MTU)
				frame[flen++] = c;
			else
				bad = 1;
		}
	}
	return 0;
}
