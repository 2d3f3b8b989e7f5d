// The intrusive AVL tree (kernel/avl.c): random insertions and removals against a reference,
// with every invariant (links, heights, balance, order, augmented summaries) checked.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/avl.h"
#include "kernel/list.h"
#include "tests/host/ktest.h"

struct item {
    struct avl_node node;
    uint64_t key;
    uint64_t weight;
    // The summary of the subtree: how many nodes, the heaviest weight, the smallest key.
    uint64_t count, max_weight, min_key;
};

static struct item *item_of(const struct avl_node *n) { return container_of(n, struct item, node); }

static bool summarize(struct avl_node *n) {
    struct item *it = item_of(n);
    uint64_t count = 1, max_weight = it->weight, min_key = it->key;
    if (n->left) {
        struct item *l = item_of(n->left);
        count += l->count;
        if (l->max_weight > max_weight) max_weight = l->max_weight;
        min_key = l->min_key;
    }
    if (n->right) {
        struct item *r = item_of(n->right);
        count += r->count;
        if (r->max_weight > max_weight) max_weight = r->max_weight;
    }
    bool changed = count != it->count || max_weight != it->max_weight || min_key != it->min_key;
    it->count = count;
    it->max_weight = max_weight;
    it->min_key = min_key;
    return changed;
}

// A summary of the heaviest weight alone: unlike a count, it often comes out the same after a
// change below, which is when a walk up may stop early (and must not stop too early).
static bool summarize_max(struct avl_node *n) {
    struct item *it = item_of(n);
    uint64_t max_weight = it->weight;
    if (n->left && item_of(n->left)->max_weight > max_weight) max_weight = item_of(n->left)->max_weight;
    if (n->right && item_of(n->right)->max_weight > max_weight) max_weight = item_of(n->right)->max_weight;
    bool changed = max_weight != it->max_weight;
    it->max_weight = max_weight;
    return changed;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {  // xorshift64
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

// Checks n's subtree from scratch; returns its height (-1: broken, after reporting it).
// Recursive: test code only, and the depth is the tree's height.
enum summary { NONE, FULL, MAX_ONLY };  // which summary function the tree was kept with
struct check {
    const struct item *prev;  // the node before in order
    uint64_t count;
    enum summary summary;
};
static int check_subtree(const struct avl_node *n, const struct avl_node *parent, struct check *c) {
    if (!n) return 0;
    if (n->parent != parent) {
        kt_fail(__FILE__, __LINE__, "node %llu: wrong parent link", (unsigned long long)item_of(n)->key);
        return -1;
    }
    int hl = check_subtree(n->left, n, c);
    if (hl < 0) return -1;
    const struct item *it = item_of(n);
    if (c->prev && c->prev->key >= it->key) {
        kt_fail(__FILE__, __LINE__, "out of order: %llu before %llu", (unsigned long long)c->prev->key,
                (unsigned long long)it->key);
        return -1;
    }
    c->prev = it;
    uint64_t before = c->count++;
    int hr = check_subtree(n->right, n, c);
    if (hr < 0) return -1;
    int h = 1 + (hl > hr ? hl : hr);
    if (n->height != h || hl - hr > 1 || hr - hl > 1) {
        kt_fail(__FILE__, __LINE__, "node %llu: height %d, children %d and %d", (unsigned long long)it->key,
                n->height, hl, hr);
        return -1;
    }
    if (c->summary != NONE) {
        uint64_t count = c->count - before + (n->left ? item_of(n->left)->count : 0);
        uint64_t max_weight = it->weight, min_key = n->left ? item_of(n->left)->min_key : it->key;
        if (n->left && item_of(n->left)->max_weight > max_weight) max_weight = item_of(n->left)->max_weight;
        if (n->right && item_of(n->right)->max_weight > max_weight) max_weight = item_of(n->right)->max_weight;
        if (it->max_weight != max_weight ||
            (c->summary == FULL && (it->count != count || it->min_key != min_key))) {
            kt_fail(__FILE__, __LINE__, "node %llu: stale summary", (unsigned long long)it->key);
            return -1;
        }
    }
    return h;
}

// The whole tree is a valid, augmented AVL tree of exactly `count` nodes.
static bool tree_ok(const struct avl_tree *t, uint64_t count, enum summary summary) {
    struct check c = {NULL, 0, summary};
    int h = check_subtree(t->root, NULL, &c);
    if (h < 0) return false;
    if (c.count != count) {
        kt_fail(__FILE__, __LINE__, "%llu nodes, expected %llu", (unsigned long long)c.count,
                (unsigned long long)count);
        return false;
    }
    int log2_ceil = 0;  // an upper bound of log2(count + 2)
    while ((1ull << log2_ceil) < count + 2) log2_ceil++;
    if (100 * h > 145 * log2_ceil) {  // AVL: height < 1.45 log2(n + 2)
        kt_fail(__FILE__, __LINE__, "height %d for %llu nodes", h, (unsigned long long)count);
        return false;
    }
    return true;
}

// Finds where key goes (or is): the node holding it, else NULL with *parent/*link set.
static struct item *find(struct avl_tree *t, uint64_t key, struct avl_node **parent, struct avl_node ***link) {
    *parent = NULL;
    *link = &t->root;
    while (**link) {
        struct item *it = item_of(**link);
        if (key == it->key) return it;
        *parent = **link;
        *link = key < it->key ? &(**link)->left : &(**link)->right;
    }
    return NULL;
}

TEST(Avl, EmptyAndSingle) {
    struct avl_tree t;
    avl_init(&t);
    EXPECT_TRUE(avl_empty(&t));
    EXPECT_TRUE(avl_first(&t) == NULL);
    EXPECT_TRUE(avl_last(&t) == NULL);
    struct item a = {.key = 5, .weight = 9};
    avl_insert(&t, &a.node, NULL, &t.root, summarize);
    EXPECT_TRUE(avl_first(&t) == &a.node);
    EXPECT_TRUE(avl_last(&t) == &a.node);
    EXPECT_TRUE(avl_next(&a.node) == NULL);
    EXPECT_TRUE(avl_prev(&a.node) == NULL);
    EXPECT_EQ(a.count, 1);
    EXPECT_EQ(a.max_weight, 9);
    avl_remove(&t, &a.node, summarize);
    EXPECT_TRUE(avl_empty(&t));
}

// Random insertions and removals of keys in a small range (so both hit often), compared with
// a presence table; the whole tree is checked after every operation while it is small, then
// every 97 operations, and walked forwards and backwards against the table.
static void random_operations(avl_augment_fn aug, enum summary summary) {
    enum { KEYS = 3000, OPS = 60000 };
    static struct item items[KEYS];
    static bool present[KEYS];
    memset(items, 0, sizeof(items));
    memset(present, 0, sizeof(present));
    struct avl_tree t;
    avl_init(&t);
    uint64_t count = 0, max_count = 0;
    for (int op = 0; op < OPS; op++) {
        // Drift between filling up and draining, so that the tree grows large and shrinks.
        bool fill = ((op / 7000) % 2) == 0;
        uint64_t key = rnd() % KEYS;
        bool insert = (rnd() % 100) < (fill ? 70u : 30u);
        struct avl_node *parent, **link;
        struct item *hit = find(&t, key, &parent, &link);
        ASSERT_EQ(hit != NULL, present[key]);
        if (insert && !hit) {
            items[key].key = key;
            items[key].weight = rnd() % 100000;
            avl_insert(&t, &items[key].node, parent, link, aug);
            present[key] = true;
            count++;
        } else if (!insert && hit) {
            avl_remove(&t, &hit->node, aug);
            present[key] = false;
            count--;
        }
        if (count > max_count) max_count = count;
        if (count < 200 || op % 97 == 0) ASSERT_TRUE(tree_ok(&t, count, summary));
        if (op % 997 == 0) {
            uint64_t k = 0;
            for (struct avl_node *n = avl_first(&t); n; n = avl_next(n), k++) {
                while (!present[k]) k++;
                ASSERT_EQ(item_of(n)->key, k);
            }
            k = KEYS;
            for (struct avl_node *n = avl_last(&t); n; n = avl_prev(n)) {
                do k--; while (!present[k]);
                ASSERT_EQ(item_of(n)->key, k);
            }
        }
    }
    EXPECT_GT(max_count, KEYS / 2);  // it did grow large
    ASSERT_TRUE(tree_ok(&t, count, summary));
}
TEST(Avl, RandomOperationsMatchReference) { random_operations(summarize, FULL); }
TEST(Avl, RandomOperationsKeepAMaximum) { random_operations(summarize_max, MAX_ONLY); }

// In-order insertion with avl_insert_after (ascending, then at the front, then in the middle)
// keeps the tree balanced and ordered; removal from the front and while walking too.
TEST(Avl, InsertAfterAndSequentialRemoval) {
    enum { N = 100000 };
    struct item *items = calloc(N, sizeof(*items));
    ASSERT_NOT_NULL(items);
    struct avl_tree t;
    avl_init(&t);
    uint64_t count = 0;
    for (uint64_t i = 0; i < N / 2; i++) {
        items[i].key = 2 * (N / 2 - 1 - i) + 1;  // odd keys, descending: each goes first
        avl_insert_after(&t, NULL, &items[i].node, summarize);
        count++;
    }
    ASSERT_TRUE(tree_ok(&t, count, FULL));
    // Even keys, each right after the odd key below it (found by walking).
    struct avl_node *n = avl_first(&t);
    for (uint64_t i = N / 2; i < N; i++) {
        items[i].key = item_of(n)->key + 1;
        avl_insert_after(&t, n, &items[i].node, summarize);
        count++;
        n = avl_next(&items[i].node);
    }
    ASSERT_TRUE(n == NULL);
    ASSERT_TRUE(tree_ok(&t, count, FULL));
    uint64_t k = 1;
    for (n = avl_first(&t); n; n = avl_next(n)) ASSERT_EQ(item_of(n)->key, k++);
    // Remove every other node while walking, keeping the saved next.
    for (n = avl_first(&t); n;) {
        struct avl_node *next = avl_next(n);
        if (item_of(n)->key % 2 == 0) {
            avl_remove(&t, n, summarize);
            count--;
        }
        n = next;
    }
    ASSERT_TRUE(tree_ok(&t, count, FULL));
    // Then drain from the front.
    while ((n = avl_first(&t))) {
        avl_remove(&t, n, summarize);
        if (--count % 4999 == 0) ASSERT_TRUE(tree_ok(&t, count, FULL));
    }
    EXPECT_TRUE(avl_empty(&t));
    free(items);
}

// A node's own field that its summary reads changes in place: avl_propagate repairs the path.
TEST(Avl, PropagateRepairsSummaries) {
    enum { N = 4096 };
    static struct item items[N];
    memset(items, 0, sizeof(items));
    struct avl_tree t;
    avl_init(&t);
    for (uint64_t i = 0; i < N; i++) {
        items[i].key = i;
        items[i].weight = i % 17;
        avl_insert_after(&t, i ? &items[i - 1].node : NULL, &items[i].node, summarize);
    }
    ASSERT_TRUE(tree_ok(&t, N, FULL));
    for (int round = 0; round < 2000; round++) {
        struct item *it = &items[rnd() % N];
        it->weight = rnd() % 1000;
        avl_propagate(&it->node, summarize);
        if (round % 50 == 0) ASSERT_TRUE(tree_ok(&t, N, FULL));
    }
    ASSERT_TRUE(tree_ok(&t, N, FULL));
    uint64_t heaviest = 0;
    for (uint64_t i = 0; i < N; i++)
        if (items[i].weight > heaviest) heaviest = items[i].weight;
    EXPECT_EQ(item_of(t.root)->max_weight, heaviest);
    EXPECT_EQ(item_of(t.root)->count, N);
}

// Without a summary function the tree is a plain ordered index.
TEST(Avl, WithoutAugmentation) {
    enum { N = 2000 };
    static struct item items[N];
    memset(items, 0, sizeof(items));
    struct avl_tree t;
    avl_init(&t);
    uint64_t count = 0;
    for (uint64_t i = 0; i < N; i++) {
        uint64_t key = (i * 7919) % N;
        struct avl_node *parent, **link;
        ASSERT_TRUE(find(&t, key, &parent, &link) == NULL);
        items[key].key = key;
        avl_insert(&t, &items[key].node, parent, link, NULL);
        count++;
    }
    ASSERT_TRUE(tree_ok(&t, count, NONE));
    for (uint64_t i = 0; i < N; i += 2) {
        avl_remove(&t, &items[i].node, NULL);
        count--;
    }
    ASSERT_TRUE(tree_ok(&t, count, NONE));
    uint64_t k = 1;
    for (struct avl_node *n = avl_first(&t); n; n = avl_next(n), k += 2) ASSERT_EQ(item_of(n)->key, k);
}
