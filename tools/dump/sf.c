/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sf.h on the packet library's savefiles (nlrs/pcapfile.h). The reader
 * maps regular files, so a record costs no copy. The writer goes through
 * a stdio stream with a 1 MiB buffer that this file opens itself, so that
 * -C can ask how large the file is (buffered bytes included) without a
 * call into the library; pcapng interfaces are added as packets of new
 * link types come (from a pcapng file that mixes them).
 */
#include "dump.h"
#include "sf.h"

#include <errno.h>
#include <nlrs/packet.h>
#include <nlrs/pcapfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nlrs_strerr(int err)
{
	/* the library's errors are negative errno values */
	return strerror(-err);
}

/* ---- reading ---- */

struct sf_reader {
	struct nlrs_pcap_reader *r;
	const char *path;
};

struct sf_reader *sf_reader_open(const char *path, char *err, size_t errlen)
{
	struct sf_reader *s = calloc(1, sizeof(*s));
	int rc;

	if (!s) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	rc = nlrs_pcap_open(&s->r, path);
	if (rc < 0) {
		if (rc == -NLRS_EPROTONOSUPPORT)
			snprintf(err, errlen, "%s: unknown file format", path);
		else if (rc == -NLRS_EIO)
			snprintf(err, errlen, "%s: truncated dump file or damaged header", path);
		else
			snprintf(err, errlen, "%s: %s", path, nlrs_strerr(rc));
		free(s);
		return NULL;
	}
	s->path = path;
	return s;
}

int sf_reader_next(struct sf_reader *s, struct dump_pkt *p, char *err, size_t errlen)
{
	struct nlrs_pcap_rec rec;
	int rc = nlrs_pcap_next(s->r, &rec);

	if (rc > 0) {
		p->sec = rec.ts_sec;
		p->nsec = rec.ts_nsec;
		p->caplen = rec.caplen;
		p->len = rec.wirelen;
		p->linktype = (int)rec.linktype;
		p->ifindex = rec.ifindex;
		p->data = rec.data;
		return 1;
	}
	if (rc == 0)
		return 0;
	if (rc == -NLRS_EIO)
		snprintf(err, errlen, "truncated dump file or damaged record");
	else if (rc == -NLRS_EMSGSIZE)
		snprintf(err, errlen, "invalid packet capture length, bigger than maximum of %u",
			 NLRS_PCAP_MAX_RECORD);
	else
		snprintf(err, errlen, "%s", nlrs_strerr(rc));
	return -1;
}

int sf_reader_linktype(const struct sf_reader *s)
{
	return (int)nlrs_pcap_reader_linktype(s->r);
}

uint32_t sf_reader_snaplen(const struct sf_reader *s)
{
	uint32_t n = nlrs_pcap_reader_snaplen(s->r);

	return n ? n : DUMP_MAX_SNAPLEN;
}

bool sf_reader_is_pcapng(const struct sf_reader *s)
{
	return nlrs_pcap_reader_format(s->r) == NLRS_PCAP_NG;
}

uint64_t sf_reader_offset(const struct sf_reader *s)
{
	return nlrs_pcap_reader_offset(s->r);
}

uint64_t sf_reader_size(const struct sf_reader *s)
{
	return nlrs_pcap_reader_size(s->r);
}

void sf_reader_close(struct sf_reader *s)
{
	if (!s)
		return;
	nlrs_pcap_close(s->r);
	free(s);
}

/* ---- writing ---- */

#define SF_MAX_IFACES 16

struct sf_writer {
	struct nlrs_pcap_writer *w;
	FILE *fp;
	char *buf;
	const char *path;
	bool pcapng;
	uint32_t snaplen;
	int nif;
	int if_linktype[SF_MAX_IFACES];
};

struct sf_writer *sf_open(const char *path, bool pcapng, int linktype, uint32_t snaplen, bool nano,
			  char *err, size_t errlen)
{
	struct sf_writer *s = calloc(1, sizeof(*s));
	struct nlrs_pcap_wopts wo = {
		.format = pcapng ? NLRS_PCAP_NG : NLRS_PCAP_CLASSIC,
		.linktype = (uint32_t)linktype,
		.snaplen = snaplen,
		.nsec = nano,
		.app = pcapng ? "nlrs-dump" : NULL,
	};
	int rc;

	if (!s)
		goto nomem;
	s->buf = malloc(1u << 20);
	if (!s->buf)
		goto nomem;
	if (!strcmp(path, "-")) {
		s->fp = stdout;
	} else {
		s->fp = fopen(path, "wb");
		if (!s->fp) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	setvbuf(s->fp, s->buf, _IOFBF, 1u << 20);
	rc = nlrs_pcap_wfopen(&s->w, s->fp, s->fp != stdout, &wo);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path, nlrs_strerr(rc));
		if (s->fp != stdout)
			fclose(s->fp);
		goto fail;
	}
	s->path = path;
	s->pcapng = pcapng;
	s->snaplen = snaplen ? snaplen : DUMP_MAX_SNAPLEN;
	s->if_linktype[0] = linktype;
	s->nif = 1;
	return s;
nomem:
	snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
fail:
	if (s)
		free(s->buf);
	free(s);
	return NULL;
}

int sf_write(struct sf_writer *s, const struct dump_pkt *p, char *err, size_t errlen)
{
	struct nlrs_pcap_rec rec = {
		.ts_sec = p->sec,
		.ts_nsec = p->nsec,
		.caplen = p->caplen,
		.wirelen = p->len,
		.linktype = (uint32_t)p->linktype,
		.data = p->data,
	};
	int rc, i;

	if (s->pcapng) {
		for (i = 0; i < s->nif; i++)
			if (s->if_linktype[i] == p->linktype)
				break;
		if (i == s->nif) {
			if (s->nif == SF_MAX_IFACES) {
				snprintf(err, errlen, "%s: too many link types", s->path);
				return -1;
			}
			rc = nlrs_pcap_add_iface(s->w, (uint32_t)p->linktype, s->snaplen, NULL);
			if (rc < 0) {
				snprintf(err, errlen, "%s: %s", s->path, nlrs_strerr(rc));
				return -1;
			}
			s->if_linktype[s->nif++] = p->linktype;
			i = rc;
		}
		rec.ifindex = (uint32_t)i;
	}
	rc = nlrs_pcap_write(s->w, &rec);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", s->path, nlrs_strerr(rc));
		return -1;
	}
	return 0;
}

int64_t sf_size(const struct sf_writer *s)
{
	long pos = ftell(s->fp);

	return pos < 0 ? 0 : (int64_t)pos;
}

void sf_flush(struct sf_writer *s)
{
	nlrs_pcap_flush(s->w);
}

int sf_close(struct sf_writer *s, char *err, size_t errlen)
{
	int rc = nlrs_pcap_writer_close(s->w);

	if (s->fp == stdout)
		fflush(stdout);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", s->path, nlrs_strerr(rc));
	free(s->buf);
	free(s);
	return rc < 0 ? -1 : 0;
}
