/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Savefiles: read classic pcap (both byte orders, microsecond and
 * nanosecond timestamps) and pcapng (section header, interface
 * description, enhanced and simple packet blocks, any number of
 * interfaces with their own link types, snap lengths and timestamp
 * resolutions, both byte orders, several sections; blocks it does not
 * know are skipped); write pcap and pcapng that tcpdump and tshark open.
 * Hosted (stdio). Part of libnlrs; see also nlrs/packet.h.
 *
 *   struct nlrs_pcap_reader *r;
 *   struct nlrs_pcap_rec rec;
 *   if (nlrs_pcap_open(&r, "x.pcapng") == 0) {
 *       while (nlrs_pcap_next(r, &rec) > 0)
 *           nlrs_pkt_decode(&pkt, rec.linktype, rec.data, rec.caplen, rec.wirelen, NULL);
 *       nlrs_pcap_close(r);
 *   }
 *
 * Errors are negative errno values (nlrs/errno.h): -NLRS_ENOENT and the
 * like from opening, -NLRS_EPROTONOSUPPORT for a file that is neither
 * pcap nor pcapng (or a version this reader does not know), -NLRS_EIO for
 * a read error or a block/record whose lengths lie (a truncated last
 * record included), -NLRS_EMSGSIZE for a record over the reader's limit,
 * -NLRS_ENOMEM. After an error, nlrs_pcap_next keeps returning it.
 *
 * Threads: one reader or writer per thread at a time; distinct ones are
 * independent.
 */
#ifndef NLRS_PCAPFILE_H
#define NLRS_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "nlrs/errno.h"

#ifdef __cplusplus
extern "C" {
#endif

enum nlrs_pcap_format {
	NLRS_PCAP_CLASSIC = 1, /* libpcap savefile, magic a1b2c3d4 (usec) / a1b23c4d (nsec) */
	NLRS_PCAP_NG = 2,      /* pcapng */
};

/* Records larger than this are refused (-NLRS_EMSGSIZE): 256 KiB is
 * libpcap's own ceiling for all but a few link types. */
#define NLRS_PCAP_MAX_RECORD (256u * 1024u)

/* One packet record. */
struct nlrs_pcap_rec {
	int64_t ts_sec;       /* seconds since 1970 (UTC) */
	uint32_t ts_nsec;     /* 0..999999999, converted from the file's resolution (a pcap
			       * fraction of a second or more carries into ts_sec) */
	uint32_t caplen;      /* bytes in data */
	uint32_t wirelen;     /* original length (>= caplen as written; not enforced on read) */
	uint32_t linktype;    /* NLRS_LINKTYPE_* of the interface */
	uint32_t ifindex;     /* pcapng interface index in its section; 0 for pcap */
	uint32_t flags;       /* pcapng epb_flags (bits 0-1 direction: 1 in, 2 out); 0 if none */
	const uint8_t *data;  /* reader: valid until the next call on the reader.
			       * writer: the bytes to write */
};

/* An interface (pcap: the file header's one). */
struct nlrs_pcap_iface {
	uint32_t linktype;
	uint32_t snaplen;     /* 0 = unlimited (pcapng) */
	uint8_t tsresol;      /* pcapng if_tsresol as found (6 = usec, 9 = nsec, 0x80|n = 2^-n) */
	int64_t tsoffset;     /* pcapng if_tsoffset seconds */
	char name[64];        /* if_name, "" if none (cut to 63 bytes) */
	char descr[64];       /* if_description, "" if none */
};

/* ---- reading ---- */
struct nlrs_pcap_reader;

/* Open a file ("-" is standard input). The file is mapped when it is a
 * regular file, else read through a buffer. Returns 0 and *r, or a
 * negative error (nothing to close then). */
int nlrs_pcap_open(struct nlrs_pcap_reader **r, const char *path);
/* Read from an open stream (not closed by nlrs_pcap_close unless
 * close_fp). */
int nlrs_pcap_fopen(struct nlrs_pcap_reader **r, FILE *fp, bool close_fp);
/* Read from memory buf[0..len), which must outlive the reader (records
 * point into it). */
int nlrs_pcap_open_mem(struct nlrs_pcap_reader **r, const void *buf, size_t len);

/* Next packet: 1 and *rec filled, 0 at the end of the file, or a negative
 * error. Blocks other than packets are taken in (interfaces) or skipped.
 * A record whose caplen exceeds its interface's snaplen is still returned
 * (tcpdump reads such files). */
int nlrs_pcap_next(struct nlrs_pcap_reader *r, struct nlrs_pcap_rec *rec);

enum nlrs_pcap_format nlrs_pcap_reader_format(const struct nlrs_pcap_reader *r);
/* True when the file's byte order is not this host's. */
bool nlrs_pcap_reader_swapped(const struct nlrs_pcap_reader *r);
/* pcap: true for the nanosecond magic. pcapng: true when the first
 * interface's resolution is finer than a microsecond. */
bool nlrs_pcap_reader_nsec(const struct nlrs_pcap_reader *r);
/* Link type of the first interface (pcap: the header's), or 0 when the
 * pcapng file has none yet. Known after open for pcap and, for pcapng,
 * once its first interface block was read (open reads ahead to it). */
uint32_t nlrs_pcap_reader_linktype(const struct nlrs_pcap_reader *r);
uint32_t nlrs_pcap_reader_snaplen(const struct nlrs_pcap_reader *r);
/* Interfaces of the current section seen so far. */
unsigned nlrs_pcap_reader_niface(const struct nlrs_pcap_reader *r);
int nlrs_pcap_reader_iface(const struct nlrs_pcap_reader *r, unsigned idx,
			   struct nlrs_pcap_iface *out); /* 0 / -NLRS_ENOENT */
/* Counters: blocks skipped (unknown or not needed), sections seen. */
uint64_t nlrs_pcap_reader_skipped(const struct nlrs_pcap_reader *r);
unsigned nlrs_pcap_reader_sections(const struct nlrs_pcap_reader *r);
/* Bytes consumed so far and the file size (0 if not known: a pipe). */
uint64_t nlrs_pcap_reader_offset(const struct nlrs_pcap_reader *r);
uint64_t nlrs_pcap_reader_size(const struct nlrs_pcap_reader *r);

void nlrs_pcap_close(struct nlrs_pcap_reader *r);

/* ---- writing ---- */
struct nlrs_pcap_writer;

struct nlrs_pcap_wopts {
	enum nlrs_pcap_format format; /* 0 means NLRS_PCAP_CLASSIC */
	uint32_t linktype;    /* pcap: the file's; pcapng: interface 0 (added at create) */
	uint32_t snaplen;     /* 0: 262144 */
	bool nsec;            /* nanosecond timestamps (pcap magic a1b23c4d; pcapng if_tsresol 9) */
	bool swap;            /* write in the opposite byte order to this host's (for tests) */
	const char *ifname;   /* pcapng: if_name of interface 0, or NULL */
	const char *app;      /* pcapng: shb_userappl, or NULL */
};

/* Create/truncate `path` ("-" is standard output) and write the file
 * header (and pcapng SHB + first IDB). 0 and *w, or a negative error. */
int nlrs_pcap_create(struct nlrs_pcap_writer **w, const char *path,
		     const struct nlrs_pcap_wopts *o);
/* Write to an open stream (closed by nlrs_pcap_writer_close if close_fp). */
int nlrs_pcap_wfopen(struct nlrs_pcap_writer **w, FILE *fp, bool close_fp,
		     const struct nlrs_pcap_wopts *o);
/* pcapng: add an interface; returns its index (>= 1 after the first), or
 * -NLRS_EOPNOTSUPP for classic pcap, or a write error. */
int nlrs_pcap_add_iface(struct nlrs_pcap_writer *w, uint32_t linktype, uint32_t snaplen,
			const char *name);
/* Write one record. rec->caplen bytes of rec->data are written, cut to
 * the snaplen (the original length is kept in wirelen, raised to caplen
 * if below). pcap: ifindex and flags are ignored; pcapng: ifindex must
 * name an interface (-NLRS_EINVAL otherwise) and flags != 0 is written as
 * epb_flags. 0 or a negative error (-NLRS_EIO, -NLRS_ENOSPC ...). */
int nlrs_pcap_write(struct nlrs_pcap_writer *w, const struct nlrs_pcap_rec *rec);
int nlrs_pcap_flush(struct nlrs_pcap_writer *w);
/* Flush and close; returns 0 or the first error met while writing. */
int nlrs_pcap_writer_close(struct nlrs_pcap_writer *w);

#ifdef __cplusplus
}
#endif
#endif
