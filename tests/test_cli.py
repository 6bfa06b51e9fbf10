import json

from click.testing import CliRunner

from conftest import SEEDS, write_corpus
from search.cli import main


def test_index_then_search_human_and_json(tmp_path):
    runner = CliRunner()
    index = str(tmp_path / "index")
    out = runner.invoke(main, ["index", "--source", str(SEEDS), "--index", index])
    assert out.exit_code == 0, out.output
    assert "indexed 5 documents, 49 paragraphs" in out.output and "0 warnings" in out.output

    out = runner.invoke(main, ["search", "cay che thai nguyen", "--index", index, "--limit", "3"])
    assert out.exit_code == 0, out.output
    assert "kết quả" in out.output and "1. " in out.output and "chè" in out.output

    out = runner.invoke(main, ["search", "GRDP", "--index", index, "--json"])
    data = json.loads(out.output)
    assert set(data) == {"query", "total", "with_all_words", "suggestion", "facets", "took_ms", "hits"}
    assert data["query"] == "GRDP" and data["total"] == 2
    hit = data["hits"][0]
    assert set(hit) == {"doc_id", "title", "paragraph", "text", "spans", "fragment", "score", "meta"}
    assert [hit["text"][s:e] for s, e in hit["spans"]] == ["GRDP"]


def test_batch_answers_each_line_in_order(seed_index):
    queries = ["tinh uy", "", "05-CT/TW", "xyzzy plugh", '"unbalanced']
    out = CliRunner().invoke(main, ["search", "--json", "--batch", "--index", str(seed_index)],
                             input="\n".join(queries) + "\n")
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert [d["query"] for d in lines] == queries
    assert lines[0]["total"] > 0 and lines[1]["total"] == 0 and lines[2]["total"] == 1
    assert lines[3]["hits"] == []


def test_unreadable_file_reported_by_name(tmp_path):
    source = write_corpus(tmp_path / "src", {"ok.txt": "A\nChè.\n"})
    (source / "bad.txt").write_bytes(b"\x81\x8d\x8f")
    args = ["index", "--source", str(source), "--index", str(tmp_path / "ix")]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0
    assert "warning: skipped bad.txt: is not text in UTF-8" in out.output
    assert "indexed 1 documents" in out.output and "1 warnings" in out.output
    strict = CliRunner().invoke(main, args + ["--strict"])
    assert strict.exit_code == 1 and "1 warnings" in strict.output


def test_search_without_index_says_how_to_build_it(tmp_path):
    out = CliRunner().invoke(main, ["search", "che", "--index", str(tmp_path / "none")])
    assert out.exit_code != 0
    assert "vnsearch index" in out.output
    assert "Traceback" not in out.output


def test_batch_needs_json(seed_index):
    out = CliRunner().invoke(main, ["search", "--batch", "--index", str(seed_index)])
    assert out.exit_code == 2 and "--json" in out.output
