// SPDX-License-Identifier: GPL-2.0
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

void cross_once(Workload &w, const Behavior *behaviors, unsigned nr_behaviors)
{
	unsigned i = 0;
	while (w.model().users() < high_users(w))
		w.add_worker(behaviors[i++ % nr_behaviors]);
	w.settle();
	while (w.model().users() > low_users(w))
		w.remove_worker();
	w.settle();
	w.crossed();
}

int crossing(Workload &w)
{
	static const Behavior mix[] = {Behavior::spin, Behavior::yield, Behavior::sleep,
				       Behavior::block};
	for (unsigned n = 0; more_cycles(w, n); n++)
		cross_once(w, mix, 4);
	return 0;
}

} // namespace mmcid::scenarios
