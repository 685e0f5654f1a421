"""kg: a knowledge-graph builder for geopolitical relations.

import kg
kgraph = kg.build(["examples/"])
kgraph.query("SELECT ?label WHERE { ?c a kg:Country ; rdfs:label ?label }")
"""

from kg.core.errors import KGError
from kg.pipeline.knowledge_graph import KnowledgeGraph, build, load_graph_file, open_store
from kg.store.remote import connect

__all__ = ["KGError", "KnowledgeGraph", "build", "connect", "load_graph_file", "open_store"]
__version__ = "0.1.0"
