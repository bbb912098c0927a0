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


# OpenAPI links: what an answer's ids lead to. An integrator's client generator
# (and schemathesis' stateful phase) follows them from a created record to what
# can be done with it. (source operation, status) -> {name: (target, {param: expr})}
def _to(target: str, **parameters: str) -> tuple[str, dict]:
    return target, parameters


# The id of what the answer created.
_ID = "$response.body#/id"
LINKS = {
    ("clients_create", "201"): {
        "GetClient": _to("clients_retrieve", client_id=_ID),
        "UpdateClient": _to("clients_partial_update", client_id=_ID),
        "ListMemories": _to("client_memories_list", client_id=_ID),
        "RecordMemory": _to("client_memories_create", client_id=_ID),
        "SearchMemories": _to("client_memories_search", client_id=_ID),
        "StartConversation": _to("client_conversations_create", client_id=_ID),
        "ImportTranscript": _to("client_transcripts_import", client_id=_ID),
    },
    ("clients_upsert", "201"): {
        "GetClient": _to("clients_retrieve", client_id=_ID),
        "RecordMemory": _to("client_memories_create", client_id=_ID),
    },
    ("client_memories_create", "201"): {
        "GetMemory": _to("memories_retrieve", memory_id=_ID),
        "UpdateMemory": _to("memories_partial_update", memory_id=_ID),
        "MemoryHistory": _to("memories_history", memory_id=_ID),
        "ApproveMemory": _to("memories_approve", memory_id=_ID),
        "RejectMemory": _to("memories_reject", memory_id=_ID),
        "RetractMemory": _to("memories_retract", memory_id=_ID),
    },
    ("analyst_memories_create", "201"): {
        "GetMemory": _to("memories_retrieve", memory_id=_ID),
        "MemoryHistory": _to("memories_history", memory_id=_ID),
    },
    ("client_conversations_create", "201"): {
        "GetConversation": _to("conversations_retrieve", conversation_id=_ID),
        "TakeTurn": _to("conversation_messages_create", conversation_id=_ID),
        "ListMessages": _to("conversation_messages_list", conversation_id=_ID),
    },
    ("analyst_conversations_create", "201"): {
        "GetConversation": _to("conversations_retrieve", conversation_id=_ID),
        "TakeTurn": _to("conversation_messages_create", conversation_id=_ID),
    },
    ("conversation_messages_create", "201"): {
        "ReplyCitations": _to(
            "conversation_message_citations_list",
            conversation_id="$request.path.conversation_id",
            message_id="$response.body#/reply/id",
        ),
        "Rollback": _to(
            "conversations_rollback", conversation_id="$request.path.conversation_id"
        ),
        "NextTurn": _to(
            "conversation_messages_create",
            conversation_id="$request.path.conversation_id",
        ),
    },
    ("client_transcripts_import", "202"): {
        "ImportProgress": _to("imports_retrieve", job_id=_ID),
    },
    ("webhooks_create", "201"): {
        "GetWebhook": _to("webhooks_retrieve", subscription_id=_ID),
        "UpdateWebhook": _to("webhooks_partial_update", subscription_id=_ID),
        "Deliveries": _to("webhooks_deliveries_list", subscription_id=_ID),
        "RotateSecret": _to("webhooks_rotate_secret", subscription_id=_ID),
    },
}


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: add ``LINKS`` to the responses.

    A link to an operation the schema does not have is an error, so a renamed
    operation cannot leave a link that leads nowhere.
    """
    operations = {
        operation["operationId"]: operation
        for methods in result.get("paths", {}).values()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for (source, status), links in LINKS.items():
        for name, (target, _) in links.items():
            if target not in operations:
                raise ValueError(f"link {name} of {source} leads to unknown {target}")
        if source not in operations or status not in operations[source]["responses"]:
            raise ValueError(f"links of {source} {status}: no such response")
        response = operations[source]["responses"][status]
        response["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
        }
    return result
