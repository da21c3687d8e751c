/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (-include) before the kernel's own selftests: their
 * harness (that tree's kselftest_harness.h, included here first so the
 * test's own #include of it is a no-op), with a longer per-test limit.
 * The harness's 30 s is sized for hardware; under QEMU TCG with KASAN and
 * lockdep on a busy 2-core host, binderfs_stress alone took 26 s when the
 * host was quiet and more than 30 s when it was not.  The tests
 * themselves are built unchanged.
 */
#ifndef _UPSTREAM_TIMEOUT_H
#define _UPSTREAM_TIMEOUT_H

#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

#endif
