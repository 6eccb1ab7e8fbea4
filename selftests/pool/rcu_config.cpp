// SPDX-License-Identifier: GPL-2.0-only
#include "rcu_config.hpp"

#include <atomic>

#include <urcu/urcu-memb.h>

namespace mmcid::pool
{

namespace
{
struct Config {
	uint64_t cost;
	uint64_t generation;
};
Config *current; // RCU protected
std::atomic<uint64_t> published{0};
} // namespace

void RcuConfig::register_thread()
{
	urcu_memb_register_thread();
}

void RcuConfig::unregister_thread()
{
	urcu_memb_unregister_thread();
}

uint64_t RcuConfig::job_cost()
{
	urcu_memb_read_lock();
	Config *c = rcu_dereference(current);
	uint64_t cost = c ? c->cost : 0;
	urcu_memb_read_unlock();
	return cost;
}

void RcuConfig::publish(uint64_t cost)
{
	Config *c = new Config{cost, published.load() + 1};
	Config *old = rcu_xchg_pointer(&current, c);
	urcu_memb_synchronize_rcu();
	delete old;
	published++;
}

uint64_t RcuConfig::generations()
{
	return published.load();
}

} // namespace mmcid::pool
