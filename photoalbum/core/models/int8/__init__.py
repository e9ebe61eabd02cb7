"""INT8 towers without torch: quantizing, the rule that accepts them, samples, the self-check."""
