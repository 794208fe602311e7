"""Hover: what the thing under the cursor is, in Markdown.

Opcodes show every overload with its type letters in words and mark the one Csound would use at this
very call (from the rates of its outputs and arguments), plus our description, argument meanings and
example. Also covered: UDOs, variables, macros, header constants, `<CsOptions>` flags, and in the score
the instrument a statement plays, what each p-field feeds, and the GEN routine of an `f` statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from tree_sitter import Node

from csound_lsp.analysis.expressions import UNKNOWN, TypeContext, expression_type, variable_type_of
from csound_lsp.analysis.udo_overloads import choose_udo, udo_definitions
from csound_lsp.catalog import Catalog, default_catalog
from csound_lsp.catalog.gen_routines import gen_routine, gen_table
from csound_lsp.catalog.headers import header_constant
from csound_lsp.catalog.options import match_option, safety_kinds
from csound_lsp.catalog.types import RATE_WORDS, split_found
from csound_lsp.features import convert, csound7
from csound_lsp.features.opcode_text import (
    manual_dir,
    opcode_hover_text,
    opcode_markdown,
    rate_words,
    udo_markdown,
)
from csound_lsp.features.overloads import choose
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document, Position
from csound_lsp.syntax.focus import focused_model, with_body
from csound_lsp.syntax.model import HEADER_NAMES, DocumentModel, Instrument, ScoreStatement, Udo

_STATEMENTS = frozenset({"opcode_statement", "assignment", "expression_statement", "if_statement"})
_SCORE_MEANINGS = {
    1: "instrument number or name",
    2: "start time in beats",
    3: "duration in beats (negative: held until turned off)",
}


def hover(
    document: Document, position: Position, settings: Settings | None = None, catalog: Catalog | None = None
) -> types.Hover | None:
    """The hover for a position, or None where there is nothing to say."""
    found = hover_at(document, document.index.offset(position), settings, catalog)
    return as_hover(document, *found) if found is not None else None


def resolve_completion(
    item: types.CompletionItem, settings: Settings | None = None, catalog: Catalog | None = None
) -> types.CompletionItem:
    """Fills a completion item's `documentation` from its `data` (`{"kind": ..., "name": ...}`): the
    hover text of the opcode, GEN routine or option it completes."""
    data = item.data if isinstance(item.data, dict) else {}
    kind, name = data.get("kind"), str(data.get("name", ""))
    text = ""
    if kind == "opcode":
        text = opcode_hover_text(name, settings, catalog)
    elif kind == "gen":
        text = gen_markdown(name)
    elif kind == "option":
        text = option_markdown(name)
    if text:
        item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return item


def hover_at(
    document: Document, offset: int, settings: Settings | None = None, catalog: Catalog | None = None
) -> tuple[str, int, int] | None:
    """The hover's Markdown and the byte range it is about, for a byte offset."""
    root = document.tree.root_node
    node = root.named_descendant_for_byte_range(offset, offset) or root
    found = _describe(document, node, offset, settings or Settings(), catalog or default_catalog())
    if found is None:
        return None
    text, target = found
    return text, target.start_byte, target.end_byte


def as_hover(document: Document, text: str, start_byte: int, end_byte: int) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=convert.byte_range(document, start_byte, end_byte),
    )


def _describe(
    document: Document, node: Node, offset: int, settings: Settings, catalog: Catalog
) -> tuple[str, Node] | None:
    model = focused_model(document, offset)
    parent = node.parent
    if node.type in ("option_flag", "option_value", "option") or (parent and parent.type == "option"):
        option = node if node.type == "option" else parent
        return (option_markdown(model.text(option)), node) if option is not None else None
    keyword = goto_keyword(node, offset)
    if keyword is not None:
        text = opcode_hover_text(model.text(keyword), settings, catalog)
        return (text, keyword) if text else None
    for ancestor in _ancestors(node):
        if ancestor.type == "score_statement":
            return _score_hover(document, model, ancestor, node)
        if ancestor.type == "macro_use":
            name_node = ancestor.child_by_field_name("name")
            name = model.text(name_node).lstrip("$").rstrip(".") if name_node else ""
            return (_macro_hover(model, name), ancestor) if name in model.macros else None
        if ancestor.type in _STATEMENTS or ancestor.type.endswith("_definition"):
            break
    text = model.text(node)
    struct = csound7.struct_at(model, node)
    if struct is not None:
        return csound7.struct_markdown(struct), node
    member = csound7.member_at(model, node, model.scope_at(offset))
    if member is not None:
        return csound7.member_markdown(*member), node
    if node.type in ("opcode_name", "identifier"):
        if text in model.udos:
            return udo_markdown(_udo_at(model, node, text, catalog)), node
        if parent is not None and parent.type == "define_directive":
            return (_macro_hover(model, text), node) if text in model.macros else None
        if _is_opcode_position(node):
            statement = parent if parent is not None else node
            return _opcode_at_call(document, node, statement, text, settings, catalog), node
        if text in HEADER_NAMES:
            return _header_hover(model, text), node
        if parent is not None and parent.type in ("label_statement", "goto_statement", "if_goto_statement"):
            return _label_hover(document, text, offset), node
        found = model.variable_at(offset)
        if found is not None:
            return _variable_hover(document, found[0].name, offset), node
        label = _label_hover(document, text, offset)
        if "not defined" not in label:
            return label, node
        return None
    if node.type in ("number", "string"):
        for ref in model.instrument_refs:
            if ref.start_byte == node.start_byte and ref.end_byte == node.end_byte:
                instrument = model.instrument_named(ref.name)
                if instrument is None:
                    return None
                return instrument_markdown(model, with_body(document, instrument)), node
    return None


def _ancestors(node: Node) -> list[Node]:
    chain: list[Node] = []
    current: Node | None = node
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


_GOTO_WORDS = frozenset({"goto", "igoto", "kgoto"})


def goto_keyword(node: Node, offset: int) -> Node | None:
    """The `kgoto`/`igoto`/`goto` word under `offset`: an unnamed token of the goto statements that is
    still an opcode to Csound (hover, signature help and completion treat it as one)."""
    if node.type not in ("goto_statement", "if_goto_statement"):
        return None
    for child in node.children:
        if not child.is_named and child.type in _GOTO_WORDS and child.start_byte <= offset <= child.end_byte:
            return child
    return None


def _udo_at(model: DocumentModel, node: Node, name: str, catalog: Catalog) -> Udo:
    """The definition this name stands for: the one it names, or the overload Csound calls here."""
    definitions = udo_definitions(model, name)
    parent = node.parent
    for udo in definitions:
        if parent is not None and udo.node == parent:
            return udo
    if len(definitions) > 1 and parent is not None and _is_opcode_position(node):
        outs, ins = call_types(parent, TypeContext.at(model, node.start_byte, catalog))
        return choose_udo(definitions, outs, ins)
    return definitions[0] if definitions else model.udos[name]


def _is_opcode_position(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "opcode_statement":
        opcode = parent.child_by_field_name("opcode")
        return opcode is not None and opcode.id == node.id
    if parent.type == "call_expression":
        function = parent.child_by_field_name("function")
        return function is not None and function.id == node.id
    return False


# -- opcodes ----------------------------------------------------------------------------------------
def call_types(node: Node, ctx: TypeContext) -> tuple[list[str] | None, list[str]]:
    """Output and argument types of an opcode statement or call node (outputs None when unknown)."""
    arguments = node.child_by_field_name("arguments")
    args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    ins = [expression_type(a, ctx) for a in args]
    if node.type == "opcode_statement":
        outputs = node.children_by_field_name("output")
        return [_target_type(o, ctx) for o in outputs], ins
    rate = node.child_by_field_name("rate")
    if rate is not None:
        return [ctx.model.text(rate).lstrip(":").strip()], ins
    parent = node.parent
    if parent is not None and parent.type == "assignment":
        left = parent.child_by_field_name("left")
        right = parent.child_by_field_name("right")
        if left is not None and right is not None and right.id == node.id:
            return [_target_type(left, ctx)], ins
    return None, ins


def _target_type(node: Node, ctx: TypeContext) -> str:
    if node.type == "array_declaration":
        name = node.child_by_field_name("name")
        if name is not None:
            base = variable_type_of(ctx.model.text(name), ctx)
            return base if base.endswith("]") or base == UNKNOWN else base + "[]"
    return expression_type(node, ctx)


def _opcode_at_call(
    document: Document, node: Node, statement: Node, name: str, settings: Settings, catalog: Catalog
) -> str:
    opcode = catalog.get(name)
    if opcode is None:
        return f"**{name}**: not an opcode Csound knows, nor a UDO defined in this file."
    ctx = TypeContext.at(focused_model(document, node.start_byte), node.start_byte, catalog)
    outs, ins = call_types(statement, ctx)
    chosen = choose(opcode, outs, ins, complete=True)
    return opcode_markdown(opcode, chosen, _call_words(outs, ins), manual_dir(settings), matched=True)


def _call_words(outs: Sequence[str] | None, ins: Sequence[str]) -> str:
    def word(found: str) -> str:
        base, dims = split_found(found)
        text = RATE_WORDS.get(base, "unknown type") if base != UNKNOWN else "unknown type"
        return text + " array" * (1 if dims else 0)

    parts = []
    if outs:
        parts.append("writes " + ", ".join(word(t) for t in outs))
    parts.append("reads " + (", ".join(word(t) for t in ins) if ins else "no arguments"))
    return "; ".join(parts)


def _lines_of(document: Document, offsets: list[int]) -> str:
    numbers = sorted({document.index.position(o).line + 1 for o in offsets})
    shown = ", ".join(str(n) for n in numbers[:12])
    return shown + (f" and {len(numbers) - 12} more" if len(numbers) > 12 else "")


def _variable_hover(document: Document, name: str, offset: int) -> str:
    model = focused_model(document, offset)
    scope = model.scope_at(offset)
    variable = model.lookup_variable(name, scope)
    if variable is None:
        return f"**{name}**"
    ctx = TypeContext(model, scope, default_catalog())
    type_text = variable_type_of(name, ctx)
    if type_text == "p":
        return _pfield_variable_hover(document, name, offset)
    where = "global" if variable.is_global else f"local to {variable.scope.name}"
    what = rate_words(type_text)
    if variable.declared_type:  # Csound 7: `name:type`
        what = f"{csound7.type_words(variable.declared_type)} (`{name}:{variable.declared_type}`)"
    lines = [f"**{name}** — {what}, {where}", ""]
    if variable.definitions:
        lines.append(f"Defined on line {_lines_of(document, [r.start_byte for r in variable.definitions])}")
    else:
        lines.append("Never assigned in this file.")
    if variable.uses:
        lines.append(f"Used on line {_lines_of(document, [r.start_byte for r in variable.uses])}")
    return "\n".join(lines)


def _pfield_variable_hover(document: Document, name: str, offset: int) -> str:
    number = int(name[1:])
    meaning = _SCORE_MEANINGS.get(number, "a value from the score statement that starts this instrument")
    return f"**{name}** — p-field {number}: {meaning} (init-time)"


def _label_hover(document: Document, name: str, offset: int) -> str:
    scope = focused_model(document, offset).scope_at(offset)
    label = scope.labels.get(name)
    if label is None or label.definition is None:
        return f"**{name}** — label, not defined in {scope.name}"
    line = document.index.position(label.definition.start_byte).line + 1
    return f"**{name}** — label in {scope.name}, defined on line {line}"


def _macro_hover(model: DocumentModel, name: str) -> str:
    macro = model.macros[name]
    params = f"({chr(39).join(macro.parameters)})" if macro.parameters else ""
    return "\n".join(
        [f"**${name}** — macro", "", "```csound", f"#define {name}{params} #{macro.body}#", "```"]
    )


def _header_hover(model: DocumentModel, name: str) -> str:
    info = header_constant(name)
    lines = [f"**{name}** — orchestra header constant", ""]
    if info is not None:
        lines.append(info.meaning)
    setting = model.header.get(name)
    if setting is not None:
        lines += ["", f"Set in this file to `{setting.value_text}`."]
    elif info is not None and info.default is not None:
        lines += ["", f"Not set in this file: Csound uses {info.default:g}."]
    if info is not None and info.overridden_by:
        lines.append("Command-line flags override it: " + ", ".join(f"`{f}`" for f in info.overridden_by))
    return "\n".join(lines)


def option_markdown(word: str) -> str:
    found, value = match_option(word.strip())
    if found is None:
        return f"`{word}`: not a flag Csound lists."
    lines = [
        f"**{found.name}**" + (f" (`{found.short}`)" if found.short and found.short != found.name else "")
    ]
    lines += ["", found.description, "", "Forms: " + ", ".join(f"`{f}`" for f in found.forms)]
    if value:
        lines.append(f"Value here: `{value}`")
    if found.note:
        lines.append(found.note)
    if found.safety:
        kinds = safety_kinds()
        lines.append("Beyond compiling, it " + "; ".join(kinds.get(s, s) for s in found.safety) + ".")
    return "\n".join(lines)


# -- instruments and the score ----------------------------------------------------------------------
def instrument_markdown(model: DocumentModel, instrument: Instrument) -> str:
    """The instrument's `instr` line, where it is, its doc comment and the p-fields it reads."""
    first = model.text(instrument.node).splitlines()[0].strip()
    line = instrument.node.start_point.row + 1
    lines = [f"**instr {instrument.label}** (line {line})", "", "```csound", first, "```"]
    if instrument.doc:
        lines += ["", instrument.doc]
    reads = _pfield_reads(model, instrument)
    if reads:
        lines += ["", "Reads: " + "; ".join(f"`{text}`" for _, text in sorted(reads.items()))]
    return "\n".join(lines)


def _pfield_reads(model: DocumentModel, instrument: Instrument) -> dict[int, str]:
    """pN -> the first statement of the instrument that reads it (`iFreq = p4`)."""
    reads: dict[int, str] = {}
    for name, variable in instrument.scope.variables.items():
        if not (name.startswith("p") and name[1:].isdigit()) or not variable.uses:
            continue
        use = min(variable.uses, key=lambda r: r.start_byte)
        node = instrument.node.named_descendant_for_byte_range(use.start_byte, use.end_byte)
        while node is not None and node.type not in (
            "opcode_statement",
            "assignment",
            "expression_statement",
        ):
            node = node.parent
        if node is not None:
            reads[int(name[1:])] = " ".join(model.text(node).split())
    return reads


def _score_hover(
    document: Document, model: DocumentModel, statement_node: Node, node: Node
) -> tuple[str, Node] | None:
    statement = next((s for s in model.score if s.node.id == statement_node.id), None)
    if statement is None:
        return None
    target = node
    while target.parent is not None and target.parent.id != statement_node.id:
        target = target.parent
    index = next((i for i, f in enumerate(statement.fields) if f.id == target.id), None)
    if index is None:
        return None
    if statement.letter == "i":
        return _instrument_field_hover(document, model, statement, index), target
    if statement.letter == "f":
        return _f_field_hover(model, statement, index), target
    return None


def _instrument_field_hover(
    document: Document, model: DocumentModel, statement: ScoreStatement, index: int
) -> str:
    number = index + 1
    instrument = model.instrument_named(statement.instrument) if statement.instrument else None
    if instrument is not None:
        instrument = with_body(document, instrument)
    if number == 1:
        if instrument is None:
            return f"**p1** — instrument `{statement.instrument}`, not defined in this file"
        return instrument_markdown(model, instrument)
    owner = f"instr {instrument.label}" if instrument else f"instrument `{statement.instrument}`"
    head = f"**p{number}** of {owner}"
    if number in _SCORE_MEANINGS:
        return f"{head} — {_SCORE_MEANINGS[number]}"
    if instrument is None:
        return head
    reads = _pfield_reads(model, instrument)
    if number in reads:
        return f"{head}, read as `{reads[number]}`"
    return f"{head} — the instrument does not read p{number}"


def _f_field_hover(model: DocumentModel, statement: ScoreStatement, index: int) -> str:
    table = gen_table()
    if index < 3:
        field = table.statement_fields[index]
        return f"**p{index + 1}** of an `f` statement — {field.name}: {field.meaning}"
    gen_text = model.text(statement.fields[3]) if len(statement.fields) > 3 else ""
    routine = gen_routine(gen_text)
    if index == 3:
        return gen_markdown(gen_text)
    if routine is None or not routine.pfields:
        return f"**p{index + 1}** of an `f` statement — argument {index - 3} of GEN {gen_text}"
    field = routine.pfields[min(index - 4, len(routine.pfields) - 1)]
    return f"**p{index + 1}** — {routine.title} argument `{field.name}`: {field.meaning}"


def gen_markdown(gen_text: str) -> str:
    routine = gen_routine(gen_text)
    if routine is None:
        key = gen_text.strip().lstrip("-")
        missing = gen_table().not_provided.get(key)
        return f"**GEN {gen_text}** — " + (missing or "not a GEN routine Csound has")
    lines = [f"**{routine.title}**", "", routine.summary]
    if gen_text.strip().startswith("-"):
        lines.append("Negative number: the table is not rescaled.")
    lines += ["", "Fields after the GEN number:"]
    lines += [f"- `{f.name}`: {f.meaning}" for f in routine.pfields] or ["- none"]
    if routine.size_note:
        lines += ["", routine.size_note]
    lines += ["", "```csound", routine.example, "```"]
    return "\n".join(lines)
