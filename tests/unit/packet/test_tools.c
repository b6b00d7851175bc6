/* SPDX-License-Identifier: BSD-2-Clause */
/* Captures written by the library open in the real tshark and tcpdump,
 * with the right packet count, times and fields, in every format variant
 * the writer has. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pkt_test.h"
#include "nlrs/pcapfile.h"

#define NPKT 5

static char dir[] = "/tmp/nlrs-tools-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
}

TestSuite(tools, .init = setup, .fini = teardown);

/* NPKT UDP datagrams 192.0.2.1:1000+i > 198.51.100.2:53 carrying i+1
 * bytes, at 1700000000 + i seconds and i * 1001 microseconds. */
static void write_file(const char *path, enum nlrs_pcap_format fmt, bool swap, bool nsec)
{
	struct nlrs_pcap_writer *w;
	struct nlrs_pcap_wopts o = { fmt, NLRS_LINKTYPE_ETHERNET, 0, nsec, swap, "nlrs0", "unit" };

	cr_assert_eq(nlrs_pcap_create(&w, path, &o), 0);
	for (int i = 0; i < NPKT; i++) {
		uint8_t f[128], pl[8] = "abcdefg";
		int n = t_build_udp4(f, sizeof f, (uint16_t)(1000 + i), 53, pl, (size_t)i + 1);
		struct nlrs_pcap_rec r = { 1700000000 + i, (uint32_t)i * 1001000u, (uint32_t)n,
					   (uint32_t)n, 1, 0, 0, f };

		cr_assert_gt(n, 0);
		cr_assert_eq(nlrs_pcap_write(w, &r), 0);
	}
	cr_assert_eq(nlrs_pcap_writer_close(w), 0);
}

static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	size_t cap = 0, n = 0;

	cr_assert_not_null(p);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			out = realloc(out, cap);
		}
		size_t k = fread(out + n, 1, 4096, p);
		if (k == 0)
			break;
		n += k;
	}
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0, "%s", cmd);
	return out;
}

static void check_tshark(const char *path)
{
	char cmd[512], *out, *line, *save = NULL;
	int i = 0;

	if (!NLRS_TSHARK[0])
		cr_skip_test("tshark not installed (apt-get install tshark)");
	snprintf(cmd, sizeof cmd,
		 "%s -r '%s' -T fields -E separator=, -e frame.time_epoch -e ip.src -e ip.dst "
		 "-e udp.srcport -e udp.dstport -e udp.length -e frame.len 2>/dev/null",
		 NLRS_TSHARK, path);
	out = run(cmd);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		char want[160];

		snprintf(want, sizeof want, "%d.%06d000,192.0.2.1,198.51.100.2,%d,53,%d,%d",
			 1700000000 + i, i * 1001, 1000 + i, 8 + i + 1, 14 + 20 + 8 + i + 1);
		cr_assert_str_eq(line, want, "%s packet %d", path, i);
	}
	cr_assert_eq(i, NPKT, "%s: tshark saw %d packets", path, i);
	free(out);
}

static void check_tcpdump(const char *path)
{
	char cmd[512], *out, *line, *save = NULL;
	int i = 0;

	if (!NLRS_TCPDUMP[0])
		cr_skip_test("tcpdump not installed (apt-get install tcpdump)");
	snprintf(cmd, sizeof cmd, "%s -n -tt -r '%s' 2>/dev/null", NLRS_TCPDUMP, path);
	out = run(cmd);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		char want[160];

		/* "1700000000.000000 IP 192.0.2.1.1000 > 198.51.100.2.53: ..." */
		snprintf(want, sizeof want, "%d.%06d IP 192.0.2.1.%d > 198.51.100.2.53: ",
			 1700000000 + i, i * 1001, 1000 + i);
		cr_assert_eq(strncmp(line, want, strlen(want)), 0, "%s: got '%s' want '%s'", path,
			     line, want);
	}
	cr_assert_eq(i, NPKT, "%s: tcpdump saw %d packets", path, i);
	free(out);
}

static void both(enum nlrs_pcap_format fmt, bool swap, bool nsec, const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	write_file(path, fmt, swap, nsec);
	check_tshark(path);
	check_tcpdump(path);
}

Test(tools, pcap_usec_host_order) { both(NLRS_PCAP_CLASSIC, false, false, "a.pcap"); }
Test(tools, pcap_nsec_swapped) { both(NLRS_PCAP_CLASSIC, true, true, "b.pcap"); }
Test(tools, pcapng_usec_host_order) { both(NLRS_PCAP_NG, false, false, "c.pcapng"); }
Test(tools, pcapng_nsec_swapped) { both(NLRS_PCAP_NG, true, true, "d.pcapng"); }

/* The other way round: a pcapng tshark's editcap writes (from our pcap)
 * reads back with the same packets. */
Test(tools, editcap_pcapng_reads_back)
{
	char a[256], b[256], cmd[700];
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec;
	int n = 0;

	if (system("command -v editcap >/dev/null 2>&1") != 0)
		cr_skip_test("editcap not installed (apt-get install tshark)");
	snprintf(a, sizeof a, "%s/e.pcap", dir);
	snprintf(b, sizeof b, "%s/e.pcapng", dir);
	write_file(a, NLRS_PCAP_CLASSIC, false, false);
	snprintf(cmd, sizeof cmd, "editcap -F pcapng '%s' '%s'", a, b);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(nlrs_pcap_open(&r, b), 0);
	cr_assert_eq(nlrs_pcap_reader_format(r), NLRS_PCAP_NG);
	while (nlrs_pcap_next(r, &rec) == 1) {
		struct nlrs_pkt p;

		nlrs_pkt_decode(&p, rec.linktype, rec.data, rec.caplen, rec.wirelen, NULL);
		cr_assert_eq(rec.ts_sec, 1700000000 + n);
		cr_assert_eq(rec.ts_nsec, (uint32_t)n * 1001000u);
		cr_assert_eq(nlrs_pkt_transport(&p)->u.udp.sport, 1000 + n);
		n++;
	}
	cr_assert_eq(n, NPKT);
	nlrs_pcap_close(r);
}
