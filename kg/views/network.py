"""A plain, testable picture of the graph for the interactive view: nodes, edges and their evidence.

Pure Python over rdflib: no pyvis, no layout. `kg.views.html` turns a `NetworkView` into a page.
The graph is read with one triple loop per property (rdflib's SPARQL engine is far slower), so a
5,000-node, 20,000-edge graph takes a second or two.
"""

from __future__ import annotations

import calendar
import math
import re
from collections import defaultdict, deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV
from rdflib.term import Node

from kg.core.errors import QueryError
from kg.core.vocab import (
    KG,
    RELATION_FAMILIES,
    RELATION_PROPERTIES,
    SYMMETRIC_PROPERTIES,
    class_ancestors,
)

#: Classes whose instances are drawn (local names); Document and Evidence are not entities.
NODE_CLASSES: tuple[str, ...] = (
    "Actor",
    "Place",
    "Country",
    "Person",
    "Organization",
    "InternationalOrganization",
    "GovernmentBody",
    "MediaOrganization",
    "City",
    "Region",
    "Agreement",
    "Event",
    "Meeting",
    "MilitaryExercise",
    "Election",
)
FAMILIES: tuple[str, ...] = ("cooperative", "conflictual", "structural")
#: Classes whose instances carry their own kg:date (an event's day, an agreement's signing)
DATED_CLASSES: frozenset[str] = frozenset({"Agreement", "Event", "Meeting", "MilitaryExercise", "Election"})

_KG_NS = str(KG._NS)
_WIKIDATA = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q[0-9]+)$")
_CLASS_IRIS = {URIRef(_KG_NS + name): name for name in NODE_CLASSES}
# year, month, day; then nothing, a time or a time zone ("Z", "+02:00", "-05:00")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|[T Z+]|-\d{2}:\d{2}$)")


@dataclass(frozen=True)
class ViewEvidence:
    """One sentence supporting an edge, with its document."""

    sentence: str
    doc_id: str | None
    doc_title: str | None
    doc_url: str | None  # only http(s) URLs are kept
    date: str | None  # ISO 8601: the evidence's kg:date, else the document's dcterms:issued
    confidence: float
    rule: str | None
    family: str | None  # PLOVER event family (kg:eventFamily)
    role: str | None


@dataclass(frozen=True)
class ViewNode:
    id: str  # the entity IRI
    label: str
    cls: str  # most specific core class, local name
    alt_labels: tuple[str, ...]
    iso3: str | None
    wikidata: str | None  # QID such as "Q17"
    degree: int  # edges in the filtered view, before truncation
    importance: float  # 0..1, log-scaled degree
    date: str | None = None  # kg:date of an event or agreement (ISO 8601: day, year-month or year)


@dataclass(frozen=True)
class ViewEdge:
    source: str
    target: str  # for symmetric predicates source < target (IRI order)
    predicate: str  # local name
    family: str  # cooperative, conflictual or structural
    symmetric: bool
    confidence: float  # max over evidence; 0.0 for an edge without evidence
    evidence: tuple[ViewEvidence, ...]


@dataclass(frozen=True)
class NetworkView:
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    total_nodes: int  # before truncation to max_nodes
    total_edges: int

    @property
    def truncated(self) -> bool:
        return len(self.nodes) < self.total_nodes


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _float(node: Node | None) -> float:
    if isinstance(node, Literal):
        try:
            return float(node.toPython())
        except (TypeError, ValueError):
            return 0.0
    return 0.0


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def date_span(text: str | None) -> tuple[str, str] | None:
    """The first and last day an ISO 8601 date, year-month or year covers, as `YYYY-MM-DD` strings.

    "2024-07-28" -> ("2024-07-28", "2024-07-28"), "2024-07" -> ("2024-07-01", "2024-07-31"),
    "2024" -> ("2024-01-01", "2024-12-31"); a time or time zone after it is ignored ("2024-07-28Z",
    "2024-07-28T09:30:00+02:00" count as that day); anything else is None.
    The strings compare like the dates they stand for, and like the values of `<input type=date>`.
    """
    m = _PARTIAL_DATE.match((text or "").strip())
    if m is None:
        return None
    year, month, day = m.groups()
    if month is None:
        return (f"{year}-01-01", f"{year}-12-31")
    if not 1 <= int(month) <= 12:
        return None
    if day is None:
        last = calendar.monthrange(int(year), int(month))[1]
        return (f"{year}-{month}-01", f"{year}-{month}-{last:02d}")
    if _parse_date(f"{year}-{month}-{day}") is None:
        return None
    return (f"{year}-{month}-{day}",) * 2


def _one(graph: Graph, predicate: URIRef) -> dict[Node, Node]:
    """subject -> object of `predicate` (the smallest object when there are several, for determinism)."""
    out: dict[Node, Node] = {}
    for s, o in graph.subject_objects(predicate):
        if s not in out or str(o) < str(out[s]):
            out[s] = o
    return out


def _many(graph: Graph, predicate: URIRef) -> dict[Node, list[Node]]:
    out: dict[Node, list[Node]] = defaultdict(list)
    for s, o in graph.subject_objects(predicate):
        out[s].append(o)
    return out


def _most_specific(classes: Iterable[str]) -> str:
    names = set(classes)
    above = set().union(*(class_ancestors(c) - {c} for c in names))
    leaves = [c for c in NODE_CLASSES if c in names and c not in above]
    # deepest first, then ontology order (Country before City)
    return max(leaves, key=lambda c: (len(class_ancestors(c)), -NODE_CLASSES.index(c)))


def _pick_label(labels: list[Node], fallback: str) -> str:
    if not labels:
        return fallback.rstrip("/").rsplit("/", 1)[-1] or fallback

    def rank(lit: Node) -> tuple[int, str]:
        lang = lit.language if isinstance(lit, Literal) else None
        return (0 if lang in (None, "en") else 1, str(lit))

    return str(min(labels, key=rank))


@dataclass(frozen=True)
class _Entity:
    label: str
    cls: str
    classes: frozenset[str]  # every class it is an instance of, superclasses included
    alt_labels: tuple[str, ...]
    iso3: str | None
    wikidata: str | None
    date: str | None


def _read_nodes(graph: Graph) -> dict[str, _Entity]:
    types: dict[Node, set[str]] = defaultdict(set)
    for s, o in graph.subject_objects(RDF.type):
        name = _CLASS_IRIS.get(o)  # type: ignore[call-overload]
        if name is not None and isinstance(s, URIRef):
            types[s].add(name)
    labels, alts = _many(graph, RDFS.label), _many(graph, SKOS.altLabel)
    isos, same, when = _one(graph, KG.isoCode), _many(graph, OWL.sameAs), _one(graph, KG.date)
    nodes: dict[str, _Entity] = {}
    for s, classes in types.items():
        label = _pick_label(labels.get(s, []), str(s))
        # names that differ only in case come in one order, whatever the hash seed
        alt = sorted({str(a) for a in alts.get(s, [])} - {label}, key=lambda a: (a.casefold(), a))
        qids = sorted(m.group(1) for o in same.get(s, []) if (m := _WIKIDATA.match(str(o))))
        every = frozenset().union(*(class_ancestors(c) for c in classes))
        nodes[str(s)] = _Entity(
            label=label,
            cls=_most_specific(classes),
            classes=every,
            alt_labels=tuple(alt),
            iso3=_text(isos.get(s)),
            wikidata=min(qids, key=lambda q: int(q[1:])) if qids else None,
            date=_text(when.get(s)) if every & DATED_CLASSES else None,
        )
    return nodes


_EdgeKey = tuple[str, str, str]  # (predicate, source, target)


def _edge_key(predicate: str, s: str, o: str) -> _EdgeKey:
    if predicate in SYMMETRIC_PROPERTIES and o < s:
        s, o = o, s
    return (predicate, s, o)


def _read_evidence(graph: Graph) -> dict[_EdgeKey, list[ViewEvidence]]:
    subj, pred, obj = _one(graph, RDF.subject), _one(graph, RDF.predicate), _one(graph, RDF.object)
    sentence, conf, rule = _one(graph, KG.sentence), _one(graph, KG.confidence), _one(graph, KG.rule)
    family, role, when = _one(graph, KG.eventFamily), _one(graph, KG.role), _one(graph, KG.date)
    source = _one(graph, PROV.wasDerivedFrom)
    title, url, issued = _one(graph, DCTERMS.title), _one(graph, DCTERMS.source), _one(graph, DCTERMS.issued)
    out: dict[_EdgeKey, list[ViewEvidence]] = defaultdict(list)
    for ev in graph.subjects(RDF.type, KG.Evidence):
        p = pred.get(ev)
        if p is None or not str(p).startswith(_KG_NS) or ev not in subj or ev not in obj:
            continue
        doc = source.get(ev)
        doc_url = _text(url.get(doc)) if doc is not None else None
        if doc_url is not None and not doc_url.startswith(("http://", "https://")):
            doc_url = None
        day = _text(when.get(ev)) or (_text(issued.get(doc)) if doc is not None else None)
        key = _edge_key(str(p)[len(_KG_NS) :], str(subj[ev]), str(obj[ev]))
        out[key].append(
            ViewEvidence(
                sentence=_text(sentence.get(ev)) or "",
                doc_id=_text(doc),
                doc_title=_text(title.get(doc)) if doc is not None else None,
                doc_url=doc_url,
                date=day,
                confidence=_float(conf.get(ev)),
                rule=_text(rule.get(ev)),
                family=_text(family.get(ev)),
                role=_text(role.get(ev)),
            )
        )
    return out


def _relation_names(relations: Collection[str] | None) -> set[str]:
    if relations is None:
        return set(RELATION_PROPERTIES)
    names: set[str] = set()
    for name in relations:
        if name in FAMILIES:
            names.update(p for p, f in RELATION_FAMILIES.items() if f == name)
        elif name in RELATION_PROPERTIES:
            names.add(name)
        else:
            raise QueryError(f"unknown relation {name!r}: expected one of {', '.join(RELATION_PROPERTIES)}")
    return names


def _check_classes(classes: Collection[str] | None) -> set[str] | None:
    if classes is None:
        return None
    unknown = sorted(set(classes) - set(NODE_CLASSES))
    if unknown:
        raise QueryError(f"unknown class {unknown[0]!r}: expected one of {', '.join(NODE_CLASSES)}")
    return set(classes)


def _neighbourhood(seeds: set[str], adjacency: dict[str, set[str]], hops: int) -> set[str]:
    seen = set(seeds)
    queue = deque((s, 0) for s in seeds)
    while queue:
        node, depth = queue.popleft()
        if depth == hops:
            continue
        for nxt in adjacency.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, depth + 1))
    return seen


def network_view(
    graph: Graph,
    *,
    focus: str | None = None,
    hops: int = 1,
    relations: Collection[str] | None = None,
    classes: Collection[str] | None = None,
    since: date | None = None,
    min_confidence: float = 0.0,
    max_nodes: int = 1500,
) -> NetworkView:
    """The entities of `graph` and the relations between them, filtered, focused and truncated.

    `relations` takes property local names or family names ("conflictual"); `classes` keeps
    nodes that are instances of any of the given classes, superclasses included ("Actor").
    `since` and `min_confidence` filter evidence; an edge with no evidence left is dropped, and
    when any edge filter is set, nodes left without edges are dropped too. `focus` keeps the
    `hops`-neighbourhood of the nodes whose label or alt label is `focus` (case-insensitive).
    Above `max_nodes`, the nodes of highest degree are kept (focus nodes first).
    """
    if hops < 0:
        raise QueryError(f"hops must be >= 0, not {hops}")
    if max_nodes < 1:
        raise QueryError(f"max_nodes must be >= 1, not {max_nodes}")
    wanted_relations = _relation_names(relations)
    wanted_classes = _check_classes(classes)
    edge_filter = relations is not None or since is not None or min_confidence > 0.0

    raw_nodes = _read_nodes(graph)
    if wanted_classes is not None:
        raw_nodes = {k: v for k, v in raw_nodes.items() if wanted_classes & v.classes}
    evidence = _read_evidence(graph)

    edges: dict[_EdgeKey, tuple[ViewEvidence, ...]] = {}
    for name in RELATION_PROPERTIES:
        if name not in wanted_relations:
            continue
        for subject, obj in graph.subject_objects(KG[name]):
            key = _edge_key(name, str(subject), str(obj))
            if key in edges or key[1] not in raw_nodes or key[2] not in raw_nodes or key[1] == key[2]:
                continue
            evs = [
                e
                for e in evidence.get(key, ())
                if e.confidence >= min_confidence
                and (since is None or ((d := _parse_date(e.date)) is not None and d >= since))
            ]
            if not evs and (since is not None or min_confidence > 0.0):
                continue
            evs.sort(key=lambda e: (-e.confidence, e.date or "", e.sentence))
            edges[key] = tuple(evs)

    adjacency: dict[str, set[str]] = defaultdict(set)
    for _, s, o in edges:
        adjacency[s].add(o)
        adjacency[o].add(s)
    keep = set(adjacency) if edge_filter else set(raw_nodes)

    seeds: set[str] = set()
    if focus is not None:
        wanted = focus.strip().casefold()
        for node_id, info in raw_nodes.items():
            names = (info.label, *info.alt_labels)
            if node_id == focus or any(n.casefold() == wanted for n in names):
                seeds.add(node_id)
        if not seeds:
            raise QueryError(f"focus {focus!r} matches no entity label or alias")
        keep = _neighbourhood(seeds, adjacency, hops) | seeds

    degree = {n: 0 for n in keep}
    edges = {k: v for k, v in edges.items() if k[1] in keep and k[2] in keep}
    for _, s, o in edges:
        degree[s] += 1
        degree[o] += 1
    total_nodes, total_edges = len(keep), len(edges)
    if len(keep) > max_nodes:
        ranked = sorted(
            keep,
            key=lambda n: (n not in seeds, -degree[n], raw_nodes[n].label.casefold(), n),
        )
        keep = set(ranked[:max_nodes])
        edges = {k: v for k, v in edges.items() if k[1] in keep and k[2] in keep}

    top = math.log1p(max(degree.values(), default=0))
    nodes = tuple(
        ViewNode(
            id=n,
            label=raw_nodes[n].label,
            cls=raw_nodes[n].cls,
            alt_labels=raw_nodes[n].alt_labels,
            iso3=raw_nodes[n].iso3,
            wikidata=raw_nodes[n].wikidata,
            degree=degree[n],
            importance=round(math.log1p(degree[n]) / top, 4) if top else 0.0,
            date=raw_nodes[n].date,
        )
        for n in sorted(keep)
    )
    view_edges = tuple(
        ViewEdge(
            source=s,
            target=o,
            predicate=p,
            family=RELATION_FAMILIES[p],
            symmetric=p in SYMMETRIC_PROPERTIES,
            confidence=max((e.confidence for e in evs), default=0.0),
            evidence=evs,
        )
        for (p, s, o), evs in sorted(edges.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2]))
    )
    return NetworkView(nodes=nodes, edges=view_edges, total_nodes=total_nodes, total_edges=total_edges)


__all__ = [
    "DATED_CLASSES",
    "FAMILIES",
    "NODE_CLASSES",
    "NetworkView",
    "ViewEdge",
    "ViewEvidence",
    "ViewNode",
    "date_span",
    "network_view",
]
