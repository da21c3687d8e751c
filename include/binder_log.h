/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What is kept and reported of each transaction after it was sent or
 * failed: debugfs transaction_log and failed_transaction_log (the last 32
 * of each, in upstream's format) and, for failures, a generic-netlink
 * report (family "binder", multicast group "report", as upstream 6.18).
 */
#ifndef _BINDER_LOG_H
#define _BINDER_LOG_H

#include <linux/seq_file.h>
#include <linux/types.h>

#define BINDER_TXN_LOG_SIZE	32
#define BINDER_TXN_LOG_NAME	32	/* context names, truncated */

enum binder_txn_call_type {
	BINDER_TXN_CALL		= 0,
	BINDER_TXN_ASYNC	= 1,
	BINDER_TXN_REPLY	= 2,
};

/**
 * struct binder_txn_record - one transaction as the logs keep it
 * @debug_id:      the transaction's debug id
 * @call_type:     enum binder_txn_call_type
 * @from_proc:     sender pid (global)
 * @from_thread:   sender tid
 * @target_handle: the handle the command named (for a reply, whatever it
 *                 carried, as upstream logs it)
 * @to_proc:       target pid, 0 when no target was found
 * @to_thread:     target tid, 0 when the call went to the proc
 * @to_node:       the target node's debug id, 0 if none
 * @data_size:     bytes of data asked for
 * @offsets_size:  bytes of offsets asked for
 * @flags:         TF_* of the transaction
 * @code:          its code
 * @return_error:  BR_* the sender got (0 when it went through)
 * @return_error_param: the errno behind it, 0 if none
 * @why:           a static string: why it failed, or NULL
 * @start_ns:      ktime when the command was taken
 * @end_ns:        ktime when it was sent or failed
 * @context:       the device's name
 *
 * Filled on the sender's stack, copied into the log rings (lockless, as
 * upstream's) and into the netlink report once the device lock is
 * dropped.
 */
struct binder_txn_record {
	int debug_id;
	int call_type;
	int from_proc;
	int from_thread;
	int target_handle;
	int to_proc;
	int to_thread;
	int to_node;
	u64 data_size;
	u64 offsets_size;
	u32 flags;
	u32 code;
	u32 return_error;
	int return_error_param;
	const char *why;
	u64 start_ns;
	u64 end_ns;
	char context[BINDER_TXN_LOG_NAME];
};

void binder_txn_log_sent(struct binder_txn_record *rec);
void binder_txn_log_failed(struct binder_txn_record *rec);
int binder_txn_log_show(struct seq_file *m, void *unused);
int binder_failed_txn_log_show(struct seq_file *m, void *unused);

int binder_netlink_init(void);
void binder_netlink_exit(void);

#endif /* _BINDER_LOG_H */
