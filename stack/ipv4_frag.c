/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 fragmentation (RFC 791 3.2, "Fragmentation") and reassembly
 * (RFC 791 3.2 reassembly procedure, RFC 815 ideas, RFC 1122 3.3.2).
 *
 * Reassembly keeps the fragments themselves (no copy) in a small table of
 * datagrams keyed by (source, destination, protocol, ID). Memory is bounded
 * stack-wide (reasm_max_bytes, charged per buffer slot, not per payload
 * byte, so tiny fragments cannot exhaust the pool) and per slot count; a
 * datagram not complete within reasm_timeout is dropped and, if its first
 * fragment came, answered with ICMP time exceeded code 1 (RFC 1122 3.3.2).
 *
 * Overlaps: any fragment that overlaps data already held drops the whole
 * datagram, as RFC 5722 requires for IPv6 (and as the issue asks for
 * IPv4); exact duplicates are dropped alone. Not implemented: keeping
 * partial overlaps as old BSDs did (a known attack vector).
 */
#include "core.h"
#include "wire/checksum.h"
#include "wire/icmp4.h"

static uint32_t charge_of(const struct nlrs_stack *s, const struct nlrs_buf *b)
{
	return nlrs_buf_segments(b) * (uint32_t)s->pool.bufsize;
}

static void slot_release(struct nlrs_stack *s, struct nlrs_reasm *r)
{
	nlrs__timer_cancel(&s->wheel, &r->timer);
	nlrs_buf_free_queue(r->frags);
	r->frags = NULL;
	s->reasm_bytes -= r->held;
	r->held = 0;
	r->used = false;
}

static void reasm_timeout(void *arg, struct nlrs_timer *t)
{
	struct nlrs_reasm *r = arg;
	struct nlrs_stack *s = r->stack;
	(void)t;
	NLRS_INC(s, frag_timeout);
	struct nlrs_buf *f = r->frags;
	if (f && f->l3off == 0) {
		/* The first fragment's header sits just before its payload. */
		uint16_t hl = (uint16_t)(f->flags >> 8);
		if (nlrs_buf_push(f, hl)) {
			nlrs__icmp_error(s, f, NLRS_ICMP_TIME_EXCEEDED, NLRS_ICMP_EXC_FRAGTIME, 0);
			nlrs_buf_pull(f, hl);
		}
	}
	slot_release(s, r);
}

static struct nlrs_reasm *slot_find(struct nlrs_stack *s, const struct nlrs_ipv4_hdr *h)
{
	struct nlrs_reasm *free_slot = NULL, *oldest = NULL;
	for (unsigned i = 0; i < s->cfg.reasm_slots; i++) {
		struct nlrs_reasm *r = &s->reasm[i];
		if (!r->used) {
			if (!free_slot)
				free_slot = r;
			continue;
		}
		/* RFC 791: the datagram is named by source, destination,
		 * protocol and identification. */
		if (r->src == h->src && r->dst == h->dst && r->proto == h->proto && r->id == h->id)
			return r;
		if (!oldest || r->timer.expires < oldest->timer.expires)
			oldest = r;
	}
	if (!free_slot) {
		/* Give the slot of the oldest incomplete datagram to the new one. */
		NLRS_INC(s, frag_no_slot);
		slot_release(s, oldest);
		free_slot = oldest;
	}
	struct nlrs_reasm *r = free_slot;
	r->used = true;
	r->src = h->src;
	r->dst = h->dst;
	r->proto = h->proto;
	r->id = h->id;
	r->total = 0;
	r->have = 0;
	r->held = 0;
	r->nfrags = 0;
	r->frags = NULL;
	nlrs__timer_init(&r->timer, reasm_timeout, r);
	nlrs__timer_arm(&s->wheel, &r->timer, s->now + s->cfg.reasm_timeout);
	return r;
}

/* Per fragment: offset in l3off, IP header length (first fragment only) in
 * the high byte of flags, payload at data. */
struct nlrs_buf *nlrs__reasm_input(struct nlrs_stack *s, struct nlrs_buf *b,
				   const struct nlrs_ipv4_hdr *h)
{
	uint32_t off = h->frag_off;
	uint32_t plen = (uint32_t)h->tot_len - h->hlen;
	uint32_t end = off + plen;

	/* RFC 791: every fragment but the last carries a multiple of 8. */
	if (h->mf && (plen == 0 || (plen & 7u))) {
		NLRS_INC(s, frag_bad_len);
		goto drop;
	}
	/* RFC 791: a datagram is at most 65535 octets with its header. */
	if (end + h->hlen > 65535u) {
		NLRS_INC(s, frag_too_big);
		goto drop;
	}
	if (nlrs_buf_shared(b)) {
		struct nlrs_buf *c = nlrs_buf_clone(&s->pool, b);
		nlrs_buf_free(b);
		b = c;
		if (!b) {
			NLRS_INC(s, buf_alloc_fail);
			return NULL;
		}
	}
	struct nlrs_reasm *r = slot_find(s, h);
	uint32_t charge = charge_of(s, b);
	if (s->reasm_bytes + charge > s->cfg.reasm_max_bytes) {
		NLRS_INC(s, frag_mem_limit);
		if (!r->frags)
			slot_release(s, r);
		goto drop;
	}

	/* The last fragment fixes the length; nothing may lie past it. */
	if (!h->mf) {
		if ((r->total && r->total != end) || end < r->have) {
			NLRS_INC(s, frag_overlap);
			goto drop_all;
		}
		for (struct nlrs_buf *f = r->frags; f; f = f->qnext)
			if (f->l3off + f->tot_len > end) {
				NLRS_INC(s, frag_overlap);
				goto drop_all;
			}
	} else if (r->total && end > r->total) {
		NLRS_INC(s, frag_overlap);
		goto drop_all;
	}

	/* Find the place in offset order; any overlap condemns the datagram. */
	struct nlrs_buf **pp = &r->frags;
	for (struct nlrs_buf *f = r->frags; f; f = f->qnext) {
		uint32_t fo = f->l3off, fe = fo + f->tot_len;
		if (fo == off && fe == end) {
			NLRS_INC(s, frag_dup);
			goto drop;
		}
		if (off < fe && fo < end) {
			NLRS_INC(s, frag_overlap);
			goto drop_all;
		}
		if (fo > off)
			break;
		pp = &f->qnext;
	}

	uint16_t hl = h->hlen;
	nlrs_buf_pull(b, hl);
	b->l3off = (uint16_t)off;
	b->flags = (uint16_t)((b->flags & 0xffu) | (off == 0 ? (uint16_t)(hl << 8) : 0));
	b->qnext = *pp;
	*pp = b;
	r->nfrags++;
	r->have += plen;
	r->held += charge;
	s->reasm_bytes += charge;
	if (!h->mf)
		r->total = end;
	if (!r->total || r->have != r->total)
		return NULL;

	/* Complete: disjoint pieces whose sizes add up to the total cover
	 * [0, total) exactly. Rebuild one chain behind the first header. */
	struct nlrs_buf *head = r->frags;
	struct nlrs_buf *rest = head->qnext;
	r->frags = NULL;
	head->qnext = NULL;
	hl = (uint16_t)(head->flags >> 8);
	uint8_t *ip = nlrs_buf_push(head, hl);
	head->flags &= 0xffu;
	head->l3off = 0;
	while (rest) {
		struct nlrs_buf *n = rest->qnext;
		rest->qnext = NULL;
		rest->flags &= 0xffu;
		nlrs_buf_cat(head, rest);
		rest = n;
	}
	nlrs_wr16(ip + 2, (uint16_t)(hl + r->total));
	nlrs_wr16(ip + 6, 0); /* DF is meaningless on a reassembled datagram */
	nlrs_wr16(ip + 10, 0);
	nlrs_wr16(ip + 10, nlrs_csum_fold(nlrs_csum_add(0, ip, hl)));
	slot_release(s, r);
	NLRS_INC(s, frag_reassembled);
	return head;

drop_all:
	slot_release(s, r);
drop:
	nlrs_buf_free(b);
	return NULL;
}

void nlrs__reasm_flush(struct nlrs_stack *s)
{
	for (unsigned i = 0; i < s->cfg.reasm_slots; i++)
		if (s->reasm[i].used)
			slot_release(s, &s->reasm[i]);
}

/* RFC 791 3.1: options whose "copied" flag is set go in every fragment;
 * the rest only in the first. Returns the padded length written. */
static uint8_t copy_options(uint8_t *dst, const uint8_t *opts, uint8_t optlen, bool first)
{
	uint8_t n = 0;
	if (first) {
		nlrs_memcpy(dst, opts, optlen);
		return optlen;
	}
	for (uint8_t i = 0; i < optlen;) {
		uint8_t type = opts[i];
		if (type == NLRS_IPOPT_EOL)
			break;
		if (type == NLRS_IPOPT_NOP) {
			i++;
			continue;
		}
		/* Lengths were checked by nlrs_ipv4_opts_check on input. */
		uint8_t olen = opts[i + 1];
		if (type & 0x80u) {
			nlrs_memcpy(dst + n, opts + i, olen);
			n = (uint8_t)(n + olen);
		}
		i = (uint8_t)(i + olen);
	}
	while (n & 3u)
		dst[n++] = NLRS_IPOPT_EOL;
	return n;
}

int nlrs__ip_fragment(struct nlrs_stack *s, int ifindex, uint32_t nexthop,
		      const struct nlrs_ipv4_hdr *h, struct nlrs_buf *payload, uint16_t mtu)
{
	uint8_t opts_first[40], opts_rest[40];
	uint8_t olen_first = 0, olen_rest = 0;
	if (h->optlen && h->opts) {
		olen_first = copy_options(opts_first, h->opts, h->optlen, true);
		olen_rest = copy_options(opts_rest, h->opts, h->optlen, false);
	}
	uint32_t total = payload->tot_len;
	uint32_t off = 0;
	int rc = 0;
	while (off < total) {
		bool first = off == 0;
		uint8_t olen = first ? olen_first : olen_rest;
		uint32_t room = ((uint32_t)mtu - NLRS_IPV4_HLEN - olen) & ~7u;
		uint32_t k = total - off;
		bool last = k <= room;
		if (!last)
			k = room;
		struct nlrs_buf *f = nlrs_buf_alloc(&s->pool, NLRS_BUF_HEADROOM);
		if (!f) {
			NLRS_INC(s, buf_alloc_fail);
			rc = -NLRS_ENOBUFS;
			break;
		}
		uint8_t *d = nlrs_buf_put(f, (uint16_t)k);
		nlrs_buf_copy_out(payload, off, d, k);
		struct nlrs_ipv4_hdr fh = *h;
		fh.opts = first ? opts_first : opts_rest;
		fh.optlen = olen;
		fh.tot_len = (uint16_t)(NLRS_IPV4_HLEN + olen + k);
		fh.frag_off = (uint16_t)(h->frag_off + off);
		fh.mf = (uint8_t)(last ? h->mf : 1);
		uint8_t *p = nlrs_buf_push(f, (uint16_t)(NLRS_IPV4_HLEN + olen));
		nlrs_ipv4_emit(p, (size_t)NLRS_IPV4_HLEN + olen, &fh);
		NLRS_INC(s, frag_tx);
		rc = nlrs__link_output(s, ifindex, nexthop, f);
		if (rc < 0 && rc != -NLRS_EAGAIN)
			break;
		rc = 0;
		off += k;
	}
	nlrs_buf_free(payload);
	return rc;
}
