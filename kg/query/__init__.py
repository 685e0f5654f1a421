"""Query: SPARQL with bound parameters, result cells, CSV and JSON, ordering."""
