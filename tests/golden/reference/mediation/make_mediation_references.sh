#!/usr/bin/env bash
# multilevel::bh1996 (Bliese & Halverson 1996: 7,382 soldiers in 99 army
# companies; hours worked, leadership climate, well-being), the data of
# multilevel::sobel's own example: does leadership climate carry the
# effect of work hours on well-being?
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
Rscript -e 'suppressPackageStartupMessages(library(multilevel)); data(bh1996);
  write.csv(bh1996[c("GRP", "HRS", "LEAD", "WBEING")], "bh1996.csv", row.names = FALSE, quote = FALSE)'
Rscript mediation_reference.R bh1996.csv HRS LEAD WBEING bh1996_sobel.csv
Rscript -e 'cat(R.version.string, "\n", "multilevel ", as.character(packageVersion("multilevel")), "\n", sep = "")' > VERSIONS.txt
