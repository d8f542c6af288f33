"""The taxonomy file: the packaged default, every problem reported at once, taxonomies from training labels."""

from __future__ import annotations

import dataclasses
import pickle
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.classify.frozen_map import FrozenMap
from analyzer.classify.taxonomy import (
    DEFAULT_SOURCE,
    Taxonomy,
    TaxonomyError,
    Touchpoint,
    UnknownTouchpoint,
    load_taxonomy,
    parse_taxonomy,
    taxonomy_from_labels,
)
from analyzer.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "analyzer" / "classify" / "taxonomy.toml"
FILES = Path(__file__).resolve().parent / "data" / "taxonomy"
BAD_FILES = sorted(FILES.glob("bad_*.toml"))
GOOD_FILES = sorted(FILES.glob("good_*.toml"))

TOUCHPOINTS = ("advertising", "website", "product", "support", "logistics", "price", "premises", "other")
LANGUAGES = ("en", "ru", "ro", "el", "fa", "kk")
SCRIPT_OF = {"en": "LATIN", "ro": "LATIN", "ru": "CYRILLIC", "kk": "CYRILLIC", "el": "GREEK", "fa": "ARABIC"}


def expected_problems(path: Path) -> list[str]:
    """The problems a bad example file declares in its '# problem: ...' comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# problem: ") for line in lines if line.startswith("# problem: ")]


def statement_lines(text: str) -> list[tuple[int, str]]:
    """Lines holding a key or a table header, skipping comments, blank lines and the inside of multi-line arrays."""
    found, depth = [], 0
    for number, line in enumerate(text.splitlines(), 1):
        code = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', '""', line).split("#", 1)[0]
        if depth == 0 and code.strip():
            found.append((number, line))
        depth += code.count("[") + code.count("{") - code.count("]") - code.count("}")
    return found


def scripts(word: str) -> set[str]:
    return {unicodedata.name(char).split()[0] for char in word if char.isalpha()}


# --- the packaged default ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [None, DEFAULT_FILE])
def test_taxonomy_default_loads(path: Path | None) -> None:
    taxonomy = load_taxonomy(path)
    assert taxonomy.name == "customer journey (default)"
    assert taxonomy.version == 1
    assert taxonomy.source == (DEFAULT_SOURCE if path is None else str(DEFAULT_FILE))
    assert taxonomy.sentiments == ("negative", "neutral", "positive")
    assert dict(taxonomy.sentiment_scores) == {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


@pytest.mark.parametrize("expected", [TOUCHPOINTS])
def test_taxonomy_default_touchpoints_in_order(expected: tuple[str, ...]) -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.names == expected
    for touchpoint in taxonomy.touchpoints:
        assert touchpoint.title != touchpoint.name
        assert 40 <= len(touchpoint.description) <= 300, touchpoint.name


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", TOUCHPOINTS[:-1])
def test_taxonomy_default_seeds_in_every_language(name: str, lang: str) -> None:
    terms = load_taxonomy().get(name).seeds[lang]
    assert 12 <= len(terms) <= 25, len(terms)
    for term in terms:
        assert term == term.strip() == term.lower() == unicodedata.normalize("NFC", term), term
        for word in re.split(r"[\s\-]+", term):
            assert len(scripts(word)) <= 1, f"{term!r} mixes scripts in one word"
    native = [term for term in terms if scripts(term) == {SCRIPT_OF[lang]}]
    assert len(native) >= 0.75 * len(terms), sorted(set(terms) - set(native))


@pytest.mark.parametrize(("lang", "wrong", "why"), [
    ("fa", r"[\u064a\u0643]", "Arabic yeh/kaf where Persian uses ی/ک"),
    ("ro", r"[\u015f\u0163]", "s/t with cedilla where Romanian uses ș/ț (comma below)"),
    ("el", r"σ\b", "medial sigma at the end of a word"),
])
def test_taxonomy_default_seeds_spelt_right(lang: str, wrong: str, why: str) -> None:
    for name, terms in load_taxonomy().seed_terms(lang).items():
        for term in terms:
            assert not re.search(wrong, term), (name, term, why)


@pytest.mark.parametrize("name", ["other"])
def test_taxonomy_default_other_has_no_seeds(name: str) -> None:
    touchpoint = load_taxonomy().get(name)
    assert dict(touchpoint.seeds) == {}
    assert touchpoint.description


@pytest.mark.parametrize("path", [DEFAULT_FILE])
def test_taxonomy_default_every_key_commented(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    statements = statement_lines("\n".join(lines))
    assert len(statements) > 60
    for number, line in statements:
        assert re.match(r"^\s*(\[[^\]]+\]\s*$|[\w.\"'-]+\s*=)", line), f"line {number} is neither a key nor a table: {line!r}"
        assert lines[number - 2].lstrip().startswith("#"), f"line {number} has no comment above it: {line!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_taxonomy_seed_terms_cover_every_touchpoint(lang: str) -> None:
    terms = load_taxonomy().seed_terms(lang)
    assert tuple(terms) == TOUCHPOINTS
    assert terms["other"] == ()
    assert load_taxonomy().seed_terms(lang.upper()) == terms


@pytest.mark.parametrize(("lang", "term", "touchpoint"), [
    ("en", "courier", "logistics"),
    ("ru", "доставили", "logistics"),
    ("ro", "factură", "price"),
    ("el", "εξυπηρέτηση", "support"),
    ("fa", "پشتیبانی", "support"),
    ("kk", "кезек", "premises"),
    ("fa", "وب‌سایت", "website"),
])
def test_taxonomy_seed_terms_find_a_term(lang: str, term: str, touchpoint: str) -> None:
    assert term in load_taxonomy().seed_terms(lang)[touchpoint]


# --- other files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOOD_FILES, ids=lambda path: path.name)
def test_taxonomy_good_files_load(path: Path) -> None:
    taxonomy = load_taxonomy(path)
    assert taxonomy.source == str(path)
    assert taxonomy.names


@pytest.mark.parametrize("path", [FILES / "good_minimal.toml"])
def test_taxonomy_defaults_fill_a_minimal_file(path: Path) -> None:
    taxonomy = load_taxonomy(path)
    assert (taxonomy.name, taxonomy.version, taxonomy.sentiments) == ("good_minimal", 1, ("negative", "neutral", "positive"))
    assert taxonomy.get("billing") == Touchpoint("billing", "billing", "", {})


@pytest.mark.parametrize("path", [FILES / "good_training_labels.toml"])
def test_taxonomy_names_with_slash_hash_colon(path: Path) -> None:
    taxonomy = load_taxonomy(path)
    assert taxonomy.names == ("food#quality", "anecdotes/miscellaneous", "service:speed")
    assert taxonomy.get("food#quality").seeds["fa"] == ("غذا", "کیفیت غذا", "بی‌مزه")
    assert taxonomy.score("conflict") == 0.0 and taxonomy.score("negative") == -1.0
    assert isinstance(taxonomy.score("positive"), float)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda path: path.name)
def test_taxonomy_bad_files_report_every_problem(path: Path) -> None:
    expected = expected_problems(path)
    assert expected, f"{path.name} declares no '# problem:' lines"
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    assert caught.value.problems == expected
    message = str(caught.value)
    if expected[0].startswith("not valid TOML"):
        assert message == f"{path}: {expected[0]}"
    else:
        count = f"{len(expected)} problem{'s' if len(expected) > 1 else ''}"
        assert message == f"{path}: {count} in the taxonomy: {'; '.join(expected)}"
    assert "\n" not in message


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("missing.toml", None, "{path}: no such taxonomy file"),
    ("folder.toml", "folder", "{path}: is a folder, not a taxonomy file"),
    ("cp1251.toml", "[touchpoints.price]\ntitle = \"Цена\"\n".encode("cp1251"),
     "{path}: not UTF-8 text: byte 0xd6 on line 2 cannot be decoded; save the file as UTF-8"),
    ("trailing.toml", b"[touchpoints.price]\ntitle = \"x\"\n[",
     "{path}: not valid TOML at the end of the file: Invalid initial character for a key part"),
])
def test_taxonomy_unreadable_files(tmp_path: Path, name: str, content: bytes | str | None, expected: str) -> None:
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    assert str(caught.value) == expected.format(path=path)
    assert caught.value.problems == [expected.format(path=path).removeprefix(f"{path}: ")]


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf"])
def test_taxonomy_byte_order_mark_accepted(write_file: Callable[..., Path], bom: bytes) -> None:
    path = write_file("bom.toml", bom + "[touchpoints.price]\ntitle = \"Цена\"\n".encode())
    assert load_taxonomy(path).get("price").title == "Цена"


@pytest.mark.parametrize("error", [TaxonomyError("x.toml: no such taxonomy file"), UnknownTouchpoint("'x' is not a touchpoint")])
def test_taxonomy_errors_are_usage_errors(error: TaxonomyError) -> None:
    assert isinstance(error, UsageError) and error.exit_code == 2
    assert error.problems == [str(error)]


@pytest.mark.parametrize(("text", "source", "expected"), [
    ('[touchpoints.price]\nseeds.ru = "цена"', "inline",
     "inline: 1 problem in the taxonomy: [touchpoints -> price -> seeds -> ru] must be a list of strings, got str 'цена'"),
    ("touchpoints = []", "<string>",
     "<string>: 1 problem in the taxonomy: [touchpoints] must be a table with one table per touchpoint, got list"),
])
def test_taxonomy_parse_text(text: str, source: str, expected: str) -> None:
    with pytest.raises(TaxonomyError, match=re.escape(expected) + "$"):
        parse_taxonomy(text, source)


# --- looking things up ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("prices", "'prices' is not a touchpoint of this taxonomy (did you mean 'price'?); touchpoints: " + ", ".join(TOUCHPOINTS)),
    ("zzz", "'zzz' is not a touchpoint of this taxonomy; touchpoints: " + ", ".join(TOUCHPOINTS)),
])
def test_taxonomy_get_unknown_touchpoint(name: str, expected: str) -> None:
    taxonomy = load_taxonomy()
    with pytest.raises(UnknownTouchpoint) as caught:
        taxonomy.get(name)
    assert str(caught.value) == expected
    assert name not in taxonomy and "price" in taxonomy


@pytest.mark.parametrize(("sentiment", "score"), [("positive", 1.0), ("negative", -1.0), ("neutral", 0.0), ("sarcastic", 0.0)])
def test_taxonomy_score(sentiment: str, score: float) -> None:
    assert load_taxonomy().score(sentiment) == score


# --- taxonomies from training labels -------------------------------------------------------------


@pytest.mark.parametrize(("labels", "names"), [
    (["food#quality", "anecdotes/miscellaneous", "service", "food#quality"],
     ("anecdotes/miscellaneous", "food#quality", "service")),
    (["FOOD#QUALITY", "RESTAURANT#GENERAL"], ("FOOD#QUALITY", "RESTAURANT#GENERAL")),
    (["price", "logistics", "billing"], ("billing", "logistics", "price")),
])
def test_taxonomy_from_labels_names_sorted(labels: list[str], names: tuple[str, ...]) -> None:
    taxonomy = taxonomy_from_labels(labels, ["negative", "positive"])
    assert taxonomy.names == names
    assert all(tp.title == tp.name and tp.description == "" and not tp.seeds for tp in taxonomy.touchpoints)
    assert taxonomy.source == "training labels"


@pytest.mark.parametrize(("label", "title"), [
    ("price", "Price & payment"),
    ("Logistics", "Delivery & pickup"),
    ("food#quality", "food#quality"),
])
def test_taxonomy_from_labels_reuses_base(label: str, title: str) -> None:
    base = load_taxonomy()
    touchpoint = taxonomy_from_labels([label, "anecdotes/miscellaneous"], ["positive"], base=base).get(label)
    assert touchpoint.title == title
    if title != label:
        assert touchpoint.seeds == base.get(label.lower()).seeds
        assert touchpoint.description == base.get(label.lower()).description


@pytest.mark.parametrize(("sentiments", "base", "expected"), [
    (["positive", "conflict", "negative", "neutral"], None, {"negative": -1.0, "conflict": 0.0, "neutral": 0.0, "positive": 1.0}),
    (["Positive", "Negative"], None, {"Negative": -1.0, "Positive": 1.0}),
    (["mixed", "positive"], None, {"mixed": 0.0, "positive": 1.0}),
    (["conflict", "positive"], FILES / "good_training_labels.toml", {"conflict": 0.0, "positive": 1.0}),
    ([], None, {"negative": -1.0, "neutral": 0.0, "positive": 1.0}),
])
def test_taxonomy_from_labels_sentiments(sentiments: list[str], base: Path | None, expected: dict[str, float]) -> None:
    taxonomy = taxonomy_from_labels(["food#quality"], sentiments, base=load_taxonomy(base) if base else None)
    assert taxonomy.sentiments == tuple(expected)
    assert dict(taxonomy.sentiment_scores) == expected


@pytest.mark.parametrize(("base_scores", "expected"), [({"negative": -0.5, "positive": 0.75}, (-0.5, 0.75))])
def test_taxonomy_from_labels_scores_from_base(base_scores: dict[str, float], expected: tuple[float, float]) -> None:
    base = Taxonomy("mine", 1, (Touchpoint("price"),), tuple(base_scores), base_scores)
    taxonomy = taxonomy_from_labels(["price"], ["positive", "negative"], base=base)
    assert (taxonomy.score("negative"), taxonomy.score("positive")) == expected


@pytest.mark.parametrize(("labels", "sentiments", "problems"), [
    ([], ["positive"], ["no touchpoint labels given: a taxonomy needs at least one touchpoint"]),
    (["price", float("nan"), " "], ["positive", None],
     ["touchpoint label 2 must be a non-blank string, got float nan",
      "touchpoint label 3 must be a non-blank string, got str ' '",
      "sentiment label 2 must be a non-blank string, got None"]),
])
def test_taxonomy_from_labels_rejects_bad_labels(labels: list, sentiments: list, problems: list[str]) -> None:
    with pytest.raises(TaxonomyError) as caught:
        taxonomy_from_labels(labels, sentiments)
    assert caught.value.problems == problems
    assert str(caught.value).startswith(f"training labels: {len(problems)} problem")


# --- immutability --------------------------------------------------------------------------------


def _set_name(t: Taxonomy) -> None:
    t.name = "x"  # type: ignore[misc]


def _set_title(t: Taxonomy) -> None:
    t.touchpoints[0].title = "x"  # type: ignore[misc]


def _add_seed_language(t: Taxonomy) -> None:
    t.touchpoints[0].seeds["de"] = ("werbung",)  # type: ignore[index]


def _append_seed(t: Taxonomy) -> None:
    t.touchpoints[0].seeds["en"].append("x")  # type: ignore[attr-defined]


def _set_score(t: Taxonomy) -> None:
    t.sentiment_scores["positive"] = 0.5  # type: ignore[index]


def _append_touchpoint(t: Taxonomy) -> None:
    t.touchpoints.append(Touchpoint("x"))  # type: ignore[attr-defined]


def _replace_seed_store(t: Taxonomy) -> None:
    t.touchpoints[0].seeds._data = {}  # type: ignore[attr-defined]


@pytest.mark.parametrize("mutate", [_set_name, _set_title, _add_seed_language, _append_seed, _set_score, _append_touchpoint,
                                    _replace_seed_store])
def test_taxonomy_is_immutable(mutate: Callable[[Taxonomy], None]) -> None:
    taxonomy = load_taxonomy()
    with pytest.raises((dataclasses.FrozenInstanceError, TypeError, AttributeError)):
        mutate(taxonomy)
    assert taxonomy == load_taxonomy()


@pytest.mark.parametrize("path", [None, FILES / "good_training_labels.toml"])
def test_taxonomy_hashable_and_picklable(path: Path | None) -> None:
    taxonomy = load_taxonomy(path)
    copy = pickle.loads(pickle.dumps(taxonomy))
    assert copy == taxonomy and hash(copy) == hash(taxonomy)
    assert isinstance(copy.touchpoints[0].seeds, FrozenMap)
    assert len({taxonomy, copy}) == 1


@pytest.mark.parametrize("seeds", [{"en": ["courier", "parcel"]}, FrozenMap({"en": ("courier", "parcel")})])
def test_taxonomy_touchpoint_freezes_seeds(seeds: dict) -> None:
    touchpoint = Touchpoint("logistics", "Delivery", "", seeds)
    assert touchpoint.seeds == {"en": ("courier", "parcel")} and isinstance(touchpoint.seeds, FrozenMap)
    assert hash(touchpoint) == hash(Touchpoint("logistics", "Delivery", "", {"en": ("courier", "parcel")}))


@pytest.mark.parametrize("seeds", [{"en": "courier"}])
def test_taxonomy_touchpoint_rejects_string_as_term_list(seeds: dict) -> None:
    with pytest.raises(TypeError, match="single string"):
        Touchpoint("logistics", seeds=seeds)


@pytest.mark.parametrize("names", [("price", "price")])
def test_taxonomy_rejects_repeated_touchpoint(names: tuple[str, ...]) -> None:
    with pytest.raises(TaxonomyError, match="repeated: price"):
        Taxonomy("mine", 1, tuple(Touchpoint(name) for name in names), source="mine.toml")
