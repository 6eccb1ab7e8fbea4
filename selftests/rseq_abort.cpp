// SPDX-License-Identifier: GPL-2.0-only
// An rseq critical section must abort whenever its thread was scheduled
// out inside it, on every path back to user space. Workers count into a
// per CPU counter in critical sections keyed by rseq cpu_id; sleepers on
// the same CPUs wake from short timers all the time, so that interrupts
// from user space, and further interrupts while the kernel returns from
// one, keep preempting the workers. A count lost means a section resumed
// after another thread ran on its CPU, or ran with a stale cpu_id.
//
// Usage: rseq_abort [--duration=SECONDS] [--workers=N] [--sleepers=N]
//                   [--sleep-us=N] [--spin=N] [--only=one-cpu|all-cpus]
//                   [--plant=unprotected]
#include "arch/rseq-arch.hpp"
#include "kselftest.h"
#include "lib/cmdline.hpp"
#include "lib/rseq_thread.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace mmcid;

namespace
{
struct Config {
	double duration_s = 10;
	unsigned workers = 2;  // per CPU used
	unsigned sleepers = 2; // per CPU used
	unsigned sleep_us = 20;
	uint64_t spin = 256;
	std::string only;
	bool unprotected = false;
};

struct alignas(64) Counter {
	intptr_t value = 0;
};

struct Totals {
	std::atomic<uint64_t> committed{0}, aborted{0}, wakeups{0}, stale{0};
};

Config parse(int argc, char **argv)
{
	Config c;
	std::string plant;
	CommandLine cl;
	cl.real("duration", c.duration_s, 1);
	cl.number("workers", c.workers, 2);
	cl.number("sleepers", c.sleepers);
	cl.number("sleep-us", c.sleep_us, 1);
	cl.number("spin", c.spin);
	cl.text("only", c.only, {"one-cpu", "all-cpus"});
	cl.text("plant", plant, {"unprotected"});
	cl.parse(argc, argv);
	c.unprotected = plant == "unprotected";
	return c;
}

void pin(int cpu)
{
	if (cpu < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		ksft_exit_fail_msg("cannot pin a thread to CPU %d\n", cpu);
}

// The planted mistake: the same count without rseq, which must lose
// updates on a real kernel and so shows that the check can fail.
int unprotected_add(RseqAbi *rs, uint32_t cpu, intptr_t *v, unsigned long spin)
{
	if (__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED) != cpu)
		return -1;
	intptr_t x = __atomic_load_n(v, __ATOMIC_RELAXED);
	for (unsigned long i = 0; i < spin; i++)
		__asm__ __volatile__("" ::: "memory");
	__atomic_store_n(v, x + 1, __ATOMIC_RELAXED);
	return 0;
}

void worker(const Config &c, int cpu, std::vector<Counter> &counters, Totals &t,
	    const std::atomic<bool> &stop)
{
	pin(cpu);
	ThreadRseq reg;
	if (!reg.registered())
		ksft_exit_fail_msg("rseq registration: %s\n", strerror(reg.error()));
	RseqAbi *rs = &ThreadRseq::area();
	uint64_t committed = 0, stale = 0, n = 0;
	while (!stop.load(std::memory_order_relaxed)) {
		// Now and then: rseq cpu_id must name the CPU the thread runs on.
		// Pinned, the thread cannot move between the reads, so equal
		// before and after getcpu() but different from it means the
		// kernel returned to user space without updating it. (Unpinned,
		// two migrations around getcpu() would look the same.)
		if (cpu >= 0 && (++n & 255) == 0) {
			uint32_t before = reg.cpu_id();
			int real = sched_getcpu();
			if (real >= 0 && before == reg.cpu_id() &&
			    before != static_cast<uint32_t>(real))
				stale++;
		}
		uint32_t now = reg.cpu_id();
		intptr_t *v = &counters[now].value;
		int rc = c.unprotected ? unprotected_add(rs, now, v, c.spin)
				       : arch::cpu_add(rs, now, v, 1, c.spin);
		if (rc == 0)
			committed++;
		else
			t.aborted++; // rare, and counted live: run() waits for one
	}
	t.committed += committed;
	t.stale += stale;
}

void sleeper(const Config &c, int cpu, Totals &t, const std::atomic<bool> &stop)
{
	pin(cpu);
	const timespec ts = {0, static_cast<long>(c.sleep_us) * 1000};
	uint64_t n = 0;
	while (!stop.load(std::memory_order_relaxed)) {
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
		n++;
	}
	t.wakeups += n;
}

// @cpus: the CPUs to pin to, or {-1} for threads the scheduler moves.
bool run(const char *name, const Config &c, const std::vector<int> &cpus, unsigned nr_cpus)
{
	std::vector<Counter> counters(nr_cpus);
	Totals t;
	std::atomic<bool> stop{false};
	std::vector<std::thread> threads;
	for (int cpu : cpus) {
		for (unsigned i = 0; i < c.workers; i++)
			threads.emplace_back(worker, std::cref(c), cpu, std::ref(counters),
					     std::ref(t), std::cref(stop));
		for (unsigned i = 0; i < c.sleepers; i++)
			threads.emplace_back(sleeper, std::cref(c), cpu, std::ref(t),
					     std::cref(stop));
	}
	std::this_thread::sleep_for(std::chrono::duration<double>(c.duration_s));
	// The check needs one preemption inside a section; a loaded host may
	// take longer to give it: wait for it, up to ten times the duration.
	for (int i = 0; t.aborted == 0 && i < 100; i++)
		std::this_thread::sleep_for(std::chrono::duration<double>(c.duration_s / 10));
	stop = true;
	for (auto &th : threads)
		th.join();

	intptr_t counted = 0;
	for (const Counter &k : counters)
		counted += k.value;
	const uint64_t committed = t.committed;
	const long long lost = static_cast<long long>(committed) - counted;
	const uint64_t stale = t.stale;
	ksft_print_msg("%s: %llu sections committed, %llu aborted, %llu sleeper wakeups, "
		       "%llu stale cpu_id samples, counters sum to %lld: %lld lost\n",
		       name, (unsigned long long)committed, (unsigned long long)t.aborted.load(),
		       (unsigned long long)t.wakeups.load(), (unsigned long long)stale,
		       (long long)counted, lost);
	if (t.aborted == 0)
		ksft_print_msg("%s: no section aborted: the workers were never preempted inside "
			       "one, so the check proves nothing; raise --spin\n",
			       name);
	if (lost)
		ksft_print_msg("%s: a critical section resumed after its thread was scheduled out "
			       "(or ran with a stale cpu_id) without being aborted\n",
			       name);
	if (stale)
		ksft_print_msg(
		    "%s: rseq cpu_id named another CPU than getcpu() while the thread "
		    "stayed put: the kernel returned to user space without updating it\n",
		    name);
	return lost == 0 && stale == 0 && t.aborted > 0;
}
} // namespace

int main(int argc, char **argv)
{
	take_over_rseq_from_libc(argv);
	const Config c = parse(argc, argv);
	const unsigned nr_cpus = sysconf(_SC_NPROCESSORS_CONF);

	ksft_print_header();
	if (!arch::rseq_cs_supported)
		ksft_exit_skip("no rseq critical section for this architecture\n");
	const bool one = c.only.empty() || c.only == "one-cpu";
	const bool all = c.only.empty() || c.only == "all-cpus";
	if (!one && !all)
		ksft_exit_fail_msg("no subtest named '%s': one-cpu or all-cpus\n", c.only.c_str());
	ksft_set_plan(one + all);
	ThreadRseq probe;
	if (!probe.registered())
		ksft_exit_skip("rseq registration failed: %s\n", strerror(probe.error()));

	ksft_print_msg("rseq_abort: %u CPUs, %u workers and %u sleepers (%u us) per CPU, "
		       "spin %lu, %g s per subtest%s\n",
		       nr_cpus, c.workers, c.sleepers, c.sleep_us, c.spin, c.duration_s,
		       c.unprotected ? ", planted: unprotected counting" : "");
	if (one) {
		// All on the last allowed CPU: only preemption can interleave the
		// workers.
		cpu_set_t allowed;
		CPU_ZERO(&allowed);
		sched_getaffinity(0, sizeof(allowed), &allowed);
		int last = 0;
		for (int cpu = 0; cpu < static_cast<int>(nr_cpus) && cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &allowed))
				last = cpu;
		bool ok = run("one-cpu", c, {last}, nr_cpus);
		ksft_test_result(ok, "one-cpu\n");
	}
	if (all) {
		// Unpinned: migrations too, so a stale cpu_id shows as well.
		Config spread = c;
		spread.workers = c.workers * nr_cpus;
		spread.sleepers = c.sleepers * nr_cpus;
		bool ok = run("all-cpus", spread, {-1}, nr_cpus);
		ksft_test_result(ok, "all-cpus\n");
	}
	ksft_finished();
}
