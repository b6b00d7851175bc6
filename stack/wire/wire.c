/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire.c - names for the parse/emit error codes of the checked wire views.
 *
 * Implements: nlrs_wire_strerror() for every enum nlrs_wire_err value.
 * Does not implement: any protocol; each view lives in its own file
 * (eth.c, arp.c, ipv4.c, icmp4.c, udp.c, checksum.c).
 * Freestanding C11: no OS headers, no allocation.
 */
#include "wire.h"

const char *nlrs_wire_strerror(int err)
{
	switch (err) {
	case NLRS_WIRE_SHORT:
		return "short";
	case NLRS_WIRE_BAD_VERSION:
		return "bad version";
	case NLRS_WIRE_BAD_HLEN:
		return "bad header length";
	case NLRS_WIRE_BAD_LEN:
		return "bad length";
	case NLRS_WIRE_BAD_CSUM:
		return "bad checksum";
	case NLRS_WIRE_BAD_FORMAT:
		return "bad format";
	case NLRS_WIRE_BAD_OPTION:
		return "bad option";
	case NLRS_WIRE_NOSPACE:
		return "no space";
	default:
		return err >= 0 ? "ok" : "unknown error";
	}
}
