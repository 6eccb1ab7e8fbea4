/* SPDX-License-Identifier: GPL-2.0-only */
// x86_64 rseq pieces.
#pragma once

#include "../lib/rseq_abi.hpp"
#include "rseq-asm.hpp"

#include <cstdint>

// The signature in front of every abort handler, as the operand of a
// "ud1 <sig>(%rip),%edi" so that disassemblers stay in sync.
#define MMCID_RSEQ_SIG 0x53053053
#define MMCID_RSEQ_SIG_INSN ".byte 0x0f, 0xb9, 0x3d\n\t.long " MMCID_STR(MMCID_RSEQ_SIG) "\n\t"

namespace mmcid::arch
{
inline constexpr bool rseq_cs_supported = true;

inline constexpr uint32_t rseq_sig = MMCID_RSEQ_SIG;

// One rseq critical section: if *@current_id (a field of @rs: mm_cid or
// cpu_id) is still @id, load *@v, spin @spin times (to widen the window in
// which a second thread with the same id would lose an update), add @count
// and store. Returns 0 when the store committed, -1 when the section
// aborted (preemption, migration, signal) or the id was not @id.
inline int id_add(RseqAbi *rs, const uint32_t *current_id, uint32_t id, intptr_t *v, intptr_t count,
		  unsigned long spin)
{
	// One instruction a line.
	// clang-format off
	__asm__ __volatile__ goto(
	    MMCID_RSEQ_CS_DESCRIPTOR
	    "leaq 3b(%%rip), %%rax\n\t"
	    "movq %%rax, %[rseq_cs]\n\t"
	    "1:\n\t"
	    "cmpl %[id], %[current_id]\n\t"
	    "jnz 4f\n\t"
	    "movq %[v], %%rax\n\t"
	    "movq %[spin], %%rcx\n\t"
	    "5:\n\t"
	    "testq %%rcx, %%rcx\n\t"
	    "jz 6f\n\t"
	    "decq %%rcx\n\t"
	    "jmp 5b\n\t"
	    "6:\n\t"
	    "addq %[count], %%rax\n\t"
	    "movq %%rax, %[v]\n\t"
	    "2:\n\t"
	    MMCID_RSEQ_ABORT_OUT_OF_LINE("jmp")
	    :
	    : [id] "r"(id), [current_id] "m"(*current_id), [rseq_cs] "m"(rs->rseq_cs), [v] "m"(*v),
	      [count] "r"(count), [spin] "r"(spin)
	    : "memory", "cc", "rax", "rcx"
	    : abort);
	// clang-format on
	return 0;
abort:
	return -1;
}
} // namespace mmcid::arch
