"""Adaptive redundancy on real crowds: ``python -m bench.adaptive``.

Each dataset's real labels (``../shared/data/crowd/<name>/labels.csv``) are replayed: per task
in a random order (one order per repetition), and the policy of
:mod:`assay.quality.redundancy` decides, round by round, which tasks get their next label. It
sees only the labels it has asked for, never the gold. A round:

1. refit: a few EM steps of Bayesian Dawid-Skene (``em_steps``), continued from the last
   round's posteriors, on every label asked for so far: skills and per-task posteriors;
2. stop: a task whose top posterior reaches ``target`` is delivered with that answer and
   gets no more labels;
3. ask: one more label for each of the ``batch`` (share of the tasks) most urgent open tasks,
   ``(1 - confidence) / (labels + 1)``, while the ``budget`` (share of all the dataset's
   labels) lasts and the task has labels left.

Every task starts with ``min_labels``; those count too. When nothing is asked any more, the
open tasks are delivered with their current answer. Accuracy is on the gold tasks; ``labels``
is the share of all the dataset's labels used (every task, gold or not). The bar: DS on all
labels (crowd-kit 1.4.2 ``DawidSkene``, as the dataset's README reports it) with at most 50%
of the labels. Writes ``<out>/adaptive-<timestamp>.md``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from assay.quality import DEFAULT_AGGREGATOR, encode, make_aggregator
from assay.quality.judgments import FloatArray, IntArray, Judgments
from assay.quality.redundancy import (
    StoppingRule,
    next_round,
    one_coin_posteriors,
    refine,
)
from bench.quality import (
    ROOT,
    SEED,
    Dataset,
    dataset_parser,
    load,
    log,
    machine,
    save,
    table,
)

BAR = 50.0  # the target: at most this share of the labels


@dataclass(frozen=True)
class Policy:
    """The knobs of one replay (defaults: the setting held fixed across datasets)."""

    target: float = 0.9999  # stop a task once its top posterior reaches this
    budget: float = 0.5  # share of the dataset's labels the policy may ask for
    min_labels: int = 1  # labels every task starts with
    batch: float = 0.05  # share of the tasks asked for between two refits
    em_steps: int = 3  # EM steps per refit, warm-started
    rule: Literal["confusion", "one-coin"] = "confusion"  # per-task posterior for stopping
    order: Literal["urgency", "doubt"] = "urgency"  # (1 - conf) / (labels + 1), or 1 - conf
    shrink: float = 0.0  # pseudo-answers pulling each confusion matrix to its one-coin form


@dataclass(frozen=True)
class Replay:
    revealed: npt.NDArray[np.bool_]  # which labels the policy asked for
    delivered: IntArray  # class code per task, as delivered when it stopped
    refit: IntArray  # class code per task, the default aggregator refitted on the labels asked
    rounds: int


def random_order(data: Judgments, rng: np.random.Generator) -> IntArray:
    """A random rank for each judgment within its task (0 = first revealed)."""
    perm = np.lexsort((rng.random(data.n_judgments), data.task))
    starts = np.concatenate([[0], np.cumsum(data.per_task)[:-1]]).astype(np.intp)
    order = np.empty(data.n_judgments, dtype=np.intp)
    order[perm] = np.arange(data.n_judgments) - starts[data.task[perm]]
    return order


def replay(data: Judgments, order: IntArray, policy: Policy) -> Replay:
    """Run ``policy`` on ``data``, revealing each task's labels in ``order`` (see module doc)."""
    classes = np.arange(data.n_classes)
    rule = StoppingRule(policy.target, policy.min_labels)
    budget = int(policy.budget * data.n_judgments)
    batch = max(1, round(policy.batch * data.n_tasks))
    total = data.per_task
    revealed = order < policy.min_labels

    def asked() -> Judgments:
        # Every task has a label from the start, so task codes stay those of ``data``.
        return encode(
            data.task[revealed], data.worker[revealed], data.label[revealed], classes=classes
        )

    sub = asked()
    proba: FloatArray = sub.votes / sub.votes.sum(axis=1, keepdims=True)  # the usual EM start
    closed = np.zeros(data.n_tasks, dtype=bool)
    delivered = np.full(data.n_tasks, -1, dtype=np.intp)
    rounds = 0
    while True:
        rounds += 1
        skills, proba = refine(sub, proba, n_iter=policy.em_steps, tol=0.0, shrink=policy.shrink)
        if policy.rule == "one-coin":
            judge = one_coin_posteriors(sub, skills.accuracies(sub.workers.tolist()))
        else:
            judge = proba
        conf = judge.max(axis=1)
        used = np.bincount(data.task[revealed], minlength=data.n_tasks)
        done = ~closed & ~rule.needs_more(conf, used)
        delivered[done] = judge.argmax(axis=1)[done]
        closed |= done
        ask = next_round(
            conf,
            used,
            rule,
            can_ask=~closed & (used < total),
            budget=max(budget - int(revealed.sum()), 0),
            batch=batch,
            scores=1.0 - conf if policy.order == "doubt" else None,
        )
        if ask.size == 0:
            break
        more = np.zeros(data.n_tasks, dtype=bool)
        more[ask] = True
        revealed |= (order == used[data.task]) & more[data.task]
        sub = asked()
        proba = skills.posteriors(sub)  # new labels scored with the skills of this round
    delivered[~closed] = judge.argmax(axis=1)[~closed]
    refit = make_aggregator(DEFAULT_AGGREGATOR).fit_judgments(sub).labels_
    return Replay(revealed, delivered, refit, rounds)


def replay_previous(data: Judgments, order: IntArray, target: float) -> Replay:
    """The policy this one replaces, for comparison: every task starts with 2 labels; after
    each round the default aggregator is refitted from scratch on everything revealed, and
    every task whose top posterior is below ``target`` gets one more label, until none does
    or its labels run out. No budget, no order; a task reopens when a refit doubts it."""
    classes = np.arange(data.n_classes)
    revealed = order < 2
    rounds = 0
    while True:
        rounds += 1
        sub = encode(
            data.task[revealed], data.worker[revealed], data.label[revealed], classes=classes
        )
        model = make_aggregator(DEFAULT_AGGREGATOR).fit_judgments(sub)
        used = np.bincount(data.task[revealed], minlength=data.n_tasks)
        more = (model.confidence() < target) & (used < data.per_task)
        if not more.any():
            return Replay(revealed, model.labels_, model.labels_, rounds)
        revealed |= (order == used[data.task]) & more[data.task]


@dataclass(frozen=True)
class Result:
    used: float  # % of the dataset's labels, mean over orders
    delivered: float  # accuracy % on gold, mean over orders
    worst: float  # the lowest of those accuracies
    refit: float
    rounds: float
    seconds: float  # per order


class Bench:
    """One dataset encoded once, with its gold as codes."""

    def __init__(self, ds: Dataset, reference: float, reps: int) -> None:
        self.ds = ds
        self.reference = reference
        self.data = encode(ds.tasks, ds.workers, ds.labels)
        codes, found = self.data.task_codes(list(ds.gold))
        values = [v for v, f in zip(ds.gold.values(), found, strict=True) if f]
        self.gold_tasks = codes[found]
        self.gold_labels = self.data.class_codes(values)
        self.orders = [
            random_order(self.data, np.random.default_rng(SEED + r)) for r in range(reps)
        ]
        self._results: dict[Policy | float, Result] = {}

    def accuracy(self, labels: IntArray) -> float:
        return 100.0 * float(np.mean(labels[self.gold_tasks] == self.gold_labels))

    def run(self, policy: Policy | float) -> Result:
        """The policy (a target alone: :func:`replay_previous`) over every order; cached."""
        if policy not in self._results:
            self._results[policy] = self._measure(policy)
        return self._results[policy]

    def _measure(self, policy: Policy | float) -> Result:
        used, delivered, refit, rounds = [], [], [], []
        start = time.perf_counter()
        for order in self.orders:
            if isinstance(policy, Policy):
                r = replay(self.data, order, policy)
            else:
                r = replay_previous(self.data, order, policy)
            used.append(100.0 * float(r.revealed.mean()))
            delivered.append(self.accuracy(r.delivered))
            refit.append(self.accuracy(r.refit))
            rounds.append(r.rounds)
        seconds = (time.perf_counter() - start) / len(self.orders)
        return Result(
            used=float(np.mean(used)),
            delivered=float(np.mean(delivered)),
            worst=float(np.min(delivered)),
            refit=float(np.mean(refit)),
            rounds=float(np.mean(rounds)),
            seconds=seconds,
        )

    def subsample(self, share: float) -> float:
        """Accuracy of the default aggregator on a random ``share`` of the labels, at least
        one per task (mean over the repetitions): the same number of labels, no policy."""
        accs = []
        for rep, order in enumerate(self.orders):
            rng = np.random.default_rng(SEED + rep)
            keep = (rng.random(self.data.n_judgments) < share) | (order == 0)
            d = self.data
            sub = encode(
                d.task[keep], d.worker[keep], d.label[keep], classes=np.arange(d.n_classes)
            )
            accs.append(
                self.accuracy(make_aggregator(DEFAULT_AGGREGATOR).fit_judgments(sub).labels_)
            )
        return float(np.mean(accs))

    def full(self) -> float:
        model = make_aggregator(DEFAULT_AGGREGATOR).fit_judgments(self.data)
        return self.accuracy(model.labels_)


def readme_reference(directory: Path) -> float | None:
    """crowd-kit ``DawidSkene``'s accuracy as the dataset's README reports it."""
    try:
        text = (directory / "README.md").read_text()
    except OSError:
        return None
    found = re.search(r"\bDS (\d+(?:\.\d+)?)", text)
    return float(found.group(1)) if found else None


def met(result: Result, reference: float) -> bool:
    # The reference is rounded to 2 decimals in the README (96/108 = 88.888... is 88.89).
    return result.used <= BAR + 1e-9 and result.delivered >= reference - 0.005


def cell(result: Result) -> str:
    return f"{result.used:.0f}% / {result.delivered:.2f}"


def sweep(
    benches: Sequence[Bench],
    head: str,
    values: Sequence[Any],
    make: Callable[[Any], Policy | float],
) -> list[str]:
    """One row per dataset, one column per value of a knob: ``labels / delivered accuracy``;
    a cell in bold where the bar is met."""
    rows = []
    for b in benches:
        row = [b.ds.name, f"{b.reference:.2f}"]
        for value in values:
            r = b.run(make(value))
            text = cell(r)
            row.append(f"**{text}**" if met(r, b.reference) else text)
            log(f"  {b.ds.name} {head}={value}: {text} ({r.seconds:.1f} s per order)")
        rows.append(row)
    return table(["dataset", "DS all", *[f"{head}={v}" for v in values]], rows)


def fixed(benches: Sequence[Bench], policy: Policy, reps: int) -> list[str]:
    """The policy at one setting on every dataset, with the bar and what no policy gives."""
    lines = [
        f"Policy ({reps} random orders per dataset, seeds {SEED}..{SEED + reps - 1}; means): "
        f"{describe(policy)}. `labels` = share of all "
        "the dataset's labels asked for (every task, gold or not, the first ones included); "
        "accuracy on gold, of the answers as delivered when each task stopped (`refit`: the "
        f"default aggregator `{DEFAULT_AGGREGATOR}` refitted from scratch on the labels asked "
        "for). `DS all`: crowd-kit 1.4.2 `DawidSkene` on all labels. `bds 50%` / `bds 90%`: "
        f"`{DEFAULT_AGGREGATOR}` on a random 50% / 90% of the labels, no policy. Met: labels "
        f"<= {BAR:.0f}% and delivered accuracy >= DS all.",
        "",
    ]
    head = ["dataset", "K", "labels/task", "DS all", "bds all", "bds 50%", "bds 90%"]
    head += ["labels", "accuracy (worst order)", "refit", "rounds", "s/order", "met"]
    rows, n_met = [], 0
    for b in benches:
        log(f"  {b.ds.name}: fixed setting")
        r = b.run(policy)
        ok = met(r, b.reference)
        n_met += ok
        rows.append(
            [
                b.ds.name,
                str(b.data.n_classes),
                f"{b.data.n_judgments / b.data.n_tasks:.2f}",
                f"{b.reference:.2f}",
                f"{b.full():.2f}",
                f"{b.subsample(0.5):.2f}",
                f"{b.subsample(0.9):.2f}",
                f"{r.used:.1f}%",
                f"{r.delivered:.2f} ({r.worst:.2f})",
                f"{r.refit:.2f}",
                f"{r.rounds:.0f}",
                f"{r.seconds:.1f}",
                "yes" if ok else "no",
            ]
        )
    lines += table(head, rows)
    lines += ["", f"Target met on {n_met} of {len(benches)} datasets."]
    return lines


def report(benches: Sequence[Bench], policy: Policy, args: argparse.Namespace) -> list[str]:
    """The fixed setting on every dataset, then the sweeps of its knobs."""
    lines = [*fixed(benches, policy, args.reps), ""]
    lines += ["Sweep of the stopping target (other knobs as above; bold: met)", ""]
    lines += sweep(benches, "target", args.targets, lambda t: replace(policy, target=t))
    lines += ["", "Sweep of the budget (share of all labels; other knobs as above)", ""]
    lines += sweep(benches, "budget", args.budgets, lambda v: replace(policy, budget=v))
    lines += ["", "Variants, one knob changed from the fixed setting", ""]
    variants = {
        "min_labels=2": replace(policy, min_labels=2),
        "order=doubt": replace(policy, order="doubt"),
        "rule=one-coin": replace(policy, rule="one-coin"),
        "batch=0.02": replace(policy, batch=0.02),
        "batch=0.2": replace(policy, batch=0.2),
        "shrink=5": replace(policy, shrink=5.0),
        "shrink=10": replace(policy, shrink=10.0),
    }
    lines += sweep(benches, "variant", list(variants), variants.__getitem__)
    lines += [
        "",
        "`min_labels=2`: every task starts with 2 labels. `order=doubt`: the most uncertain "
        "task first, `1 - confidence`, whatever it has already cost. `rule=one-coin`: tasks "
        "stop and are ranked on the one-coin posterior of `assay.quality.consensus.posterior` "
        "(the live queue's rule), each annotator's accuracy taken from the same refit "
        "(`Skills.accuracies`). `batch`: share of the tasks asked for between two refits. "
        "`shrink`: each annotator's confusion matrix gets that many pseudo-answers per true "
        "class in the shape of their own one-coin matrix (partial pooling: a sparse annotator "
        "is judged by one accuracy, a busy one by their full matrix).",
    ]
    if args.previous:
        lines += [
            "",
            "The previous policy on the same orders (`replay_previous`: 2 labels to start, a "
            "cold refit per round, one more label for every task below the target, no budget)",
            "",
            *sweep(benches, "previous t", args.previous, float),
        ]
    return lines


def describe(policy: Policy) -> str:
    return (
        f"target {policy.target:g}, budget {policy.budget:.0%} of the labels, "
        f"{policy.min_labels} label(s) to start, {policy.batch:.0%} of the tasks asked per "
        f"refit, {policy.em_steps} warm EM steps per refit, `{policy.rule}` posterior, "
        f"`{policy.order}` order, shrink {policy.shrink:g}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = dataset_parser("bench.adaptive", __doc__)
    p.add_argument("--reps", type=int, default=10, help="random orders per dataset")
    p.add_argument("--targets", default="0.95,0.99,0.999,0.9999,1", help="targets to sweep")
    p.add_argument("--budgets", default="0.3,0.4,0.5,0.6,0.7,0.8", help="budgets to sweep")
    p.add_argument(
        "--previous", default="0.97,0.99", help="targets of the previous policy ('': skip)"
    )
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = p.parse_args(argv)
    args.targets = [float(t) for t in args.targets.split(",") if t]
    args.budgets = [float(b) for b in args.budgets.split(",") if b]
    args.previous = [float(t) for t in args.previous.split(",") if t]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    benches = []
    for name in [n for n in args.datasets.split(",") if n]:
        ds = load(args.data / name)
        reference = readme_reference(args.data / name)
        if reference is None:
            log(f"{name}: no crowd-kit DS reference in its README; skipped")
            continue
        benches.append(Bench(ds, reference, args.reps))
    lines = ["# Adaptive redundancy on real crowds", "", *machine(), ""]
    command = " ".join(["python -m bench.adaptive", *(sys.argv[1:] if argv is None else argv)])
    lines += [f"Command: `{command}`"]
    lines += ["", *report(benches, Policy(), args)]
    lines += ["", f"Total wall time: {time.perf_counter() - start:.0f} s."]
    print("\n".join(lines), flush=True)
    save(args.out, "adaptive", lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
