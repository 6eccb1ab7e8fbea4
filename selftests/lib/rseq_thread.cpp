// SPDX-License-Identifier: GPL-2.0-only
#include "rseq_thread.hpp"

#include "../arch/rseq-arch.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#endif
#ifndef AT_RSEQ_ALIGN
#define AT_RSEQ_ALIGN 28
#endif

// glibc >= 2.35 exports how large its own registration is; weak so that
// the tests link against a libc without rseq support too.
extern "C" {
extern const unsigned int __rseq_size __attribute__((weak));
}

namespace mmcid
{

namespace
{
// Room for the extended registration: struct rseq as the kernel has it
// (up to AT_RSEQ_FEATURE_SIZE bytes), aligned as AT_RSEQ_ALIGN asks.
constexpr size_t area_room = 256;
struct alignas(area_room) AreaBuffer {
	unsigned char bytes[area_room];
};
thread_local AreaBuffer thread_area;

// The extended length, or 32 when the kernel's struct rseq is not larger
// or does not fit the buffer.
uint32_t extended_length()
{
	unsigned long size = getauxval(AT_RSEQ_FEATURE_SIZE);
	unsigned long align = getauxval(AT_RSEQ_ALIGN);
	if (size <= sizeof(RseqAbi) || size > area_room || align > area_room)
		return sizeof(RseqAbi);
	return static_cast<uint32_t>(size);
}

long sys_rseq(RseqAbi *area, uint32_t len, int flags, uint32_t sig)
{
	return syscall(__NR_rseq, area, len, flags, sig);
}
} // namespace

void take_over_rseq_from_libc(char **argv)
{
	if (&__rseq_size == nullptr || __rseq_size == 0)
		return;
	const char *old = getenv("GLIBC_TUNABLES");
	if (old && strstr(old, "glibc.pthread.rseq=0"))
		return; // Already re-executed once; glibc ignored the tunable.
	std::string tunables = "glibc.pthread.rseq=0";
	if (old && *old)
		tunables = std::string(old) + ":" + tunables;
	setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
	execv("/proc/self/exe", argv);
	execvp(argv[0], argv);
	// Re-execution failed: carry on and let registration report EBUSY.
}

std::string mm_cid_unsupported_reason()
{
	ThreadRseq probe;
	if (!probe.registered())
		return std::string("rseq registration failed: ") + strerror(probe.error());
	unsigned long feature_size = getauxval(AT_RSEQ_FEATURE_SIZE);
	if (feature_size < rseq_size_with_mm_cid)
		return "kernel rseq has no mm_cid (AT_RSEQ_FEATURE_SIZE " +
		       std::to_string(feature_size) + ")";
	return "";
}

RseqAbi &ThreadRseq::area()
{
	return *reinterpret_cast<RseqAbi *>(thread_area.bytes);
}

ThreadRseq::ThreadRseq(bool extended)
    : error_(0), len_(extended ? extended_length() : sizeof(RseqAbi))
{
	memset(thread_area.bytes, 0, sizeof(thread_area.bytes));
	RseqAbi &a = area();
	a.cpu_id = rseq_cpu_id_uninitialized;
	if (sys_rseq(&a, len_, 0, arch::rseq_sig) != 0)
		error_ = errno;
}

ThreadRseq::~ThreadRseq()
{
	if (registered())
		sys_rseq(&area(), len_, rseq_flag_unregister, arch::rseq_sig);
}

} // namespace mmcid
