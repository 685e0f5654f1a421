"""kg's components added to a pipeline (kg.extract.pipeline), on spaCy's blank English pipeline."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.pipeline import add_kg_components

SEEN: list[str] = []


@Language.component("kg_test_recorder")
def _recorder(doc: Doc) -> Doc:
    SEEN.append(doc.text)
    return doc


def test_extract_pipeline_ruler_patterns_are_only_tokenized() -> None:
    """The gazetteer's patterns match ORTH: building them runs the tokenizer alone, not the
    components before the ruler (with the model's tok2vec, tagger and parser, 3 of 4 s)."""
    SEEN.clear()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")  # the kg components read sentences
    nlp.add_pipe("kg_test_recorder")
    add_kg_components(nlp)
    assert SEEN == []
    assert len(nlp.get_pipe("kg_gazetteer").patterns) > 1000  # type: ignore[attr-defined]
    doc = nlp("Chile and Peru signed the pact in Lima.")
    assert [doc.text] == SEEN  # the component still runs on texts
    assert {"Chile", "Peru", "Lima"} <= {ent.text for ent in doc.ents}
