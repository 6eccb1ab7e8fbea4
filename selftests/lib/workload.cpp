// SPDX-License-Identifier: GPL-2.0-only
// About 480 lines: the controller, the workers' loop and the settle
// protocol between them share their state and read best together; the
// judging is in verdicts.cpp, the checks in checkers.cpp.
#include "workload.hpp"

#include "../arch/rseq-arch.hpp"
#include "rseq_thread.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

namespace mmcid
{

namespace
{
constexpr unsigned batch = 16;		 // critical sections between behaviour steps
constexpr unsigned unsettled = UINT_MAX; // bound while the user count changes

// Returns once the thread has been scheduled out and in again. A short
// sleep alone is not enough: nanosleep() does not schedule when its timer
// expired before it got there, which a loaded host makes likely, and a
// thread which never switched may keep a transitional CID.
void schedule_out_and_in()
{
	rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	const long before = ru.ru_nvcsw + ru.ru_nivcsw;
	do {
		usleep(50);
		getrusage(RUSAGE_THREAD, &ru);
	} while (ru.ru_nvcsw + ru.ru_nivcsw == before);
}

// The kernel's thread count of this process (/proc/self/stat field 20):
// a read which does not schedule.
long threads_in_process()
{
	FILE *f = fopen("/proc/self/stat", "re");
	if (!f)
		return -1;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	// Field 2 (comm) may hold spaces: count from its closing parenthesis.
	const char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 20; field++)
		p = strchr(p + 1, ' ');
	return p ? strtol(p + 1, nullptr, 10) : -1;
}

void spin_us(unsigned us)
{
	auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
	while (std::chrono::steady_clock::now() < until) {
	}
}
} // namespace

const char *behavior_name(Behavior b)
{
	switch (b) {
	case Behavior::spin:
		return "spin";
	case Behavior::yield:
		return "yield";
	case Behavior::sleep:
		return "sleep";
	case Behavior::block:
		return "block";
	case Behavior::hop:
		return "hop";
	}
	return "?";
}

Workload::Workload(const Options &opts, SharedProgress *shared, Thresholds t)
    : opts_(opts), shared_(shared), thresholds_(t), model_(t), rng_(opts.seed),
      deadline_(std::chrono::steady_clock::now() +
		std::chrono::milliseconds(static_cast<long>(opts.duration_s * 1000))),
      ledger_(t.possible), unprotected_(opts.plant == "unprotected")
{
	results_.always = DensityChecker(t.possible);
	results_.cpu = CpuIdChecker(t.possible);
	controller_.always = DensityChecker(t.possible);
	controller_.cpu = CpuIdChecker(t.possible);
	shared_->active[controller_slot] = true;
	shared_->users = model_.users();
}

Workload::~Workload()
{
	while (!workers_.empty())
		remove_worker();
}

bool Workload::time_left() const
{
	return std::chrono::steady_clock::now() < deadline_;
}

unsigned Workload::take_slot()
{
	std::lock_guard<std::mutex> g(slots_lock_);
	if (!free_slots_.empty()) {
		unsigned s = free_slots_.back();
		free_slots_.pop_back();
		return s;
	}
	if (next_slot_ >= max_tracked_threads)
		return max_tracked_threads - 1; // shared, still counted
	return next_slot_++;
}

void Workload::release_slot(unsigned slot)
{
	std::lock_guard<std::mutex> g(slots_lock_);
	shared_->active[slot] = false;
	free_slots_.push_back(slot);
}

void Workload::unsettle()
{
	epoch_.fetch_add(epoch_ & 1 ? 1 : 2);
}

void Workload::settle(std::chrono::milliseconds dwell)
{
	bound_ = model_.settled_bound();
	percpu_ = model_.percpu();
	users_ = model_.users();
	epoch_.fetch_add(epoch_ & 1 ? 2 : 1);
	const uint32_t settled = epoch_.load(); // only the controller writes it
	// Let every worker schedule out and in, probe and check a few times.
	auto probed = [&] {
		for (auto &w : workers_)
			if (w->probed.load() != settled)
				return false;
		return true;
	};
	const auto start = std::chrono::steady_clock::now();
	bool told = false;
	while (!probed() || std::chrono::steady_clock::now() < start + dwell) {
		{
			std::lock_guard<std::mutex> g(block_lock_);
		}
		block_cv_.notify_all();
		controller_progress();
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
		// Only a note: a slow host delays the probes, and a thread the
		// kernel stopped running is the watchdog's to report.
		if (!told && std::chrono::steady_clock::now() > start + std::chrono::seconds(10)) {
			told = true;
			for (auto &w : workers_)
				if (w->probed.load() != settled)
					printf(
					    "# settle: worker %u (%s) has not probed after 10 s\n",
					    w->slot, behavior_name(w->role));
			fflush(stdout);
		}
	}
}

void Workload::add_worker(Behavior b, const cpu_set_t *mask)
{
	unsettle();
	auto w = std::make_unique<Worker>();
	w->slot = take_slot();
	w->role = b;
	if (mask) {
		w->pinned = true;
		w->mask = *mask;
	}
	shared_->progress[w->slot] = 0;
	shared_->active[w->slot] = true;
	Worker *raw = w.get();
	w->thread = std::thread([this, raw] { worker_main(raw); });
	if (mask)
		pthread_setaffinity_np(w->thread.native_handle(), sizeof(*mask), mask);
	workers_.push_back(std::move(w));
	model_.fork();
	shared_->users = model_.users();
	shared_->percpu = model_.percpu();
	if (model_.users() > peak_users_)
		peak_users_ = model_.users();
	controller_progress();
}

void Workload::remove_worker(bool oldest)
{
	if (workers_.empty())
		return;
	unsettle();
	auto victim = oldest ? workers_.begin() : workers_.end() - 1;
	std::unique_ptr<Worker> w = std::move(*victim);
	workers_.erase(victim);
	while (!w->committed.load()) {
		block_cv_.notify_all();
		controller_progress();
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	}
	w->stop = true;
	block_cv_.notify_all();
	w->thread.join();
	// The exiting thread ran the mode switch fixup, if any, before join
	// returned: sched_mm_cid_exit() comes before exit_mm() in do_exit().
	model_.exit();
	shared_->users = model_.users();
	shared_->percpu = model_.percpu();
	controller_progress();
}

void Workload::count_once(unsigned slot, Observations &r, uint32_t epoch_seen, bool settled_now,
			  uint32_t &last_cid)
{
	RseqAbi &area = ThreadRseq::area();
	for (unsigned k = 0; k < batch; k++) {
		uint32_t cid = __atomic_load_n(&area.mm_cid, __ATOMIC_RELAXED);
		r.always.observe(slot, cid);
		// Seqlock style: a mm_cid read after a fork or exit of another
		// thread is only checked if no user count change began before it.
		uint32_t bound = bound_.load();
		if (settled_now && epoch_.load() == epoch_seen)
			r.settled.observe(slot, cid, bound);
		if (cid < ledger_.size()) {
			if (!arch::rseq_cs_supported) {
				// No critical section to run: a read after
				// registration is the thread's progress.
				r.commits++;
			} else if (unprotected_) {
				// The same load, delay and store, but nothing aborts it.
				volatile intptr_t *c = ledger_.counter(cid);
				intptr_t v = *c;
				for (unsigned i = 0; i < opts_.spin; i++)
					__asm__ __volatile__("" ::: "memory");
				*c = v + 1;
				r.commits++;
			} else if (arch::cid_add(&area, cid, ledger_.counter(cid), 1, opts_.spin) ==
				   0) {
				r.commits++;
			} else {
				r.aborts++;
			}
		}
		last_cid = cid;
	}
}

// Two checks encode the kernel's own arithmetic, not its ABI: the settled
// bound (lib/thresholds, the thresholds) and the ownership mode
// (lib/mode_model), read from the kernels with the per task and per CPU
// ownership modes (653fda7ae73d, "sched/mmcid: Switch over to the new
// mechanism"). They run with --white-box, for a kernel known to have those
// formulas; every other check holds on any kernel.
bool Workload::white_box() const
{
	return opts_.white_box;
}

// Pins the thread to two CPUs of @allowed in turn and reads its mm_cid on
// each, then restores @own. sched_setaffinity() returns only once the
// thread runs on an allowed CPU, so each read is from the CPU just set.
void Workload::probe_mode(const cpu_set_t &allowed, const cpu_set_t &own, std::mt19937_64 &rng,
			  uint32_t epoch, Observations &r)
{
	const int n = CPU_COUNT(&allowed);
	if (n < 2 || !white_box())
		return;
	const int first = static_cast<int>(rng() % n);
	const int second = static_cast<int>((first + 1 + rng() % (n - 1)) % n);
	unsigned cpu[2] = {0, 0};
	uint32_t cid[2] = {0, 0};
	bool pinned = true;
	for (int i = 0; i < 2; i++) {
		int pick = i ? second : first, c = 0;
		for (; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &allowed) && pick-- == 0)
				break;
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		pinned &= sched_setaffinity(0, sizeof(one), &one) == 0;
		RseqAbi &area = ThreadRseq::area();
		cid[i] = __atomic_load_n(&area.mm_cid, __ATOMIC_RELAXED);
		cpu[i] = __atomic_load_n(&area.cpu_id, __ATOMIC_RELAXED);
		pinned &= cpu[i] == static_cast<unsigned>(c);
	}
	sched_setaffinity(0, sizeof(own), &own);
	// A fork or exit since the epoch began voids the probe.
	if (pinned && epoch_.load() == epoch)
		r.mode.observe(percpu_.load(), users_.load(), cpu[0], cid[0], cpu[1], cid[1]);
}

void Workload::worker_main(Worker *w)
{
	// Every other worker registers rseq with the kernel's full struct
	// rseq: see ThreadRseq.
	ThreadRseq rseq(w->slot & 1);
	Observations r;
	r.always = DensityChecker(thresholds_.possible);
	r.cpu = CpuIdChecker(thresholds_.possible);
	r.registrations = 1;
	if (rseq.length() > sizeof(RseqAbi)) {
		r.extended = 1;
		r.extended_len = rseq.length();
	}
	if (!rseq.registered()) {
		r.registration_errors++;
		merge(r);
		release_slot(w->slot);
		w->probed = UINT32_MAX; // nothing to wait for: the check reports it
		w->committed = true;
		return;
	}
	std::mt19937_64 rng(opts_.seed ^ (0x9e3779b97f4a7c15ull * (w->slot + 1)));
	cpu_set_t own;
	CPU_ZERO(&own);
	if (w->pinned)
		own = w->mask; // the controller may not have moved it there yet
	else
		sched_getaffinity(0, sizeof(own), &own);
	cpu_set_t allowed = own; // the CPUs this thread may hop between
	const bool own_mask = w->role == Behavior::hop;

	if (hooks_.start)
		hooks_.start();
	// Not an epoch: a thread which starts after settle() began must
	// still take part in it (settle() waits for its probe).
	uint32_t epoch_seen = epoch_.load() - 1, last_cid = 0;
	bool settled_now = false;
	while (!w->stop.load(std::memory_order_relaxed)) {
		uint32_t e = epoch_.load();
		if (e != epoch_seen) {
			epoch_seen = e;
			settled_now = false;
			if (e & 1) {
				schedule_out_and_in();
				probe_mode(allowed, own, rng, e, r);
				w->probed = e;
				settled_now = true;
			}
		}
		count_once(w->slot, r, epoch_seen, settled_now, last_cid);
		if (r.commits)
			w->committed.store(true, std::memory_order_relaxed);
		uint32_t cpu = rseq.cpu_id();
		r.cpu.observe(cpu, !own_mask || (cpu < CPU_SETSIZE && CPU_ISSET(cpu, &own)));
		shared_->last_cid[w->slot] = last_cid;
		shared_->last_cpu[w->slot] = cpu;
		shared_->progress[w->slot]++;
		if (hooks_.iteration)
			hooks_.iteration();

		switch (w->role) {
		case Behavior::spin:
			spin_us(20 + rng() % 80);
			break;
		case Behavior::yield:
			sched_yield();
			break;
		case Behavior::sleep: {
			timespec ts{0, static_cast<long>(10000 + rng() % 190000)};
			nanosleep(&ts, nullptr);
			break;
		}
		case Behavior::block: {
			std::unique_lock<std::mutex> g(block_lock_);
			block_cv_.wait_for(g, std::chrono::milliseconds(2));
			break;
		}
		case Behavior::hop: {
			int n = CPU_COUNT(&allowed), pick = static_cast<int>(rng() % n);
			for (int c = 0; c < CPU_SETSIZE; c++) {
				if (CPU_ISSET(c, &allowed) && pick-- == 0) {
					cpu_set_t one;
					CPU_ZERO(&one);
					CPU_SET(c, &one);
					// cpu_id is checked against the mask in force.
					if (!sched_setaffinity(0, sizeof(one), &one))
						own = one;
					break;
				}
			}
			break;
		}
		}
	}
	if (hooks_.stop)
		hooks_.stop();
	merge(r);
	release_slot(w->slot);
}

void Workload::short_worker(unsigned iterations)
{
	unsigned slot = take_slot();
	shared_->active[slot] = true;
	ThreadRseq rseq;
	Observations r;
	r.always = DensityChecker(thresholds_.possible);
	r.cpu = CpuIdChecker(thresholds_.possible);
	if (!rseq.registered()) {
		r.registration_errors++;
	} else {
		uint32_t last_cid = 0;
		for (unsigned i = 0; i < iterations; i++) {
			count_once(slot, r, 0, false, last_cid);
			r.cpu.observe(rseq.cpu_id(), true);
			shared_->progress[slot]++;
		}
	}
	merge(r);
	release_slot(slot);
}

void Workload::count_until(const std::function<bool()> &done)
{
	uint32_t last_cid = 0;
	do {
		count_once(controller_slot, controller_, 0, false, last_cid);
		const uint32_t cpu = __atomic_load_n(&ThreadRseq::area().cpu_id, __ATOMIC_RELAXED);
		controller_.cpu.observe(cpu, true);
		shared_->last_cid[controller_slot] = last_cid;
		shared_->last_cpu[controller_slot] = cpu;
		controller_progress();
	} while (!done());
}

void Workload::remove_workers_counting(unsigned n)
{
	n = std::min<unsigned>(n, workers_.size());
	if (!n)
		return;
	unsettle();
	const long threads = threads_in_process();
	std::vector<std::unique_ptr<Worker>> leaving;
	leaving.reserve(n);
	for (unsigned i = 0; i < n; i++) {
		leaving.push_back(std::move(workers_.back()));
		workers_.pop_back();
	}
	// The checks need one critical section of each (see remove_worker()).
	count_until([&] {
		for (auto &w : leaving)
			if (!w->committed.load())
				return false;
		return true;
	});
	for (auto &w : leaving)
		w->stop = true;
	block_cv_.notify_all();
	// Without /proc, join() waits for them (and schedules).
	if (threads > 0)
		count_until([&] { return threads_in_process() <= threads - long(n); });
	for (auto &w : leaving) {
		w->thread.join(); // released already: returns at once
		model_.exit();
	}
	shared_->users = model_.users();
	shared_->percpu = model_.percpu();
}

bool Workload::workers_made(size_t first, uint64_t rounds) const
{
	// A worker which could not register stopped at once (inactive); the
	// checks report it.
	for (size_t i = first; i < workers_.size(); i++)
		if (shared_->active[workers_[i]->slot] &&
		    shared_->progress[workers_[i]->slot].load() < rounds)
			return false;
	return true;
}

void Workload::merge(const Observations &r)
{
	std::lock_guard<std::mutex> g(results_lock_);
	results_.merge(r);
	ledger_.add_commits(r.commits);
}

int Workload::finish(const char *name, bool quiet)
{
	while (!workers_.empty())
		remove_worker();
	shared_->active[controller_slot] = false;
	merge(controller_);
	const ScenarioRun run{shared_->crossings.load(), peak_users_, white_box(),
			      arch::rseq_cs_supported};
	return judge(name, run, results_, ledger_, quiet);
}

} // namespace mmcid
