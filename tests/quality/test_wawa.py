from __future__ import annotations

import numpy as np

from assay.quality import Wawa
from tests.quality.conftest import Toy


def test_weights_are_agreement_with_the_majority(toy: Toy) -> None:
    wawa = Wawa().fit(toy.tasks, toy.workers, toy.labels)
    # a agrees with the majority on 4/4 tasks, b on 3/4 (not t4), c on 2/4 (not t2, t3).
    assert np.allclose(wawa.skills_, [1.0, 0.75, 0.5])
    # t2: x gets a + b = 1.75, y gets c = 0.5 -> x: 1.75 / 2.25 = 7/9.
    # t4: y gets a + c = 1.5, x gets b = 0.75 -> y: 1.5 / 2.25 = 2/3.
    expected = [[1.0, 0.0], [7 / 9, 2 / 9], [2 / 9, 7 / 9], [1 / 3, 2 / 3]]
    assert np.allclose(wawa.predict_proba(), expected)
    assert wawa.predict().tolist() == ["x", "x", "y", "y"]


def test_weighting_can_overturn_the_majority() -> None:
    # t1..t3: r1..r4 say x, n1 and n2 say y (n3 also says y on t1); t4: r1, r2 say x against
    # n1, n2, n3 saying y, so the plain majority of t4 is y.
    rows = [(t, w, "x") for t in ("t1", "t2", "t3") for w in ("r1", "r2", "r3", "r4")]
    rows += [(t, w, "y") for t in ("t1", "t2", "t3") for w in ("n1", "n2")]
    rows += [("t1", "n3", "y"), ("t4", "r1", "x"), ("t4", "r2", "x")]
    rows += [("t4", w, "y") for w in ("n1", "n2", "n3")]
    tasks, workers, labels = (list(col) for col in zip(*rows, strict=True))
    wawa = Wawa().fit(tasks, workers, labels)
    skills = dict(zip(wawa.workers_.tolist(), wawa.skills_.tolist(), strict=True))
    assert skills == {
        "r1": 0.75,
        "r2": 0.75,
        "r3": 1.0,
        "r4": 1.0,
        "n1": 0.25,
        "n2": 0.25,
        "n3": 0.5,
    }
    # t4: x = 0.75 + 0.75 = 1.5 against y = 0.25 + 0.25 + 0.5 = 1.0.
    assert np.allclose(wawa.predict_proba()[3], [0.6, 0.4])
    assert wawa.predict().tolist() == ["x", "x", "x", "x"]
