/* SPDX-License-Identifier: GPL-2.0-only */
// The pool's configuration, published with RCU (liburcu's urcu-memb
// flavour): readers are the workers, the updater is the controller, whose
// synchronize_rcu() issues membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED),
// an IPI to every CPU running a thread of the process, while threads are
// created and exit across the mode thresholds.
#pragma once

#include <cstdint>

namespace mmcid::pool
{

class RcuConfig
{
public:
	static void register_thread();
	static void unregister_thread();
	// Reader: the cost of a job under the current configuration.
	static uint64_t job_cost();
	// Updater: publish a new configuration and wait for the readers.
	static void publish(uint64_t cost);
	static uint64_t generations();
};

} // namespace mmcid::pool
