// SPDX-License-Identifier: GPL-2.0
/*
 * Transaction logs and failure reports.
 *
 * Every transaction, once sent or failed, is copied into a ring of the
 * last BINDER_TXN_LOG_SIZE (debugfs transaction_log); a failed one also
 * into a second ring (failed_transaction_log) and, when someone listens,
 * into a generic-netlink report.  The rings are written without a lock,
 * as upstream's: a slot's sequence number is cleared while it is
 * rewritten and set once it is complete, and a reader that sees it change
 * under its copy prints the entry as "(incomplete)".
 *
 * Nothing here runs under a lock another process needs: the sender fills
 * a struct binder_txn_record on its stack under the device lock and hands
 * it over after dropping it (the report's allocation may sleep).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/pid_namespace.h>
#include <net/genetlink.h>

#include "binder_internal.h"
#include "binder_log.h"

struct binder_txn_log_slot {
	unsigned int seq;		/* 0 while being written */
	struct binder_txn_record rec;
};

struct binder_txn_log {
	atomic_t cur;			/* index of the last slot taken */
	struct binder_txn_log_slot slot[BINDER_TXN_LOG_SIZE];
};

static struct binder_txn_log binder_txn_log = { .cur = ATOMIC_INIT(-1) };
static struct binder_txn_log binder_failed_txn_log = { .cur = ATOMIC_INIT(-1) };

static void binder_txn_log_add(struct binder_txn_log *log,
			       const struct binder_txn_record *rec)
{
	unsigned int idx = atomic_inc_return(&log->cur);
	struct binder_txn_log_slot *slot = &log->slot[idx % BINDER_TXN_LOG_SIZE];

	WRITE_ONCE(slot->seq, 0);
	smp_wmb();	/* the cleared seq before the new contents */
	slot->rec = *rec;
	smp_wmb();	/* the contents before the seq that says complete */
	WRITE_ONCE(slot->seq, idx + 1 ?: 1);
}

static void binder_netlink_report(const struct binder_txn_record *rec);

/* A transaction went through */
void binder_txn_log_sent(struct binder_txn_record *rec)
{
	rec->end_ns = ktime_get_ns();
	binder_txn_log_add(&binder_txn_log, rec);
}

/* A transaction failed (rec->return_error says how); may sleep */
void binder_txn_log_failed(struct binder_txn_record *rec)
{
	rec->end_ns = ktime_get_ns();
	binder_txn_log_add(&binder_txn_log, rec);
	binder_txn_log_add(&binder_failed_txn_log, rec);
	binder_netlink_report(rec);
}

static const char *binder_txn_call_type_name(int type)
{
	switch (type) {
	case BINDER_TXN_REPLY:
		return "reply";
	case BINDER_TXN_ASYNC:
		return "async";
	default:
		return "call ";
	}
}

/*
 * One line as upstream prints it ("ID: call  from P:T to P:T context C
 * node N handle H size D:O ret E/P l=L"; we keep no source line: l=0),
 * then ours: how long the driver took ("t=Nus") and, for a failure, why.
 */
static void binder_txn_log_print(struct seq_file *m,
				 struct binder_txn_log_slot *slot,
				 struct pid_namespace *ns)
{
	struct binder_txn_record rec;
	unsigned int seq = READ_ONCE(slot->seq);

	smp_rmb();	/* the seq before the contents */
	rec = slot->rec;
	smp_rmb();	/* the contents before the seq read again */
	rec.context[sizeof(rec.context) - 1] = '\0';
	if (ns != &init_pid_ns) {
		/* a binderfs mount's binder_logs: pids as its namespace sees them */
		rec.from_proc = binder_pid_view(rec.from_proc, ns);
		rec.from_thread = binder_pid_view(rec.from_thread, ns);
		rec.to_proc = binder_pid_view(rec.to_proc, ns);
		rec.to_thread = binder_pid_view(rec.to_thread, ns);
		if (!rec.from_proc && !rec.to_proc)
			return;		/* nothing of it is visible there */
	}
	seq_printf(m, "%d: %s from %d:%d to %d:%d context %s node %d handle %d size %d:%d ret %d/%d l=%d t=%lluus",
		   rec.debug_id, binder_txn_call_type_name(rec.call_type),
		   rec.from_proc, rec.from_thread, rec.to_proc, rec.to_thread,
		   rec.context, rec.to_node, rec.target_handle,
		   (int)rec.data_size, (int)rec.offsets_size,
		   rec.return_error, rec.return_error_param, 0,
		   (rec.end_ns - rec.start_ns) / NSEC_PER_USEC);
	if (rec.why)
		seq_printf(m, " why=\"%s\"", rec.why);
	seq_puts(m, seq && seq == READ_ONCE(slot->seq) ? "\n" :
		 " (incomplete)\n");
}

/* Oldest first, as upstream */
static void binder_txn_log_print_all(struct seq_file *m,
				     struct binder_txn_log *log)
{
	struct pid_namespace *ns = binderfs_file_pid_ns(m->file);
	unsigned int last = atomic_read(&log->cur);
	unsigned int count = last + 1, first = 0, i;

	if (last == UINT_MAX)
		return;		/* nothing logged yet */
	if (count > BINDER_TXN_LOG_SIZE || count == 0) {
		/* wrapped: the oldest is the slot after the last one */
		first = count;
		count = BINDER_TXN_LOG_SIZE;
	}
	for (i = 0; i < count; i++)
		binder_txn_log_print(m, &log->slot[(first + i) %
						   BINDER_TXN_LOG_SIZE], ns);
}

int binder_txn_log_show(struct seq_file *m, void *unused)
{
	binder_txn_log_print_all(m, &binder_txn_log);
	return 0;
}

int binder_failed_txn_log_show(struct seq_file *m, void *unused)
{
	binder_txn_log_print_all(m, &binder_failed_txn_log);
	return 0;
}

/*
 * Generic netlink, as upstream 6.18's binder_netlink.h numbers it (which
 * neither Debian kernel has, so it is spelled out here): family "binder"
 * version 1, multicast group "report", one event, BINDER_CMD_REPORT.
 * Listening needs CAP_NET_ADMIN; reports go to the initial network
 * namespace only.
 */
#define BINDER_NL_FAMILY_NAME		"binder"
#define BINDER_NL_FAMILY_VERSION	1
#define BINDER_NL_MCGRP_REPORT		"report"

enum {
	BINDER_A_REPORT_ERROR = 1,	/* u32: the BR_* returned */
	BINDER_A_REPORT_CONTEXT,	/* string: the device */
	BINDER_A_REPORT_FROM_PID,	/* u32 */
	BINDER_A_REPORT_FROM_TID,	/* u32 */
	BINDER_A_REPORT_TO_PID,		/* u32, when a target was found */
	BINDER_A_REPORT_TO_TID,		/* u32, when a thread was */
	BINDER_A_REPORT_IS_REPLY,	/* flag */
	BINDER_A_REPORT_FLAGS,		/* u32: TF_* */
	BINDER_A_REPORT_CODE,		/* u32 */
	BINDER_A_REPORT_DATA_SIZE,	/* u32 */
	__BINDER_A_REPORT_MAX,
	BINDER_A_REPORT_MAX = __BINDER_A_REPORT_MAX - 1
};

enum {
	BINDER_CMD_REPORT = 1,
};

enum {
	BINDER_NLGRP_REPORT,
};

static const struct genl_multicast_group binder_nl_mcgrps[] = {
	[BINDER_NLGRP_REPORT] = {
		.name = BINDER_NL_MCGRP_REPORT,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family binder_nl_family __ro_after_init = {
	.name = BINDER_NL_FAMILY_NAME,
	.version = BINDER_NL_FAMILY_VERSION,
	.maxattr = BINDER_A_REPORT_MAX,
	.module = THIS_MODULE,
	.mcgrps = binder_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(binder_nl_mcgrps),
	.resv_start_op = BINDER_CMD_REPORT + 1,
};

static bool binder_nl_registered;

static void binder_netlink_report(const struct binder_txn_record *rec)
{
	struct sk_buff *skb;
	void *hdr;

	if (!binder_nl_registered ||
	    !genl_has_listeners(&binder_nl_family, &init_net,
				BINDER_NLGRP_REPORT))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &binder_nl_family, 0, BINDER_CMD_REPORT);
	if (!hdr)
		goto free;
	if (nla_put_u32(skb, BINDER_A_REPORT_ERROR, rec->return_error) ||
	    nla_put_string(skb, BINDER_A_REPORT_CONTEXT, rec->context) ||
	    nla_put_u32(skb, BINDER_A_REPORT_FROM_PID, rec->from_proc) ||
	    nla_put_u32(skb, BINDER_A_REPORT_FROM_TID, rec->from_thread) ||
	    (rec->to_proc &&
	     nla_put_u32(skb, BINDER_A_REPORT_TO_PID, rec->to_proc)) ||
	    (rec->to_thread &&
	     nla_put_u32(skb, BINDER_A_REPORT_TO_TID, rec->to_thread)) ||
	    (rec->call_type == BINDER_TXN_REPLY &&
	     nla_put_flag(skb, BINDER_A_REPORT_IS_REPLY)) ||
	    nla_put_u32(skb, BINDER_A_REPORT_FLAGS, rec->flags) ||
	    nla_put_u32(skb, BINDER_A_REPORT_CODE, rec->code) ||
	    nla_put_u32(skb, BINDER_A_REPORT_DATA_SIZE,
			min_t(u64, rec->data_size, U32_MAX))) {
		genlmsg_cancel(skb, hdr);
		goto free;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&binder_nl_family, skb, 0, BINDER_NLGRP_REPORT,
			  GFP_KERNEL);
	return;
free:
	nlmsg_free(skb);
}

/* A host whose kernel registered "binder" already keeps its own family */
int binder_netlink_init(void)
{
	int ret = genl_register_family(&binder_nl_family);

	if (ret) {
		pr_warn("no netlink reports: family \"%s\" not registered: %d\n",
			BINDER_NL_FAMILY_NAME, ret);
		return 0;
	}
	binder_nl_registered = true;
	return 0;
}

void binder_netlink_exit(void)
{
	if (binder_nl_registered)
		genl_unregister_family(&binder_nl_family);
	binder_nl_registered = false;
}
