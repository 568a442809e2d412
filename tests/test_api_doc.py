"""docs/api.md: every ```pycon block runs, in order, as one doctest (whitespace normalised, so
long outputs may wrap) in a fresh starter project
(cxrules init), so the API page stays true."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from cxrules.project import init_project

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def test_the_api_page_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    init_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```pycon\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)
    assert len(blocks) >= 4
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "docs/api.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)
    assert runner.tries >= 20
