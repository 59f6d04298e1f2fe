"""O2G Mentor: a course on ALE's OmniPCX Open Gateway (O2G), with a simulated O2G to practise on."""

__version__ = "0.1.0"
