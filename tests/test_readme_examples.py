"""The README's Python examples run and print what the README says they print."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_the_training_example_prints_its_stated_accuracy():
    block = next(b for b in _python_blocks() if "load_digits" in b)
    stated = re.search(r"# (val accuracy .*)", block).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102  (our own README)
    assert out.getvalue().strip() == stated
