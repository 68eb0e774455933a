"""docs/tutorial.md is run as written: its commands in order in an empty folder, each
printing what the tutorial shows (messages in Chinese, as for staff with a Chinese locale)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

STEP = re.compile(r"```sh\n(.*?)```\n+```text\n(.*?)```", re.S)


def steps() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "tutorial.md").read_text("utf-8")
    found = STEP.findall(text)
    assert len(found) == text.count("```sh\n"), "every command block is followed by its output"
    return found


def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "registry", tmp_path / "registry")  # the sample catalogue
    bin_dir = str(Path(sys.executable).parent)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")
    }
    env.update(LANG="zh_CN.UTF-8", PATH=f"{bin_dir}:{env.get('PATH', '')}", COLUMNS="100")
    for commands, shown in steps():
        done = subprocess.run(
            ["bash", "-c", commands],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # in the order a person sees them
            text=True,
            timeout=120,
        )
        assert done.stdout == shown, f"$ {commands}"
