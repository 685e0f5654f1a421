"""kg's spaCy components as spaCy components: settings through `add_pipe(config=...)`, data read in
`initialize` and saved with the pipeline, a saved pipeline extracting as the original did, and
the caller's tokenizer left alone."""

from __future__ import annotations

import datetime
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.language import Language

from kg.core.types import Document
from kg.extract import gazetteer, knowledge, pipeline
from kg.extract.document import extract
from kg.extract.pipeline import add_kg_components, build_nlp, kg_tokenizer
from kg.pipeline.build import build_documents

ROOT = Path(__file__).resolve().parent.parent

# Our own sentences: metonymy, surnames, a CAMEO-only verb, a country pair, officials and a meeting.
DOCUMENTS = (
    Document(
        "roundtrip-1",
        "Moscow condemned the sanctions imposed by Washington.\n\n"
        "The Syrian army bombarded rebel-held Aleppo on Tuesday. The U.S.-Iraq partnership held.",
        published=datetime.date(2012, 3, 6),
    ),
    Document(
        "roundtrip-2",
        "Hamid Karzai met Tony Blair in Kabul. Karzai said Afghanistan would join NATO exercises, "
        "and Blair promised British support.",
        published=datetime.date(2004, 5, 1),
    ),
)


def _blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture(scope="module")
def saved(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kg-pipeline")
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def restored(saved: Path) -> Language:
    """The saved pipeline loaded again, with the gazetteer pattern builder unavailable meanwhile."""

    def rebuilt() -> None:
        raise AssertionError("a saved kg pipeline rebuilt its gazetteer patterns")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "ruler_patterns", rebuilt)
        mp.setattr(gazetteer, "ruler_patterns", rebuilt)
        return build_nlp(saved)


def test_extract_components_saved_pipeline_extracts_the_same(nlp: Language, restored: Language) -> None:
    assert restored.pipe_names == nlp.pipe_names
    assert restored.get_pipe("kg_gazetteer").patterns == nlp.get_pipe("kg_gazetteer").patterns  # type: ignore[attr-defined]
    original, again = list(extract(nlp, DOCUMENTS)), list(extract(restored, DOCUMENTS))
    assert again == original
    assert {m.key for r in original for m in r.mentions} >= {"Country:RUS", "Person:hamid-karzai"}
    assert {c.evidence.rule for r in original for c in r.claims} >= {"cameo:bombard", "verb-frame:meet"}
    _, graph = build_documents(DOCUMENTS, nlp=nlp)
    _, graph_again = build_documents(DOCUMENTS, nlp=restored)
    assert graph_again.serialize(format="trig") == graph.serialize(format="trig")


def test_extract_components_saved_pipeline_keeps_the_tokenizer_setting(restored: Language) -> None:
    doc = restored("The U.S.-Iraq partnership")
    assert [t.text for t in doc] == ["The", "U.S.", "-", "Iraq", "partnership"]


def test_extract_components_saved_pipeline_keeps_its_settings(nlp: Language, saved: Path) -> None:
    off = spacy.load(saved, config={"components": {"kg_coref": {"metonymy": False}}})
    assert off.get_pipe("kg_coref").metonymy is False  # type: ignore[attr-defined]
    off.to_disk(saved.parent / "metonymy-off")
    again = build_nlp(saved.parent / "metonymy-off")
    assert again.get_pipe("kg_coref").metonymy is False  # type: ignore[attr-defined]
    text = "Moscow condemned the sanctions."
    doc, doc_again = nlp(text), again(text)
    assert [s.kb_id_ for s in doc.spans["kg"]] == ["Country:RUS"]
    assert [s.kb_id_ for s in doc_again.spans["kg"]] == ["City:moscow"]


def test_extract_components_add_kg_components_leaves_the_callers_tokenizer(nlp: Language) -> None:
    caller = _blank()
    tokenizer, infixes = caller.tokenizer, caller.tokenizer.infix_finditer  # type: ignore[attr-defined]
    before = [t.text for t in caller.make_doc("The U.S.-Iraq partnership")]
    add_kg_components(caller)
    assert caller.tokenizer is tokenizer and caller.tokenizer.infix_finditer is infixes  # type: ignore[attr-defined]
    assert [t.text for t in caller.make_doc("The U.S.-Iraq partnership")] == before
    assert "U.S.-Iraq" in before  # spaCy's own rules keep it whole ...
    assert [t.text for t in nlp.make_doc("U.S.-Iraq")] == ["U.S.", "-", "Iraq"]  # ... kg's pipeline splits it
    copy = kg_tokenizer(caller)
    assert copy is not tokenizer and [t.text for t in copy("U.S.-Iraq")] == ["U.S.", "-", "Iraq"]


def test_extract_components_paragraphs_min_newlines() -> None:
    text = "Talks resume\nThe envoys met in Doha."
    for setting, split in ((2, False), (1, True)):
        nlp = spacy.blank("en")
        nlp.add_pipe("kg_paragraphs", config={"min_newlines": setting})
        doc = nlp(text)
        assert bool(doc[3].is_sent_start) is split, setting
    with pytest.raises(ValueError, match="min_newlines"):
        spacy.blank("en").add_pipe("kg_paragraphs", config={"min_newlines": 0})


def test_extract_components_entities_phoenix_setting() -> None:
    """Without the Phoenix dictionaries, a Phoenix-only person is neither a pattern nor an entity;
    curated entries stay."""
    with_phoenix, without = (
        add_kg_components(_blank()),
        add_kg_components(_blank(), {"kg_entities": {"phoenix": False}}),
    )
    for nlp, known in ((with_phoenix, True), (without, False)):
        patterns = {p["pattern"] for p in nlp.get_pipe("kg_gazetteer").patterns}  # type: ignore[attr-defined]
        assert ("Hamid Karzai" in patterns) is known
        assert {"NATO", "Vladimir Putin", "Kabul"} <= patterns
        doc = nlp("Hamid Karzai flew to Kabul.")
        keys = {s.kb_id_ for s in doc.spans["kg"]}
        assert ("Person:hamid-karzai" in keys) is known and "Country:AFG" in keys  # Kabul: its seat
    assert without.get_pipe("kg_entities").knowledge.phoenix is False  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="no kg component"):
        add_kg_components(_blank(), {"kg_entity": {"phoenix": False}})


def test_extract_components_relations_cameo_verbs_setting(nlp: Language) -> None:
    """ "bombarded" is not a lexicon verb: only the CAMEO dictionary makes it an attack."""
    off = spacy.blank("en")
    relations = off.add_pipe("kg_relations", config={"cameo_verbs": False})
    doc = nlp("The Syrian army bombarded rebel-held Aleppo.")
    rules = {c.rule for c in doc._.kg_claims}
    assert "cameo:bombard" in rules
    assert "cameo:bombard" not in {c.rule for c in relations(doc)._.kg_claims}
    assert "government-body" in {c.rule for c in doc._.kg_claims}


def _data_with_organization(folder: Path) -> Path:
    """A copy of kg's data tables with one made-up international organization."""
    knowledge.default().write(folder)
    table = folder / "organizations.yaml"
    data = yaml.safe_load(table.read_text(encoding="utf-8"))
    data["InternationalOrganization"].append({"label": "Zorvan Council", "names": ["Zorvan Council"]})
    table.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_extract_components_data_dir_is_saved_and_used_after_loading(tmp_path: Path) -> None:
    data_dir = _data_with_organization(tmp_path / "data")
    nlp = add_kg_components(_blank(), data_dir=data_dir)
    text = "Chile joined the Zorvan Council."
    key = "InternationalOrganization:zorvan-council"
    doc = nlp(text)
    assert key in {s.kb_id_ for s in doc.spans["kg"]}
    assert gazetteer.lookup("Zorvan Council") is None  # the package's own tables are untouched
    nlp.to_disk(tmp_path / "pipeline")
    (data_dir / "organizations.yaml").unlink()  # the saved pipeline carries its own copy
    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded(text)
    assert key in {s.kb_id_ for s in doc.spans["kg"]}
    assert doc._.kg_knowledge.digest == nlp.get_pipe("kg_entities").knowledge.digest  # type: ignore[attr-defined]
    # to_bytes/from_bytes carry the tables too
    entities = spacy.blank("en").add_pipe("kg_entities")
    entities.from_bytes(nlp.get_pipe("kg_entities").to_bytes())  # type: ignore[attr-defined]
    with knowledge.using(entities.knowledge):  # type: ignore[attr-defined]
        found = gazetteer.lookup("Zorvan Council")
    assert found is not None and found.key == key


def test_extract_components_knowledge_is_active_only_inside_a_call() -> None:
    other = knowledge.load({"cameo_verbs.yaml": "{}"}, phoenix=False)
    assert knowledge.active() is knowledge.default()
    with knowledge.using(other):
        assert knowledge.active() is other and not knowledge.active().phoenix
    assert knowledge.active() is knowledge.default()
    assert knowledge.load(dict(other.files), phoenix=False) is other  # same content: the same object


def test_extract_components_spacy_finds_the_factories_by_entry_point(tmp_path: Path) -> None:
    """pyproject's `spacy_factories` entry points let spacy.load a saved kg pipeline in a program
    that never imports kg (here declared by a stand-in distribution, as an install would)."""
    add_kg_components(_blank()).to_disk(tmp_path / "pipeline")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    factories = project["entry-points"]["spacy_factories"]
    assert set(factories) == {"kg_paragraphs", "kg_entities", "kg_coref", "kg_relations"}
    dist = tmp_path / "site" / "kg_entry_points-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kg-entry-points\nVersion: 0\n")
    lines = [f"{name} = {target}" for name, target in factories.items()]
    (dist / "entry_points.txt").write_text("[spacy_factories]\n" + "\n".join(lines) + "\n")
    code = (
        "import sys, spacy\n"
        f"nlp = spacy.load({str(tmp_path / 'pipeline')!r})\n"
        "doc = nlp('Chile and Peru signed the pact in Lima.')\n"
        "print(sorted({s.kb_id_ for s in doc.spans['kg']}))\n"
    )
    env = {"PYTHONPATH": f"{tmp_path / 'site'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "['Country:CHL', 'Country:PER']"  # Lima: Peru's seat, no parse
