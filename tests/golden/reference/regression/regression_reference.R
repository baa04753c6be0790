# Golden reference for `ecometer fit` without random effects: ordinary
# least squares with classical or robust covariances, and Poisson and
# negative binomial (NB2) GLMs with a log link (METHODS.md §5–6).
#
# Usage:
#   Rscript regression_reference.R DATA.csv "FORMULA" FAMILY SE MODEL OUTDIR
#
#   FAMILY  gaussian | poisson | negbin
#   SE      classical | hc0 | hc1 | hc3 | cluster:COL
#   MODEL   name written in the `model` column
#   OUTDIR  output folder (coefficients.csv, model_fit.csv)
#
# Data: read.csv (text columns stay text). Every text column becomes a
# factor whose levels are sorted in byte order (sort(method = "radix"),
# i.e. LC_COLLATE=C, as ecometer sorts text levels), so the first level in
# byte order is the reference level whatever the locale.
#
# Fits:
#   gaussian  lm(FORMULA)
#   poisson   glm(FORMULA, family = poisson, control = glm.control(
#             epsilon = 1e-12, maxit = 100)), then the same call again with
#             start = the coefficients found. glm's fit keeps the working
#             weights of the start of its last IRLS step, i.e. of the
#             previous coefficients; glm stops on the deviance, which
#             moves with the square of the step, so those can be ~1e-6
#             off and vcov(fit) (and vcovHC/vcovCL, which use the same
#             weights) were 1.3e-7 relative off on MASS::Insurance (3e-6
#             with glm's default epsilon on quine). The second call starts
#             at the converged coefficients, so its weights are the final
#             μ's (SEs then agree with (X'WX)^-1 at the final μ to ~1e-14).
#   negbin    MASS::glm.nb(FORMULA, control = glm.control(epsilon = 1e-12,
#             maxit = 100)), method and starting values left at defaults
#
# Covariance:
#   classical    vcov(fit)
#   hc0/hc1/hc3  sandwich::vcovHC(fit, type = "HC0" / "HC1" / "HC3")
#   cluster:COL  lm:  sandwich::vcovCL(fit, cluster = ~COL, type = "HC1")
#                     (CR1: G/(G-1) (n-1)/(n-k) Σ u_g u_g')
#                glm: sandwich::vcovCL(fit, cluster = ~COL, type = "HC0",
#                     cadjust = TRUE) (G/(G-1) only; this is vcovCL's
#                     default for glm objects, METHODS §5)
#
# coefficients.csv: statistic = estimate / SE; gaussian: p-value and 95%
# interval from t(df.residual), glm: from the normal distribution (as
# lmtest::coeftest / coefci do; the script checks it agrees with them).
#
# model_fit.csv rows, in this order, those that apply: n_obs, df_residual,
# r_squared, adj_r_squared, f_statistic, sigma (gaussian; F is the
# classical F of summary.lm whatever SE), log_lik, aic, bic, deviance,
# null_deviance (GLMs), theta, theta_se (negbin: fit$theta, fit$SE.theta).
# aic/bic are AIC()/BIC(): for glm.nb these count θ, and the script checks
# AIC(fit) = fit$aic = -2 logLik + 2(k + 1).
#
# CSV conventions: header row, no quotes, LF, numbers sprintf("%.17g"),
# NA for missing, TRUE/FALSE for booleans.

suppressPackageStartupMessages({
  library(sandwich)
  library(MASS)
  library(lmtest)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 6) {
  stop("usage: Rscript regression_reference.R DATA.csv \"FORMULA\" FAMILY SE MODEL OUTDIR")
}
data_file <- args[1]
fml       <- as.formula(args[2], env = globalenv())
family    <- match.arg(args[3], c("gaussian", "poisson", "negbin"))
se_arg    <- args[4]
model     <- args[5]
outdir    <- args[6]

cluster_col <- NULL
if (startsWith(se_arg, "cluster:")) {
  cluster_col <- substring(se_arg, nchar("cluster:") + 1)
  se_type <- "cluster"
} else {
  se_type <- match.arg(se_arg, c("classical", "hc0", "hc1", "hc3"))
}

# ---- CSV writing --------------------------------------------------------

fmt_col <- function(x) {
  if (is.logical(x)) {
    out <- ifelse(x, "TRUE", "FALSE")
  } else if (is.numeric(x)) {
    out <- sprintf("%.17g", as.numeric(x))
  } else {
    out <- as.character(x)
    if (any(grepl("[,\"\n\r]", out), na.rm = TRUE)) stop("a text value would need quoting")
  }
  out[is.na(x)] <- "NA"
  out
}

write_csv_plain <- function(df, path) {
  cols <- lapply(df, fmt_col)
  lines <- c(paste(names(df), collapse = ","),
             if (nrow(df) > 0) do.call(paste, c(cols, sep = ",")))
  con <- file(path, open = "wb")  # LF line ends on every platform
  on.exit(close(con))
  writeLines(lines, con, sep = "\n")
}

# ---- data ---------------------------------------------------------------

d <- read.csv(data_file, check.names = FALSE)
for (v in names(d)) {
  if (is.character(d[[v]])) {
    d[[v]] <- factor(d[[v]], levels = sort(unique(d[[v]]), method = "radix"))
  }
}
if (!is.null(cluster_col) && !(cluster_col %in% names(d))) {
  stop("no column ", cluster_col, " in ", data_file)
}

# ---- fit ----------------------------------------------------------------

fit <- switch(family,
  gaussian = lm(fml, data = d),
  poisson  = {
    ctl <- glm.control(epsilon = 1e-12, maxit = 100)
    fit0 <- glm(fml, family = poisson, data = d, control = ctl)
    # One more IRLS pass from the converged coefficients, so that the
    # working weights (and vcov, estfun, bread) belong to the final μ.
    glm(fml, family = poisson, data = d, control = ctl, start = coef(fit0))
  },
  negbin   = glm.nb(fml, data = d,
                    control = glm.control(epsilon = 1e-12, maxit = 100)))

if (family != "gaussian" && !fit$converged) stop("[", model, "] the fit did not converge")
if (family == "negbin" && !is.null(fit$th.warn)) stop("[", model, "] glm.nb: ", fit$th.warn)
if (any(is.na(coef(fit)))) stop("[", model, "] rank-deficient design: ",
                                paste(names(coef(fit))[is.na(coef(fit))], collapse = ", "))

is_glm <- family != "gaussian"
n <- nobs(fit)
k <- length(coef(fit))

if (is_glm) {
  # vcov(fit) must be (X'WX)^-1 at the final μ, W = μ / (1 + μ/θ).
  th <- if (family == "negbin") fit$theta else Inf
  mu <- fitted(fit)
  Xw <- model.matrix(fit) * sqrt(mu / (1 + mu / th))
  Vx <- solve(crossprod(Xw))
  rel <- max(abs(sqrt(diag(vcov(fit)) / diag(Vx)) - 1))
  cat(sprintf("[%s] classical SEs vs (X'WX)^-1 at the final mu: max relative difference %.3g\n", model, rel))
  if (rel > 1e-10) stop("[", model, "] vcov(fit) is not at the final mu")
}

V <- switch(se_type,
  classical = vcov(fit),
  hc0 = vcovHC(fit, type = "HC0"),
  hc1 = vcovHC(fit, type = "HC1"),
  hc3 = vcovHC(fit, type = "HC3"),
  cluster = {
    cl <- as.formula(paste0("~`", cluster_col, "`"), env = globalenv())
    if (is_glm) vcovCL(fit, cluster = cl, type = "HC0", cadjust = TRUE)
    else        vcovCL(fit, cluster = cl, type = "HC1")
  })

if (se_type == "cluster") {
  # Cross-check against the formula of METHODS §5 written out here.
  g <- d[[cluster_col]][as.integer(rownames(model.frame(fit)))]
  G <- length(unique(g))
  X <- model.matrix(fit)
  if (is_glm) {
    # score contributions x_i (y_i - μ_i) w_i / (working weight) ... for a
    # log link: x_i (y_i - μ_i) / (1 + μ_i/θ) (θ = ∞ for Poisson)
    mu <- fitted(fit)
    y <- model.response(model.frame(fit))
    th <- if (family == "negbin") fit$theta else Inf
    sc <- X * ((y - mu) / (1 + mu / th))
    B <- summary(fit)$cov.unscaled
    adj <- G / (G - 1)
  } else {
    sc <- X * residuals(fit)
    B <- solve(crossprod(X))
    adj <- G / (G - 1) * (n - 1) / (n - k)
  }
  U <- rowsum(sc, g)
  V2 <- B %*% (adj * crossprod(U)) %*% B
  rel <- max(abs(V2 - V)) / max(abs(V))
  cat(sprintf("[%s] vcovCL vs the METHODS §5 formula: max relative difference %.3g (G = %d)\n",
              model, rel, G))
  if (rel > 1e-10) stop("[", model, "] vcovCL disagrees with METHODS §5")
  if (is_glm) {
    Vd <- vcovCL(fit, cluster = cl)                 # the default for glm objects
    Vh1 <- vcovCL(fit, cluster = cl, type = "HC1")  # adds (n-1)/(n-k)
    cat(sprintf("[%s] vcovCL default type vs HC0+cadjust: %.3g; type = \"HC1\" differs by factor %.17g ((n-1)/(n-k) = %.17g)\n",
                model, max(abs(Vd - V)) / max(abs(V)), Vh1[1, 1] / V[1, 1], (n - 1) / (n - k)))
    if (max(abs(Vd - V)) / max(abs(V)) > 1e-14) stop("vcovCL default differs from HC0 + cadjust")
  }
}

# ---- coefficients -------------------------------------------------------

est <- coef(fit)
se <- sqrt(diag(V))
stat <- est / se
if (is_glm) {
  p <- 2 * pnorm(-abs(stat))
  q <- qnorm(0.975)
} else {
  p <- 2 * pt(-abs(stat), df = fit$df.residual)
  q <- qt(0.975, df = fit$df.residual)
}
coefs <- data.frame(model = model, term = names(est), estimate = unname(est),
                    std_error = unname(se), statistic = unname(stat),
                    p_value = unname(p), conf_low = unname(est - q * se),
                    conf_high = unname(est + q * se))

# Agreement with lmtest (the same numbers by their own route).
ct <- coeftest(fit, vcov. = V)
ci <- coefci(fit, vcov. = V)
chk <- max(abs(ct[, 2] / se - 1), abs(ct[, 4] - p) / pmax(p, 1e-300),
           abs(ci[, 1] - coefs$conf_low) / se, abs(ci[, 2] - coefs$conf_high) / se)
if (chk > 1e-12) stop("[", model, "] disagrees with lmtest::coeftest/coefci: ", chk)

# ---- model fit ----------------------------------------------------------

rows <- list(list("n_obs", n), list("df_residual", fit$df.residual))
add <- function(name, value) rows[[length(rows) + 1]] <<- list(name, value)
if (!is_glm) {
  s <- summary(fit)
  add("r_squared", s$r.squared)
  add("adj_r_squared", s$adj.r.squared)
  if (!is.null(s$fstatistic)) add("f_statistic", s$fstatistic[["value"]])
  add("sigma", s$sigma)
}
ll <- logLik(fit)
add("log_lik", as.numeric(ll))
add("aic", AIC(fit))
add("bic", BIC(fit))
if (is_glm) {
  add("deviance", deviance(fit))
  add("null_deviance", fit$null.deviance)
}
if (family == "negbin") {
  if (abs(AIC(fit) - fit$aic) > 1e-9 * abs(fit$aic) ||
      abs(AIC(fit) - (-2 * as.numeric(ll) + 2 * (k + 1))) > 1e-9 * abs(fit$aic)) {
    stop("[", model, "] AIC(fit), fit$aic and -2 logLik + 2(k+1) disagree")
  }
  add("theta", fit$theta)
  add("theta_se", fit$SE.theta)
}
mf <- data.frame(model = model,
                 statistic = vapply(rows, function(r) as.character(r[[1]]), ""),
                 value = vapply(rows, function(r) as.numeric(r[[2]]), 0))

dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
write_csv_plain(coefs, file.path(outdir, "coefficients.csv"))
write_csv_plain(mf, file.path(outdir, "model_fit.csv"))
cat(sprintf("[%s] %s, se %s: n = %d, k = %d, written to %s\n", model, family, se_arg, n, k, outdir))
