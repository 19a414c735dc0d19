"""Public JSON documents that seldom change (the maps' outlines, ~1 MB for the départements):
serialized once per server process and per version of their data, kept with a gzip copy, and
served with an ETag, so that a browser that holds them gets a 304.

The version is a short string read from the database at each request (a count and the latest
`updated_at` of the rows the document is built from, one cheap query): a re-import or a change
seen by one process is seen by all of them at their next request, without any signal. No secret
is ever in these documents, so compressing them raises no BREACH concern."""

import gzip
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response, patch_vary_headers


@dataclass(frozen=True)
class Document:
    version: str
    body: bytes
    gzipped: bytes
    etag: str


_documents: dict[str, Document] = {}
_lock = threading.Lock()


def json_document(name: str, version: str, build: Callable[[], object]) -> Document:
    """The document `name` at this version: built again (`build()` returns the JSON data) only
    when the version changed since it was last built in this process."""
    found = _documents.get(name)
    if found is not None and found.version == version:
        return found
    body = json.dumps(build(), cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    document = Document(
        version=version,
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        etag=f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
    )
    with _lock:
        _documents[name] = document
    return document


def json_documents_clear() -> None:
    with _lock:
        _documents.clear()


def json_document_response(
    request, *, name: str, version: str, build: Callable[[], object], cache_control: str
) -> HttpResponse:
    """The document, gzip-compressed when the client accepts it, or a 304 when the client's
    copy (If-None-Match) is still the current one."""
    document = json_document(name, version, build)
    compressed = bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
    response = HttpResponse(
        document.gzipped if compressed else document.body, content_type="application/json"
    )
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = document.etag
    response.headers["Cache-Control"] = cache_control
    patch_vary_headers(response, ("Accept-Encoding",))
    return get_conditional_response(request, etag=document.etag, response=response)
