/// A Redis client on RESP: connections with pipelining, a pool, typed commands, pub/sub.
public enum RedisClientModule {}
