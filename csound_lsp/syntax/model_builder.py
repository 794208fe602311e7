"""Builds a `DocumentModel` in one walk over the tree (node names: grammars/tree-sitter-csound/NODES.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from csound_lsp.syntax.model import (
    HEADER_NAMES,
    DocumentModel,
    HeaderSetting,
    Include,
    Instrument,
    InstrumentName,
    Label,
    Macro,
    OpcodeCall,
    OptionFlag,
    Ref,
    Scope,
    ScopeKind,
    ScoreStatement,
    Section,
    Udo,
    Variable,
    is_global_name,
    rate_of,
    score_fields,
)
from csound_lsp.syntax.model_csound7 import (
    CONSTANTS,
    KEYWORDS7,
    LETTER_TYPES,
    Csound7Handlers,
    type_letters,
)

if TYPE_CHECKING:
    from csound_lsp.syntax.document import Document

#: What `ModelBuilder.visit` does with a node type that has no handler: walk its children, or nothing
#: (a literal has no children worth asking for).
_DESCEND: Any = object()
_LEAF: Any = object()
_LEAF_TYPES = ("number", "integer", "float", "string", "comment")


def _handlers(cls: type) -> dict[str, Any]:
    """The handler of each node type for a builder class (`on_<type>`, identifiers as uses, sections),
    looked up once per class and type instead of by name at every node."""
    found: dict[str, Any] | None = cls.__dict__.get("_handler_table")
    if found is None:
        found = _HandlerTable(cls)
        cls._handler_table = found  # type: ignore[attr-defined]  # per class: read from cls.__dict__
    return found


class _HandlerTable(dict[str, Any]):
    def __init__(self, cls: type) -> None:
        super().__init__()
        self.cls: Any = cls

    def __missing__(self, kind: str) -> Any:
        handler = getattr(self.cls, f"on_{kind}", None)
        if handler is None:
            if kind == "identifier":
                handler = self.cls.use
            elif kind in _SECTION_TYPES:
                handler = self.cls.on_section
            elif kind in _LEAF_TYPES:
                handler = _LEAF
            else:
                handler = _DESCEND
        self[kind] = handler
        return handler


#: Opcodes whose arguments name a label (all of them for the plain forms, the last for the
#: conditional ones), so those identifiers are label uses, not variables.
LABEL_OPCODES = frozenset(
    {
        "goto", "igoto", "kgoto", "tigoto", "reinit", "rigoto",
        "cggoto", "cigoto", "ckgoto", "cngoto", "cnkgoto", "timout", "loop_lt", "loop_le",
        "loop_gt", "loop_ge",
    }
)  # fmt: skip

#: Opcodes with an argument that names an instrument (number or quoted name), and its position.
INSTRUMENT_OPCODES = {
    "schedule": 0, "schedulek": 0, "nstrnum": 0, "turnoff2": 0, "turnoff2_i": 0, "turnoff3": 0,
    "subinstr": 0, "subinstrinit": 0, "active": 0, "prealloc": 0, "maxalloc": 0, "nstance": 0,
    "event": 1, "event_i": 1, "massign": 1, "schedwhen": 1, "schedkwhen": 3, "schedkwhennamed": 3,
}  # fmt: skip

_SECTION_TYPES = {
    "options_section",
    "instruments_section",
    "score_section",
    "licence_section",
    "file_section",
    "unknown_section",
}

_NUMBER_NODES = {"number", "integer", "float"}


class ModelBuilder(Csound7Handlers):
    """One walk over the tree. `skip_bodies` records instruments and UDOs by name and signature only:
    the incremental analysis analyses their bodies one by one and caches the results.
    """

    def __init__(self, source: bytes, root: Node, *, skip_bodies: bool = False) -> None:
        self.source = source
        self.root = root
        self.skip_bodies = skip_bodies
        self.global_scope = Scope(ScopeKind.GLOBAL, "global", 0, len(source), None)
        self.model = DocumentModel(source, root, self.global_scope)
        self.udo_names: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------------
    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def ref(self, node: Node, name: str | None = None) -> Ref:
        return Ref(name if name is not None else self.text(node), node.start_byte, node.end_byte)

    def doc_comment(self, node: Node) -> str:
        """The run of `;` or `//` comment lines right above a definition, markers stripped.

        Read from the bytes above the node: asking the tree for previous siblings costs time in
        proportion to the number of siblings, which adds up over a long orchestra.
        """
        lines: list[str] = []
        end = self.source.rfind(b"\n", 0, node.start_byte)
        while end > 0:
            start = self.source.rfind(b"\n", 0, end) + 1
            line = self.source[start:end].decode("utf-8", errors="replace").strip()
            if line.startswith(";"):
                lines.append(line.lstrip(";").strip())
            elif line.startswith("//"):
                lines.append(line[2:].strip())
            elif line.startswith("/*") and line.endswith("*/"):
                lines.append(line[2:-2].strip())
            else:
                break
            end = start - 1
        return "\n".join(reversed(lines)).strip()

    # -- walk --------------------------------------------------------------------------------------
    def build(self) -> DocumentModel:
        self.udo_names = self.collect_udo_names()
        self.visit_children(self.root, self.global_scope)
        for name, declared in self.model.declarations.items():
            # A UDO `declare`d and defined nowhere (Csound 7 says so) is still known by its signature.
            self.model.udos.setdefault(name, declared)
        return self.model

    def build_item(self, item: Node, udo_names: set[str]) -> DocumentModel:
        """A model of one top-level instrument or UDO, for per-item analysis (`focus.item_model`
        shares one per document version between the features that ask)."""
        self.udo_names = udo_names
        self.visit(item, self.global_scope)
        return self.model

    def collect_udo_names(self) -> set[str]:
        """UDO names first, so `MyUdo kIn` (two plain words) can be read as a call wherever it stands."""
        names: set[str] = set()
        for container in orchestra_containers(self.root):
            for child in container.named_children:
                if child.type == "udo_definition":
                    name = child.child_by_field_name("name")
                    if name is not None:
                        names.add(self.text(name))
        return names

    def visit_children(self, node: Node, scope: Scope) -> None:
        for child in node.named_children:
            self.visit(child, scope)

    def visit(self, node: Node, scope: Scope) -> None:
        # An explicit stack for the generic nodes: expressions such as `1 + 1 + ...` nest one level
        # per operator, far deeper than Python's recursion allows on long generated lines.
        handlers = _handlers(type(self))
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            handler = handlers[kind]
            if handler is _DESCEND:
                stack.extend(reversed(current.named_children))
            elif handler is not _LEAF:
                handler(self, current, scope)

    def on_section(self, node: Node, scope: Scope) -> None:
        tag = node.type.removesuffix("_section")
        start_tag = node.child_by_field_name("start") or next(
            (c for c in node.named_children if c.type == "start_tag"), None
        )
        if start_tag is not None:
            name = next((c for c in start_tag.named_children if c.type == "tag_name"), None)
            if name is not None:
                tag = self.text(name)
        self.model.sections.append(Section(tag, node, node.start_byte, node.end_byte))
        self.visit_children(node, scope)

    # -- orchestra structure -----------------------------------------------------------------------
    def on_instrument_definition(self, node: Node, scope: Scope) -> None:
        names: list[InstrumentName] = []
        # Asked once: each call walks all the instrument's children, so asking per child is quadratic.
        name_nodes = node.children_by_field_name("name")
        for name_node in name_nodes:
            text = self.text(name_node)
            number: float | None = None
            if name_node.type in _NUMBER_NODES:
                try:
                    number = float(text)
                except ValueError:
                    number = None
            names.append(InstrumentName(text, number, self.ref(name_node)))
        label = "instr " + ", ".join(n.text for n in names)
        inner = Scope(ScopeKind.INSTRUMENT, label, node.start_byte, node.end_byte, node)
        self.model.scopes.append(inner)
        self.model.instruments.append(Instrument(names, node, inner, self.doc_comment(node)))
        if self.skip_bodies:
            return
        for child in node.named_children:
            if child.type in _NUMBER_NODES or child in name_nodes:
                continue
            self.visit(child, inner)

    def on_udo_definition(self, node: Node, scope: Scope) -> None:
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else ""
        inner = Scope(ScopeKind.UDO, f"opcode {name}", node.start_byte, node.end_byte, node)
        self.model.scopes.append(inner)
        outputs = node.child_by_field_name("output_types")
        inputs = node.child_by_field_name("input_types")
        parameters_node = node.child_by_field_name("parameters")
        returns = node.child_by_field_name("return_types")
        parameters: list[tuple[str, str]] = []
        if parameters_node is not None:
            self.mark_header_end(7, "a new-style UDO definition", node)
            parameters = self.udo_parameters(parameters_node, inner)
        if parameters_node is not None or returns is not None:
            syntax = "typed"
            output_types = type_letters(self.text(returns)) if returns is not None else ""
            input_types = "".join(t for _, t in parameters)
        else:
            syntax = "classic"
            output_types = self.text(outputs).strip() if outputs is not None else ""
            input_types = self.text(inputs).strip() if inputs is not None else ""
        udo = Udo(
            name,
            self.ref(name_node) if name_node is not None else Ref(name, node.start_byte, node.start_byte),
            output_types,
            input_types,
            node,
            inner,
            syntax,
            parameters,
            self.doc_comment(node),
        )
        if name and name not in self.model.udos:
            self.model.udos[name] = udo
        if self.skip_bodies:
            return
        skip = [n for n in (name_node, outputs, inputs, parameters_node, returns) if n is not None]
        for child in node.named_children:
            if not any(child == n for n in skip):
                self.visit(child, inner)

    # -- statements --------------------------------------------------------------------------------
    def on_opcode_statement(self, node: Node, scope: Scope) -> None:
        opcode = node.child_by_field_name("opcode")
        outputs = node.children_by_field_name("output")
        arguments_node = node.child_by_field_name("arguments")
        arguments = list(arguments_node.named_children) if arguments_node is not None else []
        arguments = [a for a in arguments if a.type != "comment"]
        name = self.text(opcode) if opcode is not None else ""
        if (
            opcode is not None
            and opcode.type == "identifier"
            and len(outputs) == 1
            and not arguments
            and self.text(outputs[0]) in self.udo_names
        ):
            # `MyUdo kIn`: the grammar cannot know MyUdo is an opcode; the file's UDOs say so.
            opcode, arguments, outputs = outputs[0], [opcode], []
            name = self.text(opcode)
        if opcode is not None:
            call = OpcodeCall(name, self.ref(opcode), node, outputs, arguments, False, scope)
            scope.calls.append(call)
            self.mark_comma_after_opcode(node, opcode)
        self.mark_outputs_over_lines(outputs)
        # Arguments are read before results are written: `kx oscili kx, 1` reads kx first.
        self.visit_arguments(name, arguments, scope)
        for output in outputs:
            self.define_target(output, scope)

    def visit_arguments(self, opcode: str, arguments: list[Node], scope: Scope) -> None:
        for position, argument in enumerate(arguments):
            is_label = opcode in LABEL_OPCODES and (
                opcode not in {"cggoto", "cigoto", "ckgoto", "cngoto", "cnkgoto", "timout"}
                or position == len(arguments) - 1
            )
            if opcode.startswith("loop_") and position != len(arguments) - 1:
                is_label = False
            if is_label and argument.type == "identifier":
                self.label_use(argument, scope)
                continue
            if INSTRUMENT_OPCODES.get(opcode) == position and argument.type in ("string", *_NUMBER_NODES):
                self.model.instrument_refs.append(self.ref(argument))
            self.visit(argument, scope)

    def on_call_expression(self, node: Node, scope: Scope) -> None:
        function = node.child_by_field_name("function")
        rate = node.child_by_field_name("rate")
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [a for a in arguments_node.named_children if a.type != "comment"] if arguments_node else []
        )
        name = self.text(function) if function is not None else ""
        annotated = None
        if rate is not None:
            # `fillarray:k[](...)`: the brackets after the rate are anonymous children.
            dims = sum(1 for c in node.children if c.type == "[" and c.start_byte > rate.start_byte)
            annotated = self.text(rate).lstrip(":") + "[]" * dims
            if dims:
                self.mark(7, "an array type on a call", rate)
        if function is not None:
            scope.calls.append(
                OpcodeCall(name, self.ref(function), node, [], arguments, True, scope, annotated)
            )
        self.visit_arguments(name, arguments, scope)

    def on_assignment(self, node: Node, scope: Scope) -> None:
        lefts = node.children_by_field_name("left")
        operator = node.child_by_field_name("operator")
        right = node.child_by_field_name("right")
        self.mark_outputs_over_lines(lefts)
        self.mark_value_on_next_line(operator, right)
        if len(lefts) > 1:
            # `a, b = b, a`: every right side is read before any target is written.
            for right_side in node.children_by_field_name("right"):
                self.visit(right_side, scope)
            for target in lefts:
                self.define_target(target, scope)
            return
        left = lefts[0] if lefts else None
        if left is not None:
            name = self.text(left)
            if scope is self.global_scope and name in HEADER_NAMES and right is not None:
                self.header(node, name, right)
                return
        # The right side is evaluated before the target is written (`kx = kx + 1` reads kx first).
        if right is not None:
            self.visit(right, scope)
        if left is not None:
            if operator is not None and self.text(operator) != "=":
                self.use_target(left, scope)
            self.define_target(left, scope)

    def header(self, node: Node, name: str, value: Node) -> None:
        text = self.text(value)
        try:
            number: float | None = float(text)
        except ValueError:
            number = None
        self.model.header.setdefault(
            name,
            HeaderSetting(
                name, text, number, node.start_byte, node.end_byte, value.start_byte, value.end_byte
            ),
        )

    def on_label_statement(self, node: Node, scope: Scope) -> None:
        label = node.child_by_field_name("label")
        if label is None:
            return
        name = self.text(label)
        entry = scope.labels.setdefault(name, Label(name, scope))
        if entry.definition is None:
            entry.definition = self.ref(label)
        for child in node.named_children:
            if child != label:
                self.visit(child, scope)

    def on_goto_statement(self, node: Node, scope: Scope) -> None:
        for child in node.named_children:
            if child.type == "identifier":
                self.label_use(child, scope)
            else:
                self.visit(child, scope)

    def on_if_goto_statement(self, node: Node, scope: Scope) -> None:
        label = node.child_by_field_name("label")
        for child in node.named_children:
            if child == label:
                self.label_use(child, scope)
            else:
                self.visit(child, scope)

    def on_unfinished_condition(self, node: Node, scope: Scope) -> None:
        self.model.unfinished.append(node)
        for child in node.named_children:
            self.visit(child, scope)

    def on_unterminated_string(self, node: Node, scope: Scope) -> None:
        self.model.unfinished.append(node)

    # -- preprocessor ------------------------------------------------------------------------------
    def on_define_directive(self, node: Node, scope: Scope) -> None:
        name = node.child_by_field_name("name")
        if name is None:
            return
        parameters = node.child_by_field_name("parameters")
        body = node.child_by_field_name("body")
        parameter_names = (
            [self.text(p) for p in parameters.named_children if p.type != "comment"]
            if parameters is not None
            else []
        )
        body_text = self.text(body).strip() if body is not None else ""
        if body_text.startswith("#") and body_text.endswith("#") and len(body_text) >= 2:
            body_text = body_text[1:-1]
        macro = Macro(self.text(name), self.ref(name), parameter_names, body_text, node)
        if macro.name in self.model.macros:
            self.model.redefined_macros.add(macro.name)
        self.model.macros.setdefault(macro.name, macro)

    def on_macro_use(self, node: Node, scope: Scope) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            ref = self.ref(name, self.text(name).lstrip("$").rstrip("."))
            self.model.macro_uses.append(ref)
        arguments = node.child_by_field_name("arguments")
        if arguments is not None:
            self.visit_children(arguments, scope)

    def on_include_directive(self, node: Node, scope: Scope) -> None:
        path = node.child_by_field_name("path")
        if path is None:
            return
        raw = self.text(path).strip()
        target = raw[1:-1] if len(raw) >= 2 and raw[0] in '"<|' else raw
        self.model.includes.append(Include(target, self.ref(path, target), node))

    def on_undef_directive(self, node: Node, scope: Scope) -> None:
        self.macro_name_use(node)

    def on_ifdef_directive(self, node: Node, scope: Scope) -> None:
        self.macro_name_use(node)

    def on_ifndef_directive(self, node: Node, scope: Scope) -> None:
        self.macro_name_use(node)

    def macro_name_use(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            self.model.macro_tests.append(self.ref(name))

    # -- score and options -------------------------------------------------------------------------
    def on_score_statement(self, node: Node, scope: Scope) -> None:
        kind = node.child_by_field_name("kind")
        letter = self.text(kind).strip() if kind is not None else self.text(node)[:1]
        instrument = None
        if letter == "i":
            fields = score_fields(node)
            if fields:
                instrument = self.text(fields[0])
                self.model.instrument_refs.append(self.ref(fields[0]))
        self.model.score.append(ScoreStatement(letter, node, instrument))
        # Walked with a cursor: `node.named_children` keeps the child list on the node, which the
        # model keeps, and a long generated score has millions of fields.
        cursor = node.walk()
        has_child = cursor.goto_first_child()
        while has_child:
            child = cursor.node
            has_child = cursor.goto_next_sibling()
            if child is None or not child.is_named:
                continue
            if child.type == "identifier" and letter == "r":
                self.score_macro(child, node)
            elif child.type == "macro_use":
                self.visit(child, scope)
            elif child.type == "score_expression":
                self.visit_children(child, scope)

    def on_score_loop(self, node: Node, scope: Scope) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            self.score_macro(name, node)
        for child in node.named_children:
            if child.type != "identifier":
                self.visit(child, scope)

    def score_macro(self, name: Node, node: Node) -> None:
        """`{ 4 CNT` and `r 3 CNT` define a macro holding the repeat counter."""
        text = self.text(name)
        self.model.macros.setdefault(text, Macro(text, self.ref(name), [], "(repeat counter)", node))

    def on_option(self, node: Node, scope: Scope) -> None:
        flag = node.child_by_field_name("flag")
        value = node.child_by_field_name("value")
        self.model.options.append(
            OptionFlag(
                self.text(flag) if flag is not None else self.text(node),
                self.text(value) if value is not None else None,
                node,
            )
        )

    # -- variables and labels ----------------------------------------------------------------------
    def scope_for(self, name: str, scope: Scope) -> Scope:
        return self.global_scope if is_global_name(name) or scope.kind is ScopeKind.GLOBAL else scope

    def variable(self, name: str, scope: Scope, declared_type: str | None = None) -> Variable:
        owner = self.scope_for(name, scope)
        existing = owner.variables.get(name)
        if existing is None and owner is not self.global_scope:
            # A global defined in the header and used inside an instrument keeps one entry.
            existing = self.global_scope.variables.get(name) if not rate_of(name) else None
        if existing is None:
            if declared_type is not None:
                # `name:k` takes its rate from the type; `name:Point` (a struct) has none.
                base = declared_type.replace(" ", "").rstrip("[]")
                rate = base if base in LETTER_TYPES else None
            else:
                rate = rate_of(name)
            existing = Variable(name, rate, owner is self.global_scope, owner, declared_type)
            existing.is_array = declared_type is not None and declared_type.replace(" ", "").endswith("[]")
            owner.variables[name] = existing
        return existing

    def define(self, node: Node, scope: Scope, declared_type: str | None = None) -> None:
        name = self.text(node)
        self.variable(name, scope, declared_type).definitions.append(self.ref(node, name))

    def use(self, node: Node, scope: Scope) -> None:
        name = self.text(node)
        if name in CONSTANTS:
            self.mark(7, f"the constant '{name}'", node)
            return
        variable = self.variable(name, scope)
        ref = self.ref(node, name)
        variable.uses.append(ref)
        if not variable.definitions:
            variable.early_uses.append(ref)

    def define_target(self, node: Node, scope: Scope) -> None:
        """Marks an output or assignment target as a definition (arrays: the array's name)."""
        if node.type == "identifier":
            self.define(node, scope)
        elif node.type == "typed_identifier":
            name = node.child_by_field_name("name")
            type_node = node.child_by_field_name("type")
            self.mark(7, f"the typed name '{self.text(node)}'", node)
            if name is not None:
                self.define(name, scope, self.text(type_node) if type_node is not None else "")
        elif node.type == "array_access":
            array = node.child_by_field_name("array")
            if array is not None:
                self.use_target(array, scope)
            for index in node.children_by_field_name("index"):
                self.visit(index, scope)
        elif node.type == "array_declaration":
            name = node.child_by_field_name("name") or next(
                (c for c in node.named_children if c.type == "identifier"), None
            )
            if name is not None:
                self.define(name, scope)
                self.variable(self.text(name), scope).is_array = True
        else:
            self.visit(node, scope)

    def use_target(self, node: Node, scope: Scope) -> None:
        if node.type == "identifier":
            self.use(node, scope)
        elif node.type == "typed_identifier":
            name = node.child_by_field_name("name")
            if name is not None:
                self.use(name, scope)
        else:
            self.visit(node, scope)

    def label_use(self, node: Node, scope: Scope) -> None:
        name = self.text(node)
        if name in KEYWORDS7:
            self.mark(6, f"a jump to the label '{name}' (a keyword in Csound 7)", node)
        scope.labels.setdefault(name, Label(name, scope)).uses.append(self.ref(node))


def build_model(document: Document) -> DocumentModel:
    """The model of one document version (here, not in model.py, so the types do not import the walk)."""
    return ModelBuilder(document.source, document.tree.root_node).build()


def orchestra_containers(root: Node) -> list[Node]:
    """The nodes whose children are top-level orchestra items: the root, and each `<CsInstruments>`."""
    containers = [root]
    for child in root.named_children:
        if child.type == "synthesizer":
            containers.extend(c for c in child.named_children if c.type == "instruments_section")
        elif child.type == "instruments_section":
            containers.append(child)
    return containers
