// SPDX-License-Identifier: GPL-2.0
// Several creators call pthread_create() at the same moment while the user
// count sits just below the per CPU threshold, so the forks which switch
// modes race with each other's fixups and with short-lived threads exiting.
#include "scenarios.hpp"

#include <barrier>
#include <thread>
#include <vector>

namespace mmcid::scenarios
{

int concurrent_create(Workload &w)
{
	const unsigned enter = w.thresholds().users_to_enter_percpu();
	const unsigned creators = std::max(2u, w.thresholds().possible);
	// The controller and the creators are users too: park the rest just
	// below the threshold with background workers.
	while (w.model().users() + creators + 1 < enter)
		w.add_worker(Behavior::spin);
	w.unsettle(); // the model cannot follow concurrent forks
	std::atomic<bool> stop{false};
	// Decided once per round, in the barrier's completion step, so that
	// every creator leaves in the same round.
	bool last_round = false;
	std::atomic<unsigned> rounds_done{0};
	std::barrier sync(creators, [&]() noexcept {
		last_round = stop.load();
		rounds_done++;
	});
	std::vector<std::thread> threads;
	for (unsigned c = 0; c < creators; c++) {
		threads.emplace_back([&] {
			while (true) {
				sync.arrive_and_wait();
				if (last_round)
					break;
				std::thread t([&] { w.short_worker(20); });
				t.join();
			}
		});
	}
	// At least one round of short-lived threads, however few --cycles
	// and however slowly the creators start: the checks need commits.
	unsigned rounds = 0;
	while (more_cycles(w, rounds) || rounds_done.load() < 2) {
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
		w.controller_progress();
		rounds++;
		w.crossed();
	}
	stop = true;
	for (auto &t : threads)
		t.join();
	return 0;
}

} // namespace mmcid::scenarios
