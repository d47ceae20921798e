/* SPDX-License-Identifier: MIT */
/*
 * <mach/vm_page_size.h> - the page size of the calling task.
 *
 * The variables are defined by libmachport and hold the Linux page size.
 */
#ifndef LIBMACHPORT_MACH_VM_PAGE_SIZE_H
#define LIBMACHPORT_MACH_VM_PAGE_SIZE_H

#include <mach/vm_types.h>

#ifdef __cplusplus
extern "C" {
#endif

extern vm_size_t vm_page_size;	/* bytes per page */
extern vm_size_t vm_page_mask;	/* vm_page_size - 1 */
extern int vm_page_shift;	/* log2(vm_page_size) */

#ifdef __cplusplus
}
#endif

/* Round an address down / up to a page boundary. */
#ifndef trunc_page
#define trunc_page(x)	((x) & ~vm_page_mask)
#endif
#ifndef round_page
#define round_page(x)	trunc_page((x) + vm_page_mask)
#endif

/* The same for the fixed 64-bit VM types. */
#define mach_vm_trunc_page(x) \
	((mach_vm_offset_t)(x) & ~(mach_vm_offset_t)vm_page_mask)
#define mach_vm_round_page(x) \
	mach_vm_trunc_page((mach_vm_offset_t)(x) + vm_page_mask)

#endif /* LIBMACHPORT_MACH_VM_PAGE_SIZE_H */
