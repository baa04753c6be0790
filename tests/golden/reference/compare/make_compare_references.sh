#!/usr/bin/env bash
# Regenerates the comparison references (METHODS §8-9): exports the real
# data sets (see README.md), then runs funnel_reference.R (METHODS §8 with
# qpois/ppois, qbinom/pbinom) and moran_reference.R (spdep::moran.test and
# moran.mc) on them and on the demo study.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
demo=../../../../datasets/demo
Rscript export_data.R
fr() { Rscript funnel_reference.R "$@"; }
fr nc_sids.csv sids_ratio id=id type=ratio observed=SID74 denominator=BIR74 better=low
fr nc_sids.csv sids79_expected id=id type=ratio observed=SID79 expected=E79 od=multiplicative name=sids79
fr nc_sids.csv sids_proportion id=id type=proportion observed=SID74 denominator=BIR74
fr nc_sids.csv nonwhite_additive id=id type=proportion observed=NWBIR74 denominator=BIR74 od=additive
fr nc_sids.csv nonwhite_multiplicative id=id type=proportion observed=NWBIR74 denominator=BIR74 od=multiplicative
fr nc_sids_missing.csv sids_missing id=id type=ratio observed=SID74 denominator=BIR74 od=additive
fr hsb_schools.csv hsb_multiplicative id=school type=score value=math se=se od=multiplicative
fr hsb_schools.csv hsb_additive id=school type=score value=math se=se od=additive
fr "$demo/areas.csv" demo_crimes id=area_id type=ratio observed=violent_crimes denominator=population od=multiplicative name=crimes better=low
mr() { Rscript moran_reference.R "$@"; }
mr columbus.csv columbus_edges.csv id CRIME,HOVAL,INC columbus_spatial.csv
mr columbus.csv columbus_knn4_edges.csv id CRIME,HOVAL columbus_knn4_spatial.csv
mr nc_sids.csv nc_sids_cc89_edges.csv id ft_sid74,SID74 nc_sids_cc89_spatial.csv
mr boston.csv boston_soi_edges.csv id CMEDV,CRIM,LSTAT boston_soi_spatial.csv
mr "$demo/areas.csv" "$demo/neighbours.csv" area_id poverty,owner_occ,violent_crimes demo_spatial.csv
Rscript -e 'cat(R.version.string, "\n", "spdep ", as.character(packageVersion("spdep")),
  "\n", "spData ", as.character(packageVersion("spData")), "\n", sep = "")' > VERSIONS.txt
