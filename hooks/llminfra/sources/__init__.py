"""Sources: everything read from disk or the network.

The parsers of the three formats (share lists, the series index, screening notes), audio metadata, the
upstream mirror, and the downloads that ``sync`` and ``audio`` make.
"""
