"""The confluent-kafka (librdkafka) side of tools/bench kafka, with the same batching as BenchKafka.

    kafka_confluent.py produce BOOTSTRAP TOPIC COUNT SIZE   -> msgs/s=X
    kafka_confluent.py consume BOOTSTRAP TOPIC COUNT        -> msgs/s=X
"""
import resource
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition


def cpu_seconds():
    """User plus system CPU seconds of this process, librdkafka's threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def produce(bootstrap, topic, count, size):
    # Same batching as ours: 5 ms linger, 1 MiB batches, acks from the leader, no compression.
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "batch.size": 1 << 20,
                         "acks": 1, "compression.type": "none", "enable.idempotence": False,
                         "queue.buffering.max.messages": 200000})
    value = b"a" * size
    producer.produce(topic, value=value)
    producer.flush(30)
    start = time.perf_counter()
    cpu_at_start = cpu_seconds()
    for _ in range(count):
        while True:
            try:
                producer.produce(topic, value=value)
                break
            except BufferError:
                producer.poll(0.001)
    producer.flush(120)
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_at_start
    print(f"msgs/s={int(count / elapsed)} wall_s={elapsed:.3f} cpu_s={cpu:.3f}")


def consume(bootstrap, topic, count):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-anchor",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest",
                         "fetch.wait.max.ms": 500})
    metadata = consumer.list_topics(topic, timeout=10)
    partitions = [TopicPartition(topic, p, 0) for p in metadata.topics[topic].partitions]
    consumer.assign(partitions)
    received = 0
    size = 0
    start = time.perf_counter()
    cpu_at_start = cpu_seconds()
    while received < count:
        # Ask for no more than remain: consume() waits its full timeout for a batch it cannot fill.
        batch = consumer.consume(num_messages=min(10000, count - received), timeout=5)
        if not batch and time.perf_counter() - start > 120:
            sys.exit(f"only {received} of {count} records in 120 s")
        for message in batch:
            if message.error():
                continue
            received += 1
            size += len(message.value())
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_at_start
    consumer.close()
    print(f"msgs/s={int(received / elapsed)} bytes={size} wall_s={elapsed:.3f} cpu_s={cpu:.3f}")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "produce":
        produce(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "consume":
        consume(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("usage: kafka_confluent.py produce|consume ...")
