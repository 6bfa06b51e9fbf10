import json

import pytest

from click.testing import CliRunner

from conftest import SEEDS, write_corpus
from search.cli import main


def test_index_then_search_human_and_json(tmp_path):
    runner = CliRunner()
    index = str(tmp_path / "index")
    out = runner.invoke(main, ["index", "--source", str(SEEDS), "--index", index])
    assert out.exit_code == 0, out.output
    assert "đã lập chỉ mục 5 văn kiện, 37 đoạn" in out.output and "0 cảnh báo" in out.output

    out = runner.invoke(main, ["search", "cay che thai nguyen", "--index", index, "--limit", "3"])
    assert out.exit_code == 0, out.output
    assert "kết quả" in out.output and "1. " in out.output and "chè" in out.output

    out = runner.invoke(main, ["search", "GRDP", "--index", index, "--json"])
    data = json.loads(out.output)
    assert set(data) == {"query", "group", "total", "documents", "exact_total", "with_all_words",
                         "suggestion", "decoded", "corrected", "facets", "took_ms", "hits"}
    assert data["query"] == "GRDP" and data["total"] == 2
    hit = data["hits"][0]
    assert set(hit) == {"doc_id", "title", "paragraph", "text", "spans", "fragment", "score", "meta",
                        "exact"}
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
    assert "cảnh báo: bỏ qua bad.txt: không phải văn bản UTF-8 hay UTF-16, cũng không nhận ra chắc chắn " \
           "là bảng mã tiếng Việt cũ nào (TCVN3, VNI, Windows-1258)\n" in out.output
    assert "đã lập chỉ mục 1 văn kiện" in out.output and "1 cảnh báo" in out.output
    strict = CliRunner().invoke(main, args + ["--strict"])
    assert strict.exit_code == 1 and "1 cảnh báo" in strict.output


def test_search_without_index_says_how_to_build_it(tmp_path):
    out = CliRunner().invoke(main, ["search", "che", "--index", str(tmp_path / "none")])
    assert out.exit_code != 0
    assert "vnsearch index" in out.output
    assert "Traceback" not in out.output


def test_batch_needs_json(seed_index):
    out = CliRunner().invoke(main, ["search", "--batch", "--index", str(seed_index)])
    assert out.exit_code == 2 and "--json" in out.output


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def test_exclusions_filters_and_pages(seed_index):
    plain = run("search", "hoi", "nghi", "--index", seed_index, "--json")
    without = run("search", "hoi", "nghi", "-thai", "--index", seed_index, "--json")
    after_dashes = run("search", "--index", seed_index, "--json", "--", "hoi nghi -thai")
    assert without.exit_code == 0, without.output
    a, b, c = (json.loads(r.output) for r in (plain, without, after_dashes))
    assert b["query"] == c["query"] == "hoi nghi -thai"
    assert 0 < b["total"] < a["total"] and b["hits"] == c["hits"]
    assert not any("thái" in h["text"].lower() or "thai" in h["text"].lower() for h in b["hits"])
    # The 2024 meeting of khóa XX is seed 004; a term filter written as the documents write it.
    by_term = json.loads(run("search", "nghi quyet", "--term", "XX", "--index", seed_index, "--json").output)
    by_number = json.loads(run("search", "nghi quyet", "--term", "20", "--index", seed_index, "--json").output)
    assert by_term["hits"] == by_number["hits"] and by_term["total"] > 0
    assert {h["meta"]["term"] for h in by_term["hits"]} == {20}
    second = json.loads(run("search", "nghi quyet", "--offset", 3, "--limit", 3, "--index", seed_index,
                            "--json").output)
    first = json.loads(run("search", "nghi quyet", "--limit", 6, "--index", seed_index, "--json").output)
    assert second["hits"] == first["hits"][3:6]
    text = run("search", "nghi quyet", "--offset", 3, "--limit", 1, "--index", seed_index).output
    assert "\n4. " in text and "\n1. " not in text


def test_plain_output_shows_the_suggestion(seed_index):
    out = run("search", "nghiquyet", "--index", seed_index)
    assert out.exit_code == 0
    assert out.output.splitlines()[0] == "Có phải bạn muốn tìm: nghị quyết"


@pytest.mark.parametrize("args, message", [
    (["search", ""], "truy vấn trống"),
    (["search", "   "], "truy vấn trống"),
    (["search", "che", "--from", "32/01/2024"], "--from phải là ngày dạng dd/mm/yyyy"),
    (["search", "che", "--term", "abc"], "--term phải là số khóa"),
    (["serve", "--port", "99999"], "--port phải là số cổng từ 0 đến 65535"),
    (["serve", "--port", "-1"], "--port phải là số cổng"),
])
def test_bad_requests_exit_2_with_one_clear_line(seed_index, args, message):
    out = run(*args, "--index", seed_index)
    assert out.exit_code == 2, out.output
    (line,) = out.output.strip().splitlines()
    assert line.startswith(f"Lỗi: {message}")
    assert "Traceback" not in out.output


def test_empty_or_missing_source_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    out = run("index", "--source", tmp_path / "empty", "--index", tmp_path / "ix")
    assert out.exit_code == 0 and "cảnh báo: thư mục nguồn" in out.output and "không có văn kiện" in out.output
    strict = run("index", "--source", tmp_path / "empty", "--index", tmp_path / "ix", "--strict")
    assert strict.exit_code == 1 and "Lỗi: thư mục nguồn" in strict.output
    missing = run("index", "--source", tmp_path / "none", "--index", tmp_path / "ix")
    assert missing.exit_code == 1 and "Lỗi: không có thư mục nguồn" in missing.output


def test_progress_bar_ends_at_its_total(tmp_path, monkeypatch):
    import search.index.build as build

    ends = []

    class Recording(build.tqdm):
        def close(self):
            ends.append((self.n, self.total))
            super().close()

    monkeypatch.setattr(build, "tqdm", Recording)
    build.build_index(SEEDS, tmp_path / "ix", progress=True)
    assert set(ends) == {(37, 37)}  # closed by build_index, then again by tqdm.__del__


def test_search_grouped_by_document(seed_index):
    args = ["search", "Tỉnh", "ủy", "Thái", "Nguyên", "--index", str(seed_index)]
    out = CliRunner().invoke(main, args + ["--group", "doc"])
    assert out.exit_code == 0, out.output
    flat = json.loads(CliRunner().invoke(main, args + ["--json", "--limit", "100"]).output)
    ids = [line.rsplit("[", 1)[1].split()[0] for line in out.output.splitlines()
           if line[:1].isdigit() and "[" in line]
    assert len(ids) == len(set(ids)) == flat["documents"]  # each document once
    assert out.output.startswith(f"{flat['documents']} văn kiện, {flat['total']} đoạn")
    first_more = sum(1 for h in flat["hits"] if h["doc_id"] == ids[0]) - 1
    assert f"{first_more} đoạn khác trong văn kiện này: #p" in out.output

    grouped = json.loads(CliRunner().invoke(main, args + ["--group", "doc", "--json"]).output)
    assert grouped["group"] == "doc" and [h["doc_id"] for h in grouped["hits"]] == ids
    assert grouped["hits"][0]["more"] == first_more
    bad = CliRunner().invoke(main, args + ["--group", "para"])
    assert bad.exit_code == 2 and "--group" in bad.output
