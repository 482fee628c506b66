"""Batches: groups of tasks with their own lifecycle (staging, in progress, completed)."""
