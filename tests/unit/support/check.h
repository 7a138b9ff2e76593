/* The unit tests' checks: CHECK(cond, ...) with an optional printf-style
 * explanation, CHECK_EQ(a, b) printing both values, CHECK_STR(got, want)
 * for strings, and check_report() for main's return: "N passed, M
 * failed", exit status 1 on any failure. A test made of several files
 * (support/be_guest.c) defines CHECK_SHARED_COUNTERS before including
 * this, and one of its files defines int passed, failed. */
#ifndef CLONEMU_TEST_CHECK_H
#define CLONEMU_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifdef CHECK_SHARED_COUNTERS
extern int passed, failed;
#else
static int passed, failed;
#endif

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

/* got is a string (not NULL) equal to want */
#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ && strcmp(g_, w_) == 0) {                                                           \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: %s\n  got  %s\n  want %s\n", __FILE__, __LINE__, #got,             \
                   g_ ? g_ : "(null)", w_);                                                        \
        }                                                                                          \
    } while (0)

/* main's last line: the summary, and the exit status */
static inline int check_report(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, passed, failed);
    return failed ? 1 : 0;
}

#endif
