/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the savefile reader (pcapfile.c): the input is a
 * file, read from memory (exact-size copy) and through a stream; both
 * give the same records and the same end; every record lies inside the
 * input and decodes within bounds; a record is then written back by the
 * writer and read again unchanged. */
#define _GNU_SOURCE
#include <stdio.h>

#include "fuzz_packet.h"
#include "nlrs/pcapfile.h"

static void rewrite(const struct nlrs_pcap_rec *rec)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct nlrs_pcap_writer *w;
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec back;
	struct nlrs_pcap_wopts o = { NLRS_PCAP_NG, rec->linktype, 0, true, false, NULL, NULL };
	struct nlrs_pcap_rec in = *rec;

	FUZZ_CHECK(fp != NULL);
	in.ifindex = 0;
	in.ts_sec &= 0xffffffff;
	FUZZ_CHECK(nlrs_pcap_wfopen(&w, fp, true, &o) == 0);
	FUZZ_CHECK(nlrs_pcap_write(w, &in) == 0);
	FUZZ_CHECK(nlrs_pcap_writer_close(w) == 0);
	FUZZ_CHECK(nlrs_pcap_open_mem(&r, buf, len) == 0);
	FUZZ_CHECK(nlrs_pcap_next(r, &back) == 1);
	FUZZ_CHECK(back.caplen == in.caplen && memcmp(back.data, in.data, in.caplen) == 0);
	FUZZ_CHECK(back.linktype == (in.linktype & 0xffff));
	FUZZ_CHECK(nlrs_pcap_next(r, &back) == 0);
	nlrs_pcap_close(r);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *c = fuzz_dup(data, size);
	struct nlrs_pcap_reader *a, *b;
	struct nlrs_pcap_rec ra, rb;
	FILE *fp;
	int ea, eb, n = 0;

	ea = nlrs_pcap_open_mem(&a, c, size);
	fp = fmemopen(c, size ? size : 1, "rb");
	FUZZ_CHECK(fp != NULL);
	if (size == 0) {
		fclose(fp);
		FUZZ_CHECK(ea < 0);
		free(c);
		return 0;
	}
	eb = nlrs_pcap_fopen(&b, fp, true);
	FUZZ_CHECK(ea == eb);
	if (ea < 0) {
		free(c);
		return 0;
	}
	do {
		ea = nlrs_pcap_next(a, &ra);
		eb = nlrs_pcap_next(b, &rb);
		FUZZ_CHECK(ea == eb);
		if (ea == 1) {
			FUZZ_CHECK(ra.data >= c && ra.data + ra.caplen <= c + size);
			FUZZ_CHECK(ra.caplen == rb.caplen && ra.ts_sec == rb.ts_sec &&
				   ra.ts_nsec == rb.ts_nsec && ra.linktype == rb.linktype);
			FUZZ_CHECK(memcmp(ra.data, rb.data, ra.caplen) == 0);
			FUZZ_CHECK(ra.caplen <= NLRS_PCAP_MAX_RECORD);
			if (n++ < 4) {
				fp_decode_all(ra.linktype, ra.data, ra.caplen, ra.wirelen);
				rewrite(&ra);
			}
		}
	} while (ea == 1 && n < 10000);
	FUZZ_CHECK(nlrs_pcap_reader_offset(a) <= size);
	nlrs_pcap_close(a);
	nlrs_pcap_close(b);
	free(c);
	return 0;
}
