"""An answer's head and body leave in one send (web/onewrite.py): a replica
killed between two sends would leave the balancer a head it cannot retry."""

import io

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from web.onewrite import OneWriteResponse


class Socket:
    def __init__(self):
        self.sent = []

    def sendall(self, data):
        self.sent.append(bytes(data))

    def sendfile(self, f, offset=0, count=None):
        f.seek(offset)
        self.sent.append(f.read(count))


def answer(response_class, head: bytes, app):
    cfg = Config()
    req = next(iter(RequestParser(cfg, [head], ("127.0.0.1", 5000))))
    sock = Socket()
    resp, environ = wsgi.create(req, sock, ("127.0.0.1", 5000), ("127.0.0.1", 8000), cfg,
                                response_class=response_class)
    body = app(environ, resp.start_response)
    if isinstance(body, environ["wsgi.file_wrapper"]):
        resp.write_file(body)
    else:
        for item in body:
            resp.write(item)
    resp.close()
    if hasattr(body, "close"):
        body.close()
    return sock.sent


def json_app(environ, start_response):
    body = b'{"status": "ok"}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


GET = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


def test_head_and_body_in_one_send():
    sent = answer(OneWriteResponse, GET, json_app)
    assert len(sent) == 1
    assert sent[0].startswith(b"HTTP/1.1 200 OK\r\n") and sent[0].endswith(b'\r\n\r\n{"status": "ok"}')
    assert len(answer(wsgi.Response, GET, json_app)) == 2  # gunicorn's own: two


def test_a_head_without_body_still_leaves():
    def empty(environ, start_response):
        start_response("304 Not Modified", [])
        return []

    sent = answer(OneWriteResponse, GET, empty)
    assert len(sent) == 1 and sent[0].startswith(b"HTTP/1.1 304 Not Modified\r\n")
    sent = answer(OneWriteResponse, b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n", json_app)
    assert b"".join(sent).startswith(b"HTTP/1.1 200 OK") and not b"".join(sent).endswith(b"}")


@pytest.mark.parametrize("length", [True, False])
def test_a_file_or_a_chunked_body_comes_after_its_head(tmp_path, length):
    original = tmp_path / "bienban.txt"
    original.write_bytes(b"Bien ban hoi nghi\n" * 100)

    def download(environ, start_response):
        headers = [("Content-Type", "text/plain")]
        if length:
            headers.append(("Content-Length", str(original.stat().st_size)))
        start_response("200 OK", headers)
        return environ["wsgi.file_wrapper"](open(original, "rb"))

    data = b"".join(answer(OneWriteResponse, GET, download))
    head, body = data.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK")
    if length:
        assert body == original.read_bytes()
    else:  # chunked: the file's bytes inside the framing, in order
        assert b"Transfer-Encoding: chunked" in head and original.read_bytes()[:200] in body
