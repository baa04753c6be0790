# Export multilevel::lq2002 and a copy with deterministic missing item cells.
#
# Usage: Rscript make_lq2002.R OUTDIR
#   writes OUTDIR/lq2002.csv and OUTDIR/lq2002_missing.csv
#
# Missing-data design (only LEAD01..LEAD11 are touched; set.seed(7)):
#   1. 2.5% of the LEAD cells, sampled uniformly without replacement.
#   2. Two of the size-10 companies (the two with the smallest numeric COMPID)
#      are overwritten so that rwg.j's listwise deletion bites:
#        - first: 1 respondent complete, the other 9 miss exactly one item
#          -> one complete respondent, rwg.j gives NA for the group;
#        - second: all 10 respondents miss exactly one item
#          -> no complete respondent, the group is absent from rwg.j output.
#      All 20 still have a scale score (10 of 11 items answered).
#   3. 22 further respondents (other companies) are overwritten to probe the
#      ceiling(p/2) = 6 rule: 10 miss exactly 5 items (6 answered -> score),
#      10 miss exactly 6 items (5 answered -> NA), 2 miss all 11 items.
# About 3% of the LEAD cells end up blank.

suppressPackageStartupMessages(library(multilevel))

args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "."
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

data(lq2002, package = "multilevel")
d <- lq2002

write.csv(d, file.path(outdir, "lq2002.csv"), row.names = FALSE, na = "",
          quote = FALSE, eol = "\n")

lead <- sprintf("LEAD%02d", 1:11)
n <- nrow(d)
p <- length(lead)

set.seed(7)
mask <- matrix(FALSE, n, p)
mask[sample(n * p, round(0.025 * n * p))] <- TRUE

sizes <- table(d$COMPID)
small <- sort(as.numeric(names(sizes)[sizes == 10]))[1:2]

g1 <- which(d$COMPID == small[1])
mask[g1, ] <- FALSE
for (r in g1[-1]) mask[r, sample(p, 1)] <- TRUE

g2 <- which(d$COMPID == small[2])
mask[g2, ] <- FALSE
for (r in g2) mask[r, sample(p, 1)] <- TRUE

others <- which(!(d$COMPID %in% small))
probe <- sample(others, 22)
for (k in seq_along(probe)) {
  r <- probe[k]
  m <- if (k <= 10) 5 else if (k <= 20) 6 else p
  mask[r, ] <- FALSE
  mask[r, sample(p, m)] <- TRUE
}

for (j in seq_len(p)) d[[lead[j]]][mask[, j]] <- NA

write.csv(d, file.path(outdir, "lq2002_missing.csv"), row.names = FALSE, na = "",
          quote = FALSE, eol = "\n")

cat(sprintf("blanked %d of %d LEAD cells (%.2f%%); companies %s; probe rows %s\n",
            sum(mask), n * p, 100 * mean(mask),
            paste(small, collapse = ","), paste(sort(probe), collapse = ",")))
