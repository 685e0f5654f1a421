"""Relation rules: verb and noun frames from the lexicon, titles, appositives, events, locations.

The `kg_relations` component reads the typed mentions of `kg_entities`/`kg_coref` and leaves
`Claim`s on `doc._.kg_claims` and event nodes on `doc._.kg_events`. Frames are data
(`data/lexicon.yaml`); the rule modules only know how to find a frame's slots in a parse:
`arguments` (slots), `frame_rules`, `event_rules`, `title_rules` and `structural_rules`, all
sharing one `claims.RuleState` per document. Verbs the lexicon does not list are read with the
CAMEO verb dictionary (`cameo`; the `cameo_verbs` setting). This module runs them in order,
with the data tables `kg_entities` left on the Doc (`doc._.kg_knowledge`, see `kg.extract.knowledge`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import cameo
from kg.extract.claims import RuleState
from kg.extract.conflict_rules import agreement_parties, conflict_participants
from kg.extract.event_rules import event_mention, meeting_officials
from kg.extract.frame_rules import apply_cameo, apply_frame
from kg.extract.joint_rules import co_participants
from kg.extract.knowledge import using
from kg.extract.lexicon import event_nouns, frames
from kg.extract.place_rules import gazetteer_links, place_links
from kg.extract.structural_rules import located, structural
from kg.extract.title_rules import person_titles


@Language.factory("kg_relations", default_config={"cameo_verbs": True})
def make_relations(nlp: Language, name: str, cameo_verbs: bool) -> KGRelations:
    return KGRelations(nlp, name, cameo_verbs=cameo_verbs)


class KGRelations:
    """Dependency rules over one document; see the module docstring.

    `cameo_verbs` (true): read verbs the lexicon does not list with the CAMEO verb dictionary;
    false: the reviewed lexicon's frames alone make verb relations.
    """

    def __init__(self, nlp: Language, name: str = "kg_relations", *, cameo_verbs: bool = True) -> None:
        self.name = name
        self.cameo_verbs = cameo_verbs

    def __call__(self, doc: Doc) -> Doc:
        with using(doc._.kg_knowledge):
            state = RuleState(doc)
            run(state, cameo_verbs=self.cameo_verbs)
        doc._.kg_claims = state.claims
        doc._.kg_events = state.events
        return doc


def run(state: RuleState, *, cameo_verbs: bool = True) -> None:
    """Every rule over the document, in order: the order rules run in can change their output."""
    verb_frames, noun_frames = frames()
    for sent in state.doc.sents:
        for token in sent:
            if token.pos_ == "NOUN" and token.lemma_.lower() in event_nouns():
                event_mention(state, token, sent)
        for token in sent:
            lemma = token.lemma_.lower()
            if token.pos_ in ("VERB", "AUX") and lemma in verb_frames:
                for frame in verb_frames[lemma]:  # the reviewed lexicon first: it adds and vetoes
                    apply_frame(state, token, frame, sent, verb=True)
                vetoed = all(f.property is None for f in verb_frames[lemma])
                # a vetoed verb alone says nothing ("withdrew"), but a dictionary pattern may
                # ("withdrew its ambassador from Egypt": 161, reduce relations)
                if cameo_verbs and vetoed and (match := cameo.lookup(token)) is not None and match.pattern:
                    apply_cameo(state, token, match, sent)
            elif cameo_verbs and token.pos_ == "VERB" and (match := cameo.lookup(token)) is not None:
                apply_cameo(state, token, match, sent)
            elif token.pos_ in ("NOUN", "PROPN") and lemma in noun_frames:
                for frame in noun_frames[lemma]:
                    apply_frame(state, token, frame, sent, verb=False)
        person_titles(state, sent)
        located(state, sent)
        place_links(state, sent)
        conflict_participants(state, sent)
        agreement_parties(state, sent)
    structural(state)
    gazetteer_links(state)
    meeting_officials(state)
    co_participants(state)
