/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SACK bookkeeping: the sender's scoreboard of what the peer reported
 * (RFC 2018 3, RFC 6675 2-4) and the receiver's list of blocks to report
 * (RFC 2018 4).
 *
 * Implements: merging reported blocks into at most NLRS_SACK_SB_MAX sorted
 * disjoint ranges, ignoring D-SACK blocks below SND.UNA (RFC 2883 4) and
 * blocks that claim data never sent; IsLost (DupThresh discontiguous
 * ranges or more than (DupThresh - 1) * SMSS bytes above), SetPipe, and
 * the holes NextSeg walks (RFC 6675 4); the receiver's blocks with the most
 * recent first and the rest in the order last reported.
 * Not implemented: remembering which bytes were reneged (RFC 2018 8: a
 * receiver may discard SACKed data; the RTO path then resends it since the
 * cumulative ACK never covers it).
 */
#include "tcp.h"

void nlrs__sack_sb_reset(struct nlrs_sack_sb *sb)
{
	nlrs_memset(sb, 0, sizeof(*sb));
}

static void sb_del(struct nlrs_sack_sb *sb, unsigned i)
{
	for (unsigned j = i; j + 1u < sb->n; j++)
		sb->r[j] = sb->r[j + 1u];
	sb->n--;
}

static void sb_recount(struct nlrs_sack_sb *sb)
{
	sb->sacked = 0;
	for (unsigned i = 0; i < sb->n; i++)
		sb->sacked += sb->r[i].right - sb->r[i].left;
}

/* Merge [l, r) into the sorted list. */
static void sb_add(struct nlrs_sack_sb *sb, uint32_t l, uint32_t r)
{
	unsigned i = 0;
	while (i < sb->n && nlrs_seq_lt(sb->r[i].right, l))
		i++;
	if (i == sb->n || nlrs_seq_lt(r, sb->r[i].left)) {
		/* a new range at i; when full, the highest range gives way
		 * (it is the newest information and will be reported again) */
		if (sb->n == NLRS_SACK_SB_MAX) {
			if (i == sb->n)
				return;
			sb->n--;
		}
		for (unsigned j = sb->n; j > i; j--)
			sb->r[j] = sb->r[j - 1u];
		sb->r[i].left = l;
		sb->r[i].right = r;
		sb->n++;
		return;
	}
	/* overlaps or touches r[i]: widen it and swallow the ones it reaches */
	if (nlrs_seq_lt(l, sb->r[i].left))
		sb->r[i].left = l;
	if (nlrs_seq_gt(r, sb->r[i].right))
		sb->r[i].right = r;
	while (i + 1u < sb->n && nlrs_seq_geq(sb->r[i].right, sb->r[i + 1u].left)) {
		if (nlrs_seq_gt(sb->r[i + 1u].right, sb->r[i].right))
			sb->r[i].right = sb->r[i + 1u].right;
		sb_del(sb, i + 1u);
	}
}

uint32_t nlrs__sack_sb_update(struct nlrs_sack_sb *sb, const struct nlrs_seq_range *blk,
			      unsigned nblk, uint32_t snd_una, uint32_t snd_max)
{
	uint32_t before = sb->sacked;
	for (unsigned i = 0; i < nblk; i++) {
		uint32_t l = blk[i].left, r = blk[i].right;
		if (!nlrs_seq_lt(l, r))
			continue; /* empty or inverted: a lie */
		if (nlrs_seq_leq(r, snd_una))
			continue; /* RFC 2883 4: a D-SACK, not a hole report */
		if (nlrs_seq_gt(r, snd_max) || nlrs_seq_gt(r - l, snd_max - snd_una))
			continue; /* claims data never sent */
		if (nlrs_seq_lt(l, snd_una))
			l = snd_una;
		sb_add(sb, l, r);
	}
	sb_recount(sb);
	return sb->sacked > before ? sb->sacked - before : 0;
}

void nlrs__sack_sb_ack(struct nlrs_sack_sb *sb, uint32_t snd_una)
{
	while (sb->n && nlrs_seq_leq(sb->r[0].right, snd_una))
		sb_del(sb, 0);
	if (sb->n && nlrs_seq_lt(sb->r[0].left, snd_una))
		sb->r[0].left = snd_una;
	sb_recount(sb);
}

bool nlrs__sack_sb_is_sacked(const struct nlrs_sack_sb *sb, uint32_t seq)
{
	for (unsigned i = 0; i < sb->n; i++)
		if (nlrs_seq_leq(sb->r[i].left, seq) && nlrs_seq_lt(seq, sb->r[i].right))
			return true;
	return false;
}

uint32_t nlrs__sack_sb_high(const struct nlrs_sack_sb *sb, uint32_t snd_una)
{
	return sb->n ? sb->r[sb->n - 1u].right : snd_una;
}

bool nlrs__sack_sb_is_lost(const struct nlrs_sack_sb *sb, uint32_t seq, uint32_t mss)
{
	/* RFC 6675 4 IsLost(SeqNum) */
	unsigned ranges = 0;
	uint32_t bytes = 0;
	for (unsigned i = 0; i < sb->n; i++) {
		if (!nlrs_seq_gt(sb->r[i].left, seq))
			continue;
		ranges++;
		bytes += sb->r[i].right - sb->r[i].left;
	}
	return ranges >= NLRS_TCP_DUPTHRESH || bytes > (NLRS_TCP_DUPTHRESH - 1u) * mss;
}

bool nlrs__sack_sb_next_hole(const struct nlrs_sack_sb *sb, uint32_t from, uint32_t snd_una,
			     uint32_t *start, uint32_t *len)
{
	uint32_t cur = nlrs_seq_lt(from, snd_una) ? snd_una : from;
	for (unsigned i = 0; i < sb->n; i++) {
		if (nlrs_seq_leq(sb->r[i].right, cur))
			continue;
		if (nlrs_seq_leq(sb->r[i].left, cur)) {
			cur = sb->r[i].right; /* inside a SACKed range: skip it */
			continue;
		}
		*start = cur;
		*len = sb->r[i].left - cur;
		return true;
	}
	return false;
}

uint32_t nlrs__sack_sb_pipe(const struct nlrs_sack_sb *sb, uint32_t snd_una, uint32_t snd_max,
			    uint32_t high_rxt, uint32_t mss)
{
	/* RFC 6675 4 SetPipe, by holes: every byte of a hole shares the
	 * same SACKed data above it, so IsLost holds for all of it or none;
	 * the part above the highest SACK is never lost. */
	uint32_t pipe = 0, cur = snd_una;
	for (unsigned i = 0; i <= sb->n; i++) {
		uint32_t end = i < sb->n ? sb->r[i].left : snd_max;
		if (nlrs_seq_gt(end, cur)) {
			uint32_t l = end - cur;
			bool lost = i < sb->n && nlrs__sack_sb_is_lost(sb, cur, mss);
			if (!lost)
				pipe += l; /* (a) not lost: in flight */
			if (nlrs_seq_gt(high_rxt, cur))
				pipe += nlrs_seq_lt(high_rxt, end) ? high_rxt - cur : l; /* (b) */
		}
		if (i < sb->n)
			cur = sb->r[i].right;
	}
	return pipe;
}

uint32_t nlrs__sack_sb_lost_bytes(const struct nlrs_sack_sb *sb, uint32_t snd_una, uint32_t mss)
{
	uint32_t lost = 0, cur = snd_una;
	for (unsigned i = 0; i < sb->n; i++) {
		if (nlrs_seq_gt(sb->r[i].left, cur) && nlrs__sack_sb_is_lost(sb, cur, mss))
			lost += sb->r[i].left - cur;
		cur = sb->r[i].right;
	}
	return lost;
}

void nlrs__sack_rcv_reset(struct nlrs_sack_rcv *sr)
{
	sr->n = 0;
}

void nlrs__sack_rcv_add(struct nlrs_sack_rcv *sr, uint32_t left, uint32_t right)
{
	/* RFC 2018 4: the first block holds the newest segment, merged with
	 * every block it touches; the others keep their order. */
	struct nlrs_seq_range nr = { left, right };
	struct nlrs_seq_range keep[NLRS_TCP_MAX_SACK];
	unsigned n = 0;
	for (unsigned i = 0; i < sr->n; i++) {
		struct nlrs_seq_range b = sr->r[i];
		if (nlrs_seq_leq(b.left, nr.right) && nlrs_seq_geq(b.right, nr.left)) {
			if (nlrs_seq_lt(b.left, nr.left))
				nr.left = b.left;
			if (nlrs_seq_gt(b.right, nr.right))
				nr.right = b.right;
		} else if (n < NLRS_TCP_MAX_SACK - 1u) {
			keep[n++] = b;
		}
	}
	sr->r[0] = nr;
	for (unsigned i = 0; i < n; i++)
		sr->r[i + 1u] = keep[i];
	sr->n = (uint8_t)(n + 1u);
}

void nlrs__sack_rcv_ack(struct nlrs_sack_rcv *sr, uint32_t rcv_nxt)
{
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
