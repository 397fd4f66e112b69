// Rule engine.
