/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The savefile calls nlrs-dump makes, adapted to the packet library's
 * reader and writer (sf.c). Errors come back as a message in err.
 */
#ifndef NLRS_DUMP_SF_H
#define NLRS_DUMP_SF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dump_pkt;

/* ---- reading ---- */
struct sf_reader;
/* Open a pcap or pcapng file ("-" is stdin). NULL with err set. */
struct sf_reader *sf_reader_open(const char *path, char *err, size_t errlen);
/* The next packet into *p (valid until the next call): 1, 0 at the end,
 * -1 with err set when the file is damaged (packets before it were good). */
int sf_reader_next(struct sf_reader *r, struct dump_pkt *p, char *err, size_t errlen);
/* Link type of the first interface, the snapshot length, and whether the
 * file is pcapng, for "reading from file ..." and for -w. */
int sf_reader_linktype(const struct sf_reader *r);
uint32_t sf_reader_snaplen(const struct sf_reader *r);
bool sf_reader_is_pcapng(const struct sf_reader *r);
/* Bytes consumed so far and the file size (0 if unknown), for progress. */
uint64_t sf_reader_offset(const struct sf_reader *r);
uint64_t sf_reader_size(const struct sf_reader *r);
void sf_reader_close(struct sf_reader *r);

/* ---- writing ---- */
struct sf_writer;
/* Create path ("-" is stdout) as pcap, or pcapng, for linktype. */
struct sf_writer *sf_open(const char *path, bool pcapng, int linktype, uint32_t snaplen, bool nano,
			  char *err, size_t errlen);
int sf_write(struct sf_writer *w, const struct dump_pkt *p, char *err, size_t errlen);
/* Bytes in the file so far, buffered ones included (tcpdump's ftell). */
int64_t sf_size(const struct sf_writer *w);
void sf_flush(struct sf_writer *w);
int sf_close(struct sf_writer *w, char *err, size_t errlen);

#endif
