// SPDX-License-Identifier: GPL-2.0-only
// Fork bursts across the per CPU threshold: from one user, a group of
// creators is released at once and each creates a thread, so that the
// forks which switch to per CPU mode race with each other, with the fixup
// walk they start and with the threads exiting right after; then
// everything exits and the process is back to one user (per task mode)
// for the next burst.
#include "scenarios.hpp"

#include <barrier>
#include <thread>
#include <vector>

namespace mmcid::scenarios
{

int concurrent_create(Workload &w)
{
	const unsigned enter = w.thresholds().users_to_enter_percpu();
	// The controller, the creators and one thread each: past the switch.
	const unsigned creators = enter / 2 + 1;
	w.unsettle(); // the model cannot follow concurrent forks
	for (unsigned n = 0; more_cycles(w, n); n++) {
		std::barrier go(creators);
		std::vector<std::thread> threads;
		for (unsigned c = 0; c < creators; c++) {
			threads.emplace_back([&] {
				go.arrive_and_wait();
				std::thread t([&] { w.short_worker(20); });
				w.short_worker(20);
				t.join();
			});
		}
		for (auto &t : threads)
			t.join();
		w.controller_progress();
		w.crossed();
	}
	return 0;
}

} // namespace mmcid::scenarios
