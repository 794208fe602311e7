"""Syntax layer: tree-sitter languages, incremental documents and the typed model built from the tree."""
