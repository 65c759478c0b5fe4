"""Domain code for the LLM-infra reading site.

Everything in this package is plain Python: it parses the markdown sources,
normalises tags and links, and builds the in-memory catalog that the MkDocs
hook (``hooks/site_hooks.py``) turns into pages. Nothing here imports MkDocs,
so the parsers and the catalog can be tested and used from the command line
on their own.
"""
