/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Dropping root once the capture is open (OpenBSD privsep style; tcpdump's
 * -Z). Run as root, nlrs-dump opens the interface or the file first, then
 * becomes an unprivileged user: -Z USER, or by default "tcpdump" if that
 * user exists, else "nobody"; "-Z root" keeps root. Supplementary groups
 * are reset to the user's, then the gid and the uid are set (real,
 * effective and saved), and a setuid(0) afterwards must fail.
 *
 * With -w, creating the output files may need root's right to write where
 * the user cannot (as with Debian's tcpdump, which keeps the capability
 * through libcap-ng): CAP_DAC_OVERRIDE alone stays in the permitted set,
 * raised only around opening a file (privdrop_dac) and forgotten when no
 * rotation will open another one. Every other capability goes.
 */
#include "dump.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool kept_dac;

static int set_caps(uint32_t effective, uint32_t permitted)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = effective;
	data[0].permitted = permitted;
	return (int)syscall(SYS_capset, &hdr, data);
}

#define DAC_BIT (1u << CAP_DAC_OVERRIDE)

void privdrop_dac(bool on)
{
	if (!kept_dac)
		return;
	if (set_caps(on ? DAC_BIT : 0, DAC_BIT) < 0 && on)
		dump_warn("cannot raise CAP_DAC_OVERRIDE: %s", strerror(errno));
}

void privdrop_dac_forget(void)
{
	if (!kept_dac)
		return;
	(void)set_caps(0, 0);
	kept_dac = false;
}

int privdrop(const struct dump_opts *o, bool keep_dac)
{
	struct passwd *pw;
	const char *user = o->user;

	if (getuid() != 0 && geteuid() != 0)
		return 0; /* nothing to give up (tcpdump ignores -Z then too) */
	if (user && strcmp(user, "root") == 0)
		return 0;
	if (user) {
		pw = getpwnam(user);
		if (!pw) {
			dump_err("Couldn't find user '%.32s'", user);
			return -1;
		}
	} else {
		pw = getpwnam("tcpdump");
		if (!pw)
			pw = getpwnam("nobody");
		if (!pw) {
			dump_warn("no user 'tcpdump' or 'nobody' to drop privileges to; still root");
			return 0;
		}
	}
	if (pw->pw_uid == 0)
		return 0;
	if (keep_dac && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
		keep_dac = false;
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
		dump_err("Couldn't change to '%.32s' uid=%lu gid=%lu: %s", pw->pw_name,
			 (unsigned long)pw->pw_uid, (unsigned long)pw->pw_gid, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		dump_err("still able to become root after dropping to '%.32s'", pw->pw_name);
		return -1;
	}
	if (keep_dac) {
		/* KEEPCAPS kept the permitted set and cleared the effective
		 * one; keep only CAP_DAC_OVERRIDE, not raised. */
		if (set_caps(0, DAC_BIT) == 0)
			kept_dac = true;
		(void)prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	}
	return 0;
}
