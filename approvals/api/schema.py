"""OpenAPI tweaks: every operation documents the shared error responses."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "The error contract shared by every endpoint.",
    "properties": {
        "code": {"type": "string", "description": "Machine-readable error code."},
        "message": {"type": "string", "description": "Human message in the request language."},
        "reasons": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Why a business rule blocks the action (422).",
        },
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field name -> messages (400).",
        },
    },
    "required": ["code", "message"],
}

DESCRIPTIONS = {
    "400": "Malformed input; `fields` says which and why.",
    "401": "Not authenticated.",
    "403": "The caller sees the object but may not take this action.",
    "404": "No such object, or one the caller may not see (the two look the same).",
    "409": "Not allowed from the current state, or lost to a concurrent change.",
    "422": "A business rule blocks the action; `reasons` lists why.",
    "415": "The request body is not in a media type this operation accepts.",
    "429": "Too many failed logins; retry later.",
}
READ_ERRORS = ("400", "401", "403", "404")
WRITE_ERRORS = READ_ERRORS + ("409", "415", "422")


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the Error component and the error responses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes: tuple[str, ...] = READ_ERRORS if method == "get" else WRITE_ERRORS
            if path.endswith("/auth/token/"):
                codes = codes + ("429",)
            if path.endswith("/download/"):
                codes = codes + ("409",)  # the stored file no longer matches its checksum
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
