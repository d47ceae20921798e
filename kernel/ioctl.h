/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_IOCTL_H
#define MACHPORT_IOCTL_H

struct file;

long mp_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* MACHPORT_IOCTL_H */
