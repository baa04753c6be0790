# Golden reference for a one-item scale: multilevel::rwg (not rwg.j) per
# group, with the group's respondents and mean. Usage:
#   Rscript rwg_one_item.R DATA.csv ITEM LOW HIGH GROUP OUT.csv
suppressPackageStartupMessages(library(multilevel))
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], colClasses = setNames("character", a[5]), na.strings = "")
x <- d[[a[2]]]; g <- d[[a[5]]]
A <- as.numeric(a[4]) - as.numeric(a[3]) + 1
r <- rwg(x, g, ranvar = (A^2 - 1) / 12)
ok <- !is.na(x) & !is.na(g)
ids <- sort(unique(g[ok]), method = "radix")
n <- sapply(ids, function(k) sum(ok & g == k))
m <- sapply(ids, function(k) mean(x[ok & g == k]))
w <- sapply(ids, function(k) { v <- r$rwg[r$grpid == k]; if (length(v) && n[[k]] > 1) v else NA })
f <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
out <- data.frame(area_id = ids, n_respondents = n, raw_mean = f(m), rwg_j = f(w))
write.csv(out, a[6], row.names = FALSE, quote = FALSE)
