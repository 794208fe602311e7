"""Deterministic quick fixes for static findings, as LSP code actions of kind `quickfix`.

Every candidate fix is applied in memory and the analysis is run again on the result: a fix is only
offered when its finding goes away and no new error appears, so a fix never trades one problem for
another. The fixes themselves are small text edits worked out from the model and the tree.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterator

from lsprotocol import types
from tree_sitter import Node

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.incremental import document_findings
from csound_lsp.analysis.opcode_checks import rate_words
from csound_lsp.catalog import Catalog, default_catalog
from csound_lsp.features import convert
from csound_lsp.features.fix_edits import (
    ByteEdit,
    Fix,
    FixContext,
    apply_edits,
    content_end,
    first_line_end,
    indent_at,
    insert_after_line,
    line_start,
)
from csound_lsp.features.header_fixes import missing_header, missing_table
from csound_lsp.features.variable_fixes import RENAME_ORDER, output_rate, rename_fixes, undefined_variable
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import focused_model
from csound_lsp.syntax.model import (
    OpcodeCall,
    ScopeKind,
    rate_of,
)

#: Conversions that change an argument's rate, keyed by the rate it has: (function, rate it gives).
_CONVERSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "a": (("k", "k"), ("downsamp", "k")),
    "k": (("a", "a"), ("interp", "a"), ("upsamp", "a"), ("i", "i")),
    "i": (("a", "a"),),
    "c": (("a", "a"),),
    "p": (("a", "a"),),
    "r": (("a", "a"),),
}
#: Which rates a type letter accepts, for UDO arguments (the catalog's own findings list them).
_LETTER_RATES = {"a": ("a",), "k": ("k", "i"), "i": ("i",), "J": ("k", "i"), "K": ("k", "i")}
_RENAME_ORDER = RENAME_ORDER

#: Opcodes that only compute a value from their inputs: a statement calling one of them, whose
#: result nobody reads, can go without changing what the instrument does.
PURE_OPCODES = frozenset(
    {
        "init", "oscil", "oscili", "oscil3", "poscil", "poscil3", "vco", "vco2", "lfo", "buzz", "gbuzz",
        "foscil", "foscili", "phasor", "linseg", "linsegr", "expseg", "expsega", "expsegr", "transeg",
        "cosseg", "line", "expon", "linen", "linenr", "adsr", "madsr", "xadsr", "mxadsr", "rand",
        "randi", "randh", "random", "rnd31", "noise", "pinkish", "pinker", "moogladder", "moogladder2",
        "moogvcf", "moogvcf2", "butterlp", "butterhp", "butterbp", "butterbr", "tone", "atone",
        "tonex", "reson", "resonz", "lowpass2", "zdf_ladder", "diode_ladder", "k35_lpf", "k35_hpf",
        "statevar", "svfilter", "table", "tablei", "table3", "tab_i", "tab", "port", "portk",
        "downsamp", "upsamp", "interp", "integ", "diff", "samphold", "limit", "balance", "balance2",
        "rms", "follow", "follow2", "pluck", "wgpluck2", "mtof", "ftom", "cpsmidinn", "cpspch",
        "octpch", "cpsoct", "ampdb", "dbamp", "ampdbfs", "dbfsamp", "abs", "int", "frac", "round",
        "floor", "ceil", "sin", "cos", "tan", "exp", "log", "log2", "log10", "sqrt", "pow", "min", "max",
        "a", "k", "i", "ntof", "semitone", "cent", "octave",
    }
)  # fmt: skip

#: Keywords that close a block, as the syntax errors name them (`missing-endin`...).
BLOCK_ENDS = frozenset({"endin", "endop", "endif", "fi", "od", "enduntil"})
#: Fixes an editor must not apply on its own (preferred fixes may run on save): deleting code.
_NEVER_PREFERRED = frozenset({"unused-variable"})
_BLOCKS = frozenset({"instrument_definition", "udo_definition", "if_statement", "while_loop", "until_loop"})
_STATEMENTS = frozenset({"opcode_statement", "assignment"})


def quick_fixes(
    document: Document,
    start_byte: int,
    end_byte: int,
    *,
    findings: list[Finding] | None = None,
    catalog: Catalog | None = None,
    for_diagnostics: list[types.Diagnostic] | None = None,
) -> list[types.CodeAction]:
    """Code actions for every finding that overlaps [start_byte, end_byte], checked fixes only.

    `for_diagnostics`: the diagnostics the client asks about (the request's context); when given, only
    fixes for those, so a fix never shows up under a diagnostic it does not repair."""
    all_findings = document_findings(document) if findings is None else findings
    here = [
        (f, convert.diagnostic(document, f))
        for f in all_findings
        if f.path is None and f.start_byte <= end_byte and start_byte <= f.end_byte and _maker_for(f)
    ]
    if for_diagnostics:
        wanted = {_diagnostic_key(d) for d in for_diagnostics}
        here = [(f, d) for f, d in here if _diagnostic_key(d) in wanted]
    if not here:  # the usual cursor move (or a syntax error being typed): no need for the whole model
        return []
    actions: list[types.CodeAction] = []
    for finding, diagnostic in here:
        ctx = _context(document, finding, catalog, all_findings)
        for fix in checked_fixes(ctx, finding):
            actions.append(_code_action(document, fix, diagnostic))
    return actions


def _diagnostic_key(diagnostic: types.Diagnostic) -> tuple[object, ...]:
    """What identifies a diagnostic the client sends back: its code, range and message."""
    r = diagnostic.range
    return (
        str(diagnostic.code),
        r.start.line,
        r.start.character,
        r.end.line,
        r.end.character,
        diagnostic.message,
    )


def fixes_for(document: Document, finding: Finding, *, catalog: Catalog | None = None) -> list[Fix]:
    """The checked fixes for one finding (what tests and the CLI use without LSP types)."""
    return checked_fixes(_context(document, finding, catalog, document_findings(document)), finding)


def _context(
    document: Document, finding: Finding, catalog: Catalog | None, findings: list[Finding]
) -> FixContext:
    """The finding's own instrument in full, the rest as the skeleton: no whole-document model per
    cursor move. Fixes that touch a global variable ask for the full model (`FixContext.full`)."""
    model = focused_model(document, finding.start_byte)
    return FixContext(document, model, catalog or default_catalog(), findings)


def _maker_for(finding: Finding) -> Callable[[FixContext, Finding], Iterator[Fix]] | None:
    maker = _MAKERS.get(finding.code)
    if maker is None and (
        finding.code.removeprefix("missing-") in BLOCK_ENDS or finding.code == "unclosed-block"
    ):
        return _missing_end
    return maker


def checked_fixes(ctx: FixContext, finding: Finding) -> list[Fix]:
    maker = _maker_for(finding)
    if maker is None:
        return []
    good = [fix for fix in maker(ctx, finding) if _still_valid(ctx, finding, fix)]
    if finding.code in _NEVER_PREFERRED:
        return [_not_preferred(fix) for fix in good]
    if good and not any(fix.preferred for fix in good):
        good[0] = Fix(good[0].title, good[0].edits, True, good[0].structural)
    elif sum(fix.preferred for fix in good) > 1:
        first = next(i for i, fix in enumerate(good) if fix.preferred)
        good = [fix if i == first else _not_preferred(fix) for i, fix in enumerate(good)]
    return good


def _not_preferred(fix: Fix) -> Fix:
    return Fix(fix.title, fix.edits, False, fix.structural)


def _code_action(document: Document, fix: Fix, diagnostic: types.Diagnostic) -> types.CodeAction:
    edits = [
        types.TextEdit(range=convert.byte_range(document, e.start, e.end), new_text=e.text)
        for e in sorted(fix.edits, key=lambda e: e.start)
    ]
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(changes={document.uri: edits}),
        is_preferred=fix.preferred or None,
    )


# -- checking a fix ----------------------------------------------------------------------------------


def _counts(findings: list[Finding], errors_only: bool) -> Counter[str]:
    return Counter(f.code for f in findings if not errors_only or f.severity is Severity.ERROR)


def _still_valid(ctx: FixContext, finding: Finding, fix: Fix) -> bool:
    """Applies the fix in memory: its finding must go and no error may be added."""
    if not fix.edits:
        return False
    if apply_edits(ctx.source, fix.edits) == ctx.source:  # a fix that changes nothing fixes nothing
        return False
    source, before = _validation_base(ctx, fix)
    if finding not in before:
        before = [*before, finding]
    text = apply_edits(source, fix.edits).decode("utf-8", "replace")
    fixed = Document(ctx.document.uri, text, kind=ctx.document.kind)
    after = static_findings(fixed, ctx.catalog)
    if _counts(after, False)[finding.code] >= _counts(before, False)[finding.code]:
        return False
    errors_before, errors_after = _counts(before, True), _counts(after, True)
    for code, count in errors_after.items():
        if fix.structural and not code.startswith(("syntax-error", "missing", "unclosed-block")):
            continue
        if count > errors_before[code]:
            return False
    return True


def _validation_base(ctx: FixContext, fix: Fix) -> tuple[bytes, list[Finding]]:
    """The text a fix is checked against, and its findings before the fix.

    A fix whose edits all lie inside one instrument cannot change what the analysis says about the
    others, so they are blanked out (every byte but line breaks becomes a space: offsets stay put)
    and both sides of the comparison are analysed without them. Large pieces stay quick.
    """
    instruments = ctx.model.instruments
    if fix.structural or len(instruments) < 2:
        return ctx.source, ctx.findings
    inside = [
        i
        for i in instruments
        if all(i.node.start_byte < e.start and e.end <= content_end(i.node) for e in fix.edits)
    ]
    if len(inside) != 1:
        return ctx.source, ctx.findings
    kept = inside[0]
    cached = ctx.reduced.get(id(kept))
    if cached is None:
        blanked = bytearray(ctx.source)
        for other in instruments:
            if other is not kept:
                start, end = other.node.start_byte, other.node.end_byte
                blanked[start:end] = bytes(b if b in b"\r\n" else 0x20 for b in blanked[start:end])
        reduced = bytes(blanked)
        text = reduced.decode("utf-8", "replace")
        findings = static_findings(Document(ctx.document.uri, text, kind=ctx.document.kind), ctx.catalog)
        cached = ctx.reduced[id(kept)] = (reduced, findings)
    return cached


def _node_at(ctx: FixContext, start: int, end: int) -> Node | None:
    node = ctx.document.tree.root_node.named_descendant_for_byte_range(start, end)
    return node if node is not None and node.start_byte == start and node.end_byte == end else None


def _call_with_argument(ctx: FixContext, start: int, end: int) -> tuple[OpcodeCall, int] | None:
    for call in ctx.model.calls():
        for index, argument in enumerate(call.arguments):
            if argument.start_byte == start and argument.end_byte == end:
                return call, index
    return None


# -- the fixes -------------------------------------------------------------------------------------


def _rate_mismatch(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """Wraps the argument in a rate conversion, or changes the rate of the statement's output."""
    found = str(finding.data.get("found", "")).rstrip("[]")
    if found != finding.data.get("found", ""):
        return  # arrays: no scalar conversion applies
    accepts = [str(r) for r in finding.data.get("accepts") or []]
    if not accepts:
        accepts = list(_LETTER_RATES.get(str(finding.data.get("letter", "")), ("a", "k", "i")))
    text = ctx.text(finding.start_byte, finding.end_byte)
    for function, rate in _CONVERSIONS.get(found, ()):
        if rate in accepts:
            yield Fix(
                f"Convert to {rate_words(rate)}: {function}({text})",
                (ByteEdit(finding.start_byte, finding.end_byte, f"{function}({text})"),),
            )
    located = _call_with_argument(ctx, finding.start_byte, finding.end_byte)
    if located is not None:
        call = located[0]
        current = rate_of(ctx.model.text(call.outputs[0])) if len(call.outputs) == 1 else None
        if current in _RENAME_ORDER:
            yield from rename_fixes(ctx, call, _RENAME_ORDER[current], "make the output")


def _unknown_opcode(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    for suggestion in finding.data.get("suggestions") or []:
        yield Fix(
            f"Change to '{suggestion}'",
            (ByteEdit(finding.start_byte, finding.end_byte, str(suggestion)),),
        )


def _missing_end(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """Closes the block on a new line after its last statement, at the block's indentation (offered
    on the block's first line and where the block is found still open).

    When the parser ran on into the next `instr` or `opcode` (an `if` left open at the end of an
    instrument), the enclosing blocks are closed there too, so the next one starts clean.
    """
    at_end = finding.code == "unclosed-block"  # named where the block is found still open
    keyword = str(finding.data.get("keyword", "")) if at_end else finding.code.removeprefix("missing-")
    for missing in _missing_nodes(ctx.document.tree.root_node, keyword):
        block = missing.parent
        while block is not None and block.type not in _BLOCKS:
            block = block.parent
        if block is None or (missing.start_byte if at_end else block.start_byte) != finding.start_byte:
            continue
        indent = indent_at(ctx.source, block.start_byte)
        end, cut = _blockcontent_end(ctx, block, missing, len(indent))
        lines = [indent + keyword]
        if cut:
            lines += _enclosing_ends(ctx, block)
        edit = insert_after_line(ctx.source, end, lines)
        title = f"Insert '{keyword}'" + "".join(f" and '{line.strip()}'" for line in lines[1:])
        yield Fix(title, (edit,), preferred=True, structural=True)
        return


_END_KEYWORDS = {
    "instrument_definition": "endin",
    "udo_definition": "endop",
    "if_statement": "endif",
    "while_loop": "od",
    "until_loop": "od",
}


def _enclosing_ends(ctx: FixContext, block: Node) -> list[str]:
    """The closing lines of the blocks around `block`, innermost first, up to its instr or opcode."""
    lines: list[str] = []
    if block.type in ("instrument_definition", "udo_definition"):
        return lines
    current = block.parent
    while current is not None:
        keyword = _END_KEYWORDS.get(current.type)
        if keyword is not None:
            lines.append(indent_at(ctx.source, current.start_byte) + keyword)
            if current.type in ("instrument_definition", "udo_definition"):
                break
        current = current.parent
    return lines


def _missing_nodes(root: Node, keyword: str) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing and node.type == keyword:
            yield node
        elif node.has_error:
            stack.extend(reversed(node.children))


def _blockcontent_end(ctx: FixContext, block: Node, missing: Node, block_indent: int) -> tuple[int, bool]:
    """The end of the block's last statement (and of comments indented under it), and whether the
    block ran on into the start of another instrument or UDO."""
    end = first_line_end(ctx.source, block.start_byte)
    for child in block.children:
        if child == missing or child.start_byte > missing.start_byte or child.is_missing:
            break
        if child.is_error and (child.text or b"").lstrip().startswith((b"instr", b"opcode")):
            return end, True
        if child.type == "comment":
            if len(indent_at(ctx.source, child.start_byte)) > block_indent or child.start_byte < end:
                end = max(end, content_end(child))
            continue
        end = max(end, content_end(child))
    return end, False


def _unused_variable(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """Removes the statements that assign an unused variable, when they do nothing else."""
    located = ctx.model.variable_at(finding.start_byte)
    if located is not None and located[0].scope.kind is ScopeKind.GLOBAL:
        located = ctx.full().variable_at(finding.start_byte)
    if located is None:
        return
    variable = located[0]
    edits: list[ByteEdit] = []
    for definition in variable.definitions:
        node = _node_at(ctx, definition.start_byte, definition.end_byte)
        statement = node.parent if node is not None else None
        if statement is None or statement.type not in _STATEMENTS or not _removable(ctx, statement):
            return
        edits.append(_remove_statement(ctx.source, statement))
    if len({(e.start, e.end) for e in edits}) != len(edits):
        return
    yield Fix(f"Remove the unused '{variable.name}'", tuple(edits))


def _removable(ctx: FixContext, statement: Node) -> bool:
    if statement.type == "assignment":
        operator = statement.child_by_field_name("operator")
        left = statement.child_by_field_name("left")
        if operator is None or ctx.model.text(operator) != "=" or left is None or left.type != "identifier":
            return False
        right = statement.child_by_field_name("right")
        return right is not None and _pure(ctx, right)
    outputs = statement.children_by_field_name("output")
    opcode = statement.child_by_field_name("opcode")
    if len(outputs) != 1 or outputs[0].type != "identifier" or opcode is None:
        return False
    if ctx.model.text(opcode) not in PURE_OPCODES:
        return False
    arguments = statement.child_by_field_name("arguments")
    return arguments is None or _pure(ctx, arguments)


def _pure(ctx: FixContext, node: Node) -> bool:
    """No call inside that could do something (only known pure functions), and no macros."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "macro_use":
            return False
        if current.type == "call_expression":
            function = current.child_by_field_name("function")
            if function is None or ctx.model.text(function) not in PURE_OPCODES:
                return False
        stack.extend(current.named_children)
    return True


def _remove_statement(source: bytes, statement: Node) -> ByteEdit:
    """The whole line when the statement stands alone on it; after a label, just the statement."""
    start = statement.start_byte
    first = line_start(source, start)
    end = content_end(statement)
    prefix = source[first:start]
    if prefix.strip():
        return ByteEdit(first + len(prefix.rstrip()), end, "")
    newline = source.find(b"\n", end)
    return ByteEdit(first, newline + 1 if newline != -1 else len(source), "")


def _undefined_macro(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """A macro name one typo away from a defined one: use that one."""
    written = ctx.text(finding.start_byte, finding.end_byte)
    name = written.lstrip("$").rstrip(".")
    defined = sorted(ctx.full().macros)
    for candidate in difflib.get_close_matches(name, defined, n=2, cutoff=0.75):
        if candidate == name:  # defined after all (a definition we did not read): renaming changes nothing
            continue
        at = finding.start_byte + written.index(name)
        yield Fix(f"Change to '${candidate}'", (ByteEdit(at, at + len(name.encode()), candidate),))


#: Characters that have no place in orchestra code outside strings and comments: a stray one, left by
#: a paste or a slip of the hand, is the usual syntax error in old files.
_STRAY_CHARACTERS = frozenset("?`@~\\")
_MAX_STRAY_CANDIDATES = 4


def _stray_character(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """Removing one stray character on the error's lines, when that alone ends the syntax error."""
    start = line_start(ctx.source, finding.start_byte)
    end = first_line_end(ctx.source, max(finding.start_byte, finding.end_byte - 1))
    tried = 0
    for offset in range(start, end):
        char = chr(ctx.source[offset])
        if char not in _STRAY_CHARACTERS or _in_string_or_comment(ctx, offset):
            continue
        tried += 1
        if tried > _MAX_STRAY_CANDIDATES:
            return
        yield Fix(f"Remove the stray '{char}'", (ByteEdit(offset, offset + 1, ""),))


#: What can end an argument, and what can start the next one.
_ARGUMENT_END = re.compile(rb"[\w.)\]\"]$")
_ARGUMENT_START = re.compile(rb"[\w.(\"$-]")


def _missing_comma(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """Two arguments with only spaces between them (`89,.0112,0  144,.0069,0`, a comma lost in a
    long GEN list): a comma after the first, when the syntax error is the second's start."""
    start = finding.start_byte
    if not _ARGUMENT_START.match(ctx.source[start : start + 1]):
        return
    line_begin = line_start(ctx.source, start)
    before = ctx.source[line_begin:start]
    gap = len(before) - len(before.rstrip(b" \t"))
    if gap == 0 or not _ARGUMENT_END.search(before.rstrip(b" \t")) or b"," not in before:
        return
    if _in_string_or_comment(ctx, start):
        return
    at = start - gap
    yield Fix("Insert the missing comma", (ByteEdit(at, at, ","),))


_OPEN_SECTION = re.compile(rb"<(Cs\w+)[^>/]*>")
_SECTION_TAG_LINE = re.compile(rb"^[ \t]*</?Cs\w+", re.M)


def _missing_section_end(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """A section opened and never closed (`<CsInstruments>` with no `</CsInstruments>`): the parser
    stops at its start tag. The end tag goes on its own line before the next section tag."""
    opened = _OPEN_SECTION.match(ctx.source, finding.start_byte)
    if opened is None or opened.group(1) == b"CsoundSynthesizer":
        return
    name = opened.group(1).decode()
    closing = f"</{name}>".encode()
    if closing.lower() in ctx.source[opened.end() :].lower():
        return  # closed after all: another problem
    following = _SECTION_TAG_LINE.search(ctx.source, opened.end())
    at = following.start() if following is not None else len(ctx.source)
    newline = b"" if at == 0 or ctx.source[at - 1 : at] == b"\n" else b"\n"
    text = (newline + closing + b"\n").decode()
    yield Fix(f"Insert '</{name}>'", (ByteEdit(at, at, text),))


def _syntax_error(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    yield from _missing_section_end(ctx, finding)
    yield from _missing_comma(ctx, finding)
    yield from _stray_character(ctx, finding)


def _in_string_or_comment(ctx: FixContext, offset: int) -> bool:
    node = ctx.document.tree.root_node.descendant_for_byte_range(offset, offset + 1)
    while node is not None:
        if node.type in ("string", "multiline_string", "comment", "macro_body"):
            return True
        node = node.parent
    return False


def _exponential_zero(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    yield Fix("Replace 0 with 0.001", (ByteEdit(finding.start_byte, finding.end_byte, "0.001"),))


_MAKERS: dict[str, Callable[[FixContext, Finding], Iterator[Fix]]] = {
    "rate-mismatch": _rate_mismatch,
    "output-rate": output_rate,
    "undefined-variable": undefined_variable,
    "used-before-defined": undefined_variable,
    "unknown-opcode": _unknown_opcode,
    "missing-header": missing_header,
    "amplitudes-without-0dbfs": missing_header,
    "missing-table": missing_table,
    "unused-variable": _unused_variable,
    "exponential-zero": _exponential_zero,
    "undefined-macro": _undefined_macro,
    "syntax-error": _syntax_error,
}
