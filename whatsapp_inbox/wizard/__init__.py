from . import whatsapp_inbox_composer
from . import whatsapp_inbox_link_contact
from . import whatsapp_inbox_register_contact
from . import whatsapp_inbox_start
from . import whatsapp_inbox_transfer
from . import whatsapp_inbox_opt_in
from . import whatsapp_inbox_erase
from . import whatsapp_inbox_composer_billing
