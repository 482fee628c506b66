from __future__ import annotations

import numpy as np

from assay.quality import OneCoinDawidSkene
from tests.quality.conftest import Simulated, Toy


def test_one_em_step_by_hand(toy: Toy) -> None:
    model = OneCoinDawidSkene(n_iter=1, smoothing=0.0, class_smoothing=0.0)
    proba = model.fit(toy.tasks, toy.workers, toy.labels).predict_proba()
    # Skill = mean vote share of the label the worker gave (start: shares 1, 2/3, 2/3, 2/3...):
    # a: (1 + 2/3 + 2/3 + 2/3) / 4 = 3/4; b: (1 + 2/3 + 2/3 + 1/3) / 4 = 2/3;
    # c: (1 + 1/3 + 1/3 + 2/3) / 4 = 7/12. Class prior: x 7/12, y 5/12.
    assert np.allclose(model.skills_, [3 / 4, 2 / 3, 7 / 12])
    # t1 (x x x): x ~ 7/12 * 3/4 * 2/3 * 7/12 = 294/1728, y ~ 5/12 * 1/4 * 1/3 * 5/12 = 25/1728.
    assert np.allclose(proba[0], [294 / 319, 25 / 319])
    # t4 (y x y): x ~ 7/12 * 1/4 * 2/3 * 5/12 = 70/1728, y ~ 5/12 * 3/4 * 1/3 * 7/12 = 105/1728.
    assert np.allclose(proba[3], [0.4, 0.6])


def test_errors_spread_evenly_over_the_other_classes() -> None:
    model = OneCoinDawidSkene().fit(["t1", "t1", "t2"], ["a", "b", "a"], ["x", "y", "z"])
    conf = model.confusion_
    for w in range(conf.shape[0]):
        off = conf[w][~np.eye(3, dtype=bool)]
        assert np.allclose(off, off[0])
        assert np.allclose(np.diag(conf[w]), model.skills_[w])
    assert np.allclose(conf.sum(axis=1), 1.0)


def test_skills_estimate_accuracies(simulated: Simulated) -> None:
    model = OneCoinDawidSkene().fit(simulated.tasks, simulated.workers, simulated.labels)
    assert np.allclose(model.skills_, [0.9, 0.8, 0.75, 0.7, 0.65], atol=0.06)


def test_skill_prior_moves_the_skill(toy: Toy) -> None:
    plain = OneCoinDawidSkene(n_iter=1).fit(toy.tasks, toy.workers, toy.labels)
    primed = OneCoinDawidSkene(n_iter=1).fit(
        toy.tasks, toy.workers, toy.labels, skill_priors={"c": (0.0, 100.0)}
    )
    # c's first M-step skill: (7/3 + 0.01) / (4 + 0.02 + 100) right answers over all.
    assert np.isclose(primed.skills_[2], (7 / 3 + 0.01) / (4 + 0.02 + 100))
    assert np.isclose(primed.skills_[0], plain.skills_[0])
