// SPDX-License-Identifier: GPL-2.0-only
#include "scenarios.hpp"

#include <algorithm>

namespace mmcid::scenarios
{

unsigned high_users(const Workload &w)
{
	// One past the switch, so that forks also happen in per CPU mode.
	if (w.options().threads)
		return w.options().threads + 1;
	return w.thresholds().users_to_enter_percpu() + 1;
}

unsigned low_users(const Workload &w)
{
	return std::max(w.thresholds().users_after_leaving_percpu(), 1u);
}

bool more_cycles(const Workload &w, unsigned done)
{
	if (w.options().cycles)
		return done < w.options().cycles;
	return w.time_left();
}

void cross_once(Workload &w, const Behavior *behaviors, unsigned nr_behaviors, bool settle)
{
	unsigned i = 0;
	while (w.model().users() < high_users(w))
		w.add_worker(behaviors[i++ % nr_behaviors]);
	if (settle)
		w.settle();
	while (w.model().users() > low_users(w)) {
		w.remove_worker();
		// The last count which stays in per CPU mode: an early switch
		// back shows there (ModeChecker).
		if (settle && w.model().percpu() && w.model().users() == w.model().pcpu_thrs())
			w.settle();
	}
	if (settle)
		w.settle();
	w.crossed();
}

namespace
{
// Per task mode only: grow to the most users it allows, settling at each
// count, then retire the oldest workers first, settling at each count, so
// that the younger ones hold CIDs above the shrinking bound and must
// converge below it (mm_cid_converge()) at their next schedule in.
void per_task_once(Workload &w, const Behavior *behaviors, unsigned nr_behaviors)
{
	const unsigned top = w.thresholds().users_to_enter_percpu() - 1;
	unsigned i = 0;
	while (w.model().users() < top) {
		w.add_worker(behaviors[i++ % nr_behaviors]);
		w.settle();
	}
	while (w.workers()) {
		w.remove_worker(true);
		w.settle();
	}
}
} // namespace

int crossing(Workload &w)
{
	static const Behavior mix[] = {Behavior::spin, Behavior::yield, Behavior::sleep,
				       Behavior::block};
	// Every other cycle stays in per task mode: the settled bounds are
	// tight there (max_cids(users) < num_possible_cpus()).
	for (unsigned n = 0; more_cycles(w, n); n++) {
		if (n & 1)
			per_task_once(w, mix, 4);
		else
			cross_once(w, mix, 4);
	}
	return 0;
}

} // namespace mmcid::scenarios
