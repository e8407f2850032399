"""The commands: `farmwatch crawl` failing cleanly, `farmwatch market` serving in the foreground."""

import signal
import socket
import subprocess
import sys
import urllib.request

from spiders.config import load_sources
from spiders.runner import REPO_ROOT, run_crawl


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_source_fails_with_its_reason_and_a_non_zero_exit(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/"
    [summary] = run_crawl(tmp_path / "fw.db", start_urls=[url], fast=True)
    assert summary["status"] == "failed"
    assert any("refused" in e["error"] for e in summary["error_log"])
    proc = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(tmp_path / "fw.db"), "crawl",
                           "--start-url", url, "--fast"], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert proc.returncode == 1
    assert ": failed, 0 pages" in proc.stdout and "failed: 127.0.0.1-" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_source_names_and_files_are_one_line_errors(tmp_path):
    for args in (["crawl", "no-such-source"], ["crawl", "--sources", str(tmp_path / "missing.yaml")]):
        proc = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(tmp_path / "fw.db"), *args],
                              capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("farmwatch crawl: ")


def test_market_command_serves_in_the_foreground_and_writes_sources(tmp_path):
    sources = tmp_path / "sources.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "farmwatch.cli", "market", "--port", "0", "--variant", "1",
                             "--write-sources", str(sources)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, cwd=REPO_ROOT)
    try:
        line = proc.stdout.readline()
        base = line.split(" at ", 1)[1].split(" ", 1)[0].rstrip("/")
        with urllib.request.urlopen(base + "/robots.txt", timeout=10) as response:
            assert b"Disallow" in response.read()
        assert [s.start_urls[0].split("/")[2] for s in load_sources(sources)] == [base.split("/")[2]] * 3
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
