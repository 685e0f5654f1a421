"""Convert PETRARCH2's CAMEO verb dictionary into kg's compact `cameo_verbs.yaml`.

    python scripts/petrarch/convert_verbs.py /work/shared/resources/petrarch2 kg/extract/data/

reads `CAMEO.2.0.txt` (and `LICENSE`) from the first folder and writes `cameo_verbs.yaml` and
`LICENSE-petrarch2.txt` into the second. The dictionary's format is documented in PETRARCH2's
`dictionaries.rst`: synonym sets (`&NAME` then `+WORD` lines), then verb blocks
(`---  NAME  [code]  ---`, member verbs with irregular forms in `{...}` and multi-word verbs
marked `+`, then patterns `- SOURCE * OBJECT (PREP NOUN) [code]`).

What is kept, per verb block: its default code, each member verb's own code, and each pattern as
its parts (source-side noun, particles, object noun and its modifiers, prepositional phrases) with
words lower-cased, nouns made singular and synonym sets expanded; actor markers (`$ + ^ %`) only
leave a preposition without a noun constraint. Transformations (`~` lines) are left out.

Malformed lines raise `DictionaryError` naming the file and line. A few pattern lines of the real
file are malformed (a stray word after the pattern, an undefined synonym set): the command line
skips those with a warning naming file and line, as PETRARCH ignores them (`--strict` fails on
them instead); a malformed header, verb or synonym line always fails.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("convert_verbs")

SOURCE = "github.com/openeventdata/petrarch2 @ 676801c, petrarch2/data/dictionaries/CAMEO.2.0.txt"
DICTIONARY = "CAMEO.2.0.txt"
OUTPUT = "cameo_verbs.yaml"
LICENSE_COPY = "LICENSE-petrarch2.txt"

#: Words that, before the object noun of a pattern, are the verb's particle ("SET OUT VIEWS").
PARTICLES = frozenset(
    {"up", "down", "off", "out", "away", "back", "forward", "over", "aside", "ahead", "together", "apart"}
    | {"along", "around", "through"}
)
#: Words that, bare after the object noun, open a prepositional phrase ("SANCTIONS AGAINST").
PREPOSITIONS = frozenset(
    """about above across after against along amid among around as at before behind below beneath beside
    between beyond by despite during for from in inside into near of off on onto out outside over
    since through to toward towards under until upon via with within without""".split()  # noqa: SIM905
)
MARKERS = frozenset({"$", "+", "^", "%"})
_CODE = re.compile(r"^(?:---|\d{2,4})?(?::(?:---|\d{2,4})?)?!?$")
_HEADER = re.compile(r"^---\s*([^\s\[\]-][^\s\[\]]*)\s*(?:\[([^\]]*)\])?[\s-]*$")
_ELEMENT = re.compile(r"\{[^{}()]*\}|\([^()]*\)|\*|[^\s(){}*]+|\S")
_IRREGULAR_VERBS = {**dict.fromkeys(("is", "are", "am", "was", "were", "been"), "be"), "has": "have"}
#: Nouns whose final "s" is not a plural ending.
_NOT_PLURAL = frozenset(
    """news series species means headquarters crisis analysis basis thesis status campus chaos gas bus
    alias bias atlas lens physics politics economics overseas whereabouts arms aids hostilities us
    pass press process congress progress access address success business""".split()  # noqa: SIM905
)


class DictionaryError(ValueError):
    """A line of the dictionary that cannot be read; the message names the file and line."""


@dataclass
class Block:
    name: str
    code: str | None
    line: int
    patterns: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Dictionary:
    synsets: dict[str, list[str]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    #: verb phrase ("meet", "meet with", "wire +tap") -> [(block name, own code or None)]
    verbs: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def singular(word: str) -> str:
    """A dictionary noun's singular form, as spaCy lemmatizes it ("sanctions" -> "sanction")."""
    if word in _NOT_PLURAL or len(word) < 4 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _phrase(text: str) -> str:
    """A dictionary phrase (`ARMED_FORCES`, `CASH_`) as lower-case words, the last made singular."""
    words = [w for w in text.strip("_").lower().replace("_", " ").split() if w]
    if not words:
        return ""
    return " ".join([*words[:-1], singular(words[-1])])


def _code(text: str, where: str) -> str | None:
    code = text.strip()
    if not code or not _CODE.match(code):
        raise DictionaryError(f"{where}: bad CAMEO code [{text}]")
    code = code.rstrip("!")
    return None if code == "---" else code


def parse(text: str, path: str = DICTIONARY, *, lenient: bool = False) -> Dictionary:
    """The synonym sets, verb blocks and patterns of a verb dictionary's text."""
    out = Dictionary()
    synset: list[str] | None = None
    block: Block | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{path}:{number}"
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith("~"):  # transformations: verb-verb rules kg does not use
            continue
        if stripped.startswith("&"):
            name = stripped[1:].split()[0]
            synset = out.synsets.setdefault(name.rstrip("_"), [])
            block = None
            continue
        if stripped.startswith("---"):
            match = _HEADER.match(stripped)
            if match is None:
                raise DictionaryError(f"{where}: bad verb block header {stripped!r}")
            code = _code(match.group(2), where) if match.group(2) is not None else None
            block = Block(match.group(1).rstrip("_"), code, number)
            out.blocks.append(block)
            synset = None
            continue
        if stripped.startswith("-"):
            if block is None:
                raise DictionaryError(f"{where}: pattern outside a verb block")
            try:
                block.patterns.append(_pattern(stripped[1:], out.synsets, where))
            except DictionaryError as e:
                if not lenient:
                    raise
                log.warning("skipped: %s", e)
                out.skipped.append(str(e))
            continue
        if block is not None:
            _verb(stripped, block, out, where)
        elif synset is not None:
            if not stripped.startswith("+") or len(stripped.split()) != 1:
                raise DictionaryError(f"{where}: a synonym set member must be one +WORD, got {stripped!r}")
            if phrase := _phrase(stripped[1:]):
                synset.append(phrase)
        else:
            raise DictionaryError(f"{where}: line outside any synonym set or verb block: {stripped!r}")
    return out


def _verb(line: str, block: Block, out: Dictionary, where: str) -> None:
    """A member verb line: `WORD {forms} [code]`, `+MULTI_WORD {...} [code]` or `PRE_+VERB`
    (`;` starts a comment there, as in TABARI's dictionaries)."""
    line = line.split(";", 1)[0].rstrip()
    code = None
    if (found := re.search(r"\[([^\]]*)\]\s*$", line)) is not None:
        code = _code(found.group(1), where)
        line = line[: found.start()]
    line = re.sub(r"\{[^}]*\}", " ", line).strip()
    if not line or len(line.split()) != 1 or not re.fullmatch(r"[A-Za-z+_'.-]+", line):
        raise DictionaryError(f"{where}: bad verb line {line!r}")
    words = [w for w in line.lower().split("_") if w]
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    if len(words) > 1 and len(marked) != 1:
        raise DictionaryError(f"{where}: a multi-word verb needs one '+' on its verb, got {line!r}")
    head = marked[0] if marked else 0
    verb = words[head].lstrip("+")
    words[head] = _IRREGULAR_VERBS.get(verb, verb)
    key = " ".join(w if i != head or i == 0 else "+" + w for i, w in enumerate(words))
    out.verbs.setdefault(key, []).append((block.name, code))


def _alternatives(element: str, synsets: dict[str, list[str]], where: str) -> list[str]:
    """One pattern word: `WORD`, `A/B`, or `&SYNSET` (kept as a reference, `@synset`), as
    lower-case singular alternatives."""
    if element.startswith("&"):
        name = element[1:].rstrip("_")
        if name not in synsets:
            raise DictionaryError(f"{where}: undefined synonym set &{name}")
        return ["@" + name.lower()]
    if not re.fullmatch(r"[A-Za-z0-9_'./-]+", element):
        raise DictionaryError(f"{where}: bad pattern word {element!r}")
    return [p for p in (_phrase(w) for w in element.split("/")) if p]


def _noun_phrase(elements: list[str], synsets: dict[str, list[str]], where: str) -> dict[str, Any]:
    """Words (or `{WORD WORD}` groups) of a noun phrase: its head's alternatives and modifiers."""
    words: list[str] = []
    for element in elements:
        words.extend(element[1:-1].split() if element.startswith("{") else [element])
    words = [w for w in words if w not in MARKERS]
    if not words:
        return {}
    phrase: dict[str, Any] = {"noun": _alternatives(words[-1], synsets, where)}
    if words[:-1]:
        phrase["mods"] = [_alternatives(w, synsets, where) for w in words[:-1]]
    return phrase


def _pp(group: list[str], synsets: dict[str, list[str]], where: str) -> dict[str, Any]:
    """A prepositional phrase `(PREP [NOUN PHRASE])` or a bare `PREP [NOUN]` after the object."""
    prep, rest = group[0], group[1:]
    if prep.startswith(("{", "&")) or prep in MARKERS:
        raise DictionaryError(f"{where}: a prepositional phrase must start with a preposition")
    return {"prep": _alternatives(prep, synsets, where), **_noun_phrase(rest, synsets, where)}


def _pattern(text: str, synsets: dict[str, list[str]], where: str) -> dict[str, Any]:
    """One pattern line (after its leading '-'), as a mapping of its parts and its code."""
    found = re.search(r"\[([^\]]*)\]\s*$", text)
    if found is None:
        raise DictionaryError(f"{where}: pattern without a [code]")
    body = text[: found.start()]
    elements = _ELEMENT.findall(body)
    for element in elements:
        if element in "(){}" or element.count("(") != element.count(")"):
            raise DictionaryError(f"{where}: unbalanced brackets in pattern {body.strip()!r}")
    if elements.count("*") != 1:
        raise DictionaryError(f"{where}: a pattern needs exactly one '*' (the verb)")
    star = elements.index("*")
    before, after = elements[:star], elements[star + 1 :]
    pattern: dict[str, Any] = {"code": _code(found.group(1), where)}
    if (source := _noun_phrase([e for e in before if not e.startswith("(")], synsets, where)).get("noun"):
        pattern["src"] = source["noun"]
    pps = [
        _pp(inner, synsets, where)
        for e in after
        if e.startswith("(") and (inner := _ELEMENT.findall(e[1:-1]))
    ]
    # bare words: particles, then the object noun phrase, then maybe a bare preposition and its noun
    bare = [e for e in after if not e.startswith("(")]
    particles = []
    while bare and bare[0].lower() in PARTICLES:
        particles.append(bare.pop(0).lower())
    if particles:
        pattern["prt"] = particles
    cut = next((i for i, e in enumerate(bare) if e.lower() in PREPOSITIONS), len(bare))
    obj = _noun_phrase(bare[:cut], synsets, where)
    if obj.get("noun"):
        pattern["obj"] = obj["noun"]
        if obj.get("mods"):
            pattern["mods"] = obj["mods"]
    if bare[cut:]:
        pps.append(_pp(bare[cut:], synsets, where))
    if pps:
        pattern["pp"] = pps
    return pattern


def encode(pattern: dict[str, Any]) -> str:
    """A pattern as kg's one-line form: `CODE src=A|B prt=W obj=A|B mod=A pp=PREP|PREP:NOUN:MOD`
    (code `-`: no event; words of a phrase joined by `_`; `@name`: a synonym set)."""

    def alts(words: list[str]) -> str:
        return "|".join(w.replace(" ", "_") for w in words)

    parts = [pattern["code"] or "-"]
    if "src" in pattern:
        parts.append("src=" + alts(pattern["src"]))
    parts += ["prt=" + w for w in pattern.get("prt", ())]
    if "obj" in pattern:
        parts.append("obj=" + alts(pattern["obj"]))
    parts += ["mod=" + alts(m) for m in pattern.get("mods", ())]
    for pp in pattern.get("pp", ()):
        fields = [alts(pp["prep"])]
        if "noun" in pp:
            fields += [alts(pp["noun"]), *(alts(m) for m in pp.get("mods", ()))]
        parts.append("pp=" + ":".join(fields))
    return " ".join(parts)


def verb_table(dictionary: Dictionary) -> dict[str, list[list[str | None]]]:
    """Verb phrase -> its blocks, the one whose code the lone verb takes first: the block that
    gives the verb its own code, else the block named after the verb, else the first."""
    out = {}
    for verb, entries in sorted(dictionary.verbs.items()):
        bare = verb.replace("+", "").replace(" ", "_")

        def rank(entry: tuple[str, str | None], bare: str = bare) -> int:
            return 0 if entry[1] is not None else 1 if entry[0].lower() == bare else 2

        unique = list(dict.fromkeys(entries))
        out[verb] = [[b, c] for b, c in sorted(unique, key=rank)]
    return out


def to_yaml(dictionary: Dictionary, source: str = SOURCE) -> str:
    """The compact YAML kg loads at run time, with a header naming the source and licence."""
    header = (
        "# CAMEO verb patterns for kg's relation rules (kg/extract/cameo.py), converted from the\n"
        "# PETRARCH2 verb dictionary by scripts/petrarch/convert_verbs.py. Do not edit: re-run it.\n"
        f"# Source: {source}\n"
        "# Licence: MIT, Copyright (c) 2014-2015 Open Event Data Alliance; the licence text is\n"
        f"# {LICENSE_COPY} beside this file.\n"
        "#\n"
        "# synsets: name -> its words (lower case, nouns singular, words of a phrase joined by '_').\n"
        "# verbs: verb lemma (a multi-word verb: its words, '+' on the verb when it is not the first)\n"
        "#   -> its verb blocks, 'BLOCK' or 'BLOCK=code' when the verb has its own code; the block\n"
        "#   whose code the lone verb takes comes first.\n"
        "# blocks: name -> code (the block's default CAMEO code; null: no event) and patterns, one a\n"
        "#   line: 'CODE src=.. prt=.. obj=.. mod=.. pp=PREP:NOUN:MOD', where CODE '-' is no event and\n"
        "#   'a:b' is source side : target side; src is the subject's noun, prt a particle, obj the\n"
        "#   object's head noun, mod a word before it, pp a prepositional phrase; 'A|B' are\n"
        "#   alternatives, '@name' a synonym set.\n"
    )
    lines = [f"source: {_flow(source)}", "licence: MIT", "synsets:"]
    lines += [
        f"  {_flow(name.lower())}: {_flow([w.replace(' ', '_') for w in words])}"
        for name, words in dictionary.synsets.items()
    ]
    lines.append("verbs:")
    for verb, entries in verb_table(dictionary).items():
        blocks = " ".join(b if c is None else f"{b}={c}" for b, c in entries)
        lines.append(f"  {_flow(verb)}: {_flow(blocks)}")
    lines.append("blocks:")
    for block in dictionary.blocks:
        lines.append(f"  {_flow(block.name)}:")
        lines.append(f"    code: {_flow(block.code)}")
        lines.append("    patterns:" + ("" if block.patterns else " []"))
        lines += [f"    - {_flow(encode(p))}" for p in block.patterns]
    return header + "\n".join(lines) + "\n"


def _flow(value: object) -> str:
    """One value as a single line of YAML flow style."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True)
    return text.removesuffix("\n...\n").strip()


def convert(source_dir: Path, out_dir: Path, *, lenient: bool = True) -> Dictionary:
    path = source_dir / DICTIONARY
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise DictionaryError(f"{path}: cannot read: {e}") from e
    dictionary = parse(text, str(path), lenient=lenient)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / OUTPUT).write_text(to_yaml(dictionary), encoding="utf-8")
    licence = source_dir / "LICENSE"
    if licence.is_file():
        shutil.copyfile(licence, out_dir / LICENSE_COPY)
    return dictionary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="the folder of PETRARCH2's dictionaries")
    parser.add_argument("out", type=Path, help="where to write cameo_verbs.yaml (kg/extract/data/)")
    parser.add_argument("--strict", action="store_true", help="fail on the first malformed pattern line")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        dictionary = convert(args.source, args.out, lenient=not args.strict)
    except DictionaryError as e:
        log.error("error: %s", e)
        return 1
    patterns = sum(len(b.patterns) for b in dictionary.blocks)
    log.info(
        "%s: %d verbs, %d blocks, %d patterns, %d synonym sets; %d malformed lines skipped",
        args.out / OUTPUT,
        len(dictionary.verbs),
        len(dictionary.blocks),
        patterns,
        len(dictionary.synsets),
        len(dictionary.skipped),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
