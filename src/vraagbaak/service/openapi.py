"""The service's OpenAPI 3.0 document, served at /openapi.json.

It describes every route, with the limits service/params.py enforces, so that
clients can generate code from it and schemathesis can fuzz the service against
it (tests/test_openapi_schemathesis.py). Keep it in step with app.py: the test
fails when a route is missing here.
"""

from __future__ import annotations

from flask import Flask, jsonify

from vraagbaak.index.answers import ANSWER_KINDS
from vraagbaak.service.params import K_MAX, K_MIN, LIMIT_MAX, MAX_QUERY_CHARS

#: The raw upload types (service/admin.py UPLOAD_TYPES; a test checks they agree).
ADMIN_UPLOAD_TYPES = ("application/pdf", "text/markdown", "text/html", "text/plain")

_ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    text = {
        400: "invalid parameter",
        404: "not found",
        413: "body over 16 KB",
        414: "URL too long",
        429: "rate limited",
        503: "index not loaded",
    }
    return {str(s): _json(_ERROR, text[s]) for s in statuses}


_Q = {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}
_K = {"type": "integer", "minimum": K_MIN, "maximum": K_MAX, "default": 5}
_DOC = {"type": "string", "minLength": 1}
_SEARCH_ERRORS = _errors(400, 429, 503)

SPEC: dict = {
    "openapi": "3.0.3",
    "info": {
        "title": "Vraagbaak",
        "version": "0.1.0",
        "description": "Questions about Dutch government letters, answered with cited passages.",
    },
    "paths": {
        "/api/search": {
            "get": {
                "summary": "Search passages for a question",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": _Q},
                    {"name": "k", "in": "query", "required": False, "schema": _K},
                    {"name": "document", "in": "query", "required": False, "schema": _DOC},
                ],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/SearchResult"}, "ranked passages"),
                    **_SEARCH_ERRORS,
                },
            },
            "post": {
                "summary": "Search passages for a question (JSON body)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["q"],
                                "properties": {"q": _Q, "k": _K, "document": _DOC},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/SearchResult"}, "ranked passages"),
                    **_SEARCH_ERRORS,
                    **_errors(413),
                },
            },
        },
        "/api/passages": {
            "get": {
                "summary": "Every passage, in corpus order",
                "parameters": [
                    {"name": "document", "in": "query", "required": False, "schema": _DOC},
                    {
                        "name": "offset",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0, "default": 0},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": 100},
                    },
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["total", "passages"],
                            "properties": {
                                "total": {"type": "integer"},
                                "passages": {"type": "array", "items": {"$ref": "#/components/schemas/Passage"}},
                            },
                        },
                        "a page of passages",
                    ),
                    **_SEARCH_ERRORS,
                },
            }
        },
        "/api/documents": {
            "get": {
                "summary": "The documents of the index",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["documents"],
                            "properties": {"documents": {"type": "array", "items": {"type": "object"}}},
                        },
                        "the documents",
                    ),
                    **_errors(429, 503),
                },
            }
        },
        "/api/documents/{doc_id}/file": {
            "get": {
                "summary": "The source file a document was read from, as the index keeps it",
                "parameters": [{"name": "doc_id", "in": "path", "required": True, "schema": _DOC}],
                "responses": {
                    "200": {
                        "description": "the file (application/pdf, text/plain, ...), sandboxed",
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **_errors(400, 404, 429, 503),
                },
            }
        },
        "/healthz": {"get": {"summary": "Liveness", "responses": {"200": _json({"type": "object"}, "up")}}},
        "/readyz": {
            "get": {
                "summary": "Readiness: 200 once the index is loaded",
                "responses": {"200": _json({"type": "object"}, "ready"), **_errors(503)},
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics",
                "responses": {
                    "200": {
                        "description": "text exposition format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/openapi.json": {
            "get": {"summary": "This document", "responses": {"200": _json({"type": "object"}, "OpenAPI 3.0")}}
        },
        "/": {
            "get": {
                "summary": "Demo page with the search widget",
                "responses": {
                    "200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
                    **_errors(429),
                },
            }
        },
        "/widget.js": {
            "get": {
                "summary": "The embeddable widget",
                "responses": {
                    "200": {
                        "description": "JavaScript",
                        "content": {"text/javascript": {"schema": {"type": "string"}}},
                    },
                    "304": {"description": "not modified"},
                    **_errors(429),
                },
            }
        },
        "/home.css": {
            "get": {
                "summary": "The demo page's stylesheet",
                "responses": {
                    "200": {"description": "CSS", "content": {"text/css": {"schema": {"type": "string"}}}},
                    "304": {"description": "not modified"},
                },
            }
        },
        "/home.js": {
            "get": {
                "summary": "The demo page's script: writes the service's origin into the embed snippet",
                "responses": {
                    "200": {
                        "description": "JavaScript",
                        "content": {"text/javascript": {"schema": {"type": "string"}}},
                    },
                    "304": {"description": "not modified"},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            },
            "Passage": {
                "type": "object",
                "required": [
                    "id",
                    "text",
                    "document",
                    "section",
                    "section_path",
                    "page",
                    "page_end",
                    "footnotes",
                    "citation",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "text": {"type": "string"},
                    "document": {"type": "object"},
                    "section": {"type": "string"},
                    "section_path": {"type": "array", "items": {"type": "string"}},
                    "page": {
                        "type": "integer",
                        "nullable": True,
                        "minimum": 1,
                        "description": "1-based PDF page index; null for a document without pages",
                    },
                    "page_end": {"type": "integer", "nullable": True, "minimum": 1},
                    "page_label": {
                        "type": "string",
                        "nullable": True,
                        "description": "the label a PDF viewer shows for page, where the PDF defines labels",
                    },
                    "footnotes": {"type": "array", "items": {"type": "object"}},
                    "citation": {"type": "string"},
                    "source_url": {
                        "type": "string",
                        "nullable": True,
                        "description": "the source PDF opened at the cited page; null for other sources",
                    },
                },
            },
            "Answer": {
                "type": "object",
                "nullable": True,
                "description": "the direct answer cut from the passages' sentences; null when answerable is false "
                "or no candidate is confident",
                "required": ["text", "kind", "sentence", "passage_id", "page", "section", "citation", "confidence"],
                "properties": {
                    "text": {"type": "string", "maxLength": 120, "description": "the shortest span that answers"},
                    "kind": {
                        "type": "string",
                        "enum": list(ANSWER_KINDS),
                        "description": "what was asked for; sentence for open questions (wat, waarom, hoe)",
                    },
                    "sentence": {"type": "string", "description": "the sentence the answer stands in"},
                    "passage_id": {"type": "string", "description": "the result that holds the sentence"},
                    "page": {
                        "type": "integer",
                        "nullable": True,
                        "minimum": 1,
                        "description": "the page of the sentence (a passage can span two); null without pages",
                    },
                    "section": {"type": "string"},
                    "citation": {"type": "string", "description": "the passage's citation, at the sentence's page"},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                },
            },
            "SearchResult": {
                "type": "object",
                "required": ["query", "answerable", "answer", "took_ms", "results"],
                "properties": {
                    "query": {"type": "string"},
                    "answerable": {"type": "boolean"},
                    "answer": {"$ref": "#/components/schemas/Answer"},
                    "took_ms": {"type": "number"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
                },
            },
            "Result": {
                "allOf": [
                    {"$ref": "#/components/schemas/Passage"},
                    {
                        "type": "object",
                        "required": ["rank", "score", "highlight", "highlights"],
                        "properties": {
                            "rank": {"type": "integer", "minimum": 1},
                            "score": {
                                "type": "number",
                                "description": "the fused ranking score: comparable within one response only",
                            },
                            "highlight": {
                                "type": "string",
                                "description": "the sentence to show: the answer's sentence in the answer's passage",
                            },
                            "highlights": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": "every sentence to mark, in text order, highlight among them: in "
                                "the answer's passage each sentence that holds an answer of the asked kind",
                            },
                        },
                    },
                ]
            },
        }
    },
}


_BEARER = [{"adminToken": []}]
_JOB = {"$ref": "#/components/schemas/Job"}
_JOB_BODY = {"type": "object", "required": ["job"], "properties": {"job": _JOB}}
_ADMIN_ERRORS = {"401": _json(_ERROR, "no or a wrong admin token"), **_errors(429)}

#: Added to SPEC when VRAAGBAAK_ADMIN_TOKEN is set (service/admin.py); absent otherwise, as the routes are.
ADMIN_PATHS: dict = {
    "/api/documents": {
        "post": {
            "summary": "Upload a document; it is indexed by a background job",
            "security": _BEARER,
            "parameters": [
                {
                    "name": "filename",
                    "in": "query",
                    "required": False,
                    "description": "the file's name (required for a raw body); the stored name may differ",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    **{t: {"schema": {"type": "string", "format": "binary"}} for t in ADMIN_UPLOAD_TYPES},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    },
                },
            },
            "responses": {
                "202": {
                    **_json(_JOB_BODY, "queued; follow the Location header"),
                    "headers": {"Location": {"schema": {"type": "string"}, "description": "/api/jobs/<id>"}},
                },
                "400": _json(_ERROR, "no file name, a refused file name, or an empty upload"),
                "409": _json(_ERROR, "a document of that name is there or on its way"),
                "413": _json(_ERROR, "larger than VRAAGBAAK_MAX_UPLOAD_MB"),
                "415": _json(_ERROR, "not a PDF, Markdown, HTML or plain text file"),
                **_ADMIN_ERRORS,
            },
        }
    },
    "/api/documents/{doc_id}": {
        "delete": {
            "summary": "Remove a document; the index is rebuilt by a background job",
            "security": _BEARER,
            "parameters": [{"name": "doc_id", "in": "path", "required": True, "schema": _DOC}],
            "responses": {
                "202": _json(_JOB_BODY, "queued; follow the Location header"),
                "404": _json(_ERROR, "no such document"),
                "409": _json(_ERROR, "the corpus's last source"),
                **_ADMIN_ERRORS,
                **_errors(503),
            },
        }
    },
    "/api/jobs": {
        "get": {
            "summary": "The 50 most recent jobs, newest first",
            "security": _BEARER,
            "responses": {
                "200": _json(
                    {"type": "object", "required": ["jobs"], "properties": {"jobs": {"type": "array", "items": _JOB}}},
                    "jobs",
                ),
                **_ADMIN_ERRORS,
            },
        }
    },
    "/api/jobs/{job_id}": {
        "get": {
            "summary": "A job's status and progress",
            "security": _BEARER,
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": _json(_JOB_BODY, "the job"),
                "404": _json(_ERROR, "no such job"),
                **_ADMIN_ERRORS,
            },
        }
    },
    "/beheer": {
        "get": {
            "summary": "The management page (it asks for the token itself)",
            "responses": {
                "200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
                "304": {"description": "not modified"},
            },
        }
    },
    "/beheer.js": {
        "get": {
            "summary": "The management page's script: the admin API with the token the editor typed",
            "responses": {
                "200": {"description": "JavaScript", "content": {"text/javascript": {"schema": {"type": "string"}}}},
                "304": {"description": "not modified"},
            },
        }
    },
    "/beheer.css": {
        "get": {
            "summary": "The management page's stylesheet (on top of /home.css)",
            "responses": {
                "200": {"description": "CSS", "content": {"text/css": {"schema": {"type": "string"}}}},
                "304": {"description": "not modified"},
            },
        }
    },
}

_NULLABLE_TIME = {"type": "string", "format": "date-time", "nullable": True}
ADMIN_COMPONENTS: dict = {
    "securitySchemes": {
        "adminToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "the value of VRAAGBAAK_ADMIN_TOKEN",
        }
    },
    "schemas": {
        "Job": {
            "type": "object",
            "required": ["id", "kind", "status", "created_at", "progress", "error"],
            "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string", "enum": ["add", "remove"]},
                "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                "filename": {"type": "string", "nullable": True, "description": "the stored file name"},
                "document": {"type": "string", "nullable": True, "description": "the document removed"},
                "size": {"type": "integer", "nullable": True},
                "sha256": {"type": "string", "nullable": True},
                "created_at": {"type": "string", "format": "date-time"},
                "started_at": _NULLABLE_TIME,
                "finished_at": _NULLABLE_TIME,
                "progress": {
                    "type": "object",
                    "description": (
                        "stage: queued, starting, reading, indexing, passages, sentences, sparse terms, writing, "
                        "done or failed"
                    ),
                    "properties": {
                        "stage": {"type": "string", "nullable": True},
                        "pages": {"type": "integer", "nullable": True},
                        "done": {"type": "integer", "nullable": True},
                        "total": {"type": "integer", "nullable": True},
                    },
                },
                "error": {"type": "string", "nullable": True, "description": "why a failed job failed, one sentence"},
                "documents": {"type": "array", "items": {"type": "object"}, "description": "an add's documents"},
                "removed": {"type": "array", "items": {"type": "string"}, "description": "a removal's files"},
            },
        }
    },
}


def spec(*, admin: bool = False) -> dict:
    """SPEC, with the admin routes and their bearer scheme when ``admin``."""
    if not admin:
        return SPEC
    components = {**SPEC["components"], **ADMIN_COMPONENTS}
    components["schemas"] = {**SPEC["components"]["schemas"], **ADMIN_COMPONENTS["schemas"]}
    paths = dict(SPEC["paths"])
    for path, operations in ADMIN_PATHS.items():
        paths[path] = {**paths.get(path, {}), **operations}
    return {**SPEC, "paths": paths, "components": components}


def register_openapi(app: Flask, *, admin: bool = False) -> None:
    document = spec(admin=admin)

    @app.get("/openapi.json")
    def openapi():
        return jsonify(document)
