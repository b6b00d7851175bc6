/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness for the packet library's link layers (decode.c on
 * eth.c, vlan.c, llc.c, sll.c, null.c, slip.c): the first byte picks the
 * link type, the second whether the capture was cut (wire length larger);
 * every layer stays inside the data, every walk ends. */
#include "fuzz_packet.h"

static const uint32_t lts[] = {
	NLRS_LINKTYPE_ETHERNET, NLRS_LINKTYPE_LINUX_SLL, NLRS_LINKTYPE_LINUX_SLL2,
	NLRS_LINKTYPE_NULL, NLRS_LINKTYPE_LOOP, NLRS_LINKTYPE_SLIP, NLRS_LINKTYPE_RAW,
	NLRS_LINKTYPE_IPV4, NLRS_LINKTYPE_IPV6, 147,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t lt;
	size_t wire;

	if (size < 2)
		return 0;
	lt = lts[data[0] % (sizeof lts / sizeof lts[0])];
	wire = size - 2 + (data[1] & 0x80 ? (size_t)(data[1] & 0x7f) * 16 : 0);
	fp_decode_all(lt, data + 2, size - 2, wire);
	return 0;
}
