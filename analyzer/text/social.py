"""Messages as people write them, made plain for analysis: handles, links, hashtags, emoji, HTML entities, letter repeats.

Tweets, chat logs and web forms carry marks that say nothing about the
problem: ``@brand`` handles, links, ``#hashtags``, emoji, ``&amp;`` and other
HTML entities, and stretched letters ("sooooo slow"). :func:`for_analysis`
returns the text that language identification and issue discovery look at:

- HTML entities are decoded and tags removed (``&amp;`` -> ``&``, ``<br>`` -> space);
- links (``http(s)://``, ``www.``) and ``@handles`` are removed;
- a hashtag keeps its word and drops the sign (``#задержка`` -> ``задержка``);
- emoji and pictographs are removed;
- a letter repeated three or more times becomes two ("sooooo" -> "soo").

The output ``text`` columns keep the redacted original; only analysis sees this.

Example:
    >>> for_analysis("@sberbank опять #задержка &amp; никто не звонит!!! https://t.co/x1 😡")
    'опять задержка & никто не звонит!!!'
    >>> for_analysis("Sooooo slow... RT @shop: see www.shop.com/help")
    'Soo slow... see'
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]{0,200}>")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A handle starts at a word boundary (not inside an e-mail address) and may end with a colon (retweets).
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{1,30}\w:?")
_RETWEET = re.compile(r"(?<!\w)RT(?=\s*(?:$|[@:]))")
_HASH = re.compile(r"(?<![\w&#])#(?=\w)")
_HASHTAG = re.compile(r"(?<![\w&#])#(\w+)")
# Emoji, pictographs, dingbats, flags, skin tones, variation selectors and the joiners between them (not ZWNJ, which Persian needs).
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\U0001F1E6-\U0001F1FF\uFE0E\uFE0F\u200D\u20E3]+")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r"[ \t]{2,}")


def handle_words(text: str) -> list[str]:
    """The names inside a text's ``@handles`` and ``#hashtags``, lower-cased (``@Sberbank`` -> ``sberbank``).

    Example:
        >>> handle_words("@Sberbank_Help why? #Сбербанк, mail me at a@b.ru")
        ['sberbank_help', 'сбербанк']
    """
    names = [m.group(0).lstrip("@").rstrip(":").lower() for m in _HANDLE.finditer(text)] if "@" in text else []
    if "#" in text:
        names += [m.group(1).lower() for m in _HASHTAG.finditer(text)]
    return names


def for_analysis(text: str) -> str:
    """The text with handles, links, hashtag signs, emoji, HTML entities and letter repeats normalised away.

    Example:
        >>> for_analysis("Love it &lt;3 #fast 👍👍")
        'Love it <3 fast'
    """
    if not text:
        return ""
    out = _TAG.sub(" ", html.unescape(text)) if ("&" in text or "<" in text) else text
    if "/" in out or "www." in out.lower():
        out = _URL.sub(" ", out)
    if "@" in out:
        out = _HANDLE.sub(" ", _RETWEET.sub(" ", out))
    if "#" in out:
        out = _HASH.sub("", out)
    out = _EMOJI.sub(" ", out)
    out = _REPEAT.sub(r"\1\1", out)
    out = _SPACES.sub(" ", out)
    return re.sub(r"\s+([,.!?;:])", r"\1", out).strip(" \t:")
