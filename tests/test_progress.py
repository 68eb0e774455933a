"""Long commands show progress on a terminal and are quiet when not on one."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from conftest import copy_catalogue

EXE = str(Path(sys.executable).with_name("service-codes"))


def on_a_terminal(*args: str) -> str:
    """Everything a command writes to a terminal (a pseudo-terminal as stdout and stderr)."""
    parent, child = pty.openpty()
    process = subprocess.Popen([EXE, "--lang", "en", *args], stdout=child, stderr=child)
    os.close(child)
    seen = b""
    while True:
        ready, _, _ = select.select([parent], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(parent)
    return seen.decode("utf-8", "replace")


def catalogue(tmp_path: Path) -> Path:
    return copy_catalogue(tmp_path)


def test_build_and_export_show_progress_on_a_terminal(tmp_path: Path) -> None:
    source = catalogue(tmp_path)
    shown = on_a_terminal("build", str(source), "--out", str(tmp_path / "out"), "--workers", "1")
    assert "check  [" in shown and "write  [" in shown and "100%" in shown
    shown = on_a_terminal(
        "export", str(source), "--format", "exchange", "--out", str(tmp_path / "x")
    )
    assert "check  [" in shown and "100%" in shown


def test_quiet_when_not_a_terminal(tmp_path: Path) -> None:
    source = catalogue(tmp_path)
    for args in (
        ["build", str(source), "--out", str(tmp_path / "out")],
        ["export", str(source), "--format", "exchange", "--out", str(tmp_path / "x")],
    ):
        done = subprocess.run([EXE, "--lang", "en", *args], capture_output=True, text=True)
        assert done.returncode == 0
        assert "[" not in done.stderr and "%" not in done.stderr + done.stdout
