package dev.ordinal.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Instant;
import java.util.Base64;

/**
 * Reads request bodies kubectl sends as {@code application/vnd.kubernetes.protobuf}: the typed
 * clients behind {@code kubectl create configmap|secret|namespace|service|serviceaccount} encode
 * objects that way, and {@code kubectl drain} its DeleteOptions, and do not fall back to JSON. The envelope is the magic {@code k8s\0}
 * followed by a {@code runtime.Unknown} (typeMeta = 1, raw = 2), whose raw bytes are the object.
 * Only the kinds in {@link KubernetesProtoMessages} are understood, and of them the fields listed
 * there and in {@link PodProtoMessages} (a pod template whole, since {@code kubectl create job
 * --from=cronjob} sends the CronJob's); values that are zero on the wire are left out, as
 * Kubernetes' JSON leaves them out.
 */
public final class ProtobufBodies {
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private ProtobufBodies() {}

  /**
   * The object in a protobuf body, as JSON.
   *
   * @throws ProtoException when the body is malformed or its kind is not one Ordinal reads
   */
  public static ObjectNode decode(byte[] body) {
    if (body.length < MAGIC.length || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0) {
      throw new ProtoException("the body does not start with the Kubernetes protobuf prefix");
    }
    ProtoReader envelope = new ProtoReader(body, MAGIC.length, body.length);
    String apiVersion = "";
    String kind = "";
    byte[] raw = null;
    while (!envelope.done()) {
      int tag = envelope.tag();
      int number = tag >>> 3;
      if (number == 1 && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader typeMeta = envelope.nested();
        while (!typeMeta.done()) {
          int t = typeMeta.tag();
          if (t >>> 3 == 1) {
            apiVersion = typeMeta.string();
          } else if (t >>> 3 == 2) {
            kind = typeMeta.string();
          } else {
            typeMeta.skip(t & 7);
          }
        }
      } else if (number == 2 && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
        raw = envelope.bytes();
      } else {
        envelope.skip(tag & 7);
      }
    }
    ProtoMessage schema = KubernetesProtoMessages.forKind(apiVersion, kind);
    if (schema == null) {
      throw new ProtoException("protobuf bodies of " + apiVersion + " " + kind + " are not supported; send JSON");
    }
    if (raw == null) {
      throw new ProtoException("the protobuf envelope carries no object");
    }
    ObjectNode obj = Json.object();
    obj.put("apiVersion", apiVersion).put("kind", kind);
    obj.setAll(read(new ProtoReader(raw, 0, raw.length), schema));
    return obj;
  }

  private static ObjectNode read(ProtoReader r, ProtoMessage schema) {
    ObjectNode out = Json.object();
    while (!r.done()) {
      int tag = r.tag();
      ProtoMessage.Field f = schema.get(tag >>> 3);
      if (f == null) {
        r.skip(tag & 7);
        continue;
      }
      switch (f.kind()) {
        case STRING -> put(out, f.name(), r.string());
        case BYTES -> {
          byte[] b = r.bytes();
          if (b.length > 0) {
            out.put(f.name(), Base64.getEncoder().encodeToString(b));
          }
        }
        case INT -> {
          long v = r.varint();
          if (v != 0) {
            putNumber(out, f.name(), v);
          }
        }
        case OPTIONAL_INT -> putNumber(out, f.name(), r.varint());
        case BOOL -> {
          if (r.varint() != 0) {
            out.put(f.name(), true);
          }
        }
        case OPTIONAL_BOOL -> out.put(f.name(), r.varint() != 0);
        case MESSAGE -> {
          ObjectNode m = read(r.nested(), f.message());
          if (!m.isEmpty()) {
            out.set(f.name(), m);
          }
        }
        case INLINE -> out.setAll(read(r.nested(), f.message()));
        case QUANTITY -> put(out, f.name(), quantity(r.nested()));
        case MAP_QUANTITY -> quantityEntry(out.with(f.name()), r.nested());
        case REPEATED_INT -> {
          if ((tag & 7) == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader packed = r.nested();
            while (!packed.done()) {
              array(out, f.name()).add(packed.varint());
            }
          } else {
            array(out, f.name()).add(r.varint());
          }
        }
        case REPEATED_MESSAGE -> array(out, f.name()).add(read(r.nested(), f.message()));
        case REPEATED_STRING -> array(out, f.name()).add(r.string());
        case MAP_STRING, MAP_BYTES -> mapEntry(out.with(f.name()), r.nested(), f.kind() == ProtoMessage.Kind.MAP_BYTES);
        case TIME -> {
          ObjectNode t = read(r.nested(), KubernetesProtoMessages.TIME_MESSAGE);
          long seconds = t.path("seconds").asLong(0);
          if (seconds != 0) {
            out.put(f.name(), Instant.ofEpochSecond(seconds).toString());
          }
        }
        case INT_OR_STRING -> {
          ObjectNode v = read(r.nested(), KubernetesProtoMessages.INT_OR_STRING_MESSAGE);
          if (v.path("type").asLong(0) == 1) {
            out.put(f.name(), v.path("strVal").asText(""));
          } else {
            putNumber(out, f.name(), v.path("intVal").asLong(0));
          }
        }
      }
    }
    return out;
  }

  /** As an int when it fits, as JSON parsing would give it (the model's int-or-string wants an int). */
  private static void putNumber(ObjectNode out, String name, long v) {
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.put(name, (int) v);
    } else {
      out.put(name, v);
    }
  }

  private static void put(ObjectNode out, String name, String value) {
    if (!value.isEmpty()) {
      out.put(name, value);
    }
  }

  private static ArrayNode array(ObjectNode out, String name) {
    JsonNode a = out.get(name);
    return a instanceof ArrayNode an ? an : out.putArray(name);
  }

  /** A resource.Quantity: its canonical string is field 1. */
  private static String quantity(ProtoReader q) {
    String value = "";
    while (!q.done()) {
      int tag = q.tag();
      if (tag >>> 3 == 1) {
        value = q.string();
      } else {
        q.skip(tag & 7);
      }
    }
    return value;
  }

  /** A ResourceList entry: the resource's name = 1, its Quantity = 2. */
  private static void quantityEntry(ObjectNode map, ProtoReader entry) {
    String key = "";
    String value = "";
    while (!entry.done()) {
      int tag = entry.tag();
      if (tag >>> 3 == 1) {
        key = entry.string();
      } else if (tag >>> 3 == 2) {
        value = quantity(entry.nested());
      } else {
        entry.skip(tag & 7);
      }
    }
    map.put(key, value);
  }

  /** A map entry is a message with key = 1 and value = 2. */
  private static void mapEntry(ObjectNode map, ProtoReader entry, boolean bytesValue) {
    String key = "";
    String value = "";
    while (!entry.done()) {
      int tag = entry.tag();
      if (tag >>> 3 == 1) {
        key = entry.string();
      } else if (tag >>> 3 == 2) {
        value = bytesValue ? Base64.getEncoder().encodeToString(entry.bytes()) : entry.string();
      } else {
        entry.skip(tag & 7);
      }
    }
    map.put(key, value);
  }
}
