/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrs-dump internals: the options, and the calls between its files.
 *
 *   main.c      options, --help/--version, the run
 *   live.c      -i/-D: libpcap capture, kernel BPF filter, statistics
 *   offline.c   -r: savefiles read through the packet library, BPF filter
 *               compiled by libpcap and run in userspace
 *   privdrop.c  dropping root after the capture is open (-Z)
 *   writer.c    -w with -C/-G/-W rotation, through the packet library
 *   print.c     tcpdump-style lines from the library's decoded layers
 *   fields.c    --fields: one tab-separated record a packet, for tests
 *   json.c      --json: one JSON object a packet
 *   stats.c     --stats: protocols, conversations, top talkers at the end
 *   hexdump.c   -x/-X/-A
 *   ts.c        -t styles
 *   out.c       the output buffer and formatters
 */
#ifndef NLRS_DUMP_H
#define NLRS_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out.h"

#define DUMP_DEFAULT_SNAPLEN 262144
#define DUMP_MAX_SNAPLEN 262144

enum ts_mode {
	TS_DEFAULT = 0,    /* HH:MM:SS.frac */
	TS_NONE = 1,       /* -t */
	TS_UNIX = 2,       /* -tt */
	TS_DELTA = 3,      /* -ttt */
	TS_DATE = 4,       /* -tttt */
	TS_SINCE_FIRST = 5 /* -ttttt */
};

struct dump_opts {
	const char *prog;
	const char *iface;       /* -i */
	const char *rfile;       /* -r */
	const char *wfile;       /* -w */
	const char *filter_file; /* -F */
	const char *user;        /* -Z; NULL = default */
	char *filter;            /* the expression (owned), or NULL */
	bool pcapng;             /* --pcapng */
	long count;              /* -c; 0 = no limit */
	bool numeric;            /* -n */
	int verbose;             /* -v */
	bool eflag;              /* -e */
	int xflag, Xflag, Aflag; /* -x -X -A (twice: with the link header) */
	int snaplen;             /* -s; 0 = default */
	int qflag;               /* -q */
	int tflag;               /* enum ts_mode */
	bool nano;               /* --nano */
	int64_t cbytes;          /* -C, in bytes; 0 = off */
	int gsecs;               /* -G; 0 = off */
	int wcount;              /* -W; 0 = off */
	bool list_ifaces;        /* -D */
	bool promisc;            /* not -p */
	bool lbuf;               /* -l */
	bool abs_seq;            /* -S */
	bool no_cksum;           /* -K */
	bool number;             /* -# */
	bool immediate;          /* --immediate-mode */
	bool print;              /* --print: print while writing */
	bool pbuf;               /* -U */
	bool count_only;         /* --count */
	int buffer_kib;          /* -B */
	int direction;           /* -Q: 0 inout, 1 in, 2 out */
	bool fields;             /* --fields */
	bool json;               /* --json */
	bool stats;              /* --stats */
	bool optimize;           /* not -O */
};

/* ---- ts.c ---- */
struct ts_state {
	int mode;
	bool nano;
	bool have_ref;
	int64_t ref_sec;
	uint32_t ref_nsec;
	bool min_valid;
	int64_t min_start; /* epoch second where the cached local minute starts */
	char date[11];     /* "YYYY-MM-DD " */
	char hm[6];        /* "HH:MM:" */
};
void ts_init(struct ts_state *t, int mode, bool nano);
/* The timestamp and its trailing space (nothing with TS_NONE). */
void ts_print(struct ts_state *t, int64_t sec, uint32_t nsec);

/* ---- hexdump.c ---- */
void hex_print(const uint8_t *d, size_t n);
/* hex_print with another line start than "\n\t" (at most 16 bytes) */
void hex_print_ident(const char *ident, const uint8_t *d, size_t n);
void hex_ascii_print(const uint8_t *d, size_t n);
void ascii_print(const uint8_t *d, size_t n);

/* ---- privdrop.c ---- */
/* Drop root (when running as root) to opts->user, or by default to
 * "tcpdump" if it exists, else "nobody"; "root" keeps root. keep_dac:
 * keep CAP_DAC_OVERRIDE in the permitted set so that rotated -w files can
 * still be created where root could (privdrop_dac(true/false) raises and
 * lowers it). 0, or -1 with a message on stderr. */
int privdrop(const struct dump_opts *o, bool keep_dac);
void privdrop_dac(bool on);
/* No further file will be opened: give CAP_DAC_OVERRIDE up for good. */
void privdrop_dac_forget(void);

/* ---- errors ---- */
extern const char *dump_prog;
void dump_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dump_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- a captured packet, however it came ---- */
struct dump_pkt {
	int64_t sec;
	uint32_t nsec;
	uint32_t caplen;
	uint32_t len;
	int linktype;     /* LINKTYPE_* */
	uint32_t ifindex; /* pcapng interface, 0 otherwise */
	const uint8_t *data;
};

/* ---- writer.c ---- */
struct dump_writer;
/* Open the first -w file (rotation by opts). NULL with a message on error. */
struct dump_writer *writer_open(const struct dump_opts *o, int linktype, uint32_t snaplen);
/* Write one packet, rotating first if due. 0, or -1 with a message (fatal). */
int writer_write(struct dump_writer *w, const struct dump_pkt *p);
/* 1 when -G with -W has made its last file (the capture should stop). */
int writer_done(const struct dump_writer *w);
void writer_flush(struct dump_writer *w);
int writer_close(struct dump_writer *w);

/* ---- print.c ---- */
struct dump_printer;
struct dump_printer *printer_new(const struct dump_opts *o);
void printer_free(struct dump_printer *pr);
/* One packet: its line(s) and the hex/ASCII dump options. */
void printer_packet(struct dump_printer *pr, const struct dump_pkt *p, uint64_t num);

/* ---- json.c, stats.c ---- */
void json_packet(const struct dump_pkt *p, uint64_t num);
void stats_packet(const struct dump_pkt *p);
void stats_print(void);

/* ---- fields.c ---- */
void fields_header(void);
void fields_packet(const struct dump_pkt *p, uint64_t num);

/* ---- filter (offline.c) ---- */
struct dump_filter;
/* Compile expr for linktype with libpcap; NULL expr gives a filter that
 * passes everything. NULL with libpcap's message on error. */
struct dump_filter *filter_new(const char *expr, bool optimize, int snaplen);
/* 1 if the packet passes, 0 if not, -1 if the expression cannot be
 * compiled for this link type (the message is printed once). */
int filter_match(struct dump_filter *f, const struct dump_pkt *p);
void filter_free(struct dump_filter *f);

/* ---- run ---- */
int run_live(struct dump_opts *o);
int run_offline(struct dump_opts *o);
int list_interfaces(void);
int dlt_to_linktype(int dlt);

/* The per-packet work common to live and offline: count, write, print.
 * Returns 1 when -c (or -W with -G) says stop. */
struct dump_run {
	const struct dump_opts *o;
	struct dump_printer *pr;
	struct dump_writer *w;
	uint64_t captured;
	int linktype;     /* of the live capture */
	bool nano_source; /* live: libpcap gives nanoseconds */
	bool do_print;
	bool failed;
};
int run_packet(struct dump_run *r, const struct dump_pkt *p);

#endif
