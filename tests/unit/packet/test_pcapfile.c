/* SPDX-License-Identifier: BSD-2-Clause */
/* Savefiles: pcap in both byte orders with micro- and nanosecond stamps,
 * pcapng with several interfaces, resolutions and sections, blocks the
 * reader does not know, lying and truncated files; every capture of the
 * tcpdump test suite read to its end. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pkt_test.h"
#include "nlrs/pcapfile.h"
#include "wire/wire.h"

struct mem {
	char *buf;
	size_t len;
	FILE *fp;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->buf, &m->len);
	cr_assert_not_null(m->fp);
}

/* Three records of different sizes and times. */
static const struct {
	int64_t sec;
	uint32_t nsec;
	uint32_t cap, wire;
} recs[] = {
	{ 1700000000, 123456789, 62, 62 },
	{ 1700000001, 1000, 98, 98 },
	{ 1700000002, 999999999, 40, 1500 },
};

static const uint8_t *rec_data(unsigned i)
{
	return i == 1 ? frame_dns_query : frame_ping;
}

static void write_all(struct nlrs_pcap_writer *w, uint32_t ifindex)
{
	for (unsigned i = 0; i < 3; i++) {
		struct nlrs_pcap_rec r = { recs[i].sec, recs[i].nsec, recs[i].cap, recs[i].wire,
					   1, ifindex, 0, rec_data(i) };

		cr_assert_eq(nlrs_pcap_write(w, &r), 0);
	}
}

static void check_all(struct nlrs_pcap_reader *r, bool nsec)
{
	struct nlrs_pcap_rec rec;

	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
		cr_assert_eq(rec.ts_sec, recs[i].sec);
		cr_assert_eq(rec.ts_nsec, nsec ? recs[i].nsec : recs[i].nsec / 1000 * 1000);
		cr_assert_eq(rec.caplen, recs[i].cap);
		cr_assert_eq(rec.wirelen, recs[i].wire);
		cr_assert_eq(rec.linktype, 1);
		cr_assert_eq(memcmp(rec.data, rec_data(i), rec.caplen), 0);
	}
	cr_assert_eq(nlrs_pcap_next(r, &rec), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 0);
}

static void round_trip(enum nlrs_pcap_format fmt, bool swap, bool nsec)
{
	struct mem m;
	struct nlrs_pcap_writer *w;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_wopts o = { fmt, 1, 0, nsec, swap, "eth0", "nlrs test" };

	mem_open(&m);
	cr_assert_eq(nlrs_pcap_wfopen(&w, m.fp, true, &o), 0);
	write_all(w, 0);
	cr_assert_eq(nlrs_pcap_writer_close(w), 0);
	/* from memory, on a guard page, and through a stream */
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(m.buf, m.len), m.len), 0);
	cr_assert_eq(nlrs_pcap_reader_format(r), fmt);
	cr_assert_eq(nlrs_pcap_reader_swapped(r), swap);
	cr_assert_eq(nlrs_pcap_reader_nsec(r), nsec);
	cr_assert_eq(nlrs_pcap_reader_linktype(r), 1);
	check_all(r, nsec);
	cr_assert_eq(nlrs_pcap_reader_offset(r), m.len);
	nlrs_pcap_close(r);
	{
		FILE *fp = fmemopen(m.buf, m.len, "rb");

		cr_assert_eq(nlrs_pcap_fopen(&r, fp, true), 0);
		check_all(r, nsec);
		nlrs_pcap_close(r);
	}
	free(m.buf);
}

Test(pcapfile, pcap_host_order_usec) { round_trip(NLRS_PCAP_CLASSIC, false, false); }
Test(pcapfile, pcap_swapped_usec) { round_trip(NLRS_PCAP_CLASSIC, true, false); }
Test(pcapfile, pcap_host_order_nsec) { round_trip(NLRS_PCAP_CLASSIC, false, true); }
Test(pcapfile, pcap_swapped_nsec) { round_trip(NLRS_PCAP_CLASSIC, true, true); }
Test(pcapfile, pcapng_host_order_usec) { round_trip(NLRS_PCAP_NG, false, false); }
Test(pcapfile, pcapng_swapped_nsec) { round_trip(NLRS_PCAP_NG, true, true); }

Test(pcapfile, pcapng_interfaces_link_types_and_names)
{
	struct mem m;
	struct nlrs_pcap_writer *w;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec;
	struct nlrs_pcap_iface ifc;
	struct nlrs_pcap_wopts o = { NLRS_PCAP_NG, 1, 1500, false, false, "eth0", NULL };
	struct nlrs_pcap_rec v6 = { 5, 5000, sizeof v6_ns, sizeof v6_ns, 101, 1, 1, v6_ns };

	mem_open(&m);
	cr_assert_eq(nlrs_pcap_wfopen(&w, m.fp, true, &o), 0);
	cr_assert_eq(nlrs_pcap_add_iface(w, NLRS_LINKTYPE_RAW, 0, "tun0"), 1);
	write_all(w, 0);
	cr_assert_eq(nlrs_pcap_write(w, &v6), 0);
	v6.ifindex = 2;
	cr_assert_eq(nlrs_pcap_write(w, &v6), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pcap_writer_close(w), 0);
	cr_assert_eq(nlrs_pcap_open_mem(&r, m.buf, m.len), 0);
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(rec.linktype, 101);
	cr_assert_eq(rec.ifindex, 1);
	cr_assert_eq(rec.flags, 1);
	cr_assert_eq(rec.ts_nsec, 5000);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 0);
	cr_assert_eq(nlrs_pcap_reader_niface(r), 2);
	cr_assert_eq(nlrs_pcap_reader_iface(r, 1, &ifc), 0);
	cr_assert_str_eq(ifc.name, "tun0");
	cr_assert_eq(ifc.linktype, 101);
	cr_assert_eq(nlrs_pcap_reader_iface(r, 0, &ifc), 0);
	cr_assert_eq(ifc.snaplen, 1500);
	cr_assert_str_eq(ifc.name, "eth0");
	cr_assert_eq(nlrs_pcap_reader_iface(r, 2, &ifc), -NLRS_ENOENT);
	nlrs_pcap_close(r);
	free(m.buf);
}

/* Little-endian pcapng blocks by hand. */
static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return 4;
}

static size_t shb(uint8_t *p)
{
	size_t o = 0;

	o += put32(p + o, 0x0a0d0d0a);
	o += put32(p + o, 28);
	o += put32(p + o, 0x1a2b3c4d);
	o += put32(p + o, 1); /* version 1.0 */
	o += put32(p + o, 0xffffffff);
	o += put32(p + o, 0xffffffff);
	o += put32(p + o, 28);
	return o;
}

/* IDB with if_tsresol */
static size_t idb(uint8_t *p, uint16_t lt, uint8_t tsresol)
{
	size_t o = 0;

	o += put32(p + o, 1);
	o += put32(p + o, 32);
	o += put32(p + o, lt);
	o += put32(p + o, 0);
	o += put32(p + o, 9 | 1u << 16); /* if_tsresol, length 1 */
	o += put32(p + o, tsresol);
	o += put32(p + o, 0); /* end of options */
	o += put32(p + o, 32);
	return o;
}

static size_t epb(uint8_t *p, uint32_t ifid, uint64_t ts, const uint8_t *d, uint32_t len)
{
	size_t o = 0, pad = (len + 3u) & ~3u;
	uint32_t tl = (uint32_t)(32 + pad);

	o += put32(p + o, 6);
	o += put32(p + o, tl);
	o += put32(p + o, ifid);
	o += put32(p + o, (uint32_t)(ts >> 32));
	o += put32(p + o, (uint32_t)ts);
	o += put32(p + o, len);
	o += put32(p + o, len);
	memset(p + o, 0, pad);
	memcpy(p + o, d, len);
	o += pad;
	o += put32(p + o, tl);
	return o;
}

Test(pcapfile, pcapng_resolutions_unknown_blocks_spb_and_sections)
{
	uint8_t f[2048];
	size_t o = 0;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec;

	o += shb(f + o);
	o += idb(f + o, 1, 9);          /* ns */
	o += idb(f + o, 101, 0x80 | 10); /* 2^-10 s */
	/* a custom block (0x00000bad) and a name resolution block: skipped */
	o += put32(f + o, 0xbad);
	o += put32(f + o, 16);
	o += put32(f + o, 0x12345678);
	o += put32(f + o, 16);
	o += put32(f + o, 4);
	o += put32(f + o, 12);
	o += put32(f + o, 12);
	o += epb(f + o, 0, 1700000000123456789ull, frame_ping, 62);
	o += epb(f + o, 1, (1700000000ull << 10) + 512, v6_ns, 64);
	/* simple packet block: interface 0 */
	o += put32(f + o, 3);
	o += put32(f + o, 16 + 44);
	o += put32(f + o, 42);
	memcpy(f + o, frame_arp_reply, 42);
	memset(f + o + 42, 0, 2);
	o += 44;
	o += put32(f + o, 16 + 44);
	/* a second section: interfaces start over */
	o += shb(f + o);
	o += idb(f + o, 113, 6);
	o += epb(f + o, 0, 1000001, frame_ping, 10);

	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(f, o), o), 0);
	cr_assert_eq(nlrs_pcap_reader_format(r), NLRS_PCAP_NG);
	cr_assert(nlrs_pcap_reader_nsec(r));
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(rec.ts_sec, 1700000000);
	cr_assert_eq(rec.ts_nsec, 123456789);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(rec.linktype, 101);
	cr_assert_eq(rec.ts_sec, 1700000000);
	cr_assert_eq(rec.ts_nsec, 500000000);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(rec.caplen, 42);
	cr_assert_eq(memcmp(rec.data, frame_arp_reply, 42), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(rec.linktype, 113);
	cr_assert_eq(rec.ts_sec, 1);
	cr_assert_eq(rec.ts_nsec, 1000);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 0);
	cr_assert_eq(nlrs_pcap_reader_skipped(r), 2);
	cr_assert_eq(nlrs_pcap_reader_sections(r), 2);
	nlrs_pcap_close(r);
}

Test(pcapfile, pcapng_lies_are_errors)
{
	uint8_t f[512], g[512];
	size_t o = 0, n;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec;

	o += shb(f + o);
	o += idb(f + o, 1, 6);
	n = o;
	o += epb(f + o, 0, 1, frame_ping, 62);
	/* trailing length differs */
	memcpy(g, f, o);
	g[o - 4] ^= 4;
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(g, o), o), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EIO);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EIO);
	nlrs_pcap_close(r);
	/* captured length past the block */
	memcpy(g, f, o);
	put32(g + n + 20, 200);
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(g, o), o), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EIO);
	nlrs_pcap_close(r);
	/* an interface that was never described */
	memcpy(g, f, o);
	put32(g + n + 8, 3);
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(g, o), o), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EIO);
	nlrs_pcap_close(r);
	/* block length not a multiple of 4 */
	memcpy(g, f, o);
	put32(g + n + 4, 95);
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(g, o), o), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EIO);
	nlrs_pcap_close(r);
	/* file cut inside the block */
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(f, o - 6), o - 6), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EIO);
	nlrs_pcap_close(r);
	/* a huge block */
	memcpy(g, f, o);
	put32(g + n + 4, 0x7ffffff0);
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(g, o), o), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EMSGSIZE);
	nlrs_pcap_close(r);
	/* byte-order magic that is neither */
	memcpy(g, f, o);
	g[8] = 0x99;
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(g, o), o), -NLRS_EPROTONOSUPPORT);
}

Test(pcapfile, classic_lies_are_errors)
{
	struct mem m;
	struct nlrs_pcap_writer *w;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec;
	struct nlrs_pcap_wopts o = { NLRS_PCAP_CLASSIC, 1, 0, false, false, NULL, NULL };
	uint8_t *c;

	mem_open(&m);
	cr_assert_eq(nlrs_pcap_wfopen(&w, m.fp, true, &o), 0);
	write_all(w, 0);
	cr_assert_eq(nlrs_pcap_writer_close(w), 0);
	c = malloc(m.len);
	/* truncated last record */
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(m.buf, m.len - 1), m.len - 1), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EIO);
	nlrs_pcap_close(r);
	/* a record of 16 MiB */
	memcpy(c, m.buf, m.len);
	c[24 + 8 + 3] = 1;
	cr_assert_eq(nlrs_pcap_open_mem(&r, guard_copy(c, m.len), m.len), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), -NLRS_EMSGSIZE);
	nlrs_pcap_close(r);
	/* not a capture, version 3, empty, short header */
	memcpy(c, "GIF89a-not-a-capture-file", 25);
	cr_assert_eq(nlrs_pcap_open_mem(&r, c, 25), -NLRS_EPROTONOSUPPORT);
	memcpy(c, m.buf, m.len);
	c[4] = 3;
	cr_assert_eq(nlrs_pcap_open_mem(&r, c, m.len), -NLRS_EPROTONOSUPPORT);
	cr_assert_eq(nlrs_pcap_open_mem(&r, c, 0), -NLRS_EPROTONOSUPPORT);
	cr_assert_eq(nlrs_pcap_open_mem(&r, m.buf, 20), -NLRS_EIO);
	/* header only: no packets, no error */
	cr_assert_eq(nlrs_pcap_open_mem(&r, m.buf, 24), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 0);
	nlrs_pcap_close(r);
	cr_assert_eq(nlrs_pcap_open(&r, "/nonexistent/x.pcap"), -NLRS_ENOENT);
	free(c);
	free(m.buf);
}

Test(pcapfile, writer_cuts_to_snaplen_and_files_on_disk)
{
	char path[] = "/tmp/nlrs-pcapXXXXXX";
	int fd = mkstemp(path);
	struct nlrs_pcap_writer *w;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec = { 1, 0, frame_dns_query_len, 0, 1, 0, 0, frame_dns_query };
	struct nlrs_pcap_wopts o = { NLRS_PCAP_NG, 1, 64, false, false, NULL, NULL };

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(nlrs_pcap_create(&w, path, &o), 0);
	cr_assert_eq(nlrs_pcap_write(w, &rec), 0);
	cr_assert_eq(nlrs_pcap_writer_close(w), 0);
	cr_assert_eq(nlrs_pcap_open(&r, path), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(rec.caplen, 64);
	cr_assert_eq(rec.wirelen, frame_dns_query_len);
	cr_assert_eq(nlrs_pcap_reader_size(r), nlrs_pcap_reader_offset(r) + 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 0);
	nlrs_pcap_close(r);
	unlink(path);
	o.format = NLRS_PCAP_CLASSIC;
	cr_assert_eq(nlrs_pcap_create(&w, "/nonexistent/dir/x", &o), -NLRS_ENOENT);
}

/* Every capture of tcpdump's test suite reads to its end or to an error
 * it names, through the map and through a stream alike. */
Test(pcapfile, tcpdump_captures_read_the_same_mapped_and_streamed)
{
	DIR *dir = opendir(NLRS_PEERS_DIR);
	struct dirent *de;
	unsigned files = 0, ng = 0;

	if (!dir)
		cr_skip_test("no %s", NLRS_PEERS_DIR);
	while ((de = readdir(dir)) != NULL) {
		char path[1024];
		struct nlrs_pcap_reader *a, *b;
		struct nlrs_pcap_rec ra, rb;
		int ea, eb;
		size_t nl = strlen(de->d_name);
		FILE *fp;

		if (!(nl > 5 && strcmp(de->d_name + nl - 5, ".pcap") == 0) &&
		    !(nl > 7 && strcmp(de->d_name + nl - 7, ".pcapng") == 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", NLRS_PEERS_DIR, de->d_name);
		ea = nlrs_pcap_open(&a, path);
		fp = fopen(path, "rb");
		cr_assert_not_null(fp);
		eb = nlrs_pcap_fopen(&b, fp, true);
		cr_assert_eq(ea, eb, "%s", path);
		if (ea < 0) {
			fclose(fp);
			continue;
		}
		files++;
		ng += nlrs_pcap_reader_format(a) == NLRS_PCAP_NG;
		do {
			ea = nlrs_pcap_next(a, &ra);
			eb = nlrs_pcap_next(b, &rb);
			cr_assert_eq(ea, eb, "%s", path);
			if (ea == 1) {
				cr_assert_eq(ra.caplen, rb.caplen);
				cr_assert_eq(ra.ts_sec, rb.ts_sec);
				cr_assert_eq(memcmp(ra.data, rb.data, ra.caplen), 0);
			}
		} while (ea == 1);
		nlrs_pcap_close(a);
		nlrs_pcap_close(b);
	}
	closedir(dir);
	cr_assert_gt(files, 500);
	cr_assert_gt(ng, 20);
}

Test(pcapfile, classic_fraction_of_a_second_or_more_carries)
{
	struct mem m;
	struct nlrs_pcap_writer *w;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec = { 100, 0, 10, 10, 1, 0, 0, frame_ping };
	struct nlrs_pcap_wopts o = { NLRS_PCAP_CLASSIC, 1, 0, false, true, NULL, NULL };

	mem_open(&m);
	cr_assert_eq(nlrs_pcap_wfopen(&w, m.fp, true, &o), 0);
	cr_assert_eq(nlrs_pcap_write(w, &rec), 0);
	cr_assert_eq(nlrs_pcap_writer_close(w), 0);
	/* 2500000 microseconds, big-endian (swapped file) */
	((uint8_t *)m.buf)[24 + 4] = 0x00;
	((uint8_t *)m.buf)[24 + 5] = 0x26;
	((uint8_t *)m.buf)[24 + 6] = 0x25;
	((uint8_t *)m.buf)[24 + 7] = 0xa0;
	cr_assert_eq(nlrs_pcap_open_mem(&r, m.buf, m.len), 0);
	cr_assert_eq(nlrs_pcap_next(r, &rec), 1);
	cr_assert_eq(rec.ts_sec, 102);
	cr_assert_eq(rec.ts_nsec, 500000000);
	nlrs_pcap_close(r);
	free(m.buf);
}
