"""json_diff: what a reviewer's fix changed, checked on hand-written cases."""

from __future__ import annotations

from assay.tasks.diff import json_diff


def test_equal_values_have_no_changes() -> None:
    value = {"a": [1, {"b": None}], "c": "x"}
    assert json_diff(value, value) == []
    assert json_diff(1, 1.0) == []  # the same JSON number


def test_scalars_are_replaced_whole_and_types_matter() -> None:
    assert json_diff("cat", "dog") == [
        {"path": "", "op": "replace", "before": "cat", "after": "dog"}
    ]
    assert json_diff(True, 1) == [{"path": "", "op": "replace", "before": True, "after": 1}]
    assert json_diff({"k": None}, {"k": 0}) == [
        {"path": "k", "op": "replace", "before": None, "after": 0}
    ]


def test_objects_key_by_key() -> None:
    before = {"category": "cat", "note": "x", "extra": {"d": 1}}
    after = {"category": "dog", "extra": {"d": 2}, "new": [1]}
    assert json_diff(before, after) == [
        {"path": "category", "op": "replace", "before": "cat", "after": "dog"},
        {"path": "note", "op": "remove", "before": "x"},
        {"path": "extra/d", "op": "replace", "before": 1, "after": 2},
        {"path": "new", "op": "add", "after": [1]},
    ]


def test_lists_index_by_index() -> None:
    before = {"annotations": [{"left": 1, "top": 2}, {"left": 5}]}
    after = {"annotations": [{"left": 3, "top": 2}, {"left": 5}, {"left": 9}]}
    assert json_diff(before, after) == [
        {"path": "annotations/0/left", "op": "replace", "before": 1, "after": 3},
        {"path": "annotations/2", "op": "add", "after": {"left": 9}},
    ]
    assert json_diff([1, 2, 3], [1]) == [
        {"path": "1", "op": "remove", "before": 2},
        {"path": "2", "op": "remove", "before": 3},
    ]


def test_a_list_replaced_by_an_object_is_one_change() -> None:
    assert json_diff([1], {"a": 1}) == [
        {"path": "", "op": "replace", "before": [1], "after": {"a": 1}}
    ]
