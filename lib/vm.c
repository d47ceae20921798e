// SPDX-License-Identifier: MIT
/*
 * vm_allocate() and vm_deallocate() for the caller's own task, over mmap.
 * Memory from vm_allocate() is zero-filled and page-aligned, as on macOS.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

vm_size_t vm_page_size;
vm_size_t vm_page_mask;
int vm_page_shift;

__attribute__((constructor)) static void init_page_size(void)
{
	long size = sysconf(_SC_PAGESIZE);

	vm_page_size = (vm_size_t)size;
	vm_page_mask = vm_page_size - 1;
	vm_page_shift = __builtin_ctzl((unsigned long)size);
}

static vm_size_t page_round(vm_size_t x)
{
	return (x + vm_page_mask) & ~vm_page_mask;
}

kern_return_t vm_allocate(vm_map_t task, vm_address_t *addr, vm_size_t size,
			  int flags)
{
	int mflags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *hint = NULL, *p;
	vm_size_t len;

	if (!mp_task_ok(task))
		return MACH_SEND_INVALID_DEST;
	/* Only placement bits are meaningful here; ignore tags in the top byte. */
	if (flags & ~(VM_FLAGS_ANYWHERE | 0xff000000))
		return KERN_INVALID_ARGUMENT;
	if (size == 0) {
		*addr = 0;
		return KERN_SUCCESS;
	}
	len = page_round(size);
	if (len < size)
		return KERN_INVALID_ARGUMENT;
	if (!(flags & VM_FLAGS_ANYWHERE)) {
		if (*addr & vm_page_mask)
			return KERN_INVALID_ADDRESS;
		hint = (void *)*addr;
		mflags |= MAP_FIXED_NOREPLACE;
	}
	p = mmap(hint, len, PROT_READ | PROT_WRITE, mflags, -1, 0);
	if (p == MAP_FAILED)
		return errno == EEXIST ? KERN_NO_SPACE :
		       KERN_RESOURCE_SHORTAGE;
	if (hint && p != hint) {	/* kernels before 4.17 */
		munmap(p, len);
		return KERN_NO_SPACE;
	}
	*addr = (vm_address_t)p;
	return KERN_SUCCESS;
}

kern_return_t vm_deallocate(vm_map_t task, vm_address_t addr, vm_size_t size)
{
	vm_address_t start, end;

	if (!mp_task_ok(task))
		return MACH_SEND_INVALID_DEST;
	if (size == 0)
		return KERN_SUCCESS;
	start = addr & ~vm_page_mask;
	end = page_round(addr + size);
	if (end <= start)
		return KERN_INVALID_ARGUMENT;
	if (munmap((void *)start, end - start))
		return KERN_INVALID_ARGUMENT;
	return KERN_SUCCESS;
}

kern_return_t mach_vm_allocate(vm_map_t task, mach_vm_address_t *addr,
			       mach_vm_size_t size, int flags)
{
	vm_address_t a = (vm_address_t)*addr;
	kern_return_t kr = vm_allocate(task, &a, (vm_size_t)size, flags);

	if (kr == KERN_SUCCESS)
		*addr = a;
	return kr;
}

kern_return_t mach_vm_deallocate(vm_map_t task, mach_vm_address_t addr,
				 mach_vm_size_t size)
{
	return vm_deallocate(task, (vm_address_t)addr, (vm_size_t)size);
}
