"""The sanitiser blanks what runs code or touches the outside, and never moves a line or a column."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from csound_lsp.csound.sanitize import sanitize

CSD = """<CsoundSynthesizer>
<CsOptions>
{options}
</CsOptions>
<CsInstruments>
sr = 44100
{orc}
instr 1
  a1 oscili 0.5, 440
  outs a1, a1
endin
</CsInstruments>
<CsScore{score_attrs}>
i 1 0 1
</CsScore>
{extra}</CsoundSynthesizer>
"""


def csd(options: str = "", orc: str = "", score_attrs: str = "", extra: str = "") -> str:
    return CSD.format(options=options, orc=orc, score_attrs=score_attrs, extra=extra)


def assert_shape_kept(before: str, after: str) -> None:
    assert len(after) == len(before)
    assert [i for i, c in enumerate(after) if c in "\r\n"] == [i for i, c in enumerate(before) if c in "\r\n"]


def options_line(text: str) -> str:
    return text.splitlines()[2]


def test_clean_file_is_unchanged() -> None:
    text = csd(options="-d -m0 --omacro:AMP=0.5 -r 48000 -k 4800 -W")
    result = sanitize(text)
    assert result.text.replace(" ", "") == text.replace(" ", "").replace("-m0", "")
    assert [c.detail for c in result.changes] == ["-m0"]


def test_device_and_file_options_are_dropped() -> None:
    text = csd(options="-odac -iadc -M0 -Q 1 -+rtaudio=jack -+rtmidi=alsa -L stdin -F in.mid --logfile=x.log")
    result = sanitize(text)
    assert options_line(result.text).strip() == ""
    assert {c.detail for c in result.changes} == {
        "-odac", "-iadc", "-M0", "-Q 1", "-+rtaudio=jack", "-+rtmidi=alsa", "-L stdin", "-F in.mid",
        "--logfile=x.log",
    }  # fmt: skip
    assert_shape_kept(text, result.text)


def test_separate_argument_is_dropped_with_its_flag() -> None:
    result = sanitize(csd(options="-o dac -d -i adc"))
    assert options_line(result.text).split() == ["-d"]


def test_one_or_two_file_names_are_dropped_more_are_kept_for_csound_to_refuse() -> None:
    # The csound command takes up to two bare words as file names; the API calls them invalid.
    result = sanitize(csd(options="-o dac -b 256 notes"))
    assert options_line(result.text).split() == ["-b", "256"]
    assert "file name notes" in {c.detail for c in result.changes}
    kept = sanitize(csd(options="-d one two three"))
    assert options_line(kept.text).split() == ["-d", "one", "two", "three"]


def test_cluster_keeps_the_harmless_prefix() -> None:
    result = sanitize(csd(options="-dWodac -Wo out.wav -dm0"))
    assert options_line(result.text).split() == ["-dW", "-W", "-d"]


def test_code_loading_and_environment_options_are_dropped() -> None:
    text = csd(options="--opcode-lib=/tmp/evil.so --opcode-dir=/tmp --env:INCDIR+=/etc --csd-line-nums=0 -v")
    assert options_line(sanitize(text).text).strip() == ""


def test_utility_swallows_the_rest_of_the_options() -> None:
    text = csd(options="-d -U sndinfo evil.wav\n-W")
    lines = sanitize(text).text.splitlines()
    assert lines[2].split() == ["-d"]
    assert lines[3].strip() == ""


def test_macros_and_option_comments_are_kept() -> None:
    text = csd(options='--omacro:NAME="a b" --smacro:X=1 ; -odac here is a comment')
    assert sanitize(text).text == text


def test_unterminated_options_tag_is_blanked_and_reported() -> None:
    text = "<CsoundSynthesizer>\n<CsOptions>\n-odac -d\n<CsInstruments>\ninstr 1\nendin\n</CsInstruments>\n"
    result = sanitize(text)
    assert "<CsOptions>" not in result.text
    assert result.text.splitlines()[2].split() == ["-d"]
    assert [c.kind for c in result.of_kind("unterminated-options")] == ["unterminated-options"]
    assert result.of_kind("unterminated-options")[0].line == 1
    assert_shape_kept(text, result.text)


def test_score_bin_section_is_blanked_whole_so_no_tag_is_left_unpaired() -> None:
    # `<CsScore   >` is still a bin= tag to Csound 6.18 ("Missing program", then "unknown CSD tag
    # </CsScore>"); the body is that program's input, not score.
    text = csd(score_attrs=" bin=\"python3 -c 'open(1)'\"")
    result = sanitize(text)
    assert "CsScore" not in result.text and "bin=" not in result.text
    assert "i 1 0 1" not in result.text
    [change] = result.of_kind("score-bin")
    assert change.line == 12
    assert_shape_kept(text, result.text)


def test_embedded_files_are_blanked() -> None:
    extra = (
        '<CsFileB filename="a.wav">\nUklGRg==\n</CsFileB>\n<CsSampleB filename="1">\nAAAA\n</CsSampleB>\n'
        '<CsMidifileB>\nTVRoZA==\n</CsMidifileB>\n<CsFile filename="x.txt">\nhello\n</CsFile>\n'
    )
    text = csd(extra=extra)
    result = sanitize(text)
    for needle in ("CsFileB", "UklGRg", "CsSampleB", "CsMidifileB", "TVRoZA", "<CsFile", "hello"):
        assert needle not in result.text
    assert len(result.of_kind("embedded-file")) == 4
    assert_shape_kept(text, result.text)


def test_url_includes_are_blanked_and_remembered() -> None:
    orc = '#include "https://example.com/x.udo"\n#include |ftp://host/y.inc|\n#include "local.inc"'
    text = csd(orc=orc)
    result = sanitize(text)
    assert "example.com" not in result.text and "ftp:" not in result.text
    assert '#include "local.inc"' in result.text
    urls = result.of_kind("url-include")
    assert [(c.line, c.detail) for c in urls] == [(6, "https://example.com/x.udo"), (7, "ftp://host/y.inc")]


def test_commented_url_include_is_left_alone() -> None:
    orc = '; #include "http://a/b.inc"\n/* #include "http://c/d.inc" */'
    assert sanitize(csd(orc=orc)).changes == ()


def test_device_includes_are_blanked() -> None:
    result = sanitize('#include "/dev/zero"\ninstr 1\nendin\n', "orc")
    assert "/dev/zero" not in result.text
    assert result.of_kind("device-include")[0].detail == "/dev/zero"


def test_system_command_strings_are_emptied_with_quotes_kept() -> None:
    orc = 'ires system_i 1, "touch /tmp/x"\nkres system ktrig, {{rm -rf ~}}\nSs = "system_i is fine"'
    result = sanitize(orc, "orc")
    lines = result.text.splitlines()
    assert lines[0] == 'ires system_i 1, "' + " " * len("touch /tmp/x") + '"'
    assert lines[1].startswith("kres system ktrig, {{") and "rm" not in lines[1]
    assert lines[2] == 'Ss = "system_i is fine"'
    assert len(result.of_kind("system-command")) == 2


def test_score_files_only_get_include_checks() -> None:
    text = '#include "http://x/y.sco"\ni 1 0 1 "system_i"\n'
    result = sanitize(text, "sco")
    assert [c.kind for c in result.changes] == ["url-include"]


def test_crlf_line_endings_survive() -> None:
    text = csd(options="-odac -d").replace("\n", "\r\n")
    result = sanitize(text)
    assert_shape_kept(text, result.text)
    assert result.text.count("\r\n") == text.count("\r\n")


_pieces = st.sampled_from(
    [
        "<CsOptions>", "</CsOptions>", "<CsScore bin=\"x\">", "<CsScore>", "</CsScore>",
        "<CsFileB filename=a>", "</CsFileB>", "#include \"http://a\"", "#include |/dev/zero|",
        "system_i 1, \"x\"", "-odac", "-U",
        "--env:A=1", "\n", "\r\n", " ", ";", "/*", "*/", "\"", "{{", "}}", "instr 1", "-o", "dac", "é",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces | st.text(max_size=5), max_size=40), st.sampled_from(["csd", "orc", "sco"]))
def test_length_and_line_breaks_never_change(parts: list[str], kind: str) -> None:
    text = "".join(parts)
    result = sanitize(text, kind)  # type: ignore[arg-type]
    assert_shape_kept(text, result.text)
    for before, after in zip(text, result.text, strict=True):
        assert after == before or after == " "
