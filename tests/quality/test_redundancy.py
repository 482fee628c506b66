"""Adaptive redundancy: skills from agreement, per-task posteriors, stopping and ordering."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit  # type: ignore[import-untyped]

from assay.errors import Invalid
from assay.quality import BayesianDawidSkene, encode
from assay.quality.consensus import posterior
from assay.quality.redundancy import (
    Skills,
    StoppingRule,
    learn_skills,
    next_round,
    one_coin_posteriors,
    refine,
    urgency,
)
from tests.quality.conftest import Simulated, Toy

# The toy's majority answers, one-hot: t1 x, t2 x, t3 y, t4 y.
MAJORITY = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])


def toy_skills(toy: Toy, shrink: float = 0.0) -> Skills:
    return learn_skills(encode(toy.tasks, toy.workers, toy.labels), MAJORITY, shrink=shrink)


def test_skills_count_agreement_with_the_aggregate(toy: Toy) -> None:
    skills = toy_skills(toy)
    # alpha[w, answer, truth] = counts + 1 everywhere + 2 on the diagonal.
    # a matches the majority on all 4; b answers x on t4 (truth y); c errs on t2 and t3.
    assert np.array_equal(skills.alpha[0], [[5, 1], [1, 5]])
    assert np.array_equal(skills.alpha[1], [[5, 2], [1, 4]])
    assert np.array_equal(skills.alpha[2], [[4, 2], [2, 4]])
    assert np.array_equal(skills.prior, [[3, 1], [1, 3]])
    # Expected accuracy per true class, averaged: a 5/6; b (5/6 + 4/6) / 2; c 4/6. A stranger
    # has the prior's 3/4.
    assert np.allclose(skills.accuracies(["a", "b", "c", "zed"]), [5 / 6, 3 / 4, 2 / 3, 3 / 4])


def test_posterior_by_hand(toy: Toy) -> None:
    skills = toy_skills(toy)
    # E[log p] under a Dirichlet column: digamma(a) - digamma(total); digamma(n + 1) -
    # digamma(m + 1) = 1/(m+1) + ... + 1/n. a says x: truth x -1/5, truth y -137/60; b says y:
    # truth x -137/60, truth y -(1/4 + 1/5). Logit x - logit y = 1/4.
    p = skills.posterior(["a", "b"], ["x", "y"])
    assert (p.answer, p.judgments) == ("x", 2)
    assert p.confidence == pytest.approx(expit(0.25))
    # A stranger counts with the prior (3, 1) per column: right -1/3, wrong -11/6.
    assert skills.posterior(["zed"], ["y"]).confidence == pytest.approx(expit(1.5))
    assert skills.posterior(["zed", "who"], ["y", "y"]).confidence == pytest.approx(expit(3.0))
    tie = skills.posterior(["zed", "who"], ["y", "x"])
    assert tie.answer == "x"  # ties go to the first class
    assert tie.confidence == pytest.approx(0.5)


def test_posteriors_are_the_single_task_posterior_for_every_task(simulated: Simulated) -> None:
    data = encode(simulated.tasks, simulated.workers, simulated.labels)
    model = BayesianDawidSkene().fit_judgments(data)
    skills = learn_skills(data, model.predict_proba())
    proba = skills.posteriors(data)
    for t in (0, 17, 199):
        rows = data.task == t
        one = skills.posterior(data.workers[data.worker[rows]], data.classes[data.label[rows]])
        assert one.confidence == pytest.approx(proba[t].max())
        assert one.answer == data.classes[proba[t].argmax()]


def test_bayesian_dawid_skene_is_a_fixed_point(simulated: Simulated) -> None:
    data = encode(simulated.tasks, simulated.workers, simulated.labels)
    model = BayesianDawidSkene(tol=0.0, n_iter=500).fit_judgments(data)
    # At convergence the E-step from its own skills gives back its posteriors.
    proba = learn_skills(data, model.predict_proba()).posteriors(data)
    assert np.allclose(proba, model.predict_proba(), atol=1e-10)


def test_refine_is_bayesian_dawid_skene_step_by_step(simulated: Simulated) -> None:
    data = encode(simulated.tasks, simulated.workers, simulated.labels)
    start = data.votes / data.votes.sum(axis=1, keepdims=True)  # the model's own start
    for steps in (1, 4):
        model = BayesianDawidSkene(tol=0.0, n_iter=steps).fit_judgments(data)
        _, proba = refine(data, start, n_iter=steps, tol=0.0)
        assert np.allclose(proba, model.predict_proba(), atol=1e-12)
    # Converged, its skills estimate the simulated workers' accuracies.
    skills, _ = refine(data, start, tol=1e-9)
    acc = skills.accuracies(data.workers.tolist())
    assert np.allclose(acc, [0.9, 0.8, 0.75, 0.7, 0.65], atol=0.06)


def test_shrink_pulls_a_matrix_to_its_one_coin_shape(toy: Toy) -> None:
    # a's alpha [[5, 1], [1, 5]]: accuracy 10/12; 6 pseudo-answers add [[5, 1], [1, 5]].
    # b's [[5, 2], [1, 4]]: accuracy 9/12; 4 more add [[3, 1], [1, 3]].
    assert np.allclose(toy_skills(toy, shrink=6.0).alpha[0], [[10, 2], [2, 10]])
    assert np.allclose(toy_skills(toy, shrink=4.0).alpha[1], [[8, 3], [2, 7]])


def test_skill_priors_add_gold_counts(toy: Toy) -> None:
    plain = toy_skills(toy)
    primed = learn_skills(
        encode(toy.tasks, toy.workers, toy.labels), MAJORITY, skill_priors={"c": (4.0, 2.0)}
    )
    # correct on the diagonal, wrong spread over the K - 1 = 1 other cell of each column.
    assert np.allclose(primed.alpha[2] - plain.alpha[2], [[4, 2], [2, 4]])
    assert np.array_equal(primed.alpha[:2], plain.alpha[:2])


def test_one_coin_posteriors_match_consensus() -> None:
    rng = np.random.default_rng(3)
    n_tasks, workers = 40, np.array(["p", "q", "r", "s", "t"])
    tasks, who, labels = [], [], []
    for t in range(n_tasks):
        for w in rng.choice(workers, size=rng.integers(1, 5), replace=False):
            tasks.append(t)
            who.append(w)
            labels.append(str(rng.choice(["a", "b", "c"])))
    data = encode(tasks, who, labels)
    acc = np.array([0.9, 0.55, 0.7, 0.8, 0.65])
    proba = one_coin_posteriors(data, acc)
    for t in range(n_tasks):
        rows = data.task == t
        expected = posterior(
            [str(x) for x in data.classes[data.label[rows]]],
            n_answers=3,
            accuracies=acc[data.worker[rows]],
        )
        assert proba[t].max() == pytest.approx(expected.confidence)
        assert data.classes[proba[t].argmax()] == expected.answer


def test_stopping_rule() -> None:
    rule = StoppingRule(0.9, min_labels=2, max_labels=4)
    conf = [0.99, 0.99, 0.5, 0.5, 0.95]
    n = [1, 2, 3, 4, 4]
    # Under the minimum whatever the posterior; sure enough; unsure; capped; capped.
    assert rule.needs_more(conf, n).tolist() == [True, False, True, False, False]
    # A target of 1 is never reached: only the cap stops.
    assert StoppingRule(1.0).needs_more([0.999999], [50]).tolist() == [True]


def test_urgency_is_doubt_per_judgment() -> None:
    assert np.allclose(urgency([0.5, 0.5, 0.9, 1.0], [1, 3, 0, 2]), [0.25, 0.125, 0.1, 0.0])


def test_next_round_orders_and_limits() -> None:
    rule = StoppingRule(0.9, min_labels=2)
    conf = np.array([0.6, 0.95, 0.6, 0.8, 0.5, 0.6])
    n = np.array([3, 5, 1, 2, 6, 3])
    # Task 2 is under the minimum: first. Then by urgency: tasks 0 and 5 (0.4/4 each, in task
    # order), task 4 (0.5/7), task 3 (0.2/3). Task 1 is sure enough.
    assert next_round(conf, n, rule).tolist() == [2, 0, 5, 4, 3]
    assert next_round(conf, n, rule, budget=2).tolist() == [2, 0]
    assert next_round(conf, n, rule, batch=3, budget=10).tolist() == [2, 0, 5]
    assert next_round(conf, n, rule, budget=0).tolist() == []
    can_ask = [True, True, False, True, False, True]  # 2 and 4 have no annotator left
    assert next_round(conf, n, rule, can_ask=can_ask).tolist() == [0, 5, 3]
    # Other scores (here plain doubt: task 4 first) reorder all but those under the minimum.
    assert next_round(conf, n, rule, scores=1 - conf).tolist() == [2, 4, 0, 5, 3]


def test_bad_input(toy: Toy) -> None:
    data = encode(toy.tasks, toy.workers, toy.labels)
    skills = toy_skills(toy)
    with pytest.raises(Invalid):
        learn_skills(data, MAJORITY[:3])
    with pytest.raises(Invalid):
        learn_skills(data, MAJORITY * 2)
    with pytest.raises(Invalid):
        learn_skills(data, MAJORITY, shrink=-1.0)
    with pytest.raises(Invalid):
        learn_skills(encode(["t"], ["a"], ["x"]), np.ones((1, 1)))
    with pytest.raises(Invalid):
        skills.posteriors(encode(["t"], ["a"], ["z"]))
    with pytest.raises(Invalid):
        skills.posterior([], [])
    with pytest.raises(Invalid):
        skills.posterior(["a"], ["z"])
    with pytest.raises(Invalid):
        skills.posterior(["a", "b"], ["x"])
    with pytest.raises(Invalid):
        one_coin_posteriors(data, [0.8, 1.0, 0.7])
    for bad in ({"target": 0.0}, {"target": 1.5}, {"target": 0.9, "min_labels": 0}):
        with pytest.raises(Invalid):
            StoppingRule(**bad)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        StoppingRule(0.9, min_labels=3, max_labels=2)
    rule = StoppingRule(0.9)
    with pytest.raises(Invalid):
        next_round([0.5, 0.5], [1], rule)
    with pytest.raises(Invalid):
        next_round([1.5], [1], rule)
    with pytest.raises(Invalid):
        next_round([0.5], [1], rule, budget=-1)
    with pytest.raises(Invalid):
        next_round([0.5], [1], rule, can_ask=[True, False])
