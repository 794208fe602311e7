"""`csound-lsp serve [--tcp HOST:PORT]`: the language server, on stdio by default."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="run the language server (stdio by default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    # Language clients (vscode-languageclient among them) add --stdio for the default transport.
    parser.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="what goes to the editor's log, each line with its level (stderr gets errors only)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.ERROR)
    from csound_lsp.server import create_server
    from csound_lsp.server.log import configure_server_logging

    server = create_server()
    configure_server_logging(server, getattr(args, "log_level", "INFO"))
    tcp = getattr(args, "tcp", None)
    if tcp:
        host, _, port = tcp.rpartition(":")
        if not port.isdigit():
            print(f"csound-lsp: --tcp wants HOST:PORT, got {tcp!r}", file=sys.stderr)
            return 2
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
