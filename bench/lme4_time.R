# make bench: seconds lme4::lmer needs for the ecometric model (METHODS §4)
# on a survey file (all rows), with its default settings: items within
# respondents within areas, ten items (coh4, coh5 reversed), four
# centred covariates. Prints the median of REPEAT fits.
# Usage: Rscript lme4_time.R SURVEY.csv REPEAT
suppressPackageStartupMessages(library(lme4))
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], na.strings = c("", "NA"),
              colClasses = c(resp_id = "character", area_id = "character"))
items <- c(paste0("coh", 1:5), paste0("isc", 1:5))
for (i in c("coh4", "coh5")) d[[i]] <- 6 - d[[i]]
covs <- c("age", "female", "owner", "years_resident")
for (v in covs) d[[v]] <- d[[v]] - mean(d[[v]])
d$row <- seq_len(nrow(d))
long <- do.call(rbind, lapply(seq_along(items), function(k)
  data.frame(row = d$row, area = d$area_id, item = items[k],
             response = d[[items[k]]], d[covs])))
long <- long[!is.na(long$response), ]
long$item <- factor(long$item, levels = items)
f <- response ~ item + age + female + owner + years_resident + (1 | row) + (1 | area)
t <- replicate(as.integer(a[2]), system.time(lmer(f, long))[["elapsed"]])
cat(median(t), nrow(long), "\n")
