# Writes the data sets of the regression references into OUTDIR:
#   petersen.csv   sandwich::PetersenCL (firm, year, x, y)
#   quine.csv      MASS::quine (Eth, Sex, Age, Lrn as text, Days)
#   insurance.csv  MASS::Insurance (District as integer, Group and Age as
#                  the text of their (ordered) factor levels, Holders, Claims)
# CSV conventions: header, no quotes, LF, numbers sprintf("%.17g").
#
# Usage: Rscript make_regression_data.R OUTDIR

suppressPackageStartupMessages({
  library(sandwich)
  library(MASS)
})

outdir <- commandArgs(trailingOnly = TRUE)[1]
stopifnot(!is.na(outdir))

write_csv_plain <- function(df, path) {
  cols <- lapply(df, function(x) {
    if (is.numeric(x)) {
      out <- sprintf("%.17g", as.numeric(x))
    } else {
      out <- as.character(x)
      stopifnot(!any(grepl("[,\"\n\r]", out), na.rm = TRUE))
    }
    out[is.na(x)] <- "NA"
    out
  })
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
  con <- file(path, open = "wb")
  on.exit(close(con))
  writeLines(lines, con, sep = "\n")
}

data("PetersenCL", package = "sandwich")
pet <- PetersenCL[, c("firm", "year", "x", "y")]
stopifnot(nrow(pet) == 5000, length(unique(pet$firm)) == 500)
write_csv_plain(pet, file.path(outdir, "petersen.csv"))

q <- MASS::quine
qd <- data.frame(Eth = as.character(q$Eth), Sex = as.character(q$Sex),
                 Age = as.character(q$Age), Lrn = as.character(q$Lrn),
                 Days = q$Days)
stopifnot(nrow(qd) == 146)
write_csv_plain(qd, file.path(outdir, "quine.csv"))

ins <- MASS::Insurance
id <- data.frame(District = as.integer(as.character(ins$District)),
                 Group = as.character(ins$Group), Age = as.character(ins$Age),
                 Holders = ins$Holders, Claims = ins$Claims)
stopifnot(nrow(id) == 64, !anyNA(id$District))
write_csv_plain(id, file.path(outdir, "insurance.csv"))
