"""Quick fixes that rename variables: an output of the wrong rate, a name used but set under another.

A rate letter is part of a Csound name (`aSig` is audio, `kSig` control), so a slip in that letter
leaves two half-variables: one set and never read, one read and never set. Renaming every reference
of the one that is set, or pointing the reads at it, joins them again. Like every quick fix these are
only candidates: `quick_fixes` applies each in memory and keeps it only when its finding goes and no
error appears.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.opcode_checks import rate_words
from csound_lsp.features.fix_edits import ByteEdit, Fix, FixContext
from csound_lsp.features.name_index import NameKind, occurrences_of
from csound_lsp.syntax.model import DocumentModel, OpcodeCall, Scope, ScopeKind, Variable, rate_of

#: When an output's rate must change, the order to try the others in (closest first).
RENAME_ORDER = {"i": "ka", "k": "ai", "a": "ki"}
#: Outputs of one statement tried one by one at most.
_MAX_OUTPUTS = 4


def renamed(name: str, rate: str) -> str | None:
    """`kTrem` → `aTrem`, `gkLevel` → `gaLevel`; None for names that are only a rate letter."""
    if name.startswith("g") and len(name) > 2 and name[1] in "aki":
        return "g" + rate + name[2:]
    if len(name) > 1 and name[0] in "aki":
        return rate + name[1:]
    return None


def rename_fixes(ctx: FixContext, call: OpcodeCall, rates: str, why: str, output: int = 0) -> Iterator[Fix]:
    """Renames one output of a statement (`output`, the first by default) to each rate in turn, with
    every reference in scope. A statement with several outputs is renamed one output at a time."""
    if call.is_function or output >= len(call.outputs) or call.outputs[output].type != "identifier":
        return
    name = ctx.model.text(call.outputs[output])
    model = ctx.model
    variable = model.lookup_variable(name, call.scope)
    if variable is not None and variable.scope.kind is ScopeKind.GLOBAL:
        model = ctx.full()
        variable = model.global_scope.variables.get(name)
    if variable is None or variable.declared_type or variable.is_array or _has_macros(model, variable):
        return
    for rate in rates:
        new_name = renamed(name, rate)
        if new_name is None or new_name == name or _clashes(ctx, model, variable, new_name):
            continue
        edits = tuple(ByteEdit(ref.start_byte, ref.end_byte, new_name) for ref in variable.refs)
        yield Fix(f"Rename '{name}' to '{new_name}' ({why} {rate_words(rate)})", edits)


def _clashes(ctx: FixContext, model: DocumentModel, variable: Variable, new_name: str) -> bool:
    if new_name in variable.scope.variables or occurrences_of(ctx.document, NameKind.GLOBAL, new_name):
        return True
    if new_name in ctx.catalog or new_name in model.udos:
        return True
    # A global's new name must not collide with a local in any instrument either.
    return variable.is_global and any(new_name in scope.variables for scope in model.scopes)


def _has_macros(model: DocumentModel, variable: Variable) -> bool:
    scope: Scope = variable.scope
    return any(scope.start_byte <= ref.start_byte <= scope.end_byte for ref in model.macro_uses)


def output_rate(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """An output the opcode cannot give: renamed to a rate it gives. With several outputs
    (`kL, aR pan2 ...`) each is tried in turn; the check keeps the renames that end the error."""
    call = next(
        (c for c in ctx.model.calls() if c.outputs and c.outputs[0].start_byte == finding.start_byte), None
    )
    if call is None:
        return
    current = rate_of(ctx.model.text(call.outputs[0])) or ""
    offered = [str(r) for r in finding.data.get("offered") or []]
    udo = ctx.model.udos.get(call.name)
    if not offered and udo is not None and len(udo.output_types) == 1:
        offered = [udo.output_types]
    order = RENAME_ORDER.get(current, "aki")
    rates = "".join(r for r in order if r in offered)
    if len(call.outputs) == 1:
        yield from rename_fixes(ctx, call, rates, "the opcode gives")
        return
    for index in range(min(len(call.outputs), _MAX_OUTPUTS)):
        rate = rate_of(ctx.model.text(call.outputs[index])) or ""
        yield from rename_fixes(ctx, call, RENAME_ORDER.get(rate, ""), "the opcode gives", output=index)


def _near(name: str, other: str) -> bool:
    """Another rate letter (`aVal` / `kVal`), another case (`kenv` / `kEnv`) or a one-letter slip."""
    if name[1:] == other[1:] and name[:1] in "aki" and other[:1] in "aki":
        return True
    if name.lower() == other.lower():
        return True
    return name[:1] == other[:1] and difflib.SequenceMatcher(None, name, other).ratio() >= 0.85


def _first_set(variable: Variable) -> int:
    return variable.definitions[0].start_byte if variable.definitions else 0


def undefined_variable(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """A name read but never set (or read before it is set), beside one set under a near name: the
    set one renamed to the read name (when nothing else reads it: a slip where it is set), or the
    reads pointed at the set one."""
    name = str(finding.data.get("name") or ctx.text(finding.start_byte, finding.end_byte))
    located = ctx.model.variable_at(finding.start_byte)
    if located is None:
        return
    missing = located[0]
    scope = missing.scope
    if finding.code == "undefined-variable" and missing.definitions:
        return
    if scope.kind is ScopeKind.GLOBAL or _has_macros(ctx.model, missing):
        return  # a global's references reach every instrument: not worked out here
    for other in sorted(scope.variables.values(), key=_first_set):
        if other is missing or not other.definitions or other.declared_type:
            continue
        if not _near(name, other.name) or _has_macros(ctx.model, other):
            continue
        if not other.uses:  # set and never read: the slip is where it is set
            edits = tuple(ByteEdit(ref.start_byte, ref.end_byte, name) for ref in other.refs)
            yield Fix(f"Rename '{other.name}' to '{name}' where it is set", edits)
        edits = tuple(ByteEdit(ref.start_byte, ref.end_byte, other.name) for ref in missing.uses)
        yield Fix(f"Change '{name}' to '{other.name}'", edits)
