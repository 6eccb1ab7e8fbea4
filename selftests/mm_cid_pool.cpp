// SPDX-License-Identifier: GPL-2.0-only
// A thread pool whose number of active workers oscillates across the per
// CPU threshold, built on liburcu: jobs go through a wait-free queue, the
// workers read the pool's configuration under urcu-memb read locks, and
// the controller republishes it with synchronize_rcu() (membarrier IPIs)
// at every change of the pool size. The workers run the same mm_cid
// checks as every other scenario; in addition every submitted job must
// have been run. "--bench" runs the benchmark mode instead.
#include "lib/runner.hpp"
#include "pool/bench.hpp"
#include "pool/job_queue.hpp"
#include "pool/rcu_config.hpp"
#include "scenarios/scenarios.hpp"

#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

using namespace mmcid;

namespace
{
int thread_pool(Workload &w)
{
	pool::JobQueue jobs;
	pool::RcuConfig::register_thread();
	pool::RcuConfig::publish(200);
	w.set_worker_hooks({[] { pool::RcuConfig::register_thread(); }, [&jobs] { jobs.run_one(); },
			    [] { pool::RcuConfig::unregister_thread(); }});
	static const Behavior mix[] = {Behavior::yield, Behavior::sleep, Behavior::spin,
				       Behavior::block};
	unsigned i = 0, n = 0;
	for (; scenarios::more_cycles(w, n); n++) {
		// Grow: a burst of work arrives, the pool adds workers.
		while (w.model().users() < scenarios::high_users(w)) {
			w.add_worker(mix[i++ % 4]);
			jobs.submit(64);
			pool::RcuConfig::publish(100 + w.rng()() % 400);
		}
		w.settle();
		// Shrink: the burst is over, idle workers retire.
		while (w.model().users() > scenarios::low_users(w)) {
			w.remove_worker();
			pool::RcuConfig::publish(100 + w.rng()() % 400);
		}
		w.settle();
		w.crossed();
	}
	// The workers dequeue from @jobs: all of them must be gone before it
	// is (Workload::finish() would join them only after this returns).
	while (w.workers())
		w.remove_worker();
	// The controller runs what the retired workers left behind.
	while (jobs.run_one()) {
	}
	pool::RcuConfig::unregister_thread();
	const bool all_run = jobs.done() == jobs.submitted();
	printf("# thread-pool: %u pool cycles, %llu jobs submitted, %llu run, %llu "
	       "configurations published: %s\n",
	       n, static_cast<unsigned long long>(jobs.submitted()),
	       static_cast<unsigned long long>(jobs.done()),
	       static_cast<unsigned long long>(pool::RcuConfig::generations()),
	       all_run ? "ok" : "FAILED");
	return all_run ? 0 : 1;
}
} // namespace

int main(int argc, char **argv)
{
	// Not a test: the benchmark of make bench (pool/bench.hpp).
	if (argc > 1 && !strcmp(argv[1], "--bench"))
		return pool::bench_main(argc, argv);
	const std::vector<Scenario> scenarios = {
	    {"thread-pool",
	     "liburcu thread pool: wfcqueue jobs, urcu-memb readers, membarrier updates, pool "
	     "size oscillating across the thresholds",
	     thread_pool},
	};
	scenario_main("mm_cid_pool", argc, argv, scenarios);
}
