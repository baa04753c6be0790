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

# Independent re-derivation of every number from the documented formulas.
Rscript verify_formulas.R "$lq"

Rscript -e 'cat(R.version.string, "\n",
  "psych ", as.character(packageVersion("psych")), "\n",
  "multilevel ", as.character(packageVersion("multilevel")), "\n", sep = "")' \
  > "$here/VERSIONS.txt"
cat "$here/VERSIONS.txt"
