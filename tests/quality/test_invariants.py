"""Properties every aggregator must have, checked on each one in the registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import AGGREGATORS, Aggregator, make_aggregator
from tests.quality.conftest import Simulated, Toy, simulate

NAMES = sorted(AGGREGATORS)

# How much each model trusts each worker (per worker code), where it has such a notion.
WEIGHT: dict[str, Callable[[Any], np.ndarray]] = {
    "wawa": lambda m: m.skills_,
    "ds": lambda m: np.einsum("wkk->wk", m.confusion_).mean(axis=1),
    "bds": lambda m: np.einsum("wkk->wk", m.confusion_).mean(axis=1),
    "onecoin": lambda m: m.skills_,
    "glad": lambda m: m.alphas_,
    "mace": lambda m: m.competence_,
}


def fit(name: str, tasks: Any, workers: Any, labels: Any, **kwargs: Any) -> Aggregator:
    return make_aggregator(name).fit(tasks, workers, labels, **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_probabilities_are_distributions(name: str, simulated: Simulated) -> None:
    model = fit(name, simulated.tasks, simulated.workers, simulated.labels)
    proba = model.predict_proba()
    assert proba.shape == (200, 2)
    assert np.all(proba >= 0)
    assert np.all(proba <= 1)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert np.array_equal(model.confidence(), proba[np.arange(200), model.labels_])
    assert np.array_equal(model.predict(), model.classes_[proba.argmax(axis=1)])


@pytest.mark.parametrize("name", NAMES)
def test_row_order_and_worker_names_change_nothing(name: str) -> None:
    data = simulate(11, n_tasks=60)
    base = fit(name, data.tasks, data.workers, data.labels)
    rng = np.random.default_rng(5)
    order = rng.permutation(data.tasks.shape[0])
    rename = {w: f"worker-{code}" for w, code in zip(range(5), rng.permutation(5), strict=True)}
    renamed = np.array([rename[w] for w in data.workers.tolist()])
    other = fit(name, data.tasks[order], renamed[order], data.labels[order])
    assert np.array_equal(other.tasks_, base.tasks_)
    assert np.allclose(other.predict_proba(), base.predict_proba(), rtol=1e-9, atol=1e-12)
    assert np.array_equal(other.predict(), base.predict())


@pytest.mark.parametrize("name", NAMES)
def test_task_names_change_nothing(name: str) -> None:
    data = simulate(12, n_tasks=60)  # five workers: no tied votes
    base = fit(name, data.tasks, data.workers, data.labels)
    new_names = np.random.default_rng(6).permutation(60) + 1000  # sorts in another order
    other = fit(name, new_names[data.tasks], data.workers, data.labels)
    by_task = dict(zip(other.tasks_.tolist(), other.predict_proba().tolist(), strict=True))
    renamed = np.array([by_task[new_names[t]] for t in range(60)])
    assert np.allclose(renamed, base.predict_proba(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_unanimous_tasks_get_their_label_with_high_confidence(name: str, toy: Toy) -> None:
    model = fit(name, toy.tasks, toy.workers, toy.labels)
    assert model.predict()[0] == "x"  # t1: x x x
    assert model.confidence()[0] > 0.9


@pytest.mark.parametrize("name", sorted(WEIGHT))
def test_a_contrarian_gets_the_lowest_weight(name: str, simulated: Simulated) -> None:
    n = simulated.truth.shape[0]
    tasks = np.concatenate([simulated.tasks, np.arange(n)])
    workers = np.concatenate([simulated.workers, np.full(n, 99)])
    labels = np.concatenate([simulated.labels, 1 - simulated.truth])  # always wrong
    model = fit(name, tasks, workers, labels)
    weights = WEIGHT[name](model)
    assert model.workers_[np.argmin(weights)] == 99


@pytest.mark.parametrize("name", NAMES)
def test_a_single_judgment(name: str) -> None:
    model = fit(name, ["t"], ["w"], ["x"])
    assert model.predict().tolist() == ["x"]
    assert model.predict_proba().tolist() == [[1.0]]


@pytest.mark.parametrize("name", NAMES)
def test_sparse_data_stays_finite(name: str) -> None:
    # 300 judgments by 150 workers (most seen once or twice) on 100 tasks, 3 classes, one of
    # them chosen once, and a task with a single worker.
    rng = np.random.default_rng(2)
    tasks = np.concatenate([np.arange(99), rng.integers(0, 99, 200), [99]])
    workers = rng.integers(0, 150, 300)
    labels = rng.choice(["a", "b"], 300)
    labels[17] = "c"
    model = fit(name, tasks, workers, labels)
    proba = model.predict_proba()
    assert proba.shape == (100, 3)
    assert np.isfinite(proba).all()
    assert np.allclose(proba.sum(axis=1), 1.0)
    one_worker = model.tasks_.tolist().index(99)
    assert model.predict()[one_worker] == labels[-1]


@pytest.mark.parametrize("name", NAMES)
def test_fixed_classes_include_unchosen_ones(name: str, toy: Toy) -> None:
    model = fit(name, toy.tasks, toy.workers, toy.labels, classes=["x", "y", "z"])
    proba = model.predict_proba()
    assert model.classes_.tolist() == ["x", "y", "z"]
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba[:, 2] < proba.max(axis=1)).all()
    assert "z" not in model.predict().tolist()


@pytest.mark.parametrize("name", NAMES)
def test_one_class_is_certain(name: str) -> None:
    model = fit(name, ["t1", "t1", "t2"], ["a", "b", "a"], ["x", "x", "x"])
    assert model.predict_proba().tolist() == [[1.0], [1.0]]


@pytest.mark.parametrize("name", NAMES)
def test_gold_rows_are_certain(name: str, toy: Toy) -> None:
    model = fit(name, toy.tasks, toy.workers, toy.labels, gold={"t2": "y", "t4": "y"})
    proba = dict(zip(model.tasks_.tolist(), model.predict_proba().tolist(), strict=True))
    assert proba["t2"] == [0.0, 1.0]
    assert proba["t4"] == [0.0, 1.0]


@pytest.mark.parametrize("name", NAMES)
def test_empty_input_is_invalid(name: str) -> None:
    with pytest.raises(Invalid, match="no judgments"):
        fit(name, [], [], [])
