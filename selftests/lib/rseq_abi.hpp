/* SPDX-License-Identifier: GPL-2.0-only */
// The rseq ABI as the kernel defines it (include/uapi/linux/rseq.h), with
// only what the tests use. Kept here so that the tests build against any
// libc, including ones without <sys/rseq.h>.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mmcid
{

// struct rseq: the original 32-byte layout. mm_cid sits inside it, so a
// 32-byte registration gets mm_cid from every kernel which has it.
struct alignas(32) RseqAbi {
	uint32_t cpu_id_start;
	uint32_t cpu_id;
	uint64_t rseq_cs;
	uint32_t flags;
	uint32_t node_id;
	uint32_t mm_cid;
	uint32_t padding;
};
static_assert(sizeof(RseqAbi) == 32);
static_assert(offsetof(RseqAbi, mm_cid) == 24);

// struct rseq_cs: a critical section descriptor.
struct alignas(32) RseqCs {
	uint32_t version;
	uint32_t flags;
	uint64_t start_ip;
	uint64_t post_commit_offset;
	uint64_t abort_ip;
};

inline constexpr uint32_t rseq_cpu_id_uninitialized = static_cast<uint32_t>(-1);
inline constexpr int rseq_flag_unregister = 1;
// Where struct rseq ends once mm_cid is included; the kernel reports its
// feature size in AT_RSEQ_FEATURE_SIZE.
inline constexpr unsigned long rseq_size_with_mm_cid = offsetof(RseqAbi, mm_cid) + 4;

} // namespace mmcid
