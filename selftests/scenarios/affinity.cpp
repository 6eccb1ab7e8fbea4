// SPDX-License-Identifier: GPL-2.0-only
// The processes start with a narrow process-wide mask (see start_cpus),
// which is then widened, through mm_update_cpus_allowed() and, in per
// CPU mode, the deferred work; threads narrowed again never shrink the
// process-wide mask.
#include "scenarios.hpp"

#include "../lib/rseq_thread.hpp"
#include "kselftest.h"

#include <cstdio>
#include <sched.h>
#include <thread>
#include <unistd.h>

namespace mmcid::scenarios
{

namespace
{
void set_mask(unsigned first_n)
{
	cpu_set_t all, mask;
	CPU_ZERO(&all);
	for (unsigned c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &all);
	CPU_ZERO(&mask);
	for (unsigned c = 0; c < first_n && c < CPU_SETSIZE; c++)
		CPU_SET(c, &mask);
	sched_setaffinity(0, sizeof(mask), first_n ? &mask : &all);
}

// Widens the controller's mask to every CPU (the process-wide mask
// grows through mm_update_cpus_allowed()) and settles.
void widen(Workload &w)
{
	w.unsettle();
	set_mask(0);
	w.widened_to(w.thresholds().possible);
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	w.settle();
}

// The decisive settle three times over: each gives every worker one
// mode probe, which a fork or exit in between would void.
void settle_again(Workload &w)
{
	for (int i = 0; i < 3; i++) {
		w.unsettle();
		w.settle();
	}
}
} // namespace

int affinity(Workload &w)
{
	static const Behavior mix[] = {Behavior::spin, Behavior::sleep, Behavior::yield};
	for (unsigned n = 0; more_cycles(w, n); n++) {
		cross_once(w, mix, 3);
		widen(w);
		// Narrow it again; the process-wide mask keeps its width.
		set_mask(1);
		w.settle();
	}
	return 0;
}

int affinity_widen(Workload &w)
{
	// Two users on one CPU: max_cids 1, so per CPU mode, pcpu_thrs 1.
	const unsigned possible = w.thresholds().possible;
	w.add_worker(Behavior::spin);
	w.settle();
	// Widen: mm_update_cpus_allowed() recomputes max_cids (2) and
	// pcpu_thrs; per task mode would now fit, but the switch back is
	// only queued when users < pcpu_thrs, and pcpu_thrs <= users always.
	w.unsettle();
	set_mask(0);
	w.widened_to(possible);
	ThreadRseq rseq;
	unsigned highest = 0;
	for (unsigned c = 0; c < possible; c++) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		sched_setaffinity(0, sizeof(one), &one);
		usleep(1000); // schedule in there
		highest = std::max(highest, rseq.mm_cid());
		w.controller_progress();
	}
	set_mask(0);
	w.settle();
	const unsigned users = w.model().users();
	Thresholds wide = w.thresholds();
	wide.nr_cpus_allowed = possible;
	const unsigned per_task_bound = wide.max_cids(users);
	const unsigned per_cpu_bound = std::min(possible, w.model().settled_bound());
	printf("# affinity-widen: %u users on %u CPUs after widening: per CPU mode %s, pcpu_thrs "
	       "%u; highest mm_cid %u, per task mode would keep it below max_cids %u\n",
	       users, possible, w.model().percpu() ? "kept" : "left", w.model().pcpu_thrs(),
	       highest, per_task_bound);
	if (highest >= per_cpu_bound) {
		printf("# affinity-widen: mm_cid %u is not below the per CPU bound %u\n", highest,
		       per_cpu_bound);
		return 1;
	}
	return 0;
}

int affinity_widen_per_task(Workload &w)
{
	// Without a narrower start (two CPUs or fewer) there is nothing to
	// widen.
	if (w.thresholds().nr_cpus_allowed >= w.thresholds().possible) {
		printf(
		    "# affinity-widen-per-task: the process could not start narrower than its %u "
		    "CPUs\n",
		    w.thresholds().possible);
		return KSFT_SKIP;
	}
	// Two users on two CPUs: max_cids 2, per task mode.
	w.add_worker(Behavior::spin);
	w.settle();
	// Widen in per task mode: max_cids follows the wider mask, while
	// pcpu_thrs belongs to per CPU mode and must stay 0.
	widen(w);
	// A third user fits max_cids on three or more CPUs, so per task mode
	// stays; a pcpu_thrs left over from the widening would switch the
	// fork to per CPU mode, which the mode probes of the settles see.
	w.add_worker(Behavior::spin);
	settle_again(w);
	return 0;
}

int affinity_shrink_widen(Workload &w)
{
	// Two users on one CPU switch to per CPU mode (pcpu_thrs 1), and
	// the exit back to one user keeps it: only users < pcpu_thrs leaves.
	w.add_worker(Behavior::spin);
	w.settle();
	w.remove_worker();
	w.settle();
	// Widened with one user, the mm stays in per CPU mode (pcpu_thrs is
	// recomputed as 1); a second user, free to run anywhere, then shows
	// the mode at the settle's probe. A pcpu_thrs which ignored the one
	// allowed CPU (mutant 33; at four CPUs or more, where possible / 2
	// does not cap both at 1) left per CPU mode at the exit above.
	widen(w);
	w.add_worker(Behavior::spin);
	settle_again(w);
	return 0;
}

} // namespace mmcid::scenarios
