"""Meta's message template format: the ``{{1}}`` variables of a header or body, and the
header formats that carry a media file."""

import re

VARIABLE = re.compile(r"{{\s*(\d+)\s*}}")
MEDIA_HEADERS = ("IMAGE", "VIDEO", "DOCUMENT")
