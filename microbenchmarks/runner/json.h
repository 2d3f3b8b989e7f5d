// perftest runner: a growable text buffer, number formatting and the fuchsiaperf JSON writer.
#ifndef ZC_PERFTEST_JSON_H
#define ZC_PERFTEST_JSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Text buffer; `data` is always NUL-terminated once anything was appended. After an allocation
// failure `failed` is set and further appends are dropped.
struct pt_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
};

void pt_buf_append(struct pt_buf *b, const char *s, size_t n);
void pt_buf_puts(struct pt_buf *b, const char *s);
void pt_buf_printf(struct pt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pt_buf_vprintf(struct pt_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void pt_buf_free(struct pt_buf *b);

// Formats v in fixed notation with `decimals` (0..9) digits after the point, rounded half up;
// with `trim`, trailing zeros of the fraction (and a bare '.') are dropped: 61.25 -> "61.25",
// 2.0 -> "2". Fewer decimals are used where the scaled value would pass 1.8e19, and values of
// 1.8e19 and more use exponent notation ("1.234568e+20"); NaN -> "nan",
// infinities -> "inf" / "-inf"; -0 -> "0". Returns the length (like snprintf: the length the
// full text needs; the text is truncated to size - 1 and always NUL-terminated when size > 0).
size_t pt_format_double(char *buf, size_t size, double v, unsigned decimals, bool trim);

// Appends s as a JSON string literal: quotes, `"` and `\` escaped, control characters as
// \b \f \n \r \t or \u00XX, DEL as \u007f; other bytes (UTF-8) unchanged.
void pt_json_string(struct pt_buf *b, const char *s);

// Appends v as a JSON number with up to 3 decimals (trailing zeros trimmed); `null` when v is
// not finite (JSON has no NaN or infinity).
void pt_json_number(struct pt_buf *b, double v);

// One fuchsiaperf entry.
struct pt_result {
    char *label;
    double *values;             // nanoseconds, one per run
    size_t n;
    uint64_t bytes_per_run;     // 0 = none
};

// Appends the fuchsiaperf JSON array of the results (unit "nanoseconds"). Lines stay under
// PT_JSON_LINE_MAX characters (the zc console splits longer lines into debuglog records),
// breaking only between tokens.
#define PT_JSON_LINE_MAX 100
void pt_json_write_results(struct pt_buf *b, const char *test_suite, const struct pt_result *r,
                           size_t count);

#endif
