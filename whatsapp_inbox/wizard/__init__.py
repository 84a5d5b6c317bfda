from . import whatsapp_inbox_composer
