/* SPDX-License-Identifier: GPL-2.0-only */
// ppc64le rseq pieces.
#pragma once

#include "../lib/rseq_abi.hpp"
#include "rseq-asm.hpp"

#include <cstdint>

// twui r5,11: a trap which no compiler emits.
#define MMCID_RSEQ_SIG 0x0fe5000b
#define MMCID_RSEQ_SIG_INSN ".long " MMCID_STR(MMCID_RSEQ_SIG) "\n\t"

namespace mmcid::arch
{
inline constexpr bool rseq_cs_supported = true;

inline constexpr uint32_t rseq_sig = MMCID_RSEQ_SIG;

// See rseq-x86_64.hpp: the same critical section. The descriptor address
// is built from absolute relocations, as rseq/rseq-ppc.h builds it.
inline int id_add(RseqAbi *rs, const uint32_t *current_id, uint32_t id, intptr_t *v, intptr_t count,
		  unsigned long spin)
{
	// One instruction a line.
	// clang-format off
	__asm__ __volatile__ goto(
	    MMCID_RSEQ_CS_DESCRIPTOR
	    "lis %%r17, (3b)@highest\n\t"
	    "ori %%r17, %%r17, (3b)@higher\n\t"
	    "rldicr %%r17, %%r17, 32, 31\n\t"
	    "oris %%r17, %%r17, (3b)@high\n\t"
	    "ori %%r17, %%r17, (3b)@l\n\t"
	    "std%U[rseq_cs]%X[rseq_cs] %%r17, %[rseq_cs]\n\t"
	    "1:\n\t"
	    "lwz%U[current_id]%X[current_id] %%r17, %[current_id]\n\t"
	    "cmpw cr7, %[id], %%r17\n\t"
	    "bne- cr7, 4f\n\t"
	    "ld%U[v]%X[v] %%r17, %[v]\n\t"
	    "mr %%r18, %[spin]\n\t"
	    "5:\n\t"
	    "cmpdi cr7, %%r18, 0\n\t"
	    "beq- cr7, 6f\n\t"
	    "addi %%r18, %%r18, -1\n\t"
	    "b 5b\n\t"
	    "6:\n\t"
	    "add %%r17, %[count], %%r17\n\t"
	    "std%U[v]%X[v] %%r17, %[v]\n\t"
	    "2:\n\t"
	    MMCID_RSEQ_ABORT_OUT_OF_LINE("b")
	    :
	    : [id] "r"(id), [current_id] "m"(*current_id), [rseq_cs] "m"(rs->rseq_cs), [v] "m"(*v),
	      [count] "r"(count), [spin] "r"(spin)
	    : "memory", "cc", "cr7", "r17", "r18"
	    : abort);
	// clang-format on
	return 0;
abort:
	return -1;
}
} // namespace mmcid::arch
