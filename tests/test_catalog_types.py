"""Type letters: words, parsing, and Csound's matching rules."""

from __future__ import annotations

import pytest

from csound_lsp.catalog.types import (
    IN_LETTERS,
    OUT_LETTERS,
    Param,
    TypeStringError,
    arity,
    compact,
    describe_letter,
    describe_types,
    exactness,
    fits,
    inputs_fit,
    mismatches,
    outputs_fit,
    parse_types,
    variable_type,
)


def test_optional_defaults_match_csound() -> None:
    expected = {"o": 0, "p": 1, "q": 10, "v": 0.5, "j": -1, "h": 127, "O": 0, "J": -1, "V": 0.5, "P": 1}
    for letter, default in expected.items():
        info = IN_LETTERS[letter]
        assert info.optional and info.default == default, letter
    assert all(IN_LETTERS[c].variadic for c in "mMNnWyzZ*")
    assert all(OUT_LETTERS[c].variadic for c in "mzIXNF*")
    assert not IN_LETTERS["k"].optional and IN_LETTERS["k"].default is None


def test_words_for_jo() -> None:
    assert describe_types("jo") == [
        "optional init-time value, -1 when left out",
        "optional init-time value, 0 when left out",
    ]
    assert "audio" in describe_letter("a") and "audio" in describe_letter("m", "out")
    assert describe_letter("m") == "any number of init-time values"


def test_parse_arrays_and_plain() -> None:
    assert parse_types("kkjo") == (Param("k"), Param("k"), Param("j"), Param("o"))
    assert parse_types("i[]k") == (Param("i", 1), Param("k"))
    assert parse_types("k[][]S[]") == (Param("k", 2), Param("S", 1))
    assert parse_types("") == ()
    assert parse_types("a[]", "out")[0].words == "array of audio signals"
    assert parse_types(".[]")[0].words == "array of value of any type"
    assert parse_types("k[][]")[0].spelled == "k[][]"
    with pytest.raises(TypeStringError):
        parse_types("kQ")


def test_param_properties() -> None:
    j = parse_types("j")[0]
    assert j.optional and j.default == -1 and not j.variadic
    x = parse_types("x")[0]
    assert x.rates == frozenset("aki")
    assert parse_types("*")[0].rates == frozenset("*")


def test_arity() -> None:
    assert arity("kkjo") == (2, 4)
    assert arity("iim") == (2, None)
    assert arity("") == (0, 0)
    assert arity("mmmm", "out") == (0, 4)
    assert arity("aX", "out") == (1, None)
    assert compact(parse_types("mmmm", "out")) == (Param("m", 0, "out"),)


def test_single_fits() -> None:
    k, i, a, x = (parse_types(c)[0] for c in "kiax")
    assert fits("i", k) and fits("c", k) and fits("p", k) and fits("k", k)
    assert not fits("a", k) and not fits("k", i)
    assert not fits("c", a), "a constant is not an audio signal in Csound 6"
    assert fits("a", x) and fits("k", x) and fits("c", x) and not fits("S", x)
    assert fits("S", parse_types("T")[0]) and not fits("k", parse_types("T")[0])
    assert fits("k", parse_types("U")[0])
    arr = parse_types("k[]")[0]
    assert fits("k[]", arr) and not fits("k", arr) and not fits("i[]", arr) and not fits("k[]", k)
    assert fits("S[]", parse_types(".[]")[0])
    out_i = parse_types("i", "out")[0]
    assert fits("i", out_i) and fits("p", out_i) and not fits("c", out_i)
    assert not fits("c", parse_types("*", "out")[0])


def test_list_fits_follows_csound_rules() -> None:
    assert inputs_fit(["k", "k"], "kkjo")
    assert inputs_fit(["k", "k", "c", "c"], "kkjo")
    assert not inputs_fit(["k"], "kkjo")
    assert not inputs_fit(["k", "k", "c", "c", "c"], "kkjo")
    assert inputs_fit([], "")
    assert inputs_fit([], "m") and inputs_fit([], "o")
    assert not inputs_fit([], "i")
    assert inputs_fit(["c", "c", "c", "k", "S"], "iiiN")
    assert not inputs_fit(["c", "c", "c", "S"], "iiim")
    assert inputs_fit(["a", "a", "a"], "y")
    assert outputs_fit(["a"], "a") and not outputs_fit(["k"], "a")
    assert outputs_fit(["a", "a"], "mmmm") and outputs_fit([], "mmmm")
    assert outputs_fit(["a"], "aX") and not outputs_fit([], "a")
    assert outputs_fit(["k"], "s") and outputs_fit(["a"], "s")
    assert not outputs_fit(["a", "a"], "a")


def test_mismatches_and_exactness() -> None:
    assert mismatches(["a", "k"], "kkjo") == [0]
    assert mismatches(["k", "k", "c", "c", "c"], "kkjo") == [4]
    assert exactness(["k", "k"], "kkjo") == 2
    assert exactness(["c", "k"], "kkjo") == 1
    assert exactness(["c"], "i") == 1


def test_variable_type() -> None:
    assert variable_type("aSig") == "a"
    assert variable_type("gkVol") == "k"
    assert variable_type("iFreq") == "i"
    assert variable_type("SName") == "S"
    assert variable_type("fsig") == "f"
    assert variable_type("gi") == "i"
    assert variable_type("xyz") is None
    assert variable_type("") is None
