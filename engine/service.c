/*
 * service.c — the exchanges stage's tables (see service.h).
 */
#include "service.h"

#include "../io/csvout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const recip_cols[] = {"area_id",
                                         "members",
                                         "professionals",
                                         "givers",
                                         "receivers",
                                         "reciprocators",
                                         "exchanges",
                                         "hours",
                                         "member_hours",
                                         "professional_hours",
                                         "hours_per_member",
                                         "share_givers",
                                         "share_reciprocators",
                                         "mutual_dyads",
                                         "dyadic_reciprocity",
                                         "gini_hours",
                                         "peer_hours_share",
                                         "catalyst_ratio",
                                         "largest_component_share"};
static const char *const member_cols[] = {
    "member_id",      "area_id",     "role",           "given_hours",
    "received_hours", "given_count", "received_count", "balance"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void service_defaults(exchanges_request *req)
{
    if (req->giver == NULL)
        req->giver = "giver_id";
    if (req->receiver == NULL)
        req->receiver = "receiver_id";
    if (req->hours == NULL)
        req->hours = "hours";
    if (req->area == NULL)
        req->area = "area_id";
    if (req->professional == NULL)
        req->professional = "professional";
    if (req->date == NULL)
        req->date = "date";
    if (req->transfer == NULL)
        req->transfer = "transfer_id";
    if (req->account == NULL)
        req->account = "account_id";
    if (req->amount == NULL)
        req->amount = "amount";
}

status service_request(const study *s, exchanges_request *req, error_buf *err)
{
    const study_section *sec = study_find(s, "exchanges", NULL);
    memset(req, 0, sizeof *req);
    req->path = s->exchanges_file;
    req->display = study_get(sec, "file");
    req->giver = study_get(sec, "giver");
    req->receiver = study_get(sec, "receiver");
    req->hours = study_get(sec, "hours");
    req->area = study_get(sec, "area");
    req->role = study_get(sec, "role");
    req->date = study_get(sec, "date");
    req->professional = study_get(sec, "professional");
    req->transfer = study_get(sec, "transfer");
    req->account = study_get(sec, "account");
    req->amount = study_get(sec, "amount");
    const char *layout = study_get(sec, "layout");
    req->movements = layout != NULL && strcmp(layout, "movements") == 0;
    req->members_path = s->exchanges_members_file;
    req->members_display = study_get(sec, "members");
    if (req->role == NULL && !req->movements) {
        req->role = "giver_role"; /* SPEC §3's name, if the file has it */
        req->role_optional = 1;
    }
    service_defaults(req);
    const char *from = study_get(sec, "from"), *to = study_get(sec, "to");
    /* the study file checked the dates' form already */
    if (from)
        req->has_from = exchanges_parse_date(from, strlen(from), &req->from);
    if (to)
        req->has_to = exchanges_parse_date(to, strlen(to), &req->to);
    if (req->movements && req->members_path == NULL)
        return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                       "[exchanges] members: required with layout = "
                       "movements");
    if (req->has_from && req->has_to && req->from > req->to)
        return err_set(err, ST_EUSAGE, s->path, sec->line, 0,
                       "[exchanges] from: the window ends before it starts");
    return ST_OK;
}

typedef struct {
    const exchanges *x;
    const recip_member *m;
} sort_ctx;

static int by_area_text(const void *a, const void *b, void *ctx)
{
    const exchanges *x = ctx;
    return strcmp(exchanges_area_id(x, *(const int32_t *)a),
                  exchanges_area_id(x, *(const int32_t *)b));
}

static int by_member_id(const void *a, const void *b, void *ctx)
{
    const sort_ctx *c = ctx;
    const recip_member *p = &c->m[*(const size_t *)a];
    const recip_member *q = &c->m[*(const size_t *)b];
    return strcmp(exchanges_id(c->x, p->id), exchanges_id(c->x, q->id));
}

/* Members in the order of their area's id, then their own: counted into
 * their areas' places (area_rank: an area's place in id order), then
 * each area's few members sorted by id, areas side by side. Returns 0 or
 * -1 (memory). */
static int order_members(const exchanges *x, const recip_result *r,
                         const int32_t *area_rank, size_t *order)
{
    size_t *start = calloc(r->nareas + 1, sizeof *start);
    if (start == NULL)
        return -1;
    for (size_t i = 0; i < r->nmembers; i++)
        start[area_rank[r->members[i].area] + 1]++;
    for (size_t k = 0; k < r->nareas; k++)
        start[k + 1] += start[k];
    size_t *next = malloc((r->nareas ? r->nareas : 1) * sizeof *next);
    if (next == NULL) {
        free(start);
        return -1;
    }
    memcpy(next, start, r->nareas * sizeof *next);
    for (size_t i = 0; i < r->nmembers; i++)
        order[next[area_rank[r->members[i].area]]++] = i;
    sort_ctx ctx = {x, r->members};
    size_t nareas = r->nareas;
#pragma omp parallel for schedule(dynamic, 256) default(none)                  \
    shared(nareas, start, order, ctx)
    for (size_t k = 0; k < nareas; k++)
        qsort_r(order + start[k], start[k + 1] - start[k], sizeof *order,
                by_member_id, &ctx);
    free(next);
    free(start);
    return 0;
}

static int area_row(restab *t, const char *id, const recip_area *a)
{
    int rc = restab_text(t, id);
    rc |= restab_int(t, (long long)a->members);
    rc |= restab_int(t, (long long)a->professionals);
    rc |= restab_int(t, (long long)a->givers);
    rc |= restab_int(t, (long long)a->receivers);
    rc |= restab_int(t, (long long)a->reciprocators);
    rc |= restab_int(t, (long long)a->exchanges);
    rc |= restab_num(t, a->hours);
    rc |= restab_num(t, a->member_hours);
    rc |= restab_num(t, a->professional_hours);
    rc |= restab_num(t, a->hours_per_member);
    rc |= restab_num(t, a->share_givers);
    rc |= restab_num(t, a->share_reciprocators);
    rc |= restab_int(t, (long long)a->mutual_dyads);
    rc |= restab_num(t, a->dyadic_reciprocity);
    rc |= restab_num(t, a->gini_hours);
    rc |= restab_num(t, a->peer_hours_share);
    rc |= restab_num(t, a->catalyst_ratio);
    rc |= restab_num(t, a->largest_component_share);
    return rc;
}

/* The areas' codes in byte order of their ids; NULL when out of memory. */
static int32_t *areas_in_order(const exchanges *x, size_t nareas)
{
    int32_t *areas = malloc((nareas ? nareas : 1) * sizeof *areas);
    if (areas == NULL)
        return NULL;
    for (size_t k = 0; k < nareas; k++)
        areas[k] = (int32_t)k;
    qsort_r(areas, nareas, sizeof *areas, by_area_text, (void *)(uintptr_t)x);
    return areas;
}

int service_members_order(const exchanges *x, const recip_result *r,
                          service_members *m)
{
    m->x = x;
    m->r = r;
    m->order = malloc((r->nmembers ? r->nmembers : 1) * sizeof *m->order);
    int32_t *areas = areas_in_order(x, r->nareas);
    int32_t *rank = malloc((r->nareas ? r->nareas : 1) * sizeof *rank);
    int rc = m->order && areas && rank ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < r->nareas; k++)
        rank[areas[k]] = (int32_t)k;
    if (rc == 0)
        rc = order_members(x, r, rank, m->order);
    free(areas);
    free(rank);
    if (rc != 0)
        service_members_free(m);
    return rc;
}

void service_members_free(service_members *m)
{
    free(m->order);
    m->order = NULL;
}

status service_members_csv(const service_members *m, FILE *f, size_t from,
                           size_t to, int header, const char *where,
                           error_buf *err)
{
    csvout w;
    csvout_init(&w, f);
    for (size_t c = 0; header && c < COUNT(member_cols); c++)
        csvout_text(&w, member_cols[c]);
    if (header)
        csvout_end_row(&w);
    for (size_t i = from; i < to; i++) {
        const recip_member *p = &m->r->members[m->order[i]];
        csvout_text(&w, exchanges_id(m->x, p->id));
        csvout_text(&w, exchanges_area_id(m->x, p->area));
        csvout_text(&w, p->professional ? "professional" : "member");
        csvout_num(&w, p->given_hours);
        csvout_num(&w, p->received_hours);
        csvout_int(&w, (long long)p->given_count);
        csvout_int(&w, (long long)p->received_count);
        csvout_num(&w, p->given_hours - p->received_hours);
        csvout_end_row(&w);
    }
    if (csvout_error(&w))
        return err_set(err, ST_EIO, where, 0, 0, "write failed");
    return ST_OK;
}

/* The members table as cells, for the command's three formats. */
static restab *members_table(const service_members *m)
{
    restab *t = restab_create(member_cols, COUNT(member_cols));
    int rc = t != NULL ? restab_reserve(t, m->r->nmembers) : -1;
    /* ids and areas are kept by the exchanges, which outlive the table */
    for (size_t i = 0; rc == 0 && i < m->r->nmembers; i++) {
        const recip_member *p = &m->r->members[m->order[i]];
        rc |= restab_text_kept(t, exchanges_id(m->x, p->id));
        rc |= restab_text_kept(t, exchanges_area_id(m->x, p->area));
        rc |= restab_text_kept(t, p->professional ? "professional" : "member");
        rc |= restab_num(t, p->given_hours);
        rc |= restab_num(t, p->received_hours);
        rc |= restab_int(t, (long long)p->given_count);
        rc |= restab_int(t, (long long)p->received_count);
        rc |= restab_num(t, p->given_hours - p->received_hours);
    }
    if (rc != 0) {
        restab_free(t);
        return NULL;
    }
    return t;
}

int service_tables(const exchanges *x, const recip_result *r, restab **recip,
                   restab **members)
{
    *recip = restab_create(recip_cols, COUNT(recip_cols));
    int32_t *areas = areas_in_order(x, r->nareas);
    int rc = *recip && areas ? 0 : -1;
    /* an area whose only exchanges were self-exchanges has no row */
    for (size_t k = 0; rc == 0 && k < r->nareas; k++)
        if (r->areas[areas[k]].exchanges > 0)
            rc |= area_row(*recip, exchanges_area_id(x, areas[k]),
                           &r->areas[areas[k]]);
    if (rc == 0)
        rc |= area_row(*recip, SERVICE_OVERALL, &r->overall);
    free(areas);
    if (rc == 0 && members != NULL) {
        service_members m;
        *members = NULL;
        if (service_members_order(x, r, &m) == 0) {
            *members = members_table(&m);
            service_members_free(&m);
        }
        rc = *members != NULL ? 0 : -1;
    }
    if (rc != 0) {
        restab_free(*recip);
        *recip = NULL;
        if (members != NULL) {
            restab_free(*members);
            *members = NULL;
        }
    }
    return rc ? -1 : 0;
}
