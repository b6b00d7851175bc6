/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to the TCP files of the core: the control block, the SACK
 * scoreboard and receiver block list (tcp_sack.c), congestion control
 * (tcp_cc.c), and the calls between input (tcp_in.c), output (tcp_out.c),
 * timers (tcp_timer.c) and the socket glue (tcp.c).
 *
 * Units: sequence numbers and byte counts uint32_t; times nlrs_time_t
 * microseconds; cwnd/ssthresh in bytes.
 */
#ifndef NLRS_TCP_PRIV_H
#define NLRS_TCP_PRIV_H

#include "core.h"
#include "wire/tcp.h"

/* ---- sequence ranges ---- */

struct nlrs_seq_range {
	uint32_t left, right; /* [left, right) in sequence space */
};

/* ---- SACK scoreboard, sender side (tcp_sack.c; RFC 2018, RFC 6675) ---- */

#define NLRS_SACK_SB_MAX 32 /* disjoint SACKed ranges remembered */
#define NLRS_TCP_DUPTHRESH 3 /* RFC 6675 2 DupThresh */

struct nlrs_sack_sb {
	uint8_t n;                                  /* ranges in use */
	struct nlrs_seq_range r[NLRS_SACK_SB_MAX]; /* sorted ascending, disjoint,
						     * non-adjacent (merged) */
	uint32_t sacked;                            /* bytes covered by r[] */
};

void nlrs__sack_sb_reset(struct nlrs_sack_sb *sb);
/* Merge blocks received in one ACK. Blocks are ignored (not an error) when
 * empty or inverted, wholly at or below snd_una (D-SACK, RFC 2883 4: they
 * report duplicates, not holes) or reaching past snd_max (RFC 2018 lies);
 * blocks partly below snd_una are clipped to it. When the table is full the
 * highest ranges are dropped (they are re-reported by the peer; RFC 2018 8
 * allows a sender to forget SACK information). Returns bytes newly SACKed. */
uint32_t nlrs__sack_sb_update(struct nlrs_sack_sb *sb, const struct nlrs_seq_range *blk,
			      unsigned nblk, uint32_t snd_una, uint32_t snd_max);
/* The cumulative ACK moved to snd_una: forget ranges below it (clipping). */
void nlrs__sack_sb_ack(struct nlrs_sack_sb *sb, uint32_t snd_una);
bool nlrs__sack_sb_is_sacked(const struct nlrs_sack_sb *sb, uint32_t seq);
/* Highest SACKed sequence + 1 (right edge of the last range); snd_una if none. */
uint32_t nlrs__sack_sb_high(const struct nlrs_sack_sb *sb, uint32_t snd_una);
/* RFC 6675 4 IsLost(seq): true when DupThresh discontiguous SACKed ranges
 * lie above seq, or more than (DupThresh - 1) * mss bytes above seq are
 * SACKed. */
bool nlrs__sack_sb_is_lost(const struct nlrs_sack_sb *sb, uint32_t seq, uint32_t mss);
/* The first hole (unSACKed range) that starts at or after `from`
 * (clipped: a hole containing `from` starts at `from`) and lies below the
 * highest SACKed byte. false if none. start and len describe it (len may be
 * larger than one segment; the caller cuts). */
bool nlrs__sack_sb_next_hole(const struct nlrs_sack_sb *sb, uint32_t from, uint32_t snd_una,
			     uint32_t *start, uint32_t *len);
/* RFC 6675 4 SetPipe(): bytes in flight. For every byte in
 * [snd_una, snd_max) not SACKed: count it once if it is not lost
 * (IsLost), and once more if it was retransmitted (seq < high_rxt, where
 * high_rxt is one past the highest retransmitted byte; snd_una when none). */
uint32_t nlrs__sack_sb_pipe(const struct nlrs_sack_sb *sb, uint32_t snd_una, uint32_t snd_max,
			    uint32_t high_rxt, uint32_t mss);
/* Bytes SACKed and bytes considered lost, for nlrs_tcp_info. */
uint32_t nlrs__sack_sb_lost_bytes(const struct nlrs_sack_sb *sb, uint32_t snd_una, uint32_t mss);

/* ---- SACK blocks to report, receiver side (tcp_sack.c; RFC 2018 4) ---- */

struct nlrs_sack_rcv {
	uint8_t n;                                   /* 0..NLRS_TCP_MAX_SACK */
	struct nlrs_seq_range r[NLRS_TCP_MAX_SACK]; /* r[0] most recent */
};

void nlrs__sack_rcv_reset(struct nlrs_sack_rcv *sr);
/* An out-of-order segment [left, right) was queued. RFC 2018 4: the first
 * block reported must be the one holding the most recently received
 * segment (merged with every block it touches or overlaps); the others
 * follow in order of how recently they were reported; the oldest drops
 * out when there are more than NLRS_TCP_MAX_SACK. */
void nlrs__sack_rcv_add(struct nlrs_sack_rcv *sr, uint32_t left, uint32_t right);
/* rcv_nxt advanced: drop blocks wholly below it, clip those it enters. */
void nlrs__sack_rcv_ack(struct nlrs_sack_rcv *sr, uint32_t rcv_nxt);

/* ---- congestion control (tcp_cc.c; RFC 5681, RFC 6582, RFC 9438) ---- */

struct nlrs_cc {
	uint8_t algo;         /* enum nlrs_cc_algo */
	uint32_t mss;         /* SMSS */
	uint32_t cwnd;        /* bytes */
	uint32_t ssthresh;    /* bytes; UINT32_MAX at start (RFC 5681 3.1) */
	uint32_t bytes_acked; /* RFC 5681 3.1 / RFC 3465 byte counting in CA */
	/* CUBIC (RFC 9438 4): times in microseconds, windows in bytes */
	nlrs_time_t epoch;    /* start of the current congestion-avoidance epoch, 0 = none */
	uint32_t w_max;       /* window before the last reduction (4.6 W_max) */
	uint32_t w_last_max;  /* cwnd_prior: cwnd before the last reduction (RFC 9438 4.6;
			       * 4.3 switches alpha_cubic to 1 once W_est reaches it) */
	uint32_t k_us;        /* K of 4.2 in microseconds */
	uint32_t cwnd_epoch;  /* cwnd at the epoch start (4.2 cwnd_epoch) */
	uint32_t w_est;       /* Reno-friendly estimate (4.3 W_est) */
	uint32_t prior_cwnd;  /* BBR: cwnd to restore when a loss episode ends */
};

/* RFC 5681 3.1 / RFC 6928 initial window: min(10*mss, max(2*mss, 14600)). */
void nlrs__cc_init(struct nlrs_cc *cc, uint8_t algo, uint32_t mss);
/* SMSS changed (PMTU): keep cwnd in segments roughly the same. */
void nlrs__cc_set_mss(struct nlrs_cc *cc, uint32_t mss);
/* New data was cumulatively acknowledged outside recovery: grow cwnd.
 * acked: bytes newly acknowledged; in_flight: bytes outstanding before this
 * ACK (growth only when the window was being used, RFC 7661 spirit:
 * in_flight + mss >= cwnd); srtt_us: the smoothed RTT (0 if unknown). */
void nlrs__cc_on_ack(struct nlrs_cc *cc, uint32_t acked, uint32_t in_flight,
		     uint32_t srtt_us, nlrs_time_t now);
/* Loss detected by duplicate ACKs or SACK (fast retransmit): set ssthresh
 * (NewReno: max(flight/2, 2*mss), RFC 5681 (4); CUBIC: cwnd*beta_cubic
 * 0.7, RFC 9438 4.6, with fast convergence 4.7) and cwnd = ssthresh
 * (RFC 6675 5 step 4.2; the NewReno inflation of RFC 6582 is done by
 * tcp_in.c on top). */
void nlrs__cc_on_loss(struct nlrs_cc *cc, uint32_t in_flight, nlrs_time_t now);
/* Fast recovery ended (RFC 6582 3.2 step 3, RFC 6675 5): cwnd = ssthresh
 * (or the smaller of ssthresh and flight + mss when that is less). */
void nlrs__cc_on_recovery_end(struct nlrs_cc *cc, uint32_t in_flight);
/* Retransmission timeout (RFC 5681 3.1 (4), RFC 9438 4.8): ssthresh from
 * the flight, cwnd = 1 mss (loss window); CUBIC's epoch is reset. */
void nlrs__cc_on_rto(struct nlrs_cc *cc, uint32_t in_flight, nlrs_time_t now);
/* RFC 5681 4.1: after an idle period longer than the RTO, cwnd =
 * min(cwnd, initial window). */
void nlrs__cc_on_idle(struct nlrs_cc *cc);

/* ---- delivery rate estimation and BBR (tcp_bbr.c) ---- */

/* A transmitted data segment whose acknowledgement will make a delivery
 * rate sample (draft-cheng-iccrg-delivery-rate-estimation 3.2: the
 * per-packet state, kept here for a few segments only, not for every one). */
#define NLRS_TCP_RATE_MARKS 8
struct nlrs_rate_mark {
	uint32_t seq, end;
	bool app_limited;
	bool rexmit;                 /* a retransmission: no RTT sample from it */
	uint64_t pacing_rate;        /* tp->pacing_rate when it was sent */
	uint64_t delivered;          /* C.delivered when it was sent */
	nlrs_time_t delivered_time;  /* C.delivered_time then */
	nlrs_time_t first_sent_time; /* C.first_sent_time then */
	nlrs_time_t sent_time;
};

#define NLRS_BBR_BW_ROUNDS 10 /* BtlBwFilterLen, in round trips */
struct nlrs_bbr {
	uint8_t mode;                 /* 0 = not started; BBR_STARTUP.. (tcp_bbr.c) */
	uint8_t cycle_idx;            /* ProbeBW gain cycle phase */
	uint8_t full_bw_cnt;
	bool filled_pipe;
	bool round_start;
	bool probe_rtt_round_done;
	uint16_t pacing_gain, cwnd_gain; /* x 256 */
	uint32_t round_count;
	uint64_t next_round_delivered;
	uint64_t bw_round[NLRS_BBR_BW_ROUNDS]; /* max sample per round, bytes/s */
	uint64_t btl_bw;              /* max of bw_round: BtlBw */
	uint64_t full_bw;
	uint32_t min_rtt;             /* us; UINT32_MAX until a sample */
	nlrs_time_t min_rtt_stamp;
	nlrs_time_t cycle_stamp;
	nlrs_time_t probe_rtt_done;   /* 0 = not yet timed */
	uint32_t probe_rtt_prior_cwnd;
	/* Long-term (policed) bandwidth: see tcp_bbr.c lt_sampling */
	bool lt_is_sampling, lt_use_bw, lt_probing;
	uint16_t lt_rtt_cnt;
	uint8_t lt_climbs;            /* successful probes in a row (0..3) */
	uint32_t lt_base_pm;          /* loss at lt_bw, permille */
	uint64_t lt_bw;               /* bytes/s */
	uint64_t lt_last_delivered, lt_last_lost, lt_prev_lost;
	nlrs_time_t lt_last_stamp;
};

/* ---- the control block ---- */

/* tcb->flags */
#define TF_ACKNOW 0x00000001u      /* send an ACK at the next output */
#define TF_DELACK 0x00000002u      /* an ACK is being delayed */
#define TF_NODELAY 0x00000004u     /* TCP_NODELAY */
#define TF_CORK 0x00000008u        /* TCP_CORK */
#define TF_QUICKACK 0x00000010u    /* ack every segment for a while */
#define TF_KEEPALIVE 0x00000020u   /* SO_KEEPALIVE */
#define TF_FIN_QUEUED 0x00000040u  /* application shut down writing: FIN follows data */
#define TF_FIN_SENT 0x00000080u    /* our FIN has a sequence number (snd_max covers it) */
#define TF_RCVD_FIN 0x00000100u    /* peer's FIN accepted (rcv_nxt covers it) */
#define TF_SHUT_RD 0x00000200u     /* application shut down reading */
#define TF_TS_OK 0x00000400u       /* timestamps negotiated (RFC 7323 3.2) */
#define TF_SACK_OK 0x00000800u     /* SACK-permitted both ways (RFC 2018 2) */
#define TF_WS_OK 0x00001000u       /* window scaling both ways (RFC 7323 2.2) */
#define TF_IN_RECOVERY 0x00002000u /* fast recovery (RFC 6582 / RFC 6675) */
#define TF_IN_LOSS 0x00004000u     /* after an RTO, until snd_max is acknowledged */
#define TF_RTT_TIMING 0x00008000u  /* timing one segment (no timestamps) */
#define TF_PERSIST 0x00010000u     /* zero-window probing */
#define TF_REUSEADDR 0x00020000u
#define TF_MORE 0x00040000u        /* MSG_MORE on the last send */
#define TF_ORPHAN 0x00080000u      /* the descriptor is closed */
#define TF_SNDBUF_LOCK 0x00100000u /* SO_SNDBUF set: no auto-tuning */
#define TF_RCVBUF_LOCK 0x00200000u /* SO_RCVBUF set: no auto-tuning */
#define TF_COOKIE 0x00400000u      /* made from a SYN cookie */
#define TF_SYN_ACKED 0x00800000u   /* our SYN is acknowledged */
#define TF_LISTEN_SYNQ 0x01000000u /* embryonic: on a listener's SYN queue */
#define TF_LISTEN_ACCQ 0x02000000u /* established: on a listener's accept queue */
#define TF_NOTIFY 0x04000000u      /* socket events may have changed */
#define TF_WINUPD 0x08000000u      /* the window opened enough to announce */
#define TF_RESET 0x10000000u       /* ended by a reset (sent or received) */
#define TF_PTO 0x20000000u         /* the retransmission timer is a probe timeout (RFC 8985 7) */
#define TF_TLP_SENT 0x40000000u    /* a tail loss probe is out, not yet acknowledged */
#define TF_REO 0x80000000u         /* the retransmission timer waits out reordering before
				    * calling the retransmission at SND.UNA lost */

struct nlrs_tcb {
	struct nlrs_stack *stack;
	struct nlrs_tcb *hnext;       /* connection hash chain */
	struct nlrs_tcb *qnext;       /* listener SYN/accept queue link */
	struct nlrs_tcb *listener;    /* while on a listener's queue */
	int32_t sd;                   /* owning descriptor; -1 when none */
	uint8_t state;                /* enum nlrs_tcp_state; 0 = free slot */
	uint8_t ttl, tos;
	uint8_t cc_algo;
	uint32_t flags;               /* TF_* */

	uint32_t laddr, raddr;        /* host order */
	uint16_t lport, rport;

	/* Send sequence space, RFC 9293 3.3.1 */
	uint32_t iss, snd_una, snd_nxt, snd_max; /* snd_max: highest snd_nxt sent */
	uint32_t snd_wnd;             /* peer window, scaled, bytes */
	uint32_t max_sndwnd;          /* largest window the peer offered (RFC 9293 3.8.6.2.1) */
	uint32_t snd_wl1, snd_wl2;
	uint32_t snd_up;
	uint32_t high_rxt;            /* RFC 6675 HighRxt (+1) */
	uint32_t rescue_rxt;          /* RFC 6675 RescueRxt */
	uint32_t recover;             /* RFC 6582 recover / RFC 6675 RecoveryPoint */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t dupacks;
	uint8_t backoff;              /* RTO doublings so far */
	uint8_t syn_retries;          /* SYNs/SYN-ACKs retransmitted */
	uint8_t keep_probes;          /* unanswered keepalive probes */
	uint8_t syncnt;               /* TCP_SYNCNT */
	uint16_t mss;                 /* effective send MSS (payload) */
	uint16_t peer_mss;            /* MSS the peer announced */
	uint16_t user_mss;            /* TCP_MAXSEG, 0 = none */
	uint16_t adv_mss;             /* MSS we announced */
	uint16_t pmtu;                /* path MTU (RFC 1191) */
	uint32_t offloads;            /* of the interface towards the peer (NLRS_OFFLOAD_*) */

	/* Receive sequence space */
	uint32_t irs, rcv_nxt;
	uint32_t rcv_adv;             /* right edge of the window we last announced */
	uint32_t rcv_up;
	uint32_t last_ack_sent;       /* RFC 7323 4.3: for TS.Recent */

	/* Timestamps, RFC 7323 */
	uint32_t ts_recent;
	nlrs_time_t ts_recent_age;
	uint32_t ts_offset;           /* per-connection random offset of our TSval */

	/* Send buffer: bytes [snd_una, snd_una + snd_queued) in a chain of
	 * buffers, qnext-linked; sndq_off is where snd_una starts in the head. */
	struct nlrs_buf *sndq_head, *sndq_tail;
	uint32_t snd_queued;
	uint16_t sndq_off;
	struct nlrs_buf *snd_hint;    /* a buffer of the queue near snd_nxt ... */
	uint32_t snd_hint_seq;        /* ... and the sequence number of its first byte */
	uint32_t sndbuf;
	nlrs_time_t cork_until;       /* TCP_CORK/MSG_MORE hold limit */

	/* Receive buffer: in-order data, qnext-linked, data at payload */
	struct nlrs_buf *rcvq_head, *rcvq_tail;
	uint32_t rcv_queued;          /* payload bytes waiting for the application */
	uint32_t rcvbuf;
	/* Out-of-order segments, sorted by seq (b->tstamp low 32 bits holds
	 * the seq), qnext-linked, each trimmed to not overlap its neighbours */
	struct nlrs_buf *ooo_head;
	uint32_t ooo_bytes;           /* payload bytes */
	uint32_t ooo_bufs;            /* buffers held */
	struct nlrs_sack_rcv sack_rcv;
	uint32_t dsack_left, dsack_right; /* RFC 2883 D-SACK to report once; left == right: none */

	/* RTT, RFC 6298 (microseconds) */
	uint32_t srtt, rttvar, rto;
	uint32_t rtt_seq;             /* timed segment when TF_RTT_TIMING */
	nlrs_time_t rtt_start;
	uint32_t rtt_min;

	/* Receive auto-tuning (DRS-like): bytes the app consumed this RTT */
	uint32_t rcvq_space_seq;
	nlrs_time_t rcvq_space_time;
	uint32_t rcvq_space;

	struct nlrs_cc cc;
	struct nlrs_sack_sb sb;

	/* Delivery rate estimation (tcp_bbr.c; kept only under BBR) */
	uint64_t delivered;           /* bytes cumulatively ACKed or SACKed */
	nlrs_time_t delivered_time;
	nlrs_time_t first_sent_time;
	uint64_t app_limited;         /* delivered mark ending an app-limited span; 0 = none */
	uint64_t last_rate;           /* the last delivery rate sample, bytes/s */
	uint8_t nmarks;
	struct nlrs_rate_mark marks[NLRS_TCP_RATE_MARKS];
	struct nlrs_bbr bbr;
	uint64_t pacing_rate;         /* bytes/s; 0 = no pacing */
	nlrs_time_t pace_next;        /* earliest time of the next paced data segment */

	/* Times */
	nlrs_time_t last_rcv;         /* last segment received (keepalive idle) */
	nlrs_time_t last_snd;         /* last data sent (restart after idle) */
	nlrs_time_t rtx_first;        /* first unacked transmission (user timeout) */
	nlrs_time_t una_rxt_time;     /* last retransmission of the segment at SND.UNA */
	uint32_t reo_una;             /* SND.UNA when TF_REO was armed */
	nlrs_time_t dack_deadline;
	uint32_t keepidle, keepintvl; /* seconds */
	uint8_t keepcnt;
	uint32_t user_timeout;        /* ms */
	int32_t linger;               /* -1 off, else seconds */
	uint16_t unacked_segs;        /* full segments received since the last ACK */
	uint8_t quickacks;            /* segments still to ack at once */

	/* Listener */
	uint16_t backlog;
	uint16_t synq_len, accq_len;
	struct nlrs_tcb *synq, *accq_head, *accq_tail;

	struct nlrs_timer rtx_timer;  /* retransmission, persist, SYN, keepalive, 2MSL */
	struct nlrs_timer dack_timer; /* delayed ACK, cork release */
	struct nlrs_timer pace_timer; /* pacing release (BBR) */

	int16_t err;                  /* pending -errno for the socket */
	int16_t soft_err;             /* ICMP error seen; reported if we time out */
	uint32_t total_retrans;
	uint64_t bytes_sent, bytes_retrans, bytes_acked, bytes_received;
	uint64_t segs_out, segs_in;
};

/* A received segment, parsed once by tcp_in.c. */
struct nlrs_tcp_seg {
	struct nlrs_tcp_hdr th;
	struct nlrs_tcp_opts opts;
	uint32_t seq, ack, len;   /* len: payload + SYN + FIN */
	uint32_t plen;            /* payload bytes */
	uint32_t src, dst;        /* host order */
	uint8_t ttl;
	uint16_t payload_off;     /* offset of the payload from b->data */
};

/* ---- tcp.c: blocks, hashing, sockets ---- */
struct nlrs_tcb *nlrs__tcb_alloc(struct nlrs_stack *s);
void nlrs__tcb_free(struct nlrs_stack *s, struct nlrs_tcb *tp);
struct nlrs_tcb *nlrs__tcb_lookup(struct nlrs_stack *s, uint32_t laddr, uint16_t lport,
				  uint32_t raddr, uint16_t rport);
struct nlrs_tcb *nlrs__tcb_listener(struct nlrs_stack *s, uint32_t laddr, uint16_t lport);
void nlrs__tcb_hash(struct nlrs_stack *s, struct nlrs_tcb *tp);
void nlrs__tcb_unhash(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* Move to CLOSED and release: report err to the socket (0 for none),
 * free queues, unhash, and free the block if no descriptor holds it. */
void nlrs__tcp_drop(struct nlrs_stack *s, struct nlrs_tcb *tp, int err);
void nlrs__tcp_set_state(struct nlrs_stack *s, struct nlrs_tcb *tp, uint8_t state);
/* The application is done sending (shutdown WR, close): queue the FIN and
 * move ESTABLISHED to FIN-WAIT-1 or CLOSE-WAIT to LAST-ACK. */
void nlrs__tcp_fin_queue(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* Wake the owning socket's callback if TF_NOTIFY is set. */
void nlrs__tcp_notify(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* RFC 6528 ISN: a keyed hash of the 4-tuple plus a 4-microsecond clock. */
uint32_t nlrs__tcp_isn(struct nlrs_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		       uint16_t rport);
/* The keyed hash used for ISNs and SYN cookies (SipHash-2-4). */
uint64_t nlrs__siphash(const uint64_t key[2], const void *data, size_t len);
unsigned nlrs__tcp_events(struct nlrs_stack *s, const struct nlrs_tcb *tp);
/* Receive window we may announce now, bytes (before scaling). */
uint32_t nlrs__tcp_rcv_space(struct nlrs_stack *s, const struct nlrs_tcb *tp);
/* Defaults for a new block (options, buffers, RTO). */
void nlrs__tcb_defaults(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* The MSS we announce for a route, and the effective send MSS. */
uint16_t nlrs__tcp_adv_mss(struct nlrs_stack *s, const struct nlrs_tcb *tp);
void nlrs__tcp_update_mss(struct nlrs_stack *s, struct nlrs_tcb *tp);

/* ---- tcp_in.c ---- */
/* The window scale we offer: enough for tcp_rmem_max (RFC 7323 2.3). */
uint8_t nlrs__tcp_wscale(const struct nlrs_stack *s);
void nlrs__tcp_input(struct nlrs_stack *s, struct nlrs_buf *b, const struct nlrs_ipv4_hdr *ih);
/* ICMP error quoting a segment we sent (RFC 5927 checks inside). */
void nlrs__tcp_icmp_error(struct nlrs_stack *s, const struct nlrs_ipv4_hdr *inner,
			  const uint8_t *l4, size_t l4len, uint8_t type, uint8_t code,
			  uint32_t info);

/* ---- tcp_out.c ---- */
/* Send what the state, windows, Nagle and congestion allow, plus any ACK
 * owed. Returns 0 or -errno (-NLRS_ENOBUFS when the pool ran dry). */
int nlrs__tcp_output(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* Send one segment [seq, seq+len) of the send queue with the given flags
 * (a retransmission when seq < snd_max). */
int nlrs__tcp_send_seg(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t seq, uint32_t len,
		       uint16_t flags);
/* A bare ACK (with SACK blocks and timestamps) now. */
int nlrs__tcp_send_ack(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* An RST for tp (abort): seq = snd_nxt. */
int nlrs__tcp_send_rst(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* RFC 9293 3.10.7.1: answer a segment that has no connection. */
void nlrs__tcp_respond_rst(struct nlrs_stack *s, const struct nlrs_tcp_seg *seg);
/* SYN-ACK for an embryonic connection or a SYN cookie; tp may be a
 * stack-local template for cookies. */
int nlrs__tcp_send_synack(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* Our TSval now. */
uint32_t nlrs__tcp_tsval(struct nlrs_stack *s, const struct nlrs_tcb *tp);
/* Free acknowledged bytes from the front of the send queue. */
void nlrs__tcp_sndq_drop(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t n);
/* Schedule the ACK for a received segment: now or delayed (RFC 1122 4.2.3.2). */
void nlrs__tcp_ack_later(struct nlrs_stack *s, struct nlrs_tcb *tp, bool full_seg);

/* ---- tcp_bbr.c: delivery rate estimation, BBR, pacing ---- */
/* true when tp runs BBR (and so keeps rate marks and paces). */
static inline bool nlrs__tcp_bbr(const struct nlrs_tcb *tp)
{
	return tp->cc.algo == NLRS_CC_BBR;
}
/* A data segment [seq, seq+len) is leaving now (new or retransmitted):
 * record a rate mark and charge the pacing budget. */
void nlrs__tcp_rate_sent(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t seq, uint32_t len);
/* An ACK delivered `delivered` new bytes (cumulatively ACKed or newly
 * SACKed, each byte counted once) and snd_una/the scoreboard are updated:
 * take a rate sample and run BBR's model, cwnd and pacing rate. */
void nlrs__tcp_rate_ack(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t delivered);
/* The sender ran out of data with window to spare: samples until what is
 * in flight now is delivered are application-limited. */
void nlrs__tcp_rate_app_limited(struct nlrs_tcb *tp);
/* Pacing: true when the next data segment must wait; the pacing timer is
 * then armed for the release time. */
bool nlrs__tcp_pace_hold(struct nlrs_stack *s, struct nlrs_tcb *tp);

/* ---- tcp_timer.c ---- */
void nlrs__tcp_timers_init(struct nlrs_tcb *tp);
void nlrs__tcp_timers_cancel(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* (Re)start the retransmission timer for the current RTO and backoff. */
void nlrs__tcp_rtx_arm(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* The segment at SND.UNA looks lost (later data is SACKed): recover or
 * resend it now if an RTT and a reordering allowance have passed since it
 * left (or `expired`: the reordering timer ran out), else arm the timer
 * for then (tcp_in.c). */
void nlrs__tcp_lost_rxt_check(struct nlrs_stack *s, struct nlrs_tcb *tp, bool expired);
/* Data is outstanding: arm a tail loss probe (RFC 8985 7.2) when one is
 * allowed, else the RTO. */
void nlrs__tcp_rtx_arm_data(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* Arm persist, keepalive, TIME-WAIT, FIN-WAIT-2 or linger as the state asks
 * when nothing is outstanding. */
void nlrs__tcp_idle_arm(struct nlrs_stack *s, struct nlrs_tcb *tp);
/* RFC 6298 2: feed an RTT sample (microseconds). */
void nlrs__tcp_rtt_sample(struct nlrs_stack *s, struct nlrs_tcb *tp, uint32_t rtt);
/* Current RTO with backoff, clamped to [200 ms, 120 s]. */
nlrs_time_t nlrs__tcp_rto(const struct nlrs_tcb *tp);

/* ---- SYN cookies (tcp_in.c; RFC 4987 3.6) ----
 * The cookie (our ISN) carries a keyed hash of the 4-tuple, the peer's ISN
 * and a 64-second time counter, plus an index into a table of MSS values.
 * Window scale and SACK-permitted travel in the low 6 bits of our TSval
 * when the peer uses timestamps (they come back in TSecr), as on Linux. */
#define NLRS_COOKIE_WS_NONE 0xfu /* opt bits 0..3: wscale, 15 = none */
#define NLRS_COOKIE_SACK 0x10u   /* opt bit 4 */
#define NLRS_COOKIE_TS 0x20u     /* opt bit 5 (always set when TS is used) */
uint32_t nlrs__syncookie_make(struct nlrs_stack *s, uint32_t laddr, uint16_t lport,
			      uint32_t raddr, uint16_t rport, uint32_t isn_peer, uint16_t *mss);
/* Check the ACK of a cookie (cookie = SEG.ACK - 1, isn_peer = SEG.SEQ - 1):
 * true with the MSS recovered when it is genuine and under two minutes old. */
bool nlrs__syncookie_check(struct nlrs_stack *s, uint32_t laddr, uint16_t lport,
			   uint32_t raddr, uint16_t rport, uint32_t isn_peer, uint32_t cookie,
			   uint16_t *mss);

#endif
