# Golden reference for `ecometer did` (METHODS §11): lm with factor() fixed
# effects and sandwich::vcovCL(cluster = ~unit, type = "HC1"); t-based
# p-value and interval on the residual degrees of freedom (lmtest::coeftest).
# Usage: Rscript did_reference.R PANEL.csv OUTCOME UNIT TIME TREATED START MODEL OUTDIR
suppressPackageStartupMessages({ library(sandwich); library(lmtest) })
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], colClasses = setNames("character", a[3]))
d$D <- as.numeric(d[[a[5]]] != 0 & d[[a[4]]] >= as.numeric(a[6]))
f <- as.formula(sprintf("%s ~ D + factor(%s) + factor(%s)", a[2], a[3], a[4]))
fit <- lm(f, d)
V <- vcovCL(fit, cluster = as.formula(paste0("~", a[3])), type = "HC1")
ct <- coeftest(fit, vcov. = V)["D", ]
q <- qt(0.975, fit$df.residual)
g <- function(v) sprintf("%.17g", v)
dir.create(a[8], showWarnings = FALSE, recursive = TRUE)
write.csv(data.frame(model = a[7], term = "D", estimate = g(ct[1]), std_error = g(ct[2]),
                     statistic = g(ct[3]), p_value = g(ct[4]), conf_low = g(ct[1] - q * ct[2]),
                     conf_high = g(ct[1] + q * ct[2])),
          file.path(a[8], "coefficients.csv"), row.names = FALSE, quote = FALSE)
