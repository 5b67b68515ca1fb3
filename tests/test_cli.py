"""The command line as a shell uses it."""

from __future__ import annotations

import subprocess
import sys

import pytest
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


def parse_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What argparse says on stderr when it refuses ``argv`` (exit code 2)."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    assert stop.value.code == 2
    return capsys.readouterr().err


def test_list_reports_refuse_an_unknown_district_instead_of_writing_an_empty_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A crontab line with '朝阳' would otherwise send an empty 催报清单 every day."""
    for kind in ("pending", "risk", "alerts"):
        err = parse_error(["report", kind, "--district", "朝阳"], capsys)
        assert "unknown district '朝阳' (did you mean 朝阳区?)" in err, kind
        assert "known: 东城区, 西城区, 朝阳区" in err
    args = build_parser().parse_args(
        ["report", "pending", "--district", " 海淀区", "--district", "朝阳区"]
    )
    assert args.district == ["海淀区", "朝阳区"]


def test_the_pending_list_refuses_a_negative_number_of_days(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = parse_error(["report", "pending", "--due-within", "-1"], capsys)
    assert "working days left must be at least 0, got -1" in err
    assert "'x' is not a number" in parse_error(["report", "pending", "--due-within", "x"], capsys)
    assert build_parser().parse_args(["report", "pending", "--due-within", "0.5"]).due_within == 0.5
