/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timestamps in tcpdump's five styles (-t options):
 *   default  HH:MM:SS.frac, local time
 *   -t       none
 *   -tt      seconds since the epoch.frac
 *   -ttt     delta since the previous packet, " HH:MM:SS.frac" (or "-")
 *   -tttt    YYYY-MM-DD HH:MM:SS.frac, local time
 *   -ttttt   delta since the first packet
 * frac is 6 digits, or 9 with --nano. Seconds that do not fit in 31 bits
 * print "[Error converting time]", as tcpdump.
 *
 * localtime_r is called once per minute of capture time, not per packet:
 * the broken-down minute is cached and the seconds are added to it.
 */
#include "dump.h"

#include <time.h>

static void put_frac(const struct ts_state *t, char **pp, uint32_t nsec)
{
	char *p = *pp;

	*p++ = '.';
	if (t->nano)
		p = fmt_dec_w(p, nsec, 9);
	else
		p = fmt_dec_w(p, nsec / 1000, 6);
	*pp = p;
}

/* Local (or UTC) time of sec into the cache. */
static int fill_minute(struct ts_state *t, int64_t sec)
{
	time_t tt = (time_t)sec;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return -1;
	t->min_start = sec - tm.tm_sec;
	t->min_valid = true;
	fmt_dec_w(t->date, (uint32_t)(tm.tm_year + 1900) % 10000, 4);
	t->date[4] = '-';
	fmt_dec_w(t->date + 5, (uint32_t)tm.tm_mon + 1, 2);
	t->date[7] = '-';
	fmt_dec_w(t->date + 8, (uint32_t)tm.tm_mday, 2);
	t->date[10] = ' ';
	fmt_dec_w(t->hm, (uint32_t)tm.tm_hour, 2);
	t->hm[2] = ':';
	fmt_dec_w(t->hm + 3, (uint32_t)tm.tm_min, 2);
	t->hm[5] = ':';
	return 0;
}

static void put_local(struct ts_state *t, int64_t sec, uint32_t nsec, bool date)
{
	char *p;
	int64_t s;

	if (!t->min_valid || sec < t->min_start || sec >= t->min_start + 60) {
		if (fill_minute(t, sec) < 0) {
			out_lit("[Error converting time]");
			return;
		}
	}
	s = sec - t->min_start;
	p = out_room(40);
	if (date) {
		memcpy(p, t->date, 11);
		p += 11;
	}
	memcpy(p, t->hm, 6);
	p = fmt_dec_w(p + 6, (uint32_t)s, 2);
	put_frac(t, &p, nsec);
	out_commit(p);
}

/* HH:MM:SS.frac of a duration, hours modulo 24 (tcpdump uses gmtime). */
static void put_delta(struct ts_state *t, int64_t sec, uint32_t nsec)
{
	char *p = out_room(32);
	uint64_t s = (uint64_t)sec;

	p = fmt_dec_w(p, (uint32_t)(s / 3600 % 24), 2);
	*p++ = ':';
	p = fmt_dec_w(p, (uint32_t)(s / 60 % 60), 2);
	*p++ = ':';
	p = fmt_dec_w(p, (uint32_t)(s % 60), 2);
	put_frac(t, &p, nsec);
	out_commit(p);
}

void ts_init(struct ts_state *t, int mode, bool nano)
{
	memset(t, 0, sizeof(*t));
	t->mode = mode;
	t->nano = nano;
}

void ts_print(struct ts_state *t, int64_t sec, uint32_t nsec)
{
	if (!t->nano)
		nsec -= nsec % 1000; /* microsecond precision, as tcpdump reads files */
	switch (t->mode) {
	case TS_NONE:
		return;
	case TS_DEFAULT:
	case TS_DATE:
		if (sec < 0 || sec > INT32_MAX) {
			out_lit("[Error converting time]");
		} else {
			put_local(t, sec, nsec, t->mode == TS_DATE);
		}
		break;
	case TS_UNIX: {
		if (sec < 0 || sec > INT32_MAX) {
			out_lit("[Error converting time]");
		} else {
			char *p = out_room(24);
			p = fmt_u32(p, (uint32_t)sec);
			put_frac(t, &p, nsec);
			out_commit(p);
		}
		break;
	}
	case TS_DELTA:
	case TS_SINCE_FIRST: {
		int64_t ds;
		int64_t dn;
		bool neg;

		if (!t->have_ref) {
			t->ref_sec = sec;
			t->ref_nsec = nsec;
			t->have_ref = true;
		}
		ds = sec - t->ref_sec;
		dn = (int64_t)nsec - (int64_t)t->ref_nsec;
		if (dn < 0) {
			dn += 1000000000;
			ds -= 1;
		}
		neg = ds < 0;
		if (neg) { /* the magnitude of a negative difference */
			ds = t->ref_sec - sec;
			dn = (int64_t)t->ref_nsec - (int64_t)nsec;
			if (dn < 0) {
				dn += 1000000000;
				ds -= 1;
			}
		}
		out_char(neg ? '-' : ' ');
		put_delta(t, ds, (uint32_t)dn);
		if (t->mode == TS_DELTA) {
			t->ref_sec = sec;
			t->ref_nsec = nsec;
		}
		break;
	}
	}
	out_char(' ');
}
