"""spaCy components of the coopwatch pipelines, registered as coopwatch_<name> factories."""
