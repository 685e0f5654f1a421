"""CAMEO verb patterns: what a verb in its parse codes for, and which core property that states.

`data/cameo_verbs.yaml` is PETRARCH2's verb dictionary (MIT; converted by
`scripts/petrarch/convert_verbs.py`): about 1,800 verbs in about 400 blocks, each block with a
default CAMEO code and patterns on the verb's object noun, particles, prepositional phrases and
subject noun. `lookup(verb)` finds the most specific pattern that matches the verb's parse (dict
look-ups by the words around the verb, never a scan of the patterns), else the verb's own code,
else its block's, and returns a `CameoMatch`: the code, the core property the code states and its
PLOVER family (`cameo_codes`: 04 consult -> meetsWith, 163 -> sanctions, ...), whether it is only
intended (03x), and where its target may be.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from spacy.tokens import Token

from kg.core.errors import ExtractionError
from kg.extract.cameo_codes import family_of, property_of
from kg.extract.knowledge import active, cached

#: How an object noun names its owner: "China's actions", "the NATO exercise", "the Iraqi envoy".
OWNER_DEPS = frozenset({"poss", "compound", "amod", "nmod"})

log = logging.getLogger(__name__)

DATA_FILE = "cameo_verbs.yaml"
OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd"})


@dataclass(frozen=True)
class Phrase:
    """A noun slot of a pattern: head-word alternatives (a multi-word one: its words) and modifiers."""

    heads: frozenset[str]
    mods: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True)
class Pattern:
    code: str | None
    order: int  # place in the dictionary: the first of equally specific patterns wins
    src: frozenset[str] = frozenset()
    prt: tuple[str, ...] = ()
    obj: Phrase | None = None
    pps: tuple[tuple[frozenset[str], Phrase | None], ...] = ()

    @property
    def specificity(self) -> int:
        obj = 2 + len(self.obj.mods) if self.obj else 0
        pps = sum(1 + (2 + len(p.mods) if p else 0) for _, p in self.pps)
        return obj + pps + len(self.prt) + (1 if self.src else 0)


@dataclass(frozen=True)
class Block:
    name: str
    code: str | None
    index: dict[str, tuple[Pattern, ...]]  # "obj:word", "pp:prep", "prt:word", "src:word" -> patterns


@dataclass(frozen=True)
class VerbEntry:
    lemma: str
    before: tuple[str, ...]  # words of a multi-word verb before and after the verb itself
    after: tuple[str, ...]
    blocks: tuple[tuple[Block, str | None], ...]  # (block, the verb's own code), lone verb's first


@dataclass(frozen=True)
class CameoMatch:
    """What a verb codes for in its parse, and where its target may be."""

    code: str | None  # source-side CAMEO code; None: no event
    property: str | None  # the core property the code states
    family: str | None  # PLOVER family
    planned: bool  # 03x: an intent, not yet an event
    pattern: bool  # True: a pattern matched; False: the lone verb's code
    verb: str  # the verb (phrase) as the dictionary has it
    noun: Token | None  # the object noun the pattern matched ("imposed SANCTIONS")
    objects: tuple[Token, ...]  # direct objects (and datives) the pattern left free
    open: tuple[Token, ...]  # objects of the pattern's prepositions without a noun ("AGAINST x")
    preps: tuple[tuple[str, Token], ...]  # other prepositional objects, on the verb or its object
    owners: tuple[Token, ...]  # owners of the object nouns ("protested CHINA's actions", "the US envoy")

    def targets(self, preps: Iterable[str], objects: bool = True) -> list[Token]:
        """Tokens the target may be: the free objects, the pattern's open prepositions' objects,
        and the objects of `preps` ("imposed sanctions ON x")."""
        wanted = frozenset(preps)
        out = [*(self.objects if objects else ()), *self.open, *(t for p, t in self.preps if p in wanted)]
        return list(dict.fromkeys(out))


class Dictionary:
    """The verb table and blocks of `cameo_verbs.yaml`."""

    def __init__(self, data: dict[str, Any], where: str = DATA_FILE) -> None:
        self._seen: dict[str, frozenset[str]] = {}
        try:
            self.synsets = {k: [str(w) for w in v] for k, v in data["synsets"].items()}
            blocks = {name: self._block(name, b) for name, b in data["blocks"].items()}
            self.verbs: dict[str, list[VerbEntry]] = {}
            for phrase, names in data["verbs"].items():
                self._verb(str(phrase), str(names), blocks)
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise ExtractionError(f"kg/extract/data/{where}: malformed CAMEO dictionary: {e!r}") from e
        for entries in self.verbs.values():
            entries.sort(key=lambda e: -(len(e.before) + len(e.after)))  # multi-word verbs first

    def _verb(self, phrase: str, names: str, blocks: dict[str, Block]) -> None:
        words = phrase.split()
        head = next((i for i, w in enumerate(words) if w.startswith("+")), 0)
        lemma = words[head].lstrip("+")
        entries = []
        for item in names.split():
            name, _, code = item.partition("=")
            entries.append((blocks[name], code or None))
        entry = VerbEntry(lemma, tuple(words[:head]), tuple(words[head + 1 :]), tuple(entries))
        self.verbs.setdefault(lemma, []).append(entry)

    def _block(self, name: str, data: dict[str, Any]) -> Block:
        code = data["code"]
        index: dict[str, list[Pattern]] = {}
        for order, line in enumerate(data["patterns"]):
            pattern = self._pattern(str(line), order)
            for key in _anchors(pattern):
                index.setdefault(key, []).append(pattern)
        return Block(name, None if code is None else str(code), {k: tuple(v) for k, v in index.items()})

    def _words(self, field: str) -> frozenset[str]:
        if (known := self._seen.get(field)) is not None:
            return known
        out: list[str] = []
        for alt in field.split("|"):
            if alt.startswith("@"):
                out.extend(self.synsets[alt[1:]])
            elif alt:
                out.append(alt)
        words = self._seen[field] = frozenset(w.replace("_", " ") for w in out)
        return words

    def _pattern(self, line: str, order: int) -> Pattern:
        code, *fields = line.split()
        src: frozenset[str] = frozenset()
        prt: list[str] = []
        obj: frozenset[str] | None = None
        mods: list[frozenset[str]] = []
        pps: list[tuple[frozenset[str], Phrase | None]] = []
        for field in fields:
            key, _, value = field.partition("=")
            if key == "src":
                src = self._words(value)
            elif key == "prt":
                prt.append(value)
            elif key == "obj":
                obj = self._words(value)
            elif key == "mod":
                mods.append(self._words(value))
            elif key == "pp":
                prep, *noun = value.split(":")
                phrase = (
                    Phrase(self._words(noun[0]), tuple(self._words(m) for m in noun[1:])) if noun else None
                )
                pps.append((self._words(prep), phrase))
            else:
                raise ValueError(f"unknown pattern field {field!r} in {line!r}")
        return Pattern(
            None if code == "-" else code,
            order,
            src,
            tuple(prt),
            Phrase(obj, tuple(mods)) if obj is not None else None,
            tuple(pps),
        )


def _anchors(pattern: Pattern) -> Iterable[str]:
    """The keys a pattern is indexed by: its object's head words, else its first preposition, ..."""
    if pattern.obj is not None:
        return {"obj:" + w.split()[-1] for w in pattern.obj.heads}
    if pattern.pps:
        return {"pp:" + w for w in pattern.pps[0][0]}
    if pattern.prt:
        return {"prt:" + pattern.prt[0]}
    return {"src:" + w.split()[-1] for w in pattern.src}


@cached
def dictionary() -> Dictionary:
    """The CAMEO verb dictionary, loaded once."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(active().text(DATA_FILE), Loader=loader)
    except (OSError, yaml.YAMLError) as e:
        raise ExtractionError(f"kg/extract/data/{DATA_FILE}: cannot load: {e}") from e
    if not isinstance(data, dict):
        raise ExtractionError(f"kg/extract/data/{DATA_FILE}: expected a mapping at the top level")
    return Dictionary(data)


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _forms(token: Token) -> tuple[str, str]:
    return token.lemma_.lower(), token.lower_


def _phrase_matches(phrase: Phrase, noun: Token) -> bool:
    lefts = {w for t in noun.lefts for w in _forms(t)}
    words = set(_forms(noun))
    if not any(_head_matches(h, words, noun) for h in phrase.heads):
        return False
    return all(any(m.split()[-1] in lefts for m in mod) for mod in phrase.mods)


def _head_matches(head: str, words: set[str], noun: Token) -> bool:
    parts = head.split()
    if parts[-1] not in words:
        return False
    if len(parts) == 1:
        return True
    before = noun.doc[max(noun.i - len(parts) + 1, 0) : noun.i]
    return [t.lower_ for t in before] == parts[:-1] or [_lemma(t) for t in before] == parts[:-1]


def entry_for(verb: Token) -> VerbEntry | None:
    """The dictionary entry of a verb token: a multi-word verb whose other words stand beside it
    ("met with", "called off"), else the verb alone."""
    entries = dictionary().verbs.get(_lemma(verb))
    if not entries:
        return None
    doc = verb.doc
    for entry in entries:
        after = doc[verb.i + 1 : verb.i + 1 + len(entry.after)]
        before = doc[max(verb.i - len(entry.before), 0) : verb.i]
        prts = {c.lower_ for c in verb.children if c.dep_ == "prt"}
        if entry.after and [t.lower_ for t in after] != list(entry.after) and not set(entry.after) <= prts:
            continue
        if entry.before and [t.lower_ for t in before] != list(entry.before):
            continue
        return entry
    return None


def lookup(verb: Token, noun: Token | None = None) -> CameoMatch | None:
    """What `verb` codes for: the most specific pattern of its blocks that matches its parse (its
    object nouns, `noun` too when given, its prepositions, particles and subject), else its own
    code, else its block's. None when the verb is not in the dictionary."""
    entry = entry_for(verb)
    if entry is None:
        return None
    kids = list(verb.children)
    objs = [c for c in kids if c.dep_ in OBJECT_DEPS]
    if noun is not None and noun not in objs:
        objs.append(noun)
    pps: list[tuple[Token, Token | None]] = [
        (c, g) for c in kids if c.dep_ in ("prep", "agent") for g in _pobjs(c)
    ]
    pps += [(c, None) for c in kids if c.dep_ in ("prep", "agent") and not _pobjs(c)]
    pps += [(c, g) for o in objs for c in o.children if c.dep_ == "prep" for g in _pobjs(c)]
    prts = {c.lower_ for c in kids if c.dep_ in ("prt", "advmod", "acomp")}
    subjects = {w for c in kids if c.dep_ in ("nsubj", "nsubjpass") for w in _forms(c)}
    keys = {"obj:" + w for o in objs for w in _forms(o)}
    keys |= {"pp:" + p.lower_ for p, _ in pps} | {"prt:" + w for w in prts} | {"src:" + w for w in subjects}
    best: tuple[int, int, Pattern, Token | None, list[Token], list[Token]] | None = None
    for rank, (block, _) in enumerate(entry.blocks):
        seen: set[int] = set()
        for key in keys:
            for pattern in block.index.get(key, ()):
                if id(pattern) in seen:
                    continue
                seen.add(id(pattern))
                found = _match(pattern, objs, pps, prts, subjects)
                if found is None:
                    continue
                score = (pattern.specificity, -rank * 10000 - pattern.order)
                if best is None or score > best[:2]:
                    best = (*score, pattern, *found)
    verb_name = " ".join((*entry.before, entry.lemma, *entry.after))
    if best is not None:
        pattern, used_noun, used, open_pobjs = best[2:]
        code = _source_side(pattern.code)
        return _result(code, True, verb_name, verb, objs, pps, used_noun, used, open_pobjs)
    block, own = entry.blocks[0]
    code = _source_side(own if own is not None else block.code)
    return _result(code, False, verb_name, verb, objs, pps, None, [], [])


def _pobjs(prep: Token) -> list[Token]:
    return [g for g in prep.children if g.dep_ in ("pobj", "pcomp")]


def _match(
    pattern: Pattern,
    objs: list[Token],
    pps: Sequence[tuple[Token, Token | None]],
    prts: set[str],
    subjects: set[str],
) -> tuple[Token | None, list[Token], list[Token]] | None:
    """If the pattern matches: the object noun it used, the prepositions' objects it used as
    nouns ("for TALKS") and those of its prepositions without a noun ("attack AGAINST X")."""
    if pattern.src and not any(w.split()[-1] in subjects for w in pattern.src):
        return None
    if any(p not in prts for p in pattern.prt):
        return None
    noun = None
    if pattern.obj is not None:
        noun = next((o for o in objs if _phrase_matches(pattern.obj, o)), None)
        if noun is None:
            return None
    used: list[Token] = []
    open_pobjs: list[Token] = []
    for preps, phrase in pattern.pps:
        hit = next(
            (
                (p, g)
                for p, g in pps
                if p.lower_ in preps and (phrase is None or (g is not None and _phrase_matches(phrase, g)))
            ),
            None,
        )
        if hit is None:
            return None
        if hit[1] is not None:
            (used if phrase is not None else open_pobjs).append(hit[1])
    return noun, used, open_pobjs


def _source_side(code: str | None) -> str | None:
    """The source side of a code pair ("042:043" -> "042"; ":173" -> None)."""
    if code is None:
        return None
    side = code.split(":", 1)[0]
    return side or None


def _result(
    code: str | None,
    pattern: bool,
    verb_name: str,
    verb: Token,
    objs: list[Token],
    pps: Sequence[tuple[Token, Token | None]],
    noun: Token | None,
    used: list[Token],
    open_pobjs: list[Token],
) -> CameoMatch:
    objects = [o for o in objs if o != noun and o.dep_ != "attr"]
    for dative in (c for c in verb.children if c.dep_ == "dative"):  # "gave Kyiv arms", "sent arms to Kyiv"
        objects += _pobjs(dative) if dative.pos_ == "ADP" else [dative]
    taken = set(used) | set(open_pobjs)
    return CameoMatch(
        code=code,
        property=property_of(code),
        family=family_of(code),
        planned=bool(code and code.startswith("03")),
        pattern=pattern,
        verb=verb_name,
        noun=noun,
        objects=tuple(dict.fromkeys(objects)),
        open=tuple(dict.fromkeys(open_pobjs)),
        preps=tuple((p.lower_, g) for p, g in pps if g is not None and g not in taken),
        owners=tuple(c for o in objs for c in o.children if c.dep_ in OWNER_DEPS),
    )
