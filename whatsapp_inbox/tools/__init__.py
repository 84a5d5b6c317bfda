from . import graph_api
from . import locks
from . import mail
from . import phone
from . import webhook
