"""Store: the KGStore interface; Oxigraph on disk or in memory, or a SPARQL server."""
