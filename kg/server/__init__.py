"""Server: `kg serve`, a SPARQL endpoint run by the oxigraph executable."""
