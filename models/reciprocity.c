/*
 * reciprocity.c — reciprocity indices by area (see reciprocity.h).
 *
 * The exchanges are ordered by area once (a counting sort); each area is
 * then worked on its own, in parallel, with local vertex numbers: a
 * packed (giver, receiver) key per exchange, sorted, gives the distinct
 * edges; a binary search finds each edge's reverse; union-find over the
 * member-to-member edges gives the components.
 */
#include "reciprocity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const recip_profile_names[RECIP_PROFILE] = {
    "assets", "capacity", "mutuality", "networks", "shared_roles", "catalysts"};

typedef struct {
    double given, received;
    size_t given_count, received_count;
    int professional;
    int32_t id;
} vertex;

static int by_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int by_id(const void *a, const void *b)
{
    const vertex *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static size_t find(size_t *parent, size_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

static int contains(const uint64_t *keys, size_t n, uint64_t key)
{
    return bsearch(&key, keys, n, sizeof *keys, by_u64) != NULL;
}

/* Gini of the members' given hours: with x sorted ascending,
 * G = Σ_i (2i − n − 1) x_i / (n² x̄), equal to Σ_a Σ_b |x_a − x_b| / (2 n² x̄).
 */
static double gini(double *x, size_t n)
{
    if (n == 0)
        return (double)NAN;
    qsort(x, n, sizeof *x, by_double);
    double total = 0, weighted = 0;
    for (size_t i = 0; i < n; i++) {
        total += x[i];
        weighted += (2.0 * (double)(i + 1) - (double)n - 1) * x[i];
    }
    return total > 0 ? weighted / ((double)n * total) : (double)NAN;
}

/* The indices of the exchanges rows[0..m) (indices into the input); the
 * ids seen go to *table (allocated here, sorted by id code). */
static int area_indices(const recip_input *in, const size_t *rows, size_t m,
                        int32_t *local, recip_area *out, vertex **table,
                        size_t *nvertices)
{
    memset(out, 0, sizeof *out);
    size_t cap = m > 0 ? 2 * m : 1; /* at most two new ids per exchange */
    vertex *v = malloc(cap * sizeof *v);
    uint64_t *edges = malloc((m ? m : 1) * sizeof *edges);
    size_t *parent = malloc(cap * sizeof *parent);
    size_t *size = calloc(cap, sizeof *size);
    double *given = malloc(cap * sizeof *given);
    int ok = v && edges && parent && size && given;
    size_t nv = 0, ne = 0;
    for (size_t e = 0; ok && e < m; e++) {
        size_t r = rows[e];
        int32_t ends[2] = {in->giver[r], in->receiver[r]};
        for (int k = 0; k < 2; k++)
            if (local[ends[k]] < 0) {
                local[ends[k]] = (int32_t)nv;
                v[nv++] = (vertex){0, 0, 0, 0, 0, ends[k]};
            }
        size_t g = (size_t)local[ends[0]], c = (size_t)local[ends[1]];
        v[g].given += in->hours[r];
        v[g].given_count++;
        v[c].received += in->hours[r];
        v[c].received_count++;
        if (in->professional[r])
            v[g].professional = 1;
        edges[ne++] = ((uint64_t)g << 32) | c;
    }
    for (size_t i = 0; i < nv; i++) /* leave the scratch map clean */
        local[v[i].id] = -1;
    if (!ok)
        goto done;
    /* counts and hours */
    out->exchanges = m;
    for (size_t e = 0; e < m; e++) {
        size_t r = rows[e];
        out->hours += in->hours[r];
        size_t g = (size_t)(edges[e] >> 32),
               c = (size_t)(edges[e] & 0xFFFFFFFFu);
        if (v[g].professional) {
            out->professional_hours += in->hours[r];
        } else {
            out->member_hours += in->hours[r];
            if (!v[c].professional)
                out->peer_hours_share += in->hours[r];
        }
    }
    size_t nm = 0;
    for (size_t i = 0; i < nv; i++) {
        if (v[i].professional) {
            out->professionals++;
            continue;
        }
        out->members++;
        out->givers += v[i].given_count > 0;
        out->receivers += v[i].received_count > 0;
        out->reciprocators += v[i].given_count > 0 && v[i].received_count > 0;
        given[nm++] = v[i].given;
    }
    double members = (double)out->members;
    out->hours_per_member = nm ? out->member_hours / members : (double)NAN;
    out->share_givers = nm ? (double)out->givers / members : (double)NAN;
    out->share_reciprocators =
        nm ? (double)out->reciprocators / members : (double)NAN;
    out->peer_hours_share =
        out->hours > 0 ? out->peer_hours_share / out->hours : (double)NAN;
    out->catalyst_ratio = out->professional_hours > 0
                              ? out->member_hours / out->professional_hours
                              : (double)NAN;
    out->gini_hours = gini(given, nm);
    /* distinct edges; reciprocated ones; mutual dyads */
    qsort(edges, ne, sizeof *edges, by_u64);
    size_t nd = 0;
    for (size_t i = 0; i < ne; i++)
        if (nd == 0 || edges[i] != edges[nd - 1])
            edges[nd++] = edges[i];
    size_t reciprocated = 0;
    for (size_t i = 0; i < nd; i++) {
        uint64_t rev = (edges[i] << 32) | (edges[i] >> 32);
        reciprocated += contains(edges, nd, rev);
    }
    out->mutual_dyads = reciprocated / 2;
    out->dyadic_reciprocity =
        nd ? (double)reciprocated / (double)nd : (double)NAN;
    /* weakly connected components of the member-to-member graph */
    for (size_t i = 0; i < nv; i++) {
        parent[i] = i;
        size[i] = 1;
    }
    for (size_t i = 0; i < nd; i++) {
        size_t a = (size_t)(edges[i] >> 32),
               b = (size_t)(edges[i] & 0xFFFFFFFFu);
        if (v[a].professional || v[b].professional)
            continue;
        a = find(parent, a);
        b = find(parent, b);
        if (a == b)
            continue;
        if (size[a] < size[b]) {
            size_t t = a;
            a = b;
            b = t;
        }
        parent[b] = a;
        size[a] += size[b];
    }
    size_t largest = 0;
    for (size_t i = 0; i < nv; i++)
        if (!v[i].professional && find(parent, i) == i && size[i] > largest)
            largest = size[i];
    out->largest_component_share = nm ? (double)largest / members : (double)NAN;
    qsort(v, nv, sizeof *v, by_id);
    *table = v;
    *nvertices = nv;
    v = NULL;
done:
    free(v);
    free(edges);
    free(parent);
    free(size);
    free(given);
    return ok ? 0 : -1;
}

void recip_result_free(recip_result *r)
{
    if (r == NULL)
        return;
    free(r->areas);
    free(r->members);
    free(r);
}

recip_result *recip_compute(const recip_input *in, error_buf *err)
{
    size_t K = in->nareas, n = in->n;
    recip_result *res = calloc(1, sizeof *res);
    size_t *start = calloc(K + 1, sizeof *start);
    size_t *rows = malloc((n ? n : 1) * sizeof *rows);
    size_t *all = malloc((n ? n : 1) * sizeof *all);
    vertex **verts = calloc(K ? K : 1, sizeof *verts);
    size_t *nverts = calloc(K ? K : 1, sizeof *nverts);
    int32_t *local = malloc((in->nids ? in->nids : 1) * sizeof *local);
    int failed = !res || !start || !rows || !all || !verts || !nverts || !local;
    if (!failed)
        res->areas = calloc(K ? K : 1, sizeof *res->areas);
    if (failed || res->areas == NULL)
        goto oom;
    res->nareas = K;
    /* counting sort by area, self-exchanges left out */
    size_t kept = 0;
    for (size_t r = 0; r < n; r++) {
        if (in->giver[r] == in->receiver[r]) {
            res->self_exchanges++;
            continue;
        }
        start[in->area[r] + 1]++;
        all[kept++] = r;
    }
    for (size_t k = 0; k < K; k++)
        start[k + 1] += start[k];
    size_t *fill = calloc(K ? K : 1, sizeof *fill);
    if (fill == NULL)
        goto oom;
    for (size_t i = 0; i < kept; i++) {
        size_t r = all[i];
        rows[start[in->area[r]] + fill[in->area[r]]++] = r;
    }
    free(fill);
    for (size_t i = 0; i < in->nids; i++)
        local[i] = -1;
        /* the areas in parallel, each with its own scratch map */
#pragma omp parallel default(none)                                             \
    shared(in, K, start, rows, res, verts, nverts, failed)
    {
        int32_t *mine = malloc((in->nids ? in->nids : 1) * sizeof *mine);
        if (mine == NULL) {
#pragma omp atomic write
            failed = 1;
        }
        for (size_t i = 0; mine && i < in->nids; i++)
            mine[i] = -1;
#pragma omp for schedule(dynamic, 64)
        for (size_t k = 0; k < K; k++) {
            if (mine == NULL)
                continue;
            if (area_indices(in, rows + start[k], start[k + 1] - start[k], mine,
                             &res->areas[k], &verts[k], &nverts[k]) != 0) {
#pragma omp atomic write
                failed = 1;
            }
        }
        free(mine);
    }
    if (failed)
        goto oom;
    vertex *pooled = NULL;
    size_t npooled = 0;
    if (area_indices(in, all, kept, local, &res->overall, &pooled, &npooled) !=
        0)
        goto oom;
    free(pooled);
    /* the member table, area by area */
    for (size_t k = 0; k < K; k++)
        res->nmembers += nverts[k];
    res->members =
        malloc((res->nmembers ? res->nmembers : 1) * sizeof *res->members);
    if (res->members == NULL)
        goto oom;
    size_t j = 0;
    for (size_t k = 0; k < K; k++)
        for (size_t i = 0; i < nverts[k]; i++) {
            const vertex *x = &verts[k][i];
            res->members[j++] = (recip_member){
                x->id,       (int32_t)k,     x->professional,  x->given,
                x->received, x->given_count, x->received_count};
        }
    for (size_t k = 0; k < K; k++)
        free(verts[k]);
    free(verts);
    free(nverts);
    free(start);
    free(rows);
    free(all);
    free(local);
    return res;
oom:
    err_set(err, ST_ENOMEM, NULL, 0, 0, "out of memory computing reciprocity");
    for (size_t k = 0; verts && k < K; k++)
        free(verts[k]);
    free(verts);
    free(nverts);
    free(start);
    free(rows);
    free(all);
    free(local);
    recip_result_free(res);
    return NULL;
}

static double profile_value(const recip_area *a, int c)
{
    switch (c) {
    case 0:
        return a->hours_per_member;
    case 1:
        return a->share_givers;
    case 2:
        return a->share_reciprocators;
    case 3:
        return a->largest_component_share;
    case 4:
        return a->peer_hours_share;
    default:
        return a->catalyst_ratio;
    }
}

int recip_profile(const recip_result *r, double *out)
{
    size_t K = r->nareas;
    double *sorted = malloc((K ? K : 1) * sizeof *sorted);
    if (sorted == NULL)
        return -1;
    for (int c = 0; c < RECIP_PROFILE; c++) {
        size_t m = 0;
        for (size_t k = 0; k < K; k++) {
            double x = profile_value(&r->areas[k], c);
            if (!isnan(x))
                sorted[m++] = x;
        }
        qsort(sorted, m, sizeof *sorted, by_double);
        for (size_t k = 0; k < K; k++) {
            double x = profile_value(&r->areas[k], c);
            double *o = &out[k * RECIP_PROFILE + (size_t)c];
            if (isnan(x)) {
                *o = (double)NAN;
                continue;
            }
            size_t lo = 0, hi = m; /* the number of values <= x */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (sorted[mid] <= x)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            *o = 100 * (double)lo / (double)m;
        }
    }
    free(sorted);
    return 0;
}
