# Golden reference for `ecometer mediate` (METHODS §11): multilevel::sobel
# (a from med ~ pred, b and the direct effect from out ~ pred + med, the
# total from out ~ pred; Sobel SE and z). Usage:
#   Rscript mediation_reference.R DATA.csv X M Y OUT.csv
suppressPackageStartupMessages(library(multilevel))
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1])
s <- sobel(pred = d[[a[2]]], med = d[[a[3]]], out = d[[a[4]]])
f <- function(v) sprintf("%.17g", v)
am <- s$`Mod3: M~X`[2, 1]; bm <- s$`Mod2: Y~X+M`[3, 1]
direct <- s$`Mod2: Y~X+M`[2, 1]; total <- s$`Mod1: Y~X`[2, 1]
out <- data.frame(x = a[2], m = a[3], y = a[4], a = f(am), b = f(bm),
                  indirect = f(s$Indirect.Effect), sobel_se = f(s$SE),
                  sobel_z = f(s$z.value), direct = f(direct), total = f(total),
                  proportion_mediated = f(s$Indirect.Effect / total), n = s$N)
write.csv(out, a[5], row.names = FALSE, quote = FALSE)
