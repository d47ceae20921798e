/* SPDX-License-Identifier: MIT */
/*
 * <mach/vm_map.h> - allocating and releasing memory in a task.
 *
 * The task is named by its port, normally mach_task_self().  Out-of-line
 * memory received in a message is released with vm_deallocate().
 */
#ifndef LIBMACHPORT_MACH_VM_MAP_H
#define LIBMACHPORT_MACH_VM_MAP_H

#include <mach/kern_return.h>
#include <mach/vm_types.h>
#include <mach/vm_prot.h>
#include <mach/vm_statistics.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Allocate size bytes of zeroed memory (flags: VM_FLAGS_*). */
kern_return_t vm_allocate(vm_map_t target_task, vm_address_t *address,
			  vm_size_t size, int flags);

/* Release [address, address + size). */
kern_return_t vm_deallocate(vm_map_t target_task, vm_address_t address,
			    vm_size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_VM_MAP_H */
