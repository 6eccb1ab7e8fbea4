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

namespace mmcid::scenarios
{

namespace
{
// Counting rounds every new worker makes beside the controller: a
// guaranteed amount of overlap, however slowly the host runs the guest.
constexpr uint64_t overlap_rounds = 64;
// Each switch back catches a freed CID with odds of about (CPUs - 1) /
// CPUs: this many make a miss unlikely without a long run (--cycles
// overrides it, --duration still bounds it).
constexpr unsigned default_cycles = 16;

void set_affinity(const cpu_set_t &mask)
{
	sched_setaffinity(0, sizeof(mask), &mask);
}

void once(Workload &w, const cpu_set_t &all, unsigned cpu)
{
	cpu_set_t others = all, mine;
	CPU_CLR(cpu, &others);
	CPU_ZERO(&mine);
	CPU_SET(cpu, &mine);
	// The workers inherit a mask without the controller's CPU, so that
	// none of them takes it from the controller.
	set_affinity(others);
	while (w.model().users() < high_users(w))
		w.add_worker(Behavior::block);
	set_affinity(mine);
	// Per CPU mode; the controller has been scheduled in on its CPU and
	// runs with that CPU's CID from here on.
	w.settle();
	w.remove_workers_counting(w.model().users() - low_users(w));
	// Per task mode again: the pool is what the fixup left.
	const size_t first_new = w.workers();
	set_affinity(others);
	while (w.model().users() + 1 < w.thresholds().users_to_enter_percpu())
		w.add_worker(Behavior::spin);
	w.count_until([&] { return w.workers_made(first_new, overlap_rounds); });
	set_affinity(all);
	while (w.workers())
		w.remove_worker();
	w.settle();
	w.crossed();
}
} // namespace

int running_switch_back(Workload &w)
{
	if (w.thresholds().users_after_leaving_percpu() < 1) {
		printf("# running-switch-back: %u CPUs: no exit switches back to per task mode "
		       "(pcpu_thrs 1)\n",
		       w.thresholds().possible);
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
	for (unsigned n = 0; n < cycles && more_cycles(w, n); n++) {
		// A different CPU each time: the controller's CID is that CPU's.
		unsigned cpu = 0;
		for (int c = 0, pick = n % CPU_COUNT(&all); c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &all) && pick-- == 0) {
				cpu = c;
				break;
			}
		once(w, all, cpu);
	}
	return 0;
}

} // namespace mmcid::scenarios
