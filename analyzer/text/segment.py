"""Segmentation stage: split each comment into sentences and contrastive clauses.

One comment often praises one touchpoint and attacks another ("the courier was
late, but the operator was kind"), so sentiment is judged per segment. A segment
is a sentence found by a blank spaCy pipeline with a ``sentencizer``, further cut
at a contrastive conjunction from :data:`CONTRASTIVE_CONJUNCTIONS`.

Every segment is an exact slice of the comment's text (``text[start:end]``): no
re-encoding, so right-to-left Persian text and its zero-width non-joiners come
through byte for byte.

Example:
    >>> import pandas as pd
    >>> comments = pd.DataFrame({
    ...     "comment_id": ["c1"],
    ...     "text": ["The courier was late, but the operator was kind."],
    ...     "lang": ["en"],
    ... })
    >>> segment(comments)["text"].tolist()
    ['The courier was late', 'the operator was kind.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

import pandas as pd
import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from analyzer import schema
from analyzer.reporter import NullReporter, Reporter

# Contrastive conjunctions, per ISO 639-1 code. A sentence is cut at one of
# these when both sides keep at least MIN_CLAUSE_WORDS word tokens.
# - Multi-word terms are written with single spaces and matched token by token.
# - A term written with a leading ", " only counts right after a comma (the
#   comma belongs to the match): bare "yet" ("not yet received") and bare
#   Russian "а" are too often not contrastive.
# - Matching folds case, Greek accents (so "αλλα" and "ΑΛΛΑ" match "αλλά"),
#   Romanian cedilla letters (ş, ţ -> ș, ț), Arabic yeh/kaf to the Persian
#   letters and the Arabic comma to ",". The folded spellings listed below are
#   kept anyway so the table reads as the list of accepted words.
# A comment is checked against the terms of its own language plus English,
# because English words are common in mixed-language comments; the terms of
# the other configured languages are not used, as short words like "а" or
# "dar" would cut text in a language where they mean something else.
CONTRASTIVE_CONJUNCTIONS: dict[str, tuple[str, ...]] = {
    "en": ("but", "however", "although", "though", ", yet"),
    "ru": ("но", "однако", "зато", ", а", "хотя"),
    "ro": ("dar", "însă", "insa", "totuși", "totusi", "deși", "desi"),
    "el": ("αλλά", "αλλα", "όμως", "ωστόσο", "αν και"),
    "fa": ("اما", "ولی", "ولیکن", "با این حال"),
    "kk": ("бірақ", "алайда", "дегенмен", "әйтсе де"),
}

# Language whose conjunctions are checked in every comment, whatever its language.
SHARED_CONJUNCTION_LANGUAGE = "en"

# Each side of a contrastive cut must keep at least this many word tokens.
MIN_CLAUSE_WORDS = 2

# spaCy code used for Kazakh, "unknown" and any language spaCy has no class for.
FALLBACK_SPACY_LANG = "xx"

# Characters that end a sentence besides spaCy's defaults (which already hold
# '.', '!', '?', the Persian/Arabic question mark '؟' and full stop '۔').
# U+037E is the Greek question mark; the ASCII ';' used in its place is handled
# separately, for Greek only (see _mark_greek_question_marks).
EXTRA_SENTENCE_END = ("…", "\u037e")

# Punctuation stripped from a clause where a contrastive cut was made.
CLAUSE_SEPARATORS = frozenset(",،;؛-–—·\u0387")

# Texts are fed to spaCy in batches of this many comments.
BATCH_SIZE = 1_000

_WORD = re.compile(r"\w")
_DOT_RUN = re.compile(r"\.{2,}")
_BULLETS = frozenset("-–—•*·")
_GREEK_QUESTION = frozenset((";", "\u037e"))
_FOLD = str.maketrans(
    {
        "ά": "α", "έ": "ε", "ή": "η", "ί": "ι", "ό": "ο", "ύ": "υ", "ώ": "ω",
        "ΐ": "ϊ", "ΰ": "ϋ",
        "ş": "ș", "ţ": "ț",
        "ي": "ی", "ى": "ی", "ك": "ک",
        "،": ",",
    }
)  # fmt: skip


def _fold(word: str) -> str:
    return word.lower().translate(_FOLD)


def _term_index(langs: Sequence[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Map the folded first token of each term to the terms starting with it, longest first."""
    index: dict[str, set[tuple[str, ...]]] = {}
    for lang in langs:
        for term in CONTRASTIVE_CONJUNCTIONS.get(lang, ()):
            words = tuple(_fold(w) for w in term.replace(",", " , ").split())
            index.setdefault(words[0], set()).add(words)
    return {first: tuple(sorted(terms, key=len, reverse=True)) for first, terms in index.items()}


@cache
def _terms_for(lang: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    return _term_index(dict.fromkeys((lang, SHARED_CONJUNCTION_LANGUAGE)))


def _normalise_lang(lang: object) -> str:
    """Lower-case ISO code without region ("pt-BR" -> "pt"); "unknown" for anything else."""
    if not isinstance(lang, str):
        return "unknown"
    code = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else "unknown"


@Language.component("analyzer_sentence_fixes")
def _mark_extra_boundaries(doc: Doc) -> Doc:
    """End sentences where the sentencizer does not: after a run of dots ("...") and at line breaks.

    A line break ends a sentence when a blank line follows, or when the next
    line starts like a sentence or list item: an upper-case letter, a letter
    of a script without case (Persian), or a bullet. A line that goes on in
    lower case is taken as a wrapped sentence and kept whole.
    """
    tokens = list(doc)
    for token, following in zip(tokens, tokens[1:], strict=False):
        text = token.text
        if token.is_space:
            if "\n" in text and (text.count("\n") >= 2 or _starts_line(following.text)):
                following.is_sent_start = True
        elif _DOT_RUN.fullmatch(text) and not following.is_punct and not following.is_space:
            following.is_sent_start = True
    return doc


def _starts_line(text: str) -> bool:
    first = text[:1]
    return first.isupper() or (first.isalpha() and not first.islower()) or first in _BULLETS


@Language.component("analyzer_greek_question_mark")
def _mark_greek_question_marks(doc: Doc) -> Doc:
    """End a Greek sentence at ';' (the Greek question mark) followed by a space and a capital letter."""
    tokens = list(doc)
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.text in _GREEK_QUESTION and token.whitespace_ and following.text[:1].isupper():
            following.is_sent_start = True
    return doc


@cache
def _build_pipeline(spacy_lang: str) -> Language:
    nlp = spacy.blank(spacy_lang)
    if isinstance(nlp.tokenizer, Tokenizer) and nlp.Defaults.suffixes is not None:
        # The tokenizers leave U+037E glued to the word before it; make it a token.
        suffixes = [*nlp.Defaults.suffixes, "\u037e"]
        nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    punct = [*Sentencizer.default_punct_chars, *EXTRA_SENTENCE_END]
    nlp.add_pipe("sentencizer", config={"punct_chars": punct})
    nlp.add_pipe("analyzer_sentence_fixes")
    if spacy_lang == "el":
        nlp.add_pipe("analyzer_greek_question_mark")
    return nlp


@cache
def sentence_pipeline(lang: str) -> Language:
    """Return the cached blank spaCy pipeline that splits sentences for ``lang``.

    The pipeline is built on first use. Kazakh, ``unknown`` and any language
    spaCy has no class for (or whose tokenizer needs a package that is not
    installed) share the multi-language ``xx`` pipeline.

    Args:
        lang: ISO 639-1 code as found in the ``lang`` column.

    Returns:
        A pipeline with a tokenizer and a ``sentencizer``.

    Example:
        >>> sentence_pipeline("kk").lang
        'xx'
        >>> [s.text for s in sentence_pipeline("en")("Late. Rude!").sents]
        ['Late.', 'Rude!']
    """
    code = _normalise_lang(lang)
    if code != "unknown":
        try:
            return _build_pipeline(code)
        except Exception:  # no class for the code, or its tokenizer's package is missing
            pass
    return _build_pipeline(FALLBACK_SPACY_LANG)


def _trim(text: str, start: int, end: int, strip_start: bool, strip_end: bool) -> tuple[int, int]:
    """Narrow ``[start, end)`` past whitespace, and past clause separators on the sides that were cut."""
    while start < end and (text[start].isspace() or (strip_start and text[start] in CLAUSE_SEPARATORS)):
        start += 1
    while end > start and (text[end - 1].isspace() or (strip_end and text[end - 1] in CLAUSE_SEPARATORS)):
        end -= 1
    return start, end


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentence token ranges; a sentence without any letter or digit joins its neighbour."""
    merged: list[tuple[int, int]] = []
    pending: int | None = None  # start of leading sentences without words
    for sent in doc.sents:
        start = sent.start if pending is None else pending
        if not _WORD.search(sent.text):
            if merged:
                merged[-1] = (merged[-1][0], sent.end)
            else:
                pending = start
            continue
        merged.append((start, sent.end))
        pending = None
    if pending is not None:
        merged.append((pending, len(doc)))
    return merged


def _clauses(
    doc: Doc, start: int, end: int, terms: dict[str, tuple[tuple[str, ...], ...]]
) -> list[tuple[int, int, bool, bool]]:
    """Cut the sentence ``doc[start:end]`` at contrastive conjunctions.

    Returns character ranges with flags telling whether each side was made by
    a cut (and so may lose clause separators).
    """
    sent_start, sent_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    tokens = [t for t in doc[start:end] if not t.is_space]
    keys = [_fold(t.text) for t in tokens]
    words_before = [0]  # words_before[i]: word tokens among tokens[:i]
    for token in tokens:
        words_before.append(words_before[-1] + (1 if _WORD.search(token.text) else 0))
    total = words_before[-1]

    pieces: list[tuple[int, int, bool, bool]] = []
    piece_start, piece_cut, piece_words = sent_start, False, 0
    i = 0
    while i < len(tokens):
        match = 0
        for term in terms.get(keys[i], ()):
            if tuple(keys[i : i + len(term)]) == term:
                match = len(term)
                break
        if (
            match
            and words_before[i] - piece_words >= MIN_CLAUSE_WORDS
            and total - words_before[i + match] >= MIN_CLAUSE_WORDS
        ):
            pieces.append((piece_start, tokens[i].idx, piece_cut, True))
            last = tokens[i + match - 1]
            piece_start, piece_cut, piece_words = last.idx + len(last), True, words_before[i + match]
            i += match
        else:
            i += 1
    pieces.append((piece_start, sent_end, piece_cut, False))
    return pieces


def split_text(doc: Doc, lang: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` character ranges of the segments of one processed comment.

    Ranges are in text order, do not overlap, and there is always at least one.

    Args:
        doc: the comment processed by :func:`sentence_pipeline`.
        lang: the comment's language; its conjunctions and the English ones are used.

    Returns:
        Offsets into ``doc.text`` with ``doc.text[start:end]`` the segment.

    Example:
        >>> doc = sentence_pipeline("en")("Late, but kind staff. Thanks!")
        >>> [doc.text[a:b] for a, b in split_text(doc, "en")]
        ['Late, but kind staff.', 'Thanks!']
    """
    text = doc.text
    terms = _terms_for(_normalise_lang(lang))
    ranges: list[tuple[int, int]] = []
    for start, end in _sentences(doc):
        for a, b, cut_start, cut_end in _clauses(doc, start, end, terms):
            a, b = _trim(text, a, b, cut_start, cut_end)
            if a < b:
                ranges.append((a, b))
    if not ranges:  # nothing but separators or space: keep the whole stripped text
        ranges.append(_trim(text, 0, len(text), False, False))
    return ranges


def segment(comments: pd.DataFrame, reporter: Reporter | None = None) -> pd.DataFrame:
    """Split comments into sentences and contrastive clauses.

    Comments are processed in batches grouped by language, each language with
    its own cached blank spaCy pipeline (see :func:`sentence_pipeline`). The
    input frame is not modified.

    Args:
        comments: table with ``comment_id``, ``text`` (prepared, non-empty) and
            ``lang`` (any code or ``unknown``: every language gets a pipeline).
        reporter: receives progress over the comments; ``None`` means :class:`NullReporter`.

    Returns:
        A new segments table with the columns of :data:`schema.SEGMENT_BASE`,
        in comment order and then text order; each comment has at least one
        segment and ``text[start:end]`` of the comment is the segment's text.

    Raises:
        MissingColumns: a required column is absent.

    Example:
        >>> comments = pd.DataFrame({
        ...     "comment_id": ["7"], "text": ["Курьер опоздал, но оператор был вежлив"], "lang": ["ru"],
        ... })
        >>> segment(comments)[["segment_id", "text", "start", "end"]].values.tolist()
        [['7-1', 'Курьер опоздал', 0, 14], ['7-2', 'оператор был вежлив', 19, 38]]
    """
    schema.check_columns(comments, [schema.COMMENT_ID, schema.TEXT, schema.LANG], stage="segment")
    reporter = reporter if reporter is not None else NullReporter()
    ids = ["" if pd.isna(v) else str(v) for v in comments[schema.COMMENT_ID].tolist()]
    texts = ["" if pd.isna(v) else str(v) for v in comments[schema.TEXT].tolist()]
    langs = comments[schema.LANG].tolist()

    by_pipeline: dict[int, tuple[Language, list[int]]] = {}
    for row, lang in enumerate(langs):
        nlp = sentence_pipeline(_normalise_lang(lang))
        by_pipeline.setdefault(id(nlp), (nlp, []))[1].append(row)

    def docs() -> Iterator[tuple[int, Doc]]:
        for nlp, rows in by_pipeline.values():
            yield from zip(rows, nlp.pipe((texts[r] for r in rows), batch_size=BATCH_SIZE), strict=True)

    ranges: list[list[tuple[int, int]]] = [[] for _ in texts]
    for row, doc in reporter.track(docs(), total=len(texts), description="segment"):
        ranges[row] = split_text(doc, _normalise_lang(langs[row]))

    out: dict[str, list[object]] = {name: [] for name in schema.SEGMENT_BASE}
    for row, row_ranges in enumerate(ranges):
        for n, (start, end) in enumerate(row_ranges, start=1):
            out[schema.COMMENT_ID].append(ids[row])
            out[schema.SEGMENT_ID].append(f"{ids[row]}-{n}")
            out[schema.TEXT].append(texts[row][start:end])
            out[schema.LANG].append(langs[row])
            out[schema.SEGMENT_START].append(start)
            out[schema.SEGMENT_END].append(end)
    dtypes = {column.name: column.dtype for column in schema.SEGMENT_COLUMNS}
    return pd.DataFrame(
        {name: pd.array(values, dtype=dtypes[name]) for name, values in out.items()},
        columns=schema.SEGMENT_BASE,
    )
