"""Ingest: files, feeds and records read into Documents."""
