"""The command line as a shell uses it."""

from __future__ import annotations

import subprocess
import sys

from browser_support import ROOT


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    # `fapiao-watch holidays | head -1`: the pipe's reader is gone before the command writes
    proc = subprocess.Popen(
        [sys.executable, "-m", "analytics.cli", "holidays", "2026", "2025"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the interpreter has even started: nothing can be read
    _, err = proc.communicate(timeout=60)
    assert err.decode() == ""  # no BrokenPipeError traceback, no "Exception ignored"
    assert proc.returncode == 141
