/* SPDX-License-Identifier: MIT */
/*
 * <mach/ndr.h> - Network Data Representation record.
 *
 * MIG-style messages carry an 8-byte NDR record that describes how the
 * sender encodes integers, characters and floating point numbers.
 * NDR_record is the record describing the calling program itself.
 */
#ifndef LIBMACHPORT_MACH_NDR_H
#define LIBMACHPORT_MACH_NDR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	unsigned char	mig_vers;
	unsigned char	if_vers;
	unsigned char	reserved1;
	unsigned char	mig_encoding;	/* NDR_PROTOCOL_* */
	unsigned char	int_rep;	/* NDR_INT_* */
	unsigned char	char_rep;	/* NDR_CHAR_* */
	unsigned char	float_rep;	/* NDR_FLOAT_* */
	unsigned char	reserved2;
} NDR_record_t;

#define NDR_PROTOCOL_2_0	0

#define NDR_INT_BIG_ENDIAN	0
#define NDR_INT_LITTLE_ENDIAN	1

#define NDR_FLOAT_IEEE		0
#define NDR_FLOAT_VAX		1
#define NDR_FLOAT_CRAY		2
#define NDR_FLOAT_IBM		3

#define NDR_CHAR_ASCII		0
#define NDR_CHAR_EBCDIC		1

/* This program's own representation (defined by libmachport). */
extern NDR_record_t NDR_record;

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_NDR_H */
