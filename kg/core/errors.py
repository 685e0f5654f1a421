"""One exception hierarchy for the whole library; the CLI turns these into messages and exit codes."""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """An input file or document cannot be read: missing, empty, binary, bad encoding, malformed."""

    exit_code = 2


class ModelError(KGError):
    """No usable spaCy pipeline could be loaded."""

    exit_code = 3


class ExtractionError(KGError):
    """Extraction failed on a document that could be read."""


class OntologyError(KGError):
    """The ontology, shapes or a vocabulary term is missing or inconsistent."""


class StoreError(KGError):
    """The graph store cannot be opened, read or written."""


class QueryError(KGError):
    """A SPARQL query is malformed, unknown, or its parameters do not fit."""


class ValidationError(KGError):
    """A graph violates the SHACL shapes."""

    exit_code = 4
