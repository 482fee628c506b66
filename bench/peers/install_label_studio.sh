#!/usr/bin/env bash
# Label Studio CE in its own virtual environment, for bench/peers/label_studio.py.
# Usage: bash bench/peers/install_label_studio.sh [VENV_DIR]   (default: bench/peers/ls-venv)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$here/ls-venv}"
python="${PYTHON:-python3.11}"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "label-studio==1.23.2"
echo "Label Studio installed in $venv"
