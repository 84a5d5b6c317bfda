from . import test_phone
from . import test_partner_match
from . import test_inbound
from . import test_statuses
from . import test_state_machine
from . import test_event
from . import test_webhook_controller
