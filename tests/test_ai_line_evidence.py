"""Candidates for the rest of a line from how the document already calls the opcode being typed."""

from __future__ import annotations

from csound_lsp.ai.line_evidence import LineHead, defined_names, line_candidates, parse_head
from csound_lsp.ai.line_repair import argument_count, arity_for, cut_to_most, needs_more, split_arguments
from csound_lsp.ai.speed import PrefillSpeed

LINES = [
    "giSine ftgen 0, 0, 8192, 10, 1",
    "instr 1",
    "  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0",
    "  aSig oscili kEnv * p4, p5, giSine",
    "  aL, aR pan2 aSig, 0.3",
    "  outs aL, aR",
    "endin",
    "instr 2",
    "  kVol linseg 0, 1, 1",
    "  aTone oscili ",
    "  aLeft, aRight pan2 aTone, ",
    "endin",
    "",
]


def test_heads_of_opcode_statements() -> None:
    assert parse_head("  aSig oscili ") == LineHead(("aSig",), "oscili", " ")
    assert parse_head("aL, aR pan2 aSig,") == LineHead(("aL", "aR"), "pan2", " aSig,")
    assert parse_head("  outs aL, ") == LineHead((), "outs", " aL, ")
    assert parse_head("aSig oscili:a ") == LineHead(("aSig",), "oscili:a", " ")
    assert parse_head("  aOut MyFilter ", names=["MyFilter"]) == LineHead(("aOut",), "MyFilter", " ")


def test_no_head_for_assignments_control_flow_and_unknown_words() -> None:
    assert parse_head("  kx = ") is None
    assert parse_head("  if kx > 0 then") is None
    assert parse_head("  aOut MyFilter ") is None  # not a UDO this document defines
    assert parse_head("loop:") is None


def test_defined_names_are_outputs_and_assignment_targets() -> None:
    assert defined_names("kA linseg 0, 1, 1\niB = 3\naL, aR pan2 a1, 0\nouts aL, aR\n") == {
        "kA",
        "iB",
        "aL",
        "aR",
    }


def test_the_same_call_elsewhere_adapted_to_the_names_in_scope() -> None:
    line = LINES.index("  aTone oscili ")
    head = parse_head(LINES[line])
    assert head is not None
    found = line_candidates(head, LINES, line, (7, 12))
    # instrument 1's envelope is not defined in instrument 2: its k-rate name there takes its place;
    # the global table keeps its name
    assert [e.text for e in found] == ["kVol * p4, p5, giSine"]
    assert found[0].source == "document"


def test_arguments_already_typed_must_match() -> None:
    line = LINES.index("  aLeft, aRight pan2 aTone, ")
    head = parse_head(LINES[line])
    assert head is not None
    assert line_candidates(head, LINES, line, (7, 12)) == []  # `pan2 aSig, ...` starts otherwise
    typed = LINES[line].replace("aTone, ", "")
    head = parse_head(typed)
    assert head is not None
    assert [e.text for e in line_candidates(head, LINES, line, (7, 12))] == ["aTone, 0.3"]


def test_output_rates_must_match() -> None:
    head = parse_head("  kTone oscili ")
    assert head is not None
    assert line_candidates(head, LINES, 9, (7, 12)) == []  # only a-rate calls of oscili here


def test_examples_come_after_the_document() -> None:
    head = parse_head("  aTone oscili ")
    assert head is not None
    found = line_candidates(head, LINES, 9, (7, 12), examples=["aX oscili 0.5, 220, giSine"])
    assert [(e.text, e.source) for e in found] == [
        ("kVol * p4, p5, giSine", "document"),
        ("0.5, 220, giSine", "example"),
    ]


def test_a_name_with_no_same_rate_name_in_scope_drops_the_candidate() -> None:
    lines = ["instr 1", "  aSig oscili kEnv, 440", "endin", "instr 2", "  aTone oscili ", "endin"]
    head = parse_head(lines[4])
    assert head is not None
    assert line_candidates(head, lines, 4, (3, 6)) == []


def test_prefill_speed_learns_from_reports_and_sizes_prompts() -> None:
    speed = PrefillSpeed()
    assert speed.tokens_within(1.0, floor=96, ceiling=560) == 560  # nothing known: the ceiling
    speed.observe(10, 0.01)  # too small to say anything
    assert speed.tokens_per_s is None
    speed.observe(600, 10.0)
    assert speed.tokens_within(1.0, floor=96, ceiling=560) == 96
    speed.observe(3000, 1.0)  # the load went away: the estimate follows
    assert speed.tokens_per_s is not None and 60 < speed.tokens_per_s < 3000
    assert speed.tokens_within(1.0, floor=96, ceiling=560) > 96


def test_argument_counts_from_the_catalog() -> None:
    head = parse_head("  aSig vco2 ")
    assert head is not None
    arity = arity_for(head)
    assert arity is not None and arity.fewest == 2 and arity.most is not None
    assert needs_more(head, "1", arity)  # one argument of the two vco2 needs
    assert not needs_more(head, "0.5, 440", arity)
    assert not needs_more(head, "; a comment", arity)


def test_an_argument_list_that_runs_on_is_cut_to_the_most_the_opcode_takes() -> None:
    head = parse_head("  amod oscili ")
    assert head is not None
    arity = arity_for(head)
    assert arity is not None and arity.most == 4
    assert cut_to_most(head, "ka1, ifreq1, 1, 0, 1, 0, 1, 0", arity) == "ka1, ifreq1, 1, 0"
    assert cut_to_most(head, "ka1, ifreq1", arity) is None  # nothing beyond the most
    typed = parse_head("  amod oscili kAmp, ")
    assert typed is not None
    assert cut_to_most(typed, "ifreq1, 1, 0, 1, 0", arity) == "ifreq1, 1, 0"


def test_arguments_split_at_top_level_commas_only() -> None:
    assert split_arguments('a, f(b, c), "x, y", d') == ["a", " f(b, c)", ' "x, y"', " d"]
    head = parse_head("  aOut, aR pan2 ")
    assert head is not None
    assert argument_count(head, "aSig, min(k1, k2) ; a comment, with commas") == 2
