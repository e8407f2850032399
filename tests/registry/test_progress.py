import io

from registry.progress import line_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_one_line_on_a_terminal_and_ends_it_when_done(monkeypatch):
    monkeypatch.setattr("sys.stderr", _Terminal())
    show = line_progress(lambda stage, done, total: f"networks: {stage} {done}/{total}")
    show("links", 1, 2)
    show("links", 2, 2)
    import sys
    assert sys.stderr.getvalue() == "\rnetworks: links 1/2\rnetworks: links 2/2\n"


def test_progress_is_silent_off_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert line_progress(lambda done, total: "x") is None
