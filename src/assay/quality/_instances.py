"""What the geometry and span aggregators share: match the instances (boxes, points, polygons,
spans) that several annotators drew of one item into clusters, one instance per annotator per
cluster, then vote.

Each annotator's instances are matched to the clusters built so far by the Hungarian method on
the mean similarity to a cluster's members (average linkage); a pair below the threshold, or
with different labels when labels must match, never matches. Annotators are taken heaviest
first (then in sorted id order), so the most trusted annotator seeds the clusters.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from assay.errors import Invalid
from assay.quality.judgments import FloatArray, Ids, IntArray

LabelRule = Literal["match", "vote"]
Skills = Mapping[Any, float]


@dataclass(frozen=True, eq=False)
class Instances:
    """Instance ``i`` was drawn by annotator ``owner[i]`` (a code into ``annotators``) with
    label ``label[i]`` (a code into ``classes``); ``weight[a]`` is annotator ``a``'s skill."""

    owner: IntArray
    label: IntArray
    annotators: npt.NDArray[Any]
    classes: npt.NDArray[Any]
    weight: FloatArray

    @property
    def n(self) -> int:
        return int(self.owner.shape[0])


def encode_instances(
    workers: Ids, labels: Ids, *, annotators: Ids | None, skills: Skills | None
) -> Instances:
    """Encode owners and labels. ``annotators`` lists everyone who answered the item, also
    those who drew nothing (they count against every cluster); default: the owners seen."""
    owners = np.asarray(workers)
    names = np.asarray(labels)
    if owners.ndim != 1 or names.shape != owners.shape:
        raise Invalid("workers and labels must be one-dimensional and of one length")
    everyone = owners if annotators is None else np.concatenate([np.asarray(annotators), owners])
    if everyone.shape[0] == 0:
        raise Invalid("no annotators to aggregate")
    try:
        ids = np.unique(everyone)
        classes, label = np.unique(names, return_inverse=True)
    except TypeError as exc:
        raise Invalid(f"ids and labels must each be of one sortable type ({exc})") from exc
    if annotators is not None and ids.shape[0] != np.unique(np.asarray(annotators)).shape[0]:
        raise Invalid("workers: every owner must be among the annotators")
    owner = np.searchsorted(ids, owners).astype(np.intp)
    return Instances(owner, label.astype(np.intp).reshape(-1), ids, classes, _weights(ids, skills))


def _weights(ids: npt.NDArray[Any], skills: Skills | None) -> FloatArray:
    weight = np.ones(ids.shape[0])
    if skills:
        index = {v: i for i, v in enumerate(ids.tolist())}
        for worker, value in skills.items():
            if not np.isfinite(value) or value <= 0:
                raise Invalid(f"skills: weight of {worker!r} must be > 0, got {value!r}")
            if worker in index:
                weight[index[worker]] = float(value)
    return weight


def cluster(
    data: Instances, similarity: FloatArray, valid: npt.NDArray[np.bool_], *, same_label: bool
) -> IntArray:
    """Cluster id of each instance (clusters numbered in order of creation).

    ``similarity[i, j]`` is in [0, 1]; ``valid[i, j]`` says whether ``i`` and ``j`` may share a
    cluster at all (the threshold): an instance may join a cluster only if it is valid with
    every member, and among those the assignment maximizes first the number of matches, then
    the summed mean similarity to the clusters' members.
    """
    if same_label:
        valid = valid & (data.label[:, None] == data.label[None, :])
    order = np.lexsort((np.arange(data.annotators.shape[0]), -data.weight))
    assigned = np.full(data.n, -1, dtype=np.intp)
    n_clusters = 0
    for a in order:
        mine = np.flatnonzero(data.owner == a)
        if mine.shape[0] == 0:
            continue
        done = np.flatnonzero(assigned >= 0)
        if n_clusters and done.shape[0]:
            members = np.zeros((done.shape[0], n_clusters))
            members[np.arange(done.shape[0]), assigned[done]] = 1.0
            sizes = members.sum(axis=0)
            mean = (similarity[np.ix_(mine, done)] @ members) / sizes
            # Every member must be a valid partner: count the invalid pairs per cluster.
            bad = (~valid[np.ix_(mine, done)]).astype(np.float64) @ members
            ok = bad == 0
            # Shifted by 1 so that any allowed pair beats leaving an instance unmatched: the
            # most matches first, then the most similarity.
            rows, cols = linear_sum_assignment(np.where(ok, 1.0 + mean, 0.0), maximize=True)
            hit = ok[rows, cols]
            assigned[mine[rows[hit]]] = cols[hit]
        rest = mine[assigned[mine] < 0]
        assigned[rest] = n_clusters + np.arange(rest.shape[0])
        n_clusters += rest.shape[0]
    return assigned


@dataclass
class Votes:
    """Per cluster: the voted label code, the members' share of all annotators' weight, and
    how many annotators support it."""

    label: IntArray
    support: FloatArray
    count: IntArray
    members: list[IntArray] = field(default_factory=list)


def vote(data: Instances, assigned: IntArray) -> Votes:
    """Weighted label vote per cluster (ties: first label in sorted order) and support."""
    n_clusters = int(assigned.max()) + 1 if data.n else 0
    w = data.weight[data.owner]
    k = data.classes.shape[0]
    table = np.zeros((n_clusters, max(k, 1)))
    np.add.at(table, (assigned, data.label), w)
    top = table.max(axis=1, keepdims=True) if n_clusters else np.zeros((0, 1))
    label = np.argmax(table >= top - 1e-12 * np.abs(top), axis=1).astype(np.intp)
    support = np.bincount(assigned, w, minlength=n_clusters) / data.weight.sum()
    count = np.bincount(assigned, minlength=n_clusters).astype(np.intp)
    members = [np.flatnonzero(assigned == c) for c in range(n_clusters)]
    return Votes(label, np.asarray(support, dtype=np.float64), count, members)


def default_quorum(quorum: int | None, n_annotators: int) -> int:
    """The quorum in annotators; default a strict majority of everyone who answered."""
    if quorum is None:
        return n_annotators // 2 + 1
    if quorum < 1:
        raise Invalid(f"quorum: must be >= 1, got {quorum!r}")
    return quorum


def item_confidence(
    support: FloatArray, confidence: FloatArray, kept: npt.NDArray[np.bool_]
) -> float:
    """One number for the whole item: the mean, over every cluster, of the confidence in what
    was decided about it (kept: its confidence; dropped: the share that did not draw it). An
    item where nobody drew anything is certain."""
    if support.shape[0] == 0:
        return 1.0
    return float(np.where(kept, confidence, 1.0 - support).mean())


def flatten_responses(
    responses: Mapping[Any, Mapping[str, Any]],
    extract: Any,
    empty: npt.NDArray[Any],
) -> tuple[list[Any], npt.NDArray[Any], list[Any]]:
    """``{annotator: response}`` to the long format: (workers, stacked rows, labels).

    ``extract(response)`` gives one response's (rows, labels); ``empty`` is the array to return
    when nobody drew anything (its shape and dtype are the rows').
    """
    workers: list[Any] = []
    rows: list[npt.NDArray[Any]] = []
    labels: list[Any] = []
    for worker, response in responses.items():
        found, names = extract(response)
        workers += [worker] * len(names)
        rows.append(found)
        labels += names
    return workers, (np.concatenate(rows) if rows else empty), labels


def check_label_rule(rule: str) -> None:
    if rule not in ("match", "vote"):
        raise Invalid(f"labels: must be 'match' or 'vote', got {rule!r}")


class InstanceAggregator(ABC):
    """Cluster, vote, fuse. Subclasses say how similar two instances are, which pairs may
    match, and how a cluster's members fuse into one instance.

    After ``fit``: ``cluster_`` (the cluster of each input instance), and per cluster
    ``support_`` (the members' share of all annotators' weight), ``agreement_`` (the members'
    mean similarity to the fused instance), ``kept_`` (supported by at least ``quorum``
    annotators); ``predict()`` gives the kept fused instances and ``confidence()`` theirs:
    support x agreement. ``item_confidence()`` is one number for the whole item.
    """

    labels: LabelRule
    quorum: int | None

    data_: Instances
    cluster_: IntArray
    votes_: Votes
    fused_: list[Any]
    support_: FloatArray
    agreement_: FloatArray
    kept_: npt.NDArray[np.bool_]

    @abstractmethod
    def _pairwise(self, geometry: npt.NDArray[Any]) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        """``(similarity, may match)`` of every pair of instances."""

    @abstractmethod
    def _fuse(self, geometry: npt.NDArray[Any], weight: FloatArray) -> Any:
        """One instance from a cluster's members, weighted by their annotators' skill."""

    @abstractmethod
    def _similarity_to(self, geometry: npt.NDArray[Any], fused: Any) -> FloatArray:
        """Similarity of each member to the fused instance."""

    @abstractmethod
    def _render(self, fused: Any, label: Any) -> dict[str, Any]:
        """A fused instance in its task type's response shape."""

    def _fit_geometry(
        self,
        workers: Ids,
        geometry: npt.NDArray[Any],
        labels: Ids,
        *,
        annotators: Ids | None,
        skills: Skills | None,
    ) -> Self:
        check_label_rule(self.labels)
        data = encode_instances(workers, labels, annotators=annotators, skills=skills)
        if geometry.shape[0] != data.n:
            raise Invalid("one geometry per worker and label is needed")
        similarity, valid = self._pairwise(geometry)
        assigned = cluster(data, similarity, valid, same_label=self.labels == "match")
        votes = vote(data, assigned)
        w = data.weight[data.owner]
        self.fused_ = [self._fuse(geometry[m], w[m]) for m in votes.members]
        self.agreement_ = np.array(
            [
                self._similarity_to(geometry[m], f).mean()
                for m, f in zip(votes.members, self.fused_, strict=True)
            ],
            dtype=np.float64,
        )
        quorum = default_quorum(self.quorum, data.annotators.shape[0])
        self.data_, self.cluster_, self.votes_ = data, assigned, votes
        self.support_ = votes.support
        self.kept_ = votes.count >= quorum
        return self

    def predict(self) -> list[dict[str, Any]]:
        """The kept fused instances, in the order their clusters were formed."""
        self._fitted()
        classes = self.data_.classes
        return [
            self._render(self.fused_[c], classes[self.votes_.label[c]].item())
            for c in np.flatnonzero(self.kept_)
        ]

    def confidence(self) -> FloatArray:
        """Per predicted instance: support share x mean similarity of members to it."""
        self._fitted()
        return np.asarray((self.support_ * self.agreement_)[self.kept_], dtype=np.float64)

    def item_confidence(self) -> float:
        self._fitted()
        return item_confidence(self.support_, self.support_ * self.agreement_, self.kept_)

    def _fitted(self) -> None:
        if not hasattr(self, "kept_"):
            raise RuntimeError(f"{type(self).__name__}: call fit() before reading results")
