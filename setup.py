"""Compiles the committed tree-sitter parsers into csound_lsp._binding at install time, and puts what the
server reads at run time but keeps at the top of the repository (our corpus, the grammar's queries) into the
wheel as package data, so an installed csound-lsp needs no checkout."""

import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
GRAMMAR = Path("grammars/tree-sitter-csound")
DIALECTS = ("csd", "orc", "sco")
#: (folder in the repository, folder under csound_lsp/data in the wheel, file patterns)
BUNDLED = (
    ("corpus", "corpus", ("**/*.csd", "**/*.orc", "**/*.sco", "**/*.udo", "**/*.inc", "index*.json")),
    (str(GRAMMAR / "queries"), "queries", ("*.scm",)),
)

sources = ["csound_lsp/_binding.c"]
for dialect in DIALECTS:
    src = GRAMMAR / dialect / "src"
    sources.append(str(src / "parser.c"))
    if (src / "scanner.c").exists():
        sources.append(str(src / "scanner.c"))


class BuildPyWithData(build_py):
    """build_py that also copies the top-level corpus and queries into the built package's data folder."""

    def run(self) -> None:
        super().run()
        data = Path(self.build_lib) / "csound_lsp" / "data"
        for source, target, patterns in BUNDLED:
            origin = ROOT / source
            if not origin.is_dir():
                raise SystemExit(f"setup.py: {origin} is missing; the wheel would lack its package data")
            for pattern in patterns:
                for path in origin.glob(pattern):
                    destination = data / target / path.relative_to(origin)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, destination)


setup(
    cmdclass={"build_py": BuildPyWithData},
    ext_modules=[
        Extension(
            "csound_lsp._binding",
            sources=sources,
            extra_compile_args=["-std=c11", "-O2", "-fvisibility=hidden"],
            # The binding only makes capsules: the stable ABI gives one wheel for every Python >= 3.11.
            define_macros=[("Py_LIMITED_API", "0x030B0000")],
            py_limited_api=True,
        )
    ],
    options={"bdist_wheel": {"py_limited_api": "cp311"}},
)
