from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from search import build_index
from search import Engine

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def write_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(SEEDS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def seed_engine(seed_index) -> Engine:
    return Engine(seed_index)


@pytest.fixture
def make_engine(tmp_path):
    """Build an index from ``{filename: text}`` and open it."""

    def make(docs: dict[str, str]) -> Engine:
        source = write_corpus(tmp_path / "source", docs)
        build_index(source, tmp_path / "index")
        return Engine(tmp_path / "index")

    return make


def top(result: dict, n: int = 1) -> list[tuple[str, int]]:
    return [(h["doc_id"], h["paragraph"]) for h in result["hits"][:n]]


def marked(hit: dict) -> list[str]:
    """The words a hit's spans mark, as the page would show them."""
    return [hit["text"][s:e] for s, e in hit["spans"]]


class Pauses:
    """Holds builds at the named points of ``search/pause.py``, so that a test
    kills or queries a build in a known state whatever the machine's speed."""

    # A safety net against a hang, not a guess at speed: a build that is
    # merely slow still gets there, and one that ended is noticed at once.
    LIMIT = 600

    def __init__(self, folder: Path, monkeypatch):
        self.folder, self.monkeypatch = folder, monkeypatch
        folder.mkdir(exist_ok=True)
        monkeypatch.setenv("VNSEARCH_PAUSE_DIR", str(folder))

    def hold(self, *points: str) -> None:
        """Builds started from now on (here or in subprocesses) stop at ``points``."""
        self.monkeypatch.setenv("VNSEARCH_PAUSE", ",".join(points))

    def wait(self, point: str, processes: int = 1, build=None) -> list[int]:
        """Wait until ``processes`` processes stand at ``point``; their pids.

        ``build``: the ``Popen`` or ``Thread`` running the build; if it ends
        first, the test fails."""
        def held():
            return [int(p.suffix[1:]) for p in self.folder.glob(f"{point}.*") if p.suffix != ".go"]

        def ended():
            return build is not None and (build.poll() is not None if hasattr(build, "poll")
                                          else not build.is_alive())

        self._until(lambda: len(held()) >= processes or ended(), f"{processes} at {point!r}")
        assert len(held()) >= processes, f"the build ended before reaching {point!r}"
        return held()

    def release(self, point: str) -> None:
        """Let one process held at ``point`` go on; return once it has."""
        go = self.folder / f"{point}.go"
        go.touch()
        self._until(lambda: not go.exists(), f"release from {point!r}")

    def _until(self, condition, what: str) -> None:
        deadline = time.monotonic() + self.LIMIT
        while not condition():
            assert time.monotonic() < deadline, f"no {what} in {self.LIMIT} s"
            time.sleep(0.01)


@pytest.fixture
def pauses(tmp_path, monkeypatch) -> Pauses:
    return Pauses(tmp_path / "pauses", monkeypatch)


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A .docx of these paragraphs, made with python-docx (the test extras)."""
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
