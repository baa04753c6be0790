# R golden reference for METHODS.md §7 (reciprocity and co-production indices).
#
# Usage: Rscript reciprocity_reference.R EXCHANGES.csv OUTDIR [FROM TO]
#
# Reads exchanges.csv (SPEC.md §3: exchange_id, date, giver_id, receiver_id,
# giver_role, hours, category, area_id; ids read as text; any column order,
# extra columns ignored), optionally keeps only rows with FROM <= date <= TO
# (ISO dates, inclusive), drops self-exchanges (giver == receiver) and writes
# OUTDIR/reciprocity.csv and OUTDIR/members.csv (SPEC.md §4 columns).
#
# Definitions (per area, from that area's exchanges; "(overall)" = all
# exchanges pooled, ids compared across areas as they are):
#   professionals      ids that ever give with giver_role == "professional"
#   members            every other id seen as giver or receiver
#   givers/receivers   members who gave / received at least once
#   reciprocators      members who did both
#   exchanges, hours   rows, total hours
#   member_hours       hours given by member ids (all their rows)
#   professional_hours hours given by professional ids (all their rows, even
#                      a row where such an id gave with role "member")
#   hours_per_member = member_hours/members, share_givers = givers/members,
#   share_reciprocators = reciprocators/members          (NA if members = 0)
#   graph g            u -> v when u gave v at least once, all ids
#   dyadic_reciprocity igraph::reciprocity(g)                (NA: no edges)
#   mutual_dyads       igraph::dyad_census(g)$mut
#   gini_hours         sum_a sum_b |x_a - x_b| / (2 n^2 mean(x)), x = hours
#                      given by each member, zeros included (NA: n=0, mean=0)
#   peer_hours_share   hours given by members to members / hours (NA: 0 hours)
#   catalyst_ratio     member_hours / professional_hours (NA: 0 prof. hours)
#   largest_component_share
#                      largest weakly connected component of the member-to-
#                      member graph (every member a vertex) / members
#
# CSV: header, no quotes, LF, doubles sprintf("%.17g"), integers plainly, NA.
# Needs the CRAN package igraph.

suppressPackageStartupMessages(library(igraph))

fmt_num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
fmt_int <- function(x) ifelse(is.na(x), "NA", sprintf("%d", as.integer(x)))

write_table <- function(df, path) {
  con <- file(path, open = "wb")
  on.exit(close(con))
  writeLines(paste(names(df), collapse = ","), con, sep = "\n")
  if (nrow(df) > 0) {
    body <- do.call(paste, c(unname(as.list(df)), sep = ","))
    writeLines(body, con, sep = "\n")
  }
}

read_exchanges <- function(path) {
  d <- read.csv(path, colClasses = "character", na.strings = "",
                check.names = FALSE, encoding = "UTF-8")
  need <- c("exchange_id", "date", "giver_id", "receiver_id", "giver_role",
            "hours", "area_id")
  miss <- setdiff(need, names(d))
  if (length(miss)) stop("missing columns: ", paste(miss, collapse = ", "))
  for (v in need) if (anyNA(d[[v]])) stop("missing value in column ", v)
  h <- suppressWarnings(as.numeric(d$hours))
  if (anyNA(h)) stop("non-numeric hours")
  d$hours <- h
  bad <- setdiff(unique(d$giver_role), c("member", "professional"))
  if (length(bad)) stop("unknown giver_role: ", paste(bad, collapse = ", "))
  d
}

# Gini by the defining double sum, checked against the sorted-order formula
# G = 2 sum_i i x_(i) / (n sum x) - (n + 1)/n  (an independent derivation).
gini_hours <- function(x) {
  n <- length(x)
  if (n == 0) return(NA_real_)
  m <- mean(x)
  if (m == 0) return(NA_real_)
  g <- sum(abs(outer(x, x, "-"))) / (2 * n^2 * m)
  xs <- sort(x)
  g2 <- 2 * sum(seq_len(n) * xs) / (n * sum(xs)) - (n + 1) / n
  if (abs(g - g2) > 1e-12 * max(1, abs(g)))
    stop(sprintf("Gini formulas disagree: %.17g vs %.17g", g, g2))
  g
}

# One area's (or the pooled) exchanges -> list(row = one reciprocity row,
# members = per-id rows).
area_stats <- function(d, area_label) {
  ids <- sort(unique(c(d$giver_id, d$receiver_id)), method = "radix")
  prof <- sort(unique(d$giver_id[d$giver_role == "professional"]),
               method = "radix")
  mem <- setdiff(ids, prof)
  is_mem_giver <- d$giver_id %in% mem
  is_mem_recv <- d$receiver_id %in% mem

  givers <- unique(d$giver_id[is_mem_giver])
  receivers <- unique(d$receiver_id[is_mem_recv])
  n_mem <- length(mem)
  hours <- sum(d$hours)
  member_hours <- sum(d$hours[is_mem_giver])
  prof_hours <- sum(d$hours[!is_mem_giver])
  peer_hours <- sum(d$hours[is_mem_giver & is_mem_recv])

  # Directed simple graph over all ids.
  el <- unique(cbind(d$giver_id, d$receiver_id))
  g <- graph_from_data_frame(data.frame(from = el[, 1], to = el[, 2]),
                             directed = TRUE,
                             vertices = data.frame(name = ids))
  stopifnot(is_simple(g))
  rec <- if (ecount(g) == 0) NA_real_ else igraph::reciprocity(g)
  if (is.nan(rec)) rec <- NA_real_
  mut <- igraph::dyad_census(g)$mut

  # Member-to-member graph: every member a vertex.
  mm <- el[el[, 1] %in% mem & el[, 2] %in% mem, , drop = FALSE]
  gm <- graph_from_data_frame(data.frame(from = mm[, 1], to = mm[, 2]),
                              directed = TRUE,
                              vertices = data.frame(name = mem))
  lcs <- if (n_mem == 0) NA_real_ else
    max(igraph::components(gm, mode = "weak")$csize) / n_mem

  given_by <- tapply(d$hours, factor(d$giver_id, levels = ids), sum)
  given_by[is.na(given_by)] <- 0
  recv_by <- tapply(d$hours, factor(d$receiver_id, levels = ids), sum)
  recv_by[is.na(recv_by)] <- 0
  gcount <- tabulate(match(d$giver_id, ids), nbins = length(ids))
  rcount <- tabulate(match(d$receiver_id, ids), nbins = length(ids))

  x <- as.numeric(given_by[mem])
  share <- function(k) if (n_mem == 0) NA_real_ else k / n_mem

  row <- data.frame(
    area_id = area_label,
    members = fmt_int(n_mem),
    professionals = fmt_int(length(prof)),
    givers = fmt_int(length(givers)),
    receivers = fmt_int(length(receivers)),
    reciprocators = fmt_int(length(intersect(givers, receivers))),
    exchanges = fmt_int(nrow(d)),
    hours = fmt_num(hours),
    member_hours = fmt_num(member_hours),
    professional_hours = fmt_num(prof_hours),
    hours_per_member = fmt_num(share(member_hours)),
    share_givers = fmt_num(share(length(givers))),
    share_reciprocators = fmt_num(share(length(intersect(givers, receivers)))),
    mutual_dyads = fmt_int(mut),
    dyadic_reciprocity = fmt_num(rec),
    gini_hours = fmt_num(gini_hours(x)),
    peer_hours_share = fmt_num(if (hours == 0) NA_real_ else peer_hours / hours),
    catalyst_ratio = fmt_num(if (prof_hours == 0) NA_real_ else
      member_hours / prof_hours),
    largest_component_share = fmt_num(lcs),
    stringsAsFactors = FALSE)

  members <- data.frame(
    member_id = ids,
    area_id = rep(area_label, length(ids)),
    role = ifelse(ids %in% prof, "professional", "member"),
    given_hours = fmt_num(as.numeric(given_by)),
    received_hours = fmt_num(as.numeric(recv_by)),
    given_count = fmt_int(gcount),
    received_count = fmt_int(rcount),
    balance = fmt_num(as.numeric(given_by) - as.numeric(recv_by)),
    stringsAsFactors = FALSE)
  list(row = row, members = members)
}

reciprocity_reference <- function(d, outdir, from = NULL, to = NULL) {
  if (!is.null(from)) {
    dt <- as.Date(d$date, format = "%Y-%m-%d")
    if (anyNA(dt)) stop("unreadable date")
    d <- d[dt >= as.Date(from) & dt <= as.Date(to), , drop = FALSE]
  }
  self <- d$giver_id == d$receiver_id
  if (any(self)) message(sum(self), " self-exchange(s) dropped")
  d <- d[!self, , drop = FALSE]
  areas <- sort(unique(d$area_id), method = "radix")
  res <- lapply(areas, function(a) area_stats(d[d$area_id == a, , drop = FALSE], a))
  overall <- area_stats(d, "(overall)")
  rows <- do.call(rbind, c(lapply(res, `[[`, "row"), list(overall$row)))
  mem <- do.call(rbind, lapply(res, `[[`, "members"))
  if (is.null(mem)) mem <- overall$members[0, ]
  mem <- mem[order(mem$area_id, mem$member_id, method = "radix"), ]
  dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
  write_table(rows, file.path(outdir, "reciprocity.csv"))
  write_table(mem, file.path(outdir, "members.csv"))
  invisible(list(reciprocity = rows, members = mem))
}

if (!interactive() && sys.nframe() == 0L) {
  args <- commandArgs(trailingOnly = TRUE)
  if (!(length(args) %in% c(2, 4)))
    stop("usage: Rscript reciprocity_reference.R EXCHANGES.csv OUTDIR [FROM TO]")
  d <- read_exchanges(args[1])
  if (length(args) == 4) {
    reciprocity_reference(d, args[2], args[3], args[4])
  } else {
    reciprocity_reference(d, args[2])
  }
}
