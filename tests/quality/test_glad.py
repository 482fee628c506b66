from __future__ import annotations

import math

import numpy as np

from assay.quality import GLAD
from tests.quality.conftest import Simulated


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_posteriors_follow_the_glad_likelihood_at_the_fitted_parameters() -> None:
    # Three classes, so a wrong answer's probability is split over K - 1 = 2 classes.
    rows = [("t1", "a", "x"), ("t1", "b", "x"), ("t1", "c", "y"), ("t2", "a", "z")]
    rows += [("t2", "b", "z"), ("t2", "c", "z"), ("t3", "a", "y"), ("t3", "c", "x")]
    tasks, workers, labels = (list(c) for c in zip(*rows, strict=True))
    model = GLAD().fit(tasks, workers, labels)
    alpha = dict(zip(model.workers_.tolist(), model.alphas_.tolist(), strict=True))
    beta = dict(zip(model.tasks_.tolist(), model.betas_.tolist(), strict=True))
    for i, task in enumerate(model.tasks_.tolist()):
        joint = []
        for truth in model.classes_.tolist():
            p = 1.0 / 3  # uniform class prior
            for t, w, label in rows:
                if t == task:
                    s = sigmoid(alpha[w] * beta[task])
                    p *= s if label == truth else (1 - s) / 2
            joint.append(p)
        assert np.allclose(model.predict_proba()[i], np.array(joint) / sum(joint), rtol=1e-9)


def test_adversary_gets_negative_ability_and_agreement_means_easy(simulated: Simulated) -> None:
    # Add a worker who always answers the opposite of the truth.
    n = simulated.truth.shape[0]
    tasks = np.concatenate([simulated.tasks, np.arange(n)])
    workers = np.concatenate([simulated.workers, np.full(n, 99)])
    labels = np.concatenate([simulated.labels, 1 - simulated.truth])
    model = GLAD().fit(tasks, workers, labels)
    assert model.alphas_[-1] < 0 < model.alphas_[:-1].min()
    assert np.mean(model.predict() == simulated.truth) > 0.9
    # Tasks where the five honest workers all agree are easier (larger beta) than split ones.
    honest = simulated.labels.reshape(n, 5)
    unanimous = (honest == honest[:, :1]).all(axis=1)
    assert model.betas_[unanimous].mean() > model.betas_[~unanimous].mean()


def test_converges_and_reports_iterations(simulated: Simulated) -> None:
    model = GLAD().fit(simulated.tasks, simulated.workers, simulated.labels)
    assert 1 <= model.n_iter_ < 100
    assert np.all(model.betas_ > 0)
