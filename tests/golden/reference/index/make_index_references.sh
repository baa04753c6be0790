#!/usr/bin/env bash
# Regenerates the index references: R's USArrests (McNeil 1977, shipped
# with R's datasets package: 50 US states, 1973 arrests per 100,000 for
# murder, assault and rape, and the urban share) and the demo's
# disadvantage index (SPEC §2's [index disadvantage]).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
Rscript -e 'd <- cbind(state = rownames(USArrests), USArrests); d$Assault[c(7, 31)] <- NA;
  write.csv(d, "usarrests.csv", row.names = FALSE, quote = FALSE, na = "NA")'
Rscript index_reference.R usarrests.csv state Murder,Assault,UrbanPop,Rape crime usarrests
Rscript index_reference.R ../../../../datasets/demo/areas.csv area_id \
    poverty,unemployment,public_assist,female_head,under18 disadvantage demo
Rscript -e 'cat(R.version.string, "\n")' > VERSIONS.txt
