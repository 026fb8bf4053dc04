"""Custom objects and registration, as ``lamina.saving`` has always offered them.

They live on the ground floor (``lamina.utils.object_registration``) so that layers,
initializers and the like can find classes by name without importing saving.
"""
from lamina.utils.object_registration import (  # noqa: F401  (public names of this module)
    CustomObjectScope,
    custom_object_scope,
    custom_objects_in_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
