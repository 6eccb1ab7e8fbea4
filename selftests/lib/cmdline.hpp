/* SPDX-License-Identifier: GPL-2.0-only */
// The one command line parser of the collection's programs: options of
// the form --name=value and --flag, each bound to a variable. --help
// prints the usage and exits KSFT_PASS; a bad option or value prints one
// line naming it and exits KSFT_FAIL (kselftest counts bad usage as a
// failure, never as a skip or an expected failure).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mmcid
{

class CommandLine
{
public:
	// @usage_tail: printed after the options (e.g. the scenario names).
	explicit CommandLine(std::string usage_tail = "") : tail_(std::move(usage_tail)) {}

	void number(const char *name, unsigned &v, unsigned long min = 0,
		    unsigned long max = UINT32_MAX);
	void number(const char *name, uint64_t &v, unsigned long min = 0);
	void real(const char *name, double &v, double min = 0, double max = 1e9);
	// @allowed: the only values accepted, if not empty.
	void text(const char *name, std::string &v, std::vector<std::string> allowed = {});
	void flag(const char *name, bool &v);
	// Accepted and ignored (a mode switch that main() looked at).
	void ignore(const char *name);

	void parse(int argc, char **argv) const;

private:
	struct Option {
		std::string name, value_hint;
		bool takes_value;
		std::function<bool(const char *, std::string &)> set; // false: bad value, why
	};
	[[noreturn]] void usage(const char *prog, int rc) const;
	std::vector<Option> options_;
	std::string tail_;
};

} // namespace mmcid
