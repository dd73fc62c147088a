"""The manifest of the exercise's steps (grader/manifest.toml), loaded and checked."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GRADER_DIR = Path(__file__).resolve().parent
KIT_DIR = GRADER_DIR.parent
MANIFEST_PATH = GRADER_DIR / "manifest.toml"
STEPS_DIR = GRADER_DIR / "steps"  # one folder per step: its checks, their words, its starter


class ManifestError(Exception):
    """The manifest cannot be used; the message says why in one line."""


SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
# When Gradescope shows students a result (its "visibility"): a step may set its own in the manifest.
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


@dataclass(frozen=True)
class Step:
    slug: str  # the step's stable name; its number and file name come from its position in the manifest
    number: int
    title: str
    names: tuple[str, ...]
    hint: str
    time_limit: float
    memory_limit: int
    points: float = 1.0
    bonus: bool = False  # optional: shown apart, and not needed for "all steps pass"
    simulated_aws: bool = False  # the learner's code calls DynamoDB: give its process a moto of its own
    penalize_output_flood: bool = False  # output past the cap costs the step its points (opt-in)
    visibility: str | None = None  # when Gradescope shows students this step's result; None: the zip's own setting
    count: int = 0  # how many core steps the exercise has (for the heading "Step 3 of 4")

    @property
    def file(self) -> str:
        """The learner's file: step3_process_event.py for the third step, slug process-event."""
        return f"step{self.number}_{self.identifier}.py"

    @property
    def identifier(self) -> str:
        """The slug as a Python name (the step's folder under grader/steps/)."""
        return self.slug.replace("-", "_")

    @property
    def folder(self) -> Path:
        return STEPS_DIR / self.identifier

    @property
    def starter(self) -> Path:
        """The pristine starter without its heading line (the heading holds the step's number)."""
        return self.folder / "starter.py"

    @property
    def heading(self) -> str:
        """The first line of the learner's file, which tells where the step stands."""
        if self.bonus:
            return f"# Bonus step {self.number} (optional). Check your work with: nox -s grade -- {self.number}"
        return f"# Step {self.number} of {self.count}. Check your work with: nox -s grade -- {self.number}"

    def starter_text(self) -> str:
        """The learner's file as the kit ships it: the heading, then the pristine starter."""
        return self.heading + "\n" + self.starter.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Manifest:
    steps: tuple[Step, ...]

    @property
    def numbers(self) -> list[int]:
        return [step.number for step in self.steps]

    @property
    def core(self) -> list[Step]:
        """The steps every learner does (not the bonus ones)."""
        return [step for step in self.steps if not step.bonus]

    @property
    def count(self) -> int:
        """How many steps every learner does (the bonus ones not counted)."""
        return len(self.core)

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.number == number:
                return step
        raise KeyError(number)

    def by_slug(self, slug: str) -> Step:
        for step in self.steps:
            if step.slug == slug:
                return step
        raise KeyError(slug)

    def find(self, name: str) -> Step:
        """A step by its number ("3") or its slug ("process-event"); KeyError if there is none."""
        return self.step(int(name)) if name.isdigit() else self.by_slug(name)

    def names_up_to(self, number: int) -> list[str]:
        """The learner's variables that steps 1..number define, in order."""
        return [name for step in self.steps if step.number <= number for name in step.names]


def _require(table: dict, key: str, kind: type, where: str):
    value = table.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ManifestError(f"{where}: '{key}' must be a {kind.__name__}, found {value!r}")
    return value


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"the manifest {path} is missing") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ManifestError(f"the manifest {path} cannot be read: {error}") from None

    defaults = data.get("defaults", {})
    default_time = defaults.get("time_limit", 10)
    default_memory = defaults.get("memory_limit", 1 << 30)
    default_points = defaults.get("points", 1)
    default_flood = defaults.get("penalize_output_flood", False) is True
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ManifestError(f"{path.name}: there must be at least one [[steps]] table")

    steps = []
    for index, raw in enumerate(raw_steps, start=1):
        where = f"{path.name}, step entry {index}"
        for retired in ("number", "file"):
            if retired in raw:
                raise ManifestError(f"{where}: remove '{retired}': a step's number and file name come from its "
                                    "position in the manifest and its slug")
        if "more_hints" in raw:
            raise ManifestError(f"{where}: move [steps.more_hints] into the checks: a check's docstring is its "
                                "more specific hint")
        slug = _require(raw, "slug", str, where)
        if not SLUG_PATTERN.fullmatch(slug):
            raise ManifestError(f"{where}: the slug {slug!r} must be lowercase words joined by hyphens, "
                                "like process-event")
        names = _require(raw, "names", list, where)
        if not all(isinstance(name, str) and name.isidentifier() for name in names):
            raise ManifestError(f"{where}: 'names' must list Python variable names")
        points = raw.get("points", default_points)
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points < 0:
            raise ManifestError(f"{where}: 'points' must be a number of points, 0 or more")
        time_limit = raw.get("time_limit", default_time)
        if not isinstance(time_limit, (int, float)) or time_limit <= 0:
            raise ManifestError(f"{where}: 'time_limit' must be a positive number of seconds")
        visibility = raw.get("visibility")
        if visibility is not None and visibility not in VISIBILITIES:
            raise ManifestError(f"{where}: 'visibility' must be one of {', '.join(VISIBILITIES)}, found {visibility!r}")
        steps.append(
            Step(
                slug=slug,
                number=index,
                title=_require(raw, "title", str, where),
                names=tuple(names),
                hint=_require(raw, "hint", str, where),
                time_limit=float(time_limit),
                memory_limit=int(raw.get("memory_limit", default_memory)),
                points=float(points),
                bonus=raw.get("bonus", False) is True,
                simulated_aws=raw.get("simulated_aws", False) is True,
                penalize_output_flood=raw.get("penalize_output_flood", default_flood) is True,
                visibility=visibility,
            )
        )
    bonus = [step.bonus for step in steps]
    if bonus != sorted(bonus):
        raise ManifestError(f"{path.name}: bonus steps must come after all the other steps")
    slugs = [step.slug for step in steps]
    repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if repeated:
        raise ManifestError(f"{path.name}: each step needs a slug of its own; {', '.join(repeated)} is used twice")
    count = sum(not step.bonus for step in steps)
    return Manifest(tuple(replace(step, count=count) for step in steps))
