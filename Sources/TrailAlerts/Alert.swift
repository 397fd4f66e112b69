// Alert targets.
