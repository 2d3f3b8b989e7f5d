// perftest runner: text buffer, number formatting, fuchsiaperf JSON (see json.h).
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pt_buf_append(struct pt_buf *b, const char *s, size_t n) {
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pt_buf_puts(struct pt_buf *b, const char *s) { pt_buf_append(b, s, strlen(s)); }

void pt_buf_vprintf(struct pt_buf *b, const char *fmt, va_list ap) {
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof(small)) {
        pt_buf_append(b, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            pt_buf_append(b, big, (size_t)n);
            free(big);
        } else {
            b->failed = true;
        }
    }
    va_end(ap2);
}

void pt_buf_printf(struct pt_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pt_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void pt_buf_free(struct pt_buf *b) {
    free(b->data);
    memset(b, 0, sizeof(*b));
}

// Writes the decimal digits of u into tmp backwards; returns the count.
static size_t utoa_rev(unsigned long long u, char *tmp) {
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    return n;
}

size_t pt_format_double(char *buf, size_t size, double v, unsigned decimals, bool trim) {
    char out[64];
    size_t n = 0;
    if (decimals > 9) decimals = 9;
    if (v != v) {
        memcpy(out, "nan", 3), n = 3;
    } else {
        bool neg = v < 0;
        if (neg) v = -v;
        if (v > 1.7976931348623157e308) {
            if (neg) out[n++] = '-';
            memcpy(out + n, "inf", 3), n += 3;
        } else {
            unsigned long long scale = 1;
            for (unsigned i = 0; i < decimals; i++) scale *= 10;
            // Fewer decimals rather than an overflow of the scaled integer.
            while (decimals > 0 && v * (double)scale >= 1.8e19) decimals--, scale /= 10;
            char tmp[32];
            if (v * (double)scale < 1.8e19) {
                unsigned long long r = (unsigned long long)(v * (double)scale + 0.5);
                unsigned long long ip = r / scale, fp = r % scale;
                if (neg && r != 0) out[n++] = '-';
                size_t k = utoa_rev(ip, tmp);
                while (k) out[n++] = tmp[--k];
                if (decimals) {
                    out[n++] = '.';
                    for (unsigned i = decimals; i-- > 0;) {
                        unsigned long long p = 1;
                        for (unsigned j = 0; j < i; j++) p *= 10;
                        out[n++] = (char)('0' + (fp / p) % 10);
                    }
                    if (trim) {
                        while (out[n - 1] == '0') n--;
                        if (out[n - 1] == '.') n--;
                    }
                }
            } else {
                // Exponent notation: 6 digits after the point.
                int e = 0;
                while (v >= 10.0) v /= 10.0, e++;
                unsigned long long m = (unsigned long long)(v * 1e6 + 0.5);
                if (m >= 10000000ull) m /= 10, e++;
                if (neg) out[n++] = '-';
                out[n++] = (char)('0' + m / 1000000ull);
                out[n++] = '.';
                for (unsigned long long p = 100000ull; p; p /= 10) out[n++] = (char)('0' + (m / p) % 10);
                out[n++] = 'e';
                out[n++] = '+';
                size_t k = utoa_rev((unsigned long long)e, tmp);
                if (k < 2) out[n++] = '0';
                while (k) out[n++] = tmp[--k];
            }
        }
    }
    if (size > 0) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(buf, out, c);
        buf[c] = '\0';
    }
    return n;
}

void pt_json_string(struct pt_buf *b, const char *s) {
    pt_buf_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        char esc[8];
        const char *e = NULL;
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                e = esc;
            }
        }
        if (e)
            pt_buf_puts(b, e);
        else
            pt_buf_append(b, (const char *)p, 1);
    }
    pt_buf_append(b, "\"", 1);
}

void pt_json_number(struct pt_buf *b, double v) {
    if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
        pt_buf_puts(b, "null");
        return;
    }
    char tmp[64];
    size_t n = pt_format_double(tmp, sizeof(tmp), v, 3, true);
    pt_buf_append(b, tmp, n);
}

// Length of the line being written (characters after the last '\n').
static size_t line_len(const struct pt_buf *b) {
    size_t i = b->len;
    while (i > 0 && b->data[i - 1] != '\n') i--;
    return b->len - i;
}

void pt_json_write_results(struct pt_buf *b, const char *test_suite, const struct pt_result *r,
                           size_t count) {
    pt_buf_puts(b, "[");
    for (size_t i = 0; i < count; i++) {
        if (i) pt_buf_puts(b, ",\n ");
        pt_buf_puts(b, "{\"label\": ");
        pt_json_string(b, r[i].label);
        pt_buf_puts(b, ",\n  \"test_suite\": ");
        pt_json_string(b, test_suite);
        pt_buf_puts(b, ", \"unit\": \"nanoseconds\",\n  \"values\": [");
        for (size_t k = 0; k < r[i].n; k++) {
            struct pt_buf num = {0};
            pt_json_number(&num, r[i].values[k]);
            if (k) {
                pt_buf_puts(b, ",");
                // Room for " value," (or "]," / "]}," after the last value).
                if (line_len(b) + 1 + num.len + 3 > PT_JSON_LINE_MAX)
                    pt_buf_puts(b, "\n   ");
                else
                    pt_buf_puts(b, " ");
            }
            if (num.data) pt_buf_append(b, num.data, num.len);
            pt_buf_free(&num);
        }
        pt_buf_puts(b, "]");
        if (r[i].bytes_per_run)
            pt_buf_printf(b, ",\n  \"bytes_processed_per_run\": %llu",
                          (unsigned long long)r[i].bytes_per_run);
        pt_buf_puts(b, "}");
    }
    pt_buf_puts(b, "]\n");
}
