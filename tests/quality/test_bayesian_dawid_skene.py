from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.special import digamma  # type: ignore[import-untyped]

from assay.quality import BayesianDawidSkene, DawidSkene
from tests.quality.conftest import TOY_ROWS, Simulated, Toy


def one_vb_step_by_hand(pseudo: float, diagonal: float) -> list[list[float]]:
    """Start from the vote shares, Dirichlet posteriors a = counts + pseudo (+ diagonal on the
    diagonal), E-step with exp(E[log conf]) = exp(digamma(a) - digamma(column sum)) and a
    uniform class prior; judgment by judgment, in plain Python."""
    share = {t: {c: sum(a == c for a in ans) / 3 for c in "xy"} for t, ans in TOY_ROWS.items()}
    a: dict[tuple[str, str, str], float] = defaultdict(float)
    for w in "abc":
        for ans in "xy":
            for tr in "xy":
                a[w, ans, tr] = pseudo + (diagonal if ans == tr else 0.0)
    for t, answers in TOY_ROWS.items():
        for w, ans in zip("abc", answers, strict=True):
            for tr in "xy":
                a[w, ans, tr] += share[t][tr]
    out = []
    for t in sorted(TOY_ROWS):
        log_joint = {}
        for tr in "xy":
            total = 0.0
            for w, ans in zip("abc", TOY_ROWS[t], strict=True):
                total += digamma(a[w, ans, tr]) - digamma(a[w, "x", tr] + a[w, "y", tr])
            log_joint[tr] = total
        z = np.logaddexp(log_joint["x"], log_joint["y"])
        out.append([float(np.exp(log_joint[c] - z)) for c in "xy"])
    return out


def test_one_vb_step_matches_the_hand_computation(toy: Toy) -> None:
    model = BayesianDawidSkene(n_iter=1, pseudo_count=1.0, diagonal=2.0)
    proba = model.fit(toy.tasks, toy.workers, toy.labels).predict_proba()
    assert np.allclose(proba, one_vb_step_by_hand(1.0, 2.0), rtol=1e-12, atol=0)
    # Worker a, truth x: counts x 5/3, y 2/3 plus 1 + 2 on the diagonal and 1 off it.
    assert np.isclose(model.confusion_[0, 0, 0], (5 / 3 + 3) / (5 / 3 + 3 + 2 / 3 + 1))
    assert np.allclose(model.class_prior_, [0.5, 0.5])


def test_a_worker_seen_thrice_is_trusted_less_than_a_veteran() -> None:
    # "vet" agreed with two steady workers on 20 tasks (x and y alike), "new" on 3; on task z
    # they are alone and disagree. Both point estimates look perfect, so plain DS is nearly
    # certain either way; the Bayesian posterior keeps the newcomer's record uncertain and
    # sides with the veteran, without certainty.
    rows = [(f"t{i:02d}", w, "xy"[i % 2]) for i in range(20) for w in ("vet", "s1", "s2")]
    rows += [(f"n{i}", w, lab) for i, lab in enumerate("xxy") for w in ("new", "s1", "s2")]
    rows += [("z", "vet", "x"), ("z", "new", "y")]
    tasks, workers, labels = (list(c) for c in zip(*rows, strict=True))
    bds = BayesianDawidSkene().fit(tasks, workers, labels)
    ds = DawidSkene().fit(tasks, workers, labels)
    z = bds.tasks_.tolist().index("z")
    assert bds.predict()[z] == "x"
    assert 0.6 < bds.confidence()[z] < 0.95
    assert ds.confidence()[z] > bds.confidence()[z]


def test_learned_class_prior_option(simulated: Simulated) -> None:
    model = BayesianDawidSkene(class_prior="learned")
    model.fit(simulated.tasks, simulated.workers, simulated.labels)
    # At convergence the prior is the mean posterior (with one pseudo-task of smoothing).
    assert np.allclose(model.class_prior_, model.predict_proba().mean(axis=0), atol=0.01)
    assert abs(model.class_prior_[1] - 0.5) > 0.05  # this sample has 58.5% ones predicted
    assert np.mean(model.predict() == simulated.truth) > 0.9
