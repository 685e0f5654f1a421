"""Co-participants: actors who take part in one event together are related to each other too.

"Japan and China held talks" gives each a `participatedIn` of the meeting (event rules) and
`meetsWith` between them; a joint exercise or an agreement between them gives `cooperatesWith`,
except a truce, which adversaries agree to.
Only events that happened (not planned ones) and only participants named in the same sentence.
"""

from __future__ import annotations

import itertools

from kg.extract.claims import ACTORS, RuleState
from kg.extract.lexicon import truce_nouns

#: Event class -> the relation its co-participants have with each other.
PAIRWISE = {"Meeting": "meetsWith", "MilitaryExercise": "cooperatesWith", "Agreement": "cooperatesWith"}


def co_participants(state: RuleState) -> None:
    events = {
        e.key: e
        for e in state.events
        if e.cls in PAIRWISE and e.status == "occurred" and e.noun not in truce_nouns()
    }
    together: dict[tuple[str, int], list[str]] = {}
    sentences: dict[tuple[str, int], object] = {}
    for claim in state.claims:
        event = events.get(claim.object)
        if event is None or claim.predicate not in ("participatedIn", "partyTo"):
            continue
        if claim.status not in (None, "occurred") or state.class_of(claim.subject) not in ACTORS:
            continue
        where = (event.key, claim.sentence.start)
        members = together.setdefault(where, [])
        if claim.subject not in members:
            members.append(claim.subject)
        sentences[where] = claim.sentence
    for (key, _), members in together.items():
        prop = PAIRWISE[events[key].cls]
        sent = sentences[(key, _)]
        for a, b in itertools.combinations(members, 2):
            state.add(a, prop, b, sent, f"co-participants:{events[key].cls}", 0.6)  # type: ignore[arg-type]
