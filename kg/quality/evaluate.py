"""Score built graphs against gold annotations, by the same rules as ../shared/eval/score.py.

A gold file is scored against one graph; a gold folder against a dataset's named graphs (the
graph whose IRI ends with '/<doc id>'), micro-averaged. Classes and properties match by local
name; names match after normalisation; symmetric and sub-properties count as the scorer says.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.core.errors import InputError
from kg.core.types import Document
from kg.core.vocab import CLASS_PARENTS, KG, RELATION_PROPERTIES, SYMMETRIC_PROPERTIES

ENTITY_ROOTS = {"Actor", "Place"}
PROPERTY_PARENTS = {"leaderOf": {"officialOf"}, "alliedWith": {"cooperatesWith"}}
CORE_CLASSES = {*CLASS_PARENTS, "Agreement", "Event", "Place", "Actor"}


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return round(self.tp / (self.tp + self.fp), 3) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return round(self.tp / (self.tp + self.fn), 3) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return round(2 * p * r / (p + r), 3) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True)
class DocScore:
    doc: str
    empty: bool
    entities: PRF
    relations: PRF
    relations_found_by_type: dict[str, str]
    missed_entities: tuple[str, ...]
    extra_entities: tuple[str, ...]
    duplicate_entities: tuple[str, ...]
    missed_relations: tuple[str, ...]
    extra_relations: tuple[str, ...]
    # property -> (tp, fp, fn), for the per-property table
    by_property: dict[str, tuple[int, int, int]]
    # every system relation triple (subject, predicate IRI, object) with "tp", "fp" or "unscored"
    judgements: tuple[tuple[Any, Any, Any, str], ...] = ()
    # each extra relation with the sentences its evidence records, and each miss with the gold note
    extra_sentences: tuple[tuple[str, tuple[str, ...]], ...] = ()
    missed_notes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EvalResult:
    documents: tuple[DocScore, ...]
    entities: PRF
    relations: PRF
    missing: tuple[str, ...]

    def by_property(self) -> dict[str, PRF]:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for d in self.documents:
            for prop, counts in d.by_property.items():
                for i, n in enumerate(counts):
                    sums[prop][i] += n
        return {p: PRF(*v) for p, v in sorted(sums.items())}


def local(term: object) -> str:
    return re.split(r"[#/]", str(term))[-1]


def norm(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    name = re.sub(r"^the\s+", "", name.strip())
    return re.sub(r"[^a-z0-9]", "", name)


def ancestors(cls: str, parents: dict[str, set[str]]) -> set[str]:
    seen, todo = {cls}, [cls]
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def _class_parents(graph: Graph) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set, {k: set(v) for k, v in CLASS_PARENTS.items()})
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(parent, URIRef):
            parents[local(child)].add(local(parent))
    return parents


def _nodes(graph: Graph, parents: dict[str, set[str]]) -> dict[Any, tuple[set[str], set[str]]]:
    nodes: dict[Any, tuple[set[str], set[str]]] = {}
    for node, cls in graph.subject_objects(RDF.type):
        types, _ = nodes.setdefault(node, (set(), set()))
        types |= ancestors(local(cls), parents)
    for node, (_, names) in nodes.items():
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
            names |= {norm(str(v)) for v in graph.objects(node, prop)}
        names.discard("")
    return nodes


def _as_list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else [x]


def score(graph: Graph, gold: dict[str, Any]) -> DocScore:
    """One document's graph against its gold annotation."""
    parents = _class_parents(graph)
    nodes = _nodes(graph, parents)
    gold_entities = {e["id"]: e for e in gold["entities"]}
    gold_names = {e["id"]: {norm(n) for n in [*e["names"], e["id"]]} for e in gold["entities"]}

    mapped: dict[Any, set[str]] = {}
    rep: dict[Any, str] = {}
    entity_fp: list[str] = []
    matched: dict[str, list[Any]] = defaultdict(list)
    for node, (types, names) in nodes.items():
        hits = [g for g in gold_entities if gold_entities[g]["type"] in types and names & gold_names[g]]
        mapped[node] = set(hits) or {"@" + t for t in types}
        specific = max(types, key=lambda t: (len(ancestors(t, parents)), t)) if types else "?"
        rep[node] = hits[0] if hits else "@" + specific
        if not types & ENTITY_ROOTS:
            continue
        if not hits:
            label = sorted(names)[0] if names else str(node)
            entity_fp.append(f"{label} ({'/'.join(sorted(types))})")
            continue
        for g in hits:
            matched[g].append(node)
    scored = {
        g
        for g, e in gold_entities.items()
        if not e.get("optional") and ancestors(e["type"], parents) & ENTITY_ROOTS
    }
    entity_tp = len(scored & matched.keys())
    entity_fn = sorted(scored - matched.keys())
    duplicates = tuple(f"{g}: {len(matched[g])} nodes" for g in sorted(scored) if len(matched.get(g, ())) > 1)
    entity_fp_count = len(entity_fp) + sum(len(matched[g]) - 1 for g in scored if g in matched)

    def rel_matches(s: str, p: str, o: str, rel: dict[str, Any]) -> bool:
        if rel["p"] not in ancestors(p, PROPERTY_PARENTS):
            return False
        pairs = [(s, o), (o, s)] if rel["p"] in SYMMETRIC_PROPERTIES else [(s, o)]
        return any(a in _as_list(rel["s"]) and (rel["o"] == "*" or b in _as_list(rel["o"])) for a, b in pairs)

    def node_matches(sn: Any, p: str, on: Any, rel: dict[str, Any]) -> bool:
        return any(rel_matches(a, p, b, rel) for a in mapped[sn] for b in mapped[on])

    core = set(RELATION_PROPERTIES)
    system_iris = [(s, p, o) for s, p, o in graph if local(p) in core and s in mapped and o in mapped]
    system = [(s, local(p), o) for s, p, o in system_iris]
    rels = gold["relations"]
    req = [r for r in rels if not r.get("optional")]
    rel_fn = [r for r in req if not any(node_matches(s, p, o, r) for s, p, o in system)]
    optional_ids = {g for g, e in gold_entities.items() if e.get("optional")}
    rel_fp: set[tuple[str, str, str]] = set()
    judgements = []
    fp_triples: dict[tuple[str, str, str], list[tuple[Any, Any, Any]]] = defaultdict(list)
    for (s, p, o), (_, p_iri, _) in zip(system, system_iris, strict=True):
        if any(node_matches(s, p, o, r) for r in rels):
            verdict = "tp" if any(node_matches(s, p, o, r) for r in req) else "unscored"
            judgements.append((s, p_iri, o, verdict))
            continue
        if mapped[s] & optional_ids or mapped[o] & optional_ids:
            judgements.append((s, p_iri, o, "unscored"))
            continue
        if rep[s].startswith("@") and rep[o].startswith("@"):
            judgements.append((s, p_iri, o, "unscored"))
            continue
        judgements.append((s, p_iri, o, "fp"))
        pair = (rep[s], p, rep[o])
        if p in SYMMETRIC_PROPERTIES:
            pair = (min(rep[s], rep[o]), p, max(rep[s], rep[o]))
        rel_fp.add(pair)
        fp_triples[pair].append((s, p_iri, o))

    by_type = {}
    by_property: dict[str, tuple[int, int, int]] = {}
    for prop in sorted({r["p"] for r in req} | {p for _, p, _ in rel_fp}):
        reqp = [r for r in req if r["p"] == prop]
        missed = [r for r in rel_fn if r["p"] == prop]
        if reqp:
            by_type[prop] = f"{len(reqp) - len(missed)}/{len(reqp)}"
        by_property[prop] = (len(reqp) - len(missed), sum(1 for t in rel_fp if t[1] == prop), len(missed))
    return DocScore(
        doc=gold["doc"],
        empty=len(graph) == 0,
        entities=PRF(entity_tp, entity_fp_count, len(entity_fn)),
        relations=PRF(len(req) - len(rel_fn), len(rel_fp), len(rel_fn)),
        relations_found_by_type=by_type,
        missed_entities=tuple(entity_fn),
        extra_entities=tuple(entity_fp),
        duplicate_entities=duplicates,
        missed_relations=tuple(f"{r['s']} {r['p']} {r['o']}" for r in rel_fn),
        extra_relations=tuple(" ".join(t) for t in sorted(rel_fp)),
        by_property=by_property,
        judgements=tuple(judgements),
        extra_sentences=tuple(
            (
                " ".join(t),
                tuple(sorted({s for triple in fp_triples[t] for s in evidence_values(graph, *triple)})),
            )
            for t in sorted(rel_fp)
        ),
        missed_notes=tuple((f"{r['s']} {r['p']} {r['o']}", str(r.get("note") or "")) for r in rel_fn),
    )


def evidence_values(graph: Graph, s: Any, p: Any, o: Any, field: URIRef = KG.sentence) -> list[str]:
    """A field (the sentence, the rule) of each evidence record of one triple, either direction."""
    out: list[str] = []
    for subject, obj in ((s, o), (o, s)):
        for ev in graph.subjects(RDF.subject, subject):
            if graph.value(ev, RDF.predicate) == p and graph.value(ev, RDF.object) == obj:
                out.extend(str(v) for v in graph.objects(ev, field))
    return out


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: not a readable gold JSON file: {e}") from e
    if not isinstance(gold, dict) or not {"doc", "entities", "relations"} <= gold.keys():
        raise InputError(f"{path}: gold file needs 'doc', 'entities' and 'relations'")
    return gold


def gold_documents(gold_dir: Path) -> list[Document]:
    """The documents a gold folder annotates, with their texts and publication dates, to build."""
    documents = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = load_gold(path)
        text_path = next(
            (
                p
                for p in (gold_dir.parent / gold["text"], gold_dir.parent.parent / gold["text"])
                if p.is_file()
            ),
            None,
        )
        if text_path is None:
            raise InputError(f"{path}: its text {gold.get('text')!r} is not beside the gold folder")
        published = gold.get("published")
        try:
            day = date.fromisoformat(published) if published else None
        except ValueError as e:
            raise InputError(f"{path}: 'published' is not an ISO date: {published!r}") from e
        documents.append(
            Document(
                id=gold["doc"], text=text_path.read_text(encoding="utf-8"), published=day, source=str(path)
            )
        )
    return documents


def evaluate(graph_path: Path, gold_path: Path) -> EvalResult:
    """Score a graph file against a gold file, or a dataset (.trig) against a gold folder."""
    return _total(score(graph, gold) for gold, graph in pairs(graph_path, gold_path))


def pairs(graph_path: Path, gold_path: Path) -> list[tuple[dict[str, Any], Graph]]:
    """Each gold annotation with the graph it is scored against."""
    if not gold_path.exists():
        raise InputError(f"{gold_path}: no such gold file or folder")
    if not graph_path.is_file():
        raise InputError(f"{graph_path}: no such graph file")
    golds = sorted(gold_path.glob("*.json")) if gold_path.is_dir() else [gold_path]
    if not golds:
        raise InputError(f"{gold_path}: folder holds no gold .json files")
    try:
        if gold_path.is_dir():
            dataset = Dataset()
            dataset.parse(graph_path)
            by_doc: dict[str, Graph] = {
                unquote(str(g.identifier)).rstrip("/").rsplit("/", 1)[-1]: g for g in dataset.graphs()
            }
        else:
            single = Graph()
            single.parse(graph_path)
    except (SyntaxError, ValueError) as e:
        raise InputError(f"{graph_path}: cannot parse RDF: {e}") from e
    out = []
    for gold_file in golds:
        gold = load_gold(gold_file)
        out.append((gold, by_doc.get(gold["doc"], Graph()) if gold_path.is_dir() else single))
    return out


#: The two halves every evaluation set is split into, once: rules and data are tuned on the first,
#: and the second says whether what was tuned holds on text it was not tuned on.
HALVES = ("tuning", "check")


def half_of(doc_id: str) -> str:
    """The half a document belongs to, by a hash of its id (stable across runs and machines)."""
    return HALVES[hashlib.sha256(doc_id.encode("utf-8")).digest()[0] % 2]


def restrict(result: EvalResult, half: str) -> EvalResult:
    """The result over the documents of one half only (micro-averaged again)."""
    if half not in HALVES:
        raise InputError(f"unknown half {half!r}: use one of {', '.join(HALVES)}")
    return _total(d for d in result.documents if half_of(d.doc) == half)


def half_lines(result: EvalResult) -> list[str]:
    """A total line for each half of the documents (tuning, then check)."""
    lines = []
    for half in HALVES:
        part = restrict(result, half)
        e, r = part.entities, part.relations
        lines.append(
            f"{half} half, {len(part.documents)} documents: entity F1 {e.f1:.3f} (P {e.precision:.3f} "
            f"R {e.recall:.3f}) relation F1 {r.f1:.3f} (P {r.precision:.3f} R {r.recall:.3f})"
        )
    return lines


def _total(docs: Iterable[DocScore]) -> EvalResult:
    docs = tuple(docs)
    ent = PRF(*(sum(getattr(d.entities, k) for d in docs) for k in ("tp", "fp", "fn")))
    rel = PRF(*(sum(getattr(d.relations, k) for d in docs) for k in ("tp", "fp", "fn")))
    return EvalResult(docs, ent, rel, tuple(d.doc for d in docs if d.empty))


def as_json(result: EvalResult) -> dict[str, Any]:
    """The same JSON as `score.py --json`."""
    return {
        "documents": len(result.documents),
        "documents_without_graph": list(result.missing),
        "total": {"entities": result.entities.as_dict(), "relations": result.relations.as_dict()},
        "by_document": [
            {
                "doc": d.doc,
                "empty": d.empty,
                "entities": d.entities.as_dict(),
                "relations": d.relations.as_dict(),
                "relations_found_by_type": d.relations_found_by_type,
                "missed_entities": list(d.missed_entities),
                "extra_entities": list(d.extra_entities),
                "duplicate_entities": list(d.duplicate_entities),
                "missed_relations": list(d.missed_relations),
                "extra_relations": list(d.extra_relations),
            }
            for d in result.documents
        ],
    }


def error_lines(result: EvalResult) -> list[str]:
    """Each miss with the gold's cue, each extra with the sentences its evidence came from."""
    lines: list[str] = []
    for d in result.documents:
        for triple, note in d.missed_notes:
            lines.append(f"{d.doc}: missed {triple}" + (f"  (gold cue: {note!r})" if note else ""))
        for triple, sentences in d.extra_sentences:
            lines.append(f"{d.doc}: extra {triple}")
            lines.extend(f"    from: {' '.join(s.split())}" for s in sentences[:3])
    return lines


def report_lines(result: EvalResult) -> list[str]:
    """The same lines as `score.py`: misses and extras per document, a line per document, the total."""
    lines: list[str] = []
    for d in result.documents:
        for key in (
            "missed_entities",
            "extra_entities",
            "duplicate_entities",
            "missed_relations",
            "extra_relations",
        ):
            lines.extend(f"{d.doc}: {key}: {item}" for item in getattr(d, key))
        e, r = d.entities, d.relations
        by_type = " ".join(f"{k}={v}" for k, v in d.relations_found_by_type.items())
        lines.append(
            f"{d.doc}: entity F1 {e.f1:.3f} (P {e.precision:.3f} R {e.recall:.3f}) "
            f"relation F1 {r.f1:.3f} (P {r.precision:.3f} R {r.recall:.3f}) by type: {by_type}"
        )
    lines.extend(f"{doc}: no named graph for this document" for doc in result.missing)
    e, r = result.entities, result.relations
    lines.append(
        f"total over {len(result.documents)} documents: entity F1 {e.f1:.3f} (P {e.precision:.3f} "
        f"R {e.recall:.3f}) relation F1 {r.f1:.3f} (P {r.precision:.3f} R {r.recall:.3f})"
    )
    return lines
