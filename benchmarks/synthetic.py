"""Synthetic geopolitical graphs in the exact shape `kg build` writes, for the benchmarks.

One named graph per document, as `kg.resolve.mapping.to_dataset` makes them: the document node
(`kg:Document`, title, URL, issue date, content hash, `kg:evidence` links), every entity the
document mentions (class, label, aliases, ISO code and Wikidata link for countries, date and
status for events), the relations it asserts and one `kg:Evidence` node per relation (reified
subject/predicate/object, sentence, character offsets, decimal confidence, rule, event family,
role, date, `prov:wasDerivedFrom`). Entity IRIs follow `kg.resolve.mapping.mint_iri`
(`id:country/ABC`, `id:person/<slug>`), evidence IRIs are hashes, as kg mints them.

Relations respect the ontology's domains and ranges (people are officials of countries,
cities are located in countries, countries sign agreements...), and endpoints are drawn with a
skew so that, as in news, a few hubs have many relations. Some relations are reported by two
documents (two evidence nodes, the relation triple in both graphs). Everything is seeded.

    docs = documents(n_entities=1000, n_relations=4000)
    graph = union_graph(docs)            # an rdflib Graph, as `kg.resolve.mapping.union_graph` gives
    write_trig(docs, "graph.trig")       # what `kg build` loads into its store
    write_ntriples(docs, "graph.nt")     # the union graph
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.core.vocab import ID, KG, SYMMETRIC_PROPERTIES

WIKIDATA = "http://www.wikidata.org/entity/"
Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: share of the entities in each class, and the IRI segment kg mints for it
CLASS_SHARES: dict[str, tuple[float, str]] = {
    "Country": (0.20, "country"),
    "Person": (0.25, "person"),
    "Organization": (0.04, "organization"),
    "InternationalOrganization": (0.05, "international-organization"),
    "GovernmentBody": (0.05, "government-body"),
    "City": (0.12, "city"),
    "Region": (0.05, "region"),
    "Meeting": (0.10, "meeting"),
    "Agreement": (0.07, "agreement"),
    "MilitaryExercise": (0.04, "military-exercise"),
    "Election": (0.03, "election"),
}
_ACTORS = ("Country", "Person", "Organization", "InternationalOrganization", "GovernmentBody")
_ORGS = ("Organization", "InternationalOrganization", "GovernmentBody")
#: predicate -> (weight, subject classes, object classes, verb, PLOVER family, extraction rule)
RELATIONS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...], str, str | None, str]] = {
    "officialOf": (8, ("Person",), ("Country", *_ORGS), "is an official of", None, "title"),
    "leaderOf": (4, ("Person",), ("Country", *_ORGS), "leads", None, "title"),
    "cooperatesWith": (6, ("Country", *_ORGS), ("Country", *_ORGS), "works with", "COOPERATE", "verb-frame"),
    "alliedWith": (5, ("Country",), ("Country",), "is an ally of", "COOPERATE", "alliance-noun"),
    "memberOf": (5, ("Country",), ("InternationalOrganization",), "is a member of", None, "membership"),
    "partyTo": (6, ("Country", *_ORGS), ("Agreement",), "signed", "COOPERATE", "agreement-party"),
    "participatedIn": (
        10,
        _ACTORS,
        ("Meeting", "MilitaryExercise", "Election"),
        "took part in",
        "CONSULT",
        "meeting-participants",
    ),
    "hosts": (4, ("Country", "City"), ("Meeting", "MilitaryExercise"), "hosted", "CONSULT", "verb-frame"),
    "locatedIn": (
        8,
        ("City", "Region", "Meeting"),
        ("Country", "City", "Region"),
        "is in",
        None,
        "gazetteer",
    ),
    "meetsWith": (8, ("Person", "Country"), ("Person", "Country"), "met", "CONSULT", "verb-frame"),
    "visits": (5, ("Person",), ("Country", "City"), "visited", "CONSULT", "verb-frame"),
    "threatens": (5, ("Country", "Person"), ("Country",), "threatened", "THREATEN", "verb-frame"),
    "opposes": (4, _ACTORS, ("Country", "Agreement", *_ORGS), "opposed", "DISAPPROVE", "verb-frame"),
    "attacks": (3, ("Country",), ("Country", "City"), "attacked", "ASSAULT", "verb-frame"),
    "sanctions": (5, ("Country", "InternationalOrganization"), _ACTORS, "sanctioned", "COERCE", "verb-frame"),
    "supports": (6, _ACTORS, ("Country", "Agreement", *_ORGS), "backed", "SUPPORT", "verb-frame"),
    "partOf": (3, ("GovernmentBody",), ("Country",), "is part of", None, "gazetteer"),
}
_SYLLABLES = (
    *("ka", "ri", "to", "na", "mo", "la", "se", "vi", "ran", "dor", "el", "as", "ur", "ban", "ko", "sta"),
    *("mir", "ne", "ta", "vo", "li", "gar", "on", "ex", "pa", "zu", "hal", "bel", "tor", "ven", "ca", "du"),
    *("ma", "sol", "qui", "nor"),
)
_START = date(2023, 1, 1)


@dataclass(frozen=True)
class Entity:
    iri: URIRef
    cls: str
    label: str
    alt_labels: tuple[str, ...] = ()
    iso3: str | None = None
    wikidata: str | None = None
    day: date | None = None  # events only
    status: str | None = None


@dataclass
class Document:
    iri: URIRef
    number: int
    entities: set[int] = field(default_factory=set)  # indices into the entity list
    relations: list[tuple[int, str, int, float]] = field(
        default_factory=list
    )  # (s, predicate, o, confidence)


@dataclass(frozen=True)
class Synthetic:
    entities: tuple[Entity, ...]
    documents: tuple[Document, ...]
    n_relations: int  # distinct relations (edges of the view: symmetric ones counted once)

    def graph_triples(self, doc: Document) -> Iterator[Triple]:
        """The triples of one document's named graph."""
        day = _START + timedelta(days=doc.number % 700)
        yield (doc.iri, RDF.type, KG.Document)
        title = f"Synthetic report {doc.number}"
        yield (doc.iri, RDFS.label, Literal(title))
        yield (doc.iri, KG.contentHash, Literal(_hash(title, 64)))
        yield (doc.iri, DCTERMS.title, Literal(title))
        yield (doc.iri, DCTERMS.source, URIRef(f"https://example.org/news/{doc.number}"))
        yield (doc.iri, DCTERMS.issued, Literal(day.isoformat(), datatype=XSD.date))
        for index in sorted(doc.entities):
            yield from _entity_triples(self.entities[index])
        start = 0
        for s_index, predicate, o_index, confidence in doc.relations:
            s, o, p = self.entities[s_index], self.entities[o_index], KG[predicate]
            _, _, _, verb, family, rule = RELATIONS[predicate]
            sentence = f"{s.label} {verb} {o.label}."
            key = "|".join((str(s.iri), predicate, str(o.iri), str(doc.iri), str(start), rule))
            ev = URIRef(f"{ID}evidence/{_hash(key, 16)}")
            yield (s.iri, p, o.iri)
            yield (ev, RDF.type, KG.Evidence)
            yield (ev, RDF.subject, s.iri)
            yield (ev, RDF.predicate, p)
            yield (ev, RDF.object, o.iri)
            yield (ev, KG.sentence, Literal(sentence))
            yield (ev, KG.charStart, Literal(start))
            yield (ev, KG.charEnd, Literal(start + len(sentence)))
            yield (ev, KG.confidence, Literal(Decimal(str(confidence))))
            yield (ev, KG.rule, Literal(rule))
            yield (ev, PROV.wasDerivedFrom, doc.iri)
            yield (doc.iri, KG.evidence, ev)
            if family is not None:
                yield (ev, KG.eventFamily, Literal(family))
            if predicate in ("officialOf", "leaderOf"):
                yield (ev, KG.role, Literal("minister" if predicate == "officialOf" else "leader"))
            if family is not None and (doc.number + start) % 3 == 0:
                when = day - timedelta(days=start % 5)
                yield (ev, KG.date, Literal(when.isoformat(), datatype=XSD.date))
            start += len(sentence) + 1

    def quads(self) -> Iterator[tuple[URIRef, URIRef, URIRef | Literal, URIRef]]:
        for doc in self.documents:
            for s, p, o in self.graph_triples(doc):
                yield (s, p, o, doc.iri)


def _hash(text: str, length: int) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:length]


def _entity_triples(entity: Entity) -> Iterator[Triple]:
    yield (entity.iri, RDF.type, KG[entity.cls])
    yield (entity.iri, RDFS.label, Literal(entity.label))
    for alt in entity.alt_labels:
        yield (entity.iri, SKOS.altLabel, Literal(alt))
    if entity.iso3:
        yield (entity.iri, KG.isoCode, Literal(entity.iso3))
    if entity.wikidata:
        yield (entity.iri, OWL.sameAs, URIRef(WIKIDATA + entity.wikidata))
    if entity.day:
        yield (entity.iri, KG.date, Literal(entity.day.isoformat(), datatype=XSD.date))
    if entity.status:
        yield (entity.iri, KG.status, Literal(entity.status))


class _Names:
    """Made-up, unique proper names ("Korista", "Belvomir")."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set[str]()

    def __call__(self, syllables: int) -> str:
        for attempt in range(50):
            name = "".join(self.rng.choice(_SYLLABLES) for _ in range(syllables + attempt // 10)).capitalize()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")


def _iso3(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # 17,576 codes; beyond that a fourth letter keeps them unique (they are only labels here)
    code = letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]
    return code if i < 17576 else code + letters[i // 17576 % 26]


def _entities(n: int, rng: random.Random) -> list[Entity]:
    counts = {cls: max(1, round(share * n)) for cls, (share, _) in CLASS_SHARES.items()}
    counts["Person"] += n - sum(counts.values())  # exactly n entities
    name = _Names(rng)
    given = [_Names(rng)(2) for _ in range(60)]
    out: list[Entity] = []
    for cls, (_, segment) in CLASS_SHARES.items():
        for i in range(counts[cls]):
            alts: tuple[str, ...] = ()
            day = status = None
            if cls == "Country":
                code = _iso3(len(out) * 7919 % 17576 if n < 17576 else len(out))
                label = f"{name(2)}ia"
                alts = (f"Republic of {label}",) if i % 3 == 0 else ()
                out.append(
                    Entity(URIRef(f"{ID}country/{code}"), cls, label, alts, code, f"Q{1000 + len(out)}")
                )
                continue
            if cls == "Person":
                family = name(2 + i % 2)
                label = f"{given[i % len(given)]} {family}"
                alts = (family,) if i % 2 == 0 else ()
            elif cls in ("Meeting", "MilitaryExercise", "Election"):
                kind = {"Meeting": "Summit", "MilitaryExercise": "Exercise", "Election": "Election"}[cls]
                label = f"{name(3)} {kind} {_START.year + i % 3}"
                day, status = _START + timedelta(days=(7 * i) % 700), "occurred"
            else:
                label = {
                    "Organization": "{} Corporation",
                    "InternationalOrganization": "{} Union",
                    "GovernmentBody": "Ministry of {}",
                    "Agreement": "{} Accord",
                    "City": "{}",
                    "Region": "{} Province",
                }[cls].format(name(2 + i % 2))
            slug = label.lower().replace(" ", "-")
            out.append(Entity(URIRef(f"{ID}{segment}/{slug}"), cls, label, alts, day=day, status=status))
    return out


def documents(
    n_entities: int,
    n_relations: int,
    *,
    seed: int = 1,
    relations_per_doc: int = 20,
    repeated: float = 0.15,
) -> Synthetic:
    """`n_entities` entities and `n_relations` distinct relations between them, in documents.

    Relations are distinct as `kg.views.network` counts edges (one per symmetric pair, no
    self-loops), so the view of the union graph has exactly `n_entities` nodes and
    `n_relations` edges. A share `repeated` of the relations is reported by a second document.
    """
    rng = random.Random(seed)
    entities = _entities(n_entities, rng)
    pools: dict[str, list[int]] = {cls: [] for cls in CLASS_SHARES}
    for i, entity in enumerate(entities):
        pools[entity.cls].append(i)
    names = list(RELATIONS)
    weights = [RELATIONS[p][0] for p in names]

    def pick(classes: tuple[str, ...]) -> int:
        pool = pools[rng.choice([c for c in classes if pools[c]])]
        return pool[int(len(pool) * rng.random() ** 1.6)]  # skewed: low indices are hubs

    keys: set[tuple[str, int, int]] = set()
    relations: list[tuple[int, str, int]] = []
    attempts = 0
    while len(relations) < n_relations:
        attempts += 1
        if attempts > 50 * n_relations + 1000:
            raise ValueError(f"cannot draw {n_relations} distinct relations among {n_entities} entities")
        p = rng.choices(names, weights)[0]
        s, o = pick(RELATIONS[p][1]), pick(RELATIONS[p][2])
        if s == o:
            continue
        a, b = (s, o) if p not in SYMMETRIC_PROPERTIES or entities[s].iri < entities[o].iri else (o, s)
        if (p, a, b) in keys:
            continue
        keys.add((p, a, b))
        relations.append((s, p, o))

    n_docs = max(1, round(n_relations * (1 + repeated) / relations_per_doc))
    docs = [Document(URIRef(f"{ID}doc/synthetic-{k:06d}"), k) for k in range(n_docs)]
    for i in range(len(entities)):  # every entity is mentioned somewhere, even without relations
        docs[i * n_docs // len(entities)].entities.add(i)
    for i, (s, p, o) in enumerate(relations):
        homes = [i * n_docs // n_relations]
        if rng.random() < repeated and n_docs > 1:
            homes.append((homes[0] + 1 + rng.randrange(n_docs - 1)) % n_docs)
        for home in homes:
            doc = docs[home]
            doc.entities.update((s, o))
            doc.relations.append((s, p, o, round(0.3 + 0.7 * rng.random(), 2)))
    return Synthetic(tuple(entities), tuple(docs), len(relations))


def for_triples(target: int, *, seed: int = 1) -> Synthetic:
    """A dataset whose union graph has about `target` distinct triples (four relations per entity).

    The documents' graphs hold about 1.4 times as many quads: entities are described again in
    every document that mentions them.
    """
    per_relation = 15.9  # distinct triples per relation, measured on this generator
    n_relations = max(10, round(target / per_relation))
    return documents(max(10, n_relations // 4), n_relations, seed=seed)


def by_relations(data: Synthetic) -> list[tuple[Entity, int]]:
    """The entities that have relations, each with how many the documents report (a relation two
    documents report counts twice), most first, ties in entity order."""
    counts: dict[int, int] = {}
    for doc in data.documents:
        for s, _, o, _ in doc.relations:
            for index in (s, o):
                counts[index] = counts.get(index, 0) + 1
    return [(data.entities[i], counts[i]) for i in sorted(counts, key=lambda i: (-counts[i], i))]


def union_graph(data: Synthetic) -> Graph:
    """Every distinct triple in one rdflib Graph (what `kg.resolve.mapping.union_graph` returns)."""
    graph = Graph()
    graph.bind("kg", str(KG), override=True)
    for doc in data.documents:
        for triple in data.graph_triples(doc):
            graph.add(triple)
    return graph


def _lines(triples: Iterable[Triple], indent: str = "") -> Iterator[str]:
    for s, p, o in triples:
        yield f"{indent}{s.n3()} {p.n3()} {o.n3()} .\n"


def write_trig(data: Synthetic, path: Path) -> int:
    """One named graph per document, as the store holds them; returns the number of quads."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for doc in data.documents:
            out.write(f"{doc.iri.n3()} {{\n")
            for line in _lines(data.graph_triples(doc), "    "):
                out.write(line)
                count += 1
            out.write("}\n")
    return count


def write_ntriples(data: Synthetic, path: Path) -> int:
    """The union graph (each distinct triple once) as N-Triples; returns the number of triples."""
    seen: set[Triple] = set()
    with Path(path).open("w", encoding="utf-8") as out:
        for doc in data.documents:
            for triple in data.graph_triples(doc):
                if triple not in seen:
                    seen.add(triple)
                    out.write(next(_lines((triple,))))
    return len(seen)
