"""The real server with two extra checks that always raise, one per item and one whole-document.

`tests/test_check_registry.py` starts this over stdio to see that the other checks still publish.
"""

from __future__ import annotations

from csound_lsp.analysis import registry
from csound_lsp.analysis.findings import Finding
from csound_lsp.cli import main


def broken(_: object) -> list[Finding]:
    raise RuntimeError("this check is broken on purpose")


registry.CHECKS.insert(0, registry.Check("broken-item-check", "item", broken))
registry.CHECKS.append(registry.Check("broken-document-check", "document", broken))

if __name__ == "__main__":
    raise SystemExit(main(["serve"]))
