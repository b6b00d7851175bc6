/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapfile.c - pcap and pcapng savefiles: read and write.
 *
 * Implements:
 *   - classic pcap (draft-ietf-opsawg-pcap): magic a1b2c3d4 (microsecond)
 *     and a1b23c4d (nanosecond) in either byte order, version 2.x, the
 *     link type's low 16 bits (the FCS bits above are dropped), records
 *     with their lengths checked (a record longer than its file's snap
 *     length is still read, as libpcap does, up to NLRS_PCAP_MAX_RECORD);
 *   - pcapng (draft-ietf-opsawg-pcapng): section header blocks in either
 *     byte order (a new section resets the interfaces), interface
 *     description blocks with if_name, if_description, if_tsresol (powers
 *     of 10 and of 2) and if_tsoffset, enhanced packet blocks (epb_flags),
 *     simple packet blocks, the obsolete packet block; every other block
 *     is skipped by its length. Block lengths are checked: at least 12, a
 *     multiple of 4, the trailing copy equal to the leading one, inner
 *     lengths inside the block;
 *   - writing both formats (pcapng: SHB, one IDB per interface, EPBs), in
 *     host or swapped byte order, micro- or nanosecond timestamps.
 * Regular files are mapped; pipes and other streams are read through a
 * buffer that grows to the largest block (bounded).
 * Does not implement: pcapng name resolution, statistics, decryption
 * secrets or custom blocks (skipped on read, never written); block
 * options other than the ones above; the "modified" pcap formats
 * (Kuznetzov, Nokia): refused as an unknown magic.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nlrs/pcapfile.h"
#include "nlrs/packet.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_HDR_LEN 24
#define PCAP_REC_LEN 16

#define NG_SHB 0x0a0d0d0au
#define NG_IDB 0x00000001u
#define NG_PB 0x00000002u /* obsolete packet block */
#define NG_SPB 0x00000003u
#define NG_EPB 0x00000006u
#define NG_BOM 0x1a2b3c4du
#define NG_MAX_BLOCK (NLRS_PCAP_MAX_RECORD + 64u * 1024u)
#define NG_MAX_IFACES 65536u

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define IF_TSOFFSET 14
#define SHB_USERAPPL 4
#define EPB_FLAGS 2

#define STREAM_CHUNK (256u * 1024u)

struct iface {
	struct nlrs_pcap_iface pub;
	uint64_t units;    /* timestamp units per second */
	bool pow2;
	uint8_t exp;
};

struct nlrs_pcap_reader {
	/* source */
	const uint8_t *mem;   /* mapped file or caller memory: the whole file */
	size_t memlen;
	bool mapped;
	FILE *fp;
	bool close_fp;
	uint8_t *buf;         /* stream mode: buffered bytes [pos, fill) */
	size_t bufcap, pos, fill;
	bool eof;
	uint64_t consumed;    /* bytes before the current position */
	uint64_t size;
	/* format */
	enum nlrs_pcap_format fmt;
	bool swap;
	bool nsec;
	uint32_t linktype, snaplen;
	struct iface *ifs;
	unsigned nif, ifcap;
	uint64_t skipped;
	unsigned sections;
	int err;
};

/* ---- byte order ---- */

static uint16_t bswap16(uint16_t v) { return (uint16_t)(v >> 8 | v << 8); }
static uint32_t bswap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

static uint16_t g16(const struct nlrs_pcap_reader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? bswap16(v) : v;
}

static uint32_t g32(const struct nlrs_pcap_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? bswap32(v) : v;
}

/* ---- input ---- */

/* Make n bytes at the current position readable: 1 and *p, 0 if the file
 * ends before any of them, -NLRS_EIO if it ends inside them (a truncated
 * file) or on a read error. */
static int peek(struct nlrs_pcap_reader *r, size_t n, const uint8_t **p)
{
	if (r->mem) {
		if (r->pos == r->memlen)
			return 0;
		if (r->memlen - r->pos < n)
			return -NLRS_EIO;
		*p = r->mem + r->pos;
		return 1;
	}
	if (r->fill - r->pos < n) {
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, r->fill - r->pos);
			r->fill -= r->pos;
			r->consumed += r->pos;
			r->pos = 0;
		}
		if (n > r->bufcap) {
			size_t nc = n > STREAM_CHUNK ? n : STREAM_CHUNK;
			uint8_t *nb = realloc(r->buf, nc);

			if (!nb)
				return -NLRS_ENOMEM;
			r->buf = nb;
			r->bufcap = nc;
		}
		while (r->fill < n && !r->eof) {
			size_t got = fread(r->buf + r->fill, 1, r->bufcap - r->fill, r->fp);

			if (got == 0) {
				if (ferror(r->fp))
					return -NLRS_EIO;
				r->eof = true;
			}
			r->fill += got;
		}
		if (r->fill == 0)
			return 0;
		if (r->fill < n)
			return -NLRS_EIO;
	}
	*p = r->buf + r->pos;
	return 1;
}

static void skip(struct nlrs_pcap_reader *r, size_t n)
{
	r->pos += n;
}

static uint64_t offset(const struct nlrs_pcap_reader *r)
{
	return r->mem ? r->pos : r->consumed + r->pos;
}

/* ---- pcapng ---- */

static int set_tsresol(struct iface *f, uint8_t v)
{
	f->pub.tsresol = v;
	f->pow2 = (v & 0x80) != 0;
	f->exp = v & 0x7f;
	if (f->pow2) {
		if (f->exp > 63)
			return -1;
		f->units = (uint64_t)1 << f->exp;
	} else {
		if (f->exp > 19)
			return -1;
		f->units = 1;
		for (unsigned i = 0; i < f->exp; i++)
			f->units *= 10;
	}
	return 0;
}

static void copy_str(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	size_t k = n < cap - 1 ? n : cap - 1;

	memcpy(dst, s, k);
	dst[k] = '\0';
	/* option strings are UTF-8 without NUL; stop at an embedded one */
	dst[strnlen(dst, k)] = '\0';
}

/* Walk options o[0..n): code, length, value padded to 4. */
static int walk_opts(struct nlrs_pcap_reader *r, const uint8_t *o, size_t n,
		     int (*cb)(void *ctx, uint16_t code, const uint8_t *v, uint16_t len), void *ctx)
{
	size_t i = 0;

	while (n - i >= 4) {
		uint16_t code = g16(r, o + i), len = g16(r, o + i + 2);
		size_t padded = ((size_t)len + 3) & ~(size_t)3;

		if (code == OPT_ENDOFOPT)
			return 0;
		/* Lie: an option value running past its block. */
		if (padded > n - i - 4)
			return -NLRS_EIO;
		if (cb) {
			int e = cb(ctx, code, o + i + 4, len);

			if (e < 0)
				return e;
		}
		i += 4 + padded;
	}
	return 0;
}

struct idb_ctx {
	struct nlrs_pcap_reader *r;
	struct iface *f;
};

static int idb_opt(void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct idb_ctx *c = ctx;

	switch (code) {
	case IF_NAME:
		copy_str(c->f->pub.name, sizeof c->f->pub.name, v, len);
		break;
	case IF_DESCRIPTION:
		copy_str(c->f->pub.descr, sizeof c->f->pub.descr, v, len);
		break;
	case IF_TSRESOL:
		if (len >= 1 && set_tsresol(c->f, v[0]) < 0)
			return -NLRS_EIO;
		break;
	case IF_TSOFFSET:
		if (len >= 8) {
			uint64_t x;

			memcpy(&x, v, 8);
			if (c->r->swap)
				x = (uint64_t)bswap32((uint32_t)x) << 32 | bswap32((uint32_t)(x >> 32));
			c->f->pub.tsoffset = (int64_t)x;
		}
		break;
	default:
		break;
	}
	return 0;
}

static int add_iface(struct nlrs_pcap_reader *r, const uint8_t *body, size_t n)
{
	struct iface f;
	struct idb_ctx c = { r, &f };
	int e;

	/* Lie: an IDB shorter than its fixed fields. */
	if (n < 8)
		return -NLRS_EIO;
	if (r->nif >= NG_MAX_IFACES)
		return -NLRS_EMSGSIZE;
	memset(&f, 0, sizeof f);
	f.pub.linktype = g16(r, body);
	f.pub.snaplen = g32(r, body + 4);
	set_tsresol(&f, 6);
	e = walk_opts(r, body + 8, n - 8, idb_opt, &c);
	if (e < 0)
		return e;
	if (r->nif == r->ifcap) {
		unsigned nc = r->ifcap ? r->ifcap * 2 : 4;
		struct iface *ni = realloc(r->ifs, nc * sizeof *ni);

		if (!ni)
			return -NLRS_ENOMEM;
		r->ifs = ni;
		r->ifcap = nc;
	}
	r->ifs[r->nif++] = f;
	if (r->nif == 1) {
		r->linktype = f.pub.linktype;
		r->snaplen = f.pub.snaplen;
		r->nsec = f.units > 1000000u;
	}
	return 0;
}

/* Read an SHB at the current position (its type already seen). */
static int read_shb(struct nlrs_pcap_reader *r)
{
	const uint8_t *p;
	uint32_t bom, len;
	int e = peek(r, 12, &p);

	if (e <= 0)
		return e < 0 ? e : -NLRS_EIO;
	memcpy(&bom, p + 8, 4);
	if (bom == NG_BOM)
		r->swap = false;
	else if (bswap32(bom) == NG_BOM)
		r->swap = true;
	else
		return -NLRS_EPROTONOSUPPORT;
	len = g32(r, p + 4);
	/* Lie: an SHB shorter than its fixed part, or not a multiple of 4. */
	if (len < 28 || len % 4 || len > NG_MAX_BLOCK)
		return -NLRS_EIO;
	e = peek(r, len, &p);
	if (e <= 0)
		return -NLRS_EIO;
	if (g32(r, p + len - 4) != len)
		return -NLRS_EIO;
	/* version 1.x (1.2 exists in the wild; only the major matters) */
	if (g16(r, p + 12) != 1)
		return -NLRS_EPROTONOSUPPORT;
	r->nif = 0;
	r->sections++;
	skip(r, len);
	return 0;
}

/* Timestamp in units since 1970 -> seconds + nanoseconds. */
static void ts_convert(const struct iface *f, uint64_t ts, struct nlrs_pcap_rec *rec)
{
	uint64_t sec = ts / f->units, frac = ts % f->units, ns;

	if (f->pow2) {
		if (f->exp <= 34)
			ns = (frac * 1000000000u) >> f->exp;
		else
			ns = ((frac >> (f->exp - 34)) * 1000000000u) >> 34;
	} else if (f->exp <= 9) {
		uint64_t m = 1;

		for (unsigned i = f->exp; i < 9; i++)
			m *= 10;
		ns = frac * m;
	} else {
		uint64_t dv = 1;

		for (unsigned i = 9; i < f->exp; i++)
			dv *= 10;
		ns = frac / dv;
	}
	rec->ts_sec = (int64_t)sec + f->pub.tsoffset;
	rec->ts_nsec = (uint32_t)ns;
}

struct epb_ctx {
	struct nlrs_pcap_reader *r;
	uint32_t flags;
};

static int epb_opt(void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct epb_ctx *c = ctx;

	if (code == EPB_FLAGS && len >= 4)
		c->flags = g32(c->r, v);
	return 0;
}

static int next_ng(struct nlrs_pcap_reader *r, struct nlrs_pcap_rec *rec)
{
	for (;;) {
		const uint8_t *p, *body;
		uint32_t type, len;
		size_t n;
		int e = peek(r, 8, &p);

		if (e <= 0)
			return e;
		memcpy(&type, p, 4); /* the SHB type reads the same in both orders */
		if (type == NG_SHB) {
			e = read_shb(r);
			if (e < 0)
				return e;
			continue;
		}
		type = g32(r, p);
		len = g32(r, p + 4);
		/* Lie: a block shorter than its own framing, misaligned, or
		 * larger than any packet this reader accepts. */
		if (len < 12 || len % 4)
			return -NLRS_EIO;
		if (len > NG_MAX_BLOCK)
			return -NLRS_EMSGSIZE;
		e = peek(r, len, &p);
		if (e <= 0)
			return -NLRS_EIO;
		/* Lie: the trailing length differs (the block is not what
		 * it says, or the file is misframed from here on). */
		if (g32(r, p + len - 4) != len)
			return -NLRS_EIO;
		body = p + 8;
		n = len - 12;
		switch (type) {
		case NG_IDB:
			e = add_iface(r, body, n);
			skip(r, len);
			if (e < 0)
				return e;
			continue;
		case NG_EPB:
		case NG_PB: {
			uint32_t ifid, cap, orig, hi, lo;
			struct epb_ctx c = { r, 0 };
			size_t pad;

			/* Lie: shorter than the fixed fields. */
			if (n < 20)
				return -NLRS_EIO;
			if (type == NG_EPB) {
				ifid = g32(r, body);
			} else {
				ifid = g16(r, body);
			}
			hi = g32(r, body + 4);
			lo = g32(r, body + 8);
			cap = g32(r, body + 12);
			orig = g32(r, body + 16);
			pad = ((size_t)cap + 3) & ~(size_t)3;
			/* Lie: captured data running past the block. */
			if (cap > n - 20 || pad > n - 20)
				return -NLRS_EIO;
			/* Lie: an interface that was never described. */
			if (ifid >= r->nif)
				return -NLRS_EIO;
			if (cap > NLRS_PCAP_MAX_RECORD)
				return -NLRS_EMSGSIZE;
			if (type == NG_EPB) {
				e = walk_opts(r, body + 20 + pad, n - 20 - pad, epb_opt, &c);
				if (e < 0)
					return e;
			}
			ts_convert(&r->ifs[ifid], (uint64_t)hi << 32 | lo, rec);
			rec->caplen = cap;
			rec->wirelen = orig;
			rec->linktype = r->ifs[ifid].pub.linktype;
			rec->ifindex = ifid;
			rec->flags = c.flags;
			rec->data = body + 20;
			skip(r, len);
			return 1;
		}
		case NG_SPB: {
			uint32_t orig, cap;

			/* Lie: an SPB without its length, or with no interface. */
			if (n < 4 || r->nif == 0)
				return -NLRS_EIO;
			orig = g32(r, body);
			/* the captured length is what the block holds, bounded by
			 * the original length and interface 0's snap length */
			cap = (uint32_t)(n - 4);
			if (orig < cap)
				cap = orig;
			if (r->ifs[0].pub.snaplen && cap > r->ifs[0].pub.snaplen)
				cap = r->ifs[0].pub.snaplen;
			if (cap > NLRS_PCAP_MAX_RECORD)
				return -NLRS_EMSGSIZE;
			rec->ts_sec = 0;
			rec->ts_nsec = 0;
			rec->caplen = cap;
			rec->wirelen = orig;
			rec->linktype = r->ifs[0].pub.linktype;
			rec->ifindex = 0;
			rec->flags = 0;
			rec->data = body + 4;
			skip(r, len);
			return 1;
		}
		default:
			r->skipped++;
			skip(r, len);
			continue;
		}
	}
}

/* ---- classic pcap ---- */

static int next_classic(struct nlrs_pcap_reader *r, struct nlrs_pcap_rec *rec)
{
	const uint8_t *p;
	uint32_t sec, frac, cap, orig;
	int e = peek(r, PCAP_REC_LEN, &p);

	if (e <= 0)
		return e;
	sec = g32(r, p);
	frac = g32(r, p + 4);
	cap = g32(r, p + 8);
	orig = g32(r, p + 12);
	/* Lie: a record larger than any this reader (or libpcap) accepts;
	 * the rest of the file cannot be framed. */
	if (cap > NLRS_PCAP_MAX_RECORD)
		return -NLRS_EMSGSIZE;
	e = peek(r, PCAP_REC_LEN + (size_t)cap, &p);
	if (e <= 0)
		return -NLRS_EIO;
	/* a fraction of a second or more (a broken writer) carries into
	 * the seconds, so ts_nsec stays below 10^9 */
	if (r->nsec) {
		rec->ts_sec = (int64_t)sec + frac / 1000000000u;
		rec->ts_nsec = frac % 1000000000u;
	} else {
		rec->ts_sec = (int64_t)sec + frac / 1000000u;
		rec->ts_nsec = frac % 1000000u * 1000u;
	}
	rec->caplen = cap;
	rec->wirelen = orig;
	rec->linktype = r->linktype;
	rec->ifindex = 0;
	rec->flags = 0;
	rec->data = p + PCAP_REC_LEN;
	skip(r, PCAP_REC_LEN + (size_t)cap);
	return 1;
}

static int read_header(struct nlrs_pcap_reader *r)
{
	const uint8_t *p;
	uint32_t m;
	int e = peek(r, 4, &p);

	if (e <= 0)
		return e < 0 ? e : -NLRS_EPROTONOSUPPORT;
	memcpy(&m, p, 4);
	if (m == NG_SHB) {
		r->fmt = NLRS_PCAP_NG;
		e = read_shb(r);
		if (e < 0)
			return e;
		/* read ahead to the first IDB so the link type is known */
		for (;;) {
			uint32_t type, len;

			e = peek(r, 8, &p);
			if (e <= 0)
				return e < 0 ? e : 0;
			type = g32(r, p);
			len = g32(r, p + 4);
			if (type != NG_IDB || len < 20 || len % 4 || len > NG_MAX_BLOCK)
				return 0;
			e = peek(r, len, &p);
			if (e <= 0 || g32(r, p + len - 4) != len)
				return -NLRS_EIO;
			e = add_iface(r, p + 8, len - 12);
			if (e < 0)
				return e;
			skip(r, len);
		}
	}
	r->fmt = NLRS_PCAP_CLASSIC;
	if (m == PCAP_MAGIC_US || m == PCAP_MAGIC_NS) {
		r->swap = false;
	} else if (bswap32(m) == PCAP_MAGIC_US || bswap32(m) == PCAP_MAGIC_NS) {
		r->swap = true;
		m = bswap32(m);
	} else {
		return -NLRS_EPROTONOSUPPORT;
	}
	r->nsec = m == PCAP_MAGIC_NS;
	e = peek(r, PCAP_HDR_LEN, &p);
	if (e <= 0)
		return -NLRS_EIO;
	if (g16(r, p + 4) != 2)
		return -NLRS_EPROTONOSUPPORT;
	r->snaplen = g32(r, p + 16);
	/* The FCS-length bits above the link type (draft-ietf-opsawg-pcap 4) */
	r->linktype = g32(r, p + 20) & 0xffffu;
	r->sections = 1;
	r->nif = 0;
	skip(r, PCAP_HDR_LEN);
	return 0;
}

static int finish_open(struct nlrs_pcap_reader **out, struct nlrs_pcap_reader *r)
{
	int e = read_header(r);

	if (e < 0) {
		nlrs_pcap_close(r);
		return e;
	}
	*out = r;
	return 0;
}

int nlrs_pcap_open_mem(struct nlrs_pcap_reader **out, const void *buf, size_t len)
{
	struct nlrs_pcap_reader *r;

	if (!out || (!buf && len))
		return -NLRS_EINVAL;
	r = calloc(1, sizeof *r);
	if (!r)
		return -NLRS_ENOMEM;
	r->mem = buf ? buf : (const uint8_t *)"";
	r->memlen = len;
	r->size = len;
	return finish_open(out, r);
}

int nlrs_pcap_fopen(struct nlrs_pcap_reader **out, FILE *fp, bool close_fp)
{
	struct nlrs_pcap_reader *r;
	struct stat st;

	if (!out || !fp)
		return -NLRS_EINVAL;
	r = calloc(1, sizeof *r);
	if (!r)
		return -NLRS_ENOMEM;
	r->fp = fp;
	r->close_fp = close_fp;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
		r->size = (uint64_t)st.st_size;
	return finish_open(out, r);
}

int nlrs_pcap_open(struct nlrs_pcap_reader **out, const char *path)
{
	struct nlrs_pcap_reader *r;
	struct stat st;
	FILE *fp;

	if (!out || !path)
		return -NLRS_EINVAL;
	if (strcmp(path, "-") == 0)
		return nlrs_pcap_fopen(out, stdin, false);
	fp = fopen(path, "rb");
	if (!fp)
		return -errno;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(fp), 0);

		if (m != MAP_FAILED) {
			(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			fclose(fp);
			r = calloc(1, sizeof *r);
			if (!r) {
				munmap(m, (size_t)st.st_size);
				return -NLRS_ENOMEM;
			}
			r->mem = m;
			r->memlen = (size_t)st.st_size;
			r->mapped = true;
			r->size = (uint64_t)st.st_size;
			return finish_open(out, r);
		}
	}
	return nlrs_pcap_fopen(out, fp, true);
}

int nlrs_pcap_next(struct nlrs_pcap_reader *r, struct nlrs_pcap_rec *rec)
{
	int e;

	if (!r || !rec)
		return -NLRS_EINVAL;
	if (r->err)
		return r->err;
	e = r->fmt == NLRS_PCAP_NG ? next_ng(r, rec) : next_classic(r, rec);
	if (e < 0)
		r->err = e;
	return e;
}

enum nlrs_pcap_format nlrs_pcap_reader_format(const struct nlrs_pcap_reader *r) { return r->fmt; }
bool nlrs_pcap_reader_swapped(const struct nlrs_pcap_reader *r) { return r->swap; }
bool nlrs_pcap_reader_nsec(const struct nlrs_pcap_reader *r) { return r->nsec; }
uint32_t nlrs_pcap_reader_linktype(const struct nlrs_pcap_reader *r) { return r->linktype; }
uint32_t nlrs_pcap_reader_snaplen(const struct nlrs_pcap_reader *r) { return r->snaplen; }
uint64_t nlrs_pcap_reader_skipped(const struct nlrs_pcap_reader *r) { return r->skipped; }
unsigned nlrs_pcap_reader_sections(const struct nlrs_pcap_reader *r) { return r->sections; }
uint64_t nlrs_pcap_reader_offset(const struct nlrs_pcap_reader *r) { return offset(r); }
uint64_t nlrs_pcap_reader_size(const struct nlrs_pcap_reader *r) { return r->size; }

unsigned nlrs_pcap_reader_niface(const struct nlrs_pcap_reader *r)
{
	return r->fmt == NLRS_PCAP_CLASSIC ? 1 : r->nif;
}

int nlrs_pcap_reader_iface(const struct nlrs_pcap_reader *r, unsigned idx,
			   struct nlrs_pcap_iface *out)
{
	if (r->fmt == NLRS_PCAP_CLASSIC) {
		if (idx != 0)
			return -NLRS_ENOENT;
		memset(out, 0, sizeof *out);
		out->linktype = r->linktype;
		out->snaplen = r->snaplen;
		out->tsresol = r->nsec ? 9 : 6;
		return 0;
	}
	if (idx >= r->nif)
		return -NLRS_ENOENT;
	*out = r->ifs[idx].pub;
	return 0;
}

void nlrs_pcap_close(struct nlrs_pcap_reader *r)
{
	if (!r)
		return;
	if (r->mapped)
		munmap((void *)(uintptr_t)r->mem, r->memlen);
	if (r->fp && r->close_fp)
		fclose(r->fp);
	free(r->buf);
	free(r->ifs);
	free(r);
}

/* ---- writing ---- */

struct nlrs_pcap_writer {
	FILE *fp;
	bool close_fp;
	enum nlrs_pcap_format fmt;
	bool swap, nsec;
	uint32_t snaplen;
	unsigned nif;
	int err;
};

static void w16(const struct nlrs_pcap_writer *w, uint8_t *p, uint16_t v)
{
	if (w->swap)
		v = bswap16(v);
	memcpy(p, &v, 2);
}

static void w32(const struct nlrs_pcap_writer *w, uint8_t *p, uint32_t v)
{
	if (w->swap)
		v = bswap32(v);
	memcpy(p, &v, 4);
}

static int wr(struct nlrs_pcap_writer *w, const void *p, size_t n)
{
	if (w->err)
		return w->err;
	if (n && fwrite(p, 1, n, w->fp) != n)
		w->err = errno ? -errno : -NLRS_EIO;
	return w->err;
}

/* One option: code, length, value, padding. Returns bytes written to o. */
static size_t put_opt(const struct nlrs_pcap_writer *w, uint8_t *o, uint16_t code,
		      const void *v, uint16_t len)
{
	size_t padded = ((size_t)len + 3) & ~(size_t)3;

	w16(w, o, code);
	w16(w, o + 2, len);
	memset(o + 4, 0, padded);
	if (len)
		memcpy(o + 4, v, len);
	return 4 + padded;
}

static uint16_t strlen16(const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	return (uint16_t)n;
}

static int write_block(struct nlrs_pcap_writer *w, uint32_t type, const uint8_t *body, size_t n)
{
	uint8_t h[8], t[4];
	uint32_t len = (uint32_t)(12 + n);

	w32(w, h, type);
	w32(w, h + 4, len);
	w32(w, t, len);
	wr(w, h, 8);
	wr(w, body, n);
	return wr(w, t, 4);
}

int nlrs_pcap_add_iface(struct nlrs_pcap_writer *w, uint32_t linktype, uint32_t snaplen,
			const char *name)
{
	uint8_t b[8 + 4 + 256 + 8 + 4];
	size_t n = 8;
	uint16_t nl = strlen16(name, 255);

	if (!w)
		return -NLRS_EINVAL;
	if (w->fmt != NLRS_PCAP_NG)
		return -NLRS_EOPNOTSUPP;
	if (w->err)
		return w->err;
	w16(w, b, (uint16_t)linktype);
	w16(w, b + 2, 0);
	w32(w, b + 4, snaplen ? snaplen : 262144u);
	if (nl)
		n += put_opt(w, b + n, IF_NAME, name, nl);
	if (w->nsec) {
		uint8_t res = 9;

		n += put_opt(w, b + n, IF_TSRESOL, &res, 1);
	}
	n += put_opt(w, b + n, OPT_ENDOFOPT, NULL, 0);
	if (write_block(w, NG_IDB, b, n) < 0)
		return w->err;
	return (int)w->nif++;
}

int nlrs_pcap_wfopen(struct nlrs_pcap_writer **out, FILE *fp, bool close_fp,
		     const struct nlrs_pcap_wopts *o)
{
	struct nlrs_pcap_writer *w;
	int e;

	if (!out || !fp || !o)
		return -NLRS_EINVAL;
	w = calloc(1, sizeof *w);
	if (!w)
		return -NLRS_ENOMEM;
	w->fp = fp;
	w->close_fp = close_fp;
	w->fmt = o->format ? o->format : NLRS_PCAP_CLASSIC;
	w->swap = o->swap;
	w->nsec = o->nsec;
	w->snaplen = o->snaplen ? o->snaplen : 262144u;
	if (w->fmt == NLRS_PCAP_CLASSIC) {
		uint8_t h[PCAP_HDR_LEN];

		w32(w, h, o->nsec ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
		w16(w, h + 4, 2);
		w16(w, h + 6, 4);
		w32(w, h + 8, 0);
		w32(w, h + 12, 0);
		w32(w, h + 16, w->snaplen);
		w32(w, h + 20, o->linktype);
		e = wr(w, h, sizeof h);
	} else if (w->fmt == NLRS_PCAP_NG) {
		uint8_t b[16 + 4 + 256 + 4];
		size_t n = 16;
		uint16_t al = strlen16(o->app, 255);

		w32(w, b, NG_BOM);
		w16(w, b + 4, 1);
		w16(w, b + 6, 0);
		memset(b + 8, 0xff, 8); /* section length unknown */
		if (al)
			n += put_opt(w, b + n, SHB_USERAPPL, o->app, al);
		n += put_opt(w, b + n, OPT_ENDOFOPT, NULL, 0);
		e = write_block(w, NG_SHB, b, n);
		if (e == 0) {
			e = nlrs_pcap_add_iface(w, o->linktype, w->snaplen, o->ifname);
			e = e < 0 ? e : 0;
		}
	} else {
		e = -NLRS_EINVAL;
	}
	if (e < 0) {
		if (close_fp)
			fclose(fp);
		free(w);
		return e;
	}
	*out = w;
	return 0;
}

int nlrs_pcap_create(struct nlrs_pcap_writer **out, const char *path,
		     const struct nlrs_pcap_wopts *o)
{
	FILE *fp;
	int e;

	if (!out || !path || !o)
		return -NLRS_EINVAL;
	if (strcmp(path, "-") == 0)
		return nlrs_pcap_wfopen(out, stdout, false, o);
	fp = fopen(path, "wb");
	if (!fp)
		return -errno;
	e = nlrs_pcap_wfopen(out, fp, true, o);
	return e;
}

int nlrs_pcap_write(struct nlrs_pcap_writer *w, const struct nlrs_pcap_rec *rec)
{
	uint32_t cap, orig;

	if (!w || !rec || (rec->caplen && !rec->data))
		return -NLRS_EINVAL;
	if (w->err)
		return w->err;
	cap = rec->caplen < w->snaplen ? rec->caplen : w->snaplen;
	orig = rec->wirelen < rec->caplen ? rec->caplen : rec->wirelen;
	if (w->fmt == NLRS_PCAP_CLASSIC) {
		uint8_t h[PCAP_REC_LEN];

		w32(w, h, (uint32_t)rec->ts_sec);
		w32(w, h + 4, w->nsec ? rec->ts_nsec : rec->ts_nsec / 1000u);
		w32(w, h + 8, cap);
		w32(w, h + 12, orig);
		wr(w, h, sizeof h);
		return wr(w, rec->data, cap);
	} else {
		uint8_t h[8 + 20], t[4], opts[12], pad[3] = { 0, 0, 0 };
		uint64_t ts;
		size_t padded = ((size_t)cap + 3) & ~(size_t)3, on = 0;
		uint32_t len;

		if (rec->ifindex >= w->nif)
			return -NLRS_EINVAL;
		if (rec->flags) {
			uint32_t f = rec->flags;
			uint8_t fv[4];

			w32(w, fv, f);
			on = put_opt(w, opts, EPB_FLAGS, fv, 4);
			on += put_opt(w, opts + on, OPT_ENDOFOPT, NULL, 0);
		}
		len = (uint32_t)(12 + 20 + padded + on);
		ts = (uint64_t)rec->ts_sec * (w->nsec ? 1000000000u : 1000000u) +
		     (w->nsec ? rec->ts_nsec : rec->ts_nsec / 1000u);
		w32(w, h, NG_EPB);
		w32(w, h + 4, len);
		w32(w, h + 8, rec->ifindex);
		w32(w, h + 12, (uint32_t)(ts >> 32));
		w32(w, h + 16, (uint32_t)ts);
		w32(w, h + 20, cap);
		w32(w, h + 24, orig);
		w32(w, t, len);
		wr(w, h, sizeof h);
		wr(w, rec->data, cap);
		wr(w, pad, padded - cap);
		wr(w, opts, on);
		return wr(w, t, 4);
	}
}

int nlrs_pcap_flush(struct nlrs_pcap_writer *w)
{
	if (!w)
		return -NLRS_EINVAL;
	if (!w->err && fflush(w->fp) != 0)
		w->err = errno ? -errno : -NLRS_EIO;
	return w->err;
}

int nlrs_pcap_writer_close(struct nlrs_pcap_writer *w)
{
	int e;

	if (!w)
		return 0;
	e = nlrs_pcap_flush(w);
	if (w->close_fp && fclose(w->fp) != 0 && !e)
		e = errno ? -errno : -NLRS_EIO;
	free(w);
	return e;
}
