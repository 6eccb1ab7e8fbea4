/* SPDX-License-Identifier: GPL-2.0-only */
// Command line of the scenario programs.
#pragma once

#include <cstdint>
#include <string>

namespace mmcid
{

struct Options {
	double duration_s = 15;	   // per scenario
	unsigned cycles = 0;	   // threshold crossings per scenario; 0: as many as fit
	unsigned threads = 0;	   // peak worker threads; 0: one past the per CPU threshold
	uint64_t seed = 0;	   // 0: from the clock; printed either way
	double stall_s = 20;	   // a thread without progress this long fails the test
	unsigned spin = 64;	   // delay loop inside each rseq critical section
	std::string only;	   // run just this scenario
	bool allow_lockup = false; // run scenarios which hard-lock affected kernels
	bool white_box = false;	   // the checks of the kernel's own thresholds
	// "unprotected": count without rseq protection, so the uniqueness
	// check must fail; shows the check can fail on a real kernel.
	std::string plant;
};

// Parses --duration= --cycles= --threads= --seed= --stall= --spin= --only=
// --allow-lockup --plant= (lib/cmdline.hpp: usage on --help, KSFT_FAIL on
// a bad option).
Options parse_options(int argc, char **argv, const char *scenarios);

} // namespace mmcid
