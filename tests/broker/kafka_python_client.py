#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""kafka-python (Debian's python3-kafka) against the lab broker: admin create
topic + describe configs, a producer with acks=all, a consumer reading it
all back. Prints one line per check; exits non-zero on any failure."""
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic

bootstrap = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
admin.create_topics([NewTopic("py-topic", 3, 1, topic_configs={"retention.ms": "3600000"})])
described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "py-topic")])
entries = {c[0]: c[1] for c in described[0].resources[0][4]}
assert entries["retention.ms"] == "3600000", entries
print("describe configs ok: retention.ms=%s" % entries["retention.ms"])

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
sent = [("v%d" % i).encode() for i in range(300)]
for i, value in enumerate(sent):
    producer.send("py-topic", key=str(i % 3).encode(), value=value)
producer.flush()
print("produced %d" % len(sent))

consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=5000)
consumer.assign([TopicPartition("py-topic", p) for p in range(3)])
consumer.seek_to_beginning()
received = [m.value for m in consumer]
assert sorted(received) == sorted(sent), (len(received), len(sent))
print("consumed %d, identical" % len(received))
