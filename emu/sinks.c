/* The human trace and the JSON Lines event file (sinks.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "emu/sinks.h"

/* --- the human trace ------------------------------------------------- */

/* Bounded appender: keeps buf NUL-terminated, silently truncates. */
struct line {
    char *buf;
    size_t n, len;
};

static void line_printf(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_printf(struct line *l, const char *fmt, ...)
{
    if (l->len + 1 >= l->n) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(l->buf + l->len, l->n - l->len, fmt, ap);
    va_end(ap);
    if (w > 0) l->len = l->len + (size_t)w < l->n ? l->len + (size_t)w : l->n - 1;
}

/* A string value as the trace shows it: bare when it is one plain ASCII
 * word, else quoted with C escapes, bytes outside printable ASCII as \xNN
 * (as strace does), so a line never breaks. */
static void line_put_str(struct line *l, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (*p == ' ' || *p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ||
            (unsigned char)*p >= 0x7f)
            plain = false;
    if (plain) {
        line_printf(l, "%s", s);
        return;
    }
    line_printf(l, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            line_printf(l, "\\%c", *p);
        else if (*p == '\n')
            line_printf(l, "\\n");
        else if (*p == '\t')
            line_printf(l, "\\t");
        else if (*p < 0x20 || *p >= 0x7f)
            line_printf(l, "\\x%02x", *p);
        else
            line_printf(l, "%c", *p);
    }
    line_printf(l, "\"");
}

static void line_put_value(struct line *l, const struct km_field *f)
{
    switch (f->type) {
    case KM_F_INT: line_printf(l, "%" PRId64, f->i); break;
    case KM_F_HEX: line_printf(l, "0x%" PRIx64, (u64)f->i); break;
    case KM_F_STR: line_put_str(l, f->s ? f->s : ""); break;
    }
}

static bool is_syscall_key(const char *key)
{
    return !strcmp(key, "name") || !strcmp(key, "args") || !strcmp(key, "ret") ||
           !strcmp(key, "err");
}

/* "name(args) = ret" or "name(args) = -1 EINVAL (rule: x)"; a syscall
 * still pending (no ret, no err) ends in "= ?". Fields other than
 * name/args/ret/err follow in parentheses, in order. */
static void trace_format_syscall(struct line *l, const struct km_event *e)
{
    const struct km_field *name = km_ev_field(e, "name");
    const struct km_field *args = km_ev_field(e, "args");
    const struct km_field *ret = km_ev_field(e, "ret");
    const struct km_field *err = km_ev_field(e, "err");
    line_printf(l, "%s(%s) = ", name && name->s ? name->s : "?", args && args->s ? args->s : "");
    if (err) {
        line_printf(l, "-1 ");
        line_put_value(l, err);
    } else if (ret) {
        line_put_value(l, ret);
    } else {
        line_printf(l, "?");
    }
    int extra = 0;
    for (int i = 0; i < e->nfields; i++) {
        if (is_syscall_key(e->f[i].key)) continue;
        line_printf(l, "%s%s: ", extra++ ? ", " : " (", e->f[i].key);
        line_put_value(l, &e->f[i]);
    }
    if (extra) line_printf(l, ")");
}

void sink_trace_format(const struct km_event *e, char *buf, size_t n)
{
    struct line l = {buf, n, 0};
    if (n == 0) return;
    buf[0] = '\0';
    line_printf(&l, "[%d/%d %s] ", e->tid, e->tgid, e->arch && *e->arch ? e->arch : "-");
    if (!strcmp(e->kind, "syscall")) {
        trace_format_syscall(&l, e);
        return;
    }
    line_printf(&l, "%s", e->kind);
    for (int i = 0; i < e->nfields; i++) {
        line_printf(&l, " %s=", e->f[i].key);
        line_put_value(&l, &e->f[i]);
    }
}

/* One write per line, so trace lines and the guest's own stderr output
 * interleave at line boundaries. */
static void sink_trace_emit(void *ctx, const struct km_event *e)
{
    struct sink_file *s = ctx;
    char buf[KM_EV_STRBUF + 1024];
    sink_trace_format(e, buf, sizeof buf - 1);
    size_t len = strlen(buf);
    buf[len++] = '\n';
    if (fwrite(buf, 1, len, s->f) != len) s->failed = true;
    if (!s->owned && fflush(s->f) != 0) s->failed = true;
}

/* --- the JSON Lines file --------------------------------------------- */

/* Copy s with every invalid UTF-8 sequence replaced by '?', so each line
 * is valid JSON even for guest strings that are arbitrary bytes. */
static char *utf8_sanitize(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p) {
        int len = *p < 0x80         ? 1
                  : (*p >> 5) == 6  ? 2
                  : (*p >> 4) == 14 ? 3
                  : (*p >> 3) == 30 ? 4
                                    : 0;
        bool ok = len > 0 && !(len == 2 && *p < 0xc2) && !(len == 4 && *p > 0xf4);
        for (int i = 1; ok && i < len; i++)
            ok = (p[i] & 0xc0) == 0x80;
        if (ok && len == 3) ok = !(p[0] == 0xe0 && p[1] < 0xa0) && !(p[0] == 0xed && p[1] >= 0xa0);
        if (ok && len == 4) ok = !(p[0] == 0xf0 && p[1] < 0x90) && !(p[0] == 0xf4 && p[1] >= 0x90);
        if (!ok) {
            out[o++] = '?';
            p++;
            continue;
        }
        memcpy(out + o, p, (size_t)len);
        o += (size_t)len;
        p += len;
    }
    out[o] = '\0';
    return out;
}

/* Integers go in as raw text: cJSON's numbers are doubles and would round
 * values above 2^53. */
static bool json_add_int(cJSON *o, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool json_add_int(cJSON *o, const char *key, const char *fmt, ...)
{
    char num[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(num, sizeof num, fmt, ap);
    va_end(ap);
    return cJSON_AddRawToObject(o, key, num) != NULL;
}

static bool json_add_str(cJSON *o, const char *key, const char *s)
{
    char *clean = utf8_sanitize(s ? s : "");
    if (!clean) return false;
    bool ok = cJSON_AddStringToObject(o, key, clean) != NULL;
    free(clean);
    return ok;
}

static bool json_add_field(cJSON *o, const struct km_field *f)
{
    switch (f->type) {
    case KM_F_INT: return json_add_int(o, f->key, "%" PRId64, f->i);
    case KM_F_HEX: {
        char hex[24];
        snprintf(hex, sizeof hex, "0x%" PRIx64, (u64)f->i);
        return cJSON_AddStringToObject(o, f->key, hex) != NULL;
    }
    case KM_F_STR: return json_add_str(o, f->key, f->s);
    }
    return false;
}

char *sink_jsonl_format(const struct km_event *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    bool ok = json_add_int(o, "seq", "%" PRIu64, e->seq) &&
              json_add_int(o, "t_ns", "%" PRIu64, e->time_ns) && json_add_str(o, "kind", e->kind) &&
              json_add_int(o, "tid", "%d", e->tid) && json_add_int(o, "tgid", "%d", e->tgid) &&
              json_add_str(o, "arch", e->arch);
    for (int i = 0; ok && i < e->nfields; i++)
        ok = json_add_field(o, &e->f[i]);
    char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return text;
}

static void sink_jsonl_emit(void *ctx, const struct km_event *e)
{
    struct sink_file *s = ctx;
    char *text = sink_jsonl_format(e);
    if (!text) {
        s->failed = true;
        errno = ENOMEM;
        return;
    }
    if (fputs(text, s->f) == EOF || fputc('\n', s->f) == EOF) s->failed = true;
    cJSON_free(text);
}

/* --- opening and closing --------------------------------------------- */

static int sink_open(struct sink_file *s, const char *path, FILE *dflt, const char *dflt_name,
                     void (*emit)(void *, const struct km_event *))
{
    memset(s, 0, sizeof *s);
    if (!path || !*path) {
        s->f = dflt;
        s->path = dflt_name;
    } else if (!strcmp(path, "-")) {
        s->f = stdout;
        s->path = "<stdout>";
    } else {
        s->f = fopen(path, "we");
        if (!s->f) return -1;
        s->owned = true;
        s->path = path;
    }
    s->sink.emit = emit;
    s->sink.ctx = s;
    return 0;
}

int sink_trace_open(struct sink_file *s, const char *path)
{
    return sink_open(s, path, stderr, "<stderr>", sink_trace_emit);
}

int sink_jsonl_open(struct sink_file *s, const char *path)
{
    if (!path || !*path) {
        errno = EINVAL;
        return -1;
    }
    return sink_open(s, path, stdout, "<stdout>", sink_jsonl_emit);
}

int sink_file_close(struct sink_file *s)
{
    if (!s->f) return 0;
    bool bad = s->failed || ferror(s->f);
    if (s->owned) {
        if (fclose(s->f) != 0) bad = true;
    } else if (fflush(s->f) != 0) {
        bad = true;
    }
    s->f = NULL;
    return bad ? -1 : 0;
}
