// perftest runner: a small regular-expression engine of our own (POSIX extended syntax, match
// or no match only), so `--filter` behaves the same on zc and on Linux.
//
// Supported: literals, `.`, bracket expressions `[abc]`, `[a-z]`, `[^...]` (with `]` first and
// `-` first or last taken literally, and the classes [:alpha:] [:digit:] [:alnum:] [:upper:]
// [:lower:] [:space:] [:punct:] [:xdigit:]), anchors `^` `$`, repetition `*` `+` `?` `{m}`
// `{m,}` `{m,n}` (n <= 255), alternation `|`, grouping `(...)`, and `\c` for a literal c.
// Matching is a search (the pattern may match anywhere unless anchored), simulated as a set of
// NFA states (no backtracking: time is O(pattern length x text length)).
#ifndef ZC_PERFTEST_REGEX_H
#define ZC_PERFTEST_REGEX_H

#include <stdbool.h>
#include <stddef.h>

struct pt_regex;

// Compiles `pattern`. Returns NULL on error, with a message in err (always NUL-terminated when
// err_size > 0), e.g. "unbalanced '('" or "nothing to repeat".
struct pt_regex *pt_regex_compile(const char *pattern, char *err, size_t err_size);

// True when the regex matches somewhere in `text`.
bool pt_regex_search(const struct pt_regex *re, const char *text);

void pt_regex_free(struct pt_regex *re);

#endif
