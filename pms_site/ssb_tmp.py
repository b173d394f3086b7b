from pms_site.settings import *  # noqa
DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
