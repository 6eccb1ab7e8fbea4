// SPDX-License-Identifier: GPL-2.0-only
// judge() must fail a scenario on any failed check, pass it otherwise, and
// leave the white-box checks out unless asked.
#include "kselftest.h"
#include "lib/verdicts.hpp"

#include <gtest/gtest.h>

using namespace mmcid;

namespace
{
Observations healthy()
{
	Observations o;
	o.always = DensityChecker(4);
	o.settled = DensityChecker(4);
	o.cpu = CpuIdChecker(4);
	for (uint32_t cid : {0u, 1u, 2u})
		o.always.observe(0, cid);
	o.commits = 3;
	o.registrations = 1;
	return o;
}

// A ledger whose counters sum to @counted of @commits (fewer: lost updates).
UniquenessLedger counted(uint64_t commits, uint64_t counted_ = UINT64_MAX)
{
	UniquenessLedger l(4);
	*l.counter(0) = static_cast<intptr_t>(counted_ == UINT64_MAX ? commits : counted_);
	l.add_commits(commits);
	return l;
}

// judge()'s exit code and what it printed.
std::pair<int, std::string> judged(const ScenarioRun &run, const Observations &o,
				   const UniquenessLedger &l, bool quiet = false)
{
	testing::internal::CaptureStdout();
	int rc = judge("s", run, o, l, quiet);
	return {rc, testing::internal::GetCapturedStdout()};
}
} // namespace

TEST(Judge, PassesHealthyObservations)
{
	auto [rc, out] = judged(ScenarioRun{1, 3, true, true}, healthy(), counted(3));
	EXPECT_EQ(rc, KSFT_PASS) << out;
	EXPECT_EQ(out.find("FAILED"), std::string::npos) << out;
}

TEST(Judge, FailsEachPlantedViolation)
{
	Observations dense = healthy();
	dense.always.observe(1, 9);
	EXPECT_EQ(judged(ScenarioRun{1, 3, false, true}, dense, counted(3)).first, KSFT_FAIL);

	auto [rc, out] = judged(ScenarioRun{1, 3, false, true}, healthy(), counted(3, 2));
	EXPECT_EQ(rc, KSFT_FAIL);
	EXPECT_NE(out.find("uniqueness FAILED"), std::string::npos) << out;

	Observations idle = healthy();
	idle.commits = 0;
	EXPECT_EQ(judged(ScenarioRun{1, 3, false, true}, idle, counted(0)).first, KSFT_FAIL);
}

TEST(Judge, WhiteBoxChecksOnlyWhenAsked)
{
	Observations o = healthy();
	o.settled.observe(0, 3, 2); // above a settled bound of 2
	auto [rc, out] = judged(ScenarioRun{1, 3, false, true}, o, counted(3));
	EXPECT_EQ(rc, KSFT_PASS) << out;
	EXPECT_NE(out.find("not checked"), std::string::npos) << out;
	EXPECT_EQ(judged(ScenarioRun{1, 3, true, true}, o, counted(3)).first, KSFT_FAIL);
}

TEST(Judge, WithoutCriticalSectionsUniquenessIsSkipped)
{
	auto [rc, out] = judged(ScenarioRun{1, 3, false, false}, healthy(), counted(3, 1));
	EXPECT_EQ(rc, KSFT_PASS) << out;
	EXPECT_NE(out.find("uniqueness: SKIP"), std::string::npos) << out;
}

TEST(Judge, QuietPrintsOnlyAFailure)
{
	auto [rc, out] = judged(ScenarioRun{1, 3, true, true}, healthy(), counted(3), true);
	EXPECT_EQ(rc, KSFT_PASS);
	EXPECT_EQ(out, "");
	auto [frc, fout] = judged(ScenarioRun{1, 3, true, true}, healthy(), counted(3, 2), true);
	EXPECT_EQ(frc, KSFT_FAIL);
	EXPECT_NE(fout.find("uniqueness FAILED"), std::string::npos) << fout;
	EXPECT_NE(fout.find("crossings"), std::string::npos) << fout;
}
