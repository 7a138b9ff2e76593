/* The unit tests' checks: CHECK(cond, ...) with an optional printf-style
 * explanation, CHECK_EQ(a, b) printing both values, and check_report()
 * for main's return: "N passed, M failed", exit status 1 on any failure. */
#ifndef CLONEMU_TEST_CHECK_H
#define CLONEMU_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

/* the optional explanation of a failed CHECK, then the end of its line */
static inline void check_note(const char *fmt, ...)
{
    if (*fmt) {
        va_list ap;
        va_start(ap, fmt);
        printf(": ");
        vprintf(fmt, ap);
        va_end(ap);
    }
    printf("\n");
}

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: %s", __FILE__, __LINE__, #cond);                                   \
            check_note("" __VA_ARGS__);                                                            \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ == b_) {                                                                            \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: %s == %s (0x%llx != 0x%llx)\n", __FILE__, __LINE__, #a, #b,        \
                   (unsigned long long)a_, (unsigned long long)b_);                                \
        }                                                                                          \
    } while (0)

/* main's last line: the summary, and the exit status */
static inline int check_report(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, passed, failed);
    return failed ? 1 : 0;
}

#endif
