from . import whatsapp_inbox_composer
from . import whatsapp_inbox_link_contact
from . import whatsapp_inbox_register_contact
from . import whatsapp_inbox_start
from . import whatsapp_inbox_transfer
