// SPDX-License-Identifier: GPL-2.0-only
#include "mm_cid_stats.hpp"

#include <fstream>
#include <sstream>

namespace mmcid::pool
{

namespace
{
const char stats_path[] = "/sys/kernel/debug/sched/mm_cid_stats";
}

std::optional<MmCidStats> MmCidStats::parse(const std::string &text)
{
	MmCidStats s;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line)) {
		if (line.empty())
			continue;
		std::istringstream fields(line);
		std::string name, rest;
		uint64_t value;
		if (!(fields >> name >> value) || (fields >> rest))
			return std::nullopt;
		s.values.emplace_back(name, value);
	}
	if (s.values.empty())
		return std::nullopt;
	return s;
}

std::optional<MmCidStats> MmCidStats::read()
{
	std::ifstream f(stats_path);
	if (!f)
		return std::nullopt;
	std::stringstream text;
	text << f.rdbuf();
	return parse(text.str());
}

bool MmCidStats::reset()
{
	std::ofstream f(stats_path);
	return f && (f << "0\n") && f.flush();
}

uint64_t MmCidStats::get(const std::string &name) const
{
	for (const auto &[n, v] : values)
		if (n == name)
			return v;
	return 0;
}

MmCidStats MmCidStats::since(const MmCidStats &earlier) const
{
	MmCidStats d;
	for (const auto &[n, v] : values) {
		// A reset between the two reads would make it negative.
		uint64_t before = earlier.get(n);
		d.values.emplace_back(n, v >= before ? v - before : 0);
	}
	return d;
}

std::string MmCidStats::format() const
{
	std::string out;
	for (const auto &[n, v] : values)
		out += (out.empty() ? "" : " ") + n + "=" + std::to_string(v);
	return out;
}

} // namespace mmcid::pool
