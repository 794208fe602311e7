"""Allows `python -m csound_lsp`."""

from csound_lsp.cli import main

raise SystemExit(main())
