"""The paper, as code: one module per result (see symderive.engine.runner for the module
contract)."""
