// SPDX-License-Identifier: GPL-2.0
/* The trace events' definitions (include/binder_trace.h documents them). */
#include "binder_internal.h"

#define CREATE_TRACE_POINTS
#include "binder_trace.h"
