"""The registry of task types and the plumbing every type shares."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from assay.errors import Invalid
from assay.tasks.types import TASK_TYPES, get_type
from assay.tasks.types.base import Strict, finite, format_errors, invalid
from tests.tasks.checks import assert_names, rejected

NAMES = [
    "categorization",
    "imageannotation",
    "textcollection",
    "namedentityrecognition",
    "comparison",
]

# One full set of params per type, with every optional part used.
EXAMPLES: dict[str, dict[str, Any]] = {
    "categorization": {
        "attachment": "https://example.com/1.jpg",
        "categories": ["cat", {"choice": "dog", "description": "Dogs", "subchoices": ["puppy"]}],
        "allow_multiple": True,
    },
    "imageannotation": {
        "attachment": "https://example.com/1.jpg",
        "geometries": {
            "box": {"objects_to_annotate": ["car"], "min_width": 2, "can_rotate": True},
            "polygon": {"objects_to_annotate": ["road"], "min_vertices": 3, "max_vertices": 9},
        },
        "annotation_attributes": {"occluded": {"choices": ["yes", "no"], "labels": ["car"]}},
        "context_attachments": [{"attachment": "https://example.com/2.jpg"}],
        "hypothesis": {
            "annotations": [
                {"type": "box", "label": "car", "left": 1, "top": 1, "width": 3, "height": 3}
            ]
        },
    },
    "textcollection": {
        "attachments": [{"type": "website", "content": "https://example.com"}],
        "fields": [
            {
                "type": "category",
                "field_id": "topic",
                "title": "Topic",
                "choices": [{"label": "News", "value": "news"}],
            },
            {"type": "text", "field_id": "summary", "title": "Summary", "max_characters": 200},
        ],
        "title": "Describe the page",
        "responses_required": 3,
    },
    "namedentityrecognition": {
        "text": "Ada met Babbage.",
        "labels": [{"name": "PER", "description": "A person"}],
        "allow_overlap": False,
    },
    "comparison": {
        "prompt": "Which is better?",
        "attachments": ["a", {"type": "text", "content": "b", "id": "m2"}, "c"],
        "rubric": [{"id": "helpful", "title": "Helpful", "min": 1, "max": 7}],
        "require_rationale": True,
    },
}


def test_the_five_types_are_registered_under_their_names() -> None:
    assert sorted(TASK_TYPES) == sorted(NAMES)
    for name in NAMES:
        kind = get_type(name)
        assert kind is TASK_TYPES[name]
        assert kind.name == name
        assert kind.description


def test_an_unknown_type_is_invalid_and_lists_the_known_ones() -> None:
    exc = rejected(lambda: get_type("segmentannotation"))
    assert exc.message == (
        "unknown task type 'segmentannotation'; this server supports: categorization, "
        "comparison, imageannotation, namedentityrecognition, textcollection"
    )
    assert exc.details == [{"field": "type", "message": "unknown task type"}]


@pytest.mark.parametrize("name", NAMES)
def test_normalized_params_validate_to_themselves(name: str) -> None:
    # Stored params are re-read when a response is checked; normalizing must be stable.
    kind = get_type(name)
    once = kind.validate_params(EXAMPLES[name])
    assert kind.validate_params(once) == once


@pytest.mark.parametrize("name", NAMES)
def test_unknown_param_keys_are_rejected_by_every_type(name: str) -> None:
    kind = get_type(name)
    exc = rejected(lambda: kind.validate_params({**EXAMPLES[name], "extra_key": 1}))
    assert_names(exc, "extra_key", "unknown field")


@pytest.mark.parametrize("name", NAMES)
def test_a_response_that_is_not_an_object_is_invalid(name: str) -> None:
    kind = get_type(name)
    params = kind.validate_params(EXAMPLES[name])
    exc = rejected(lambda: kind.validate_response(params, ["not", "an", "object"]))
    assert exc.details[0]["field"] == "response"


class _Pair(Strict):
    a: int
    b: str


def test_format_errors_lists_every_field_in_one_message() -> None:
    with pytest.raises(ValidationError) as info:
        _Pair.model_validate({"a": "x", "c": 1})
    exc = format_errors(info.value, "params")
    assert isinstance(exc, Invalid)
    assert exc.details == [
        {
            "field": "params.a",
            "message": "Input should be a valid integer, unable to parse string as an integer",
        },
        {"field": "params.b", "message": "field required"},
        {"field": "params.c", "message": "unknown field"},
    ]
    assert exc.message == (
        "params.a: Input should be a valid integer, unable to parse string as an integer; "
        "params.b: field required; params.c: unknown field"
    )


def test_format_errors_without_a_prefix_names_the_bare_field() -> None:
    with pytest.raises(ValidationError) as info:
        _Pair.model_validate({"a": 1})
    assert format_errors(info.value, "").details == [{"field": "b", "message": "field required"}]


def test_invalid_and_finite_helpers() -> None:
    assert_names(invalid("x.y", "bad"), "x.y", "bad")
    assert finite(1.5, "v") == 1.5
    assert_names(rejected(lambda: finite(float("nan"), "v")), "v", "must be a finite number")
    assert_names(rejected(lambda: finite(float("-inf"), "v")), "v", "must be a finite number")
