# Re-derive every number in the lq2002 references from explicit formulas
# (base R only, no psych / multilevel) and compare with the written files.
# These are the formulas a C implementation has to follow.
#
# Usage: Rscript verify_formulas.R LQ2002_DIR

args <- commandArgs(trailingOnly = TRUE)
lq <- if (length(args) >= 1) args[1] else "lq2002"

# Pairwise-complete covariance, written out: for each pair (i, j) use rows
# where both are present; means over those rows; divisor n_ij - 1.
pair_cov <- function(x) {
  p <- ncol(x)
  C <- matrix(NA_real_, p, p)
  for (i in 1:p) for (j in 1:p) {
    ok <- !is.na(x[, i]) & !is.na(x[, j])
    a <- x[ok, i]; b <- x[ok, j]
    C[i, j] <- sum((a - mean(a)) * (b - mean(b))) / (sum(ok) - 1)
  }
  C
}
raw_alpha <- function(C) { p <- ncol(C); p / (p - 1) * (1 - sum(diag(C)) / sum(C)) }

expected <- function(file, items, reverse, low, high, group_col, scale) {
  d <- read.csv(file, colClasses = setNames("character", group_col), check.names = FALSE,
                na.strings = "")
  x <- as.matrix(d[items]); storage.mode(x) <- "double"
  for (it in reverse) x[, it] <- low + high - x[, it]
  g <- d[[group_col]]
  p <- length(items)

  nans <- rowSums(!is.na(x))
  score <- ifelse(nans >= ceiling(p / 2), rowMeans(x, na.rm = TRUE), NA)
  ok <- !is.na(score) & !is.na(g)

  C <- pair_cov(x)
  R <- C / sqrt(outer(diag(C), diag(C)))          # cov2cor of the pairwise C
  alpha <- raw_alpha(C)
  std_alpha <- p / (p - 1) * (1 - p / sum(R))
  r_drop <- sapply(1:p, function(i) (sum(C[, i]) - C[i, i]) / sqrt(C[i, i] * sum(C[-i, -i])))
  a_drop <- sapply(1:p, function(i) raw_alpha(C[-i, -i, drop = FALSE]))
  item_n <- colSums(!is.na(x))
  item_mean <- apply(x, 2, function(v) mean(v[!is.na(v)]))
  item_sd <- apply(x, 2, function(v) sd(v[!is.na(v)]))

  # One-way ANOVA on scored respondents; k = N / G (multilevel's GSIZE).
  s <- score[ok]; gg <- g[ok]
  N <- length(s); grp <- split(s, gg); G <- length(grp)
  ssb <- sum(sapply(grp, function(v) length(v) * (mean(v) - mean(s))^2))
  ssw <- sum(sapply(grp, function(v) sum((v - mean(v))^2)))
  msb <- ssb / (G - 1); msw <- ssw / (N - G); k <- N / G
  icc1 <- (msb - msw) / (msb + (k - 1) * msw)
  icc2 <- (msb - msw) / msb

  # rwg(j): listwise-complete rows only; NA for groups with < 2 such rows.
  A <- high - low + 1; s2eu <- (A^2 - 1) / 12
  comp <- rowSums(is.na(x)) == 0 & !is.na(g)
  rwg <- sapply(split(seq_len(nrow(x))[comp], g[comp]), function(rows) {
    if (length(rows) < 2) return(NA_real_)
    S <- min(mean(apply(x[rows, , drop = FALSE], 2, var)), s2eu)
    p * (1 - S / s2eu) / (p * (1 - S / s2eu) + S / s2eu)
  })
  ids <- sort(unique(gg), method = "radix")
  rwg_a <- unname(rwg[ids])
  rv <- rwg[!is.na(rwg)]

  list(
    scales = list(n_items = p, n_respondents = sum(!is.na(score)), alpha = alpha,
                  std_alpha = std_alpha, icc1 = icc1, icc2 = icc2,
                  rwg_j_mean = mean(rv), rwg_j_median = median(rv)),
    items = list(n = item_n, mean = item_mean, sd = item_sd, r_drop = r_drop,
                 alpha_if_dropped = a_drop),
    areas = list(area_id = ids, n_respondents = sapply(ids, function(i) sum(gg == i)),
                 raw_mean = sapply(ids, function(i) mean(s[gg == i])), rwg_j = rwg_a)
  )
}

check <- function(dir, ex) {
  bad <- 0
  for (tab in names(ex)) {
    cc <- if (tab == "areas") c(area_id = "character") else NA
    got <- read.csv(file.path(dir, paste0(tab, ".csv")), colClasses = cc, check.names = FALSE)
    for (col in names(ex[[tab]])) {
      e <- unname(ex[[tab]][[col]]); o <- got[[col]]
      same <- if (is.character(e)) identical(e, o) else
        length(e) == length(o) && all(is.na(e) == is.na(o)) &&
          all(abs(e - o)[!is.na(e)] <= 1e-12 * pmax(1, abs(e[!is.na(e)])))
      if (!same) { bad <- bad + 1; cat("MISMATCH", dir, tab, col, "\n") }
    }
  }
  cat(sprintf("%-28s %s\n", basename(dir), if (bad == 0) "ok" else "FAILED"))
  bad
}

lead <- sprintf("LEAD%02d", 1:11)
hostil <- sprintf("HOSTIL%02d", 1:5)
bad <- 0
bad <- bad + check(file.path(lq, "lead"),
                   expected(file.path(lq, "lq2002.csv"), lead, character(0), 1, 5, "COMPID", "lead"))
bad <- bad + check(file.path(lq, "hostility"),
                   expected(file.path(lq, "lq2002.csv"), hostil, c("HOSTIL02", "HOSTIL04"), 0, 4,
                            "COMPID", "hostility"))
bad <- bad + check(file.path(lq, "lead_missing"),
                   expected(file.path(lq, "lq2002_missing.csv"), lead, character(0), 1, 5,
                            "COMPID", "lead"))
if (bad > 0) quit(status = 1)
