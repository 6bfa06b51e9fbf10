"""Building the index from a source folder."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index

from .corpus import Skipped, read_corpus
from .schema import make_schema
from .store import build_lock, new_generation, publish, recover


@dataclass
class BuildReport:
    documents: int
    paragraphs: int
    seconds: float
    skipped: list[Skipped] = field(default_factory=list)


def build_index(source: Path, index_dir: Path, progress: bool = False) -> BuildReport:
    """Index every document of ``source`` into a new generation and publish it.

    Anything that goes wrong before the swap leaves the previous index serving.
    """
    source, index_dir = Path(source), Path(index_dir)
    if not source.is_dir():
        raise FileNotFoundError(f"source folder {source} does not exist")
    started = time.perf_counter()
    with build_lock(index_dir):
        recover(index_dir)
        corpus = read_corpus(source)
        generation = new_generation(index_dir)
        try:
            ix = whoosh_index.create_in(generation, make_schema())
            writer = ix.writer(limitmb=256)
            paragraphs = 0
            bar = tqdm(corpus.documents, desc="Đang lập chỉ mục", unit="tài liệu",
                       disable=not progress, leave=False)
            try:
                for doc in bar:
                    for n, text in enumerate(doc.paragraphs, start=1):
                        writer.add_document(
                            doc_id=doc.doc_id, para=n, title=doc.title, text=text,
                            syl=text, fold=text, comp=text, fcomp=text,
                        )
                    paragraphs += len(doc.paragraphs)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            finally:
                bar.close()
            manifest = {
                "source": str(source.resolve()),
                "documents": {d.doc_id: {"file": d.path.name, "sha256": d.sha256,
                                         "paragraphs": len(d.paragraphs)}
                              for d in corpus.documents},
                "paragraphs": paragraphs,
                "skipped": [{"name": s.name, "reason": s.reason} for s in corpus.skipped],
                "built_at": time.time(),
            }
            publish(index_dir, generation, manifest)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
    return BuildReport(len(corpus.documents), paragraphs,
                       time.perf_counter() - started, corpus.skipped)
