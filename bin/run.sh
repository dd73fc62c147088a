#!/usr/bin/env bash
# Exercism's test-runner interface: bin/run.sh SLUG INPUT_DIR OUTPUT_DIR
# Grades the learner's solution in INPUT_DIR (the step files in it, or in its steps/ folder) with this kit's
# grader and writes OUTPUT_DIR/results.json (results.json version 3). SLUG names the exercise; this kit has one.
# Exits 0 whenever it wrote results.json, whatever the results say; non-zero only when it could not grade
# (2: wrong arguments or folders, 1 or 3: the grader could not run), leaving no results.json behind.
# GRADER_PYTHON: a Python with the kit's dependencies (default: python3).
set -uo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: bin/run.sh SLUG INPUT_DIR OUTPUT_DIR" >&2
    exit 2
fi
input="$2"
output="$3"
if [ ! -d "$input" ]; then
    echo "run.sh: $input is not a folder" >&2
    exit 2
fi
mkdir -p "$output" || exit 2
input="$(cd "$input" && pwd)" || exit 2
output="$(cd "$output" && pwd)" || exit 2
kit="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || exit 2

target="$input"
shopt -s nullglob
step_files=("$input"/step[0-9]*.py)
if [ "${#step_files[@]}" -eq 0 ] && [ -d "$input/steps" ] && [ ! -L "$input/steps" ]; then
    target="$input/steps"  # a whole kit handed in: its steps/ folder (a link is never followed)
fi

# From the kit's folder: `python -m` looks there first, so a grader/ folder in the solution is never imported.
cd "$kit" || exit 2
partial="$output/.results.json.partial"
"${GRADER_PYTHON:-python3}" -m grader --target "$target" --format exercism --exit-zero >"$partial"
status=$?
if [ "$status" -ne 0 ]; then
    rm -f "$partial"
    exit "$status"
fi
mv -f "$partial" "$output/results.json"
