// Intrusive AVL trees: balanced binary search trees whose nodes live inside the owner's struct
// (like struct list_node), with parent pointers and optional augmentation.
//
// The tree never compares keys: the caller walks down from `root` with its own ordering and
// links the new node where the walk fell off (`avl_insert`), or names the node it follows
// (`avl_insert_after`). The height of every tree with n nodes is below 1.45 log2(n + 2), so
// every walk, insertion and removal is O(log n), and a loop from avl_first() with avl_next()
// visits all nodes in O(n).
//
// Augmentation: an `avl_augment_fn` recomputes a node's summary of its subtree (a maximum, a
// count ...) from the node itself and the summaries of its two children, and says whether the
// summary changed. Insertion, removal and rotations call it bottom-up on every node whose
// subtree changed; a node whose own fields change in place needs avl_propagate(). The walk up
// stops at the first node whose height and summary both stayed the same. NULL: no summaries.
//
// No allocation, no recursion; the caller serialises access.
#ifndef ZC_KERNEL_AVL_H
#define ZC_KERNEL_AVL_H

#include <stdbool.h>
#include <stddef.h>

struct avl_node {
    struct avl_node *parent, *left, *right;
    int height;  // of the subtree: 1 for a leaf
};

struct avl_tree {
    struct avl_node *root;
};

typedef bool (*avl_augment_fn)(struct avl_node *n);

static inline void avl_init(struct avl_tree *t) { t->root = NULL; }
static inline bool avl_empty(const struct avl_tree *t) { return t->root == NULL; }

// Links n as *link, a NULL child pointer of parent (or &t->root with parent NULL) that a
// search for n's key ended on, then rebalances.
void avl_insert(struct avl_tree *t, struct avl_node *n, struct avl_node *parent, struct avl_node **link,
                avl_augment_fn aug);
// Links n right after pos in order (pos NULL: as the first node).
void avl_insert_after(struct avl_tree *t, struct avl_node *pos, struct avl_node *n, avl_augment_fn aug);
// Unlinks n. Other nodes stay where they are in order, so a saved avl_next(n) is still valid.
void avl_remove(struct avl_tree *t, struct avl_node *n, avl_augment_fn aug);
// n's own fields that its summary reads changed: recompute it and its ancestors' summaries.
void avl_propagate(struct avl_node *n, avl_augment_fn aug);

struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_last(const struct avl_tree *t);
// In-order neighbours (NULL past either end): O(1) amortised over a full walk.
struct avl_node *avl_next(const struct avl_node *n);
struct avl_node *avl_prev(const struct avl_node *n);

static inline int avl_height(const struct avl_node *n) { return n ? n->height : 0; }

#endif
