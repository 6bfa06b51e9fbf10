"""Publishing a generation to a replica's index folder (search/index/publish.py)."""

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from search import Engine, build_index
from search.cli import main
from search.index import publish as publish_mod
from search.index.publish import PublishError, Remote, parse_destination, publish, remote_commands
from search.index.store import MANIFEST, current_generation, read_manifest

VNSEARCH = str(Path(sys.executable).parent / "vnsearch")


@pytest.fixture
def built(tmp_path):
    """A source folder and its index, built once."""
    source = write_corpus(tmp_path / "src", {"a.txt": "Nghị quyết\nNghị quyết về cây chè Thái Nguyên.\n"})
    build_index(source, tmp_path / "index")
    return source, tmp_path / "index"


def add_document(source: Path, index: Path) -> None:
    write_corpus(source, {"b.txt": "Báo cáo\nTỉnh ủy Lạng Sơn bàn về hồi Xứ Lạng.\n"})
    build_index(source, index)


def test_publish_copies_verifies_and_switches(built, tmp_path):
    source, index = built
    replica = tmp_path / "replica"
    done = publish(index, replica)
    assert done.switched and done.previous is None
    assert current_generation(replica).name == current_generation(index).name
    assert Engine(replica).search("che thai nguyen")["hits"][0]["doc_id"] == "a"
    # The replica holds copies, not the builder's files.
    gen = current_generation(replica)
    assert not os.path.samefile(gen / MANIFEST, current_generation(index) / MANIFEST)


def test_serving_engine_on_the_replica_picks_up_the_new_generation(built, tmp_path):
    source, index = built
    replica = tmp_path / "replica"
    publish(index, replica)
    engine = Engine(replica)
    assert engine.search("xu lang")["total"] == 0
    first = current_generation(replica)
    add_document(source, index)
    done = publish(index, replica)
    assert done.previous == first.name and done.switched
    assert engine.search("xu lang")["hits"][0]["doc_id"] == "b"
    # Unchanged segments are hard-linked from the replica's previous generation.
    assert done.copied < done.files
    # Pruned like a build: the new generation and the one it replaced.
    add_document(write_corpus(source, {"c.txt": "C\nChè.\n"}), index)
    publish(index, replica)
    assert len(list(replica.glob("gen-*"))) == 2 and not first.exists()


def test_a_corrupted_copy_is_refused_and_the_replica_keeps_serving(built, tmp_path, monkeypatch):
    source, index = built
    replica = tmp_path / "replica"
    publish(index, replica)
    before = current_generation(replica)
    engine = Engine(replica)
    add_document(source, index)
    new = current_generation(index)

    real_copy = publish_mod.copy_file

    def flipping_copy(src: Path, dst: Path) -> None:
        real_copy(src, dst)
        if dst.suffix == ".seg":  # one byte of a segment flipped on the way
            data = bytearray(dst.read_bytes())
            data[len(data) // 2] ^= 0x01
            dst.write_bytes(bytes(data))

    monkeypatch.setattr(publish_mod, "copy_file", flipping_copy)
    with pytest.raises(PublishError, match=r"không khớp với bản kê \(.*\.seg.*vẫn dùng " + before.name):
        publish(index, replica)
    assert current_generation(replica) == before
    assert not (replica / new.name).exists()  # the bad copy is not left behind
    assert engine.search("xu lang")["total"] == 0 and engine.search("che")["total"] == 1

    out = CliRunner().invoke(main, ["publish", "--index", str(index), str(replica)])
    assert out.exit_code == 1 and out.output.startswith("Lỗi: bản sao của " + new.name)
    assert current_generation(replica) == before

    monkeypatch.setattr(publish_mod, "copy_file", real_copy)
    publish(index, replica)
    assert engine.search("xu lang")["hits"][0]["doc_id"] == "b"


def test_a_failed_copy_leaves_the_replica_as_it_was(built, tmp_path, monkeypatch):
    source, index = built
    replica = tmp_path / "replica"
    publish(index, replica)
    before = current_generation(replica)
    add_document(source, index)

    def disk_full(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(publish_mod, "copy_file", disk_full)
    out = CliRunner().invoke(main, ["publish", "--index", str(index), str(replica)])
    assert out.exit_code == 1
    assert out.output.startswith("Lỗi: không chép được ") and "No space left on device" in out.output
    assert current_generation(replica) == before
    assert sorted(p.name for p in replica.glob("gen-*")) == [before.name]


def test_a_damaged_leftover_of_the_same_name_is_copied_again(built, tmp_path):
    source, index = built
    replica = tmp_path / "replica"
    gen = current_generation(index)
    shutil.copytree(gen, replica / gen.name)
    seg = next((replica / gen.name).glob("*.seg"))
    seg.write_bytes(seg.read_bytes()[:-10])  # a transfer cut short
    done = publish(index, replica)
    assert done.switched and Engine(replica).search("che")["total"] == 1


def test_an_older_generation_by_name_and_the_cli_message(built, tmp_path):
    source, index = built
    first = current_generation(index).name
    add_document(source, index)
    replica = tmp_path / "replica"
    out = CliRunner().invoke(main, ["publish", "--index", str(index), "--generation", first,
                                    str(replica)])
    assert out.exit_code == 0, out.output
    assert out.output.startswith(f"đã đưa {first} vào {replica}:") and f"current → {first}" in out.output
    assert Engine(replica).search("xu lang")["total"] == 0
    out = CliRunner().invoke(main, ["publish", "--index", str(index), "--generation", "../etc",
                                    str(replica)])
    assert out.exit_code == 1 and "Lỗi: tên thế hệ chỉ mục không hợp lệ" in out.output


@pytest.mark.parametrize("text, expected", [
    ("replica1:/srv/vnsearch/index", Remote("replica1", "/srv/vnsearch/index")),
    ("deploy@10.0.0.2:index", Remote("deploy@10.0.0.2", "index")),
    ("ssh://deploy@replica2:2222/srv/index", Remote("deploy@replica2", "/srv/index", 2222)),
    ("./a:b", Path("./a:b")),
    ("/srv/index", Path("/srv/index")),
])
def test_destinations(text, expected):
    assert parse_destination(text) == expected


def test_remote_commands(built):
    source, index = built
    gen = current_generation(index)
    copy, switch = remote_commands(gen, Remote("deploy@r2", "/srv/index", 2222), ssh="ssh -i key",
                                   vnsearch="/opt/vnsearch/.venv/bin/vnsearch")
    assert copy[:5] == ["rsync", "-a", "--mkpath", "-e", "ssh -i key -p 2222"]
    assert "--link-dest=../current/" in copy
    assert copy[-2:] == [f"{gen}/", f"deploy@r2:/srv/index/{gen.name}/"]
    assert switch[:5] == ["ssh", "-i", "key", "-p", "2222"] and switch[5] == "deploy@r2"
    from search.index.store import sha256_file
    assert switch[6] == (f"/opt/vnsearch/.venv/bin/vnsearch publish --index /srv/index --generation "
                         f"{gen.name} --manifest-sha256 {sha256_file(gen / MANIFEST)} /srv/index")


def fake_ssh(tmp_path: Path) -> str:
    """An "ssh" that runs the command here, for the host it is given: the
    remote path goes through the same rsync and vnsearch commands."""
    script = tmp_path / "fake-ssh"
    script.write_text('#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do [ "$1" = -p ] && shift; shift; done\n'
                      'shift\nexec sh -c "$*"\n')
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync missing: make system-deps")
def test_remote_publish_through_rsync_and_the_replicas_own_vnsearch(built, tmp_path, monkeypatch):
    source, index = built
    replica = tmp_path / "far" / "replica"
    ssh = fake_ssh(tmp_path)
    args = ["publish", "--index", str(index), "--ssh", ssh, "--remote-vnsearch", VNSEARCH,
            f"replica2:{replica}"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert f"current → {current_generation(index).name}" in out.output
    engine = Engine(replica)
    first = current_generation(replica)
    add_document(source, index)
    assert CliRunner().invoke(main, args).exit_code == 0
    assert engine.search("xu lang")["hits"][0]["doc_id"] == "b"
    # rsync hard-linked what the replica already held.
    new = current_generation(replica)
    shared = [f.name for f in new.iterdir() if (first / f.name).exists()
              and os.path.samefile(f, first / f.name)]
    assert shared and read_manifest(new)["paragraphs"] == 4

    # The manifest that arrives must be the one that was sent.
    add_document(write_corpus(source, {"c.txt": "C\nChè.\n"}), index)
    gen = current_generation(index)
    real_commands = publish_mod.remote_commands

    def wrong_manifest(*a, **k):
        copy, switch = real_commands(*a, **k)
        return copy, switch[:-1] + [switch[-1].replace("--manifest-sha256 ", "--manifest-sha256 0")]

    monkeypatch.setattr(publish_mod, "remote_commands", wrong_manifest)
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 1 and "Lỗi: kiểm tra và chuyển chỉ mục trên replica2 thất bại" in out.output
    assert "manifest.json: mã sha256 khác" in out.output
    assert current_generation(replica) == new and not (replica / gen.name).exists()


def test_remote_without_rsync_is_a_clear_error(built, tmp_path):
    source, index = built
    out = CliRunner().invoke(main, ["publish", "--index", str(built[1]), "--rsync",
                                    str(tmp_path / "no-rsync"), "r:/srv/index"])
    assert out.exit_code == 1 and out.output.startswith("Lỗi: không chạy được ")


def test_healthz_names_the_generation_and_is_503_without_an_index(built, tmp_path):
    from web import create_app

    source, index = built
    replica = tmp_path / "replica"
    publish(index, replica)
    client = create_app(engine=Engine(replica), TESTING=True).test_client()
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["generation"] == current_generation(index).name
    (replica / "current").unlink()  # a replica whose index is gone must leave the balancer
    r = client.get("/healthz")
    assert r.status_code == 503 and "không sẵn sàng" in r.get_json()["error"]
