"""Run crowd-kit aggregators on a labels CSV; print one JSON line per method, as each ends.

Runs under bench/peers/crowdkit-venv's Python (``bash bench/peers/install-crowdkit.sh``), never
the project's: it imports only pandas and crowd-kit, not ``assay`` or ``bench``.

    crowdkit-venv/bin/python crowdkit_runner.py --labels labels.csv --method DawidSkene GLAD

Output, per method in the order given: ``{"method", "seconds", "labels": {task: label},
"versions"}`` or ``{"method", "error"}``. ``seconds`` is the wall time of ``fit_predict`` alone
(importing crowd-kit, about 10 s here, and reading the CSV are not counted). Ids and labels are
read as strings, as the benchmark reads them for Assay. Lines are flushed one by one, so a
caller that stops a slow method still has the ones before it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib.metadata import version

import pandas as pd
from crowdkit.aggregation import (
    GLAD,
    MACE,
    DawidSkene,
    MajorityVote,
    OneCoinDawidSkene,
    Wawa,
)

# crowd-kit's defaults, as the reference runs in ../shared/reference/crowd-quality.md used.
METHODS = {
    "MajorityVote": MajorityVote,
    "Wawa": Wawa,
    "DawidSkene": lambda: DawidSkene(n_iter=100),
    "OneCoinDawidSkene": OneCoinDawidSkene,
    "GLAD": GLAD,
    "MACE": MACE,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", required=True, help="CSV with task,worker,label columns")
    parser.add_argument("--method", required=True, nargs="+", choices=sorted(METHODS))
    parser.add_argument("--numeric", action="store_true", help="read the columns as integers")
    args = parser.parse_args()
    dtype = None if args.numeric else str
    data = pd.read_csv(args.labels, dtype=dtype, keep_default_na=False)[["task", "worker", "label"]]
    versions = {p: version(p) for p in ("crowd-kit", "pandas", "scikit-learn", "numpy")}
    for method in args.method:
        out: dict[str, object] = {"method": method}
        try:
            model = METHODS[method]()
            start = time.perf_counter()
            labels = model.fit_predict(data)
            out["seconds"] = time.perf_counter() - start
            out["labels"] = {str(task): str(label) for task, label in labels.items()}
            out["versions"] = versions
        except Exception as exc:  # a peer's bug is a result to report, not a crash
            out["error"] = f"{type(exc).__name__}: {exc}"[:300]
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
