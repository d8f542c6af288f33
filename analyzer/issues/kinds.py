"""Which segments feed issue discovery: complaints, suggestions, praise, and the filler that never forms an issue.

A segment (one touchpoint pair of the long segments table) gets a
``feedback_kind``:

- ``filler``: no content word left once stop words, greetings, thanks,
  non-answers ("no comment", "nothing", "-") and lone generic words ("ok",
  "fine", "good") are removed. Filler never forms an issue.
- ``suggestion``: a wish ("please add night delivery", "хотелось бы",
  "ar fi bine", "θα ήθελα", "کاش", "болса жақсы"), whatever its sentiment.
- ``complaint``: negative sentiment.
- ``praise``: positive sentiment.
- ``neutral``: anything else (questions, facts); not grouped.

Complaints and suggestions are grouped into issues; praise forms "what
customers praise" groups the same way.

Example:
    >>> feedback_kind("No comment.", "en", "neutral"), feedback_kind("Please add night delivery", "en", "neutral")
    ('filler', 'suggestion')
    >>> feedback_kind("The courier was late", "en", "negative"), feedback_kind("Ok", "en", "positive")
    ('complaint', 'filler')
"""

from __future__ import annotations

import re
from functools import cache

from analyzer.text.tokens import PUNCT, token_pairs

COMPLAINT, SUGGESTION, PRAISE, NEUTRAL, FILLER = "complaint", "suggestion", "praise", "neutral", "filler"
# Which issue list a segment kind feeds.
GROUP_OF_KIND = {COMPLAINT: "complaint", SUGGESTION: "complaint", PRAISE: "praise"}

# Negations carry the meaning of a complaint ("no call ahead", "не позвонил"): never stop words.
_NEGATIONS = {
    "en": "no not never nothing without nobody cannot can't don't didn't doesn't won't isn't wasn't n't".split(),
    "ru": "не нет ни без никогда никто ничего".split(),
    "ro": "nu fără niciodată nimeni nimic".split(),
    "el": "δεν μην όχι χωρίς ποτέ τίποτα κανείς".split(),
    "fa": "نه بدون هرگز هیچ".split(),
    "kk": "жоқ емес ешқашан ешкім ештеңе".split(),
}

# What spaCy's tokenizer leaves of "won't", "can't", "shan't" besides "n't": not words.
_CLITIC_STUBS = {"en": "wo ca sha".split()}

# Words spaCy lists as stop words that name what went wrong ("no call ahead", "money back"): kept as content.
_KEEP = {
    "en": "call give move put show take back full empty front top bottom side serious amount find found".split(),
    "ru": "больше меньше дальше раньше позже".split(),
}

# Words that make a segment filler when nothing else is left: greetings, thanks,
# non-answers and lone generic evaluations, in each first-class language.
_FILLER = {
    "en": "hi hello hey dear thanks thank thx ok okay fine nothing none na n/a n nope no comment comments nothing else "
          "everything all good great bad excellent nice super normal yes regards sir madam cheers bye goodbye whatever "
          "nothing to add not applicable -".split(),
    "ru": "привет здравствуйте добрый день вечер утро спасибо благодарю благодарность ок окей нормально норм ничего нет "
          "комментариев комментарий комментария всё все хорошо отлично плохо да пожалуйста досвидания свидания "
          "сказать добавить".split(),
    "ro": "bună buna salut ziua seara mulțumesc multumesc mersi ok bine nimic nu comentarii comentariu totul tot da "
          "excelent rău rau super nimic de adăugat".split(),
    "el": "γεια σας καλημέρα καλησπέρα ευχαριστώ ευχαριστούμε οκ εντάξει τίποτα κανένα σχόλιο σχόλια όλα καλά καλό ναι "
          "τέλεια άριστα".split(),
    "fa": "سلام ممنون مرسی متشکرم تشکر خوب خیلی عالی هیچ نظری ندارم بله بد نظر خداحافظ".split(),
    "kk": "сәлем сәлеметсіз бе рахмет жақсы бәрі жоқ пікір пікірім иә керемет жаман".split(),
}

# Kazakh has no spaCy stop list; the commonest function words.
_KAZAKH_STOP = ("мен сен ол біз сіз олар бұл осы сол және мен да де та те ма ме ба бе па пе ғой қой бір "
                "үшін туралы бойынша дейін кейін өте тым әлі енді ғана тек да-да бар еді болды болып").split()

_WISH_PATTERNS = {
    "en": r"\b(please|pls|plz|would (be|love|like|prefer)|i'd (like|love)|wish|should|could you|can you|need(s|ed)? (a|an|more|to)|"
          r"add|suggest\w*|it'd be)\b",
    "ru": r"(пожалуйста|хотелось бы|хочу,? чтобы|хотим,? чтобы|было бы|добавьте|добавить бы|сделайте|нужн[оаы]|надо|предлага\w+|"
          r"можно ли|не хватает|хорошо бы|стоит добавить)",
    "ro": r"(vă rog|va rog|te rog|ar fi (bine|frumos|util|minunat)|aș vrea|aş vrea|as vrea|ar trebui|adăugați|adaugati|propun|"
          r"sugerez|lipsește|lipseste)",
    "el": r"(παρακαλώ|θα ήθελα|θα ήταν|θα μπορούσατε|να προσθέσετε|προσθέστε|προτείνω|χρειάζεται|λείπει|καλό θα ήταν)",
    "fa": r"(لطفا|لطفاً|کاش|بهتر است|بهتره|پیشنهاد|اضافه کنید|نیاز است|خواهش)",
    "kk": r"(өтінемін|болса жақсы|қосыңыздар|қосу керек|керек|ұсынамын|жетіспейді|болар еді)",
}


@cache
def _stop_words(lang: str) -> frozenset[str]:
    words: set[str] = set()
    if lang == "kk":
        words.update(_KAZAKH_STOP)
    else:
        try:
            import importlib

            words.update(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
        except (ImportError, AttributeError):  # a language spaCy has no stop list for
            pass
    words.update(_CLITIC_STUBS.get(lang, ()))
    return frozenset(w.lower() for w in words) - frozenset(_NEGATIONS.get(lang, ())) - frozenset(_KEEP.get(lang, ()))


@cache
def negations(lang: str) -> frozenset[str]:
    """The negation words of a language (lower case): content, but meaningful only with the word they negate.

    Example:
        >>> "не" in negations("ru"), "courier" in negations("en")
        (True, False)
    """
    return frozenset(_NEGATIONS.get(lang, ()))


def phrase_terms(run: list[tuple[str, str]], lang: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(term, surface words)`` of one run of content words: its words and the bigrams of consecutive words.

    A negation is never a term on its own, and only leads a bigram ("not call", never "courier not"): alone it
    would tie together every complaint that says "not", whatever it is about.

    Example:
        >>> [t for t, _ in phrase_terms(content_runs("The courier did not call, sadly", "en")[0], "en")]
        ['courier', 'call', 'not call']
    """
    neg = negations(lang)
    words = [(norm, (surface,)) for surface, norm in run if surface.lower() not in neg]
    pairs = [(f"{n1} {n2}", (s1, s2)) for (s1, n1), (s2, n2) in zip(run, run[1:], strict=False) if s2.lower() not in neg]
    return words + pairs


@cache
def _filler_words(lang: str) -> frozenset[str]:
    words = set(_FILLER["en"])  # English non-answers turn up in every language's file
    words.update(_FILLER.get(lang, ()))
    return frozenset(words)


@cache
def _wish_regex(lang: str) -> re.Pattern[str]:
    patterns = [_WISH_PATTERNS[lang]] if lang in _WISH_PATTERNS else []
    if lang != "en":
        patterns.append(_WISH_PATTERNS["en"])
    return re.compile("|".join(patterns) or r"(?!x)x", re.IGNORECASE)


def content_runs(text: str, lang: str) -> list[list[tuple[str, str]]]:
    """``(surface, normalised)`` pairs of the words that carry meaning, in runs split at punctuation.

    Stop words, numbers and punctuation are dropped; a phrase never spans a comma or a full stop.

    Example:
        >>> [[norm for _, norm in run] for run in content_runs("The courier did not call ahead, again", "en")]
        [['courier', 'not', 'call', 'ahead']]
    """
    stop = _stop_words(lang)
    runs: list[list[tuple[str, str]]] = [[]]
    for surface, norm in token_pairs(text, lang):
        if norm == PUNCT:
            if runs[-1]:
                runs.append([])
        elif norm != "<num>" and surface not in stop and any(ch.isalpha() for ch in surface):
            runs[-1].append((surface, norm))
    return [run for run in runs if run]


def content_tokens(text: str, lang: str) -> list[tuple[str, str]]:
    """All content ``(surface, normalised)`` pairs of a text (see :func:`content_runs`).

    Example:
        >>> [norm for _, norm in content_tokens("Courier late. No call!", "en")]
        ['courier', 'late', 'no', 'call']
    """
    return [pair for run in content_runs(text, lang) for pair in run]


def is_filler(text: str, lang: str) -> bool:
    """True when nothing but greetings, thanks, non-answers, stop words or one generic word is left.

    Example:
        >>> [is_filler(t, lang) for t, lang in [("-", "en"), ("Спасибо, всё хорошо!", "ru"), ("Expensive.", "en"), ("Nothing to add", "en")]]
        [True, True, False, True]
    """
    filler = _filler_words(lang)
    return not any(surface not in filler and norm not in filler for surface, norm in content_tokens(text, lang))


def is_suggestion(text: str, lang: str) -> bool:
    """True when the segment asks for something or wishes for a change.

    Example:
        >>> is_suggestion("Хотелось бы ночную доставку", "ru"), is_suggestion("Late again", "en")
        (True, False)
    """
    return _wish_regex(lang).search(text) is not None


def feedback_kind(text: str, lang: str, sentiment: str | None) -> str:
    """The segment's kind: filler, suggestion, complaint, praise or neutral (see the module docstring)."""
    if is_filler(text, lang):
        return FILLER
    if is_suggestion(text, lang):
        return SUGGESTION
    if sentiment == "negative":
        return COMPLAINT
    if sentiment == "positive":
        return PRAISE
    return NEUTRAL
