"""Pipeline: the one build path (fresh, appended, streamed, in workers or on Dask), its records and
output files, and `KnowledgeGraph`."""
