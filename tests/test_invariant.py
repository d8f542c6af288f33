"""Property: for any messy delimited file, rows read = rows analysed + rows rejected, and nothing crashes."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.config import AnalysisConfig
from analyzer.errors import InputError
from analyzer.io.ingest import read_comments

from .conftest import examples

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\u200f\u0645\u0646\u200c\u0647\u0627", "Курьер, опоздал", "Ο κούριερ", "😡👍", "=1+1", "\x00", '"',
                     "line\nbreak", "11", "7", "2026-05-01", "31.05.2026", "x" * 300]),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1251", "cp1253"]


@st.composite
def messy_files(draw):
    width = draw(st.integers(1, 4))
    header = draw(st.lists(st.sampled_from(["comment", "id", "nps", "date", "text", "", "comment"]), min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELL, min_size=max(0, width - 1), max_size=width + 1), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(header)
    records = 0
    for row in rows:
        writer.writerow(row)
        # What the reader will see after the encoding replaced what it cannot hold.
        if len(row) > 1 or (row and row[0].encode(encoding, errors="replace").decode(encoding).strip()):
            records += 1
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = text.replace("\r\n", "\n")
    return text.encode(encoding, errors="replace"), records, delimiter


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_files())
def test_invariant_rows_read_equals_analysed_plus_rejected(file) -> None:
    data, non_blank_records, delimiter = file
    try:
        got = read_comments(io.BytesIO(data), AnalysisConfig(max_field_chars=200), name="messy.csv")
    except InputError:
        return  # a whole-file problem is reported as one clear error, which is allowed
    assert got.rows_read == len(got.comments) + len(got.rejects)
    assert len(got.comments) + len(got.rejects) == got.table.n_read
    if got.table.delimiter == delimiter:
        assert got.rows_read == non_blank_records
    assert set(got.rejects["line"]).isdisjoint(set(got.comments["source_line"]))
    assert got.comments["comment_id"].is_unique
