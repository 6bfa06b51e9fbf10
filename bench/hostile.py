"""Time and peak memory of a build meeting each hostile file of issue 16.

Each case is a source folder holding one valid seed report and one hostile
entry; the build runs in a child process under an address-space limit and a
timeout (so a bomb that the code under test does not stop cannot take the
machine down), and the report says how long it ran, its peak RSS, whether it
finished, what it skipped, and whether the valid report is searchable.

    python bench/hostile.py                     # the code in this tree
    python bench/hostile.py --revision eb546ea  # the same cases, older code

``--revision`` runs the cases with the code of a git revision (a worktree in
the temporary folder), with this tree's virtualenv.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.ingest.legacy import to_legacy  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
# The same hostile files the tests make (tests/hostile_files.py), at full size.
from hostile_files import docx_many_paragraphs, pdf_bomb  # noqa: E402

SEED = next((ROOT / "seeds").glob("002_*.txt"))
MARKER = "dauvetkiemtra"

CHILD = r"""
import json, sys
from search import Engine, build_index
report = build_index(sys.argv[1], sys.argv[2], workers=1)
engine = Engine(sys.argv[2])
hits = engine.search(sys.argv[3])["hits"]
print(json.dumps({"documents": report.documents,
                  "skipped": [[s.name.encode("utf-8", "backslashreplace").decode(), s.reason]
                              for s in report.skipped],
                  "valid_found": bool(hits)}))
"""


def cases(inflated_mb: int, paragraphs: int) -> dict[str, dict]:
    text = SEED.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    # Every bullet line used to rescan the rest for a "related articles" tail.
    bullets = "\n".join(["Báo cáo kết quả thực hiện nhiệm vụ năm 2024"]
                        + [f"• Tin số {i} về hội nghị tổng kết công tác của tỉnh …" for i in range(6000)]
                        + ["Đây là một câu bình thường.", "Và một câu nữa."])
    # Words whose capital TCVN3 cannot store, one sentence each, on one line.
    words = "ủy ban ở ấy ảnh hưởng ứng dụng ước tính ổn định".split()
    tcvn3 = to_legacy(". ".join(words[i % 12] for i in range(40000)), "tcvn3")
    return {
        f"pdf-bomb-{inflated_mb}MB": {"file": (b"bom.pdf", pdf_bomb(inflated_mb * 2**20))},
        f"docx-{paragraphs}-paragraphs": {"file": (b"nho.docx", docx_many_paragraphs(paragraphs))},
        "html-charset-rot13": {"file": (b"rot13.html", b"<html><head><meta charset='rot13'></head>"
                                        b"<body><p>Hoi nghi Ban Chap hanh</p></body></html>")},
        "html-ascii-as-utf16": {"file": (b"utf16.html", b"<html><head><meta charset='utf-16'></head>"
                                         b"<body><p>Hoi nghi Ban Chap hanh Dang bo tinh lan thu chin</p>"
                                         b"</body></html>")},
        "name-not-utf8": {"file": (b"bad\xff\xfename.txt", text.encode())},
        "link-out-passwd": {"link": (b"passwd.txt", b"/etc/passwd")},
        "link-dev-zero": {"link": (b"zero.txt", b"/dev/zero")},
        "fifo": {"fifo": b"fifo.txt"},
        "txt-6000-bullets": {"file": (b"gach-dau-dong.txt", bullets.encode())},
        f"tcvn3-one-line-{len(tcvn3) // 1024}KB": {"file": (b"tcvn3.txt", tcvn3)},
    }


def run_case(name: str, case: dict, work: Path, code: Path, limit_gb: float, timeout: int) -> dict:
    source, index = work / name / "source", work / name / "index"
    shutil.rmtree(work / name, ignore_errors=True)
    source.mkdir(parents=True)
    (source / "hop-le.txt").write_text(SEED.read_text(encoding="utf-8") + f"\nMã {MARKER}.\n", encoding="utf-8")
    folder = os.fsencode(source)
    if "file" in case:
        entry, raw = case["file"]
        with open(folder + b"/" + entry, "wb") as f:
            f.write(raw)
    elif "link" in case:
        os.symlink(case["link"][1], folder + b"/" + case["link"][0])
    else:
        os.mkfifo(folder + b"/" + case["fifo"])

    def limits():
        cap = int(limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=str(code))
    out_path, err_path = work / name / "stdout", work / name / "stderr"
    started = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(source), str(index), MARKER], cwd=code,
                                env=env, preexec_fn=limits, stdout=out, stderr=err)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    # wait4: this child's own peak RSS (its workers, if any, are not counted).
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode == 0:
        outcome = "finished"
    elif seconds >= timeout:
        outcome = f"killed after {timeout} s"
    else:
        outcome = f"rc={proc.returncode}"
    result = {"case": name, "seconds": round(seconds, 2), "outcome": outcome,
              "peak_rss_mb": round(usage.ru_maxrss / 1024)}
    out, err = out_path.read_bytes(), err_path.read_bytes()
    if proc.returncode == 0:
        result.update(json.loads(out.decode().strip().splitlines()[-1]))
    else:
        tail = err.decode(errors="replace").strip().splitlines()
        result["error"] = tail[-1][:200] if tail else ""
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--revision", help="run the cases with the code of this git revision")
    parser.add_argument("--inflated-mb", type=int, default=1024, help="what the PDF bomb inflates to")
    parser.add_argument("--paragraphs", type=int, default=5_860_000, help="paragraphs of the tiny-paragraph .docx")
    parser.add_argument("--limit-gb", type=float, default=4.0, help="address-space limit of each build")
    parser.add_argument("--timeout", type=int, default=180, help="seconds before a build is killed")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "data" / "hostile")
    args = parser.parse_args()
    code = ROOT
    if args.revision:
        # Outside the tree: tests/test_layout.py reads every module under bench/.
        code = Path(tempfile.gettempdir()) / f"vnsearch-rev-{args.revision}"
        if not code.exists():
            subprocess.run(["git", "worktree", "add", "--detach", str(code), args.revision], cwd=ROOT, check=True)
    label = args.revision or "this tree"
    for name, case in cases(args.inflated_mb, args.paragraphs).items():
        if args.only and args.only not in name:
            continue
        result = run_case(name, case, args.work / label.replace(" ", "-"), code, args.limit_gb, args.timeout)
        print(f"[{label}] " + json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
