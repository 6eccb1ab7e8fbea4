/* SPDX-License-Identifier: GPL-2.0-only */
// Selects the architecture's rseq pieces, one file per architecture, the
// way tools/testing/selftests/rseq/rseq.h does.
#pragma once

// MMCID_NO_RSEQ_CS (USERCFLAGS=-DMMCID_NO_RSEQ_CS) builds what any other
// architecture gets, to test it.
#if defined(MMCID_NO_RSEQ_CS)
#include "rseq-none.hpp"
#elif defined(__x86_64__)
#include "rseq-x86_64.hpp"
#elif defined(__aarch64__)
#include "rseq-arm64.hpp"
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#include "rseq-ppc64le.hpp"
#else
#include "rseq-none.hpp"
#endif

namespace mmcid::arch
{
// Counts into *@v unless the thread's mm_cid stopped being @cid.
inline int cid_add(RseqAbi *rs, uint32_t cid, intptr_t *v, intptr_t count, unsigned long spin)
{
	return id_add(rs, &rs->mm_cid, cid, v, count, spin);
}

// Counts into *@v unless the thread left CPU @cpu.
inline int cpu_add(RseqAbi *rs, uint32_t cpu, intptr_t *v, intptr_t count, unsigned long spin)
{
	return id_add(rs, &rs->cpu_id, cpu, v, count, spin);
}
} // namespace mmcid::arch
