"""Issues by meaning: messages as people write them, background names, grouping across touchpoints and languages,
sub-issues, titles from the members, the vector cache in the state file."""

from __future__ import annotations

import random
import sqlite3

import numpy as np
import pandas as pd
import pytest

from analyzer import schema as S
from analyzer.classify.taxonomy import TaxonomyError, parse_taxonomy
from analyzer.issues.background import background_terms
from analyzer.issues.context import DiscoveryContext
from analyzer.issues.discover import discover
from analyzer.issues.store import IssueRun, RunRecord, Store
from analyzer.issues.vector_cache import cached_vectors, remember_vectors
from analyzer.text.language import LanguageIdentifier
from analyzer.text.social import for_analysis, handle_words

# One message per first-class language, with a handle, a link, a hashtag, an emoji, an HTML entity and a letter repeat.
SOCIAL = {
    "en": ("@acme_help my parcel is sooooo late &amp; nobody calls #fail 😡 https://t.co/AbC123",
           "my parcel is soo late & nobody calls fail"),
    "ru": ("@sberbank опять не работает приложение &quot;Онлайн&quot; #сбой 😤 http://sber.ru/x?id=1",
           'опять не работает приложение "Онлайн" сбой'),
    "ro": ("@emag_ro coletul a întârziaaaat din nou &amp; nimeni nu sună #livrare 👎 www.emag.ro/ajutor",
           "coletul a întârziaat din nou & nimeni nu sună livrare"),
    "el": ("@cosmote το ίντερνετ πέφτει συνέχεια &amp; κανείς δεν απαντάει #βλάβη 😠 https://cosmote.gr/s",
           "το ίντερνετ πέφτει συνέχεια & κανείς δεν απαντάει βλάβη"),
    "fa": ("@digikala سفارشم هنوز نرسیده &amp; کسی جواب نمی‌دهد #تاخیر 😞 https://digikala.com/p",
           "سفارشم هنوز نرسیده & کسی جواب نمی‌دهد تاخیر"),
    "kk": ("@kaspi_kz қосымша тағы да істемейді &amp; ешкім жауап бермейді #ақау 😡 https://kaspi.kz/q",
           "қосымша тағы да істемейді & ешкім жауап бермейді ақау"),
}


@pytest.mark.parametrize("lang", sorted(SOCIAL))
def test_messages_are_read_as_people_write_them(lang) -> None:
    raw, plain = SOCIAL[lang]
    assert for_analysis(raw) == plain
    assert handle_words(raw)[0] == raw.split()[0][1:].lower()


def test_email_addresses_and_tags_are_not_handles() -> None:
    assert for_analysis("write to olga@mail.ru <br>please") == "write to olga@mail.ru please"
    assert handle_words("olga@mail.ru") == []


@pytest.mark.parametrize("lang", sorted(SOCIAL))
def test_language_identification_ignores_handles_and_links(lang) -> None:
    raw, _ = SOCIAL[lang]
    # long Latin handles and links used to make Cyrillic, Greek and Persian tweets look Romanian or English
    noisy = f"@{'verylonghandlename_' * 2}support @another_handle {raw} https://example.com/some/long/english/path"
    from analyzer.text.prepare import prepare

    comments = pd.DataFrame({S.RAW_TEXT: [noisy], S.NPS_SCORE: pd.array([pd.NA], dtype="Int64")})
    assert prepare(comments)[S.LANG].tolist() == [lang]
    assert LanguageIdentifier(("en", "ro", "ru", "kk", "el", "fa")).identify([for_analysis(noisy)]) == [lang]


PROBLEMS = {
    "late": ["{b} courier was {n} hours late", "courier late again {b}, {n} hours", "{b}: courier came {n} hours late",
             "late courier, waited {n} hours", "the courier is always late, {n} hours this time"],
    "fee": ["{b} delivery fee is too high", "the delivery fee went up again", "delivery fee for small orders is too high, {b}",
            "why is the delivery fee so high", "high delivery fee, {n} euro"],
    "app": ["{b} app crashes at checkout", "the app crashes when I pay", "app keeps crashing at payment {b}",
            "checkout in the app crashes every time", "app crashed {n} times at checkout"],
}


def _tweets(brand: str = "@acme_help", per_problem: int = 12, touchpoints: tuple[str, ...] = ("logistics",), seed: int = 0):
    rng = random.Random(seed)
    rows = []
    for problem, templates in PROBLEMS.items():
        for k in range(per_problem):
            text = templates[k % len(templates)].format(b=brand, n=rng.randint(2, 9))
            rows.append((text, touchpoints[k % len(touchpoints)], problem))
    ids = [f"t{i:03d}" for i in range(len(rows))]
    segments = pd.DataFrame({S.COMMENT_ID: ids, S.SEGMENT_ID: [f"{i}-1" for i in ids], S.TEXT: [r[0] for r in rows], S.LANG: "en",
                             S.TOUCHPOINT: [r[1] for r in rows], S.SENTIMENT: "negative"})
    return segments, pd.DataFrame({S.COMMENT_ID: ids, S.DATE: pd.NaT}), [r[2] for r in rows]


def _named(found) -> pd.DataFrame:
    return found.issues[found.issues[S.ISSUE_STATUS] == "active"]


@pytest.mark.parametrize("brand", ["@acme_help", "Acme", "#acme"])
def test_handles_and_brands_never_name_an_issue(brand) -> None:
    found = discover(*_tweets(brand)[:2])
    named = _named(found)
    assert len(named) == 3
    for column in (S.ISSUE_TITLE, S.KEY_PHRASES):
        text = " ".join(named[column]).lower()
        assert "acme" not in text and "@" not in text and "http" not in text, named[[S.ISSUE_TITLE, S.KEY_PHRASES]]
    if not brand.startswith("@"):  # a handle is gone from the analysis text; a name or hashtag word is background
        assert "acme" in found.stats["background"]


def test_generic_frequent_words_are_not_background() -> None:
    texts = [(f"the courier was late {i}", "en") for i in range(30)]
    assert background_terms(texts) == frozenset()


def test_taxonomy_ignore_list_is_background() -> None:
    taxonomy = parse_taxonomy('[issues]\nignore = ["@Courier"]\n[touchpoints.logistics]\ntitle = "Logistics"')
    assert taxonomy.ignore == ("@Courier",)
    found = discover(*_tweets("")[:2], DiscoveryContext(ignore=taxonomy.ignore))
    assert "courier" not in " ".join(_named(found)[S.KEY_PHRASES]).lower()
    with pytest.raises(TaxonomyError, match=r"\[issues -> ignore\] must be a list"):
        parse_taxonomy('[issues]\nignore = "acme"')


def test_one_problem_across_touchpoints_is_one_issue() -> None:
    # the classifier put each problem's comments under three touchpoints; the issue is the problem
    segments, comments, truth = _tweets(touchpoints=("logistics", "support", "website"))
    found = discover(segments, comments)
    issue_of = found.segments.set_index(S.COMMENT_ID)[S.ISSUE_ID]
    for problem in PROBLEMS:
        ids = {issue_of[c] for c, t in zip(segments[S.COMMENT_ID], truth, strict=True) if t == problem}
        assert len(ids) == 1, (problem, ids)
    issues = _named(found)
    assert all(len(tps.split(";")) == 3 for tps in issues[S.TOUCHPOINTS])


def test_titles_are_member_phrases_and_distinct() -> None:
    found = discover(*_tweets()[:2])
    named = found.issues[found.issues[S.ISSUE_STATUS].isin(["active", "sub"])]
    assert named[S.ISSUE_TITLE].str.casefold().is_unique
    for _, row in named.iterrows():
        members = found.segments.loc[found.segments[S.ISSUE_ID].eq(row[S.ISSUE_ID]) | found.segments[S.SUB_ISSUE_ID].eq(row[S.ISSUE_ID]), S.TEXT]
        assert any(row[S.ISSUE_TITLE].casefold() in for_analysis(t).casefold() for t in members), row[S.ISSUE_TITLE]
        assert "," not in row[S.ISSUE_TITLE]


def test_every_member_comment_is_listed() -> None:
    found = discover(*_tweets()[:2])
    for _, row in _named(found).iterrows():
        members = found.segments.loc[found.segments[S.ISSUE_ID] == row[S.ISSUE_ID], S.COMMENT_ID]
        assert row[S.COMMENT_IDS].split(";") == sorted(set(members))
        assert len(row[S.COMMENT_IDS].split(";")) == row[S.N_COMMENTS]


# A fake multilingual embedder: one direction per problem, one per language (e5 keeps a strong trace of the language).
_DIM = 16
_PROBLEM_WORDS = {"late": ("late", "опоздал"), "fee": ("fee", "доставк"), "app": ("app", "приложение")}


def _fake_embed(docs):
    rng = np.random.default_rng(0)
    axes = rng.normal(size=(8, _DIM))
    out = []
    for text, lang in docs:
        problem = next(i for i, words in enumerate(_PROBLEM_WORDS.values()) if any(w in text.lower() for w in words))
        noise = np.random.default_rng(abs(hash(text)) % 2**32).normal(scale=0.15, size=_DIM)
        out.append(axes[problem] + 3.0 * axes[5 + (lang == "ru")] + noise)
    return np.array(out, dtype=np.float32)


RU = {"late": ["курьер опоздал на {n} часа", "опять курьер опоздал", "курьер опоздал, ждал {n} часа", "курьер снова опоздал"],
      "fee": ["стоимость доставки слишком высокая", "доставка дорогая, {n} евро", "цена доставки выросла", "дорогая доставка"],
      "app": ["приложение падает при оплате", "приложение вылетает", "приложение зависает на оплате", "приложение не работает {n} раз"]}


def _bilingual():
    segments, comments, truth = _tweets("")
    rng = random.Random(1)
    rows = [(t.format(n=rng.randint(2, 9)), p) for p, templates in RU.items() for t in templates * 3]
    ids = [f"r{i:03d}" for i in range(len(rows))]
    ru = pd.DataFrame({S.COMMENT_ID: ids, S.SEGMENT_ID: [f"{i}-1" for i in ids], S.TEXT: [r[0] for r in rows], S.LANG: "ru",
                       S.TOUCHPOINT: "logistics", S.SENTIMENT: "negative"})
    return (pd.concat([segments, ru], ignore_index=True), pd.concat([comments, pd.DataFrame({S.COMMENT_ID: ids, S.DATE: pd.NaT})]),
            truth + [r[1] for r in rows])


def test_one_problem_in_two_languages_is_one_issue_by_meaning() -> None:
    segments, comments, truth = _bilingual()
    found = discover(segments, comments, DiscoveryContext(embed=_fake_embed))
    assert found.stats["grouped_by"] == "meaning"
    issue_of = dict(zip(found.segments[S.COMMENT_ID], found.segments[S.ISSUE_ID], strict=True))
    for problem in PROBLEMS:
        ids = [issue_of[c] for c, t in zip(segments[S.COMMENT_ID], truth, strict=True) if t == problem]
        top = max(set(ids), key=ids.count)
        assert ids.count(top) / len(ids) >= 0.9, (problem, ids)
        row = found.issues.set_index(S.ISSUE_ID).loc[top]
        assert set(row[S.LANGUAGES].split(";")) == {"en", "ru"}


def test_without_vectors_languages_stay_apart() -> None:
    segments, comments, _ = _bilingual()
    found = discover(segments, comments)
    assert found.stats["grouped_by"] == "terms"
    assert all(len(langs.split(";")) == 1 for langs in _named(found)[S.LANGUAGES])


def test_vectors_come_from_the_cache_and_only_new_texts_are_embedded() -> None:
    segments, comments, _ = _bilingual()
    calls: list[int] = []

    def counting(docs):
        calls.append(len(docs))
        return _fake_embed(docs)

    first = discover(segments, comments, DiscoveryContext(embed=counting))
    assert first.stats["vectors"]["embedded"] == sum(calls) > 0
    store = Store.open(":memory:")
    store.add_run(RunRecord("2026-12-01T10:00:00", "a.csv", None, len(comments), [], first.vectors))
    calls.clear()
    again = discover(segments, comments, DiscoveryContext.from_store(store, max_issues=25, min_size=3, run_date=None, embed=counting))
    assert calls == [] and again.stats["vectors"] == {"cached": len(first.vectors), "embedded": 0, "beyond_budget": 0}
    assert again.segments[S.ISSUE_ID].tolist() == first.segments[S.ISSUE_ID].tolist()


def test_the_embedding_budget_leaves_the_rest_to_terms() -> None:
    segments, comments, _ = _bilingual()
    found = discover(segments, comments, DiscoveryContext(embed=_fake_embed, embed_budget=10))
    assert found.stats["vectors"]["embedded"] == 10 and found.stats["vectors"]["beyond_budget"] > 0
    assert found.stats["coverage"] > 0.5


def test_the_vector_cache_is_bounded() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE text_vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL, used_at INTEGER NOT NULL)")
    remember_vectors(db, {f"k{i}": np.ones(4, dtype=np.float32) * i for i in range(5)}, run_id=1, limit=10)
    remember_vectors(db, {f"n{i}": np.ones(4, dtype=np.float32) for i in range(8)}, run_id=2, limit=10)
    kept = cached_vectors(db, [f"k{i}" for i in range(5)] + [f"n{i}" for i in range(8)])
    assert len(kept) == 10 and all(f"n{i}" in kept for i in range(8))


def test_sub_issues_are_parts_of_their_issue() -> None:
    found = discover(*_tweets(per_problem=20)[:2], DiscoveryContext(max_issues=1))
    issues = found.issues
    subs = issues[issues[S.ISSUE_STATUS] == "sub"]
    assert len(_named(found)) == 1 and len(subs) >= 2
    parent = _named(found)[S.ISSUE_ID].iloc[0]
    assert set(subs[S.PARENT_ID]) == {parent}
    in_subs = found.segments[found.segments[S.SUB_ISSUE_ID].notna()]
    assert set(in_subs[S.ISSUE_ID]) == {parent}
    assert subs[S.N_COMMENTS].sum() == in_subs[S.COMMENT_ID].nunique()


def test_a_version_1_state_file_is_upgraded(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    store = Store.open(path)
    store.add_run(RunRecord("2026-12-01T10:00:00", "a.csv", None, 3,
                            [IssueRun("LOG-AAAA", "logistics", "complaint", "en", {"late": 1.0}, "Late", ["late"], 3, 3, 1.0, None, None, "new")]))
    store.connection.execute("ALTER TABLE issues DROP COLUMN centroid")
    store.connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    store.close()
    upgraded = Store.open(path)
    assert upgraded.get("LOG-AAAA").centroid is None
    assert upgraded.connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)


REAL = {
    "late": ["The courier was three hours late again", "Courier came late, I waited all evening", "The delivery guy was late as usual",
             "Курьер опять опоздал на три часа", "Курьер приехал с опозданием, ждал весь вечер", "Доставщик снова опоздал",
             "Curierul a întârziat din nou trei ore", "Curierul a venit foarte târziu, am așteptat toată seara"],
    "charge": ["I was charged twice for one order", "Double charge on my card again", "You took the money twice from my card",
               "С карты дважды списали деньги за один заказ", "Снова двойное списание с карты", "Деньги списали два раза",
               "Mi s-a luat suma de două ori de pe card", "Am fost taxat de două ori pentru aceeași comandă"],
}


def test_real_e5_groups_one_problem_across_languages() -> None:
    from analyzer.issues.discover import e5_embedder

    texts = [t for group in REAL.values() for t in group]
    ids = [f"c{i:02d}" for i in range(len(texts))]
    lang = ["en"] * 3 + ["ru"] * 3 + ["ro"] * 2
    segments = pd.DataFrame({S.COMMENT_ID: ids, S.SEGMENT_ID: [f"{i}-1" for i in ids], S.TEXT: texts, S.LANG: lang * 2,
                             S.TOUCHPOINT: ["logistics"] * 8 + ["price"] * 8, S.SENTIMENT: "negative"})
    found = discover(segments, pd.DataFrame({S.COMMENT_ID: ids, S.DATE: pd.NaT}), DiscoveryContext(embed=e5_embedder()))
    named = _named(found).set_index(S.ISSUE_ID)
    issue_of = dict(zip(found.segments[S.TEXT], found.segments[S.ISSUE_ID], strict=True))
    tops = []
    for group in REAL.values():
        got = [issue_of[t] for t in group]
        top = max(set(got), key=got.count)
        assert top in named.index and got.count(top) >= 7, (group, got)
        assert set(named.loc[top, S.LANGUAGES].split(";")) == {"en", "ru", "ro"}
        tops.append(top)
    assert len(set(tops)) == 2


def test_a_rerun_embeds_only_what_the_state_file_lacks(tmp_path) -> None:
    from analyzer.config import AdaptSettings, AnalysisConfig
    from analyzer.pipeline import run_to_folder

    texts = [t for group in REAL.values() for t in group]
    source = tmp_path / "c.csv"
    pd.DataFrame({"id": [f"c{i}" for i in range(len(texts))], "comment": texts}).to_csv(source, index=False)
    config = AnalysisConfig(adapt=AdaptSettings(mode="off"))
    first = run_to_folder(source, config, out_dir=tmp_path / "a", store_path=tmp_path / "s.sqlite").result
    assert first.summary.issues.grouped_by == "meaning" and first.summary.issues.vectors["embedded"] > 0
    second = run_to_folder(source, config, out_dir=tmp_path / "b", store_path=tmp_path / "s.sqlite").result
    assert second.summary.issues.vectors == {"cached": first.summary.issues.vectors["embedded"], "embedded": 0, "beyond_budget": 0}
    assert second.segments[S.ISSUE_ID].tolist() == first.segments[S.ISSUE_ID].tolist()


def test_grouping_settings_are_checked() -> None:
    from analyzer.config import AnalysisConfig
    from analyzer.errors import UsageError

    with pytest.raises(UsageError, match="--group-issues: 'topics' is unknown; accepted: meaning, terms"):
        AnalysisConfig(group_issues="topics")
    with pytest.raises(UsageError, match="--embed-budget"):
        AnalysisConfig(embed_budget=-1)
