# Golden reference for ecometer's ecometric area scores (METHODS.md §4):
# items within respondents within areas.
#
# Usage:
#   Rscript ecometric_reference.R DATA.csv ITEMS REVERSE LOW HIGH RESPONDENT AREA ADJUST SCALE OUTDIR [MISSING] [WAVECOL WAVE]
#
#   ITEMS, REVERSE, ADJUST  comma-separated column names, "-" for none
#   LOW HIGH                response range (e.g. 1 5)
#   RESPONDENT, AREA        id columns (read as character)
#   SCALE                   scale name (the `scale` and `model` columns)
#   MISSING                 optional comma-separated missing codes besides
#                           empty cells ("-" for none)
#   WAVECOL WAVE            optional: keep only rows with WAVECOL == WAVE
#
# Steps, exactly:
#   1. reverse code: x' = LOW + HIGH - x;
#   2. drop respondents with a missing ADJUST covariate or a missing area id;
#   3. grand-mean-centre each ADJUST covariate over the remaining respondents
#      (each respondent once);
#   4. long data: one row per answered item (response, item as a factor with
#      levels in ITEMS order, respondent id, area id, centred covariates);
#   5. respondents with no answered item drop out;
#   6. lmer(response ~ item + <covariates> + (1|RESPONDENT) + (1|AREA),
#      REML = TRUE), bobyqa at rhoend = 1e-12, checked against NLopt's
#      Nelder-Mead (variance components to 1e-6 relative).
# Outputs (OUTDIR):
#   area_scores.csv  per area (C byte order of ids): n_respondents (in the
#     model); raw_mean (mean over those respondents of the prorated score:
#     mean of answered items if >= ceiling(p/2) of p answered, else not
#     counted; NA if none); score = intercept + mean over the p items of the
#     item effects (0 for the first) + the area's conditional mode; se = the
#     area's conditional SD; reliability = tau_area / (tau_area + (tau_resp +
#     sigma2 / nbar_k) / J_k), J_k = n_respondents, nbar_k = mean items
#     answered by them; rwg_j, rank, rank_low, rank_high = NA.
#   variance_components.csv  area (tau_area), person (tau_resp), item
#     (sigma2), share = variance / their sum.
#   coefficients.csv, model_fit.csv  as lmer_reference.R (model = SCALE).

args0 <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", args0, value = TRUE)[1])))
source(file.path(here, "lmm_common.R"))

args <- commandArgs(trailingOnly = TRUE)
usage <- "usage: Rscript ecometric_reference.R DATA.csv ITEMS REVERSE LOW HIGH RESPONDENT AREA ADJUST SCALE OUTDIR [MISSING] [WAVECOL WAVE]"
if (!(length(args) %in% c(10, 11, 13))) stop(usage)
split_list <- function(s) if (s == "-" || !nzchar(s)) character(0) else strsplit(s, ",", fixed = TRUE)[[1]]
data_file <- args[1]
items     <- split_list(args[2])
reverse   <- split_list(args[3])
low       <- as.numeric(args[4])
high      <- as.numeric(args[5])
resp_col  <- args[6]
area_col  <- args[7]
adjust    <- split_list(args[8])
scale     <- args[9]
outdir    <- args[10]
missing   <- if (length(args) >= 11) split_list(args[11]) else character(0)
wave_col  <- if (length(args) == 13) args[12] else NULL
wave      <- if (length(args) == 13) args[13] else NULL

p <- length(items)
stopifnot(p >= 2, !anyDuplicated(items), all(reverse %in% items), low < high,
          !(resp_col %in% c(items, adjust, "item", "response")),
          !(area_col %in% c(items, adjust, "item", "response")))

d <- read.csv(data_file,
              colClasses = setNames(c("character", "character"), c(resp_col, area_col)),
              na.strings = c("", missing), check.names = FALSE)
stopifnot(all(c(items, adjust, resp_col, area_col, wave_col) %in% names(d)))
if (!is.null(wave_col)) {
  w <- as.character(d[[wave_col]])
  d <- d[!is.na(w) & w == wave, , drop = FALSE]
}
if (anyNA(d[[resp_col]]) || anyDuplicated(d[[resp_col]])) stop("respondent ids must be present and unique")
n_read <- nrow(d)

# 1. reverse code
x <- as.data.frame(lapply(d[items], as.numeric), check.names = FALSE)
for (it in reverse) x[[it]] <- low + high - x[[it]]
if (any(x < low | x > high, na.rm = TRUE)) stop("responses outside LOW..HIGH")

# 2. drop respondents with a missing covariate or area id
cov <- as.data.frame(lapply(d[adjust], as.numeric), check.names = FALSE)
keep <- !is.na(d[[area_col]])
if (length(adjust)) keep <- keep & stats::complete.cases(cov)
d <- d[keep, , drop = FALSE]; x <- x[keep, , drop = FALSE]; cov <- cov[keep, , drop = FALSE]

# 3. grand-mean centring over these respondents
cov_means <- vapply(cov, mean, 0)
for (q in adjust) cov[[q]] <- cov[[q]] - cov_means[[q]]

# 4. long data (5. respondents with no answered item contribute no rows)
answered <- rowSums(!is.na(x))
long <- do.call(rbind, lapply(seq_len(p), function(i) {
  ok <- !is.na(x[[i]])
  data.frame(row = which(ok), item = i, response = x[[i]][ok])
}))
long <- long[order(long$row, long$item), ]
ld <- data.frame(response = long$response,
                 item = factor(items[long$item], levels = items),
                 stringsAsFactors = FALSE)
ld[[resp_col]] <- d[[resp_col]][long$row]
ld[[area_col]] <- d[[area_col]][long$row]
for (q in adjust) ld[[q]] <- cov[[q]][long$row]

in_model <- answered > 0
cat(sprintf("[%s] %d respondents read, %d after dropping missing area/covariates, %d with an answered item; %d answers; covariate means: %s\n",
            scale, n_read, nrow(d), sum(in_model), nrow(ld),
            if (length(adjust)) paste(sprintf("%s = %.17g", adjust, cov_means), collapse = ", ") else "none"))

# 6. the model
form <- as.formula(paste("response ~ item",
                         if (length(adjust)) paste("+", paste(adjust, collapse = " + ")) else "",
                         "+ (1|", resp_col, ") + (1|", area_col, ")"))
fit <- lmer(form, data = ld, REML = TRUE, control = tight_control())
fit <- fit_checked(fit, scale)

vc <- VarCorr(fit)
tau_area <- vc[[area_col]][1, 1]
tau_resp <- vc[[resp_col]][1, 1]
s2 <- sigma(fit)^2

fe <- fixef(fit)
item_eff <- c(0, unname(fe[paste0("item", items[-1])]))
stopifnot(!anyNA(item_eff))
base <- unname(fe["(Intercept)"]) + mean(item_eff)

re <- ranef(fit, condVar = TRUE)[[area_col]]
pv <- attr(re, "postVar")
ids <- sort(unique(d[[area_col]][in_model]), method = "radix")
stopifnot(setequal(ids, rownames(re)))
idx <- match(ids, rownames(re))

xm <- x[in_model, , drop = FALSE]
area_m <- d[[area_col]][in_model]
ans_m <- answered[in_model]
prorated <- ifelse(ans_m >= ceiling(p / 2), rowMeans(xm, na.rm = TRUE), NA_real_)

J <- as.numeric(table(area_m)[ids])
nbar <- as.numeric(tapply(ans_m, area_m, mean)[ids])
raw <- vapply(ids, function(a) {
  v <- prorated[area_m == a & !is.na(prorated)]
  if (length(v)) mean(v) else NA_real_
}, 0)

scores <- data.frame(area_id = ids, scale = scale, n_respondents = J,
                     raw_mean = unname(raw),
                     score = base + re[idx, "(Intercept)"],
                     se = sqrt(pv[1, 1, idx]),
                     reliability = tau_area / (tau_area + (tau_resp + s2 / nbar) / J),
                     rwg_j = NA_real_, rank = NA_real_, rank_low = NA_real_, rank_high = NA_real_,
                     stringsAsFactors = FALSE)

dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
write_csv_plain(scores, file.path(outdir, "area_scores.csv"))
v <- c(tau_area, tau_resp, s2)
write_csv_plain(data.frame(scale = scale, component = c("area", "person", "item"),
                           variance = v, share = v / sum(v)),
                file.path(outdir, "variance_components.csv"))
write_csv_plain(coef_table(fit, scale), file.path(outdir, "coefficients.csv"))
write_csv_plain(model_fit_table(fit, scale, c(resp_col, area_col)), file.path(outdir, "model_fit.csv"))

cat(sprintf("[%s] logLik %.10g; tau_area %.8g, tau_resp %.8g, sigma2 %.8g (shares %s); %d areas; mean reliability %.6g; score range %.6g..%.6g\n",
            scale, as.numeric(logLik(fit)), tau_area, tau_resp, s2,
            paste(sprintf("%.4f", v / sum(v)), collapse = "/"), length(ids),
            mean(scores$reliability), min(scores$score), max(scores$score)))
