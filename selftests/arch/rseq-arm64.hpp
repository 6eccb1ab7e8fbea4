/* SPDX-License-Identifier: GPL-2.0-only */
// arm64 rseq pieces.
#pragma once

#include "../lib/rseq_abi.hpp"
#include "rseq-asm.hpp"

#include <cstdint>

// BRK #0x45E0 (the abort handler's signature, as code).
#define MMCID_RSEQ_SIG_CODE 0xd428bc00

namespace mmcid::arch
{
inline constexpr bool rseq_cs_supported = true;

// BRK #0x45E0. Code is little-endian even on big-endian arm64, while the
// kernel compares the signature as data (rseq/rseq-arm64.h does the same).
#ifdef __AARCH64EB__
inline constexpr uint32_t rseq_sig = __builtin_bswap32(MMCID_RSEQ_SIG_CODE);
#else
inline constexpr uint32_t rseq_sig = MMCID_RSEQ_SIG_CODE;
#endif

// See rseq-x86_64.hpp: the same critical section.
inline int id_add(RseqAbi *rs, const uint32_t *current_id, uint32_t id, intptr_t *v, intptr_t count,
		  unsigned long spin)
{
	// One instruction a line.
	// clang-format off
	__asm__ __volatile__ goto(
	    MMCID_RSEQ_CS_DESCRIPTOR
	    "	adrp	x15, 3b\n"
	    "	add	x15, x15, :lo12:3b\n"
	    "	str	x15, %[rseq_cs]\n"
	    "1:\n"
	    "	ldr	w15, %[current_id]\n"
	    "	sub	w15, w15, %w[id]\n"
	    "	cbnz	w15, 4f\n"
	    "	ldr	x15, %[v]\n"
	    "	mov	x14, %[spin]\n"
	    "5:	cbz	x14, 6f\n"
	    "	sub	x14, x14, #1\n"
	    "	b	5b\n"
	    "6:	add	x15, x15, %[count]\n"
	    "	str	x15, %[v]\n"
	    "2:\n"
	    "	b	222f\n"
	    "	.inst	" MMCID_STR(MMCID_RSEQ_SIG_CODE) "\n"
	    "4:\n"
	    "	b	%l[abort]\n"
	    "222:\n"
	    :
	    : [id] "r"(id), [current_id] "Qo"(*current_id), [rseq_cs] "m"(rs->rseq_cs),
	      [v] "Qo"(*v), [count] "r"(count), [spin] "r"(spin)
	    : "memory", "x14", "x15"
	    : abort);
	// clang-format on
	return 0;
abort:
	return -1;
}
} // namespace mmcid::arch
