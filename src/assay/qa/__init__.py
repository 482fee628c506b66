"""Quality assurance use-cases: gold and training tasks, annotator standing and skills,
the quality dashboard. The statistics themselves live in the pure ``assay.quality``."""
