// SPDX-License-Identifier: GPL-2.0-only
// Benchmark, not a test: the cost of a process whose last exit ends per
// CPU mode. Each process is forked onto one CPU (so the MM allows one
// CPU, max_cids is 1 and pcpu_thrs 1), creates --threads threads (more
// users than max_cids: per CPU mode, which their exits do not leave) and
// exits; the parent times fork() to waitpid(). The last user's exit is
// then the one that switches the MM back to per task mode, which is where
// a fix may add work. The control, in blocks interleaved with those
// processes, creates no thread and stays in per task mode.
//
// Prints, in ns per process:
//   # bench-exit-ns percpu median=... p10=... p90=...
//   # bench-exit-ns control median=... p10=... p90=...
#include "kselftest.h"
#include "lib/cmdline.hpp"
#include "lib/thresholds.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sched.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace
{
using clock = std::chrono::steady_clock;

struct Options {
	unsigned processes = 1000;
	unsigned threads = 1;
	unsigned cpu = 0;
};

// One process: fork, its threads, exit. The parent's nanoseconds.
long one_process(unsigned threads)
{
	const auto t0 = clock::now();
	const pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(KSFT_FAIL);
	}
	if (pid == 0) {
		std::vector<std::thread> t;
		for (unsigned i = 0; i < threads; i++)
			t.emplace_back([] {});
		for (auto &x : t)
			x.join();
		_exit(0);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench-exit: child %d failed (status %#x)\n", pid, status);
		exit(KSFT_FAIL);
	}
	return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - t0).count();
}
} // namespace

int main(int argc, char **argv)
{
	Options o;
	mmcid::CommandLine cl;
	cl.number("processes", o.processes, 10);
	cl.number("threads", o.threads);
	cl.number("cpu", o.cpu);
	cl.parse(argc, argv);

	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(o.cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		fprintf(stderr, "bench-exit: cannot run on CPU %u: %m\n", o.cpu);
		return KSFT_FAIL;
	}
	const mmcid::Thresholds th = mmcid::current_thresholds();
	const unsigned users = o.threads + 1;
	if (!o.threads || users <= th.max_cids(users)) {
		fprintf(stderr,
			"bench-exit: %u thread(s) leave the process in per task mode: use more\n",
			o.threads);
		return KSFT_FAIL;
	}
	printf("# bench-exit: 2 x %u processes on CPU %u of %u possible: %u thread(s) each "
	       "(%u users, max_cids %u: per CPU mode until the last exit), and none "
	       "(the control)\n",
	       o.processes, o.cpu, th.possible, o.threads, users, th.max_cids(users));

	// A few unmeasured processes first: page cache, allocator caches.
	for (unsigned i = 0; i < 20; i++)
		one_process(i % 2 ? o.threads : 0);
	// Blocks of each in turn, so that a drift of the host's speed (TCG)
	// reaches both alike.
	std::vector<long> percpu, control;
	const unsigned block = 50;
	while (percpu.size() < o.processes) {
		for (unsigned i = 0; i < block && percpu.size() < o.processes; i++)
			percpu.push_back(one_process(o.threads));
		for (unsigned i = 0; i < block && control.size() < o.processes; i++)
			control.push_back(one_process(0));
	}
	for (auto *ns : {&percpu, &control}) {
		std::sort(ns->begin(), ns->end());
		auto at = [ns](unsigned pct) { return (*ns)[(ns->size() - 1) * pct / 100]; };
		printf("# bench-exit-ns %s median=%ld p10=%ld p90=%ld\n",
		       ns == &percpu ? "percpu" : "control", at(50), at(10), at(90));
	}
	return KSFT_PASS;
}
