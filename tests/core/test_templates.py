"""Template sources: mistakes the template engine does not report."""

import re
from pathlib import Path

import renfort

TEMPLATES = sorted(
    path
    for path in Path(renfort.__file__).parent.rglob("templates/**/*")
    if path.suffix in {".html", ".txt", ".ics"}
)


def test_templates_are_found():
    assert len(TEMPLATES) > 100


def test_no_template_comment_spans_lines():
    """`{# … #}` only works on one line: on several, it is printed on the page as it is."""
    broken = [
        f"{path.relative_to(Path(renfort.__file__).parent)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert not broken, broken
