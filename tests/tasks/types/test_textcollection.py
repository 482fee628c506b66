"""``textcollection``: form fields, plain or Scale-shaped answers, several respondents."""

from __future__ import annotations

from typing import Any

import pytest

from assay.tasks.types import get_type
from tests.tasks.checks import assert_mentions, assert_names, rejected

KIND = get_type("textcollection")

CHOICES = [
    {"label": "Cat", "value": "cat"},
    {"label": "Dog", "value": "dog"},
    {"label": "Bird", "value": "bird"},
]
PARAMS: dict[str, Any] = {
    "attachments": [{"type": "image", "content": "https://example.com/pet.jpg"}],
    "fields": [
        {
            "type": "category",
            "field_id": "kind",
            "title": "Kind",
            "choices": CHOICES,
            "max_choices": 2,
        },
        {
            "type": "text",
            "field_id": "name",
            "title": "Name",
            "min_characters": 2,
            "max_characters": 5,
        },
        {"type": "number", "field_id": "age", "title": "Age", "min": 0, "max": 30},
        {"type": "datetime", "field_id": "seen", "title": "Last seen"},
        {"type": "text", "field_id": "notes", "title": "Notes", "required": False},
    ],
}
ANSWERS: dict[str, Any] = {"kind": "cat", "name": "Tom", "age": 3, "seen": "2024-05-01"}


def _params(**changes: Any) -> dict[str, Any]:
    return KIND.validate_params({**PARAMS, **changes})


def _answer(field_id: str, kind: str, *values: Any) -> dict[str, Any]:
    return {"type": kind, "field_id": field_id, "response": [list(values)]}


# --- params ----------------------------------------------------------------------------------


def test_params_are_normalized_with_defaults() -> None:
    raw = {
        "attachments": [{"content": "Some text"}],
        "fields": [
            {"type": "category", "field_id": "kind", "title": "Kind", "choices": CHOICES[:1]},
            {"type": "number", "field_id": "age", "title": "Age", "min": 0, "max": 30},
        ],
    }
    assert KIND.validate_params(raw) == {
        "attachments": [{"type": "text", "content": "Some text"}],
        "fields": [
            {
                "type": "category",
                "field_id": "kind",
                "title": "Kind",
                "required": True,
                "choices": [{"label": "Cat", "value": "cat"}],
                "min_choices": 1,
                "max_choices": 1,
            },
            {
                "type": "number",
                "field_id": "age",
                "title": "Age",
                "required": True,
                "min_choices": 1,
                "max_choices": 1,
                "min": 0.0,
                "max": 30.0,
            },
        ],
        "responses_required": 1,
    }


def _field(**changes: Any) -> dict[str, Any]:
    return {"fields": [{"type": "text", "field_id": "f", "title": "F", **changes}]}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"fields": [*_field()["fields"], *_field()["fields"]]},
            "fields",
            "field_id values must be unique",
        ),
        (_field(type="category"), "fields.0.choices", "a category field needs choices"),
        (
            _field(type="category", choices=[CHOICES[0], {"label": "Kitty", "value": "cat"}]),
            "fields.0.choices",
            "duplicate choice value",
        ),
        (
            _field(type="category", choices=CHOICES[:2], max_choices=3),
            "fields.0.max_choices",
            "inconsistent with choices",
        ),
        (
            _field(type="category", choices=CHOICES, min_choices=2),
            "fields.0.max_choices",
            "inconsistent with choices",
        ),
        (_field(choices=CHOICES), "fields.0.choices", "only category fields have choices"),
        (_field(type="number", min=5, max=1), "fields.0.min", "greater than max"),
        ({**_field(), "colour": "red"}, "colour", "unknown field"),
        (_field(hint="h", placeholder="p"), "fields.0.placeholder", "unknown field"),
        ({"fields": [{"type": "text", "field_id": "f"}]}, "fields.0.title", "field required"),
    ],
)
def test_bad_params_name_the_field(params: dict[str, Any], field: str, message: str) -> None:
    assert_names(rejected(lambda: KIND.validate_params(params)), field, message)


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"fields": []}, "fields", "at least 1 item"),
        ({}, "fields", "field required"),
        (_field(field_id="has space"), "fields.0.field_id", "should match pattern"),
        (_field(type="file"), "fields.0.type", "'category'"),
        ({**_field(), "responses_required": 0}, "responses_required", "greater than or equal"),
        ({**_field(), "responses_required": 21}, "responses_required", "less than or equal"),
        ({**_field(), "attachments": [{"type": "doc", "content": "x"}]}, "attachments.0.type", ""),
    ],
)
def test_bad_values_are_reported_by_field(
    params: dict[str, Any], field: str, fragment: str
) -> None:
    assert_mentions(rejected(lambda: KIND.validate_params(params)), field, fragment)


# --- responses -------------------------------------------------------------------------------


def test_plain_answers_become_scale_field_answers() -> None:
    assert KIND.validate_response(_params(), {"annotations": ANSWERS}) == {
        "annotations": {
            "kind": _answer("kind", "category", "cat"),
            "name": _answer("name", "text", "Tom"),
            "age": _answer("age", "number", 3),
            "seen": _answer("seen", "datetime", "2024-05-01"),
        }
    }


def test_lists_scale_answers_and_optional_fields() -> None:
    annotations = {
        **ANSWERS,
        "kind": ["dog", "cat"],
        "name": _answer("name", "text", "Rex"),
        "seen": "2024-05-01T10:30:00+02:00",
        "notes": "friendly",
    }
    out = KIND.validate_response(_params(), {"annotations": annotations})
    assert out["annotations"]["kind"] == _answer("kind", "category", "dog", "cat")
    assert out["annotations"]["name"] == _answer("name", "text", "Rex")
    assert out["annotations"]["seen"] == _answer("seen", "datetime", "2024-05-01T10:30:00+02:00")
    assert out["annotations"]["notes"] == _answer("notes", "text", "friendly")


def test_a_scale_answer_is_rewritten_with_the_fields_own_type_and_id() -> None:
    annotations = {**ANSWERS, "kind": {"response": [["bird"]]}}
    out = KIND.validate_response(_params(), {"annotations": annotations})
    assert out["annotations"]["kind"] == _answer("kind", "category", "bird")


@pytest.mark.parametrize("empty", [None, "", [], {"response": [[]]}])
def test_an_empty_optional_field_is_left_out(empty: Any) -> None:
    out = KIND.validate_response(_params(), {"annotations": {**ANSWERS, "notes": empty}})
    assert set(out["annotations"]) == {"kind", "name", "age", "seen"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"colour": "red"}, "response.annotations.colour", "unknown field"),
        ({"name": None}, "response.annotations.name", "field required"),
        ({"name": ""}, "response.annotations.name", "field required"),
        ({"kind": []}, "response.annotations.kind", "field required"),
        ({"kind": "fish"}, "response.annotations.kind",
         "'fish' is not one of ['cat', 'dog', 'bird']"),
        ({"kind": ["cat", "dog", "bird"]}, "response.annotations.kind",
         "pick between 1 and 2 choices"),
        ({"kind": ["cat", "cat"]}, "response.annotations.kind", "a choice is picked twice"),
        ({"name": "T"}, "response.annotations.name", "needs at least 2 characters"),
        ({"name": "Thomas"}, "response.annotations.name", "allows at most 5 characters"),
        ({"name": 5}, "response.annotations.name", "must be a string"),
        ({"name": ["Tom", "Rex"]}, "response.annotations.name", "exactly one value expected"),
        ({"age": 31}, "response.annotations.age", "must be <= 30"),
        ({"age": -1}, "response.annotations.age", "must be >= 0"),
        ({"age": "three"}, "response.annotations.age", "must be a finite number"),
        ({"age": True}, "response.annotations.age", "must be a finite number"),
        ({"age": float("inf")}, "response.annotations.age", "must be a finite number"),
        ({"seen": "yesterday"}, "response.annotations.seen",
         "must be an ISO 8601 date or date-time"),
        ({"seen": 20240501}, "response.annotations.seen", "must be a string"),
        ({"kind": {"response": [["cat"], ["dog"]]}}, "response.annotations.kind.response",
         "one respondent's answer expected"),
        ({"kind": {"response": "cat"}}, "response.annotations.kind.response",
         "Input should be a valid list"),
        ({"kind": {"response": [["cat"]], "score": 1}}, "response.annotations.kind.score",
         "unknown field"),
    ],
)  # fmt: skip
def test_bad_answers_name_the_field(changes: dict[str, Any], field: str, message: str) -> None:
    response = {"annotations": {**ANSWERS, **changes}}
    exc = rejected(lambda: KIND.validate_response(_params(), response))
    assert_names(exc, field, message)


def test_the_annotations_object_is_required() -> None:
    exc = rejected(lambda: KIND.validate_response(_params(), {"kind": "cat"}))
    assert exc.details == [
        {"field": "response.annotations", "message": "field required"},
        {"field": "response.kind", "message": "unknown field"},
    ]


# --- several respondents ---------------------------------------------------------------------


def test_combine_gives_one_answer_list_per_respondent_in_order() -> None:
    params = _params(responses_required=2)
    first = KIND.validate_response(params, {"annotations": ANSWERS})
    second = KIND.validate_response(
        params, {"annotations": {**ANSWERS, "kind": ["dog", "bird"], "age": 4}}
    )
    assert KIND.combine([first, second]) == {
        "annotations": {
            "kind": {
                "type": "category",
                "field_id": "kind",
                "response": [["cat"], ["dog", "bird"]],
            },
            "name": {"type": "text", "field_id": "name", "response": [["Tom"], ["Tom"]]},
            "age": {"type": "number", "field_id": "age", "response": [[3], [4]]},
            "seen": {
                "type": "datetime",
                "field_id": "seen",
                "response": [["2024-05-01"], ["2024-05-01"]],
            },
        }
    }
    # The inputs are not modified.
    assert first["annotations"]["kind"] == _answer("kind", "category", "cat")


def test_combine_keeps_each_list_with_its_respondent() -> None:
    """A field left out by one respondent gets an empty list in that respondent's place."""
    params = _params(responses_required=3)
    first = KIND.validate_response(params, {"annotations": ANSWERS})
    second = KIND.validate_response(params, {"annotations": {**ANSWERS, "notes": "shy"}})
    third = KIND.validate_response(params, {"annotations": ANSWERS})
    combined = KIND.combine([first, second, third])["annotations"]
    assert combined["notes"]["response"] == [[], ["shy"], []]
    assert combined["name"]["response"] == [["Tom"], ["Tom"], ["Tom"]]


def test_combine_of_one_respondent_is_that_response() -> None:
    one = KIND.validate_response(_params(), {"annotations": ANSWERS})
    assert KIND.combine([one]) == one
