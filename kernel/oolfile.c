// SPDX-License-Identifier: GPL-2.0
/*
 * Large out-of-line regions: the sender's bytes are copied once into pages
 * of our own, which a file (anonymous inode) holds; the receiver maps that
 * file privately and every page is mapped at once, read-only, so reading
 * costs neither a copy nor a fault, and writing copies only the page
 * written (copy-on-write, as for any private file mapping).
 *
 * The pages are allocated for the message (charged to the sender's memory
 * cgroup) and freed when the file goes: when the message is freed and the
 * last mapping of the region is gone. A page one of those mappings wrote
 * to is the mapping's own copy by then.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "oolfile.h"

struct ool_region {
	unsigned long npages;
	struct page *pages[];
};

static void region_free(struct ool_region *r, unsigned long upto)
{
	unsigned long i;

	for (i = 0; i < upto; i++)
		put_page(r->pages[i]);
	kvfree(r);
}

/*
 * A page the mapping lost (MADV_DONTNEED, or a range not mapped at mmap
 * time): the region's page again. Beyond the region: SIGBUS, as past the
 * end of a file.
 */
static vm_fault_t ool_fault(struct vm_fault *vmf)
{
	struct ool_region *r = vmf->vma->vm_file->private_data;

	if (vmf->pgoff >= r->npages)
		return VM_FAULT_SIGBUS;
	vmf->page = r->pages[vmf->pgoff];
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct ool_vm_ops = {
	.fault = ool_fault,
};

/* Private mappings only: a shared one would let writes reach the region. */
static int ool_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ool_region *r = file->private_data;
	unsigned long n = vma_pages(vma);

	if (vma->vm_flags & VM_MAYSHARE)
		return -EACCES;
	if (vma->vm_pgoff >= r->npages)
		return -EINVAL;
	n = min(n, r->npages - vma->vm_pgoff);
	vma->vm_ops = &ool_vm_ops;
	return vm_insert_pages(vma, vma->vm_start, r->pages + vma->vm_pgoff,
			       &n);
}

static int ool_release(struct inode *inode, struct file *file)
{
	struct ool_region *r = file->private_data;

	region_free(r, r->npages);
	return 0;
}

static const struct file_operations ool_fops = {
	.owner = THIS_MODULE,
	.mmap = ool_mmap,
	.release = ool_release,
};

/* One page of the region: @chunk bytes from @src, the rest of it zero. */
static int fill_page(struct page *page, const void __user *src, u32 chunk)
{
	void *dst = page_address(page);

	if (copy_from_user(dst, src, chunk))
		return -EFAULT;
	if (chunk < PAGE_SIZE)
		memset(dst + chunk, 0, PAGE_SIZE - chunk);
	return 0;
}

/**
 * mp_ool_file() - copy @count bytes from @src into a new region
 * @src: the sender's range
 * @count: its size, at least 1
 *
 * Return: the region as a file the receiver maps with vm_mmap(), or
 * ERR_PTR(-ENOMEM), or ERR_PTR(-EFAULT) when @src cannot be read.
 */
struct file *mp_ool_file(const void __user *src, u32 count)
{
	unsigned long i, npages = DIV_ROUND_UP(count, PAGE_SIZE);
	struct ool_region *r;
	struct file *file;
	int err = 0;

	r = kvmalloc(struct_size(r, pages, npages), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->npages = npages;
	for (i = 0; i < npages && !err; i++) {
		u32 off = i << PAGE_SHIFT;

		r->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT);
		if (!r->pages[i]) {
			err = -ENOMEM;
			break;
		}
		err = fill_page(r->pages[i], src + off,
				min_t(u32, PAGE_SIZE, count - off));
		cond_resched();
	}
	if (err) {
		region_free(r, i);
		return ERR_PTR(err);
	}
	file = anon_inode_getfile("[machport-ool]", &ool_fops, r, O_RDWR);
	if (IS_ERR(file))
		region_free(r, npages);
	return file;
}
