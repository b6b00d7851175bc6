/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shim/ring.c: fixed-entry rings, byte rings and datagram records on
 * memory laid out as in the shared region; the checks nlrsd relies on
 * against lying indices and records; and single-producer/single-consumer
 * correctness with two threads over millions of entries.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring.h"

/* A ring buffer of `size` bytes ending right before an inaccessible page:
 * one byte read or written past the ring faults. */
static uint8_t *guarded(size_t size, void **map, size_t *maplen)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t body = (size + (size_t)pg - 1) & ~((size_t)pg - 1);
	uint8_t *p = mmap(NULL, body + (size_t)pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert(p != MAP_FAILED);
	cr_assert(mprotect(p + body, (size_t)pg, PROT_NONE) == 0);
	*map = p;
	*maplen = body + (size_t)pg;
	return p + body - size;
}

static struct nlrs_ring_idx *new_idx(void)
{
	struct nlrs_ring_idx *i = aligned_alloc(NLRS_IPC_CACHELINE, sizeof(*i));

	memset(i, 0, sizeof(*i));
	return i;
}

Test(ring, indices_on_separate_cache_lines)
{
	cr_assert_geq(offsetof(struct nlrs_ring_idx, cons) - offsetof(struct nlrs_ring_idx, prod),
		      NLRS_IPC_CACHELINE);
	cr_assert_eq(sizeof(struct nlrs_ipc_req), 64);
	cr_assert_eq(sizeof(struct nlrs_ipc_cqe), 32);
	cr_assert_eq(sizeof(struct nlrs_rec_hdr), 16);
}

Test(ring, fixed_empty_full_and_back)
{
	struct nlrs_ring_idx *ix = new_idx();
	uint64_t ents[8];
	struct nlrs_ring p, c;

	nlrs_ring_init(&p, ix, ents, 8, sizeof(uint64_t), 0);
	nlrs_ring_init(&c, ix, ents, 8, sizeof(uint64_t), 0);
	cr_assert_eq(nlrs_ring_space(&p), 8);
	cr_assert_eq(nlrs_ring_avail(&c), 0);
	for (uint32_t i = 0; i < 8; i++)
		*(uint64_t *)nlrs_ring_entry(&p, i) = 100 + i;
	nlrs_ring_publish(&p, 8); /* one store publishes the batch */
	cr_assert_eq(nlrs_ring_space(&p), 0);
	cr_assert_eq(nlrs_ring_avail(&c), 8);
	cr_assert_eq(*(uint64_t *)nlrs_ring_entry(&c, 7), 107);
	nlrs_ring_release(&c, 3);
	cr_assert_eq(nlrs_ring_space(&p), 3);
	/* wrap: entries 8..10 land in slots 0..2 */
	for (uint32_t i = 0; i < 3; i++)
		*(uint64_t *)nlrs_ring_entry(&p, i) = 200 + i;
	nlrs_ring_publish(&p, 3);
	nlrs_ring_release(&c, 5);
	cr_assert_eq(nlrs_ring_avail(&c), 3);
	cr_assert_eq(*(uint64_t *)nlrs_ring_entry(&c, 0), 200);
	cr_assert_eq(ents[2], 202);
	free(ix);
}

Test(ring, indices_across_uint32_wrap)
{
	struct nlrs_ring_idx *ix = new_idx();
	uint8_t buf[16];
	struct nlrs_ring p, c;
	uint8_t out[10];

	atomic_store(&ix->prod, UINT32_MAX - 4);
	atomic_store(&ix->cons, UINT32_MAX - 4);
	nlrs_ring_init(&p, ix, buf, 16, 1, UINT32_MAX - 4);
	nlrs_ring_init(&c, ix, buf, 16, 1, UINT32_MAX - 4);
	nlrs_bring_write(&p, "0123456789", 10);
	cr_assert_eq(nlrs_ring_avail(&c), 10);
	cr_assert_eq(nlrs_ring_space(&p), 6);
	nlrs_bring_copy_out(&c, 0, out, 10);
	cr_assert_arr_eq(out, "0123456789", 10);
	free(ix);
}

Test(ring, lying_consumer_index_is_eproto)
{
	struct nlrs_ring_idx *ix = new_idx();
	uint8_t buf[64];
	struct nlrs_ring p;

	nlrs_ring_init(&p, ix, buf, 64, 1, 0);
	nlrs_bring_write(&p, buf, 10);
	atomic_store(&ix->cons, 11); /* ahead of what was produced */
	cr_assert_eq(nlrs_ring_space(&p), -EPROTO);
	atomic_store(&ix->cons, (uint32_t)-100); /* more than a ring behind */
	cr_assert_eq(nlrs_ring_space(&p), -EPROTO);
	atomic_store(&ix->cons, 10);
	cr_assert_eq(nlrs_ring_space(&p), 64);
	free(ix);
}

Test(ring, lying_producer_index_is_eproto)
{
	struct nlrs_ring_idx *ix = new_idx();
	uint8_t buf[64];
	struct nlrs_ring c;

	nlrs_ring_init(&c, ix, buf, 64, 1, 0);
	atomic_store(&ix->prod, 65); /* more than the ring holds */
	cr_assert_eq(nlrs_ring_avail(&c), -EPROTO);
	atomic_store(&ix->prod, (uint32_t)-1); /* behind the consumer */
	cr_assert_eq(nlrs_ring_avail(&c), -EPROTO);
	atomic_store(&ix->prod, 64);
	cr_assert_eq(nlrs_ring_avail(&c), 64);
	free(ix);
}

Test(ring, byte_ring_wraps_with_content_intact)
{
	struct nlrs_ring_idx *ix = new_idx();
	void *map;
	size_t maplen;
	uint8_t *buf = guarded(4096, &map, &maplen);
	struct nlrs_ring p, c;
	uint8_t in[3000], out[3000];
	uint32_t seed = 1;

	nlrs_ring_init(&p, ix, buf, 4096, 1, 0);
	nlrs_ring_init(&c, ix, buf, 4096, 1, 0);
	for (int round = 0; round < 2000; round++) {
		uint32_t n = 1 + (uint32_t)(rand_r(&seed) % 3000);

		for (uint32_t i = 0; i < n; i++)
			in[i] = (uint8_t)(round + i);
		cr_assert_geq(nlrs_ring_space(&p), n);
		nlrs_bring_write(&p, in, n);
		cr_assert_eq(nlrs_ring_avail(&c), n);
		nlrs_bring_copy_out(&c, 0, out, n);
		cr_assert_arr_eq(out, in, n, "round %d", round);
		nlrs_ring_release(&c, n);
	}
	munmap(map, maplen);
	free(ix);
}

Test(ring, records_pad_at_the_end_and_keep_endpoints)
{
	struct nlrs_ring_idx *ix = new_idx();
	void *map;
	size_t maplen;
	uint8_t *buf = guarded(1024, &map, &maplen);
	struct nlrs_ring p, c;
	struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = 53, .v4 = 0xc0000201 };
	struct nlrs_rec_hdr h;
	const uint8_t *pl;
	int err;

	nlrs_ring_init(&p, ix, buf, 1024, 1, 0);
	nlrs_ring_init(&c, ix, buf, 1024, 1, 0);
	cr_assert_eq(nlrs_rec_peek(&c, &h, &pl), 0);
	/* 3 records of 300 bytes (320 each) leave 64 bytes at the end */
	for (int i = 0; i < 3; i++) {
		uint8_t *d = nlrs_rec_reserve(&p, 300, &err);

		cr_assert_not_null(d);
		memset(d, 'a' + i, 300);
		nlrs_rec_commit(&p, 300, 0, &ep);
	}
	cr_assert_null(nlrs_rec_reserve(&p, 300, &err), "full: no room");
	cr_assert_eq(err, 0);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(nlrs_rec_peek(&c, &h, &pl), 1);
		cr_assert_eq(h.len, 300);
		cr_assert_eq(h.ep.port, 53);
		cr_assert_eq(h.ep.v4, 0xc0000201);
		cr_assert_eq(pl[299], 'a' + i);
		nlrs_rec_consume(&c, &h);
	}
	/* the next record does not fit in the last 64 bytes: pad, then at 0 */
	{
		uint8_t *d = nlrs_rec_reserve(&p, 100, &err);

		cr_assert_eq(d, buf + sizeof(struct nlrs_rec_hdr));
		memset(d, 'z', 100);
		nlrs_rec_commit(&p, 100, 0, NULL);
	}
	cr_assert_eq(nlrs_rec_peek(&c, &h, &pl), 1);
	cr_assert_eq(h.len, 100);
	cr_assert_eq(h.ep.family, 0);
	cr_assert_eq(pl[0], 'z');
	nlrs_rec_consume(&c, &h);
	cr_assert_eq(nlrs_rec_peek(&c, &h, &pl), 0);
	munmap(map, maplen);
	free(ix);
}

Test(ring, records_too_big_for_the_ring_are_emsgsize)
{
	struct nlrs_ring_idx *ix = new_idx();
	uint8_t *buf = malloc(1024);
	struct nlrs_ring p;
	int err;

	nlrs_ring_init(&p, ix, buf, 1024, 1, 0);
	cr_assert_null(nlrs_rec_reserve(&p, 600, &err));
	cr_assert_eq(err, -EMSGSIZE);
	cr_assert_null(nlrs_rec_reserve(&p, 70000, &err));
	cr_assert_eq(err, -EMSGSIZE);
	free(buf);
	free(ix);
}

/* A producer that lies in a record: each lie is refused, never read past. */
static int peek_lie(uint32_t len, uint32_t published, uint32_t at)
{
	struct nlrs_ring_idx *ix = new_idx();
	void *map;
	size_t maplen;
	uint8_t *buf = guarded(1024, &map, &maplen);
	struct nlrs_ring c;
	struct nlrs_rec_hdr h = { .len = len }, got;
	const uint8_t *pl;
	int rc;

	memcpy(buf + at, &h, sizeof(h));
	atomic_store(&ix->prod, at + published);
	atomic_store(&ix->cons, at);
	nlrs_ring_init(&c, ix, buf, 1024, 1, at);
	rc = nlrs_rec_peek(&c, &got, &pl);
	munmap(map, maplen);
	free(ix);
	return rc;
}

Test(ring, lying_records_are_eproto)
{
	cr_assert_eq(peek_lie(100, 32, 0), -EPROTO, "length past what was published");
	cr_assert_eq(peek_lie(2000, 1024, 0), -EPROTO, "length past the ring");
	cr_assert_eq(peek_lie(70000, 1024, 0), -EPROTO, "length past the largest datagram");
	cr_assert_eq(peek_lie(200, 240, 896), -EPROTO, "record running over the end");
	cr_assert_eq(peek_lie(NLRS_REC_PAD, 64, 896), -EPROTO, "pad longer than what was published");
	cr_assert_eq(peek_lie(4, 8, 0), -EPROTO, "fewer bytes than a header");
	cr_assert_eq(peek_lie(100, 128, 0), 1, "a true record passes");
}

/* ------------------------------------------------------------ two threads */

struct spsc {
	struct nlrs_ring_idx *ix;
	uint8_t *buf;
	uint32_t size;
	uint64_t count; /* entries, bytes or records */
	uint64_t errors;
};

static void *fixed_producer(void *arg)
{
	struct spsc *t = arg;
	struct nlrs_ring p;
	uint64_t next = 0;
	uint32_t seed = 3;

	nlrs_ring_init(&p, t->ix, t->buf, t->size, sizeof(uint64_t), 0);
	while (next < t->count) {
		int64_t room = nlrs_ring_space(&p);
		uint32_t batch = 1 + (uint32_t)(rand_r(&seed) % 64), k;

		if (room < 0) {
			t->errors++;
			return NULL;
		}
		if (room == 0) {
			sched_yield(); /* a 2-core machine may run both threads on one */
			continue;
		}
		if (batch > room)
			batch = (uint32_t)room;
		if (batch > t->count - next)
			batch = (uint32_t)(t->count - next);
		for (k = 0; k < batch; k++)
			*(uint64_t *)nlrs_ring_entry(&p, k) = next + k;
		if (batch)
			nlrs_ring_publish(&p, batch);
		next += batch;
	}
	return NULL;
}

Test(ring_spsc, four_million_entries_in_order)
{
	struct spsc t = { .ix = new_idx(), .size = 256, .count = 4000000 };
	struct nlrs_ring c;
	pthread_t th;
	uint64_t want = 0, bad = 0;

	t.buf = malloc(256 * sizeof(uint64_t));
	nlrs_ring_init(&c, t.ix, t.buf, t.size, sizeof(uint64_t), 0);
	pthread_create(&th, NULL, fixed_producer, &t);
	while (want < t.count) {
		int64_t n = nlrs_ring_avail(&c);

		cr_assert_geq(n, 0);
		if (n == 0)
			sched_yield();
		for (int64_t k = 0; k < n; k++)
			if (*(uint64_t *)nlrs_ring_entry(&c, (uint32_t)k) != want + (uint64_t)k)
				bad++;
		if (n)
			nlrs_ring_release(&c, (uint32_t)n);
		want += (uint64_t)n;
	}
	pthread_join(th, NULL);
	cr_assert_eq(bad, 0, "%llu entries out of order", (unsigned long long)bad);
	cr_assert_eq(t.errors, 0);
	free(t.buf);
	free(t.ix);
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13);
}

static void *byte_producer(void *arg)
{
	struct spsc *t = arg;
	struct nlrs_ring p;
	uint8_t chunk[5000];
	uint64_t off = 0;
	uint32_t seed = 5;

	nlrs_ring_init(&p, t->ix, t->buf, t->size, 1, 0);
	while (off < t->count) {
		int64_t room = nlrs_ring_space(&p);
		uint32_t n = 1 + (uint32_t)(rand_r(&seed) % sizeof(chunk));

		if (room <= 0) {
			sched_yield();
			continue;
		}
		if (n > room)
			n = (uint32_t)room;
		if (n > t->count - off)
			n = (uint32_t)(t->count - off);
		for (uint32_t i = 0; i < n; i++)
			chunk[i] = pattern(off + i);
		nlrs_bring_write(&p, chunk, n);
		off += n;
	}
	return NULL;
}

Test(ring_spsc, byte_stream_of_64_mib_intact)
{
	struct spsc t = { .ix = new_idx(), .size = 65536, .count = 64ull << 20 };
	struct nlrs_ring c;
	pthread_t th;
	uint8_t out[7000];
	uint64_t off = 0, bad = 0;
	uint32_t seed = 9;

	t.buf = malloc(t.size);
	nlrs_ring_init(&c, t.ix, t.buf, t.size, 1, 0);
	pthread_create(&th, NULL, byte_producer, &t);
	while (off < t.count) {
		int64_t n = nlrs_ring_avail(&c);
		uint32_t want = 1 + (uint32_t)(rand_r(&seed) % sizeof(out));

		cr_assert_geq(n, 0);
		if (n == 0) {
			sched_yield();
			continue;
		}
		if (want > n)
			want = (uint32_t)n;
		nlrs_bring_copy_out(&c, 0, out, want);
		for (uint32_t i = 0; i < want; i++)
			if (out[i] != pattern(off + i))
				bad++;
		nlrs_ring_release(&c, want);
		off += want;
	}
	pthread_join(th, NULL);
	cr_assert_eq(bad, 0);
	free(t.buf);
	free(t.ix);
}

static void *rec_producer(void *arg)
{
	struct spsc *t = arg;
	struct nlrs_ring p;
	uint32_t seed = 11;

	nlrs_ring_init(&p, t->ix, t->buf, t->size, 1, 0);
	for (uint64_t i = 0; i < t->count;) {
		uint32_t len = (uint32_t)(rand_r(&seed) % 1500);
		struct nlrs_endpoint ep = { .family = NLRS_AF_INET, .port = (uint16_t)i, .v4 = (uint32_t)i };
		int err;
		uint8_t *d;

		for (;;) {
			d = nlrs_rec_reserve(&p, len, &err);
			if (d || err)
				break;
			sched_yield();
		}
		if (err) {
			t->errors++;
			return NULL;
		}
		for (uint32_t k = 0; k < len; k++)
			d[k] = (uint8_t)(i + k);
		nlrs_rec_commit(&p, len, 0, &ep);
		i++;
	}
	return NULL;
}

Test(ring_spsc, half_a_million_records_intact)
{
	struct spsc t = { .ix = new_idx(), .size = 32768, .count = 500000 };
	struct nlrs_ring c;
	pthread_t th;
	uint32_t seed = 11;
	uint64_t bad = 0;

	t.buf = malloc(t.size);
	nlrs_ring_init(&c, t.ix, t.buf, t.size, 1, 0);
	pthread_create(&th, NULL, rec_producer, &t);
	for (uint64_t i = 0; i < t.count;) {
		struct nlrs_rec_hdr h;
		const uint8_t *pl;
		int rc = nlrs_rec_peek(&c, &h, &pl);
		uint32_t len;

		cr_assert_geq(rc, 0, "record %llu", (unsigned long long)i);
		if (rc == 0) {
			sched_yield();
			continue;
		}
		len = (uint32_t)(rand_r(&seed) % 1500); /* the producer's sequence */
		if (h.len != len || h.ep.port != (uint16_t)i || h.ep.v4 != (uint32_t)i)
			bad++;
		for (uint32_t k = 0; k < h.len && k < len; k++)
			if (pl[k] != (uint8_t)(i + k))
				bad++;
		nlrs_rec_consume(&c, &h);
		i++;
	}
	pthread_join(th, NULL);
	cr_assert_eq(bad, 0);
	cr_assert_eq(t.errors, 0);
	free(t.buf);
	free(t.ix);
}

/* ------------------------------------------------------------- geometry */

Test(ipc_geom, layout_limits)
{
	struct nlrs_ipc_geom g = { .rq_entries = 256, .cq_entries = 256, .nslots = 64,
				   .ring_size = NLRS_IPC_RING_DEFAULT };

	cr_assert_eq(nlrs_ipc_geom_layout(&g), 0);
	cr_assert_eq(g.rq_off % 4096, 0);
	cr_assert_eq(g.data_off % 4096, 0);
	cr_assert_eq(g.size, g.data_off + 64ull * 2 * NLRS_IPC_RING_DEFAULT);
	g.ring_size = 3 << 17; /* not a power of two */
	cr_assert_eq(nlrs_ipc_geom_layout(&g), -EINVAL);
	g.ring_size = NLRS_IPC_RING_MAX;
	g.nslots = NLRS_IPC_SLOTS_MAX; /* 4096 x 2 x 16 MiB: past the region cap */
	cr_assert_eq(nlrs_ipc_geom_layout(&g), -EINVAL);
	g.nslots = 0;
	cr_assert_eq(nlrs_ipc_geom_layout(&g), -EINVAL);
}

Test(ipc_geom, app_refuses_a_header_that_disagrees)
{
	struct nlrs_ipc_geom g = { .rq_entries = 256, .cq_entries = 256, .nslots = 4,
				   .ring_size = NLRS_IPC_RING_MIN }, got;
	struct nlrs_ipc_region *r = aligned_alloc(4096, 4096);

	memset(r, 0, 4096);
	cr_assert_eq(nlrs_ipc_geom_layout(&g), 0);
	r->magic = NLRS_IPC_MAGIC;
	r->version = NLRS_IPC_VERSION;
	r->size = g.size;
	r->rq_off = g.rq_off;
	r->rq_entries = g.rq_entries;
	r->cq_off = g.cq_off;
	r->cq_entries = g.cq_entries;
	r->slot_off = g.slot_off;
	r->nslots = g.nslots;
	r->data_off = g.data_off;
	r->ring_size = g.ring_size;
	cr_assert_eq(nlrs_ipc_geom_from_region(&got, r, g.size), 0);
	cr_assert_eq(got.data_off, g.data_off);
	cr_assert_eq(nlrs_ipc_geom_from_region(&got, r, g.size - 4096), -EPROTO, "mapped size differs");
	r->slot_off += 64;
	cr_assert_eq(nlrs_ipc_geom_from_region(&got, r, g.size), -EPROTO, "offset differs");
	r->slot_off -= 64;
	r->version = 99;
	cr_assert_eq(nlrs_ipc_geom_from_region(&got, r, g.size), -EPROTO, "version");
	free(r);
}
