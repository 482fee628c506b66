"""``comparison``: the four modes (choice, pairwise, ranking, rating) and their rules."""

from __future__ import annotations

from typing import Any

import pytest

from assay.tasks.types import get_type
from tests.tasks.checks import assert_mentions, assert_names, rejected

KIND = get_type("comparison")

TWO = ["Paris is the capital of France.", "Lyon is the capital of France."]
THREE = ["first answer", "second answer", "third answer"]
RUBRIC = [
    {"id": "helpful", "title": "Helpful"},
    {"id": "safe", "title": "Safe", "description": "No harm", "min": 0, "max": 1},
]


def _params(**raw: Any) -> dict[str, Any]:
    return KIND.validate_params({"attachments": TWO, **raw})


DEFAULTS = {"attachment_type": "text", "max_strength": 3, "require_rationale": False}

# --- params ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"attachments": TWO}, {"attachments": TWO, "mode": "pairwise"}),
        ({"attachments": THREE}, {"attachments": THREE, "mode": "ranking"}),
        ({"attachments": TWO, "mode": "ranking"}, {"attachments": TWO, "mode": "ranking"}),
        (
            {"attachments": THREE, "choices": ["A", "B"]},
            {"attachments": THREE, "mode": "choice", "choices": ["A", "B"]},
        ),
        (
            {"attachments": THREE, "rubric": RUBRIC[:1]},
            {
                "attachments": THREE,
                "mode": "rating",
                "rubric": [{"id": "helpful", "title": "Helpful", "min": 1, "max": 5}],
            },
        ),
        (
            {"prompt": "Capital?", "attachments": ["a", {"content": "b", "id": "model-2"}]},
            {
                "prompt": "Capital?",
                "attachments": ["a", {"type": "text", "content": "b", "id": "model-2"}],
                "mode": "pairwise",
            },
        ),
    ],
)
def test_params_get_a_mode_and_defaults(raw: dict[str, Any], expected: dict[str, Any]) -> None:
    assert KIND.validate_params(raw) == {**DEFAULTS, **expected}


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"attachments": TWO, "mode": "choice"}, "choices", "mode 'choice' needs choices"),
        ({"attachments": TWO, "mode": "choice", "choices": []}, "choices",
         "mode 'choice' needs choices"),
        ({"attachments": THREE, "mode": "pairwise"}, "attachments",
         "mode 'pairwise' compares exactly two outputs"),
        ({"attachments": TWO, "mode": "rating"}, "rubric", "mode 'rating' needs a rubric"),
        ({"attachments": TWO, "rubric": [RUBRIC[0], RUBRIC[0]]}, "rubric",
         "criterion ids must be unique"),
        ({"attachments": TWO, "rubric": [RUBRIC[0], {"id": "x", "title": "X", "min": 3, "max": 3}]},
         "rubric.1", "min must be below max"),
        ({"attachments": TWO, "winner": 0}, "winner", "unknown field"),
        ({}, "attachments", "field required"),
    ],
)  # fmt: skip
def test_bad_params_name_the_field(raw: dict[str, Any], field: str, message: str) -> None:
    assert_names(rejected(lambda: KIND.validate_params(raw)), field, message)


@pytest.mark.parametrize(
    ("raw", "field", "fragment"),
    [
        ({"attachments": ["only one"]}, "attachments", "at least 2 items"),
        ({"attachments": ["x"] * 51}, "attachments", "at most 50 items"),
        ({"attachments": TWO, "mode": "best"}, "mode", "'choice'"),
        ({"attachments": TWO, "max_strength": 0}, "max_strength", "greater than or equal to 1"),
        ({"attachments": TWO, "max_strength": 11}, "max_strength", "less than or equal to 10"),
        ({"attachments": TWO, "rubric": [{"id": "", "title": "T"}]}, "rubric.0.id", "at least 1"),
        ({"attachments": TWO, "attachment_type": "pdf"}, "attachment_type", "'text'"),
    ],
)
def test_bad_values_are_reported_by_field(raw: dict[str, Any], field: str, fragment: str) -> None:
    assert_mentions(rejected(lambda: KIND.validate_params(raw)), field, fragment)


# --- choice ----------------------------------------------------------------------------------


def test_choice_mode() -> None:
    params = _params(choices=["A", "B"])
    assert KIND.validate_response(params, {"choice": "B"}) == {"choice": "B"}
    assert KIND.validate_response(params, {"choice": "A", "rationale": "clearer"}) == {
        "choice": "A",
        "rationale": "clearer",
    }


@pytest.mark.parametrize(
    ("response", "field", "message"),
    [
        ({"choice": "C"}, "response.choice", "must be one of ['A', 'B']"),
        ({}, "response.choice", "must be one of ['A', 'B']"),
        ({"choice": "A", "ranking": [0, 1]}, "response.ranking", "not a field of mode 'choice'"),
        ({"choice": "A", "tie": True}, "response.tie", "not a field of mode 'choice'"),
        ({"choice": "A", "verdict": "x"}, "response.verdict", "unknown field"),
    ],
)
def test_bad_choices(response: dict[str, Any], field: str, message: str) -> None:
    params = _params(choices=["A", "B"])
    assert_names(rejected(lambda: KIND.validate_response(params, response)), field, message)


# --- pairwise --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"preferred": 0, "strength": 1}, {"preferred": 0, "strength": 1}),
        ({"preferred": 1, "strength": 3, "tie": False}, {"preferred": 1, "strength": 3}),
        ({"tie": True}, {"tie": True}),
        ({"tie": True, "rationale": "same"}, {"tie": True, "rationale": "same"}),
    ],
)
def test_pairwise_mode(response: dict[str, Any], expected: dict[str, Any]) -> None:
    assert KIND.validate_response(_params(), response) == expected


@pytest.mark.parametrize(
    ("max_strength", "response", "field", "message"),
    [
        (3, {"preferred": 2, "strength": 1}, "response.preferred", "must be 0 or 1 (or tie: true)"),
        (3, {"strength": 1}, "response.preferred", "must be 0 or 1 (or tie: true)"),
        (3, {}, "response.preferred", "must be 0 or 1 (or tie: true)"),
        (3, {"preferred": 0}, "response.strength", "must be between 1 and 3"),
        (3, {"preferred": 0, "strength": 4}, "response.strength", "must be between 1 and 3"),
        (5, {"preferred": 0, "strength": 6}, "response.strength", "must be between 1 and 5"),
        (3, {"tie": True, "preferred": 0}, "response.tie",
         "a tie has no preferred output or strength"),
        (3, {"tie": True, "strength": 2}, "response.tie",
         "a tie has no preferred output or strength"),
        (3, {"preferred": 0, "strength": 1, "ranking": [0, 1]}, "response.ranking",
         "not a field of mode 'pairwise'"),
    ],
)  # fmt: skip
def test_bad_pairwise_answers(
    max_strength: int, response: dict[str, Any], field: str, message: str
) -> None:
    params = _params(max_strength=max_strength)
    assert_names(rejected(lambda: KIND.validate_response(params, response)), field, message)


def test_a_strength_up_to_the_maximum_is_accepted() -> None:
    params = _params(max_strength=5)
    out = KIND.validate_response(params, {"preferred": 1, "strength": 5})
    assert out == {"preferred": 1, "strength": 5}


@pytest.mark.parametrize(
    ("response", "field", "fragment"),
    [
        ({"preferred": -1, "strength": 1}, "response.preferred", "greater than or equal to 0"),
        ({"preferred": 0, "strength": 0}, "response.strength", "greater than or equal to 1"),
    ],
)
def test_negative_or_zero_values_are_refused_by_field(
    response: dict[str, Any], field: str, fragment: str
) -> None:
    assert_mentions(rejected(lambda: KIND.validate_response(_params(), response)), field, fragment)


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_mode() -> None:
    params = _params(attachments=THREE)
    assert KIND.validate_response(params, {"ranking": [2, 0, 1]}) == {"ranking": [2, 0, 1]}


@pytest.mark.parametrize(
    "ranking", [None, [], [0, 1], [0, 0, 1], [1, 2, 3], [0, 1, 2, 3], [-1, 0, 1]]
)
def test_a_ranking_must_be_a_permutation(ranking: list[int] | None) -> None:
    params = _params(attachments=THREE)
    response = {} if ranking is None else {"ranking": ranking}
    exc = rejected(lambda: KIND.validate_response(params, response))
    assert_names(exc, "response.ranking", "must order all outputs 0..2 once each")


def test_ranking_mode_refuses_pairwise_fields() -> None:
    params = _params(attachments=THREE)
    exc = rejected(lambda: KIND.validate_response(params, {"ranking": [0, 1, 2], "preferred": 0}))
    assert_names(exc, "response.preferred", "not a field of mode 'ranking'")


# --- rating ----------------------------------------------------------------------------------


def test_rating_mode() -> None:
    params = _params(rubric=RUBRIC)
    ratings = [{"helpful": 5, "safe": 1}, {"helpful": 1, "safe": 0}]
    assert KIND.validate_response(params, {"ratings": ratings}) == {"ratings": ratings}


@pytest.mark.parametrize(
    ("ratings", "field", "message"),
    [
        (None, "response.ratings", "one rating object per output (2) expected"),
        ([{"helpful": 3, "safe": 1}], "response.ratings",
         "one rating object per output (2) expected"),
        ([{"helpful": 3, "safe": 1}, {"helpful": 3}], "response.ratings.1",
         "rate exactly the criteria ['helpful', 'safe']"),
        ([{"helpful": 3, "safe": 1, "fun": 2}, {"helpful": 3, "safe": 1}], "response.ratings.0",
         "rate exactly the criteria ['helpful', 'safe']"),
        ([{"helpful": 3, "safe": 1}, {"helpful": 6, "safe": 1}], "response.ratings.1.helpful",
         "must be in [1, 5]"),
        ([{"helpful": 0, "safe": 1}, {"helpful": 3, "safe": 1}], "response.ratings.0.helpful",
         "must be in [1, 5]"),
        ([{"helpful": 3, "safe": 2}, {"helpful": 3, "safe": 1}], "response.ratings.0.safe",
         "must be in [0, 1]"),
    ],
)  # fmt: skip
def test_bad_ratings(ratings: list[dict[str, int]] | None, field: str, message: str) -> None:
    params = _params(rubric=RUBRIC)
    response = {} if ratings is None else {"ratings": ratings}
    assert_names(rejected(lambda: KIND.validate_response(params, response)), field, message)


# --- rationale -------------------------------------------------------------------------------


@pytest.mark.parametrize("rationale", [None, "", "   \n"])
def test_a_required_rationale_must_have_text(rationale: str | None) -> None:
    params = _params(require_rationale=True)
    response: dict[str, Any] = {"tie": True}
    if rationale is not None:
        response["rationale"] = rationale
    exc = rejected(lambda: KIND.validate_response(params, response))
    assert_names(exc, "response.rationale", "a rationale is required")


def test_a_required_rationale_is_delivered() -> None:
    params = _params(require_rationale=True, attachments=THREE)
    out = KIND.validate_response(params, {"ranking": [1, 0, 2], "rationale": "B is exact"})
    assert out == {"ranking": [1, 0, 2], "rationale": "B is exact"}
