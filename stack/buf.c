/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packet buffers from fixed pools: refcounted segments with headroom that
 * chain into packets. In the spirit of lwIP's pbuf, without the heap.
 */
#include "core.h"

#define SLOT_ALIGN 64u

static uint32_t slot_stride(uint16_t bufsize)
{
	uint32_t s = (uint32_t)sizeof(struct nlrs_buf) + bufsize;
	return (s + SLOT_ALIGN - 1) & ~(SLOT_ALIGN - 1);
}

size_t nlrs_pool_mem_size(uint32_t count, uint16_t bufsize)
{
	return (size_t)count * slot_stride(bufsize);
}

int nlrs_pool_init(struct nlrs_pool *pool, void *mem, size_t memlen, uint32_t count,
		   uint16_t bufsize)
{
	if (!pool || !mem || !count || bufsize < 256 || memlen < nlrs_pool_mem_size(count, bufsize) ||
	    ((uintptr_t)mem & 15u))
		return -NLRS_EINVAL;
	pool->mem = mem;
	pool->count = count;
	pool->avail = count;
	pool->min_avail = count;
	pool->bufsize = bufsize;
	pool->stride = slot_stride(bufsize);
	pool->alloc_fail = 0;
	pool->free = NULL;
	/* Link in reverse so the first allocation gets the lowest address. */
	for (uint32_t i = count; i-- > 0;) {
		struct nlrs_buf *b = (struct nlrs_buf *)(void *)((uint8_t *)mem + (size_t)i * pool->stride);
		b->next = pool->free;
		b->pool = pool;
		b->refcnt = 0;
		pool->free = b;
	}
	return 0;
}

struct nlrs_buf *nlrs_buf_alloc(struct nlrs_pool *pool, uint16_t headroom)
{
	struct nlrs_buf *b = pool->free;
	if (!b || headroom > pool->bufsize) {
		pool->alloc_fail++;
		return NULL;
	}
	pool->free = b->next;
	pool->avail--;
	if (pool->avail < pool->min_avail)
		pool->min_avail = pool->avail;
	b->next = NULL;
	b->qnext = NULL;
	b->cap = pool->bufsize;
	b->data = b->storage + headroom;
	b->len = 0;
	b->tot_len = 0;
	b->refcnt = 1;
	b->ifindex = 0;
	b->l3off = 0;
	b->flags = 0;
	b->gso_size = 0;
	b->gso_type = 0;
	b->csum = 0;
	b->tstamp = 0;
	b->owner = NULL;
	return b;
}

static void seg_release(struct nlrs_buf *b)
{
	struct nlrs_pool *pool = b->pool;
	if (b->owner) {
		struct nlrs_buf *o = b->owner;
		b->owner = NULL;
		nlrs_buf_free(o);
	}
	b->refcnt = 0;
	b->next = pool->free;
	pool->free = b;
	pool->avail++;
}

struct nlrs_buf *nlrs_buf_external(struct nlrs_pool *pool, struct nlrs_buf *owner, uint16_t off,
				   uint16_t len)
{
	if (owner->next || (uint32_t)off + len > owner->len)
		return NULL;
	struct nlrs_buf *b = nlrs_buf_alloc(pool, 0);
	if (!b)
		return NULL;
	b->owner = nlrs_buf_ref(owner);
	b->data = owner->data + off;
	b->len = len;
	b->tot_len = len;
	return b;
}

struct nlrs_buf *nlrs_buf_ref(struct nlrs_buf *b)
{
	b->refcnt++;
	return b;
}

void nlrs_buf_free(struct nlrs_buf *b)
{
	/* Each segment after the first is owned by its predecessor; drop the
	 * head's reference and keep walking while segments reach zero. */
	while (b) {
		NLRS_ASSERT(b->refcnt > 0);
		if (--b->refcnt)
			return;
		struct nlrs_buf *next = b->next;
		seg_release(b);
		b = next;
	}
}

void nlrs_buf_free_queue(struct nlrs_buf *head)
{
	while (head) {
		struct nlrs_buf *n = head->qnext;
		head->qnext = NULL;
		nlrs_buf_free(head);
		head = n;
	}
}

void *nlrs_buf_push(struct nlrs_buf *b, uint16_t n)
{
	if (nlrs_buf_headroom(b) < n)
		return NULL;
	b->data -= n;
	b->len = (uint16_t)(b->len + n);
	b->tot_len += n;
	return b->data;
}

void *nlrs_buf_pull(struct nlrs_buf *b, uint16_t n)
{
	if (n > b->len)
		return NULL;
	b->data += n;
	b->len = (uint16_t)(b->len - n);
	b->tot_len -= n;
	return b->data;
}

static struct nlrs_buf *last_seg(struct nlrs_buf *b)
{
	while (b->next)
		b = b->next;
	return b;
}

void *nlrs_buf_put(struct nlrs_buf *b, uint16_t n)
{
	struct nlrs_buf *t = last_seg(b);
	if (nlrs_buf_tailroom(t) < n)
		return NULL;
	uint8_t *p = t->data + t->len;
	t->len = (uint16_t)(t->len + n);
	b->tot_len += n;
	return p;
}

int nlrs_buf_append(struct nlrs_buf *b, const void *data, size_t len)
{
	const uint8_t *src = data;
	struct nlrs_buf *t = last_seg(b);
	while (len) {
		uint16_t room = nlrs_buf_tailroom(t);
		if (!room) {
			struct nlrs_buf *n = nlrs_buf_alloc(b->pool, 0);
			if (!n)
				return -NLRS_ENOBUFS;
			t->next = n;
			t = n;
			continue;
		}
		uint16_t k = len < room ? (uint16_t)len : room;
		nlrs_memcpy(t->data + t->len, src, k);
		t->len = (uint16_t)(t->len + k);
		b->tot_len += k;
		src += k;
		len -= k;
	}
	return 0;
}

struct nlrs_buf *nlrs_buf_from(struct nlrs_pool *pool, uint16_t headroom, const void *data,
			       size_t len)
{
	struct nlrs_buf *b = nlrs_buf_alloc(pool, headroom);
	if (!b)
		return NULL;
	if (nlrs_buf_append(b, data, len)) {
		nlrs_buf_free(b);
		return NULL;
	}
	return b;
}

struct nlrs_buf *nlrs_buf_clone(struct nlrs_pool *pool, const struct nlrs_buf *b)
{
	struct nlrs_buf *c = nlrs_buf_alloc(pool, nlrs_buf_headroom(b));
	if (!c)
		return NULL;
	for (const struct nlrs_buf *s = b; s; s = s->next) {
		if (nlrs_buf_append(c, s->data, s->len)) {
			nlrs_buf_free(c);
			return NULL;
		}
	}
	c->ifindex = b->ifindex;
	c->l3off = b->l3off;
	c->flags = b->flags;
	c->tstamp = b->tstamp;
	return c;
}

void nlrs_buf_trim(struct nlrs_buf *b, uint32_t len)
{
	if (len >= b->tot_len)
		return;
	b->tot_len = len;
	uint32_t left = len;
	struct nlrs_buf *s = b;
	for (;;) {
		if (left <= s->len) {
			s->len = (uint16_t)left;
			struct nlrs_buf *rest = s->next;
			s->next = NULL;
			nlrs_buf_free(rest);
			return;
		}
		left -= s->len;
		s = s->next;
	}
}

void nlrs_buf_cat(struct nlrs_buf *head, struct nlrs_buf *tail)
{
	last_seg(head)->next = tail;
	head->tot_len += tail->tot_len;
}

size_t nlrs_buf_copy_out(const struct nlrs_buf *b, size_t off, void *dst, size_t n)
{
	uint8_t *d = dst;
	size_t done = 0;
	for (; b && done < n; b = b->next) {
		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		size_t k = b->len - off;
		if (k > n - done)
			k = n - done;
		nlrs_memcpy(d + done, b->data + off, k);
		done += k;
		off = 0;
	}
	return done;
}

size_t nlrs_buf_copy_in(struct nlrs_buf *b, size_t off, const void *src, size_t n)
{
	const uint8_t *s = src;
	size_t done = 0;
	for (; b && done < n; b = b->next) {
		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		size_t k = b->len - off;
		if (k > n - done)
			k = n - done;
		nlrs_memcpy(b->data + off, s + done, k);
		done += k;
		off = 0;
	}
	return done;
}

unsigned nlrs_buf_segments(const struct nlrs_buf *b)
{
	unsigned n = 0;
	for (; b; b = b->next)
		n++;
	return n;
}
