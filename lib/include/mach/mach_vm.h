/* SPDX-License-Identifier: MIT */
/*
 * <mach/mach_vm.h> - the 64-bit-clean forms of vm_allocate() and
 * vm_deallocate().  Same behaviour; addresses and sizes are always 64 bits.
 */
#ifndef LIBMACHPORT_MACH_MACH_VM_H
#define LIBMACHPORT_MACH_MACH_VM_H

#include <mach/kern_return.h>
#include <mach/vm_types.h>
#include <mach/vm_prot.h>
#include <mach/vm_statistics.h>

#ifdef __cplusplus
extern "C" {
#endif

kern_return_t mach_vm_allocate(vm_map_t target, mach_vm_address_t *address,
			       mach_vm_size_t size, int flags);

kern_return_t mach_vm_deallocate(vm_map_t target, mach_vm_address_t address,
				 mach_vm_size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_MACH_VM_H */
