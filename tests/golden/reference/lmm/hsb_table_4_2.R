# Raudenbush & Bryk (2002), Table 4.2: the one-way random-effects ANOVA of
# math achievement (HSB), REML. Reads the golden anova_reml outputs and
# writes table_4_2.csv (statistic, value); stops if the values, rounded as
# published, differ from the book.
#
# Usage: Rscript hsb_table_4_2.R HSB_DIR   (HSB_DIR holds anova_reml/)

args0 <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", args0, value = TRUE)[1])))
source(file.path(here, "lmm_common.R"))

hsb <- commandArgs(trailingOnly = TRUE)[1]
rd <- function(f) read.csv(file.path(hsb, "anova_reml", f), colClasses = "character")
co <- rd("coefficients.csv"); mf <- rd("model_fit.csv"); gr <- rd("groups.csv")
stat <- function(s) as.numeric(mf$value[mf$statistic == s])

gm <- as.numeric(co$estimate[co$term == "(Intercept)"])
se <- as.numeric(co$std_error[co$term == "(Intercept)"])
tau00 <- stat("tau00"); s2 <- stat("sigma2")
rel <- mean(as.numeric(gr$reliability[gr$term == "(Intercept)"]))
out <- data.frame(statistic = c("grand_mean", "grand_mean_se", "tau00", "sigma2", "icc", "mean_reliability"),
                  value = c(gm, se, tau00, s2, tau00 / (tau00 + s2), rel),
                  stringsAsFactors = FALSE)
published <- c(12.64, 0.24, 8.61, 39.15, 0.18, 0.90)
out$published <- published
print(out, digits = 10)
write_csv_plain(out[c("statistic", "value")], file.path(hsb, "table_4_2.csv"))
if (any(round(out$value, 2) != published)) stop("Table 4.2 not reproduced")
cat("Raudenbush & Bryk Table 4.2 reproduced (to the published 2 decimals)\n")
