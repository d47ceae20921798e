// SPDX-License-Identifier: GPL-2.0
/* The tracepoints' definitions (see mp_trace.h). */
#define CREATE_TRACE_POINTS
#include "mp_trace.h"
