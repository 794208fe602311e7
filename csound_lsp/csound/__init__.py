"""Real Csound, only ever run in a separate process: compile checks and offline rendering."""
