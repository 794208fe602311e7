"""One long instrument costs work in proportion to its length, not to its square.

No clocks: the work is counted. Tree walks are counted through a node wrapper that charges what
tree-sitter walks for each question (the node's children, for every children or field lookup), so a
lookup over all of an instrument's children per statement, which once made a 20,000-line instrument
take minutes, shows up however fast the machine is. The whole per-item analysis is counted in
Python function calls.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from tree_sitter import Node

from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.features import hover
from csound_lsp.syntax.document import Document, Position
from csound_lsp.syntax.model_builder import ModelBuilder

HEADER = """sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1
giSine ftgen 0, 0, 16384, 10, 1

opcode Soften, a, ak
  aIn, kAmount xin
  aOut tone aIn, 2000 + kAmount * 6000
  xout aOut
endop

"""

BLOCK = """  ; block {n}
  iFreq{n} = p4 * {m} / 2
  kEnv{n} madsr 0.01, 0.2, 0.6, 0.3
  aOsc{n} vco2 0.2 * kEnv{n}, iFreq{n}
  if iFreq{n} > 400 then
    aOsc{n} = aOsc{n} * 0.5
  else
    kGain = kGain * 0.99
  endif
  kIdx{n} = 0
  while kIdx{n} < 4 do
    kArr[kIdx{n}] = kArr[kIdx{n}] + kEnv{n}
    kIdx{n} += 1
  od
  kTrig{n} metro {m}
  if kTrig{n} == 1 kgoto skip{n}
  aOsc{n} Soften aOsc{n}, kEnv{n}
skip{n}:
  aMix = aMix + aOsc{n} * kGain
"""


def long_instrument(blocks: int) -> str:
    body = "".join(BLOCK.format(n=n, m=1 + n % 7) for n in range(blocks))
    return (
        HEADER
        + "instr 1\n  kGain init 1\n  kArr[] init 4\n  aMix = 0\n"
        + body
        + "  outs aMix, aMix\nendin\n"
    )


class Meter:
    cost = 0


class CountedNode:
    """A tree-sitter node that adds to `meter.cost` what each children or field lookup walks."""

    _walking = frozenset({"named_children", "children", "children_by_field_name", "child_by_field_name"})

    def __init__(self, node: Node, meter: Meter) -> None:
        self._node = node
        self._meter = meter

    def _wrap(self, value: Any) -> Any:
        if isinstance(value, Node):
            return CountedNode(value, self._meter)
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        return value

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._node, name)
        if callable(value):
            method = value

            def call(*args: Any) -> Any:
                if name in self._walking:
                    self._meter.cost += self._node.child_count
                return self._wrap(method(*[a._node if isinstance(a, CountedNode) else a for a in args]))

            return call
        if name in self._walking:
            self._meter.cost += self._node.child_count
        return self._wrap(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CountedNode) and self._node == other._node

    def __hash__(self) -> int:
        return hash(self._node.id)


def build_cost(blocks: int) -> int:
    document = Document("file:///long.orc", long_instrument(blocks))
    meter = Meter()
    root = CountedNode(document.tree.root_node, meter)
    item = next(c for c in root.named_children if c.type == "instrument_definition")
    meter.cost = 0
    model = ModelBuilder(document.source, root).build_item(item, {"Soften"})  # type: ignore[arg-type]
    assert len(model.scopes[0].variables) > 4 * blocks  # the body was really walked
    return meter.cost


def python_calls(action: Callable[[], object]) -> int:
    count = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return count


def assert_linear(small: int, large: int, blocks: int) -> None:
    """Twice the blocks may cost a little over twice the work (fixed costs shrink the ratio; a
    quadratic pass at these sizes would make it ~4)."""
    assert large <= 2.3 * small, f"{blocks} -> {2 * blocks} blocks: work {small} -> {large}"


def test_modelling_a_long_instrument_walks_the_tree_linearly() -> None:
    small, large = build_cost(150), build_cost(300)
    assert_linear(small, large, 150)


def test_analysing_a_long_instrument_is_linear() -> None:
    def analyse(blocks: int) -> int:
        document = Document("file:///long.orc", long_instrument(blocks))
        analysis = IncrementalDiagnostics()
        calls = python_calls(lambda: analysis.findings(document))
        assert analysis.findings(document) == [], "the generated instrument is clean Csound"
        return calls

    analyse(5)  # imports and catalog loading out of the count
    small, large = analyse(150), analyse(300)
    assert_linear(small, large, 150)


def test_hover_after_an_edit_in_a_long_instrument_is_linear() -> None:
    def hover_after_edit(blocks: int) -> int:
        text = long_instrument(blocks)
        document = Document("file:///long.orc", text)
        lines = text.splitlines()
        middle = next(n for n in range(len(lines) // 2, len(lines)) if " vco2 " in lines[n])
        position = Position(middle, lines[middle].index("vco2") + 1)
        hover.hover(document, position)
        document = document.edited([(None, text.replace("; block 1\n", "; block 1 edited\n", 1))], 2)
        found: list[object] = []
        calls = python_calls(lambda: found.append(hover.hover(document, position)))
        assert found[0] is not None and "vco2" in str(found[0])
        return calls

    hover_after_edit(5)
    small, large = hover_after_edit(150), hover_after_edit(300)
    assert_linear(small, large, 150)
