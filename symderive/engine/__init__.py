"""The derivation engine: model, Gaussian-integral machinery, checkers, runner and cache."""
