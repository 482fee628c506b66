from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality.judgments import encode, known_labels
from tests.quality.conftest import Toy


def test_codes_index_sorted_ids(toy: Toy) -> None:
    data = encode(toy.tasks, toy.workers, toy.labels)
    assert data.tasks.tolist() == ["t1", "t2", "t3", "t4"]
    assert data.workers.tolist() == ["a", "b", "c"]
    assert data.classes.tolist() == ["x", "y"]
    assert (data.n_judgments, data.n_tasks, data.n_workers, data.n_classes) == (12, 4, 3, 2)
    # Row 5 is (t2, c, y).
    assert (data.task[5], data.worker[5], data.label[5]) == (1, 2, 1)


def test_votes_and_counts(toy: Toy) -> None:
    data = encode(toy.tasks, toy.workers, toy.labels)
    assert data.votes.tolist() == [[3, 0], [2, 1], [1, 2], [1, 2]]
    assert data.per_worker.tolist() == [4, 4, 4]
    assert data.per_task.tolist() == [3, 3, 3, 3]
    # by_task[t, w * K + l]: worker b (1) answered x (0) on t4 (3), y (1) on t3 (2).
    dense = data.by_task.toarray()
    assert dense[3, 1 * 2 + 0] == 1
    assert dense[2, 1 * 2 + 1] == 1
    assert dense.sum() == 12
    assert (data.by_worker_label.toarray() == dense.T).all()


def test_repeated_pair_counts_twice() -> None:
    data = encode(["t", "t"], ["w", "w"], ["x", "x"])
    assert data.votes.tolist() == [[2.0]]
    assert data.by_task.toarray().tolist() == [[2.0]]


def test_fixed_classes_keep_unused_ones() -> None:
    data = encode(["t1", "t2"], ["a", "a"], ["dog", "dog"], classes=["cat", "dog", "fish"])
    assert data.classes.tolist() == ["cat", "dog", "fish"]
    assert data.label.tolist() == [1, 1]
    assert data.votes.tolist() == [[0, 1, 0], [0, 1, 0]]


@pytest.mark.parametrize(
    ("tasks", "workers", "labels", "classes", "message"),
    [
        ([], [], [], None, "no judgments"),
        (["t"], ["a", "b"], ["x"], None, "same length"),
        ([["t"]], [["a"]], [["x"]], None, "one-dimensional"),
        (["t"], ["a"], ["x"], ["y", "z"], "not among classes"),
        (["t"], ["a"], ["x"], ["x", "x"], "must not repeat"),
        (["t"], ["a"], [1], ["x", "y"], "not among classes"),
        (["t"], ["a"], ["x"], [1, 2], "not among classes"),
        (["t", None], ["a", "b"], ["x", "y"], None, "one sortable type"),
        (["t"], ["a"], [float("nan")], None, "NaN"),
    ],
)
def test_bad_input_is_invalid(
    tasks: list[object],
    workers: list[object],
    labels: list[object],
    classes: list[str] | None,
    message: str,
) -> None:
    with pytest.raises(Invalid, match=message):
        encode(tasks, workers, labels, classes=classes)


def test_integer_ids_stay_integers() -> None:
    data = encode(np.array([10, 2, 10]), np.array([5, 5, 6]), np.array([1, 0, 1]))
    assert data.tasks.tolist() == [2, 10]
    assert data.task.tolist() == [1, 0, 1]


def test_lookups_do_not_coerce_types() -> None:
    data = encode([1, 2], ["1", "2"], [0, 1])
    codes, found = data.worker_codes(["2", 1, "nobody"])
    assert found.tolist() == [True, False, False]
    assert codes[0] == 1
    codes, found = data.task_codes([np.int64(2), "2"])
    assert found.tolist() == [True, False]


def test_known_labels_skip_absent_tasks_and_refuse_unknown_labels(toy: Toy) -> None:
    data = encode(toy.tasks, toy.workers, toy.labels)
    tasks, labels = known_labels(data, {"t3": "x", "elsewhere": "y"})
    assert tasks.tolist() == [2]
    assert labels.tolist() == [0]
    with pytest.raises(Invalid, match="gold"):
        known_labels(data, {"t1": "z"})
