/* SPDX-License-Identifier: GPL-2.0-only */
// Progress of a scenario's threads in memory shared with the watchdog
// process, which stays outside the scenario's mm so that it neither counts
// as a CID user nor stops when the scenario's threads do.
#pragma once

#include <atomic>
#include <cstdint>

namespace mmcid
{

inline constexpr unsigned max_tracked_threads = 512;
inline constexpr unsigned controller_slot = 0;

struct SharedProgress {
	std::atomic<uint64_t> progress[max_tracked_threads];
	std::atomic<bool> active[max_tracked_threads];
	std::atomic<uint32_t> last_cid[max_tracked_threads];
	std::atomic<uint32_t> last_cpu[max_tracked_threads];
	std::atomic<uint32_t> users;
	std::atomic<bool> percpu;
	std::atomic<uint64_t> crossings;
};

// A zeroed SharedProgress shared with children forked later.
SharedProgress *map_shared_progress();
void unmap_shared_progress(SharedProgress *p);

} // namespace mmcid
