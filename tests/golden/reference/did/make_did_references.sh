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
