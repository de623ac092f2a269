"""LangChain tools built from JSON Schemas: the shared base and Membrane actions."""
