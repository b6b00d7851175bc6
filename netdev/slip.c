/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SLIP device: IP datagrams framed by RFC 1055 on a byte stream, a raw-IP
 * (NLRS_LINK_RAWIP) device. The stream is a serial tty (termios raw mode,
 * 8N1, CLOCAL, no flow control, a chosen speed), a pseudo-terminal (a
 * hypervisor's serial console, a socat pty), or a connected Unix or TCP
 * stream socket (QEMU's `-serial unix:PATH,server` / `tcp:HOST:PORT,server`).
 *
 * Implements: non-blocking reads of up to SLIP_RAW bytes, decoded by the
 * incremental framer of slip_codec.c (frames may be split across reads at
 * any byte, several frames may come in one read); one pool buffer per
 * frame handed up (a chain if the MTU is above a buffer); END at both ends
 * of every frame sent; the MTU enforced both ways (oversize dropped and
 * counted); a transmit backlog of SLIP_TXQ bytes that absorbs a slow line
 * (frames that do not fit are dropped and counted, as on a full NIC ring;
 * the backlog drains on every recv/poll call, and poll asks to be called
 * again within a millisecond while bytes wait); with NLRS_SLIP_CSLIP, RFC
 * 1144 compression (cslip.c), every framing error telling the
 * decompressor to toss (RFC 1144 4.2).
 * Does not: reconnect a socket after the peer closes it (the device then
 * reports -ENOTCONN and nlrsd takes the interface down); hardware flow
 * control (RTS/CTS) or modem lines; negotiate anything (SLIP has no
 * negotiation: both ends must agree on CSLIP and the MTU).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"
#include "slip_priv.h"

#define SLIP_RAW 4096           /* bytes per read(2) */
#define SLIP_TXQ (64u * 1024u) /* transmit backlog */

enum slip_kind { SLIP_TTY, SLIP_UNIX, SLIP_TCP };

struct slip {
	struct nlrs_netdev dev; /* first: the ops get a struct nlrs_netdev * */
	struct nlrs__slip_rx rx;
	uint8_t *frame;   /* decoded frame, dev.mtu bytes */
	uint8_t *txlin;   /* the frame being sent, linear, dev.mtu bytes */
	uint8_t *txq;     /* encoded bytes waiting for the line */
	size_t txq_head, txq_len, txq_cap;
	uint8_t raw[SLIP_RAW];
	size_t raw_off, raw_len;
	bool cslip;
	struct nlrs__cslip vj;
	struct nlrs_slip_stats st;
};

static struct slip *to_slip(struct nlrs_netdev *d) { return (struct slip *)d; }

static void seterr(char *buf, size_t len, const char *fmt, const char *a, const char *b)
{
	if (buf && len)
		snprintf(buf, len, fmt, a, b);
}

/* ---- the path ---- */

static const struct {
	unsigned rate;
	speed_t code;
} bauds[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 }, { 150, B150 }, { 200, B200 },
	{ 300, B300 }, { 600, B600 }, { 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 },
	{ 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
	{ 500000, B500000 }, { 576000, B576000 }, { 921600, B921600 }, { 1000000, B1000000 },
	{ 1152000, B1152000 }, { 1500000, B1500000 }, { 2000000, B2000000 },
	{ 2500000, B2500000 }, { 3000000, B3000000 }, { 3500000, B3500000 },
	{ 4000000, B4000000 },
};

struct slip_path {
	enum slip_kind kind;
	char where[256]; /* tty path, socket path or host */
	char port[8];
	speed_t speed;   /* 0: leave as found */
};

static int path_parse(const char *path, struct slip_path *p)
{
	const char *colon;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (!path || !*path)
		return -NLRS_EINVAL;
	if (!strncmp(path, "unix:", 5)) {
		p->kind = SLIP_UNIX;
		n = strlen(path + 5);
		if (n == 0 || n >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return -NLRS_EINVAL;
		memcpy(p->where, path + 5, n);
		return 0;
	}
	if (!strncmp(path, "tcp:", 4)) {
		const char *h = path + 4, *port;

		p->kind = SLIP_TCP;
		colon = strrchr(h, ':');
		if (!colon || colon == h || !colon[1] || strlen(colon + 1) >= sizeof(p->port))
			return -NLRS_EINVAL;
		port = colon + 1;
		if (strspn(port, "0123456789") != strlen(port) || atoi(port) < 1 || atoi(port) > 65535)
			return -NLRS_EINVAL;
		if (h[0] == '[') { /* [v6]:PORT */
			if (colon[-1] != ']' || colon - h < 3)
				return -NLRS_EINVAL;
			h++;
			n = (size_t)(colon - 1 - h);
		} else {
			n = (size_t)(colon - h);
		}
		if (n >= sizeof(p->where))
			return -NLRS_EINVAL;
		memcpy(p->where, h, n);
		memcpy(p->port, port, strlen(port));
		return 0;
	}
	p->kind = SLIP_TTY;
	colon = strrchr(path, ':');
	n = strlen(path);
	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		unsigned long rate = strtoul(colon + 1, NULL, 10);
		unsigned i;

		for (i = 0; i < sizeof(bauds) / sizeof(bauds[0]); i++)
			if (bauds[i].rate == rate)
				break;
		if (i == sizeof(bauds) / sizeof(bauds[0]))
			return -NLRS_EINVAL; /* not a speed termios knows */
		p->speed = bauds[i].code;
		n = (size_t)(colon - path);
	}
	if (n == 0 || n >= sizeof(p->where))
		return -NLRS_EINVAL;
	memcpy(p->where, path, n);
	return 0;
}

int nlrs_slip_check_path(const char *path)
{
	struct slip_path p;

	return path_parse(path, &p);
}

/* termios raw mode: 8 data bits, no parity, one stop bit (8N1), no
 * modem control, no flow control, no character processing. */
static int tty_open(const struct slip_path *p, char *errbuf, size_t errlen)
{
	struct termios tio;
	int fd, ret;

	fd = open(p->where, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		seterr(errbuf, errlen, "%s%s", p->where, "");
		return ret;
	}
	if (tcgetattr(fd, &tio)) {
		ret = -errno;
		seterr(errbuf, errlen, "%s: not a terminal%s", p->where, "");
		goto err_close;
	}
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB | CRTSCTS);
	tio.c_cflag |= CS8 | CREAD | CLOCAL;
	tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (p->speed && (cfsetispeed(&tio, p->speed) || cfsetospeed(&tio, p->speed))) {
		ret = -errno;
		seterr(errbuf, errlen, "%s: cannot set the speed%s", p->where, "");
		goto err_close;
	}
	if (tcsetattr(fd, TCSANOW, &tio)) {
		ret = -errno;
		seterr(errbuf, errlen, "%s: cannot set raw mode%s", p->where, "");
		goto err_close;
	}
	return fd;

err_close:
	close(fd);
	return ret;
}

/* Connect, blocking (start-up, before the loop runs), then non-blocking. */
static int sock_open(const struct slip_path *p, char *errbuf, size_t errlen)
{
	int fd = -1, ret = -NLRS_EINVAL;

	if (p->kind == SLIP_UNIX) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		memcpy(sun.sun_path, p->where, strlen(p->where));
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
			ret = -errno;
			seterr(errbuf, errlen, "unix:%s%s", p->where, "");
			close(fd);
			return ret;
		}
	} else {
		struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
		struct addrinfo *res, *ai;
		int one = 1, gai;

		gai = getaddrinfo(p->where, p->port, &hints, &res);
		if (gai) {
			seterr(errbuf, errlen, "tcp:%s: %s", p->where, gai_strerror(gai));
			return -NLRS_EINVAL;
		}
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
			if (fd < 0) {
				ret = -errno;
				continue;
			}
			if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
				break;
			ret = -errno;
			close(fd);
			fd = -1;
		}
		freeaddrinfo(res);
		if (fd < 0) {
			seterr(errbuf, errlen, "tcp:%s port %s", p->where, p->port);
			return ret;
		}
		/* frames are whole when written: do not hold them back */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* ---- transmit ---- */

/* Write what waits; 0, or -errno on a line error (bytes are then lost). */
static int tx_flush(struct slip *s)
{
	while (s->txq_len) {
		ssize_t n = write(s->dev.fd, s->txq + s->txq_head, s->txq_len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			s->st.tx_errors++;
			s->txq_head = s->txq_len = 0;
			return -errno;
		}
		s->st.tx_bytes += (uint64_t)n;
		s->txq_head += (size_t)n;
		s->txq_len -= (size_t)n;
	}
	if (s->txq_len == 0)
		s->txq_head = 0;
	return 0;
}

static int slip_send(struct nlrs_netdev *d, struct nlrs_buf *frame, nlrs_time_t now)
{
	struct slip *s = to_slip(d);
	size_t len = frame->tot_len, off = 0, enc;
	int ret = 0;

	(void)now;
	(void)tx_flush(s);
	if (len == 0 || len > d->mtu) {
		s->st.tx_oversize++;
		ret = -NLRS_EMSGSIZE;
		goto out;
	}
	if (s->txq_head + s->txq_len + NLRS__SLIP_ENCODED_MAX(len) > s->txq_cap) {
		if (s->txq_head) { /* make room at the end */
			memmove(s->txq, s->txq + s->txq_head, s->txq_len);
			s->txq_head = 0;
		}
		if (s->txq_len + NLRS__SLIP_ENCODED_MAX(len) > s->txq_cap) {
			s->st.tx_queue_full++;
			ret = -NLRS_EAGAIN;
			goto out;
		}
	}
	nlrs_buf_copy_out(frame, 0, s->txlin, len);
	if (s->cslip) {
		/* checked for room first: a compressed packet that is then
		 * not sent would leave the peer's state behind ours */
		uint8_t t = nlrs__cslip_compress(&s->vj, s->txlin, len, &off);

		if (t == NLRS__CSLIP_TYPE_COMPRESSED_TCP)
			s->st.cslip_tx_compressed++;
		else if (t == NLRS__CSLIP_TYPE_UNCOMPRESSED_TCP)
			s->st.cslip_tx_uncompressed++;
		else
			s->st.cslip_tx_ip++;
	}
	enc = nlrs__slip_encode(s->txlin + off, len - off, s->txq + s->txq_head + s->txq_len,
				s->txq_cap - s->txq_head - s->txq_len);
	s->txq_len += enc; /* enc > 0: room was checked */
	s->st.tx_frames++;
	ret = tx_flush(s);
out:
	nlrs_buf_free(frame);
	return ret;
}

/* ---- receive ---- */

/* A decoded frame of flen bytes in s->frame: to a pool buffer (after
 * CSLIP decompression), or NULL if it is dropped. */
static struct nlrs_buf *deliver(struct slip *s, size_t flen, nlrs_time_t now)
{
	uint8_t hdr[NLRS__CSLIP_MAX_HDR];
	size_t hlen = 0, poff = 0;
	struct nlrs_buf *b;

	if (s->cslip) {
		int rc = nlrs__cslip_uncompress(&s->vj, s->frame, flen, hdr, &hlen, &poff);

		if (rc == -2) {
			s->st.rx_cslip_tossed++;
			return NULL;
		}
		if (rc) {
			s->st.rx_cslip_errors++;
			return NULL;
		}
	}
	b = nlrs_buf_alloc(s->dev.pool, NLRS_NETDEV_RX_HEADROOM);
	if (!b || (hlen && nlrs_buf_append(b, hdr, hlen)) ||
	    nlrs_buf_append(b, s->frame + poff, flen - poff)) {
		s->st.rx_nobufs++;
		nlrs_buf_free(b);
		return NULL;
	}
	b->tstamp = now;
	s->st.rx_frames++;
	s->st.rx_bytes += b->tot_len;
	return b;
}

static struct nlrs_buf *slip_recv(struct nlrs_netdev *d, nlrs_time_t now, int *err)
{
	struct slip *s = to_slip(d);

	*err = 0;
	(void)tx_flush(s);
	for (;;) {
		while (s->raw_off < s->raw_len) {
			size_t flen;
			unsigned errs;
			struct nlrs_buf *b;

			s->raw_off += nlrs__slip_rx_feed(&s->rx, s->raw + s->raw_off,
							 s->raw_len - s->raw_off, &flen, &errs);
			if (errs && s->cslip)
				nlrs__cslip_toss(&s->vj); /* RFC 1144 4.2 */
			if (flen && (b = deliver(s, flen, now)) != NULL)
				return b;
		}
		ssize_t n = read(d->fd, s->raw, sizeof(s->raw));

		if (n > 0) {
			s->raw_off = 0;
			s->raw_len = (size_t)n;
			s->st.rx_line_bytes += (uint64_t)n;
			continue;
		}
		if (n == 0) {
			/* the peer closed the socket, or hung up the line */
			*err = -ENOTCONN;
			return NULL;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return NULL;
		*err = -errno;
		return NULL;
	}
}

static nlrs_time_t slip_poll(struct nlrs_netdev *d, nlrs_time_t now)
{
	struct slip *s = to_slip(d);

	(void)tx_flush(s);
	/* no POLLOUT in nlrsd's loop: come back soon while bytes wait */
	return s->txq_len ? now + NLRS_MSEC(1) : NLRS_TIME_NEVER;
}

static void fill_stats(const struct slip *s, struct nlrs_slip_stats *out)
{
	*out = s->st;
	out->rx_oversize = s->rx.st.oversize;
	out->rx_bad_escape = s->rx.st.bad_escape;
	out->rx_runt = s->rx.st.runt;
	out->rx_empty = s->rx.st.empty;
}

static void slip_counters(const struct nlrs_netdev *d, struct nlrs_dev_counters *acc)
{
	struct nlrs_slip_stats st;

	fill_stats((const struct slip *)d, &st);
	acc->rx_drops += st.rx_oversize + st.rx_bad_escape + st.rx_runt + st.rx_nobufs +
			 st.rx_cslip_errors + st.rx_cslip_tossed;
	acc->tx_drops += st.tx_oversize + st.tx_queue_full + st.tx_errors;
}

static void slip_close(struct nlrs_netdev *d)
{
	struct slip *s = to_slip(d);

	if (d->fd >= 0) {
		/* best effort: what is still queued goes out if the line takes it */
		(void)tx_flush(s);
		close(d->fd);
	}
	free(s->frame);
	free(s->txlin);
	free(s->txq);
	free(s);
}

static const struct nlrs_netdev_ops slip_ops = {
	.recv = slip_recv,
	.send = slip_send,
	.poll = slip_poll,
	.close = slip_close,
	.counters = slip_counters,
};

int nlrs_slip_stats(const struct nlrs_netdev *d, struct nlrs_slip_stats *out)
{
	while (d && d->lower)
		d = d->lower;
	if (!d || d->ops != &slip_ops) {
		memset(out, 0, sizeof(*out));
		return -NLRS_ENODEV;
	}
	fill_stats((const struct slip *)d, out);
	return 0;
}

int nlrs_slip_open(struct nlrs_netdev **out, const struct nlrs_slip_config *cfg,
		   struct nlrs_pool *pool, char *errbuf, size_t errlen)
{
	const char *name = cfg && cfg->name ? cfg->name : "sl0";
	struct slip_path p;
	struct slip *s;
	int ret;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!cfg || !pool || strlen(name) == 0 || strlen(name) >= NLRS_IFNAMSIZ ||
	    (cfg->mtu && cfg->mtu < 68)) /* RFC 791: 68 at least */
		return -NLRS_EINVAL;
	if (path_parse(cfg->path, &p)) {
		seterr(errbuf, errlen, "'%s': not PATH[:BAUD], unix:SOCKET or tcp:HOST:PORT%s",
		       cfg->path ? cfg->path : "", "");
		return -NLRS_EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -NLRS_ENOMEM;
	s->dev.ops = &slip_ops;
	s->dev.pool = pool;
	s->dev.link = NLRS_LINK_RAWIP;
	s->dev.mtu = cfg->mtu ? cfg->mtu : NLRS__SLIP_MTU_DEFAULT;
	s->dev.fd = -1;
	memcpy(s->dev.name, name, strlen(name));
	s->cslip = (cfg->flags & NLRS_SLIP_CSLIP) != 0;
	s->txq_cap = SLIP_TXQ;
	if (s->txq_cap < NLRS__SLIP_ENCODED_MAX(s->dev.mtu))
		s->txq_cap = NLRS__SLIP_ENCODED_MAX(s->dev.mtu);
	s->frame = malloc(s->dev.mtu);
	s->txlin = malloc(s->dev.mtu);
	s->txq = malloc(s->txq_cap);
	if (!s->frame || !s->txlin || !s->txq) {
		ret = -NLRS_ENOMEM;
		goto err_free;
	}
	nlrs__slip_rx_init(&s->rx, s->frame, s->dev.mtu);
	if (s->cslip) {
		nlrs__cslip_init(&s->vj);
		/* a compressed TCP header may be 3 bytes (RFC 1144 3.2.3) */
		s->rx.min_frame = 3;
	}

	ret = p.kind == SLIP_TTY ? tty_open(&p, errbuf, errlen) : sock_open(&p, errbuf, errlen);
	if (ret < 0)
		goto err_free;
	s->dev.fd = ret;
	*out = &s->dev;
	return 0;

err_free:
	free(s->frame);
	free(s->txlin);
	free(s->txq);
	free(s);
	return ret;
}
