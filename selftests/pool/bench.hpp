/* SPDX-License-Identifier: GPL-2.0-only */
// Bench mode of the thread pool (mm_cid_pool --bench): the pool grows past
// the per CPU threshold and shrinks below the per task one at a set rate,
// while its workers run short jobs and sleep between them, so that the
// process context switches all the time. Prints the kernel's debug
// counters (patches/debug/bench) per sample period and for the whole run.
#pragma once

namespace mmcid::pool
{

// Exit code: 0 when the counters moved, 4 (skip) on a kernel without
// them, 1 when they did not move, 2 on a bad option.
int bench_main(int argc, char **argv);

} // namespace mmcid::pool
