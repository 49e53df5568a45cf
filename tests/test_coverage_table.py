"""The README's coverage table is the one the registry specs give today."""

import importlib

import pytest

from tests import coverage_table


def test_readme_coverage_table_is_current():
    try:
        importlib.import_module("scipy")
    except ImportError:
        pytest.skip("SciPy (the optional scipy extra) is not installed: the chainrule.scipy "
                    "rows cannot be generated")
    section = coverage_table.readme_section(coverage_table.README.read_text())
    assert section == coverage_table.markdown().strip("\n"), (
        "README.md's coverage table is out of date: run `.venv/bin/python -m "
        "tests.coverage_table --write`"
    )


def test_every_covered_name_is_a_public_function():
    """A spec's ``covers`` must name real functions, so a typo cannot claim coverage."""
    known = set()
    for namespace in coverage_table.NAMESPACES:
        functions = coverage_table._public_functions(namespace)
        for name in functions or ():
            known.add(name)
            known.add(f"{namespace.rsplit('.', 1)[-1]}.{name}")
    unknown = {(spec.name, word) for specs in coverage_table._specs_by_module().values()
               for spec in specs if spec.covers for word in spec.covers
               if word not in known}
    assert not unknown, f"Spec.covers names no public function: {sorted(unknown)}"
