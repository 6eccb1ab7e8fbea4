// SPDX-License-Identifier: GPL-2.0-only
#include "bench.hpp"

#include "job_queue.hpp"
#include "kselftest.h"
#include "lib/cmdline.hpp"
#include "lib/thresholds.hpp"
#include "mm_cid_stats.hpp"
#include "rcu_config.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace mmcid::pool
{

namespace
{
using clock = std::chrono::steady_clock;

struct BenchOptions {
	double rate = 10;	// full crossings (up and down) per second
	double duration_s = 20; // length of the measurement
	unsigned sample_ms = 250;
	unsigned sleep_us = 50; // a worker's pause after each job
	unsigned high = 0;	// users at the top; 0: one past the per CPU switch
	unsigned low = 0;	// users at the bottom; 0: below the switch back
};

BenchOptions parse(int argc, char **argv)
{
	BenchOptions o;
	CommandLine cl("bench mode of mm_cid_pool: --bench first\n");
	cl.ignore("bench");
	cl.real("rate", o.rate);
	cl.real("duration", o.duration_s);
	cl.number("sample-ms", o.sample_ms, 1);
	cl.number("sleep-us", o.sleep_us);
	cl.number("high", o.high);
	cl.number("low", o.low);
	cl.parse(argc, argv);
	if (o.rate <= 0 || o.duration_s <= 0) {
		fprintf(stderr, "%s: --rate and --duration must be positive\n", argv[0]);
		exit(KSFT_FAIL);
	}
	return o;
}

// The workers. Each one is a CID user: adding one is a fork in the
// kernel's view, removing one an exit.
class BenchPool
{
public:
	BenchPool(JobQueue &jobs, unsigned sleep_us) : jobs_(jobs), sleep_us_(sleep_us) {}
	~BenchPool() { resize(0); }

	void resize(unsigned n)
	{
		while (workers_.size() < n) {
			auto w = std::make_unique<Worker>();
			Worker *raw = w.get();
			w->thread = std::thread([this, raw] { run(raw); });
			workers_.push_back(std::move(w));
		}
		while (workers_.size() > n) {
			workers_.back()->stop = true;
			workers_.back()->thread.join();
			workers_.pop_back();
		}
	}
	unsigned size() const { return workers_.size(); }

private:
	struct Worker {
		std::thread thread;
		std::atomic<bool> stop{false};
	};

	void run(Worker *w)
	{
		RcuConfig::register_thread();
		while (!w->stop.load(std::memory_order_relaxed)) {
			jobs_.run_one();
			// Out and in again: a schedule in per job.
			std::this_thread::sleep_for(std::chrono::microseconds(sleep_us_));
		}
		RcuConfig::unregister_thread();
	}

	JobQueue &jobs_;
	unsigned sleep_us_;
	std::vector<std::unique_ptr<Worker>> workers_;
};

long ms_since(clock::time_point t0)
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count();
}
} // namespace

int bench_main(int argc, char **argv)
{
	const BenchOptions o = parse(argc, argv);
	const Thresholds t = current_thresholds();
	// Users are the workers plus this thread.
	const unsigned high = o.high ? o.high : t.users_to_enter_percpu() + 1;
	const unsigned low = o.low ? o.low : std::max(t.users_after_leaving_percpu(), 1u);
	if (low < 1 || high <= low) {
		fprintf(stderr, "%s: need 1 <= --low < --high (got %u, %u)\n", argv[0], low, high);
		return KSFT_FAIL;
	}
	printf("# bench: %.1f crossings/s for %.0f s, users %u..%u (per CPU mode from %u), "
	       "%u us sleep per job, samples every %u ms\n",
	       o.rate, o.duration_s, low, high, t.users_to_enter_percpu(), o.sleep_us, o.sample_ms);
	if (!MmCidStats::reset() || !MmCidStats::read()) {
		printf("# bench: no /sys/kernel/debug/sched/mm_cid_stats: a kernel without "
		       "patches/debug/bench, or debugfs not mounted\n");
		return KSFT_SKIP;
	}

	JobQueue jobs;
	RcuConfig::register_thread();
	RcuConfig::publish(200);
	const MmCidStats start = *MmCidStats::read();
	MmCidStats prev = start;
	const auto t0 = clock::now();
	const auto half = std::chrono::duration_cast<clock::duration>(
	    std::chrono::duration<double>(0.5 / o.rate));
	const auto sample = std::chrono::milliseconds(o.sample_ms);
	const auto end = t0 + std::chrono::duration_cast<clock::duration>(
				  std::chrono::duration<double>(o.duration_s));
	unsigned crossings = 0;
	uint64_t late = 0;
	bool up = true;
	{
		BenchPool pool(jobs, o.sleep_us);
		pool.resize(high - 1);
		auto phase_end = t0 + half, next_sample = t0 + sample;
		while (clock::now() < end) {
			jobs.submit(pool.size());
			auto now = clock::now();
			if (now >= phase_end) {
				up = !up;
				pool.resize((up ? high : low) - 1);
				RcuConfig::publish(100 + crossings % 300);
				crossings += up;
				phase_end += half;
				// Resizing took longer than the period: do not burst.
				if (clock::now() > phase_end) {
					late++;
					phase_end = clock::now() + half;
				}
			}
			if (now >= next_sample) {
				auto cur = MmCidStats::read();
				if (cur) {
					printf("bench-sample t_ms=%ld users=%u %s\n", ms_since(t0),
					       pool.size() + 1, cur->since(prev).format().c_str());
					prev = *cur;
				}
				next_sample += sample;
			}
			std::this_thread::sleep_for(std::chrono::milliseconds(1));
		}
	}
	while (jobs.run_one()) {
	}
	RcuConfig::unregister_thread();
	const long elapsed = ms_since(t0);
	auto fin = MmCidStats::read();
	if (!fin) {
		printf("# bench: the counters disappeared\n");
		return KSFT_FAIL;
	}
	const MmCidStats total = fin->since(start);
	printf("bench-total elapsed_ms=%ld crossings=%u late_phases=%llu %s\n", elapsed, crossings,
	       static_cast<unsigned long long>(late), total.format().c_str());
	// The smoke check of make check: every counter the benchmark relies on moved.
	for (const char *name :
	     {"switch", "schedin", "schedin_fast", "cid_get", "cid_drop", "mode_switch"})
		if (!total.get(name)) {
			printf("# bench: counter %s did not move\n", name);
			return KSFT_FAIL;
		}
	return KSFT_PASS;
}

} // namespace mmcid::pool
