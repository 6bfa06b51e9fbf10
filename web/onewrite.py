"""An answer's head and body in one send, so that a replica killed mid-way
never leaves a client with a head and no body.

gunicorn writes a response's head (``send_headers``) and then its body, two
``sendall`` calls; between them the thread gives up the GIL and may wait for
it for milliseconds while the worker's other threads search. A replica
killed (kill -9, the OOM killer, a power cut) in that window has sent a head
that the load balancer has already passed on: it cannot send the request to
the other replica any more, and the client gets a truncated answer.
Measured with ``make cluster-demo BALANCER=haproxy`` (8 clients, 2 replicas,
one killed under load), 2026-12-02: with two sends, 4 runs gave 2 failed
of 5,414, 1 of 8,631, 0 and 0, each a head whose body never came
(``IncompleteRead``); with one send, 0 failed in each of 7 runs (1,182 to
22,227 requests), 3 of them alternating with the two-send runs. Killed before that one send, the replica has sent
nothing, and the balancer retries the request elsewhere. One system call
fewer per answer, too.

Only a body written with ``write`` is joined to its head; a chunked body
and a file sent with ``sendfile(2)`` (``/doc/<id>/goc``) get their head
first, as before.
"""

from __future__ import annotations

from gunicorn.http import wsgi


class _Held:
    """Stands in for the socket while gunicorn writes a head."""

    def __init__(self):
        self.data = b""

    def sendall(self, data: bytes) -> None:
        self.data += bytes(data)


class OneWriteResponse(wsgi.Response):
    _head = b""
    _hold = True

    def send_headers(self):
        if self.headers_sent or not self._hold:
            return super().send_headers()
        sock, held = self.sock, _Held()
        self.sock = held
        try:
            super().send_headers()
        finally:
            self.sock = sock
        self._head = held.data

    def _flush_head(self) -> None:
        head, self._head = self._head, b""
        if head:
            self.sock.sendall(head)

    def _emit_body(self, data):
        if self._head and not self.chunked:
            head, self._head = self._head, b""
            self.sock.sendall(head + data)
            return
        self._flush_head()
        super()._emit_body(data)

    def close(self):
        if not self.headers_sent:
            self.send_headers()
        self._flush_head()  # no body (a HEAD, a 304, an empty answer)
        super().close()

    def sendfile(self, respiter):
        self._flush_head()
        self._hold = False  # sendfile(2) follows the head at once
        return super().sendfile(respiter)


def install() -> None:
    """Every HTTP/1 answer of this process through ``OneWriteResponse``
    (gunicorn's ``wsgi.create`` makes a ``Response`` unless told another)."""
    wsgi.Response = OneWriteResponse
