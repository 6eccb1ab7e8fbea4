// SPDX-License-Identifier: GPL-2.0-only
// The switch back to per task mode with a thread of the process running.
// An exit which leaves fewer users than pcpu_thrs switches back, and the
// fixup (mm_cid_fixup_cpus_to_tasks()) hands each CPU's CID to the task
// running there, in transit, or drops it. The running task here is the
// controller itself, counting on a CPU of its own while the others exit;
// new threads then take CIDs from the pool and count beside it. A CID
// freed under the running controller is one of theirs at once, and two
// threads counting on one CID lose updates (uniqueness).
#include "scenarios.hpp"

#include "../lib/rseq_thread.hpp"
#include "kselftest.h"

#include <cstdio>
#include <sched.h>
#include <sys/resource.h>

namespace mmcid::scenarios
{

namespace
{
// Counting rounds every new worker makes beside the controller: a
// guaranteed amount of overlap, however slowly the host runs the guest.
constexpr uint64_t overlap_rounds = 64;
// Switch backs per run (--cycles overrides it, --duration bounds it).
constexpr unsigned default_cycles = 16;

long context_switches()
{
	rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

struct Coverage {
	unsigned cycles = 0, covered = 0;
};

// One switch back. The controller stays on @cpu throughout; every
// worker runs on the other CPUs. Returns false when the masks cannot be
// set (a CPU went away): nothing was tested.
bool once(Workload &w, const cpu_set_t &all, int cpu, Coverage &cov)
{
	cpu_set_t others = all, mine;
	CPU_CLR(cpu, &others);
	CPU_ZERO(&mine);
	CPU_SET(cpu, &mine);
	if (sched_setaffinity(0, sizeof(mine), &mine))
		return false;
	while (w.model().users() < high_users(w))
		w.add_worker(Behavior::block, &others);
	// Per CPU mode; the controller is scheduled out and in on its CPU
	// here and runs with that CPU's CID from here on.
	w.settle();
	const uint32_t cid = ThreadRseq::area().mm_cid;
	const long switches = context_switches();
	w.remove_workers_counting(w.model().users() - low_users(w));
	// Per task mode again: new threads take the lowest free CIDs, so a
	// CID freed under the controller is one of theirs if it is below
	// their number.
	const size_t first_new = w.workers();
	unsigned added = 0;
	while (w.model().users() + 1 < w.thresholds().users_to_enter_percpu()) {
		w.add_worker(Behavior::spin, &others);
		added++;
	}
	w.count_until([&] { return w.workers_made(first_new, overlap_rounds); });
	cov.cycles++;
	if (cid < added && context_switches() == switches)
		cov.covered++;
	sched_setaffinity(0, sizeof(all), &all);
	while (w.workers())
		w.remove_worker();
	w.settle();
	w.crossed();
	return true;
}
} // namespace

int running_switch_back(Workload &w)
{
	const Thresholds &t = w.thresholds();
	if (t.users_after_leaving_percpu() < 1 || high_users(w) < t.users_to_enter_percpu()) {
		printf("# running-switch-back: %u CPUs, %u users at most: no exit switches back "
		       "to per task mode\n",
		       t.possible, high_users(w));
		return KSFT_SKIP;
	}
	ThreadRseq rseq;
	if (!rseq.registered()) {
		printf("# running-switch-back: rseq registration: error %d\n", rseq.error());
		return KSFT_FAIL;
	}
	cpu_set_t all;
	sched_getaffinity(0, sizeof(all), &all);
	const unsigned cycles = w.options().cycles ? w.options().cycles : default_cycles;
	Coverage cov;
	int cpu = -1;
	for (unsigned n = 0; n < cycles && more_cycles(w, n); n++) {
		// Each CPU in turn: the controller's CID is that CPU's.
		do
			cpu = (cpu + 1) % CPU_SETSIZE;
		while (!CPU_ISSET(cpu, &all));
		if (!once(w, all, cpu, cov))
			printf("# running-switch-back: cannot run on CPU %d alone: cycle skipped\n",
			       cpu);
	}
	sched_setaffinity(0, sizeof(all), &all);
	// Why a planted freed CID can go unseen: the controller's CID was not
	// among those the new threads took, or it was scheduled out (which
	// gives it a new CID) before they ran.
	printf("# running-switch-back: %u of %u switch backs with the controller's CID among "
	       "the new threads' and the controller on its CPU throughout\n",
	       cov.covered, cov.cycles);
	return 0;
}

} // namespace mmcid::scenarios
