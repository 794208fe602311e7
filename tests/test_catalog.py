"""The generated opcode catalog, checked against real Csound data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from csound_lsp.catalog import Catalog, default_catalog, merge_installed
from csound_lsp.catalog.installed import (
    InstalledOpcodes,
    RawEntry,
    format_version,
    normalise_name,
    query_installed,
)
from csound_lsp.catalog.opcodes import BUNDLED_PATH
from csound_lsp.catalog.types import parse_types

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


def test_bundled_file_header() -> None:
    data = json.loads(BUNDLED_PATH.read_text(encoding="utf-8"))
    assert data["format"] == 1
    assert data["csound_version"].startswith("6.")
    assert data["opcode_count"] == len(data["opcodes"])
    assert list(data["opcodes"]) == sorted(data["opcodes"])


def test_size_and_internal_names(catalog: Catalog) -> None:
    assert len(catalog) > 1000
    for name in catalog.names():
        assert "." not in name and not name.startswith("#"), name
        assert name[0].isalpha() or name[0] == "_", name


def test_every_type_string_parses(catalog: Catalog) -> None:
    for opcode in catalog:
        assert opcode.overloads, opcode.name
        for overload in opcode.overloads:
            parse_types(overload.outputs, "out")
            parse_types(overload.inputs, "in")


def test_oscili_has_audio_and_control_forms(catalog: Catalog) -> None:
    oscili = catalog["oscili"]
    assert {"a", "k"} <= oscili.output_types
    assert oscili.produces("a") and oscili.produces("k") and not oscili.produces("S")
    audio = oscili.choose(["a"], ["k", "k"])
    control = oscili.choose(["k"], ["k", "k"])
    assert audio is not None and audio.outputs == "a" and audio.inputs == "kkjo"
    assert control is not None and control.outputs == "k" and control.inputs == "kkjo"
    assert audio.signature("oscili") == "a oscili kkjo"
    assert oscili.choose(["a"], ["a", "a"]) is not None  # aai form
    assert oscili.choose(["k"], ["a", "k"]) is None  # no k output from an audio amplitude
    assert oscili.choose(["S"], ["k", "k"]) is None


def test_fitting_without_outputs_and_ranking(catalog: Catalog) -> None:
    oscili = catalog["oscili"]
    forms = oscili.fitting(None, ["k", "k"])
    assert {f.outputs for f in forms} == {"a", "k"}
    assert all(not f.deprecated for f in forms[:1])


def test_deprecation_recorded(catalog: Catalog) -> None:
    # Csound 6.18 flags these with 0x8000 and `csound -z1` hides them
    assert catalog["xyin"].deprecated
    assert catalog["tb0"].deprecated
    fin = catalog["fin"]
    assert not fin.deprecated and any(o.deprecated for o in fin.overloads)
    assert not catalog["oscili"].deprecated


def test_lookup_and_prefix(catalog: Catalog) -> None:
    assert catalog.get("no_such_opcode") is None
    assert "outs" in catalog
    names = [o.name for o in catalog.with_prefix("osc")]
    assert "oscili" in names and names == sorted(names)
    assert all(n.startswith("osc") for n in names)
    upper = [o.name for o in catalog.with_prefix("osc", ignore_case=True)]
    assert "OSCsend" in upper and "oscili" in upper
    live = catalog.with_prefix("tb", include_deprecated=False)
    assert all(not o.deprecated for o in live)
    assert catalog.with_prefix("zzzzzz") == []


def test_merge_adds_new_opcodes_and_overloads(catalog: Catalog) -> None:
    found = InstalledOpcodes(
        (
            RawEntry("myplugin", "a", "kk", 0),
            RawEntry("myplugin.x", "k", "k", 0),
            RawEntry("##internal", "i", "i", 0),
            RawEntry("oscili", "a", "kkjo", 8),  # already known
            RawEntry("oscili", "S", "S", 0),  # new overload
        ),
        "6.19.0",
    )
    merged, names, count = catalog.merged_with(found)
    assert names == ("myplugin",)
    assert count == 3
    assert merged["myplugin"].origin == "installed" and len(merged["myplugin"].overloads) == 2
    assert any(o.outputs == "S" and o.origin == "installed" for o in merged["oscili"].overloads)
    assert "myplugin" not in catalog, "the original catalog is never changed"
    assert merged.installed_version == "6.19.0"


def test_merge_installed_reports_missing_csound(tmp_path: Path, catalog: Catalog) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'no csound here' >&2\nexit 3\n")
    fake.chmod(0o755)
    found = query_installed(timeout=20, python=str(fake))
    assert found.error and "no csound here" in found.error and not found.entries
    missing = query_installed(timeout=20, python=str(tmp_path / "absent"))
    assert missing.error and not missing.entries


def _installed_version() -> str | None:
    return query_installed(timeout=120).csound_version


def test_merge_installed_with_real_csound(catalog: Catalog) -> None:
    pytest.importorskip("ctcsound")
    result = merge_installed(catalog, timeout=120)
    assert result.error is None, result.error
    assert result.csound_found and result.csound_version
    assert len(result.catalog) == len(catalog) + len(result.added_opcodes)
    if result.csound_version == catalog.csound_version:
        # the bundled data came from this same Csound build, so nothing is new
        assert result.added_opcodes == () and result.added_overloads == 0


def test_child_reports_when_ctcsound_is_missing(tmp_path: Path) -> None:
    blocker = tmp_path / "ctcsound.py"
    blocker.write_text("raise ImportError('libcsound64.so: cannot open shared object file')\n")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; runpy.run_module('csound_lsp.catalog.installed', run_name='__main__')",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert "Csound not found" in done.stdout


def test_names_and_versions() -> None:
    assert normalise_name("oscil.kk") == "oscil"
    assert normalise_name("##add.ii") is None
    assert normalise_name("=.r") is None
    assert normalise_name("$label") is None
    assert format_version(6181) == "6.18.1"


@pytest.mark.skipif(shutil.which("csound") is None, reason="csound not installed")
def test_generated_file_is_current(catalog: Catalog) -> None:
    if _installed_version() != catalog.csound_version:
        pytest.skip("the installed Csound is not the one the bundled catalog came from")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_catalog.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
