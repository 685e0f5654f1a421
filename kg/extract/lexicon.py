"""The reviewed data files of extraction (titles, verb and noun frames, metonyms), loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from kg.core.errors import ExtractionError
from kg.extract.knowledge import active, cached


@cached
def load_data(name: str) -> dict[str, Any]:
    """A YAML file of the active Knowledge's data (by default `kg/extract/data/`), parsed once per
    Knowledge (its callers only read it: `frames`, `word_list` and the cues share one parse)."""
    try:
        data = yaml.safe_load(active().text(name))
    except (OSError, yaml.YAMLError) as e:
        raise ExtractionError(f"kg/extract/data/{name}: cannot load: {e}") from e
    if not isinstance(data, dict):
        raise ExtractionError(f"kg/extract/data/{name}: expected a mapping at the top level")
    return data


@dataclass(frozen=True)
class Titles:
    office: frozenset[str]
    leader: frozenset[str]
    office_terms: frozenset[str]
    honorifics: frozenset[str]
    government_heads: frozenset[str]
    media_heads: frozenset[str]
    international_heads: frozenset[str]
    collective_heads: frozenset[str]
    role_verbs: frozenset[str]
    common_body_heads: frozenset[str]
    royal_titles: frozenset[str]
    organization_heads: frozenset[str]

    def is_title(self, phrase: str) -> bool:
        return phrase in self.office or phrase in self.leader


@cached
def titles() -> Titles:
    data = load_data("titles.yaml")
    return Titles(
        office=frozenset(data["office_titles"]),
        leader=frozenset(data["leader_titles"]),
        office_terms=frozenset(data["office_terms"]),
        honorifics=frozenset(data["honorifics"]),
        government_heads=frozenset(data["government_heads"]),
        media_heads=frozenset(data["media_heads"]),
        international_heads=frozenset(data["international_heads"]),
        collective_heads=frozenset(data["collective_heads"]),
        role_verbs=frozenset(data["role_verbs"]),
        common_body_heads=frozenset(data["common_body_heads"]),
        royal_titles=frozenset(data["royal_titles"]),
        organization_heads=frozenset(data["organization_heads"]),
    )


@cached
def capitals() -> dict[str, str]:
    """Seat-of-government city name -> alpha-3 of the country it stands for."""
    return dict(load_data("metonyms.yaml")["capitals"])


@dataclass(frozen=True)
class Frame:
    """How a trigger word's arguments map onto a property (see data/lexicon.yaml)."""

    lemma: str
    property: str | None  # None: a recognised trigger that asserts no core relation
    family: str
    agent: tuple[str, ...]
    patient: tuple[str, ...]
    confidence: float
    symmetric: bool = False
    event: str | None = None  # for nouns that are events themselves: Meeting, MilitaryExercise, Agreement


@cached
def frames() -> tuple[dict[str, list[Frame]], dict[str, list[Frame]]]:
    """(verb frames, noun frames), each by trigger lemma."""
    return parse_frames(load_data("lexicon.yaml"))


def parse_frames(data: dict[str, Any]) -> tuple[dict[str, list[Frame]], dict[str, list[Frame]]]:
    """The frames of a lexicon's `verbs` and `nouns` sections (see `frames`)."""
    out: tuple[dict[str, list[Frame]], dict[str, list[Frame]]] = ({}, {})
    for part, index in (("verbs", out[0]), ("nouns", out[1])):
        defaults = data.get("defaults", {}).get(part, {})
        for family, entries in data[part].items():
            for entry in entries:
                agent = tuple(entry.get("agent", defaults.get("agent", ())))
                patient = tuple(entry.get("patient", defaults.get("patient", ())))
                for word in (*entry["lemmas"], *agent, *patient):
                    if not isinstance(word, str):  # YAML reads a bare on, off, no, yes as a boolean
                        raise ExtractionError(
                            f"kg/extract/data/lexicon.yaml: {part} {family}: {word!r} is not a word; quote it"
                        )
                for lemma in entry["lemmas"]:
                    frame = Frame(
                        lemma=lemma,
                        property=entry["property"],
                        family=family,
                        agent=agent,
                        patient=patient,
                        confidence=float(entry.get("confidence", defaults.get("confidence", 0.6))),
                        symmetric=bool(entry.get("symmetric", False)),
                        event=entry.get("event"),
                    )
                    index.setdefault(lemma, []).append(frame)
    return out


@cached
def word_list(key: str) -> frozenset[str]:
    """A list of words of `data/lexicon.yaml`, by its key ("light_verbs"), loaded once."""
    words = load_data("lexicon.yaml").get(key)
    if not isinstance(words, list):
        raise ExtractionError(f"kg/extract/data/lexicon.yaml: {key!r} must be a list of words")
    return frozenset(str(w) for w in words)


@cached
def event_nouns() -> dict[str, str]:
    """Noun lemma -> event class for nouns that name events and agreements ("meeting", "drill", "deal")."""
    data = load_data("lexicon.yaml")
    out: dict[str, str] = {}
    for cls, lemmas in data["events"].items():
        for lemma in lemmas:
            out[lemma] = cls
    return out


def non_participation_verbs() -> frozenset[str]:
    """Verbs whose subject does not take part in the event they govern ("halted drills")."""
    return word_list("non_participation_verbs")


def reciprocal_verbs() -> frozenset[str]:
    """Verbs that relate their conjoined subjects to each other ("Japan and China met")."""
    return word_list("reciprocal_verbs")


@cached
def cameo_lone_vetoes() -> frozenset[str]:
    """Verbs whose CAMEO code on its own (no pattern matched) kg does not use."""
    return frozenset(w for group in load_data("lexicon.yaml")["cameo_lone_vetoes"] for w in group)


def agreement_verbs() -> frozenset[str]:
    """Verbs whose subject is a party to the agreement they govern: "signed a deal", "agreed to a truce"."""
    return word_list("agreement_verbs")


def truce_nouns() -> frozenset[str]:
    """Agreements adversaries make, which say nothing of cooperation between them ("a truce")."""
    return word_list("truce_nouns")


def mutual_attack_verbs() -> frozenset[str]:
    """Verbs whose conjoined subjects attack each other: "A and B exchanged fire", "clashed"."""
    return word_list("mutual_attack_verbs")


def topic_verbs() -> frozenset[str]:
    """Reciprocal verbs whose object is what is talked about: "A and B discussed Iraq"."""
    return word_list("topic_verbs")


def light_verbs() -> frozenset[str]:
    """Verbs that lend their subject to an event noun: "conducted strikes", "held talks"."""
    return word_list("light_verbs")
