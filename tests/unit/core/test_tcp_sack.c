/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SACK scoreboard and receiver block list (stack/tcp_sack.c), driven
 * directly: RFC 2018 3-4 and 8, RFC 2883 4, RFC 6675 4. Most scenarios run
 * at several bases, among them ones where the window crosses 2^32.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp.h"

#define MSS 1000u

/* Bases for the scenarios: plain, just below the wrap so the window
 * crosses 0, the wrap inside the first hole, and the sign boundary. */
static const uint32_t BASES[] = { 1000u, 0xfffff000u, 0xffffffffu - 1500u, 0x7fffff00u };
#define NBASES (sizeof(BASES) / sizeof(BASES[0]))

static struct nlrs_seq_range R(uint32_t l, uint32_t r) {
	return (struct nlrs_seq_range){ l, r };
}

/* One ACK's blocks, offsets from base. */
static uint32_t
upd(struct nlrs_sack_sb *sb, uint32_t base, uint32_t una, uint32_t max, unsigned n,
    const uint32_t *pairs)
{
	struct nlrs_seq_range b[NLRS_TCP_MAX_SACK];
	cr_assert(n <= NLRS_TCP_MAX_SACK);
	for (unsigned i = 0; i < n; i++)
		b[i] = R(base + pairs[2 * i], base + pairs[2 * i + 1]);
	return nlrs__sack_sb_update(sb, b, n, base + una, base + max);
}
#define UPD(sb, base, una, max, ...)                                                          \
	upd(sb, base, una, max, sizeof((uint32_t[]){ __VA_ARGS__ }) / (2 * sizeof(uint32_t)), \
	    (uint32_t[]){ __VA_ARGS__ })

/* The scoreboard's invariants: sorted, disjoint, non-adjacent, non-empty,
 * sacked the sum of the lengths. */
static void check_sb(const struct nlrs_sack_sb *sb)
{
	uint32_t sum = 0;
	cr_assert_leq(sb->n, NLRS_SACK_SB_MAX);
	for (unsigned i = 0; i < sb->n; i++) {
		cr_assert(nlrs_seq_lt(sb->r[i].left, sb->r[i].right), "range %u empty", i);
		sum += sb->r[i].right - sb->r[i].left;
		if (i)
			cr_assert(nlrs_seq_lt(sb->r[i - 1].right, sb->r[i].left),
				  "ranges %u and %u touch or are out of order", i - 1, i);
	}
	cr_assert_eq(sb->sacked, sum);
}

static void expect_ranges(const struct nlrs_sack_sb *sb, uint32_t base, unsigned n,
			  const uint32_t *pairs)
{
	check_sb(sb);
	cr_assert_eq(sb->n, n, "base %#x: %u ranges, expected %u", base, sb->n, n);
	for (unsigned i = 0; i < n; i++) {
		cr_assert_eq(sb->r[i].left, base + pairs[2 * i], "base %#x range %u left %#x", base,
			     i, sb->r[i].left - base);
		cr_assert_eq(sb->r[i].right, base + pairs[2 * i + 1], "base %#x range %u right %#x",
			     base, i, sb->r[i].right - base);
	}
}
#define EXPECT(sb, base, ...)                                                                 \
	expect_ranges(sb, base, sizeof((uint32_t[]){ __VA_ARGS__ }) / (2 * sizeof(uint32_t)), \
		      (uint32_t[]){ __VA_ARGS__ })

/* ---- scoreboard: merging ---- */

Test(tcp_sack, sb_merges_overlapping_and_adjacent_blocks)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		cr_assert_eq(UPD(&sb, B, 0, 10000, 1000, 2000), 1000);
		cr_assert_eq(UPD(&sb, B, 0, 10000, 3000, 4000), 1000);
		EXPECT(&sb, B, 1000, 2000, 3000, 4000);
		/* adjacent on both sides: one range */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 2000, 3000), 1000);
		EXPECT(&sb, B, 1000, 4000);
		/* overlapping on both sides: only the new bytes count */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 500, 4500), 1000);
		EXPECT(&sb, B, 500, 4500);
		/* already known */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 600, 4000), 0);
		EXPECT(&sb, B, 500, 4500);
		cr_assert_eq(sb.sacked, 4000);
	}
}

Test(tcp_sack, sb_block_spanning_several_ranges_swallows_them)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		UPD(&sb, B, 0, 20000, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 9000);
		EXPECT(&sb, B, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 9000);
		/* covers the middle two and touches the third's left edge */
		cr_assert_eq(UPD(&sb, B, 0, 20000, 2500, 5000), 1500);
		EXPECT(&sb, B, 1000, 2000, 2500, 6000, 8000, 9000);
	}
}

Test(tcp_sack, sb_sorts_blocks_whatever_order_they_come_in)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		/* RFC 2018 4 puts the newest block first, not the lowest */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 5000, 6000, 1000, 2000, 3000, 4000), 3000);
		EXPECT(&sb, B, 1000, 2000, 3000, 4000, 5000, 6000);
	}
}

/* ---- scoreboard: lies and D-SACK ---- */

Test(tcp_sack, sb_ignores_empty_and_inverted_blocks)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		cr_assert_eq(UPD(&sb, B, 0, 10000, 2000, 2000), 0);
		cr_assert_eq(UPD(&sb, B, 0, 10000, 3000, 2000), 0);
		/* "inverted" mod 2^32: the right edge 2^31 or more ahead */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 3000, 3000 + 0x80000000u), 0);
		cr_assert_eq(sb.n, 0);
		/* a good block beside the lies is still taken */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 3000, 2000, 4000, 5000, 6000, 6000), 1000);
		EXPECT(&sb, B, 4000, 5000);
	}
}

Test(tcp_sack, sb_ignores_blocks_past_snd_max)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		/* one byte past what was sent: the whole block is a lie */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 9000, 10001), 0);
		cr_assert_eq(UPD(&sb, B, 0, 10000, 20000, 21000), 0);
		cr_assert_eq(UPD(&sb, B, 0, 10000, 0x40000000u, 0x40001000u), 0);
		cr_assert_eq(sb.n, 0);
		/* up to SND.MAX exactly is fine */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 9000, 10000), 1000);
		EXPECT(&sb, B, 9000, 10000);
	}
}

Test(tcp_sack, sb_ignores_dsack_below_snd_una_and_clips_straddlers)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		/* RFC 2883 4: a D-SACK wholly below SND.UNA reports a
		 * duplicate, not a hole */
		cr_assert_eq(UPD(&sb, B, 5000, 10000, 1000, 2000), 0);
		cr_assert_eq(UPD(&sb, B, 5000, 10000, 4000, 5000), 0); /* right edge at SND.UNA */
		cr_assert_eq(sb.n, 0);
		/* D-SACK first, then the real SACK block, as RFC 2883 sends */
		cr_assert_eq(UPD(&sb, B, 5000, 10000, 3000, 4000, 6000, 7000), 1000);
		EXPECT(&sb, B, 6000, 7000);
		/* a block straddling SND.UNA keeps its upper part */
		cr_assert_eq(UPD(&sb, B, 5000, 10000, 4000, 5500), 500);
		EXPECT(&sb, B, 5000, 5500, 6000, 7000);
	}
}

Test(tcp_sack, sb_dsack_inside_a_sacked_range_adds_nothing)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		UPD(&sb, B, 0, 10000, 3000, 5000);
		/* RFC 2883 4: first block inside the second is a D-SACK */
		cr_assert_eq(UPD(&sb, B, 0, 10000, 3000, 4000, 3000, 5000), 0);
		EXPECT(&sb, B, 3000, 5000);
	}
}

/* ---- scoreboard: the cumulative ACK ---- */

Test(tcp_sack, sb_ack_drops_ranges_below_and_clips_the_one_it_enters)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		UPD(&sb, B, 0, 10000, 1000, 2000, 3000, 4000, 5000, 6000);
		nlrs__sack_sb_ack(&sb, B + 500);
		EXPECT(&sb, B, 1000, 2000, 3000, 4000, 5000, 6000);
		nlrs__sack_sb_ack(&sb, B + 3500);
		EXPECT(&sb, B, 3500, 4000, 5000, 6000);
		cr_assert_eq(sb.sacked, 1500);
		nlrs__sack_sb_ack(&sb, B + 4000); /* exactly a right edge */
		EXPECT(&sb, B, 5000, 6000);
		nlrs__sack_sb_ack(&sb, B + 6000);
		cr_assert_eq(sb.n, 0);
		cr_assert_eq(sb.sacked, 0);
	}
}

Test(tcp_sack, sb_update_with_a_newer_snd_una_forgets_what_it_passed)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		UPD(&sb, B, 0, 10000, 1000, 2000, 3000, 4000);
		/* the ACK moved to 3500 and SACKs 5000-6000 in the same segment */
		cr_assert_eq(UPD(&sb, B, 3500, 10000, 5000, 6000), 1000);
		EXPECT(&sb, B, 3500, 4000, 5000, 6000);
	}
}

/* ---- scoreboard: a full table ---- */

Test(tcp_sack, sb_full_table_forgets_the_highest_ranges)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		/* 32 ranges of 100 bytes at 1000, 1200, ... */
		for (uint32_t i = 0; i < NLRS_SACK_SB_MAX; i++)
			cr_assert_eq(UPD(&sb, B, 0, 100000, 1000 + 200 * i, 1100 + 200 * i), 100);
		check_sb(&sb);
		cr_assert_eq(sb.n, NLRS_SACK_SB_MAX);
		uint32_t top = 1100 + 200 * (NLRS_SACK_SB_MAX - 1);
		cr_assert_eq(nlrs__sack_sb_high(&sb, B), B + top);
		/* a new range above them all has no room: not recorded */
		cr_assert_eq(UPD(&sb, B, 0, 100000, 20000, 20100), 0);
		cr_assert_eq(sb.n, NLRS_SACK_SB_MAX);
		cr_assert_eq(nlrs__sack_sb_high(&sb, B), B + top);
		/* one that merges with a range needs no slot */
		cr_assert_eq(UPD(&sb, B, 0, 100000, 1100, 1150), 50);
		cr_assert_eq(sb.n, NLRS_SACK_SB_MAX);
		/* a new low range pushes the highest out (RFC 2018 8) */
		cr_assert_eq(UPD(&sb, B, 0, 100000, 100, 200), 100);
		check_sb(&sb);
		cr_assert_eq(sb.n, NLRS_SACK_SB_MAX);
		cr_assert_eq(sb.r[0].left, B + 100);
		cr_assert_eq(nlrs__sack_sb_high(&sb, B), B + top - 200);
		cr_assert_eq(sb.sacked, NLRS_SACK_SB_MAX * 100u + 50u);
		cr_assert_not(nlrs__sack_sb_is_sacked(&sb, B + top - 100));
		/* a block joining two ranges frees a slot for the next one */
		cr_assert_eq(UPD(&sb, B, 0, 100000, 1150, 1200, 30000, 30100), 150);
		check_sb(&sb);
		cr_assert_eq(sb.n, NLRS_SACK_SB_MAX);
		cr_assert_eq(nlrs__sack_sb_high(&sb, B), B + 30100);
	}
}

/* ---- scoreboard: queries ---- */

Test(tcp_sack, sb_is_sacked_and_high)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		cr_assert_eq(nlrs__sack_sb_high(&sb, B + 7), B + 7, "none: snd_una");
		UPD(&sb, B, 0, 10000, 1000, 2000, 3000, 4000);
		cr_assert_not(nlrs__sack_sb_is_sacked(&sb, B + 999));
		cr_assert(nlrs__sack_sb_is_sacked(&sb, B + 1000));
		cr_assert(nlrs__sack_sb_is_sacked(&sb, B + 1999));
		cr_assert_not(nlrs__sack_sb_is_sacked(&sb, B + 2000));
		cr_assert(nlrs__sack_sb_is_sacked(&sb, B + 3999));
		cr_assert_not(nlrs__sack_sb_is_sacked(&sb, B + 4000));
		cr_assert_eq(nlrs__sack_sb_high(&sb, B), B + 4000);
	}
}

Test(tcp_sack, sb_is_lost_by_count_of_discontiguous_ranges)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		/* three small ranges, 300 bytes in all (< 2 SMSS) */
		UPD(&sb, B, 0, 10000, 1000, 1100, 2000, 2100);
		cr_assert_not(nlrs__sack_sb_is_lost(&sb, B, MSS), "two ranges are not enough");
		UPD(&sb, B, 0, 10000, 3000, 3100);
		cr_assert(nlrs__sack_sb_is_lost(&sb, B, MSS),
			  "RFC 6675 4 IsLost (a): DupThresh ranges");
		cr_assert(nlrs__sack_sb_is_lost(&sb, B + 999, MSS));
		cr_assert_not(nlrs__sack_sb_is_lost(&sb, B + 1500, MSS), "only two above");
		cr_assert_not(nlrs__sack_sb_is_lost(&sb, B + 3100, MSS), "none above");
	}
}

Test(tcp_sack, sb_is_lost_by_bytes_above)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		/* exactly (DupThresh - 1) * SMSS above: not more, not lost */
		UPD(&sb, B, 0, 10000, 1000, 3000);
		cr_assert_not(nlrs__sack_sb_is_lost(&sb, B, MSS));
		/* one byte more */
		UPD(&sb, B, 0, 10000, 3000, 3001);
		cr_assert(nlrs__sack_sb_is_lost(&sb, B, MSS), "RFC 6675 4 IsLost (b)");
		cr_assert(nlrs__sack_sb_is_lost(&sb, B + 999, MSS));
		/* octets greater than seq only: from 1000, 2000 lie above */
		cr_assert_not(nlrs__sack_sb_is_lost(&sb, B + 1000, MSS));
		/* smaller SMSS, fewer bytes needed */
		cr_assert(nlrs__sack_sb_is_lost(&sb, B + 1000, 536));
	}
}

/* The worked scenario: ten 1000-byte segments sent, segments 3 and 8
 * lost, the rest SACKed (0..2 cumulatively).
 *
 *   seg:   0  1  2 |3 |4  5  6  7 |8 |9
 *          acked   |L |  SACKed   |? |SACKed
 *
 * Hole 3 has two ranges and 5000 bytes above it: lost (IsLost (a) and
 * (b)). Hole 8 has one range and 1000 bytes above: not lost, so it is
 * still in flight. SetPipe: 1000 (hole 8), plus each retransmitted
 * byte once more, plus new data above the last SACK. */
Test(tcp_sack, sb_pipe_for_the_worked_scenario)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		UPD(&sb, B, 3000, 10000, 4000, 8000, 9000, 10000);
		uint32_t una = B + 3000;
		cr_assert(nlrs__sack_sb_is_lost(&sb, B + 3000, MSS));
		cr_assert_not(nlrs__sack_sb_is_lost(&sb, B + 8000, MSS));
		cr_assert_eq(nlrs__sack_sb_pipe(&sb, una, B + 10000, una, MSS), 1000);
		cr_assert_eq(nlrs__sack_sb_lost_bytes(&sb, una, MSS), 1000);
		/* segment 3 retransmitted: HighRxt = 4000 */
		cr_assert_eq(nlrs__sack_sb_pipe(&sb, una, B + 10000, B + 4000, MSS), 2000);
		/* two new segments sent */
		cr_assert_eq(nlrs__sack_sb_pipe(&sb, una, B + 12000, B + 4000, MSS), 4000);
		/* high_rxt beyond snd_max or below snd_una is clipped */
		cr_assert_eq(nlrs__sack_sb_pipe(&sb, una, B + 10000, B + 500, MSS), 1000);
		/* segment 9's SACK was the only thing above 8; one more
		 * SACKed segment above it (two new ones, the first SACKed)
		 * does not yet make 8 lost: 2000 bytes, two ranges */
		UPD(&sb, B, 3000, 12000, 10000, 11000);
		EXPECT(&sb, B, 4000, 8000, 9000, 11000);
		cr_assert_not(nlrs__sack_sb_is_lost(&sb, B + 8000, MSS));
		/* the second new one SACKed: 3000 bytes above 8: lost */
		UPD(&sb, B, 3000, 12000, 11000, 12000);
		cr_assert(nlrs__sack_sb_is_lost(&sb, B + 8000, MSS));
		cr_assert_eq(nlrs__sack_sb_pipe(&sb, una, B + 12000, una, MSS), 0);
		cr_assert_eq(nlrs__sack_sb_lost_bytes(&sb, una, MSS), 2000);
	}
}

Test(tcp_sack, sb_pipe_without_sack_is_the_flight_plus_retransmissions)
{
	struct nlrs_sack_sb sb;
	nlrs__sack_sb_reset(&sb);
	/* 4096 bytes out across 0; 0x500 of them resent */
	cr_assert_eq(nlrs__sack_sb_pipe(&sb, 0xfffffc00u, 0x00000c00u, 0xfffffc00u, MSS), 4096);
	cr_assert_eq(nlrs__sack_sb_pipe(&sb, 0xfffffc00u, 0x00000c00u, 0x00000100u, MSS),
		     4096 + 0x500);
	cr_assert_eq(nlrs__sack_sb_lost_bytes(&sb, 0xfffffc00u, MSS), 0);
	/* snd_max behind snd_una: nonsense in, nothing out */
	cr_assert_eq(nlrs__sack_sb_pipe(&sb, 5000, 4000, 5000, MSS), 0);
}

Test(tcp_sack, sb_pipe_ignores_ranges_below_snd_una_not_yet_cleared)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		UPD(&sb, B, 0, 10000, 1000, 2000, 3000, 4000, 5000, 5100);
		/* SND.UNA moved to 2500 but the board was not told: the
		 * range below must not count toward IsLost of the hole */
		uint32_t stale = nlrs__sack_sb_pipe(&sb, B + 2500, B + 10000, B + 2500, MSS);
		uint32_t stale_lost = nlrs__sack_sb_lost_bytes(&sb, B + 2500, MSS);
		nlrs__sack_sb_ack(&sb, B + 2500);
		cr_assert_eq(nlrs__sack_sb_pipe(&sb, B + 2500, B + 10000, B + 2500, MSS), stale);
		cr_assert_eq(nlrs__sack_sb_lost_bytes(&sb, B + 2500, MSS), stale_lost);
		/* hole 2500-3000 (2 ranges, 1100 bytes above: not lost),
		 * hole 4000-5000 (1 range above), 5100-10000 above all */
		cr_assert_eq(stale, 500 + 1000 + 4900);
		cr_assert_eq(stale_lost, 0);
	}
}

/* SetPipe as RFC 6675 4 writes it, one octet at a time, through the
 * module's own IsLost and is_sacked. */
static uint32_t pipe_by_octet(const struct nlrs_sack_sb *sb, uint32_t una, uint32_t max,
			      uint32_t high_rxt, uint32_t mss)
{
	uint32_t pipe = 0;
	for (uint32_t s1 = una; s1 != max; s1++) {
		if (nlrs__sack_sb_is_sacked(sb, s1))
			continue;
		if (!nlrs__sack_sb_is_lost(sb, s1, mss))
			pipe++;
		if (nlrs_seq_lt(s1, high_rxt))
			pipe++;
	}
	return pipe;
}

/* IsLost by its definition, octet by octet, without the module. */
static bool is_lost_by_octet(const struct nlrs_sack_sb *sb, uint32_t seq, uint32_t mss)
{
	uint32_t bytes = 0;
	unsigned ranges = 0;
	for (unsigned i = 0; i < sb->n; i++) {
		uint32_t above = 0;
		for (uint32_t s = sb->r[i].left; s != sb->r[i].right; s++)
			if (nlrs_seq_gt(s, seq))
				above++;
		bytes += above;
		ranges += above ? 1u : 0u;
	}
	return ranges >= NLRS_TCP_DUPTHRESH || bytes > (NLRS_TCP_DUPTHRESH - 1u) * mss;
}

Test(tcp_sack, sb_pipe_and_is_lost_match_the_octet_by_octet_definition)
{
	srand(6675);
	for (unsigned trial = 0; trial < 300; trial++) {
		uint32_t B = BASES[trial % NBASES] - (uint32_t)(rand() % 3000);
		uint32_t wnd = 500u + (uint32_t)(rand() % 4000);
		uint32_t mss = 50u + (uint32_t)(rand() % 400);
		struct nlrs_sack_sb sb;
		nlrs__sack_sb_reset(&sb);
		unsigned acks = 1u + (unsigned)(rand() % 12);
		for (unsigned a = 0; a < acks; a++) {
			struct nlrs_seq_range b[NLRS_TCP_MAX_SACK];
			unsigned n = 1u + (unsigned)(rand() % NLRS_TCP_MAX_SACK);
			for (unsigned i = 0; i < n; i++) {
				/* some blocks stray outside the window on purpose */
				uint32_t l = (uint32_t)(rand() % (int)(wnd + 200)) - 100u;
				uint32_t len = 1u + (uint32_t)(rand() % 400);
				b[i] = R(B + l, B + l + len);
			}
			nlrs__sack_sb_update(&sb, b, n, B, B + wnd);
			check_sb(&sb);
		}
		uint32_t rx = B + (uint32_t)(rand() % (int)(wnd + 1));
		cr_assert_eq(nlrs__sack_sb_pipe(&sb, B, B + wnd, rx, mss),
			     pipe_by_octet(&sb, B, B + wnd, rx, mss), "trial %u", trial);
		for (unsigned q = 0; q < 20; q++) {
			uint32_t s = B + (uint32_t)(rand() % (int)wnd);
			cr_assert_eq(nlrs__sack_sb_is_lost(&sb, s, mss),
				     is_lost_by_octet(&sb, s, mss), "trial %u seq +%u", trial,
				     s - B);
		}
		/* lost_bytes: the unSACKed octets below the highest SACK
		 * that IsLost calls lost */
		uint32_t lost = 0, high = nlrs__sack_sb_high(&sb, B);
		for (uint32_t s = B; s != high; s++)
			if (!nlrs__sack_sb_is_sacked(&sb, s) && nlrs__sack_sb_is_lost(&sb, s, mss))
				lost++;
		cr_assert_eq(nlrs__sack_sb_lost_bytes(&sb, B, mss), lost, "trial %u", trial);
	}
}

Test(tcp_sack, sb_next_hole_walks_the_holes_below_the_highest_sack)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_sb sb;
		uint32_t st = 0, len = 0;
		nlrs__sack_sb_reset(&sb);
		cr_assert_not(nlrs__sack_sb_next_hole(&sb, B + 1000, B + 1000, &st, &len),
			      "no SACK, no hole");
		UPD(&sb, B, 1000, 10000, 2000, 3000, 5000, 6000);
		uint32_t una = B + 1000;
		cr_assert(nlrs__sack_sb_next_hole(&sb, una, una, &st, &len));
		cr_assert_eq(st, una);
		cr_assert_eq(len, 1000);
		/* a hole containing `from` starts at `from` */
		cr_assert(nlrs__sack_sb_next_hole(&sb, B + 1500, una, &st, &len));
		cr_assert_eq(st, B + 1500);
		cr_assert_eq(len, 500);
		/* from inside a SACKed range: the next hole */
		cr_assert(nlrs__sack_sb_next_hole(&sb, B + 2000, una, &st, &len));
		cr_assert_eq(st, B + 3000);
		cr_assert_eq(len, 2000);
		cr_assert(nlrs__sack_sb_next_hole(&sb, B + 2999, una, &st, &len));
		cr_assert_eq(st, B + 3000);
		cr_assert(nlrs__sack_sb_next_hole(&sb, B + 4999, una, &st, &len));
		cr_assert_eq(st, B + 4999);
		cr_assert_eq(len, 1);
		/* below snd_una: from snd_una */
		cr_assert(nlrs__sack_sb_next_hole(&sb, B + 10, una, &st, &len));
		cr_assert_eq(st, una);
		cr_assert_eq(len, 1000);
		/* nothing above the highest SACKed byte is a hole */
		cr_assert_not(nlrs__sack_sb_next_hole(&sb, B + 5500, una, &st, &len));
		cr_assert_not(nlrs__sack_sb_next_hole(&sb, B + 6000, una, &st, &len));
		cr_assert_not(nlrs__sack_sb_next_hole(&sb, B + 9000, una, &st, &len));
	}
}

Test(tcp_sack, sb_next_hole_and_is_lost_give_nextseg_rule_1)
{
	/* RFC 6675 4 NextSeg (1): the first unSACKed octet above HighRxt
	 * that IsLost. Holes at 1000 and 4000; only the first is lost. */
	uint32_t B = 0xffffff00u, st, len;
	struct nlrs_sack_sb sb;
	nlrs__sack_sb_reset(&sb);
	UPD(&sb, B, 0, 8000, 1000, 4000, 5000, 5500);
	uint32_t hr = B; /* HighRxt */
	cr_assert(nlrs__sack_sb_next_hole(&sb, hr, B, &st, &len));
	cr_assert_eq(st, B);
	cr_assert(nlrs__sack_sb_is_lost(&sb, st, MSS));
	hr = B + 1000; /* first hole resent */
	cr_assert(nlrs__sack_sb_next_hole(&sb, hr, B, &st, &len));
	cr_assert_eq(st, B + 4000);
	cr_assert_eq(len, 1000);
	cr_assert_not(nlrs__sack_sb_is_lost(&sb, st, MSS), "only 500 bytes, one range above");
}

/* ---- receiver: blocks to report (RFC 2018 4) ---- */

static void expect_rcv(const struct nlrs_sack_rcv *sr, uint32_t base, unsigned n,
		       const uint32_t *pairs)
{
	cr_assert_eq(sr->n, n, "base %#x: %u blocks, expected %u", base, sr->n, n);
	for (unsigned i = 0; i < n; i++) {
		cr_assert_eq(sr->r[i].left, base + pairs[2 * i], "base %#x block %u left +%u", base,
			     i, sr->r[i].left - base);
		cr_assert_eq(sr->r[i].right, base + pairs[2 * i + 1], "base %#x block %u right +%u",
			     base, i, sr->r[i].right - base);
	}
}
#define EXPECT_RCV(sr, base, ...)                                                          \
	expect_rcv(sr, base, sizeof((uint32_t[]){ __VA_ARGS__ }) / (2 * sizeof(uint32_t)), \
		   (uint32_t[]){ __VA_ARGS__ })

Test(tcp_sack, rcv_most_recent_block_first)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_rcv sr;
		nlrs__sack_rcv_reset(&sr);
		cr_assert_eq(sr.n, 0);
		nlrs__sack_rcv_add(&sr, B + 100, B + 200);
		nlrs__sack_rcv_add(&sr, B + 500, B + 600);
		nlrs__sack_rcv_add(&sr, B + 300, B + 400);
		EXPECT_RCV(&sr, B, 300, 400, 500, 600, 100, 200);
		/* another segment of the oldest block: that block leads now,
		 * the others keep their order */
		nlrs__sack_rcv_add(&sr, B + 200, B + 250);
		EXPECT_RCV(&sr, B, 100, 250, 300, 400, 500, 600);
	}
}

Test(tcp_sack, rcv_new_segment_merges_every_block_it_touches)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_rcv sr;
		nlrs__sack_rcv_reset(&sr);
		nlrs__sack_rcv_add(&sr, B + 100, B + 200);
		nlrs__sack_rcv_add(&sr, B + 700, B + 800);
		nlrs__sack_rcv_add(&sr, B + 300, B + 400);
		/* fills 200-300: adjacent to both neighbours */
		nlrs__sack_rcv_add(&sr, B + 200, B + 300);
		EXPECT_RCV(&sr, B, 100, 400, 700, 800);
		/* overlaps 700-800 and reaches past it */
		nlrs__sack_rcv_add(&sr, B + 650, B + 900);
		EXPECT_RCV(&sr, B, 650, 900, 100, 400);
		/* a duplicate inside a block moves it first, changes nothing */
		nlrs__sack_rcv_add(&sr, B + 150, B + 160);
		EXPECT_RCV(&sr, B, 100, 400, 650, 900);
	}
}

Test(tcp_sack, rcv_oldest_block_drops_out_past_four)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_rcv sr;
		nlrs__sack_rcv_reset(&sr);
		for (uint32_t i = 0; i < 6; i++)
			nlrs__sack_rcv_add(&sr, B + 1000 * i + 100, B + 1000 * i + 200);
		cr_assert_eq(sr.n, NLRS_TCP_MAX_SACK);
		EXPECT_RCV(&sr, B, 5100, 5200, 4100, 4200, 3100, 3200, 2100, 2200);
		/* next to the forgotten oldest: reported alone, and the
		 * then-oldest drops */
		nlrs__sack_rcv_add(&sr, B + 200, B + 300);
		EXPECT_RCV(&sr, B, 200, 300, 5100, 5200, 4100, 4200, 3100, 3200);
	}
}

Test(tcp_sack, rcv_ack_drops_and_clips_blocks)
{
	for (unsigned k = 0; k < NBASES; k++) {
		uint32_t B = BASES[k];
		struct nlrs_sack_rcv sr;
		nlrs__sack_rcv_reset(&sr);
		nlrs__sack_rcv_add(&sr, B + 100, B + 200);
		nlrs__sack_rcv_add(&sr, B + 500, B + 600);
		nlrs__sack_rcv_add(&sr, B + 300, B + 400);
		nlrs__sack_rcv_ack(&sr, B + 50);
		EXPECT_RCV(&sr, B, 300, 400, 500, 600, 100, 200);
		/* the hole before 100 filled up to the end of that block */
		nlrs__sack_rcv_ack(&sr, B + 200);
		EXPECT_RCV(&sr, B, 300, 400, 500, 600);
		nlrs__sack_rcv_ack(&sr, B + 350);
		EXPECT_RCV(&sr, B, 350, 400, 500, 600);
		nlrs__sack_rcv_ack(&sr, B + 600);
		cr_assert_eq(sr.n, 0);
	}
}

Test(tcp_sack, rcv_ignores_empty_and_inverted_segments)
{
	struct nlrs_sack_rcv sr;
	nlrs__sack_rcv_reset(&sr);
	nlrs__sack_rcv_add(&sr, 100, 100);
	nlrs__sack_rcv_add(&sr, 200, 100);
	cr_assert_eq(sr.n, 0);
}

Test(tcp_sack, rcv_blocks_across_the_wrap_merge)
{
	struct nlrs_sack_rcv sr;
	nlrs__sack_rcv_reset(&sr);
	nlrs__sack_rcv_add(&sr, 0xffffff00u, 0xffffffffu);
	nlrs__sack_rcv_add(&sr, 0x00000010u, 0x00000100u);
	/* [ff..ff, 10) bridges the two across 0 */
	nlrs__sack_rcv_add(&sr, 0xffffffffu, 0x00000010u);
	cr_assert_eq(sr.n, 1);
	cr_assert_eq(sr.r[0].left, 0xffffff00u);
	cr_assert_eq(sr.r[0].right, 0x00000100u);
	nlrs__sack_rcv_ack(&sr, 0x00000001u);
	cr_assert_eq(sr.n, 1);
	cr_assert_eq(sr.r[0].left, 0x00000001u);
}
