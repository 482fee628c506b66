"""Projects: a task type, default params, instructions and a workflow."""
