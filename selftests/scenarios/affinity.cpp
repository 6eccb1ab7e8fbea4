// SPDX-License-Identifier: GPL-2.0
// The process starts with a narrow process-wide mask (see start_cpus), so
// it switches to per CPU mode early; then the mask is widened, which goes
// through mm_update_cpus_allowed() and the deferred work, and the threads
// are narrowed again (which never shrinks the process-wide mask).
#include "scenarios.hpp"

#include <sched.h>
#include <thread>

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
} // namespace

int affinity(Workload &w)
{
	static const Behavior mix[] = {Behavior::spin, Behavior::sleep, Behavior::yield};
	const unsigned possible = w.thresholds().possible;
	for (unsigned n = 0; more_cycles(w, n); n++) {
		cross_once(w, mix, 3);
		// Widen the controller's mask: the process-wide mask grows.
		w.unsettle();
		set_mask(0);
		w.widened_to(possible);
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
		w.settle();
		// Narrow it again; the process-wide mask keeps its width.
		set_mask(1);
		w.settle();
	}
	return 0;
}

} // namespace mmcid::scenarios
