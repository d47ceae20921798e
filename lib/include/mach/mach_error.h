/* SPDX-License-Identifier: MIT */
/*
 * <mach/mach_error.h> - turning Mach error codes into text.
 */
#ifndef LIBMACHPORT_MACH_MACH_ERROR_H
#define LIBMACHPORT_MACH_MACH_ERROR_H

#include <mach/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * "(system/subsystem) description" for error_value, e.g.
 * "(ipc/send) invalid destination port"; "unknown error code" when the
 * code is not known.  The string is static: do not modify or free it.
 */
char *mach_error_string(mach_error_t error_value);

/* Print "str description (hex code)" and a newline on stderr. */
void mach_error(const char *str, mach_error_t error_value);

/* Only the "(system/subsystem)" part, e.g. "(os/kern)"; "(?/?)" if unknown. */
char *mach_error_type(mach_error_t error_value);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_MACH_ERROR_H */
