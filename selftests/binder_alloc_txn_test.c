// SPDX-License-Identifier: GPL-2.0
/*
 * The buffer allocator seen through real transactions: buffers of mixed
 * sizes held by a server and freed in various orders, the pages behind
 * them (debugfs binder/stats "  pages: active:lru:free" on both drivers,
 * "  pages resident" and binder/objects on ours), the async half of the
 * area, the 4 MiB clamp and the shrinker.
 *
 * Conformance unless marked: the reference driver's behaviour is the spec.
 * Upstream's per-buffer accounting is opaque (struct binder_buffer lives in
 * the kernel), so limits are tested with margins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define PAGE 4096

#define CODE_KEEP	1	/* keep the buffer; reply {index, sum} */
#define CODE_FREE	2	/* u32 indexes: free those kept buffers */
#define CODE_DRAIN	3	/* free every kept buffer, keep no more */
#define CODE_SUM	4	/* reply {0, sum} and free the buffer */

#define MAX_KEPT 256

struct keep_reply {
	uint32_t index;
	uint32_t sum;
};

/* the server's side: only ever touched in the server process */
static binder_uintptr_t kept[MAX_KEPT];
static unsigned int nkept;
static bool drain;

static uint32_t sum_bytes(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	while (n--)
		sum = sum * 31 + *p++;
	return sum;
}

static void alloc_handler(struct binder_server *s, struct binder_reader *r,
			  const struct binder_br *tr, struct binder_answer *ans)
{
	struct keep_reply kr = { 0 };
	const uint32_t *idx = br_data(tr);
	struct binder_cmds c = { .len = 0 };
	size_t i;

	switch (tr->txn.code) {
	case CODE_KEEP:
		kr.sum = sum_bytes(br_data(tr), tr->txn.data_size);
		if (drain || nkept == MAX_KEPT) {
			kr.index = ~0u;
		} else {
			kr.index = nkept;
			kept[nkept++] = tr->txn.data.ptr.buffer;
			ans->keep_buffer = true;
		}
		break;
	case CODE_FREE:
		for (i = 0; i < tr->txn.data_size / sizeof(*idx); i++) {
			if (idx[i] >= nkept || !kept[idx[i]])
				continue;
			cmd_free_buffer(&c, kept[idx[i]]);
			kept[idx[i]] = 0;
			if (c.len + 16 > sizeof(c.buf)) {
				binder_write_cmds(s->fd, &c, NULL);
				cmds_reset(&c);
			}
		}
		break;
	case CODE_DRAIN:
		drain = true;
		for (i = 0; i < nkept; i++) {
			if (kept[i])
				cmd_free_buffer(&c, kept[i]);
			kept[i] = 0;
			if (c.len + 16 > sizeof(c.buf)) {
				binder_write_cmds(s->fd, &c, NULL);
				cmds_reset(&c);
			}
		}
		nkept = 0;
		break;
	case CODE_SUM:
		kr.sum = sum_bytes(br_data(tr), tr->txn.data_size);
		break;
	}
	if (c.len)
		binder_write_cmds(s->fd, &c, NULL);
	memcpy(ans->data, &kr, sizeof(kr));
	ans->size = sizeof(kr);
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 7 + i * 13 + (i >> 12));
}

/*
 * A sync call carrying size bytes of a known pattern; 0 and the server's
 * answer, or the BR / -errno the call got.
 */
static int send_sized(struct binder_reader *r, uint32_t code, uint32_t flags,
		      size_t size, unsigned int seed, struct keep_reply *kr)
{
	uint8_t *data = malloc(size ? size : 1);
	struct binder_br br;
	int ret;

	if (!data)
		return -ENOMEM;
	fill(data, size, seed);
	ret = binder_transact(r, 0, code, flags, data, size, NULL, 0, &br);
	if (ret == BR_REPLY) {
		ret = -EPROTO;
		if (br.txn.data_size == sizeof(*kr)) {
			memcpy(kr, br_data(&br), sizeof(*kr));
			ret = 0;
		}
		binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
		if (!ret && kr->sum != sum_bytes(data, size)) {
			fprintf(stderr, "# %zu bytes arrived corrupted\n", size);
			ret = -EBADMSG;
		}
	}
	free(data);
	return ret;
}

/* Free the server's kept buffers idx[0..n), by a sync call. */
static int free_kept(struct binder_reader *r, const uint32_t *idx, size_t n)
{
	struct binder_br br;
	int ret;

	ret = binder_call(r, 0, CODE_FREE, idx, n * sizeof(*idx), &br);
	if (ret != BR_REPLY)
		return ret;
	binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
	return 0;
}

/* Wait (up to timeout_ms) for the server's active pages to reach 0. */
static int wait_pages(pid_t pid, struct binder_proc_stats *st, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;

	for (;;) {
		if (binder_proc_stats(pid, st))
			return -1;
		if (st->pages_active == 0 || binder_now_ms() > end)
			return 0;
		usleep(20000);
	}
}

/* Shrink until the server's lru is empty; 0, or -1 after timeout_ms */
static int shrink_until_empty(pid_t pid, struct binder_proc_stats *st,
			      int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;

	for (;;) {
		if (binder_drop_caches(2))
			return -1;
		if (binder_proc_stats(pid, st))
			return -1;
		if (st->pages_lru == 0)
			return 0;
		if (binder_now_ms() > end)
			return -1;
		usleep(50000);
	}
}

/* Buffer sizes: small, around a page, large (about 760 KiB in all) */
static const size_t sizes[] = {
	24, 4096, 100, 4095, 4097, 65536, 1, 8192, 200, 12288,
	3000, 40000, 0, 4088, 16384, 7, 100000, 512, 4104, 8184,
	32, 131072, 2048, 6000, 64, 20000, 4096, 9, 24576, 1000,
	70000, 4000, 8, 12000, 300, 4096, 50000, 16, 33000, 120000,
};

#define NBUF ((int)ARRAY_SIZE(sizes))
#define NMORE 10

FIXTURE(alloc)
{
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
};

FIXTURE_VARIANT(alloc)
{
	const char *order;	/* fifo, lifo, interleaved, random */
};

FIXTURE_VARIANT_ADD(alloc, fifo) { .order = "fifo" };
FIXTURE_VARIANT_ADD(alloc, lifo) { .order = "lifo" };
FIXTURE_VARIANT_ADD(alloc, interleaved) { .order = "interleaved" };
FIXTURE_VARIANT_ADD(alloc, random) { .order = "random" };

FIXTURE_SETUP(alloc)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = alloc_handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
}

FIXTURE_TEARDOWN(alloc)
{
	close(self->fd);
	binder_server_stop(&self->s);
}

static void make_order(const char *order, uint32_t *idx, int n)
{
	int i, j = 0;

	if (!strcmp(order, "fifo")) {
		for (i = 0; i < n; i++)
			idx[i] = i;
	} else if (!strcmp(order, "lifo")) {
		for (i = 0; i < n; i++)
			idx[i] = n - 1 - i;
	} else if (!strcmp(order, "interleaved")) {
		for (i = 1; i < n; i += 2)
			idx[j++] = i;
		for (i = 0; i < n; i += 2)
			idx[j++] = i;
	} else {
		unsigned int seed = 12345;

		for (i = 0; i < n; i++)
			idx[i] = i;
		for (i = n - 1; i > 0; i--) {
			uint32_t t;

			seed = seed * 1103515245 + 12345;
			j = (seed >> 16) % (i + 1);
			t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
		}
	}
}

/*
 * Hold NBUF buffers, free half of them in the variant's order, hold NMORE
 * more (they reuse the holes), free everything: no buffer and no active
 * page is left, every page is idle (on the lru) or gone.
 */
TEST_F(alloc, hold_and_free)
{
	uint32_t idx[NBUF + NMORE];
	struct binder_proc_stats st;
	struct keep_reply kr;
	size_t bytes = 0;
	int i, total;

	for (i = 0; i < NBUF; i++) {
		ASSERT_EQ(0, send_sized(&self->r, CODE_KEEP, 0, sizes[i], i, &kr))
			TH_LOG("buffer %d (%zu bytes)", i, sizes[i]);
		ASSERT_EQ(i, kr.index);
		bytes += sizes[i];
	}
	EXPECT_EQ(NBUF, binder_proc_count(self->s.pid, "  buffer "));
	ASSERT_EQ(0, binder_proc_stats(self->s.pid, &st));
	total = st.pages_active + st.pages_lru + st.pages_free;
	EXPECT_EQ(BINDER_MAP_SIZE / PAGE, total);
	EXPECT_LE(bytes / PAGE, st.pages_active)
		TH_LOG("%zu bytes held in %d pages", bytes, st.pages_active);
	EXPECT_GE(bytes / PAGE + 2 * NBUF, st.pages_active);
	if (binder_is_ours())
		EXPECT_EQ(st.pages_active + st.pages_lru,
			  binder_proc_value(self->s.pid, "  pages resident: "));

	make_order(variant->order, idx, NBUF);
	ASSERT_EQ(0, free_kept(&self->r, idx, NBUF / 2));
	EXPECT_EQ(NBUF - NBUF / 2, binder_proc_count(self->s.pid, "  buffer "));

	/* new buffers fill the holes, the data still arrives intact */
	for (i = 0; i < NMORE; i++) {
		ASSERT_EQ(0, send_sized(&self->r, CODE_KEEP, 0,
					sizes[(i * 7) % NBUF], 100 + i, &kr));
		ASSERT_EQ(NBUF + i, kr.index);
		idx[NBUF + i] = NBUF + i;
	}
	EXPECT_EQ(NBUF - NBUF / 2 + NMORE,
		  binder_proc_count(self->s.pid, "  buffer "));
	ASSERT_EQ(0, free_kept(&self->r, idx + NBUF / 2,
			       NBUF - NBUF / 2 + NMORE));

	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
	ASSERT_EQ(0, wait_pages(self->s.pid, &st, 1000));
	EXPECT_EQ(0, st.pages_active)
		TH_LOG("pages %d:%d:%d", st.pages_active, st.pages_lru,
		       st.pages_free);
	EXPECT_EQ(total, st.pages_lru + st.pages_free);
	EXPECT_LT(0, st.pages_lru);
	if (binder_is_ours()) {
		EXPECT_EQ(st.pages_lru,
			  binder_proc_value(self->s.pid, "  pages resident: "));
		EXPECT_EQ(BINDER_MAP_SIZE / 2,
			  binder_proc_value(self->s.pid, "  free async space: "));
		/* ours counts every page: the server's idle ones and the client's */
		EXPECT_EQ(st.pages_lru +
			  binder_proc_value(getpid(), "  pages resident: "),
			  binder_objects_count("page"));
	}
}

/*
 * The shrinker: once the buffers are freed, drop_caches frees the idle
 * pages (upstream: "pages: a:l:f" l -> 0); the area works as before.
 */
TEST_F(alloc, shrinker_frees_idle_pages)
{
	uint32_t idx[NBUF];
	struct binder_proc_stats st;
	struct keep_reply kr;
	long objects_before = 0;
	int i;

	if (strcmp(variant->order, "fifo"))
		SKIP(return, "one order is enough");
	for (i = 0; i < NBUF; i++) {
		ASSERT_EQ(0, send_sized(&self->r, CODE_KEEP, 0, sizes[i], i, &kr));
		idx[i] = i;
	}
	ASSERT_EQ(0, free_kept(&self->r, idx, NBUF));
	ASSERT_EQ(0, wait_pages(self->s.pid, &st, 1000));
	ASSERT_EQ(0, st.pages_active);
	ASSERT_LT(0, st.pages_lru);
	if (binder_is_ours())
		objects_before = binder_objects_count("page");

	ASSERT_EQ(0, shrink_until_empty(self->s.pid, &st, 3000))
		TH_LOG("pages %d:%d:%d after drop_caches", st.pages_active,
		       st.pages_lru, st.pages_free);
	EXPECT_EQ(0, st.pages_active);
	EXPECT_EQ(BINDER_MAP_SIZE / PAGE, st.pages_free);
	if (binder_is_ours()) {
		EXPECT_EQ(0, binder_proc_value(self->s.pid, "  pages resident: "));
		EXPECT_GE(objects_before - 1, binder_objects_count("page"));
	}

	/* pages come back on demand, with the right data */
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, send_sized(&self->r, CODE_SUM, 0,
					sizes[i * 5], 50 + i, &kr));
	ASSERT_EQ(0, binder_proc_stats(self->s.pid, &st));
	EXPECT_EQ(0, st.pages_active);
	EXPECT_LT(0, st.pages_lru);
}

/*
 * Oneway calls to a server that keeps their buffers fail with
 * BR_FAILED_REPLY once about half the area is used; a sync call still
 * fits.  Once the server frees them, oneway calls work again.
 */
TEST_F(alloc, async_half_of_area)
{
	const size_t chunk = 32 * 1024, half = BINDER_MAP_SIZE / 2;
	struct binder_proc_stats st;
	struct keep_reply kr;
	int i, ret = 0, sent = 0;
	uint8_t *data;

	if (strcmp(variant->order, "fifo"))
		SKIP(return, "one order is enough");
	ASSERT_EQ(0, binder_proc_stats(self->s.pid, &st));
	EXPECT_EQ(half, st.free_async_space);
	data = malloc(chunk);
	ASSERT_NE(NULL, data);
	fill(data, chunk, 1);
	for (i = 0; i < 2 * (int)(half / chunk); i++) {
		struct binder_br br;

		ret = binder_transact(&self->r, 0, CODE_KEEP, TF_ONE_WAY,
				      data, chunk, NULL, 0, &br);
		if (ret != BR_TRANSACTION_COMPLETE)
			break;
		sent++;
	}
	free(data);
	EXPECT_EQ(BR_FAILED_REPLY, ret) TH_LOG("after %d oneway calls", sent);
	/* half the area, less what the bookkeeping of each buffer costs */
	EXPECT_GE(half / chunk, sent);
	EXPECT_LE(half / chunk - 2, sent);
	ASSERT_EQ(0, binder_proc_stats(self->s.pid, &st));
	EXPECT_GT(chunk, st.free_async_space);

	/* sync calls use the whole area: 256 KiB still fits */
	EXPECT_EQ(0, send_sized(&self->r, CODE_SUM, 0, 256 * 1024, 2, &kr));
	/* but not another oneway one */
	EXPECT_EQ(BR_FAILED_REPLY, send_sized(&self->r, CODE_KEEP, TF_ONE_WAY,
					      chunk, 3, &kr));

	/* the server frees them all (and the queued ones as they come) */
	EXPECT_EQ(0, send_sized(&self->r, CODE_DRAIN, 0, 0, 0, &kr));
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, binder_proc_stats(self->s.pid, &st));
		if (st.free_async_space == half)
			break;
		usleep(20000);
	}
	EXPECT_EQ(half, st.free_async_space);
	EXPECT_EQ(BR_TRANSACTION_COMPLETE,
		  send_sized(&self->r, CODE_KEEP, TF_ONE_WAY, chunk, 4, &kr));
}

/*
 * An 8 MiB mapping is clamped to 4 MiB: more than 4 MiB never fits, 3 MiB
 * does (sync), and the async half is 2 MiB.
 */
TEST(area_clamped_to_4m)
{
	const size_t area = 4 << 20;
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR,
		.handler = alloc_handler,
	};
	struct binder_proc_stats st;
	struct binder_reader r;
	struct keep_reply kr;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start_map(&s, 8 << 20));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);

	ASSERT_EQ(0, binder_proc_stats(s.pid, &st));
	EXPECT_EQ(area / PAGE, st.pages_active + st.pages_lru + st.pages_free);
	EXPECT_EQ(area / 2, st.free_async_space);

	EXPECT_EQ(BR_FAILED_REPLY, send_sized(&r, CODE_SUM, 0, area + PAGE, 1, &kr));
	EXPECT_EQ(BR_FAILED_REPLY, send_sized(&r, CODE_SUM, 0, area + 8, 1, &kr));
	EXPECT_EQ(0, send_sized(&r, CODE_SUM, 0, 3 << 20, 2, &kr));
	/* oneway: half of 4 MiB, not of 8 MiB */
	EXPECT_EQ(BR_FAILED_REPLY, send_sized(&r, CODE_SUM, TF_ONE_WAY,
					      3 << 20, 3, &kr));
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, send_sized(&r, CODE_SUM, TF_ONE_WAY,
						      1 << 20, 4, &kr));
	/* the area still works after the failures */
	EXPECT_EQ(0, send_sized(&r, CODE_SUM, 0, 5000, 5, &kr));

	close(fd);
	binder_server_stop(&s);
}

TEST_HARNESS_MAIN
