/* SPDX-License-Identifier: GPL-2.0-only */
// Per-thread rseq registration owned by the test, not by glibc.
#pragma once

#include "rseq_abi.hpp"

#include <string>

namespace mmcid
{

// glibc registers its own rseq area in every thread, and only one
// registration per thread is possible. Call first thing in main(): if glibc
// registered, the program re-executes itself with the registration turned
// off (GLIBC_TUNABLES=glibc.pthread.rseq=0) so that the tests own it.
void take_over_rseq_from_libc(char **argv);

// Empty when the kernel fills in rseq mm_cid; otherwise why it cannot.
std::string mm_cid_unsupported_reason();

// Registers the calling thread's rseq area for the lifetime of the object.
// @extended: with the kernel's feature size (AT_RSEQ_FEATURE_SIZE) rather
// than the original 32 bytes. The kernel then rewrites the IDs only when
// it marked them changed, instead of on every return after a switch, so
// a missed "changed" leaves a stale mm_cid visible (the checks see it).
class ThreadRseq
{
public:
	explicit ThreadRseq(bool extended = false);
	~ThreadRseq();
	ThreadRseq(const ThreadRseq &) = delete;
	ThreadRseq &operator=(const ThreadRseq &) = delete;

	bool registered() const { return error_ == 0; }
	int error() const { return error_; }
	// The length registered: 32, or the feature size when extended.
	uint32_t length() const { return len_; }
	uint32_t cpu_id() const { return __atomic_load_n(&area().cpu_id, __ATOMIC_RELAXED); }
	uint32_t mm_cid() const { return __atomic_load_n(&area().mm_cid, __ATOMIC_RELAXED); }
	static RseqAbi &area();

private:
	int error_;
	uint32_t len_;
};

} // namespace mmcid
