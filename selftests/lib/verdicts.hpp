/* SPDX-License-Identifier: GPL-2.0-only */
// Judging a scenario: what its workers observed, against the checks. The
// workload drives the kernel and collects Observations; judge() alone
// decides and prints the "# name: check ok|FAILED: detail" lines.
#pragma once

#include "checkers.hpp"

#include <cstdint>

namespace mmcid
{

// What the workers of one scenario saw, merged.
struct Observations {
	DensityChecker always{0};
	DensityChecker settled{0};
	CpuIdChecker cpu{0};
	ModeChecker mode;
	uint64_t commits = 0, aborts = 0, registration_errors = 0;
	uint64_t registrations = 0, extended = 0; // extended: longer than 32 bytes
	uint32_t extended_len = 0;

	void merge(const Observations &other);
};

struct ScenarioRun {
	uint64_t crossings = 0;
	unsigned peak_users = 0;
	bool white_box = false;	       // the checks of the kernel's thresholds
	bool critical_sections = true; // the architecture has them (arch/)
};

// Prints the verdict of every check (@quiet: only if one failed);
// KSFT_PASS when all hold, else KSFT_FAIL.
int judge(const char *name, const ScenarioRun &run, const Observations &seen,
	  const UniquenessLedger &ledger, bool quiet = false);

} // namespace mmcid
