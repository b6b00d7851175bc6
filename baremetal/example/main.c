/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Example firmware: the Netloom core on a Cortex-M4 with no OS.
 *
 * What it shows: a stack instance built in a static array with a small
 * configuration, one Ethernet interface, an address and a default route, a
 * UDP echo service (RFC 862, port 7) on a stack socket, and the main loop
 * that feeds received frames in and calls nlrs_stack_poll.
 *
 * What is a stand-in, and why:
 *   - The NIC is a stub: two rings of frame slots in static arrays. The
 *     stack's transmit hook copies frames into the TX ring and the loop
 *     drains the RX ring into the stack, which is the shape of a real DMA
 *     descriptor ring, but no hardware moves the frames. A real Ethernet
 *     MAC driver (e.g. STM32 ETH) is future work.
 *   - Time is a fake tick counter advanced once per loop pass. A real port
 *     reads SysTick or a hardware timer, and sleeps (WFI) until the deadline
 *     nlrs_stack_poll returns or until the NIC interrupts.
 *   - Random bytes come from port.c's weak LFSR default, which is NOT
 *     secure: real firmware overrides nlrs_bare_random with its TRNG.
 *
 * Build: see baremetal/CMakeLists.txt. Linked with -nostartfiles: the vector
 * table and the reset handler below replace crt0.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "nlrs/stack.h"
#include "nlrs/socket.h"
#include "port.h"

/* ---- the stack's memory: sized at compile time, checked at start ---- */

#define STACK_MEM_BYTES (64u * 1024u)
static uint8_t stack_mem[STACK_MEM_BYTES] __attribute__((aligned(64)));

/* ---- stub NIC: descriptor-ring-shaped frame queues ---- */

#define RING_SLOTS 4u
#define FRAME_MAX 1536u /* 1514 + one VLAN tag, rounded up */

struct ring_slot {
	uint16_t len;
	uint8_t data[FRAME_MAX];
};

struct nic_ring {
	struct ring_slot slot[RING_SLOTS];
	uint32_t head; /* next slot the producer fills */
	uint32_t tail; /* next slot the consumer takes */
};

static struct nic_ring tx_ring; /* stack -> "hardware" */
static struct nic_ring rx_ring; /* "hardware" -> stack; a driver's DMA would fill it */
static uint32_t tx_dropped;

static bool ring_full(const struct nic_ring *r)
{
	return r->head - r->tail == RING_SLOTS;
}

static bool ring_empty(const struct nic_ring *r)
{
	return r->head == r->tail;
}

/* The stack's transmit hook: it hands us a frame (link header included) and
 * we own it from here on, so it is freed on every path. */
static int nic_transmit(void *ctx, struct nlrs_buf *frame)
{
	struct nic_ring *r = ctx;

	if (ring_full(r) || frame->tot_len > FRAME_MAX) {
		tx_dropped++;
		nlrs_buf_free(frame);
		return -NLRS_ENOBUFS;
	}
	struct ring_slot *sl = &r->slot[r->head % RING_SLOTS];
	sl->len = (uint16_t)nlrs_buf_copy_out(frame, 0, sl->data, frame->tot_len);
	r->head++;
	nlrs_buf_free(frame);
	return 0;
}

/* Stand-in for the MAC finishing transmissions: a real driver reclaims
 * descriptors the DMA engine has sent. */
static void nic_tx_complete(struct nic_ring *r)
{
	r->tail = r->head;
}

/* Move received frames into the stack. Nothing fills rx_ring in this
 * example; a driver's RX interrupt or DMA would. */
static void nic_rx_drain(struct nlrs_stack *s, int ifindex, nlrs_time_t now)
{
	while (!ring_empty(&rx_ring)) {
		struct ring_slot *sl = &rx_ring.slot[rx_ring.tail % RING_SLOTS];
		struct nlrs_buf *b = nlrs_buf_from(nlrs_stack_pool(s), 0, sl->data, sl->len);
		rx_ring.tail++;
		if (b) /* pool empty: the stack counts it; the frame is lost */
			nlrs_stack_input(s, ifindex, b, now);
	}
}

/* ---- the firmware ---- */

static void fatal(void)
{
	for (;;)
		__asm__ volatile("bkpt #0");
}

/* RFC 862 echo: send every datagram on port 7 back to where it came from. */
static void udp_echo(struct nlrs_stack *s, int sd)
{
	static uint8_t msg[1472];
	struct nlrs_endpoint from;
	int n;

	while ((n = nlrs_sock_recvfrom(s, sd, msg, sizeof(msg), &from, 0)) >= 0)
		(void)nlrs_sock_sendto(s, sd, msg, (size_t)n, &from);
}

int main(void);

int main(void)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x10 };
	struct nlrs_stack_config cfg;
	struct nlrs_stack *s;

	/* A small stack: 24 buffers of 1600 bytes, a handful of everything. */
	nlrs_stack_config_default(&cfg);
	cfg.buffers = 24;
	cfg.buf_size = 1600;
	cfg.max_ifaces = 1;
	cfg.routes = 4;
	cfg.arp_entries = 8;
	cfg.arp_queue_len = 4;
	cfg.reasm_slots = 2;
	cfg.reasm_max_bytes = 8u * 1024u;
	cfg.sockets = 4;
	cfg.sock_rcvbuf = 4u * 1024u;
	nlrs_bare_port(&cfg.port);

	size_t need = nlrs_stack_mem_size(&cfg);
	if (need == 0 || need > sizeof(stack_mem))
		fatal(); /* grow STACK_MEM_BYTES or shrink the configuration */
	if (nlrs_stack_init(&s, &cfg, stack_mem, sizeof(stack_mem)) < 0)
		fatal();

	struct nlrs_iface_config icfg = {
		.name = "eth0",
		.link = NLRS_LINK_ETHERNET,
		.mtu = 1500,
		.transmit = nic_transmit,
		.ctx = &tx_ring,
	};
	for (int i = 0; i < 6; i++)
		icfg.mac[i] = mac[i];
	int ifx = nlrs_iface_add(s, &icfg);
	if (ifx < 0)
		fatal();
	if (nlrs_iface_addr_add(s, ifx, NLRS_IP4(192, 0, 2, 10), 24) < 0)
		fatal();
	if (nlrs_route_add(s, 0, 0, NLRS_IP4(192, 0, 2, 1), -1, 0) < 0)
		fatal();
	if (nlrs_iface_set_up(s, ifx, true) < 0) /* sends a gratuitous ARP */
		fatal();

	int sd = nlrs_sock_open(s, NLRS_AF_INET, NLRS_SOCK_DGRAM, 0);
	struct nlrs_endpoint any = { .family = NLRS_AF_INET, .port = 7, .v4 = 0 };
	if (sd < 0 || nlrs_sock_bind(s, sd, &any) < 0)
		fatal();

	/* The loop: one fake millisecond per pass. */
	uint32_t fake_ms = 0;
	for (;;) {
		nlrs_time_t now = NLRS_MSEC(fake_ms);

		nic_rx_drain(s, ifx, now);
		udp_echo(s, sd);
		nlrs_time_t next = nlrs_stack_poll(s, now);
		nic_tx_complete(&tx_ring);

		/* A real port would sleep until `next` or the next RX interrupt. */
		(void)next;
		fake_ms++;
	}
}

/* ---- startup: vector table and reset handler (replaces crt0) ---- */

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

void Reset_Handler(void);
void Default_Handler(void);

void Reset_Handler(void)
{
	uint32_t *src = &_sidata;
	for (uint32_t *dst = &_sdata; dst < &_edata;)
		*dst++ = *src++;
	for (uint32_t *dst = &_sbss; dst < &_ebss;)
		*dst++ = 0;
	(void)main();
	fatal();
}

void Default_Handler(void)
{
	fatal();
}

/* Cortex-M vector table: initial stack pointer, then the exception handlers
 * (ARMv7-M ARM B1.5.3). Peripheral interrupts, the NIC's among them, would
 * follow entry 15. */
typedef void (*vector_fn)(void);
union vector {
	uint32_t *sp;
	vector_fn fn;
};

__attribute__((section(".isr_vector"), used)) static const union vector vectors[16] = {
	{ .sp = &_estack },
	{ .fn = Reset_Handler },
	{ .fn = Default_Handler }, /* NMI */
	{ .fn = Default_Handler }, /* HardFault */
	{ .fn = Default_Handler }, /* MemManage */
	{ .fn = Default_Handler }, /* BusFault */
	{ .fn = Default_Handler }, /* UsageFault */
	{ .fn = NULL },
	{ .fn = NULL },
	{ .fn = NULL },
	{ .fn = NULL },
	{ .fn = Default_Handler }, /* SVCall */
	{ .fn = Default_Handler }, /* DebugMonitor */
	{ .fn = NULL },
	{ .fn = Default_Handler }, /* PendSV */
	{ .fn = Default_Handler }, /* SysTick */
};
