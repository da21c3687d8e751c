/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the BPF LSM policy (binder_lsm.bpf.c) and its test
 * (binder_lsm_test.c): the hooks and what the test asks of each.
 */
#ifndef _BINDER_LSM_H
#define _BINDER_LSM_H

#include <linux/types.h>

enum {
	BINDER_LSM_CTX_MGR,		/* security_binder_set_context_mgr */
	BINDER_LSM_TRANSACTION,		/* security_binder_transaction */
	BINDER_LSM_TRANSFER_BINDER,	/* security_binder_transfer_binder */
	BINDER_LSM_TRANSFER_FILE,	/* security_binder_transfer_file */
	BINDER_LSM_HOOKS
};

/* Calls from tgid are counted; refused with err when err is non-zero */
struct binder_lsm_rule {
	__u32 tgid;
	__s64 err;		/* 64 bits: the BPF verifier bounds it as returned */
};

#endif /* _BINDER_LSM_H */
