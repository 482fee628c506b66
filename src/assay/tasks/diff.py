"""The difference between two responses, as a list of changes (pure).

Used for a reviewer's fix: what they changed in the labeler's response is stored and shown.
Objects are compared key by key and lists index by index; anything else is replaced whole.
A path is the ``/``-joined list of keys and indexes from the root (``annotations/0/left``).
"""

from __future__ import annotations

from typing import Any


def json_diff(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[dict[str, Any]] = []
        for key in before:
            sub = _join(path, key)
            if key not in after:
                out.append({"path": sub, "op": "remove", "before": before[key]})
            else:
                out.extend(json_diff(before[key], after[key], sub))
        out.extend(
            {"path": _join(path, key), "op": "add", "after": after[key]}
            for key in after
            if key not in before
        )
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = []
        for i in range(max(len(before), len(after))):
            sub = _join(path, str(i))
            if i >= len(after):
                out.append({"path": sub, "op": "remove", "before": before[i]})
            elif i >= len(before):
                out.append({"path": sub, "op": "add", "after": after[i]})
            else:
                out.extend(json_diff(before[i], after[i], sub))
        return out
    if _same(before, after):
        return []
    return [{"path": path, "op": "replace", "before": before, "after": after}]


def _same(a: Any, b: Any) -> bool:
    # bool is an int in Python, but true and 1 are different JSON; 1 and 1.0 are the same.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _join(path: str, key: str) -> str:
    return f"{path}/{key}" if path else key
