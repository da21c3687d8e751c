// SPDX-License-Identifier: GPL-2.0
/*
 * A BPF LSM policy for binder_lsm_test: for each of the four binder hooks,
 * the calls made by one process (its tgid, set by the test) are counted and,
 * when the rule says so, refused with the rule's errno.  Every other process
 * is left alone, so the rest of the VM keeps working while the test runs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "binder_lsm.h"

#define EPERM		1
#define MAX_ERRNO	4095

char LICENSE[] SEC("license") = "GPL";

/* Filled by the test through the skeleton's mapping of .bss */
struct binder_lsm_rule rules[BINDER_LSM_HOOKS];
__u64 calls[BINDER_LSM_HOOKS];
__u64 denied[BINDER_LSM_HOOKS];

/*
 * The programs return 64 bits, not the hook's int: the verifier bounds the
 * whole register ([-MAX_ERRNO, 0] on 6.12), and clang leaves the upper half
 * of an int return undefined.  ctx holds the hook's arguments, then what
 * the LSMs before this one returned.
 */
static __always_inline __s64 decide(int hook, __s64 ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct binder_lsm_rule *rule = &rules[hook];
	__s64 err;

	/* an earlier LSM's refusal stands */
	if (ret)
		return ret;
	if (!rule->tgid || rule->tgid != tgid)
		return 0;
	__sync_fetch_and_add(&calls[hook], 1);
	err = rule->err;
	if (err >= 0)
		return 0;
	__sync_fetch_and_add(&denied[hook], 1);
	if (err < -MAX_ERRNO)
		return -EPERM;
	return err;
}

/* set_context_mgr(mgr) */
SEC("lsm/binder_set_context_mgr")
__s64 binder_lsm_ctx_mgr(__u64 *ctx)
{
	return decide(BINDER_LSM_CTX_MGR, (int)ctx[1]);
}

/* transaction(from, to) */
SEC("lsm/binder_transaction")
__s64 binder_lsm_transaction(__u64 *ctx)
{
	return decide(BINDER_LSM_TRANSACTION, (int)ctx[2]);
}

/* transfer_binder(from, to) */
SEC("lsm/binder_transfer_binder")
__s64 binder_lsm_transfer_binder(__u64 *ctx)
{
	return decide(BINDER_LSM_TRANSFER_BINDER, (int)ctx[2]);
}

/* transfer_file(from, to, file) */
SEC("lsm/binder_transfer_file")
__s64 binder_lsm_transfer_file(__u64 *ctx)
{
	return decide(BINDER_LSM_TRANSFER_FILE, (int)ctx[3]);
}
