"""What attendances are numbered and closed with."""

# the ir.sequence of each company's protocol numbers, and its default prefix
PROTOCOL_CODE = "whatsapp.inbox.attendance.protocol"
DEFAULT_PROTOCOL_PREFIX = "%(year)s%(month)s%(day)s-"
CLOSE_METHODS = [("agent", "By an agent"), ("automation", "By an automation"),
                 ("auto_finalize", "Auto-finalize (idle)")]
