"""Label-aggregation benchmark: ``python -m bench.quality``.

Three parts, each a table printed and written to ``<out>/quality-<timestamp>.md``:

1. **Real datasets** (``../shared/data/crowd/*/labels.csv`` + ``gold.csv``): accuracy on the
   gold tasks and wall time of every Assay aggregator and of crowd-kit's same methods, in the
   same run. crowd-kit runs from its own virtual environment (``bash
   bench/peers/install-crowdkit.sh``) through ``bench/peers/crowdkit_runner.py``; without it
   those columns are empty. Assay's majority vote breaks ties with a seeded generator.
2. **Scale**: synthetic judgments with known truth (``--synthetic`` of them, seeded), Assay's
   default and Dawid-Skene against crowd-kit's Dawid-Skene: time and accuracy.
3. **Adaptive redundancy**: each dataset's real labels replayed in a random order per task
   under the policy of ``bench/adaptive.py`` (``assay.quality.redundancy``) at its fixed
   setting: labels used against accuracy, next to DS on all labels.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy  # type: ignore[import-untyped]

from assay import __version__
from assay.quality import DEFAULT_AGGREGATOR, make_aggregator

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared" / "data" / "crowd"
VENV = ROOT / "bench" / "peers" / "crowdkit-venv"
RUNNER = ROOT / "bench" / "peers" / "crowdkit_runner.py"

# Assay method -> crowd-kit class of the same method (None: crowd-kit has no such method).
METHODS: dict[str, str | None] = {
    "mv": "MajorityVote",
    "wawa": "Wawa",
    "ds": "DawidSkene",
    "onecoin": "OneCoinDawidSkene",
    "glad": "GLAD",
    "mace": "MACE",
    "bds": None,
}
# Slowest last: a per-dataset timeout then loses only the slow ones.
PEER_ORDER = ["MajorityVote", "Wawa", "DawidSkene", "OneCoinDawidSkene", "MACE", "GLAD"]
DATASETS = ["bluebird", "rte", "dog", "mozafari", "hitspam", "trec", "adult"]
SEED = 0


@dataclass
class Dataset:
    name: str
    tasks: npt.NDArray[Any]
    workers: npt.NDArray[Any]
    labels: npt.NDArray[Any]
    gold: dict[str, str]
    path: Path | None = None


def load(directory: Path) -> Dataset:
    """A dataset's labels and gold, every id and label as a string (as the CSV has them)."""
    rows = np.loadtxt(directory / "labels.csv", dtype=str, delimiter=",", skiprows=1, ndmin=2)
    gold_rows = np.loadtxt(directory / "gold.csv", dtype=str, delimiter=",", skiprows=1, ndmin=2)
    gold = dict(zip(gold_rows[:, 0].tolist(), gold_rows[:, 1].tolist(), strict=True))
    return Dataset(
        directory.name, rows[:, 0], rows[:, 1], rows[:, 2], gold, directory / "labels.csv"
    )


def accuracy(predicted: dict[str, str], gold: dict[str, str]) -> float:
    """Percent of gold tasks whose prediction equals the gold label."""
    return 100.0 * sum(predicted.get(t) == label for t, label in gold.items()) / len(gold)


def run_assay(ds: Dataset, method: str) -> tuple[float, float]:
    """(accuracy %, seconds for encode + fit + predict)."""
    model = make_aggregator(method)
    start = time.perf_counter()
    labels = model.fit(ds.tasks, ds.workers, ds.labels).predict()
    seconds = time.perf_counter() - start
    return accuracy(
        dict(zip(model.tasks_.tolist(), labels.tolist(), strict=True)), ds.gold
    ), seconds


def run_peers(
    venv: Path, labels_csv: Path, methods: Sequence[str], timeout: float, *, numeric: bool = False
) -> dict[str, dict[str, Any]]:
    """crowd-kit's results per method (``labels`` and ``seconds``, or ``error``)."""
    cmd = [str(venv / "bin" / "python"), str(RUNNER), "--labels", str(labels_csv), "--method"]
    cmd += list(methods)
    if numeric:
        cmd.append("--numeric")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        out, err = proc.communicate()
    results = {}
    for line in out.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            results[item["method"]] = item
    for method in methods:
        if method not in results:
            why = f"no result within {timeout:.0f} s" if timed_out else err.strip()[-200:]
            results[method] = {"method": method, "error": why or "no result"}
    return results


# --- 1. Real datasets -----------------------------------------------------------------------------


def bench_real(
    args: argparse.Namespace, datasets: list[Dataset]
) -> tuple[list[str], dict[str, Any]]:
    acc_rows, time_rows, facts = [], [], {}
    peers_on = args.venv is not None
    head = ["dataset", "K", "labels", "gold"]
    for method, peer in METHODS.items():
        head.append(f"{method}{' (default)' if method == DEFAULT_AGGREGATOR else ''}")
        if peers_on and peer:
            head.append(f"ck {peer}")
    for ds in datasets:
        log(f"  {ds.name}: Assay")
        assay = {m: run_assay(ds, m) for m in METHODS}
        peers: dict[str, dict[str, Any]] = {}
        if peers_on:
            log(f"  {ds.name}: crowd-kit")
            assert ds.path is not None
            peers = run_peers(args.venv, ds.path, PEER_ORDER, args.peer_timeout)
        k = len(np.unique(ds.labels))
        acc_row = [ds.name, str(k), str(len(ds.labels)), str(len(ds.gold))]
        time_row = [ds.name, "", "", ""]
        best_peer = -1.0
        for method, peer in METHODS.items():
            a, s = assay[method]
            acc_row.append(f"{a:.2f}")
            time_row.append(f"{s:.2f}")
            if peers_on and peer:
                r = peers[peer]
                if "error" in r:
                    acc_row.append("err")
                    time_row.append(r["error"][:40])
                else:
                    pa = accuracy(r["labels"], ds.gold)
                    best_peer = max(best_peer, pa)
                    acc_row.append(f"{pa:.2f}")
                    time_row.append(f"{r['seconds']:.2f}")
        acc_rows.append(acc_row)
        time_rows.append(time_row)
        facts[ds.name] = {
            "default": assay[DEFAULT_AGGREGATOR][0],
            "ds": assay["ds"][0],
            "best_peer": best_peer if peers_on else None,
            "peer_ds": (
                accuracy(peers["DawidSkene"]["labels"], ds.gold)
                if peers_on and "labels" in peers.get("DawidSkene", {})
                else None
            ),
        }
    lines = ["## 1. Accuracy on gold (%) on the real datasets", ""]
    lines += [
        "`ck X` = crowd-kit's `X` with its defaults, run in the same process sequence on the same "
        "machine. Assay `mv` breaks ties with a generator seeded with 0 (random, reproducible); "
        "crowd-kit's `MajorityVote` breaks them by its own fixed order.",
        "",
    ]
    lines += table(head, acc_rows)
    lines += ["", "Wall time (s): Assay = encode + fit + predict; crowd-kit = `fit_predict`.", ""]
    lines += table(head, time_rows)
    lines += ["", *verdict_real(facts, peers_on)]
    return lines, facts


def verdict_real(facts: dict[str, Any], peers_on: bool) -> list[str]:
    if not peers_on:
        return ["Target not checked: crowd-kit was not run (no --venv)."]
    rows, diffs = [], []
    for name, f in facts.items():
        diff = f["default"] - f["best_peer"]
        diffs.append(diff)
        rows.append([name, f"{f['default']:.2f}", f"{f['best_peer']:.2f}", f"{diff:+.2f}"])
    mean_default = np.mean([f["default"] for f in facts.values()])
    mean_peer = np.mean([f["best_peer"] for f in facts.values()])
    rows.append(
        ["mean", f"{mean_default:.2f}", f"{mean_peer:.2f}", f"{mean_default - mean_peer:+.2f}"]
    )
    every = all(d >= -1e-9 for d in diffs)
    met = every and mean_default > mean_peer
    lines = [f"Target: Assay default (`{DEFAULT_AGGREGATOR}`) >= the best crowd-kit method on "]
    lines[0] += "every dataset, and better on average."
    lines += ["", *table(["dataset", "Assay default", "best crowd-kit", "difference"], rows)]
    lines += ["", f"**{'MET' if met else 'NOT MET'}**: at or above on every dataset: {every}; "]
    lines[-1] += f"mean {mean_default:.2f} vs {mean_peer:.2f}."
    return lines


# --- 2. Scale -------------------------------------------------------------------------------------


def synthetic(
    n_judgments: int, *, seed: int = SEED, per_task: int = 10, k: int = 4
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
]:
    """Dawid-Skene-distributed judgments with known truth: ``(task, worker, label, truth)``.

    ``n_judgments / per_task`` tasks, ``per_task`` distinct workers each out of ``n / 1000``
    (heavy-tailed activity), classes of unequal frequency; workers are 70% decent (accuracy
    0.6-0.95), 20% weak (0.3-0.6, errors biased towards one class), 10% spammers (one class).
    """
    rng = np.random.default_rng(seed)
    n_tasks = n_judgments // per_task
    n_workers = max(n_judgments // 1000, per_task * 2)
    truth = rng.choice(k, size=n_tasks, p=np.arange(k, 0, -1) / np.arange(k, 0, -1).sum())
    kind = rng.choice(3, size=n_workers, p=[0.7, 0.2, 0.1])
    acc = np.where(kind == 0, rng.uniform(0.6, 0.95, n_workers), rng.uniform(0.3, 0.6, n_workers))
    # Error distributions over the answers: concentrated (biased) for weak workers.
    errors = rng.gamma(np.where(kind[:, None] == 1, 0.3, 2.0) * np.ones((n_workers, k)))
    conf = np.empty((n_workers, k, k))  # conf[w, answer, truth]
    for true in range(k):  # a loop over classes, not judgments
        err = errors.copy()
        err[:, true] = 0.0
        err /= err.sum(axis=1, keepdims=True)
        conf[:, :, true] = (1 - acc)[:, None] * err
        conf[:, true, true] = acc
    spam_label = rng.integers(0, k, n_workers)
    conf[kind == 2] = 0.0
    conf[kind == 2, spam_label[kind == 2], :] = 1.0
    activity = rng.pareto(1.5, n_workers) + 1.0
    workers = rng.choice(n_workers, size=(n_tasks, per_task), p=activity / activity.sum())
    for _ in range(100):  # redraw a task's repeated workers until each task has distinct ones
        workers.sort(axis=1)
        dup = np.zeros_like(workers, dtype=bool)
        dup[:, 1:] = workers[:, 1:] == workers[:, :-1]
        if not dup.any():
            break
        workers[dup] = rng.choice(n_workers, size=int(dup.sum()), p=activity / activity.sum())
    task = np.repeat(np.arange(n_tasks), per_task)
    worker = workers.reshape(-1)
    cum = np.cumsum(conf[worker, :, truth[task]], axis=1)
    label = (rng.random(task.shape[0])[:, None] > cum).sum(axis=1).clip(max=k - 1)
    return task, worker, label.astype(np.int64), truth


def bench_scale(args: argparse.Namespace) -> list[str]:
    n = args.synthetic
    lines = [f"## 2. Scale: {n:,} synthetic judgments with known truth (seed {SEED})", ""]
    lines += [
        f"Judgments drawn from a Dawid-Skene model: {max(n // 1000, 20):,} workers (heavy-tailed "
        "activity; 70% decent with accuracy 0.6-0.95, 20% weak (0.3-0.6) with biased errors, "
        "10% spammers answering one class), 4 classes with frequencies 0.4/0.3/0.2/0.1, distinct "
        "workers per task. Accuracy on all tasks. Assay's time includes encoding the ids; "
        "crowd-kit's is `fit_predict` on a DataFrame of integer columns. `bds learned` is the "
        "default with `class_prior='learned'`. Equal accuracy = within 0.1 point.",
        "",
    ]
    rows, verdicts = [], []
    for per_task in (10, 5):
        log(f"  generating {n:,} judgments, {per_task} per task")
        task, worker, label, truth = synthetic(n, per_task=per_task)
        results: dict[str, tuple[float, float]] = {}
        variants = [
            (DEFAULT_AGGREGATOR, {}),
            (f"{DEFAULT_AGGREGATOR} learned", {"class_prior": "learned"}),
            ("ds", {}),
            ("mv", {}),
        ]
        for name, params in variants:
            model = make_aggregator(name.split()[0], **params)
            start = time.perf_counter()
            predicted = model.fit(task, worker, label).predict()
            seconds = time.perf_counter() - start
            a = 100.0 * float(np.mean(predicted == truth[model.tasks_]))
            results[name] = (a, seconds)
            rows.append([f"{per_task}", f"Assay {name}", f"{a:.2f}", f"{seconds:.2f}"])
        if args.venv is not None:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "synthetic.csv"
                ids = np.column_stack([task, worker, label])
                np.savetxt(
                    path, ids, fmt="%d", delimiter=",", header="task,worker,label", comments=""
                )
                log("  crowd-kit DawidSkene")
                peer = run_peers(args.venv, path, ["DawidSkene"], args.peer_timeout, numeric=True)
            r = peer["DawidSkene"]
            if "error" in r:
                rows.append([f"{per_task}", "crowd-kit DawidSkene", "err", r["error"][:60]])
                continue
            pred = np.array([int(r["labels"][str(t)]) for t in range(truth.shape[0])])
            pa = 100.0 * float(np.mean(pred == truth))
            rows.append([f"{per_task}", "crowd-kit DawidSkene", f"{pa:.2f}", f"{r['seconds']:.2f}"])
            for name in (DEFAULT_AGGREGATOR, f"{DEFAULT_AGGREGATOR} learned"):
                a, sec = results[name]
                speed = r["seconds"] / sec
                met = speed >= 5 and a >= pa - 0.1
                verdicts.append(
                    f"- {per_task} per task, Assay `{name}`: **{'MET' if met else 'NOT MET'}** "
                    f"({speed:.1f}x faster; accuracy {a:.2f} vs {pa:.2f})"
                )
    lines += table(["labels/task", "method", "accuracy %", "seconds"], rows)
    if verdicts:
        lines += ["", "Target: >= 5x faster than crowd-kit DawidSkene at equal accuracy.", ""]
        lines += verdicts
    return lines


# --- 3. Adaptive redundancy ---------------------------------------------------------------------


def bench_replay(
    args: argparse.Namespace, datasets: list[Dataset], facts: dict[str, Any]
) -> list[str]:
    """The policy of ``bench/adaptive.py`` at its fixed setting (that module alone also
    sweeps its knobs). The bar: crowd-kit's DS on all labels from part 1 where it ran, else
    the dataset README's crowd-kit figure, else Assay ``ds``."""
    from bench import adaptive  # here: bench.adaptive imports this module

    benches = []
    for ds in datasets:
        peer = facts.get(ds.name, {}).get("peer_ds")
        readme = adaptive.readme_reference(args.data / ds.name)
        reference = peer if peer is not None else readme
        if reference is None:
            reference = facts[ds.name]["ds"] if ds.name in facts else run_assay(ds, "ds")[0]
        benches.append(adaptive.Bench(ds, reference, args.reps))
    lines = ["## 3. Adaptive redundancy: real labels replayed in random order", ""]
    lines += adaptive.fixed(benches, adaptive.Policy(), args.reps)
    lines += ["", "Sweeps of the policy's knobs: `python -m bench.adaptive`."]
    return lines


# --- Reporting -----------------------------------------------------------------------------------


def save(out: Path, prefix: str, lines: list[str]) -> Path:
    """Write a run's report as ``<prefix>-<UTC time>.md`` under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{prefix}-{datetime.now(UTC):%Y%m%d-%H%M%S}.md"
    path.write_text("\n".join(lines) + "\n")
    log(f"written: {path}")
    return path


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> list[str]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M UTC}; Assay {__version__} ({commit or '?'})",
        f"- machine: {os.cpu_count()} CPUs ({cpu}); Python {platform.python_version()}, "
        f"NumPy {np.__version__}, SciPy {scipy.__version__}",
    ]


def dataset_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """The options every crowd-dataset benchmark takes: where the datasets are, which."""
    p = argparse.ArgumentParser(
        prog=f"python -m {prog}",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data", type=Path, default=DATA_DIR, help="folder of datasets")
    p.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated names")
    return p


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = dataset_parser("bench.quality", __doc__)
    p.add_argument("--venv", type=Path, default=VENV, help="crowd-kit virtual environment")
    p.add_argument("--no-peers", action="store_true", help="skip crowd-kit")
    p.add_argument("--peer-timeout", type=float, default=900.0, help="seconds per crowd-kit run")
    p.add_argument("--synthetic", type=int, default=1_000_000, help="synthetic judgments (0: skip)")
    p.add_argument("--reps", type=int, default=10, help="random orders per dataset (part 3)")
    p.add_argument("--no-replay", action="store_true")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = p.parse_args(argv)
    if args.no_peers:
        args.venv = None
    elif not (args.venv / "bin" / "python").exists():
        log(f"no crowd-kit at {args.venv} (bash bench/peers/install-crowdkit.sh); skipping it")
        args.venv = None
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n for n in args.datasets.split(",") if n]
    datasets = [load(args.data / n) for n in names]
    lines = ["# Label aggregation benchmark", "", *machine(), ""]
    print("\n".join(lines), flush=True)
    facts: dict[str, Any] = {}
    if datasets:
        log("1. real datasets")
        real, facts = bench_real(args, datasets)
        lines += [*real, ""]
        print("\n".join(real) + "\n", flush=True)
    if args.synthetic:
        log("2. scale")
        scale = bench_scale(args)
        lines += [*scale, ""]
        print("\n".join(scale) + "\n", flush=True)
    if datasets and not args.no_replay:
        log("3. adaptive redundancy")
        rep = bench_replay(args, datasets, facts)
        lines += [*rep, ""]
        print("\n".join(rep), flush=True)
    save(args.out, "quality", lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
