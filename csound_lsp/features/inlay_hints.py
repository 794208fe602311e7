"""Inlay hints: the name an instrument gives each score p-field, and (optionally) opcode argument names.

`i 1 0 2 440 0.3` says little until the hints read `i 1 0 2 iFreq: 440 iAmp: 0.3`; the names come
from the instrument's own `iFreq = p4` lines, found in the score's document or its program.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from lsprotocol import types

from csound_lsp.catalog.cheatsheet import cheat_entry
from csound_lsp.features.convert import position_from_lsp, to_lsp_position
from csound_lsp.settings import InlayHintSettings
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import focused_model, skeleton_model
from csound_lsp.syntax.model import DocumentModel, Instrument, OpcodeCall

_PFIELD = re.compile(r"p(\d+)\Z")
_PFIELD_CALL = re.compile(r"p\(\s*(\d+)\s*\)\Z")


def pfield_names(model: DocumentModel, instrument: Instrument) -> dict[int, str]:
    """p-field number → the variable the instrument copies it into (`iFreq = p4`, `iAmp init p5`)."""
    names: dict[int, str] = {}
    for statement in instrument.node.named_children:
        target = source = None
        if statement.type == "assignment":
            operator = statement.child_by_field_name("operator")
            if operator is not None and model.text(operator) == "=":
                target = statement.child_by_field_name("left")
                source = statement.child_by_field_name("right")
        elif statement.type == "opcode_statement":
            opcode = statement.child_by_field_name("opcode")
            outputs = statement.children_by_field_name("output")
            arguments = statement.child_by_field_name("arguments")
            if (
                opcode is not None
                and model.text(opcode) == "init"
                and len(outputs) == 1
                and arguments is not None
            ):
                values = [a for a in arguments.named_children if a.type != "comment"]
                if len(values) == 1:
                    target, source = outputs[0], values[0]
        if target is None or source is None or target.type != "identifier":
            continue
        text = model.text(source).replace(" ", "")
        match = _PFIELD.match(text) or _PFIELD_CALL.match(text)
        if match is not None:
            names.setdefault(int(match.group(1)), model.text(target))
    return names


def _find_instrument(text: str, documents: Sequence[Document]) -> tuple[DocumentModel, Instrument] | None:
    for document in documents:
        model = skeleton_model(document)
        found = model.instrument_named(text)
        if found is not None:
            return model, found
    return None


def _calls_in(document: Document, start: int, end: int) -> Iterator[OpcodeCall]:
    """The calls of the global statements and of the items that overlap [start, end] (a viewport):
    only those items are read in full."""
    skeleton = skeleton_model(document)
    yield from skeleton.global_scope.calls
    for scope in skeleton.scopes:
        if scope.end_byte < start or scope.start_byte > end:
            continue
        focused = focused_model(document, scope.start_byte)
        yield from next((s.calls for s in focused.scopes if s.start_byte == scope.start_byte), ())


def inlay_hints(
    document: Document, range_: types.Range, settings: InlayHintSettings, documents: Sequence[Document]
) -> list[types.InlayHint]:
    start = document.index.offset(position_from_lsp(range_.start))
    end = document.index.offset(position_from_lsp(range_.end))
    hints: list[types.InlayHint] = []
    model = skeleton_model(document)
    if settings.score_pfields:
        cache: dict[str, dict[int, str]] = {}
        for statement in model.score:
            if statement.letter != "i" or statement.instrument is None:
                continue
            if statement.node.end_byte < start or statement.node.start_byte > end:
                continue
            key = statement.instrument.split(".", 1)[0].lstrip("-")
            if key not in cache:
                found = _find_instrument(statement.instrument, documents)
                cache[key] = pfield_names(*found) if found is not None else {}
            names = cache[key]
            for index, field in enumerate(statement.fields):
                name = names.get(index + 1)
                if name is not None and start <= field.start_byte <= end:
                    hints.append(_hint(document, field.start_byte, name, "p" + str(index + 1)))
    if settings.opcode_arguments:
        for call in _calls_in(document, start, end):
            if call.node.end_byte < start or call.node.start_byte > end or call.name in model.udos:
                continue
            entry = cheat_entry(call.name)
            if entry is None or not entry.args:
                continue
            for position, argument in enumerate(call.arguments):
                if position >= len(entry.args):
                    break
                arg = entry.args[position]
                label = arg.name.removesuffix("...")
                if model.text(argument) == label or not start <= argument.start_byte <= end:
                    continue
                hints.append(_hint(document, argument.start_byte, label, arg.meaning))
                if arg.repeats:
                    break
    return hints


def _hint(document: Document, offset: int, name: str, tooltip: str) -> types.InlayHint:
    return types.InlayHint(
        position=to_lsp_position(document.index.position(offset)),
        label=f"{name}:",
        kind=types.InlayHintKind.Parameter,
        padding_right=True,
        tooltip=tooltip,
    )
