/*
 * simulate.h — the generative model behind `ecometer simulate`: areas on
 * a grid with spatially correlated disadvantage and collective efficacy,
 * survey respondents answering ten Likert items, census covariates,
 * crime counts, and time bank exchanges. Every parameter is a named
 * constant below or in simulate.c, and README.md documents the model.
 *
 * Each area draws from its own streams (rng.h), so the data do not depend
 * on the number of threads or the order in which areas are generated.
 */
#ifndef ECOMETER_SIMULATE_H
#define ECOMETER_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

enum { SIM_ITEMS = 10, SIM_CATEGORIES = 7 };

/* Item names in column order; coh4 and coh5 are reverse-worded. */
extern const char *const sim_item_names[SIM_ITEMS];
extern const int sim_item_reversed[SIM_ITEMS];
extern const char *const sim_categories[SIM_CATEGORIES];
extern const char *const sim_region_names[4];

typedef struct {
    size_t areas;       /* J */
    double respondents; /* mean per area and wave */
    double exchanges;   /* mean per area */
    size_t waves;
    uint64_t seed;
} sim_params;

/* The true values behind one area's data (truth.csv). */
typedef struct {
    size_t row, col;     /* grid position */
    int region;          /* quadrant, index into sim_region_names */
    double disadvantage; /* latent, mean 0 and SD 1 over areas */
    double effect;       /* u_k: the area's collective efficacy effect, SD 1 */
    double efficacy;     /* true area mean of the latent answer, wave 1 */
    int timebank;        /* the programme runs here */
    double did_effect;   /* added to efficacy from wave 2 where timebank */
    double population;
    double poverty, unemployment, public_assist, female_head, under18;
    double immigrant, owner_occ, same_house5;
    double expected_violent, expected_homicides;
    long violent_crimes, homicides;
} sim_area;

typedef struct {
    int age, female, owner, years_resident;
    int answer[SIM_ITEMS]; /* 1..5 as written (reverse-worded items
                              reversed), 0 = missing */
} sim_respondent;

typedef struct {
    uint32_t giver, receiver; /* members 0..m-1, professionals m.. */
    int professional;         /* the giver is paid staff */
    double hours;
    int day;      /* day of 2025, 0..364 */
    int category; /* index into sim_categories */
} sim_exchange;

/* Grid width: areas fill rows of this many cells. */
size_t sim_grid_width(size_t areas);

/* The J areas; NULL when out of memory. Free with free(). */
sim_area *sim_make_areas(const sim_params *p);

/* The respondents of area k in wave w (1-based): *out gets a new array
 * (free with free()) and the count is returned; (size_t)-1 when out of
 * memory. */
size_t sim_respondents(const sim_params *p, const sim_area *areas, size_t k,
                       size_t wave, sim_respondent **out);

/* The exchanges of area k, with *members and *professionals set to the
 * numbers of ids used; (size_t)-1 when out of memory. */
size_t sim_exchanges(const sim_params *p, const sim_area *areas, size_t k,
                     sim_exchange **out, size_t *members,
                     size_t *professionals);

#endif
