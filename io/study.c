/*
 * study.c — reading and validating the study file (see study.h).
 *
 * libinih does the INI parsing, as Debian builds it (lines of up to 200
 * bytes, indented continuation lines, ';' comments inline, '#' at line
 * start). It tells its handler no line numbers, so a light pre-scan of
 * the text records where each section and key stands; it also enforces
 * the line limit and UTF-8, finds duplicate sections and keys (which
 * inih would silently merge), and sees sections that have no keys.
 * Validation is driven by one table of sections and keys.
 */
#include "study.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/utf8.h"

enum { MAX_LINE = 200, MAX_FILE = 1 << 20 };

typedef enum {
    K_TEXT,   /* free text */
    K_PATH,   /* a file, relative to the study file */
    K_COLUMN, /* a column name */
    K_LIST,   /* comma-separated names */
    K_UINT,   /* a non-negative integer */
    K_POSINT, /* a positive integer */
    K_RANGE,  /* two numbers, low < high */
    K_DATE,   /* YYYY-MM-DD */
    K_CHOICE, /* one of `choices` */
    K_SE,     /* classical, hc0, hc1, hc3 or cluster:COLUMN */
    K_FORMULA /* an expression, checked by the stage that uses it */
} key_type;

typedef struct {
    const char *key;
    key_type type;
    int required;
    const char *choices; /* K_CHOICE: comma-separated */
} key_rule;

typedef struct {
    const char *kind;
    int named;     /* [kind NAME] */
    int free_keys; /* any identifier is a key ([derive]) */
    const key_rule *rules;
} section_rule;

static const key_rule study_keys[] = {{"title", K_TEXT, 0, NULL},
                                      {"seed", K_UINT, 0, NULL},
                                      {"threads", K_UINT, 0, NULL},
                                      {NULL, K_TEXT, 0, NULL}};
static const key_rule survey_keys[] = {
    {"file", K_PATH, 1, NULL},    {"respondent", K_COLUMN, 0, NULL},
    {"area", K_COLUMN, 0, NULL},  {"wave", K_COLUMN, 0, NULL},
    {"missing", K_LIST, 0, NULL}, {NULL, K_TEXT, 0, NULL}};
static const key_rule areas_keys[] = {
    {"file", K_PATH, 1, NULL},         {"area", K_COLUMN, 0, NULL},
    {"name", K_COLUMN, 0, NULL},       {"region", K_COLUMN, 0, NULL},
    {"population", K_COLUMN, 0, NULL}, {"neighbours", K_PATH, 0, NULL},
    {"map", K_PATH, 0, NULL},          {NULL, K_TEXT, 0, NULL}};
static const key_rule derive_keys[] = {{NULL, K_FORMULA, 0, NULL}};
static const key_rule exchanges_keys[] = {
    {"file", K_PATH, 1, NULL},
    {"giver", K_COLUMN, 0, NULL},
    {"receiver", K_COLUMN, 0, NULL},
    {"hours", K_COLUMN, 0, NULL},
    {"area", K_COLUMN, 0, NULL},
    {"role", K_COLUMN, 0, NULL},
    {"professional", K_TEXT, 0, NULL},
    {"date", K_COLUMN, 0, NULL},
    {"from", K_DATE, 0, NULL},
    {"to", K_DATE, 0, NULL},
    {"layout", K_CHOICE, 0, "rows, movements"},
    {"transfer", K_COLUMN, 0, NULL},
    {"account", K_COLUMN, 0, NULL},
    {"amount", K_COLUMN, 0, NULL},
    {"members", K_PATH, 0, NULL},
    {NULL, K_TEXT, 0, NULL}};
static const key_rule scale_keys[] = {
    {"items", K_LIST, 0, NULL},   {"combine", K_LIST, 0, NULL},
    {"reverse", K_LIST, 0, NULL}, {"range", K_RANGE, 0, NULL},
    {"adjust", K_LIST, 0, NULL},  {NULL, K_TEXT, 0, NULL}};
static const key_rule index_keys[] = {{"from", K_LIST, 1, NULL},
                                      {"method", K_CHOICE, 0, "pca"},
                                      {NULL, K_TEXT, 0, NULL}};
static const key_rule model_keys[] = {
    {"formula", K_FORMULA, 1, NULL},
    {"family", K_CHOICE, 0, "gaussian, poisson, negbin"},
    {"data", K_CHOICE, 0, "areas, survey"},
    {"se", K_SE, 0, NULL},
    {NULL, K_TEXT, 0, NULL}};
static const key_rule mediation_keys[] = {
    {"x", K_COLUMN, 1, NULL},         {"m", K_COLUMN, 1, NULL},
    {"y", K_COLUMN, 1, NULL},         {"covariates", K_LIST, 0, NULL},
    {"bootstrap", K_POSINT, 0, NULL}, {NULL, K_TEXT, 0, NULL}};
static const key_rule compare_keys[] = {
    {"observed", K_COLUMN, 0, NULL},
    {"denominator", K_COLUMN, 0, NULL},
    {"expected", K_COLUMN, 0, NULL},
    {"score", K_COLUMN, 0, NULL},
    {"se", K_COLUMN, 0, NULL},
    {"overdispersion", K_CHOICE, 0, "none, multiplicative, additive"},
    {NULL, K_TEXT, 0, NULL}};
static const key_rule spatial_keys[] = {{"variables", K_LIST, 1, NULL},
                                        {"permutations", K_POSINT, 0, NULL},
                                        {NULL, K_TEXT, 0, NULL}};
static const key_rule evaluate_keys[] = {{"outcome", K_COLUMN, 1, NULL},
                                         {"treated", K_COLUMN, 1, NULL},
                                         {"start", K_POSINT, 1, NULL},
                                         {NULL, K_TEXT, 0, NULL}};
static const key_rule report_keys[] = {{"profiles", K_LIST, 0, NULL},
                                       {NULL, K_TEXT, 0, NULL}};

static const section_rule sections[] = {
    {"study", 0, 0, study_keys},         {"survey", 0, 0, survey_keys},
    {"areas", 0, 0, areas_keys},         {"derive", 0, 1, derive_keys},
    {"exchanges", 0, 0, exchanges_keys}, {"scale", 1, 0, scale_keys},
    {"index", 1, 0, index_keys},         {"model", 1, 0, model_keys},
    {"mediation", 0, 0, mediation_keys}, {"compare", 1, 0, compare_keys},
    {"spatial", 0, 0, spatial_keys},     {"evaluate", 1, 0, evaluate_keys},
    {"report", 0, 0, report_keys}};

enum { NSECTIONS = sizeof sections / sizeof sections[0] };

/* State shared by the pre-scan, the inih handler and validation. */
typedef struct {
    study *s;
    const char *name; /* the study file, for messages */
    char *dir;        /* its folder, for relative paths */
    error_buf *err;
    int oom;
    int long_line; /* the pre-scan found a line over MAX_LINE */
} reader;

static int is_identifier(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (s++; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.')
            return 0;
    return 1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static const section_rule *find_rule(const char *kind)
{
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strcmp(sections[i].kind, kind) == 0)
            return &sections[i];
    return NULL;
}

static const key_rule *find_key(const section_rule *rule, const char *key)
{
    const key_rule *k = rule->rules;
    for (; k->key != NULL; k++)
        if (strcmp(k->key, key) == 0)
            return k;
    return rule->free_keys ? k : NULL;
}

/* "kind" or "kind name" from a header's text, in a canonical form. */
static int split_header(const char *text, char **kind, char **name)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return -1;
    char *t = trim(copy), *sp = t;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    *name = NULL;
    if (*sp) {
        *sp = '\0';
        char *n = trim(sp + 1);
        *name = strdup(n);
        if (*name == NULL) {
            free(copy);
            return -1;
        }
    }
    *kind = strdup(t);
    free(copy);
    if (*kind == NULL) {
        free(*name);
        *name = NULL;
        return -1;
    }
    return 0;
}

static study_section *find_section(study *s, const char *kind, const char *name)
{
    for (size_t i = 0; i < s->nsections; i++) {
        study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, kind) == 0 &&
            ((sec->name == NULL && name == NULL) ||
             (sec->name && name && strcmp(sec->name, name) == 0)))
            return sec;
    }
    return NULL;
}

const study_section *study_find(const study *s, const char *kind,
                                const char *name)
{
    for (size_t i = 0; i < s->nsections; i++) {
        const study_section *sec = &s->sections[i];
        if (strcmp(sec->kind, kind) == 0 &&
            (name == NULL || (sec->name && strcmp(sec->name, name) == 0)))
            return sec;
    }
    return NULL;
}

const char *study_get(const study_section *sec, const char *key)
{
    if (sec == NULL)
        return NULL;
    for (size_t i = 0; i < sec->nentries; i++)
        if (strcmp(sec->entries[i].key, key) == 0)
            return sec->entries[i].value;
    return NULL;
}

/* The line of a key in a section, or the section's own line. */
static size_t key_line(const study_section *sec, const char *key)
{
    for (size_t i = 0; i < sec->nentries; i++)
        if (strcmp(sec->entries[i].key, key) == 0)
            return sec->entries[i].line;
    return sec->line;
}

static study_entry *find_entry(study_section *sec, const char *key)
{
    for (size_t i = 0; i < sec->nentries; i++)
        if (strcmp(sec->entries[i].key, key) == 0)
            return &sec->entries[i];
    return NULL;
}

static study_entry *add_entry(study_section *sec, const char *key, size_t line)
{
    study_entry *e =
        realloc(sec->entries, (sec->nentries + 1) * sizeof *sec->entries);
    if (e == NULL)
        return NULL;
    sec->entries = e;
    e = &sec->entries[sec->nentries];
    e->key = strdup(key);
    e->value = strdup("");
    e->line = line;
    e->repeated = 0;
    if (e->key == NULL || e->value == NULL) {
        free(e->key);
        free(e->value);
        return NULL;
    }
    sec->nentries++;
    return e;
}

/* A copy of text without comments, line for line: SPEC §2 lets ';' start
 * a comment anywhere (inih only after a blank, and not on continuation
 * lines), and '#' at the start of a line. Trailing blanks go too. */
static char *strip_comments(const char *text)
{
    char *clean = strdup(text);
    if (clean == NULL)
        return NULL;
    for (char *p = clean; *p;) {
        char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t lead = strspn(p, " \t");
        size_t cut = lead < len && p[lead] == '#' ? 0 : strcspn(p, ";\n");
        if (cut > len)
            cut = len;
        while (cut > 0 &&
               (p[cut - 1] == ' ' || p[cut - 1] == '\t' || p[cut - 1] == '\r'))
            cut--;
        memset(p + cut, ' ', len - cut); /* blanked, so lines keep numbers */
        p += len + (end != NULL);
    }
    return clean;
}

/* Pre-scan: line lengths, section headers (created here, in file order,
 * so empty sections exist too) and where each key stands. A section that
 * appears twice is reported and its lines are blanked in `ini`, the text
 * inih will read, so its keys do not merge into the first one's. */
static void prescan(reader *rd, char *text, char *ini)
{
    study *s = rd->s;
    study_section *current = NULL;
    int in_duplicate = 0;
    size_t line = 0;
    for (char *p = text; *p; line++) {
        char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *next = end ? end + 1 : p + len;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (len > MAX_LINE && ++rd->long_line)
            err_set(rd->err, ST_EUSAGE, rd->name, line + 1, 0,
                    "line longer than %d bytes; continue a long value on "
                    "indented lines",
                    MAX_LINE);
        char saved = p[len];
        size_t offset = (size_t)(p - text);
        p[len] = '\0';
        char *t = trim(p);
        int indented = t != p;
        if (*t == '[')
            in_duplicate = 0;
        if (*t == '[') {
            char *close = strchr(t, ']');
            char *kind = NULL, *name = NULL;
            if (close == NULL) {
                /* inih reports it as a syntax error */
            } else {
                *close = '\0';
                if (split_header(t + 1, &kind, &name) != 0) {
                    rd->oom = 1;
                } else if (find_section(s, kind, name) != NULL) {
                    err_set(rd->err, ST_EUSAGE, rd->name, line + 1, 0,
                            "[%s%s%s]: section appears twice", kind,
                            name ? " " : "", name ? name : "");
                    free(kind);
                    free(name);
                    current = NULL;
                    in_duplicate = 1;
                } else {
                    study_section *secs =
                        realloc(s->sections, (s->nsections + 1) * sizeof *secs);
                    if (secs == NULL) {
                        rd->oom = 1;
                        free(kind);
                        free(name);
                    } else {
                        s->sections = secs;
                        current = &secs[s->nsections++];
                        *current =
                            (study_section){kind, name, line + 1, NULL, 0};
                    }
                }
                *close = ']';
            }
        } else if (*t && *t != ';' && *t != '#' && !indented && !current) {
            if (s->nsections == 0 && !rd->oom)
                err_set(rd->err, ST_EUSAGE, rd->name, line + 1, 0,
                        "a key outside any section; start with a section "
                        "such as [survey]");
        } else if (*t && *t != ';' && *t != '#' && !indented && current) {
            size_t klen = strcspn(t, "=:");
            /* A key longer than a line is already reported (and would
             * not fit in key[]). */
            if (klen <= MAX_LINE && t[klen] != '\0') {
                char key[MAX_LINE + 1];
                memcpy(key, t, klen);
                key[klen] = '\0';
                char *k = trim(key);
                study_entry *seen = find_entry(current, k);
                if (seen != NULL) {
                    seen->repeated = 1;
                    err_set(rd->err, ST_EUSAGE, rd->name, line + 1, 0,
                            "[%s%s%s] %s: key appears twice", current->kind,
                            current->name ? " " : "",
                            current->name ? current->name : "", k);
                } else if (add_entry(current, k, line + 1) == NULL)
                    rd->oom = 1;
            }
        }
        if (in_duplicate)
            memset(ini + offset, ' ', len);
        p[len] = saved;
        p = next;
    }
}

/* inih handler: store values (joining continuation lines). Sections and
 * keys were created by the pre-scan; an entry missing here can only come
 * from a line the pre-scan read differently, which inih then decides. */
static int on_value(void *user, const char *section, const char *key,
                    const char *value)
{
    reader *rd = user;
    char *kind, *name;
    if (split_header(section, &kind, &name) != 0) {
        rd->oom = 1;
        return 0;
    }
    study_section *sec = find_section(rd->s, kind, name);
    free(kind);
    free(name);
    if (sec == NULL)
        return 1; /* a key before any section: reported by validation */
    study_entry *e = find_entry(sec, key);
    if (e == NULL && (e = add_entry(sec, key, sec->line)) == NULL) {
        rd->oom = 1;
        return 0;
    }
    size_t old = strlen(e->value), add = strlen(value);
    char *v = realloc(e->value, old + add + 2);
    if (v == NULL) {
        rd->oom = 1;
        return 0;
    }
    if (old > 0 && add > 0)
        v[old++] = ' ';
    memcpy(v + old, value, add + 1);
    e->value = v;
    return 1;
}

#define SEC_FMT "[%s%s%s]"
#define SEC_ARGS(sec)                                                          \
    (sec)->kind, (sec)->name ? " " : "", (sec)->name ? (sec)->name : ""

long study_split_list(const char *value, char ***out)
{
    *out = NULL;
    char *copy = strdup(value);
    if (copy == NULL) {
        errno = ENOMEM;
        return -1;
    }
    long n = 0;
    char **list = NULL;
    int bad = 0;
    /* strtok_r tokens would skip empty entries silently; walk commas. */
    for (char *p = copy;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *item = trim(p);
        if (*item == '\0') {
            bad = EINVAL;
            break;
        }
        char **l = realloc(list, (size_t)(n + 1) * sizeof *l);
        if (l == NULL || (l[n] = strdup(item)) == NULL) {
            list = l ? l : list;
            bad = ENOMEM;
            break;
        }
        list = l;
        n++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    free(copy);
    if (bad) {
        study_list_free(list, (size_t)n);
        errno = bad;
        return -1;
    }
    *out = list;
    return n;
}

void study_list_free(char **list, size_t n)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static int parse_uint(const char *v, uint64_t *out)
{
    if (!isdigit((unsigned char)*v))
        return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return 0;
    *out = x;
    return 1;
}

static int parse_date(const char *v)
{
    /* Exactly YYYY-MM-DD: sscanf would also take signs and blanks. */
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)v[i]))
            return 0;
    int y = atoi(v), m = atoi(v + 5), d = atoi(v + 8);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* 1 for a valid range, 0 for an invalid one, -1 when memory ran out. */
static int parse_range(const char *v, double *low, double *high)
{
    char **list;
    long n = study_split_list(v, &list);
    if (n < 0 && errno == ENOMEM)
        return -1;
    int ok = n == 2;
    for (long i = 0; ok && i < 2; i++) {
        char *end;
        double x = strtod(list[i], &end);
        ok = *end == '\0' && end != list[i];
        *(i == 0 ? low : high) = x;
    }
    study_list_free(list, n > 0 ? (size_t)n : 0);
    return ok && *low < *high;
}

static int in_choices(const char *choices, const char *v)
{
    size_t len = strlen(v);
    for (const char *p = choices; *p;) {
        size_t k = strcspn(p, ",");
        if (k == len && strncmp(p, v, len) == 0)
            return 1;
        p += k;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return 0;
}

static void bad_value(reader *rd, const study_section *sec,
                      const study_entry *e, const char *expected)
{
    char found[128];
    err_quote(found, sizeof found, e->value, strlen(e->value));
    err_set(rd->err, ST_EUSAGE, rd->name, e->line, 0,
            SEC_FMT " %s: expected %s, found %s", SEC_ARGS(sec), e->key,
            expected, found);
}

static void check_value(reader *rd, const study_section *sec,
                        const study_entry *e, const key_rule *k)
{
    const char *v = e->value;
    uint64_t u;
    double lo, hi;
    char **list;
    long n;
    if (*v == '\0') {
        bad_value(rd, sec, e, "a value");
        return;
    }
    switch (k->type) {
    case K_COLUMN:
        if (strchr(v, ',') != NULL)
            bad_value(rd, sec, e, "one column name");
        break;
    case K_LIST:
        n = study_split_list(v, &list);
        if (n < 0 && errno == ENOMEM)
            rd->oom = 1;
        else if (n < 0)
            bad_value(rd, sec, e,
                      "a comma-separated list without empty "
                      "entries");
        study_list_free(list, n > 0 ? (size_t)n : 0);
        break;
    case K_UINT:
        if (!parse_uint(v, &u))
            bad_value(rd, sec, e, "a whole number >= 0");
        break;
    case K_POSINT:
        if (!parse_uint(v, &u) || u == 0 || u > 100000000)
            bad_value(rd, sec, e, "a whole number from 1 to 100000000");
        break;
    case K_RANGE:
        n = parse_range(v, &lo, &hi);
        if (n < 0)
            rd->oom = 1;
        else if (n == 0)
            bad_value(rd, sec, e, "two numbers, low and high (e.g. 1, 5)");
        break;
    case K_DATE:
        if (!parse_date(v))
            bad_value(rd, sec, e, "a date YYYY-MM-DD");
        break;
    case K_CHOICE:
        if (!in_choices(k->choices, v)) {
            char expected[160];
            snprintf(expected, sizeof expected, "one of %s", k->choices);
            bad_value(rd, sec, e, expected);
        }
        break;
    case K_SE:
        if (!in_choices("classical, hc0, hc1, hc3", v) &&
            !(strncmp(v, "cluster:", 8) == 0 && v[8] != '\0'))
            bad_value(rd, sec, e,
                      "one of classical, hc0, hc1, hc3, "
                      "cluster:COLUMN");
        break;
    default:
        break;
    }
}

static void list_keys(const section_rule *rule, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (const key_rule *k = rule->rules; k->key && o < cap; k++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", k->key);
}

static void check_section(reader *rd, const study_section *sec)
{
    const section_rule *rule = find_rule(sec->kind);
    if (rule == NULL) {
        char kinds[256];
        size_t o = 0;
        for (size_t i = 0; i < NSECTIONS; i++)
            o += (size_t)snprintf(kinds + o, sizeof kinds - o, "%s%s",
                                  i ? ", " : "", sections[i].kind);
        err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                SEC_FMT ": unknown section (expected one of: %s)",
                SEC_ARGS(sec), kinds);
        return;
    }
    if (rule->named && sec->name == NULL) {
        err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                "[%s]: needs a name, as in [%s NAME]", sec->kind, sec->kind);
        return;
    }
    if (!rule->named && sec->name != NULL) {
        err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                SEC_FMT ": takes no name (write [%s])", SEC_ARGS(sec),
                sec->kind);
        return;
    }
    if (sec->name != NULL && !is_identifier(sec->name))
        err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                SEC_FMT ": the name must be a letter followed by letters, "
                        "digits, '_' or '.'",
                SEC_ARGS(sec));
    for (size_t i = 0; i < sec->nentries; i++) {
        const study_entry *e = &sec->entries[i];
        const key_rule *k = find_key(rule, e->key);
        if (k == NULL) {
            char keys[256];
            list_keys(rule, keys, sizeof keys);
            err_set(rd->err, ST_EUSAGE, rd->name, e->line, 0,
                    SEC_FMT " %s: unknown key (expected one of: %s)",
                    SEC_ARGS(sec), e->key, keys);
            continue;
        }
        if (rule->free_keys && k->key == NULL && !is_identifier(e->key)) {
            err_set(rd->err, ST_EUSAGE, rd->name, e->line, 0,
                    SEC_FMT " %s: a variable name must be a letter followed "
                            "by letters, digits, '_' or '.'",
                    SEC_ARGS(sec), e->key);
            continue;
        }
        if (!e->repeated)
            check_value(rd, sec, e, k);
    }
    for (const key_rule *k = rule->rules; k->key; k++)
        if (k->required && study_get(sec, k->key) == NULL)
            err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                    SEC_FMT " %s: required key missing", SEC_ARGS(sec), k->key);
}

/* A copy of value, or of fallback when value is NULL; NULL stays NULL
 * when both are. Sets rd->oom on failure. */
static char *dup_or(reader *rd, const char *value, const char *fallback)
{
    const char *v = value ? value : fallback;
    if (v == NULL)
        return NULL;
    char *d = strdup(v);
    if (d == NULL)
        rd->oom = 1;
    return d;
}

/* A path relative to the study file's folder. */
static char *resolve(reader *rd, const char *value)
{
    if (value == NULL)
        return NULL;
    if (value[0] == '/' || strcmp(rd->dir, ".") == 0)
        return dup_or(rd, value, NULL);
    size_t n = strlen(rd->dir) + strlen(value) + 2;
    char *p = malloc(n);
    if (p == NULL) {
        rd->oom = 1;
        return NULL;
    }
    snprintf(p, n, "%s/%s", rd->dir, value);
    return p;
}

static long split_or_empty(reader *rd, const char *v, char ***out)
{
    *out = NULL;
    if (v == NULL)
        return 0;
    long n = study_split_list(v, out);
    if (n < 0) {
        rd->oom = 1; /* validation already rejected empty entries */
        return 0;
    }
    return n;
}

static void fill_scale(reader *rd, const study_section *sec, study_scale *sc)
{
    sc->name = dup_or(rd, sec->name, NULL);
    sc->nitems =
        (size_t)split_or_empty(rd, study_get(sec, "items"), &sc->items);
    sc->ncombine =
        (size_t)split_or_empty(rd, study_get(sec, "combine"), &sc->combine);
    sc->nadjust =
        (size_t)split_or_empty(rd, study_get(sec, "adjust"), &sc->adjust);
    const char *range = study_get(sec, "range");
    int ok = range != NULL ? parse_range(range, &sc->low, &sc->high) : 0;
    if (ok < 0)
        rd->oom = 1; /* not silently a range of 0..0 */
    if (ok != 1)
        sc->low = sc->high = 0;
}

/* Marks reversed items; every name in `reverse` must be an item. */
static void mark_reversed(reader *rd, const study_section *sec, study_scale *sc)
{
    sc->reversed = calloc(sc->nitems ? sc->nitems : 1, sizeof *sc->reversed);
    if (sc->reversed == NULL) {
        rd->oom = 1;
        return;
    }
    char **rev;
    long n = split_or_empty(rd, study_get(sec, "reverse"), &rev);
    for (long r = 0; r < n; r++) {
        size_t i = 0;
        while (i < sc->nitems && strcmp(sc->items[i], rev[r]) != 0)
            i++;
        if (i < sc->nitems)
            sc->reversed[i] = 1;
        else
            err_set(rd->err, ST_EUSAGE, rd->name, key_line(sec, "reverse"), 0,
                    SEC_FMT " reverse: '%s' is not one of the items",
                    SEC_ARGS(sec), rev[r]);
    }
    study_list_free(rev, (size_t)n);
}

/* A combined scale takes the items, reversals and range of the scales it
 * combines, which must be item scales with the same range. */
static void combine_scale(reader *rd, const study_section *sec, study_scale *sc,
                          const study *s)
{
    for (size_t c = 0; c < sc->ncombine; c++) {
        const study_scale *part = NULL;
        for (size_t j = 0; j < s->nscales; j++)
            if (s->scales[j].name && s->scales[j].combine == NULL &&
                strcmp(s->scales[j].name, sc->combine[c]) == 0)
                part = &s->scales[j];
        if (part == NULL) {
            err_set(rd->err, ST_EUSAGE, rd->name, key_line(sec, "combine"), 0,
                    SEC_FMT " combine: '%s' is not a scale with items",
                    SEC_ARGS(sec), sc->combine[c]);
            continue;
        }
        if (c == 0) {
            sc->low = part->low;
            sc->high = part->high;
        } else if (part->low != sc->low || part->high != sc->high) {
            err_set(rd->err, ST_EUSAGE, rd->name, key_line(sec, "combine"), 0,
                    SEC_FMT " combine: '%s' has a different range",
                    SEC_ARGS(sec), sc->combine[c]);
        }
        char **items =
            realloc(sc->items, (sc->nitems + part->nitems) * sizeof *items);
        int *rev =
            realloc(sc->reversed, (sc->nitems + part->nitems) * sizeof *rev);
        if (items)
            sc->items = items;
        if (rev)
            sc->reversed = rev;
        if (items == NULL || rev == NULL) {
            rd->oom = 1;
            return;
        }
        for (size_t i = 0; i < part->nitems; i++) {
            sc->items[sc->nitems] = dup_or(rd, part->items[i], NULL);
            sc->reversed[sc->nitems++] = part->reversed[i];
        }
    }
}

static void build_scales(reader *rd, study *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nsections; i++)
        n += strcmp(s->sections[i].kind, "scale") == 0 &&
             s->sections[i].name != NULL;
    s->scales = calloc(n ? n : 1, sizeof *s->scales);
    if (s->scales == NULL) {
        rd->oom = 1;
        return;
    }
    /* Item scales first, so combined ones can refer to any of them. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->nsections; i++) {
            const study_section *sec = &s->sections[i];
            if (strcmp(sec->kind, "scale") != 0 || sec->name == NULL)
                continue;
            int combined = study_get(sec, "combine") != NULL;
            if (combined != pass)
                continue;
            int has_items = study_get(sec, "items") != NULL;
            if (has_items == combined) {
                err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                        SEC_FMT ": give either items or combine",
                        SEC_ARGS(sec));
                continue;
            }
            study_scale *sc = &s->scales[s->nscales++];
            fill_scale(rd, sec, sc);
            if (!combined) {
                if (study_get(sec, "range") == NULL)
                    err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                            SEC_FMT " range: required key missing",
                            SEC_ARGS(sec));
                mark_reversed(rd, sec, sc);
            } else {
                if (study_get(sec, "reverse") || study_get(sec, "range"))
                    err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                            SEC_FMT ": a combined scale takes reverse and "
                                    "range from the scales it combines",
                            SEC_ARGS(sec));
                combine_scale(rd, sec, sc, s);
            }
        }
    }
}

static void check_compare(reader *rd, const study_section *sec)
{
    int observed = study_get(sec, "observed") != NULL;
    int score = study_get(sec, "score") != NULL;
    int base = study_get(sec, "denominator") || study_get(sec, "expected");
    if (observed == score || (observed && !base))
        err_set(rd->err, ST_EUSAGE, rd->name, sec->line, 0,
                SEC_FMT ": give observed with denominator or expected, or "
                        "give score",
                SEC_ARGS(sec));
}

/* Fills the typed fields from the validated sections. */
static void build(reader *rd, study *s)
{
    const study_section *st = study_find(s, "study", NULL);
    const study_section *sv = study_find(s, "survey", NULL);
    const study_section *ar = study_find(s, "areas", NULL);
    const study_section *ex = study_find(s, "exchanges", NULL);
    uint64_t u;
    s->title = dup_or(rd, study_get(st, "title"), "ecometer study");
    s->seed = 1;
    if (study_get(st, "seed") && parse_uint(study_get(st, "seed"), &u))
        s->seed = u;
    if (study_get(st, "threads") && parse_uint(study_get(st, "threads"), &u))
        s->threads = u > 1024 ? 1024 : (int)u;
    if (sv != NULL) {
        s->has_survey = 1;
        s->survey_file = resolve(rd, study_get(sv, "file"));
        s->respondent = dup_or(rd, study_get(sv, "respondent"), "resp_id");
        s->area = dup_or(rd, study_get(sv, "area"), "area_id");
        s->wave = dup_or(rd, study_get(sv, "wave"), NULL);
        s->nmissing =
            (size_t)split_or_empty(rd, study_get(sv, "missing"), &s->missing);
    }
    if (ar != NULL) {
        s->has_areas = 1;
        s->areas_file = resolve(rd, study_get(ar, "file"));
        s->areas_area = dup_or(rd, study_get(ar, "area"), "area_id");
        s->areas_name = dup_or(rd, study_get(ar, "name"), NULL);
        s->areas_region = dup_or(rd, study_get(ar, "region"), NULL);
        s->areas_population = dup_or(rd, study_get(ar, "population"), NULL);
        s->neighbours_file = resolve(rd, study_get(ar, "neighbours"));
        s->map_file = resolve(rd, study_get(ar, "map"));
    }
    if (ex != NULL) {
        s->has_exchanges = 1;
        s->exchanges_file = resolve(rd, study_get(ex, "file"));
        s->exchanges_members_file = resolve(rd, study_get(ex, "members"));
    }
    if (sv == NULL && ex == NULL)
        err_set(rd->err, ST_EUSAGE, rd->name, 0, 0,
                "[survey]: required section missing (or [exchanges] for a "
                "study of service use)");
    if (study_find(s, "scale", NULL) != NULL && sv == NULL)
        err_set(rd->err, ST_EUSAGE, rd->name, 0, 0,
                "[scale]: scales need a [survey] section");
    for (size_t i = 0; i < s->nsections; i++)
        if (strcmp(s->sections[i].kind, "compare") == 0)
            check_compare(rd, &s->sections[i]);
    build_scales(rd, s);
}

/* Reads the whole file (bounded), for the pre-scan and for inih. */
static char *read_text(reader *rd, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        err_set(rd->err, ST_EUSAGE, rd->name, 0, 0, "cannot open: %s",
                errno == ENOENT ? "no such file" : "not readable");
        return NULL;
    }
    char *buf = malloc(MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
    int read_error = ferror(f);
    fclose(f);
    if (buf == NULL) {
        rd->oom = 1;
        return NULL;
    }
    const char *problem = NULL;
    if (read_error)
        problem = "read error";
    else if (n > MAX_FILE)
        problem = "larger than 1 MiB; is this a study file?";
    else if (n == 0)
        problem = "empty file (expected [survey] and its keys)";
    if (problem != NULL) {
        err_set(rd->err, ST_EUSAGE, rd->name, 0, 0, "%s", problem);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    size_t bad = utf8_invalid_at(buf, n);
    if (bad < n) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += buf[i] == '\n';
        err_set(rd->err, ST_EUSAGE, rd->name, line, 0,
                "not UTF-8 text (or a NUL byte); save the file as UTF-8");
        free(buf);
        return NULL;
    }
    return buf;
}

static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

study *study_load(const char *path, error_buf *err)
{
    /* Without a buffer from the caller, problems still have to count. */
    error_buf *own = err == NULL ? calloc(1, sizeof *own) : NULL;
    if (err == NULL) {
        if (own == NULL)
            return NULL;
        err = own;
    }
    study *s = calloc(1, sizeof *s);
    reader rd = {.s = s, .name = path, .err = err};
    char *text = NULL;
    size_t before = err->n;
    if (s == NULL || (s->path = strdup(path)) == NULL ||
        (rd.dir = folder_of(path)) == NULL) {
        rd.oom = 1;
        goto done;
    }
    text = read_text(&rd, path);
    if (text == NULL)
        goto done;
    /* inih reads the text without comments; the pre-scan writes NULs
     * into a copy of its own. */
    char *clean = strip_comments(text);
    char *copy = clean ? strdup(clean) : NULL;
    if (copy == NULL) {
        free(clean);
        rd.oom = 1;
        goto done;
    }
    prescan(&rd, copy, clean);
    free(copy);
    int line = ini_parse_string(clean, on_value, &rd);
    free(clean);
    /* inih reads the rest of an over-long line as a line of its own; the
     * pre-scan has already said what is wrong there. */
    if (line > 0 && !rd.long_line)
        err_set(err, ST_EUSAGE, path, (size_t)line, 0,
                "syntax error: expected [section] or key = value");
    for (size_t i = 0; i < s->nsections; i++)
        check_section(&rd, &s->sections[i]);
    if (err->n == before)
        build(&rd, s);
done:
    if (rd.oom)
        err_set(err, ST_ENOMEM, path, 0, 0, "out of memory");
    free(text);
    free(rd.dir);
    int failed = rd.oom || err->n > before || err->dropped > 0 || text == NULL;
    free(own);
    if (failed) {
        study_free(s);
        return NULL;
    }
    return s;
}

static void free_scale(study_scale *sc)
{
    free(sc->name);
    study_list_free(sc->items, sc->nitems);
    free(sc->reversed);
    study_list_free(sc->combine, sc->ncombine);
    study_list_free(sc->adjust, sc->nadjust);
}

void study_free(study *s)
{
    if (s == NULL)
        return;
    free(s->path);
    free(s->title);
    free(s->survey_file);
    free(s->respondent);
    free(s->area);
    free(s->wave);
    study_list_free(s->missing, s->nmissing);
    free(s->areas_file);
    free(s->areas_area);
    free(s->areas_name);
    free(s->areas_region);
    free(s->areas_population);
    free(s->neighbours_file);
    free(s->map_file);
    free(s->exchanges_file);
    free(s->exchanges_members_file);
    for (size_t i = 0; i < s->nscales; i++)
        free_scale(&s->scales[i]);
    free(s->scales);
    for (size_t i = 0; i < s->nsections; i++) {
        study_section *sec = &s->sections[i];
        free(sec->kind);
        free(sec->name);
        for (size_t j = 0; j < sec->nentries; j++) {
            free(sec->entries[j].key);
            free(sec->entries[j].value);
        }
        free(sec->entries);
    }
    free(s->sections);
    free(s);
}
