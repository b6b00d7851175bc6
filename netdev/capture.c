/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture writer: a wrapper that records every frame passing through it, in
 * both directions, to a classic pcap file (the libpcap savefile format,
 * draft-ietf-opsawg-pcap): magic 0xa1b2c3d4 in host order, version 2.4,
 * microsecond timestamps from CLOCK_REALTIME, snaplen 262144,
 * LINKTYPE_ETHERNET (1) or LINKTYPE_RAW (101) by the device's link type.
 *
 * Received frames are recorded before they go up, sent frames before they
 * go down, so the file shows what the layer above really got and gave.
 * Writes go through a large stdio buffer, flushed by poll() once a second
 * (if anything was written) and on close. A failing file (disk full) is
 * logged once on stderr and then left alone: the frames it missed are
 * counted (write_errors) and traffic is never affected.
 *
 * Not implemented: pcapng, nanosecond timestamps, direction flags (classic
 * pcap has none), rotation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nlrs/netdev.h"
#include "netdev_priv.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_SNAPLEN 262144u
#define LINKTYPE_ETHERNET 1u
#define LINKTYPE_RAW 101u
#define CAPTURE_BUFSIZE (256u * 1024u)
#define CAPTURE_FLUSH_EVERY NLRS_SEC(1)

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct pcap_rec_hdr {
	uint32_t ts_sec, ts_usec;
	uint32_t incl_len, orig_len;
};

struct capture {
	struct nlrs_netdev dev; /* first */
	FILE *fp;
	char *iobuf;
	char *path;
	bool failed;        /* the file gave an error; stop writing */
	bool dirty;         /* written since the last flush */
	nlrs_time_t next_flush;
	struct nlrs__capture_stats st;
};

static const struct nlrs_netdev_ops capture_ops;

static struct capture *to_cap(struct nlrs_netdev *d) { return (struct capture *)d; }

static void cap_fail(struct capture *c, int err)
{
	if (!c->failed)
		fprintf(stderr, "nlrs: capture %s: write failed: %s; capture stopped\n", c->path,
			strerror(err));
	c->failed = true;
}

static void record(struct capture *c, const struct nlrs_buf *b)
{
	struct pcap_rec_hdr rh;
	struct timespec ts;
	uint32_t left;

	if (c->failed) {
		c->st.write_errors++;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	rh.ts_sec = (uint32_t)ts.tv_sec;
	rh.ts_usec = (uint32_t)(ts.tv_nsec / 1000);
	rh.orig_len = b->tot_len;
	rh.incl_len = b->tot_len < PCAP_SNAPLEN ? b->tot_len : PCAP_SNAPLEN;
	if (fwrite(&rh, sizeof(rh), 1, c->fp) != 1)
		goto fail;
	left = rh.incl_len;
	for (const struct nlrs_buf *s = b; s && left; s = s->next) {
		uint32_t n = s->len < left ? s->len : left;
		if (n && fwrite(s->data, 1, n, c->fp) != n)
			goto fail;
		left -= n;
	}
	c->dirty = true;
	c->st.frames++;
	c->st.bytes += rh.incl_len;
	return;
fail:
	c->st.write_errors++;
	cap_fail(c, errno ? errno : EIO);
}

static void flush(struct capture *c)
{
	if (c->failed || !c->dirty)
		return;
	c->dirty = false;
	if (fflush(c->fp) != 0) {
		c->st.write_errors++;
		cap_fail(c, errno);
	}
}

static struct nlrs_buf *capture_recv(struct nlrs_netdev *d, nlrs_time_t now, int *err)
{
	struct nlrs_buf *b = nlrs_netdev_recv(d->lower, now, err);

	if (b)
		record(to_cap(d), b);
	return b;
}

static int capture_send(struct nlrs_netdev *d, struct nlrs_buf *frame, nlrs_time_t now)
{
	record(to_cap(d), frame);
	return nlrs_netdev_send(d->lower, frame, now);
}

static nlrs_time_t capture_poll(struct nlrs_netdev *d, nlrs_time_t now)
{
	struct capture *c = to_cap(d);
	nlrs_time_t next = nlrs_netdev_poll(d->lower, now);

	if (now >= c->next_flush) {
		flush(c);
		c->next_flush = now + CAPTURE_FLUSH_EVERY;
	}
	if (c->dirty && c->next_flush < next)
		next = c->next_flush;
	return next;
}

static void capture_close(struct nlrs_netdev *d)
{
	struct capture *c = to_cap(d);

	flush(c);
	if (fclose(c->fp) != 0 && !c->failed)
		cap_fail(c, errno);
	free(c->iobuf);
	free(c->path);
	nlrs_netdev_close(d->lower);
	free(c);
}

static const struct nlrs_netdev_ops capture_ops = {
	.recv = capture_recv,
	.send = capture_send,
	.poll = capture_poll,
	.close = capture_close,
};

void nlrs__capture_stats(const struct nlrs_netdev *d, struct nlrs__capture_stats *out)
{
	if (!d || d->ops != &capture_ops) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = ((const struct capture *)d)->st;
}

int nlrs_capture_wrap(struct nlrs_netdev **out, struct nlrs_netdev *lower, const char *path)
{
	struct pcap_file_hdr fh;
	struct capture *c;
	int ret;

	*out = NULL;
	if (!lower || !path || !*path)
		return -NLRS_EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -NLRS_ENOMEM;
	c->path = strdup(path);
	c->iobuf = malloc(CAPTURE_BUFSIZE);
	if (!c->path || !c->iobuf) {
		ret = -NLRS_ENOMEM;
		goto err_free;
	}
	c->fp = fopen(path, "we");
	if (!c->fp) {
		ret = -errno;
		goto err_free;
	}
	setvbuf(c->fp, c->iobuf, _IOFBF, CAPTURE_BUFSIZE);

	memset(&fh, 0, sizeof(fh));
	fh.magic = PCAP_MAGIC;
	fh.version_major = 2;
	fh.version_minor = 4;
	fh.snaplen = PCAP_SNAPLEN;
	fh.linktype = lower->link == NLRS_LINK_RAWIP ? LINKTYPE_RAW : LINKTYPE_ETHERNET;
	/* The header goes out at once: a reader can open the file even before
	 * the first frame, and an unwritable path fails here, not later. */
	if (fwrite(&fh, sizeof(fh), 1, c->fp) != 1 || fflush(c->fp) != 0) {
		ret = errno ? -errno : -NLRS_EIO;
		goto err_close_file;
	}

	c->dev.ops = &capture_ops;
	c->dev.pool = lower->pool;
	c->dev.lower = lower;
	c->dev.link = lower->link;
	c->dev.mtu = lower->mtu;
	memcpy(c->dev.mac, lower->mac, sizeof(c->dev.mac));
	c->dev.fd = lower->fd;
	memcpy(c->dev.name, lower->name, sizeof(c->dev.name));
	c->next_flush = 0;
	*out = &c->dev;
	return 0;

err_close_file:
	fclose(c->fp);
err_free:
	free(c->iobuf);
	free(c->path);
	free(c);
	return ret;
}
