"""One blueprint: the same search serves the HTML page and the JSON API."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from markupsafe import escape
from werkzeug.exceptions import HTTPException

from search import MAX_LIMIT, MAX_OFFSET, Filters, IndexMissing

from search.index.schema import column_values
from search.lang.text import fold

from .params import (
    FACETS,
    HAS_ACCENTS,
    BadRequest,
    current_args,
    filters_arg,
    group_arg,
    int_arg,
    lenient_current,
    without,
)

bp = Blueprint("search", __name__)

PER_PAGE = 10
DOCS_PER_PAGE = 20
MAX_QUERY_CHARS = 500


def _engine():
    return current_app.extensions["engine"]


def _search(q: str, limit: int, offset: int, filters: Filters, group: str = "none") -> dict:
    # raw=1: the query exactly as typed, no Telex/VNI decoding, no corrections.
    return current_app.extensions["search_cache"].search(q, limit=limit, offset=offset,
                                                         filters=filters, group=group,
                                                         raw=request.args.get("raw") == "1")


def _query_arg() -> str:
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequest(f"Truy vấn quá dài: tối đa {MAX_QUERY_CHARS} ký tự")
    return q


# On every answer, ours and the server's own (web/worker.py writes them on
# gunicorn's error pages too).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self'; img-src 'self'; "
        "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# Every HTTP error, whoever raises it (Flask's routing, the server), in Vietnamese.
ERROR_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    404: "Không tìm thấy trang hoặc tài liệu này.",
    405: "Địa chỉ này không nhận phương thức yêu cầu đó.",
    408: "Yêu cầu gửi đến quá chậm. Vui lòng thử lại.",
    413: "Yêu cầu quá lớn.",
    414: "Địa chỉ yêu cầu quá dài.",
    431: "Phần đầu của yêu cầu quá lớn.",
    500: "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
    501: "Máy chủ không hỗ trợ yêu cầu này.",
    503: "Dịch vụ tạm thời không sẵn sàng. Vui lòng thử lại sau.",
}
ERROR_DEFAULT = "Không thể xử lý yêu cầu này."


def error_html(code: int, message: str | None = None) -> str:
    """Our error page (needs a request context)."""
    return render_template("error.html", code=code,
                           message=message or ERROR_MESSAGES.get(code, ERROR_DEFAULT))


@bp.after_app_request
def _security_headers(resp):
    for name, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(name, value)  # a download sets a stricter policy
    return resp


@bp.get("/")
def home():
    return render_template("index.html", q="")


def _last_page(location: str):
    """A page past the end: to the last one (a relative Location, no host
    taken from the request; see create_app), said in Vietnamese."""
    resp = redirect(location, code=302)
    resp.set_data(f'<!doctype html><html lang="vi"><title>Trang cuối</title><h1>Trang cuối</h1>'
                  f'<p><a href="{escape(location)}">Đến trang kết quả cuối cùng</a></p></html>')
    return resp


def _facet_lists(q: str, filters: Filters, group: str, facets: dict) -> dict:
    """Every value of each facet with its count, whichever is chosen: a
    facet's counts are those of the search with every filter but its own
    (choosing Lạng Sơn keeps Thái Nguyên on offer, with the count it would
    get). One more search, of one hit, per facet in force."""
    out = {}
    for name in FACETS:
        counts = facets.get(name, {})
        chosen = getattr(filters, name)
        if chosen is not None:
            counts = _search(q, 1, 0, without(filters, name), group)["facets"].get(name, {})
        out[name] = _facet_entries(name, counts, chosen)
    return out


def _facet_entries(name: str, counts: dict, chosen) -> list:
    """``[(value as a link argument, count, chosen)]``; the chosen value
    listed even when nothing left counts it."""
    picked = str(chosen) if chosen is not None else None
    entries = []
    for value, count in counts.items():
        hit = picked is not None and (str(value) == picked or
                                      (name in ("province", "kind", "issuer") and fold(str(value)) == fold(picked)))
        entries.append((str(value), count, hit))
    if picked is not None and not any(e[2] for e in entries):
        entries.append((picked, 0, True))
    return entries


@bp.get("/search")
def search_page():
    q = request.args.get("q", "")
    try:
        q = _query_arg()
        page = int_arg("page", 1, 1, MAX_OFFSET // PER_PAGE)
        filters = filters_arg()
        group = group_arg("doc")  # people find the document first
    except BadRequest as e:
        return render_template("search.html", q=q[:MAX_QUERY_CHARS], error=str(e), result=None,
                               current={}), 400
    accents = getattr(filters, "accents", request.args.get("accents", "any") or "any")
    current = current_args(filters, filters.sort, "relevance", accents)
    if group != "doc":
        current["group"] = group
    if request.args.get("raw") == "1":
        current["raw"] = "1"
    if not q.strip():
        return render_template("search.html", q=q, result=None, error=None, current=current)
    result = _search(q, PER_PAGE, (page - 1) * PER_PAGE, filters, group)
    shown = result.get("documents", result["total"]) if group == "doc" else result["total"]
    pages = max(1, min((shown + PER_PAGE - 1) // PER_PAGE, MAX_OFFSET // PER_PAGE))
    if page > pages:
        # Past the end (an old link, a hand-typed number): the last page,
        # never "Tìm thấy 42" above an empty list. A relative Location: no
        # host taken from the request (see create_app).
        return _last_page(url_for("search.search_page", q=q, **current,
                                  **({"page": pages} if pages > 1 else {})))
    facets = _facet_lists(q, filters, group, result["facets"])
    return render_template("search.html", q=q, result=result, page=page, pages=pages,
                           error=None, current=current, facets=facets, group=group,
                           shown=shown, offset=(page - 1) * PER_PAGE, accents=accents,
                           has_accents=HAS_ACCENTS)


@bp.get("/api/search")
def api_search():
    try:
        q = _query_arg()
        limit = int_arg("limit", 10, 1, MAX_LIMIT)
        offset = int_arg("offset", 0, 0, MAX_OFFSET)
        filters = filters_arg()
        group = group_arg("none")  # programs get paragraphs unless they ask
    except BadRequest as e:
        return jsonify(error=str(e)), 400
    return jsonify(_search(q, limit, offset, filters, group))


@bp.get("/api/suggest")
def api_suggest():
    """Completions of what is typed in the search box (web/static/suggest.js):
    ``{"query": q, "suggestions": [...]}``, at most 8."""
    try:
        q = _query_arg()
        limit = int_arg("limit", 8, 1, 8)
    except BadRequest as e:
        return jsonify(error=str(e)), 400
    resp = jsonify(query=q, suggestions=_engine().complete(q, limit))
    resp.headers["Cache-Control"] = "private, max-age=60"
    return resp


@bp.get("/api/doc/<path:doc_id>")
def api_document(doc_id: str):
    """The document as the library returns it: ``meta``, ``paragraphs`` and
    the related documents, ``cites`` and ``cited_by`` (search/query/numbers.py)."""
    doc = _engine().document(doc_id, highlight=request.args.get("q", "")[:MAX_QUERY_CHARS])
    if doc is None:
        return jsonify(error="Không tìm thấy văn kiện"), 404
    return jsonify(doc)


@bp.get("/doc/<path:doc_id>")
def document(doc_id: str):
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    doc = _engine().document(doc_id, highlight=q)
    if doc is None:
        abort(404)
    # Back to the same results: the query, its filters and its page.
    back = dict(lenient_current())
    if request.args.get("group") == "none":
        back["group"] = "none"
    page = request.args.get("page", "")
    if page.isdigit() and 1 < int(page) <= MAX_OFFSET // PER_PAGE:
        back["page"] = int(page)
    matches = [p["n"] for p in doc["paragraphs"] if p["spans"]] if q else []
    original = _engine().original(doc_id)
    return render_template("document.html", doc=doc, q=q, back=back, matches=matches,
                           current={k: v for k, v in back.items() if k != "page"},
                           original=original.name if original else None)


# Content types of the formats we index; anything else is bytes.
CONTENT_TYPES = {
    ".txt": "text/plain",  # no charset: a source may be TCVN3 or VNI, not UTF-8
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html",
    ".htm": "text/html",
}


@bp.get("/doc/<path:doc_id>/goc")
def original(doc_id: str):
    """The file a document was read from, as it is in the indexed folder
    (``Engine.original`` hands out nothing outside it), to save: an
    attachment under its own name (RFC 6266: an ASCII fallback and the
    UTF-8 ``filename*``), never shown inline (an HTML source stays inert)."""
    path = _engine().original(doc_id)
    if path is None:
        # Ids have folders (issue 14): `/doc/X/goc` is also the page of X/goc.docx.
        if doc_id + "/goc" in _engine().manifest.get("documents", {}):
            return document(doc_id + "/goc")
        abort(404)
    resp = send_file(path, as_attachment=True, download_name=path.name, max_age=0,
                     conditional=True, etag=True)
    resp.headers["Content-Type"] = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return resp


DOC_SORTS = ("date", "title")


def _all_documents() -> list:
    """Every document (title, meta) of the current generation, read once per
    generation: the browse page's facet counts come from it."""
    engine = _engine()
    kept = current_app.extensions.setdefault("all_documents", {})
    version = engine.version()
    if version not in kept:
        docs, offset = [], 0
        while True:
            got = engine.documents(limit=MAX_LIMIT, offset=offset)
            docs += got["documents"]
            offset += MAX_LIMIT
            if offset >= got["total"]:
                break
        kept.clear()
        kept[version] = docs
    return kept[version]


def _passes(meta: dict, filters: Filters, skip: str) -> bool:
    values = column_values(meta or {})
    if skip != "province" and filters.province is not None and \
            fold(values["province"]) != fold(filters.province):
        return False
    if skip != "term" and filters.term is not None and values["term"] != filters.term:
        return False
    if skip != "year" and filters.year is not None and values["year"] != filters.year:
        return False
    for name in ("kind", "issuer"):  # an official document's type and issuer, accents aside
        if skip != name and getattr(filters, name) is not None and fold(values[name]) != fold(getattr(filters, name)):
            return False
    if filters.date_from is not None and values["date"] < filters.date_from:
        return False
    if filters.date_to is not None and not 0 < values["date"] <= filters.date_to:
        return False
    return True


def _document_facets(filters: Filters) -> dict:
    """Documents per facet value, each facet counted with every filter but
    its own (as on the results page)."""
    out = {}
    for name in FACETS:
        counts: dict = {}
        for d in _all_documents():
            if _passes(d["meta"], filters, name):
                value = column_values(d["meta"] or {})[name]
                if value:
                    counts[value] = counts.get(value, 0) + 1
        # The most documents first; years of a tie newest first.
        ordered = dict(sorted(counts.items(), key=lambda p: (
            -p[1], -p[0] if isinstance(p[0], int) else 0, str(p[0]))))
        out[name] = _facet_entries(name, ordered, getattr(filters, name))
    return out


@bp.get("/docs")
def browse():
    """Every document, newest first (undated last) or by title, filtered by
    the facets and the date range, DOCS_PER_PAGE a page."""
    try:
        page = int_arg("page", 1, 1, 10_000)
        sort = request.args.get("sort", "").strip() or "date"
        if sort not in DOC_SORTS:
            raise BadRequest("'sort' chỉ nhận date hoặc title")
        filters = filters_arg(sorts=("date", "title"))
    except BadRequest as e:
        return render_template("docs.html", error=str(e), listing=None, current={}, q=""), 400
    current = current_args(filters, sort, "date")
    listing = _engine().documents(filters=filters, sort=sort, limit=DOCS_PER_PAGE,
                                  offset=(page - 1) * DOCS_PER_PAGE)
    pages = max(1, (listing["total"] + DOCS_PER_PAGE - 1) // DOCS_PER_PAGE)
    if page > pages:
        return _last_page(url_for("search.browse", **current,
                                  **({"page": pages} if pages > 1 else {})))
    return render_template("docs.html", error=None, listing=listing, current=current, sort=sort,
                           page=page, pages=pages, facets=_document_facets(filters), q="",
                           offset=(page - 1) * DOCS_PER_PAGE)


@bp.get("/healthz")
def healthz():
    """200 only while the index opens and its files are those published (a
    load balancer's check: docs/deploy.md); else IndexMissing, a 503. The
    generation tells which one a replica serves (vnsearch publish)."""
    engine = _engine()
    manifest = engine.manifest
    return jsonify(status="ok", generation=engine.current().name,
                   documents=len(manifest["documents"]), paragraphs=manifest["paragraphs"])


@bp.app_errorhandler(404)
def not_found(e):
    if request.path.startswith("/api/"):
        return jsonify(error="không tìm thấy"), 404
    return error_html(404), 404


@bp.app_errorhandler(HTTPException)
def http_error(e: HTTPException):
    """Any other HTTP error Flask answers (405, 400 from a malformed request,
    413, ...): our page or JSON, with the headers the error carries (a 405's
    Allow)."""
    code = e.code or 500
    if code < 400:  # a routing redirect: never built here (see create_app)
        return e
    headers = [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]
    message = ERROR_MESSAGES.get(code, ERROR_DEFAULT)
    if request.path.startswith("/api/"):
        return jsonify(error=message), code, headers
    return error_html(code), code, headers


@bp.app_errorhandler(IndexMissing)
def index_missing(e):
    current_app.logger.error("index unavailable on %s %s: %s", request.method, request.full_path, e)
    message = "Chỉ mục tìm kiếm tạm thời không sẵn sàng. Vui lòng thử lại sau ít phút."
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify(error=message), 503
    return render_template("error.html", code=503, message=message), 503


@bp.app_errorhandler(500)
def server_error(e):
    current_app.logger.error("500 on %s %s", request.method, request.full_path,
                             exc_info=getattr(e, "original_exception", None))
    if request.path.startswith("/api/"):
        return jsonify(error="lỗi máy chủ"), 500
    return render_template("error.html", code=500,
                           message="Đã có lỗi xảy ra. Vui lòng thử lại sau."), 500
