"""Quick fixes for what a piece's header and tables lack: sr/ksmps/nchnls/0dbfs, and `f` tables.

`0dbfs` is only set to a scale the piece's amplitudes are written for (`analysis.amplitudes`).
"""

from __future__ import annotations

from collections.abc import Iterator

from csound_lsp.analysis.amplitudes import amplitude_scale
from csound_lsp.analysis.findings import Finding
from csound_lsp.features.fix_edits import ByteEdit, Fix, FixContext, indent_at, insert_after_line
from csound_lsp.features.name_index import NameKind, occurrences_of
from csound_lsp.syntax.model import HeaderSetting

#: The header a new piece starts with.
STANDARD_HEADER = ("sr = 44100", "ksmps = 32", "nchnls = 2", "0dbfs = 1")
#: A sine wave, the table most examples expect (GEN10 with one harmonic).
SINE_TABLE = "0 8192 10 1"


def _full_scale(ctx: FixContext) -> str | None:
    """The 0dbfs the piece's amplitudes are written for ("1" or "32768"), None when they do not say:
    `0dbfs = 1` on a piece of `oscil 20000, ...` would clip everything."""
    scale = amplitude_scale(ctx.full())
    if scale.sixteen_bit:
        return "32768"
    return "1" if scale.normalised else None


def missing_header(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    model = ctx.model
    orchestra = next((s for s in model.sections if s.tag in ("CsInstruments", "CsOrchestra")), None)
    present = [s for s in model.header.values() if orchestra is None or orchestra.start_byte <= s.start_byte]
    full_scale = _full_scale(ctx)
    if not any(name in model.header for name in ("sr", "kr", "ksmps", "nchnls", "0dbfs")):
        anchor = orchestra.start_byte if orchestra is not None else None
        if anchor is None:
            return
        header = [line for line in STANDARD_HEADER if not line.startswith("0dbfs")]
        if full_scale is not None:
            header.append(f"0dbfs = {full_scale}")
        edit = insert_after_line(ctx.source, anchor, header)
        names = ", ".join(line.split(" = ")[0] for line in header)
        yield Fix(f"Insert the standard header ({names})", (edit,))
        return
    if "0dbfs" in model.header or full_scale is None:
        return
    last = max(present, key=lambda s: s.start_byte, default=None)
    if last is not None:
        indent = indent_at(ctx.source, last.start_byte)
        edit = insert_after_line(ctx.source, setting_end(ctx, last), [f"{indent}0dbfs = {full_scale}"])
    elif orchestra is not None:
        edit = insert_after_line(ctx.source, orchestra.start_byte, [f"0dbfs = {full_scale}"])
    else:
        return
    yield Fix(f"Insert '0dbfs = {full_scale}'", (edit,))


def setting_end(ctx: FixContext, setting: HeaderSetting) -> int:
    return setting.start_byte + len(ctx.source[setting.start_byte : setting.end_byte].rstrip())


def missing_table(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    number = finding.data.get("table")
    if not isinstance(number, int) or number <= 0:
        return
    score = next((s for s in ctx.model.sections if s.tag == "CsScore"), None)
    if score is not None:
        edit = insert_after_line(ctx.source, score.start_byte, [f"f {number} {SINE_TABLE}"])
        yield Fix(f"Add a sine table: 'f {number} {SINE_TABLE}' in the score", (edit,))
        return
    name = f"giTable{number}"
    if occurrences_of(ctx.document, NameKind.GLOBAL, name):
        return
    line = f"{name} ftgen {number}, {SINE_TABLE.replace(' ', ', ')}"
    orchestra = next((s for s in ctx.model.sections if s.tag in ("CsInstruments", "CsOrchestra")), None)
    settings = list(ctx.model.header.values())
    if settings:
        last = max(settings, key=lambda s: s.start_byte)
        edit = insert_after_line(ctx.source, setting_end(ctx, last), [line])
    elif orchestra is not None:
        edit = insert_after_line(ctx.source, orchestra.start_byte, [line])
    else:
        edit = ByteEdit(0, 0, line + "\n")
    yield Fix(f"Add a sine table: '{line}'", (edit,))
