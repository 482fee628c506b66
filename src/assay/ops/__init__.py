"""The ops pages: projects with progress, batches, the task browser, task detail, throughput."""
