"""``namedentityrecognition``: labels, and spans checked against the text."""

from __future__ import annotations

from typing import Any

import pytest

from assay.tasks.types import get_type
from tests.tasks.checks import assert_mentions, assert_names, rejected

KIND = get_type("namedentityrecognition")

# 0         1         2         3
# 01234567890123456789012345678901234
TEXT = "Ada Lovelace met Babbage in London."
PARAMS: dict[str, Any] = {
    "text": TEXT,
    "labels": [{"name": "PER"}, {"name": "LOC", "display_name": "Location"}],
}


def _params(**changes: Any) -> dict[str, Any]:
    return KIND.validate_params({**PARAMS, **changes})


def _span(start: int, end: int, label: str = "PER", **extra: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, **extra}


def test_params_are_normalized_with_defaults() -> None:
    assert _params() == {
        "text": TEXT,
        "labels": [{"name": "PER"}, {"name": "LOC", "display_name": "Location"}],
        "allow_overlap": True,
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"text": "x", "labels": [{"name": "A"}, {"name": "A"}]}, "labels",
         "label names must be unique"),
        ({"labels": [{"name": "A"}]}, "text", "field required"),
        ({"text": "x", "labels": ["A"]}, "labels.0", "Input should be a valid dictionary or "
         "instance of EntityLabel"),
        ({"text": "x", "labels": [{"name": "A", "color": "red"}]}, "labels.0.color",
         "unknown field"),
        ({"text": "x", "labels": [{"name": "A"}], "allow_overlaps": False}, "allow_overlaps",
         "unknown field"),
    ],
)  # fmt: skip
def test_bad_params_name_the_field(params: dict[str, Any], field: str, message: str) -> None:
    assert_names(rejected(lambda: KIND.validate_params(params)), field, message)


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"text": "", "labels": [{"name": "A"}]}, "text", "at least 1 character"),
        ({"text": "x", "labels": []}, "labels", "at least 1 item"),
        ({"text": "x", "labels": [{"name": ""}]}, "labels.0.name", "at least 1 character"),
    ],
)
def test_bad_values_are_reported_by_field(
    params: dict[str, Any], field: str, fragment: str
) -> None:
    assert_mentions(rejected(lambda: KIND.validate_params(params)), field, fragment)


def test_spans_are_sorted_filled_with_their_text_and_given_ids() -> None:
    response = {
        "annotations": [
            _span(28, 34, "LOC"),
            _span(17, 24, id="babbage"),
            _span(0, 12, text="Ada Lovelace"),
        ]
    }
    assert KIND.validate_response(_params(), response) == {
        "annotations": [
            {"id": "span-0", "start": 0, "end": 12, "label": "PER", "text": "Ada Lovelace"},
            {"id": "babbage", "start": 17, "end": 24, "label": "PER", "text": "Babbage"},
            {"id": "span-2", "start": 28, "end": 34, "label": "LOC", "text": "London"},
        ]
    }


def test_same_start_sorts_by_end_then_label_and_overlap_is_allowed_by_default() -> None:
    response = {"annotations": [_span(0, 12), _span(0, 3, "PER"), _span(0, 3, "LOC")]}
    out = KIND.validate_response(_params(), response)
    assert [(s["start"], s["end"], s["label"], s["text"]) for s in out["annotations"]] == [
        (0, 3, "LOC", "Ada"),
        (0, 3, "PER", "Ada"),
        (0, 12, "PER", "Ada Lovelace"),
    ]


def test_offsets_count_unicode_code_points() -> None:
    params = KIND.validate_params({"text": "Zoë visited Köln.", "labels": [{"name": "LOC"}]})
    out = KIND.validate_response(params, {"annotations": [_span(12, 16, "LOC")]})
    assert out["annotations"][0]["text"] == "Köln"


def test_adjacent_spans_do_not_overlap() -> None:
    params = _params(allow_overlap=False)
    response = {"annotations": [_span(0, 3), _span(3, 12)]}
    out = KIND.validate_response(params, response)
    assert [s["text"] for s in out["annotations"]] == ["Ada", " Lovelace"]


def test_no_spans_is_a_valid_answer() -> None:
    assert KIND.validate_response(_params(), {"annotations": []}) == {"annotations": []}


@pytest.mark.parametrize(
    ("spans", "allow_overlap", "field", "message"),
    [
        ([_span(28, 36, "LOC")], True, "response.annotations.0",
         "span [28, 36) is not inside the text"),
        ([_span(5, 5)], True, "response.annotations.0", "span [5, 5) is not inside the text"),
        ([_span(6, 4)], True, "response.annotations.0", "span [6, 4) is not inside the text"),
        ([_span(0, 3, "ORG")], True, "response.annotations.0.label",
         "'ORG' is not a label of this task"),
        ([_span(0, 3, text="Eve")], True, "response.annotations.0.text",
         "does not match the text there ('Ada')"),
        ([_span(0, 3), _span(0, 3, id="again")], True, "response.annotations.1",
         "the same span and label twice"),
        ([_span(0, 12), _span(4, 12, "LOC")], False, "response.annotations.1",
         "overlaps another span (allow_overlap is false)"),
        # Sorted by start: the long span is checked first, the one inside it is refused.
        ([_span(4, 12), _span(0, 24), _span(28, 34, "LOC")], False, "response.annotations.0",
         "overlaps another span (allow_overlap is false)"),
        # The same range, two labels: LOC sorts first, so the PER span (sent first) overlaps.
        ([_span(0, 3), _span(0, 3, "LOC")], False, "response.annotations.0",
         "overlaps another span (allow_overlap is false)"),
    ],
)  # fmt: skip
def test_bad_spans_name_the_span(
    spans: list[dict[str, Any]], allow_overlap: bool, field: str, message: str
) -> None:
    params = _params(allow_overlap=allow_overlap)
    exc = rejected(lambda: KIND.validate_response(params, {"annotations": spans}))
    assert_names(exc, field, message)


def test_an_error_names_the_span_by_its_position_in_the_request() -> None:
    # The spans are checked in text order; the error still points at the one sent third.
    response = {"annotations": [_span(28, 34, "LOC"), _span(0, 3), _span(17, 24, "ORG")]}
    exc = rejected(lambda: KIND.validate_response(_params(), response))
    assert_names(exc, "response.annotations.2.label", "'ORG' is not a label of this task")


@pytest.mark.parametrize(
    ("span", "field", "fragment"),
    [
        (_span(-1, 3), "response.annotations.0.start", "greater than or equal to 0"),
        (_span(0, 0), "response.annotations.0.end", "greater than or equal to 1"),
        ({"start": 0, "label": "PER"}, "response.annotations.0.end", "field required"),
        (_span(0, 3, score=0.9), "response.annotations.0.score", "unknown field"),
    ],
)
def test_malformed_spans_are_reported_by_field(
    span: dict[str, Any], field: str, fragment: str
) -> None:
    exc = rejected(lambda: KIND.validate_response(_params(), {"annotations": [span]}))
    assert_mentions(exc, field, fragment)


def test_span_ids_must_be_unique() -> None:
    spans = [_span(0, 3, id="a"), _span(17, 24, id="a")]
    exc = rejected(lambda: KIND.validate_response(_params(), {"annotations": spans}))
    assert_names(exc, "response.annotations", "span id 'a' is used twice")


@pytest.mark.parametrize("bad", [{"start": "0"}, {"end": 3.0}, {"start": True}])
def test_offsets_must_be_json_integers(bad: dict[str, Any]) -> None:
    """Responses are checked strictly: a string or a boolean is not an offset."""
    span = {**_span(0, 3), **bad}
    exc = rejected(lambda: KIND.validate_response(_params(), {"annotations": [span]}))
    field = next(iter(bad))
    assert exc.details[0]["field"] == f"response.annotations.0.{field}"
