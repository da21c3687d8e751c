# SPDX-License-Identifier: GPL-2.0
#
# make               build binder_linux.ko against KDIR (W=1, warnings are errors)
# make check         sparse (C=2), W=1 and checkpatch --strict: all clean
# make test          VM lane: ours + reference on Debian 6.1, 6.12 and debug 6.1
# make test-ours / test-reference / test-debug   one part of it
# make test-tools    host-side tests of tools/ (make test runs them first)
#   KVER=6.1|6.12|debug picks one kernel for test, test-ours, test-reference
# make bench         ours vs reference, speed/scale/memory (bench/run.sh):
#   KVER= (default 6.1 6.12), RUNS= boots per driver (3), SMP= vCPUs (2),
#   QUICK=1 one boot per driver with tiny counts (CI's smoke run)
# make demo          the driver doing its job: a story in the VM, ours then
#                    the reference (demo/run.sh); KVER= (default 6.1)
# make shell         a shell in the VM with our module (DRIVER=reference for
#                    Debian's), binder_demo and the selftests on $PATH
# make dkms-check    dkms add + dkms build of this tree for Debian's 6.1 and
#                    6.12 headers, in a scratch DKMS tree (CI runs it)
# make fuzz          tools/fuzz/binder_fuzz in the VM (tools/fuzz/run.sh):
#   SECONDS= (60), SEED= (random, printed), KVER= (default debug),
#   LANES= (default "ours reference"); non-zero exit on any finding
# make faultinject   the txn, sg, fd and freeze selftests on the debug kernel
#   with every k-th allocation of their processes failing
#   (tools/faultinject/run.sh): KS= (the k's, "5 13 31"), LANES= (default
#   "ours reference"); non-zero exit on any finding
# make clean

# Default KDIR: the running kernel's build dir, else Debian's 6.1 test kernel.
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && echo $$d || \
	  tools/vm/kernel.sh 6.1 kdir 2>/dev/null)

LANE := tools/vm/test.sh
KERNELS := $(or $(KVER),6.1 6.12 debug)
SRCS := $(wildcard *.c *.h include/*.h)

all: binder_linux.ko

binder_linux.ko: $(SRCS) Kbuild
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

check:
	tools/check.sh $(KDIR)

test: test-tools
	$(LANE) --kernels "$(KERNELS)" --lanes "ours reference"

# host-side tests of the tools (binder-graph on captured states, the
# fault-injection run's console reader)
test-tools:
	tools/binder-graph/test.sh
	tools/faultinject/test.sh

test-ours:
	$(LANE) --kernels "$(or $(KVER),6.1 6.12)" --lanes ours

test-reference:
	$(LANE) --kernels "$(or $(KVER),6.1 6.12)" --lanes reference

test-debug:
	$(LANE) --kernels debug --lanes "ours reference"

bench:
	bench/run.sh --kernels "$(or $(KVER),6.1 6.12)" --runs "$(or $(RUNS),3)" \
		--smp "$(or $(SMP),2)" $(if $(filter 1,$(QUICK)),--quick)

demo:
	demo/run.sh --kernel "$(or $(KVER),6.1)"

fuzz:
	tools/fuzz/run.sh --seconds "$(or $(SECONDS),60)" $(if $(SEED),--seed "$(SEED)") \
		--kernels "$(or $(KVER),debug)" --lanes "$(or $(LANES),ours reference)"

faultinject:
	tools/faultinject/run.sh --ks "$(or $(KS),5 13 31)" --lanes "$(or $(LANES),ours reference)"

shell:
	demo/run.sh --shell --kernel "$(or $(KVER),6.1)" --lanes "$(or $(DRIVER),ours)"

dkms-check:
	tools/dkms-check.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

.PHONY: all check test test-ours test-reference test-debug bench demo fuzz faultinject shell \
	dkms-check test-tools clean
