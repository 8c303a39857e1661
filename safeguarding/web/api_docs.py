"""Human-readable API documentation rendered on the server from the OpenAPI schema.

A CDN-hosted Swagger UI would break the content security policy (third-party and inline scripts); this page uses
the service's own layout, works without JavaScript and passes the same accessibility checks as every other page.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]


def _resolve(schema: dict[str, Any], node: Any, depth: int = 0) -> Any:
    if depth > 6:
        return node
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _resolve(schema, schema["components"]["schemas"].get(name, {}), depth + 1)
        return {k: _resolve(schema, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(schema, v, depth + 1) for v in node]
    return node


def _example(node: dict[str, Any]) -> Any:
    if "example" in node:
        return node["example"]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {k: _example(v) for k, v in node.get("properties", {}).items() if not v.get("readOnly")}
    if kind == "array":
        return [_example(node.get("items", {}))]
    if "enum" in node:
        return node["enum"][0]
    return {"string": "…", "integer": 0, "number": 0, "boolean": True}.get(str(kind))


def operations() -> list[dict[str, Any]]:
    schema = _schema()
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            tag = (op.get("tags") or ["general"])[0]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            body_schema = _resolve(schema, body.get("schema", {})) if body else None
            examples = body.get("examples") if body else None
            responses = []
            for code, response in sorted(op.get("responses", {}).items()):
                responses.append({"code": code, "description": response.get("description", "")})
            groups.setdefault(tag, []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or (op.get("description") or "").split("\n")[0],
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "request_example": json.dumps(
                        {name: value.get("value") for name, value in examples.items()}
                        if examples
                        else _example(body_schema or {}),
                        indent=2,
                    )
                    if body_schema
                    else "",
                    "responses": responses,
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in sorted(groups.items())]


class ApiDocsView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "web/api_docs.html", {"groups": operations(), "info": _schema().get("info", {})})
