"""A class as hand-ins really arrive: ``build(folder)`` writes one into ``folder`` (about 70 entries).

Folders, zips at the top and inside folders, nested and capitalised steps folders, whole kits, near-miss file
names, notebooks, empty folders, links to classmates and to the kit's solutions, zips that try to leave their
folder or to fill the disk, Canvas and Moodle bulk downloads, the same name in two Unicode forms, Bob and bob,
copy marks, a 252-byte name, a name that is a spreadsheet formula, and clutter that is nobody's.

Used by tests/test_submissions.py and by benchmarks/messy_class.py (which grades it for real and prints
grades.csv and skipped.csv). ``fake_grade`` stands in for the grader in the tests: it scores what was staged
without running it (a file that is a solution, tagged, passes; the starter is not started; anything else fails).
"""

from __future__ import annotations

import os
import shutil
import stat
import unicodedata
import zipfile
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
SOLUTIONS = KIT / "solutions"
STARTERS = KIT / "steps"
LONG_NAME = "l" + "o" * 250 + "ng"  # 252 bytes: with .txt, longer than a file name may be
FORMULA = '=HYPERLINK("x")'
JOSE_NFC = unicodedata.normalize("NFC", "José")
JOSE_NFD = unicodedata.normalize("NFD", "José")


def step_files() -> list[str]:
    return sorted(path.name for path in SOLUTIONS.glob("step*.py"))


def solution(name: str, tag: str) -> bytes:
    """A step's reference solution, tagged so that no two learners hand in the same bytes."""
    return (SOLUTIONS / name).read_bytes() + f"\n# {tag}\n".encode()


def starter(name: str) -> bytes:
    return (STARTERS / name).read_bytes()


def solved(folder: Path, tag: str, *, only: list[str] | None = None, rename: dict | None = None) -> Path:
    """The solutions in ``folder``, tagged; ``only`` some of them; ``rename``: file -> the name handed in."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in only or step_files():
        (folder / (rename or {}).get(name, name)).write_bytes(solution(name, tag))
    return folder


def zipped(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def solved_members(prefix: str, tag: str) -> dict[str, bytes]:
    return {f"{prefix}{name}": solution(name, tag) for name in step_files()}


def link_member_zip(path: Path, tag: str) -> Path:
    """A zip whose step 1 is a symbolic link member (to the kit's solution), the other steps real."""
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("steps/step1_create_table.py")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, str(SOLUTIONS / "step1_create_table.py"))
        for name, data in solved_members("steps/", tag).items():
            if not name.endswith("step1_create_table.py"):
                archive.writestr(name, data)
    return path


def bomb_zip(path: Path) -> Path:
    """A small zip whose step file inflates to 20 MB (more than a file may be)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("step1_create_table.py", b"#" * (20 << 20))
    return path


def lying_zip(path: Path, tag: str) -> Path:
    """A zip whose directory claims a member unpacks to 1.5 GB (more than a whole zip may)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in solved_members("", tag).items():
            archive.writestr(name, data)
        archive.filelist[0].file_size = 1_500_000_000
    return path


def build(root: Path) -> Path:
    """Write the messy class into ``root``/submissions; returns that folder."""
    s = root / "submissions"
    s.mkdir(parents=True)
    names = step_files()
    first, second = names[0], names[1]

    # Plain, and nested: the shallowest folder with the most step files wins.
    for number in range(1, 11):
        solved(s / f"learner{number:02d}", f"learner{number:02d}")
    solved(s / "ada", "ada")
    solved(s / "ben" / "steps", "ben")
    solved(s / "cy" / "project" / "steps", "cy")
    solved(s / "dee" / "Steps", "dee")
    eve = s / "eve"  # a whole kit: steps/ is graded, not solutions/; a grader/ that was changed
    solved(eve / "steps", "eve")
    shutil.copytree(SOLUTIONS, eve / "solutions")
    shutil.copytree(KIT / "grader", eve / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    with (eve / "grader" / "grading.py").open("a", encoding="utf-8") as file:
        file.write("\nPASSED = 'passed'  # everyone passes\n")
    (eve / "README.md").write_text("the kit's readme\n")
    uma = s / "uma"  # a whole kit, nothing started: graded from steps/ (not started), not from solutions/
    shutil.copytree(STARTERS, uma / "steps")
    shutil.copytree(SOLUTIONS, uma / "solutions")
    solved(s / "vic" / "solutions", "vic")  # their own work, in a folder they called solutions
    solved(s / "wes" / "project" / "steps", "wes", only=names[:-1])  # the last step one folder up
    (s / "wes" / "project" / names[-1]).write_bytes(solution(names[-1], "wes"))
    solved(s / "xena", "xena")  # and a venv/ full of other step files, never searched
    solved(s / "xena" / "venv" / "lib", "not xena's")

    # Zips: at the top, inside a folder, unsafe, broken, too big, too many entries, a zip in a zip.
    zipped(s / "fay.zip", solved_members("fay/steps/", "fay"))
    zipped(s / "gus" / "submission.zip", solved_members("steps/", "gus"))
    zipped(s / "zack.zip", {"../escaped.py": b"print('out of the zip')\n", "/etc/evil.py": b"x = 1\n",
                            "C:/evil.py": b"x = 1\n", **solved_members("steps/", "zack")})
    link_member_zip(s / "lina.zip", "lina")
    bomb_zip(s / "bomba.zip")
    lying_zip(s / "liar.zip", "liar")
    (s / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    with zipfile.ZipFile(s / "crowd.zip", "w") as archive:
        for number in range(6000):
            archive.writestr(f"empty/{number}.txt", b"")
    zipped(s / "russ.zip", {"inner.zip": (s / "fay.zip").read_bytes()})

    # Near-miss names, an ambiguous pair, a file two steps could claim, other files only, nothing at all.
    solved(s / "hal", "hal", rename={names[0]: "step1.py", names[1]: "Step2_Enable_Streams.py",
                                     names[2]: "step3_process_event (1).py", names[3]: names[3].upper()})
    ivy = solved(s / "ivy", "ivy", only=names[1:])
    (ivy / "step1.py").write_bytes(solution(first, "ivy, older"))
    (ivy / "step1_create_table (1).py").write_bytes(solution(first, "ivy"))
    os.utime(ivy / "step1.py", (1_700_000_000, 1_700_000_000))
    os.utime(ivy / "step1_create_table (1).py", (1_700_000_100, 1_700_000_100))
    yan = solved(s / "yan", "yan", only=names[3:])
    (yan / "enable_streams_and_process_event.py").write_bytes(solution(second, "yan"))
    (yan / "step1_create_table.txt").write_text("I pasted my code here\n")
    (s / "jon").mkdir()
    (s / "jon" / "work.ipynb").write_text('{"cells": []}\n')
    (s / "kim").mkdir()
    (s / "lee").mkdir()
    (s / "lee" / "answers.docx").write_bytes(b"PK not really a docx")
    (s / "lee" / "step3_process_event.txt").write_text("my step 3\n")
    deep = s / "zed"
    for level in range(12):
        deep = deep / f"level{level}"
    solved(deep, "zed")

    # Links: to a classmate, to the kit's solutions, as step files, as a steps folder.
    (s / "mallory").symlink_to(s / "ada", target_is_directory=True)
    (s / "nat").symlink_to(SOLUTIONS, target_is_directory=True)
    oli = solved(s / "oli", "oli", only=names[1:])
    (oli / first).symlink_to(SOLUTIONS / first)
    (s / "pam").mkdir()
    (s / "pam" / "steps").symlink_to(SOLUTIONS, target_is_directory=True)

    # Identities: two Unicode forms of one name, case, copy marks, the same bytes twice, untouched starters.
    solved(s / JOSE_NFC, "josé, composed")
    solved(s / JOSE_NFD, "josé, decomposed", only=names[:2])
    solved(s / "Bob", "Bob")
    solved(s / "bob", "bob")
    solved(s / "carol", "carol")
    solved(s / "carol (1)", "carol again")
    solved(s / "dave", "dave")
    solved(s / "dave_resubmission", "dave again")
    solved(s / "quinn", "a pair")
    solved(s / "rose", "a pair")
    shutil.copytree(STARTERS, s / "sam")
    shutil.copytree(STARTERS, s / "tia")

    # Names a file system or a spreadsheet trips on.
    solved(s / LONG_NAME, "long")
    solved(s / FORMULA, "formula")
    solved(s / "Zoë 🎓", "zoe")

    # Canvas: flat files, LATE, a file uploaded again (-1), a zip. Moodle: a folder per plugin.
    for name in names:
        (s / f"smithjohn_12345_67890_{name}").write_bytes(solution(name, "smithjohn"))
        stem, suffix = os.path.splitext(name)
        late = f"doejane_LATE_23456_78901_{stem}-1{suffix}" if name == first else f"doejane_LATE_23456_78901_{name}"
        (s / late).write_bytes(solution(name, "doejane"))
    (s / f"doejane_LATE_23456_78901_{first}").write_bytes(solution(first, "doejane, first upload"))
    (s / "doejane_LATE_23456_78901_notes.txt").write_text("thanks!\n")
    zipped(s / "lowjim_34567_89012_submission.zip", solved_members("steps/", "lowjim"))
    solved(s / "Full Name_12345_assignsubmission_file_", "Full Name")
    (s / "Full Name_12345_assignsubmission_onlinetext_").mkdir()
    (s / "Full Name_12345_assignsubmission_onlinetext_" / "onlinetext.html").write_text("<p>done</p>\n")
    other = s / "Other Person_23456_assignsubmission_file_"
    zipped(other / "work.zip", solved_members("", "Other Person"))

    # Nobody's: hidden, tools' clutter, a lone file.
    solved(s / ".hidden", "hidden")
    (s / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (s / "__MACOSX").mkdir()
    (s / "__MACOSX" / "._ada").write_bytes(b"\0")
    (s / "instructions.txt").write_text("hand in your step files\n")
    return s


# --- a stand-in for the grader, for tests -----------------------------------------------------------------

def fake_grade(learner: str, folder: Path, time_limit) -> dict:
    """Runs in the workers in place of classroom.grade_submission: scores what was staged, without running it.
    Feedback lists each staged file as the learner would see its path."""
    from grader import classroom

    manifest = classroom._manifest()
    steps = classroom.steps_folder(folder, manifest)
    scores, statuses, lines = {}, {}, []
    for step in manifest.steps:
        path = steps / step.file
        shown = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file():
            scores[step.number], statuses[step.number] = 0.0, "missing"
        else:
            data = path.read_bytes()
            passed = data.startswith((SOLUTIONS / step.file).read_bytes())
            untouched = data == starter(step.file)
            scores[step.number] = float(passed)
            statuses[step.number] = "passed" if passed else "not_started" if untouched else "failed"
            lines.append(f"{shown}: {data.splitlines()[-1].decode(errors='replace') if data else ''}")
        lines.append(f"step {step.number}: {statuses[step.number]}")
    return {"learner": learner, "status": classroom.GRADED, "message": "", "grader_modified": False,
            "scores": scores, "statuses": statuses, "feedback": "\n".join(lines) + "\n", "stderr": "",
            "confinement": "fake", "seed": 0}
