/* SPDX-License-Identifier: BSD-2-Clause */
/* Buffer pools and chains (stack/buf.c), on a small private pool. */
#include "harness.h"

#include <stdlib.h>

#define P_COUNT 8u
#define P_SIZE 256u

static struct nlrs_pool pool;
static void *pmem;

static void pool_setup(void)
{
	size_t n = nlrs_pool_mem_size(P_COUNT, P_SIZE);
	pmem = aligned_alloc(64, (n + 63) & ~(size_t)63);
	cr_assert_not_null(pmem);
	cr_assert_eq(nlrs_pool_init(&pool, pmem, n, P_COUNT, P_SIZE), 0);
}

static void pool_teardown(void)
{
	free(pmem);
}

static void pool_check(void)
{
	cr_assert_eq(pool.avail, P_COUNT, "pool not back to its start level: %u of %u", pool.avail,
		     P_COUNT);
}

/* A test followed by the pool check (see CORE_TEST in harness.h). */
#define BUF_TEST(name)                 \
	static void buf__##name(void); \
	Test(buf, name)                \
	{                              \
		buf__##name();         \
		pool_check();          \
	}                              \
	static void buf__##name(void)

TestSuite(buf, .init = pool_setup, .fini = pool_teardown);

BUF_TEST(pool_init_rejects_short_memory_and_tiny_buffers)
{
	struct nlrs_pool p2;
	size_t n = nlrs_pool_mem_size(4, 256);
	cr_assert_eq(nlrs_pool_init(&p2, pmem, n - 1, 4, 256), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pool_init(&p2, pmem, n, 4, 100), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pool_init(&p2, (uint8_t *)pmem + 8, n, 4, 256), -NLRS_EINVAL);
	cr_assert_eq(nlrs_pool_init(&p2, pmem, n, 0, 256), -NLRS_EINVAL);
}

BUF_TEST(alloc_until_empty_returns_null_and_counts_failure)
{
	struct nlrs_buf *b[P_COUNT];
	for (unsigned i = 0; i < P_COUNT; i++) {
		b[i] = nlrs_buf_alloc(&pool, 0);
		cr_assert_not_null(b[i]);
		for (unsigned j = 0; j < i; j++)
			cr_assert_neq(b[i], b[j], "one slot handed out twice");
	}
	cr_assert_eq(pool.avail, 0);
	cr_assert_eq(pool.min_avail, 0);
	cr_assert_eq(pool.alloc_fail, 0);
	cr_assert_null(nlrs_buf_alloc(&pool, 0));
	cr_assert_null(nlrs_buf_alloc(&pool, 0));
	cr_assert_eq(pool.alloc_fail, 2);
	for (unsigned i = 0; i < P_COUNT; i++)
		nlrs_buf_free(b[i]);
	cr_assert_eq(pool.avail, P_COUNT);
	cr_assert_eq(pool.min_avail, 0, "low-water mark must stay");
}

BUF_TEST(free_returns_slot_for_reuse)
{
	struct nlrs_buf *a = nlrs_buf_alloc(&pool, 16);
	cr_assert_eq(pool.avail, P_COUNT - 1);
	nlrs_buf_free(a);
	cr_assert_eq(pool.avail, P_COUNT);
	struct nlrs_buf *b = nlrs_buf_alloc(&pool, 16);
	cr_assert_eq(b, a, "the freed slot is the next one handed out");
	cr_assert_eq(b->refcnt, 1);
	cr_assert_eq(b->len, 0);
	cr_assert_eq(b->tot_len, 0);
	cr_assert_null(b->next);
	cr_assert_null(b->qnext);
	nlrs_buf_free(b);
	nlrs_buf_free(NULL); /* accepted */
}

BUF_TEST(external_segment_makes_the_chain_shared)
{
	/* A frame whose payload points into another buffer (TCP's zero-copy
	 * send queue) must not be written in place: the fault injector once
	 * flipped a bit of the send queue that way, and the retransmission
	 * carried it with a valid checksum. */
	struct nlrs_buf *q = nlrs_buf_from(&pool, 0, "payload-bytes", 13);
	struct nlrs_buf *f = nlrs_buf_from(&pool, 0, "hdr", 3);
	cr_assert_not(nlrs_buf_shared(f));
	struct nlrs_buf *e = nlrs_buf_external(&pool, q, 0, 13);
	cr_assert_not_null(e);
	f->next = e;
	f->tot_len += 13;
	cr_assert(nlrs_buf_shared(f), "an external segment anywhere in the chain");
	cr_assert(nlrs_buf_shared(q), "the owner now has two references");
	struct nlrs_buf *c = nlrs_buf_clone(&pool, f);
	cr_assert_not_null(c);
	cr_assert_not(nlrs_buf_shared(c), "a clone is private");
	nlrs_buf_free(c);
	nlrs_buf_free(f);
	cr_assert_not(nlrs_buf_shared(q));
	nlrs_buf_free(q);
	cr_assert_eq(pool.avail, P_COUNT);
}

BUF_TEST(ref_shares_until_last_reference_dropped)
{
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, "abc", 3);
	cr_assert_not(nlrs_buf_shared(b));
	cr_assert_eq(nlrs_buf_ref(b), b);
	cr_assert(nlrs_buf_shared(b));
	nlrs_buf_free(b);
	cr_assert_eq(pool.avail, P_COUNT - 1, "still referenced: not returned");
	cr_assert_eq(memcmp(b->data, "abc", 3), 0);
	cr_assert_not(nlrs_buf_shared(b));
	nlrs_buf_free(b);
	cr_assert_eq(pool.avail, P_COUNT);
}

BUF_TEST(ref_of_chain_keeps_every_segment)
{
	uint8_t data[600];
	h_pattern(data, sizeof data, 1);
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, data, sizeof data);
	cr_assert_eq(nlrs_buf_segments(b), 3);
	nlrs_buf_ref(b);
	nlrs_buf_free(b);
	cr_assert_eq(pool.avail, P_COUNT - 3);
	uint8_t out[600];
	cr_assert_eq(nlrs_buf_copy_out(b, 0, out, sizeof out), sizeof out);
	cr_assert_eq(memcmp(out, data, sizeof out), 0);
	nlrs_buf_free(b);
}

BUF_TEST(headroom_and_tailroom_after_alloc)
{
	struct nlrs_buf *b = nlrs_buf_alloc(&pool, 40);
	cr_assert_eq(nlrs_buf_headroom(b), 40);
	cr_assert_eq(nlrs_buf_tailroom(b), P_SIZE - 40);
	cr_assert_eq(b->cap, P_SIZE);
	nlrs_buf_free(b);
	cr_assert_null(nlrs_buf_alloc(&pool, P_SIZE + 1), "headroom larger than the slot");
}

BUF_TEST(push_past_headroom_fails_and_changes_nothing)
{
	struct nlrs_buf *b = nlrs_buf_alloc(&pool, 20);
	uint8_t *d0 = b->data;
	cr_assert_null(nlrs_buf_push(b, 21));
	cr_assert_eq(b->data, d0);
	cr_assert_eq(b->len, 0);
	cr_assert_eq(b->tot_len, 0);
	uint8_t *p = nlrs_buf_push(b, 20);
	cr_assert_eq(p, d0 - 20);
	cr_assert_eq(b->len, 20);
	cr_assert_eq(b->tot_len, 20);
	cr_assert_eq(nlrs_buf_headroom(b), 0);
	cr_assert_null(nlrs_buf_push(b, 1));
	nlrs_buf_free(b);
}

BUF_TEST(pull_past_length_fails_and_changes_nothing)
{
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, "0123456789", 10);
	cr_assert_null(nlrs_buf_pull(b, 11));
	cr_assert_eq(b->len, 10);
	uint8_t *p = nlrs_buf_pull(b, 4);
	cr_assert_not_null(p);
	cr_assert_eq(*p, '4');
	cr_assert_eq(b->len, 6);
	cr_assert_eq(b->tot_len, 6);
	cr_assert_eq(nlrs_buf_headroom(b), 4);
	cr_assert_not_null(nlrs_buf_pull(b, 6));
	cr_assert_eq(b->len, 0);
	nlrs_buf_free(b);
}

BUF_TEST(put_past_tailroom_fails_and_changes_nothing)
{
	struct nlrs_buf *b = nlrs_buf_alloc(&pool, 100);
	cr_assert_null(nlrs_buf_put(b, P_SIZE - 99));
	cr_assert_eq(b->len, 0);
	uint8_t *p = nlrs_buf_put(b, P_SIZE - 100);
	cr_assert_eq(p, b->data);
	cr_assert_eq(b->len, P_SIZE - 100);
	cr_assert_eq(b->tot_len, P_SIZE - 100);
	cr_assert_null(nlrs_buf_put(b, 1));
	nlrs_buf_free(b);
}

BUF_TEST(append_spans_segments_and_keeps_bytes)
{
	uint8_t data[700], out[700];
	h_pattern(data, sizeof data, 2);
	struct nlrs_buf *b = nlrs_buf_alloc(&pool, 56);
	cr_assert_eq(nlrs_buf_append(b, data, 100), 0);
	cr_assert_eq(nlrs_buf_append(b, data + 100, 600), 0);
	/* 200 + 256 + 244 */
	cr_assert_eq(nlrs_buf_segments(b), 3);
	cr_assert_eq(b->tot_len, 700);
	cr_assert_eq(b->len, 200);
	cr_assert_eq(b->next->len, 256);
	cr_assert_eq(b->next->next->len, 244);
	cr_assert_eq(nlrs_buf_copy_out(b, 0, out, sizeof out), 700);
	cr_assert_eq(memcmp(out, data, 700), 0);
	nlrs_buf_free(b);
}

BUF_TEST(append_out_of_buffers_reports_enobufs_and_keeps_prefix)
{
	uint8_t data[P_SIZE * (P_COUNT + 1)];
	h_pattern(data, sizeof data, 3);
	struct nlrs_buf *b = nlrs_buf_alloc(&pool, 0);
	cr_assert_eq(nlrs_buf_append(b, data, sizeof data), -NLRS_ENOBUFS);
	cr_assert_eq(b->tot_len, P_SIZE * P_COUNT);
	cr_assert_eq(pool.avail, 0);
	uint8_t out[P_SIZE * P_COUNT];
	cr_assert_eq(nlrs_buf_copy_out(b, 0, out, sizeof out), sizeof out);
	cr_assert_eq(memcmp(out, data, sizeof out), 0);
	nlrs_buf_free(b);
}

BUF_TEST(from_fails_cleanly_when_pool_too_small)
{
	uint8_t data[P_SIZE * (P_COUNT + 1)];
	memset(data, 0x5a, sizeof data);
	cr_assert_null(nlrs_buf_from(&pool, 0, data, sizeof data));
	cr_assert_eq(pool.avail, P_COUNT, "nothing held after a failed from");
}

BUF_TEST(copy_out_across_boundaries_and_past_end)
{
	uint8_t data[600], out[600];
	h_pattern(data, sizeof data, 4);
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, data, sizeof data);
	cr_assert_eq(nlrs_buf_segments(b), 3);
	/* 250..270 straddles the first boundary, 500..520 the second */
	cr_assert_eq(nlrs_buf_copy_out(b, 250, out, 20), 20);
	cr_assert_eq(memcmp(out, data + 250, 20), 0);
	cr_assert_eq(nlrs_buf_copy_out(b, 100, out, 450), 450);
	cr_assert_eq(memcmp(out, data + 100, 450), 0);
	cr_assert_eq(nlrs_buf_copy_out(b, 590, out, 50), 10, "short count at the end");
	cr_assert_eq(memcmp(out, data + 590, 10), 0);
	cr_assert_eq(nlrs_buf_copy_out(b, 600, out, 5), 0);
	nlrs_buf_free(b);
}

BUF_TEST(copy_in_across_boundaries_and_past_end)
{
	uint8_t data[600], patch[300], out[600];
	h_pattern(data, sizeof data, 5);
	h_pattern(patch, sizeof patch, 6);
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, data, sizeof data);
	cr_assert_eq(nlrs_buf_copy_in(b, 200, patch, 300), 300);
	memcpy(data + 200, patch, 300);
	cr_assert_eq(nlrs_buf_copy_in(b, 580, patch, 50), 20, "short count at the end");
	memcpy(data + 580, patch, 20);
	cr_assert_eq(nlrs_buf_copy_out(b, 0, out, 600), 600);
	cr_assert_eq(memcmp(out, data, 600), 0);
	cr_assert_eq(b->tot_len, 600, "copy_in never grows the chain");
	nlrs_buf_free(b);
}

BUF_TEST(trim_frees_tail_segments)
{
	uint8_t data[700], out[700];
	h_pattern(data, sizeof data, 7);
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, data, sizeof data);
	cr_assert_eq(nlrs_buf_segments(b), 3);
	cr_assert_eq(pool.avail, P_COUNT - 3);
	nlrs_buf_trim(b, 300);
	cr_assert_eq(nlrs_buf_segments(b), 2);
	cr_assert_eq(pool.avail, P_COUNT - 2);
	cr_assert_eq(b->tot_len, 300);
	cr_assert_eq(b->next->len, 44);
	memset(out, 0, sizeof out);
	cr_assert_eq(nlrs_buf_copy_out(b, 0, out, sizeof out), 300);
	cr_assert_eq(memcmp(out, data, 300), 0);
	nlrs_buf_trim(b, 256); /* exactly at the boundary */
	cr_assert_eq(nlrs_buf_segments(b), 1);
	cr_assert_eq(pool.avail, P_COUNT - 1);
	nlrs_buf_trim(b, 1000); /* longer: no-op */
	cr_assert_eq(b->tot_len, 256);
	nlrs_buf_trim(b, 0);
	cr_assert_eq(b->tot_len, 0);
	cr_assert_eq(b->len, 0);
	nlrs_buf_free(b);
}

BUF_TEST(cat_joins_chains_and_frees_both)
{
	uint8_t a[300], c[300], out[600];
	h_pattern(a, sizeof a, 8);
	h_pattern(c, sizeof c, 9);
	struct nlrs_buf *h = nlrs_buf_from(&pool, 0, a, sizeof a);
	struct nlrs_buf *t = nlrs_buf_from(&pool, 0, c, sizeof c);
	nlrs_buf_cat(h, t);
	cr_assert_eq(h->tot_len, 600);
	cr_assert_eq(nlrs_buf_segments(h), 4);
	cr_assert_eq(nlrs_buf_copy_out(h, 0, out, 600), 600);
	cr_assert_eq(memcmp(out, a, 300), 0);
	cr_assert_eq(memcmp(out + 300, c, 300), 0);
	nlrs_buf_free(h);
	cr_assert_eq(pool.avail, P_COUNT);
}

BUF_TEST(clone_is_deep_and_keeps_headroom)
{
	uint8_t data[400], out[400];
	h_pattern(data, sizeof data, 10);
	struct nlrs_buf *b = nlrs_buf_alloc(&pool, 32);
	cr_assert_eq(nlrs_buf_append(b, data, sizeof data), 0);
	b->flags = 0x0101;
	b->ifindex = 3;
	struct nlrs_buf *c = nlrs_buf_clone(&pool, b);
	cr_assert_not_null(c);
	cr_assert_eq(nlrs_buf_headroom(c), 32);
	cr_assert_eq(c->tot_len, 400);
	cr_assert_eq(c->refcnt, 1);
	cr_assert_eq(c->flags, 0x0101);
	cr_assert_eq(c->ifindex, 3);
	for (const struct nlrs_buf *x = b; x; x = x->next)
		for (const struct nlrs_buf *y = c; y; y = y->next)
			cr_assert_neq(x, y, "clone shares a segment");
	memset(b->data, 0, b->len);
	memset(b->next->data, 0, b->next->len);
	cr_assert_eq(nlrs_buf_copy_out(c, 0, out, sizeof out), 400);
	cr_assert_eq(memcmp(out, data, 400), 0);
	nlrs_buf_free(b);
	nlrs_buf_free(c);
}

BUF_TEST(clone_failure_holds_nothing)
{
	uint8_t data[P_SIZE * 5];
	memset(data, 1, sizeof data);
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, data, sizeof data);
	cr_assert_eq(pool.avail, P_COUNT - 5);
	cr_assert_null(nlrs_buf_clone(&pool, b));
	cr_assert_eq(pool.avail, P_COUNT - 5);
	nlrs_buf_free(b);
}

BUF_TEST(free_queue_releases_every_packet)
{
	struct nlrs_buf *a = nlrs_buf_from(&pool, 0, "a", 1);
	struct nlrs_buf *b = nlrs_buf_from(&pool, 0, "b", 1);
	struct nlrs_buf *c = nlrs_buf_from(&pool, 0, "c", 1);
	a->qnext = b;
	b->qnext = c;
	nlrs_buf_free(a); /* frees only a's chain, never qnext */
	cr_assert_eq(pool.avail, P_COUNT - 2);
	nlrs_buf_free_queue(b);
	cr_assert_eq(pool.avail, P_COUNT);
}

BUF_TEST(chain_checksum_with_odd_segment_lengths_matches_flat_sum)
{
	/* nlrs__buf_csum must handle segments that start at odd offsets of
	 * the summed range (RFC 1071 byte-swap property). */
	uint8_t data[64];
	h_pattern(data, sizeof data, 11);
	const size_t cuts[] = { 3, 8, 5, 7, 1, 40 }; /* 64 bytes in 6 odd-ish pieces */
	struct nlrs_buf *head = NULL;
	size_t off = 0;
	for (unsigned i = 0; i < 6; i++) {
		struct nlrs_buf *seg = nlrs_buf_from(&pool, 0, data + off, cuts[i]);
		cr_assert_not_null(seg);
		if (head)
			nlrs_buf_cat(head, seg);
		else
			head = seg;
		off += cuts[i];
	}
	cr_assert_eq(off, sizeof data);
	cr_assert_eq(head->tot_len, 64);
	for (size_t a = 0; a < 64; a++) {
		for (size_t n = 0; a + n <= 64; n += 3) {
			uint16_t flat = nlrs_csum_fold(nlrs_csum_add(0x1234, data + a, n));
			uint16_t chain = nlrs_csum_fold(nlrs__buf_csum(head, a, n, 0x1234));
			cr_assert_eq(chain, flat, "offset %zu length %zu: %#x vs %#x", a, n, chain,
				     flat);
		}
	}
	nlrs_buf_free(head);
}

BUF_TEST(external_segment_holds_its_owner_until_freed)
{
	struct nlrs_buf *owner = nlrs_buf_from(&pool, 0, "0123456789abcdef", 16);
	cr_assert_not_null(owner);
	struct nlrs_buf *hdr = nlrs_buf_from(&pool, 16, "HDR", 3);
	struct nlrs_buf *e = nlrs_buf_external(&pool, owner, 4, 8);
	cr_assert_not_null(e);
	cr_assert_eq(owner->refcnt, 2);
	cr_assert_eq(nlrs_buf_tailroom(e), 0, "no room of its own");
	cr_assert_eq(nlrs_buf_headroom(e), 0);
	hdr->next = e;
	hdr->tot_len += e->len;
	/* the queue lets go of the owner first: the bytes stay valid */
	nlrs_buf_free(owner);
	char out[16] = { 0 };
	cr_assert_eq(nlrs_buf_copy_out(hdr, 0, out, sizeof out), 11);
	cr_assert_str_eq(out, "HDR456789ab");
	/* appending after an external segment takes a new one */
	cr_assert_eq(nlrs_buf_append(hdr, "!", 1), 0);
	cr_assert_eq(nlrs_buf_segments(hdr), 3);
	cr_assert_eq(pool.avail, P_COUNT - 4);
	nlrs_buf_free(hdr); /* releases the header, the external segment and the owner */
}

BUF_TEST(external_segment_refuses_a_range_past_the_owner)
{
	struct nlrs_buf *owner = nlrs_buf_from(&pool, 0, "0123", 4);
	cr_assert_null(nlrs_buf_external(&pool, owner, 2, 3));
	cr_assert_eq(owner->refcnt, 1);
	nlrs_buf_free(owner);
}
