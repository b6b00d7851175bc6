/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * -w FILE and tcpdump's rotation, writing through the packet library's
 * savefile writer (sf.c adapts it).
 *
 *   -C SIZE   before writing a packet, if the current file is already
 *             larger than SIZE, close it and open FILE1, FILE2, ...
 *             (the first file is FILE itself)
 *   -C with -W N   a ring of N files FILE0 .. FILE<N-1>, the number
 *             zero-padded to the width of N-1, reused from 0 when full
 *   -G SECS   FILE is an strftime(3) pattern filled with the local time;
 *             a new file every SECS seconds (on the next packet after
 *             them); with -C the size count restarts in each period
 *   -G with -W N (no -C)   stop after N files ("Maximum file limit
 *             reached: N" on stderr)
 *
 * Time for -G is the wall clock in a live capture, as tcpdump; when
 * reading a file (-r) it is the packets' own timestamps, so a capture can
 * be cut into periods after the fact (tcpdump uses the wall clock there
 * too, which makes -G useless with -r).
 */
#include "dump.h"
#include "sf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dump_writer {
	const struct dump_opts *o;
	struct sf_writer *sf;
	int linktype;
	uint32_t snaplen;
	int wchars;      /* digits of the -W ring numbers */
	int ccount;      /* number of the current -C file */
	int gcount;      /* -G files started after the first */
	int64_t gtime;   /* start of the current -G period */
	bool packet_time;
	bool opened;
	bool done;
	char name[PATH_MAX + 1];
};

static int wflag_chars(int w)
{
	int c = 0;

	for (w -= 1; w > 0; w /= 10)
		c++;
	return c;
}

/* tcpdump's MakeFilename: strftime with -G, then the number. */
static int make_name(struct dump_writer *w, int cnt, int chars)
{
	char base[PATH_MAX + 1];
	int n;

	if (w->o->gsecs) {
		time_t t = (time_t)w->gtime;
		struct tm tm;
		if (!localtime_r(&t, &tm)) {
			dump_err("cannot convert time %lld for -G", (long long)w->gtime);
			return -1;
		}
		if (strftime(base, sizeof(base), w->o->wfile, &tm) == 0 && *w->o->wfile) {
			dump_err("-w pattern %s gives an empty or too long name", w->o->wfile);
			return -1;
		}
	} else {
		if (strlen(w->o->wfile) > PATH_MAX) {
			dump_err("file name too long: %s", w->o->wfile);
			return -1;
		}
		strcpy(base, w->o->wfile);
	}
	if (cnt == 0 && chars == 0)
		n = snprintf(w->name, sizeof(w->name), "%s", base);
	else
		n = snprintf(w->name, sizeof(w->name), "%s%0*d", base, chars, cnt);
	if (n < 0 || (size_t)n >= sizeof(w->name)) {
		dump_err("too many output files or filename is too long (> %d)", PATH_MAX);
		return -1;
	}
	return 0;
}

static int open_current(struct dump_writer *w)
{
	char err[256];

	privdrop_dac(true);
	w->sf = sf_open(w->name, w->o->pcapng, w->linktype, w->snaplen, w->o->nano, err,
			sizeof(err));
	privdrop_dac(false);
	if (!w->sf) {
		dump_err("%s", err);
		return -1;
	}
	w->opened = true;
	return 0;
}

static int close_current(struct dump_writer *w)
{
	char err[256];
	int rc = 0;

	if (w->sf && sf_close(w->sf, err, sizeof(err)) < 0) {
		dump_err("%s", err);
		rc = -1;
	}
	w->sf = NULL;
	return rc;
}

struct dump_writer *writer_open(const struct dump_opts *o, int linktype, uint32_t snaplen)
{
	struct dump_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		dump_err("out of memory");
		return NULL;
	}
	w->o = o;
	w->linktype = linktype;
	w->snaplen = snaplen;
	w->wchars = o->wcount ? wflag_chars(o->wcount) : 0;
	w->packet_time = o->rfile != NULL;
	w->gtime = (int64_t)time(NULL);
	if (w->packet_time && o->gsecs) {
		/* the first file is named for the first packet: open lazily */
		return w;
	}
	if (make_name(w, 0, o->cbytes ? w->wchars : 0) < 0 || open_current(w) < 0) {
		free(w);
		return NULL;
	}
	if (!o->cbytes && !o->gsecs)
		privdrop_dac_forget();
	return w;
}

int writer_write(struct dump_writer *w, const struct dump_pkt *p)
{
	const struct dump_opts *o = w->o;
	char err[256];

	if (w->done)
		return 1;
	if (o->gsecs) {
		int64_t t = w->packet_time ? p->sec : (int64_t)time(NULL);
		if (!w->sf) { /* -r: the first packet names the first file */
			w->gtime = t;
			if (make_name(w, 0, o->cbytes ? w->wchars : 0) < 0 || open_current(w) < 0)
				return -1;
		} else if (t - w->gtime >= o->gsecs) {
			w->gtime = t;
			w->gcount++;
			if (close_current(w) < 0)
				return -1;
			if (!o->cbytes && o->wcount && w->gcount >= o->wcount) {
				out_flush();
				fprintf(stderr, "Maximum file limit reached: %d\n", o->wcount);
				w->done = true;
				return 1;
			}
			w->ccount = 0;
			if (make_name(w, 0, o->cbytes ? w->wchars : 0) < 0 || open_current(w) < 0)
				return -1;
		}
	}
	if (o->cbytes && sf_size(w->sf) > o->cbytes) {
		if (close_current(w) < 0)
			return -1;
		w->ccount++;
		if (o->wcount && w->ccount >= o->wcount)
			w->ccount = 0;
		if (make_name(w, w->ccount, w->wchars) < 0 || open_current(w) < 0)
			return -1;
	}
	if (sf_write(w->sf, p, err, sizeof(err)) < 0) {
		dump_err("%s", err);
		return -1;
	}
	return 0;
}

int writer_done(const struct dump_writer *w)
{
	return w->done;
}

void writer_flush(struct dump_writer *w)
{
	if (w->sf)
		sf_flush(w->sf);
}

int writer_close(struct dump_writer *w)
{
	int rc;

	if (!w)
		return 0;
	if (!w->opened && !w->done) {
		/* -r with -G and no packet: still leave the (empty) file */
		w->gtime = (int64_t)time(NULL);
		if (make_name(w, 0, w->o->cbytes ? w->wchars : 0) == 0)
			(void)open_current(w);
	}
	rc = close_current(w);
	free(w);
	return rc;
}
