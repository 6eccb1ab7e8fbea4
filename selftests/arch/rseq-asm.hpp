/* SPDX-License-Identifier: GPL-2.0-only */
// What the architectures' critical sections share, as rseq/rseq.h shares
// __rseq_str and each rseq-<arch>.h its RSEQ_ASM_DEFINE_TABLE: the
// descriptor's layout is the ABI's, the same on every 64-bit architecture.
#pragma once

// The signature macros are plain hex literals (no U suffix): they are
// stringified into the assembly.
#define MMCID_STR_1(x) #x
#define MMCID_STR(x) MMCID_STR_1(x)

// struct rseq_cs (version 0, no flags) of the section from label 1 to
// label 2, whose abort handler is label 4, at label 3.
#define MMCID_RSEQ_CS_DESCRIPTOR                                                                   \
	".pushsection __rseq_cs, \"aw\"\n\t"                                                       \
	".balign 32\n\t"                                                                           \
	"3:\n\t"                                                                                   \
	".long 0x0, 0x0\n\t"                                                                       \
	".quad 1f, (2f - 1f), 4f\n\t"                                                              \
	".popsection\n\t"

// The abort handler, label 4, out of line behind the signature (the
// architecture's MMCID_RSEQ_SIG_INSN), branching with @branch to the C
// label "abort".
#define MMCID_RSEQ_ABORT_OUT_OF_LINE(branch)                                                       \
	".pushsection __rseq_failure, \"ax\"\n\t" MMCID_RSEQ_SIG_INSN "4:\n\t" branch              \
	" %l[abort]\n\t"                                                                           \
	".popsection\n\t"
