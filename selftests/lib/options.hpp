/* SPDX-License-Identifier: GPL-2.0-only */
// Command line of the scenario programs.
#pragma once

#include <cstdint>
#include <string>

namespace mmcid
{

struct Options {
	double duration_s = 12;	   // per time-bound scenario (run-tests long: 15)
	unsigned cycles = 0;	   // threshold crossings per scenario; 0: as many as fit
	unsigned threads = 0;	   // peak worker threads; 0: one past the per CPU threshold
	unsigned processes = 0;	   // storm: 0 is two per CPU (<= 1024 threads)
	uint64_t seed = 0;	   // 0: from the clock; printed either way
	double stall_s = 20;	   // a thread without progress this long fails the test
	unsigned spin = 64;	   // delay loop inside each rseq critical section
	std::string only;	   // run just this scenario
	bool allow_lockup = false; // run scenarios which hard-lock affected kernels
	bool white_box = false;	   // the checks of the kernel's own thresholds
	// Seconds between the runner's "still running" lines; 0: none. A
	// guest that locks up stops them, so the last one dates the lock-up
	// of a guest silent otherwise.
	double heartbeat_s = 0;
	// "unprotected": count without rseq protection, so the uniqueness
	// check must fail; shows the check can fail on a real kernel.
	std::string plant;
};

// Parses --duration= --cycles= --threads= --processes= --seed= --stall= --spin= --only=
// --heartbeat= --allow-lockup --white-box --plant= (lib/cmdline.hpp: usage on --help, KSFT_FAIL on
// a bad option).
Options parse_options(int argc, char **argv, const char *scenarios);

} // namespace mmcid
