# SPDX-License-Identifier: GPL-2.0
#
# Installing machport (included by the top-level Makefile;
# Documentation/install.md):
#
#   make install [DESTDIR=...] [PREFIX=/usr/local]   module, library, headers,
#                        machport.pc, lsmp, man pages, udev rule, modules-load.d
#   make install NO_MODULE=1      all but the module (when DKMS handles it)
#   make uninstall [DESTDIR=...] [PREFIX=...]
#   make dkms-install / dkms-uninstall    the module under DKMS
#   make check-host      the selftests against the running kernel (root)
#
# The module goes where the kernel's modules_install puts external modules
# (/lib/modules/<release>/extra), for the kernel whose build tree is KDIR
# (default: the running one); depmod runs unless DESTDIR is set (a
# package's own scripts run it at installation).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# systemd-udevd and systemd-modules-load read /usr/lib/... (packages) and
# /usr/local/lib/... (local installs): both follow PREFIX.
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
DKMS_SRC_ROOT ?= /usr/src

INSTALL ?= install
PKG_VERSION := $(shell cat $(TOP)/VERSION)
# The release the module is built for, as its vermagic says (Debian's
# header trees answer `make kernelrelease` with the upstream version).
KVER = $(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
AS_ROOT := $(shell [ "$$(id -u)" -eq 0 ] && echo yes)

MAN_PAGES := $(patsubst $(TOP)/man/%,%,$(wildcard $(TOP)/man/man*/*.[1-9]))
HDR_DIRS := mach servers machport
DKMS_FILES := $(KSRCS) VERSION

.PHONY: install uninstall install-module install-lib install-lsmp \
	install-man install-conf uninstall-module uninstall-lib \
	uninstall-lsmp uninstall-man uninstall-conf \
	dkms-source dkms-install dkms-uninstall check-host

install: $(if $(NO_MODULE),,install-module) install-lib install-lsmp \
	install-man install-conf

uninstall: $(if $(NO_MODULE),,uninstall-module) uninstall-lib \
	uninstall-lsmp uninstall-man uninstall-conf

# ---- the module -----------------------------------------------------------
# Stripped of debug info as distributions install modules
# (INSTALL_MOD_STRIP= keeps it). Kbuild signs with the kernel's own key
# only where the build tree has it (a kernel you built); distribution
# header trees do not, so signing is left out there instead of failing
# noisily. MODULE_SIGN_KEY=KEY MODULE_SIGN_CERT=CERT.der sign the
# installed module with a key of yours (a MOK enrolled with mokutil).
INSTALL_MOD_STRIP ?= 1
KCONFIG_VAL = $(shell sed -n 's/^$(1)="*\([^"]*\)"*$$/\1/p' $(KDIR)/.config 2>/dev/null)
KBUILD_NOSIGN = $(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)
MODULE_DEST = $(DESTDIR)/lib/modules/$(KVER)/extra/machport.ko

install-module:
	@if [ ! -d "$(KDIR)" ] || [ -z "$(KVER)" ]; then \
		echo "install: no kernel build tree at $(KDIR): the module is not installed"; \
		echo "install: install linux-headers-$$(uname -r), set KDIR=..., or use"; \
		echo "install: make dkms-install and make install NO_MODULE=1"; \
		exit 1; \
	fi
	$(MAKE) host-module
	$(MAKE) -C $(KDIR) M=$(TOP) KERNELRELEASE=$(KVER) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		INSTALL_MOD_STRIP=$(INSTALL_MOD_STRIP) DEPMOD=true \
		$(KBUILD_NOSIGN) modules_install
	$(if $(MODULE_SIGN_KEY),$(KDIR)/scripts/sign-file \
		$(or $(call KCONFIG_VAL,CONFIG_MODULE_SIG_HASH),sha256) \
		$(MODULE_SIGN_KEY) $(MODULE_SIGN_CERT) $(MODULE_DEST))
	@if [ -z "$(DESTDIR)" ]; then \
		echo "depmod -a $(KVER)"; depmod -a $(KVER); \
	fi

uninstall-module:
	@if [ -z "$(KVER)" ]; then \
		echo "uninstall: no kernel build tree at $(KDIR) (set KDIR=...)"; exit 1; \
	fi
	rm -f $(MODULE_DEST)*
	@if [ -z "$(DESTDIR)" ]; then \
		echo "depmod -a $(KVER)"; depmod -a $(KVER); \
	fi

# ---- library, headers, pkg-config -----------------------------------------
install-lib: $(LIBSO) $(LIBA)
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/linux
	$(INSTALL) -m 0755 $(LIBSO) $(DESTDIR)$(LIBDIR)/
	ln -sf libmachport.so.$(LIBVERSION) \
		$(DESTDIR)$(LIBDIR)/libmachport.so.$(SOVERSION)
	ln -sf libmachport.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libmachport.so
	$(INSTALL) -m 0644 $(LIBA) $(DESTDIR)$(LIBDIR)/
	cd $(TOP)/lib/include && for f in $$(find $(HDR_DIRS) -name '*.h'); do \
		$(INSTALL) -D -m 0644 $$f $(DESTDIR)$(INCLUDEDIR)/$$f || exit 1; \
	done
	$(INSTALL) -m 0644 $(TOP)/uapi/linux/machport.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/machport.h
	sed -e 's|@PREFIX@|$(PREFIX)|' \
		-e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
		-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
		-e 's|@VERSION@|$(PKG_VERSION)|' \
		$(TOP)/lib/machport.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/machport.pc
	@if [ -z "$(DESTDIR)" ] && [ "$(AS_ROOT)" = yes ]; then \
		echo ldconfig; ldconfig; \
	fi

uninstall-lib:
	rm -f $(DESTDIR)$(LIBDIR)/libmachport.so.$(LIBVERSION) \
		$(DESTDIR)$(LIBDIR)/libmachport.so.$(SOVERSION) \
		$(DESTDIR)$(LIBDIR)/libmachport.so $(DESTDIR)$(LIBDIR)/libmachport.a \
		$(DESTDIR)$(PKGCONFIGDIR)/machport.pc \
		$(DESTDIR)$(INCLUDEDIR)/linux/machport.h
	cd $(TOP)/lib/include && for f in $$(find $(HDR_DIRS) -name '*.h'); do \
		rm -f $(DESTDIR)$(INCLUDEDIR)/$$f; \
	done
	-cd $(DESTDIR)$(INCLUDEDIR) 2>/dev/null && \
		rmdir mach/machine $(HDR_DIRS) linux 2>/dev/null; true
	@if [ -z "$(DESTDIR)" ] && [ "$(AS_ROOT)" = yes ]; then \
		echo ldconfig; ldconfig; \
	fi

# ---- lsmp, man pages, udev and modules-load.d -----------------------------
install-lsmp: $(LSMP)
	$(INSTALL) -D -m 0755 $(LSMP) $(DESTDIR)$(BINDIR)/lsmp

uninstall-lsmp:
	rm -f $(DESTDIR)$(BINDIR)/lsmp

install-man:
	cd $(TOP)/man && for f in $(MAN_PAGES); do \
		$(INSTALL) -D -m 0644 $$f $(DESTDIR)$(MANDIR)/$$f || exit 1; \
	done

uninstall-man:
	cd $(DESTDIR)$(MANDIR) 2>/dev/null && rm -f $(MAN_PAGES); true

install-conf:
	$(INSTALL) -D -m 0644 $(TOP)/udev/60-machport.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-machport.rules
	$(INSTALL) -D -m 0644 $(TOP)/modules-load.d/machport.conf \
		$(DESTDIR)$(MODULESLOADDIR)/machport.conf
	@if [ -z "$(DESTDIR)" ] && [ "$(AS_ROOT)" = yes ]; then \
		udevadm control --reload-rules 2>/dev/null || true; \
	fi

uninstall-conf:
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-machport.rules \
		$(DESTDIR)$(MODULESLOADDIR)/machport.conf

# ---- DKMS ----------------------------------------------------------------
# The module's sources as DKMS wants them, in DKMS_SRCDIR.
DKMS_SRCDIR ?= $(DESTDIR)$(DKMS_SRC_ROOT)/machport-$(PKG_VERSION)
dkms-source:
	rm -rf $(DKMS_SRCDIR)
	mkdir -p $(DKMS_SRCDIR)
	tar -C $(TOP) -cf - $(DKMS_FILES) | tar -C $(DKMS_SRCDIR) -xf -
	sed 's/#MODULE_VERSION#/$(PKG_VERSION)/' $(TOP)/dkms.conf \
		> $(DKMS_SRCDIR)/dkms.conf

# With DESTDIR only the sources are placed (a package's postinst runs dkms).
dkms-install:
	@tools/install-deps dkms
	-@[ -n "$(DESTDIR)" ] || dkms remove machport/$(PKG_VERSION) --all >/dev/null 2>&1
	$(MAKE) dkms-source
	@if [ -z "$(DESTDIR)" ]; then \
		set -e; \
		echo "dkms add/build/install machport/$(PKG_VERSION)"; \
		dkms add machport/$(PKG_VERSION); \
		dkms build machport/$(PKG_VERSION); \
		dkms install machport/$(PKG_VERSION); \
	fi

dkms-uninstall:
	-@[ -n "$(DESTDIR)" ] || dkms remove machport/$(PKG_VERSION) --all
	rm -rf $(DKMS_SRCDIR)

# ---- the selftests on the running kernel ------------------------------------
check-host:
	@tools/check-host
