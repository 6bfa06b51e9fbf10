"""``vnsearch``: a thin command line over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .index.store import IndexBusy, IndexMissing
from .query.engine import MAX_OFFSET

DEFAULT_INDEX = "index"
DEFAULT_SOURCE = "seeds"
OTHERS_SHOWN = 10  # paragraph numbers listed under a grouped result

index_option = click.option(
    "--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Index folder.",
)


class Problem(click.ClickException):
    """A clear message, in the language of the page, and a non-zero exit:
    1 for what went wrong, 2 for what was asked wrongly."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None):
        click.echo(f"Lỗi: {self.format_message()}", err=True)


def _engine(index_dir: Path):
    from .query.engine import Engine

    try:
        return Engine(index_dir)
    except IndexMissing as e:
        raise Problem(f"{e}. Lập chỉ mục bằng: vnsearch index --source THƯ_MỤC --index {index_dir}") from None


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

    if not source.is_dir():
        raise Problem(f"không có thư mục nguồn {source}")
    try:
        report = build_index(source, index_dir, progress=True, full=full, workers=workers or None)
    except IndexBusy as e:
        raise Problem(str(e)) from None
    for s in report.skipped:
        click.echo(f"cảnh báo: bỏ qua {s.name}: {s.reason}", err=True)
    for w in report.warnings:  # indexed, but with a page OCR read badly
        click.echo(f"cảnh báo: {w.name}: {w.reason}", err=True)
    warnings = f"{len(report.skipped) + len(report.warnings)} cảnh báo"
    if report.full:
        if report.reason:
            click.echo(f"lập lại chỉ mục từ đầu: {report.reason}")
        click.echo(f"đã lập chỉ mục {report.documents} văn kiện, {report.paragraphs} đoạn "
                   f"trong {_decimal(report.seconds)} s vào {index_dir}; {warnings}")
    else:
        click.echo(f"đã cập nhật: {report.added} thêm, {report.changed} đổi, "
                   f"{report.deleted} xóa, {report.unchanged} giữ nguyên "
                   f"trong {_decimal(report.seconds)} s; {index_dir} có {report.documents} "
                   f"văn kiện, {report.paragraphs} đoạn; {warnings}")
    if not report.documents:
        message = f"thư mục nguồn {source} không có văn kiện nào đọc được"
        if strict:
            raise Problem(message)
        click.echo(f"cảnh báo: {message}", err=True)
    if strict and report.skipped:
        raise SystemExit(1)


def _decimal(x: float, places: int = 2) -> str:
    """A number as Vietnamese writes it: a decimal comma."""
    return f"{x:.{places}f}".replace(".", ",")


def _date(ctx, param, value):
    from .query.facets import parse_date

    try:
        return None if value is None else parse_date(value)
    except ValueError:
        raise Problem(f"--{param.name.removeprefix('date_')} phải là ngày dạng dd/mm/yyyy "
                      f"(nhận được {value!r})", 2) from None


def _term(ctx, param, value):
    from .query.facets import parse_term

    try:
        return None if value is None else parse_term(value)
    except ValueError:
        raise Problem(f"--term phải là số khóa, như XX hoặc 20 (nhận được {value!r})", 2) from None


@main.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1)
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, MAX_OFFSET),
              help="Skip this many results (the next page).")
@click.option("--province", help="Only this province (any accents: 'thai nguyen').")
@click.option("--term", callback=_term, help="Only this term of the Party committee (XX or 20).")
@click.option("--year", type=click.IntRange(1900, 2200), help="Only documents of this year.")
@click.option("--kind", help="Only official documents of this type ('nghi quyet', 'báo cáo').")
@click.option("--issuer", help="Only official documents of this issuer ('Tỉnh ủy Thái Nguyên').")
@click.option("--from", "date_from", callback=_date, help="Only documents dated on or after (dd/mm/yyyy).")
@click.option("--to", "date_to", callback=_date, help="Only documents dated on or before (dd/mm/yyyy).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--group", type=click.Choice(["none", "doc"]), default="none", show_default=True,
              help="doc: one result per document, its best paragraph first "
                   "(--limit and --offset then count documents).")
@click.option("--raw", is_flag=True, help="Search the words exactly as typed: no Telex/VNI "
              "decoding, no correction of words the index does not know.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query.")
@click.option("--batch", is_flag=True, help="Read one query per line from stdin (with --json).")
def search_cmd(words, index_dir: Path, limit: int, offset: int, province, term, year, kind, issuer,
               date_from, date_to, sort, group: str, raw: bool, as_json: bool, batch: bool):
    """Search the index for the query WORDS.

    A word after a minus is excluded and "quoted words" are a phrase:
    vnsearch search hoi nghi -thai  or  vnsearch search -- '"ban chap hanh" -thai'
    """
    from .query.facets import Filters

    query = " ".join(words)
    if batch and not as_json:
        raise Problem("--batch viết ra các dòng JSON: thêm --json", 2)
    if not batch and not query.strip():
        raise Problem("truy vấn trống: gõ từ cần tìm, hoặc --json --batch để đọc truy vấn từ stdin", 2)
    filters = Filters(province=province, term=term, year=year, date_from=date_from,
                      date_to=date_to, sort=sort, kind=kind, issuer=issuer)
    engine = _engine(index_dir)
    try:
        if batch:
            for line in sys.stdin:
                result = engine.search(line.rstrip("\r\n"), limit=limit, offset=offset,
                                       filters=filters, group=group, raw=raw)
                click.echo(json.dumps(result, ensure_ascii=False))
            return
        result = engine.search(query, limit=limit, offset=offset, filters=filters, group=group,
                               raw=raw)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    if result["suggestion"] and result["suggestion"] != query:
        click.echo(f"Có phải bạn muốn tìm: {result['suggestion']}")
    if result["decoded"]:
        click.echo(f"Đã tìm: {result['decoded']} (--raw: tìm đúng như đã gõ)")
    if result["corrected"]:
        fixes = ", ".join(f"{typed} → {shown}" for typed, shown in result["corrected"].items())
        click.echo(f"Đã sửa: {fixes} (--raw: tìm đúng như đã gõ)")
    took = f"({_decimal(result['took_ms'], 1)} ms)"
    if group == "doc":
        click.echo(f"{result['documents']} văn kiện, {result['total']} đoạn {took}")
    else:
        click.echo(f"{result['total']} kết quả {took}")
    for rank, hit in enumerate(result["hits"], start=offset + 1):
        click.echo(f"\n{rank}. {hit['title']}  [{hit['doc_id']} #p{hit['paragraph']}]")
        click.echo("   " + _terminal_snippet(hit))
        if hit.get("more"):
            shown = ", ".join(f"#p{n}" for n in hit["others"][:OTHERS_SHOWN])
            shown += ", …" if hit["more"] > OTHERS_SHOWN else ""
            click.echo(f"   {hit['more']} đoạn khác trong văn kiện này: {shown}")


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


def _port(ctx, param, value):
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = -1
    if not 0 <= port <= 65535:
        raise Problem(f"--port phải là số cổng từ 0 đến 65535 (nhận được {value!r})", 2)
    return port


@main.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, callback=_port, help="0: any free port.")
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
        raise Problem(f"{e}. Lập chỉ mục bằng: vnsearch index --source THƯ_MỤC --index {index_dir}") from None
    except CannotListen as e:
        raise Problem(str(e)) from None


@main.command("publish")
@index_option
@click.argument("destination")
@click.option("--generation", help="A generation of INDEX by name (gen-…)  [default: the current one]")
@click.option("--ssh", default="ssh", show_default=True, help="ssh command for a remote DESTINATION.")
@click.option("--rsync", default="rsync", show_default=True, help="rsync command (both ends need >= 3.2.3).")
@click.option("--remote-vnsearch", default="vnsearch", show_default=True,
              help="vnsearch on the replica (it verifies and switches there).")
@click.option("--manifest-sha256", hidden=True, help="The manifest's sum as the sender knows it.")
def publish_cmd(index_dir: Path, destination: str, generation, ssh: str, rsync: str,
                remote_vnsearch: str, manifest_sha256):
    """Copy a finished generation of INDEX to the index folder DESTINATION
    (a folder, host:path or ssh://[user@]host[:port]/path), check every file
    there against the manifest's sha256, then switch its `current`."""
    from .index.publish import PublishError, publish

    try:
        done = publish(index_dir, destination, generation, manifest_sha256, ssh=ssh, rsync=rsync,
                       vnsearch=remote_vnsearch)
    except (PublishError, IndexBusy, IndexMissing) as e:
        raise Problem(str(e)) from None
    if done.remote_output:
        click.echo(done.remote_output)
        return
    size = _decimal(done.bytes / 2**20, 1)
    if not done.switched:
        click.echo(f"{done.destination} đã dùng {done.generation}: {done.files} tệp, {size} MB, "
                   f"sha256 khớp; không đổi gì")
        return
    before = f" (trước: {done.previous})" if done.previous else ""
    click.echo(f"đã đưa {done.generation} vào {done.destination}: {done.files} tệp, {size} MB "
               f"({done.copied} tệp chép), sha256 khớp; current → {done.generation}{before} "
               f"trong {_decimal(done.seconds)} s")


if __name__ == "__main__":
    main()
