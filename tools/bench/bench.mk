# SPDX-License-Identifier: GPL-2.0
#
# make bench: machport against the local IPC mechanisms of Linux, in one
# VM run (Documentation/benchmarks.md). Included by the top-level Makefile.
#
#   make bench [KERNEL=stock] [BENCH_ARGS='--scale 2']
#
# Writes build/bench/: table.txt (also printed), bench.json, bench.png and
# output.log (everything the VM printed).

BENCH_DIR := $(BUILD)/bench
BENCH_SRCS := $(addprefix $(TOP)/tools/bench/,main.c common.c peers.c \
	binder.c mach.c bulk.c mem.c path.c)
BENCH_DEPS := $(BENCH_SRCS) $(TOP)/tools/bench/bench.h $(LIBSO) $(LIB_HDRS)
BENCH_LDFLAGS := -L$(BUILD)/lib -Wl,-rpath,$(BUILD)/lib -lmachport -lrt -pthread
BENCH_BIN := $(BENCH_DIR)/machport-bench
BENCH_SMOKE := $(BUILD)/selftests/bench-smoke
OOLCOST := $(BENCH_DIR)/oolcost
BENCH_ARGS ?=

.PHONY: bench

$(BENCH_BIN): $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MP_CFLAGS) -o $@ $(BENCH_SRCS) $(BENCH_LDFLAGS)

# The same program in its smoke mode: a selftest (make check) that runs
# every scenario with a handful of iterations; timings are never checked.
$(BENCH_SMOKE): $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MP_CFLAGS) -DBENCH_SMOKE -o $@ $(BENCH_SRCS) $(BENCH_LDFLAGS)

$(OOLCOST): $(TOP)/tools/bench/oolcost.c $(LIBSO) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MP_CFLAGS) -o $@ $< $(BENCH_LDFLAGS)

tests: $(BENCH_SMOKE)

bench: deps
	$(MAKE) module KERNEL=$(KERNEL)
	$(MAKE) lib $(BENCH_BIN) $(OOLCOST)
	@tools/install-deps gnuplot-nox
	tools/bench/run --kernel $(KERNEL) -- $(BENCH_ARGS)
