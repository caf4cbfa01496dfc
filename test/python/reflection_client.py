"""A client that knows no mnemo .proto: it learns the services through server reflection.

Usage: reflection_client.py HOST:PORT (the server's vector dimension must be 4).

Asks grpc.reflection.v1 for every listed service's file, loads the FileDescriptorProtos into a
google.protobuf DescriptorPool (which refuses malformed ones, e.g. map entries not named
XxxEntry), makes message classes from the pool, and calls MemoryService.UpsertEpisodic and
SearchEpisodic and CacheService.SetHash and GetHash through generic calls, then every method of
every mnemo service (EVERY_METHOD, a server stream included). Prints one JSON
object saying what it found and got; exits non-zero on any failure. Needs grpc and
google.protobuf only (Debian: python3-grpcio, python3-protobuf).
"""

import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
F = descriptor_pb2.FieldDescriptorProto


def message_class(descriptor):
    """The class of a message descriptor, across google.protobuf versions."""
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


def reflection_classes():
    """The part of grpc/reflection/v1/reflection.proto this client uses, in a pool of its own."""
    proto = descriptor_pb2.FileDescriptorProto(
        name="reflection_subset.proto", package="grpc.reflection.v1", syntax="proto3"
    )

    def message(name, *fields, oneof=False):
        """A message; with oneof, its fields are one (so that an empty list_services is sent)."""
        m = proto.message_type.add(name=name)
        if oneof:
            m.oneof_decl.add(name="message_request")
        for field_name, number, kind, label, type_name in fields:
            field = m.field.add(name=field_name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = f".grpc.reflection.v1.{type_name}"
            if oneof:
                field.oneof_index = 0

    one, many = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    message(
        "ServerReflectionRequest",
        ("file_by_filename", 3, F.TYPE_STRING, one, None),
        ("file_containing_symbol", 4, F.TYPE_STRING, one, None),
        ("list_services", 7, F.TYPE_STRING, one, None),
        oneof=True,
    )
    message("FileDescriptorResponse", ("file_descriptor_proto", 1, F.TYPE_BYTES, many, None))
    message("ServiceResponse", ("name", 1, F.TYPE_STRING, one, None))
    message("ListServiceResponse", ("service", 1, F.TYPE_MESSAGE, many, "ServiceResponse"))
    message(
        "ErrorResponse",
        ("error_code", 1, F.TYPE_INT32, one, None),
        ("error_message", 2, F.TYPE_STRING, one, None),
    )
    message(
        "ServerReflectionResponse",
        ("file_descriptor_response", 4, F.TYPE_MESSAGE, one, "FileDescriptorResponse"),
        ("list_services_response", 6, F.TYPE_MESSAGE, one, "ListServiceResponse"),
        ("error_response", 7, F.TYPE_MESSAGE, one, "ErrorResponse"),
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    find = pool.FindMessageTypeByName
    return (
        message_class(find("grpc.reflection.v1.ServerReflectionRequest")),
        message_class(find("grpc.reflection.v1.ServerReflectionResponse")),
    )


def reflect(channel, requests):
    """The responses to requests sent in order on one ServerReflectionInfo stream."""
    request_class, response_class = reflection_classes()
    info = channel.stream_stream(
        REFLECTION,
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    responses = list(info(iter([request_class(**r) for r in requests]), timeout=10))
    for response in responses:
        if response.HasField("error_response"):
            raise RuntimeError(f"reflection: {response.error_response.error_message}")
    return responses


def load_pool(channel):
    """A pool holding every file of every listed service, each added after its imports."""
    [listing] = reflect(channel, [{"list_services": ""}])
    services = [s.name for s in listing.list_services_response.service]
    files = {}
    wanted = [{"file_containing_symbol": name} for name in services]
    while wanted:
        for response in reflect(channel, wanted):
            for raw in response.file_descriptor_response.file_descriptor_proto:
                proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
                files[proto.name] = proto
        missing = {d for p in files.values() for d in p.dependency if d not in files}
        wanted = [{"file_by_filename": name} for name in sorted(missing)]
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.AddSerializedFile(files[name].SerializeToString())
        added.add(name)

    for name in sorted(files):
        add(name)
    return pool, services, files


def caller(channel, pool, service, method):
    """A unary call of service/method with messages of the pool's classes."""
    descriptor = pool.FindServiceByName(service).methods_by_name[method]
    request_class = message_class(descriptor.input_type)
    call = channel.unary_unary(
        f"/{service}/{method}",
        request_serializer=request_class.SerializeToString,
        response_deserializer=message_class(descriptor.output_type).FromString,
    )
    return request_class, lambda request: call(request, timeout=5)


# A valid request of every method of the mnemo services, as JSON (dimension 4); the calls run in
# this order, after the ones main() makes first.
EVERY_METHOD = [
    ("mnemo.v1.MemoryService", "UpsertSemantic", {
        "memories": [{"id": "py-c", "concept_vector": {"values": [0, 0, 1, 0]},
                      "memory_type": "MEMORY_TYPE_PATTERN"}],
        "request_id": "py-request-1"}),
    ("mnemo.v1.MemoryService", "GetEpisodic", {"ids": ["py-1"]}),
    ("mnemo.v1.MemoryService", "GetSemantic", {"ids": ["py-c"]}),
    ("mnemo.v1.MemoryService", "SearchEpisodic", {"vector": {"values": [1, 0, 0, 0]}, "k": 1}),
    ("mnemo.v1.MemoryService", "SearchSemantic", {"vector": {"values": [0, 0, 1, 0]}, "k": 1}),
    ("mnemo.v1.MemoryService", "BatchSearchEpisodic",
     {"searches": [{"vector": {"values": [1, 0, 0, 0]}, "k": 1}]}),
    ("mnemo.v1.MemoryService", "RecentEpisodic", {"filter": {"agent_ids": ["py"]}, "page_size": 2}),
    ("mnemo.v1.MemoryService", "ListSemantic", {"page_size": 2, "include_vectors": True}),
    ("mnemo.v1.MemoryService", "GetInfo", {}),
    ("mnemo.v1.MemoryService", "SearchEpisodicStream",
     {"vector": {"values": [1, 0, 0, 0]}, "k": 1, "request_id": 5}),
    ("mnemo.v1.MemoryService", "SearchSemanticStream",
     {"vector": {"values": [0, 0, 1, 0]}, "k": 1, "request_id": 6}),
    ("mnemo.v1.MemoryService", "DeleteEpisodicByFilter",
     {"filter": {"agent_ids": ["py"]}, "allow_match_all": True, "dry_run": True}),
    ("mnemo.v1.MemoryService", "DeleteEpisodic", {"ids": ["py-2"]}),
    ("mnemo.v1.MemoryService", "DeleteSemantic", {"ids": ["py-c"]}),
    ("mnemo.v1.MemoryService", "UpsertEpisodic", {
        "memories": [{"id": "py-3", "agent_id": "py", "state_vector": {"values": [0, 0, 0, 1]}}]}),
    ("mnemo.v1.CacheService", "Set", {"key": "py-k", "value": "aGk=", "ttl_ms": 60000}),
    ("mnemo.v1.CacheService", "Get", {"key": "py-k"}),
    ("mnemo.v1.CacheService", "IncrementBy", {"key": "py-n", "field": "count", "delta": 2}),
    ("mnemo.v1.CacheService", "SetHash", {"key": "py-h", "fields": {"a": "1"}}),
    ("mnemo.v1.CacheService", "GetHash", {"key": "py-h"}),
    ("mnemo.v1.CacheService", "Delete", {"keys": ["py-k", "py-h"]}),
    ("mnemo.v1.RateLimitService", "Acquire",
     {"bucket": "py-bucket", "capacity": 5, "refill_per_second": 1, "tokens": 1}),
    ("mnemo.v1.AuditService", "Append",
     {"entry": {"agent_id": "py", "action": "fill", "tx_id": "py-tx-1", "pnl": 1.5}}),
    ("mnemo.v1.AuditService", "Range", {"agent_id": "py", "page_size": 10}),
    ("mnemo.v1.AuditService", "AgentPnl", {"agent_id": "py"}),
    ("mnemo.v1.AuditService", "Tail", {"after_id": "0", "agent_id": "py"}),
    ("mnemo.v1.SessionService", "StartSession",
     {"agent_id": "py", "start_capital": 1000, "max_drawdown": 0.5, "ttl_ms": 60000}),
    ("mnemo.v1.SessionService", "Heartbeat", {"agent_id": "py"}),
    ("mnemo.v1.SessionService", "RecordTrade", {"agent_id": "py", "pnl": 2.5, "tx_id": "py-t1"}),
    ("mnemo.v1.SessionService", "GetSession", {"agent_id": "py"}),
    ("mnemo.v1.SessionService", "ListSessions", {"page_size": 10}),
    ("mnemo.v1.SessionService", "WatchSessions", {"agent_ids": ["py"], "after_id": "0"}),
    ("mnemo.v1.SessionService", "ResumeSession", {"agent_id": "py"}),
    ("mnemo.v1.SessionService", "EndSession", {"agent_id": "py"}),
    ("mnemo.v1.SignalService", "Publish",
     {"channel": "signals:PY", "payload": "aGk=", "durable": True}),
    ("mnemo.v1.SignalService", "Subscribe", {"channels": ["signals:PY"], "resume_from": "0"}),
]


def call_every_method(channel, pool):
    """Calls every method of EVERY_METHOD with messages of the pool's classes; method → answer.

    Each answer is the response as JSON (a server stream: its first message, then cancelled; a
    bidirectional stream: the answer to its one message), or the status code's name when the
    call failed.
    """
    answers = {}
    for service, method, request in EVERY_METHOD:
        descriptor = pool.FindServiceByName(service).methods_by_name[method]
        request_class = message_class(descriptor.input_type)
        response_class = message_class(descriptor.output_type)
        path = f"/{service}/{method}"
        message = json_format.ParseDict(request, request_class())
        try:
            if descriptor.client_streaming:
                [response] = channel.stream_stream(
                    path,
                    request_serializer=request_class.SerializeToString,
                    response_deserializer=response_class.FromString,
                )(iter([message]), timeout=5)
            elif descriptor.server_streaming:
                stream = channel.unary_stream(
                    path,
                    request_serializer=request_class.SerializeToString,
                    response_deserializer=response_class.FromString,
                )(message, timeout=5)
                response = next(stream)
                stream.cancel()
            else:
                response = channel.unary_unary(
                    path,
                    request_serializer=request_class.SerializeToString,
                    response_deserializer=response_class.FromString,
                )(message, timeout=5)
            answers[f"{service}/{method}"] = json_format.MessageToDict(
                response, preserving_proto_field_name=True
            )
        except grpc.RpcError as error:
            answers[f"{service}/{method}"] = error.code().name
    return answers


def main(target):
    with grpc.insecure_channel(target) as channel:
        pool, services, files = load_pool(channel)
        memory, cache = "mnemo.v1.MemoryService", "mnemo.v1.CacheService"

        Upsert, upsert = caller(channel, pool, memory, "UpsertEpisodic")
        request = Upsert()
        for memory_id, values in (("py-1", [1, 0, 0, 0]), ("py-2", [0, 1, 0, 0])):
            episode = request.memories.add(id=memory_id, agent_id="py", product_id="BTC-USD")
            episode.state_vector.values.extend(values)
        upserted = list(upsert(request).ids)

        Search, search = caller(channel, pool, memory, "SearchEpisodic")
        query = Search(k=2, exact=True)
        query.vector.values.extend([1, 0.1, 0, 0])
        hits = [hit.memory.id for hit in search(query).hits]

        SetHash, set_hash = caller(channel, pool, cache, "SetHash")
        hash_request = SetHash(key="py-hash")
        hash_request.fields["greeting"] = "hello"
        hash_request.fields["answer"] = "42"
        set_hash(hash_request)
        GetHash, get_hash = caller(channel, pool, cache, "GetHash")
        stored = get_hash(GetHash(key="py-hash"))

        called = call_every_method(channel, pool)

        hash_type = pool.FindMessageTypeByName("mnemo.v1.CacheServiceSetHashRequest")
        entry = hash_type.fields_by_name["fields"].message_type
        print(
            json.dumps(
                {
                    "services": sorted(services),
                    "files": sorted(files),
                    "methods": {
                        name: sorted(pool.FindServiceByName(name).methods_by_name)
                        for name in sorted(services)
                        if name.startswith("mnemo.")
                    },
                    "commented": sorted(
                        name for name, proto in files.items() if proto.source_code_info.location
                    ),
                    "map_entry": [entry.full_name, entry.GetOptions().map_entry],
                    "upserted": upserted,
                    "hits": hits,
                    "hash": {"found": stored.found, "fields": dict(stored.fields)},
                    "called": called,
                },
                sort_keys=True,
            )
        )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
