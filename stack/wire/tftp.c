/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tftp.c - TFTP packets.
 *
 * Implements: the five RFC 1350 packet types (RRQ/WRQ with filename and
 * mode strings, DATA and ACK with block numbers, ERROR with code and
 * message) and OACK plus request options (RFC 2347: NUL-terminated
 * name/value pairs), every string required to end in a NUL inside the
 * packet.
 * Does not implement: the transfer (ports, blocks, retransmission);
 * option semantics (RFC 2348 blksize, RFC 2349 timeout/tsize).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "tftp.h"

/* A NUL-terminated string at p[*off..len): its length, stepping past the NUL. */
static int str(const uint8_t *p, size_t len, size_t *off, const uint8_t **s, uint16_t *slen)
{
	size_t i = *off;

	while (i < len && p[i] != 0)
		i++;
	/* Lie: a string with no terminating NUL inside the packet. */
	if (i >= len)
		return -1;
	*s = p + *off;
	*slen = (uint16_t)(i - *off > 65535 ? 65535 : i - *off);
	*off = i + 1;
	return 0;
}

int nlrs_tftp_opt_next(const uint8_t *opts, size_t len, size_t *off, const uint8_t **name,
		       uint16_t *name_len, const uint8_t **value, uint16_t *value_len)
{
	if (*off >= len)
		return 0;
	if (str(opts, len, off, name, name_len) < 0 || str(opts, len, off, value, value_len) < 0) {
		*off = len;
		return NLRS_WIRE_BAD_OPTION;
	}
	return 1;
}

int nlrs_tftp_parse(const uint8_t *p, size_t len, struct nlrs_tftp_pkt *t)
{
	struct nlrs_tftp_pkt r;
	size_t off = 2, o2 = 0;
	const uint8_t *n, *v;
	uint16_t nl, vl;
	int e;

	/* Lie: too short for an opcode and its first field. */
	if (len < 4)
		return NLRS_WIRE_SHORT;
	nlrs_memset(&r, 0, sizeof r);
	r.opcode = nlrs_rd16(p);
	switch (r.opcode) {
	case NLRS_TFTP_RRQ:
	case NLRS_TFTP_WRQ:
		if (str(p, len, &off, &r.file, &r.file_len) < 0 ||
		    str(p, len, &off, &r.mode, &r.mode_len) < 0)
			return NLRS_WIRE_SHORT;
		/* fall through: options follow */
		goto opts;
	case NLRS_TFTP_OACK:
	opts:
		r.opts = off < len ? p + off : NULL;
		r.optlen = (uint16_t)(len - off > 65535 ? 65535 : len - off);
		while ((e = nlrs_tftp_opt_next(r.opts, r.optlen, &o2, &n, &nl, &v, &vl)) == 1)
			;
		if (e < 0)
			return e;
		break;
	case NLRS_TFTP_DATA:
		r.block = nlrs_rd16(p + 2);
		r.data_len = (uint16_t)(len - 4 > 65535 ? 65535 : len - 4);
		r.data = r.data_len ? p + 4 : NULL;
		break;
	case NLRS_TFTP_ACK:
		r.block = nlrs_rd16(p + 2);
		break;
	case NLRS_TFTP_ERROR:
		r.err_code = nlrs_rd16(p + 2);
		off = 4;
		if (str(p, len, &off, &r.msg, &r.msg_len) < 0)
			return NLRS_WIRE_SHORT;
		break;
	default:
		/* Not a TFTP opcode (RFC 1350 5, RFC 2347). */
		return NLRS_WIRE_BAD_FORMAT;
	}
	*t = r;
	return (int)(len > INT32_MAX ? INT32_MAX : len);
}
