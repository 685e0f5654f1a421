"""Resolve and map: per-document extractions merged into one corpus, then mapped to RDF."""
