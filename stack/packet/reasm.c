/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reasm.c - TCP stream reassembly for captured traffic.
 *
 * Implements: per-connection state keyed by the symmetric hash of the
 * (address, port) pair; direction from the handshake (or the first
 * segment seen); in-order delivery without copying when a segment arrives
 * in order and nothing is buffered; out-of-order segments kept in a
 * sorted list with "first copy wins" on overlaps (differing bytes
 * counted); holes skipped and reported as gaps when the per-direction or
 * total buffer cap is reached, on RST, on idle expiry and on flush; LRU eviction at the connection cap; sequence
 * arithmetic modulo 2^32 (RFC 9293 3.4).
 * Does not implement: urgent data (delivered in line), window or ACK
 * checks (a capture shows what was sent, not what was accepted), TCP
 * Fast Open cookies (data on a SYN is delivered), SACK-driven decisions,
 * detection of a new connection reusing a live 4-tuple other than by a
 * SYN after both sides finished (closed connections are forgotten).
 * Hosted: malloc, bounded by the configured caps.
 */
#include <stdlib.h>
#include <string.h>

#include "nlrs/reasm.h"

#define WINDOW_LIMIT (1u << 30) /* 1 GiB: beyond it, another incarnation */

static bool seq_lt(uint32_t a, uint32_t b) { return (uint32_t)(a - b) >= 0x80000000u; }
static bool seq_leq(uint32_t a, uint32_t b) { return a == b || seq_lt(a, b); }

struct seg {
	struct seg *next;
	uint32_t seq, len;
	uint8_t data[];
};

struct dir {
	bool started;
	bool fin_seen;
	uint32_t next_seq;
	uint32_t fin_seq;
	uint64_t pending_gap;
	struct seg *ooo;
	size_t buffered;
};

struct conn {
	struct nlrs_reasm_stream s; /* first: callbacks see this */
	uint64_t hash;
	struct conn *hnext;
	struct conn *lprev, *lnext; /* LRU: head oldest */
	struct dir d[2];
};

struct nlrs_reasm {
	struct nlrs_reasm_config c;
	struct conn **tab;
	size_t tabmask;
	size_t nconns;
	struct conn *lru_head, *lru_tail;
	struct nlrs_reasm_stats st;
};

void nlrs_reasm_config_default(struct nlrs_reasm_config *c)
{
	memset(c, 0, sizeof *c);
	c->max_conns = 65536;
	c->max_buffered_per_dir = 1u << 20;
	c->max_buffered_total = 64u << 20;
	c->idle_timeout = 120u * 1000000u;
}

struct nlrs_reasm *nlrs_reasm_new(const struct nlrs_reasm_config *c)
{
	struct nlrs_reasm *ra;
	size_t n = 64;

	if (!c || c->max_conns == 0 || c->max_buffered_per_dir == 0 || c->max_buffered_total == 0)
		return NULL;
	while (n < c->max_conns && n < ((size_t)1 << 22))
		n <<= 1;
	ra = calloc(1, sizeof *ra);
	if (!ra)
		return NULL;
	ra->tab = calloc(n, sizeof *ra->tab);
	if (!ra->tab) {
		free(ra);
		return NULL;
	}
	ra->c = *c;
	ra->tabmask = n - 1;
	return ra;
}

/* ---- connection table ---- */

static void lru_unlink(struct nlrs_reasm *ra, struct conn *k)
{
	if (k->lprev)
		k->lprev->lnext = k->lnext;
	else
		ra->lru_head = k->lnext;
	if (k->lnext)
		k->lnext->lprev = k->lprev;
	else
		ra->lru_tail = k->lprev;
	k->lprev = k->lnext = NULL;
}

static void lru_append(struct nlrs_reasm *ra, struct conn *k)
{
	k->lprev = ra->lru_tail;
	k->lnext = NULL;
	if (ra->lru_tail)
		ra->lru_tail->lnext = k;
	else
		ra->lru_head = k;
	ra->lru_tail = k;
}

static struct conn *lookup(struct nlrs_reasm *ra, const struct nlrs_flow_key *key, uint64_t h,
			   int *dir)
{
	struct conn *k;

	for (k = ra->tab[h & ra->tabmask]; k; k = k->hnext) {
		struct nlrs_flow_key rev;

		if (k->hash != h)
			continue;
		if (nlrs_flow_key_equal(&k->s.key, key)) {
			*dir = NLRS_REASM_C2S;
			return k;
		}
		nlrs_flow_key_reverse(&k->s.key, &rev);
		if (nlrs_flow_key_equal(&rev, key)) {
			*dir = NLRS_REASM_S2C;
			return k;
		}
	}
	return NULL;
}

static void tab_remove(struct nlrs_reasm *ra, struct conn *k)
{
	struct conn **pp = &ra->tab[k->hash & ra->tabmask];

	while (*pp && *pp != k)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = k->hnext;
}

/* ---- delivery ---- */

static void deliver(struct nlrs_reasm *ra, struct conn *k, int dir, const uint8_t *p, size_t len)
{
	struct dir *d = &k->d[dir];
	uint64_t gap = d->pending_gap;

	if (len == 0 && gap == 0)
		return;
	d->pending_gap = 0;
	k->s.delivered[dir] += len;
	ra->st.delivered_bytes += len;
	if (ra->c.data)
		ra->c.data(ra->c.ctx, &k->s, (enum nlrs_reasm_dir)dir, p, len, gap);
}

static void free_seg(struct nlrs_reasm *ra, struct dir *d, struct seg *s)
{
	d->buffered -= s->len;
	ra->st.buffered_now -= s->len;
	free(s);
}

/* Deliver buffered segments that start at or before next_seq. */
static void drain(struct nlrs_reasm *ra, struct conn *k, int dir)
{
	struct dir *d = &k->d[dir];

	while (d->ooo && seq_leq(d->ooo->seq, d->next_seq)) {
		struct seg *s = d->ooo;
		uint32_t end = s->seq + s->len;

		d->ooo = s->next;
		if (seq_lt(d->next_seq, end)) {
			uint32_t skip = d->next_seq - s->seq;

			ra->st.dup_bytes += skip;
			d->next_seq = end;
			deliver(ra, k, dir, s->data + skip, s->len - skip);
		} else {
			ra->st.dup_bytes += s->len;
		}
		free_seg(ra, d, s);
	}
}

/* Skip the first hole: what is missing before the first buffered segment
 * becomes a gap, and what follows it is delivered. */
static void skip_hole(struct nlrs_reasm *ra, struct conn *k, int dir)
{
	struct dir *d = &k->d[dir];
	uint32_t gap;

	if (!d->ooo)
		return;
	gap = d->ooo->seq - d->next_seq;
	if (gap && !seq_lt(d->ooo->seq, d->next_seq)) {
		d->pending_gap += gap;
		k->s.gap_bytes[dir] += gap;
		ra->st.gaps++;
		ra->st.gap_bytes += gap;
		d->next_seq = d->ooo->seq;
	}
	drain(ra, k, dir);
}

static void flush_dir(struct nlrs_reasm *ra, struct conn *k, int dir)
{
	while (k->d[dir].ooo)
		skip_hole(ra, k, dir);
	/* a gap with no data after it (a cut capture, or a hole at the end) */
	if (k->d[dir].pending_gap)
		deliver(ra, k, dir, NULL, 0);
}

static void close_conn(struct nlrs_reasm *ra, struct conn *k, enum nlrs_reasm_end why)
{
	flush_dir(ra, k, NLRS_REASM_C2S);
	flush_dir(ra, k, NLRS_REASM_S2C);
	if (ra->c.close)
		ra->c.close(ra->c.ctx, &k->s, why);
	tab_remove(ra, k);
	lru_unlink(ra, k);
	ra->nconns--;
	ra->st.closed++;
	if (why == NLRS_REASM_END_EVICT)
		ra->st.evicted++;
	free(k);
}

/* ---- buffering ---- */

static struct seg *new_seg(struct nlrs_reasm *ra, struct dir *d, uint32_t seq, const uint8_t *p,
			   size_t len)
{
	struct seg *s = malloc(sizeof *s + len);

	if (!s)
		return NULL;
	s->next = NULL;
	s->seq = seq;
	s->len = (uint32_t)len;
	memcpy(s->data, p, len);
	d->buffered += len;
	ra->st.buffered_now += len;
	if (ra->st.buffered_now > ra->st.buffered_peak)
		ra->st.buffered_peak = ra->st.buffered_now;
	return s;
}

static size_t count_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += a[i] != b[i];
	return c;
}

/* Insert [seq, seq+len) into the sorted list, keeping bytes already there
 * (first copy wins). Returns 0 or -NLRS_ENOMEM. */
static int insert(struct nlrs_reasm *ra, struct dir *d, uint32_t seq, const uint8_t *p, size_t len)
{
	struct seg **pp = &d->ooo;
	uint32_t cur = seq, end = seq + (uint32_t)len;

	while (seq_lt(cur, end)) {
		struct seg *e = *pp;
		uint32_t piece_end;

		if (e && seq_leq(e->seq + e->len, cur)) {
			pp = &e->next;
			continue;
		}
		if (e && seq_leq(e->seq, cur)) {
			/* overlap with e: e's bytes stay */
			uint32_t oe = seq_lt(e->seq + e->len, end) ? e->seq + e->len : end;
			size_t n = oe - cur;

			ra->st.dup_bytes += n;
			ra->st.overlap_conflicts +=
				count_diff(e->data + (cur - e->seq), p + (cur - seq), n);
			cur = oe;
			pp = &e->next;
			continue;
		}
		/* a new piece up to the next segment, or to the end */
		piece_end = e && seq_lt(e->seq, end) ? e->seq : end;
		{
			struct seg *s = new_seg(ra, d, cur, p + (cur - seq), piece_end - cur);

			if (!s)
				return -NLRS_ENOMEM;
			s->next = e;
			*pp = s;
			pp = &s->next;
		}
		cur = piece_end;
	}
	return 0;
}

/* Keep the buffers under their caps by skipping holes. */
static void enforce_caps(struct nlrs_reasm *ra, struct conn *k, int dir)
{
	while (k->d[dir].buffered > ra->c.max_buffered_per_dir && k->d[dir].ooo)
		skip_hole(ra, k, dir);
	while (ra->st.buffered_now > ra->c.max_buffered_total) {
		struct conn *o;

		for (o = ra->lru_head; o && !o->d[0].ooo && !o->d[1].ooo; o = o->lnext)
			;
		if (!o)
			break;
		skip_hole(ra, o, o->d[0].ooo ? 0 : 1);
	}
}

/* ---- input ---- */

void nlrs_reasm_expire(struct nlrs_reasm *ra, uint64_t now)
{
	if (!ra || !ra->c.idle_timeout)
		return;
	while (ra->lru_head && ra->lru_head->s.last_ts + ra->c.idle_timeout < now)
		close_conn(ra, ra->lru_head, NLRS_REASM_END_IDLE);
}

static bool dir_done(const struct dir *d)
{
	return d->fin_seen && d->next_seq == d->fin_seq;
}

int nlrs_reasm_add_segment(struct nlrs_reasm *ra, const struct nlrs_flow_key *key, uint32_t seq,
			   uint16_t flags, const uint8_t *payload, size_t len, size_t missing,
			   uint64_t ts)
{
	uint64_t h;
	struct conn *k;
	struct dir *d;
	int dir = 0;
	uint32_t dseq;
	int32_t diff;

	if (!ra || !key || (len && !payload))
		return -NLRS_EINVAL;
	h = nlrs_flow_key_hash_sym(key);
	ra->st.segments++;
	nlrs_reasm_expire(ra, ts);
	k = lookup(ra, key, h, &dir);
	if (!k) {
		/* a bare ACK, FIN or RST opens nothing */
		if (!(flags & NLRS_TCPF_SYN) && len == 0 && missing == 0)
			return 1;
		if (ra->nconns >= ra->c.max_conns && ra->lru_head)
			close_conn(ra, ra->lru_head, NLRS_REASM_END_EVICT);
		k = calloc(1, sizeof *k);
		if (!k)
			return -NLRS_ENOMEM;
		/* RFC 9293 3.5: the SYN without ACK comes from the client */
		if ((flags & (NLRS_TCPF_SYN | NLRS_TCPF_ACK)) == (NLRS_TCPF_SYN | NLRS_TCPF_ACK)) {
			nlrs_flow_key_reverse(key, &k->s.key);
			dir = NLRS_REASM_S2C;
		} else {
			k->s.key = *key;
			dir = NLRS_REASM_C2S;
		}
		k->hash = h;
		k->s.first_ts = ts;
		k->hnext = ra->tab[h & ra->tabmask];
		ra->tab[h & ra->tabmask] = k;
		lru_append(ra, k);
		ra->nconns++;
		ra->st.conns++;
		if (ra->c.open)
			ra->c.open(ra->c.ctx, &k->s);
	}
	k->s.last_ts = ts;
	lru_unlink(ra, k);
	lru_append(ra, k);
	d = &k->d[dir];

	dseq = seq;
	if (flags & NLRS_TCPF_SYN) {
		k->s.dflags[dir] |= NLRS_REASM_F_SYN;
		dseq = seq + 1;
		if (!d->started) {
			d->started = true;
			d->next_seq = dseq;
		}
	}
	if (!d->started) {
		d->started = true;
		d->next_seq = seq;
		k->s.dflags[dir] |= NLRS_REASM_F_MIDSTREAM;
	}
	if (flags & NLRS_TCPF_FIN) {
		/* RFC 9293 3.4: FIN takes the sequence number after the data */
		k->s.dflags[dir] |= NLRS_REASM_F_FIN;
		if (!d->fin_seen) {
			d->fin_seen = true;
			d->fin_seq = dseq + (uint32_t)len + (uint32_t)missing;
		}
	}

	diff = (int32_t)(dseq - d->next_seq);
	if (len + missing > 0 && (diff > (int32_t)WINDOW_LIMIT || diff < -(int32_t)WINDOW_LIMIT)) {
		ra->st.out_of_window++;
	} else if (len > 0) {
		uint32_t end = dseq + (uint32_t)len;

		if (seq_leq(end, d->next_seq)) {
			ra->st.dup_bytes += len; /* all old: a retransmission */
		} else {
			if (seq_lt(dseq, d->next_seq)) {
				uint32_t cut = d->next_seq - dseq;

				ra->st.dup_bytes += cut;
				payload += cut;
				len -= cut;
				dseq = d->next_seq;
			}
			if (dseq == d->next_seq && !d->ooo) {
				/* the common case: in order, nothing waiting */
				d->next_seq = end;
				deliver(ra, k, dir, payload, len);
			} else {
				if (dseq != d->next_seq)
					ra->st.ooo_segments++;
				if (insert(ra, d, dseq, payload, len) < 0)
					return -NLRS_ENOMEM;
				drain(ra, k, dir);
				enforce_caps(ra, k, dir);
			}
			/* bytes the capture cut from this segment: lost for good */
			if (missing && d->next_seq == end) {
				d->pending_gap += missing;
				k->s.gap_bytes[dir] += missing;
				ra->st.gaps++;
				ra->st.gap_bytes += missing;
				d->next_seq += (uint32_t)missing;
				drain(ra, k, dir);
			}
		}
	} else if (missing > 0 && dseq == d->next_seq) {
		d->pending_gap += missing;
		k->s.gap_bytes[dir] += missing;
		ra->st.gaps++;
		ra->st.gap_bytes += missing;
		d->next_seq += (uint32_t)missing;
		drain(ra, k, dir);
	}

	if (flags & NLRS_TCPF_RST) {
		k->s.dflags[dir] |= NLRS_REASM_F_RST;
		close_conn(ra, k, NLRS_REASM_END_RST);
		return 1;
	}
	/* Both sides finished and every byte before each FIN delivered. With
	 * holes left, the connection waits for retransmissions until idle
	 * expiry or flush skip them. */
	if (dir_done(&k->d[0]) && dir_done(&k->d[1]))
		close_conn(ra, k, NLRS_REASM_END_FIN);
	return 1;
}

int nlrs_reasm_add(struct nlrs_reasm *ra, const struct nlrs_pkt *pkt, uint64_t ts)
{
	const struct nlrs_pkt_layer *t;
	struct nlrs_flow_key key;

	if (!ra || !pkt)
		return -NLRS_EINVAL;
	t = nlrs_pkt_transport(pkt);
	if (!t || t->type != NLRS_LAYER_TCP || (t->flags & NLRS_LF_NOFIELDS) ||
	    t->u.tcp.hlen < 20 || nlrs_pkt_flow_key(pkt, &key) < 0) {
		ra->st.not_tcp++;
		return 0;
	}
	return nlrs_reasm_add_segment(ra, &key, t->u.tcp.seq, t->u.tcp.flags, t->payload, t->plen,
				      t->wire_plen > t->plen ? t->wire_plen - t->plen : 0, ts);
}

void nlrs_reasm_flush_all(struct nlrs_reasm *ra)
{
	if (!ra)
		return;
	while (ra->lru_head)
		close_conn(ra, ra->lru_head, NLRS_REASM_END_FLUSH);
}

size_t nlrs_reasm_conns(const struct nlrs_reasm *ra)
{
	return ra ? ra->nconns : 0;
}

void nlrs_reasm_get_stats(const struct nlrs_reasm *ra, struct nlrs_reasm_stats *st)
{
	if (ra && st)
		*st = ra->st;
}

void nlrs_reasm_free(struct nlrs_reasm *ra)
{
	if (!ra)
		return;
	nlrs_reasm_flush_all(ra);
	free(ra->tab);
	free(ra);
}
