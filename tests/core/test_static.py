"""Static files survive `collectstatic` with the production storage (Manifest): every file a
CSS or JS file refers to through a source map comment exists."""

import re
from pathlib import Path

import renfort

SOURCE_MAP = re.compile(r"sourceMappingURL=([^\s*]+)")


def test_source_maps_point_to_files_that_exist():
    root = Path(renfort.__file__).parent
    missing = []
    for path in [*root.glob("*/static/**/*.js"), *root.glob("*/static/**/*.css")]:
        for target in SOURCE_MAP.findall(path.read_text(encoding="utf-8", errors="ignore")):
            if not (path.parent / target).exists():
                missing.append(f"{path.relative_to(root)} → {target}")
    assert missing == []
