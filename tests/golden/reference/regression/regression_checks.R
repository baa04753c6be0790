# Checks of the regression references (run by make_regression_references.sh
# after they are written):
#   1. the published values quoted in METHODS.md §5–6;
#   2. every OLS covariance re-derived from the formulas of METHODS §5
#      (X'X by QR of our own, hat values from Q, no sandwich);
#   3. the Poisson fits re-derived by a Newton iteration of our own;
#   4. glm.nb's θ against theta.ml run to full precision at the final μ,
#      and SE(θ) at θ itself (see README.md: MASS's SE.theta is the
#      information one Newton step before θ).
# Stops on any failure.
#
# Usage: Rscript regression_checks.R DIR   (DIR holds the model folders)

suppressPackageStartupMessages(library(MASS))

dir <- commandArgs(trailingOnly = TRUE)[1]
stopifnot(!is.na(dir))
areas_file <- file.path(dir, "..", "..", "..", "..", "datasets", "demo", "areas.csv")

coefs <- function(m) read.csv(file.path(dir, m, "coefficients.csv"), check.names = FALSE)
fitv <- function(m) {
  f <- read.csv(file.path(dir, m, "model_fit.csv"))
  setNames(f$value, f$statistic)
}
text_levels <- function(d) {
  for (v in names(d)) if (is.character(d[[v]]))
    d[[v]] <- factor(d[[v]], levels = sort(unique(d[[v]]), method = "radix"))
  d
}
failures <- 0
check <- function(what, got, want, tol) {
  ok <- isTRUE(all(abs(got - want) <= tol))
  cat(sprintf("%-4s %s: got %s, want %s (tolerance %g)\n", if (ok) "ok" else "FAIL", what,
              paste(sprintf("%.10g", got), collapse = " "),
              paste(sprintf("%.10g", want), collapse = " "), tol))
  if (!ok) failures <<- failures + 1
}
relcheck <- function(what, got, want, tol) {
  r <- max(abs(got - want) / pmax(abs(want), 1e-300))
  ok <- is.finite(r) && r <= tol
  cat(sprintf("%-4s %s: max relative difference %.3g (tolerance %g)\n",
              if (ok) "ok" else "FAIL", what, r, tol))
  if (!ok) failures <<- failures + 1
}

# ---- 1. published values ------------------------------------------------

cat("== Published values (METHODS.md §5-6)\n")
pc <- coefs("petersen_cluster")
check("Petersen firm-clustered SEs (0.0670, 0.0506)", round(pc$std_error, 4), c(0.0670, 0.0506), 1e-12)
pk <- coefs("petersen_classical")
check("Petersen classical SEs (0.02836, 0.02858)", round(pk$std_error, 5), c(0.02836, 0.02858), 1e-12)

qn <- coefs("quine_nb"); qf <- fitv("quine_nb")
check("quine glm.nb theta 1.274893", round(qf[["theta"]], 6), 1.274893, 1e-12)
check("quine glm.nb SE(theta) 0.1610352", round(qf[["theta_se"]], 7), 0.1610352, 1e-12)
check("quine glm.nb 2 logLik -1093.151", round(2 * qf[["log_lik"]], 3), -1093.151, 1e-9)
# 2.89458002 is glm.nb at its default epsilon (1e-8); converged to 1e-12
# the intercept is 2.8945799902 (2.5e-11 from the joint MLE, section 4),
# 3.0e-8 below the published digits.
check("quine glm.nb intercept 2.89458002 (to 1e-7)", qn$estimate[1], 2.89458002, 1e-7)
qd0 <- MASS::quine
check("quine glm.nb at default control: intercept 2.89458002",
      round(coef(glm.nb(Days ~ Eth + Sex + Age + Lrn, data = qd0))[[1]], 8), 2.89458002, 1e-12)
check("quine glm.nb intercept SE 0.2284246", round(qn$std_error[1], 7), 0.2284246, 1e-12)
check("quine glm.nb aic = -2 logLik + 2(k+1)", qf[["aic"]], -2 * qf[["log_lik"]] + 2 * (nrow(qn) + 1), 1e-9)

inf <- fitv("insurance_poisson")
check("Insurance Poisson deviance 51.42003", round(inf[["deviance"]], 5), 51.42003, 1e-9)
check("Insurance Poisson df 54", inf[["df_residual"]], 54, 0)

# Reference-level invariance of the Insurance deviance (METHODS: "whatever
# the reference levels"): R's own factor order gives the same deviance.
ins <- MASS::Insurance
ins$Group <- factor(ins$Group, ordered = FALSE); ins$Age <- factor(ins$Age, ordered = FALSE)
g <- glm(Claims ~ factor(District) + Group + Age + offset(log(Holders)), poisson, ins,
         control = glm.control(epsilon = 1e-12, maxit = 100))
relcheck("Insurance deviance with R's level order", inf[["deviance"]], deviance(g), 1e-10)

# ---- 2. OLS covariances from the METHODS §5 formulas --------------------

cat("== OLS covariances from the formulas (no sandwich)\n")
ols_se <- function(X, y, type, cluster = NULL) {
  qx <- qr(X); stopifnot(qx$rank == ncol(X))
  Q <- qr.Q(qx); R <- qr.R(qx); Ri <- backsolve(R, diag(ncol(X)))
  b <- drop(Ri %*% crossprod(Q, y))
  b[qx$pivot] <- b
  Bread <- Ri %*% t(Ri); Bread[qx$pivot, qx$pivot] <- Bread
  e <- drop(y - X %*% b); n <- nrow(X); k <- ncol(X); h <- rowSums(Q^2)
  M <- switch(type,
    classical = sum(e^2) / (n - k) * crossprod(X),
    hc0 = crossprod(X * e),
    hc1 = crossprod(X * e) * n / (n - k),
    hc3 = crossprod(X * (e / (1 - h))),
    cluster = {
      U <- rowsum(X * e, cluster); G <- nrow(U)
      G / (G - 1) * (n - 1) / (n - k) * crossprod(U)
    })
  list(b = b, se = sqrt(diag(Bread %*% M %*% Bread)))
}
pet <- read.csv(file.path(dir, "petersen.csv"))
Xp <- cbind(1, pet$x)
for (t in c("classical", "hc0", "hc1", "hc3", "cluster")) {
  r <- ols_se(Xp, pet$y, t, pet$firm)
  co <- coefs(paste0("petersen_", t))
  relcheck(sprintf("petersen_%s estimates", t), co$estimate, r$b, 1e-12)
  relcheck(sprintf("petersen_%s SEs", t), co$std_error, r$se, 1e-11)
}
ar <- text_levels(read.csv(areas_file))
Xa <- model.matrix(~ poverty * immigrant + region, ar)
r <- ols_se(Xa, log(ar$violent_crimes + 1), "hc3")
co <- coefs("demo_ols_hc3")
stopifnot(identical(co$term, colnames(Xa)))
relcheck("demo_ols_hc3 estimates", co$estimate, r$b, 1e-11)
relcheck("demo_ols_hc3 SEs", co$std_error, r$se, 1e-11)

# ---- 3. Poisson by Newton's method of our own ---------------------------

cat("== Poisson fits by an independent Newton iteration\n")
pois_newton <- function(X, y, off) {
  b <- c(log(mean(y / exp(off))), rep(0, ncol(X) - 1))
  for (it in 1:100) {
    mu <- exp(drop(X %*% b) + off)
    step <- solve(crossprod(X * sqrt(mu)), crossprod(X, y - mu))
    b <- b + drop(step)
    if (max(abs(step)) < 1e-14) break
  }
  mu <- exp(drop(X %*% b) + off)
  list(b = b, se = sqrt(diag(solve(crossprod(X * sqrt(mu))))), mu = mu,
       dev = 2 * sum(ifelse(y > 0, y * log(y / mu), 0) - (y - mu)))
}
insd <- text_levels(read.csv(file.path(dir, "insurance.csv")))
Xi <- model.matrix(~ factor(District) + Group + Age, insd)
r <- pois_newton(Xi, insd$Claims, log(insd$Holders))
co <- coefs("insurance_poisson")
stopifnot(identical(co$term, colnames(Xi)))
relcheck("insurance_poisson estimates", co$estimate, r$b, 1e-11)
relcheck("insurance_poisson SEs", co$std_error, r$se, 1e-10)
relcheck("insurance_poisson deviance", inf[["deviance"]], r$dev, 1e-11)

Xc <- model.matrix(~ Group + Age, insd)
r <- pois_newton(Xc, insd$Claims, log(insd$Holders))
U <- rowsum(Xc * (insd$Claims - r$mu), insd$District); G <- nrow(U)
B <- solve(crossprod(Xc * sqrt(r$mu)))
co <- coefs("insurance_cluster")
relcheck("insurance_cluster estimates", co$estimate, r$b, 1e-11)
relcheck("insurance_cluster SEs (G/(G-1) only)", co$std_error,
         sqrt(diag(B %*% (G / (G - 1) * crossprod(U)) %*% B)), 1e-10)

qd <- text_levels(read.csv(file.path(dir, "quine.csv")))
Xq <- model.matrix(~ Eth + Sex + Age + Lrn, qd)
r <- pois_newton(Xq, qd$Days, rep(0, nrow(qd)))
co <- coefs("quine_poisson")
relcheck("quine_poisson estimates", co$estimate, r$b, 1e-11)
relcheck("quine_poisson SEs", co$std_error, r$se, 1e-10)

# ---- 4. glm.nb's theta and SE(theta) ------------------------------------

cat("== glm.nb: theta at full precision, SE(theta) at theta\n")
# Log-likelihood score and observed information in θ with μ fixed, as in
# MASS::theta.ml.
nb_score <- function(th, mu, y) sum(digamma(th + y) - digamma(th) + log(th) + 1 -
                                    log(th + mu) - (y + th) / (mu + th))
nb_info <- function(th, mu, y) sum(-trigamma(th + y) + trigamma(th) - 1 / th +
                                   2 / (mu + th) - (y + th) / (mu + th)^2)
nb_joint <- function(X, y, off, th) {
  # Alternate IRLS at fixed θ (to machine precision) and Newton in θ.
  b <- c(log(mean(y / exp(off))), rep(0, ncol(X) - 1))
  for (outer in 1:200) {
    for (it in 1:200) {
      mu <- exp(drop(X %*% b) + off)
      w <- mu / (1 + mu / th)
      step <- drop(solve(crossprod(X * sqrt(w)), crossprod(X, (y - mu) / (1 + mu / th))))
      b <- b + step
      if (max(abs(step)) < 1e-15) break
    }
    mu <- exp(drop(X %*% b) + off)
    th_old <- th
    for (it in 1:100) {
      del <- nb_score(th, mu, y) / nb_info(th, mu, y)
      th <- th + del
      if (abs(del) < 1e-15 * th) break
    }
    if (abs(th / th_old - 1) < 1e-15) break
  }
  mu <- exp(drop(X %*% b) + off)
  list(b = b, theta = th, theta_se = 1 / sqrt(nb_info(th, mu, y)),
       se = sqrt(diag(solve(crossprod(X * sqrt(mu / (1 + mu / th)))))),
       loglik = sum(dnbinom(y, size = th, mu = mu, log = TRUE)))
}
nb_cases <- list(
  quine_nb = list(X = Xq, y = qd$Days, off = rep(0, nrow(qd))),
  demo_nb = list(X = model.matrix(~ poverty + unemployment + immigrant + owner_occ, ar),
                 y = ar$violent_crimes, off = log(ar$population)))
for (m in names(nb_cases)) {
  cs <- nb_cases[[m]]
  co <- coefs(m); f <- fitv(m)
  r <- nb_joint(cs$X, cs$y, cs$off, f[["theta"]])
  relcheck(sprintf("%s theta vs the joint MLE", m), f[["theta"]], r$theta, 1e-10)
  relcheck(sprintf("%s estimates vs the joint MLE", m), co$estimate, r$b, 1e-9)
  relcheck(sprintf("%s SEs vs the joint MLE", m), co$std_error, r$se, 1e-9)
  relcheck(sprintf("%s log_lik vs the joint MLE", m), f[["log_lik"]], r$loglik, 1e-12)
  cat(sprintf("     %s SE(theta): MASS %.17g; 1/sqrt(info) at theta %.17g (relative difference %.3g)\n",
              m, f[["theta_se"]], r$theta_se, f[["theta_se"]] / r$theta_se - 1))
  relcheck(sprintf("%s SE(theta) vs 1/sqrt(info) at theta (MASS's lag: loose)", m),
           f[["theta_se"]], r$theta_se, 1e-4)
}

if (failures > 0) stop(failures, " check(s) failed")
cat("all regression checks passed\n")
