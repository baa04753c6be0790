# Real directed networks shipped with R packages -> exchanges.csv (SPEC.md §3
# layout) plus the igraph statistics of each network computed directly from
# the package's object (independent of reciprocity_reference.R's formulas).
#
# Usage: Rscript make_networks.R OUTDIR      (writes OUTDIR/<name>/...)
#
# One exchange per directed edge: giver = tail (row), receiver = head
# (column), hours = 1 for a binary network or the edge value for a valued
# one (all values are positive), giver_role "member", date "2025-06-01",
# category "network", area_id = the network's name. Self-loops are kept
# as self-exchanges (the tool must drop them).
#
# <name>/igraph.csv (statistic,value) describes the graph that the
# "(overall)" row of reciprocity.csv is computed from (for a one-area
# network the same as its area row); for a network with several areas
# <name>/igraph_areas.csv (area_id,statistic,value) has each area's graph.
#
# Statistics: vertices (all vertices of the original network, isolates
# included), active_vertices (vertices with at least one edge to or from
# another vertex: these are the ids that appear in exchanges.csv once
# self-exchanges are dropped), edges (distinct non-loop edges), loops,
# reciprocity (igraph::reciprocity, defaults), mutual_dyads, asymmetric_dyads,
# null_dyads (igraph::dyad_census; null counts all vertices),
# largest_component_size, largest_component_share (igraph::components
# mode "weak", share of all vertices), largest_component_share_active
# (size / active_vertices: comparable with largest_component_share in
# reciprocity.csv since every id here is a member), and sna's own
# sna_grecip_edgewise (sna::grecip(measure = "edgewise")) and
# sna_mutual_dyads (sna::dyad.census) as a cross-check of igraph.

suppressPackageStartupMessages({
  library(igraph)
  library(sna)
  library(network)
  library(blockmodeling)
})

fmt <- function(x) {
  if (is.na(x)) return("NA")
  if (x == round(x) && abs(x) < 2^31) return(sprintf("%d", as.integer(x)))
  sprintf("%.17g", x)
}

write_lines <- function(lines, path) {
  con <- file(path, open = "wb")
  on.exit(close(con))
  writeLines(lines, con, sep = "\n")
}

# m: square numeric matrix (0 = no edge, > 0 = edge value), dimnames = ids.
matrix_edges <- function(m) {
  ids <- rownames(m)
  w <- which(m != 0, arr.ind = TRUE)
  w <- w[order(w[, 1], w[, 2]), , drop = FALSE]
  stopifnot(all(m[w] > 0))
  data.frame(giver = ids[w[, 1]], receiver = ids[w[, 2]], value = m[w],
             stringsAsFactors = FALSE)
}

exchanges_lines <- function(name, parts, valued) {
  rows <- character(0)
  k <- 0L
  for (area in names(parts)) {
    e <- parts[[area]]
    for (i in seq_len(nrow(e))) {
      k <- k + 1L
      rows <- c(rows, paste(sprintf("%s-%06d", name, k), "2025-06-01",
                            e$giver[i], e$receiver[i], "member",
                            if (valued) fmt(e$value[i]) else "1",
                            "network", area, sep = ","))
    }
  }
  c("exchange_id,date,giver_id,receiver_id,giver_role,hours,category,area_id",
    rows)
}

# Statistics of the graph given by a 0/1 (or valued) adjacency matrix with
# all of the network's vertices; loops kept (igraph ignores them by default).
graph_stats <- function(m) {
  a <- (m != 0) * 1
  g <- graph_from_adjacency_matrix(a, mode = "directed", diag = TRUE)
  loops <- sum(diag(a))
  a0 <- a; diag(a0) <- 0
  dc <- igraph::dyad_census(g)
  # The census must not depend on the loops.
  dc0 <- igraph::dyad_census(igraph::simplify(g))
  stopifnot(identical(unlist(dc), unlist(dc0)))
  rec <- igraph::reciprocity(g)
  stopifnot(isTRUE(all.equal(rec, igraph::reciprocity(igraph::simplify(g)), tolerance = 0)))
  comp <- igraph::components(g, mode = "weak")
  active <- sum(rowSums(a0) + colSums(a0) > 0)
  big <- max(comp$csize)
  sdc <- sna::dyad.census(a0)
  sg <- sna::grecip(a0, measure = "edgewise")
  # A component of the largest size made only of isolates cannot happen here
  # (every network has an edge); check that the largest one has edges.
  stopifnot(big > 1)
  c(vertices = vcount(g), active_vertices = active, edges = sum(a0),
    loops = loops, reciprocity = rec, mutual_dyads = dc$mut,
    asymmetric_dyads = dc$asym, null_dyads = dc$null,
    largest_component_size = big,
    largest_component_share = big / vcount(g),
    largest_component_share_active = big / active,
    sna_grecip_edgewise = unname(sg), sna_mutual_dyads = unname(sdc[1, "Mut"]))
}

stats_lines <- function(s)
  c("statistic,value", paste(names(s), vapply(s, fmt, ""), sep = ","))

# Union of several matrices over the union of their vertex names.
union_matrix <- function(ms) {
  ids <- sort(unique(unlist(lapply(ms, rownames))), method = "radix")
  u <- matrix(0, length(ids), length(ids), dimnames = list(ids, ids))
  for (m in ms) u[rownames(m), colnames(m)] <- pmax(u[rownames(m), colnames(m)],
                                                    (m != 0) * 1)
  u
}

write_network <- function(outdir, name, mats, valued) {
  dir <- file.path(outdir, name)
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  parts <- lapply(mats, matrix_edges)
  write_lines(exchanges_lines(name, parts, valued), file.path(dir, "exchanges.csv"))
  pooled <- if (length(mats) == 1) mats[[1]] else union_matrix(mats)
  s <- graph_stats(pooled)
  stopifnot(abs(s[["reciprocity"]] - s[["sna_grecip_edgewise"]]) < 1e-15,
            s[["mutual_dyads"]] == s[["sna_mutual_dyads"]])
  write_lines(stats_lines(s), file.path(dir, "igraph.csv"))
  if (length(mats) > 1) {
    lines <- "area_id,statistic,value"
    for (a in names(mats)) {
      sa <- graph_stats(mats[[a]])
      stopifnot(abs(sa[["reciprocity"]] - sa[["sna_grecip_edgewise"]]) < 1e-15,
                sa[["mutual_dyads"]] == sa[["sna_mutual_dyads"]])
      lines <- c(lines, paste(a, names(sa), vapply(sa, fmt, ""), sep = ","))
    }
    write_lines(lines, file.path(dir, "igraph_areas.csv"))
  }
  cat(sprintf("%-16s areas %d, edges %d (incl. loops), reciprocity %.6f\n",
              name, length(mats), sum(vapply(parts, nrow, 0L)),
              s[["reciprocity"]]))
}

outdir <- commandArgs(trailingOnly = TRUE)[1]
if (is.na(outdir)) stop("usage: Rscript make_networks.R OUTDIR")

# 1. sna::coleman - Coleman (1964) high school friendship, 73 boys, fall
#    1957 and spring 1958; binary. Two areas, ids "1".."73" shared.
data(coleman, package = "sna")
col <- list(coleman_fall = coleman["Fall", , ], coleman_spring = coleman["Spring", , ])
write_network(outdir, "coleman", col, valued = FALSE)

# 2. network::emon - Drabek et al. (1981) emergent multi-organizational
#    networks, 7 search-and-rescue responses; valued by Frequency (1-4,
#    1 = most frequent) used as hours. One area per response; organisation
#    names as ids (some, e.g. Red.Cross and Salvation.Army, recur across
#    responses and are pooled in the "(overall)" row).
data(emon, package = "network")
em <- lapply(emon, function(x) {
  m <- as.matrix.network.adjacency(x, attrname = "Frequency")
  nm <- network.vertex.names(x)
  stopifnot(!anyDuplicated(nm), !any(grepl("[,\"\r\n]", nm)))
  dimnames(m) <- list(nm, nm)
  m
})
names(em) <- names(emon)
write_network(outdir, "emon", em, valued = TRUE)

# 3. blockmodeling::baker - Baker (1992) citations between 20 social work
#    journals, 1985-86; valued (counts), self-citations on the diagonal.
data(baker, package = "blockmodeling")
bk <- as.matrix(baker)
storage.mode(bk) <- "double"
write_network(outdir, "baker", list(baker = bk), valued = TRUE)

# 4. blockmodeling::notesBorrowing - Hlebec (1996) notes borrowing among 13
#    students; valued (0-19). Ids "1".."13" (row numbers).
data(notesBorrowing, package = "blockmodeling")
nb <- as.matrix(notesBorrowing)
dimnames(nb) <- list(as.character(seq_len(nrow(nb))), as.character(seq_len(nrow(nb))))
write_network(outdir, "notes_borrowing", list(notes_borrowing = nb), valued = TRUE)
