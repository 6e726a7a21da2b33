"""Where the project's data lives, so that no module hard-codes a path."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SOURCES_DIR = DATA_DIR / "sources"
SOURCES_METADATA = SOURCES_DIR / "sources.yaml"
SCHEMAS_DIR = DATA_DIR / "schemas"
CODING_DIR = DATA_DIR / "coding"
