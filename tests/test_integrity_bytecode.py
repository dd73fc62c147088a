"""`python -m grader.integrity` covers what Python actually runs: a bytecode file that Python would load for
a grader module but that holds other code is found, whatever its header claims."""

from __future__ import annotations

import compileall
import importlib.util
import marshal
import shutil
import subprocess
import sys

from conftest import KIT
from grader import integrity


def grader_copy(tmp_path):
    copy = tmp_path / "grader"
    shutil.copytree(KIT / "grader", copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert compileall.compile_dir(copy, quiet=1)
    return copy


def forge(source) -> None:
    """Write the bytecode Python would load for ``source`` (header matching its mtime and size) with other code."""
    info = source.stat()
    header = (importlib.util.MAGIC_NUMBER + (0).to_bytes(4, "little")
              + (int(info.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") + (info.st_size & 0xFFFFFFFF).to_bytes(4, "little"))
    code = compile(source.read_text(encoding="utf-8") + "\nFORGED = True\n", str(source), "exec")
    cache = importlib.util.cache_from_source(str(source))
    with open(cache, "wb") as handle:
        handle.write(header + marshal.dumps(code))


def test_bytecode_compiled_from_the_sources_is_not_flagged(tmp_path):
    assert integrity.forged_bytecode(grader_copy(tmp_path)) == []


def test_forged_bytecode_with_a_matching_header_is_found(tmp_path):
    copy = grader_copy(tmp_path)
    forge(copy / "report.py")
    assert [path.name for path in integrity.forged_bytecode(copy)] == [f"report.{sys.implementation.cache_tag}.pyc"]


def test_stale_bytecode_that_python_would_not_load_is_ignored(tmp_path):
    copy = grader_copy(tmp_path)
    (copy / "report.py").write_text((copy / "report.py").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert integrity.forged_bytecode(copy) == []


def test_the_integrity_command_names_the_forged_file(tmp_path):
    kit = tmp_path / "kit"
    kit.mkdir()
    copy = grader_copy(kit)
    forge(copy / "screen.py")
    done = subprocess.run([sys.executable, "-m", "grader.integrity"], cwd=kit, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert "screen" in done.stdout and "does not hold the code of its source file" in done.stdout
