"""Gold tasks on real crowd labels (../shared/data/crowd/bluebird, 39 workers x 108 images,
every worker labeled every image, with the expert answers).

Twenty images drawn at random become gold tasks; every worker answers the gold tasks they are
served with the label they really gave. Their gold-based skill must rank them like their real
accuracy on the other 88 images, and the pause rule must stop only workers who really are
below the bar there.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from scipy.stats import spearmanr  # type: ignore[import-untyped]

from assay.accounts.model import Role
from assay.context import Context
from tests.factories import Api, Tenant, user_key

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "crowd" / "bluebird"
N_GOLD, BAR = 20, 0.6

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"{DATA} not present")


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as f:
        return list(csv.DictReader(f))


def test_gold_skill_ranks_real_workers_and_pauses_the_weak(
    api: Api, tenant: Tenant, ctx: Context
) -> None:
    labels = {(r["task"], r["worker"]): r["label"] for r in _read("labels.csv")}
    truth = {r["task"]: r["label"] for r in _read("gold.csv")}
    images = sorted({t for t, _ in labels}, key=int)
    workers = sorted({w for _, w in labels}, key=int)
    gold_images = random.Random(1).sample(images, N_GOLD)
    held_out = [t for t in images if t not in gold_images]

    api.project("birds", "categorization", {"categories": ["1", "2"]})
    by_attachment = {}
    for t in gold_images:
        r = api.post(
            "/api/v1/projects/birds/gold",
            json={
                "purpose": "gold",
                "params": {"attachment": f"bluebird/{t}.jpg"},
                "expected_response": {"category": truth[t]},
            },
        )
        assert r.status_code == 201, r.text
        by_attachment[f"bluebird/{t}.jpg"] = t
    api.task("categorization", project="birds", attachment="real-work.jpg")
    api.ok(
        "PATCH",
        "/api/v1/projects/birds",
        json={"quality": {"gold_rate": 1.0, "pause_min_gold": N_GOLD, "pause_below": BAR}},
    )
    for w in workers:
        worker = api.as_key(user_key(ctx, tenant.name, f"w{w}", Role.ANNOTATOR))
        for _ in range(N_GOLD):
            a = worker.lease("birds")
            image = by_attachment[a["task"]["params"]["attachment"]]  # gold, every time
            r = worker.submit(a, {"category": labels[(image, w)]})
            assert r.status_code == 200, r.text

    quality = api.ok("GET", "/api/v1/projects/birds/quality")
    rows = {a["annotator"]: a for a in quality["annotators"]}
    estimated, real, paused = [], [], []
    for w in workers:
        row = rows[f"w{w}"]
        accuracy = sum(labels[(t, w)] == truth[t] for t in held_out) / len(held_out)
        estimated.append(row["sources"]["gold"]["mean"])
        real.append(accuracy)
        assert row["sources"]["gold"]["n"] == N_GOLD
        if row["status"] == "paused":
            paused.append(accuracy)
    rho = spearmanr(estimated, real).statistic
    assert rho >= 0.75, rho
    # Nobody at or above the bar on unseen images is paused; most of those far below it are.
    assert paused
    assert max(paused) < BAR
    far_below = [a for a in real if a < 0.5]
    assert sum(a < 0.5 for a in paused) >= 0.7 * len(far_below)
    assert quality["gold_history"][-1]["scored"] == N_GOLD * len(workers)
