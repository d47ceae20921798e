/* SPDX-License-Identifier: MIT */
/*
 * <mach/vm_statistics.h> - allocation flags for vm_allocate() and
 * mach_vm_allocate().  (Only the flags: the statistics structures of
 * macOS's header are not provided.)
 */
#ifndef LIBMACHPORT_MACH_VM_STATISTICS_H
#define LIBMACHPORT_MACH_VM_STATISTICS_H

#define VM_FLAGS_FIXED			0x00000000	/* at *address exactly */
#define VM_FLAGS_ANYWHERE		0x00000001	/* wherever there is room */
#define VM_FLAGS_PURGABLE		0x00000002
#define VM_FLAGS_4GB_CHUNK		0x00000004
#define VM_FLAGS_RANDOM_ADDR		0x00000008
#define VM_FLAGS_NO_CACHE		0x00000010
#define VM_FLAGS_RESILIENT_CODESIGN	0x00000020
#define VM_FLAGS_RESILIENT_MEDIA	0x00000040
#define VM_FLAGS_PERMANENT		0x00000080
#define VM_FLAGS_TPRO			0x00001000
#define VM_FLAGS_OVERWRITE		0x00004000	/* replace what is there */
#define VM_FLAGS_SUPERPAGE_MASK		0x00070000
#define VM_FLAGS_RETURN_DATA_ADDR	0x00100000
#define VM_FLAGS_RETURN_4K_DATA_ADDR	0x00800000
#define VM_FLAGS_ALIAS_MASK		0xFF000000

/* The top byte of the flags tags the memory for accounting tools. */
#define VM_GET_FLAGS_ALIAS(flags, alias) \
	(alias) = (((flags) >> 24) & 0xff)
#define VM_SET_FLAGS_ALIAS(flags, alias) \
	(flags) = (((flags) & ~VM_FLAGS_ALIAS_MASK) | \
		   (((alias) & ~VM_FLAGS_ALIAS_MASK) << 24))
#define VM_MAKE_TAG(tag)		((tag) << 24)

/* Tags reserved for applications. */
#define VM_MEMORY_APPLICATION_SPECIFIC_1	240
#define VM_MEMORY_APPLICATION_SPECIFIC_16	255

#endif /* LIBMACHPORT_MACH_VM_STATISTICS_H */
