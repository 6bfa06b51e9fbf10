from __future__ import annotations

from pathlib import Path

import pytest

from search.indexer import build_index
from search.searcher import Engine

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
