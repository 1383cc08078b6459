"""The one JSON error body of the API, ``{"error": {"code", "message"}}``, and the exception that carries it."""

from __future__ import annotations

from flask import Response, jsonify


class ApiError(Exception):
    """A client error with its HTTP status, a stable code and a readable message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str) -> Response:
    """A JSON error response; every error the app answers goes through here."""
    response = jsonify(error_body(code, message))
    response.status_code = status
    return response
