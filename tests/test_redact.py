"""Tests for analyzer.text.redact: what is redacted, what is left alone, and the guarantees around it."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analyzer.text.redact as redact_module
from analyzer.text.redact import TOKENS, Redaction, Redactor, UnknownRegion

from .conftest import examples

REDACTOR = Redactor()

LANGS = ("en", "ru", "ro", "el", "fa", "kk")

# One sentence per language and kind; "{}" is where the personal data goes.
TEMPLATES = {
    "phone": {
        "en": "Please call me on {} tomorrow.",
        "ru": "Позвоните мне: {}, спасибо.",
        "ro": "Sunați-mă la {} vă rog.",
        "el": "Τηλέφωνο: {} ευχαριστώ",
        "fa": "شماره من {} است",
        "kk": "Маған {} нөміріне хабарласыңыз",
    },
    "email": {
        "en": "Write to {} please",
        "ru": "Пишите на {}, отвечу быстро",
        "ro": "Scrieți-mi la {} oricând",
        "el": "Στείλτε μου στο {} παρακαλώ",
        "fa": "ایمیل\u200cام {} است",
        "kk": "Маған {} поштасына жазыңыз",
    },
    "card": {
        "en": "My card {} was charged twice",
        "ru": "С карты {} списали дважды",
        "ro": "Cardul {} a fost debitat de două ori",
        "el": "Η κάρτα {} χρεώθηκε δύο φορές",
        "fa": "از کارت {} دو بار کسر شد",
        "kk": "{} картасынан екі рет ақша алынды",
    },
    "iban": {
        "en": "Refund to IBAN {} please",
        "ru": "Верните деньги на счёт {}, пожалуйста",
        "ro": "Returnați banii în contul {} vă rog",
        "el": "Επιστροφή στο IBAN {} παρακαλώ",
        "fa": "شماره شبا {} است",
        "kk": "Ақшаны {} шотына қайтарыңыз",
    },
}

# (kind, value, languages it is natural in)
LAYOUTS = [
    # international numbers read naturally in any language
    ("phone", "+44 20 7946 0958", LANGS),
    ("phone", "+7 701 123 4567", LANGS),
    ("phone", "+7 (916) 123-45-67", LANGS),
    ("phone", "+40 721 234 567", LANGS),
    ("phone", "+373 69 123 456", LANGS),
    ("phone", "+30 21 0123 4567", LANGS),
    ("phone", "+98 912 345 6789", LANGS),
    # national layouts in the languages of their country
    ("phone", "(212) 555-0123", ("en",)),
    ("phone", "020 7946 0958", ("en",)),
    ("phone", "8 (916) 123-45-67", ("ru", "kk")),
    ("phone", "8 701 123 45 67", ("kk", "ru")),
    ("phone", "0721 234 567", ("ro",)),
    ("phone", "069 123 456", ("ro",)),
    ("phone", "6912345678", ("el",)),
    ("phone", "210 123 4567", ("el",)),
    ("phone", "0912 345 6789", ("fa",)),
    ("phone", "۰۹۱۲۳۴۵۶۷۸۹", ("fa",)),
    ("phone", "۰۹۱۲ ۳۴۵ ۶۷۸۹", ("fa",)),
    ("phone", "٠٩١٢٣٤٥٦٧٨٩", ("fa",)),
    ("phone", "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", ("fa",)),
    ("email", "ivan.petrov@example.com", LANGS),
    ("email", "maria+shop@mail.ru", LANGS),
    ("email", "иван.петров@пример.рф", ("ru", "kk")),
    ("email", "γιάννης@παράδειγμα.ελ", ("el",)),
    ("email", "Ion_Popescu@Yahoo.RO", ("ro",)),
    ("card", "4111 1111 1111 1111", LANGS),
    ("card", "5500-0000-0000-0004", LANGS),
    ("card", "378282246310005", LANGS),
    ("card", "3782 822463 10005", LANGS),
    ("card", "4111111111111111", LANGS),
    ("card", "۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱", ("fa",)),
    ("card", "4111\u00a01111\u00a01111\u00a01111", ("en", "ru")),
    ("iban", "GB82 WEST 1234 5698 7654 32", LANGS),
    ("iban", "gb82 west 1234 5698 7654 32", LANGS),
    ("iban", "RO49AAAA1B31007593840000", LANGS),
    ("iban", "RO49 AAAA 1B31 0075 9384 0000", ("ro", "en")),
    ("iban", "GR16 0110 1250 0000 0001 2300 695", LANGS),
    ("iban", "KZ86125KZT5004100100", LANGS),
    ("iban", "GB82\u00a0WEST\u00a01234\u00a05698\u00a07654\u00a032", ("en",)),
    ("iban", "MD24AG000225100013104168", ("ro", "ru")),
    ("iban", "IR270170000000100324200001", ("fa", "en")),
]

POSITIVES = [
    pytest.param(TEMPLATES[kind][lang].format(value), value, kind, id=f"{kind}-{lang}-{value}")
    for kind, value, langs in LAYOUTS
    for lang in langs
]

PLAIN = [
    "",
    "Great service, the courier was polite and fast.",
    "Доставка опоздала на два дня, очень недоволен.",
    "Livrarea a fost rapidă, mulțumesc!",
    "Πολύ καλή εξυπηρέτηση, ευχαριστώ.",
    "\u200fارسال خیلی دیر بود و بسته\u200cبندی خراب شده بود.\u200f",
    "Жеткізу өте жылдам болды, рахмет!",
]

FALSE_POSITIVES = [
    "Order #123456 arrived late",
    "Заказ #1234567 пришёл с опозданием",
    "Delivered on 2026-05-01 at 14:30",
    "Livrat pe 12.05.2026 la ora 14:30",
    "Доставка 12.05.2026 с 10:00 до 18:00",
    "Παραγγελία 3456789 στις 12/05/2026 14:30:15",
    "سفارش #۱۲۳۴۵۶ در تاریخ ۱۴۰۵/۰۲/۱۱ ساعت ۱۴:۳۰",
    "Prețul 1 299,00 lei",
    "Price $1,299.99 for 2 items",
    "Бағасы 1 299 000 ₸",
    "Купил 3 шт. по 250 мл и 2 x 500 g",
    "Card 4111 1111 1111 1112 was declined",
    "1234567890123456",
    "Working @home today",
    "ping me @ivan or meet@home",
    "Updated to v2.3.1, build 4.12.1034",
    "IBAN RO49AAAA1B31007593840001 is wrong",
    "Comanda #123456 din 12.05.2026, ora 14:30, total 1 299,00 lei",
    "با ۹۶۰۱ تماس بگیرید",
    "2026-05-01 14:30 2026-05-01 14:30",
    "с 10:00 до 18:00 12.05.2026",
    "rating 10 9 8 10 9 10 10 8 9",
    "Ticket 12345 6789 0123",
    "ISBN 978-3-16-148410-0",
]

MIXED = (
    "Mail ivan@example.com or maria+shop@mail.ru, call +7 701 123 4567 or 8 (916) 123-45-67, "
    "card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32"
)


@pytest.mark.parametrize(("text", "value", "kind"), POSITIVES)
def test_redact_find_reports_span_in_original_text(text, value, kind):
    start = text.index(value)
    assert REDACTOR.find(text) == [Redaction(kind, start, start + len(value))]


@pytest.mark.parametrize(("text", "value", "kind"), POSITIVES)
def test_redact_replaces_only_the_span(text, value, kind):
    assert REDACTOR.redact(text) == (text.replace(value, TOKENS[kind]), Counter({kind: 1}))


@pytest.mark.parametrize("text", PLAIN + FALSE_POSITIVES)
def test_redact_returns_text_without_pii_unchanged(text):
    redacted, counts = REDACTOR.redact(text)
    assert redacted is text
    assert counts == Counter()


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "5500-0000-0000-0005", "378282246310006", "0000000000000"])
def test_redact_rejects_card_failing_luhn_or_starting_with_zero(number):
    assert "card" not in {r.kind for r in REDACTOR.find(f"card {number} declined")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Card 4111 1111 1111 1111 12/26", "Card [CARD] 12/26"),
        ("IBAN: RO49 AAAA 1B31 0075 9384 0000 plus fees", "IBAN: [IBAN] plus fees"),
        ("ref AB12 RO49 AAAA 1B31 0075 9384 0000", "ref AB12 [IBAN]"),
        ("e-mail: ivan@example.com.", "e-mail: [EMAIL]."),
        ("(ivan@example.com)", "([EMAIL])"),
    ],
)
def test_redact_stops_at_the_item_boundary(text, expected):
    assert REDACTOR.redact(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("тел 8 916 123 45 67 2 раза", "тел [PHONE] 2 раза"),
        ("звонил на +7 916 123-45-67 3 раза", "звонил на [PHONE] 3 раза"),
        ("+44 20 7946 0958 24/7", "[PHONE] 24/7"),
        ("call (212) 555-0123 10 times", "call [PHONE] 10 times"),
        ("позвоните 8 916 123 45 67 12.05 после обеда", "позвоните [PHONE] 12.05 после обеда"),
        ("8 916 123 45 67 8 701 123 45 67", "[PHONE] [PHONE]"),
    ],
)
def test_redact_separates_number_from_neighbouring_numbers(text, expected):
    assert REDACTOR.redact(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 30 tokens: a table of numbers gets phonenumbers' verdict on the whole run only
        (" ".join(["1"] * 25) + " 8 916 123 45 67", " ".join(["1"] * 25) + " 8 916 123 45 67"),
        (" ".join(["1"] * 5) + " 8 916 123 45 67", " ".join(["1"] * 5) + " [PHONE]"),
    ],
)
def test_redact_leaves_number_tables_to_phonenumbers(text, expected):
    assert REDACTOR.redact(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "4111 1111 1111 1111 8 916 123 45 67",
            [Redaction("card", 0, 19), Redaction("phone", 20, 35)],
        ),
    ],
)
def test_redact_finds_number_hidden_by_its_neighbour(text, expected):
    assert REDACTOR.find(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 81044207946095 6 is a Russian-dialled London number and also passes Luhn: same span, card wins
        ("x 810442079460956 y", [Redaction("card", 2, 17)]),
        # the phone inside the address is shorter than the e-mail
        ("79161234567@mail.ru", [Redaction("email", 0, 19)]),
    ],
)
def test_redact_resolves_overlaps_by_length_then_kind(text, expected):
    assert REDACTOR.find(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(MIXED, Counter({"email": 2, "phone": 2, "card": 1, "iban": 1}))],
)
def test_redact_counts_per_kind(text, expected):
    assert REDACTOR.redact(text)[1] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MIXED,
            [
                Redaction("email", 5, 21),
                Redaction("email", 25, 43),
                Redaction("phone", 50, 65),
                Redaction("phone", 69, 86),
                Redaction("card", 93, 112),
                Redaction("iban", 119, 146),
            ],
        ),
    ],
)
def test_redact_find_offsets(text, expected):
    found = REDACTOR.find(text)
    assert found == expected
    assert [text[r.start : r.end] for r in found] == [
        "ivan@example.com",
        "maria+shop@mail.ru",
        "+7 701 123 4567",
        "8 (916) 123-45-67",
        "4111 1111 1111 1111",
        "GB82 WEST 1234 5698 7654 32",
    ]


@pytest.mark.parametrize("text", [p.values[0] for p in POSITIVES] + [MIXED])
def test_redact_is_idempotent(text):
    once = REDACTOR.redact(text)[0]
    twice, counts = REDACTOR.redact(once)
    assert twice is once
    assert counts == Counter()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "\u200fایمیل\u200cام ali.rezaei@example.com و شماره\u200cام ۰۹۱۲۳۴۵۶۷۸۹ است\u200c\u200f",
            "\u200fایمیل\u200cام [EMAIL] و شماره\u200cام [PHONE] است\u200c\u200f",
        ),
        ("شماره\u200cام۰۹۱۲۳۴۵۶۷۸۹است", "شماره\u200cام[PHONE]است"),
        ("ali@example.com\u200cها را ببینید", "[EMAIL]\u200cها را ببینید"),
        ("از کارت ۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱\u200c ها", "از کارت [CARD]\u200c ها"),
    ],
)
def test_redact_keeps_persian_text_around_items_intact(text, expected):
    redacted = REDACTOR.redact(text)[0]
    assert redacted == expected
    assert redacted.encode("utf-8") == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("regions", "text", "expected"),
    [
        (("RO",), "Позвоните: 8 (916) 123-45-67", "Позвоните: 8 (916) 123-45-67"),
        (("RO",), "Позвоните: +7 (916) 123-45-67", "Позвоните: [PHONE]"),
        (("RO",), "Sunați-mă la 0721 234 567", "Sunați-mă la [PHONE]"),
        ((), "Call 020 7946 0958 or +44 20 7946 0958", "Call 020 7946 0958 or [PHONE]"),
        ((), "mail ivan@example.com", "mail [EMAIL]"),
    ],
)
def test_redact_national_layouts_follow_regions(regions, text, expected):
    assert Redactor(regions=regions).redact(text)[0] == expected


@pytest.mark.parametrize(
    ("regions", "expected"),
    [(("ro", "RO", "kz"), ("RO", "KZ")), ("ru", ("RU",)), ((), ())],
)
def test_redact_normalises_regions(regions, expected):
    assert Redactor(regions=regions).regions == expected


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (
            "UK",
            "phone region 'UK' is not known (the United Kingdom is GB); expected ISO 3166-1 alpha-2 codes "
            "that phonenumbers supports, e.g. US, GB, RU, RO, MD, GR, IR, KZ",
        ),
        (
            "Russia",
            "phone region 'Russia' is not known; expected ISO 3166-1 alpha-2 codes "
            "that phonenumbers supports, e.g. US, GB, RU, RO, MD, GR, IR, KZ",
        ),
    ],
)
def test_redact_unknown_region_names_it(region, message):
    with pytest.raises(UnknownRegion) as error:
        Redactor(regions=("RU", region))
    assert str(error.value) == message


@pytest.mark.parametrize(("regions", "expected"), [(("ro", "md"), "Redactor(regions=('RO', 'MD'))")])
def test_redact_repr_shows_regions(regions, expected):
    assert repr(Redactor(regions=regions)) == expected


@pytest.mark.parametrize("value", [None, 12345678, b"ivan@example.com"])
def test_redact_rejects_non_string(value):
    with pytest.raises(TypeError, match="expected a str"):
        REDACTOR.redact(value)


def _refuse(*args, **kwargs):
    raise AssertionError("the pre-check should have skipped this search")


@pytest.mark.parametrize(
    "text",
    ["Order #12345 arrived after 3 days", "Заказ №4567 на 1 299 руб.", "v2.3.1 crashes", "Working @home today"],
)
def test_redact_skips_phone_matcher_without_seven_digits(monkeypatch, text):
    monkeypatch.setattr(redact_module, "PhoneNumberMatcher", _refuse)
    assert REDACTOR.redact(text) == (text, Counter())


@pytest.mark.parametrize("text", ["Call +7 701 123 4567", "Card 4111 1111 1111 1111"])
def test_redact_skips_email_search_without_at_sign(monkeypatch, text):
    monkeypatch.setattr(redact_module, "_EMAIL", type("Refuse", (), {"finditer": staticmethod(_refuse)})())
    assert REDACTOR.redact(text)[1]


@pytest.mark.parametrize("plane_end", [0x10000])
def test_redact_pre_check_admits_all_phonenumbers_punctuation(plane_end):
    # The pre-check mirrors phonenumbers' digit-block punctuation; catch drift on upgrade.
    phonenumberutil = pytest.importorskip("phonenumbers.phonenumberutil")
    punctuation = getattr(phonenumberutil, "_VALID_PUNCTUATION", None)
    if punctuation is None:
        pytest.skip("phonenumbers no longer exposes _VALID_PUNCTUATION")
    theirs = re.compile(f"[{punctuation}]", re.IGNORECASE)
    ours = re.compile(redact_module._PHONE_GAP)
    missing = [chr(c) for c in range(plane_end) if theirs.fullmatch(chr(c)) and not ours.fullmatch(chr(c))]
    assert missing == []


# --- properties -------------------------------------------------------------------

_PIECES = [value for _, value, _ in LAYOUTS] + [
    "+",
    "@",
    ".",
    "-",
    " ",
    "(",
    ")",
    "8",
    "0",
    "۰",
    "x",
    "\u200c",
    "\u200f",
    "com",
    "[PHONE]",
    "[EMAIL]",
]
_TEXTS = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(_PIECES),
        st.text(alphabet="0123456789 -+()@.#/:", max_size=24),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=examples(300), deadline=None)
@given(_TEXTS)
def test_redact_output_has_nothing_left_to_find(text):
    redacted, counts = REDACTOR.redact(text)
    assert REDACTOR.find(redacted) == []
    assert sum(counts.values()) == len(REDACTOR.find(text))


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.text(), _TEXTS))
def test_redact_spans_are_sorted_disjoint_and_replaced(text):
    found = REDACTOR.find(text)
    assert all(0 <= r.start < r.end <= len(text) for r in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    pieces, last = [], 0
    for r in found:
        pieces += [text[last : r.start], TOKENS[r.kind]]
        last = r.end
    assert REDACTOR.redact(text) == ("".join(pieces) + text[last:], Counter(r.kind for r in found))
