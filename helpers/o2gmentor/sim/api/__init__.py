"""The O2G REST API of the simulator: one module per O2G service, HTTP ↔ model and nothing else."""
