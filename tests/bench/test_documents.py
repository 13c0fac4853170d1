"""The documents benchmark's small run: it builds its own instance and reports the three figures."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_small_run_prints_and_saves_the_three_figures(tmp_path):
    out = tmp_path / "documents"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{out / 'bench.db'}")  # never the suite's database
    proc = subprocess.run(
        [sys.executable, "-m", "bench.documents", "--decisions", "1", "--warmup", "0",
         "--events-dossier", "40", "--events-verifier", "60", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    text = proc.stdout
    assert "ratio app / bare, render + sign:" in text
    assert "Dossier of a case with 40 events" in text and "peak RSS (VmHWM)" in text
    assert "Verifier on a dossier of 60 events" in text and "events/s" in text and "VERIFIED" in text
    saved = json.loads((tmp_path / "documents.json").read_text())
    assert (tmp_path / "documents.txt").read_text() in text
    decision = saved["decision"]
    assert decision["app_pdf"]["signature_valid"] and decision["bare_pdf"]["signature_valid"]
    assert decision["bare_pdf"]["pages"] == 1
    assert decision["app_total"]["median_ms"] > 0 and decision["bare_total"]["median_ms"] > 0
    assert saved["dossier"]["events"] == 40 and saved["dossier"]["peak_rss_kib"] > saved["dossier"]["rss_before_kib"]
    assert saved["verifier"]["events"] == 60 and saved["verifier"]["exit_status"] == 0
