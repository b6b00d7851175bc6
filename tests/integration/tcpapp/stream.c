/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seeded byte stream, SHA-256 (OpenSSL libcrypto, EVP) and small
 * formatting helpers.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "tcpapp.h"

uint64_t stream_word(uint64_t seed, uint64_t idx)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ull + idx;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void stream_fill(uint64_t seed, uint64_t off, void *out, size_t len)
{
	uint8_t *p = out, w[8];
	uint64_t idx = off / 8;
	unsigned skip = (unsigned)(off % 8);

	if (skip && len) {
		put_le64(w, stream_word(seed, idx++));
		size_t n = 8 - skip < len ? 8 - skip : len;
		memcpy(p, w + skip, n);
		p += n;
		len -= n;
	}
	while (len >= 8) {
		put_le64(p, stream_word(seed, idx++));
		p += 8;
		len -= 8;
	}
	if (len) {
		put_le64(w, stream_word(seed, idx));
		memcpy(p, w, len);
	}
}

size_t stream_check(uint64_t seed, uint64_t off, const void *in, size_t len)
{
	uint8_t tmp[4096];
	const uint8_t *p = in;
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(tmp) ? len - done : sizeof(tmp);
		stream_fill(seed, off + done, tmp, n);
		if (memcmp(tmp, p + done, n)) {
			for (size_t i = 0; i < n; i++)
				if (tmp[i] != p[done + i])
					return done + i;
		}
		done += n;
	}
	return len;
}

int sha_init(struct sha *h)
{
	if (!h->ctx && !(h->ctx = EVP_MD_CTX_new()))
		return -1;
	return EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

void sha_update(struct sha *h, const void *p, size_t len)
{
	if (h->ctx && len)
		EVP_DigestUpdate(h->ctx, p, len);
}

void sha_final_hex(struct sha *h, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = 0;
	if (!h->ctx || EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32)
		return;
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void sha_free(struct sha *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

const char *errno_name(int err)
{
	static char other[16];

	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return "OK";
	case NLRS_EAGAIN: return "EAGAIN";
	case NLRS_ENOMEM: return "ENOMEM";
	case NLRS_EBADF: return "EBADF";
	case NLRS_EINVAL: return "EINVAL";
	case NLRS_EPIPE: return "EPIPE";
	case NLRS_EADDRINUSE: return "EADDRINUSE";
	case NLRS_EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case NLRS_ENETDOWN: return "ENETDOWN";
	case NLRS_ENETUNREACH: return "ENETUNREACH";
	case NLRS_ECONNABORTED: return "ECONNABORTED";
	case NLRS_ECONNRESET: return "ECONNRESET";
	case NLRS_ENOBUFS: return "ENOBUFS";
	case NLRS_EISCONN: return "EISCONN";
	case NLRS_ENOTCONN: return "ENOTCONN";
	case NLRS_ETIMEDOUT: return "ETIMEDOUT";
	case NLRS_ECONNREFUSED: return "ECONNREFUSED";
	case NLRS_EHOSTDOWN: return "EHOSTDOWN";
	case NLRS_EHOSTUNREACH: return "EHOSTUNREACH";
	case NLRS_EALREADY: return "EALREADY";
	case NLRS_EINPROGRESS: return "EINPROGRESS";
	case NLRS_EMFILE: return "EMFILE";
	case NLRS_ENOSPC: return "ENOSPC";
	case NLRS_EOPNOTSUPP: return "EOPNOTSUPP";
	case NLRS_EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case NLRS_EMSGSIZE: return "EMSGSIZE";
	case NLRS_EIO: return "EIO";
	default:
		snprintf(other, sizeof(other), "E%d", err);
		return other;
	}
}

const char *fmt_ep(uint32_t v4, uint16_t port, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u:%u", v4 >> 24, (v4 >> 16) & 255u, (v4 >> 8) & 255u,
		 v4 & 255u, port);
	return buf;
}
