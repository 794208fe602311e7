from __future__ import annotations

from csound_lsp.retrieval.tokenize import Tokenizer, stem

OPCODES = {"moogladder", "vco2", "K35_lpf", "alpass", "adsr", "pluck", "oscili"}


def test_opcode_names_stay_whole() -> None:
    tokens = Tokenizer(OPCODES).tokenize(
        "aOut moogladder aIn, kCf, kRes\na1 vco2 0.5, 220\naL K35_lpf aIn, 800"
    )
    assert "moogladder" in tokens
    assert "vco2" in tokens and "vco" not in tokens
    assert "k35_lpf" in tokens


def test_rate_prefix_is_dropped_only_where_csound_style_marks_it() -> None:
    tokenizer = Tokenizer(OPCODES)
    assert tokenizer.tokenize("kCutoff") == ["cutoff"]
    assert tokenizer.tokenize("gaReverbSend") == ["reverb", "send", "reverbsend"]
    assert tokenizer.tokenize("S_file") == ["file"]
    # Opcodes that begin with a rate letter are not variables.
    assert tokenizer.tokenize("alpass adsr") == ["alpass", "adsr"]
    # Without an opcode list a lowercase word is still left alone.
    assert Tokenizer().tokenize("alpass") == ["alpass"]


def test_camel_case_numbers_and_stopwords() -> None:
    tokenizer = Tokenizer(OPCODES)
    assert tokenizer.tokenize("PingPong") == ["ping", "pong", "pingpong"]
    assert tokenizer.tokenize("osc2 440 0.25") == ["osc", "2", "440", "0.25"]
    assert tokenizer.tokenize("a delay with the feedback") == ["delay", "feedback"]
    # A variable name that is only a rate and a digit carries nothing.
    assert tokenizer.tokenize("a1 k2") == []


def test_queries_and_code_meet_through_stemming() -> None:
    tokenizer = Tokenizer(OPCODES)
    assert tokenizer.tokenize("plucked strings") == ["pluck", "string"]
    assert stem("delays") == "delay"
    assert stem("ringing") == "ring"
    assert stem("string") == "string"
    assert stem("bass") == "bass"
    # Opcode names are never stemmed, even when they look like English.
    assert Tokenizer({"trigger", "changed"}).tokenize("changed") == ["changed"]
