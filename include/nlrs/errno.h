/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error numbers used by the stack core. The core is freestanding and cannot
 * include <errno.h>; these carry the Linux values so that the hosted build can
 * hand them to libc unchanged. Functions return them negated (-NLRS_EINVAL).
 */
#ifndef NLRS_ERRNO_H
#define NLRS_ERRNO_H

#define NLRS_EPERM 1
#define NLRS_ENOENT 2
#define NLRS_EINTR 4
#define NLRS_EIO 5
#define NLRS_EBADF 9
#define NLRS_EAGAIN 11
#define NLRS_ENOMEM 12
#define NLRS_EACCES 13
#define NLRS_EFAULT 14
#define NLRS_EBUSY 16
#define NLRS_EEXIST 17
#define NLRS_ENODEV 19
#define NLRS_EINVAL 22
#define NLRS_EMFILE 24
#define NLRS_ENOSPC 28
#define NLRS_EPIPE 32
#define NLRS_ERANGE 34
#define NLRS_ENOSYS 38
#define NLRS_ENOTSOCK 88
#define NLRS_EDESTADDRREQ 89
#define NLRS_EMSGSIZE 90
#define NLRS_EPROTOTYPE 91
#define NLRS_ENOPROTOOPT 92
#define NLRS_EPROTONOSUPPORT 93
#define NLRS_EOPNOTSUPP 95
#define NLRS_EAFNOSUPPORT 97
#define NLRS_EADDRINUSE 98
#define NLRS_EADDRNOTAVAIL 99
#define NLRS_ENETDOWN 100
#define NLRS_ENETUNREACH 101
#define NLRS_ECONNABORTED 103
#define NLRS_ECONNRESET 104
#define NLRS_ENOBUFS 105
#define NLRS_EISCONN 106
#define NLRS_ENOTCONN 107
#define NLRS_ETIMEDOUT 110
#define NLRS_ECONNREFUSED 111
#define NLRS_EHOSTDOWN 112
#define NLRS_EHOSTUNREACH 113
#define NLRS_EALREADY 114
#define NLRS_EINPROGRESS 115

#endif
