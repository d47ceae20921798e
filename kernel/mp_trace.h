/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints: events/machport/ in tracefs, for ftrace, perf trace and
 * bpftrace. Ports are named by their introspection identifier (the
 * MACHPORT_A_ENTRY_PORT_ID lsmp shows), never by a kernel address.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM machport

#if !defined(MACHPORT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MACHPORT_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(machport_msg,
		    TP_PROTO(u64 port, s32 id, u32 size),
		    TP_ARGS(port, id, size),
		    TP_STRUCT__entry(__field(u64, port)
				     __field(s32, id)
				     __field(u32, size)),
		    TP_fast_assign(__entry->port = port;
				   __entry->id = id;
				   __entry->size = size;),
		    TP_printk("port=%llu id=%d size=%u", __entry->port,
			      __entry->id, __entry->size));

/* A message was queued on, or handed to a receiver of, @port. */
DEFINE_EVENT(machport_msg, machport_msg_send,
	     TP_PROTO(u64 port, s32 id, u32 size),
	     TP_ARGS(port, id, size));

/* A message from @port was received. */
DEFINE_EVENT(machport_msg, machport_msg_receive,
	     TP_PROTO(u64 port, s32 id, u32 size),
	     TP_ARGS(port, id, size));

/* The kernel sent a notification (or a kernel server's reply) to @port. */
DEFINE_EVENT(machport_msg, machport_notify,
	     TP_PROTO(u64 port, s32 id, u32 size),
	     TP_ARGS(port, id, size));

DECLARE_EVENT_CLASS(machport_port,
		    TP_PROTO(u64 port),
		    TP_ARGS(port),
		    TP_STRUCT__entry(__field(u64, port)),
		    TP_fast_assign(__entry->port = port;),
		    TP_printk("port=%llu", __entry->port));

DEFINE_EVENT(machport_port, machport_port_create,
	     TP_PROTO(u64 port),
	     TP_ARGS(port));

/* The receive right was destroyed: the port is dead. */
DEFINE_EVENT(machport_port, machport_port_death,
	     TP_PROTO(u64 port),
	     TP_ARGS(port));

#endif /* MACHPORT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mp_trace
#include <trace/define_trace.h>
