// perftest runner: regular expressions (see regex.h). The pattern is parsed into a tree, the
// tree is compiled into a tiny NFA program (CHAR / ANY / CLASS / BOL / EOL / SPLIT / JMP /
// MATCH), and the program is run over the text with one list of live states per position.
#include "regex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RE_MAX_REPEAT 255u
#define RE_MAX_NODES 4096u
#define RE_MAX_PROG 16384u

// ---- parse tree ------------------------------------------------------------------------------

enum node_kind { N_EMPTY, N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_CAT, N_ALT, N_REPEAT };

#define REPEAT_INF 0xffffffffu

struct node {
    enum node_kind kind;
    unsigned char c;    // N_CHAR
    int cls;            // N_CLASS: index into the class table
    int a, b;           // children: N_CAT / N_ALT (a, b), N_REPEAT (a)
    uint32_t min, max;  // N_REPEAT
};

struct parser {
    const char *p;
    struct node *nodes;
    size_t nnodes;
    uint8_t (*classes)[32];  // 256-bit sets
    size_t nclasses;
    const char *error;
    int depth;
};

static int new_node(struct parser *ps, enum node_kind kind) {
    if (ps->nnodes >= RE_MAX_NODES) {
        ps->error = "pattern too long";
        return -1;
    }
    struct node *n = &ps->nodes[ps->nnodes];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->a = n->b = -1;
    return (int)ps->nnodes++;
}

static int cat(struct parser *ps, int a, int b) {
    if (a < 0) return b;
    if (b < 0) return a;
    int n = new_node(ps, N_CAT);
    if (n < 0) return -1;
    ps->nodes[n].a = a;
    ps->nodes[n].b = b;
    return n;
}

static void set_bit(uint8_t *set, unsigned c) { set[c >> 3] |= (uint8_t)(1u << (c & 7)); }

static bool in_named_class(const char *name, size_t len, unsigned c) {
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
    bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
    if (IS("alpha")) return upper || lower;
    if (IS("digit")) return digit;
    if (IS("alnum")) return upper || lower || digit;
    if (IS("upper")) return upper;
    if (IS("lower")) return lower;
    if (IS("space")) return c == ' ' || (c >= '\t' && c <= '\r');
    if (IS("xdigit")) return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (IS("punct")) return c > ' ' && c < 0x7f && !(upper || lower || digit);
#undef IS
    return false;
}

static bool known_class(const char *name, size_t len) {
    static const char *const names[] = {"alpha", "digit", "alnum", "upper",
                                        "lower", "space", "xdigit", "punct"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) return true;
    return false;
}

// After '[': parses up to and including ']'.
static int parse_class(struct parser *ps) {
    if (ps->nclasses >= RE_MAX_NODES) {
        ps->error = "pattern too long";
        return -1;
    }
    uint8_t *set = ps->classes[ps->nclasses];
    memset(set, 0, 32);
    bool negate = false;
    if (*ps->p == '^') {
        negate = true;
        ps->p++;
    }
    bool first = true;
    for (;;) {
        unsigned char c = (unsigned char)*ps->p;
        if (c == '\0') {
            ps->error = "unbalanced '['";
            return -1;
        }
        if (c == ']' && !first) {
            ps->p++;
            break;
        }
        first = false;
        if (c == '[' && ps->p[1] == ':') {
            const char *name = ps->p + 2;
            const char *end = name;
            while (*end && !(end[0] == ':' && end[1] == ']')) end++;
            if (!*end || !known_class(name, (size_t)(end - name))) {
                ps->error = "unknown character class";
                return -1;
            }
            for (unsigned x = 1; x < 256; x++)
                if (in_named_class(name, (size_t)(end - name), x)) set_bit(set, x);
            ps->p = end + 2;
            continue;
        }
        ps->p++;
        unsigned lo = c, hi = c;
        if (ps->p[0] == '-' && ps->p[1] != ']' && ps->p[1] != '\0') {
            hi = (unsigned char)ps->p[1];
            ps->p += 2;
            if (hi < lo) {
                ps->error = "invalid range in '[]'";
                return -1;
            }
        }
        for (unsigned x = lo; x <= hi; x++) set_bit(set, x);
    }
    if (negate) {
        for (int i = 0; i < 32; i++) set[i] = (uint8_t)~set[i];
        set[0] &= (uint8_t)~1u;  // never the terminating NUL
    }
    int n = new_node(ps, N_CLASS);
    if (n < 0) return -1;
    ps->nodes[n].cls = (int)ps->nclasses++;
    return n;
}

static int parse_alt(struct parser *ps);

static bool is_repeat_char(char c) { return c == '*' || c == '+' || c == '?' || c == '{'; }

static int parse_atom(struct parser *ps) {
    char c = *ps->p;
    int n;
    switch (c) {
    case '(':
        ps->p++;
        if (++ps->depth > 100) {
            ps->error = "too many nested groups";
            return -1;
        }
        n = parse_alt(ps);
        ps->depth--;
        if (ps->error) return -1;
        if (*ps->p != ')') {
            ps->error = "unbalanced '('";
            return -1;
        }
        ps->p++;
        if (n < 0) n = new_node(ps, N_EMPTY);  // "()"
        return n;
    case '[':
        ps->p++;
        return parse_class(ps);
    case '.':
        ps->p++;
        return new_node(ps, N_ANY);
    case '^':
        ps->p++;
        return new_node(ps, N_BOL);
    case '$':
        ps->p++;
        return new_node(ps, N_EOL);
    case '\\':
        if (ps->p[1] == '\0') {
            ps->error = "trailing '\\'";
            return -1;
        }
        n = new_node(ps, N_CHAR);
        if (n >= 0) ps->nodes[n].c = (unsigned char)ps->p[1];
        ps->p += 2;
        return n;
    default:
        if (is_repeat_char(c)) {
            ps->error = "nothing to repeat";
            return -1;
        }
        n = new_node(ps, N_CHAR);
        if (n >= 0) ps->nodes[n].c = (unsigned char)c;
        ps->p++;
        return n;
    }
}

static bool parse_uint(struct parser *ps, uint32_t *out) {
    if (*ps->p < '0' || *ps->p > '9') return false;
    uint32_t v = 0;
    while (*ps->p >= '0' && *ps->p <= '9') {
        v = v * 10u + (uint32_t)(*ps->p - '0');
        if (v > RE_MAX_REPEAT) return false;
        ps->p++;
    }
    *out = v;
    return true;
}

static int parse_repeat(struct parser *ps) {
    int atom = parse_atom(ps);
    if (atom < 0) return -1;
    while (is_repeat_char(*ps->p)) {
        uint32_t min, max;
        char c = *ps->p++;
        if (c == '*') {
            min = 0, max = REPEAT_INF;
        } else if (c == '+') {
            min = 1, max = REPEAT_INF;
        } else if (c == '?') {
            min = 0, max = 1;
        } else {  // {m} {m,} {m,n}
            if (!parse_uint(ps, &min)) {
                ps->error = "invalid '{m,n}' repetition";
                return -1;
            }
            max = min;
            if (*ps->p == ',') {
                ps->p++;
                max = REPEAT_INF;
                if (*ps->p != '}' && (!parse_uint(ps, &max) || max < min)) {
                    ps->error = "invalid '{m,n}' repetition";
                    return -1;
                }
            }
            if (*ps->p != '}') {
                ps->error = "invalid '{m,n}' repetition";
                return -1;
            }
            ps->p++;
        }
        enum node_kind k = ps->nodes[atom].kind;
        if (k == N_BOL || k == N_EOL) {
            ps->error = "nothing to repeat";
            return -1;
        }
        int n = new_node(ps, N_REPEAT);
        if (n < 0) return -1;
        ps->nodes[n].a = atom;
        ps->nodes[n].min = min;
        ps->nodes[n].max = max;
        atom = n;
    }
    return atom;
}

// A sequence of atoms up to '|', ')' or the end; -1 with no error = empty.
static int parse_cat(struct parser *ps) {
    int seq = -1;
    while (*ps->p && *ps->p != '|' && *ps->p != ')') {
        int r = parse_repeat(ps);
        if (r < 0) return -1;
        seq = cat(ps, seq, r);
        if (seq < 0) return -1;
    }
    return seq;
}

static int parse_alt(struct parser *ps) {
    int left = parse_cat(ps);
    if (ps->error) return -1;
    while (*ps->p == '|') {
        ps->p++;
        int right = parse_cat(ps);
        if (ps->error) return -1;
        if (left < 0) left = new_node(ps, N_EMPTY);
        if (right < 0) right = new_node(ps, N_EMPTY);
        int n = new_node(ps, N_ALT);
        if (n < 0) return -1;
        ps->nodes[n].a = left;
        ps->nodes[n].b = right;
        left = n;
    }
    return left;
}

// ---- program ---------------------------------------------------------------------------------

enum op { OP_CHAR, OP_ANY, OP_CLASS, OP_BOL, OP_EOL, OP_SPLIT, OP_JMP, OP_MATCH };

struct inst {
    uint8_t op;
    uint8_t c;
    int32_t x, y;  // OP_SPLIT: both targets; OP_JMP: x; OP_CLASS: x = class index
};

struct pt_regex {
    struct inst *prog;
    size_t len;
    uint8_t (*classes)[32];
};

struct emitter {
    struct inst *prog;
    size_t len;
    const struct node *nodes;
    const char *error;
};

static int emit(struct emitter *e, uint8_t op) {
    if (e->len >= RE_MAX_PROG) {
        e->error = "pattern too long";
        return -1;
    }
    struct inst *in = &e->prog[e->len];
    memset(in, 0, sizeof(*in));
    in->op = op;
    return (int)e->len++;
}

static void gen(struct emitter *e, int ni);

// e? (greedy order does not matter: only match / no match is reported)
static void gen_optional(struct emitter *e, int child) {
    int split = emit(e, OP_SPLIT);
    if (split < 0) return;
    e->prog[split].x = split + 1;
    gen(e, child);
    e->prog[split].y = (int32_t)e->len;
}

static void gen(struct emitter *e, int ni) {
    if (e->error || ni < 0) return;
    const struct node *n = &e->nodes[ni];
    int pc;
    switch (n->kind) {
    case N_EMPTY:
        break;
    case N_CHAR:
        if ((pc = emit(e, OP_CHAR)) >= 0) e->prog[pc].c = n->c;
        break;
    case N_ANY:
        emit(e, OP_ANY);
        break;
    case N_CLASS:
        if ((pc = emit(e, OP_CLASS)) >= 0) e->prog[pc].x = n->cls;
        break;
    case N_BOL:
        emit(e, OP_BOL);
        break;
    case N_EOL:
        emit(e, OP_EOL);
        break;
    case N_CAT:
        gen(e, n->a);
        gen(e, n->b);
        break;
    case N_ALT: {
        int split = emit(e, OP_SPLIT);
        if (split < 0) return;
        e->prog[split].x = split + 1;
        gen(e, n->a);
        int jmp = emit(e, OP_JMP);
        if (jmp < 0) return;
        e->prog[split].y = (int32_t)e->len;
        gen(e, n->b);
        e->prog[jmp].x = (int32_t)e->len;
        break;
    }
    case N_REPEAT:
        for (uint32_t i = 0; i < n->min && !e->error; i++) gen(e, n->a);
        if (n->max == REPEAT_INF) {
            // L: split body, out; body; jmp L; out:
            int split = emit(e, OP_SPLIT);
            if (split < 0) return;
            e->prog[split].x = split + 1;
            gen(e, n->a);
            int jmp = emit(e, OP_JMP);
            if (jmp < 0) return;
            e->prog[jmp].x = split;
            e->prog[split].y = (int32_t)e->len;
        } else {
            for (uint32_t i = n->min; i < n->max && !e->error; i++) gen_optional(e, n->a);
        }
        break;
    }
}

struct pt_regex *pt_regex_compile(const char *pattern, char *err, size_t err_size) {
    if (err_size > 0) err[0] = '\0';
    struct parser ps = {.p = pattern};
    ps.nodes = malloc(RE_MAX_NODES * sizeof(*ps.nodes));
    ps.classes = malloc(RE_MAX_NODES * sizeof(*ps.classes));
    struct emitter e = {0};
    e.prog = malloc(RE_MAX_PROG * sizeof(*e.prog));
    struct pt_regex *re = malloc(sizeof(*re));
    const char *error = NULL;
    if (!ps.nodes || !ps.classes || !e.prog || !re) {
        error = "out of memory";
        goto fail;
    }
    int root = parse_alt(&ps);
    if (!ps.error && *ps.p == ')') ps.error = "unbalanced ')'";
    if (ps.error) {
        error = ps.error;
        goto fail;
    }
    e.nodes = ps.nodes;
    gen(&e, root);
    emit(&e, OP_MATCH);
    if (e.error) {
        error = e.error;
        goto fail;
    }
    free(ps.nodes);
    re->prog = e.prog;
    re->len = e.len;
    re->classes = ps.classes;
    return re;

fail:
    if (err_size > 0) snprintf(err, err_size, "%s", error);
    free(ps.nodes);
    free(ps.classes);
    free(e.prog);
    free(re);
    return NULL;
}

void pt_regex_free(struct pt_regex *re) {
    if (!re) return;
    free(re->prog);
    free(re->classes);
    free(re);
}

// ---- simulation ------------------------------------------------------------------------------

struct list {
    int32_t *pc;
    size_t n;
};

// Adds pc and everything reachable from it without consuming a character. Returns true when
// MATCH is reachable.
static bool add_state(const struct pt_regex *re, struct list *l, uint32_t *mark, uint32_t gen,
                      int32_t pc, size_t pos, size_t textlen) {
    if (mark[pc] == gen) return false;
    mark[pc] = gen;
    const struct inst *in = &re->prog[pc];
    switch (in->op) {
    case OP_JMP:
        return add_state(re, l, mark, gen, in->x, pos, textlen);
    case OP_SPLIT:
        return add_state(re, l, mark, gen, in->x, pos, textlen) ||
               add_state(re, l, mark, gen, in->y, pos, textlen);
    case OP_BOL:
        return pos == 0 && add_state(re, l, mark, gen, pc + 1, pos, textlen);
    case OP_EOL:
        return pos == textlen && add_state(re, l, mark, gen, pc + 1, pos, textlen);
    case OP_MATCH:
        return true;
    default:
        l->pc[l->n++] = pc;
        return false;
    }
}

bool pt_regex_search(const struct pt_regex *re, const char *text) {
    size_t len = strlen(text);
    size_t np = re->len;
    int32_t *buf = malloc(2 * np * sizeof(int32_t));
    uint32_t *mark = calloc(np, sizeof(uint32_t));
    if (!buf || !mark) {
        free(buf);
        free(mark);
        return false;
    }
    struct list cur = {buf, 0}, next = {buf + np, 0};
    uint32_t gen = 1;
    bool matched = false;
    for (size_t pos = 0;; pos++) {
        // A new attempt starts at every position (search, not anchored match).
        if (add_state(re, &cur, mark, gen, 0, pos, len)) {
            matched = true;
            break;
        }
        if (pos == len) break;
        unsigned char c = (unsigned char)text[pos];
        gen++;
        next.n = 0;
        for (size_t i = 0; i < cur.n && !matched; i++) {
            const struct inst *in = &re->prog[cur.pc[i]];
            bool ok = (in->op == OP_CHAR && in->c == c) || in->op == OP_ANY ||
                      (in->op == OP_CLASS && (re->classes[in->x][c >> 3] >> (c & 7)) & 1u);
            if (ok && add_state(re, &next, mark, gen, cur.pc[i] + 1, pos + 1, len)) matched = true;
        }
        if (matched) break;
        struct list t = cur;
        cur = next;
        next = t;
    }
    free(buf);
    free(mark);
    return matched;
}
