# Golden reference for `ecometer moran` (METHODS §9): spdep::moran.test
# (randomisation = TRUE and FALSE, alternative = "greater") and
# spdep::moran.mc with row-standardised weights (style "W") and
# zero.policy = TRUE, on an area file and an edge list (from, to) read
# exactly as ecometer reads them.
# Usage: Rscript moran_reference.R DATA.csv EDGES.csv ID VARS OUT.csv [NSIM]
# moran.mc's p (seed 1) is for a loose check only: its draws are R's.
suppressPackageStartupMessages(library(spdep))
a <- commandArgs(trailingOnly = TRUE)
nsim <- if (length(a) >= 6) as.integer(a[6]) else 999L
d <- read.csv(a[1], colClasses = setNames("character", a[3]), check.names = FALSE)
e <- read.csv(a[2], colClasses = "character")
ids <- d[[a[3]]]
stopifnot(!anyDuplicated(ids), all(e$from %in% ids), all(e$to %in% ids))
edges_to_nb <- function(ids, e) {
  nb <- lapply(ids, function(id) {
    j <- sort(unique(match(e$to[e$from == id], ids)))
    if (length(j) == 0) 0L else as.integer(j)
  })
  class(nb) <- "nb"
  attr(nb, "region.id") <- ids
  nb
}
nb <- edges_to_nb(ids, e)
lw <- nb2listw(nb, style = "W", zero.policy = TRUE)
f <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
rows <- lapply(strsplit(a[4], ",")[[1]], function(v) {
  x <- d[[v]]
  r <- moran.test(x, lw, randomisation = TRUE, zero.policy = TRUE)
  nrm <- moran.test(x, lw, randomisation = FALSE, zero.policy = TRUE)
  set.seed(1)
  mc <- moran.mc(x, lw, nsim = nsim, zero.policy = TRUE)
  data.frame(variable = v, moran_i = f(r$estimate[[1]]), expected = f(r$estimate[[2]]),
             variance_normal = f(nrm$estimate[[3]]), variance_random = f(r$estimate[[3]]),
             z_random = f(r$statistic[[1]]), p_random = f(r$p.value),
             p_permutation = f(mc$p.value), permutations = nsim)
})
write.csv(do.call(rbind, rows), a[5], row.names = FALSE, quote = FALSE)
