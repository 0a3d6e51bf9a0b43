"""The registered experiments: one module each, defining ``EXPERIMENT`` (see symderive.simulate)."""
