// SPDX-License-Identifier: GPL-2.0-only
#include "verdicts.hpp"

#include "kselftest.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace mmcid
{

void Observations::merge(const Observations &o)
{
	always.merge(o.always);
	settled.merge(o.settled);
	cpu.merge(o.cpu);
	mode.merge(o.mode);
	commits += o.commits;
	aborts += o.aborts;
	registration_errors += o.registration_errors;
	registrations += o.registrations;
	extended += o.extended;
	extended_len = std::max(extended_len, o.extended_len);
}

int judge(const char *name, const ScenarioRun &run, const Observations &r,
	  const UniquenessLedger &ledger, bool quiet)
{
	bool ok = true;
	std::string out;
	auto line = [&](const std::string &text) {
		out += "# " + std::string(name) + ": " + text + "\n";
	};
	line(std::to_string(run.crossings) + " crossings, peak " + std::to_string(run.peak_users) +
	     " users, " + std::to_string(r.commits) + " commits, " + std::to_string(r.aborts) +
	     " aborts");
	auto verdict = [&](const char *what, bool good, const std::string &detail) {
		line(std::string(what) + (good ? " ok: " : " FAILED: ") + detail);
		ok &= good;
	};
	verdict("rseq registration", r.registration_errors == 0,
		std::to_string(r.registration_errors) + " threads could not register; " +
		    std::to_string(r.extended) + " of " + std::to_string(r.registrations) +
		    " workers registered " +
		    (r.extended ? std::to_string(r.extended_len) : std::string("more than 32")) +
		    " bytes");
	verdict("density (below num_possible_cpus)", r.always.ok(), r.always.report());
	if (run.white_box)
		verdict("density (below the settled bound)", r.settled.ok(), r.settled.report());
	if (run.critical_sections)
		verdict("uniqueness", ledger.ok(), ledger.report());
	else
		line("uniqueness: SKIP: no rseq critical section for this architecture");
	verdict("cpu_id", r.cpu.ok(), r.cpu.report());
	if (run.white_box)
		verdict("ownership mode", r.mode.ok(), r.mode.report());
	else
		line("settled bound and ownership mode not checked (--white-box checks them on "
		     "kernels with 7.2's thresholds)");
	verdict(run.critical_sections ? "critical sections committed" : "mm_cid reads",
		r.commits > 0,
		std::to_string(r.commits) + (run.critical_sections ? " commits" : " reads"));
	if (!quiet || !ok)
		fputs(out.c_str(), stdout);
	fflush(stdout);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

} // namespace mmcid
