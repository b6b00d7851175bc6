/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slip_codec.c - RFC 1055 SLIP framing on a byte stream.
 *
 * Implements: the encoder (END, data with END -> ESC ESC_END and ESC ->
 * ESC ESC_ESC, END; RFC 1055 "the SLIP protocol" and its sample send_packet,
 * with the leading END its text recommends against line noise) and an
 * incremental decoder that takes bytes as the line delivers them, however
 * split, and hands out whole frames.
 * Decoder policy where RFC 1055 is silent (it "does not provide error
 * detection"): an ESC followed by anything but ESC_END/ESC_ESC spoils the
 * frame (RFC 1055's recv_packet would keep the byte; Linux slip.c marks
 * the frame as an error and so do we); a frame longer than the buffer is
 * dropped whole; frames shorter than min_frame are runts; END END (an empty
 * frame) is skipped silently, as every sender starting with END makes
 * them. After an error everything up to the next END is discarded: END is
 * the only point where the stream can resynchronise.
 * Does not: checksums (none exist at this layer); the SLIP pseudo-header
 * libpcap writes (stack/wire/slip.c handles that view).
 * No OS calls, no allocation: the decoder writes into the caller's buffer.
 */
#include <string.h>

#include "slip_priv.h"

void nlrs__slip_rx_init(struct nlrs__slip_rx *rx, uint8_t *buf, size_t cap)
{
	memset(rx, 0, sizeof(*rx));
	rx->buf = buf;
	rx->cap = cap;
	rx->min_frame = 20; /* RFC 791: the smallest IPv4 header */
	rx->state = NLRS__SLIP_RX_DATA;
}

/* Frame is over (END seen): 1 if it is handed out. */
static int frame_end(struct nlrs__slip_rx *rx, unsigned *errors)
{
	size_t n = rx->len;
	enum nlrs__slip_rx_state was = rx->state;

	rx->len = 0;
	rx->state = NLRS__SLIP_RX_DATA;
	if (was == NLRS__SLIP_RX_DISCARD)
		return 0; /* the error was counted when it happened */
	if (was == NLRS__SLIP_RX_ESC) {
		/* ESC END: RFC 1055 gives it no meaning; the frame is spoilt */
		rx->st.bad_escape++;
		(*errors)++;
		return 0;
	}
	if (n == 0) {
		rx->st.empty++;
		return 0;
	}
	if (n < rx->min_frame) {
		rx->st.runt++;
		(*errors)++;
		return 0;
	}
	rx->st.frames++;
	rx->st.bytes += n;
	return 1;
}

size_t nlrs__slip_rx_feed(struct nlrs__slip_rx *rx, const uint8_t *in, size_t len,
			  size_t *frame_len, unsigned *errors)
{
	unsigned errs = 0;
	size_t i;

	*frame_len = 0;
	for (i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (c == NLRS__SLIP_END) {
			size_t n = rx->len;

			if (frame_end(rx, &errs)) {
				*frame_len = n;
				i++;
				break;
			}
			continue;
		}
		switch (rx->state) {
		case NLRS__SLIP_RX_DISCARD:
			continue;
		case NLRS__SLIP_RX_ESC:
			rx->state = NLRS__SLIP_RX_DATA;
			if (c == NLRS__SLIP_ESC_END)
				c = NLRS__SLIP_END;
			else if (c == NLRS__SLIP_ESC_ESC)
				c = NLRS__SLIP_ESC;
			else {
				rx->st.bad_escape++;
				errs++;
				rx->state = NLRS__SLIP_RX_DISCARD;
				continue;
			}
			break;
		case NLRS__SLIP_RX_DATA:
			if (c == NLRS__SLIP_ESC) {
				rx->state = NLRS__SLIP_RX_ESC;
				continue;
			}
			break;
		}
		if (rx->len >= rx->cap) {
			/* longer than the MTU: drop it whole, resync at END */
			rx->st.oversize++;
			errs++;
			rx->state = NLRS__SLIP_RX_DISCARD;
			continue;
		}
		rx->buf[rx->len++] = c;
	}
	if (errors)
		*errors = errs;
	return i;
}

size_t nlrs__slip_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t o = 0;

	if (cap < 2)
		return 0;
	out[o++] = NLRS__SLIP_END;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (c == NLRS__SLIP_END || c == NLRS__SLIP_ESC) {
			if (cap - o < 3) /* two bytes, and the closing END */
				return 0;
			out[o++] = NLRS__SLIP_ESC;
			out[o++] = c == NLRS__SLIP_END ? NLRS__SLIP_ESC_END : NLRS__SLIP_ESC_ESC;
		} else {
			if (cap - o < 2)
				return 0;
			out[o++] = c;
		}
	}
	out[o++] = NLRS__SLIP_END;
	return o;
}
