from . import graph_api
from . import phone
