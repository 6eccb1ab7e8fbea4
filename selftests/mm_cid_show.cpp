// SPDX-License-Identifier: GPL-2.0-only
// Boot check: prints the kernel release and the rseq cpu_id and mm_cid of a
// few threads which are alive at the same time, and checks that every
// mm_cid is below the number of possible CPUs.
//
// Usage: mm_cid_show [THREADS]   (default: possible CPUs - 1, so that the
// process stays in per task mode and the CIDs are distinct)
#include "kselftest.h"
#include "lib/rseq_thread.hpp"

#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace
{
struct Sample {
	uint32_t cpu_id;
	uint32_t mm_cid;
};

void spin_for(std::chrono::milliseconds d)
{
	auto until = std::chrono::steady_clock::now() + d;
	while (std::chrono::steady_clock::now() < until) {
	}
}
} // namespace

int main(int argc, char **argv)
{
	mmcid::take_over_rseq_from_libc(argv);

	utsname uts{};
	uname(&uts);
	printf("mm_cid: kernel %s %s\n", uts.release, uts.machine);

	const long possible = sysconf(_SC_NPROCESSORS_CONF);
	std::string why = mmcid::mm_cid_unsupported_reason();
	if (!why.empty()) {
		printf("mm_cid: SKIP: %s\n", why.c_str());
		return KSFT_SKIP;
	}

	const int nthreads =
	    argc > 1 ? atoi(argv[1]) : static_cast<int>(possible > 1 ? possible - 1 : 1);
	std::vector<Sample> samples(nthreads);
	std::barrier all_registered(nthreads), all_sampled(nthreads);
	{
		std::vector<std::jthread> threads;
		for (int i = 0; i < nthreads; i++) {
			threads.emplace_back([&, i] {
				mmcid::ThreadRseq rseq;
				all_registered.arrive_and_wait();
				spin_for(std::chrono::milliseconds(20));
				samples[i] = {rseq.cpu_id(), rseq.mm_cid()};
				all_sampled.arrive_and_wait();
			});
		}
	}

	std::set<uint32_t> distinct;
	bool in_range = true;
	for (int i = 0; i < nthreads; i++) {
		printf("mm_cid: thread %d cpu %u mm_cid %u\n", i, samples[i].cpu_id,
		       samples[i].mm_cid);
		distinct.insert(samples[i].mm_cid);
		in_range &= samples[i].mm_cid < static_cast<uint32_t>(possible);
	}
	printf("mm_cid: %d threads, %zu distinct mm_cid values, %s %ld possible CPUs\n", nthreads,
	       distinct.size(), in_range ? "all below" : "NOT all below", possible);
	return in_range ? 0 : 1;
}
