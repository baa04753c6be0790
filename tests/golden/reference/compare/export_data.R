# Exports the real data sets of the comparison references as CSV files and
# edge lists (from, to: both directions as the nb objects hold them), and
# checks that the edge lists rebuild the packages' nb objects exactly.
suppressPackageStartupMessages({library(spdep); library(spData)})
f <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_nb <- function(nb, ids, file) {
  from <- rep(ids, card(nb))
  to <- ids[unlist(lapply(nb, function(j) j[j > 0]))]
  write.csv(data.frame(from = from, to = to), file, row.names = FALSE, quote = FALSE)
  e <- read.csv(file, colClasses = "character")
  back <- lapply(ids, function(id) {
    j <- sort(unique(match(e$to[e$from == id], ids)))
    if (length(j) == 0) 0L else as.integer(j)
  })
  stopifnot(all(mapply(function(x, y) identical(as.integer(x), as.integer(y)), back, nb)))
}
# Columbus, Ohio, 1980: 49 neighbourhoods (Anselin 1988), spdep's oldcol:
# COL.OLD (CRIME, HOVAL, INC) and COL.nb (contiguity).
data(oldcol, package = "spdep")
ids <- attr(COL.nb, "region.id")
write.csv(data.frame(id = ids, CRIME = f(COL.OLD$CRIME), HOVAL = f(COL.OLD$HOVAL),
                     INC = f(COL.OLD$INC)), "columbus.csv", row.names = FALSE, quote = FALSE)
write_nb(COL.nb, ids, "columbus_edges.csv")
# the same areas' 4 nearest neighbours (centroids X, Y): asymmetric
knn <- knn2nb(knearneigh(cbind(COL.OLD$X, COL.OLD$Y), k = 4), row.names = ids)
stopifnot(!is.symmetric.nb(knn, verbose = FALSE))
write_nb(knn, ids, "columbus_knn4_edges.csv")
# North Carolina SIDS, 100 counties (Cressie & Read 1985; Cressie & Chan
# 1989), spData's nc.sids: births and SIDS deaths 1974-78 and 1979-84;
# ncCC89.nb, counties within 30 miles, has 2 counties without neighbours.
data(nc.sids, package = "spData")
ids <- as.character(nc.sids$CNTY.ID)
stopifnot(identical(ids, as.character(attr(ncCC89.nb, "region.id"))))
ft <- sqrt(1000) * (sqrt(nc.sids$SID74 / nc.sids$BIR74) +
                    sqrt((nc.sids$SID74 + 1) / nc.sids$BIR74))
# the 1979-84 expected counts at the 1974-78 rate: a ratio with E given
e79 <- nc.sids$BIR79 * sum(nc.sids$SID74) / sum(nc.sids$BIR74)
write.csv(data.frame(id = ids, county = rownames(nc.sids), BIR74 = nc.sids$BIR74,
                     SID74 = nc.sids$SID74, NWBIR74 = nc.sids$NWBIR74,
                     BIR79 = nc.sids$BIR79, SID79 = nc.sids$SID79,
                     E79 = f(e79), ft_sid74 = f(ft)),
          "nc_sids.csv", row.names = FALSE, quote = FALSE)
write_nb(ncCC89.nb, ids, "nc_sids_cc89_edges.csv")
# Boston housing, 506 tracts (Harrison & Rubinfeld 1978, corrected by
# Gilley & Pace 1996), spData's boston.c and boston.soi (sphere of
# influence neighbours).
data(boston, package = "spData")
ids <- as.character(boston.c$TRACT)
write.csv(data.frame(id = ids, CMEDV = f(boston.c$CMEDV), CRIM = f(boston.c$CRIM),
                     LSTAT = f(boston.c$LSTAT)), "boston.csv", row.names = FALSE, quote = FALSE)
write_nb(boston.soi, ids, "boston_soi_edges.csv")
# High School and Beyond (../../../../../shared/data/hsb): each school's
# mean mathematics achievement and its SE (sd/sqrt(n)), a score funnel.
h <- read.csv("../../../../../shared/data/hsb/hsb.csv")
s <- do.call(rbind, lapply(split(h$mAch, h$school), function(x)
  data.frame(n = length(x), mean = mean(x), se = sd(x) / sqrt(length(x)))))
write.csv(data.frame(school = rownames(s), n = s$n, math = f(s$mean), se = f(s$se)),
          "hsb_schools.csv", row.names = FALSE, quote = FALSE)
# nc.sids again with three cells blanked, for areas left out
m <- read.csv("nc_sids.csv", colClasses = c(id = "character"))
m$SID74[c(5, 50)] <- NA
m$BIR74[77] <- NA
write.csv(m[c("id", "county", "BIR74", "SID74", "NWBIR74")], "nc_sids_missing.csv",
          row.names = FALSE, quote = FALSE, na = "")
