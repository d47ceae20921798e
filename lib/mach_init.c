// SPDX-License-Identifier: MIT
/*
 * Per-task constants every Mach program expects to find.
 */
#include "internal.h"

/* MIG's data representation record: little-endian integers, IEEE floats. */
NDR_record_t NDR_record = {
	.int_rep = NDR_INT_LITTLE_ENDIAN,
};

const security_token_t KERNEL_SECURITY_TOKEN = { { 0, 1 } };
const audit_token_t KERNEL_AUDIT_TOKEN = { { 0 } };

mach_port_t mach_task_self(void)
{
	return MP_TASK_SELF_NAME;
}
