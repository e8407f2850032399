"""Drift check: every command and sub-command answers --help, the contract's commands exist, and the help of
commands that run several steps names each step."""

import argparse
import subprocess
import sys

import pytest

from farmwatch.cli import build_parser

CONTRACT = ["init", "items import", "items add", "items report-stolen", "items recovered", "listings import",
            "crawl", "match", "nightly", "serve", "demo", "users add"]


def _commands(parser: argparse.ArgumentParser, prefix=()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*prefix, name))
                found.extend(_commands(sub, (*prefix, name)))
    return found


ALL = _commands(build_parser())

# Commands that run several steps, with the words their --help must use for each (farmwatch/nightly.py,
# farmwatch/demo/run.py).
STEPS = {
    "nightly": ["crawl", "match", "seller networks", "alert e-mails", "report"],
    "demo": ["demonstration registry", "marketplace", "crawl", "match", "seller networks", "alert e-mails",
             "serve the workspace"],
}


def test_contract_commands_exist():
    names = {" ".join(c) for c in ALL}
    missing = [c for c in CONTRACT if c not in names]
    assert not missing, f"commands missing: {missing}"


@pytest.mark.parametrize("command", ALL, ids=[" ".join(c) for c in ALL])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: farmwatch") and len(out) > 80


def test_unknown_command_is_one_clear_error():
    result = subprocess.run([sys.executable, "-m", "farmwatch.cli", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command, steps", STEPS.items())
def test_help_names_every_step_a_command_runs(command, steps, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command.split(), "--help"])
    text = " ".join(capsys.readouterr().out.lower().split())
    assert [s for s in steps if s not in text] == []
