"""The command line as a shell uses it."""

from __future__ import annotations

import subprocess
import sys

from browser_support import ROOT

from analytics.cli import _glue_free_text, build_parser


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


def test_a_free_text_note_may_start_like_an_option() -> None:
    """argparse takes "-已上门" after --note for an option and stops with "expected one
    argument"; a note or a name typed by a person is glued to its option first."""
    argv = ["remind", "--merchant", "X", "--by", "-王五", "--note", "-已上门", "--channel", "visit"]
    args = build_parser().parse_args(_glue_free_text(argv))
    assert (args.by, args.note, args.channel) == ("-王五", "-已上门", "visit")
    resolve = ["alert", "resolve", "3", "--by", "李四", "--note", "-1+2"]
    assert build_parser().parse_args(_glue_free_text(resolve)).note == "-1+2"
    assert _glue_free_text(["alert", "resolve", "3", "--note"]) == [
        "alert",
        "resolve",
        "3",
        "--note",
    ]
