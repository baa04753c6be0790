# Independent re-derivation of the reciprocity references (base R only: no
# igraph, a different code path from reciprocity_reference.R), plus the
# network references against the igraph/sna values computed on the packages'
# original objects (networks/<name>/igraph.csv, igraph_areas.csv), plus a
# few values worked out by hand for edge_cases/.
#
# Usage: Rscript verify_reciprocity.R REFDIR   (the folder of this script)

args <- commandArgs(trailingOnly = TRUE)
refdir <- if (length(args)) args[1] else "."
root <- file.path(refdir, "..", "..", "..", "..")

rd <- function(p) read.csv(p, colClasses = "character", na.strings = "NA")
num <- function(x) as.numeric(x)
close_enough <- function(a, b, what) {
  a <- num(a); b <- num(b)
  ok <- (is.na(a) & is.na(b)) |
    (!is.na(a) & !is.na(b) & abs(a - b) <= 1e-12 * pmax(1, abs(b)))
  if (!all(ok)) stop(what, ": ", paste(which(!ok), collapse = " "),
                     " got ", paste(a[!ok], collapse = " "),
                     " want ", paste(b[!ok], collapse = " "))
}

# Weakly connected components by repeated label propagation.
wcc_sizes <- function(v, from, to) {
  if (!length(v)) return(integer(0))
  lab <- seq_along(v); names(lab) <- v
  f <- match(from, v); t <- match(to, v)
  repeat {
    old <- lab
    for (i in seq_along(f)) {
      m <- min(lab[f[i]], lab[t[i]]); lab[f[i]] <- m; lab[t[i]] <- m
    }
    if (identical(old, lab)) break
  }
  as.integer(table(lab))
}

derive <- function(d, label) {
  giv <- d$giver_id; rec <- d$receiver_id; h <- d$hours
  ids <- unique(c(giv, rec))
  prof <- character(0)
  for (i in seq_len(nrow(d))) if (d$giver_role[i] == "professional") prof <- union(prof, giv[i])
  mem <- ids[!(ids %in% prof)]
  n <- length(mem)
  given <- vapply(mem, function(m) sum(h[giv == m]), 0)
  gave <- vapply(mem, function(m) any(giv == m), TRUE)
  got <- vapply(mem, function(m) any(rec == m), TRUE)
  key <- unique(paste(giv, rec, sep = "\r"))
  rev <- unique(paste(rec, giv, sep = "\r"))
  recip <- sum(key %in% rev)
  pairs <- strsplit(key, "\r", fixed = TRUE)
  from <- vapply(pairs, `[`, "", 1); to <- vapply(pairs, `[`, "", 2)
  mm <- from %in% mem & to %in% mem
  mh <- sum(h[giv %in% mem]); ph <- sum(h[!(giv %in% mem)]); tot <- sum(h)
  gini <- if (n == 0 || mean(given) == 0) NA else {
    s <- 0
    for (a in given) for (b in given) s <- s + abs(a - b)
    s / (2 * n^2 * mean(given))
  }
  sh <- function(k) if (n == 0) NA else k / n
  list(area_id = label, members = n, professionals = length(prof),
       givers = sum(gave), receivers = sum(got), reciprocators = sum(gave & got),
       exchanges = nrow(d), hours = tot, member_hours = mh,
       professional_hours = ph, hours_per_member = sh(mh),
       share_givers = sh(sum(gave)), share_reciprocators = sh(sum(gave & got)),
       mutual_dyads = recip / 2,
       dyadic_reciprocity = if (length(key)) recip / length(key) else NA,
       gini_hours = gini,
       peer_hours_share = if (tot == 0) NA else
         sum(h[giv %in% mem & rec %in% mem]) / tot,
       catalyst_ratio = if (ph == 0) NA else mh / ph,
       largest_component_share = if (n == 0) NA else
         max(wcc_sizes(mem, from[mm], to[mm])) / n)
}

check_dir <- function(exch, outdir, from = NA, to = NA) {
  d <- read.csv(exch, colClasses = "character")
  d$hours <- as.numeric(d$hours)
  if (!is.na(from)) d <- d[d$date >= from & d$date <= to, ]
  d <- d[d$giver_id != d$receiver_id, ]
  got <- rd(file.path(outdir, "reciprocity.csv"))
  areas <- sort(unique(d$area_id), method = "radix")
  stopifnot(identical(got$area_id, c(areas, "(overall)")))
  want <- lapply(c(areas, "(overall)"), function(a)
    derive(if (a == "(overall)") d else d[d$area_id == a, ], a))
  for (col in names(want[[1]])[-1])
    close_enough(got[[col]], vapply(want, function(w) as.numeric(w[[col]]), 0),
                 paste(outdir, col))
  # members.csv: totals per (area, id) by a different route.
  mem <- rd(file.path(outdir, "members.csv"))
  key <- paste(mem$area_id, mem$member_id, sep = "\r")
  stopifnot(!anyDuplicated(key),
            identical(order(mem$area_id, mem$member_id, method = "radix"),
                      seq_len(nrow(mem))))
  gk <- paste(d$area_id, d$giver_id, sep = "\r")
  rk <- paste(d$area_id, d$receiver_id, sep = "\r")
  stopifnot(setequal(key, c(gk, rk)))
  gh <- rowsum(d$hours, gk); rh <- rowsum(d$hours, rk)
  look <- function(s, k) { x <- s[match(k, rownames(s)), 1]; x[is.na(x)] <- 0; x }
  close_enough(mem$given_hours, look(gh, key), paste(outdir, "given_hours"))
  close_enough(mem$received_hours, look(rh, key), paste(outdir, "received_hours"))
  close_enough(mem$given_count, as.numeric(table(factor(gk, levels = key))), "given_count")
  close_enough(mem$received_count, as.numeric(table(factor(rk, levels = key))), "received_count")
  close_enough(mem$balance, num(mem$given_hours) - num(mem$received_hours), "balance")
  pk <- unique(paste(d$area_id, d$giver_id, sep = "\r")[d$giver_role == "professional"])
  stopifnot(identical(mem$role, ifelse(key %in% pk, "professional", "member")))
  cat(sprintf("ok  %-40s %d areas, %d member rows\n",
              sub(".*/reference/", "", outdir), length(areas), nrow(mem)))
}

R <- normalizePath(refdir)
demo <- file.path(root, "datasets", "demo", "exchanges.csv")
check_dir(demo, file.path(R, "demo"))
check_dir(demo, file.path(R, "demo_window"), "2025-03-01", "2025-05-31")
ec <- file.path(R, "edge_cases", "exchanges.csv")
check_dir(ec, file.path(R, "edge_cases"))
check_dir(ec, file.path(R, "edge_cases_window"), "2025-02-01", "2025-02-28")

# Hand-worked values for edge_cases area E1 (see README.md).
e <- rd(file.path(R, "edge_cases", "reciprocity.csv"))
e1 <- e[e$area_id == "E1", ]
close_enough(c(e1$members, e1$professionals, e1$givers, e1$receivers,
               e1$reciprocators, e1$exchanges, e1$hours, e1$member_hours,
               e1$mutual_dyads, e1$dyadic_reciprocity, e1$gini_hours,
               e1$peer_hours_share, e1$catalyst_ratio, e1$largest_component_share),
             c(8, 1, 5, 5, 2, 10, 11, 8, 2, 4 / 9, 0.53125, 7.25 / 11, 8 / 3, 0.5),
             "edge_cases E1 by hand")
stopifnot(identical(e$area_id, c("E1", "E2", "E3", "e5", "(overall)")))

for (nd in list.dirs(file.path(R, "networks"), recursive = FALSE)) {
  check_dir(file.path(nd, "exchanges.csv"), nd)
  got <- rd(file.path(nd, "reciprocity.csv"))
  # exchanges: one per non-loop edge of each area's network (the pooled
  # graph of a several-area network has fewer distinct edges than rows).
  cmp <- function(row, s, what, exchanges = NULL) {
    v <- setNames(num(s$value), s$statistic)
    if (is.null(exchanges)) exchanges <- v[["edges"]]
    close_enough(c(row$dyadic_reciprocity, row$mutual_dyads,
                   row$largest_component_share, row$members,
                   row$professionals, row$exchanges),
                 c(v[["reciprocity"]], v[["mutual_dyads"]],
                   v[["largest_component_share_active"]], v[["active_vertices"]],
                   0, exchanges),
                 paste(what, "vs igraph on the original network"))
  }
  ia <- file.path(nd, "igraph_areas.csv")
  s <- if (file.exists(ia)) rd(ia) else NULL
  cmp(got[got$area_id == "(overall)", ], rd(file.path(nd, "igraph.csv")),
      paste(basename(nd), "(overall)"),
      if (is.null(s)) NULL else sum(num(s$value[s$statistic == "edges"])))
  if (!is.null(s)) {
    for (a in unique(s$area_id)) cmp(got[got$area_id == a, ], s[s$area_id == a, ],
                                     paste(basename(nd), a))
  } else {
    stopifnot(nrow(got) == 2)
    cmp(got[1, ], rd(file.path(nd, "igraph.csv")), basename(nd))
  }
}
cat("all reciprocity references verified\n")
