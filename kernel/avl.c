// Intrusive AVL trees (kernel/avl.h).
#include "kernel/avl.h"

static int fresh_height(const struct avl_node *n) {
    int l = avl_height(n->left), r = avl_height(n->right);
    return 1 + (l > r ? l : r);
}

static struct avl_node *leftmost(struct avl_node *n) {
    while (n->left) n = n->left;
    return n;
}

static struct avl_node *rightmost(struct avl_node *n) {
    while (n->right) n = n->right;
    return n;
}

// Puts `to` where `from` hangs under parent (NULL: the root).
static void replace_child(struct avl_tree *t, struct avl_node *parent, struct avl_node *from, struct avl_node *to) {
    if (!parent) t->root = to;
    else if (parent->left == from) parent->left = to;
    else parent->right = to;
    if (to) to->parent = parent;
}

// The child pointer on side dir (0: left, 1: right).
static struct avl_node **side(struct avl_node *n, int dir) { return dir ? &n->right : &n->left; }

// Lifts x's child on side dir into x's place (dir 1: a left rotation); returns it.
static struct avl_node *rotate(struct avl_tree *t, struct avl_node *x, int dir, avl_augment_fn aug) {
    struct avl_node *y = *side(x, dir), *inner = *side(y, !dir);
    replace_child(t, x->parent, x, y);
    *side(x, dir) = inner;
    if (inner) inner->parent = x;
    *side(y, !dir) = x;
    x->parent = y;
    x->height = fresh_height(x);
    y->height = fresh_height(y);
    if (aug) {
        aug(x);
        aug(y);
    }
    return y;
}

// Restores the AVL balance at n, whose taller side (heavy: 0 left, 1 right) is two higher
// than the other (their subtrees balanced); returns the node now at n's place.
static struct avl_node *rebalance(struct avl_tree *t, struct avl_node *n, int heavy, avl_augment_fn aug) {
    struct avl_node *c = *side(n, heavy);
    // c leaning the other way: straighten it first (a double rotation).
    if (avl_height(*side(c, heavy)) < avl_height(*side(c, !heavy))) rotate(t, c, !heavy, aug);
    return rotate(t, n, heavy, aug);
}

// n's subtree changed below it: restores heights, balance and summaries from n up. Above a
// node whose height and summary came out unchanged (and that needed no rotation) nothing can
// have changed, so the walk stops there; but not at or below `stale`, an ancestor that moved
// into another node's place: its stored summary is not the one its parent was computed from.
static void fixup(struct avl_tree *t, struct avl_node *n, avl_augment_fn aug, struct avl_node *stale) {
    while (n) {
        int hl = avl_height(n->left), hr = avl_height(n->right);
        bool go_on = stale != NULL;
        if (n == stale) stale = NULL;
        if (hl - hr > 1 || hr - hl > 1) {
            n = rebalance(t, n, hl < hr, aug)->parent;
            continue;
        }
        int h = 1 + (hl > hr ? hl : hr);
        bool changed = aug && aug(n);
        if (h == n->height && !changed && !go_on) return;
        n->height = h;
        n = n->parent;
    }
}

void avl_insert(struct avl_tree *t, struct avl_node *n, struct avl_node *parent, struct avl_node **link,
                avl_augment_fn aug) {
    n->parent = parent;
    n->left = n->right = NULL;
    n->height = 1;
    *link = n;
    if (aug) aug(n);
    fixup(t, parent, aug, NULL);
}

void avl_insert_after(struct avl_tree *t, struct avl_node *pos, struct avl_node *n, avl_augment_fn aug) {
    if (!pos && !t->root) {
        avl_insert(t, n, NULL, &t->root, aug);
    } else if (!pos) {
        struct avl_node *first = leftmost(t->root);
        avl_insert(t, n, first, &first->left, aug);
    } else if (!pos->right) {
        avl_insert(t, n, pos, &pos->right, aug);
    } else {
        struct avl_node *succ = leftmost(pos->right);
        avl_insert(t, n, succ, &succ->left, aug);
    }
}

void avl_remove(struct avl_tree *t, struct avl_node *n, avl_augment_fn aug) {
    struct avl_node *stale = NULL;
    if (n->left && n->right) {
        // Trade places with the successor s (it has no left child), so that n has at most
        // one child. s moves up, so its summary must be recomputed whatever happens below.
        struct avl_node *s = leftmost(n->right), *s_parent = s->parent, *s_right = s->right;
        replace_child(t, n->parent, n, s);
        s->left = n->left;
        s->left->parent = s;
        if (s_parent == n) {
            s->right = n;
            n->parent = s;
        } else {
            s->right = n->right;
            s->right->parent = s;
            s_parent->left = n;
            n->parent = s_parent;
        }
        n->left = NULL;
        n->right = s_right;
        if (s_right) s_right->parent = n;
        int h = s->height;
        s->height = n->height;
        n->height = h;
        stale = s;
    }
    struct avl_node *parent = n->parent;
    replace_child(t, parent, n, n->left ? n->left : n->right);
    n->parent = n->left = n->right = NULL;
    fixup(t, parent, aug, stale);
}

void avl_propagate(struct avl_node *n, avl_augment_fn aug) {
    while (n && aug(n)) n = n->parent;
}

struct avl_node *avl_first(const struct avl_tree *t) { return t->root ? leftmost(t->root) : NULL; }

struct avl_node *avl_last(const struct avl_tree *t) { return t->root ? rightmost(t->root) : NULL; }

struct avl_node *avl_next(const struct avl_node *n) {
    if (n->right) return leftmost(n->right);
    while (n->parent && n == n->parent->right) n = n->parent;
    return n->parent;
}

struct avl_node *avl_prev(const struct avl_node *n) {
    if (n->left) return rightmost(n->left);
    while (n->parent && n == n->parent->left) n = n->parent;
    return n->parent;
}
