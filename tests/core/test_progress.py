"""Progress of long commands: bars on a terminal, plain lines in a log or a pipe."""

import io

from renfort.core.progress import StepProgress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_log_gets_one_plain_line_per_quarter_and_no_carriage_return():
    out = io.StringIO()
    progress = StepProgress(out, totals={"Communes": 200})
    for done in range(0, 201, 10):
        progress("Communes", done)
    progress.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines == [
        "Communes : début (200 lignes)",
        "Communes : 25 % (50/200 lignes)",
        "Communes : 50 % (100/200 lignes)",
        "Communes : 75 % (150/200 lignes)",
        "Communes : 100 % (200/200 lignes)",
    ]


def test_a_step_without_total_says_it_started():
    out = io.StringIO()
    StepProgress(out)("Zones", 3)
    assert out.getvalue() == "Zones : début\n"


def test_a_terminal_gets_a_bar():
    out = Terminal()
    progress = StepProgress(out, totals={"Communes": 4})
    progress("Communes", 4)
    progress.close()
    assert "\r" in out.getvalue() and "4/4" in out.getvalue()


def test_disabled_writes_nothing():
    out = io.StringIO()
    StepProgress(out, totals={"Communes": 4}, disable=True)("Communes", 4)
    assert out.getvalue() == ""
