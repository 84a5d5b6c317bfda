from . import res_partner
from . import whatsapp_inbox_connection
from . import whatsapp_inbox_department
from . import whatsapp_inbox_tag
from . import whatsapp_inbox_conversation
from . import whatsapp_inbox_message
from . import whatsapp_inbox_event
