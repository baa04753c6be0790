#!/usr/bin/env bash
# References for `[model] data = survey` in `run`: the demo's latest wave
# (datasets/demo/survey.csv, wave 2), each respondent given the
# disadvantage index of their area (prcomp's scores,
# ../index/demo/scores.csv, themselves checked against ecometer's index)
# and the areas file's columns. Then:
#   trust    lmer(coh1 ~ age + female + owner + years_resident
#                 + disadvantage + (1 | area_id)), REML (../lmm/lmer_reference.R)
#   owners   lm(owner ~ age + years_resident + poverty + region) with
#            sandwich::vcovCL by area (../regression/regression_reference.R)
# The joined data go to a temporary file; only the references are kept.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
demo="$here/../../../../datasets/demo"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
Rscript -e 'a <- commandArgs(TRUE)
  s <- read.csv(file.path(a[1], "survey.csv"), colClasses = c(area_id = "character", resp_id = "character"))
  s <- s[s$wave == max(s$wave), ]
  ar <- read.csv(file.path(a[1], "areas.csv"), colClasses = c(area_id = "character"))
  ix <- read.csv(a[2], colClasses = c(id = "character"))
  s$disadvantage <- ix$value[match(s$area_id, ix$id)]
  s <- cbind(s, ar[match(s$area_id, ar$area_id), c("poverty", "region")])
  write.csv(s, a[3], row.names = FALSE, quote = FALSE, na = "")' \
  "$demo" "$here/../index/demo/scores.csv" "$tmp/survey_wave2.csv"
(cd ../lmm && Rscript lmer_reference.R "$tmp/survey_wave2.csv" \
  "coh1 ~ age + female + owner + years_resident + disadvantage + (1 | area_id)" \
  REML trust "$here/trust")
(cd ../regression && Rscript regression_reference.R "$tmp/survey_wave2.csv" \
  "owner ~ age + years_resident + poverty + region" gaussian cluster:area_id \
  owners "$here/owners")
Rscript -e 'cat(R.version.string, "\n", "lme4 ", as.character(packageVersion("lme4")),
  "\n", "sandwich ", as.character(packageVersion("sandwich")), "\n", sep = "")' > "$here/VERSIONS.txt"
