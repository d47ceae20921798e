# SPDX-License-Identifier: GPL-2.0
#
# machport: Mach ports for Linux.
#
#   make                 module for the running kernel + libmachport
#   make demo            boot a VM with the module and show Mach IPC working
#   make check           the whole test suite in VMs on every kernel lane
#   make check KERNELS=stock     one lane only (stock, 6.12, debug, latest)
#   make module KERNEL=<lane>    the module for one VM lane, in build/<lane>/
#   make fuzz SECONDS=N  a fuzzing campaign of N seconds on the debug lane
#   make install [DESTDIR=...] [PREFIX=/usr/local], make uninstall
#   make dkms-install    the module under DKMS (rebuilt for new kernels)
#   make check-host      the selftests against the running kernel (root)
#
# `make demo` and `make check` install what they need (Debian packages,
# as root) on first use. See README.md and Documentation/.

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build
KERNELS ?= stock 6.12 debug latest
KERNEL ?= stock
KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell git -C $(TOP) describe --always --dirty 2>/dev/null || cat $(TOP)/VERSION)

CC ?= cc
CFLAGS ?= -O2 -g
MP_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-I$(TOP)/lib/include -I$(TOP)/uapi

# ---- library -----------------------------------------------------------
SOVERSION := 0
LIBVERSION := 0.1.0
LIB_SRCS := $(wildcard $(TOP)/lib/*.c)
LIB_OBJS := $(patsubst $(TOP)/lib/%.c,$(BUILD)/lib/obj/%.o,$(LIB_SRCS))
LIB_HDRS := $(shell find $(TOP)/lib -name '*.h') $(TOP)/uapi/linux/machport.h
LIBSO := $(BUILD)/lib/libmachport.so.$(LIBVERSION)
LIBA := $(BUILD)/lib/libmachport.a

.PHONY: all lib module host-module tests demo check deps clean checkpatch lsmp fuzz

all: lib host-module

lib: $(LIBSO) $(LIBA)

$(BUILD)/lib/obj/%.o: $(TOP)/lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MP_CFLAGS) -fPIC -pthread -c -o $@ $<

$(LIBSO): $(LIB_OBJS) $(TOP)/lib/libmachport.map
	$(CC) -shared -pthread -Wl,-soname,libmachport.so.$(SOVERSION) \
		-Wl,--version-script=$(TOP)/lib/libmachport.map -Wl,-z,defs \
		-o $@ $(LIB_OBJS)
	ln -sf libmachport.so.$(LIBVERSION) $(BUILD)/lib/libmachport.so.$(SOVERSION)
	ln -sf libmachport.so.$(SOVERSION) $(BUILD)/lib/libmachport.so

$(LIBA): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# ---- kernel module ------------------------------------------------------
KSRCS := Kbuild $(wildcard kernel/*.c kernel/*.h) uapi/linux/machport.h

# Module for the running kernel (a real Linux machine), built in the tree.
host-module:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(TOP) MACHPORT_VERSION=$(VERSION) modules; \
	else \
		echo "No kernel headers at $(KDIR): skipping the module (set KDIR=...)"; \
	fi

# Module for a VM lane, built from a copy so that lanes do not collide.
module:
	@tools/kernel-lane $(KERNEL) setup
	@mkdir -p $(BUILD)/$(KERNEL)
	@tar -C $(TOP) -cf - $(KSRCS) | tar -C $(BUILD)/$(KERNEL) -xf -
	$(MAKE) -C $$(tools/kernel-lane $(KERNEL) kdir) M=$(BUILD)/$(KERNEL) \
		MACHPORT_VERSION=$(VERSION) W=1 modules

# ---- tests -------------------------------------------------------------
HARNESS_DIR := $(BUILD)/kselftest
HARNESS := $(HARNESS_DIR)/kselftest_harness.h
TEST_SRCS := $(wildcard $(TOP)/selftests/*.c)
TESTS := $(patsubst $(TOP)/selftests/%.c,$(BUILD)/selftests/%,$(TEST_SRCS))
DEMO := $(BUILD)/demo/demo

# kselftest_harness.h comes from Debian's linux-source-6.1 at build time.
$(HARNESS):
	@tools/install-deps linux-source-6.1
	@mkdir -p $(HARNESS_DIR)
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(HARNESS_DIR) \
		--strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
	@touch $@

TEST_CFLAGS := $(MP_CFLAGS) -I$(HARNESS_DIR) -Wno-unused-parameter -Wno-sign-compare -Wno-misleading-indentation -pthread
TEST_LDFLAGS := -L$(BUILD)/lib -Wl,-rpath,$(BUILD)/lib -lmachport -pthread

$(BUILD)/selftests/%: $(TOP)/selftests/%.c $(HARNESS) $(LIBSO) $(LIB_HDRS) $(wildcard $(TOP)/selftests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_CFLAGS) -o $@ $< $(TEST_LDFLAGS)

# lsmp: lists Mach ports through the machport generic netlink family.
LSMP := $(BUILD)/selftests/lsmp
$(LSMP): $(TOP)/tools/lsmp/lsmp.c $(TOP)/uapi/linux/machport.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MP_CFLAGS) -o $@ $< -lmnl

lsmp: $(LSMP)

tests: $(TESTS) $(BUILD)/selftests/run $(LSMP)
$(BUILD)/selftests/run: $(TOP)/selftests/run
	@mkdir -p $(dir $@)
	cp $< $@

$(DEMO): $(TOP)/tools/demo/demo.c $(LIBSO) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MP_CFLAGS) -o $@ $< -L$(BUILD)/lib \
		-Wl,-rpath,$(BUILD)/lib -lmachport -pthread

# A longer fuzzing campaign: make fuzz SECONDS=3600 [KERNEL=debug]
# (selftests/fuzz, Documentation/fuzzing.md).
SECONDS ?= 600
FUZZ_KERNEL ?= debug
fuzz: deps
	$(MAKE) module KERNEL=$(FUZZ_KERNEL)
	$(MAKE) lib tests
	tools/vm-run --kernel $(FUZZ_KERNEL) --timeout $$(( $(SECONDS) + 900 )) \
		--include build/selftests --include build/lib \
		-- build/selftests/fuzz --seconds $(SECONDS)

# The benchmark (make bench) lives in its own fragment.
-include $(TOP)/tools/bench/bench.mk

# install, uninstall, dkms-install, dkms-uninstall, check-host
# (Documentation/install.md).
include $(TOP)/tools/install.mk

deps:
	@tools/install-deps

demo: deps
	$(MAKE) module KERNEL=$(KERNEL)
	$(MAKE) lib $(DEMO) $(LSMP)
	tools/vm-run --kernel $(KERNEL) --include $(LSMP) -- $(DEMO) --lsmp $(LSMP)

check: deps
	@$(MAKE) lib tests
	@tools/check $(KERNELS)

checkpatch:
	@tools/checkpatch

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
