import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent


def test_importing_suiji_loads_no_django() -> None:
    code = (
        "import sys, suiji, suiji.cli, suiji.verify; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'numpy', 'scipy')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)


def test_no_source_file_mentions_django_imports() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text, path
        assert "from django" not in text, path
