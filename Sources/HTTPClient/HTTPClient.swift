/// An HTTP/1.1 client on Transport: per-host keep-alive pools, timeouts, streaming bodies, TLS.
public enum HTTPClientModule {}
