/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * packet_fastpath - packets per second of the packet library's decoders,
 * from memory, on one core.
 *
 *   bench_packet_fastpath [-n FRAMES] [SECONDS] [FILE]
 *
 * Without FILE: FRAMES (default 4096) Ethernet/IPv4/TCP frames built with
 * the builder
 * (timestamps option, payloads of 0 to 1448 bytes, 1% with a VLAN tag,
 * 64 flows), as a bulk TCP transfer looks. With FILE (pcap or pcapng):
 * its frames, loaded into memory first. Each decoder runs over the set
 * again and again for SECONDS (default 2) and the best of three runs is
 * printed: the fixed-layout fast path one frame at a time
 * (nlrs_pkt_fast_decode) and in bursts of 64 with prefetching
 * (nlrs_pkt_fast_decode_burst), the fast path plus the symmetric flow
 * hash, and the full layered decode (nlrs_pkt_decode) with and without
 * checksum verification. A few thousand frames stay in the L2 cache; use
 * -n 100000 (about 60 MB) to decode from main memory.
 *
 * Not a test: it prints figures (README "Performance"). Pin it to a core
 * (taskset -c 1) for stable numbers.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nlrs/packet.h>
#include <nlrs/pcapfile.h>

struct frame {
	const uint8_t *p;
	uint32_t len, wire;
	uint32_t lt;
};

static struct frame *frames;
static size_t nframes;
static const uint8_t **ptrs; /* for the burst API */
static uint32_t *lens;
static uint8_t *arena;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void synth(size_t want)
{
	size_t off = 0;

	nframes = want;
	frames = calloc(nframes, sizeof *frames);
	arena = malloc(nframes * 1600);
	if (!frames || !arena)
		exit(1);
	for (size_t i = 0; i < nframes; i++) {
		struct nlrs_pkt_builder b;
		struct nlrs_pkt_tcp t = { 0 };
		static uint8_t data[1448];
		size_t plen = (i % 4 == 3) ? 0 : (i * 7919) % 1449;
		int n;

		t.sport = (uint16_t)(40000 + i % 64);
		t.dport = 5201;
		t.seq = (uint32_t)(i * 1448);
		t.ack = 12345;
		t.flags = plen ? NLRS_TCPF_ACK | NLRS_TCPF_PSH : NLRS_TCPF_ACK;
		t.window = 502;
		t.o.has_ts = true;
		t.o.tsval = (uint32_t)i;
		t.o.tsecr = (uint32_t)i - 1;
		nlrs_pkt_build_init(&b, arena + off, 1600);
		nlrs_pkt_build_eth(&b, &(struct nlrs_pkt_eth){ { 2, 0, 0, 0, 0, 2 }, { 2, 0, 0, 0, 0, 1 }, 0 }, 0);
		if (i % 100 == 0)
			nlrs_pkt_build_vlan(&b, &(struct nlrs_pkt_vlan){ .vid = 10 }, 0);
		nlrs_pkt_build_ipv4(&b, &(struct nlrs_pkt_ipv4){ .ttl = 64, .df = true, .id = (uint16_t)i,
			.src = 0xc0000201u, .dst = 0xc6336402u }, 0);
		nlrs_pkt_build_tcp(&b, &t, 0);
		nlrs_pkt_build_payload(&b, data, plen);
		n = nlrs_pkt_build_finish(&b);
		if (n < 0) {
			fprintf(stderr, "build failed: %d\n", n);
			exit(1);
		}
		frames[i] = (struct frame){ arena + off, (uint32_t)n, (uint32_t)n, NLRS_LINKTYPE_ETHERNET };
		off += ((size_t)n + 63) & ~(size_t)63;
	}
}

static void load(const char *path)
{
	struct nlrs_pcap_reader *r;
	struct nlrs_pcap_rec rec;
	size_t cap = 0, used = 0, acap = 0;
	int e = nlrs_pcap_open(&r, path);

	if (e < 0) {
		fprintf(stderr, "%s: cannot read (%d)\n", path, e);
		exit(1);
	}
	/* two passes would need the file twice; grow as needed */
	while ((e = nlrs_pcap_next(r, &rec)) > 0 && nframes < 4u << 20) {
		if (nframes == cap) {
			cap = cap ? cap * 2 : 4096;
			frames = realloc(frames, cap * sizeof *frames);
		}
		if (used + rec.caplen > acap) {
			acap = acap ? acap * 2 : 1u << 24;
			while (acap < used + rec.caplen)
				acap *= 2;
			arena = realloc(arena, acap);
		}
		if (!frames || !arena)
			exit(1);
		memcpy(arena + used, rec.data, rec.caplen);
		/* pointers are fixed after loading: store offsets for now */
		frames[nframes++] = (struct frame){ (const uint8_t *)(uintptr_t)used, rec.caplen,
						    rec.wirelen, rec.linktype };
		used += rec.caplen;
	}
	for (size_t i = 0; i < nframes; i++)
		frames[i].p = arena + (uintptr_t)frames[i].p;
	nlrs_pcap_close(r);
}

enum mode { FAST, FAST_BURST, FAST_HASH, FULL, FULL_CSUM };

/* Packets per second of one mode over `secs` seconds. */
static double run(enum mode m, double secs, uint64_t *sink)
{
	uint64_t n = 0, acc = 0;
	double t0 = now(), t;
	struct nlrs_pkt pkt;
	struct nlrs_pkt_opts o = { NLRS_PKT_VERIFY_CSUM, NULL };

	do {
		if (m == FAST_BURST) {
			struct nlrs_pkt_fast out[64];

			for (size_t i = 0; i < nframes; i += 64) {
				unsigned k = nframes - i < 64 ? (unsigned)(nframes - i) : 64;

				acc += nlrs_pkt_fast_decode_burst(ptrs + i, lens + i, k, out, NULL);
				acc += out[0].seq;
			}
			n += nframes;
			t = now();
			continue;
		}
		for (size_t i = 0; i < nframes; i++) {
			const struct frame *f = &frames[i];
			struct nlrs_pkt_fast fp;

			switch (m) {
			case FAST_BURST:
				break;
			case FAST:
				if (nlrs_pkt_fast_decode(f->p, f->len, &fp) == 0)
					acc += fp.seq + fp.sport;
				break;
			case FAST_HASH:
				if (nlrs_pkt_fast_decode(f->p, f->len, &fp) == 0) {
					struct nlrs_flow fl;

					nlrs_pkt_fast_net_flow(&fp, &fl);
					acc += nlrs_flow_hash_sym(&fl) + fp.sport;
				}
				break;
			case FULL:
				acc += (uint64_t)nlrs_pkt_decode(&pkt, f->lt, f->p, f->len, f->wire, NULL);
				break;
			case FULL_CSUM:
				acc += (uint64_t)nlrs_pkt_decode(&pkt, f->lt, f->p, f->len, f->wire, &o);
				break;
			}
		}
		n += nframes;
		t = now();
	} while (t - t0 < secs);
	*sink += acc;
	return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"fast path (nlrs_pkt_fast_decode)",
		"fast path, bursts of 64, prefetch",
		"fast path + symmetric flow hash",
		"full decode (nlrs_pkt_decode)",
		"full decode, checksums verified",
	};
	size_t want = 4096;
	double secs;
	uint64_t sink = 0;
	size_t fastable = 0, bytes = 0;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		want = (size_t)atol(argv[2]);
		argc -= 2;
		argv += 2;
	}
	secs = argc > 1 ? atof(argv[1]) : 2.0;
	if (secs <= 0 || argc > 3 || want == 0) {
		fprintf(stderr, "usage: bench_packet_fastpath [-n FRAMES] [SECONDS] [FILE]\n");
		return 2;
	}
	if (argc > 2)
		load(argv[2]);
	else
		synth(want);
	ptrs = malloc(nframes * sizeof *ptrs);
	lens = malloc(nframes * sizeof *lens);
	if (!ptrs || !lens)
		return 1;
	for (size_t i = 0; i < nframes; i++) {
		ptrs[i] = frames[i].p;
		lens[i] = frames[i].len;
	}
	if (nframes == 0) {
		fprintf(stderr, "no frames\n");
		return 1;
	}
	for (size_t i = 0; i < nframes; i++) {
		struct nlrs_pkt_fast fp;

		fastable += nlrs_pkt_fast_decode(frames[i].p, frames[i].len, &fp) == 0;
		bytes += frames[i].len;
	}
	printf("%zu frames (%zu taken by the fast path), mean %zu bytes, %s\n", nframes, fastable,
	       bytes / nframes, argc > 2 ? argv[2] : "synthetic Ethernet/IPv4/TCP");
	for (int m = FAST; m <= FULL_CSUM; m++) {
		double best = 0;

		for (int k = 0; k < 3; k++) {
			double r = run((enum mode)m, secs / 3, &sink);

			if (r > best)
				best = r;
		}
		printf("%-36s %8.2f Mpps  %6.1f ns/packet\n", names[m], best / 1e6, 1e9 / best);
	}
	return sink == 42; /* keep the work */
}
