# Helpers shared by lmer_reference.R and ecometric_reference.R (sourced).
#
# CSV conventions: header row, no quotes, LF line ends, numbers written with
# sprintf("%.17g"), NA for missing, TRUE/FALSE for booleans.

suppressPackageStartupMessages(library(lme4))

fmt_num <- function(x) {
  out <- sprintf("%.17g", as.numeric(x))
  out[is.na(x)] <- "NA"
  out
}

# Format one column: numbers with %.17g, logicals as TRUE/FALSE, text as is.
fmt_col <- function(x) {
  if (is.logical(x)) {
    out <- ifelse(x, "TRUE", "FALSE")
    out[is.na(x)] <- "NA"
    out
  } else if (is.numeric(x)) {
    fmt_num(x)
  } else {
    x <- as.character(x)
    if (any(grepl("[,\"\n\r]", x), na.rm = TRUE)) stop("a text value would need quoting")
    x[is.na(x)] <- "NA"
    x
  }
}

write_csv_plain <- function(df, path) {
  cols <- lapply(df, fmt_col)
  lines <- c(paste(names(df), collapse = ","),
             if (nrow(df) > 0) do.call(paste, c(cols, sep = ",")))
  con <- file(path, open = "wb")  # "wb": LF line ends on every platform
  on.exit(close(con))
  writeLines(lines, con, sep = "\n")
}

# model_fit rows: value is a number or a TRUE/FALSE flag, so format each here.
fit_row <- function(model, statistic, value) {
  v <- if (is.logical(value)) fmt_col(value) else fmt_num(value)
  data.frame(model = model, statistic = statistic, value = v, stringsAsFactors = FALSE)
}

tight_control <- function() {
  lmerControl(optimizer = "bobyqa",
              optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
}

# A different algorithm for the cross-check: NLopt's Nelder-Mead (through
# lme4's nloptwrap) with tight tolerances. (lme4's own Nelder_Mead stops
# early on the HSB random-slope model even at XtolRel = 1e-12: its theta
# differs from bobyqa's by ~1e-6 and its deviance is 2.5e-8 worse.)
second_control <- function() {
  lmerControl(optimizer = "nloptwrap",
              optCtrl = list(algorithm = "NLOPT_LN_NELDERMEAD",
                             xtol_rel = 1e-14, xtol_abs = 1e-14,
                             ftol_rel = 1e-16, ftol_abs = 1e-16, maxeval = 1e5))
}

# Newton polish, used as an lme4 "optimizer" started at an optimum.
#
# lme4's profiled deviance is only accurate to a few 1e-10 absolute (about
# 1e-15 relative, from the sparse Cholesky), so any derivative-free optimiser
# -- bobyqa, Nelder-Mead -- can only locate theta to where the deviance's
# curvature rises above that noise: for an area variance with ~50 groups,
# about 1e-6 relative, the very tolerance of the check. This step fits a
# quadratic model to the deviance by central differences with steps of
# 1e-4 relative (where the curvature is ~1e6 times the noise) and takes the
# Newton step, up to 5 times. It only moves theta by less than 1e-3
# relative (else it stops and leaves theta as it was); components of theta
# on their bound (a singular fit) are left alone. The polished deviance is
# checked not to be worse than the start.
newton_polish <- function(par, fn, lower, upper, control = list()) {
  rel_h <- 1e-4
  f0 <- fn(par); nfev <- 1L
  sizes <- numeric(0); why <- "5 steps taken"
  for (iter in 1:5) {
    scl <- pmax(abs(par), 1e-2)
    h <- rel_h * scl
    act <- which(par - h > lower & par + h < upper)
    k <- length(act)
    if (k == 0) { why <- "all parameters on a bound"; break }
    fx <- function(d) { x <- par; x[act] <- x[act] + d; nfev <<- nfev + 1L; fn(x) }
    g <- numeric(k); H <- matrix(0, k, k)
    for (i in seq_len(k)) {
      e <- numeric(k); e[i] <- h[act[i]]
      fp <- fx(e); fm <- fx(-e)
      g[i] <- (fp - fm) / (2 * h[act[i]])
      H[i, i] <- (fp - 2 * f0 + fm) / h[act[i]]^2
    }
    if (k > 1) for (i in 1:(k - 1)) for (j in (i + 1):k) {
      ei <- numeric(k); ei[i] <- h[act[i]]
      ej <- numeric(k); ej[j] <- h[act[j]]
      H[i, j] <- H[j, i] <- (fx(ei + ej) - fx(ei - ej) - fx(-ei + ej) + fx(-ei - ej)) /
        (4 * h[act[i]] * h[act[j]])
    }
    if (!all(is.finite(c(g, H))) || inherits(try(chol(H), silent = TRUE), "try-error")) {
      why <- "Hessian not positive definite"; break
    }
    delta <- -solve(H, g)
    rel <- max(abs(delta) / scl[act])
    if (rel > 1e-3) { why <- sprintf("step of %.3g relative refused", rel); break }
    new <- par; new[act] <- new[act] + delta
    if (any(new < lower | new > upper)) { why <- "step would cross a bound"; break }
    f1 <- fn(new); nfev <- nfev + 1L
    if (f1 > f0 + 1e-12 * max(1, abs(f0))) { why <- "deviance rose"; break }
    par <- new; f0 <- f1; sizes <- c(sizes, rel)
    if (rel < 1e-10) { why <- "step below 1e-10"; break }
  }
  f0 <- fn(par)
  list(par = par, fval = f0, convergence = 0L, feval = nfev,
       message = sprintf("Newton polish: %d step(s) of relative size %s; stopped: %s",
                         length(sizes),
                         if (length(sizes)) paste(sprintf("%.2g", sizes), collapse = ", ") else "-",
                         why))
}

polish <- function(fit) {
  th <- getME(fit, "theta")
  suppressMessages(update(fit, start = list(theta = th),
                          control = lmerControl(optimizer = newton_polish)))
}

# Variance components as a named vector: each variance and covariance of
# VarCorr(fit) plus the residual variance; the scale used to make each
# difference relative (its own size for variances, sqrt(var_i var_j) for
# covariances) is attached.
var_components <- function(fit) {
  vc <- VarCorr(fit)
  val <- numeric(0); scl <- numeric(0)
  for (g in names(vc)) {
    m <- vc[[g]]
    nm <- colnames(m)
    for (i in seq_along(nm)) for (j in seq_len(i)) {
      val[paste0(g, ":", nm[i], if (i != j) paste0("~", nm[j]))] <- m[i, j]
      scl <- c(scl, if (i == j) abs(m[i, i]) else sqrt(m[i, i] * m[j, j]))
    }
  }
  val["sigma2"] <- sigma(fit)^2
  scl <- c(scl, sigma(fit)^2)
  attr(val, "scale") <- scl
  val
}

vc_rel_diff <- function(fit_a, fit_b) {
  a <- var_components(fit_a); b <- var_components(fit_b)
  den <- pmax(attr(a, "scale"), attr(b, "scale"), 1e-10 * unname(a["sigma2"]))
  rel <- abs(as.numeric(a) - as.numeric(b)) / den
  names(rel) <- names(a)
  rel
}

fe_rel_diff <- function(fit_a, fit_b)
  max(abs(fixef(fit_a) - fixef(fit_b)) / pmax(abs(fixef(fit_a)), 1e-10))

# The golden fit: bobyqa (rhoend 1e-12), then the Newton polish. Checked
# against the second optimiser, also polished: their variance components
# must agree to `tol` relative (stop otherwise). The unpolished
# discrepancies are printed too.
fit_checked <- function(fit_raw, label, tol = 1e-6) {
  report_optinfo(fit_raw, label)
  fit <- polish(fit_raw)
  cat(sprintf("[%s] %s\n", label, fit@optinfo$message))
  report_optinfo(fit, paste(label, "(golden, polished)"))
  raw2 <- suppressMessages(update(fit_raw, control = second_control()))
  report_optinfo(raw2, paste(label, "(second optimiser)"))
  fit2 <- polish(raw2)
  cat(sprintf("[%s] second optimiser: %s\n", label, fit2@optinfo$message))
  show <- function(what, a, b) {
    rel <- vc_rel_diff(a, b)
    cat(sprintf("[%s] %s: max rel diff of variance components %.3g (%s); of fixed effects %.3g; deviance difference %.3g\n",
                label, what, max(rel), names(rel)[which.max(rel)], fe_rel_diff(a, b),
                -2 * (as.numeric(logLik(a)) - as.numeric(logLik(b)))))
    max(rel)
  }
  show("bobyqa vs second optimiser, unpolished", fit_raw, raw2)
  m <- show("bobyqa vs second optimiser, both polished", fit, fit2)
  show("golden (polished bobyqa) vs unpolished bobyqa", fit, fit_raw)
  if (!is.finite(m) || m > tol)
    stop(sprintf("[%s] optimisers disagree: max relative difference %.3g > %g", label, m, tol))
  fit
}

# Report lme4's convergence messages/warnings, if any.
report_optinfo <- function(fit, label) {
  oi <- fit@optinfo
  msgs <- c(unlist(oi$conv$lme4$messages), unlist(oi$warnings))
  cat(sprintf("[%s] optimiser %s: %d function evaluations, code %s%s\n", label,
              if (is.function(oi$optimizer)) "Newton polish" else oi$optimizer, oi$feval, format(oi$conv$opt),
              if (length(msgs)) paste0("; messages: ", paste(msgs, collapse = " | ")) else "; no convergence messages"))
  cat(sprintf("[%s] isSingular: %s\n", label, isSingular(fit)))
}

coef_table <- function(fit, model) {
  est <- fixef(fit)
  se <- sqrt(diag(as.matrix(vcov(fit))))
  t <- est / se
  z <- qnorm(0.975)
  data.frame(model = model, term = names(est), estimate = unname(est),
             std_error = unname(se), statistic = unname(t),
             p_value = unname(2 * pnorm(-abs(t))),
             conf_low = unname(est - z * se), conf_high = unname(est + z * se),
             stringsAsFactors = FALSE)
}

# Grouping factors in formula order, with the terms of each.
formula_groups <- function(formula) {
  bars <- findbars(formula)
  lapply(bars, function(b) list(factor = deparse(b[[3]])))
}

model_fit_table <- function(fit, model, factors) {
  reml <- isREML(fit)
  vc <- VarCorr(fit)
  ng <- ngrps(fit)
  rows <- list(fit_row(model, "n_obs", nobs(fit)))
  one <- length(factors) == 1
  for (f in factors)
    rows[[length(rows) + 1]] <- fit_row(model, if (one) "n_groups" else paste0("n_groups_", f), ng[[f]])
  ll <- as.numeric(logLik(fit))
  rows <- c(rows, list(fit_row(model, "log_lik", ll),
                       fit_row(model, "aic", AIC(fit)),
                       fit_row(model, "bic", BIC(fit)),
                       if (reml) fit_row(model, "reml_criterion", -2 * ll)
                       else fit_row(model, "deviance", deviance(fit)),
                       fit_row(model, "sigma", sigma(fit)),
                       fit_row(model, "sigma2", sigma(fit)^2)))
  for (f in factors)
    rows[[length(rows) + 1]] <- fit_row(model, if (one) "tau00" else paste0("tau00_", f), vc[[f]][1, 1])
  for (f in factors) {
    m <- vc[[f]]
    if (ncol(m) == 2) {
      rows[[length(rows) + 1]] <- fit_row(model, "tau11", m[2, 2])
      rows[[length(rows) + 1]] <- fit_row(model, "rho01", attr(m, "correlation")[1, 2])
    } else if (ncol(m) > 2) stop("more than one random slope is not supported")
  }
  rows[[length(rows) + 1]] <- fit_row(model, "singular", isSingular(fit))
  do.call(rbind, rows)
}
