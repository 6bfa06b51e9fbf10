"""One blueprint: the same search serves the HTML page and the JSON API."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
)

from werkzeug.exceptions import HTTPException

from search import MAX_LIMIT, MAX_OFFSET, Filters, IndexMissing

bp = Blueprint("search", __name__)

PER_PAGE = 10
MAX_QUERY_CHARS = 500


class BadRequest(ValueError):
    pass


def _engine():
    return current_app.extensions["engine"]


def _search(q: str, limit: int, offset: int, filters: Filters, group: str = "none") -> dict:
    return current_app.extensions["search_cache"].search(q, limit=limit, offset=offset,
                                                         filters=filters, group=group)


def _group_arg(default: str) -> str:
    group = request.args.get("group", "").strip() or default
    if group not in ("doc", "none"):
        raise BadRequest("'group' chỉ nhận doc hoặc none")
    return group


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' phải là số nguyên (nhận được {raw[:20]!r})") from None
    if not low <= value <= high:
        raise BadRequest(f"'{name}' phải nằm trong khoảng {low}–{high}")
    return value


def _date_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(date.fromisoformat(raw).strftime("%Y%m%d"))
    except ValueError:
        raise BadRequest(f"'{name}' phải là ngày dạng YYYY-MM-DD (nhận được {raw[:20]!r})") from None


def _filters() -> Filters:
    sort = request.args.get("sort", "relevance") or "relevance"
    if sort not in ("relevance", "date"):
        raise BadRequest("'sort' chỉ nhận relevance hoặc date")
    province = request.args.get("province", "").strip()[:100] or None
    term = _int_arg("term", 0, 0, 100) or None
    year = _int_arg("year", 0, 0, 9999) or None
    return Filters(province=province, term=term, year=year,
                   date_from=_date_arg("from"), date_to=_date_arg("to"), sort=sort)


FILTER_ARGS = ("province", "term", "year", "from", "to", "sort")


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
        "script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
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
    resp.headers.update(SECURITY_HEADERS)
    return resp


@bp.get("/")
def home():
    return render_template("index.html", q="")


@bp.get("/search")
def search_page():
    q = request.args.get("q", "")
    try:
        q = _query_arg()
        page = _int_arg("page", 1, 1, MAX_OFFSET // PER_PAGE)
        filters = _filters()
    except BadRequest as e:
        return render_template("search.html", q=q[:MAX_QUERY_CHARS], error=str(e), result=None), 400
    if not q.strip():
        return render_template("search.html", q=q, result=None, error=None)
    result = _search(q, PER_PAGE, (page - 1) * PER_PAGE, filters)
    pages = max(1, min((result["total"] + PER_PAGE - 1) // PER_PAGE, MAX_OFFSET // PER_PAGE))
    # The filters in force, carried over by every link on the page.
    current = {k: request.args[k] for k in FILTER_ARGS if request.args.get(k)}
    return render_template("search.html", q=q, result=result, page=page, pages=pages,
                           error=None, current=current)


@bp.get("/api/search")
def api_search():
    try:
        q = _query_arg()
        limit = _int_arg("limit", 10, 1, MAX_LIMIT)
        offset = _int_arg("offset", 0, 0, MAX_OFFSET)
        filters = _filters()
        group = _group_arg("none")  # programs get paragraphs unless they ask
    except BadRequest as e:
        return jsonify(error=str(e)), 400
    return jsonify(_search(q, limit, offset, filters, group))


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    doc = _engine().document(doc_id, highlight=q)
    if doc is None:
        abort(404)
    return render_template("document.html", doc=doc, q=q)


@bp.get("/healthz")
def healthz():
    manifest = _engine().manifest
    return jsonify(status="ok", documents=len(manifest["documents"]),
                   paragraphs=manifest["paragraphs"])


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
