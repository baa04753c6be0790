#!/usr/bin/env bash
# Regenerate the R golden references for `ecometer fit` without random
# effects (METHODS.md §5–6). Needs Rscript with the CRAN packages sandwich,
# MASS and lmtest. Run from any folder; console output goes to
# make_regression_references.log as well.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
areas="$here/../../../../datasets/demo/areas.csv"

{
Rscript make_regression_data.R "$here"

ref() { Rscript regression_reference.R "$@"; }

# Petersen's simulated panel (sandwich::PetersenCL): every covariance type.
for se in classical hc0 hc1 hc3; do
  ref petersen.csv "y ~ x" gaussian "$se" "petersen_$se" "$here/petersen_$se"
done
ref petersen.csv "y ~ x" gaussian cluster:firm petersen_cluster "$here/petersen_cluster"

# MASS::quine: negative binomial and Poisson.
ref quine.csv "Days ~ Eth + Sex + Age + Lrn" negbin classical quine_nb "$here/quine_nb"
ref quine.csv "Days ~ Eth + Sex + Age + Lrn" poisson classical quine_poisson "$here/quine_poisson"

# MASS::Insurance: Poisson with an offset; a cluster-robust Poisson GLM.
ref insurance.csv "Claims ~ factor(District) + Group + Age + offset(log(Holders))" \
  poisson classical insurance_poisson "$here/insurance_poisson"
ref insurance.csv "Claims ~ Group + Age + offset(log(Holders))" \
  poisson cluster:District insurance_cluster "$here/insurance_cluster"

# The demo areas (datasets/demo/areas.csv).
ref "$areas" "violent_crimes ~ poverty + unemployment + immigrant + owner_occ + offset(log(population))" \
  negbin classical demo_nb "$here/demo_nb"
ref "$areas" "log(violent_crimes + 1) ~ poverty * immigrant + region" \
  gaussian hc3 demo_ols_hc3 "$here/demo_ols_hc3"

# Published values and independent re-derivations.
Rscript regression_checks.R "$here"
} 2>&1 | tee "$here/make_regression_references.log"

Rscript -e 'cat(R.version.string, "\n",
  "sandwich ", as.character(packageVersion("sandwich")), "\n",
  "MASS ", as.character(packageVersion("MASS")), "\n",
  "lmtest ", as.character(packageVersion("lmtest")), "\n", sep = "")' \
  > "$here/VERSIONS.txt"
cat "$here/VERSIONS.txt"
