"""Completion ranked by what fits where the cursor is.

After `aSig ` the opcodes that can write an audio signal come first (catalog `Opcode.produces`), with
their arguments as a snippet; inside an argument list the variables whose rate the active parameter
accepts come first, locals before globals. Also: instruments after `i` in the score and in
`schedule`/`event`..., UDOs, macros after `$`, labels where a label goes, `<CsOptions>` flags, GEN
routines in `f` statements and `ftgen`, header constants at the top level, `#include` paths.

The list stays light (at most `MAX_ITEMS`, `isIncomplete` when cut); `hover.resolve_completion` adds
the documentation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from csound_lsp.analysis.dialect import document_dialect
from csound_lsp.analysis.expressions import UNKNOWN, TypeContext, variable_type_of
from csound_lsp.analysis.incremental import assigned_globals
from csound_lsp.catalog import Catalog, Opcode, Overload, default_catalog
from csound_lsp.catalog.gen_routines import all_gen_routines
from csound_lsp.catalog.headers import header_constants
from csound_lsp.catalog.options import all_options
from csound_lsp.catalog.types import Param, split_found
from csound_lsp.catalog.usage import usage_count
from csound_lsp.catalog.versions import current_major, note_for
from csound_lsp.features import csound7, opcode_text
from csound_lsp.features.completion_index import (
    call_text,
    catalog_facts,
    escape,
    fitting_names,
    opcode_overload,
)
from csound_lsp.features.context import CursorContext, Place, cursor_context, section_at
from csound_lsp.features.overloads import (
    KnownOpcodes,
    find_opcode,
    rank,
    safe_params,
    slot_at,
    text_type,
    udo_opcode,
)
from csound_lsp.features.signature import call_types
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document, Position
from csound_lsp.syntax.focus import focused_model, light_model
from csound_lsp.syntax.model import DocumentModel, Scope, ScopeKind, Udo
from csound_lsp.syntax.store import uri_to_path

MAX_ITEMS = 200
_KIND = types.CompletionItemKind
#: Argument index that names an instrument, per opcode.
INSTRUMENT_ARGUMENT = {
    "schedule": 0, "schedulek": 0, "schedkwhen": 3, "schedkwhennamed": 3, "schedwhen": 1, "event": 1,
    "event_i": 1, "nstrnum": 0, "turnoff2": 0, "turnoff2_i": 0, "turnoff3": 0, "subinstr": 0,
    "subinstrinit": 0, "massign": 1, "prealloc": 0, "maxalloc": 0, "nstance": 0, "active": 0,
}  # fmt: skip
#: Argument index that names a GEN routine, per opcode.
GEN_ARGUMENT = {"ftgen": 3, "ftgenonce": 4, "ftgentmp": 4}
INCLUDE_SUFFIXES = frozenset({".udo", ".inc", ".orc", ".sco", ".csd", ".txt", ".h"})
DIRECTIVES = ("include", "includestr", "define", "undef", "ifdef", "ifndef", "else", "end")
_SCORE_I = re.compile(r'^\s*i\s*"?(\w*)$')
_SCORE_F = re.compile(r"^\s*f\s*\S+\s+\S+\s+\S+\s+(-?\w*)$")
_FLAG_WORD = re.compile(r"[-+\w]*$")
#: Faster rates accept slower values: what may stand where a value of this type is wanted.
#: Trigger characters and the sections where they start something to complete.
_TRIGGER_SECTIONS = {"-": ("options",), '"': ("score", "orchestra")}
_EXPRESSION_ACCEPTS = {"a": "akicpr", "k": "kicpr", "i": "icpr", "S": "S", "B": "Bkicpr", "b": "bicpr"}


@dataclass
class _Candidate:
    """An item not built yet: only the ones that make the cut are (snippets cost time)."""

    key: str
    label: str
    kind: types.CompletionItemKind
    detail: str | Callable[[], str] | None
    insert: Callable[[], tuple[str, bool]] | str | None
    snippet: bool
    data: dict[str, str] | None
    documentation: str | None
    deprecated: bool


def completion(
    document: Document,
    position: Position,
    *,
    snippets: bool = True,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
    trigger: str | None = None,
    model: DocumentModel | None = None,
) -> types.CompletionList:
    """Completion items at a position, best first (`sort_text`), at most `MAX_ITEMS`.

    `trigger` is the character that made the client ask; `-` and `"` only mean something in some places.
    `model` stands in for this version's focused model (an earlier version's, while a long instrument's
    new one is being built); the text around the cursor is always this version's.
    """
    catalog = catalog or default_catalog()
    offset = document.index.offset(position)
    section = section_at(document, offset)
    builder = _Builder(document, position, offset, snippets, settings or Settings(), catalog)
    builder.stand_in = builder._model = model
    if trigger is not None and trigger in _TRIGGER_SECTIONS and section not in _TRIGGER_SECTIONS[trigger]:
        return types.CompletionList(is_incomplete=False, items=[])
    if section == "options":
        builder.options()
    elif section == "score":
        builder.score()
    elif section == "orchestra":
        builder.orchestra()
    return builder.result()


class _Builder:
    def __init__(
        self,
        document: Document,
        position: Position,
        offset: int,
        snippets: bool,
        settings: Settings,
        catalog: Catalog,
    ) -> None:
        self.document = document
        self.position = position
        self.offset = offset
        self.snippets = snippets
        self.settings = settings
        self.catalog = catalog
        self.candidates: list[_Candidate] = []
        self.seen: set[str] = set()
        self.prefix = ""
        self.range: types.Range | None = None
        self._model: DocumentModel | None = None
        self.stand_in: DocumentModel | None = None
        self.group_sizes: dict[int, int] = {}
        #: Candidates per group, whatever their kind (for `settled`).
        self.added: dict[int, int] = {}
        self.overflow = False

    @property
    def model(self) -> DocumentModel:
        if self._model is None:
            self._model = light_model(self.document, self.offset)
        return self._model

    # -- plumbing ----------------------------------------------------------------------------------
    def set_word(self, word: str, start_byte: int) -> None:
        self.prefix = word
        self.range = types.Range(
            start=_lsp(self.document.index.position(start_byte)), end=_lsp(self.position)
        )

    def matches(self, label: str) -> bool:
        return label.casefold().startswith(self.prefix.casefold())

    def add(
        self,
        label: str,
        kind: types.CompletionItemKind,
        group: int,
        *,
        rank: int = 0,
        detail: str | Callable[[], str] | None = None,
        insert: str | Callable[[], tuple[str, bool]] | None = None,
        snippet: bool = False,
        data: dict[str, str] | None = None,
        documentation: str | None = None,
        deprecated: bool = False,
    ) -> None:
        if label in self.seen or not self.matches(label):
            return
        self.seen.add(label)
        self.added[group] = self.added.get(group, 0) + 1
        key = f"{group:02d}{rank:06d}{label}"
        self.candidates.append(
            _Candidate(key, label, kind, detail, insert, snippet, data, documentation, deprecated)
        )

    def settled(self, best_group: int) -> bool:
        """Whether the first `MAX_ITEMS` can no longer change while walking the opcode pool: that many
        candidates sit in groups no later opcode can beat (`best_group` is the best a later one can
        get; within a group the pool arrives in key order). Stops a walk over ~1,700 opcodes early."""
        if sum(n for group, n in self.added.items() if group <= best_group) < MAX_ITEMS:
            return False
        self.overflow = True
        return True

    def _item(self, candidate: _Candidate) -> types.CompletionItem:
        insert = candidate.insert
        snippet = candidate.snippet
        if callable(insert):
            text, snippet = insert()
        else:
            text = insert if insert is not None else candidate.label
        detail = candidate.detail() if callable(candidate.detail) else candidate.detail
        documentation = candidate.documentation
        return types.CompletionItem(
            label=candidate.label,
            kind=candidate.kind,
            detail=detail,
            sort_text=candidate.key,
            filter_text=candidate.label,
            text_edit=types.TextEdit(range=self.range, new_text=text) if self.range is not None else None,
            insert_text=None if self.range is not None else text,
            insert_text_format=types.InsertTextFormat.Snippet if snippet else None,
            data=candidate.data,
            tags=[types.CompletionItemTag.Deprecated] if candidate.deprecated else None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=documentation)
            if documentation
            else None,
        )

    def result(self) -> types.CompletionList:
        self.candidates.sort(key=lambda c: c.key)
        cut = self.overflow or len(self.candidates) > MAX_ITEMS
        return types.CompletionList(
            is_incomplete=cut, items=[self._item(c) for c in self.candidates[:MAX_ITEMS]]
        )

    # -- sections ----------------------------------------------------------------------------------
    def options(self) -> None:
        line = self._line_prefix()
        match = _FLAG_WORD.search(line)
        word = match.group() if match else ""
        if not word.startswith("-") and word:
            return
        self.set_word(word, self.offset - len(word.encode("utf-8")))
        for found in all_options():
            for form in found.forms:
                flag = re.split(r"[ =]", form, maxsplit=1)[0] + ("=" if "=" in form else "")
                self.add(
                    flag,
                    _KIND.Property,
                    0 if found.safe else 1,
                    detail=found.description,
                    data={"kind": "option", "name": found.name},
                )

    def score(self) -> None:
        line = self._line_prefix()
        dollar = re.search(r"\$(\w*)$", line)
        if dollar:
            self.set_word(dollar.group(1), self.offset - len(dollar.group(1).encode("utf-8")))
            self.macros()
            return
        instrument = _SCORE_I.match(line)
        if instrument:
            word = instrument.group(1)
            self.set_word(word, self.offset - len(word.encode("utf-8")))
            self.instruments(quoted=False, quote_names='"' not in line)
            return
        gen = _SCORE_F.match(line)
        if gen:
            word = gen.group(1)
            self.set_word(word, self.offset - len(word.encode("utf-8")))
            self.gens()

    def orchestra(self) -> None:
        found = csound7.completions(self.model, self._line_prefix(), self.model.scope_at(self.offset))
        if found is not None:  # Csound 7: members after `obj.`, types after `name:`
            self.set_word(found[0], self.offset - len(found[0].encode("utf-8")))
            for label, kind, group, detail in found[1]:
                self.add(label, kind, group, detail=detail)
            return
        known = KnownOpcodes(self.catalog, self.model)
        context = cursor_context(self.document, self.position, known)
        self.set_word(context.word, context.word_start)
        scope = self.model.scope_at(self.offset)
        place = context.place
        if place is Place.MACRO:
            self.macros()
        elif place is Place.DIRECTIVE:
            for name in DIRECTIVES:
                self.add("#" + name, _KIND.Keyword, 0)
        elif place is Place.INCLUDE:
            self.include_paths(context.path)
        elif place is Place.LABEL:
            self.labels(scope)
        elif place is Place.START:
            self.statement_start(context, scope)
        elif place is Place.OPCODE:
            self.opcodes_for_outputs(context)
        elif place is Place.ARGUMENT:
            self.argument(context, scope)
        elif place is Place.EXPRESSION:
            self.expression(context, scope)

    # -- orchestra places --------------------------------------------------------------------------
    def statement_start(self, context: CursorContext, scope: Scope) -> None:
        if context.outputs:  # `aL, |`: more outputs
            self.variables(scope, None, None)
            return
        for keyword, group in _keywords(scope, document_dialect(self.model, current_major()) >= 7):
            self.add(keyword, _KIND.Keyword, group)
        if scope.kind is ScopeKind.GLOBAL:
            for name, info in header_constants().items():
                default = f"{info.default:g}" if info.default is not None else "0"
                set_already = name in self.model.header
                self.add(
                    name,
                    _KIND.Constant,
                    5 if set_already else 1,
                    detail="header constant",
                    insert=f"{name} = ${{1:{default}}}" if self.snippets else f"{name} = ",
                    snippet=self.snippets,
                    documentation=info.meaning,
                )
        self.variables(scope, None, None, group=3)
        for udo in self.model.udos.values():
            self.udo(udo, 2, outputs=None)
        no_outputs = catalog_facts(self.catalog).no_outputs
        for opcode, count in self.opcode_pool():
            if self.settled(2):
                break
            self.opcode(opcode, 2 if opcode.name in no_outputs else 4, count, outputs=None)

    def opcodes_for_outputs(self, context: CursorContext) -> None:
        ctx = TypeContext.at(self.model, self.offset, self.catalog)
        outs = [text_type(o, ctx) for o in context.outputs]
        for udo in self.model.udos.values():
            fits = bool(rank(udo_opcode(udo), outs, None, complete=True)) or UNKNOWN in outs
            self.udo(udo, 0 if fits else 7, outputs=outs)
        known = [t for t in outs if t != UNKNOWN]
        fitting = fitting_names(self.catalog, outs) if len(known) == len(outs) and outs else None
        deprecated = catalog_facts(self.catalog).deprecated
        pool = self.opcode_pool()
        # Fitting opcodes first, then the rest: each walk stops as soon as the list's head is settled.
        for wanted, group in ((True, 1), (False, 8)) if fitting is not None else ((True, 1),):
            for opcode, count in pool:
                if fitting is not None and (opcode.name in fitting) is not wanted:
                    continue
                if self.settled(group):
                    break
                self.opcode(opcode, group + (2 if opcode.name in deprecated else 0), count, outputs=outs)

    def argument(self, context: CursorContext, scope: Scope) -> None:
        call = context.call
        if call is None:
            return
        found = find_opcode(call.name, self.model, self.catalog)
        if found is None:
            self.values(scope, None, None)
            return
        opcode, _ = found
        ctx = TypeContext.at(self.model, self.offset, self.catalog)
        outs, ins = call_types(call, ctx)
        ins = ins[: call.active]
        fitting = rank(opcode, None if call.is_function and not outs else outs, ins, complete=False)
        fitting = fitting or rank(opcode, None, ins, complete=False)
        slots = [s for s in (_slot_at(o, call.active) for o in fitting) if s is not None]
        if any(s.letter == "l" for s in slots):
            self.labels(scope)
            return
        first = 0
        if INSTRUMENT_ARGUMENT.get(call.name) == call.active:
            self.instruments(quoted=True, quote_names=True)
            first = 2
        if GEN_ARGUMENT.get(call.name) == call.active:
            self.gens()
            first = 2
        if not slots:
            self.values(scope, None, None, first)
            return
        accepted = set().union(*(set(s.info.accepts) for s in slots))
        self.values(scope, "*" if "*" in accepted else "".join(sorted(accepted)), slots[0].letter, first)

    def expression(self, context: CursorContext, scope: Scope) -> None:
        accepts: str | None = None
        preferred: str | None = None
        if context.target:
            ctx = TypeContext.at(self.model, self.offset, self.catalog)
            target = text_type(context.target, ctx)
            base, dims = split_found(target)
            if not dims and base in _EXPRESSION_ACCEPTS:
                accepts, preferred = _EXPRESSION_ACCEPTS[base], base
        self.values(scope, accepts, preferred)

    def values(self, scope: Scope, accepts: str | None, preferred: str | None, first: int = 0) -> None:
        """Variables ranked by fit, then (once a prefix is typed) functions that give a fitting value."""
        self.variables(scope, accepts, preferred, first)
        if not self.prefix:
            return
        for udo in self.model.udos.values():
            self.udo(udo, 6 + first, outputs=None, function=True)
        with_outputs = catalog_facts(self.catalog).with_outputs
        for opcode, count in self.opcode_pool():
            if self.settled(5 + first):
                break
            if opcode.name not in with_outputs:
                continue
            group = 6 + first
            if preferred and preferred in "akiS" and opcode.name in fitting_names(self.catalog, [preferred]):
                group = 5 + first
            self.opcode(opcode, group, count, outputs=None, function=True)

    # -- item makers -------------------------------------------------------------------------------
    def opcode_pool(self) -> Sequence[tuple[Opcode, int]]:
        """Opcodes matching the prefix, most used first (the order of their keys within a group)."""
        if not self.prefix:
            return catalog_facts(self.catalog).pool
        found = self.catalog.with_prefix(self.prefix, ignore_case=True)
        return sorted(((o, usage_count(o.name)) for o in found), key=lambda pair: (-pair[1], pair[0].name))

    def opcode(
        self, opcode: Opcode, group: int, count: int, *, outputs: list[str] | None, function: bool = False
    ) -> None:
        """Adds an opcode item; the pool arrives in key order, so a group stops at `MAX_ITEMS`."""
        if self.group_sizes.get(group, 0) >= MAX_ITEMS:
            self.overflow = True
            return
        if opcode.name in self.seen or not self.matches(opcode.name):
            return
        self.group_sizes[group] = self.group_sizes.get(group, 0) + 1
        snippets = self.snippets
        outs = tuple(outputs) if outputs else None

        def insert() -> tuple[str, bool]:
            chosen = opcode_overload(opcode, outs, function)
            if chosen is None:
                return opcode.name, False
            return call_text(opcode.name, chosen, function, None) if snippets else (opcode.name, False)

        def detail() -> str:
            chosen = opcode_overload(opcode, outs, function)
            line = opcode_text.overload_line(opcode.name, chosen) if chosen else ""
            version = note_for(opcode.name)
            return f"{line} ({version})" if version else line

        self.add(
            opcode.name,
            _KIND.Function,
            group,
            rank=max(0, 99999 - count),
            detail=detail,
            insert=insert,
            data={"kind": "opcode", "name": opcode.name},
            deprecated=opcode.name in catalog_facts(self.catalog).deprecated,
        )

    def udo(self, udo: Udo, group: int, *, outputs: list[str] | None, function: bool = False) -> None:
        overload = udo_opcode(udo).overloads[0]
        insert, is_snippet = (
            call_text(udo.name, overload, function, udo) if self.snippets else (udo.name, False)
        )
        self.add(
            udo.name,
            _KIND.Method,
            group,
            detail=f"UDO: {opcode_text.overload_line(udo.name, overload)}",
            insert=insert,
            snippet=is_snippet,
            documentation=opcode_text.udo_markdown(udo),
        )

    def variables(self, scope: Scope, accepts: str | None, preferred: str | None, group: int = 0) -> None:
        """Locals then globals; those whose type the slot accepts first, exact letter before."""
        ctx = TypeContext(self.model, scope, self.catalog)
        pools = (
            [(scope, 0)] if scope is self.model.global_scope else [(scope, 0), (self.model.global_scope, 1)]
        )
        for pool, is_global in pools:
            for name, variable in pool.variables.items():
                if all(r.start_byte == self.context_start for r in variable.refs):
                    continue  # the word being typed
                self.variable(name, variable.is_global, ctx, accepts, preferred, group + is_global)
        # Globals assigned only inside other instruments, which the light model leaves out.
        for name in sorted(assigned_globals(self.document)):
            if name not in self.model.global_scope.variables:
                self.variable(name, True, ctx, accepts, preferred, group + 1)

    def variable(
        self,
        name: str,
        is_global: bool,
        ctx: TypeContext,
        accepts: str | None,
        preferred: str | None,
        group: int,
    ) -> None:
        found = variable_type_of(name, ctx)
        base, dims = split_found(found)
        if accepts is None or accepts == "*":
            fit = 0
        elif dims:
            fit = 1 if preferred == base else 3
        elif base == preferred or (base == "p" and preferred == "i"):
            fit = 0
        elif base in accepts or (base == "p" and "i" in accepts):
            fit = 1
        else:
            fit = 3
        detail = opcode_text.rate_words(found) + (" (global)" if is_global else "")
        self.add(name, _KIND.Variable, group + fit * 2, detail=detail)

    @property
    def context_start(self) -> int:
        return self.offset - len(self.prefix.encode("utf-8"))

    def labels(self, scope: Scope) -> None:
        for name, label in scope.labels.items():
            if label.definition is not None:
                line = self.document.index.position(label.definition.start_byte).line + 1
                self.add(name, _KIND.Reference, 0, detail=f"label, line {line}")

    def macros(self) -> None:
        for name, macro in self.model.macros.items():
            params = "(" + "'".join(macro.parameters) + ")" if macro.parameters else ""
            insert = name
            snippet = False
            if macro.parameters and self.snippets:
                holes = "'".join(f"${{{i}:{escape(p)}}}" for i, p in enumerate(macro.parameters, 1))
                insert, snippet = f"{name}({holes})", True
            self.add(
                name,
                _KIND.Constant,
                0,
                detail=f"#define {name}{params} #{macro.body[:40]}#",
                insert=insert,
                snippet=snippet,
            )

    def instruments(self, *, quoted: bool, quote_names: bool) -> None:
        for instrument in (self.stand_in or focused_model(self.document, self.offset)).instruments:
            for name in instrument.names:
                text = name.text.lstrip("+")
                is_number = name.number is not None
                insert = text if is_number or not quote_names else f'"{text}"'
                self.add(
                    text,
                    _KIND.Class,
                    0 if is_number else 1,
                    detail=f"instr {instrument.label}"
                    + (f" — {instrument.doc.splitlines()[0]}" if instrument.doc else ""),
                    insert=insert,
                )

    def gens(self) -> None:
        for routine in all_gen_routines():
            label = routine.key if not routine.named else f'"{routine.key}"'
            rank_number = int(routine.key) if routine.key.isdigit() else 1000
            self.add(
                label,
                _KIND.EnumMember,
                0,
                rank=rank_number,
                detail=f"{routine.title}: {routine.summary}",
                data={"kind": "gen", "name": routine.key},
            )

    def include_paths(self, typed: str) -> None:
        document_path = uri_to_path(self.document.uri)
        roots = [Path(document_path).parent] if document_path else []
        roots += [Path(p) for p in self.settings.include_paths]
        folder = typed.rpartition("/")[0]
        for group, root in enumerate(roots):
            directory = root / folder if folder else root
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries[: MAX_ITEMS * 2]:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    self.add(entry.name + "/", _KIND.Folder, group * 2 + 1)
                elif Path(entry.name).suffix.lower() in INCLUDE_SUFFIXES:
                    self.add(entry.name, _KIND.File, group * 2)

    def _line_prefix(self) -> str:
        start = self.document.index.line_starts[self.position.line]
        return self.document.source[start : self.offset].decode("utf-8", errors="replace")


def _keywords(scope: Scope, seven: bool) -> list[tuple[str, int]]:
    """Block and flow keywords; Csound 7's own only in a document written for Csound 7."""
    if scope.kind is ScopeKind.GLOBAL:
        return [("instr", 0), ("opcode", 0), ("struct", 4)] + [("declare", 4)] * seven
    closing = "endin" if scope.kind is ScopeKind.INSTRUMENT else "endop"
    # goto, igoto and kgoto are opcodes in the catalog: they come with the opcodes (documentation, snippet).
    flow = ["if", "elseif", "else", "endif", "then", "while", "until", "do", "od"]
    flow += list(csound7.KEYWORDS) * seven
    return [(closing, 0)] + [(k, 2) for k in flow]


def _slot_at(overload: Overload, index: int) -> Param | None:
    return slot_at(safe_params(overload.inputs, "in"), index)


def _lsp(position: Position) -> types.Position:
    return types.Position(line=position.line, character=position.character)
