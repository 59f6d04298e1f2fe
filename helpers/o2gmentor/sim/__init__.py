"""The simulated O2G: an OXE model (``model``) behind the O2G REST API (``api``)."""
