/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_OOLFILE_H
#define MACHPORT_OOLFILE_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct file;

struct file *mp_ool_file(const void __user *src, u32 count);

#endif /* MACHPORT_OOLFILE_H */
