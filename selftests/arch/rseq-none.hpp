/* SPDX-License-Identifier: GPL-2.0-only */
// An architecture without rseq critical-section code here: threads still
// register rseq and read mm_cid and cpu_id (density, liveness and the
// ownership modes are checked), while the checks that need a critical
// section (uniqueness, rseq_abort) report SKIP.
#pragma once

#include "../lib/rseq_abi.hpp"

#include <cstdint>

namespace mmcid::arch
{
inline constexpr bool rseq_cs_supported = false;

// Registration needs a signature; no abort handler will ever carry it.
inline constexpr uint32_t rseq_sig = 0x53053053;

inline int id_add(RseqAbi *, const uint32_t *, uint32_t, intptr_t *, intptr_t, unsigned long)
{
	return -1;
}
} // namespace mmcid::arch
