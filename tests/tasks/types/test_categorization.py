"""``categorization``: params (categories or taxonomies) and responses (single, multiple)."""

from __future__ import annotations

from typing import Any

import pytest

from assay.tasks.types import get_type
from tests.tasks.checks import assert_mentions, assert_names, rejected

KIND = get_type("categorization")

CATEGORIES: dict[str, Any] = {
    "attachment": "https://example.com/1.jpg",
    "categories": ["cat", {"choice": "dog", "subchoices": ["puppy"]}],
}
TAXONOMIES: dict[str, Any] = {
    "attachment_type": "text",
    "attachment": "A red shirt, sizes S and M.",
    "taxonomies": {
        "color": {"choices": ["red", "blue"]},
        "size": {"choices": ["s", "m", "l"], "allow_multiple": True, "description": "Sizes"},
    },
}


def _params(**changes: Any) -> dict[str, Any]:
    return KIND.validate_params({**CATEGORIES, **changes})


# --- params ----------------------------------------------------------------------------------


def test_categories_params_are_normalized_with_defaults() -> None:
    assert _params() == {
        "attachment_type": "image",
        "attachment": "https://example.com/1.jpg",
        "categories": ["cat", {"choice": "dog", "subchoices": ["puppy"]}],
        "allow_multiple": False,
    }


def test_a_nested_choice_without_subchoices_gets_an_empty_list() -> None:
    out = _params(categories=[{"choice": "bird", "description": "Any bird"}, "fish"])
    assert out["categories"] == [
        {"choice": "bird", "description": "Any bird", "subchoices": []},
        "fish",
    ]


def test_taxonomies_params_are_normalized_with_defaults() -> None:
    assert KIND.validate_params(TAXONOMIES) == {
        "attachment_type": "text",
        "attachment": "A red shirt, sizes S and M.",
        "taxonomies": {
            "color": {"type": "category", "choices": ["red", "blue"], "allow_multiple": False},
            "size": {
                "type": "category",
                "description": "Sizes",
                "choices": ["s", "m", "l"],
                "allow_multiple": True,
            },
        },
        "allow_multiple": False,
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"attachment": "a"}, "categories", "give exactly one of categories or taxonomies"),
        (
            {"attachment": "a", "categories": ["x"], "taxonomies": {"t": {"choices": ["y"]}}},
            "categories",
            "give exactly one of categories or taxonomies",
        ),
        ({"attachment": "a", "categories": []}, "categories", "must not be empty"),
        ({"attachment": "a", "categories": ["a", "a"]}, "categories", "duplicate choice 'a'"),
        (
            {"attachment": "a", "categories": ["a", {"choice": "b", "subchoices": ["a"]}]},
            "categories",
            "duplicate choice 'a'",
        ),
        ({"attachment": "a", "taxonomies": {}}, "taxonomies", "must not be empty"),
        (
            {"attachment": "a", "taxonomies": {"t": {"choices": ["r", "r"]}}},
            "taxonomies.t.choices",
            "duplicate choice 'r'",
        ),
        ({"attachment": "a", "categories": ["x"], "colour": "red"}, "colour", "unknown field"),
        ({"categories": ["x"]}, "attachment", "field required"),
    ],
)
def test_bad_params_name_the_field(params: dict[str, Any], field: str, message: str) -> None:
    assert_names(rejected(lambda: KIND.validate_params(params)), field, message)


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"attachment": "", "categories": ["x"]}, "attachment", "at least 1 character"),
        ({"attachment": "a", "attachment_type": "doc", "categories": ["x"]}, "attachment_type", ""),
        ({"attachment": "a", "allow_multiple": "often", "categories": ["x"]}, "allow_multiple", ""),
        (
            {"attachment": "a", "taxonomies": {"t": {"choices": []}}},
            "taxonomies.t.choices",
            "at least 1 item",
        ),
        (
            {"attachment": "a", "taxonomies": {"t": {"type": "text", "choices": ["x"]}}},
            "taxonomies.t.type",
            "'category'",
        ),
        # A union member's errors carry its name in the path.
        (
            {"attachment": "a", "categories": [{"choice": "x", "extra": 1}]},
            "categories.0.Choice.extra",
            "unknown field",
        ),
    ],
)
def test_bad_values_are_reported_by_field(
    params: dict[str, Any], field: str, fragment: str
) -> None:
    assert_mentions(rejected(lambda: KIND.validate_params(params)), field, fragment)


# --- responses: categories -------------------------------------------------------------------


@pytest.mark.parametrize("pick", ["cat", "dog", "puppy"])
def test_single_pick_accepts_leaves_inner_nodes_and_subchoices(pick: str) -> None:
    assert KIND.validate_response(_params(), {"category": pick}) == {"category": pick}


def test_multiple_picks_keep_their_order() -> None:
    params = _params(allow_multiple=True)
    assert KIND.validate_response(params, {"category": ["puppy", "cat"]}) == {
        "category": ["puppy", "cat"]
    }


def test_a_single_string_becomes_a_list_when_several_are_allowed() -> None:
    params = _params(allow_multiple=True)
    assert KIND.validate_response(params, {"category": "cat"}) == {"category": ["cat"]}


def test_a_stray_taxonomies_key_is_dropped_in_categories_mode() -> None:
    # The response is built from the keys the task asks for; others are not delivered.
    out = KIND.validate_response(_params(), {"category": "cat", "taxonomies": {"x": ["y"]}})
    assert out == {"category": "cat"}


@pytest.mark.parametrize(
    ("allow_multiple", "response", "message"),
    [
        (False, {}, "field required"),
        (False, {"category": ["cat"]}, "one category expected (allow_multiple is false)"),
        (False, {"category": "fish"}, "'fish' is not one of the task's categories"),
        (True, {"category": []}, "at least one category is required"),
        (True, {"category": ["cat", "cat"]}, "a category is picked twice"),
        (True, {"category": ["cat", "fish"]}, "'fish' is not one of the task's categories"),
    ],
)
def test_bad_category_picks(allow_multiple: bool, response: Any, message: str) -> None:
    params = _params(allow_multiple=allow_multiple)
    exc = rejected(lambda: KIND.validate_response(params, response))
    assert_names(exc, "response.category", message)


def test_unknown_response_keys_are_rejected() -> None:
    exc = rejected(lambda: KIND.validate_response(_params(), {"category": "cat", "label": "x"}))
    assert_names(exc, "response.label", "unknown field")


def test_an_empty_string_is_not_a_category() -> None:
    exc = rejected(lambda: KIND.validate_response(_params(), {"category": ""}))
    assert exc.details[0]["field"].startswith("response.category")
    assert exc.details[0]["message"] == "String should have at least 1 character"


# --- responses: taxonomies -------------------------------------------------------------------


def test_taxonomy_answers_are_normalized_to_lists() -> None:
    params = KIND.validate_params(TAXONOMIES)
    response = {"taxonomies": {"size": ["m", "s"], "color": ["red"]}}
    assert KIND.validate_response(params, response) == {
        "taxonomies": {"color": ["red"], "size": ["m", "s"]}
    }


@pytest.mark.parametrize(
    ("taxonomies", "field", "message"),
    [
        ({"size": ["s"]}, "response.taxonomies.color", "field required"),
        ({"color": ["red"], "size": ["s"], "shape": ["round"]}, "response.taxonomies.shape",
         "unknown taxonomy"),
        ({"color": ["red", "blue"], "size": ["s"]}, "response.taxonomies.color",
         "exactly one choice is allowed"),
        ({"color": [], "size": ["s"]}, "response.taxonomies.color",
         "at least one category is required"),
        ({"color": ["green"], "size": ["s"]}, "response.taxonomies.color",
         "'green' is not one of the task's categories"),
        ({"color": ["red"], "size": ["s", "s"]}, "response.taxonomies.size",
         "a category is picked twice"),
    ],
)  # fmt: skip
def test_bad_taxonomy_answers(taxonomies: dict[str, Any], field: str, message: str) -> None:
    params = KIND.validate_params(TAXONOMIES)
    exc = rejected(lambda: KIND.validate_response(params, {"taxonomies": taxonomies}))
    assert_names(exc, field, message)


def test_a_missing_taxonomies_object_requires_every_taxonomy() -> None:
    params = KIND.validate_params(TAXONOMIES)
    exc = rejected(lambda: KIND.validate_response(params, {"category": "red"}))
    assert_names(exc, "response.taxonomies.color", "field required")


def test_taxonomy_answers_must_be_lists() -> None:
    params = KIND.validate_params(TAXONOMIES)
    response = {"taxonomies": {"color": "red", "size": ["s"]}}
    exc = rejected(lambda: KIND.validate_response(params, response))
    assert_mentions(exc, "response.taxonomies.color", "valid list")


def test_one_judgment_per_stage() -> None:
    assert KIND.combine([{"category": "cat"}]) == {"category": "cat"}
    exc = rejected(lambda: KIND.combine([{"category": "cat"}, {"category": "dog"}]))
    assert exc.message == "categorization tasks take one judgment per stage"
