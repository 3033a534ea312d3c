"""The model zoo, named as torchvision names them, plus the papers' own families.

``get_model("resnet50")``, ``get_model("wrn_28_10")``, ``build("resnet", layers=(2, 3, 4, 2))``,
``list_models()``, ``families()``. Importing this package registers every model module below.
"""

from .registry import (Family, Knob, build, describe_family, families, get_family, get_model,
                       list_models, member_names, parse_settings, register, register_family)

# Each module registers its builders on import.
# one line per module: from . import NAME  # noqa: E402,F401
from . import alexnet  # noqa: E402,F401
from . import vgg  # noqa: E402,F401
from . import googlenet  # noqa: E402,F401
from . import inception  # noqa: E402,F401
from . import resnet  # noqa: E402,F401
from . import densenet  # noqa: E402,F401
from . import cifar_resnet  # noqa: E402,F401
from . import wide_resnet  # noqa: E402,F401
from . import preact_resnet  # noqa: E402,F401
from . import cifar_densenet  # noqa: E402,F401
from . import googlenet_paper  # noqa: E402,F401
from . import dcgan  # noqa: E402,F401
from . import lenet  # noqa: E402,F401

__all__ = ["Family", "Knob", "build", "describe_family", "families", "get_family", "get_model",
           "list_models", "member_names", "parse_settings", "register", "register_family"]
