# Kunta-KG from R: a stored query and SPARQL as CSV with base R, SPARQL JSON with jsonlite.
#
#   Rscript examples/kuntakg.R                      # server at http://127.0.0.1:8000 (make run)
#   KUNTAKG_URL=http://127.0.0.1:8001 Rscript examples/kuntakg.R
#
# Needs R (Debian: r-base-core) and jsonlite (Debian: r-cran-jsonlite); `make r-deps` installs both.
# The test suite runs this script against a live server (tests/test_examples.py), so it does not rot.
# The vocabulary is explained at /guide (docs/guide.md).

base <- sub("/+$", "", Sys.getenv("KUNTAKG_URL", "http://127.0.0.1:8000"))

sparql_url <- function(query, format) {
  paste0(base, "/sparql?format=", format, "&query=", URLencode(query, reserved = TRUE))
}

# 1. A stored query as CSV (every query of /api/queries is also <name>.csv)
status <- read.csv(paste0(base, "/api/queries/status-distribution.csv"), stringsAsFactors = FALSE)
stopifnot(all(c("status", "assessments") %in% names(status)))
by_status <- aggregate(assessments ~ status, data = status, FUN = sum)
print(by_status[order(-by_status$assessments), ], row.names = FALSE)

# 2. SPARQL results as CSV with base R: towns, their codes and documents (worked question 1 of the guide)
towns_query <- '
PREFIX kk:   <https://w3id.org/kuntakg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code ?name (COUNT(DISTINCT ?doc) AS ?documents) WHERE {
  ?doc a kk:PlanDocument ; kk:municipality ?town .
  ?town kk:statisticalCode ?code ; skos:prefLabel ?name . FILTER(LANG(?name) = "fi")
} GROUP BY ?code ?name ORDER BY ?code'
towns <- read.csv(url(sparql_url(towns_query, "csv")), colClasses = c(code = "character"),
                  stringsAsFactors = FALSE, encoding = "UTF-8")
print(towns, row.names = FALSE)

# 3. SPARQL JSON with jsonlite: goals with a numeric target and their baseline year (guide question 5)
baseline_query <- '
PREFIX kk:   <https://w3id.org/kuntakg/ontology#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?target ?value ?baseline_year WHERE {
  ?target kk:targetValue ?value ; kk:baselinePeriod ?period .
  ?period time:hasBeginning/time:inXSDDate ?start .
  BIND(YEAR(?start) AS ?baseline_year)
} ORDER BY ?baseline_year ?target'
res <- jsonlite::fromJSON(sparql_url(baseline_query, "json"))
b <- res$results$bindings
targets <- data.frame(target = b$target$value, value = as.numeric(b$value$value),
                      baseline_year = as.integer(b$baseline_year$value))
print(targets, row.names = FALSE)

# lines the test reads back and compares with the graph
cat(sprintf("RESULT towns=%d documents=%d assessments=%d targets_with_baseline=%d\n",
            nrow(towns), sum(towns$documents), sum(status$assessments), nrow(targets)))
