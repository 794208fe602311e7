"""Feature layer: pure functions from documents and positions to lsprotocol results."""
