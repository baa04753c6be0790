#!/usr/bin/env bash
# A simulate panel: the demo's two waves (datasets/demo), each area's mean
# answer to the ten collective-efficacy items (coh4 and coh5 reversed) in
# each wave, with the areas' time bank flag; the time bank starts in wave
# 2 and raises collective efficacy by 0.25 (truth.csv's did_effect). An
# unbalanced variant drops the second wave of every seventh area.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
demo="$here/../../../../datasets/demo"
Rscript -e 'a <- commandArgs(TRUE); s <- read.csv(file.path(a[1], "survey.csv"), na.strings = "NA",
    colClasses = c(area_id = "character"));
  ar <- read.csv(file.path(a[1], "areas.csv"), colClasses = c(area_id = "character"));
  s$coh4 <- 6 - s$coh4; s$coh5 <- 6 - s$coh5;
  items <- c(paste0("coh", 1:5), paste0("isc", 1:5));
  s$score <- rowMeans(s[items], na.rm = TRUE);
  p <- aggregate(score ~ area_id + wave, s, mean);
  p$timebank <- ar$timebank[match(p$area_id, ar$area_id)];
  p <- p[order(p$area_id, p$wave), ];
  p$score <- sprintf("%.17g", p$score);
  write.csv(p, "panel.csv", row.names = FALSE, quote = FALSE);
  u <- p[!(p$wave == 2 & (match(p$area_id, unique(p$area_id)) %% 7 == 0)), ];
  write.csv(u, "panel_unbalanced.csv", row.names = FALSE, quote = FALSE)' "$demo"
Rscript did_reference.R panel.csv score area_id wave timebank 2 timebank balanced
Rscript did_reference.R panel_unbalanced.csv score area_id wave timebank 2 timebank unbalanced
Rscript -e 'cat(R.version.string, "\n", "sandwich ", as.character(packageVersion("sandwich")), "\n", sep = "")' > VERSIONS.txt

# The run's [evaluate timebank] (datasets/demo/study.ini): the outcome is
# the efficacy scale's ecometric area score, the lmer model of
# ../lmm/ecometric_reference.R refitted in each wave, then the same lm +
# vcovCL. Wave 2's scores are ../lmm/demo/efficacy; wave 1's are fitted here.
coh="coh1,coh2,coh3,coh4,coh5"; isc="isc1,isc2,isc3,isc4,isc5"
(cd ../lmm && Rscript ecometric_reference.R "$demo/survey.csv" "$coh,$isc" coh4,coh5 1 5 \
    resp_id area_id age,female,owner,years_resident efficacy "$here/evaluate/wave1" NA wave 1)
Rscript -e 'a <- commandArgs(TRUE)
  w1 <- read.csv(file.path(a[1], "evaluate/wave1/area_scores.csv"), colClasses = c(area_id = "character"))
  w2 <- read.csv(file.path(a[1], "../lmm/demo/efficacy/area_scores.csv"), colClasses = c(area_id = "character"))
  ar <- read.csv(file.path(a[2], "areas.csv"), colClasses = c(area_id = "character"))
  p <- rbind(data.frame(area_id = w1$area_id, wave = 1, score = w1$score),
             data.frame(area_id = w2$area_id, wave = 2, score = w2$score))
  p <- p[!is.na(p$score), ]
  p$timebank <- ar$timebank[match(p$area_id, ar$area_id)]
  p$score <- sprintf("%.17g", p$score)
  write.csv(p, file.path(a[1], "evaluate/panel.csv"), row.names = FALSE, quote = FALSE)' "$here" "$demo"
Rscript did_reference.R evaluate/panel.csv score area_id wave timebank 2 timebank evaluate
