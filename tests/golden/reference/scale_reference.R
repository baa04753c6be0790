# Golden reference for `ecometer scale`.
#
# Usage:
#   Rscript scale_reference.R DATA.csv ITEMS REVERSE LOW HIGH GROUP SCALE OUTDIR [MISSING]
#
#   ITEMS    comma-separated item column names
#   REVERSE  comma-separated subset of ITEMS to reverse, or "-" for none
#   LOW HIGH response range (e.g. 1 5)
#   GROUP    area/group id column (read as character)
#   SCALE    scale name written in the `scale` column
#   OUTDIR   output folder (scales.csv, items.csv, areas.csv)
#   MISSING  optional comma-separated missing codes besides empty cells
#
# Definitions:
#   reverse:   x' = LOW + HIGH - x for reversed items, before anything else
#   score:     mean of answered items if >= ceiling(p/2) of p answered, else NA
#   alpha, std_alpha, item stats: psych::alpha(items, check.keys = FALSE)
#   icc1/icc2: multilevel::ICC1/ICC2(aov(score ~ as.factor(group))) on rows
#              with a non-NA score
#   rwg_j:     multilevel::rwg.j(items, group, ranvar = (A^2 - 1) / 12),
#              A = HIGH - LOW + 1 (rwg.j itself drops rows with any NA)

suppressPackageStartupMessages({
  library(psych)
  library(multilevel)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 8 || length(args) > 9) {
  stop("usage: Rscript scale_reference.R DATA.csv ITEMS REVERSE LOW HIGH GROUP SCALE OUTDIR [MISSING]")
}
data_file <- args[1]
items     <- strsplit(args[2], ",", fixed = TRUE)[[1]]
reverse   <- if (args[3] == "-") character(0) else strsplit(args[3], ",", fixed = TRUE)[[1]]
low       <- as.numeric(args[4])
high      <- as.numeric(args[5])
group_col <- args[6]
scale     <- args[7]
outdir    <- args[8]
missing   <- if (length(args) >= 9 && nzchar(args[9])) strsplit(args[9], ",", fixed = TRUE)[[1]] else character(0)

stopifnot(all(reverse %in% items), !anyDuplicated(items), low < high)

d <- read.csv(data_file,
              colClasses = setNames("character", group_col),
              na.strings = c("", missing),
              check.names = FALSE)
stopifnot(all(c(items, group_col) %in% names(d)))

p <- length(items)
x <- as.data.frame(lapply(d[items], as.numeric), check.names = FALSE)
for (it in reverse) x[[it]] <- low + high - x[[it]]
group <- d[[group_col]]

# Respondent scores
answered <- rowSums(!is.na(x))
score <- ifelse(answered >= ceiling(p / 2), rowMeans(x, na.rm = TRUE), NA_real_)
ok <- !is.na(score)

# Reliability (psych defaults: use = "pairwise")
a <- psych::alpha(x, check.keys = FALSE, warnings = FALSE)

# ICC(1), ICC(2) on respondents with a score
sc <- data.frame(score = score[ok], group = as.factor(group[ok]))
fit <- aov(score ~ group, data = sc)
icc1 <- multilevel::ICC1(fit)
icc2 <- multilevel::ICC2(fit)

# rwg(j) with uniform null
A <- high - low + 1
rw <- multilevel::rwg.j(x, group, ranvar = (A^2 - 1) / 12)
rwg_by_group <- setNames(rw$rwg.j, as.character(rw$grpid))
rwg_ok <- rwg_by_group[!is.na(rwg_by_group)]

fmt <- function(v) {
  if (is.logical(v)) return(ifelse(is.na(v), "NA", ifelse(v, "TRUE", "FALSE")))
  if (is.character(v)) return(ifelse(is.na(v), "NA", v))
  ifelse(is.na(v), "NA", sprintf("%.17g", v))
}
write_table <- function(df, path) {
  lines <- c(paste(names(df), collapse = ","),
             do.call(paste, c(lapply(df, fmt), sep = ",")))
  con <- file(path, open = "wb")
  writeLines(lines, con, sep = "\n")
  close(con)
}

dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

scales <- data.frame(
  scale = scale,
  n_items = p,
  n_respondents = sum(ok),
  alpha = a$total$raw_alpha,
  std_alpha = a$total$std.alpha,
  icc1 = icc1,
  icc2 = icc2,
  rwg_j_mean = if (length(rwg_ok)) mean(rwg_ok) else NA_real_,
  rwg_j_median = if (length(rwg_ok)) median(rwg_ok) else NA_real_
)
write_table(scales, file.path(outdir, "scales.csv"))

# psych deletes zero-variance items; such items get NA rows here.
st <- a$item.stats
ad <- a$alpha.drop
pick <- function(tab, col, it) if (it %in% rownames(tab)) tab[it, col] else NA_real_
items_df <- data.frame(
  scale = scale,
  item = items,
  reversed = items %in% reverse,
  n = sapply(items, function(it) pick(st, "n", it)),
  mean = sapply(items, function(it) pick(st, "mean", it)),
  sd = sapply(items, function(it) pick(st, "sd", it)),
  r_drop = sapply(items, function(it) pick(st, "r.drop", it)),
  alpha_if_dropped = sapply(items, function(it) pick(ad, "raw_alpha", it)),
  check.names = FALSE
)
write_table(items_df, file.path(outdir, "items.csv"))

has_group <- ok & !is.na(group)
ids <- sort(unique(group[has_group]), method = "radix")
in_g <- function(g) has_group & group == g
areas <- data.frame(
  area_id = ids,
  n_respondents = vapply(ids, function(g) sum(in_g(g)), numeric(1)),
  raw_mean = vapply(ids, function(g) mean(score[in_g(g)]), numeric(1)),
  rwg_j = unname(rwg_by_group[ids])
)
write_table(areas, file.path(outdir, "areas.csv"))
