#!/usr/bin/env bash
# References for the [compare] and [spatial] stages of the demo's `run`
# (datasets/demo/study.ini): the efficacy scale's area scores and SEs are
# lme4's (../lmm/demo/efficacy/area_scores.csv, themselves checked against
# ecometer's ecometric model to 1e-6), violence_rate is
# violent_crimes / population * 1000 as [derive] has it. Then:
#   run_efficacy/   funnel_reference.R, type score, [compare efficacy]
#   run_spatial.csv moran_reference.R on efficacy and violence_rate
# ([compare crimes] is demo_crimes/, made by make_compare_references.sh.)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
demo=../../../../datasets/demo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
Rscript -e 'a <- commandArgs(TRUE)
  ar <- read.csv(file.path(a[1], "areas.csv"), colClasses = c(area_id = "character"))
  sc <- read.csv(a[2], colClasses = c(area_id = "character"))
  ar$efficacy <- sc$score[match(ar$area_id, sc$area_id)]
  ar$se <- sc$se[match(ar$area_id, sc$area_id)]
  ar$violence_rate <- ar$violent_crimes / ar$population * 1000
  ar <- ar[order(ar$area_id, method = "radix"), ]
  ar$efficacy <- sprintf("%.17g", ar$efficacy); ar$se <- sprintf("%.17g", ar$se)
  ar$violence_rate <- sprintf("%.17g", ar$violence_rate)
  write.csv(ar[c("area_id", "efficacy", "se", "violence_rate")], a[3],
            row.names = FALSE, quote = FALSE)' \
  "$demo" ../lmm/demo/efficacy/area_scores.csv "$tmp/run_areas.csv"
Rscript funnel_reference.R "$tmp/run_areas.csv" run_efficacy id=area_id type=score \
  value=efficacy se=se name=efficacy
Rscript moran_reference.R "$tmp/run_areas.csv" "$demo/neighbours.csv" area_id \
  efficacy,violence_rate run_spatial.csv
