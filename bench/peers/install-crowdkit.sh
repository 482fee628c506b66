#!/usr/bin/env bash
# crowd-kit in its own virtual environment, for bench/quality.py (via bench/peers/crowdkit_runner.py).
# It stays out of the test environment: crowd-kit pulls pandas and scikit-learn, and its Wawa and
# ZeroBasedSkill break with scikit-learn >= 1.6 (`__sklearn_tags__`), so that is pinned here, and
# pandas < 3 (crowd-kit 1.4.2 predates it: under pandas 3 its MajorityVote breaks ties differently,
# rte 87.5 instead of the 91.9 of ../shared/reference/crowd-quality.md).
# Usage: bash bench/peers/install-crowdkit.sh [VENV_DIR]   (default: bench/peers/crowdkit-venv)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$here/crowdkit-venv}"
python="${PYTHON:-python3.11}"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install --quiet --disable-pip-version-check "crowd-kit==1.4.2" "scikit-learn<1.6" "pandas<3"
"$venv/bin/python" -c "import pandas, sklearn; print('pandas', pandas.__version__, 'scikit-learn', sklearn.__version__)"
echo "crowd-kit installed in $venv"
