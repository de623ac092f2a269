"""JSON Schema handling: normalising what the model sees, validating calls."""
