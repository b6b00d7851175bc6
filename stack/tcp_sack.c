/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SACK bookkeeping, both directions.
 *
 * Sender: the scoreboard of what the peer reported (RFC 2018 3) and the
 * RFC 6675 queries loss recovery is built from.
 *   Implements: merging the blocks of each ACK into at most
 *   NLRS_SACK_SB_MAX sorted, disjoint, non-adjacent ranges; ignoring blocks
 *   that are empty, inverted, wholly at or below SND.UNA (D-SACK, RFC 2883
 *   4) or reaching past SND.MAX (data never sent), and clipping blocks that
 *   straddle SND.UNA; forgetting the highest ranges when the table is full
 *   (RFC 2018 8 lets a sender drop SACK information); IsLost (RFC 6675 4,
 *   both tests), SetPipe (RFC 6675 4) and the hole walk NextSeg needs
 *   (RFC 6675 4, rule 1: the caller asks for the first hole above HighRxt
 *   and checks IsLost on its start; IsLost only weakens as the sequence
 *   number grows, so no later hole can be lost when that one is not).
 *   Every call is O(NLRS_SACK_SB_MAX): SetPipe works per hole, not per
 *   octet, since all octets of one hole have the same SACKed data above
 *   them and so share IsLost's answer.
 *   Not here: D-SACK classification (the caller counts it; RFC 2883 4's
 *   "first block below the ACK or inside the second block"), undo of
 *   spurious retransmissions from D-SACK (RFC 3708), reneging detection
 *   (RFC 2018 8: the caller keeps SACKed data until it is cumulatively
 *   acknowledged, and may clear the board after a timeout).
 *
 * Receiver: the blocks to report (RFC 2018 4), most recent first.
 *   Implements: the first block is the one holding the segment that
 *   triggered the ACK, merged with every block it touches or overlaps; the
 *   others follow in the order they were last reported; the oldest drops
 *   out past NLRS_TCP_MAX_SACK (the caller sends as many as fit: three
 *   with timestamps, RFC 2018 3); blocks below RCV.NXT leave.
 *   Not here: the D-SACK block (RFC 2883 4), which the caller reports once
 *   from tcb->dsack_left/right ahead of these.
 *
 * Sequence numbers are compared modulo 2^32 (RFC 9293 3.4). The
 * scoreboard works in offsets from SND.UNA, which turns every comparison
 * inside the send window (under 2^31 bytes, RFC 7323 2.3) into a plain
 * unsigned one and makes wrap-around at 2^32 a non-event.
 */
#include "tcp.h"

/* ---- sender: the scoreboard ---- */

#define LOST_SEGS (NLRS_TCP_DUPTHRESH - 1u) /* times SMSS: RFC 6675 4 IsLost (b) */

void nlrs__sack_sb_reset(struct nlrs_sack_sb *sb)
{
	*sb = (struct nlrs_sack_sb){ 0 };
}

static uint32_t rlen(const struct nlrs_seq_range *r)
{
	return r->right - r->left;
}

/* Remove r[i .. i+k) keeping the order. */
static void sb_remove(struct nlrs_sack_sb *sb, unsigned i, unsigned k)
{
	for (unsigned j = i; j + k < sb->n; j++)
		sb->r[j] = sb->r[j + k];
	sb->n = (uint8_t)(sb->n - k);
}

/* Range i as offsets from base, clipped to [0, wnd]. */
static void sb_off(const struct nlrs_sack_sb *sb, unsigned i, uint32_t base, uint32_t wnd,
		   uint32_t *lo, uint32_t *hi)
{
	uint32_t l = nlrs_seq_lt(sb->r[i].left, base) ? 0 : sb->r[i].left - base;
	uint32_t h = nlrs_seq_lt(sb->r[i].right, base) ? 0 : sb->r[i].right - base;
	*lo = l < wnd ? l : wnd;
	*hi = h < wnd ? h : wnd;
}

/* Add [base + lo, base + hi), offsets from SND.UNA with every stored range
 * at or above base. Returns the bytes it adds to the table. */
static uint32_t sb_insert(struct nlrs_sack_sb *sb, uint32_t base, uint32_t lo, uint32_t hi)
{
	unsigned i = 0, j;
	/* first range that reaches lo (touching counts: ranges are kept
	 * non-adjacent, so [a, b) and [b, c) become one) */
	while (i < sb->n && sb->r[i].right - base < lo)
		i++;
	uint32_t nlo = lo, nhi = hi, covered = 0;
	for (j = i; j < sb->n && sb->r[j].left - base <= hi; j++) {
		uint32_t l = sb->r[j].left - base, h = sb->r[j].right - base;
		if (l < nlo)
			nlo = l;
		if (h > nhi)
			nhi = h;
		covered += rlen(&sb->r[j]);
	}
	if (j > i) {
		/* r[i .. j) and the block become one range */
		sb->r[i].left = base + nlo;
		sb->r[i].right = base + nhi;
		sb_remove(sb, i + 1u, j - i - 1u);
		uint32_t added = (nhi - nlo) - covered;
		sb->sacked += added;
		return added;
	}
	if (sb->n == NLRS_SACK_SB_MAX) {
		/* RFC 2018 8: a sender may forget SACK information. Forget the
		 * highest range: the receiver keeps reporting the newest
		 * blocks, the low ones are what recovery needs next. */
		if (i == sb->n)
			return 0;
		sb->sacked -= rlen(&sb->r[sb->n - 1u]);
		sb->n--;
	}
	for (j = sb->n; j > i; j--)
		sb->r[j] = sb->r[j - 1u];
	sb->r[i].left = base + lo;
	sb->r[i].right = base + hi;
	sb->n++;
	sb->sacked += hi - lo;
	return hi - lo;
}

uint32_t nlrs__sack_sb_update(struct nlrs_sack_sb *sb, const struct nlrs_seq_range *blk,
			      unsigned nblk, uint32_t snd_una, uint32_t snd_max)
{
	/* Ranges the cumulative ACK has passed go first, so the offsets
	 * below are measured from a base no range lies under. */
	nlrs__sack_sb_ack(sb, snd_una);
	if (nlrs_seq_lt(snd_max, snd_una))
		return 0; /* no window: the caller's numbers are not sane */
	uint32_t wnd = snd_max - snd_una, added = 0;
	for (unsigned k = 0; k < nblk; k++) {
		uint32_t len = blk[k].right - blk[k].left;
		/* RFC 2018 3: left edge is the first SACKed byte, right edge
		 * one past the last. Empty or inverted (the right edge at or
		 * "before" the left, mod 2^32) is a lie; drop it. */
		if (len == 0 || len >= 0x80000000u)
			continue;
		/* Offset of the right edge from SND.UNA: 0, or the upper
		 * half of the space, means the block ends at or below
		 * SND.UNA: RFC 2883 4, a D-SACK reporting a duplicate, not a
		 * hole. Past the window means the block claims bytes never
		 * sent (above SND.MAX): a lie. Both are ignored. */
		uint32_t hi = blk[k].right - snd_una;
		if (hi == 0 || hi > wnd)
			continue;
		/* A block straddling SND.UNA (a D-SACK for a segment partly
		 * above it, or an old report) keeps its part above it. */
		uint32_t lo = len >= hi ? 0 : hi - len;
		added += sb_insert(sb, snd_una, lo, hi);
	}
	return added;
}

void nlrs__sack_sb_ack(struct nlrs_sack_sb *sb, uint32_t snd_una)
{
	unsigned k = 0;
	while (k < sb->n && nlrs_seq_leq(sb->r[k].right, snd_una)) {
		sb->sacked -= rlen(&sb->r[k]);
		k++;
	}
	sb_remove(sb, 0, k);
	if (sb->n && nlrs_seq_lt(sb->r[0].left, snd_una)) {
		sb->sacked -= snd_una - sb->r[0].left;
		sb->r[0].left = snd_una;
	}
}

bool nlrs__sack_sb_is_sacked(const struct nlrs_sack_sb *sb, uint32_t seq)
{
	for (unsigned i = 0; i < sb->n; i++)
		if (seq - sb->r[i].left < rlen(&sb->r[i]))
			return true;
	return false;
}

uint32_t nlrs__sack_sb_high(const struct nlrs_sack_sb *sb, uint32_t snd_una)
{
	if (!sb->n || nlrs_seq_leq(sb->r[sb->n - 1u].right, snd_una))
		return snd_una;
	return sb->r[sb->n - 1u].right;
}

/* RFC 6675 4 IsLost's two tests, given what lies above the sequence number. */
static bool lost_by(unsigned ranges_above, uint32_t bytes_above, uint32_t mss)
{
	/* (a) DupThresh discontiguous SACKed sequences above it, or
	 * (b) more than (DupThresh - 1) * SMSS bytes above it SACKed */
	return ranges_above >= NLRS_TCP_DUPTHRESH ||
	       (uint64_t)bytes_above > (uint64_t)LOST_SEGS * mss;
}

bool nlrs__sack_sb_is_lost(const struct nlrs_sack_sb *sb, uint32_t seq, uint32_t mss)
{
	/* RFC 6675 4 IsLost(SeqNum): count SACKed octets with numbers
	 * greater than seq, from the top down (ranges are sorted). */
	uint32_t s1 = seq + 1u, bytes = 0;
	unsigned ranges = 0;
	for (unsigned i = sb->n; i-- > 0;) {
		if (!nlrs_seq_gt(sb->r[i].right, s1))
			break; /* this range and all below end at or before seq */
		uint32_t from = nlrs_seq_geq(sb->r[i].left, s1) ? sb->r[i].left : s1;
		bytes += sb->r[i].right - from;
		ranges++;
		if (lost_by(ranges, bytes, mss))
			return true;
	}
	return false;
}

bool nlrs__sack_sb_next_hole(const struct nlrs_sack_sb *sb, uint32_t from, uint32_t snd_una,
			     uint32_t *start, uint32_t *len)
{
	if (!sb->n)
		return false;
	uint32_t top = nlrs__sack_sb_high(sb, snd_una) - snd_una;
	uint32_t f = nlrs_seq_lt(from, snd_una) ? 0 : from - snd_una;
	if (f >= top)
		return false; /* at or above the highest SACKed byte: no hole */
	uint32_t a = 0;       /* start of the current hole */
	for (unsigned i = 0; i < sb->n; i++) {
		uint32_t lo, hi;
		sb_off(sb, i, snd_una, top, &lo, &hi);
		/* hole [a, lo) below range i */
		if (lo > f && lo > a) {
			uint32_t s = a > f ? a : f;
			*start = snd_una + s;
			*len = lo - s;
			return true;
		}
		if (hi > a)
			a = hi;
	}
	return false;
}

/* Walk the holes from the top: every octet of the hole below range i has
 * the ranges i..n-1 and all their bytes above it (RFC 6675 4 IsLost).
 * Sums the hole bytes that are lost, and SetPipe over [0, wnd) with
 * retransmissions below rx (offsets from base). Ranges outside [0, wnd)
 * (stale ones the caller did not clear with nlrs__sack_sb_ack) count for
 * nothing. */
static void sb_scan(const struct nlrs_sack_sb *sb, uint32_t base, uint32_t wnd, uint32_t rx,
		    uint32_t mss, uint32_t *pipe, uint32_t *lost)
{
	uint32_t p = 0, l = 0, above = 0, b = wnd;
	unsigned nabove = 0;
	for (unsigned i = sb->n + 1u; i-- > 0;) {
		/* hole [a, b): below range i (i == n: above the last range) */
		uint32_t a = 0, lo = 0, hi = 0;
		if (i > 0) {
			sb_off(sb, i - 1u, base, wnd, &lo, &hi);
			a = hi;
		}
		if (b > a) {
			if (nabove && lost_by(nabove, above, mss)) {
				l += b - a;
			} else {
				p += b - a; /* RFC 6675 4 SetPipe (a): not lost */
			}
			/* SetPipe (b): retransmitted, S1 <= HighRxt */
			if (rx > a)
				p += (rx < b ? rx : b) - a;
		}
		if (i > 0) {
			if (hi > lo) {
				above += hi - lo;
				nabove++;
			}
			b = lo;
		}
	}
	*pipe = p;
	*lost = l;
}

uint32_t nlrs__sack_sb_pipe(const struct nlrs_sack_sb *sb, uint32_t snd_una, uint32_t snd_max,
			    uint32_t high_rxt, uint32_t mss)
{
	if (nlrs_seq_lt(snd_max, snd_una))
		return 0;
	uint32_t wnd = snd_max - snd_una;
	uint32_t rx = nlrs_seq_lt(high_rxt, snd_una) ? 0 : high_rxt - snd_una;
	if (rx > wnd)
		rx = wnd;
	uint32_t pipe, lost;
	sb_scan(sb, snd_una, wnd, rx, mss, &pipe, &lost);
	return pipe;
}

uint32_t nlrs__sack_sb_lost_bytes(const struct nlrs_sack_sb *sb, uint32_t snd_una, uint32_t mss)
{
	uint32_t pipe, lost;
	sb_scan(sb, snd_una, nlrs__sack_sb_high(sb, snd_una) - snd_una, 0, mss, &pipe, &lost);
	return lost;
}

/* ---- receiver: blocks to report ---- */

void nlrs__sack_rcv_reset(struct nlrs_sack_rcv *sr)
{
	*sr = (struct nlrs_sack_rcv){ 0 };
}

static bool touches(const struct nlrs_seq_range *a, const struct nlrs_seq_range *b)
{
	return nlrs_seq_leq(a->left, b->right) && nlrs_seq_leq(b->left, a->right);
}

void nlrs__sack_rcv_add(struct nlrs_sack_rcv *sr, uint32_t left, uint32_t right)
{
	uint32_t len = right - left;
	if (len == 0 || len >= 0x80000000u)
		return;
	struct nlrs_seq_range nr = { left, right };
	bool gone[NLRS_TCP_MAX_SACK] = { false };
	/* RFC 2018 4: the first block holds the segment just received,
	 * grown over every block it touches or overlaps. Growing may make
	 * it reach a block it did not touch before, so repeat until a pass
	 * absorbs nothing (at most one pass per block). */
	for (unsigned pass = 0; pass <= NLRS_TCP_MAX_SACK; pass++) {
		bool grew = false;
		for (unsigned i = 0; i < sr->n; i++) {
			if (gone[i] || !touches(&nr, &sr->r[i]))
				continue;
			if (nlrs_seq_lt(sr->r[i].left, nr.left))
				nr.left = sr->r[i].left;
			if (nlrs_seq_gt(sr->r[i].right, nr.right))
				nr.right = sr->r[i].right;
			gone[i] = grew = true;
		}
		if (!grew)
			break;
	}
	/* The others keep the order they were last reported in; past
	 * NLRS_TCP_MAX_SACK the oldest (last) falls off. */
	struct nlrs_seq_range out[NLRS_TCP_MAX_SACK];
	unsigned n = 0;
	out[n++] = nr;
	for (unsigned i = 0; i < sr->n && n < NLRS_TCP_MAX_SACK; i++)
		if (!gone[i])
			out[n++] = sr->r[i];
	for (unsigned i = 0; i < n; i++)
		sr->r[i] = out[i];
	sr->n = (uint8_t)n;
}

void nlrs__sack_rcv_ack(struct nlrs_sack_rcv *sr, uint32_t rcv_nxt)
{
	/* RFC 2018 4: blocks report data above RCV.NXT only. */
	unsigned w = 0;
	for (unsigned i = 0; i < sr->n; i++) {
		if (nlrs_seq_leq(sr->r[i].right, rcv_nxt))
			continue;
		if (nlrs_seq_lt(sr->r[i].left, rcv_nxt))
			sr->r[i].left = rcv_nxt;
		sr->r[w++] = sr->r[i];
	}
	sr->n = (uint8_t)w;
}
