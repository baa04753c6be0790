#!/bin/bash
# make bench: the national study of SPEC §5 made once with simulate and
# cached under bench/cache/ (git-ignored), then
#  1. the CSV reader's throughput on its survey (median of 5 loads) and on
#     the columns of its exchanges that run reads (median of 3), beside R's
#     data.table::fread on the same files and columns when Rscript and
#     data.table are installed, and their ratios;
#  2. `ecometer run` end to end with -j 1 and -j 2 (5 runs each, taking
#     turns; medians, and the median of the pairs' speedups):
#     wall seconds, peak RSS, and the stage timings from run.json;
#  3. the mixed models alone: the ecometric model on the national survey
#     and a two-level model on a million generated rows, at -j 1 and -j 2;
#  4. the reciprocity indices alone on the national exchanges (5 million);
#     and the regressions of the regression issue, as whole commands;
#  5. lme4 on the demo survey's ecometric model beside ecometer, when R
#     and lme4 are installed;
#  6. the comparison statistics on 35,672 areas generated in memory:
#     Moran's I with 999 permutations (a grid with rook neighbours), the
#     funnel limits, and rank intervals from 1,000 draws, at -j 1 and -j 2
#     (targets on 2 cores: 1 s, 0.2 s and 2 s).
# Figures come from this machine at this moment; report medians and ratios.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/bench/cache"
national="$cache/national"
mkdir -p "$cache"
if [ ! -s "$national/survey.csv" ]; then
    echo "making the national study (once): simulate --areas 35672 --respondents 30 --exchanges 140"
    "$bin" simulate -o "$national" --areas 35672 --respondents 30 --exchanges 140 --seed 1
fi
make --no-print-directory -C "$root" build/bench/csvread >/dev/null
survey="$national/survey.csv"
have_fread=0
if command -v Rscript >/dev/null && Rscript -e 'library(data.table)' >/dev/null 2>&1; then
    have_fread=1
fi
# csv_vs_fread TITLE FILE N SELECT COLUMNS...: ecometer's reader and fread
# (2 threads, only the columns in SELECT, comma-separated) on one file,
# median of N each
csv_vs_fread() {
    local title=$1 file=$2 n=$3 select=$4
    shift 4
    local mb secs mbs rps rows
    mb=$(du -m "$file" | cut -f1)
    echo
    echo "== CSV reader on the national $title ($(wc -l < "$file") lines, ${mb} MB; median of $n)"
    read -r secs mbs rps rows < <("$root/build/bench/csvread" "$file" "$n" "$@")
    printf '%-30s %8s s  %8s MB/s  %10s rows/s\n' "ecometer table_load (-j $(nproc))" "$secs" "$mbs" "$rps"
    if [ "$have_fread" = 1 ]; then
        fread=$(Rscript -e 'suppressMessages(library(data.table)); setDTthreads(2);
            a <- commandArgs(TRUE); f <- a[1]; s <- strsplit(a[3], ",")[[1]];
            t <- replicate(as.integer(a[2]), system.time(fread(f, select = s, na.strings = c("", "NA")))[["elapsed"]]);
            cat(median(t))' "$file" "$n" "$select")
        fmbs=$(awk -v m="$mb" -v t="$fread" 'BEGIN { printf "%.1f", m / t }')
        printf '%-30s %8s s  %8s MB/s\n' "data.table::fread (2 threads)" "$fread" "$fmbs"
        awk -v a="$secs" -v b="$fread" 'BEGIN { printf "ratio ecometer / fread time: %.2f\n", a / b }'
    else
        echo "data.table::fread: Rscript with data.table not installed; no comparison"
    fi
}
csv_vs_fread survey "$survey" 5 \
    resp_id,area_id,age,female,owner,years_resident,coh1,coh2,coh3,coh4,coh5,isc1,isc2,isc3,isc4,isc5 \
    resp_id area_id age female owner years_resident coh1 coh2 coh3 coh4 coh5 isc1 isc2 isc3 isc4 isc5
csv_vs_fread "exchanges (the columns run reads)" "$national/exchanges.csv" 3 \
    giver_id,receiver_id,hours,area_id,giver_role \
    giver_id receiver_id hours area_id:text giver_role:text

echo
echo "== ecometer run on the national study (5 runs at each thread count, interleaved; medians)"
study="$national/study.ini"
# stages STAGES.json: "name seconds" per stage of run.json, total last
stages() { sed -n '/"timings"/,/}/p' "$1" | grep -o '"[a-z]*": [0-9.e-]*' | tr -d '":,'; }
# This machine's speed drifts by a third within minutes, so -j 1 and -j 2
# take turns, and the speedup is also given as the median of each pair's.
runs=5
declare -A wall
rm -f "$cache"/runs-j*.txt.new
for i in $(seq $runs); do
    for j in 1 2; do
        out=$( { /usr/bin/time -f '%e %M' "$bin" run "$study" -o "$cache/out-j$j" -j "$j" --quiet; } 2>&1 | tail -1)
        cp "$cache/out-j$j/run.json" "$cache/run-j$j-$i.json"
        printf '%s %s\n' "$out" "$i" >> "$cache/runs-j$j.txt.new"
        wall[$j,$i]=${out%% *}
    done
done
for j in 1 2; do
    mv "$cache/runs-j$j.txt.new" "$cache/runs-j$j.txt"
    w=$(sort -n "$cache/runs-j$j.txt" | sed -n "$(( (runs + 1) / 2 ))p" | cut -d ' ' -f 1)
    peak=$(sort -k2,2n "$cache/runs-j$j.txt" | tail -1 | cut -d ' ' -f 2)
    # each stage's median over the runs, in run.json's order
    for i in $(seq $runs); do stages "$cache/run-j$j-$i.json"; done |
        awk -v n=$runs '{ if (!($1 in k)) order[++m] = $1; v[$1, ++k[$1]] = $2 }
            END { for (i = 1; i <= m; i++) { s = order[i]
                      for (a = 1; a <= n; a++) x[a] = v[s, a]
                      for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++)
                          if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
                      print s, x[int((n + 1) / 2)] } }' > "$cache/stages-j$j.txt"
    printf -- '-j %s: %s s wall (median; range %s to %s), peak RSS %s MB (the most of the runs)\n' "$j" "$w" \
        "$(sort -n "$cache/runs-j$j.txt" | head -1 | cut -d ' ' -f 1)" \
        "$(sort -n "$cache/runs-j$j.txt" | tail -1 | cut -d ' ' -f 1)" "$((peak / 1024))"
    eval "wall_j$j=$w"
done
awk -v a="$wall_j1" -v b="$wall_j2" 'BEGIN { printf "speedup -j 2 over -j 1, end to end: %.2f (ratio of the medians)\n", a / b }'
for i in $(seq $runs); do
    awk -v a="${wall[1,$i]}" -v b="${wall[2,$i]}" 'BEGIN { printf "%.3f\n", a / b }'
done | sort -n | awk '{ r[NR] = $1 } END { printf "speedup, median of the %d pairs: %.2f (range %.2f to %.2f)\n", NR, r[int((NR + 1) / 2)], r[1], r[NR] }'
echo "stages, each its median over the runs (s; share of the -j 2 total; speedup): exchanges runs beside scales and ecometric at -j 2, so shares add up to more than 100%"
paste -d ' ' "$cache/stages-j1.txt" <(cut -d ' ' -f 2 "$cache/stages-j2.txt") | \
    awk '{ name[NR] = $1; a[NR] = $2; b[NR] = $3; if ($1 == "total") t = $3 }
         END { for (i = 1; i <= NR; i++) if (name[i] != "total" && b[i] > 0)
                   printf "  %-10s -j 1 %7.3f  -j 2 %7.3f  %5.1f%%  %.2f\n", name[i], a[i], b[i], 100 * b[i] / t, a[i] / b[i]
               for (i = 1; i <= NR; i++) if (name[i] == "total")
                   printf "  %-10s -j 1 %7.3f  -j 2 %7.3f  100.0%%  %.2f\n", name[i], a[i], b[i], a[i] / b[i] }'

echo
echo "== mixed models, fitting only (median of 3; data already in memory)"
make --no-print-directory -C "$root" build/bench/modelbench >/dev/null
for j in 1 2; do
    out=$(OMP_NUM_THREADS=$j "$root/build/bench/modelbench" "$survey" 1000000 35672 3)
    eco=$(printf '%s\n' "$out" | awk '/^ecometric/ { printf "%s s (%d respondents, %d answers, %d areas)", $2, $3, $4, $5 }')
    two=$(printf '%s\n' "$out" | awk '/^twolevel/ { printf "%s s (%d rows, %d groups)", $2, $3, $4 }')
    ols=$(printf '%s\n' "$out" | awk '/^ols_cluster/ { printf "%s s", $2 }')
    peak=$(printf '%s\n' "$out" | awk '/^peak_mb/ { print $2 }')
    printf -- '-j %s: ecometric model %s; two-level y ~ x + (1|g) %s; OLS y ~ x with CR1 by group, same rows, %s; peak RSS %s MB\n' \
        "$j" "$eco" "$two" "$ols" "$peak"
done

echo
echo "== reciprocity: every index of METHODS §7 after loading (median of 3)"
make --no-print-directory -C "$root" build/bench/recipbench >/dev/null
for j in 1 2; do
    read -r secs n areas ids load peak < <(OMP_NUM_THREADS=$j "$root/build/bench/recipbench" "$national/exchanges.csv" 3)
    printf -- '-j %s: %s s for %s exchanges in %s areas (%s ids; loading took %s s); peak RSS %s MB\n' \
        "$j" "$secs" "$n" "$areas" "$ids" "$load" "$peak"
done

echo
echo "== regressions on the national study (whole commands, CSV reading included; median of 3)"
areas="$national/areas.csv"
median3() { # prints the median wall seconds of three runs of "$@"
    for i in 1 2 3; do
        /usr/bin/time -f '%e' -o "$cache/time.txt" "$@" >/dev/null 2>&1
        cat "$cache/time.txt"
    done | sort -n | sed -n 2p
}
for j in 1 2; do
    nb=$(median3 "$bin" fit "$areas" --formula "violent_crimes ~ poverty + unemployment + public_assist + female_head + immigrant + owner_occ + offset(log(population))" --family negbin --quiet -j "$j")
    med=$(median3 "$bin" mediate "$areas" --x poverty --m owner_occ --y violent_crimes --bootstrap 2000 -j "$j")
    ols=$(median3 "$bin" fit "$survey" --formula "coh1 ~ age + female + owner + years_resident" --se cluster:area_id --missing NA --quiet -j "$j")
    printf -- '-j %s: NB2, 6 predictors, 35,672 areas: %s s; mediation, 2,000 bootstrap replicates: %s s; OLS with CR1 by area on the survey (about a million rows): %s s\n' "$j" "$nb" "$med" "$ols"
done

demo="$root/datasets/demo/survey.csv"
if command -v Rscript >/dev/null && Rscript -e 'library(lme4)' >/dev/null 2>&1; then
    echo
    echo "== the ecometric model on the demo survey (both waves): lme4 against ecometer"
    read -r lsecs lrows < <(Rscript "$root/bench/lme4_time.R" "$demo" 1)
    esecs=$( { /usr/bin/time -f '%e' "$bin" ecometric "$demo" --items coh1,coh2,coh3,coh4,coh5,isc1,isc2,isc3,isc4,isc5 \
        --reverse coh4,coh5 --range 1,5 --group area_id --adjust age,female,owner,years_resident \
        --missing NA --table components >/dev/null; } 2>&1 | tail -1)
    printf 'lme4::lmer %s s, ecometer ecometric %s s (whole command, %s answers); ratio %s\n' \
        "$lsecs" "$esecs" "$lrows" "$(awk -v a="$lsecs" -v b="$esecs" 'BEGIN { printf "%.0f", a / b }')"
else
    echo "lme4: Rscript with lme4 not installed; no comparison"
fi

echo
echo "== comparing areas: Moran's I, funnel limits, rank intervals on 35,672 areas (median of 3; data in memory)"
make --no-print-directory -C "$root" build/bench/compbench >/dev/null
for j in 1 2; do
    out=$(OMP_NUM_THREADS=$j "$root/build/bench/compbench" 35672 999 1000 3)
    field() { printf '%s\n' "$out" | awk -v k="$1" '$1 == k { print $2 }'; }
    printf -- '-j %s: Moran 999 permutations %s s (target < 1); funnel limits %s s ratio, %s s proportion (target < 0.2); rank intervals, 1,000 draws %s s (target < 2); peak RSS %s MB\n' \
        "$j" "$(field moran)" "$(field funnel_ratio)" "$(field funnel_proportion)" "$(field ranks)" "$(field peak_mb)"
done
