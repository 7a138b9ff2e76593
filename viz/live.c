/* The feed of live.h: a mutex-protected singly linked list of lines. */
#include "viz/live.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
    struct line *next;
    char text[];
};

struct viz_feed {
    pthread_mutex_t mu;
    struct line *head, *tail;
    bool ended, discard;
};

struct viz_feed *viz_feed_new(void)
{
    struct viz_feed *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    pthread_mutex_init(&f->mu, NULL);
    return f;
}

static void lines_free(struct line *l)
{
    while (l) {
        struct line *n = l->next;
        free(l);
        l = n;
    }
}

void viz_feed_free(struct viz_feed *f)
{
    if (!f) return;
    lines_free(f->head);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

void viz_feed_push(struct viz_feed *f, const char *text)
{
    size_t n = strlen(text);
    struct line *l = malloc(sizeof *l + n + 1);
    if (!l) {
        fprintf(stderr, "clonemu: out of memory\n");
        abort();
    }
    l->next = NULL;
    memcpy(l->text, text, n + 1);
    pthread_mutex_lock(&f->mu);
    if (f->discard) {
        free(l);
    } else {
        if (f->tail)
            f->tail->next = l;
        else
            f->head = l;
        f->tail = l;
    }
    pthread_mutex_unlock(&f->mu);
}

void viz_feed_end(struct viz_feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->ended = true;
    pthread_mutex_unlock(&f->mu);
}

void viz_feed_discard(struct viz_feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->discard = true;
    lines_free(f->head);
    f->head = f->tail = NULL;
    pthread_mutex_unlock(&f->mu);
}

int viz_feed_drain(struct viz_feed *f, struct viz_log *log, bool *ended)
{
    pthread_mutex_lock(&f->mu);
    struct line *l = f->head;
    f->head = f->tail = NULL;
    *ended = f->ended;
    pthread_mutex_unlock(&f->mu);
    int n = 0;
    while (l) {
        struct line *next = l->next;
        n += viz_log_add_line(log, l->text);
        free(l);
        l = next;
    }
    return n;
}
