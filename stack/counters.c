/* SPDX-License-Identifier: BSD-2-Clause */
/* Counter names and help texts, from the one list in counters.h. */
#include "core.h"

static const char *const names[NLRS_CTR_MAX] = {
#define NLRS_CTR_NAME(name, help) #name,
	NLRS_COUNTERS(NLRS_CTR_NAME)
#undef NLRS_CTR_NAME
};

static const char *const helps[NLRS_CTR_MAX] = {
#define NLRS_CTR_HELP(name, help) help,
	NLRS_COUNTERS(NLRS_CTR_HELP)
#undef NLRS_CTR_HELP
};

unsigned nlrs_counter_count(void)
{
	return NLRS_CTR_MAX;
}

const char *nlrs_counter_name(unsigned idx)
{
	return idx < NLRS_CTR_MAX ? names[idx] : NULL;
}

const char *nlrs_counter_help(unsigned idx)
{
	return idx < NLRS_CTR_MAX ? helps[idx] : NULL;
}

uint64_t nlrs_counter_get(const struct nlrs_stack *s, unsigned idx)
{
	return idx < NLRS_CTR_MAX ? s->ctr[idx] : 0;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

uint64_t nlrs_counter_by_name(const struct nlrs_stack *s, const char *name)
{
	for (unsigned i = 0; i < NLRS_CTR_MAX; i++)
		if (str_eq(names[i], name))
			return s->ctr[i];
	return UINT64_MAX;
}
