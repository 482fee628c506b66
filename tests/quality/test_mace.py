from __future__ import annotations

import numpy as np
from scipy.special import digamma  # type: ignore[import-untyped]

from assay.quality import MACE, MajorityVote
from tests.quality.conftest import TOY_ROWS, Simulated, Toy


def one_step_by_hand(
    spam_prior: float, know_prior: float, strategy_prior: float
) -> list[list[float]]:
    """One variational EM step of MACE on the toy set from the vote shares, with the starting
    parameters knows = spams = 1/2 and uniform strategies, judgment by judgment."""
    k = 2
    share = {t: {c: sum(a == c for a in ans) / 3 for c in "xy"} for t, ans in TOY_ROWS.items()}
    knew = dict.fromkeys("abc", 0.0)
    spam = dict.fromkeys("abc", 0.0)
    spam_label = {(w, c): 0.0 for w in "abc" for c in "xy"}
    for t, answers in TOY_ROWS.items():
        for w, ans in zip("abc", answers, strict=True):
            # P(knew | answer) = P(truth = answer) * know / (know + spam * 1/K)
            p = share[t][ans] * 0.5 / (0.5 + 0.5 / k)
            knew[w] += p
            spam[w] += 1 - p
            spam_label[w, ans] += 1 - p
    weights = {}
    for w in "abc":
        total = digamma(knew[w] + spam[w] + spam_prior + know_prior)
        know_w = np.exp(digamma(knew[w] + know_prior) - total)
        spam_w = np.exp(digamma(spam[w] + spam_prior) - total)
        norm = digamma(spam_label[w, "x"] + spam_label[w, "y"] + 2 * strategy_prior)
        strat = {c: np.exp(digamma(spam_label[w, c] + strategy_prior) - norm) for c in "xy"}
        weights[w] = (know_w, spam_w, strat)
    out = []
    for t in sorted(TOY_ROWS):
        joint = []
        for truth in "xy":
            p = 1.0 / k
            for w, ans in zip("abc", TOY_ROWS[t], strict=True):
                know_w, spam_w, strat = weights[w]
                p *= spam_w * strat[ans] + (know_w if ans == truth else 0.0)
            joint.append(p)
        out.append([j / sum(joint) for j in joint])
    return out


def test_one_step_matches_the_hand_computation(toy: Toy) -> None:
    model = MACE(n_iter=1).fit(toy.tasks, toy.workers, toy.labels)
    assert np.allclose(model.predict_proba(), one_step_by_hand(0.5, 0.5, 10.0), rtol=1e-12)


def test_spammer_gets_low_competence_and_a_peaked_strategy(simulated: Simulated) -> None:
    n = simulated.truth.shape[0]
    tasks = np.concatenate([simulated.tasks, np.arange(n)])
    workers = np.concatenate([simulated.workers, np.full(n, 99)])
    labels = np.concatenate([simulated.labels, np.zeros(n, dtype=int)])  # always class 0
    model = MACE().fit(tasks, workers, labels)
    assert model.competence_[-1] < 0.2 < model.competence_[:-1].min()
    # An honest worker of accuracy p on two classes knows with probability about 2p - 1.
    assert np.allclose(model.competence_[:-1], [0.8, 0.6, 0.5, 0.4, 0.3], atol=0.15)
    assert model.strategy_[-1, 0] > 0.9
    majority = MajorityVote().fit(tasks, workers, labels)
    assert np.mean(model.predict() == simulated.truth) > np.mean(
        majority.predict() == simulated.truth
    )


def test_skill_prior_raises_competence(toy: Toy) -> None:
    plain = MACE().fit(toy.tasks, toy.workers, toy.labels)
    primed = MACE().fit(toy.tasks, toy.workers, toy.labels, skill_priors={"c": (100.0, 0.0)})
    assert primed.competence_[2] > 0.9 > plain.competence_[2]
