"""Tasks: types (params and responses), the state machine, the wire format, the service."""
