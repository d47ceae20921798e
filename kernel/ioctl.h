/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_IOCTL_H
#define MACHPORT_IOCTL_H

struct file;

struct mp_space;

long mp_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
struct mp_space *mp_file_space(struct file *file);

#endif /* MACHPORT_IOCTL_H */
