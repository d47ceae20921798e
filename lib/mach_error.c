/* SPDX-License-Identifier: MIT */
/*
 * mach_error.c - text for Mach error codes (<mach/mach_error.h>).
 *
 * A code is looked up by its system and subsystem (see <mach/error.h>),
 * then by its code number in that subsystem's table.  Every text starts
 * with the "(system/subsystem)" tag that macOS prints, so logs read the
 * same on both systems.  All data is constant: the functions are
 * thread-safe and async-signal-safe apart from mach_error()'s stdio.
 */
#include <stddef.h>
#include <stdio.h>

#include <mach/kern_return.h>
#include <mach/error.h>
#include <mach/mach_error.h>
#include <mach/message.h>

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* Tags of the subsystems we know. */
#define TAG_KERN	"(os/kern)"
#define TAG_UNIX	"(os/unix)"
#define TAG_SEND	"(ipc/send)"
#define TAG_RCV		"(ipc/rcv)"
#define TAG_MIG		"(ipc/mig)"
#define TAG_UNKNOWN	"(?/?)"

static const char unknown_code[] = "unknown error code";

/* ---- system 0, subsystem 0: kern_return_t ----------------------------- */

#define K(text)	TAG_KERN " " text
static const char *const kern_text[] = {
	[KERN_SUCCESS]			= K("successful"),
	[KERN_INVALID_ADDRESS]		= K("invalid address"),
	[KERN_PROTECTION_FAILURE]	= K("protection failure"),
	[KERN_NO_SPACE]			= K("no space available"),
	[KERN_INVALID_ARGUMENT]		= K("invalid argument"),
	[KERN_FAILURE]			= K("failure"),
	[KERN_RESOURCE_SHORTAGE]	= K("resource shortage"),
	[KERN_NOT_RECEIVER]		= K("not receiver"),
	[KERN_NO_ACCESS]		= K("no access"),
	[KERN_MEMORY_FAILURE]		= K("memory failure"),
	[KERN_MEMORY_ERROR]		= K("memory error"),
	[KERN_ALREADY_IN_SET]		= K("already in set"),
	[KERN_NOT_IN_SET]		= K("not in set"),
	[KERN_NAME_EXISTS]		= K("name exists"),
	[KERN_ABORTED]			= K("aborted"),
	[KERN_INVALID_NAME]		= K("invalid name"),
	[KERN_INVALID_TASK]		= K("invalid task"),
	[KERN_INVALID_RIGHT]		= K("invalid right"),
	[KERN_INVALID_VALUE]		= K("invalid value"),
	[KERN_UREFS_OVERFLOW]		= K("urefs overflow"),
	[KERN_INVALID_CAPABILITY]	= K("invalid capability"),
	[KERN_RIGHT_EXISTS]		= K("right exists"),
	[KERN_INVALID_HOST]		= K("invalid host"),
	[KERN_MEMORY_PRESENT]		= K("memory present"),
	[KERN_MEMORY_DATA_MOVED]	= K("memory data moved"),
	[KERN_MEMORY_RESTART_COPY]	= K("memory restart copy"),
	[KERN_INVALID_PROCESSOR_SET]	= K("invalid processor set"),
	[KERN_POLICY_LIMIT]		= K("policy limit"),
	[KERN_INVALID_POLICY]		= K("invalid policy"),
	[KERN_INVALID_OBJECT]		= K("invalid object"),
	[KERN_ALREADY_WAITING]		= K("already waiting"),
	[KERN_DEFAULT_SET]		= K("default set"),
	[KERN_EXCEPTION_PROTECTED]	= K("exception protected"),
	[KERN_INVALID_LEDGER]		= K("invalid ledger"),
	[KERN_INVALID_MEMORY_CONTROL]	= K("invalid memory control"),
	[KERN_INVALID_SECURITY]		= K("invalid security"),
	[KERN_NOT_DEPRESSED]		= K("not depressed"),
	[KERN_TERMINATED]		= K("object terminated"),
	[KERN_LOCK_SET_DESTROYED]	= K("lock set destroyed"),
	[KERN_LOCK_UNSTABLE]		= K("lock unstable"),
	[KERN_LOCK_OWNED]		= K("lock owned by another thread"),
	[KERN_LOCK_OWNED_SELF]		= K("lock owned by this thread"),
	[KERN_SEMAPHORE_DESTROYED]	= K("semaphore destroyed"),
	[KERN_RPC_SERVER_TERMINATED]	= K("RPC server terminated"),
	[KERN_RPC_TERMINATE_ORPHAN]	= K("RPC orphan terminated"),
	[KERN_RPC_CONTINUE_ORPHAN]	= K("RPC orphan continues"),
	[KERN_NOT_SUPPORTED]		= K("not supported"),
	[KERN_NODE_DOWN]		= K("node down"),
	[KERN_NOT_WAITING]		= K("thread not waiting"),
	[KERN_OPERATION_TIMED_OUT]	= K("operation timed out"),
	[KERN_CODESIGN_ERROR]		= K("code signature rejected"),
	[KERN_POLICY_STATIC]		= K("policy cannot change now"),
	[KERN_INSUFFICIENT_BUFFER_SIZE]	= K("buffer too small"),
	[KERN_DENIED]			= K("denied by policy"),
	[KERN_MISSING_KC]		= K("kernel collection missing"),
	[KERN_INVALID_KC]		= K("kernel collection invalid"),
	[KERN_NOT_FOUND]		= K("not found"),
};
#undef K

/* ---- system 4, subsystem 0: mach_msg() send errors -------------------- */

/* Index: the code part of the error (err_get_code()), detail bits cleared. */
#define S(text)	TAG_SEND " " text
#define SEND_IDX(err)	((err) & 0x3fff)
static const char *const send_text[] = {
	[SEND_IDX(MACH_SEND_IN_PROGRESS)]	= S("send in progress"),
	[SEND_IDX(MACH_SEND_INVALID_DATA)]	= S("invalid message buffer"),
	[SEND_IDX(MACH_SEND_INVALID_DEST)]	= S("invalid destination port"),
	[SEND_IDX(MACH_SEND_TIMED_OUT)]		= S("timed out"),
	[SEND_IDX(MACH_SEND_INVALID_VOUCHER)]	= S("invalid voucher port"),
	[SEND_IDX(MACH_SEND_INTERRUPTED)]	= S("interrupted"),
	[SEND_IDX(MACH_SEND_MSG_TOO_SMALL)]	= S("message too small"),
	[SEND_IDX(MACH_SEND_INVALID_REPLY)]	= S("invalid reply port"),
	[SEND_IDX(MACH_SEND_INVALID_RIGHT)]	= S("invalid port right"),
	[SEND_IDX(MACH_SEND_INVALID_NOTIFY)]	= S("invalid notify port"),
	[SEND_IDX(MACH_SEND_INVALID_MEMORY)]	= S("invalid out-of-line memory"),
	[SEND_IDX(MACH_SEND_NO_BUFFER)]		= S("no message buffer"),
	[SEND_IDX(MACH_SEND_TOO_LARGE)]		= S("message too large"),
	[SEND_IDX(MACH_SEND_INVALID_TYPE)]	= S("invalid descriptor type"),
	[SEND_IDX(MACH_SEND_INVALID_HEADER)]	= S("invalid header"),
	[SEND_IDX(MACH_SEND_INVALID_TRAILER)]	= S("invalid trailer"),
	[SEND_IDX(MACH_SEND_INVALID_CONTEXT)]	= S("context does not match the port's"),
	[SEND_IDX(MACH_SEND_INVALID_OPTIONS)]	= S("invalid options"),
	[SEND_IDX(MACH_SEND_INVALID_RT_OOL_SIZE)] = S("invalid out-of-line size"),
	[SEND_IDX(MACH_SEND_NO_GRANT_DEST)]	= S("destination accepts no port rights"),
	[SEND_IDX(MACH_SEND_MSG_FILTERED)]	= S("message filtered"),
	[SEND_IDX(MACH_SEND_AUX_TOO_SMALL)]	= S("auxiliary data too small"),
	[SEND_IDX(MACH_SEND_AUX_TOO_LARGE)]	= S("auxiliary data too large"),
};
#undef S

/* ---- system 4, subsystem 1: mach_msg() receive errors ----------------- */

#define R(text)	TAG_RCV " " text
static const char *const rcv_text[] = {
	[SEND_IDX(MACH_RCV_IN_PROGRESS)]	= R("receive in progress"),
	[SEND_IDX(MACH_RCV_INVALID_NAME)]	= R("invalid port or port set name"),
	[SEND_IDX(MACH_RCV_TIMED_OUT)]		= R("timed out"),
	[SEND_IDX(MACH_RCV_TOO_LARGE)]		= R("message too large for buffer"),
	[SEND_IDX(MACH_RCV_INTERRUPTED)]	= R("interrupted"),
	[SEND_IDX(MACH_RCV_PORT_CHANGED)]	= R("port changed"),
	[SEND_IDX(MACH_RCV_INVALID_NOTIFY)]	= R("invalid notify port"),
	[SEND_IDX(MACH_RCV_INVALID_DATA)]	= R("invalid message buffer"),
	[SEND_IDX(MACH_RCV_PORT_DIED)]		= R("port died"),
	[SEND_IDX(MACH_RCV_IN_SET)]		= R("port is in a set"),
	[SEND_IDX(MACH_RCV_HEADER_ERROR)]	= R("header error"),
	[SEND_IDX(MACH_RCV_BODY_ERROR)]		= R("body error"),
	[SEND_IDX(MACH_RCV_INVALID_TYPE)]	= R("invalid descriptor type"),
	[SEND_IDX(MACH_RCV_SCATTER_SMALL)]	= R("scatter region too small"),
	[SEND_IDX(MACH_RCV_INVALID_TRAILER)]	= R("invalid trailer request"),
	[SEND_IDX(MACH_RCV_IN_PROGRESS_TIMED)]	= R("timed receive in progress"),
	[SEND_IDX(MACH_RCV_INVALID_REPLY)]	= R("invalid reply port"),
	[SEND_IDX(MACH_RCV_INVALID_ARGUMENTS)]	= R("invalid arguments"),
};
#undef R
#undef SEND_IDX

/*
 * ---- MIG errors ---------------------------------------------------------
 *
 * MIG stubs return small negative numbers (MIG_TYPE_ERROR = -300 down to
 * MIG_TRAILER_ERROR = -309, see macOS's <mach/mig_errors.h>) rather than
 * properly encoded codes; macOS still files them under "(ipc/mig)".
 */
#define MIG_FIRST	(-300)
#define MIG_LAST	(-309)
#define M(text)	TAG_MIG " " text
static const char *const mig_text[] = {
	M("client type check failure"),		/* -300 */
	M("reply message ID mismatch"),		/* -301 */
	M("server detected an error"),		/* -302 */
	M("bad request message ID"),		/* -303 */
	M("server type check failure"),		/* -304 */
	M("no reply should be sent"),		/* -305 */
	M("server raised an exception"),	/* -306 */
	M("array too large"),			/* -307 */
	M("server died"),			/* -308 */
	M("unknown trailer format"),		/* -309 */
};
#undef M

/* ---- Subsystem directory ---------------------------------------------- */

struct err_subsystem {
	int			system;		/* err_get_system() value */
	int			sub;		/* err_get_sub() value */
	const char		*tag;		/* "(system/subsystem)" */
	const char *const	*text;		/* indexed by code, may be NULL */
	size_t			count;
	int			code_mask;	/* bits of the code to index by */
};

static const struct err_subsystem subsystems[] = {
	{ 0, 0, TAG_KERN, kern_text, ARRAY_LEN(kern_text), 0x3fff },
	{ 0, 3, TAG_UNIX, NULL, 0, 0 },
	/* mach_msg() codes may carry MACH_MSG_MASK detail bits: ignore them. */
	{ 4, 0, TAG_SEND, send_text, ARRAY_LEN(send_text),
	  0x3fff & ~MACH_MSG_MASK },
	{ 4, 1, TAG_RCV, rcv_text, ARRAY_LEN(rcv_text),
	  0x3fff & ~MACH_MSG_MASK },
	{ 4, 2, TAG_MIG, NULL, 0, 0 },
};

static int is_mig_error(mach_error_t err)
{
	return err <= MIG_FIRST && err >= MIG_LAST;
}

static const struct err_subsystem *find_subsystem(mach_error_t err)
{
	int system = err_get_system(err);
	int sub = err_get_sub(err);
	size_t i;

	for (i = 0; i < ARRAY_LEN(subsystems); i++) {
		if (subsystems[i].system == system && subsystems[i].sub == sub)
			return &subsystems[i];
	}
	return NULL;
}

/*
 * The interface returns char * (as macOS's does) although the strings are
 * constant; callers must not write to them.  A union converts without a
 * cast that -Wcast-qual would flag.
 */
static char *unconst(const char *s)
{
	union {
		const char	*c;
		char		*m;
	} u;

	u.c = s;
	return u.m;
}

char *mach_error_type(mach_error_t error_value)
{
	const struct err_subsystem *ss;

	if (is_mig_error(error_value))
		return unconst(TAG_MIG);
	ss = find_subsystem(error_value);
	return unconst(ss ? ss->tag : TAG_UNKNOWN);
}

char *mach_error_string(mach_error_t error_value)
{
	const struct err_subsystem *ss;
	size_t code;

	if (is_mig_error(error_value))
		return unconst(mig_text[MIG_FIRST - error_value]);

	ss = find_subsystem(error_value);
	if (!ss || !ss->text)
		return unconst(unknown_code);

	code = (size_t)(err_get_code(error_value) & ss->code_mask);
	if (code >= ss->count || !ss->text[code])
		return unconst(unknown_code);
	return unconst(ss->text[code]);
}

void mach_error(const char *str, mach_error_t error_value)
{
	/* The layout macOS uses: caller's text, description, code in hex. */
	fprintf(stderr, "%s %s (%x)\n", str ? str : "",
		mach_error_string(error_value), (unsigned int)error_value);
}
