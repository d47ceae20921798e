/* SPDX-License-Identifier: MIT */
/*
 * <mach/vm_types.h> - virtual-memory types.
 *
 * In userspace an address map is named by a port (the task port), so
 * vm_map_t and friends are port names.
 */
#ifndef LIBMACHPORT_MACH_VM_TYPES_H
#define LIBMACHPORT_MACH_VM_TYPES_H

#include <stdint.h>
#include <mach/port.h>
#include <mach/machine/vm_types.h>

typedef vm_offset_t	pointer_t;
typedef vm_offset_t	vm_address_t;

typedef uint64_t	addr64_t;	/* 64-bit address on any ABI */
typedef uint32_t	reg64_t;
typedef uint32_t	ppnum_t;	/* physical page number */
#define PPNUM_MAX	UINT32_MAX

typedef mach_port_t	vm_map_t;
typedef mach_port_t	vm_map_read_t;
typedef mach_port_t	vm_map_inspect_t;
typedef mach_port_t	upl_t;
typedef mach_port_t	vm_named_entry_t;

#define VM_MAP_NULL		((vm_map_t)0)
#define VM_MAP_INSPECT_NULL	((vm_map_inspect_t)0)
#define VM_MAP_READ_NULL	((vm_map_read_t)0)
#define UPL_NULL		((upl_t)0)
#define VM_NAMED_ENTRY_NULL	((vm_named_entry_t)0)

typedef uint64_t	vm_object_offset_t;
typedef uint64_t	vm_object_size_t;

#endif /* LIBMACHPORT_MACH_VM_TYPES_H */
