"""Signature help: the overload being typed, picked by the output's rate and the arguments so far.

`aSig oscili kAmp, |` shows the a-rate overload taking control-rate arguments first, with `kcps` active;
`kLfo oscili |` shows the k-rate one. Every other overload follows, fitting ones first, so the client
can page through them. Optional parameters show their defaults.

Parameter labels are plain strings, each the first occurrence of its text in the signature label: every
client finds them by search, whereas offsets are read differently (Emacs 30's Eglot adds one to them and
then slices the label with `substring`, an args-out-of-range error on the last parameter at each move).
"""

from __future__ import annotations

from lsprotocol import types

from csound_lsp.analysis.expressions import TypeContext
from csound_lsp.catalog import Catalog, Opcode, Overload, default_catalog
from csound_lsp.features.context import CallSite, Place, cursor_context, section_at
from csound_lsp.features.overloads import (
    KnownOpcodes,
    NamedParam,
    entry_for,
    find_opcode,
    rank,
    signature_label,
    text_type,
)
from csound_lsp.syntax.document import Document, Position
from csound_lsp.syntax.focus import light_model
from csound_lsp.syntax.lines import Encoding
from csound_lsp.syntax.model import DocumentModel, Udo

#: Opcodes with more overloads than this show the fitting ones only.
MAX_SIGNATURES = 16


def signature_help(
    document: Document, position: Position, catalog: Catalog | None = None, model: DocumentModel | None = None
) -> types.SignatureHelp | None:
    """Signature help at a position inside an opcode statement's arguments or a call's parentheses
    (`model` stands in for this version's, as in `completion.completion`)."""
    offset = document.index.offset(position)
    if section_at(document, offset) != "orchestra":
        return None
    catalog = catalog or default_catalog()
    model = model or light_model(document, offset)
    context = cursor_context(document, position, KnownOpcodes(catalog, model))
    if context.place not in (Place.ARGUMENT, Place.LABEL) or context.call is None:
        return None
    call = context.call
    found = find_opcode(call.name, model, catalog)
    if found is None:
        return None
    opcode, udo = found
    ordered, fitting = ordered_overloads(opcode, call, TypeContext.at(model, offset, catalog))
    if not ordered:
        return None
    signatures = [
        _signature(opcode.name, o, udo, call.active, o in fitting, document.encoding) for o in ordered
    ]
    return types.SignatureHelp(
        signatures=signatures,
        active_signature=0,
        active_parameter=signatures[0].active_parameter,
    )


def call_types(call: CallSite, ctx: TypeContext) -> tuple[list[str] | None, list[str]]:
    """Output types (None when the call's result goes nowhere known) and the types of the arguments
    typed so far, the active one included when something is typed in it."""
    outs: list[str] | None = [text_type(o, ctx) for o in call.outputs] if call.outputs else None
    if call.rate:
        outs = [call.rate]
    args = call.args if call.args and call.args[-1].strip() else call.args[:-1]
    return outs, [text_type(a, ctx) for a in args]


def ordered_overloads(
    opcode: Opcode, call: CallSite, ctx: TypeContext
) -> tuple[list[Overload], set[Overload]]:
    """Every overload, best fitting first; and the set that fits what is typed."""
    outs, ins = call_types(call, ctx)
    if call.is_function and not outs:
        outs = None
    fitting = rank(opcode, outs, ins, complete=False)
    if not fitting:
        fitting = rank(opcode, None, ins, complete=False) or rank(opcode, outs, None, complete=False)
    rest = [o for o in opcode.overloads if o not in fitting]
    live_rest = sorted(rest, key=lambda o: (o.deprecated, o.outputs, o.inputs))
    ordered = (fitting + live_rest)[: max(MAX_SIGNATURES, len(fitting))]
    return ordered, set(fitting)


def active_slot(inputs: list[NamedParam], active: int) -> int | None:
    """The parameter index for the active argument: a variadic last slot takes all that follow."""
    if active < len(inputs):
        return active
    if inputs and inputs[-1].param.variadic:
        return len(inputs) - 1
    return None


def _units(text: str, encoding: Encoding) -> int:
    if encoding is Encoding.UTF32:
        return len(text)
    if encoding is Encoding.UTF8:
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def parameter_labels(
    label: str, spans: list[tuple[int, int]], encoding: Encoding
) -> list[str | tuple[int, int]]:
    """Each parameter's text when searching the label finds every one at its own place (always, for the
    catalog); otherwise all as [start, end) in the client's position units (never a mix: Neovim asserts
    that every label is a string once the active one is)."""
    if all(end > start and label.find(label[start:end]) == start for start, end in spans):
        texts: list[str | tuple[int, int]] = [label[start:end] for start, end in spans]
        return texts
    return [(_units(label[:start], encoding), _units(label[:end], encoding)) for start, end in spans]


def _signature(
    name: str,
    overload: Overload,
    udo: Udo | None,
    active: int,
    fits: bool,
    encoding: Encoding = Encoding.UTF16,
) -> types.SignatureInformation:
    entry = entry_for(name) if udo is None else None
    label, inputs, spans = signature_label(name, overload, entry, udo)
    parameters = [
        types.ParameterInformation(
            label=text,
            documentation=named.param.words + (f" — {named.meaning}" if named.meaning else ""),
        )
        for named, text in zip(inputs, parameter_labels(label, spans, encoding), strict=True)
    ]
    notes: list[str] = []
    if entry is not None:
        notes.append(entry.description)
    elif udo is not None and udo.doc:
        notes.append(udo.doc)
    if overload.deprecated:
        notes.append("Deprecated form.")
    if not fits:
        notes.append("The arguments typed so far do not fit this form.")
    return types.SignatureInformation(
        label=label,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(notes))
        if notes
        else None,
        parameters=parameters,
        active_parameter=active_slot(inputs, active),
    )
