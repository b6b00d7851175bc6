/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Live capture (-i) and the interface list (-D), through libpcap. The
 * filter is compiled by libpcap and attached to the capture socket, so the
 * kernel drops what does not match. Order, as tcpdump: open and activate
 * the capture as root, compile the filter, drop privileges, attach the
 * filter, open the -w file, capture until -c, a signal or an error, then
 * print the statistics on stderr:
 *
 *   N packets captured
 *   N packets received by filter
 *   N packets dropped by kernel
 */
#include "dump.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pcap_t *live_pcap;
static volatile sig_atomic_t live_stop;
static volatile sig_atomic_t live_signalled;

static void on_signal(int sig)
{
	(void)sig;
	live_stop = 1;
	live_signalled = 1;
	if (live_pcap)
		pcap_breakloop(live_pcap);
}

/* LINKTYPE_ values (what savefiles carry) for the DLT_ values libpcap
 * reports where the two differ on Linux. */
int dlt_to_linktype(int dlt)
{
	switch (dlt) {
	case DLT_RAW:
		return 101; /* LINKTYPE_RAW */
	case DLT_ATM_RFC1483:
		return 100;
	default:
		return dlt;
	}
}

static const char *plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

int list_interfaces(void)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *devs, *d;
	int i = 0;

	if (pcap_findalldevs(&devs, ebuf) < 0) {
		dump_err("%s", ebuf);
		return 1;
	}
	for (d = devs; d; d = d->next) {
		const char *sep = "";
		printf("%d.%s", ++i, d->name);
		if (d->description)
			printf(" (%s)", d->description);
		if (d->flags) {
			printf(" [");
			if (d->flags & PCAP_IF_UP) {
				printf("%sUp", sep);
				sep = ", ";
			}
			if (d->flags & PCAP_IF_RUNNING) {
				printf("%sRunning", sep);
				sep = ", ";
			}
			if (d->flags & PCAP_IF_WIRELESS) {
				printf("%sWireless", sep);
				sep = ", ";
			}
			if (d->flags & PCAP_IF_LOOPBACK) {
				printf("%sLoopback", sep);
				sep = ", ";
			}
			if (!*sep)
				printf("none");
			switch (d->flags & PCAP_IF_CONNECTION_STATUS) {
			case PCAP_IF_CONNECTION_STATUS_UNKNOWN:
				printf(d->flags & PCAP_IF_WIRELESS ? ", Association status unknown"
								   : ", Connection status unknown");
				break;
			case PCAP_IF_CONNECTION_STATUS_CONNECTED:
				printf(d->flags & PCAP_IF_WIRELESS ? ", Associated" : ", Connected");
				break;
			case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
				printf(d->flags & PCAP_IF_WIRELESS ? ", Not associated"
								   : ", Disconnected");
				break;
			default:
				break;
			}
			printf("]");
		}
		printf("\n");
	}
	pcap_freealldevs(devs);
	if (i == 0) {
		dump_err("no suitable device found");
		return 1;
	}
	return 0;
}

/* -i N: the Nth interface of -D, when no interface is named N. */
static char *iface_by_number(const char *s, char *ebuf)
{
	pcap_if_t *devs, *d;
	char *end;
	long n = strtol(s, &end, 10);
	char *name = NULL;

	if (end == s || *end || n <= 0)
		return NULL;
	if (pcap_findalldevs(&devs, ebuf) < 0)
		return NULL;
	for (d = devs; d && --n > 0; d = d->next)
		;
	if (d)
		name = strdup(d->name);
	pcap_freealldevs(devs);
	return name;
}

static char *default_iface(char *ebuf)
{
	pcap_if_t *devs;
	char *name = NULL;

	if (pcap_findalldevs(&devs, ebuf) < 0)
		return NULL;
	if (devs)
		name = strdup(devs->name);
	else
		snprintf(ebuf, PCAP_ERRBUF_SIZE, "no suitable device found");
	pcap_freealldevs(devs);
	return name;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dump_run *r = (struct dump_run *)(void *)user;
	struct dump_pkt p = {
		.sec = h->ts.tv_sec,
		.nsec = (uint32_t)h->ts.tv_usec, /* nanoseconds: set below */
		.caplen = h->caplen,
		.len = h->len,
		.linktype = r->linktype,
		.data = bytes,
	};

	if (!r->nano_source)
		p.nsec *= 1000;
	if (run_packet(r, &p)) {
		live_stop = 1;
		pcap_breakloop(live_pcap);
	}
}

/* Open and activate DEV as tcpdump does; NULL with tcpdump's message. */
static pcap_t *open_live(const struct dump_opts *o, const char *dev)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int st;

	p = pcap_create(dev, ebuf);
	if (!p) {
		dump_err("%s", ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, o->promisc);
	pcap_set_timeout(p, 100);
	if (o->immediate || o->lbuf)
		pcap_set_immediate_mode(p, 1);
	if (o->buffer_kib)
		pcap_set_buffer_size(p, o->buffer_kib * 1024);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	st = pcap_activate(p);
	if (st < 0) {
		const char *why = pcap_geterr(p);
		if (st == PCAP_ERROR)
			dump_err("%s", why);
		else if ((st == PCAP_ERROR_NO_SUCH_DEVICE || st == PCAP_ERROR_PERM_DENIED ||
			  st == PCAP_ERROR_PROMISC_PERM_DENIED) &&
			 *why)
			dump_err("%s: %s\n(%s)", dev, pcap_statustostr(st), why);
		else
			dump_err("%s: %s", dev, pcap_statustostr(st));
		pcap_close(p);
		return NULL;
	}
	if (st > 0) {
		const char *why = pcap_geterr(p);
		if (st == PCAP_WARNING)
			dump_warn("%s", why);
		else if (*why)
			dump_warn("%s: %s\n(%s)", dev, pcap_statustostr(st), why);
		else
			dump_warn("%s: %s", dev, pcap_statustostr(st));
	}
#ifdef DLT_LINUX_SLL2
	/* as tcpdump: on "any", Linux cooked v2, which names the interface */
	if (!strncmp(dev, "any", 3))
		(void)pcap_set_datalink(p, DLT_LINUX_SLL2);
#endif
	if (o->direction &&
	    pcap_setdirection(p, o->direction == 1 ? PCAP_D_IN : PCAP_D_OUT) < 0) {
		dump_err("%s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
}

int run_live(struct dump_opts *o)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog = { 0 };
	struct dump_run r = { .o = o };
	struct pcap_stat st = { 0 };
	char *dev = NULL;
	bpf_u_int32 net = 0, mask = 0;
	struct sigaction sa;
	int rc = 1, dlt;
	const char *dlt_name;

	if (o->iface) {
		/* a name first; a number from -D if no such interface exists */
		pcap_if_t *devs, *d;
		bool known = false;
		if (pcap_findalldevs(&devs, ebuf) == 0) {
			for (d = devs; d; d = d->next)
				if (!strcmp(d->name, o->iface))
					known = true;
			pcap_freealldevs(devs);
		}
		if (!known)
			dev = iface_by_number(o->iface, ebuf);
		if (!dev)
			dev = strdup(o->iface);
	} else {
		dev = default_iface(ebuf);
		if (!dev) {
			dump_err("%s", *ebuf ? ebuf : "no suitable device found");
			return 1;
		}
	}
	live_pcap = open_live(o, dev);
	if (!live_pcap)
		goto out;
	r.nano_source = pcap_get_tstamp_precision(live_pcap) == PCAP_TSTAMP_PRECISION_NANO;
	dlt = pcap_datalink(live_pcap);
	r.linktype = dlt_to_linktype(dlt);

	if (pcap_lookupnet(dev, &net, &mask, ebuf) < 0) {
		net = 0;
		mask = 0;
	}
	if (pcap_compile(live_pcap, &prog, o->filter ? o->filter : "", o->optimize, mask) < 0) {
		dump_err("%s", pcap_geterr(live_pcap));
		goto out;
	}
	if (privdrop(o, o->wfile != NULL) < 0)
		goto out;
	if (pcap_setfilter(live_pcap, &prog) < 0) {
		dump_err("%s", pcap_geterr(live_pcap));
		goto out;
	}

	r.do_print = !o->wfile || o->print;
	if (o->count_only)
		r.do_print = false;
	if (o->wfile) {
		r.w = writer_open(o, r.linktype, (uint32_t)pcap_snapshot(live_pcap));
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

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (!o->verbose && !o->wfile)
		fprintf(stderr,
			"%s: verbose output suppressed, use -v[v]... for full protocol decode\n",
			dump_prog);
	else
		fprintf(stderr, "%s: ", dump_prog);
	dlt_name = pcap_datalink_val_to_name(dlt);
	fprintf(stderr, "listening on %s", dev);
	if (dlt_name)
		fprintf(stderr, ", link-type %s (%s)", dlt_name,
			pcap_datalink_val_to_description(dlt));
	else
		fprintf(stderr, ", link-type %d", dlt);
	fprintf(stderr, ", snapshot length %d bytes\n", pcap_snapshot(live_pcap));
	fflush(stderr);

	rc = 0;
	while (!live_stop) {
		int n = pcap_dispatch(live_pcap, -1, on_packet, (u_char *)&r);
		if (n == PCAP_ERROR_BREAK)
			break;
		if (n < 0) {
			out_flush();
			fprintf(stderr, "%s: pcap_loop: %s\n", dump_prog, pcap_geterr(live_pcap));
			rc = 1;
			break;
		}
		out_flush(); /* what a batch printed shows at once */
		if (r.w && !o->pbuf && n > 0)
			writer_flush(r.w);
	}
	if (r.failed)
		rc = 1;
	if (r.do_print && live_signalled && !o->stats)
		out_char('\n'); /* as tcpdump: a line cut by the signal is ended */
	if (r.do_print && o->stats)
		stats_print();
	out_flush();
	if (r.w && writer_close(r.w) < 0)
		rc = 1;
	r.w = NULL;

	if (pcap_stats(live_pcap, &st) < 0) {
		fprintf(stderr, "pcap_stats: %s\n", pcap_geterr(live_pcap));
	} else {
		fprintf(stderr, "%llu packet%s captured\n", (unsigned long long)r.captured,
			plural((unsigned long)r.captured));
		fprintf(stderr, "%u packet%s received by filter\n", st.ps_recv,
			plural(st.ps_recv));
		fprintf(stderr, "%u packet%s dropped by kernel\n", st.ps_drop,
			plural(st.ps_drop));
		if (st.ps_ifdrop)
			fprintf(stderr, "%u packet%s dropped by interface\n", st.ps_ifdrop,
				plural(st.ps_ifdrop));
	}
out:
	if (r.w)
		writer_close(r.w);
	if (r.pr)
		printer_free(r.pr);
	pcap_freecode(&prog);
	if (live_pcap)
		pcap_close(live_pcap);
	live_pcap = NULL;
	free(dev);
	return rc;
}
