// Intrusive circular doubly linked lists.
#ifndef ZC_KERNEL_LIST_H
#define ZC_KERNEL_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *prev, *next;
};

#define LIST_INIT(name) {&(name), &(name)}
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void list_init(struct list_node *l) { l->prev = l->next = l; }
static inline bool list_empty(const struct list_node *l) { return l->next == l; }
static inline bool list_in_list(const struct list_node *n) { return n->next != NULL && n->next != n; }
static inline void list_clear_node(struct list_node *n) { n->prev = n->next = NULL; }

static inline void list_insert_after(struct list_node *pos, struct list_node *n) {
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}
static inline void list_add_tail(struct list_node *l, struct list_node *n) { list_insert_after(l->prev, n); }
static inline void list_add_head(struct list_node *l, struct list_node *n) { list_insert_after(l, n); }
static inline void list_delete(struct list_node *n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
}
// list_delete for a node nothing looks at once it is out (list_in_list is then wrong for it).
static inline void list_unlink(struct list_node *n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
}
static inline struct list_node *list_pop_head(struct list_node *l) {
    if (list_empty(l)) return NULL;
    struct list_node *n = l->next;
    list_delete(n);
    return n;
}

#define list_for_each(l, it) for (struct list_node *it = (l)->next; it != (l); it = it->next)
// Safe against deleting `it` inside the loop.
#define list_for_each_safe(l, it, tmp) \
    for (struct list_node *it = (l)->next, *tmp = it->next; it != (l); it = tmp, tmp = it->next)

#endif
