# Golden reference for `ecometer funnel` (METHODS §8), written from the
# formulas with R's own distribution functions (qpois/ppois, qbinom/pbinom,
# qchisq, qnorm), independently of ecometer's code.
# Usage: Rscript funnel_reference.R DATA.csv OUTDIR key=value...
#   keys: id, type (ratio|proportion|score), observed, expected,
#   denominator, value, se, od (none|multiplicative|additive), name,
#   better (high|low)
# Writes OUTDIR/funnel.csv, OUTDIR/overdispersion.csv, OUTDIR/spine.csv.
a <- commandArgs(trailingOnly = TRUE)
kv <- strsplit(a[-(1:2)], "=", fixed = TRUE)
o <- setNames(lapply(kv, `[`, 2), vapply(kv, `[`, "", 1))
get <- function(k, default = NULL) if (is.null(o[[k]])) default else o[[k]]
d <- read.csv(a[1], colClasses = setNames("character", o$id), check.names = FALSE,
              na.strings = c("", "NA"))
type <- o$type; od <- get("od", "none")
z975 <- qnorm(0.975); z999 <- qnorm(0.999)
P <- c(0.001, 0.025, 0.975, 0.999)   # lower998, lower95, upper95, upper998

# Exact limit (Spiegelhalter 2005): r_p = smallest r with F(r) >= p,
# alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)), limit = (r_p - alpha)/size.
exact <- function(size, p, q, pf) {
  r <- q(p); Fr <- pf(r); Fr1 <- pf(r - 1)
  pmax(0, (r - (Fr - p) / (Fr - Fr1)) / size)
}
byar <- function(O) {
  lo <- ifelse(O < 10, ifelse(O == 0, 0, qchisq(0.025, 2 * O) / 2),
               O * (1 - 1 / (9 * O) - z975 / (3 * sqrt(O)))^3)
  hi <- ifelse(O < 10, qchisq(0.975, 2 * O + 2) / 2,
               (O + 1) * (1 - 1 / (9 * (O + 1)) + z975 / (3 * sqrt(O + 1)))^3)
  cbind(lo, hi)
}
wilson <- function(O, n) {
  root <- z975 * sqrt(z975^2 + 4 * O * (1 - O / n))
  cbind((2 * O + z975^2 - root) / (2 * (n + z975^2)),
        (2 * O + z975^2 + root) / (2 * (n + z975^2)))
}

N <- nrow(d)
obs <- den <- expd <- rep(NA_real_, N)
if (type == "score") {
  v <- d[[o$value]]; s <- d[[o$se]]; used <- !is.na(v) & !is.na(s)
} else {
  obs <- d[[o$observed]]
  if (!is.null(o$expected)) expd <- d[[o$expected]] else den <- d[[o$denominator]]
  used <- !is.na(obs) & !is.na(if (!is.null(o$expected)) expd else den)
}
rate <- NA_real_
value <- cil <- cih <- z <- Y <- sY <- rep(NA_real_, N)
lim <- matrix(NA_real_, N, 4)
u <- which(used)
if (type == "ratio") {
  target <- 1
  if (is.null(o$expected)) {
    rate <- sum(obs[u]) / sum(den[u]); expd <- den * rate
  }
  E <- expd
  value <- obs / E
  ci <- byar(obs); cil <- ci[, 1] / E; cih <- ci[, 2] / E
  for (i in u) for (k in 1:4)
    lim[i, k] <- exact(E[i], P[k], function(p) qpois(p, E[i]), function(r) ppois(r, E[i]))
  Y <- sqrt(value); sY <- 1 / (2 * sqrt(E)); tY <- 1
  back <- function(y) pmax(0, y)^2
} else if (type == "proportion") {
  target <- sum(obs[u]) / sum(den[u]); expd <- den * target
  value <- obs / den
  ci <- wilson(obs, den); cil <- ci[, 1]; cih <- ci[, 2]
  for (i in u) for (k in 1:4)
    lim[i, k] <- exact(den[i], P[k], function(p) qbinom(p, den[i], target),
                       function(r) pbinom(r, den[i], target))
  Y <- asin(sqrt(value)); sY <- 1 / (2 * sqrt(den)); tY <- asin(sqrt(target))
  back <- function(y) sin(pmin(pmax(0, y), pi / 2))^2
} else {
  target <- mean(v[u]); value <- v
  cil <- v - z975 * s; cih <- v + z975 * s
  lim <- cbind(target - z999 * s, target - z975 * s, target + z975 * s, target + z999 * s)
  Y <- v; sY <- s; tY <- target
  back <- function(y) y
}
z <- (Y - tY) / sY
# Overdispersion (METHODS §8): winsorise z at its 10th and 90th
# percentiles (type 7), phi = mean of squares; tau^2 from phi.
zu <- z[u]; I <- length(u)
qz <- quantile(zu, c(0.1, 0.9), type = 7, names = FALSE)
phi <- mean(pmin(pmax(zu, qz[1]), qz[2])^2)
w <- 1 / sY[u]^2
tau2 <- if (I < 2) NA_real_ else max(0, (I * phi - (I - 1)) / (sum(w) - sum(w^2) / sum(w)))
adjusted <- od != "none" && phi > 1
if (adjusted) {
  sd <- if (od == "multiplicative") sqrt(phi) * sY else sqrt(sY^2 + tau2)
  lim <- cbind(back(tY - z999 * sd), back(tY - z975 * sd),
               back(tY + z975 * sd), back(tY + z999 * sd))
}
flag <- function(v, lo, hi) ifelse(v > hi, "high", ifelse(v < lo, "low", "within"))
f <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
name <- get("name", if (type == "score") o$value else o$observed)
lim[!used, ] <- NA
value[!used] <- cil[!used] <- cih[!used] <- z[!used] <- NA
# an area left out keeps the counts it has, and an expected count only
# when one was given
if (type == "proportion" || is.null(o$expected)) expd[!used] <- NA
out <- data.frame(indicator = name, area_id = d[[o$id]], type = type,
  observed = f(obs), denominator = f(den), expected = f(expd), value = f(value),
  target = f(target), ci_low = f(cil), ci_high = f(cih),
  lower95 = f(lim[, 2]), upper95 = f(lim[, 3]), lower998 = f(lim[, 1]),
  upper998 = f(lim[, 4]), z = f(z),
  flag95 = ifelse(used, flag(value, lim[, 2], lim[, 3]), "NA"),
  flag998 = ifelse(used, flag(value, lim[, 1], lim[, 4]), "NA"))
if (type == "score") out$observed <- out$denominator <- out$expected <- "NA"
dir.create(a[2], showWarnings = FALSE, recursive = TRUE)
write.csv(out, file.path(a[2], "funnel.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(indicator = name, type = type, areas = I, target = f(target),
                     rate = f(rate), phi = f(phi), tau2 = f(tau2), overdispersion = od,
                     adjusted = if (adjusted) "TRUE" else "FALSE"),
          file.path(a[2], "overdispersion.csv"), row.names = FALSE, quote = FALSE)
vu <- value[u]; hib <- get("better", "high") == "high"
write.csv(data.frame(indicator = name, type = type, areas = I,
                     worst = f(if (hib) min(vu) else max(vu)),
                     q25 = f(quantile(vu, 0.25, type = 7, names = FALSE)),
                     overall = f(target),
                     q75 = f(quantile(vu, 0.75, type = 7, names = FALSE)),
                     best = f(if (hib) max(vu) else min(vu))),
          file.path(a[2], "spine.csv"), row.names = FALSE, quote = FALSE)
