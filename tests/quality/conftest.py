"""Small hand-checkable judgment sets shared by the aggregator tests."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest


class Toy(NamedTuple):
    tasks: list[str]
    workers: list[str]
    labels: list[str]


# Three workers, four tasks, classes x and y (one row per task: a, b, c):
#   t1: x x x   unanimous
#   t2: x x y
#   t3: y y x
#   t4: y x y
# Majority: t1 x (3/3), t2 x (2/3), t3 y (2/3), t4 y (2/3). Agreement with it: a 4/4, b 3/4, c 2/4.
TOY_ROWS = {
    "t1": ("x", "x", "x"),
    "t2": ("x", "x", "y"),
    "t3": ("y", "y", "x"),
    "t4": ("y", "x", "y"),
}


@pytest.fixture
def toy() -> Toy:
    tasks, workers, labels = [], [], []
    for task, answers in TOY_ROWS.items():
        for worker, label in zip("abc", answers, strict=True):
            tasks.append(task)
            workers.append(worker)
            labels.append(label)
    return Toy(tasks, workers, labels)


class Simulated(NamedTuple):
    tasks: np.ndarray
    workers: np.ndarray
    labels: np.ndarray
    truth: np.ndarray


def simulate(
    seed: int, *, n_tasks: int = 200, accuracies: tuple[float, ...] = (0.9, 0.8, 0.75, 0.7, 0.65)
) -> Simulated:
    """Every worker labels every task (binary), right with their accuracy; task ids 0..n-1."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n_tasks)
    acc = np.asarray(accuracies)
    right = rng.random((n_tasks, acc.shape[0])) < acc
    answers = np.where(right, truth[:, None], 1 - truth[:, None])
    tasks = np.repeat(np.arange(n_tasks), acc.shape[0])
    workers = np.tile(np.arange(acc.shape[0]), n_tasks)
    return Simulated(tasks, workers, answers.reshape(-1), truth)


@pytest.fixture
def simulated() -> Simulated:
    return simulate(7)
