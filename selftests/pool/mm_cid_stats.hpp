/* SPDX-License-Identifier: GPL-2.0-only */
// The debug counters of patches/debug/bench, as the kernel prints them in
// /sys/kernel/debug/sched/mm_cid_stats: "name value" per line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mmcid::pool
{

struct MmCidStats {
	std::vector<std::pair<std::string, uint64_t>> values;

	// Parses the file's text; nullopt if a line is malformed.
	static std::optional<MmCidStats> parse(const std::string &text);
	// nullopt when the kernel has no counters (or debugfs is not mounted).
	static std::optional<MmCidStats> read();
	// Sets every counter to zero; false when that is not possible.
	static bool reset();

	uint64_t get(const std::string &name) const;
	// The counters of @this minus those of @earlier, name by name.
	MmCidStats since(const MmCidStats &earlier) const;
	// "name=value name=value ..."
	std::string format() const;
};

} // namespace mmcid::pool
