/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packet buffers and the fixed pools they come from.
 *
 * A packet is a chain of one or more segments. Every segment lives in one
 * pool slot: a struct nlrs_buf header followed by `cap` bytes of storage.
 * Headers are prepended into the headroom of the first segment
 * (nlrs_buf_push); payload is appended at the tail of the last segment
 * (nlrs_buf_put). tot_len is kept in the first segment and covers the chain.
 *
 * Ownership: a function that takes a `struct nlrs_buf *` without `const`
 * consumes the caller's reference unless its comment says otherwise.
 * nlrs_buf_ref adds a reference to a whole chain (read-only sharing); a
 * shared chain must not be modified (see nlrs_buf_shared).
 *
 * Nothing here allocates from the heap: pools are carved out of memory the
 * caller provides once, at start.
 */
#ifndef NLRS_BUF_H
#define NLRS_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Headroom reserved by nlrs_buf_alloc_tx users: link + VLAN + IPv6 + TCP with
 * options fits comfortably. */
#define NLRS_BUF_HEADROOM 128

struct nlrs_pool;

struct nlrs_buf {
	struct nlrs_buf *next;  /* next segment of this packet, or NULL */
	struct nlrs_buf *qnext; /* next packet in a queue (first segment only) */
	struct nlrs_pool *pool; /* the pool this segment returns to */
	uint8_t *data;          /* first valid byte of this segment */
	uint32_t tot_len;       /* bytes in the whole chain (first segment) */
	uint16_t len;           /* valid bytes in this segment */
	uint16_t cap;           /* storage bytes in this segment */
	uint16_t refcnt;
	uint16_t ifindex;       /* receive interface, set by the stack */
	uint16_t l3off;         /* scratch for the stack: offset of the network header */
	uint16_t flags;
	uint16_t gso_size;      /* NLRS_GSO_TCPV4: payload bytes per segment (first segment) */
	uint8_t gso_type;       /* NLRS_GSO_*: the device cuts the packet into segments */
	uint8_t csum;           /* NLRS_CSUM_*: checksum offload state (first segment) */
	uint64_t tstamp;        /* receive time (microseconds), set by the device */
	/* An external segment's data lies in another buffer's storage, on
	 * which it holds a reference (zero-copy transmit of queued data).
	 * It has no head- or tailroom of its own. NULL for ordinary ones. */
	struct nlrs_buf *owner;
	uint8_t storage[];
};

/* Offload metadata (virtio-net's model, include/uapi/linux/virtio_net.h).
 * NLRS_CSUM_PARTIAL: the transport checksum field holds the folded
 * pseudo-header sum only; the device (or whoever forwards the packet
 * through a device without offload) completes it over the transport
 * header and payload. NLRS_CSUM_VALID: the device has checked the
 * transport checksum (or the packet never left this host). */
#define NLRS_CSUM_NONE 0
#define NLRS_CSUM_PARTIAL 1
#define NLRS_CSUM_VALID 2
#define NLRS_GSO_NONE 0
#define NLRS_GSO_TCPV4 1

struct nlrs_pool {
	struct nlrs_buf *free;
	uint8_t *mem;
	uint32_t count;     /* slots in the pool */
	uint32_t avail;     /* slots free now */
	uint32_t min_avail; /* low-water mark since init */
	uint32_t stride;    /* bytes between slots */
	uint16_t bufsize;   /* storage bytes per slot */
	uint64_t alloc_fail;
};

/* Bytes of memory a pool of `count` buffers of `bufsize` storage needs. */
size_t nlrs_pool_mem_size(uint32_t count, uint16_t bufsize);

/* Lay a pool out in `mem` (at least nlrs_pool_mem_size bytes, 16-byte
 * aligned). Returns 0 or -NLRS_EINVAL. */
int nlrs_pool_init(struct nlrs_pool *pool, void *mem, size_t memlen,
		   uint32_t count, uint16_t bufsize);

/* One segment with `headroom` bytes reserved before data, len 0, refcnt 1.
 * NULL when the pool is empty (counted in pool->alloc_fail). */
struct nlrs_buf *nlrs_buf_alloc(struct nlrs_pool *pool, uint16_t headroom);

/* A chain holding a copy of data[0..len), first segment with `headroom`.
 * NULL (nothing held) if the pool runs out. */
struct nlrs_buf *nlrs_buf_from(struct nlrs_pool *pool, uint16_t headroom,
			       const void *data, size_t len);

/* A private deep copy of a chain (same headroom in the first segment). */
struct nlrs_buf *nlrs_buf_clone(struct nlrs_pool *pool, const struct nlrs_buf *b);

/* Add a reference to the chain; returns b. */
struct nlrs_buf *nlrs_buf_ref(struct nlrs_buf *b);

/* Drop one reference; the chain goes back to its pool when the last one goes.
 * NULL is accepted. Frees only b's chain, never b->qnext. */
void nlrs_buf_free(struct nlrs_buf *b);

/* Free a queue of packets linked through qnext. */
void nlrs_buf_free_queue(struct nlrs_buf *head);

/* true when someone else may see the bytes of b's chain, so they must not
 * be modified in place: a segment has another reference, or shows another
 * buffer's bytes (nlrs_buf_external: e.g. TCP's send queue, which a
 * retransmission would send again with a fresh checksum). */
static inline bool nlrs_buf_shared(const struct nlrs_buf *b)
{
	for (; b; b = b->next)
		if (b->refcnt > 1 || b->owner)
			return true;
	return false;
}

static inline uint16_t nlrs_buf_headroom(const struct nlrs_buf *b)
{
	return b->owner ? 0 : (uint16_t)(b->data - b->storage);
}

static inline uint16_t nlrs_buf_tailroom(const struct nlrs_buf *b)
{
	return b->owner ? 0 : (uint16_t)(b->cap - nlrs_buf_headroom(b) - b->len);
}

/* A segment showing owner's bytes [off, off+len) without copying them: it
 * takes a reference on owner (a single-segment buffer), released when the
 * segment is freed. The bytes must not change while it lives (append-only
 * queues are fine). NULL if the pool is empty. */
struct nlrs_buf *nlrs_buf_external(struct nlrs_pool *pool, struct nlrs_buf *owner, uint16_t off,
				   uint16_t len);

/* Prepend n bytes to the first segment; returns the new start, or NULL if
 * the headroom is too small (nothing changed). */
void *nlrs_buf_push(struct nlrs_buf *b, uint16_t n);

/* Remove n bytes from the front of the first segment (n <= b->len); returns
 * the new start, or NULL if n > b->len (nothing changed). */
void *nlrs_buf_pull(struct nlrs_buf *b, uint16_t n);

/* Append n bytes at the tail of the last segment; returns where to write
 * them, or NULL if the last segment lacks tailroom (nothing changed). */
void *nlrs_buf_put(struct nlrs_buf *b, uint16_t n);

/* Append a copy of data, adding segments from b's pool as needed.
 * Returns 0 or -NLRS_ENOBUFS (b then holds a prefix of data: trim it). */
int nlrs_buf_append(struct nlrs_buf *b, const void *data, size_t len);

/* Shorten the chain to `len` bytes (no-op if already shorter), freeing
 * segments past the end. */
void nlrs_buf_trim(struct nlrs_buf *b, uint32_t len);

/* Append chain `tail` to chain `head`; head takes over tail's reference. */
void nlrs_buf_cat(struct nlrs_buf *head, struct nlrs_buf *tail);

/* Copy up to n bytes from offset off of the chain into dst; returns the
 * count copied (less than n when the chain ends first). */
size_t nlrs_buf_copy_out(const struct nlrs_buf *b, size_t off, void *dst, size_t n);

/* Overwrite n bytes of the chain at offset off from src; returns the count
 * written (less than n when the chain ends first). */
size_t nlrs_buf_copy_in(struct nlrs_buf *b, size_t off, const void *src, size_t n);

/* Number of segments in the chain. */
unsigned nlrs_buf_segments(const struct nlrs_buf *b);

#ifdef __cplusplus
}
#endif
#endif
