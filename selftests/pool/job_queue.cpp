// SPDX-License-Identifier: GPL-2.0-only
#include "job_queue.hpp"

#include "rcu_config.hpp"

namespace mmcid::pool
{

namespace
{
struct Job {
	cds_wfcq_node node;
	uint64_t cost; // iterations of work, read from the RCU-protected config
};
} // namespace

JobQueue::JobQueue()
{
	cds_wfcq_init(&head_, &tail_);
}

JobQueue::~JobQueue()
{
	while (run_one()) {
	}
	cds_wfcq_destroy(&head_, &tail_);
}

void JobQueue::submit(unsigned jobs)
{
	for (unsigned i = 0; i < jobs; i++) {
		Job *job = new Job;
		cds_wfcq_node_init(&job->node);
		job->cost = 0;
		cds_wfcq_enqueue(cds_wfcq_head_cast(&head_), &tail_, &job->node);
		submitted_++;
	}
}

bool JobQueue::run_one()
{
	cds_wfcq_node *node = cds_wfcq_dequeue_blocking(&head_, &tail_);
	if (!node)
		return false;
	Job *job = caa_container_of(node, Job, node);
	job->cost = RcuConfig::job_cost();
	volatile uint64_t sink = 0;
	for (uint64_t i = 0; i < job->cost; i++)
		sink = sink + i;
	delete job;
	done_++;
	return true;
}

} // namespace mmcid::pool
