"""Core: the typed records the stages hand each other, the vocabulary, errors, the ontology files."""
