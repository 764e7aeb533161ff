"""The static site (``cowork-data site``): a map of the spaces, a page per comune, space and call, the schema
documentation, the download area and charts, all generated from the published data package.

The site is plain files: it can be hosted as it is by a comune or a portal, opened from disk, or served by
``cowork-data serve`` (under ``/sito``). The map libraries are shipped in ``static/vendor``; nothing is loaded
from the network unless a tile URL is configured.
"""

from __future__ import annotations

from cowork_data.site.build import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
