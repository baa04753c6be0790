#!/usr/bin/env bash
# Regenerate the R golden references for METHODS.md §7 (reciprocity.csv and
# members.csv). Needs Rscript with the CRAN packages igraph, sna, network and
# blockmodeling (Debian: r-cran-igraph r-cran-sna r-cran-network
# r-cran-blockmodeling). Runs from any folder, in about half a minute.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
root="$here/../../../.."
ref="Rscript $here/reciprocity_reference.R"

# The demo time bank, all of it and a window (inclusive dates).
$ref "$root/datasets/demo/exchanges.csv" "$here/demo"
$ref "$root/datasets/demo/exchanges.csv" "$here/demo_window" 2025-03-01 2025-05-31

# Hand-made edge cases (exchanges.csv is kept in the repository, not generated).
$ref "$here/edge_cases/exchanges.csv" "$here/edge_cases"
$ref "$here/edge_cases/exchanges.csv" "$here/edge_cases_window" 2025-02-01 2025-02-28

# Real directed networks from R packages (see README.md).
Rscript "$here/make_networks.R" "$here/networks"
for d in "$here"/networks/*/; do
  $ref "$d/exchanges.csv" "$d"
done

# Independent re-derivation (base R, no igraph) of every reference, and the
# networks' reference rows against igraph/sna on the original objects.
Rscript "$here/verify_reciprocity.R" "$here"

Rscript -e 'cat(R.version.string, "\n", sep = "");
  for (p in c("igraph", "sna", "network", "blockmodeling", "statnet.common"))
    cat(p, " ", as.character(packageVersion(p)), "\n", sep = "")' \
  > "$here/VERSIONS.txt"
cat "$here/VERSIONS.txt"
