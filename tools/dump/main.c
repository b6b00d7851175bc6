/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrs-dump: a tcpdump for Netloom. Captures live through libpcap (the
 * filter compiled into the kernel), reads pcap and pcapng files through
 * Netloom's packet library (the filter compiled by libpcap and run here),
 * decodes with the library and prints tcpdump's one-line format, or
 * writes savefiles with tcpdump's rotation (-C/-G/-W).
 *
 * This file: options, --help, --version, and the per-packet work shared
 * by the live and the offline runs.
 */
#include "dump.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef NLRS_VERSION
#define NLRS_VERSION "0.1.0"
#endif

const char *dump_prog = "nlrs-dump";

static const char usage_text[] =
	"Usage: nlrs-dump [-ADehKlnOpqStUvxX#] [-B buffer_size] [-c count] [-C file_size]\n"
	"\t[-F file] [-G seconds] [-i interface] [-Q in|out|inout] [-r file]\n"
	"\t[-s snaplen] [-w file] [-W filecount] [-Z user] [--pcapng]\n"
	"\t[--fields | --json | --stats] [--count] [--immediate-mode] [--micro]\n"
	"\t[--nano] [--number] [--print] [--help] [--version] [expression]\n"
	"\n"
	"Capture packets from an interface (libpcap) or read them from a pcap or\n"
	"pcapng file, and print them as tcpdump does, or write them to files.\n"
	"\n"
	"  -i IFACE       capture on IFACE (a name, or a number from -D; default: the\n"
	"                 first interface libpcap lists)\n"
	"  -r FILE        read packets from FILE (pcap or pcapng; - for stdin)\n"
	"  -w FILE        write packets to FILE (pcap; pcapng with --pcapng; - for\n"
	"                 stdout) instead of printing them\n"
	"  -c COUNT       stop after COUNT packets\n"
	"  -C SIZE        with -w: start a new file when the current one passes SIZE\n"
	"                 (millions of bytes; or with a k, m or g suffix: KiB, MiB, GiB)\n"
	"  -G SECONDS     with -w: start a new file every SECONDS; FILE is an strftime\n"
	"                 pattern\n"
	"  -W COUNT       with -C: reuse COUNT files in a ring; with -G alone: stop\n"
	"                 after COUNT files\n"
	"  -D             list the interfaces libpcap can capture on\n"
	"  -n             print addresses and ports as numbers\n"
	"  -v, -vv        more detail (IP header fields, checksums)\n"
	"  -e             print the link-level header\n"
	"  -x, -xx        hex dump of each packet (-xx: with the link header)\n"
	"  -X, -XX        hex and ASCII dump (-XX: with the link header)\n"
	"  -A, -AA        ASCII dump (-AA: with the link header)\n"
	"  -s SNAPLEN     capture at most SNAPLEN bytes of each packet (0: 262144)\n"
	"  -q             quick, shorter lines\n"
	"  -t             no timestamps; -tt seconds since the epoch; -ttt delta\n"
	"                 from the previous packet; -tttt date and time; -ttttt delta\n"
	"                 from the first packet\n"
	"  -p             do not put the interface into promiscuous mode\n"
	"  -Q DIRECTION   capture only packets received (in), sent (out) or both\n"
	"  -F FILE        read the filter expression from FILE\n"
	"  -B SIZE        capture buffer size in KiB\n"
	"  -Z USER        after opening the capture, run as USER (default: tcpdump,\n"
	"                 else nobody; -Z root keeps root)\n"
	"  -S             absolute TCP sequence numbers\n"
	"  -K             do not verify checksums\n"
	"  -l             flush the output after every line\n"
	"  -U             with -w: write each packet out as it comes\n"
	"  -O             do not optimise the filter\n"
	"  -#, --number   print a packet number at the start of each line\n"
	"  --pcapng       with -w: write pcapng instead of pcap\n"
	"  --print        with -w: print the packets too\n"
	"  --count        only count the packets (with -r: print the count)\n"
	"  --fields       print one tab-separated record of decoded fields a packet\n"
	"                 (see nlrs-dump(1))\n"
	"  --json         print one JSON object a packet, with every decoded layer\n"
	"  --stats        print, at the end, counts per protocol, the top\n"
	"                 conversations and the top talkers, instead of the packets\n"
	"  --immediate-mode  deliver packets as they arrive, not in batches\n"
	"  --micro, --nano   timestamp precision (default micro)\n"
	"  -h, --help     show this help\n"
	"  --version      show the version\n"
	"\n"
	"EXPRESSION is a filter in tcpdump's (pcap-filter(7)) syntax; it applies to\n"
	"files too. Exit status: 0 on success, 1 on an error.\n";

void dump_err(const char *fmt, ...)
{
	va_list ap;

	out_flush();
	fprintf(stderr, "%s: ", dump_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void dump_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: WARNING: ", dump_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void print_version(FILE *f)
{
	fprintf(f, "nlrs-dump version " NLRS_VERSION "\n%s\n", pcap_lib_version());
}

enum {
	OPT_VERSION = 256,
	OPT_PCAPNG,
	OPT_FIELDS,
	OPT_NANO,
	OPT_MICRO,
	OPT_PRECISION,
	OPT_IMMEDIATE,
	OPT_PRINT,
	OPT_COUNT,
	OPT_JSON,
	OPT_STATS,
};

static const struct option longopts[] = {
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "list-interfaces", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ "interface", required_argument, NULL, 'i' },
	{ "dont-verify-checksums", no_argument, NULL, 'K' },
	{ "no-optimize", no_argument, NULL, 'O' },
	{ "no-promiscuous-mode", no_argument, NULL, 'p' },
	{ "direction", required_argument, NULL, 'Q' },
	{ "snapshot-length", required_argument, NULL, 's' },
	{ "absolute-tcp-sequence-numbers", no_argument, NULL, 'S' },
	{ "packet-buffered", no_argument, NULL, 'U' },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "number", no_argument, NULL, '#' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "pcapng", no_argument, NULL, OPT_PCAPNG },
	{ "fields", no_argument, NULL, OPT_FIELDS },
	{ "nano", no_argument, NULL, OPT_NANO },
	{ "micro", no_argument, NULL, OPT_MICRO },
	{ "time-stamp-precision", required_argument, NULL, OPT_PRECISION },
	{ "immediate-mode", no_argument, NULL, OPT_IMMEDIATE },
	{ "print", no_argument, NULL, OPT_PRINT },
	{ "count", no_argument, NULL, OPT_COUNT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ NULL, 0, NULL, 0 },
};

static int bad_usage(void)
{
	fprintf(stderr, "Try '%s --help'.\n", dump_prog);
	return 1;
}

/* A whole decimal number in [min, max]; -1 if not. */
static int parse_int(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (end == s || *end || errno || *v < min || *v > max)
		return -1;
	return 0;
}

/* -C: millions of bytes as tcpdump, or with a k/m/g suffix (binary units). */
static int parse_size(const char *s, int64_t *bytes)
{
	char *end;
	long long v;
	int64_t mul = 1000000;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno || v <= 0)
		return -1;
	if (*end) {
		if (end[1])
			return -1;
		switch (*end) {
		case 'k':
		case 'K':
			mul = 1024;
			break;
		case 'm':
		case 'M':
			mul = 1024 * 1024;
			break;
		case 'g':
		case 'G':
			mul = 1024 * 1024 * 1024;
			break;
		default:
			return -1;
		}
	}
	if (v > INT64_MAX / mul)
		return -1;
	*bytes = (int64_t)v * mul;
	return 0;
}

/* The filter from the words left on the command line, joined by spaces. */
static char *join_args(char **argv)
{
	size_t len = 0;
	char *s, *p;

	if (!*argv)
		return NULL;
	for (char **a = argv; *a; a++)
		len += strlen(*a) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (char **a = argv; *a; a++) {
		size_t n = strlen(*a);
		memcpy(p, *a, n);
		p += n;
		*p++ = ' ';
	}
	p[-1] = '\0';
	return s;
}

/* -F: the whole file, '#' comments blanked out to the end of their line. */
static char *read_filter_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t len = 0, cap = 0;
	int c;
	bool comment = false;

	if (!f) {
		dump_err("can't open %s: %s", path, strerror(errno));
		return NULL;
	}
	while ((c = getc(f)) != EOF) {
		if (len + 2 > cap) {
			size_t ncap = cap ? cap * 2 : 256;
			char *n = realloc(s, ncap);
			if (!n) {
				free(s);
				fclose(f);
				dump_err("out of memory reading %s", path);
				return NULL;
			}
			s = n;
			cap = ncap;
		}
		if (c == '#')
			comment = true;
		else if (c == '\n')
			comment = false;
		s[len++] = comment ? ' ' : (char)c;
	}
	fclose(f);
	if (!s)
		s = strdup("");
	else
		s[len] = '\0';
	return s;
}

int run_packet(struct dump_run *r, const struct dump_pkt *p)
{
	const struct dump_opts *o = r->o;

	if (r->w) {
		int rc = writer_write(r->w, p);
		if (rc < 0) {
			r->failed = true;
			return 1;
		}
		if (rc > 0)
			return 1; /* -G with -W: the last file is done */
	}
	r->captured++;
	if (r->do_print) {
		if (o->fields)
			fields_packet(p, r->captured);
		else if (o->json)
			json_packet(p, r->captured);
		else if (o->stats)
			stats_packet(p);
		else
			printer_packet(r->pr, p, r->captured);
		if (o->lbuf)
			out_flush();
	} else if (r->w && o->pbuf) {
		writer_flush(r->w);
	}
	if (o->count && r->captured >= (uint64_t)o->count)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct dump_opts o = { .promisc = true, .optimize = true };
	long v;
	int c, rc;

	while ((c = getopt_long(argc, argv, "AB:c:C:DeF:G:hi:KlnOpqQ:r:s:StUvw:W:xXZ:#", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'A':
			o.Aflag++;
			break;
		case 'B':
			if (parse_int(optarg, 1, INT_MAX / 1024, &v) < 0) {
				dump_err("invalid packet buffer size %s", optarg);
				return 1;
			}
			o.buffer_kib = (int)v;
			break;
		case 'c':
			if (parse_int(optarg, 1, LONG_MAX, &v) < 0) {
				dump_err("invalid packet count %s", optarg);
				return 1;
			}
			o.count = v;
			break;
		case 'C':
			if (parse_size(optarg, &o.cbytes) < 0) {
				dump_err("invalid file size %s", optarg);
				return 1;
			}
			break;
		case 'D':
			o.list_ifaces = true;
			break;
		case 'e':
			o.eflag = true;
			break;
		case 'F':
			o.filter_file = optarg;
			break;
		case 'G':
			if (parse_int(optarg, 1, INT_MAX, &v) < 0) {
				dump_err("invalid number of seconds %s", optarg);
				return 1;
			}
			o.gsecs = (int)v;
			break;
		case 'h':
			print_version(stdout);
			fputs(usage_text, stdout);
			return 0;
		case 'i':
			o.iface = optarg;
			break;
		case 'K':
			o.no_cksum = true;
			break;
		case 'l':
			o.lbuf = true;
			break;
		case 'n':
			o.numeric = true;
			break;
		case 'O':
			o.optimize = false;
			break;
		case 'p':
			o.promisc = false;
			break;
		case 'q':
			o.qflag++;
			break;
		case 'Q':
			if (!strcmp(optarg, "inout"))
				o.direction = 0;
			else if (!strcmp(optarg, "in"))
				o.direction = 1;
			else if (!strcmp(optarg, "out"))
				o.direction = 2;
			else {
				dump_err("unknown capture direction '%s'", optarg);
				return 1;
			}
			break;
		case 'r':
			o.rfile = optarg;
			break;
		case 's':
			if (parse_int(optarg, 0, DUMP_MAX_SNAPLEN, &v) < 0) {
				dump_err("invalid snaplen %s (must be >= 0 and <= %d)", optarg,
					 DUMP_MAX_SNAPLEN);
				return 1;
			}
			o.snaplen = (int)v;
			break;
		case 'S':
			o.abs_seq = true;
			break;
		case 't':
			o.tflag++;
			break;
		case 'U':
			o.pbuf = true;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'w':
			o.wfile = optarg;
			break;
		case 'W':
			if (parse_int(optarg, 1, INT_MAX, &v) < 0) {
				dump_err("invalid number of output files %s", optarg);
				return 1;
			}
			o.wcount = (int)v;
			break;
		case 'x':
			o.xflag++;
			break;
		case 'X':
			o.Xflag++;
			break;
		case 'Z':
			o.user = optarg;
			break;
		case '#':
			o.number = true;
			break;
		case OPT_VERSION:
			print_version(stdout);
			return 0;
		case OPT_PCAPNG:
			o.pcapng = true;
			break;
		case OPT_FIELDS:
			o.fields = true;
			break;
		case OPT_NANO:
			o.nano = true;
			break;
		case OPT_MICRO:
			o.nano = false;
			break;
		case OPT_PRECISION:
			if (!strcmp(optarg, "nano"))
				o.nano = true;
			else if (!strcmp(optarg, "micro"))
				o.nano = false;
			else {
				dump_err("unsupported time stamp precision %s", optarg);
				return 1;
			}
			break;
		case OPT_IMMEDIATE:
			o.immediate = true;
			break;
		case OPT_PRINT:
			o.print = true;
			break;
		case OPT_COUNT:
			o.count_only = true;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_STATS:
			o.stats = true;
			break;
		default:
			return bad_usage();
		}
	}
	if (o.tflag > TS_SINCE_FIRST)
		o.tflag = TS_SINCE_FIRST; /* tcpdump: more t's than five mean five */
	if (o.snaplen == 0)
		o.snaplen = DUMP_DEFAULT_SNAPLEN;

	if (o.list_ifaces)
		return list_interfaces();

	if (o.filter_file) {
		o.filter = read_filter_file(o.filter_file);
		if (!o.filter)
			return 1;
	} else {
		o.filter = join_args(argv + optind);
	}
	if ((o.cbytes || o.gsecs || o.wcount) && !o.wfile) {
		dump_err("-C, -G and -W need -w");
		return bad_usage();
	}
	if (o.wcount && !o.cbytes && !o.gsecs) {
		dump_err("-W needs -C or -G");
		return bad_usage();
	}
	if (o.fields + o.json + o.stats > 1) {
		dump_err("--fields, --json and --stats exclude one another");
		return bad_usage();
	}
	if (o.wfile && (o.fields || o.json || o.stats) && !o.print) {
		dump_err("--fields, --json and --stats print: with -w they need --print");
		return bad_usage();
	}

	if (out_init(STDOUT_FILENO, 1u << 20) < 0) {
		dump_err("out of memory");
		return 1;
	}
	if (o.rfile)
		rc = run_offline(&o);
	else
		rc = run_live(&o);
	out_flush();
	if (out_error()) {
		fprintf(stderr, "%s: Unable to write output: %s\n", dump_prog,
			strerror(out_error()));
		rc = 1;
	}
	out_fini();
	free(o.filter);
	return rc;
}
