/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared-memory layout between an app (the client library, later the
 * LD_PRELOAD shim) and nlrsd, and the single-producer/single-consumer ring
 * primitives both sides use on it. Included by shim/client.c and by
 * stack/nlrsd/session.c; nothing else.
 *
 * One region per app process, a sealed memfd made by nlrsd:
 *
 *   [ header (struct nlrs_ipc_region)                              ]
 *   [ request ring:    rq_entries x struct nlrs_ipc_req  (app -> d) ]
 *   [ completion ring: cq_entries x struct nlrs_ipc_cqe  (d -> app) ]
 *   [ socket table:    nslots x struct nlrs_ipc_slot                ]
 *   [ data: per slot, an rx ring (d -> app) then a tx ring (app -> d),
 *     ring_size bytes each                                          ]
 *
 * Every ring has a producer index and a consumer index, free-running
 * uint32_t counters on cache lines of their own (no false sharing between
 * the two sides). The producer fills entries, then publishes with one
 * release store of its index (a batch costs one store); the consumer reads
 * the index with an acquire load. Sizes are powers of two.
 *
 * Trust: nlrsd never trusts what the app can write. It keeps its own copy
 * of the indices it produces or consumes, reads the app's index once, and
 * checks that the distance between the two is within the ring; a record
 * header is copied out before it is checked (the app may change it under
 * us). A failed check disconnects the app (nlrs_ipc_* helpers return
 * -EPROTO for that), it never crashes nlrsd. The region is sealed
 * (F_SEAL_SHRINK|GROW|SEAL), so the app cannot truncate it under nlrsd.
 *
 * Doorbells (io_uring SQPOLL style): a side that is about to sleep stores
 * its "sleeping" flag, issues a full fence, and re-checks the rings; a
 * side that publishes stores its index, issues a full fence, and rings the
 * other side's doorbell only if that flag is set. One of the two always
 * sees the other's store, so no wake-up is lost, and a busy peer costs no
 * system call.
 */
#ifndef NLRS_SHIM_RING_H
#define NLRS_SHIM_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nlrs/socket.h"

#define NLRS_IPC_MAGIC 0x534c524eu /* "NRLS" little-endian */
#define NLRS_IPC_VERSION 1u
#define NLRS_IPC_CACHELINE 64

/* Geometry limits (nlrsd applies them to what the app asks for). */
#define NLRS_IPC_RQ_ENTRIES 256u
#define NLRS_IPC_SLOTS_DEFAULT 64u
#define NLRS_IPC_SLOTS_MAX 4096u
#define NLRS_IPC_RING_DEFAULT (256u << 10)
#define NLRS_IPC_RING_MIN (128u << 10) /* holds the largest datagram twice */
#define NLRS_IPC_RING_MAX (16u << 20)
#define NLRS_IPC_REGION_MAX (1024ull << 20)

/* ----------------------------------------------------------- ring indices */

struct nlrs_ring_idx {
	alignas(NLRS_IPC_CACHELINE) _Atomic uint32_t prod; /* written by the producer */
	alignas(NLRS_IPC_CACHELINE) _Atomic uint32_t cons; /* written by the consumer */
};

/* ------------------------------------------------------ request/completion */

enum nlrs_ipc_op {
	NLRS_IPC_OP_SOCKET = 1, /* arg0 type, arg1 protocol -> res slot */
	NLRS_IPC_OP_BIND,       /* ep */
	NLRS_IPC_OP_LISTEN,     /* arg0 backlog */
	NLRS_IPC_OP_ACCEPT,     /* -> res new slot, ep[0] peer */
	NLRS_IPC_OP_CONNECT,    /* ep -> 0, -EINPROGRESS, -errno */
	NLRS_IPC_OP_SHUTDOWN,   /* arg0 how (after the tx ring drains for WR) */
	NLRS_IPC_OP_CLOSE,      /* the slot is reused only once nlrsd is done with it */
	NLRS_IPC_OP_SETOPT,     /* arg0 enum nlrs_sockopt, arg1 value */
	NLRS_IPC_OP_GETOPT,     /* arg0 enum nlrs_sockopt -> val */
	NLRS_IPC_OP_GETNAME,    /* -> ep[0] local, ep[1] peer (family 0: none) */
	NLRS_IPC_OP_MAX
};

struct nlrs_ipc_req {
	uint32_t op;
	uint32_t slot;
	uint64_t tag;
	int32_t arg[4];
	struct nlrs_endpoint ep;
	uint8_t pad[24];
};

struct nlrs_ipc_cqe {
	uint64_t tag;
	int32_t res; /* >= 0 or -errno */
	int32_t val;
	struct nlrs_endpoint ep[2];
};

/* ----------------------------------------------------------- socket slots */

/* nlrs_ipc_slot.state bits, written by nlrsd only */
#define NLRS_IPC_S_OPEN 0x1u      /* allocated to the app */
#define NLRS_IPC_S_CONNECTED 0x2u /* stream: established (connect done or accepted) */
#define NLRS_IPC_S_EOF 0x4u       /* stream: end of stream, after every rx byte */
#define NLRS_IPC_S_HUP 0x8u       /* stream: both directions finished or reset */
#define NLRS_IPC_S_WRCLOSED 0x10u /* stream: sending is over (shutdown WR done, reset) */
#define NLRS_IPC_S_ACCEPT 0x20u   /* listening: a connection waits for accept */
#define NLRS_IPC_S_LISTEN 0x40u
#define NLRS_IPC_S_CONNFAIL 0x80u /* stream: the connect failed (error in err) */

struct nlrs_ipc_slot {
	alignas(NLRS_IPC_CACHELINE) _Atomic uint32_t state; /* NLRS_IPC_S_* */
	_Atomic uint32_t err;        /* positive errno of the last error */
	_Atomic uint32_t err_seq;    /* bumped after err is stored: a new error */
	_Atomic uint32_t rx_blocked; /* nlrsd stopped for lack of rx ring space */
	uint32_t type;               /* NLRS_SOCK_* (informative) */
	struct nlrs_ring_idx rx;     /* nlrsd produces, the app consumes */
	struct nlrs_ring_idx tx;     /* the app produces, nlrsd consumes */
};

/* ---------------------------------------------------------------- header */

struct nlrs_ipc_region {
	uint32_t magic, version;
	uint64_t size; /* of the whole region */
	uint32_t rq_off, rq_entries;
	uint32_t cq_off, cq_entries;
	uint32_t slot_off, nslots;
	uint64_t data_off;
	uint32_t ring_size;
	struct nlrs_ring_idx rq; /* requests: the app produces, nlrsd consumes */
	struct nlrs_ring_idx cq; /* completions: nlrsd produces, the app consumes */
	/* nlrsd: set when it stops serving (clean shutdown); apps fail calls */
	alignas(NLRS_IPC_CACHELINE) _Atomic uint32_t dead;
	/* nlrsd bumps this after posting anything for the app (a completion,
	 * rx data, tx space, a state change); futex word for the app's
	 * blocked threads */
	alignas(NLRS_IPC_CACHELINE) _Atomic uint32_t app_seq;
	/* app: number of its threads about to sleep on app_seq */
	alignas(NLRS_IPC_CACHELINE) _Atomic uint32_t app_waiters;
	/* app: 1 = also write the app eventfd on a post; nlrsd sets
	 * app_efd_pending when it writes, the app clears it when it drains */
	_Atomic uint32_t app_efd_want;
	_Atomic uint32_t app_efd_pending;
	/* nlrsd: 1 while it sleeps (in epoll_wait); apps ring its doorbell */
	alignas(NLRS_IPC_CACHELINE) _Atomic uint32_t d_sleeping;
};

/* ------------------------------------------------------------- datagrams */

/* A datagram record in a data ring: this header, then len bytes, the whole
 * rounded up to NLRS_REC_ALIGN. A record never wraps: when it does not fit
 * before the end, a pad record (len NLRS_REC_PAD) fills the rest. */
struct nlrs_rec_hdr {
	uint32_t len;
	uint32_t flags;
	struct nlrs_endpoint ep; /* rx: source; tx: destination (family 0: connected) */
};
#define NLRS_REC_ALIGN 16u
#define NLRS_REC_PAD 0xffffffffu
#define NLRS_REC_MAX 65507u /* largest UDP payload over IPv4 */

static inline uint32_t nlrs_rec_total(uint32_t len)
{
	return (uint32_t)((sizeof(struct nlrs_rec_hdr) + len + NLRS_REC_ALIGN - 1) &
			  ~(size_t)(NLRS_REC_ALIGN - 1));
}

/* ------------------------------------------------------- ring primitives */

/* One side's private view of a ring: its own index (never read back from
 * shared memory) and the ring's geometry (never read back either). */
struct nlrs_ring {
	struct nlrs_ring_idx *idx;
	uint8_t *base;
	uint32_t size;  /* entries (fixed rings) or bytes (data rings), power of 2 */
	uint32_t esize; /* entry size; 1 for data rings */
	uint32_t mine;  /* our index: prod for a producer, cons for a consumer */
};

void nlrs_ring_init(struct nlrs_ring *r, struct nlrs_ring_idx *idx, void *base, uint32_t size,
		    uint32_t esize, uint32_t start);

/* Producer: free entries (or bytes), or -EPROTO if the consumer's index is
 * impossible (ahead of ours, or more than a ring behind). */
int64_t nlrs_ring_space(const struct nlrs_ring *r);
/* Consumer: entries (or bytes) waiting, or -EPROTO if the producer's index
 * is impossible. */
int64_t nlrs_ring_avail(const struct nlrs_ring *r);
/* Entry i past our index (fixed rings). */
static inline void *nlrs_ring_entry(const struct nlrs_ring *r, uint32_t i)
{
	return r->base + (size_t)((r->mine + i) & (r->size - 1)) * r->esize;
}
/* Producer: make n more entries (bytes) visible: one release store. */
void nlrs_ring_publish(struct nlrs_ring *r, uint32_t n);
/* Consumer: hand n entries (bytes) back: one release store. */
void nlrs_ring_release(struct nlrs_ring *r, uint32_t n);

/* Byte rings. The caller checked space/avail. */
void nlrs_bring_write(struct nlrs_ring *r, const void *src, uint32_t len); /* and publish */
void nlrs_bring_copy_out(const struct nlrs_ring *r, uint32_t skip, void *dst, uint32_t len);
/* Contiguous run at our index: pointer and length (up to the end). */
static inline uint8_t *nlrs_bring_run(const struct nlrs_ring *r, uint32_t *contig)
{
	uint32_t off = r->mine & (r->size - 1);
	*contig = r->size - off;
	return r->base + off;
}

/* Record rings. Producer: room for a datagram of len bytes (a pad record
 * is written if needed); returns the payload pointer or NULL (no room yet,
 * or -EPROTO via *err). Then nlrs_rec_commit publishes it. */
void *nlrs_rec_reserve(struct nlrs_ring *r, uint32_t len, int *err);
void nlrs_rec_commit(struct nlrs_ring *r, uint32_t len, uint32_t flags,
		     const struct nlrs_endpoint *ep);
/* Consumer: the next record's header (copied out, checked) and payload
 * pointer; skips pad records. 1 = a record, 0 = ring empty, -EPROTO = a
 * lying record. nlrs_rec_consume releases it. */
int nlrs_rec_peek(struct nlrs_ring *r, struct nlrs_rec_hdr *h, const uint8_t **payload);
void nlrs_rec_consume(struct nlrs_ring *r, const struct nlrs_rec_hdr *h);

/* --------------------------------------------------------------- region */

struct nlrs_ipc_geom {
	uint32_t rq_entries, cq_entries, nslots, ring_size;
	uint32_t rq_off, cq_off, slot_off;
	uint64_t data_off, size;
};

/* Fill the offsets and total size from the four counts (already checked
 * powers of two within the limits). -EINVAL past NLRS_IPC_REGION_MAX. */
int nlrs_ipc_geom_layout(struct nlrs_ipc_geom *g);
/* App side: check the header nlrsd wrote against the mapped size. */
int nlrs_ipc_geom_from_region(struct nlrs_ipc_geom *g, const struct nlrs_ipc_region *r,
			      uint64_t mapped);

static inline struct nlrs_ipc_slot *nlrs_ipc_slot_at(void *region, const struct nlrs_ipc_geom *g,
						     uint32_t i)
{
	return (struct nlrs_ipc_slot *)(void *)((uint8_t *)region + g->slot_off) + i;
}
static inline uint8_t *nlrs_ipc_rxbuf(void *region, const struct nlrs_ipc_geom *g, uint32_t i)
{
	return (uint8_t *)region + g->data_off + (uint64_t)i * 2u * g->ring_size;
}
static inline uint8_t *nlrs_ipc_txbuf(void *region, const struct nlrs_ipc_geom *g, uint32_t i)
{
	return nlrs_ipc_rxbuf(region, g, i) + g->ring_size;
}

/* The hello exchange on the app socket (SOCK_SEQPACKET). */
struct nlrs_ipc_hello {
	uint32_t magic, version;
	uint32_t nslots, ring_size; /* 0: nlrsd's defaults */
};
struct nlrs_ipc_welcome {
	uint32_t magic, version;
	int32_t status; /* 0, or -errno (then no fds) */
	uint32_t pad;
	uint64_t size;  /* region bytes; fds: memfd, doorbell to nlrsd, doorbell to app */
};

#endif
