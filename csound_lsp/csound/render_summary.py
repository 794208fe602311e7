"""A render's report in the two forms its callers show: lines for a terminal, JSON for an editor.

Shared by `csound-lsp render` and the server's `csound.render` command so both say the same thing.
"""

from __future__ import annotations

import math
from typing import Any

from csound_lsp.csound.render import RenderReport

__all__ = ["problems", "report_lines", "report_to_json"]


def _level(dbfs: float) -> float | None:
    """dBFS rounded for JSON; None for silence (-inf is not valid JSON)."""
    return round(dbfs, 2) if math.isfinite(dbfs) else None


def problems(report: RenderReport) -> list[str]:
    """What is wrong with the result, in words; empty for a clean render."""
    found = list(report.errors)
    if report.ok or not report.errors:
        if report.silent:
            found.append("the output is silent (peak below -90 dBFS)")
        if report.clipped:
            found.append(f"the output clips (peak {report.peak:.3f}, above full scale 1.0)")
        if report.non_finite:
            found.append("the output holds NaN or infinite samples")
    return found


def report_to_json(report: RenderReport) -> dict[str, Any]:
    """Every measurement, JSON-safe (levels in dBFS are null for silence)."""
    return {
        "ok": report.ok,
        "summary": report.summary(),
        "returncode": report.returncode,
        "timed_out": report.timed_out,
        "duration_s": round(report.duration, 4),
        "sample_rate": report.sample_rate,
        "channels": report.channels,
        "peak": round(report.peak, 6),
        "peak_dbfs": _level(report.peak_dbfs),
        "rms": round(report.rms, 6),
        "rms_dbfs": _level(report.rms_dbfs),
        "silent": report.silent,
        "clipped": report.clipped,
        "non_finite": report.non_finite,
        "errors": list(report.errors),
        "problems": problems(report),
        "dropped_options": list(report.dropped_options),
        "out_wav": str(report.out_wav) if report.out_wav is not None else None,
    }


def _db(value: float) -> str:
    return f"{value:.1f} dBFS" if math.isfinite(value) else "-inf dBFS"


def report_lines(report: RenderReport, name: str) -> list[str]:
    """A short, aligned report for a terminal."""
    if report.duration == 0.0 and not report.ok:
        lines = [f"{name}: render failed"]
        lines += [f"  error: {error}" for error in report.errors]
        return lines
    lines = [
        f"{name}: {'rendered' if report.ok else 'rendered with errors'}",
        f"  duration  {report.duration:.3f} s ({report.channels} ch @ {report.sample_rate} Hz)",
        f"  peak      {_db(report.peak_dbfs)} ({report.peak:.4f})",
        f"  rms       {_db(report.rms_dbfs)} ({report.rms:.4f})",
        f"  silence   {'yes' if report.silent else 'no'}",
        f"  clipping  {'yes' if report.clipped else 'no'}",
    ]
    if report.non_finite:
        lines.append("  NaN/inf   yes")
    if report.timed_out:
        lines.append("  stopped   the wall-time limit was reached")
    if report.out_wav is not None:
        lines.append(f"  written   {report.out_wav}")
    lines += [f"  dropped option: {option}" for option in report.dropped_options]
    lines += [f"  error: {error}" for error in report.errors]
    return lines
