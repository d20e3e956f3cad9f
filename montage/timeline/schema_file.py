"""``timeline.schema.json``: the committed copy of the schema the timeline model generates.

Regenerate it after changing ``model.py`` with ``python -m montage.timeline.schema_file``; a test fails
while the committed file and the model disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from montage.timeline.model import timeline_schema_text

SCHEMA_PATH = Path(__file__).with_name("timeline.schema.json")


def main() -> int:
    """Write the generated schema over the committed file; print whether it changed."""
    text = timeline_schema_text()
    changed = not SCHEMA_PATH.is_file() or SCHEMA_PATH.read_text(encoding="utf-8") != text
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"{SCHEMA_PATH}: {'updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
