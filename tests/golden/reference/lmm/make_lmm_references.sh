#!/usr/bin/env bash
# Regenerate the R golden references for ecometer's linear mixed models
# (METHODS.md §3) and ecometric scores (METHODS.md §4). Run from any folder.
# Needs Rscript with lme4 (and mlmRev, optionally, to re-check hsb.csv).
# The console output, with the optimiser cross-checks, goes to
# make_lmm_references.log.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
ref="$(cd "$here/.." && pwd)"          # tests/golden/reference
repo="$(cd "$here/../../../.." && pwd)" # repository root

exec > >(tee "$here/make_lmm_references.log") 2>&1

# --- High School and Beyond (Raudenbush & Bryk 2002, ch. 4) -------------
hsb="$here/hsb"
# hsb/hsb.csv is a copy of shared/data/hsb/hsb.csv (mlmRev's Hsb82); check it
# against mlmRev when that package is installed.
if Rscript -e 'quit(status = !requireNamespace("mlmRev", quietly = TRUE))' >/dev/null 2>&1; then
  Rscript -e '
    suppressPackageStartupMessages(library(mlmRev)); data(Hsb82)
    d <- read.csv(commandArgs(TRUE)[1], colClasses = c(school = "character"))
    h <- Hsb82
    stopifnot(nrow(d) == nrow(h), identical(d$school, as.character(h$school)),
              identical(d$minrty, as.integer(h$minrty == "Yes")),
              identical(d$sx, as.integer(h$sx == "Female")),
              identical(d$sector, as.integer(h$sector == "Catholic")),
              identical(d$ses, h$ses), identical(d$mAch, h$mAch),
              identical(d$meanses, h$meanses), identical(d$cses, h$cses))
    cat("hsb.csv is identical to mlmRev::Hsb82\n")' "$hsb/hsb.csv"
else
  echo "mlmRev not installed: hsb.csv not re-checked"
fi

fit() { # model formula method
  Rscript lmer_reference.R "$hsb/hsb.csv" "$2" "$3" "$1" "$hsb/$1"
}
fit anova_reml   "mAch ~ 1 + (1|school)" REML
fit anova_ml     "mAch ~ 1 + (1|school)" ML
fit ses_reml     "mAch ~ ses + (1|school)" REML
fit ses_ml       "mAch ~ ses + (1|school)" ML
fit context_reml "mAch ~ cses + meanses + sector + (1|school)" REML
fit context_ml   "mAch ~ cses + meanses + sector + (1|school)" ML
fit slope_reml   "mAch ~ cses + (cses|school)" REML
fit slope_ml     "mAch ~ cses + (cses|school)" ML
# the formula language: a factor, an interaction with it, a product term
fit factors_reml "mAch ~ cses * factor(sector) + minrty:sx + (1|school)" REML
Rscript hsb_table_4_2.R "$hsb"

# --- lq2002: items within soldiers within companies ----------------------
# The data have no respondent id: copies with resp_id = "S" + 4-digit row
# number as the first column, other bytes unchanged.
lq="$here/lq2002"
mkdir -p "$lq"
add_ids() {
  Rscript -e 'a <- commandArgs(TRUE); x <- readLines(a[1])
    out <- c(paste0("resp_id,", x[1]), paste0(sprintf("S%04d,", seq_len(length(x) - 1)), x[-1]))
    con <- file(a[2], "wb"); writeLines(out, con, sep = "\n"); close(con)' "$1" "$2"
}
add_ids "$ref/lq2002/lq2002.csv" "$lq/lq2002_ids.csv"
add_ids "$ref/lq2002/lq2002_missing.csv" "$lq/lq2002_missing_ids.csv"
lead="LEAD01,LEAD02,LEAD03,LEAD04,LEAD05,LEAD06,LEAD07,LEAD08,LEAD09,LEAD10,LEAD11"
Rscript ecometric_reference.R "$lq/lq2002_ids.csv" "$lead" - 1 5 resp_id COMPID - lead "$lq/lead"
Rscript ecometric_reference.R "$lq/lq2002_missing_ids.csv" "$lead" - 1 5 resp_id COMPID - lead "$lq/lead_missing"

# --- the demo study, wave 2 ----------------------------------------------
survey="$repo/datasets/demo/survey.csv"
demo="$here/demo"
coh="coh1,coh2,coh3,coh4,coh5"; isc="isc1,isc2,isc3,isc4,isc5"
Rscript ecometric_reference.R "$survey" "$coh" coh4,coh5 1 5 resp_id area_id - cohesion "$demo/cohesion" NA wave 2
Rscript ecometric_reference.R "$survey" "$isc" - 1 5 resp_id area_id - control "$demo/control" NA wave 2
Rscript ecometric_reference.R "$survey" "$coh,$isc" coh4,coh5 1 5 resp_id area_id age,female,owner,years_resident efficacy "$demo/efficacy" NA wave 2

Rscript -e 'cat(R.version.string, "\n",
  "lme4 ", as.character(packageVersion("lme4")), "\n",
  "Matrix ", as.character(packageVersion("Matrix")), "\n",
  "minqa ", as.character(packageVersion("minqa")), "\n",
  "nloptr ", as.character(packageVersion("nloptr")), "\n", sep = "")' \
  > "$here/VERSIONS.txt"
cat "$here/VERSIONS.txt"
