from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import DawidSkene
from tests.quality.conftest import TOY_ROWS, Simulated, Toy

F = Fraction


def one_em_step_by_hand() -> dict[str, dict[str, Fraction]]:
    """One Dawid-Skene EM step on the toy set, without smoothing, in exact fractions: start
    from the vote shares, M-step (confusion counts and class prior), E-step."""
    share = {t: {c: F(sum(a == c for a in ans), 3) for c in "xy"} for t, ans in TOY_ROWS.items()}
    counts: dict[tuple[str, str, str], Fraction] = defaultdict(F)  # (worker, answer, truth)
    for t, answers in TOY_ROWS.items():
        for w, answer in zip("abc", answers, strict=True):
            for truth in "xy":
                counts[w, answer, truth] += share[t][truth]
    conf = {
        (w, ans, tr): counts[w, ans, tr] / (counts[w, "x", tr] + counts[w, "y", tr])
        for (w, ans, tr) in list(counts)
    }
    prior = {c: sum((share[t][c] for t in TOY_ROWS), F(0)) / len(TOY_ROWS) for c in "xy"}
    post: dict[str, dict[str, Fraction]] = {}
    for t, answers in TOY_ROWS.items():
        joint: dict[str, Fraction] = {}
        for truth in "xy":
            p: Fraction = prior[truth]
            for w, answer in zip("abc", answers, strict=True):
                p *= conf[w, answer, truth]
            joint[truth] = p
        post[t] = {c: joint[c] / sum(joint.values()) for c in "xy"}
    return post


def test_one_em_step_matches_the_hand_computation(toy: Toy) -> None:
    ds = DawidSkene(n_iter=1, smoothing=0.0, class_smoothing=0.0)
    proba = ds.fit(toy.tasks, toy.workers, toy.labels).predict_proba()
    post = one_em_step_by_hand()
    expected = [[float(post[t][c]) for c in "xy"] for t in sorted(TOY_ROWS)]
    assert np.allclose(proba, expected, rtol=1e-12, atol=0)
    # Spot check, worked on paper: worker a answered x on t1, t2 (truth shares x: 1 + 2/3,
    # y: 0 + 1/3) and y on t3, t4 (x: 2/3, y: 4/3), so P(a says x | truth x) = (5/3) / (7/3).
    assert np.isclose(ds.confusion_[0, 0, 0], 5 / 7)
    assert np.isclose(ds.confusion_[0, 0, 1], 1 / 5)
    assert np.allclose(ds.class_prior_, [7 / 12, 5 / 12])


def test_smoothing_adds_pseudo_counts(toy: Toy) -> None:
    ds = DawidSkene(n_iter=1, smoothing=1.0).fit(toy.tasks, toy.workers, toy.labels)
    # Worker a, truth x: counts (x 5/3, y 2/3) + 1 each -> x: (8/3) / (13/3).
    assert np.isclose(ds.confusion_[0, 0, 0], 8 / 13)


def test_confusion_columns_are_distributions(toy: Toy) -> None:
    ds = DawidSkene().fit(toy.tasks, toy.workers, toy.labels)
    assert np.allclose(ds.confusion_.sum(axis=1), 1.0)
    assert ds.n_iter_ >= 2
    assert len(ds.log_likelihood_) == ds.n_iter_


def test_em_never_lowers_the_likelihood_without_smoothing(simulated: Simulated) -> None:
    ds = DawidSkene(smoothing=0.0, class_smoothing=0.0, tol=0.0, n_iter=30)
    ds.fit(simulated.tasks, simulated.workers, simulated.labels)
    steps = np.diff(ds.log_likelihood_)
    assert (steps > -1e-8).all()


def test_beats_majority_vote_when_skills_differ(simulated: Simulated) -> None:
    from assay.quality import MajorityVote

    ds = DawidSkene().fit(simulated.tasks, simulated.workers, simulated.labels)
    mv = MajorityVote().fit(simulated.tasks, simulated.workers, simulated.labels)
    acc_ds = np.mean(ds.predict() == simulated.truth)
    acc_mv = np.mean(mv.predict() == simulated.truth)
    assert acc_ds > acc_mv
    # Each worker's mean diagonal estimates their accuracy (200 tasks: about +-0.03 each).
    diagonal = ds.confusion_[:, [0, 1], [0, 1]].mean(axis=1)
    assert np.allclose(diagonal, [0.9, 0.8, 0.75, 0.7, 0.65], atol=0.06)
    assert np.argmax(diagonal) == 0


def test_skill_prior_decides_a_two_worker_dispute() -> None:
    # One task, two workers who disagree: nothing in the data says whom to believe.
    tasks, workers, labels = ["t", "t"], ["good", "bad"], ["x", "y"]
    priors = {"good": (50.0, 1.0), "bad": (1.0, 50.0)}
    ds = DawidSkene().fit(tasks, workers, labels, skill_priors=priors)
    assert ds.predict().tolist() == ["x"]
    assert ds.confidence()[0] > 0.95
    swapped = {"good": (1.0, 50.0), "bad": (50.0, 1.0)}
    assert DawidSkene().fit(tasks, workers, labels, skill_priors=swapped).predict().tolist() == [
        "y"
    ]


def test_skill_prior_for_an_absent_worker_is_ignored(toy: Toy) -> None:
    plain = DawidSkene().fit(toy.tasks, toy.workers, toy.labels).predict_proba()
    with_prior = DawidSkene().fit(toy.tasks, toy.workers, toy.labels, skill_priors={"zz": (5, 1)})
    assert np.array_equal(plain, with_prior.predict_proba())


@pytest.mark.parametrize("prior", [(-1.0, 2.0), (1.0, float("inf")), (1.0, 2.0, 3.0)])
def test_bad_skill_priors_are_invalid(toy: Toy, prior: tuple[float, ...]) -> None:
    with pytest.raises(Invalid, match="skill_priors"):
        DawidSkene().fit(toy.tasks, toy.workers, toy.labels, skill_priors={"a": prior})  # type: ignore[dict-item]


def test_gold_tasks_are_fixed_and_teach_the_workers() -> None:
    # Worker w always answers the opposite of the truth; gold on two tasks reveals it.
    tasks = ["g1", "g1", "g2", "g2", "t", "t"]
    workers = ["w", "v", "w", "v", "w", "v"]
    labels = ["y", "x", "x", "y", "y", "x"]
    ds = DawidSkene().fit(tasks, workers, labels, gold={"g1": "x", "g2": "y"})
    proba = dict(zip(ds.tasks_.tolist(), ds.predict_proba().tolist(), strict=True))
    assert proba["g1"] == [1.0, 0.0]
    assert proba["g2"] == [0.0, 1.0]
    assert ds.predict().tolist()[-1] == "x"  # w's "y" on t means x; v agrees


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_iter": 0}, "n_iter"),
        ({"tol": -1.0}, "tol"),
        ({"smoothing": -0.1}, "smoothing"),
        ({"class_prior": "flat"}, "class_prior"),
    ],
)
def test_bad_hyperparameters_are_invalid(params: dict[str, object], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        DawidSkene(**params)  # type: ignore[arg-type]
