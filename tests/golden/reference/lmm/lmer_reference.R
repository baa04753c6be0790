# Golden reference for ecometer's linear mixed models (METHODS.md §3).
#
# Usage:
#   Rscript lmer_reference.R DATA.csv "FORMULA" REML|ML MODEL OUTDIR
#
# Fits lmer(FORMULA, REML = ...) with bobyqa at rhoend = 1e-12, checks that
# NLopt's Nelder-Mead (nloptwrap, tight tolerances) agrees on the variance components
# to 1e-6 relative (stops otherwise), and writes OUTDIR/coefficients.csv,
# OUTDIR/model_fit.csv and OUTDIR/groups.csv (SPEC.md §4 columns):
#   coefficients: t = estimate / SE; p and 95% interval from the normal
#                 distribution (p = 2 pnorm(-|t|), estimate -/+ qnorm(.975) SE)
#   model_fit:    n_obs, n_groups[_<factor>], log_lik (the REML log-likelihood
#                 for REML fits), aic, bic, reml_criterion (REML, = -2 log_lik)
#                 or deviance (ML), sigma, sigma2, tau00[_<factor>], tau11 and
#                 rho01 (random slope), singular (isSingular)
#   groups:       per grouping factor (formula order), term (intercept first),
#                 group (C byte order): n rows, conditional mode, conditional SD
#                 (sqrt of the diagonal of ranef(condVar = TRUE)'s postVar),
#                 reliability tau00 / (tau00 + sigma2 / n) (intercepts; NA for
#                 slopes)

args0 <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", args0, value = TRUE)[1])))
source(file.path(here, "lmm_common.R"))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 5) stop('usage: Rscript lmer_reference.R DATA.csv "FORMULA" REML|ML MODEL OUTDIR')
data_file <- args[1]
form      <- as.formula(args[2])
method    <- toupper(args[3])
model     <- args[4]
outdir    <- args[5]
stopifnot(method %in% c("REML", "ML"))

factors <- vapply(findbars(form), function(b) deparse(b[[3]]), "")
stopifnot(length(factors) >= 1, !anyDuplicated(factors))
if (length(factors) > 2) stop("at most two grouping factors")

d <- read.csv(data_file, colClasses = setNames(rep("character", length(factors)), factors),
              check.names = FALSE)

fit <- lmer(form, data = d, REML = (method == "REML"), control = tight_control())
fit <- fit_checked(fit, model)

dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

write_csv_plain(coef_table(fit, model), file.path(outdir, "coefficients.csv"))
write_csv_plain(model_fit_table(fit, model, factors), file.path(outdir, "model_fit.csv"))

# groups.csv
vc <- VarCorr(fit)
s2 <- sigma(fit)^2
re <- ranef(fit, condVar = TRUE)
mf <- model.frame(fit)
rows <- list()
for (f in factors) {
  r <- re[[f]]
  pv <- attr(r, "postVar")
  ids <- rownames(r)
  ord <- order(ids, method = "radix")
  counts <- table(as.character(mf[[f]]))
  tau00 <- vc[[f]][1, 1]
  for (k in seq_along(colnames(r))) {
    term <- colnames(r)[k]
    n <- as.numeric(counts[ids[ord]])
    rows[[length(rows) + 1]] <- data.frame(
      model = model, factor = f, term = term, group = ids[ord], n = n,
      mode = r[ord, k], cond_sd = sqrt(pv[k, k, ord]),
      reliability = if (term == "(Intercept)") tau00 / (tau00 + s2 / n) else NA_real_,
      stringsAsFactors = FALSE)
  }
}
groups <- do.call(rbind, rows)
write_csv_plain(groups, file.path(outdir, "groups.csv"))

cat(sprintf("[%s] %s fit of %s: logLik %.10g; fixed effects: %s; variance components: %s\n",
            model, method, deparse(form), as.numeric(logLik(fit)),
            paste(sprintf("%s = %.8g (SE %.6g)", names(fixef(fit)), fixef(fit),
                          sqrt(diag(as.matrix(vcov(fit))))), collapse = ", "),
            paste(sprintf("%s = %.8g", names(var_components(fit)), var_components(fit)), collapse = ", ")))
