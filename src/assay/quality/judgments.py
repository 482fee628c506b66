"""The long format ``(task, worker, label)`` encoded once to integer codes.

Every aggregator works on these codes: ids of any sortable type are replaced by their rank
among the sorted unique ids, so the order of the rows, and the names given to workers, change
nothing. The sparse count matrices the algorithms multiply with are built here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from assay.errors import Invalid

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
Ids = Sequence[Any] | npt.NDArray[Any]


@dataclass(frozen=True, eq=False)
class Judgments:
    """Judgments as integer codes: ``task[j]``, ``worker[j]``, ``label[j]`` of judgment ``j``.

    ``tasks``, ``workers`` and ``classes`` hold the original ids, sorted; a code is an index
    into them. ``classes`` may hold labels no worker chose (a project's fixed categories).
    """

    task: IntArray
    worker: IntArray
    label: IntArray
    tasks: npt.NDArray[Any]
    workers: npt.NDArray[Any]
    classes: npt.NDArray[Any]

    @property
    def n_judgments(self) -> int:
        return int(self.task.shape[0])

    @property
    def n_tasks(self) -> int:
        return int(self.tasks.shape[0])

    @property
    def n_workers(self) -> int:
        return int(self.workers.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.classes.shape[0])

    @cached_property
    def votes(self) -> FloatArray:
        """Dense ``(tasks, classes)`` vote counts."""
        flat = self.task * self.n_classes + self.label
        counts = np.bincount(flat, minlength=self.n_tasks * self.n_classes)
        return counts.reshape(self.n_tasks, self.n_classes).astype(np.float64)

    @cached_property
    def by_task(self) -> Any:
        """Sparse ``(tasks, workers * classes)`` counts: column ``w * K + l`` counts the times
        worker ``w`` answered ``l`` on the task. ``by_task @ M`` sums, per task, the row of
        ``M`` that each of its judgments selects: the E-step of every confusion-matrix model."""
        k = self.n_classes
        ones = np.ones(self.n_judgments, dtype=np.float64)
        shape = (self.n_tasks, self.n_workers * k)
        matrix = sp.csr_matrix((ones, (self.task, self.worker * k + self.label)), shape=shape)
        matrix.sum_duplicates()
        return matrix

    @cached_property
    def by_worker_label(self) -> Any:
        """The transpose of :attr:`by_task`, kept as CSR: ``by_worker_label @ P`` sums the task
        posteriors ``P`` per (worker, answered label): the M-step's expected counts."""
        return self.by_task.T.tocsr()

    @cached_property
    def per_worker(self) -> FloatArray:
        """How many judgments each worker gave."""
        return np.bincount(self.worker, minlength=self.n_workers).astype(np.float64)

    @cached_property
    def per_task(self) -> FloatArray:
        """How many judgments each task received."""
        return np.bincount(self.task, minlength=self.n_tasks).astype(np.float64)

    def worker_codes(self, ids: Sequence[Any]) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """Codes of the given worker ids, and which of them occur in the data."""
        return _lookup_few(self.workers, ids)

    def task_codes(self, ids: Sequence[Any]) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """Codes of the given task ids, and which of them occur in the data."""
        return _lookup_few(self.tasks, ids)

    def class_codes(self, ids: Sequence[Any], *, what: str = "label") -> IntArray:
        """Codes of the given labels; a label outside ``classes`` is :class:`Invalid`."""
        codes, found = _lookup_few(self.classes, ids)
        if not found.all():
            bad = [ids[i] for i in np.flatnonzero(~found)[:5]]
            raise Invalid(f"{what}: unknown label(s) {bad}; classes are {self.classes.tolist()}")
        return codes


def encode(tasks: Ids, workers: Ids, labels: Ids, *, classes: Ids | None = None) -> Judgments:
    """Encode parallel sequences of task ids, worker ids and labels.

    ``classes`` fixes the label set (a project's categories, some perhaps never chosen); labels
    outside it are :class:`Invalid`. Without it the classes are the distinct labels seen. Either
    way they are kept sorted, and class codes index that order. A (task, worker) pair may
    repeat: each row counts as one judgment.
    """
    columns = {"tasks": tasks, "workers": workers, "labels": labels}
    arrays = {name: _column(name, values) for name, values in columns.items()}
    n = {name: a.shape[0] for name, a in arrays.items()}
    if len(set(n.values())) != 1:
        raise Invalid(f"tasks, workers and labels must have the same length, got {n}")
    if n["tasks"] == 0:
        raise Invalid("no judgments to aggregate")
    task_ids, task = _unique("tasks", arrays["tasks"])
    worker_ids, worker = _unique("workers", arrays["workers"])
    if classes is None:
        class_ids, label = _unique("labels", arrays["labels"])
    else:
        class_ids, _ = _unique("classes", _column("classes", classes))
        if class_ids.shape[0] != len(classes):
            raise Invalid("classes: must not repeat a label")
        label, found = _lookup_many(class_ids, arrays["labels"])
        if not found.all():
            bad = arrays["labels"][~found][:5].tolist()
            raise Invalid(f"labels: {bad} not among classes {class_ids.tolist()}")
    return Judgments(task, worker, label, task_ids, worker_ids, class_ids)


def known_labels(data: Judgments, known: Mapping[Any, Any] | None) -> tuple[IntArray, IntArray]:
    """``(task codes, class codes)`` of the known answers (gold) for tasks present in ``data``."""
    if not known:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    ids = list(known.keys())
    codes, found = data.task_codes(ids)
    values = [known[i] for i, hit in zip(ids, found.tolist(), strict=True) if hit]
    return codes[found], data.class_codes(values, what="gold")


def _column(name: str, values: Ids) -> npt.NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise Invalid(f"{name}: must be one-dimensional, got shape {array.shape}")
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise Invalid(f"{name}: must not contain NaN")
    return array


def _unique(name: str, array: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], IntArray]:
    try:
        ids, codes = np.unique(array, return_inverse=True)
    except TypeError as exc:  # mixed types (e.g. str and int, or None) do not sort
        raise Invalid(f"{name}: ids must be of one sortable type ({exc})") from exc
    return ids, codes.astype(np.intp).reshape(-1)


def _lookup_many(
    sorted_ids: npt.NDArray[Any], query: npt.NDArray[Any]
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Vectorized lookup of a large array of ids (of the same kind as ``sorted_ids``)."""
    try:
        pos = np.searchsorted(sorted_ids, query).astype(np.intp)
    except TypeError as exc:
        raise Invalid(f"labels and classes must be of one type ({exc})") from exc
    clipped = np.minimum(pos, sorted_ids.shape[0] - 1)
    return clipped, np.asarray(sorted_ids[clipped] == query, dtype=bool)


def _lookup_few(
    sorted_ids: npt.NDArray[Any], ids: Sequence[Any]
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Lookup of the keys of a mapping (gold answers, priors) by Python equality, so that the
    worker ``"1"`` never matches the worker ``1``, as NumPy's coercion to strings would."""
    index = {value: code for code, value in enumerate(sorted_ids.tolist())}
    codes = np.fromiter((index.get(_plain(i), -1) for i in ids), dtype=np.intp, count=len(ids))
    found = codes >= 0
    return np.where(found, codes, 0), found


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value ``tolist()`` gives, so both hash alike."""
    return value.item() if isinstance(value, np.generic) else value
