"""What drf-spectacular does not say by itself: the API's error answers and the links between
operations (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

- Errors: every operation may answer 401 (no or a bad token: `WWW-Authenticate: Token`) and 403
  (the role may not; the reason in `detail`); one with a query string or a body, and every
  write, 400 (what was wrong, by field, or the rule broken); one with an id in its path, or a
  paginated list (`page` past the end), 404; one with a JSON body 413 (over
  COURTDASH_API_MAX_JSON_BYTES) and 415 (another media type). Bodies as DRF answers them:
  `{"detail": "…"}`, or the field errors of a serializer.
- Links: what a create (POST answering 201), a list and a detail return leads to — the
  operations under `…/{id}/` of the same resource, with the id taken from the response
  (`$response.body#/id`, the first result's for a list). Clients and the schema tests follow
  them to reach real records.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

ERROR = "ErrorDetail"
FIELD_ERRORS = "FieldErrors"
METHODS = ("get", "put", "patch", "post", "delete")


def _error_components() -> dict:
    return {
        ERROR: {
            "type": "object",
            "description": _("错误说明"),
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
        FIELD_ERRORS: {
            "description": _(
                "请求无效：按字段列出错误（字段名 → 错误说明列表），"
                "或 detail / non_field_errors 给出整体原因"
            ),
            "oneOf": [
                {"type": "object", "additionalProperties": True},
                {"type": "array", "items": {}},
            ],
        },
    }


def _response(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _add_errors(path: str, method: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    has_path_id = "{" in path
    paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
    body = operation.get("requestBody", {}).get("content", {})
    errors = {}
    writes = method != "get"  # a rule of the service broken (a state, a deadline): 400 too
    if any(p.get("in") == "query" for p in parameters) or body or writes:
        errors["400"] = _response(_("请求无效"), FIELD_ERRORS)
    if any(operation.get("security", [])):  # signed-in operations (the token one is not)
        errors["401"] = _response(_("未登录，或令牌无效、已过期"), ERROR)
    errors["403"] = _response(_("您的角色不能执行该操作"), ERROR)
    if has_path_id or paginated:
        errors["404"] = _response(_("未找到，或不在您的可见范围内"), ERROR)
    if body:
        errors["413"] = _response(_("请求体超过上限，请分批提交"), ERROR)
        errors["415"] = _response(_("不支持的请求体类型"), ERROR)
    for status, response in errors.items():
        responses.setdefault(status, response)
    for status, response in responses.items():
        # An error a view declares by its description only gets the body DRF answers.
        if status.startswith("4") and "content" not in response:
            component = FIELD_ERRORS if status == "400" else ERROR
            response["content"] = _response("", component)["content"]


def _id_consumers(paths: dict, prefix: str) -> list[tuple[str, str, str]]:
    """(path, method, operationId) of the operations under `prefix{id}/`."""
    pattern = re.compile(re.escape(prefix) + r"\{id\}/")
    found = []
    for path, item in paths.items():
        if pattern.match(path):
            for method in METHODS:
                if method in item and "operationId" in item[method]:
                    found.append((path, method, item[method]["operationId"]))
    return found


def _link_name(prefix: str, path: str, method: str) -> str:
    rest = path[len(prefix) :].replace("{id}/", "").strip("/") or "detail"
    return f"{rest.replace('/', '_').replace('-', '_')}_{method}"


def _add_links(paths: dict) -> None:
    for path, item in paths.items():
        for method, status, pointer, prefix in (
            ("post", "201", "/id", path),
            ("get", "200", "/results/0/id", path),
            ("get", "200", "/id", re.sub(r"\{id\}/$", "", path)),
        ):
            operation = item.get(method)
            if operation is None or status not in operation.get("responses", {}):
                continue
            if pointer == "/results/0/id" and "{" in path:
                continue  # a list is a path without an id
            if pointer == "/id" and method == "get" and not path.endswith("{id}/"):
                continue  # a detail is a path ending in its id
            links = {}
            for target, target_method, operation_id in _id_consumers(paths, prefix):
                if target == path and target_method == method:
                    continue
                links[_link_name(prefix, target, target_method)] = {
                    "operationId": operation_id,
                    "parameters": {"id": f"$response.body#{pointer}"},
                }
            if links:
                operation["responses"][status]["links"] = links


def postprocess_errors_and_links(result, generator, request, public):
    """drf-spectacular postprocessing hook (after the enum hook)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in _error_components().items():
        components.setdefault(name, component)
    paths = result.get("paths", {})
    for path, item in paths.items():
        for method in METHODS:
            if method in item:
                _add_errors(path, method, item[method])
    _add_links(paths)
    return result
