"""Fuzzing ingestion and the labeled-file parser (tracker issue 7): only our own one-line errors may escape.

The target is :func:`fuzz_one`: any bytes, under any file name extension, go through ``read_comments`` and
``read_labeled``. It may return (and then rows read = rows analysed + rows rejected) or raise an
:class:`~analyzer.errors.AnalyzerError` whose message is one line starting with the file's name. Any other
exception is a bug.

* Default run: every file of the saved corpus ``tests/fuzz_corpus/`` is replayed (seeds of every format, and one
  file per crash found so far, named ``crash_*``).
* ``pytest -m slow``: a mutation fuzzer (byte flips, inserted tokens, cut and repeated ranges, splices of two
  corpus files, and for XLSX edits of the XML inside the zip) runs for ``FUZZ_SECONDS`` seconds (default 60) from
  the corpus, seeded by ``FUZZ_SEED`` (printed). A crashing input is written to ``FUZZ_CRASH_DIR`` (default: the
  test's temporary folder) and its path is in the failure message; copy it into ``tests/fuzz_corpus/`` as
  ``crash_<what>.<ext>`` once fixed.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
import traceback
import warnings
import zipfile
from pathlib import Path

import pytest

from analyzer.classify.labels import read_labeled
from analyzer.config import AnalysisConfig
from analyzer.errors import AnalyzerError
from analyzer.io.ingest import read_comments

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
SUFFIXES = (".csv", ".tsv", ".txt", ".jsonl", ".json", ".xlsx", ".parquet")
TOKENS = [b"\x00", b'"', b'""', b",", b";", b"\t", b"|", b"\n", b"\r", b"\r\n", b"{", b"}", b"[", b"]", b":", b"\xef\xbb\xbf",
          b"\xff\xfe", b"\xfe\xff", "\u2028".encode(), "\u202e".encode(), "😡".encode(), b"\xd0", b"\xc3\x28", b"9" * 40,
          b"31.12.9999", b"=1+1", b"-", b"NaN", b"null", b"PK\x03\x04", b"PAR1", b"\xd0\xcf\x11\xe0", b"a:b;c", b"x" * 500]
XML_TOKENS = [b'<row r="0">', b'<c r="ZZZ9" t="s"><v>99</v></c>', b'<c r="A2" t="n"><v>1e999</v></c>', b'<c t="d"><v>xx</v></c>',
              b'<c r="B3" s="999"><v>3</v></c>', b"</row>", b"<sheetData>", b"<f>SUM(A1)</f>", b'r="-5"', b"<v>2958466</v>",
              b'<c r="XFD1048576"><v>1</v></c>', b'<row r="99999999">', b'<dimension ref="A1:XFD1048576"/>', b"&amp;", b"&#0;"]


def _comments(data: bytes, name: str) -> None:
    got = read_comments(io.BytesIO(data), AnalysisConfig(max_field_chars=2000), name=name)
    assert got.rows_read == len(got.comments) + len(got.rejects) == got.table.n_read
    assert got.rejects["reason"].str.len().min() > 0 if len(got.rejects) else True


def _labeled(data: bytes, name: str) -> None:
    got = read_labeled(io.BytesIO(data), name=name)
    assert got.rows_read == len(got.texts) + len(got.rejects)


def fuzz_one(data: bytes, suffix: str) -> None:
    """Run both parsers on ``data`` named ``fuzz<suffix>``; raise AssertionError for an unclear error, let bugs escape."""
    name = f"fuzz{suffix}"
    for parse in (_comments, _labeled):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about odd workbooks; warnings are not failures
                parse(data, name)
        except AnalyzerError as error:
            message = str(error)
            assert "\n" not in message and "\r" not in message, f"{parse.__name__}: error is not one line: {message!r}"
            assert message.startswith(name) or message.startswith("--"), f"{parse.__name__}: error does not name the file: {message!r}"


def _corpus() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix in SUFFIXES)


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_fuzz_corpus_replays_cleanly(path: Path) -> None:
    fuzz_one(path.read_bytes(), path.suffix)


def test_fuzz_corpus_holds_every_format_and_the_found_crashes() -> None:
    names = [p.name for p in _corpus()]
    assert {p.suffix for p in _corpus()} >= {".csv", ".tsv", ".jsonl", ".json", ".xlsx", ".parquet"}
    assert sum(name.startswith("crash_") for name in names) >= 10


# --- the long run ---------------------------------------------------------------


def _mutate_bytes(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        where = rng.randint(0, len(out))
        if op < 0.25 and out:
            out[rng.randrange(len(out))] = rng.randrange(256)
        elif op < 0.5:
            out[where:where] = rng.choice(TOKENS)
        elif op < 0.65 and out:
            del out[where : where + rng.randint(1, 32)]
        elif op < 0.8 and out:
            end = min(len(out), where + rng.randint(1, 64))
            out[where:where] = out[where:end] * rng.randint(1, 8)
        else:
            other = rng.choice(others)
            cut = rng.randint(0, len(other))
            out[where:] = other[cut:]
    return bytes(out)


def _mutate_xlsx(rng: random.Random, data: bytes) -> bytes | None:
    """Edit the XML of one part inside the zip and pack it again (byte flips alone mostly break the CRC)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    except Exception:  # a mutated zip: fall back to byte mutations
        return None
    xml = [n for n in parts if n.endswith((".xml", ".rels"))]
    if not xml:
        return None
    name = rng.choice(xml)
    body = bytearray(parts[name])
    for _ in range(rng.randint(1, 4)):
        where = rng.randint(0, len(body))
        op = rng.random()
        if op < 0.45:
            body[where:where] = rng.choice(XML_TOKENS)
        elif op < 0.75:
            del body[where : where + rng.randint(1, 30)]
        elif body:
            body[rng.randrange(len(body))] = rng.randrange(32, 127)
    parts[name] = bytes(body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return out.getvalue()


@pytest.mark.slow
def test_fuzz_for_a_bounded_time(tmp_path) -> None:
    seconds = float(os.environ.get("FUZZ_SECONDS", "60"))
    seed = int(os.environ.get("FUZZ_SEED", str(time.time_ns() % 2**32)))
    crash_dir = Path(os.environ.get("FUZZ_CRASH_DIR", str(tmp_path)))
    print(f"fuzzing for {seconds:g} s with FUZZ_SEED={seed}")
    rng = random.Random(seed)
    seeds = [(p.read_bytes(), p.suffix) for p in _corpus()]
    others = [data for data, _ in seeds]
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        data, suffix = rng.choice(seeds)
        mutated = _mutate_xlsx(rng, data) if data.startswith(b"PK") and rng.random() < 0.6 else None
        if mutated is None:
            mutated = _mutate_bytes(rng, data, others)
        if rng.random() < 0.15:
            suffix = rng.choice(SUFFIXES)
        runs += 1
        try:
            fuzz_one(mutated, suffix)
        except Exception as error:  # every escape is reported with its input
            crash_dir.mkdir(parents=True, exist_ok=True)
            path = crash_dir / f"crash-{hashlib.sha256(mutated).hexdigest()[:12]}{suffix}"
            path.write_bytes(mutated)
            pytest.fail(f"input {path} (FUZZ_SEED={seed}, run {runs}) raised {type(error).__name__}: {error}\n"
                        + "".join(traceback.format_exception(error)[-6:]))
    print(f"{runs} inputs, no crash")
    assert runs > 0


# --- model files -------------------------------------------------------------------
# Loading a model never runs code from the file: it is refused unless its checksum matches the card and every type it
# would create is trusted (tests/test_modelio.py holds the basic refusals; these add a canary and a mutation fuzz).

CANARY_MODULE = '''
import os
if os.environ.get("CANARY_ARMED"):
    open(os.environ["CANARY_FILE"], "w").write("code from a model file ran")


class Payload:
    def __reduce__(self):
        return (os.system, ("touch " + os.environ.get("CANARY_FILE", "/dev/null"),))


class Plain:
    pass
'''

CANARY_CHILD = '''
import hashlib, json, os, sys
from pathlib import Path
folder, what = Path(sys.argv[1]), sys.argv[2]
import skops.io as sio
import canary_payload
evil = {"plain": canary_payload.Plain(), "system": os.system, "reduce": canary_payload.Payload()}[what]
sio.dump({"touchpoints": None, "sentiment": evil}, folder / "model.skops")
card = json.loads((folder / "model_card.json").read_text())
card["model_sha256"] = hashlib.sha256((folder / "model.skops").read_bytes()).hexdigest()
(folder / "model_card.json").write_text(json.dumps(card))
'''

LOAD_CHILD = '''
import sys
from analyzer.errors import ModelError
from analyzer.classify.modelio import load_model
try:
    load_model(sys.argv[1])
    print("LOADED")
except ModelError as error:
    print("REFUSED", error)
'''


@pytest.mark.parametrize("what", ["plain", "system", "reduce"])
def test_fuzz_a_model_file_never_runs_its_code(small_model, tmp_path, what: str) -> None:
    """A resealed model file naming a module whose import has a side effect, os.system, or a __reduce__ payload."""
    import shutil
    import subprocess
    import sys

    (tmp_path / "canary_payload.py").write_text(CANARY_MODULE)
    folder = tmp_path / "model"
    shutil.copytree(small_model, folder)
    canary = tmp_path / "canary"
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", "CANARY_FILE": str(canary)}
    made = subprocess.run([sys.executable, "-c", CANARY_CHILD, str(folder), what], env=env, capture_output=True, text=True, timeout=120)
    if made.returncode != 0:
        pytest.skip(f"skops cannot write this payload ({made.stderr.strip().splitlines()[-1]}); nothing to load")
    assert not canary.exists()
    loaded = subprocess.run([sys.executable, "-c", LOAD_CHILD, str(folder)], env={**env, "CANARY_ARMED": "1"},
                            capture_output=True, text=True, timeout=120)
    assert loaded.stdout.startswith("REFUSED ") and "does not trust" in loaded.stdout, loaded.stdout + loaded.stderr
    assert "\n" not in loaded.stdout.strip()
    assert not canary.exists(), "code from the model file ran"


def test_fuzz_resealed_mutations_of_a_model_file_are_refused_or_load(small_model, tmp_path) -> None:
    """Byte mutations of model.skops with the card's checksum updated: a ModelError or a working model, nothing else."""
    import json
    import shutil

    from analyzer.classify.modelio import CARD_FILE, MODEL_FILE, load_model
    from analyzer.errors import ModelError

    rng = random.Random(7)
    original = (small_model / MODEL_FILE).read_bytes()
    outcomes: dict[str, int] = {}
    for n in range(12):
        folder = tmp_path / f"m{n}"
        shutil.copytree(small_model, folder)
        data = _mutate_xlsx(rng, original) if n % 2 else _mutate_bytes(rng, original, [original])
        (folder / MODEL_FILE).write_bytes(data or original[: len(original) // 2])
        card = json.loads((folder / CARD_FILE).read_text())
        card["model_sha256"] = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
        (folder / CARD_FILE).write_text(json.dumps(card))
        try:
            load_model(folder)
            outcomes["loaded"] = outcomes.get("loaded", 0) + 1
        except ModelError as error:
            assert "\n" not in str(error) and str(folder) in str(error)
            outcomes["refused"] = outcomes.get("refused", 0) + 1
    assert outcomes.get("refused", 0) > 0
