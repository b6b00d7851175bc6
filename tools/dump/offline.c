/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * -r: savefiles read through the packet library (sf.c), not libpcap, so a
 * large file streams from big reads with no copy per packet. The filter
 * is compiled by libpcap for the link type of the packets
 * (pcap_open_dead + pcap_compile, once per link type: a pcapng file may
 * mix them) and run here with bpf_filter. A syntax error is reported
 * before anything is read, with libpcap's message.
 *
 * A progress line ("37% 1234567 packets") goes to stderr, refreshed twice
 * a second, when stderr is a terminal and the file is larger than 64 MiB.
 */
#include "dump.h"
#include "sf.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FILTER_SLOTS 16

struct dump_filter {
	char *expr;
	bool optimize;
	int snaplen;
	int n;
	struct {
		int linktype;
		bool ok;
		struct bpf_program prog;
	} slot[FILTER_SLOTS];
};

/* The DLT_ value libpcap's compiler wants for a savefile LINKTYPE_. */
static int linktype_to_dlt(int lt)
{
	switch (lt) {
	case 101:
		return DLT_RAW;
	case 100:
		return DLT_ATM_RFC1483;
	default:
		return lt;
	}
}

/* Compile for lt into a new slot; its index, or -1 (message printed). */
static int filter_compile(struct dump_filter *f, int lt, bool quiet_fail)
{
	pcap_t *dead;
	int i;

	if (f->n == FILTER_SLOTS) {
		dump_err("too many link types in one file for the filter");
		return -1;
	}
	i = f->n++;
	f->slot[i].linktype = lt;
	f->slot[i].ok = false;
	dead = pcap_open_dead(linktype_to_dlt(lt), f->snaplen);
	if (!dead) {
		dump_err("cannot compile the filter for link type %d", lt);
		return -1;
	}
	if (pcap_compile(dead, &f->slot[i].prog, f->expr, f->optimize, PCAP_NETMASK_UNKNOWN) < 0) {
		if (!quiet_fail)
			dump_err("%s", pcap_geterr(dead));
		else
			dump_warn("packets of link type %d skipped: %s", lt, pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	pcap_close(dead);
	f->slot[i].ok = true;
	return i;
}

struct dump_filter *filter_new(const char *expr, bool optimize, int snaplen)
{
	struct dump_filter *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (expr) {
		f->expr = strdup(expr);
		if (!f->expr) {
			free(f);
			return NULL;
		}
	}
	f->optimize = optimize;
	f->snaplen = snaplen;
	return f;
}

int filter_match(struct dump_filter *f, const struct dump_pkt *p)
{
	int i;

	if (!f->expr)
		return 1;
	for (i = 0; i < f->n; i++)
		if (f->slot[i].linktype == p->linktype)
			break;
	if (i == f->n) {
		i = filter_compile(f, p->linktype, true);
		if (i < 0)
			return -1;
	}
	if (!f->slot[i].ok)
		return -1;
	return bpf_filter(f->slot[i].prog.bf_insns, p->data, p->len, p->caplen) != 0;
}

void filter_free(struct dump_filter *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->n; i++)
		if (f->slot[i].ok)
			pcap_freecode(&f->slot[i].prog);
	free(f->expr);
	free(f);
}

struct progress {
	bool on;
	uint64_t size;
	struct timespec last;
};

static void progress_tick(struct progress *pg, const struct sf_reader *r, uint64_t n)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - pg->last.tv_sec) * 1000 + (now.tv_nsec - pg->last.tv_nsec) / 1000000;
	if (ms < 500)
		return;
	pg->last = now;
	fprintf(stderr, "\r%3u%% %llu packets",
		(unsigned)(sf_reader_offset(r) * 100 / (pg->size ? pg->size : 1)),
		(unsigned long long)n);
	fflush(stderr);
}

int run_offline(struct dump_opts *o)
{
	char err[512];
	struct sf_reader *rd;
	struct dump_filter *flt = NULL;
	struct dump_run r = { .o = o };
	struct dump_pkt p;
	struct progress pg = { 0 };
	uint64_t seen = 0;
	int rc = 1, lt, dlt, st;
	const char *name;

	rd = sf_reader_open(o->rfile, err, sizeof(err));
	if (!rd) {
		dump_err("%s", err);
		return 1;
	}
	lt = sf_reader_linktype(rd);
	flt = filter_new(o->filter, o->optimize, o->snaplen);
	if (!flt) {
		dump_err("out of memory");
		goto out;
	}
	/* a syntax error shows before any packet */
	if (o->filter && filter_compile(flt, lt, false) < 0)
		goto out;

	dlt = linktype_to_dlt(lt);
	name = pcap_datalink_val_to_name(dlt);
	if (name)
		fprintf(stderr, "reading from file %s, link-type %s (%s), snapshot length %u\n",
			strcmp(o->rfile, "-") ? o->rfile : "-", name,
			pcap_datalink_val_to_description(dlt), sf_reader_snaplen(rd));
	else
		fprintf(stderr, "reading from file %s, link-type %d, snapshot length %u\n",
			o->rfile, lt, sf_reader_snaplen(rd));

	if (lt == 276) /* LINKTYPE_LINUX_SLL2: interface indexes of the capturing host */
		fprintf(stderr, "Warning: interface names might be incorrect\n");
	if (privdrop(o, o->wfile != NULL) < 0)
		goto out;
	r.do_print = (!o->wfile || o->print) && !o->count_only;
	if (o->wfile) {
		/* the library's writer cuts records to the snapshot length it
		 * declares, and files may hold records longer than theirs: declare
		 * the largest, so that every record is written whole */
		uint32_t snap = sf_reader_snaplen(rd);
		r.w = writer_open(o, lt, snap > DUMP_MAX_SNAPLEN ? snap : DUMP_MAX_SNAPLEN);
		if (!r.w)
			goto out;
	}
	if (r.do_print && !o->fields && !o->json && !o->stats) {
		r.pr = printer_new(o);
		if (!r.pr) {
			dump_err("out of memory");
			goto out;
		}
	}
	if (r.do_print && o->fields)
		fields_header();
	if (isatty(STDERR_FILENO) && sf_reader_size(rd) > (64u << 20)) {
		pg.on = true;
		pg.size = sf_reader_size(rd);
		clock_gettime(CLOCK_MONOTONIC, &pg.last);
	}

	rc = 0;
	while ((st = sf_reader_next(rd, &p, err, sizeof(err))) > 0) {
		int m = filter_match(flt, &p);
		seen++;
		if (pg.on && (seen & 0xffff) == 0)
			progress_tick(&pg, rd, seen);
		if (m <= 0)
			continue;
		if (r.w && p.linktype != lt && !o->pcapng) {
			dump_err("%s: packet of link type %d in a pcap file of link type %d"
				 " (use --pcapng)", o->rfile, p.linktype, lt);
			r.failed = true;
			break;
		}
		if (run_packet(&r, &p))
			break;
	}
	if (pg.on)
		fprintf(stderr, "\r%*s\r", 40, "");
	if (r.do_print && o->stats)
		stats_print();
	if (st < 0) {
		out_flush();
		fprintf(stderr, "%s: pcap_loop: %s\n", dump_prog, err);
		rc = 1;
	}
	if (r.failed)
		rc = 1;
	if (o->count_only) {
		out_printf("%llu packet%s\n", (unsigned long long)r.captured,
			   r.captured == 1 ? "" : "s");
	}
out:
	out_flush();
	if (r.w && writer_close(r.w) < 0)
		rc = 1;
	if (r.pr)
		printer_free(r.pr);
	filter_free(flt);
	sf_reader_close(rd);
	return rc;
}
