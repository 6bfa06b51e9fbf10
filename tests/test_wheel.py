"""The package as `pip install .` makes it: every data file the engine needs
(abbreviations, the analysis probe, templates, styles) travels in the wheel."""

import json
import shutil
import subprocess
import sys
import sysconfig
import venv

from conftest import ROOT, SEEDS


def checkout(dest):
    """The files git tracks, as a clean clone has them: a stale build/ folder
    or an untracked file in the working tree must not make the wheel whole."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def test_the_wheel_installs_indexes_searches_and_serves(tmp_path):
    dist, tree = tmp_path / "dist", checkout(tmp_path / "tree")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(dist), str(tree)], check=True)
    (wheel,) = dist.glob("vnsearch-*.whl")
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python, site = fresh / "bin" / "python", next((fresh / "lib").glob("python3*/site-packages"))
    # The project's wheel alone goes into the fresh environment; its
    # dependencies are borrowed from this one (a plain path: this
    # environment's own .pth files, such as an editable install, are not
    # read through it), so the test needs no network.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", str(wheel)], check=True)
    run = dict(cwd=tmp_path, capture_output=True, text=True, timeout=600)  # not the checkout
    vnsearch = str(fresh / "bin" / "vnsearch")
    index = str(tmp_path / "index")
    out = subprocess.run([vnsearch, "index", "--source", str(SEEDS), "--index", index], **run)
    assert out.returncode == 0, out.stderr
    assert "đã lập chỉ mục 5 văn kiện, 37 đoạn" in out.stdout
    out = subprocess.run([vnsearch, "search", "ubnd tinh", "--index", index, "--json"], **run)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["total"] > 0 and result["suggestion"]  # abbreviations and accent model loaded
    page = subprocess.run([str(python), "-c", f"""
import search, web
assert search.__file__.startswith({str(site)!r}), search.__file__
client = web.create_app(index_dir={index!r}).test_client()
r = client.get("/search?q=tinh+uy")
print(r.status_code, "<mark>" in r.get_data(as_text=True), client.get("/static/style.css").status_code)
"""], **run)
    assert page.stdout.split() == ["200", "True", "200"], page.stderr
