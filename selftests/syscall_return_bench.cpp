// SPDX-License-Identifier: GPL-2.0-only
// Benchmark, not a test: the cost of a return to user space, timed as
// getppid() system calls (the least work a system call can do) on one
// CPU, in --blocks blocks of --calls calls each. Prints, in ns per call
// over the blocks:
//   # bench-return-ns syscall median=... p10=... p90=...
// A change to the exit path shows as a change of this figure; interrupts
// which arrive during a block are part of what it measures, as on any
// system.
#include "kselftest.h"
#include "lib/cmdline.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

int main(int argc, char **argv)
{
	unsigned calls = 20000, blocks = 50, cpu = 0;
	mmcid::CommandLine cl;
	cl.number("calls", calls, 1);
	cl.number("blocks", blocks, 1);
	cl.number("cpu", cpu);
	cl.parse(argc, argv);

	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		fprintf(stderr, "bench-return: cannot run on CPU %u: %m\n", cpu);
		return KSFT_FAIL;
	}
	printf("# bench-return: %u blocks of %u getppid() calls on CPU %u\n", blocks, calls, cpu);

	using clock = std::chrono::steady_clock;
	std::vector<double> ns;
	// One unmeasured block first: caches, TCG's translation of the loop.
	for (unsigned b = 0; b <= blocks; b++) {
		const auto t0 = clock::now();
		for (unsigned i = 0; i < calls; i++)
			syscall(SYS_getppid);
		const auto t = std::chrono::duration<double, std::nano>(clock::now() - t0).count();
		if (b)
			ns.push_back(t / calls);
	}
	std::sort(ns.begin(), ns.end());
	auto at = [&ns](unsigned pct) { return ns[(ns.size() - 1) * pct / 100]; };
	printf("# bench-return-ns syscall median=%.1f p10=%.1f p90=%.1f\n", at(50), at(10), at(90));
	return KSFT_PASS;
}
