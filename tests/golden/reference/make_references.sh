#!/usr/bin/env bash
# Regenerate the R golden references for `ecometer scale`.
# Needs Rscript with the CRAN packages psych and multilevel.
# Run from any folder.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

lq="$here/lq2002"
mkdir -p "$lq"

Rscript make_lq2002.R "$lq"

lead="LEAD01,LEAD02,LEAD03,LEAD04,LEAD05,LEAD06,LEAD07,LEAD08,LEAD09,LEAD10,LEAD11"
hostil="HOSTIL01,HOSTIL02,HOSTIL03,HOSTIL04,HOSTIL05"

Rscript scale_reference.R "$lq/lq2002.csv" "$lead" - 1 5 COMPID lead "$lq/lead"
# HOSTIL items are scored 0..4 in lq2002; 02 and 04 reversed only to exercise reversing.
Rscript scale_reference.R "$lq/lq2002.csv" "$hostil" HOSTIL02,HOSTIL04 0 4 COMPID hostility "$lq/hostility"
Rscript scale_reference.R "$lq/lq2002_missing.csv" "$lead" - 1 5 COMPID lead "$lq/lead_missing"

# A one-item scale: multilevel::rwg (one item) rather than rwg.j.
Rscript rwg_one_item.R "$lq/lq2002.csv" LEAD05 1 5 COMPID "$lq/rwg_lead05.csv"

# The demo study (datasets/demo): `run` measures on the latest wave (2),
# so the reference reads wave 2's rows only. The combined scale efficacy
# is cohesion's and control's items together, coh4 and coh5 reversed.
demo="$here/demo"
mkdir -p "$demo"
wave2=$(mktemp --suffix=.csv)
Rscript -e 'd <- read.csv(commandArgs(TRUE)[1], colClasses = c(resp_id = "character", area_id = "character"), na.strings = c("", "NA"));
  write.csv(d[d$wave == 2, ], commandArgs(TRUE)[2], row.names = FALSE, na = "", quote = FALSE)' \
  "$here/../../../datasets/demo/survey.csv" "$wave2"
coh="coh1,coh2,coh3,coh4,coh5"; isc="isc1,isc2,isc3,isc4,isc5"
Rscript scale_reference.R "$wave2" "$coh" coh4,coh5 1 5 area_id cohesion "$demo/cohesion"
Rscript scale_reference.R "$wave2" "$isc" - 1 5 area_id control "$demo/control"
Rscript scale_reference.R "$wave2" "$coh,$isc" coh4,coh5 1 5 area_id efficacy "$demo/efficacy"
rm -f "$wave2"
for t in scales items; do
  head -n 1 "$demo/cohesion/$t.csv" > "$demo/$t.csv"
  for s in cohesion control efficacy; do tail -n +2 "$demo/$s/$t.csv" >> "$demo/$t.csv"; done
done

# Per-area agreement on the demo with `ecometer scale` over all rows of
# the survey (both waves; respondent ids are unique across waves).
Rscript scale_reference.R "$here/../../../datasets/demo/survey.csv" "$coh" coh4,coh5 1 5 area_id cohesion "$demo/all_waves" NA

# Independent re-derivation of every number from the documented formulas.
Rscript verify_formulas.R "$lq"

Rscript -e 'cat(R.version.string, "\n",
  "psych ", as.character(packageVersion("psych")), "\n",
  "multilevel ", as.character(packageVersion("multilevel")), "\n", sep = "")' \
  > "$here/VERSIONS.txt"
cat "$here/VERSIONS.txt"
