// SPDX-License-Identifier: GPL-2.0
/*
 * A BPF LSM policy for binder_lsm_test: for each of the four binder hooks,
 * the calls made by one process (its tgid, set by the test) are counted and,
 * when the rule says so, refused with the rule's errno.  Every other process
 * is left alone, so the rest of the VM keeps working while the test runs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "binder_lsm.h"

char LICENSE[] SEC("license") = "GPL";

/* Filled by the test through the skeleton's mapping of .bss */
struct binder_lsm_rule rules[BINDER_LSM_HOOKS];
__u64 calls[BINDER_LSM_HOOKS];
__u64 denied[BINDER_LSM_HOOKS];

static __always_inline int decide(int hook, int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct binder_lsm_rule *rule = &rules[hook];

	/* an earlier LSM's refusal stands */
	if (ret)
		return ret;
	if (!rule->tgid || rule->tgid != tgid)
		return 0;
	__sync_fetch_and_add(&calls[hook], 1);
	if (!rule->err)
		return 0;
	__sync_fetch_and_add(&denied[hook], 1);
	return rule->err;
}

SEC("lsm/binder_set_context_mgr")
int BPF_PROG(binder_lsm_ctx_mgr, void *mgr, int ret)
{
	return decide(BINDER_LSM_CTX_MGR, ret);
}

SEC("lsm/binder_transaction")
int BPF_PROG(binder_lsm_transaction, void *from, void *to, int ret)
{
	return decide(BINDER_LSM_TRANSACTION, ret);
}

SEC("lsm/binder_transfer_binder")
int BPF_PROG(binder_lsm_transfer_binder, void *from, void *to, int ret)
{
	return decide(BINDER_LSM_TRANSFER_BINDER, ret);
}

SEC("lsm/binder_transfer_file")
int BPF_PROG(binder_lsm_transfer_file, void *from, void *to, void *file,
	     int ret)
{
	return decide(BINDER_LSM_TRANSFER_FILE, ret);
}
