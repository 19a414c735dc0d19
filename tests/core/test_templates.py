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


# Times are written « 9 h 40 » by one function (renfort.core.text.hour, filters `hour` and
# `hours_span`); these forms wrote « 09h40 » or « 09:40 ». Machine formats (ISO, input values,
# ICS, dedup keys) are not caught: they have no « h » nor « : » between hour and minute.
OLD_TIME_FORMATS = re.compile(r'H\\\\?hi|H:i"|%Hh%M|%H:%M\b|:02d\}h')


def test_times_are_written_by_one_function():
    root = Path(renfort.__file__).parent
    sources = [*TEMPLATES, *root.rglob("*.py")]
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if OLD_TIME_FORMATS.search(line) and "format=" not in line and "strftime" not in line
    ]
    assert not found, found


def test_optional_fields_are_marked_one_way():
    """« (facultatif) » after the label (DSFR), never « (optionnel) » nor « Facultatif : »."""
    root = Path(renfort.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in [*TEMPLATES, *root.rglob("*.py")]
        if path.name != "forms.py" or path.parent.name != "core"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "(optionnel)" in line or "Facultatif :" in line
    ]
    assert not found, found


def test_every_email_has_the_one_signature():
    """Every email body (text templates other than SMS and pieces starting with « _ ») ends
    with the shared signature, and no template writes a signature of its own."""
    signature = "core/emails/_signature.txt"
    bodies = [
        path
        for path in TEMPLATES
        if path.suffix == ".txt"
        and not path.name.startswith("_")
        and not path.name.endswith("_sms.txt")
    ]
    assert len(bodies) > 20
    for path in bodies:
        source = path.read_text()
        assert source.rstrip().endswith(f'{{% include "{signature}" %}}\n{{% endautoescape %}}'), (
            path.name
        )
    for path in TEMPLATES:
        if path.suffix == ".txt" and not path.name.endswith("_signature.txt"):
            source = path.read_text()
            assert "L'équipe" not in source and "— Renfort" not in source, path.name
