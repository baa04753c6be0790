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

/* Scratch arrays reused from area to area (one per thread), grown as
 * needed, so the hot loop allocates nothing. */
typedef struct {
    size_t vcap, ecap, wcap;
    vertex *v;
    uint64_t *edges, *bits;
    size_t *parent, *size;
    double *given;
    int32_t *local; /* id -> vertex number, -1 elsewhere; nids entries */
} workspace;

static int ws_init(workspace *w, size_t nids)
{
    memset(w, 0, sizeof *w);
    w->local = malloc((nids ? nids : 1) * sizeof *w->local);
    if (w->local == NULL)
        return -1;
    for (size_t i = 0; i < nids; i++)
        w->local[i] = -1;
    return 0;
}

static void ws_free(workspace *w)
{
    free(w->v);
    free(w->edges);
    free(w->bits);
    free(w->parent);
    free(w->size);
    free(w->given);
    free(w->local);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = need > 2 * *cap ? need : 2 * *cap;
    void *n = realloc(*p, c * elem);
    if (n == NULL)
        return -1;
    *p = n;
    *cap = c;
    return 0;
}

/* Room for vcap vertices and ecap edges. */
static int ws_reserve(workspace *w, size_t vcap, size_t ecap)
{
    if (vcap > w->vcap) {
        size_t c = vcap > 2 * w->vcap ? vcap : 2 * w->vcap;
        vertex *v = realloc(w->v, c * sizeof *v);
        size_t *pa = v ? realloc(w->parent, c * sizeof *pa) : NULL;
        if (v)
            w->v = v;
        if (pa)
            w->parent = pa;
        size_t *sz = pa ? realloc(w->size, c * sizeof *sz) : NULL;
        if (sz)
            w->size = sz;
        double *g = sz ? realloc(w->given, c * sizeof *g) : NULL;
        if (g == NULL)
            return -1;
        w->given = g;
        w->vcap = c;
    }
    size_t cap = w->ecap;
    if (grow((void **)&w->edges, &cap, ecap, sizeof *w->edges) != 0)
        return -1;
    w->ecap = cap;
    return 0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t find(size_t *parent, size_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

/* Sorts n keys: a comparison sort for small arrays, an LSD radix sort
 * (11 bits a pass, so the counts stay in cache; only the passes the keys'
 * width needs) for large ones, where a million edges would otherwise cost
 * seconds. */
static int sort_keys(uint64_t *keys, size_t n)
{
    if (n < 4096) { /* Shell sort (Ciura's gaps): no call per comparison */
        static const size_t gaps[] = {1750, 701, 301, 132, 57, 23, 10, 4, 1};
        for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
            size_t gap = gaps[g];
            for (size_t i = gap; i < n; i++) {
                uint64_t x = keys[i];
                size_t j = i;
                for (; j >= gap && keys[j - gap] > x; j -= gap)
                    keys[j] = keys[j - gap];
                keys[j] = x;
            }
        }
        return 0;
    }
    uint64_t top = 0;
    for (size_t i = 0; i < n; i++)
        top |= keys[i];
    uint64_t *tmp = malloc(n * sizeof *tmp);
    enum { BITS = 11, BUCKETS = 1 << BITS };
    size_t *count = malloc(BUCKETS * sizeof *count);
    if (tmp == NULL || count == NULL) {
        free(tmp);
        free(count);
        return -1;
    }
    uint64_t *src = keys, *dst = tmp;
    for (unsigned shift = 0; shift < 64 && (top >> shift) != 0; shift += BITS) {
        memset(count, 0, BUCKETS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & (BUCKETS - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != keys)
        memcpy(keys, src, n * sizeof *keys);
    free(tmp);
    free(count);
    return 0;
}

/* Gini of the members' given hours: with x sorted ascending,
 * G = Σ_i (2i − n − 1) x_i / (n² x̄), equal to Σ_a Σ_b |x_a − x_b| / (2 n² x̄).
 */
static int sort_keys(uint64_t *keys, size_t n);

static double gini(double *x, size_t n)
{
    if (n == 0)
        return (double)NAN;
    /* Non-negative doubles order as their bit patterns do, so the key sort
     * serves; a negative value (never: hours are checked) would fall back. */
    int nonnegative = 1;
    for (size_t i = 0; i < n; i++)
        nonnegative &= x[i] >= 0;
    uint64_t *bits = nonnegative ? malloc(n * sizeof *bits) : NULL;
    if (bits != NULL) {
        memcpy(bits, x, n * sizeof *x);
        if (sort_keys(bits, n) == 0)
            memcpy(x, bits, n * sizeof *x);
        else
            qsort(x, n, sizeof *x, by_double);
        free(bits);
    } else {
        qsort(x, n, sizeof *x, by_double);
    }
    double total = 0, weighted = 0;
    for (size_t i = 0; i < n; i++) {
        total += x[i];
        weighted += (2.0 * (double)(i + 1) - (double)n - 1) * x[i];
    }
    return total > 0 ? weighted / ((double)n * total) : (double)NAN;
}

/* Reduces keys[0..n) (giver << bits | receiver, vertex numbers below nv)
 * to the distinct edges, in place, and counts those whose reverse is an
 * edge too. Small graphs — almost every area — use a bit matrix; large
 * ones sort the keys and merge them with their reverses. */
static int distinct_edges(workspace *w, uint64_t *keys, size_t n, size_t nv,
                          unsigned bits, size_t *distinct, size_t *reciprocated)
{
    uint64_t low = ((uint64_t)1 << bits) - 1;
    size_t nd = 0, rec = 0;
    if (nv <= 1024) {
        size_t words = (nv * nv + 63) / 64 + 1;
        if (grow((void **)&w->bits, &w->wcap, words, sizeof *w->bits) != 0)
            return -1;
        uint64_t *bm = w->bits;
        memset(bm, 0, words * sizeof *bm);
        for (size_t i = 0; i < n; i++) {
            size_t cell = (size_t)(keys[i] >> bits) * nv + (keys[i] & low);
            uint64_t bit = (uint64_t)1 << (cell % 64);
            if (!(bm[cell / 64] & bit)) {
                bm[cell / 64] |= bit;
                keys[nd++] = keys[i];
            }
        }
        for (size_t i = 0; i < nd; i++) {
            size_t cell = (size_t)(keys[i] & low) * nv + (keys[i] >> bits);
            rec += (bm[cell / 64] >> (cell % 64)) & 1;
        }
    } else {
        if (sort_keys(keys, n) != 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (nd == 0 || keys[i] != keys[nd - 1])
                keys[nd++] = keys[i];
        uint64_t *rev = malloc((nd ? nd : 1) * sizeof *rev);
        if (rev == NULL)
            return -1;
        for (size_t i = 0; i < nd; i++)
            rev[i] = (keys[i] & low) << bits | keys[i] >> bits;
        if (sort_keys(rev, nd) != 0) {
            free(rev);
            return -1;
        }
        for (size_t i = 0, j = 0; i < nd && j < nd;) { /* merge */
            if (keys[i] < rev[j]) {
                i++;
            } else if (keys[i] > rev[j]) {
                j++;
            } else {
                rec++;
                i++;
                j++;
            }
        }
        free(rev);
    }
    *distinct = nd;
    *reciprocated = rec;
    return 0;
}

/* The indices of the exchanges rows[0..m) (indices into the input); the
 * ids seen go to *table (allocated here, in order of first appearance)
 * unless table is NULL. */
static int area_indices(const recip_input *in, const size_t *rows, size_t m,
                        workspace *w, recip_area *out, vertex **table,
                        size_t *nvertices)
{
    memset(out, 0, sizeof *out);
    /* at most two new ids per exchange, and never more than there are */
    size_t cap = 2 * m < in->nids ? 2 * m : in->nids;
    int ok = ws_reserve(w, cap ? cap : 1, m ? m : 1) == 0;
    if (!ok)
        return -1;
    vertex *v = w->v;
    uint64_t *edges = w->edges;
    size_t *parent = w->parent, *size = w->size;
    double *given = w->given;
    int32_t *local = w->local;
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
    /* distinct edges and the reciprocated ones */
    unsigned bits = 1;
    while (bits < 32 && ((size_t)1 << bits) < nv)
        bits++;
    uint64_t low = ((uint64_t)1 << bits) - 1;
    for (size_t i = 0; i < ne; i++)
        edges[i] = (edges[i] >> 32) << bits | (edges[i] & 0xFFFFFFFFu);
    size_t nd, reciprocated;
    if (distinct_edges(w, edges, ne, nv, bits, &nd, &reciprocated) != 0) {
        ok = 0;
        goto done;
    }
    out->edges = nd;
    out->reciprocated_edges = reciprocated;
    out->mutual_dyads = reciprocated / 2;
    out->dyadic_reciprocity =
        nd ? (double)reciprocated / (double)nd : (double)NAN;
    /* weakly connected components of the member-to-member graph */
    for (size_t i = 0; i < nv; i++) {
        parent[i] = i;
        size[i] = 1;
    }
    for (size_t i = 0; i < nd; i++) {
        size_t a = (size_t)(edges[i] >> bits), b = (size_t)(edges[i] & low);
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
    out->largest_component = largest;
    out->largest_component_share = nm ? (double)largest / members : (double)NAN;
    if (table != NULL) { /* a copy: the workspace moves on */
        *table = malloc((nv ? nv : 1) * sizeof **table);
        if (*table == NULL) {
            ok = 0;
            goto done;
        }
        memcpy(*table, v, nv * sizeof *v);
        *nvertices = nv;
    }
done:
    return ok ? 0 : -1;
}

/* The overall indices of disjoint areas from their own counts. */
static int combine_areas(recip_result *res, vertex *const *verts,
                         const size_t *nverts)
{
    recip_area *o = &res->overall;
    memset(o, 0, sizeof *o);
    size_t nmembers = 0;
    double peer = 0;
    for (size_t k = 0; k < res->nareas; k++) {
        const recip_area *a = &res->areas[k];
        o->members += a->members;
        o->professionals += a->professionals;
        o->givers += a->givers;
        o->receivers += a->receivers;
        o->reciprocators += a->reciprocators;
        o->exchanges += a->exchanges;
        o->hours += a->hours;
        o->member_hours += a->member_hours;
        o->professional_hours += a->professional_hours;
        o->edges += a->edges;
        o->reciprocated_edges += a->reciprocated_edges;
        if (a->largest_component > o->largest_component)
            o->largest_component = a->largest_component;
        if (a->hours > 0)
            peer += a->peer_hours_share * a->hours;
    }
    double *given = malloc((o->members ? o->members : 1) * sizeof *given);
    if (given == NULL)
        return -1;
    for (size_t k = 0; k < res->nareas; k++)
        for (size_t i = 0; i < nverts[k]; i++)
            if (!verts[k][i].professional)
                given[nmembers++] = verts[k][i].given;
    double members = (double)o->members;
    int any = o->members > 0;
    o->hours_per_member = any ? o->member_hours / members : (double)NAN;
    o->share_givers = any ? (double)o->givers / members : (double)NAN;
    o->share_reciprocators =
        any ? (double)o->reciprocators / members : (double)NAN;
    o->peer_hours_share = o->hours > 0 ? peer / o->hours : (double)NAN;
    o->catalyst_ratio = o->professional_hours > 0
                            ? o->member_hours / o->professional_hours
                            : (double)NAN;
    o->mutual_dyads = o->reciprocated_edges / 2;
    o->dyadic_reciprocity =
        o->edges ? (double)o->reciprocated_edges / (double)o->edges
                 : (double)NAN;
    o->largest_component_share =
        any ? (double)o->largest_component / members : (double)NAN;
    o->gini_hours = gini(given, nmembers);
    free(given);
    return 0;
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
    vertex **verts = calloc(K ? K : 1, sizeof *verts);
    size_t *nverts = calloc(K ? K : 1, sizeof *nverts);
    int32_t *local = malloc((in->nids ? in->nids : 1) * sizeof *local);
    int failed = !res || !start || !rows || !verts || !nverts || !local;
    if (!failed)
        res->areas = calloc(K ? K : 1, sizeof *res->areas);
    if (failed || res->areas == NULL)
        goto oom;
    res->nareas = K;
    /* the exchanges by area, self-exchanges left out: a counting sort,
     * skipped when the file is already grouped by area (areas are coded
     * in order of appearance, so then the codes never decrease) */
    size_t kept = 0;
    int grouped = 1;
    int32_t last = 0;
    for (size_t r = 0; r < n; r++) {
        if (in->giver[r] == in->receiver[r]) {
            res->self_exchanges++;
            continue;
        }
        start[in->area[r] + 1]++;
        grouped &= in->area[r] >= last;
        last = in->area[r];
        rows[kept++] = r;
    }
    for (size_t k = 0; k < K; k++)
        start[k + 1] += start[k];
    if (!grouped) {
        size_t *fill = calloc(K ? K : 1, sizeof *fill);
        size_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
        if (fill == NULL || sorted == NULL) {
            free(fill);
            free(sorted);
            goto oom;
        }
        for (size_t i = 0; i < kept; i++) {
            size_t r = rows[i];
            sorted[start[in->area[r]] + fill[in->area[r]]++] = r;
        }
        free(fill);
        free(rows);
        rows = sorted;
    }
    for (size_t i = 0; i < in->nids; i++)
        local[i] = -1;
        /* the areas in parallel, each thread with its own workspace */
#pragma omp parallel default(none)                                             \
    shared(in, K, start, rows, res, verts, nverts, failed)
    {
        workspace ws;
        int usable = ws_init(&ws, in->nids) == 0;
        if (!usable) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 64)
        for (size_t k = 0; k < K; k++) {
            if (!usable)
                continue;
            if (area_indices(in, rows + start[k], start[k + 1] - start[k], &ws,
                             &res->areas[k], &verts[k], &nverts[k]) != 0) {
#pragma omp atomic write
                failed = 1;
            }
        }
        ws_free(&ws);
    }
    if (failed)
        goto oom;
    /* When no id appears in two areas, the pooled graph is the disjoint
     * union of the areas' graphs and the overall indices follow from the
     * areas' counts, without sorting every edge again. */
    int shared = 0;
    for (size_t k = 0; k < K && !shared; k++)
        for (size_t i = 0; i < nverts[k] && !shared; i++) {
            int32_t id = verts[k][i].id;
            shared = local[id] >= 0 && local[id] != (int32_t)k;
            local[id] = (int32_t)k;
        }
    for (size_t i = 0; i < in->nids; i++)
        local[i] = -1;
    int pooled;
    if (shared) {
        workspace ws;
        pooled =
            ws_init(&ws, in->nids) == 0
                ? area_indices(in, rows, kept, &ws, &res->overall, NULL, NULL)
                : -1;
        ws_free(&ws);
    } else {
        pooled = combine_areas(res, verts, nverts);
    }
    if (pooled != 0)
        goto oom;
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
