"""The OpenAPI schema's view of the house style.

Operations nest their serializers as ``InputSerializer`` / ``OutputSerializer``
/ ``FilterSerializer``: each becomes a component named after its operation
(``ClientErasureApiInput``), so two operations' inputs never share one name.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

NESTED_NAMES = {"InputSerializer", "OutputSerializer", "FilterSerializer"}


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        cls = type(serializer)
        if cls.__name__ in NESTED_NAMES and "." in cls.__qualname__:
            return cls.__qualname__.replace(".", "")
        return name
