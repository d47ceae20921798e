/* SPDX-License-Identifier: MIT */
/*
 * <mach/mach.h> - everything a Mach IPC program usually needs.
 *
 * Like macOS's header of the same name this pulls in the types, the port
 * and message interfaces, mach_task_self() and the VM calls.  It also
 * brings in <mach/notify.h>, <mach/mach_vm.h> and <mach/mach_error.h>,
 * which macOS programs include separately (doing so stays harmless).
 */
#ifndef LIBMACHPORT_MACH_MACH_H
#define LIBMACHPORT_MACH_MACH_H

#include <mach/std_types.h>
#include <mach/mach_types.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/error.h>
#include <mach/mach_error.h>
#include <mach/port.h>
#include <mach/message.h>
#include <mach/ndr.h>
#include <mach/notify.h>
#include <mach/mach_port.h>
#include <mach/mig_errors.h>
#include <mach/mach_init.h>
#include <mach/mach_traps.h>
#include <mach/task_special_ports.h>
#include <mach/task.h>
#include <mach/vm_types.h>
#include <mach/vm_prot.h>
#include <mach/vm_statistics.h>
#include <mach/vm_page_size.h>
#include <mach/vm_map.h>
#include <mach/mach_vm.h>

#endif /* LIBMACHPORT_MACH_MACH_H */
