/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SPSC rings on the app/nlrsd shared region (layout and trust rules in
 * ring.h). Memory ordering: C11 acquire/release on the two indices; the
 * producer's release store of prod orders its entry writes before it, the
 * consumer's acquire load of prod orders its entry reads after it, and the
 * mirror pair on cons hands space back.
 */
#include "ring.h"

#include <errno.h>
#include <string.h>

void nlrs_ring_init(struct nlrs_ring *r, struct nlrs_ring_idx *idx, void *base, uint32_t size,
		    uint32_t esize, uint32_t start)
{
	r->idx = idx;
	r->base = base;
	r->size = size;
	r->esize = esize;
	r->mine = start;
}

int64_t nlrs_ring_space(const struct nlrs_ring *r)
{
	uint32_t cons = atomic_load_explicit(&r->idx->cons, memory_order_acquire);
	uint32_t used = r->mine - cons;

	/* catches a consumer index ahead of ours (used wraps huge) or one
	 * more than a whole ring behind */
	if (used > r->size)
		return -EPROTO;
	return (int64_t)(r->size - used);
}

int64_t nlrs_ring_avail(const struct nlrs_ring *r)
{
	uint32_t prod = atomic_load_explicit(&r->idx->prod, memory_order_acquire);
	uint32_t n = prod - r->mine;

	if (n > r->size)
		return -EPROTO;
	return (int64_t)n;
}

void nlrs_ring_publish(struct nlrs_ring *r, uint32_t n)
{
	r->mine += n;
	atomic_store_explicit(&r->idx->prod, r->mine, memory_order_release);
}

void nlrs_ring_release(struct nlrs_ring *r, uint32_t n)
{
	r->mine += n;
	atomic_store_explicit(&r->idx->cons, r->mine, memory_order_release);
}

void nlrs_bring_write(struct nlrs_ring *r, const void *src, uint32_t len)
{
	uint32_t off = r->mine & (r->size - 1);
	uint32_t first = r->size - off;

	if (first > len)
		first = len;
	memcpy(r->base + off, src, first);
	if (len > first)
		memcpy(r->base, (const uint8_t *)src + first, len - first);
	nlrs_ring_publish(r, len);
}

void nlrs_bring_copy_out(const struct nlrs_ring *r, uint32_t skip, void *dst, uint32_t len)
{
	uint32_t off = (r->mine + skip) & (r->size - 1);
	uint32_t first = r->size - off;

	if (first > len)
		first = len;
	memcpy(dst, r->base + off, first);
	if (len > first)
		memcpy((uint8_t *)dst + first, r->base, len - first);
}

void *nlrs_rec_reserve(struct nlrs_ring *r, uint32_t len, int *err)
{
	int64_t space = nlrs_ring_space(r);
	uint32_t need = nlrs_rec_total(len);
	uint32_t off = r->mine & (r->size - 1);
	uint32_t tail = r->size - off;

	*err = 0;
	if (space < 0) {
		*err = (int)space;
		return NULL;
	}
	if (len > NLRS_REC_MAX || need > r->size / 2) {
		*err = -EMSGSIZE;
		return NULL;
	}
	if (tail < need) {
		/* pad to the end, then the record at offset 0 */
		struct nlrs_rec_hdr pad = { .len = NLRS_REC_PAD };

		if ((uint64_t)space < (uint64_t)tail + need)
			return NULL;
		memcpy(r->base + off, &pad, sizeof(pad)); /* tail >= 16: all is 16-aligned */
		nlrs_ring_publish(r, tail);
		off = 0;
	} else if ((uint64_t)space < need) {
		return NULL;
	}
	return r->base + off + sizeof(struct nlrs_rec_hdr);
}

void nlrs_rec_commit(struct nlrs_ring *r, uint32_t len, uint32_t flags,
		     const struct nlrs_endpoint *ep)
{
	struct nlrs_rec_hdr h = { .len = len, .flags = flags };

	if (ep)
		h.ep = *ep;
	memcpy(r->base + (r->mine & (r->size - 1)), &h, sizeof(h));
	nlrs_ring_publish(r, nlrs_rec_total(len));
}

int nlrs_rec_peek(struct nlrs_ring *r, struct nlrs_rec_hdr *h, const uint8_t **payload)
{
	for (int k = 0; k < 2; k++) {
		int64_t avail = nlrs_ring_avail(r);
		uint32_t off = r->mine & (r->size - 1);
		uint32_t tail = r->size - off;

		if (avail < 0)
			return (int)avail;
		if (avail == 0)
			return 0;
		/* our index only moves by whole 16-byte multiples, so a header
		 * never straddles the end; a producer that says otherwise lies */
		if ((off & (NLRS_REC_ALIGN - 1)) || avail < (int64_t)sizeof(*h))
			return -EPROTO;
		memcpy(h, r->base + off, sizeof(*h)); /* copy first: the peer may rewrite it */
		if (h->len == NLRS_REC_PAD) {
			/* the pad covers exactly the rest of the ring */
			if ((uint64_t)avail < tail)
				return -EPROTO;
			nlrs_ring_release(r, tail);
			continue;
		}
		if (h->len > NLRS_REC_MAX || nlrs_rec_total(h->len) > tail ||
		    nlrs_rec_total(h->len) > (uint64_t)avail)
			return -EPROTO; /* a length that runs past what was published */
		*payload = r->base + off + sizeof(*h);
		return 1;
	}
	return -EPROTO; /* two pads in a row */
}

void nlrs_rec_consume(struct nlrs_ring *r, const struct nlrs_rec_hdr *h)
{
	nlrs_ring_release(r, nlrs_rec_total(h->len));
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int nlrs_ipc_geom_layout(struct nlrs_ipc_geom *g)
{
	uint64_t off = align_up(sizeof(struct nlrs_ipc_region), 4096);

	if (!pow2(g->rq_entries) || !pow2(g->cq_entries) || !pow2(g->ring_size) || !g->nslots ||
	    g->nslots > NLRS_IPC_SLOTS_MAX || g->ring_size < NLRS_IPC_RING_MIN ||
	    g->ring_size > NLRS_IPC_RING_MAX)
		return -EINVAL;
	g->rq_off = (uint32_t)off;
	off = align_up(off + (uint64_t)g->rq_entries * sizeof(struct nlrs_ipc_req), 4096);
	g->cq_off = (uint32_t)off;
	off = align_up(off + (uint64_t)g->cq_entries * sizeof(struct nlrs_ipc_cqe), 4096);
	g->slot_off = (uint32_t)off;
	off = align_up(off + (uint64_t)g->nslots * sizeof(struct nlrs_ipc_slot), 4096);
	g->data_off = off;
	off += (uint64_t)g->nslots * 2u * g->ring_size;
	if (off > NLRS_IPC_REGION_MAX)
		return -EINVAL;
	g->size = off;
	return 0;
}

int nlrs_ipc_geom_from_region(struct nlrs_ipc_geom *g, const struct nlrs_ipc_region *r,
			      uint64_t mapped)
{
	struct nlrs_ipc_geom want;

	if (r->magic != NLRS_IPC_MAGIC || r->version != NLRS_IPC_VERSION)
		return -EPROTO;
	want.rq_entries = r->rq_entries;
	want.cq_entries = r->cq_entries;
	want.nslots = r->nslots;
	want.ring_size = r->ring_size;
	/* recompute rather than trust the offsets */
	if (nlrs_ipc_geom_layout(&want) || want.size != mapped || want.size != r->size ||
	    want.rq_off != r->rq_off || want.cq_off != r->cq_off || want.slot_off != r->slot_off ||
	    want.data_off != r->data_off)
		return -EPROTO;
	*g = want;
	return 0;
}
