# Golden reference for `ecometer index` (METHODS §10): prcomp(scale. = TRUE)
# on the rows without a missing value; every component signed so that the
# first variable loads positively (prcomp's signs are arbitrary); the index
# is the first component's score divided by its SD.
# Usage: Rscript index_reference.R DATA.csv ID VARS NAME OUTDIR
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], colClasses = setNames("character", a[2]), check.names = FALSE)
vars <- strsplit(a[3], ",")[[1]]
x <- d[vars]
ok <- complete.cases(x)
p <- prcomp(x[ok, ], scale. = TRUE)
rot <- p$rotation
for (c in seq_len(ncol(rot))) if (rot[1, c] < 0) rot[, c] <- -rot[, c]
z <- scale(x[ok, ], center = p$center, scale = p$scale) %*% rot[, 1]
value <- rep(NA_real_, nrow(d))
value[ok] <- z / sd(z)
f <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
dir.create(a[5], showWarnings = FALSE, recursive = TRUE)
write.csv(data.frame(id = d[[a[2]]], value = f(value)), file.path(a[5], "scores.csv"),
          row.names = FALSE, quote = FALSE)
k <- length(vars)
write.csv(data.frame(index = a[4], component = rep(paste0("PC", 1:k), each = k),
                     variable = rep(vars, k), loading = f(as.vector(rot)),
                     eigenvalue = f(rep(p$sdev^2, each = k))),
          file.path(a[5], "loadings.csv"), row.names = FALSE, quote = FALSE)
