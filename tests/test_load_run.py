"""Loopback load run (issue 8): gunicorn as `make serve` runs it, locust at increasing concurrency,
every answer checked (bench/locustfile.py). Short here; `make soak` runs it up to saturation."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from soak import sized

pytestmark = [pytest.mark.load, pytest.mark.live, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def test_no_failed_or_wrong_answer_under_load(seed_build):
    import load

    levels = sized([2, 8], [1, 2, 4, 8, 16, 32, 64])
    rows, saturated_at, alive = load.run(seed_build.out / "kuntakg.trig", levels, sized(6, 20))
    out = ROOT / "test-artifacts" / "load"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps({"levels": rows, "saturation_users": saturated_at}, indent=1))
    print("\nload:", rows, "saturation at", saturated_at)
    assert alive
    assert all(r["requests"] > 0 for r in rows)
    assert sum(r["failures"] for r in rows) == 0, rows
