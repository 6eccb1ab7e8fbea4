// SPDX-License-Identifier: GPL-2.0
// ppc64le rseq pieces.
#pragma once

#include <cstdint>

namespace mmcid::arch
{
// twui r5,11: a trap which no compiler emits.
inline constexpr uint32_t rseq_sig = 0x0fe5000b;
} // namespace mmcid::arch
