/* SPDX-License-Identifier: GPL-2.0-only */
// The thread pool's job queue: liburcu's wait-free concurrent queue
// (wfcqueue). The controller enqueues without blocking; workers dequeue.
#pragma once

#include <atomic>
#include <cstdint>

#include <urcu/wfcqueue.h>

namespace mmcid::pool
{

class JobQueue
{
public:
	JobQueue();
	~JobQueue();
	JobQueue(const JobQueue &) = delete;
	JobQueue &operator=(const JobQueue &) = delete;

	void submit(unsigned jobs);
	// Runs one job if there is one; false when the queue was empty.
	bool run_one();
	uint64_t submitted() const { return submitted_.load(); }
	uint64_t done() const { return done_.load(); }

private:
	cds_wfcq_head head_;
	cds_wfcq_tail tail_;
	std::atomic<uint64_t> submitted_{0}, done_{0};
};

} // namespace mmcid::pool
