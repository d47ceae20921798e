/* SPDX-License-Identifier: MIT */
/*
 * <mach/machine/vm_types.h> - machine-dependent scalar types of libmachport.
 *
 * libmachport reproduces the macOS userspace ABI on 64-bit Linux: the
 * "natural" Mach integers stay 32 bits wide (as on macOS LP64), while
 * addresses and sizes follow the pointer width.  Every other Mach header
 * builds on the types declared here.
 */
#ifndef LIBMACHPORT_MACH_MACHINE_VM_TYPES_H
#define LIBMACHPORT_MACH_MACHINE_VM_TYPES_H

#include <stdint.h>

#if !defined(__LP64__) && !defined(_LP64)
#error "libmachport targets LP64 platforms only (x86_64, aarch64)"
#endif

/* Mach's legacy 32-bit integers: unsigned and signed. */
typedef unsigned int natural_t;
typedef int integer_t;

/* Addresses and sizes in the caller's own address space (pointer sized). */
typedef uintptr_t vm_offset_t;
typedef uintptr_t vm_size_t;

/* Addresses and sizes that are 64 bits wide whatever the caller's ABI. */
typedef uint64_t mach_vm_address_t;
typedef uint64_t mach_vm_offset_t;
typedef uint64_t mach_vm_size_t;

typedef uint64_t vm_map_offset_t;
typedef uint64_t vm_map_address_t;
typedef uint64_t vm_map_size_t;

/* A receive right's context word (also the guard of a guarded port). */
typedef mach_vm_address_t mach_port_context_t;

#endif /* LIBMACHPORT_MACH_MACHINE_VM_TYPES_H */
