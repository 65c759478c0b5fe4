#!/usr/bin/env bash
# Build the site with ProperDocs (a drop-in continuation of MkDocs 1.x) and with MkDocs, in one
# separate virtual environment with the project's other dependencies, and compare the two builds.
#
#   bash bench/properdocs_compare.sh            # work folder: a new temporary directory
#   bash bench/properdocs_compare.sh /tmp/pd    # or this one (kept, reused venv)
#
# Needs PyPI access. Prints the ProperDocs version, both build logs' last lines and the comparison
# (bench/compare_sites.py: files only in one build, files that differ once the generator meta tag
# is normalised, with the first differences). Exit status: that of the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${1:-$(mktemp -d -t llminfra-properdocs-XXXXXX)}
mkdir -p "$work"
echo "work folder: $work"

available=$(python -m pip index versions properdocs 2>/dev/null || true)
if [[ "$available" != *"properdocs ("* ]]; then
  echo "properdocs is not on PyPI (pip index versions properdocs found nothing): nothing to compare" >&2
  exit 2
fi
echo "on PyPI: ${available%%$'\n'*}"

if [ ! -x "$work/venv/bin/python" ]; then
  python -m venv "$work/venv"
fi
py="$work/venv/bin/python"
# The project's dependencies from pyproject.toml (MkDocs included: the theme and plugins require it,
# and it gives the build to compare with), then ProperDocs.
mapfile -t deps < <(python - <<'EOF'
import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["dependencies"]))
EOF
)
# (This machine's pip configuration names local indexes that may not exist: drop those notices.)
"$py" -m pip install --quiet --disable-pip-version-check "${deps[@]}" properdocs 2>&1 \
  | { grep -v "is ignored: it is neither a file nor a directory" || true; }
"$py" -m pip list --disable-pip-version-check 2>/dev/null | grep -Ei '^(mkdocs|mkdocs-material|properdocs) '

# Same inputs for both: fixed build date, no deploy-time URLs, no MkDocs 2 notices.
export SOURCE_DATE_EPOCH=1767225600 NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
unset SITE_URL REPO_URL
status=0
"$py" -m mkdocs build --strict --clean -f mkdocs.yml -d "$work/site-mkdocs" >"$work/mkdocs.log" 2>&1 || status=$?
echo "mkdocs build: exit $status; $(tail -n 1 "$work/mkdocs.log")"
status=0
"$work/venv/bin/properdocs" build --strict --clean -f mkdocs.yml -d "$work/site-properdocs" >"$work/properdocs.log" 2>&1 \
  || status=$?
echo "properdocs build: exit $status; $(tail -n 1 "$work/properdocs.log")"
grep -E "llminfra timing|WARNING|ERROR" "$work/properdocs.log" || true
[ "$status" -eq 0 ] || { echo "ProperDocs could not build the site: see $work/properdocs.log" >&2; exit 1; }

"$py" "$root/bench/compare_sites.py" "$work/site-mkdocs" "$work/site-properdocs"
