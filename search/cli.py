"""``vnsearch``: a thin command line over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .index.store import IndexBusy, IndexMissing

DEFAULT_INDEX = "index"
DEFAULT_SOURCE = "seeds"

index_option = click.option(
    "--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Index folder.",
)


def _engine(index_dir: Path):
    from .query.engine import Engine

    try:
        return Engine(index_dir)
    except IndexMissing as e:
        raise click.ClickException(
            f"{e}. Build it with: vnsearch index --source SOURCE --index {index_dir}"
        ) from None


@click.group()
def main():
    """Search Vietnamese meeting documents."""


@main.command("index")
@click.option("--source", default=DEFAULT_SOURCE, show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder of documents.")
@index_option
@click.option("--full", is_flag=True, help="Re-analyse every file, not only the changed ones.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any file was skipped.")
@click.option("--workers", default=0, type=click.IntRange(0, 64),
              help="Processes that parse and analyse a big batch  [default: one per core]")
def index_cmd(source: Path, index_dir: Path, full: bool, strict: bool, workers: int):
    """Bring the index of SOURCE up to date and swap it in atomically.

    Only files added, changed or deleted since the last build are analysed.
    """
    from .index.build import build_index

    try:
        report = build_index(source, index_dir, progress=True, full=full, workers=workers or None)
    except (FileNotFoundError, IndexBusy) as e:
        raise click.ClickException(str(e)) from None
    for s in report.skipped:
        click.echo(f"warning: skipped {s.name}: {s.reason}", err=True)
    warnings = f"{len(report.skipped)} warnings"
    if report.full:
        if report.reason:
            click.echo(f"rebuilding from scratch: {report.reason}")
        click.echo(f"indexed {report.documents} documents, {report.paragraphs} paragraphs "
                   f"in {report.seconds:.2f} s into {index_dir}; {warnings}")
    else:
        click.echo(f"updated: {report.added} added, {report.changed} changed, "
                   f"{report.deleted} deleted, {report.unchanged} unchanged "
                   f"in {report.seconds:.2f} s; {index_dir} holds {report.documents} "
                   f"documents, {report.paragraphs} paragraphs; {warnings}")
    if strict and report.skipped:
        raise SystemExit(1)


@main.command("search")
@click.argument("query", required=False)
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query.")
@click.option("--batch", is_flag=True, help="Read one query per line from stdin (with --json).")
def search_cmd(query, index_dir: Path, limit: int, as_json: bool, batch: bool):
    """Search the index for QUERY."""
    if batch and not as_json:
        raise click.UsageError("--batch writes JSON lines: add --json")
    if not batch and query is None:
        raise click.UsageError("give a QUERY, or --json --batch to read queries from stdin")
    engine = _engine(index_dir)
    try:
        if batch:
            for line in sys.stdin:
                result = engine.search(line.rstrip("\r\n"), limit=limit)
                click.echo(json.dumps(result, ensure_ascii=False))
            return
        result = engine.search(query, limit=limit)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{result['total']} kết quả ({result['took_ms']:.1f} ms)")
    for rank, hit in enumerate(result["hits"], start=1):
        click.echo(f"\n{rank}. {hit['title']}  [{hit['doc_id']} #p{hit['paragraph']}]")
        click.echo("   " + _terminal_snippet(hit))


def _terminal_snippet(hit: dict) -> str:
    """The hit's fragment with the matched words in bold (when the terminal
    shows styles; click strips them otherwise)."""
    text, (start, end) = hit["text"], hit["fragment"]
    out, at = ["… " if start > 0 else ""], start
    for s, e in hit["spans"]:
        s, e = max(s, start), min(e, end)
        if s < e:
            out += [text[at:s], click.style(text[s:e], bold=True)]
            at = e
    out += [text[at:end], " …" if end < len(text) else ""]
    return "".join(out)


@main.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=0, type=click.IntRange(0, 64),
              help="Worker processes  [default: one per core]")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker process.")
@click.option("--cache", "cache_size", default=None, type=click.IntRange(0, 100_000),
              help="Search results kept per worker for repeated requests (0: none)  [default: 1000]")
def serve_cmd(index_dir: Path, host: str, port: int, workers: int, threads: int, cache_size):
    """Serve the search page and API with gunicorn, in pre-forked worker
    processes sharing the warmed index. Ctrl-C or SIGTERM stops them all."""
    from web.server import CannotListen, serve

    try:
        serve(index_dir, host=host, port=port, workers=workers or None, threads=threads,
              cache_size=cache_size, echo=click.echo)
    except IndexMissing as e:
        raise click.ClickException(
            f"{e}. Build it with: vnsearch index --source SOURCE --index {index_dir}"
        ) from None
    except CannotListen as e:
        raise click.ClickException(str(e)) from None


if __name__ == "__main__":
    main()
